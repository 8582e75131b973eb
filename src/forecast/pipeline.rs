//! One queue, one origin: prepare, rank (inner backtest), fit, predict, calendar, intervals.

use super::aht::aht_profile;
use super::calendar::Calendar;
use super::history::{History, QueueHistory};
use super::intervals::{Bounds, Calibration};
use super::prepare::{prepare, Prepared};
use super::{
    FitData, ForecastError, ForecastOptions, ForecastOutput, ForecastRow, InnerBacktest,
    ModelChoice, ModelSpec, QueueSummary, RankEntry,
};
use crate::time::Datelike;
use rayon::prelude::*;

/// How many of the best candidates `auto` averages into its ensemble.
pub(crate) const ENSEMBLE_SIZE: usize = 3;

/// One queue's forecast from one origin.
#[derive(Debug, Clone)]
pub(crate) struct QueueRun {
    /// Point forecasts for the horizon (closed → 0, clipped).
    pub forecast: Vec<f64>,
    /// Interval bounds per step.
    pub bounds: Vec<Bounds>,
    /// Whether each step is an open interval of the template.
    pub open: Vec<bool>,
    /// Model used.
    pub model: String,
    /// Inner ranking, best first.
    pub ranking: Vec<RankEntry>,
    /// Inner origins used.
    pub inner_origins: usize,
    /// AHT per step (seconds), when known.
    pub aht: Option<Vec<f64>>,
}

/// Predicts `horizon` steps after the prepared history with `spec`, applying the template,
/// the calendar effects and the clip at 0.
pub(crate) fn predict_prepared(
    spec: &ModelSpec,
    p: &Prepared,
    history: &History,
    calendar: Option<&Calendar>,
    horizon: usize,
) -> Result<Vec<f64>, ForecastError> {
    let y = if spec.uses_cleaned() {
        &p.clean
    } else {
        &p.raw
    };
    let data = FitData {
        y,
        slots_per_day: p.d,
        first_weekday: p.first_wd,
    };
    let mut f = spec.fit_predict(&data, horizon)?;
    apply_calendar(&mut f, p, history, calendar, spec.uses_cleaned());
    Ok(f)
}

/// The series `spec` fits on.
fn fit_data<'a>(spec: &ModelSpec, p: &'a Prepared) -> FitData<'a> {
    FitData {
        y: if spec.uses_cleaned() {
            &p.clean
        } else {
            &p.raw
        },
        slots_per_day: p.d,
        first_weekday: p.first_wd,
    }
}

fn apply_calendar(
    f: &mut [f64],
    p: &Prepared,
    history: &History,
    calendar: Option<&Calendar>,
    month_day: bool,
) {
    let d = p.d;
    for (t, v) in f.iter_mut().enumerate() {
        let day = p.days + t / d;
        let slot = t % d;
        if !p.open[p.weekday(day) * d + slot] {
            *v = 0.0;
            continue;
        }
        let date = history.date(day);
        if month_day {
            *v *= p.month_day[date.day() as usize];
        }
        if let Some(sd) = calendar.and_then(|c| c.get(date)) {
            *v *= p.effects[sd.effect.index()][slot];
        }
        if !(v.is_finite() && *v > 0.0) {
            *v = 0.0;
        }
    }
}

/// WAPE of pairs `(actual, forecast)`; `None` when Σ actual = 0.
pub(crate) fn wape(pairs: &[(f64, f64)]) -> Option<f64> {
    crate::model::measures::wape(pairs.iter().map(|&(y, f)| (1.0, y, f)))
}

/// Forecasts one queue from `origin_day` for `horizon` steps.
pub(crate) fn run_queue(
    history: &History,
    q: &QueueHistory,
    calendar: Option<&Calendar>,
    origin_day: usize,
    horizon: usize,
    choice: &ModelChoice,
    inner: &InnerBacktest,
) -> Result<QueueRun, ForecastError> {
    let d = history.step().per_day();
    let mut candidates = match choice {
        ModelChoice::Auto => ModelSpec::auto_candidates(),
        ModelChoice::Named(m) => vec![m.clone()],
    };
    // Inner rolling-origin backtest: weekly origins ending at the forecast origin, horizon
    // min(horizon, 7 days) in whole days; visited earliest first so that parameters are tuned
    // once, at the earliest inner origin.
    let h_days = horizon.min(7 * d).div_ceil(d);
    let h_in = h_days * d;
    let inner_days: Vec<usize> = (0..inner.origins)
        .map_while(|j| origin_day.checked_sub(h_days + 7 * j))
        .take_while(|&od| od >= inner.min_train_days)
        .collect();
    let k_n = inner_days.len();
    // fcs[c][k]: candidate c's forecast at inner origin k (earliest first), if it could fit.
    let mut fcs: Vec<Vec<Option<Vec<f64>>>> = vec![vec![None; k_n]; candidates.len()];
    let mut tuned = vec![false; candidates.len()];
    let mut actuals: Vec<Vec<Option<f64>>> = Vec::with_capacity(k_n);
    for (k, &od) in inner_days.iter().rev().enumerate() {
        let p = prepare(history, q, calendar, od);
        for (c, spec) in candidates.iter_mut().enumerate() {
            if !tuned[c] {
                match spec.tuned(&fit_data(spec, &p)) {
                    Ok(t) => {
                        *spec = t;
                        tuned[c] = true;
                    }
                    Err(ForecastError::NotEnoughHistory { .. }) => continue,
                    Err(e) => return Err(e),
                }
            }
            match predict_prepared(spec, &p, history, calendar, h_in) {
                Ok(f) => fcs[c][k] = Some(f),
                Err(ForecastError::NotEnoughHistory { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        actuals.push((0..h_in).map(|t| q.actual(od * d + t)).collect());
    }
    let candidates = candidates;
    let origins_earliest_first: Vec<usize> = inner_days.iter().rev().copied().collect();
    // (actual, mean forecast of `members`) over the inner origins where every member could fit.
    let pairs_of = |members: &[usize], normal_days_only: bool| -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        for (k, &od) in origins_earliest_first.iter().enumerate() {
            if members.iter().any(|&c| fcs[c][k].is_none()) {
                continue;
            }
            for (t, a) in actuals[k].iter().enumerate() {
                let Some(a) = a else { continue };
                if normal_days_only
                    && calendar.is_some_and(|c| c.get(history.date(od + t / d)).is_some())
                {
                    continue;
                }
                let f = members
                    .iter()
                    .map(|&c| fcs[c][k].as_ref().map_or(0.0, |f| f[t]))
                    .sum::<f64>()
                    / members.len() as f64;
                out.push((*a, f));
            }
        }
        out
    };
    // Only candidates that forecast at every inner origin are ranked (comparable errors).
    let mut ranking: Vec<(usize, Option<f64>)> = (0..candidates.len())
        .map(|c| {
            let complete = k_n > 0 && fcs[c].iter().all(Option::is_some);
            (
                c,
                if complete {
                    wape(&pairs_of(&[c], false))
                } else {
                    None
                },
            )
        })
        .collect();
    ranking.sort_by(|a, b| by_wape(a.1, b.1).then(a.0.cmp(&b.0)));
    let mut rank_out: Vec<RankEntry> = ranking
        .iter()
        .map(|&(c, w)| RankEntry {
            model: candidates[c].name(),
            wape: w,
        })
        .collect();

    let scored: Vec<usize> = ranking
        .iter()
        .filter(|r| r.1.is_some())
        .map(|r| r.0)
        .collect();
    let members: Vec<usize> = match choice {
        ModelChoice::Named(_) => vec![0],
        // No inner backtest possible: the fallback below picks the first model that fits.
        ModelChoice::Auto if scored.is_empty() => vec![],
        ModelChoice::Auto => {
            let mut chosen = vec![scored[0]];
            if scored.len() >= ENSEMBLE_SIZE {
                let top: Vec<usize> = scored[..ENSEMBLE_SIZE].to_vec();
                let ew = wape(&pairs_of(&top, false));
                rank_out.push(RankEntry {
                    model: ensemble_name(&top, &candidates),
                    wape: ew,
                });
                rank_out.sort_by(|a, b| by_wape(a.wape, b.wape));
                if let (Some(e), Some(b)) = (ew, ranking[0].1) {
                    if e < b {
                        chosen = top;
                    }
                }
            }
            chosen
        }
    };

    let p = prepare(history, q, calendar, origin_day);
    let (forecast, model) = if members.is_empty() {
        // Fallback order for `auto` on a very short history.
        let mut out = None;
        for spec in &candidates {
            match predict_prepared(spec, &p, history, calendar, horizon) {
                Ok(f) => {
                    out = Some((f, spec.name()));
                    break;
                }
                Err(ForecastError::NotEnoughHistory { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        let fallback = ModelSpec::SeasonalNaive(super::SeasonalNaive {
            season: super::Season::Day,
        });
        match out {
            Some(o) => o,
            None => (
                predict_prepared(&fallback, &p, history, calendar, horizon)?,
                fallback.name(),
            ),
        }
    } else {
        let mut sum = vec![0.0; horizon];
        for &c in &members {
            let f = predict_prepared(&candidates[c], &p, history, calendar, horizon)?;
            for (s, v) in sum.iter_mut().zip(f) {
                *s += v;
            }
        }
        for s in &mut sum {
            *s /= members.len() as f64;
        }
        let name = if members.len() == 1 {
            candidates[members[0]].name()
        } else {
            ensemble_name(&members, &candidates)
        };
        (sum, name)
    };
    // Interval calibration: the chosen forecast's inner errors on normal days (special days
    // are few and their effects are estimated from fewer occurrences; letting them into the
    // quantiles widens every normal day's interval).
    let calib = if members.is_empty() {
        Vec::new()
    } else {
        pairs_of(&members, true)
    };
    let cal = if calib.is_empty() {
        Calibration::poisson()
    } else {
        Calibration::from_errors(&calib)
    };
    let open: Vec<bool> = (0..horizon)
        .map(|t| p.open[p.weekday(p.days + t / d) * d + t % d])
        .collect();
    let bounds = forecast
        .iter()
        .zip(&open)
        .map(|(&f, &o)| cal.bounds(f, o))
        .collect();
    let aht = aht_profile(q, d, p.first_wd, origin_day).map(|prof| {
        (0..horizon)
            .map(|t| prof[p.weekday(p.days + t / d) * d + t % d])
            .collect()
    });
    Ok(QueueRun {
        forecast,
        bounds,
        open,
        model,
        ranking: rank_out,
        inner_origins: k_n,
        aht,
    })
}

/// Orders WAPEs ascending, unscored last.
fn by_wape(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

fn ensemble_name(members: &[usize], candidates: &[ModelSpec]) -> String {
    let names: Vec<String> = members.iter().map(|&c| candidates[c].name()).collect();
    format!("ensemble({})", names.join("+"))
}

/// Resolves the origin day and horizon steps of a forecast.
pub(crate) fn origin_and_horizon(
    history: &History,
    start: Option<crate::time::NaiveDateTime>,
    horizon_secs: i64,
) -> Result<(usize, usize), ForecastError> {
    let step = i64::from(history.step().seconds());
    if horizon_secs <= 0 || horizon_secs % step != 0 {
        return Err(ForecastError::BadHorizon {
            secs: horizon_secs,
            step_minutes: history.step().minutes(),
        });
    }
    let o = history.origin_index(start.unwrap_or_else(|| history.end()))?;
    Ok((o / history.step().per_day(), (horizon_secs / step) as usize))
}

pub(crate) fn forecast_all(
    history: &History,
    calendar: Option<&Calendar>,
    options: &ForecastOptions,
) -> Result<ForecastOutput, ForecastError> {
    let (origin_day, horizon) = origin_and_horizon(history, options.start, options.horizon_secs)?;
    let d = history.step().per_day();
    let mut rows = Vec::new();
    let mut queues = Vec::new();
    // Queues are independent: forecast them in parallel, then assemble in queue order (the
    // first failing queue in that order is reported, whatever the thread count).
    let runs: Vec<Result<QueueRun, ForecastError>> = history
        .queues()
        .par_iter()
        .map(|q| {
            run_queue(
                history,
                q,
                calendar,
                origin_day,
                horizon,
                &options.model,
                &options.inner,
            )
        })
        .collect();
    for (q, run) in history.queues().iter().zip(runs) {
        let run = run?;
        for t in 0..horizon {
            if !run.open[t] {
                continue;
            }
            let b = run.bounds[t];
            rows.push(ForecastRow {
                interval_start: history.timestamp(origin_day * d + t),
                queue: q.queue().to_string(),
                forecast: run.forecast[t],
                lo80: b.lo80,
                hi80: b.hi80,
                lo95: b.lo95,
                hi95: b.hi95,
                aht_forecast_secs: run.aht.as_ref().map(|a| a[t]),
                model: run.model.clone(),
            });
        }
        queues.push(QueueSummary {
            queue: q.queue().to_string(),
            model: run.model,
            ranking: run.ranking,
            inner_origins: run.inner_origins,
        });
    }
    rows.sort_by(|a, b| (a.interval_start, &a.queue).cmp(&(b.interval_start, &b.queue)));
    Ok(ForecastOutput {
        origin: history.timestamp(origin_day * d),
        horizon_secs: options.horizon_secs,
        rows,
        queues,
    })
}
