//! Rolling-origin backtest (library side of `wfm backtest`).
//!
//! For each origin and queue, the model is fitted on the history **before** the origin only
//! (the calendar is knowledge a planner has in advance and may be used) and forecasts the
//! horizon; forecasts are compared with the observed intervals (missing days are not scored).
//!
//! # Metrics (pooled over origins, queues and intervals)
//! - WAPE `Σ|y − f| / Σ y`; bias `Σ(f − y) / Σ y` (positive = over-forecast);
//! - daily WAPE: the same on calendar-day totals per (origin, queue, day);
//! - accuracy per origin week: `Σ y / Σ f` over each 7-day block of each origin's horizon
//!   (all queues), reported as mean, min and max (the handbooks' forecast accuracy);
//! - coverage: share of scored intervals with `lo ≤ y ≤ hi` for the 80 % and 95 % intervals;
//! - seconds: wall time of preparation, fitting, selection and prediction, measured per queue
//!   and summed over queues and origins (so the same on one thread as on many: queues run in
//!   parallel), after one untimed warm-up run, excluding loading and scoring (the FORECAST.md
//!   protocol).
//!
//! Reference: Tashman, L. J. (2000), "Out-of-sample tests of forecasting accuracy: an analysis
//! and review", International Journal of Forecasting 16(4):437–450 (rolling-origin evaluation).

use std::collections::BTreeMap;
use std::time::Instant;

use super::calendar::Calendar;
use super::history::History;
use super::opday::{run_queues_on_day, Relabelled};
use super::pipeline::origin_and_horizon;
use super::{ForecastError, InnerBacktest, ModelChoice};
use crate::time::{format_timestamp, NaiveDateTime};

/// Options of [`backtest`].
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestOptions {
    /// Origins (interval boundaries), each fitted from scratch on the history before it; an
    /// intraday origin also uses the morning of its own day.
    pub origins: Vec<NaiveDateTime>,
    /// Horizon in seconds.
    pub horizon_secs: i64,
    /// Models to evaluate (each may be `auto`).
    pub models: Vec<ModelChoice>,
    /// Inner backtest settings (intervals and `auto`).
    pub inner: InnerBacktest,
    /// Where the planning (operational) day starts; see [`super::DayStart`].
    pub day_start: super::DayStart,
}

/// One scored interval.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestRow {
    /// The evaluated model (as requested, e.g. `auto`).
    pub model: String,
    /// The origin.
    pub origin: NaiveDateTime,
    /// Interval start.
    pub interval_start: NaiveDateTime,
    /// Queue.
    pub queue: String,
    /// Observed volume.
    pub actual: f64,
    /// Point forecast.
    pub forecast: f64,
    /// 80 % lower bound.
    pub lo80: f64,
    /// 80 % upper bound.
    pub hi80: f64,
    /// 95 % lower bound.
    pub lo95: f64,
    /// 95 % upper bound.
    pub hi95: f64,
    /// For an intraday origin: the day-ahead (midnight) forecast of the same interval.
    pub day_ahead: Option<f64>,
}

/// Intraday reforecasts of one model from origins at one time of day: the rest of the
/// origin's day, reforecast versus the day-ahead forecast of the same intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct IntradayScore {
    /// The origins' time of day.
    pub time_of_day: crate::time::NaiveTime,
    /// Number of origins at that time.
    pub origins: usize,
    /// WAPE of the reforecast over the rest of each origin's day, pooled.
    pub reforecast_wape: f64,
    /// WAPE of the day-ahead forecast over the same intervals.
    pub day_ahead_wape: f64,
    /// Scored intervals.
    pub points: usize,
}

/// Scores of one model over the whole backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelScore {
    /// The model as requested.
    pub model: String,
    /// Pooled WAPE.
    pub wape: f64,
    /// Pooled bias.
    pub bias: f64,
    /// WAPE of daily totals.
    pub daily_wape: f64,
    /// Mean of Σ actual ÷ Σ forecast per origin week.
    pub accuracy_mean: f64,
    /// Minimum of the same.
    pub accuracy_min: f64,
    /// Maximum of the same.
    pub accuracy_max: f64,
    /// Share of actuals inside the 80 % interval.
    pub coverage80: f64,
    /// Share of actuals inside the 95 % interval.
    pub coverage95: f64,
    /// Seconds of preparation + fit + selection + predict, summed over origins.
    pub seconds: f64,
    /// Scored intervals.
    pub points: usize,
    /// Σ actual.
    pub total_actual: f64,
    /// How often each concrete model was used (for `auto`: the per-queue picks), by name.
    pub picks: BTreeMap<String, usize>,
    /// Per time of day of the intraday origins (none for midnight origins).
    pub intraday: Vec<IntradayScore>,
}

/// Result of [`backtest`].
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestReport {
    /// One score per requested model, in request order.
    pub scores: Vec<ModelScore>,
    /// Every scored interval.
    pub rows: Vec<BacktestRow>,
}

/// Runs the rolling-origin backtest. `progress(done, total)` is called after each (model,
/// origin) step; the library never prints.
///
/// # Errors
/// [`ForecastError::BadOrigin`], [`ForecastError::BadHorizon`], or a named model's
/// [`ForecastError::NotEnoughHistory`] at the earliest origin.
pub fn backtest(
    history: &History,
    calendar: Option<&Calendar>,
    options: &BacktestOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BacktestReport, ForecastError> {
    let mut origins = Vec::new();
    let mut horizon = 0;
    let bad = |o: NaiveDateTime, reason: String| ForecastError::BadBacktestOrigin {
        origin: format_timestamp(o),
        reason,
    };
    for &o in &options.origins {
        let (od, h) = origin_and_horizon(history, Some(o), options.horizon_secs)?;
        if origins.iter().any(|&(p, _)| p == o) {
            // Scored twice, it would weigh double in every pooled metric.
            return Err(bad(o, "given twice".into()));
        }
        let end = (od + h).min(history.len());
        let scored = history
            .queues()
            .iter()
            .any(|q| (od..end).any(|i| q.actual(i).is_some()));
        if !scored {
            // Nothing to compare with: WAPE would be 0/0 and accuracy ±∞.
            let why = if od + h <= history.len() {
                // Inside the history: a gap in the data, not its end.
                format!(
                    "no interval of its horizon has an actual (the history has no row from {} to {}: a gap); an origin needs history after it",
                    format_timestamp(history.timestamp(od)),
                    format_timestamp(history.timestamp(end))
                )
            } else {
                format!(
                    "no interval of its horizon has an actual (the history ends {}); an origin needs history after it",
                    format_timestamp(history.end())
                )
            };
            return Err(bad(o, why));
        }
        origins.push((o, od));
        horizon = h;
    }
    // Each origin's operational day. The relabelled history depends on the day start alone
    // (not on the origin or the model), so it is built once per distinct start and shared by
    // every model; each origin's share of that work (its day start, and the relabelling when it
    // was first needed) is counted in every model's seconds, as when each relabelled its own.
    let mut relabelled: BTreeMap<isize, Relabelled> = BTreeMap::new();
    let mut day_starts = Vec::with_capacity(origins.len());
    for &(_, od) in &origins {
        let t0 = Instant::now();
        let r = options.day_start.slots(history, od)?;
        relabelled
            .entry(r)
            .or_insert_with(|| (r != 0).then(|| history.relabelled(r)));
        day_starts.push((r, t0.elapsed().as_secs_f64()));
    }
    let total = options.models.len() * origins.len();
    let mut done = 0;
    let mut scores = Vec::new();
    let mut rows = Vec::new();
    for choice in &options.models {
        let name = choice.name();
        // One untimed warm-up (first origin), as in the FORECAST.md protocol.
        if let (Some(&(_, od)), Some(&(r, _))) = (origins.first(), day_starts.first()) {
            let rel = &relabelled[&r];
            let warm =
                run_queues_on_day(history, rel, calendar, od, horizon, choice, &options.inner);
            for (w, _) in warm {
                w?;
            }
        }
        let mut seconds = 0.0;
        let mut picks = BTreeMap::new();
        let first_row = rows.len();
        for (&(o, od), &(r, relabel_secs)) in origins.iter().zip(&day_starts) {
            // Queues in parallel, assembled in queue order; `seconds` sums each queue's own
            // compute time (CPU seconds, comparable across thread counts).
            seconds += relabel_secs;
            let runs = run_queues_on_day(
                history,
                &relabelled[&r],
                calendar,
                od,
                horizon,
                choice,
                &options.inner,
            );
            for (q, (run, secs)) in history.queues().iter().zip(runs) {
                let run = run?;
                seconds += secs;
                *picks.entry(run.model.clone()).or_insert(0) += 1;
                for t in 0..horizon {
                    let i = od + t;
                    let Some(actual) = q.actual(i) else {
                        continue;
                    };
                    let b = run.bounds[t];
                    rows.push(BacktestRow {
                        model: name.clone(),
                        origin: o,
                        interval_start: history.timestamp(i),
                        queue: q.queue().to_string(),
                        actual,
                        forecast: run.forecast[t],
                        lo80: b.lo80,
                        hi80: b.hi80,
                        lo95: b.lo95,
                        hi95: b.hi95,
                        day_ahead: run.day_ahead.as_ref().map(|v| v[t]),
                    });
                }
            }
            done += 1;
            progress(done, total);
        }
        scores.push(score(&name, &rows[first_row..], seconds, picks));
    }
    Ok(BacktestReport { scores, rows })
}

fn score(
    name: &str,
    rows: &[BacktestRow],
    seconds: f64,
    picks: BTreeMap<String, usize>,
) -> ModelScore {
    let mut abs = 0.0;
    let mut diff = 0.0;
    let mut sum_y = 0.0;
    let mut in80 = 0usize;
    let mut in95 = 0usize;
    let mut daily: BTreeMap<(NaiveDateTime, &str, crate::time::NaiveDate), (f64, f64)> =
        BTreeMap::new();
    let mut weekly: BTreeMap<(NaiveDateTime, i64), (f64, f64)> = BTreeMap::new();
    for r in rows {
        abs += (r.actual - r.forecast).abs();
        diff += r.forecast - r.actual;
        sum_y += r.actual;
        in80 += usize::from(r.actual >= r.lo80 && r.actual <= r.hi80);
        in95 += usize::from(r.actual >= r.lo95 && r.actual <= r.hi95);
        let e = daily
            .entry((r.origin, &r.queue, r.interval_start.date()))
            .or_insert((0.0, 0.0));
        e.0 += r.actual;
        e.1 += r.forecast;
        let week = (r.interval_start - r.origin).num_days() / 7;
        let e = weekly.entry((r.origin, week)).or_insert((0.0, 0.0));
        e.0 += r.actual;
        e.1 += r.forecast;
    }
    let n = rows.len().max(1) as f64;
    let daily_abs: f64 = daily.values().map(|(y, f)| (y - f).abs()).sum();
    let acc: Vec<f64> = weekly
        .values()
        .filter(|(_, f)| *f > 0.0)
        .map(|(y, f)| y / f)
        .collect();
    let ratio = |a: f64| if sum_y > 0.0 { a / sum_y } else { f64::NAN };
    ModelScore {
        model: name.to_string(),
        wape: ratio(abs),
        bias: ratio(diff),
        daily_wape: ratio(daily_abs),
        accuracy_mean: acc.iter().sum::<f64>() / acc.len().max(1) as f64,
        accuracy_min: acc.iter().copied().fold(f64::INFINITY, f64::min),
        accuracy_max: acc.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        coverage80: in80 as f64 / n,
        coverage95: in95 as f64 / n,
        seconds,
        points: rows.len(),
        total_actual: sum_y,
        picks,
        intraday: intraday_scores(rows),
    }
}

/// Rest-of-day WAPEs per origin time of day (rows of intraday origins only).
fn intraday_scores(rows: &[BacktestRow]) -> Vec<IntradayScore> {
    type Acc = (
        f64,
        f64,
        f64,
        usize,
        std::collections::BTreeSet<NaiveDateTime>,
    );
    let mut by_time: BTreeMap<crate::time::NaiveTime, Acc> = BTreeMap::new();
    for r in rows {
        let Some(g) = r.day_ahead else { continue };
        if r.interval_start.date() != r.origin.date() {
            continue;
        }
        let e = by_time
            .entry(r.origin.time())
            .or_insert((0.0, 0.0, 0.0, 0, Default::default()));
        e.0 += (r.actual - r.forecast).abs();
        e.1 += (r.actual - g).abs();
        e.2 += r.actual;
        e.3 += 1;
        e.4.insert(r.origin);
    }
    by_time
        .into_iter()
        .filter(|(_, a)| a.2 > 0.0)
        .map(
            |(time_of_day, (re, da, y, points, origins))| IntradayScore {
                time_of_day,
                origins: origins.len(),
                reforecast_wape: re / y,
                day_ahead_wape: da / y,
                points,
            },
        )
        .collect()
}
