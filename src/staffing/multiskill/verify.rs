//! The final check: one simulation of the whole plan, with the queue carried over between
//! intervals (the per-interval search simulates each interval on its own), and a repair of the
//! queue × intervals whose mean misses a target.
//!
//! The check draws with common random numbers
//! ([`crate::simulate::simulate_common_random_numbers`]): an agent added to one interval
//! changes that interval and those its queue carries over into, not the random numbers of the
//! whole horizon, so the repair converges instead of chasing sampling noise. `wfm simulate`
//! (one stream per replication) is then an independent simulation of the same plan.

use super::{MultiSkillError, MultiSkillOptions, MultiSkillProblem, QueueTargets};
use crate::model::{Agents, Demand, Panel, Progress, QueueId};
use crate::simulate::{
    simulate_common_random_numbers, Arrivals, SimCell, SimModel, SimOptions, SimResult,
    SlConvention, Tally,
};

/// How one queue does in the horizon simulation of the final plan.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueCheck {
    /// The queue.
    pub queue: QueueId,
    /// Its targets.
    pub targets: QueueTargets,
    /// Intervals with calls offered.
    pub busy_intervals: usize,
    /// Busy intervals whose simulated mean misses a target.
    pub missed_intervals: usize,
    /// Simulated SL over the horizon (mean over replications of answered within the threshold
    /// ÷ offered).
    pub service_level: Option<f64>,
    /// Simulated abandoned ÷ offered over the horizon (mean over replications).
    pub abandon_rate: Option<f64>,
    /// Simulated ASA over the horizon, seconds (mean over replications).
    pub asa_secs: Option<f64>,
    /// Probability that the queue meets its targets over the horizon: the fraction of
    /// replications in which it does.
    pub p_meet_horizon: f64,
    /// Probability that the queue meets its targets in an interval: the fraction of
    /// replications in which it does, averaged over busy intervals.
    pub p_meet_interval: f64,
}

/// The horizon simulation of the final plan.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Per routing queue.
    pub queues: Vec<QueueCheck>,
    /// Horizon simulations run (the last one is reported).
    pub simulations: u32,
    /// Agents added by the repair rounds (one per group × interval per round).
    pub added: u32,
    /// Simulated mean SL per queue × interval (`None`: no call simulated).
    pub service_level: Panel<Option<f64>>,
    /// Replications and seed of the check (`wfm simulate --reps R --seed S` reproduces it).
    pub reps: u32,
    /// Seed of the check.
    pub seed: u64,
}

pub(super) fn meets(t: &QueueTargets, c: &SimCell) -> bool {
    let sl = c.sl(SlConvention::OfOffered).map(|s| s.mean);
    t.service_level
        .is_none_or(|s| sl.is_none_or(|v| v >= s - 1e-12))
        && t.max_asa_secs
            .is_none_or(|a| c.asa_secs.is_none_or(|v| v.mean <= a + 1e-12))
        && t.max_abandon
            .is_none_or(|b| c.abandon_rate.is_none_or(|v| v.mean <= b + 1e-12))
}

pub(super) fn tally_meets(t: &QueueTargets, x: &Tally, threshold_ok: bool) -> bool {
    let off = f64::from(x.offered);
    if off == 0.0 {
        return threshold_ok;
    }
    t.service_level
        .is_none_or(|s| f64::from(x.answered_within) / off >= s - 1e-12)
        && t.max_abandon
            .is_none_or(|b| f64::from(x.abandoned) / off <= b + 1e-12)
        && t.max_asa_secs.is_none_or(|a| {
            x.answered == 0 || x.wait_answered_secs / f64::from(x.answered) <= a + 1e-12
        })
}

/// The group that gets an extra agent for queue `q`: the cheapest serving it, then the one
/// serving it at the best priority, then the one with the fewest skills, then routing order.
fn repair_group(problem: &MultiSkillProblem, q: usize) -> usize {
    let mut best: Option<(f64, u32, usize, usize)> = None;
    for (g, grp) in problem.routing.groups().iter().enumerate() {
        if let Some(&(_, prio)) = grp.skills().iter().find(|&&(k, _)| k == q) {
            let key = (problem.groups[g].cost_per_hour, prio, grp.skills().len(), g);
            if best.is_none_or(|b| {
                key.0 < b.0 || (key.0 == b.0 && (key.1, key.2, key.3) < (b.1, b.2, b.3))
            }) {
                best = Some(key);
            }
        }
    }
    best.map_or(0, |b| b.3)
}

/// Simulates the group staffing `agents` (routing order, on the demand's grid) with common
/// random numbers, `verify_reps` replications and the options' seed.
pub(super) fn simulate_groups(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    agents: &[u32],
    options: &MultiSkillOptions,
    progress: &dyn Progress,
) -> Result<SimResult, MultiSkillError> {
    let groups = problem
        .routing
        .groups()
        .iter()
        .map(|g| g.id.clone())
        .collect();
    let panel = Panel::from_cells(
        groups,
        *demand.grid(),
        agents.iter().map(|&a| Agents(a)).collect(),
    )
    .map_err(|e| MultiSkillError::Shape(e.to_string()))?;
    let model = SimModel {
        demand,
        agents: &panel,
        routing: &problem.routing,
        service: problem.service.clone(),
        patience: problem.patience.clone(),
        arrivals: Arrivals::Poisson,
    };
    let opts = SimOptions {
        reps: options.verify_reps,
        seed: options.seed,
        threshold_secs: options.threshold_secs,
        threads: options.threads,
    };
    Ok(simulate_common_random_numbers(&model, &opts, progress)?)
}

/// Simulates the plan over the horizon; while a busy queue × interval misses a target in the
/// mean and rounds are left, adds one agent to that queue's cheapest group there and simulates
/// again.
pub(super) fn verify_and_repair(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    agents: &mut [u32],
    options: &MultiSkillOptions,
    progress: &dyn Progress,
) -> Result<Verification, MultiSkillError> {
    let n = demand.grid().len();
    let nq = problem.routing.queues().len();
    let mut simulations = 0;
    let mut added = 0;
    loop {
        let result = simulate_groups(problem, demand, agents, options, progress)?;
        simulations += 1;
        let cells = result.intervals();
        let mut misses: Vec<(usize, usize)> = Vec::new();
        for q in 0..nq {
            for t in 0..n {
                if demand.get(q, t).offered > 0.0 && !meets(&problem.targets[q], cells.get(q, t)) {
                    misses.push((q, t));
                }
            }
        }
        if misses.is_empty() || simulations > options.repair_rounds {
            return Ok(summarize(
                problem,
                demand,
                &result,
                &cells,
                simulations,
                added,
                options,
            ));
        }
        let mut bumped = std::collections::BTreeSet::new();
        for (q, t) in misses {
            let g = repair_group(problem, q);
            let room = problem.groups[g]
                .max_agents
                .is_none_or(|m| agents[g * n + t] < m);
            if room && bumped.insert((g, t)) {
                agents[g * n + t] += 1;
                added += 1;
            }
        }
        if bumped.is_empty() {
            return Ok(summarize(
                problem,
                demand,
                &result,
                &cells,
                simulations,
                added,
                options,
            ));
        }
    }
}

fn summarize(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    result: &SimResult,
    cells: &Panel<SimCell>,
    simulations: u32,
    added: u32,
    options: &MultiSkillOptions,
) -> Verification {
    let n = demand.grid().len();
    let reps = result.replications();
    let queues = problem
        .routing
        .queues()
        .iter()
        .enumerate()
        .map(|(q, id)| {
            let t = &problem.targets[q];
            let busy: Vec<usize> = (0..n).filter(|&i| demand.get(q, i).offered > 0.0).collect();
            let missed = busy.iter().filter(|&&i| !meets(t, cells.get(q, i))).count();
            let horizon = result.summarize(&[q], 0..n);
            let totals = result.rep_totals(q, 0..n);
            let p_meet_horizon = totals.iter().filter(|x| tally_meets(t, x, true)).count() as f64
                / reps.len().max(1) as f64;
            let p_meet_interval = if busy.is_empty() {
                1.0
            } else {
                busy.iter()
                    .map(|&i| {
                        reps.iter()
                            .filter(|r| tally_meets(t, &r.cells[q * n + i], true))
                            .count() as f64
                            / reps.len().max(1) as f64
                    })
                    .sum::<f64>()
                    / busy.len() as f64
            };
            QueueCheck {
                queue: id.clone(),
                targets: *t,
                busy_intervals: busy.len(),
                missed_intervals: missed,
                service_level: horizon.sl(SlConvention::OfOffered).map(|s| s.mean),
                abandon_rate: horizon.abandon_rate.map(|s| s.mean),
                asa_secs: horizon.asa_secs.map(|s| s.mean),
                p_meet_horizon,
                p_meet_interval,
            }
        })
        .collect();
    Verification {
        queues,
        simulations,
        added,
        service_level: cells.map(|c| c.sl(SlConvention::OfOffered).map(|s| s.mean)),
        reps: options.verify_reps,
        seed: options.seed,
    }
}
