//! One queue, one origin: prepare, rank (inner backtest), fit, predict, calendar, intervals.

use super::aht::{forecast_aht, inner_origins, AhtChoice, AhtData};
use super::calendar::{Calendar, Effect};
use super::history::{History, QueueHistory};
use super::intervals::{Bounds, Calibration};
use super::intraday::{InnerDay, LevelUpdate};
use super::prepare::{prepare, Prepared};
use super::{FitData, ForecastError, InnerBacktest, ModelChoice, ModelSpec, RankEntry};
use crate::time::Datelike;

/// `auto` forecasts with the equal-weight mean of the better half of its ranked candidates:
/// `⌈n / 2⌉` of `n` (4 of the 7).
///
/// Why a trimmed mean rather than the inner backtest's winner: the winner's inner WAPE is the
/// minimum of several noisy estimates and so optimistically biased (the more candidates, the
/// more), and the equal-weight mean of the better models is known to be hard to beat by
/// estimated weights or selection (the "forecast combination puzzle"). References: Smith, J. &
/// Wallis, K. F. (2009), "A simple explanation of the forecast combination puzzle", Oxford
/// Bulletin of Economics and Statistics 71(3):331–355; Aiolfi, M. & Timmermann, A. (2006),
/// "Persistence in forecasting performance and conditional combination strategies", J.
/// Econometrics 135:31–53 (combining the top-ranked models after trimming the worst);
/// Timmermann, A. (2006), "Forecast combinations", Handbook of Economic Forecasting 1:135–196.
pub(crate) fn ensemble_size(ranked: usize) -> usize {
    ranked.div_ceil(2)
}

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
    /// AHT interval bounds per step (empty when too few inner errors to calibrate them).
    pub aht_bounds: Vec<Bounds>,
    /// The AHT estimator used, when the history has AHT.
    pub aht_model: Option<&'static str>,
    /// For an intraday origin: the day-ahead (midnight) forecast of the same steps, before the
    /// morning's level update.
    pub day_ahead: Option<Vec<f64>>,
    /// Special days of the horizon whose effect has no past occurrence.
    pub warnings: Vec<String>,
    /// Made on the calendar day as the fallback of an operational day
    /// ([`super::opday::run_queues_on_day`]).
    pub calendar_day: bool,
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
        others: p.others.as_deref(),
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
        others: p.others.as_deref(),
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

/// The inner rolling-origin backtest of one queue: every candidate's forecast at weekly inner
/// origins ending at the forecast origin.
struct Inner<'a> {
    history: &'a History,
    calendar: Option<&'a Calendar>,
    d: usize,
    /// The candidates, with smoothing parameters tuned at the earliest inner origin.
    candidates: Vec<ModelSpec>,
    /// Inner origin days, earliest first.
    origins: Vec<usize>,
    /// `fcs[c][k]`: candidate `c`'s forecast at inner origin `k`, if it could fit.
    fcs: Vec<Vec<Option<Vec<f64>>>>,
    /// `actuals[k][t]`: the observed value (rows present in the input only).
    actuals: Vec<Vec<Option<f64>>>,
    /// The candidate whose within-day shape an ensemble takes ([`shape_source`]).
    shape: Option<usize>,
}

impl<'a> Inner<'a> {
    /// Runs the inner backtest: weekly origins ending at `origin_day`, horizon
    /// min(horizon, 7 days) in whole days; visited earliest first so that parameters are tuned
    /// once, at the earliest inner origin.
    #[allow(clippy::too_many_arguments)]
    fn run(
        history: &'a History,
        q: &QueueHistory,
        calendar: Option<&'a Calendar>,
        origin_day: usize,
        horizon: usize,
        mut candidates: Vec<ModelSpec>,
        inner: &InnerBacktest,
    ) -> Result<Self, ForecastError> {
        let d = history.step().per_day();
        let h_days = horizon.min(7 * d).div_ceil(d);
        let h_in = h_days * d;
        let mut origins: Vec<usize> = (0..inner.origins)
            .map_while(|j| origin_day.checked_sub(h_days + 7 * j))
            .take_while(|&od| od >= inner.min_train_days)
            .collect();
        origins.reverse();
        let k_n = origins.len();
        let mut fcs: Vec<Vec<Option<Vec<f64>>>> = vec![vec![None; k_n]; candidates.len()];
        let mut tuned = vec![false; candidates.len()];
        let mut actuals = Vec::with_capacity(k_n);
        for (k, &od) in origins.iter().enumerate() {
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
        let shape = shape_source(&candidates);
        Ok(Inner {
            history,
            calendar,
            d,
            candidates,
            origins,
            fcs,
            actuals,
            shape,
        })
    }

    /// The forecast of `members` at inner origin `k` ([`combine`]), or `None` when one of
    /// them could not fit there.
    fn combined(&self, members: &[usize], k: usize) -> Option<Vec<f64>> {
        let fcs: Option<Vec<&[f64]>> = members.iter().map(|&c| self.fcs[c][k].as_deref()).collect();
        let shape = self.shape.and_then(|c| self.fcs[c][k].as_deref());
        Some(combine(&fcs?, shape, self.d))
    }

    /// The forecast of one candidate at inner origin `k` with each day spread by the shape
    /// source's shares, as an ensemble's is ([`reshape`]); `None` when it could not fit there.
    fn reshaped(&self, c: usize, k: usize) -> Option<Vec<f64>> {
        let mut f = self.fcs[c][k].clone()?;
        if let Some(shape) = self.shape.and_then(|s| self.fcs[s][k].as_deref()) {
            reshape(&mut f, shape, self.d);
        }
        Some(f)
    }

    /// Whether `date` is a special day of the calendar.
    fn special(&self, day: usize) -> bool {
        self.calendar
            .is_some_and(|c| c.get(self.history.date(day)).is_some())
    }

    /// `(actual, mean forecast of members)` over the inner origins where every member could
    /// fit; with `normal_days_only`, calendar special days are left out.
    fn pairs(&self, members: &[usize], normal_days_only: bool) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        for (k, &od) in self.origins.iter().enumerate() {
            let Some(fc) = self.combined(members, k) else {
                continue;
            };
            for (t, a) in self.actuals[k].iter().enumerate() {
                let Some(a) = a else { continue };
                if normal_days_only && self.special(od + t / self.d) {
                    continue;
                }
                out.push((*a, fc[t]));
            }
        }
        out
    }

    /// Relative variance of the members' daily totals beyond Poisson noise on normal days:
    /// `σ² = max(0, mean((Y − F)² − F) / mean(F²))` over (inner origin, day) totals — the
    /// uncertainty of a day's level that the intraday update weighs the morning against.
    fn day_level_variance(&self, members: &[usize]) -> Option<f64> {
        let (mut num, mut den, mut n) = (0.0, 0.0, 0usize);
        for (k, &od) in self.origins.iter().enumerate() {
            let Some(fc) = self.combined(members, k) else {
                continue;
            };
            for day in 0..self.actuals[k].len() / self.d {
                if self.special(od + day) {
                    continue;
                }
                let range = day * self.d..(day + 1) * self.d;
                let (mut y, mut complete) = (0.0, true);
                for a in &self.actuals[k][range.clone()] {
                    match a {
                        Some(a) => y += a,
                        None => complete = false,
                    }
                }
                let f: f64 = fc[range].iter().sum();
                if !complete || f <= 0.0 {
                    continue;
                }
                num += (y - f).powi(2) - f;
                den += f * f;
                n += 1;
            }
        }
        (n >= 3 && den > 0.0).then(|| (num / den).max(0.0))
    }

    /// The inner backtest's normal days with the members' mean forecast, which the intraday
    /// update learns from ([`LevelUpdate::fit`]); with `winner_alone` (one member, an
    /// ensemble's inner winner), that member's forecast spread by the shape source's shares.
    fn days(&self, members: &[usize], winner_alone: bool) -> Vec<InnerDay> {
        let mut out = Vec::new();
        for (k, &od) in self.origins.iter().enumerate() {
            let fc = if winner_alone {
                self.reshaped(members[0], k)
            } else {
                self.combined(members, k)
            };
            let Some(fc) = fc else {
                continue;
            };
            for day in 0..self.actuals[k].len() / self.d {
                if self.special(od + day) {
                    continue;
                }
                let range = day * self.d..(day + 1) * self.d;
                out.push(InnerDay {
                    actual: self.actuals[k][range.clone()].to_vec(),
                    forecast: fc[range].to_vec(),
                });
            }
        }
        out
    }

    /// Ranks the candidates by inner WAPE (only those that forecast at every inner origin, so
    /// that errors are comparable) and chooses the members of the forecast: the better half of
    /// the ranked candidates ([`ensemble_size`]), averaged with equal weights. The members'
    /// mean is scored on the same inner origins and listed in the ranking.
    fn choose(&self, choice: &ModelChoice) -> (Vec<usize>, Vec<RankEntry>) {
        let k_n = self.origins.len();
        let mut ranking: Vec<(usize, Option<f64>)> = (0..self.candidates.len())
            .map(|c| {
                let complete = k_n > 0 && self.fcs[c].iter().all(Option::is_some);
                (
                    c,
                    complete.then(|| wape(&self.pairs(&[c], false))).flatten(),
                )
            })
            .collect();
        ranking.sort_by(|a, b| by_wape(a.1, b.1).then(a.0.cmp(&b.0)));
        let mut rank_out: Vec<RankEntry> = ranking
            .iter()
            .map(|&(c, w)| RankEntry {
                model: self.candidates[c].name(),
                wape: w,
            })
            .collect();
        let scored: Vec<usize> = ranking
            .iter()
            .filter(|r| r.1.is_some())
            .map(|r| r.0)
            .collect();
        let members = match choice {
            ModelChoice::Named(_) => vec![0],
            // No inner backtest possible: the caller picks the first model that fits.
            ModelChoice::Auto if scored.is_empty() => vec![],
            ModelChoice::Auto => {
                let top: Vec<usize> = scored[..ensemble_size(scored.len())].to_vec();
                if top.len() > 1 {
                    rank_out.push(RankEntry {
                        model: ensemble_name(&top, &self.candidates),
                        wape: wape(&self.pairs(&top, false)),
                    });
                    rank_out.sort_by(|a, b| by_wape(a.wape, b.wape));
                }
                top
            }
        };
        (members, rank_out)
    }
}

/// The candidate whose within-day shape an ensemble forecast takes: `ets-profile`, i.e. the
/// shrunk intraday profile (`decomposition` spreads each day by the same profile).
///
/// Why: the members agree on little but the day's total; their within-day shapes differ in
/// quality. On the VRU Q3 normal days, with every day rescaled to its actual total, the shrunk
/// profile scores 0.1825 and the ensemble's mean shape 0.1877, the 8-week slot mean of
/// `mean-8w` 0.1964 and `taylor-hw`'s 0.2146 (docs/forecast.md, *Ensemble shape*).
fn shape_source(candidates: &[ModelSpec]) -> Option<usize> {
    candidates
        .iter()
        .position(|c| matches!(c, ModelSpec::EtsProfile(_)))
}

/// Combines member forecasts (from one origin at a midnight): their mean and, with `shape`
/// (and more than one member), each day's mean total spread over the day by `shape`'s
/// shares within that day, `F_t = (Σ_{t'∈day} F̄_{t'}) · S_t / Σ_{t'∈day} S_{t'}`. A day on
/// which `shape` forecasts nothing keeps the mean.
///
/// The forecast combination averages what the members estimate best together, the day's
/// level; the intraday distribution is taken from the single best estimator of it (the
/// top-down / proportional disaggregation of a daily forecast: Gross, C. W. & Sohl, J. E.
/// (1990), "Disaggregation methods to expedite product line forecasting", J. Forecasting
/// 9(3):233–254; Koole (2013) §4.3).
fn combine(fcs: &[&[f64]], shape: Option<&[f64]>, d: usize) -> Vec<f64> {
    let n = fcs.first().map_or(0, |f| f.len());
    let mut out = vec![0.0; n];
    for f in fcs {
        for (o, v) in out.iter_mut().zip(f.iter()) {
            *o += v;
        }
    }
    out.iter_mut().for_each(|o| *o /= fcs.len() as f64);
    if let Some(shape) = shape.filter(|_| fcs.len() > 1) {
        reshape(&mut out, shape, d);
    }
    out
}

/// Spreads each day's total of `f` over the day by `shape`'s shares within that day
/// (`F_t = (Σ_{t'∈day} F_{t'}) · S_t / Σ_{t'∈day} S_{t'}`); a day on which `shape` forecasts
/// nothing is left as it is.
fn reshape(f: &mut [f64], shape: &[f64], d: usize) {
    for (day, s) in f.chunks_mut(d).zip(shape.chunks(d)) {
        let total: f64 = day.iter().sum();
        let s_total: f64 = s.iter().sum();
        if s_total > 0.0 {
            for (o, v) in day.iter_mut().zip(s) {
                *o = total * v / s_total;
            }
        }
    }
}

/// The point forecast of `members` (their mean) from the prepared history, or for `auto`
/// without any inner backtest the first candidate that fits (seasonal naive over a day as the
/// last resort).
fn final_forecast(
    members: &[usize],
    candidates: &[ModelSpec],
    shape: Option<usize>,
    p: &Prepared,
    history: &History,
    calendar: Option<&Calendar>,
    horizon: usize,
) -> Result<(Vec<f64>, String), ForecastError> {
    if members.is_empty() {
        for spec in candidates {
            match predict_prepared(spec, p, history, calendar, horizon) {
                Ok(f) => return Ok((f, spec.name())),
                Err(ForecastError::NotEnoughHistory { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        let fallback = ModelSpec::SeasonalNaive(super::SeasonalNaive {
            season: super::Season::Day,
        });
        let f = predict_prepared(&fallback, p, history, calendar, horizon)?;
        return Ok((f, fallback.name()));
    }
    let fcs = members
        .iter()
        .map(|&c| predict_prepared(&candidates[c], p, history, calendar, horizon))
        .collect::<Result<Vec<_>, _>>()?;
    let shape_fc = match shape.filter(|_| members.len() > 1) {
        Some(c) => match members.iter().position(|&m| m == c) {
            Some(i) => Some(fcs[i].clone()),
            None => match predict_prepared(&candidates[c], p, history, calendar, horizon) {
                Ok(f) => Some(f),
                Err(ForecastError::NotEnoughHistory { .. }) => None,
                Err(e) => return Err(e),
            },
        },
        None => None,
    };
    let refs: Vec<&[f64]> = fcs.iter().map(Vec::as_slice).collect();
    let sum = combine(&refs, shape_fc.as_deref(), p.d);
    let name = if members.len() == 1 {
        candidates[members[0]].name()
    } else {
        ensemble_name(members, candidates)
    };
    Ok((sum, name))
}

/// Intraday level update (the morning's evidence about today's level), used when the inner
/// backtest has too few normal days for [`LevelUpdate`].
///
/// With the day's forecast `F` for the intervals before the origin and the observed `A`, the
/// day's level multiplier `r` gets a Gamma prior with mean 1 and variance `σ²` (the inner
/// backtest's day-level variance beyond Poisson noise) and Poisson observations with means
/// `r·f_t`; its posterior mean is `r̂ = (A + 1/σ²) / (F + 1/σ²)` (gamma–Poisson conjugacy).
/// The rest of the day is multiplied by `r̂`; later days are left as forecast.
/// References: Weinberg, J., Brown, L. D. & Stroud, J. R. (2007), "Bayesian forecasting of an
/// inhomogeneous Poisson process with applications to call center data", JASA 102(480):
/// 1185–1198; Shen, H. & Huang, J. Z. (2008), "Interday forecasting and intraday updating of
/// call center arrivals", M&SOM 10(3):391–410.
pub(crate) fn level_update(morning: &[(f64, f64)], sigma2: Option<f64>) -> f64 {
    let (a, f) = morning
        .iter()
        .fold((0.0, 0.0), |(a, f), &(y, g)| (a + y, f + g));
    match sigma2 {
        Some(s2) if s2 > 0.0 && f > 0.0 => {
            let k = 1.0 / s2;
            (a + k) / (f + k)
        }
        _ => 1.0,
    }
}

/// Forecasts one queue from interval `origin` (any interval boundary) for `horizon` steps.
///
/// A midnight origin is the day-ahead forecast. An intraday origin forecasts from the
/// midnight before it and scales the rest of that day by the morning's credibility-weighted
/// ratio ([`LevelUpdate`], learned on the inner backtest's normal days; with too few of them
/// the gamma–Poisson [`level_update`]) from the intervals observed since midnight;
/// [`QueueRun::day_ahead`] keeps the forecast before the update, for comparison. Without
/// `update`, an intraday origin keeps the forecast from the midnight before it (an operational
/// day's start before a calendar-midnight origin, [`super::opday`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_queue(
    history: &History,
    q: &QueueHistory,
    calendar: Option<&Calendar>,
    origin: usize,
    horizon: usize,
    choice: &ModelChoice,
    inner: &InnerBacktest,
    update: bool,
) -> Result<QueueRun, ForecastError> {
    let d = history.step().per_day();
    let (origin_day, off) = (origin / d, origin % d);
    debug_assert!(
        origin_day <= history.days(),
        "run_all forecasts a gap from the end"
    );
    let first = q.day_present()[..origin_day.min(history.days())]
        .iter()
        .position(|&p| p);
    match first {
        Some(f) if origin_day - f >= super::MIN_HISTORY_DAYS => {}
        None => {
            let f = q
                .day_present()
                .iter()
                .position(|&p| p)
                .unwrap_or(origin_day);
            return Err(ForecastError::NoHistory {
                queue: q.queue().to_string(),
                origin: history.date(origin_day).to_string(),
                first: history.date(f).to_string(),
                earliest: history.date(f + super::MIN_HISTORY_DAYS).to_string(),
            });
        }
        _ => {
            let f = first.unwrap_or(0);
            return Err(ForecastError::ShortHistory {
                queue: q.queue().to_string(),
                days: origin_day.saturating_sub(f),
                first: history.date(f).to_string(),
            });
        }
    }
    let full = off + horizon;
    let candidates = match choice {
        ModelChoice::Auto => ModelSpec::auto_candidates(),
        ModelChoice::Named(m) => vec![m.clone()],
    };
    // An intraday origin learns its update from a week of inner days per inner origin.
    let inner_horizon = if off > 0 { full.max(7 * d) } else { full };
    let inn = Inner::run(
        history,
        q,
        calendar,
        origin_day,
        inner_horizon,
        candidates,
        inner,
    )?;
    let (members, ranking) = inn.choose(choice);
    let p = prepare(history, q, calendar, origin_day);
    let (mut forecast, model) = final_forecast(
        &members,
        &inn.candidates,
        inn.shape,
        &p,
        history,
        calendar,
        full,
    )?;
    let day_ahead = (off > 0).then(|| forecast[off..].to_vec());
    if off > 0 && update {
        let actual: Vec<Option<f64>> = (0..off).map(|t| q.actual(origin_day * d + t)).collect();
        let today = Today {
            actual: &actual,
            d,
            off,
            full,
        };
        reforecast_today(&mut forecast, &today, &inn, &members, |c| {
            predict_prepared(&inn.candidates[c], &p, history, calendar, full)
        })?;
    }
    // Interval calibration: the chosen forecast's inner errors on normal days (special days
    // are few and their effects are estimated from fewer occurrences; letting them into the
    // quantiles widens every normal day's interval).
    let calib = if members.is_empty() {
        Vec::new()
    } else {
        inn.pairs(&members, true)
    };
    let cal = if calib.is_empty() {
        Calibration::poisson()
    } else {
        Calibration::from_errors(&calib)
    };
    let open: Vec<bool> = (off..full)
        .map(|t| p.open[p.weekday(p.days + t / d) * d + t % d])
        .collect();
    let mut forecast = forecast.split_off(off);
    let mut day_ahead = day_ahead;
    if let Some(c) = calendar.filter(|c| !c.adjustments().is_empty()) {
        for (t, v) in forecast.iter_mut().enumerate() {
            let f = c.factor(history.date(origin_day + (off + t) / d), q.queue());
            *v *= f;
            if let Some(g) = day_ahead.as_mut() {
                g[t] *= f;
            }
        }
    }
    let warnings = unknown_effects(history, q, calendar, &p, origin_day, full.div_ceil(d));
    let bounds = forecast
        .iter()
        .zip(&open)
        .map(|(&f, &o)| cal.bounds(f, o))
        .collect();
    // AHT: the estimator chosen on the same inner origins as the volume model.
    let (aht_inner, aht_days) = inner_origins(origin_day, off, horizon, d, inner);
    debug_assert_eq!(aht_inner, inn.origins, "AHT and volume share inner origins");
    let aht_data = AhtData {
        q,
        d,
        first_wd: p.first_wd,
    };
    let aht_run = forecast_aht(
        &aht_data,
        origin_day,
        full,
        &aht_inner,
        aht_days,
        AhtChoice::Auto,
    );
    let aht = aht_run.as_ref().map(|r| r.aht[off..].to_vec());
    let aht_bounds = aht_run
        .as_ref()
        .map(|r| r.bounds.get(off..).unwrap_or_default().to_vec())
        .unwrap_or_default();
    let aht_model = aht_run.as_ref().map(|r| r.model.name());
    Ok(QueueRun {
        forecast,
        bounds,
        open,
        model,
        ranking,
        inner_origins: inn.origins.len(),
        aht,
        aht_bounds,
        aht_model,
        day_ahead,
        warnings,
        calendar_day: false,
    })
}

/// The origin's day as an intraday origin sees it: the morning's actuals (slots `0..off`).
struct Today<'a> {
    actual: &'a [Option<f64>],
    d: usize,
    off: usize,
    full: usize,
}

/// Intraday origin: the rest of today (`off..d`) of `forecast` (the day-ahead forecast of the
/// `members`) replaced by an updated one.
///
/// The base of the update is the members' mean or, for an ensemble, its inner winner alone —
/// whichever, updated by its own [`LevelUpdate`], had the smaller absolute error over the
/// inner days' afternoons (a mean of several models carries less of the day's level error
/// that the morning reveals, so the better day-ahead base is not always the better base to
/// update). The winner alone contributes its daily totals only, spread by the ensemble's
/// within-day shares (the shape source's, [`combine`]), in the inner days it is judged on and
/// in the update: its own shape may be worse than the shrunk profile (`svd`'s is). With too
/// few inner days for the rule, the members' forecast is scaled by the gamma–Poisson
/// [`level_update`].
fn reforecast_today(
    forecast: &mut [f64],
    today: &Today<'_>,
    inn: &Inner,
    members: &[usize],
    predict: impl Fn(usize) -> Result<Vec<f64>, ForecastError>,
) -> Result<(), ForecastError> {
    let Today {
        actual,
        d,
        off,
        full,
    } = *today;
    let end = d.min(full);
    if members.is_empty() {
        return Ok(());
    }
    let mut bases: Vec<&[usize]> = vec![members];
    if members.len() > 1 {
        bases.push(&members[..1]);
    }
    let mut best: Option<(f64, &[usize], LevelUpdate)> = None;
    for base in bases {
        let days = inn.days(base, base.len() < members.len());
        let Some(rule) = LevelUpdate::fit(&days, d, off) else {
            continue;
        };
        let err = rule.afternoon_error(&days, off);
        if best.as_ref().is_none_or(|b| err < b.0) {
            best = Some((err, base, rule));
        }
    }
    let Some((_, base, rule)) = best else {
        // Too few inner days to learn the rule: the gamma–Poisson posterior of the day's
        // level, from a complete morning (closed slots, without a row or a forecast, skipped).
        let morning: Option<Vec<(f64, f64)>> = (0..off)
            .filter(|&t| actual[t].is_some() || forecast[t] > 0.0)
            .map(|t| actual[t].map(|y| (y, forecast[t])))
            .collect();
        let r = morning.map_or(1.0, |m| level_update(&m, inn.day_level_variance(members)));
        for v in &mut forecast[off..end] {
            *v *= r;
        }
        return Ok(());
    };
    let own;
    let base_fc: &[f64] = if base.len() == members.len() {
        forecast
    } else {
        // The winner's daily totals with the ensemble's within-day shares (the shape
        // source's), as its inner days were scored.
        let mut o = predict(base[0])?;
        reshape(&mut o, forecast, d);
        own = o;
        &own
    };
    let r = rule.factor(actual, base_fc, off).unwrap_or(1.0);
    let updated: Vec<f64> = base_fc[off..end].iter().map(|v| v * r).collect();
    forecast[off..end].copy_from_slice(&updated);
    Ok(())
}

/// Warnings for the special days of the horizon whose effect class has no past occurrence in
/// the history before the origin (the effect cannot be estimated; what is done instead is
/// said).
fn unknown_effects(
    history: &History,
    q: &QueueHistory,
    calendar: Option<&Calendar>,
    p: &Prepared,
    origin_day: usize,
    days: usize,
) -> Vec<String> {
    let Some(c) = calendar else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for day in origin_day..origin_day + days {
        let date = history.date(day);
        let Some(sd) = c.get(date) else { continue };
        if p.occurrences[sd.effect.index()] > 0 {
            continue;
        }
        let other = match sd.effect {
            Effect::Eve => Some(Effect::Reduced),
            Effect::Reduced => Some(Effect::Eve),
            Effect::Closed => None,
        };
        let instead = match other {
            None => "forecast as closed (0) unless a factor is given".to_string(),
            Some(o) if p.occurrences[o.index()] > 0 => {
                format!("the `{}` effect is used instead", o.name())
            }
            Some(_) => "forecast as a normal day unless a factor is given".to_string(),
        };
        out.push(format!(
            "{date} {} ({}): no past `{}` day in the history of queue {}; {instead}",
            sd.name,
            sd.effect.name(),
            sd.effect.name(),
            q.queue()
        ));
    }
    out
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

/// Resolves the origin (an interval index) and the horizon steps of a forecast.
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
    let max_secs = super::MAX_HORIZON_DAYS * 86_400;
    if horizon_secs > max_secs {
        return Err(ForecastError::HorizonTooLong {
            what: "the horizon",
            days: horizon_secs as f64 / 86_400.0,
            from: "from the forecast start".into(),
            max: super::MAX_HORIZON_DAYS,
        });
    }
    let origin = start.unwrap_or_else(|| history.end());
    let o = history.origin_index(origin)?;
    // A start beyond the end of the history is forecast from the end (see `queue::run_all`): the gap
    // counts towards the horizon.
    let gap_secs = (origin - history.end()).num_seconds().max(0);
    if gap_secs + horizon_secs > max_secs {
        return Err(ForecastError::HorizonTooLong {
            what: "the gap from the end of the history to the forecast start, plus the horizon",
            days: (gap_secs + horizon_secs) as f64 / 86_400.0,
            from: format!(
                "history ends {}, forecast starts {}",
                crate::time::format_timestamp(history.end()),
                crate::time::format_timestamp(origin)
            ),
            max: super::MAX_HORIZON_DAYS,
        });
    }
    Ok((o, (horizon_secs / step) as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ensemble_keeps_its_daily_totals_and_takes_the_shape_source_s_shares() {
        // Two days of two slots: members' mean (10, 30 | 20, 20), the shape (1, 3 | 0, 0).
        let a = [8.0, 32.0, 30.0, 10.0];
        let b = [12.0, 28.0, 10.0, 30.0];
        let shape = [1.0, 3.0, 0.0, 0.0];
        let f = combine(&[&a, &b], Some(&shape), 2);
        // Day 1: total 40 spread 1 : 3; day 2: the shape forecasts nothing, the mean stays.
        assert_eq!(f, vec![10.0, 30.0, 20.0, 20.0]);
        let shape = [3.0, 1.0, 1.0, 4.0];
        let f = combine(&[&a, &b], Some(&shape), 2);
        assert_eq!(f, vec![30.0, 10.0, 8.0, 32.0]);
        // One member (a named model, an intraday base): its own forecast.
        assert_eq!(combine(&[&a], Some(&shape), 2), a.to_vec());
        assert_eq!(combine(&[&a, &b], None, 2), vec![10.0, 30.0, 20.0, 20.0]);
    }

    #[test]
    fn level_update_is_the_gamma_poisson_posterior_mean() {
        // Prior Gamma(shape 1/σ², rate 1/σ²), σ² = 0.04 → κ = 25; the morning forecast 100,
        // observed 130: posterior mean (130 + 25) / (100 + 25) = 1.24.
        let morning = [(60.0, 40.0), (70.0, 60.0)];
        assert!((level_update(&morning, Some(0.04)) - 1.24).abs() < 1e-12);
        // No day-level uncertainty beyond Poisson: the forecast stands.
        assert_eq!(level_update(&morning, Some(0.0)), 1.0);
        assert_eq!(level_update(&morning, None), 1.0);
    }
}
