//! A given group staffing against demand (issue #20, build 4): `wfm evaluate` and
//! `wfm scenario` with a multi-skill config. The agents per group × interval (a `wfm staff`
//! plan, or a schedule's coverage per group) are simulated with the config's routing, shapes,
//! replications and seed, and every queue's SL, ASA, abandonment and occupancy per interval,
//! per day and over the horizon are set against the queue's targets.
//!
//! The simulation is the one of the staffing's final check
//! ([`crate::simulate::simulate_common_random_numbers`], the queue carried over between
//! intervals): evaluating a `wfm staff` plan with the same replications and seed reproduces the
//! check's figures, and two staffings (or two scenario variants) evaluated with the same seed
//! differ by what they change, not by sampling noise in the intervals they leave alone.
//!
//! # Scenario variants
//! A [`Scenario`] changes, in its scope (queues; dates; weekdays; times of day):
//! - the demand: offered × `volume`, AHT × `aht_factor` + `aht_delta_seconds`;
//! - the agents: `absent_agents = n` fewer in every interval of the scope, taken one at a time
//!   from the group with the most agents among those serving a queue of the scope (every group
//!   without a queue scope), ties in the config's group order; or `absent_agents = { cross = 3 }`:
//!   that many fewer in each named group (an unknown group is an error; the queue scope does not
//!   restrict a named group), never below 0;
//! - the targets of the scope's queues: `sl_target` (0 drops it), `asa_seconds`,
//!   `max_abandon`; `patience_seconds` makes their patience exponential with that mean;
//!   `sl_seconds` sets the threshold of every queue (a scope with queues is then an error).
//!
//! Keys that size a single-queue staffing (model, occupancy cap, shrinkage, concurrency,
//! hours per FTE, async work) have no meaning for a fixed group staffing: they are errors.

use super::verify::{meets, simulate_groups, tally_meets};
use super::{check, in_routing_order, MultiSkillError, MultiSkillOptions, MultiSkillProblem};
use crate::model::{Agents, Demand, Panel, Progress, QueueId};
use crate::simulate::{Dist, SimCell, SlConvention};
use crate::staffing::multiskill::QueueTargets;
use crate::staffing::scenario::Scenario;
use crate::time::NaiveDateTime;

/// How one queue does over one period (an interval, a day or the horizon).
#[derive(Debug, Clone, PartialEq)]
pub struct QueuePeriod {
    /// The queue.
    pub queue: QueueId,
    /// Start of the period (the interval's start, the day's first interval, the horizon's).
    pub start: NaiveDateTime,
    /// Intervals in the period.
    pub intervals: usize,
    /// Intervals with calls offered in the demand.
    pub busy_intervals: usize,
    /// Busy intervals whose simulated mean misses a target.
    pub missed_intervals: usize,
    /// Calls offered in the demand.
    pub offered: f64,
    /// Agent-hours of the groups serving the queue over the period.
    pub serving_agent_hours: f64,
    /// Simulated SL: mean over replications of answered within the threshold ÷ offered.
    pub service_level: Option<f64>,
    /// Simulated mean wait of answered calls, seconds.
    pub asa_secs: Option<f64>,
    /// Simulated abandoned ÷ offered.
    pub abandon_rate: Option<f64>,
    /// Busy ÷ present time of the groups serving the queue.
    pub occupancy: Option<f64>,
    /// Fraction of replications in which the queue meets its targets over the period
    /// (`None` without calls offered in the demand).
    pub p_meet: Option<f64>,
    /// Whether the period's simulated means meet every target (a period without calls does).
    pub met: bool,
}

/// A group staffing evaluated per queue.
#[derive(Debug, Clone)]
pub struct GroupEvaluation {
    /// Per queue × interval, queue-major in the config's queue order.
    pub intervals: Vec<QueuePeriod>,
    /// Per queue × calendar day.
    pub days: Vec<QueuePeriod>,
    /// Per queue over the horizon.
    pub horizon: Vec<QueuePeriod>,
    /// Targets per queue, in the config's queue order.
    pub targets: Vec<QueueTargets>,
    /// Agents per group × interval as simulated (after a scenario's absences).
    pub agents: Panel<Agents>,
    /// Replications simulated.
    pub reps: u32,
    /// Seed of the simulation.
    pub seed: u64,
    /// SL threshold, seconds.
    pub threshold_secs: f64,
}

impl GroupEvaluation {
    /// Queue × intervals that miss a target.
    pub fn missed_intervals(&self) -> usize {
        self.intervals.iter().filter(|r| !r.met).count()
    }
}

/// The agents of `agents` (one series per group, any order) in the routing's group order.
pub(super) fn agents_in_routing_order(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    agents: &Panel<Agents>,
) -> Result<Vec<u32>, MultiSkillError> {
    if agents.grid() != demand.grid() {
        return Err(MultiSkillError::Shape(format!(
            "the agents cover {} × {} from {}, the demand {} × {} from {}",
            agents.grid().grain(),
            agents.grid().len(),
            agents.grid().start(),
            demand.grid().grain(),
            demand.grid().len(),
            demand.grid().start()
        )));
    }
    let groups = problem.routing.groups();
    if let Some(g) = agents
        .queues()
        .iter()
        .find(|g| !groups.iter().any(|x| &x.id == *g))
    {
        return Err(MultiSkillError::Shape(format!(
            "group `{g}` of the staffing is not a group of the config (its groups: {})",
            groups
                .iter()
                .map(|x| x.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut out = Vec::with_capacity(groups.len() * demand.grid().len());
    for g in groups {
        let s = agents.series_of(g.id.as_str()).ok_or_else(|| {
            MultiSkillError::Shape(format!(
                "group `{}` of the config has no agents in the staffing",
                g.id
            ))
        })?;
        out.extend(s.iter().map(|a| a.get()));
    }
    Ok(out)
}

/// Interval ranges of each calendar day the grid touches, in order (days without an interval
/// are left out).
fn day_spans(demand: &Panel<Demand>) -> Vec<std::ops::Range<usize>> {
    let grid = demand.grid();
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for i in 0..grid.len() {
        match spans.last_mut() {
            Some(s) if grid.date(s.start) == grid.date(i) => s.end = i + 1,
            _ => spans.push(i..i + 1),
        }
    }
    spans
}

/// Simulates the group staffing `agents` (one series per group of the config, any order, on
/// the demand's grid) against `demand` with `[simulate]`'s replications and seed
/// (`options.verify_reps`, `options.seed`) and reports every queue against its targets.
///
/// # Errors
/// [`MultiSkillError`] for an option out of its domain, a demand queue no group serves, a
/// group of the config without agents (or the reverse), agents on another grid, or a demand
/// the simulator rejects.
pub fn evaluate_groups(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    agents: &Panel<Agents>,
    options: &MultiSkillOptions,
    progress: &dyn Progress,
) -> Result<GroupEvaluation, MultiSkillError> {
    check(problem, demand, options)?;
    let demand = in_routing_order(&problem.routing, demand)?;
    let agents = agents_in_routing_order(problem, &demand, agents)?;
    evaluate_ordered(problem, &demand, agents, options, progress)
}

pub(super) fn evaluate_ordered(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    agents: Vec<u32>,
    options: &MultiSkillOptions,
    progress: &dyn Progress,
) -> Result<GroupEvaluation, MultiSkillError> {
    let result = simulate_groups(problem, demand, &agents, options, progress)?;
    let n = demand.grid().len();
    let hours = super::interval_hours(demand.grid());
    let cells = result.intervals();
    let routing = &problem.routing;
    let mut ev = GroupEvaluation {
        intervals: Vec::new(),
        days: Vec::new(),
        horizon: Vec::new(),
        targets: problem.targets.clone(),
        agents: Panel::from_cells(
            routing.groups().iter().map(|g| g.id.clone()).collect(),
            *demand.grid(),
            agents.iter().map(|&a| Agents(a)).collect(),
        )
        .map_err(|e| MultiSkillError::Shape(e.to_string()))?,
        reps: options.verify_reps,
        seed: options.seed,
        threshold_secs: options.threshold_secs,
    };
    let spans = day_spans(demand);
    for (q, id) in routing.queues().iter().enumerate() {
        let t = &problem.targets[q];
        let serving: Vec<usize> = routing.servers(q).to_vec();
        let interval_met: Vec<bool> = (0..n)
            .map(|i| demand.get(q, i).offered <= 0.0 || meets(t, cells.get(q, i)))
            .collect();
        let period = |range: std::ops::Range<usize>, cell: &SimCell| {
            let busy = range
                .clone()
                .filter(|&i| demand.get(q, i).offered > 0.0)
                .count();
            let p_meet = (busy > 0).then(|| {
                let totals = result.rep_totals(q, range.clone());
                totals.iter().filter(|x| tally_meets(t, x, true)).count() as f64
                    / totals.len().max(1) as f64
            });
            QueuePeriod {
                queue: id.clone(),
                start: demand.grid().timestamp(range.start),
                intervals: range.len(),
                busy_intervals: busy,
                missed_intervals: range.clone().filter(|&i| !interval_met[i]).count(),
                offered: range.clone().map(|i| demand.get(q, i).offered).sum(),
                serving_agent_hours: range
                    .clone()
                    .map(|i| {
                        serving
                            .iter()
                            .map(|&g| f64::from(agents[g * n + i]))
                            .sum::<f64>()
                    })
                    .sum::<f64>()
                    * hours,
                service_level: cell.sl(SlConvention::OfOffered).map(|s| s.mean),
                asa_secs: cell.asa_secs.as_ref().map(|s| s.mean),
                abandon_rate: cell.abandon_rate.as_ref().map(|s| s.mean),
                occupancy: cell.occupancy.as_ref().map(|s| s.mean),
                p_meet,
                met: busy == 0 || meets(t, cell),
            }
        };
        for (i, &met) in interval_met.iter().enumerate() {
            let mut row = period(i..i + 1, cells.get(q, i));
            row.met = met;
            ev.intervals.push(row);
        }
        for s in &spans {
            ev.days
                .push(period(s.clone(), &result.summarize(&[q], s.clone())));
        }
        ev.horizon.push(period(0..n, &result.summarize(&[q], 0..n)));
    }
    Ok(ev)
}

/// One scenario variant against a group staffing.
#[derive(Debug, Clone)]
pub struct GroupScenarioRun {
    /// The variant's name (`baseline` for the demand and staffing as given).
    pub name: String,
    /// Its scope in words.
    pub scope: String,
    /// Agents absent per interval of the scope.
    pub absent_agents: u32,
    /// Where they are taken from, in words (see `absent_agents` in the module docs).
    pub absent_from: String,
    /// Agent-intervals actually taken off (fewer when a group runs out of agents).
    pub removed: u32,
    /// The staffing under the variant.
    pub evaluation: GroupEvaluation,
}

/// Evaluates the group staffing as given (`baseline`, first) and under every variant (see the
/// module docs for what a variant changes), all with the same seed.
///
/// # Errors
/// As [`evaluate_groups`]; [`MultiSkillError::Parameter`] for a scenario key that does not
/// apply to a group staffing, a scope naming a queue the config does not have or matching no
/// interval, or an AHT change that leaves calls without handle time.
pub fn scenarios_on_groups(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    agents: &Panel<Agents>,
    options: &MultiSkillOptions,
    scenarios: &[Scenario],
    progress: &dyn Progress,
) -> Result<Vec<GroupScenarioRun>, MultiSkillError> {
    check(problem, demand, options)?;
    let demand = in_routing_order(&problem.routing, demand)?;
    let agents = agents_in_routing_order(problem, &demand, agents)?;
    let mut out = vec![GroupScenarioRun {
        name: "baseline".into(),
        scope: "all".into(),
        absent_agents: 0,
        absent_from: String::new(),
        removed: 0,
        evaluation: evaluate_ordered(problem, &demand, agents.clone(), options, progress)?,
    }];
    for s in scenarios {
        let v = Variant::of(s, problem, &demand, &agents, options)?;
        check(&v.problem, &v.demand, &v.options)?;
        out.push(GroupScenarioRun {
            name: s.name.clone(),
            scope: s.scope.describe(),
            absent_agents: absent_total(s),
            absent_from: absent_from(s),
            removed: v.removed,
            evaluation: evaluate_ordered(&v.problem, &v.demand, v.agents, &v.options, progress)?,
        });
    }
    Ok(out)
}

/// A scenario applied to the problem, demand and agents.
pub(super) struct Variant {
    pub(super) problem: MultiSkillProblem,
    pub(super) demand: Panel<Demand>,
    /// The staffing given, minus the variant's absent agents (group-major, routing order).
    pub(super) agents: Vec<u32>,
    pub(super) options: MultiSkillOptions,
    /// Agent-intervals taken off for absences.
    pub(super) removed: u32,
}

impl Variant {
    /// `s` applied to the problem, demand (in routing order) and agents (group-major, routing
    /// order).
    pub(super) fn of(
        s: &Scenario,
        problem: &MultiSkillProblem,
        demand: &Panel<Demand>,
        agents: &[u32],
        options: &MultiSkillOptions,
    ) -> Result<Variant, MultiSkillError> {
        let bad = |key: &str, reason: String| MultiSkillError::Parameter {
            name: format!("scenario `{}` {key}", s.name),
            reason,
        };
        reject_unsupported(s, &bad)?;
        let routing = &problem.routing;
        if let Some(q) = s
            .scope
            .queues
            .iter()
            .find(|q| !routing.queues().iter().any(|x| x.as_str() == q.as_str()))
        {
            return Err(bad(
                "queue",
                format!(
                    "queue `{q}` is not a queue of the config (its queues: {})",
                    routing
                        .queues()
                        .iter()
                        .map(QueueId::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let grid = *demand.grid();
        let n = grid.len();
        let in_scope: Vec<bool> = routing
            .queues()
            .iter()
            .map(|q| s.scope.has_queue(q.as_str()))
            .collect();
        let times: Vec<bool> = (0..n)
            .map(|i| s.scope.has_time(grid.timestamp(i)))
            .collect();
        if !times.iter().any(|&b| b) {
            return Err(bad(
                "scope",
                format!("({}) matches no interval of the demand", s.scope.describe()),
            ));
        }
        let mut v = Variant {
            problem: problem.clone(),
            demand: demand.clone(),
            agents: agents.to_vec(),
            options: options.clone(),
            removed: 0,
        };
        // The demand.
        for (q, _) in in_scope.iter().enumerate().filter(|(_, b)| **b) {
            for (i, _) in times.iter().enumerate().filter(|(_, b)| **b) {
                let d = v.demand.get_mut(q, i);
                d.offered *= s.volume_factor;
                if let Some(a) = d.aht_secs {
                    let changed = a * s.aht_factor + s.aht_delta_secs;
                    if d.offered > 0.0 && changed <= 0.0 {
                        return Err(bad(
                            "aht_delta_seconds",
                            format!(
                                "turns the AHT {a} s of `{}` at {} into {changed} s: the AHT must stay above 0",
                                routing.queues()[q],
                                grid.timestamp(i)
                            ),
                        ));
                    }
                    d.aht_secs = Some(changed.max(0.0));
                }
            }
        }
        v.removed = take_absent(s, routing, &in_scope, &times, &mut v.agents)
            .map_err(|reason| bad("absent_agents", reason))?;
        // The policy.
        let set = &s.settings;
        if let Some(secs) = set.sl_seconds {
            if !s.scope.queues.is_empty() {
                return Err(bad(
                    "sl_seconds",
                    "a multi-skill config has one SL threshold for every queue: drop `queue` from the scope".into(),
                ));
            }
            v.options.threshold_secs = secs.value();
        }
        for (q, _) in in_scope.iter().enumerate().filter(|(_, b)| **b) {
            let t = &mut v.problem.targets[q];
            if let Some(x) = set.sl_target {
                t.service_level = (x.value() > 0.0).then_some(x.value());
            }
            if let Some(x) = set.asa_seconds {
                t.max_asa_secs = Some(x.value());
            }
            if let Some(x) = set.max_abandon {
                t.max_abandon = Some(x.value());
            }
            if let Some(p) = set.patience_seconds {
                v.problem.patience[q] = Some(
                    Dist::exponential(p.value())
                        .map_err(|e| bad("patience_seconds", e.to_string()))?,
                );
            }
        }
        Ok(v)
    }
}

/// Takes a variant's absent agents off `agents` (group-major, routing group order) in every
/// interval of `times`; returns the agent-intervals taken (fewer than asked where a group runs
/// out). Named groups (`absent_agents = { cross = 3 }`) lose their own agents; a number of
/// agents comes one at a time off the group with the most agents among those serving a queue
/// of the scope (ties: the first in the config's order). Errs with the reason when a named
/// group is not a group of the config.
fn take_absent(
    s: &Scenario,
    routing: &crate::simulate::Routing,
    in_scope: &[bool],
    times: &[bool],
    agents: &mut [u32],
) -> Result<u32, String> {
    let n = times.len();
    let groups = routing.groups();
    let mut named = Vec::with_capacity(s.absent_by_group.len());
    for (name, &k) in &s.absent_by_group {
        let g = groups
            .iter()
            .position(|x| x.id.as_str() == name)
            .ok_or_else(|| {
                format!(
                    "`{name}` is not a group of the config (its groups: {})",
                    groups
                        .iter()
                        .map(|x| x.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        named.push((g, k));
    }
    let pool: Vec<usize> = (0..groups.len())
        .filter(|&g| groups[g].skills().iter().any(|&(q, _)| in_scope[q]))
        .collect();
    let mut removed = 0;
    for (i, _) in times.iter().enumerate().filter(|(_, b)| **b) {
        for &(g, k) in &named {
            let a = &mut agents[g * n + i];
            let take = k.min(*a);
            *a -= take;
            removed += take;
        }
        for _ in 0..s.absent_agents {
            let Some(&g) = pool.iter().rev().max_by_key(|&&g| agents[g * n + i]) else {
                break;
            };
            if agents[g * n + i] == 0 {
                break;
            }
            agents[g * n + i] -= 1;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Where a variant's absent agents come from, in words: `cross 3, sales_team 1` for named
/// groups, `most-staffed serving group` for a number, empty without absences.
pub(super) fn absent_from(s: &Scenario) -> String {
    if !s.absent_by_group.is_empty() {
        s.absent_by_group
            .iter()
            .map(|(g, k)| format!("{g} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    } else if s.absent_agents > 0 {
        "most-staffed serving group".into()
    } else {
        String::new()
    }
}

/// Agents absent per interval of a variant's scope: the number, or the named groups' sum.
pub(super) fn absent_total(s: &Scenario) -> u32 {
    s.absent_agents + s.absent_by_group.values().sum::<u32>()
}

/// Errors for the scenario keys that size a single-queue staffing.
fn reject_unsupported(
    s: &Scenario,
    bad: &dyn Fn(&str, String) -> MultiSkillError,
) -> Result<(), MultiSkillError> {
    let set = &s.settings;
    let unsupported = [
        ("model", set.model.is_some()),
        ("kind", set.kind.is_some()),
        ("max_occupancy", set.max_occupancy.is_some()),
        ("shrinkage", set.shrinkage.is_some()),
        ("unplanned_shrinkage", set.unplanned_shrinkage.is_some()),
        ("concurrency", set.concurrency.is_some()),
        ("sla", set.sla.is_some()),
        ("hours_per_fte_day", s.hours_per_fte_day.is_some()),
        ("hours_per_fte_week", s.hours_per_fte_week.is_some()),
    ];
    match unsupported.iter().find(|(_, given)| *given) {
        Some((key, _)) => Err(bad(
            key,
            "does not apply to a group staffing evaluated by simulation (multi-skill config): \
             the keys are volume, aht_factor, aht_delta_seconds, absent_agents, sl_target, \
             sl_seconds, asa_seconds, max_abandon, patience_seconds and the scope"
                .into(),
        )),
        None => Ok(()),
    }
}
