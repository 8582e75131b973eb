//! The model check as a fidelity report: per interval, what Erlang C, Erlang A and the
//! simulator predict — each with and without a calibration — against what happened, and which
//! model fits best by a proper score.
//!
//! - *Uncalibrated*: recorded agents as they are, the period's own maximum-likelihood patience
//!   (as the model check always did).
//! - *Calibrated*: available agents = recorded × the calibration's availability of the pool
//!   (`ALL` for the center's pooled check, else the agent pool the check is of, see
//!   [`super::model_check::pool_check`]) at the interval's hour and load per recorded agent,
//!   the pool's calibrated Erlang A patience (the Kaplan–Meier exponential-equivalent mean ×
//!   the fitted patience scale); Erlang A's × the interval's queue-mix factor
//!   ([`crate::calibrate::PoolCalibration::mix_patience_factor`]), the simulation's the pool's;
//!   calibrated Erlang A's SL and abandonment are then corrected by the pool's recalibration by
//!   interval size when the calibration has one ([`crate::calibrate::SizeRecalibration`]). Calibrated Erlang A carries the queue from one interval to the
//!   next ([`erlang_a_transient::chain`]: the M(t)/M/N(t)+M forward equations, each interval
//!   starting from the previous one's end) instead of taking each interval's steady state;
//!   uncalibrated Erlang A and Erlang C stay steady-state. Erlang C and
//!   Erlang A at a fractional agent count are interpolated linearly between the two whole
//!   counts around it; the simulator staffs the nearest whole count.
//! - *Simulation*: `wfm simulate`'s engine over the whole period at once (the queue carries over
//!   between intervals), Poisson arrivals at the interval's offered calls, exponential handle
//!   times at its AHT and exponential patience; the mean over replications.
//! - **Scores** are over busy intervals (offered ≥ the calibration's `busy_min_offered`, else
//!   20): the mean absolute error and bias of SL (answered within the threshold ÷ offered) and
//!   abandonment (÷ offered) *per interval* (each busy interval counts once: the plain mean
//!   over the rows of `--section model-check-intervals`, the convention of issue #13, whose
//!   figures it reproduces), the daily SL error per day (each day's SL over its busy intervals,
//!   answered within ÷ offered, against the prediction's, each day counting once), the same SL
//!   and abandonment errors *per call* (offered-weighted) beside them, and the answered-weighted
//!   ASA error. Erlang C's unstable intervals (agents ≤ load) predict SL 0 and
//!   Erlang C always predicts no abandonment: both are scored as predicted, not left out.
//!   The verdict is the smallest offered-weighted mean of `(ΔSL)² + (Δabandon)²` (the Brier
//!   score of the two probabilities, a proper score: it is minimised in expectation by the true
//!   probabilities; Gneiting & Raftery 2007, *JASA* 102(477)).
//! - **Noise floor**: what a perfect model would still miss — the mean (per interval, and per
//!   call) absolute deviation of single simulated intervals around the calibrated model's mean,
//!   *given the interval's offered count* (the count is an input of every model here, so its
//!   Poisson variation is not noise a model would miss): each of `reps` runs places exactly
//!   the offered calls at uniformly random times in their interval (the Poisson process
//!   conditioned on its count) and draws one set of handle times and patience. It is the
//!   randomness of who arrives when, how long calls take and who hangs up, with the queue
//!   carried across intervals; a center whose agents react to the queue varies less. Beside it
//!   the binomial floor (every offered call an independent draw at Erlang A's probabilities,
//!   `E|X/n − p|`, `X ~ Binomial(n, p)`): the lower bound that ignores the queue callers share.

use std::collections::BTreeMap;

use super::model_check::{ModelCheck, ModelCheckRow};
use crate::calibrate::availability::interpolate;
use crate::calibrate::Calibration;
use crate::model::LocalStamp;
use crate::model::{Agents, Demand, Grain, Panel, QueueId, Silent, TimeGrid};
use crate::simulate::rng::Rng;
use crate::simulate::{simulate, Arrivals, Dist, Routing, SimModel, SimOptions, SimulateError};
use crate::staffing::{erlang_a, erlang_a_transient, erlang_c};
use crate::time::{NaiveDateTime, Timelike};
use crate::units::IntervalLength;

/// The models compared.
pub const MODELS: [&str; 3] = ["erlang-c", "erlang-a", "simulation"];

/// One pool × interval × model × calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct FidelityRow {
    /// Interval start.
    pub interval_start: LocalStamp,
    /// Pool (`ALL`: queues pooled).
    pub pool: String,
    /// Offered calls.
    pub offered: f64,
    /// Recorded agents.
    pub agents: u32,
    /// One of [`MODELS`].
    pub model: &'static str,
    /// With the calibration.
    pub calibrated: bool,
    /// Predicted SL.
    pub predicted_sl: f64,
    /// Observed SL.
    pub observed_sl: Option<f64>,
    /// Predicted abandoned ÷ offered.
    pub predicted_abandon: f64,
    /// Observed abandoned ÷ offered.
    pub observed_abandon: f64,
    /// Predicted ASA, seconds (`None`: unstable Erlang C).
    pub predicted_asa: Option<f64>,
    /// Observed ASA, seconds.
    pub observed_asa: Option<f64>,
    answered: f64,
}

/// One model's fit on busy intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct FidelitySummary {
    /// Model.
    pub model: &'static str,
    /// With the calibration.
    pub calibrated: bool,
    /// Busy intervals scored.
    pub intervals: usize,
    /// Days they span.
    pub days: usize,
    /// SL mean absolute error per interval (each busy interval counts once).
    pub sl_mae: f64,
    /// SL bias per interval, predicted − observed.
    pub sl_bias: f64,
    /// Daily SL mean absolute error: each day's SL (answered within ÷ offered over its busy
    /// intervals) against the prediction's, each day counting once.
    pub daily_sl_mae: f64,
    /// Abandonment mean absolute error per interval.
    pub abandon_mae: f64,
    /// Abandonment bias per interval, predicted − observed.
    pub abandon_bias: f64,
    /// SL mean absolute error per call (offered-weighted).
    pub sl_mae_per_call: f64,
    /// Abandonment mean absolute error per call (offered-weighted).
    pub abandon_mae_per_call: f64,
    /// ASA mean absolute error, seconds (answered-weighted, intervals with a prediction).
    pub asa_mae: Option<f64>,
    /// Offered-weighted mean of ΔSL² + Δabandon².
    pub score: f64,
}

/// A noise floor: the mean absolute deviation a perfect model would still show, per interval
/// (each busy interval once) and per call (offered-weighted), for SL and abandonment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Floor {
    /// SL, per interval.
    pub sl: f64,
    /// Abandonment, per interval.
    pub abandon: f64,
    /// SL, per call.
    pub sl_per_call: f64,
    /// Abandonment, per call.
    pub abandon_per_call: f64,
}

/// Running sums of a floor over busy intervals.
#[derive(Default)]
struct FloorSums {
    n: f64,
    w: f64,
    floor: Floor,
}

impl FloorSums {
    fn push(&mut self, offered: f64, sl: f64, abandon: f64) {
        self.n += 1.0;
        self.w += offered;
        self.floor.sl += sl;
        self.floor.abandon += abandon;
        self.floor.sl_per_call += offered * sl;
        self.floor.abandon_per_call += offered * abandon;
    }
    fn get(&self) -> Option<Floor> {
        (self.n > 0.0 && self.w > 0.0).then(|| Floor {
            sl: self.floor.sl / self.n,
            abandon: self.floor.abandon / self.n,
            sl_per_call: self.floor.sl_per_call / self.w,
            abandon_per_call: self.floor.abandon_per_call / self.w,
        })
    }
}

/// The fidelity report of one pool.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fidelity {
    /// The pool (`ALL`: every queue against the recorded agents of the center).
    pub pool: String,
    /// Intervals of the model check (with calls and agents), busy or not.
    pub intervals_checked: usize,
    /// Every interval's predictions.
    pub rows: Vec<FidelityRow>,
    /// Per model and calibration.
    pub summaries: Vec<FidelitySummary>,
    /// Noise floor of SL and abandonment MAE (calibrated simulation, else uncalibrated).
    pub noise_floor: Option<Floor>,
    /// Binomial lower bound of the noise floor: SL and abandonment MAE if every offered call
    /// were an independent draw at Erlang A's (calibrated, else uncalibrated) probabilities.
    pub noise_floor_binomial: Option<Floor>,
    /// The best `(model, calibrated)` by score.
    pub verdict: Option<(&'static str, bool)>,
    /// Busy-interval threshold used.
    pub min_offered: f64,
}

/// Options of [`fidelity`].
#[derive(Debug, Clone, PartialEq)]
pub struct FidelityOptions {
    /// Interval length.
    pub interval: IntervalLength,
    /// SL threshold, seconds.
    pub threshold_secs: f64,
    /// Simulation replications. Default 20.
    pub reps: u32,
    /// Simulation seed. Default 1.
    pub seed: u64,
}

/// Erlang C at a fractional agent count (interpolated; SL 0 when unstable).
fn erlang_c_at(n: f64, r: &ModelCheckRow, t: f64) -> (f64, f64, Option<f64>) {
    let at = |k: u32| {
        erlang_c::metrics(
            k,
            crate::units::Erlangs::new(r.load_erlangs).ok()?,
            crate::units::Secs::new(r.aht_secs).ok()?,
            crate::units::Secs::new(t).ok()?,
        )
        .ok()
    };
    let (lo, hi) = (n.floor().max(0.0) as u32, n.ceil().max(0.0) as u32);
    let f = n - f64::from(lo);
    match (at(lo), at(hi)) {
        (Some(a), Some(b)) => (
            a.service_level + f * (b.service_level - a.service_level),
            0.0,
            Some(a.asa_secs + f * (b.asa_secs - a.asa_secs)),
        ),
        (None, Some(b)) => (f * b.service_level, 0.0, None),
        _ => (0.0, 0.0, None),
    }
}

/// Erlang A at a fractional agent count (interpolated).
fn erlang_a_at(n: f64, r: &ModelCheckRow, patience: f64, t: f64) -> (f64, f64, Option<f64>) {
    let (lo, hi) = (n.floor().max(0.0) as u32, n.ceil().max(0.0) as u32);
    let m = |k| erlang_a::compute(k, r.load_erlangs, r.aht_secs, patience, t);
    let (a, b) = (m(lo), m(hi));
    let tab = [
        (a.service_level, a.abandon_rate.unwrap_or(0.0)),
        (b.service_level, b.abandon_rate.unwrap_or(0.0)),
    ];
    let (sl, ab) = interpolate(&tab, n - f64::from(lo));
    let f = n - f64::from(lo);
    (sl, ab, Some(a.asa_secs + f * (b.asa_secs - a.asa_secs)))
}

/// Calibrated Erlang A with the queue carried across intervals
/// ([`erlang_a_transient::chain`]) over the period's rows: per row `(SL, abandon, ASA)`.
fn carried_erlang_a(
    rows: &[ModelCheckRow],
    agents: &[f64],
    patience: &[f64],
    o: &FidelityOptions,
) -> Vec<erlang_a_transient::TransientMetrics> {
    let Some(first) = rows.iter().map(|r| r.interval_start.utc()).min() else {
        return Vec::new();
    };
    let length = f64::from(o.interval.seconds());
    let ivs: Vec<erlang_a_transient::TransientInterval> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| erlang_a_transient::TransientInterval {
            start_secs: (r.interval_start.utc() - first).num_seconds() as f64,
            length_secs: length,
            agents: agents[i],
            offered: r.offered,
            aht_secs: r.aht_secs,
            patience_secs: patience[i],
        })
        .collect();
    erlang_a_transient::chain(&ivs, o.threshold_secs)
}

/// Per row: `(SL, abandon, ASA)` means of the simulation and the mean absolute deviations of
/// single replications `(SL, abandon)`.
type SimOut = Vec<((f64, f64, Option<f64>), (f64, f64))>;

/// One replication's value of one row: `(SL, abandon)` when calls were offered, the answered
/// calls' total wait and their number.
type RepCell = (Option<(f64, f64)>, f64, f64);

/// Whole-period simulation of `rows` (one pooled queue, the queue carried across intervals,
/// exponential handle times at each interval's AHT and exponential patience): per
/// replication, per row.
fn simulate_cells(
    rows: &[ModelCheckRow],
    agents: &[f64],
    patience: f64,
    o: &FidelityOptions,
    arrivals: ArrivalsKind,
    reps: u32,
    seed: u64,
) -> Result<Vec<Vec<RepCell>>, SimulateError> {
    let step = i64::from(o.interval.seconds());
    // Positions in elapsed time: a fall-back night's repeated hour is two intervals.
    let first = rows
        .iter()
        .map(|r| r.interval_start)
        .min_by_key(|t| t.utc())
        .unwrap_or(LocalStamp::naive(NaiveDateTime::default()));
    let last = rows
        .iter()
        .map(|r| r.interval_start.utc())
        .max()
        .unwrap_or_default();
    let n = ((last - first.utc()).num_seconds() / step) as usize + 1;
    let grid = TimeGrid::new(first.local, Grain::Interval(o.interval), n)
        .map_err(|e| SimulateError::Shape(e.to_string()))?;
    let all = QueueId::all();
    let mut demand = Panel::filled(vec![all.clone()], grid, Demand::default());
    let mut staff = Panel::filled(vec![all.clone()], grid, Agents(0));
    let pos: Vec<usize> = rows
        .iter()
        .map(|r| ((r.interval_start.utc() - first.utc()).num_seconds() / step) as usize)
        .collect();
    for (i, r) in rows.iter().enumerate() {
        *demand.get_mut(0, pos[i]) = Demand {
            offered: r.offered,
            aht_secs: Some(r.aht_secs),
        };
        *staff.get_mut(0, pos[i]) = Agents(agents[i].round().max(0.0) as u32);
    }
    let routing = Routing::dedicated(vec![all]);
    let model = SimModel {
        demand: &demand,
        agents: &staff,
        routing: &routing,
        service: vec![Dist::exponential(1.0)?],
        patience: vec![Some(Dist::exponential(patience)?)],
        arrivals: match arrivals {
            ArrivalsKind::Poisson => Arrivals::Poisson,
            ArrivalsKind::OfferedCount => {
                Arrivals::Replay(vec![offered_arrivals(rows, &pos, step as f64, seed)])
            }
        },
    };
    let opts = SimOptions {
        reps,
        seed,
        threshold_secs: o.threshold_secs,
        threads: None,
    };
    let res = simulate(&model, &opts, &Silent)?;
    Ok(res
        .replications()
        .iter()
        .map(|rep| {
            pos.iter()
                .map(|&t| {
                    let c = &rep.cells[t];
                    let v = (c.offered > 0).then(|| {
                        let off = f64::from(c.offered);
                        (
                            f64::from(c.answered_within) / off,
                            f64::from(c.abandoned) / off,
                        )
                    });
                    (v, c.wait_answered_secs, f64::from(c.answered))
                })
                .collect()
        })
        .collect())
}

/// How the simulation generates arrivals.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ArrivalsKind {
    /// Poisson at the interval's offered calls (the prediction).
    Poisson,
    /// Exactly the interval's offered calls (rounded), at uniformly random times in it: the
    /// Poisson process conditioned on the count (the noise floor).
    OfferedCount,
}

/// Arrival times (seconds since the first row's start) of exactly `round(offered)` calls per
/// row, uniform within the row's interval, ascending.
fn offered_arrivals(rows: &[ModelCheckRow], pos: &[usize], step: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::for_replication(seed, u64::MAX);
    let mut times = Vec::new();
    for (r, &p) in rows.iter().zip(pos) {
        let start = p as f64 * step;
        let mut own: Vec<f64> = (0..r.offered.round().max(0.0) as u64)
            .map(|_| start + step * (1.0 - rng.uniform_open0()))
            .map(|t| t.min(start + step * (1.0 - f64::EPSILON)))
            .collect();
        own.sort_by(f64::total_cmp);
        times.extend(own);
    }
    times.sort_by(f64::total_cmp);
    times
}

/// Mean over replications per row and the mean absolute deviation of single replications
/// around it.
fn rep_summary(cells: &[Vec<RepCell>], rows: usize) -> SimOut {
    (0..rows)
        .map(|i| {
            let vals: Vec<(f64, f64)> = cells.iter().filter_map(|rep| rep[i].0).collect();
            let (wait, answered) = cells
                .iter()
                .fold((0.0, 0.0), |acc, rep| (acc.0 + rep[i].1, acc.1 + rep[i].2));
            let k = vals.len().max(1) as f64;
            let ms = vals.iter().map(|v| v.0).sum::<f64>() / k;
            let ma = vals.iter().map(|v| v.1).sum::<f64>() / k;
            // Deviations from the sample mean of k values are smaller than from the true mean
            // by √((k − 1)/k) (exact for normal values): undo it.
            let unbias = if k > 1.0 { (k / (k - 1.0)).sqrt() } else { 1.0 };
            let ds = unbias * vals.iter().map(|v| (v.0 - ms).abs()).sum::<f64>() / k;
            let da = unbias * vals.iter().map(|v| (v.1 - ma).abs()).sum::<f64>() / k;
            (
                (ms, ma, (answered > 0.0).then(|| wait / answered)),
                (ds, da),
            )
        })
        .collect()
}

/// The simulation's prediction per row: Poisson arrivals, `o.reps` replications.
fn simulate_rows(
    rows: &[ModelCheckRow],
    agents: &[f64],
    patience: f64,
    o: &FidelityOptions,
) -> Result<SimOut, SimulateError> {
    let cells = simulate_cells(
        rows,
        agents,
        patience,
        o,
        ArrivalsKind::Poisson,
        o.reps,
        o.seed,
    )?;
    Ok(rep_summary(&cells, rows.len()))
}

/// The noise floor `(SL, abandonment)`: offered-weighted over busy rows, the mean absolute
/// deviation of single simulated intervals around the model's mean *given the interval's
/// offered count* — each of `o.reps` runs draws its own arrival times (exactly the offered
/// calls, uniform in the interval) and one replication of handle times and patience.
fn noise_floor(
    rows: &[ModelCheckRow],
    agents: &[f64],
    patience: f64,
    o: &FidelityOptions,
    min_offered: f64,
) -> Result<Option<Floor>, SimulateError> {
    let mut cells = Vec::new();
    for k in 0..u64::from(o.reps) {
        let seed = o.seed.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        cells.extend(simulate_cells(
            rows,
            agents,
            patience,
            o,
            ArrivalsKind::OfferedCount,
            1,
            seed,
        )?);
    }
    let summary = rep_summary(&cells, rows.len());
    let mut sums = FloorSums::default();
    for (r, (_, mad)) in rows.iter().zip(&summary) {
        if r.offered >= min_offered {
            sums.push(r.offered, mad.0, mad.1);
        }
    }
    Ok(sums.get())
}

/// The calibrated variant of a model check of `pool`: available agents per row (recorded × the
/// availability at the row's hour and load) and the patience — the pool's calibrated one (else
/// the period's own) for the simulation, × each row's queue-mix factor for Erlang A; `None`
/// without the pool's availability.
fn calibrated_variant(
    check: &ModelCheck,
    c: &Calibration,
    pool: &str,
) -> Option<(Vec<f64>, VariantPatience)> {
    let rows = &check.rows;
    let agents: Vec<f64> = rows
        .iter()
        .map(|r| {
            let u = r.load_erlangs / f64::from(r.agents.max(1));
            c.availability(pool, r.interval_start.local.hour(), Some(u))
                .map(|a| a * f64::from(r.agents))
        })
        .collect::<Option<_>>()?;
    let pool_cal = c.pool(pool);
    let patience = calibrated_patience(c, pool)
        .or(check.patience_secs)
        .map(|p| {
            let mix = |r: &ModelCheckRow| {
                pool_cal.map_or(1.0, |q| q.mix_patience_factor(&r.offered_by_queue))
            };
            (p, rows.iter().map(|r| p * mix(r)).collect())
        });
    Some((agents, patience))
}

/// Calibrated Erlang A's predictions over the rows of a model check of `pool`, before its
/// recalibration by size ([`crate::calibrate::SizeRecalibration`], which is fitted on them):
/// per row `(SL, abandon, ASA)`, the queue carried across intervals. `None` without the pool's
/// availability or a patience.
pub fn calibrated_erlang_a(
    check: &ModelCheck,
    c: &Calibration,
    pool: &str,
    o: &FidelityOptions,
) -> Option<Vec<(f64, f64, f64)>> {
    let (agents, patience) = calibrated_variant(check, c, pool)?;
    let (_, per_row) = patience?;
    Some(
        carried_erlang_a(&check.rows, &agents, &per_row, o)
            .iter()
            .map(|m| (m.0, m.1, m.2))
            .collect(),
    )
}

/// The simulation's patience with Erlang A's per row (`None`: no patience, Erlang C only).
type VariantPatience = Option<(f64, Vec<f64>)>;

/// One variant of the models: calibrated or not, agents per row, and its patience.
type Variant = (bool, Vec<f64>, VariantPatience);

/// The fidelity report of a model check of `pool` (see the module docs): `ALL` for the
/// audit's pooled check, else the name of the calibration's pool whose
/// [`super::model_check::pool_check`] `check` is.
///
/// # Errors
/// [`SimulateError`] when the simulation cannot be set up (not expected on a model check).
pub fn fidelity(
    check: &ModelCheck,
    calibration: Option<&Calibration>,
    pool: &str,
    o: &FidelityOptions,
) -> Result<Fidelity, SimulateError> {
    let rows = &check.rows;
    let mut out = Fidelity {
        pool: pool.to_string(),
        intervals_checked: check.rows.len(),
        min_offered: calibration.map_or(20.0, |c| c.min_offered),
        ..Fidelity::default()
    };
    if rows.is_empty() {
        return Ok(out);
    }
    let t = o.threshold_secs;
    // (calibrated, agents, patience of the simulation and Erlang A's per row — None without
    // one: the period's waits are not in the actuals and the calibration has none — so only
    // Erlang C)
    let period_patience = check.patience_secs;
    let mut variants: Vec<Variant> = vec![(
        false,
        rows.iter().map(|r| f64::from(r.agents)).collect(),
        period_patience.map(|p| (p, vec![p; rows.len()])),
    )];
    if let Some((agents, patience)) = calibration.and_then(|c| calibrated_variant(check, c, pool)) {
        variants.push((true, agents, patience));
    }
    let recalibration = calibration
        .and_then(|c| c.pool(pool))
        .and_then(|p| p.size_recalibration.as_ref());
    for (calibrated, agents, patience) in &variants {
        // Erlang A and the simulation need a patience (else only Erlang C has rows); calibrated
        // Erlang A carries the queue, uncalibrated is each interval's steady state.
        let (erlang_a, sim) = match patience {
            Some((p, per_row)) => {
                if *calibrated || out.noise_floor.is_none() {
                    out.noise_floor = noise_floor(rows, agents, *p, o, out.min_offered)?;
                }
                let erlang_a: Vec<(f64, f64, Option<f64>)> = if *calibrated {
                    carried_erlang_a(rows, agents, per_row, o)
                        .iter()
                        .zip(rows)
                        .map(|(c, r)| {
                            let raw = (c.0, c.1, c.2);
                            let (sl, ab, asa) =
                                recalibration.map_or(raw, |m| m.apply(r.offered, raw));
                            (sl, ab, Some(asa))
                        })
                        .collect()
                } else {
                    rows.iter()
                        .enumerate()
                        .map(|(i, r)| erlang_a_at(agents[i], r, per_row[i], t))
                        .collect()
                };
                (Some(erlang_a), Some(simulate_rows(rows, agents, *p, o)?))
            }
            None => (None, None),
        };
        for model in MODELS {
            if model != "erlang-c" && patience.is_none() {
                continue;
            }
            for (i, r) in rows.iter().enumerate() {
                const SKIPPED: &str = "a model needing a patience is skipped without one";
                let (sl, ab, asa) = match model {
                    "erlang-c" => erlang_c_at(agents[i], r, t),
                    "erlang-a" => erlang_a.as_ref().expect(SKIPPED)[i],
                    _ => sim.as_ref().expect(SKIPPED)[i].0,
                };
                if !(sl.is_finite() && ab.is_finite() && asa.is_none_or(f64::is_finite)) {
                    return Err(SimulateError::Cell {
                        what: "pool",
                        name: pool.to_string(),
                        at: r.interval_start.local,
                        reason: format!(
                            "{model} (calibrated: {calibrated}) gave a non-finite prediction \
                             (SL {sl}, abandon {ab}, ASA {asa:?}): a numerical failure, not a result"
                        ),
                    });
                }
                out.rows.push(FidelityRow {
                    interval_start: r.interval_start,
                    pool: pool.to_string(),
                    offered: r.offered,
                    agents: r.agents,
                    model,
                    calibrated: *calibrated,
                    predicted_sl: sl,
                    observed_sl: r.actual_sl,
                    predicted_abandon: ab,
                    observed_abandon: r.actual_abandon,
                    predicted_asa: asa,
                    observed_asa: r.actual_asa_secs,
                    answered: r.answered,
                });
            }
        }
    }
    out.rows.sort_by(|a, b| {
        (
            a.interval_start.utc(),
            a.interval_start,
            a.calibrated,
            a.model,
        )
            .cmp(&(
                b.interval_start.utc(),
                b.interval_start,
                b.calibrated,
                b.model,
            ))
    });
    let days = daily(&out);
    for (calibrated, ..) in &variants {
        for model in MODELS {
            let mine: Vec<&FidelityRow> = out
                .rows
                .iter()
                .filter(|r| {
                    r.model == model && r.calibrated == *calibrated && r.offered >= out.min_offered
                })
                .collect();
            let my_days: Vec<&FidelityDay> = days
                .iter()
                .filter(|d| d.model == model && d.calibrated == *calibrated)
                .collect();
            if let Some(s) = summarize(model, *calibrated, &mine, &my_days) {
                out.summaries.push(s);
            }
        }
    }
    let erlang_a_calibrated = variants.iter().any(|v| v.0);
    out.noise_floor_binomial = binomial_floor(out.rows.iter().filter(|r| {
        r.model == "erlang-a" && r.calibrated == erlang_a_calibrated && r.offered >= out.min_offered
    }));
    out.verdict = out
        .summaries
        .iter()
        .filter(|s| s.score.is_finite())
        .min_by(|a, b| a.score.total_cmp(&b.score))
        .map(|s| (s.model, s.calibrated));
    Ok(out)
}

/// One day of one model's fit on busy intervals (`--section fidelity-daily`).
#[derive(Debug, Clone, PartialEq)]
pub struct FidelityDay {
    /// The day.
    pub date: chrono::NaiveDate,
    /// Pool (`ALL`: queues pooled).
    pub pool: String,
    /// Model.
    pub model: &'static str,
    /// With the calibration.
    pub calibrated: bool,
    /// Busy intervals of the day with an observed SL.
    pub intervals: usize,
    /// Their offered calls.
    pub offered: f64,
    /// The day's observed SL: answered within the threshold ÷ offered over those intervals.
    pub observed_sl: f64,
    /// The day's predicted SL (the intervals' predictions weighted by their offered calls).
    pub predicted_sl: f64,
    /// SL mean absolute error of the day's intervals (each counts once).
    pub sl_mae: f64,
    /// The day's observed abandoned ÷ offered.
    pub observed_abandon: f64,
    /// The day's predicted abandoned ÷ offered.
    pub predicted_abandon: f64,
    /// Abandonment mean absolute error of the day's intervals.
    pub abandon_mae: f64,
}

/// Per day, model and calibration: the fidelity on busy intervals (the rows the summaries
/// score). `|predicted_sl − observed_sl|` averaged over the days is the summaries'
/// `daily_sl_mae`.
pub fn daily(f: &Fidelity) -> Vec<FidelityDay> {
    // Key: (day, pool, calibrated, model); value: n, offered, Σo·pSL, Σo·oSL, Σ|ΔSL|, Σo·pAb,
    // Σo·oAb, Σ|ΔAb|.
    type Sums = (usize, f64, f64, f64, f64, f64, f64, f64);
    let mut by: BTreeMap<(chrono::NaiveDate, &str, bool, &'static str), Sums> = BTreeMap::new();
    for r in &f.rows {
        let Some(obs) = r.observed_sl else { continue };
        if r.offered < f.min_offered {
            continue;
        }
        let key = (
            r.interval_start.local.date(),
            r.pool.as_str(),
            r.calibrated,
            r.model,
        );
        let d = by.entry(key).or_default();
        d.0 += 1;
        d.1 += r.offered;
        d.2 += r.offered * r.predicted_sl;
        d.3 += r.offered * obs;
        d.4 += (r.predicted_sl - obs).abs();
        d.5 += r.offered * r.predicted_abandon;
        d.6 += r.offered * r.observed_abandon;
        d.7 += (r.predicted_abandon - r.observed_abandon).abs();
    }
    by.into_iter()
        .filter(|(_, d)| d.0 > 0 && d.1 > 0.0)
        .map(|((date, pool, calibrated, model), d)| {
            let n = d.0 as f64;
            FidelityDay {
                date,
                pool: pool.to_string(),
                model,
                calibrated,
                intervals: d.0,
                offered: d.1,
                observed_sl: d.3 / d.1,
                predicted_sl: d.2 / d.1,
                sl_mae: d.4 / n,
                observed_abandon: d.6 / d.1,
                predicted_abandon: d.5 / d.1,
                abandon_mae: d.7 / n,
            }
        })
        .collect()
}

/// Calibrated Erlang A's patience: the pool's fitted Erlang A patience (the Kaplan–Meier
/// exponential-equivalent mean × the patience scale), else its exponential-equivalent mean
/// (the caller falls back to the period's own).
fn calibrated_patience(c: &Calibration, pool: &str) -> Option<f64> {
    c.pool(pool).and_then(|p| {
        p.availability
            .as_ref()
            .map(|f| f.patience_secs)
            .filter(|s| s.is_finite())
            .or(p.patience_exp_mean_secs)
    })
}

/// `E|X/n − p|` for `X ~ Binomial(n, p)`, summed over `k` from the log of the pmf.
fn binomial_mad(n: u64, p: f64) -> f64 {
    if n == 0 || p <= 0.0 || p >= 1.0 {
        return 0.0;
    }
    let nf = n as f64;
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let mut ln_choose = 0.0f64;
    let mut sum = 0.0;
    for k in 0..=n {
        if k > 0 {
            ln_choose += ((n - k + 1) as f64).ln() - (k as f64).ln();
        }
        let kf = k as f64;
        sum += (ln_choose + kf * lp + (nf - kf) * lq).exp() * (kf / nf - p).abs();
    }
    sum
}

/// Binomial mean absolute deviations of SL and abandonment (per interval and per call) at the rows'
/// predicted probabilities (independent callers: the lower bound of the noise floor).
fn binomial_floor<'a>(rows: impl Iterator<Item = &'a FidelityRow>) -> Option<Floor> {
    let mut sums = FloorSums::default();
    for r in rows {
        let n = r.offered.round().max(0.0) as u64;
        sums.push(
            r.offered,
            binomial_mad(n, r.predicted_sl),
            binomial_mad(n, r.predicted_abandon),
        );
    }
    sums.get()
}

fn summarize(
    model: &'static str,
    calibrated: bool,
    rows: &[&FidelityRow],
    days: &[&FidelityDay],
) -> Option<FidelitySummary> {
    // Per interval: n, Σ|ΔSL|, ΣΔSL, Σ|Δab|, ΣΔab; per call: w, Σw|ΔSL|, Σw|Δab|, Σw(ΔSL² + Δab²).
    let (mut n, mut mae, mut bias, mut ab, mut ab_bias) = (0usize, 0.0, 0.0, 0.0, 0.0);
    let (mut w, mut mae_w, mut ab_w, mut score) = (0.0, 0.0, 0.0, 0.0);
    let (mut wa, mut asa) = (0.0, 0.0);
    for r in rows {
        let Some(obs) = r.observed_sl else { continue };
        n += 1;
        let e = r.predicted_sl - obs;
        let ea = r.predicted_abandon - r.observed_abandon;
        mae += e.abs();
        bias += e;
        ab += ea.abs();
        ab_bias += ea;
        w += r.offered;
        mae_w += r.offered * e.abs();
        ab_w += r.offered * ea.abs();
        score += r.offered * (e * e + ea * ea);
        if let (Some(p), Some(o)) = (r.predicted_asa, r.observed_asa) {
            wa += r.answered;
            asa += r.answered * (p - o).abs();
        }
    }
    if n == 0 || w <= 0.0 {
        return None;
    }
    let daily = days
        .iter()
        .map(|d| (d.predicted_sl - d.observed_sl).abs())
        .sum::<f64>()
        / days.len().max(1) as f64;
    let nf = n as f64;
    Some(FidelitySummary {
        model,
        calibrated,
        intervals: n,
        days: days.len(),
        sl_mae: mae / nf,
        sl_bias: bias / nf,
        daily_sl_mae: daily,
        abandon_mae: ab / nf,
        abandon_bias: ab_bias / nf,
        sl_mae_per_call: mae_w / w,
        abandon_mae_per_call: ab_w / w,
        asa_mae: (wa > 0.0).then(|| asa / wa),
        score: score / w,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::{AvailabilityFit, PoolCalibration};

    /// Calibrated Erlang A carries the queue: the first interval of the day starts empty and
    /// predicts less abandonment than its steady state; after two hours at the same load and
    /// agents the chain is in the steady state.
    #[test]
    fn calibrated_erlang_a_carries_the_queue_from_an_empty_morning() {
        let day = chrono::NaiveDate::from_ymd_opt(1999, 1, 5).unwrap();
        let rows: Vec<ModelCheckRow> = (0..6)
            .map(|i| ModelCheckRow {
                interval_start: LocalStamp::naive(
                    day.and_hms_opt(8, 0, 0).unwrap() + chrono::Duration::minutes(30 * i),
                ),
                offered: 100.0,
                answered: 80.0,
                abandoned: 20.0,
                agents: 10,
                aht_secs: 180.0,
                load_erlangs: 10.0,
                actual_sl: Some(0.5),
                actual_asa_secs: Some(60.0),
                actual_abandon: 0.2,
                erlang_c: None,
                erlang_a: None,
                offered_by_queue: Vec::new(),
            })
            .collect();
        let check = ModelCheck {
            rows,
            patience_secs: Some(300.0),
            ..ModelCheck::default()
        };
        let fit = AvailabilityFit {
            availability: 0.9,
            se: 0.0,
            ci90: (0.9, 0.9),
            intervals: 6,
            days: 1,
            by_hour: Vec::new(),
            by_utilisation: Vec::new(),
            patience_secs: 300.0,
            patience_scale: 1.0,
            sl_mae: 0.0,
            sl_bias: 0.0,
            abandon_mae: 0.0,
            abandon_bias: 0.0,
        };
        let cal = Calibration {
            min_offered: 20.0,
            pools: vec![PoolCalibration {
                name: QueueId::ALL.to_string(),
                availability: Some(fit),
                ..PoolCalibration::default()
            }],
            ..Calibration::default()
        };
        let o = FidelityOptions {
            interval: IntervalLength::from_minutes(30).unwrap(),
            threshold_secs: 20.0,
            reps: 2,
            seed: 1,
        };
        let f = fidelity(&check, Some(&cal), QueueId::ALL, &o).unwrap();
        let ea: Vec<&FidelityRow> = f
            .rows
            .iter()
            .filter(|r| r.model == "erlang-a" && r.calibrated)
            .collect();
        assert_eq!(ea.len(), 6);
        // 9 available agents, 10 Erlangs, patience 300 s.
        let steady = erlang_a::compute(9, 10.0, 180.0, 300.0, 20.0);
        let ab = steady.abandon_rate.unwrap();
        assert!(
            ea[0].predicted_abandon < ab - 0.01,
            "{} {ab}",
            ea[0].predicted_abandon
        );
        assert!(
            (ea[5].predicted_abandon - ab).abs() < 2e-3,
            "{} {ab}",
            ea[5].predicted_abandon
        );
        assert!((ea[5].predicted_sl - steady.service_level).abs() < 2e-3);
        // The uncalibrated Erlang A stays each interval's steady state (10 agents).
        let un = f
            .rows
            .iter()
            .find(|r| r.model == "erlang-a" && !r.calibrated)
            .unwrap();
        let steady10 = erlang_a::compute(10, 10.0, 180.0, 300.0, 20.0);
        assert!((un.predicted_abandon - steady10.abandon_rate.unwrap()).abs() < 1e-12);
        // The calibrated model before its recalibration is what the fidelity rows show without
        // one; with a recalibration by size, the rows are its correction of those values.
        let raw = calibrated_erlang_a(&check, &cal, QueueId::ALL, &o).unwrap();
        for (r, p) in ea.iter().zip(&raw) {
            assert_eq!((r.predicted_sl, r.predicted_abandon), (p.0, p.1));
        }
        let mut recal = cal.clone();
        recal.pools[0].size_recalibration = Some(crate::calibrate::SizeRecalibration {
            bands: vec![crate::calibrate::SizeBand {
                lowest_offered: 50.0,
                sl_shift: 0.05,
                abandon_factor: 0.5,
                asa_factor: 2.0,
                intervals: 6,
            }],
        });
        let g = fidelity(&check, Some(&recal), QueueId::ALL, &o).unwrap();
        let corrected = g
            .rows
            .iter()
            .filter(|r| r.model == "erlang-a" && r.calibrated);
        for (r, p) in corrected.zip(&raw) {
            assert!((r.predicted_abandon - 0.5 * p.1).abs() < 1e-12);
            assert!((r.predicted_sl - (p.0 + 0.05)).abs() < 1e-12);
            assert!((r.predicted_asa.unwrap() - 2.0 * p.2).abs() < 1e-9);
        }
    }

    #[test]
    fn binomial_mean_absolute_deviation_matches_hand_values() {
        // n = 2, p = 0.5: |0 − .5|·.25 + |.5 − .5|·.5 + |1 − .5|·.25 = 0.25.
        assert!((binomial_mad(2, 0.5) - 0.25).abs() < 1e-12);
        // n = 1: 2p(1 − p).
        assert!((binomial_mad(1, 0.2) - 0.32).abs() < 1e-12);
        // Large n: ≈ √(2/π)·√(p(1 − p)/n).
        let approx = (2.0 / std::f64::consts::PI).sqrt() * (0.1f64 * 0.9 / 400.0).sqrt();
        assert!((binomial_mad(400, 0.1) / approx - 1.0).abs() < 0.03);
        assert_eq!(binomial_mad(0, 0.3), 0.0);
        assert_eq!(binomial_mad(10, 0.0), 0.0);
    }
}
