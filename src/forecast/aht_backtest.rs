//! Rolling-origin backtest of the AHT forecast (library side of `wfm backtest --target aht`).
//!
//! For each origin and queue the AHT estimator (or `auto`, chosen on the volume forecast's
//! inner origins) is fitted on the history before the origin and forecasts the horizon; every
//! interval of the horizon that had calls with an AHT is scored, weighted by its calls `n`
//! (the history's offered calls: an interval's AHT is the mean over its calls, so an interval
//! with 40 calls counts 40 times one with a single call).
//!
//! # Metrics (pooled over origins, queues and intervals)
//! - WAPE `Σ n·|a − f| / Σ n·a`; bias `Σ n·(f − a) / Σ n·a` (positive = over-forecast); the
//!   AHT WAPE and bias of `wfm audit`;
//! - daily WAPE: the same on the daily AHT per (origin, queue, day), weighted by the day's
//!   calls, i.e. `Σ |Σ n·a − Σ n·f| / Σ n·a` over days;
//! - accuracy per origin week: call-weighted actual ÷ forecast AHT `Σ n·a / Σ n·f` over each
//!   7-day block of each origin's horizon (all queues), as mean, min and max;
//! - coverage: share of scored intervals inside the 80 % / 95 % interval (among those with an
//!   interval);
//! - seconds: compute time per queue summed over queues and origins, after one untimed warm-up
//!   run at the first origin (loading and scoring excluded).

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::time::Instant;

use super::aht::{forecast_aht, inner_origins, AhtChoice, AhtData, AhtRun};
use super::backtest::ModelScore;
use super::history::History;
use super::pipeline::origin_and_horizon;
use super::{ForecastError, InnerBacktest};
use crate::time::{format_timestamp, NaiveDate, NaiveDateTime};

/// Options of [`backtest_aht`].
#[derive(Debug, Clone, PartialEq)]
pub struct AhtBacktestOptions {
    /// Origins (interval boundaries); an intraday origin scores the rest of its day and beyond
    /// with the forecast made at its midnight.
    pub origins: Vec<NaiveDateTime>,
    /// Horizon in seconds.
    pub horizon_secs: i64,
    /// AHT estimators to evaluate (each may be `auto`).
    pub models: Vec<AhtChoice>,
    /// Inner backtest settings (the same inner origins as the volume forecast).
    pub inner: InnerBacktest,
}

/// One scored interval.
#[derive(Debug, Clone, PartialEq)]
pub struct AhtBacktestRow {
    /// The evaluated estimator as requested (`auto` or a name).
    pub model: String,
    /// The origin.
    pub origin: NaiveDateTime,
    /// Interval start.
    pub interval_start: NaiveDateTime,
    /// Queue.
    pub queue: String,
    /// Calls of the interval (the weight).
    pub calls: f64,
    /// Observed AHT, seconds.
    pub actual: f64,
    /// Forecast AHT, seconds.
    pub forecast: f64,
    /// 80 % and 95 % bounds `(lo80, hi80, lo95, hi95)`, when the inner backtest gave enough
    /// errors to calibrate them.
    pub bounds: Option<(f64, f64, f64, f64)>,
}

/// Result of [`backtest_aht`].
#[derive(Debug, Clone, PartialEq)]
pub struct AhtBacktestReport {
    /// One score per requested estimator, in request order (`total_actual` = Σ n·a, handle
    /// seconds; `picks` = the estimators used per queue × origin; no intraday scores).
    pub scores: Vec<ModelScore>,
    /// Every scored interval.
    pub rows: Vec<AhtBacktestRow>,
}

/// Runs the AHT rolling-origin backtest. `progress(done, total)` is called after each
/// (estimator, origin) step; the library never prints.
///
/// # Errors
/// [`ForecastError::BadOrigin`], [`ForecastError::BadHorizon`], or
/// [`ForecastError::BadBacktestOrigin`] for an origin given twice or whose horizon has no
/// interval with an AHT (e.g. a history without `aht_seconds`).
pub fn backtest_aht(
    history: &History,
    options: &AhtBacktestOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<AhtBacktestReport, ForecastError> {
    let d = history.step().per_day();
    let mut origins: Vec<(NaiveDateTime, usize)> = Vec::new();
    let mut horizon = 0;
    for &o in &options.origins {
        let (od, h) = origin_and_horizon(history, Some(o), options.horizon_secs)?;
        let bad = |reason: String| ForecastError::BadBacktestOrigin {
            origin: format_timestamp(o),
            reason,
        };
        if origins.iter().any(|&(p, _)| p == o) {
            return Err(bad("given twice".into()));
        }
        let end = (od + h).min(history.len());
        let scored = history.queues().iter().any(|q| {
            (od..end).any(|i| q.actual(i).is_some_and(|n| n > 0.0) && q.aht_secs()[i].is_some())
        });
        if !scored {
            return Err(bad(format!(
                "no interval of its horizon has calls with an AHT (the history needs an `aht_seconds` column and history after the origin; it ends {})",
                format_timestamp(history.end())
            )));
        }
        origins.push((o, od));
        horizon = h;
    }
    let run = |q: usize, od: usize, choice: AhtChoice| -> Option<AhtRun> {
        let data = AhtData {
            q: &history.queues()[q],
            d,
            first_wd: history.first_weekday(),
        };
        let (day, off) = (od / d, od % d);
        let (inner, days) = inner_origins(day, off, horizon, d, &options.inner);
        forecast_aht(&data, day, off + horizon, &inner, days, choice)
    };
    let nq = history.queues().len();
    let total = options.models.len() * origins.len();
    let mut done = 0;
    let mut scores = Vec::new();
    let mut rows = Vec::new();
    for &choice in &options.models {
        if let Some(&(_, od)) = origins.first() {
            // One untimed warm-up, as for the volume backtest.
            (0..nq).into_par_iter().for_each(|q| {
                run(q, od, choice);
            });
        }
        let (mut seconds, mut picks) = (0.0, BTreeMap::new());
        let first_row = rows.len();
        for &(o, od) in &origins {
            let runs: Vec<(Option<AhtRun>, f64)> = (0..nq)
                .into_par_iter()
                .map(|q| {
                    let t0 = Instant::now();
                    let r = run(q, od, choice);
                    (r, t0.elapsed().as_secs_f64())
                })
                .collect();
            for (qi, (r, secs)) in runs.into_iter().enumerate() {
                seconds += secs;
                let Some(r) = r else { continue };
                *picks.entry(r.model.name().to_string()).or_insert(0) += 1;
                let q = &history.queues()[qi];
                let off = od % d;
                for t in 0..horizon {
                    let i = od + t;
                    let (Some(n), Some(a)) = (q.actual(i), q.aht_secs().get(i).copied().flatten())
                    else {
                        continue;
                    };
                    if n <= 0.0 {
                        continue;
                    }
                    rows.push(AhtBacktestRow {
                        model: choice.name().to_string(),
                        origin: o,
                        interval_start: history.timestamp(i),
                        queue: q.queue().to_string(),
                        calls: n,
                        actual: a,
                        forecast: r.aht[off + t],
                        bounds: r
                            .bounds
                            .get(off + t)
                            .map(|b| (b.lo80, b.hi80, b.lo95, b.hi95)),
                    });
                }
            }
            done += 1;
            progress(done, total);
        }
        scores.push(score(choice.name(), &rows[first_row..], seconds, picks));
    }
    Ok(AhtBacktestReport { scores, rows })
}

/// The call-weighted summary of one estimator's rows.
fn score(
    name: &str,
    rows: &[AhtBacktestRow],
    seconds: f64,
    picks: BTreeMap<String, usize>,
) -> ModelScore {
    let (mut abs, mut diff, mut work) = (0.0, 0.0, 0.0);
    let (mut in80, mut in95, mut with_bounds) = (0usize, 0usize, 0usize);
    let mut daily: BTreeMap<(NaiveDateTime, &str, NaiveDate), (f64, f64)> = BTreeMap::new();
    let mut weekly: BTreeMap<(NaiveDateTime, i64), (f64, f64)> = BTreeMap::new();
    for r in rows {
        let (na, nf) = (r.calls * r.actual, r.calls * r.forecast);
        abs += (na - nf).abs();
        diff += nf - na;
        work += na;
        if let Some((lo80, hi80, lo95, hi95)) = r.bounds {
            with_bounds += 1;
            in80 += usize::from((lo80..=hi80).contains(&r.actual));
            in95 += usize::from((lo95..=hi95).contains(&r.actual));
        }
        for e in [
            daily
                .entry((r.origin, &r.queue, r.interval_start.date()))
                .or_insert((0.0, 0.0)),
            weekly
                .entry((r.origin, (r.interval_start - r.origin).num_days() / 7))
                .or_insert((0.0, 0.0)),
        ] {
            e.0 += na;
            e.1 += nf;
        }
    }
    let ratio = |x: f64| if work > 0.0 { x / work } else { f64::NAN };
    let share = |k: usize| {
        if with_bounds > 0 {
            k as f64 / with_bounds as f64
        } else {
            f64::NAN
        }
    };
    let acc: Vec<f64> = weekly
        .values()
        .filter(|(_, f)| *f > 0.0)
        .map(|(a, f)| a / f)
        .collect();
    ModelScore {
        model: name.to_string(),
        wape: ratio(abs),
        bias: ratio(diff),
        daily_wape: ratio(daily.values().map(|(a, f)| (a - f).abs()).sum()),
        accuracy_mean: acc.iter().sum::<f64>() / acc.len().max(1) as f64,
        accuracy_min: acc.iter().copied().fold(f64::INFINITY, f64::min),
        accuracy_max: acc.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        coverage80: share(in80),
        coverage95: share(in95),
        seconds,
        points: rows.len(),
        total_actual: work,
        picks,
        intraday: Vec::new(),
    }
}
