//! Discrete-event simulation of a contact center over a dated plan.
//!
//! Inputs, all on the shared model: demand per queue × interval ([`Panel<Demand>`]: offered
//! calls, AHT), agents per *group* × interval ([`Panel<Agents>`]), a [`Routing`] (which groups
//! serve which queues, in which priority), a handle-time shape and a patience distribution per
//! queue ([`Dist`]), and [`SimOptions`] (replications, seed, SL threshold).
//!
//! - **Arrivals** are a non-stationary Poisson process, constant within each interval at
//!   `offered ÷ interval length` ([`Arrivals::Poisson`]), or the recorded arrival times of a
//!   call log ([`Arrivals::Replay`]).
//! - **Handle times** of a call arriving in interval `t` are draws of the queue's [`Dist`]
//!   rescaled to mean `AHT_t` (the shape comes from the distribution, the level from the
//!   demand), so a forecast's AHT profile is honoured.
//! - **Patience**: a call waiting longer than its patience abandons (`None`: nobody abandons).
//! - **The queue carries over** between intervals; see [`engine`](self) for the event rules.
//!
//! Outputs per queue × interval ([`SimCell`]): mean, standard deviation and 10th/90th
//! percentiles over replications of offered calls, service level in its three conventions
//! ([`SlConvention`]), ASA (answered calls), abandonment (÷ offered) and occupancy (busy ÷
//! present time of the groups serving the queue); the same per day and over the horizon.
//!
//! Replication `r` draws from its own random stream seeded by `(seed, r)`, and replications
//! are combined in index order, so results are identical for any number of threads.
//!
//! In the Markovian case (Poisson arrivals at a constant rate, exponential handle times and
//! patience, one group) the long-run averages are those of Erlang C (M/M/N) and Erlang A
//! (M/M/N+M) in [`crate::staffing`]; `tests/simulate_erlang.rs` checks this on a grid.
//!
//! # References
//! - Law, A. M. (2015), *Simulation Modeling and Analysis*, 5th ed., ch. 1–2 (event scheduling)
//!   and ch. 9 (replication / deletion for steady-state means).
//! - Gans, N., Koole, G. and Mandelbaum, A. (2003), "Telephone call centers: tutorial, review
//!   and research prospects", *MSOM* 5(2), 79–141, §5 (skills-based routing).

mod dist;
mod engine;
pub(crate) mod rng;
mod routing;
mod single;
mod summary;

pub use dist::{Dist, Empirical};
pub use routing::{AgentSelection, Group, Routing};
pub use summary::{SimCell, SlConvention, Stat};

use crate::model::{Agents, Demand, Panel, Progress, QueueId, TimeGrid};

/// Errors of the simulator. Input errors name the queue (or group) and interval.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimulateError {
    /// A distribution or option is out of its domain.
    #[error("{0}")]
    Parameter(String),
    /// The routing is inconsistent.
    #[error("routing: {0}")]
    Routing(String),
    /// A demand or staffing cell is invalid.
    #[error("{what} `{name}` at {at}: {reason}")]
    Cell {
        /// `queue` or `group`.
        what: &'static str,
        /// Its name.
        name: String,
        /// The interval start.
        at: chrono::NaiveDateTime,
        /// What is wrong.
        reason: String,
    },
    /// A queue or group of the routing is missing from an input, or the inputs disagree.
    #[error("{0}")]
    Shape(String),
}

/// How calls arrive.
#[derive(Debug, Clone, PartialEq)]
pub enum Arrivals {
    /// Poisson, at the demand's rate in each interval.
    Poisson,
    /// The recorded arrival times: per routing queue, seconds since the grid start, ascending,
    /// within the grid. The demand still gives the AHT per interval.
    Replay(Vec<Vec<f64>>),
}

/// Options of [`simulate`].
#[derive(Debug, Clone, PartialEq)]
pub struct SimOptions {
    /// Replications (≥ 1). Default 30.
    pub reps: u32,
    /// Seed of the random streams. Default 1.
    pub seed: u64,
    /// Service-level answer-time threshold, seconds (≥ 0). Default 20.
    pub threshold_secs: f64,
    /// Worker threads; `None` = rayon's global pool (all cores, or `RAYON_NUM_THREADS`).
    /// Results do not depend on it.
    pub threads: Option<usize>,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            reps: 30,
            seed: 1,
            threshold_secs: 20.0,
            threads: None,
        }
    }
}

/// The model to simulate.
#[derive(Debug, Clone)]
pub struct SimModel<'a> {
    /// Demand per queue × interval; every routing queue must be in it (extra queues are an
    /// error: their calls would have no agent).
    pub demand: &'a Panel<Demand>,
    /// Agents per group × interval, on the demand's grid; every routing group must be in it.
    pub agents: &'a Panel<Agents>,
    /// Queues, groups, priorities.
    pub routing: &'a Routing,
    /// Handle-time shape per routing queue (rescaled to each interval's AHT).
    pub service: Vec<Dist>,
    /// Patience per routing queue; `None` = infinite (no abandonment).
    pub patience: Vec<Option<Dist>>,
    /// Arrival process.
    pub arrivals: Arrivals,
}

/// Counts of one queue × interval in one replication (calls by arrival interval).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// Calls that arrived.
    pub offered: u32,
    /// Calls answered.
    pub answered: u32,
    /// Calls answered within the threshold.
    pub answered_within: u32,
    /// Calls that abandoned.
    pub abandoned: u32,
    /// Calls that abandoned within the threshold ("short abandons").
    pub abandoned_within: u32,
    /// Calls that were retrials of abandoned callers (counted in `offered` too).
    pub retrials: u32,
    /// Calls that found no idle agent.
    pub delayed: u32,
    /// Sum of waits of answered calls, seconds.
    pub wait_answered_secs: f64,
    /// Sum of waits of abandoned calls, seconds.
    pub wait_abandoned_secs: f64,
    /// Sum of handle times of answered calls, seconds.
    pub handle_secs: f64,
}

impl Tally {
    /// Adds another tally.
    pub fn add(&mut self, o: &Tally) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.answered_within += o.answered_within;
        self.abandoned += o.abandoned;
        self.abandoned_within += o.abandoned_within;
        self.retrials += o.retrials;
        self.delayed += o.delayed;
        self.wait_answered_secs += o.wait_answered_secs;
        self.wait_abandoned_secs += o.wait_abandoned_secs;
        self.handle_secs += o.handle_secs;
    }
}

/// Agent time of one group × interval in one replication.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GroupTally {
    /// Seconds agents spent handling calls.
    pub busy_secs: f64,
    /// Seconds agents were present (idle or busy).
    pub present_secs: f64,
}

/// One replication's counts.
#[derive(Debug, Clone, PartialEq)]
pub struct RepTally {
    /// Queue-major, routing queue order × interval.
    pub cells: Vec<Tally>,
    /// Group-major, routing group order × interval.
    pub groups: Vec<GroupTally>,
    /// Calls still waiting at the end with no agent and infinite patience.
    pub unserved: u32,
}

/// The validated model in the engine's layout.
#[derive(Debug)]
pub(crate) struct Prepared {
    routing: Routing,
    queues: usize,
    intervals: usize,
    interval_secs: f64,
    threshold_secs: f64,
    /// Arrival rate per second, queue-major.
    rate: Vec<f64>,
    /// Factor turning a draw of the service shape into a handle time of that interval.
    service_scale: Vec<f64>,
    /// Agents, group-major.
    agents: Vec<u32>,
    service: Vec<Dist>,
    patience: Vec<Option<Dist>>,
    arrivals: Arrivals,
    /// Retrials of abandoned callers per queue ([`simulate_with_retrials`]).
    retrials: Vec<Option<Retrial>>,
    /// Per group: its queues by priority level, best level first.
    levels: Vec<Vec<Vec<usize>>>,
    /// Per-queue synchronized random streams ([`CrnModel`]); `false` for [`simulate`].
    synchronized: bool,
}

/// The result of [`simulate`]: every replication's counts, and summaries of them.
#[derive(Debug, Clone)]
pub struct SimResult {
    queues: Vec<QueueId>,
    routing: Routing,
    grid: TimeGrid,
    threshold_secs: f64,
    reps: Vec<RepTally>,
}

impl SimResult {
    /// The routing queues (the order of [`RepTally::cells`]).
    pub fn queues(&self) -> &[QueueId] {
        &self.queues
    }
    /// The grid.
    pub fn grid(&self) -> &TimeGrid {
        &self.grid
    }
    /// The SL threshold, seconds.
    pub fn threshold_secs(&self) -> f64 {
        self.threshold_secs
    }
    /// Every replication's counts, in replication order.
    pub fn replications(&self) -> &[RepTally] {
        &self.reps
    }
    /// The routing simulated.
    pub fn routing(&self) -> &Routing {
        &self.routing
    }
    /// Per replication, the counts of queue `q` summed over intervals `range`.
    pub fn rep_totals(&self, q: usize, range: std::ops::Range<usize>) -> Vec<Tally> {
        let n = self.grid.len();
        self.reps
            .iter()
            .map(|r| {
                let mut t = Tally::default();
                for c in &r.cells[q * n + range.start..q * n + range.end] {
                    t.add(c);
                }
                t
            })
            .collect()
    }
}

/// Simulates `model` with `options`, reporting finished replications to `progress`.
///
/// # Errors
/// [`SimulateError`] for a missing queue or group, a grid mismatch, a negative or non-finite
/// demand or a missing AHT where calls are offered, replay times outside the grid, or
/// `reps = 0`.
pub fn simulate(
    model: &SimModel<'_>,
    options: &SimOptions,
    progress: &dyn Progress,
) -> Result<SimResult, SimulateError> {
    simulate_as(model, options, progress, false)
}

/// Retrials of abandoned callers of one queue: an abandoned caller calls again with
/// `probability`, after an exponential delay of mean `mean_delay_secs`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retrial {
    /// Probability that an abandoned caller calls again, in [0, 1].
    pub probability: f64,
    /// Mean delay before the new call, seconds (> 0).
    pub mean_delay_secs: f64,
}

impl Retrial {
    /// A validated retrial behaviour.
    ///
    /// # Errors
    /// [`SimulateError::Parameter`] for a probability outside [0, 1] or a delay ≤ 0.
    pub fn new(probability: f64, mean_delay_secs: f64) -> Result<Self, SimulateError> {
        if !(0.0..=1.0).contains(&probability) {
            return Err(SimulateError::Parameter(format!(
                "retrial probability must be in [0, 1], got {probability}"
            )));
        }
        if !(mean_delay_secs.is_finite() && mean_delay_secs > 0.0) {
            return Err(SimulateError::Parameter(format!(
                "retrial delay must be > 0 seconds, got {mean_delay_secs}"
            )));
        }
        Ok(Retrial {
            probability,
            mean_delay_secs,
        })
    }
}

/// [`simulate`] with retrials of abandoned callers, one entry per routing queue (`None`: its
/// callers do not call again). Retrials count as offered calls of the interval in which they
/// come back ([`Tally::retrials`]); see [`engine`](self) for the event rules.
///
/// # Errors
/// As [`simulate`], and [`SimulateError::Shape`] when `retrials` has another length than the
/// routing's queues.
pub fn simulate_with_retrials(
    model: &SimModel<'_>,
    options: &SimOptions,
    retrials: &[Option<Retrial>],
    progress: &dyn Progress,
) -> Result<SimResult, SimulateError> {
    let mut p = prepare(model, options)?;
    if retrials.len() != p.queues {
        return Err(SimulateError::Shape(format!(
            "{} queue(s) but {} retrial setting(s)",
            p.queues,
            retrials.len()
        )));
    }
    p.retrials = retrials.to_vec();
    run_prepared(p, model, options, progress)
}

/// As [`simulate`], with the synchronized per-queue streams of [`CrnModel`]: the k-th call of
/// a queue has the same arrival time, patience and handle time whatever the staffing, so two
/// staffings simulated with the same seed differ only by what the staffing changes (#20).
///
/// # Errors
/// As [`simulate`].
pub fn simulate_common_random_numbers(
    model: &SimModel<'_>,
    options: &SimOptions,
    progress: &dyn Progress,
) -> Result<SimResult, SimulateError> {
    simulate_as(model, options, progress, true)
}

fn simulate_as(
    model: &SimModel<'_>,
    options: &SimOptions,
    progress: &dyn Progress,
    synchronized: bool,
) -> Result<SimResult, SimulateError> {
    let mut p = prepare(model, options)?;
    p.synchronized = synchronized;
    run_prepared(p, model, options, progress)
}

fn run_prepared(
    p: Prepared,
    model: &SimModel<'_>,
    options: &SimOptions,
    progress: &dyn Progress,
) -> Result<SimResult, SimulateError> {
    let reps = options.reps as usize;
    progress.begin("simulate", reps as u64);
    let work = || -> Vec<RepTally> {
        use rayon::prelude::*;
        (0..reps)
            .into_par_iter()
            .map(|r| {
                let t = run_replication(&p, options.seed, r as u64);
                progress.advance(1);
                t
            })
            .collect()
    };
    let slots = match options.threads {
        None => work(),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
            .map_err(|e| SimulateError::Parameter(format!("thread pool: {e}")))?
            .install(work),
    };
    progress.end();
    Ok(SimResult {
        queues: p.routing.queues().to_vec(),
        routing: p.routing,
        grid: *model.demand.grid(),
        threshold_secs: options.threshold_secs,
        reps: slots,
    })
}

/// Runs replication `rep` of `p`: by the one-queue, one-group loop of [`single`] when the
/// model is one (the same tallies as the general loop, in less time), else by the general loop
/// of [`engine`].
fn run_replication(p: &Prepared, seed: u64, rep: u64) -> RepTally {
    if single::qualifies(p) {
        single::run(p, seed, rep)
    } else {
        engine::run(p, seed, rep)
    }
}

fn prepare(model: &SimModel<'_>, options: &SimOptions) -> Result<Prepared, SimulateError> {
    let routing = model.routing.clone();
    let grid = *model.demand.grid();
    let n = grid.len();
    let interval_secs = f64::from(
        grid.interval()
            .ok_or_else(|| {
                SimulateError::Shape(format!(
                    "the demand grid must be intraday, got {}",
                    grid.grain()
                ))
            })?
            .seconds(),
    );
    check_options(options)?;
    if *model.agents.grid() != grid {
        return Err(SimulateError::Shape(format!(
            "agents cover {} × {} periods from {}, demand {} × {} from {}",
            model.agents.grid().grain(),
            model.agents.grid().len(),
            model.agents.grid().start(),
            grid.grain(),
            n,
            grid.start()
        )));
    }
    let nq = routing.queues().len();
    if model.service.len() != nq || model.patience.len() != nq {
        return Err(SimulateError::Shape(format!(
            "{nq} queue(s) but {} service and {} patience distribution(s)",
            model.service.len(),
            model.patience.len()
        )));
    }
    for q in model.demand.queues() {
        if !routing.queues().contains(q) {
            return Err(SimulateError::Shape(format!(
                "queue `{q}` has demand but no group serves it in the routing"
            )));
        }
    }
    let mut rate = vec![0.0; nq * n];
    let mut service_scale = vec![1.0; nq * n];
    for (qi, qid) in routing.queues().iter().enumerate() {
        let series = model.demand.series_of(qid.as_str()).ok_or_else(|| {
            SimulateError::Shape(format!("queue `{qid}` of the routing has no demand"))
        })?;
        let fallback = queue_mean_aht(series);
        let shape_mean = model.service[qi].mean_secs();
        for (t, d) in series.iter().enumerate() {
            let cell_err = |reason: String| SimulateError::Cell {
                what: "queue",
                name: qid.to_string(),
                at: grid.timestamp(t),
                reason,
            };
            if !(d.offered.is_finite() && d.offered >= 0.0) {
                return Err(cell_err(format!("offered must be ≥ 0, got {}", d.offered)));
            }
            let aht = match d.aht_secs {
                Some(a) if a.is_finite() && a > 0.0 => a,
                Some(a) if d.offered > 0.0 => {
                    return Err(cell_err(format!("AHT must be > 0 seconds, got {a}")))
                }
                _ => match fallback {
                    Some(a) => a,
                    None if d.offered > 0.0 => {
                        return Err(cell_err("calls offered without an AHT".into()))
                    }
                    None => shape_mean,
                },
            };
            rate[qi * n + t] = d.offered / interval_secs;
            service_scale[qi * n + t] = aht / shape_mean;
        }
    }
    check_work(&rate, interval_secs, options.reps)?;
    let mut agents = vec![0u32; routing.groups().len() * n];
    for (gi, g) in routing.groups().iter().enumerate() {
        let series = model.agents.series_of(g.id.as_str()).ok_or_else(|| {
            SimulateError::Shape(format!("group `{}` of the routing has no agents", g.id))
        })?;
        for (t, a) in series.iter().enumerate() {
            agents[gi * n + t] = a.get();
        }
    }
    if let Arrivals::Replay(times) = &model.arrivals {
        check_replay(times, nq, n as f64 * interval_secs)?;
    }
    let levels = routing
        .groups()
        .iter()
        .map(|g| {
            let mut prios: Vec<u32> = g.skills().iter().map(|&(_, p)| p).collect();
            prios.sort_unstable();
            prios.dedup();
            prios
                .iter()
                .map(|&p| {
                    g.skills()
                        .iter()
                        .filter(|&&(_, x)| x == p)
                        .map(|&(q, _)| q)
                        .collect()
                })
                .collect()
        })
        .collect();
    Ok(Prepared {
        routing,
        queues: nq,
        intervals: n,
        interval_secs,
        threshold_secs: options.threshold_secs,
        rate,
        service_scale,
        agents,
        service: model.service.clone(),
        patience: model.patience.clone(),
        arrivals: model.arrivals.clone(),
        retrials: vec![None; nq],
        levels,
        synchronized: false,
    })
}

/// A model prepared once and simulated for many staffings with common random numbers
/// (multi-skill staffing, #20, `crate::staffing::multiskill`).
///
/// Each queue draws its arrivals, patiences and handle times from streams of its own, seeded
/// by `(seed, replication, queue, kind)`, and a call's handle time is drawn when it arrives:
/// the k-th call of a queue has the same arrival time, patience and handle time whatever the
/// staffing, so differences between two staffings are not blurred by sampling noise
/// (Cezik & L'Ecuyer 2008, §3). [`simulate`] keeps its single stream per replication.
#[derive(Debug)]
pub struct CrnModel {
    p: Prepared,
    reps: u32,
    seed: u64,
}

impl CrnModel {
    /// Prepares `model` (its agents panel only gives the groups' order and the grid; the
    /// staffing comes with each [`CrnModel::run`]). Ignores `options.threads`: replications run
    /// in order on the calling thread (callers parallelise over independent models).
    ///
    /// # Errors
    /// As [`simulate`].
    pub fn new(model: &SimModel<'_>, options: &SimOptions) -> Result<Self, SimulateError> {
        let mut p = prepare(model, options)?;
        p.synchronized = true;
        Ok(CrnModel {
            p,
            reps: options.reps,
            seed: options.seed,
        })
    }

    /// Intervals of the grid.
    pub fn intervals(&self) -> usize {
        self.p.intervals
    }

    /// Every replication's counts with `agents` (group-major, routing group order × interval).
    ///
    /// # Panics
    /// When `agents` does not have groups × intervals entries.
    pub fn run(&mut self, agents: &[u32]) -> Vec<RepTally> {
        assert_eq!(
            agents.len(),
            self.p.agents.len(),
            "agents: groups × intervals"
        );
        self.p.agents.copy_from_slice(agents);
        (0..u64::from(self.reps))
            .map(|r| run_replication(&self.p, self.seed, r))
            .collect()
    }
}

/// Offered-weighted mean AHT of a queue's series (for intervals without an AHT of their own).
/// Replications in 1 … [`crate::limits::MAX_REPLICATIONS`], the SL threshold in [0, 3600] s
/// (`staffing::limits::MAX_ANSWER_SECS`).
fn check_options(options: &SimOptions) -> Result<(), SimulateError> {
    let max = crate::limits::MAX_REPLICATIONS;
    if options.reps == 0 || options.reps as usize > max {
        return Err(SimulateError::Parameter(format!(
            "replications (--reps): expected 1 to {max}, got {}",
            options.reps
        )));
    }
    let max_t = crate::staffing::limits::MAX_ANSWER_SECS;
    if !crate::limits::within(options.threshold_secs, 0.0, max_t) {
        return Err(SimulateError::Parameter(format!(
            "SL threshold: expected 0 to {max_t} seconds, got {}",
            crate::units::Shown(options.threshold_secs)
        )));
    }
    Ok(())
}

/// The work of a run, the expected number of simulated arrivals over all replications, against
/// [`crate::limits::MAX_SIMULATED_CALLS`]: refused up front instead of running for hours.
fn check_work(rate: &[f64], interval_secs: f64, reps: u32) -> Result<(), SimulateError> {
    let calls = rate.iter().sum::<f64>() * interval_secs * f64::from(reps);
    let max = crate::limits::MAX_SIMULATED_CALLS;
    if calls > max {
        return Err(SimulateError::Parameter(format!(
            "{} expected arrivals over {reps} replication(s) (offered × replications); at most {} are simulated in one run: use fewer replications (--reps) or a shorter horizon",
            crate::units::Shown(calls.round()),
            crate::units::Shown(max)
        )));
    }
    Ok(())
}

fn queue_mean_aht(series: &[Demand]) -> Option<f64> {
    let (mut work, mut calls) = (0.0, 0.0);
    for d in series {
        if let Some(a) = d.aht_secs.filter(|a| a.is_finite() && *a > 0.0) {
            work += d.offered * a;
            calls += d.offered;
        }
    }
    (calls > 0.0).then(|| work / calls)
}

fn check_replay(times: &[Vec<f64>], nq: usize, horizon: f64) -> Result<(), SimulateError> {
    if times.len() != nq {
        return Err(SimulateError::Shape(format!(
            "replay has arrival times for {} queue(s), the routing has {nq}",
            times.len()
        )));
    }
    for (q, ts) in times.iter().enumerate() {
        let mut last = 0.0;
        for &t in ts {
            if !(t.is_finite() && t >= last && t < horizon) {
                return Err(SimulateError::Parameter(format!(
                    "replay arrival times of queue #{q} must ascend within [0, {horizon}) s, got {t} after {last}"
                )));
            }
            last = t;
        }
    }
    Ok(())
}
