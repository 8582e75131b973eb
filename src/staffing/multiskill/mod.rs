//! Multi-skill staffing: agents per *group* × interval that meet every queue's targets at least
//! cost, when groups serve several queues by priority (issue #20).
//!
//! A center sits between two Erlang answers: every queue staffed on its own
//! ([`Bounds::separate`], the expensive end) and every agent able to take every call
//! ([`Bounds::pooled`], the cheap end). Cross-skilled groups routed by priority sit in between,
//! and no formula gives their service levels: the simulator does ([`crate::simulate`]).
//!
//! # Method (Cezik & L'Ecuyer 2008)
//! Each interval is its own problem (stationary rates within the interval, as in the
//! single-queue staffing of [`crate::staffing`]):
//!
//! `min Σ_g c_g·y_g` over whole agents `y_g ∈ [min_g, max_g]` such that every queue's targets
//! hold, `SL_k(y) ≥ s_k`, `ASA_k(y) ≤ a_k`, `abandon_k(y) ≤ b_k`.
//!
//! 1. **Start**: the integer program with *work-conservation* rows only: for every set `S` of
//!    queues, the groups serving some queue of `S` must carry the work the targets imply,
//!    `Σ_{g serves S} y_g ≥ Σ_{k∈S} load_k · f_k`, with `f_k` the fraction of calls that must be
//!    answered (the SL target, `1 − max abandon`, or 1 without abandonment). These rows hold for
//!    any staffing that meets the targets (occupancy ≤ 1), so they cut off no solution.
//! 2. **Simulate** the integer program's optimum `ŷ` (one warm-up interval, then the measured
//!    interval; `reps` replications; [`crate::simulate::CrnModel`]: common random numbers, so
//!    every staffing of the interval sees the same calls).
//! 3. If every target holds, **stop** ([`Termination::Converged`]). Otherwise, for each violated
//!    target `j`, estimate a subgradient by forward differences `q_jg = m_j(ŷ + e_g) − m_j(ŷ)`
//!    (negative differences are noise: set to 0) and add the **cut**
//!    `m_j(ŷ) + Σ_g q_jg·(y_g − ŷ_g) ≥ target_j`. When no group improves `m_j` (the flat region far
//!    below the target) add instead `Σ_{g serves k} y_g ≥ Σ_{g serves k} ŷ_g + 1`. Solve again.
//! 4. The cuts are exact only where the metrics are concave in `y` (near the targets); a cut from
//!    the convex region can remove cheap solutions. So the answer is then improved by a
//!    **local search**: remove one agent at a time, most expensive group first, while the
//!    simulation still meets every target (Cezik & L'Ecuyer's final "removal" step).
//! 5. **Stopping rule**: converged (3.), or `max_iterations` integer programs without a
//!    simulated-feasible optimum ([`Termination::IterationLimit`]: the cheapest feasible point
//!    simulated is kept, or the last one raised greedily until feasible), or the bounds
//!    `max_agents` cannot meet a target ([`Termination::Infeasible`]).
//!
//! Then the whole horizon is **verified** in one simulation of the plan with the queue carried
//! over between intervals (`wfm simulate` with the same seed and replications gives the same
//! numbers), and a queue × interval whose mean SL misses its target gets one more agent in its
//! cheapest group, up to `repair_rounds` times ([`Verification`]).
//!
//! Results do not depend on the number of threads: each interval's random streams are seeded
//! from `(seed, interval)`, intervals are solved independently and collected in order, and the
//! integer programs (microlp, pure Rust) are deterministic.
//!
//! # References
//! - Cezik, M. T. and L'Ecuyer, P. (2008), "Staffing multiskill call centers via linear
//!   programming and simulation", *Management Science* 54(2), 310–323.
//! - Koole, G. (2013), *Call Center Optimization*, MG Books, ch. 6 (skill-based routing).

mod bounds;
mod cuts;
mod evaluate;
mod restaff;
mod verify;

pub use bounds::Bounds;
pub use evaluate::{
    evaluate_groups, scenarios_on_groups, GroupEvaluation, GroupScenarioRun, QueuePeriod,
};
pub use restaff::{restaff_scenarios, GroupRestaffRun};
pub use verify::{QueueCheck, Verification};

use crate::model::{Agents, Demand, Panel, Progress, QueueId, TimeGrid};
use crate::simulate::{Dist, Routing, SimulateError};

/// Errors of multi-skill staffing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MultiSkillError {
    /// The simulator rejected the model (names the queue, group or interval).
    #[error(transparent)]
    Simulate(#[from] SimulateError),
    /// An option or policy is out of its domain.
    #[error("{name}: {reason}")]
    Parameter {
        /// The option.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A demand queue the routing does not know, or the reverse.
    #[error("{0}")]
    Shape(String),
}

/// Staffing policy of one agent group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupPolicy {
    /// Cost of one agent-hour (> 0; cross-skilled agents usually cost more). Default 1.
    pub cost_per_hour: f64,
    /// Fewest agents in every interval with demand. Default 0.
    pub min_agents: u32,
    /// Most agents in any interval; `None`: unbounded.
    pub max_agents: Option<u32>,
}

impl Default for GroupPolicy {
    fn default() -> Self {
        GroupPolicy {
            cost_per_hour: 1.0,
            min_agents: 0,
            max_agents: None,
        }
    }
}

/// Targets of one queue, each optional. The SL threshold is [`MultiSkillOptions::threshold_secs`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct QueueTargets {
    /// Answered within the threshold ÷ offered, at least this fraction.
    pub service_level: Option<f64>,
    /// Mean wait of answered calls at most this many seconds.
    pub max_asa_secs: Option<f64>,
    /// Abandoned ÷ offered at most this fraction.
    pub max_abandon: Option<f64>,
}

/// The center: routing, call shapes and the staffing policy of each group and queue.
#[derive(Debug, Clone)]
pub struct MultiSkillProblem {
    /// Queues, groups, priorities, agent selection.
    pub routing: Routing,
    /// Handle-time shape per routing queue (rescaled to each interval's AHT).
    pub service: Vec<Dist>,
    /// Patience per routing queue; `None`: nobody abandons.
    pub patience: Vec<Option<Dist>>,
    /// Per routing group.
    pub groups: Vec<GroupPolicy>,
    /// Per routing queue.
    pub targets: Vec<QueueTargets>,
}

/// Options of [`staff`]. Defaults in brackets.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiSkillOptions {
    /// Replications per simulated staffing in the optimisation [50].
    pub reps: u32,
    /// Replications of the final verification over the horizon [30].
    pub verify_reps: u32,
    /// Seed of every random stream [1].
    pub seed: u64,
    /// SL answer-time threshold, seconds [20].
    pub threshold_secs: f64,
    /// Integer programs per interval before giving up on convergence [30].
    pub max_iterations: u32,
    /// Verification rounds that add agents where the horizon simulation misses a target [10];
    /// 0: verify only.
    pub repair_rounds: u32,
    /// Worker threads; `None`: rayon's global pool. Results do not depend on it.
    pub threads: Option<usize>,
}

impl Default for MultiSkillOptions {
    fn default() -> Self {
        MultiSkillOptions {
            reps: 50,
            verify_reps: 30,
            seed: 1,
            threshold_secs: 20.0,
            max_iterations: 30,
            repair_rounds: 10,
            threads: None,
        }
    }
}

/// Why an interval's search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// No calls offered: every group at its minimum.
    Idle,
    /// The integer program's optimum met every target in simulation.
    Converged,
    /// `max_iterations` reached; the cheapest simulated-feasible staffing is kept.
    IterationLimit,
    /// The groups' `max_agents` cannot meet some target; the maximum is kept.
    Infeasible,
}

impl Termination {
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Termination::Idle => "idle",
            Termination::Converged => "converged",
            Termination::IterationLimit => "iteration-limit",
            Termination::Infeasible => "infeasible",
        }
    }
}

/// How one interval was solved.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalSolve {
    /// Why the search stopped.
    pub termination: Termination,
    /// Integer programs solved.
    pub iterations: u32,
    /// Cuts added.
    pub cuts: u32,
    /// Distinct staffings simulated.
    pub evaluations: u32,
    /// Agents removed by the local search after the cutting planes.
    pub removed: u32,
}

/// The result of [`staff`].
#[derive(Debug, Clone)]
pub struct MultiSkillPlan {
    /// Agents per routing group × interval (after repair).
    pub agents: Panel<Agents>,
    /// Per interval: how its search ended.
    pub solves: Vec<IntervalSolve>,
    /// The two Erlang answers the plan sits between.
    pub bounds: Bounds,
    /// The horizon simulation of the final plan.
    pub verification: Verification,
    /// Cost of one agent-hour per routing group.
    pub cost_per_hour: Vec<f64>,
}

impl MultiSkillPlan {
    /// Hours of one interval.
    pub fn interval_hours(&self) -> f64 {
        interval_hours(self.agents.grid())
    }
    /// Agent-hours per routing group.
    pub fn agent_hours(&self) -> Vec<f64> {
        let h = self.interval_hours();
        (0..self.agents.queues().len())
            .map(|g| {
                self.agents
                    .series(g)
                    .iter()
                    .map(|a| a.as_f64())
                    .sum::<f64>()
                    * h
            })
            .collect()
    }
    /// Total agent-hours.
    pub fn total_agent_hours(&self) -> f64 {
        self.agent_hours().iter().sum()
    }
    /// Total cost (agent-hours × cost per hour, summed over groups).
    pub fn total_cost(&self) -> f64 {
        self.agent_hours()
            .iter()
            .zip(&self.cost_per_hour)
            .map(|(h, c)| h * c)
            .sum()
    }
    /// Intervals per [`Termination`], in the order idle, converged, iteration limit, infeasible.
    pub fn terminations(&self) -> [(Termination, usize); 4] {
        [
            Termination::Idle,
            Termination::Converged,
            Termination::IterationLimit,
            Termination::Infeasible,
        ]
        .map(|t| (t, self.solves.iter().filter(|s| s.termination == t).count()))
    }
}

pub(crate) fn interval_hours(grid: &TimeGrid) -> f64 {
    grid.interval()
        .map_or(0.0, |i| f64::from(i.seconds()) / 3600.0)
}

/// Agents per group × interval meeting every queue's targets at least cost (see the module
/// docs for the method and its stopping rule).
///
/// `demand` must hold every routing queue (extra queues are an error: no group serves them),
/// on an intraday grid.
///
/// # Errors
/// [`MultiSkillError`] for an option out of its domain, a policy that does not match the
/// routing, or a demand the simulator rejects (naming queue and interval).
pub fn staff(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    options: &MultiSkillOptions,
    progress: &dyn Progress,
) -> Result<MultiSkillPlan, MultiSkillError> {
    check(problem, demand, options)?;
    let demand = in_routing_order(&problem.routing, demand)?;
    let bounds = bounds::bounds(problem, &demand, options)?;
    let (mut agents, solves) = cuts::solve_all(problem, &demand, options, progress)?;
    let verification = verify::verify_and_repair(problem, &demand, &mut agents, options, progress)?;
    let groups: Vec<QueueId> = problem
        .routing
        .groups()
        .iter()
        .map(|g| g.id.clone())
        .collect();
    let agents = Panel::from_cells(
        groups,
        *demand.grid(),
        agents.into_iter().map(Agents).collect(),
    )
    .map_err(|e| MultiSkillError::Shape(e.to_string()))?;
    Ok(MultiSkillPlan {
        agents,
        solves,
        bounds,
        verification,
        cost_per_hour: problem.groups.iter().map(|g| g.cost_per_hour).collect(),
    })
}

fn check(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    options: &MultiSkillOptions,
) -> Result<(), MultiSkillError> {
    let param = |name: &str, reason: String| {
        Err(MultiSkillError::Parameter {
            name: name.into(),
            reason,
        })
    };
    let nq = problem.routing.queues().len();
    let ng = problem.routing.groups().len();
    if problem.groups.len() != ng || problem.targets.len() != nq {
        return Err(MultiSkillError::Shape(format!(
            "{ng} group(s) and {nq} queue(s) in the routing, but {} group policies and {} queue targets",
            problem.groups.len(),
            problem.targets.len()
        )));
    }
    for (g, p) in problem.routing.groups().iter().zip(&problem.groups) {
        if !(p.cost_per_hour.is_finite() && p.cost_per_hour > 0.0) {
            return param(
                &format!("group `{}` cost_per_hour", g.id),
                format!("expected a cost > 0, got {}", p.cost_per_hour),
            );
        }
        if p.max_agents.is_some_and(|m| m < p.min_agents) {
            return param(
                &format!("group `{}` max_agents", g.id),
                format!(
                    "{} is below min_agents {}",
                    p.max_agents.unwrap_or(0),
                    p.min_agents
                ),
            );
        }
    }
    for (q, t) in problem.routing.queues().iter().zip(&problem.targets) {
        for (name, v) in [
            ("sl_target", t.service_level),
            ("max_abandon", t.max_abandon),
        ] {
            if let Some(v) = v.filter(|v| !(v.is_finite() && (0.0..=1.0).contains(v))) {
                return param(
                    &format!("queue `{q}` {name}"),
                    format!("expected a fraction in [0, 1], got {v}"),
                );
            }
        }
        if let Some(a) = t.max_asa_secs.filter(|a| !(a.is_finite() && *a > 0.0)) {
            return param(
                &format!("queue `{q}` max_asa_seconds"),
                format!("expected seconds > 0, got {a}"),
            );
        }
    }
    if options.reps == 0 || options.verify_reps == 0 {
        return param("reps", "expected ≥ 1 replication".into());
    }
    if options.max_iterations == 0 {
        return param("max_iterations", "expected ≥ 1".into());
    }
    if !(options.threshold_secs.is_finite() && options.threshold_secs >= 0.0) {
        return param(
            "sl_threshold_seconds",
            format!("expected seconds ≥ 0, got {}", options.threshold_secs),
        );
    }
    if demand.grid().interval().is_none() {
        return Err(MultiSkillError::Shape(format!(
            "the demand grid must be intraday, got {}",
            demand.grid().grain()
        )));
    }
    Ok(())
}

/// The demand with its queues in routing order; every routing queue must be there.
fn in_routing_order(
    routing: &Routing,
    demand: &Panel<Demand>,
) -> Result<Panel<Demand>, MultiSkillError> {
    for q in demand.queues() {
        if !routing.queues().contains(q) {
            return Err(MultiSkillError::Shape(format!(
                "queue `{q}` has demand but no group of the config serves it"
            )));
        }
    }
    let mut cells = Vec::with_capacity(routing.queues().len() * demand.grid().len());
    for q in routing.queues() {
        let s = demand.series_of(q.as_str()).ok_or_else(|| {
            MultiSkillError::Shape(format!("queue `{q}` of the config has no demand"))
        })?;
        cells.extend_from_slice(s);
    }
    Panel::from_cells(routing.queues().to_vec(), *demand.grid(), cells)
        .map_err(|e| MultiSkillError::Shape(e.to_string()))
}

#[cfg(test)]
mod tests;
