//! Shift planning for a multi-skill center (issue #20, build 3): the requirement is agents per
//! **group** × interval (`wfm staff --config <groups>`), every shift belongs to one group, and
//! the plan covers each group's requirement.
//!
//! # One problem, solved by blocks
//! The joint MIP has one set of shift variables per group; a group's shifts count only toward
//! its own coverage rows, and no row or bound links two groups (each group's agents are a
//! different skill set, so a cross-skilled agent's shift cannot stand in for a dedicated one in
//! the requirement the staffing computed, nor the reverse). Its constraint matrix is therefore
//! block-diagonal and its objective a sum over groups: an optimum of the joint problem is an
//! optimum of every block, and the reverse. The blocks are solved one after the other with the
//! single-requirement MIP ([`super::solve_observed`]), in the config's group order, each under
//! the same options and work limits (deterministic), and each group's cost is its paid hours ×
//! the template's cost per hour × the group's `cost_per_hour`.
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

/// Plans shifts for every group: `required` is agents per group × interval on a dated intraday
/// grid (the staffing's), `cost_per_hour` one value per group of `required` (in its order).
/// The requirement is extended to whole days (0 agents before the grid's first and after its
/// last interval).
///
/// # Errors
/// [`ScheduleError::BadRequirement`] for a grid that is not intraday or a cost that is not
/// positive; what [`solve_observed`] returns for a group (the group is named).
pub fn solve_groups(
    required: &Panel<Agents>,
    cost_per_hour: &[f64],
    rules: &ShiftRules,
    opts: &SolveOptions,
    obs: &mut dyn Observer,
) -> Result<GroupSchedules, ScheduleError> {
    let bad = |reason: String| ScheduleError::BadRequirement { reason };
    let grid = required.grid();
    let interval = grid.interval().ok_or_else(|| {
        bad(format!(
            "the staffing grid must be intraday, got {}",
            grid.grain()
        ))
    })?;
    if cost_per_hour.len() != required.queues().len()
        || cost_per_hour.iter().any(|c| !(c.is_finite() && *c > 0.0))
    {
        return Err(bad(format!(
            "one cost per hour > 0 per group expected, got {cost_per_hour:?} for {} group(s)",
            required.queues().len()
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
    let mut plans = Vec::with_capacity(required.queues().len());
    let mut cover = Vec::with_capacity(required.queues().len() * n);
    let mut req_cells = Vec::with_capacity(required.queues().len() * n);
    for (g, group) in required.queues().iter().enumerate() {
        let mut values = vec![0.0; n];
        for (t, a) in required.series(g).iter().enumerate() {
            values[offset + t] = a.as_f64();
        }
        req_cells.extend(values.iter().map(|&v| Agents(v as u32)));
        let req = Requirement::new(interval, weekday_sun0(first), values, None, None)?
            .with_start_date(first)
            .with_queues(vec![group.to_string()]);
        obs.stage(&format!("group {group}: planning shifts"));
        let schedule = solve_observed(&req, rules, opts, obs).map_err(|e| match e {
            ScheduleError::BadRequirement { reason } => ScheduleError::BadRequirement {
                reason: format!("group `{group}`: {reason}"),
            },
            e => e,
        })?;
        cover.extend(on_phones(&schedule, n)?);
        plans.push(GroupPlan {
            group: group.clone(),
            cost_per_hour: cost_per_hour[g],
            requirement: req,
            schedule,
        });
    }
    let groups = required.queues().to_vec();
    let panel = |cells| {
        Panel::from_cells(groups.clone(), day_grid, cells)
            .map_err(|e| bad(format!("coverage per group: {e}")))
    };
    Ok(GroupSchedules {
        plans,
        coverage: panel(cover)?,
        required: panel(req_cells)?,
    })
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
