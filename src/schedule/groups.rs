//! Shift planning for a multi-skill center (issue #20, build 3): the requirement is agents per
//! **group** × interval (`wfm staff --config <groups>`), every shift belongs to one group, and
//! the plan covers each group's requirement.
//!
//! # One problem, solved by blocks
//! The joint MIP has one set of shift variables per group; a group's shifts count only toward
//! its own coverage rows, and no row or bound links two groups. Its constraint matrix is
//! therefore block-diagonal and its objective a sum over groups: an optimum of the joint
//! problem is an optimum of every block, and the reverse. The blocks are solved one after the
//! other with the single-requirement MIP ([`super::solve_observed`]), each under the same
//! options and work limits (deterministic), and each group's cost is its paid hours × the
//! template's cost per hour × the group's `cost_per_hour`.
//!
//! # Standing in (optional)
//! An agent whose first priority level is exactly another group's queues can take that group's
//! place (a cross-skilled agent serving SUPPORT first for a SUPPORT agent). Shifts come in blocks of hours, so a group's
//! plan has agents on the phones beyond its requirement in many intervals; with `stand_in`
//! those spare agents count toward the requirement of the groups they may replace, which are
//! planned afterwards for what is left. This links the blocks in one direction only (a greedy
//! pass over the groups, most skills first), not a joint optimum, and a stand-in changes who
//! answers which call: the simulation of the plan ([`crate::staffing::multiskill`]) is the
//! judge of the service it gives.
//!
//! # Coverage per group
//! [`GroupSchedules::coverage`] counts, per group and requirement interval, the **fewest**
//! agents on the phones (on shift, not on a break) over the planning intervals inside it: a
//! break in either quarter of a half-hour takes the agent off for the half-hour. It is a whole
//! number, which the multi-skill simulator needs, and errs on the side of fewer agents.

use super::{solve_observed, Observer, Requirement, Schedule, ScheduleError, ShiftRules};
use super::{SolveOptions, Termination};
use crate::model::{Agents, Panel, QueueId, TimeGrid};
use crate::time::{Datelike, NaiveDate};

/// The plan of one group.
#[derive(Debug, Clone)]
pub struct GroupPlan {
    /// The group.
    pub group: QueueId,
    /// Cost of one agent-hour of the group (× the templates' cost per hour).
    pub cost_per_hour: f64,
    /// Its requirement (whole days from the first day of the staffing).
    pub requirement: Requirement,
    /// Its shifts, coverage and summary.
    pub schedule: Schedule,
}

impl GroupPlan {
    /// The group's cost: the plan's cost (paid hours × templates' cost per hour) × the group's.
    pub fn cost(&self) -> f64 {
        self.schedule.summary.cost * self.cost_per_hour
    }
}

/// The plan of every group.
#[derive(Debug, Clone)]
pub struct GroupSchedules {
    /// Per group, in the order given.
    pub plans: Vec<GroupPlan>,
    /// Agents on the phones per group × requirement interval (see the module docs), on the
    /// whole days of the requirement.
    pub coverage: Panel<Agents>,
    /// Required agents per group × requirement interval, on the same grid.
    pub required: Panel<Agents>,
    /// Of [`GroupSchedules::required`], the agents other groups' spare agents stand in for
    /// (0 without substitution).
    pub stood_in: Panel<Agents>,
}

impl GroupSchedules {
    /// Paid agent-hours over every group.
    pub fn paid_agent_hours(&self) -> f64 {
        self.plans
            .iter()
            .map(|p| p.schedule.summary.paid_agent_hours)
            .sum()
    }
    /// Cost over every group.
    pub fn cost(&self) -> f64 {
        self.plans.iter().map(GroupPlan::cost).sum()
    }
    /// Whether every group's plan is feasible and, for the cost objective, covers its
    /// requirement in every interval.
    pub fn covered(&self) -> bool {
        self.plans.iter().all(|p| {
            !matches!(p.schedule.termination, Termination::Infeasible { .. })
                && p.schedule.summary.understaffed_intervals == 0
        })
    }
}

/// Sunday = 0.
fn weekday_sun0(d: NaiveDate) -> usize {
    d.weekday().num_days_from_sunday() as usize
}

/// What [`solve_groups`] plans (see there).
#[derive(Debug, Clone, Copy)]
pub struct GroupInput<'a> {
    /// Agents per group × interval on a dated intraday grid.
    pub required: &'a Panel<Agents>,
    /// Per group of `required`, in its order.
    pub cost_per_hour: &'a [f64],
    /// Per group, the groups it may stand in for ([`stand_in`]; empty lists: none).
    pub stand_in: &'a [Vec<usize>],
    /// Group × interval of the whole days where a group takes no stand-in (empty: none).
    pub blocked: &'a [Vec<bool>],
    /// An earlier result whose unchanged groups keep their plans.
    pub previous: Option<&'a GroupSchedules>,
}

/// Plans shifts for every group: `required` is agents per group × interval on a dated intraday
/// grid (the staffing's), `cost_per_hour` one value per group of `required` (in its order).
/// The requirement is extended to whole days (0 agents before the grid's first and after its
/// last interval).
///
/// `stand_in[g]` lists the groups (indices into `required`) whose agents group `g`'s agents may
/// replace — the groups whose queues are all among `g`'s (see [`stand_in`]); empty lists give
/// independent blocks. A group is then planned after every group that may stand in for it, and
/// the agents those groups have on the phones beyond their own requirement count toward its
/// requirement first (given to the groups `g` lists in that order, interval by interval).
///
/// `blocked` (group × interval of the whole days, as [`GroupSchedules::required`]; empty: none)
/// marks where a group takes no stand-in: its own agents cover its requirement there.
/// `previous`: an earlier result for the same requirement and rules; a group whose requirement
/// left to plan is the same as there keeps its plan (the solve is deterministic).
///
/// # Errors
/// [`ScheduleError::BadRequirement`] for a grid that is not intraday, a cost that is not
/// positive or a `stand_in` or `blocked` of another shape; what [`solve_observed`] returns for
/// a group (the group is named).
pub fn solve_groups(
    input: &GroupInput<'_>,
    rules: &ShiftRules,
    opts: &SolveOptions,
    obs: &mut dyn Observer,
) -> Result<GroupSchedules, ScheduleError> {
    let GroupInput {
        required,
        cost_per_hour,
        stand_in,
        blocked,
        previous,
    } = *input;
    let bad = |reason: String| ScheduleError::BadRequirement { reason };
    let grid = required.grid();
    let ng = required.queues().len();
    let interval = grid.interval().ok_or_else(|| {
        bad(format!(
            "the staffing grid must be intraday, got {}",
            grid.grain()
        ))
    })?;
    if cost_per_hour.len() != ng || cost_per_hour.iter().any(|c| !(c.is_finite() && *c > 0.0)) {
        return Err(bad(format!(
            "one cost per hour > 0 per group expected, got {cost_per_hour:?} for {ng} group(s)"
        )));
    }
    if stand_in.len() != ng || stand_in.iter().flatten().any(|&h| h >= ng) {
        return Err(bad(format!(
            "one list of groups to stand in for per group expected, got {stand_in:?} for {ng} group(s)"
        )));
    }
    if grid.is_empty() {
        return Err(bad("the staffing has no interval".into()));
    }
    let first = grid.date(0);
    let days = (grid.date(grid.len() - 1) - first).num_days() as usize + 1;
    let day_grid = TimeGrid::days(first, interval, days);
    let offset = day_grid
        .position(grid.start())
        .ok_or_else(|| bad(format!("{} is not on the {} grid", grid.start(), interval)))?;
    let n = day_grid.len();
    if !blocked.is_empty() && (blocked.len() != ng || blocked.iter().any(|b| b.len() != n)) {
        return Err(bad(format!(
            "blocked: one flag per group × interval of the {days} whole day(s) expected"
        )));
    }
    let is_blocked = |h: usize, t: usize| !blocked.is_empty() && blocked[h][t];
    let mut need = vec![vec![0u32; n]; ng];
    for (g, series) in need.iter_mut().enumerate() {
        for (t, a) in required.series(g).iter().enumerate() {
            series[offset + t] = a.get();
        }
    }
    let mut credit = vec![vec![0u32; n]; ng];
    let mut solved: Vec<Option<(GroupPlan, Vec<Agents>)>> = vec![None; ng];
    for g in order(stand_in)? {
        let group = &required.queues()[g];
        let residual: Vec<f64> = (0..n)
            .map(|t| f64::from(need[g][t].saturating_sub(credit[g][t])))
            .collect();
        let req = Requirement::new(interval, weekday_sun0(first), residual, None, None)?
            .with_start_date(first)
            .with_queues(vec![group.to_string()]);
        let kept = previous
            .and_then(|p| p.plans.get(g))
            .filter(|p| p.group == *group && p.requirement == req);
        let schedule = match kept {
            Some(p) => {
                obs.stage(&format!("group {group}: requirement unchanged, plan kept"));
                p.schedule.clone()
            }
            None => {
                obs.stage(&format!("group {group}: planning shifts"));
                solve_observed(&req, rules, opts, obs).map_err(|e| match e {
                    ScheduleError::BadRequirement { reason } => ScheduleError::BadRequirement {
                        reason: format!("group `{group}`: {reason}"),
                    },
                    e => e,
                })?
            }
        };
        let on = on_phones(&schedule, n)?;
        for t in 0..n {
            let mut spare = on[t].get().saturating_sub(req.required()[t] as u32);
            for &h in stand_in[g].iter().filter(|&&h| !is_blocked(h, t)) {
                let give = spare.min(need[h][t].saturating_sub(credit[h][t]));
                credit[h][t] += give;
                spare -= give;
            }
        }
        solved[g] = Some((
            GroupPlan {
                group: group.clone(),
                cost_per_hour: cost_per_hour[g],
                requirement: req,
                schedule,
            },
            on,
        ));
    }
    let mut plans = Vec::with_capacity(ng);
    let mut cover = Vec::with_capacity(ng * n);
    for s in solved {
        let (plan, on) = s.expect("every group is planned");
        plans.push(plan);
        cover.extend(on);
    }
    let groups = required.queues().to_vec();
    let panel = |cells| {
        Panel::from_cells(groups.clone(), day_grid, cells)
            .map_err(|e| bad(format!("coverage per group: {e}")))
    };
    let flat = |v: &[Vec<u32>]| v.iter().flatten().map(|&a| Agents(a)).collect::<Vec<_>>();
    Ok(GroupSchedules {
        plans,
        coverage: panel(cover)?,
        required: panel(flat(&need))?,
        stood_in: panel(flat(&credit))?,
    })
}

/// For each group, the groups it may stand in for: those (other than itself) that serve, at one
/// priority level, exactly the queues of its **first** level, in the order given. `skills[g]`
/// are group `g`'s `(queue, priority level)` pairs, 0 the first. An agent of `g` then takes
/// every call such a group's agent would take, in the same order and as soon as it would (its
/// other queues wait behind them); it is still a different agent when it is busy with one of
/// its other queues, which is why the plan is simulated.
pub fn stand_in(skills: &[Vec<(usize, u32)>]) -> Vec<Vec<usize>> {
    let first = |g: usize| -> Vec<usize> {
        let best = skills[g].iter().map(|&(_, p)| p).min().unwrap_or(0);
        let mut v: Vec<usize> = skills[g]
            .iter()
            .filter(|&&(_, p)| p == best)
            .map(|&(q, _)| q)
            .collect();
        v.sort_unstable();
        v
    };
    let one_level = |h: usize| skills[h].iter().all(|&(_, p)| p == skills[h][0].1);
    (0..skills.len())
        .map(|g| {
            let top = first(g);
            (0..skills.len())
                .filter(|&h| h != g && one_level(h) && first(h) == top)
                .collect()
        })
        .collect()
}

/// A planning order in which every group comes after the groups that may stand in for it
/// (ties in the given order).
///
/// # Errors
/// [`ScheduleError::BadRequirement`] when two groups may stand in for each other (the same
/// skills): which one's spare agents count for the other would be arbitrary.
fn order(stand_in: &[Vec<usize>]) -> Result<Vec<usize>, ScheduleError> {
    let ng = stand_in.len();
    let mut out = Vec::with_capacity(ng);
    let mut done = vec![false; ng];
    while out.len() < ng {
        let next = (0..ng)
            .find(|&h| !done[h] && (0..ng).all(|g| done[g] || g == h || !stand_in[g].contains(&h)));
        match next {
            Some(h) => {
                done[h] = true;
                out.push(h);
            }
            None => {
                return Err(ScheduleError::BadRequirement {
                    reason: "two groups serve the same queues and may stand in for each other: merge them or plan without --substitute".into(),
                })
            }
        }
    }
    Ok(out)
}

/// The fewest agents on the phones in each of `n` requirement intervals (the plan's coverage
/// is per planning interval, a divisor of the requirement's).
fn on_phones(s: &Schedule, n: usize) -> Result<Vec<Agents>, ScheduleError> {
    let m = s.coverage.len();
    if m == 0 || m % n != 0 {
        return Err(ScheduleError::BadRequirement {
            reason: format!("{m} coverage intervals do not split into {n} requirement intervals"),
        });
    }
    let k = m / n;
    Ok((0..n)
        .map(|t| {
            let fewest = s.coverage[t * k..(t + 1) * k]
                .iter()
                .map(|c| c.scheduled)
                .fold(f64::INFINITY, f64::min);
            Agents(fewest.max(0.0).round() as u32)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_stands_in_only_for_groups_within_its_first_level() {
        // 0: A only; 1: B only; 2: cross A first, then B; 3: A and B at one level.
        let skills = vec![
            vec![(0, 0)],
            vec![(1, 0)],
            vec![(0, 0), (1, 1)],
            vec![(0, 0), (1, 0)],
        ];
        let s = stand_in(&skills);
        // 2 serves A first as 0 does; 3 serves A and B longest-wait first, as nobody else.
        assert_eq!(s, vec![vec![], vec![], vec![0], vec![]]);
        // Groups that may stand in for others are planned first.
        let o = order(&s).unwrap();
        assert_eq!(o, vec![1, 2, 0, 3]);
        // Two groups with the same first level stand in for each other: refused.
        let twins = stand_in(&[vec![(0, 0)], vec![(0, 0)]]);
        assert_eq!(twins, vec![vec![1], vec![0]]);
        assert!(order(&twins).is_err());
        // Without stand-ins: the given order.
        assert_eq!(order(&[vec![], vec![], vec![]]).unwrap(), vec![0, 1, 2]);
    }
}
