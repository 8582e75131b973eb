//! AHT (average handle time) forecast per queue × interval: four candidate estimators, chosen
//! per queue by the volume forecast's inner rolling-origin backtest, with prediction intervals
//! from the chosen estimator's inner errors.
//!
//! # Candidates
//! With `v` the calls and `a` the AHT of each interval of the history before the origin:
//! - `weighted-profile`: the credibility-weighted weekday × slot profile over the last
//!   [`AHT_WEEKS`] weeks. Queue mean `A₀ = Σ v·a / Σ v`; slot mean (all weekdays)
//!   `A₁(s) = (Σ_s v·a + n₀ A₀) / (Σ_s v + n₀)`; weekday-slot mean
//!   `P(w, s) = (Σ_{w,s} v·a + n₀ A₁(s)) / (Σ_{w,s} v + n₀)`. This is the Bühlmann credibility
//!   estimator with `n₀` = [`AHT_PRIOR_CALLS`] calls of prior weight (Bühlmann, H. & Gisler, A.
//!   (2005), *A Course in Credibility Theory*, §3.2): a slot with 5 calls moves little from its
//!   broader mean, a slot with 500 calls keeps its own.
//! - `recent-level`: `P(w, s) · ρ`, with the level of the last [`RECENT_WEEKS`] weeks relative
//!   to the profile `ρ = (Σ v·a + n₀ P̄) / (Σ v·P + n₀ P̄)` (`P̄ = Σ v·P / Σ v` over those weeks):
//!   the shape from eight weeks, the level from the most recent calls (handle time drifts with
//!   staff experience, systems and call mix).
//! - `ets-daily`: the daily AHT `D_j = (Σ_j v·a + n₀ M_w) / (Σ_j v + n₀)` (shrunk toward its
//!   weekday's mean `M_w`, which also fills days without calls) over up to [`ETS_MAX_WEEKS`]
//!   weeks is forecast by the ETS(A,Ad,A) of the volume model `ets-profile` (period 7,
//!   parameters by Nelder–Mead), and spread over the day as `D̂ · P(w, s) / P̄(w)`, with
//!   `P̄(w)` the call-weighted mean of `P(w, ·)` (Hyndman & Athanasopoulos (2021), *Forecasting:
//!   Principles and Practice*, 3rd ed., §8.3; Koole, G. (2013), *Call Center Optimization*,
//!   §4.3, day level × intraday profile).
//! - `mean-4w`, the baseline: the AHT of all calls in the same weekday and slot over the last
//!   [`BASELINE_WEEKS`] weeks, `Σ_{w,s} v·a / Σ_{w,s} v` (the 4-week queue mean where that slot
//!   had no call).
//!
//! # Selection and intervals
//! Each candidate forecasts the inner origins of the volume forecast (weekly, ending at the
//! origin, horizon min(horizon, 7 days), each fitted only on the history before it; the ETS
//! parameters are tuned at the earliest inner origin and then held). The candidate with the
//! lowest call-weighted WAPE `Σ v·|a − f| / Σ v·a` is used. Its inner relative errors
//! `a / f − 1`, split into [`BUCKETS`] groups by the expected calls of the interval (the mean
//! of the same weekday and slot over the last [`BASELINE_WEEKS`] weeks: an interval's AHT is a
//! mean of that many handle times, so its spread shrinks with the calls), give the empirical
//! 2.5 / 10 / 90 / 97.5 % quantiles and the bounds `f · (1 + q)` (Hyndman & Athanasopoulos,
//! §5.5, from out-of-sample errors). Without [`MIN_BUCKET_ERRORS`] inner errors there are no
//! intervals.
//!
//! An AHT of 0 s cannot be staffed: a step whose chosen estimate is not positive (a quiet slot
//! whose only calls had no service time, which some logs record) gets the weighted profile's
//! value instead, in forecasts and backtests alike.

use super::ets_profile::{EtsProfile, Seasonality};
use super::history::QueueHistory;
use super::intervals::{quantile, quantiles, Bounds, BUCKETS, MIN_BUCKET_ERRORS};
use super::{FitData, FittedModel, ForecastError, Forecaster, InnerBacktest};

/// Weeks of history the weighted profile averages.
pub(crate) const AHT_WEEKS: usize = 8;
/// Prior weight, in calls, of the broader mean (credibility).
pub(crate) const AHT_PRIOR_CALLS: f64 = 20.0;
/// Weeks whose calls give the `recent-level` candidate its level.
pub(crate) const RECENT_WEEKS: usize = 2;
/// Weeks of the `mean-4w` baseline (and of the expected calls that bucket the intervals).
pub(crate) const BASELINE_WEEKS: usize = 4;
/// Most weeks of daily AHT the `ets-daily` candidate is fitted on.
pub(crate) const ETS_MAX_WEEKS: usize = 16;

/// An AHT estimator (see the module documentation for the formulas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AhtModel {
    /// `weighted-profile`: credibility-weighted weekday × slot profile over 8 weeks.
    WeightedProfile,
    /// `recent-level`: the profile × the level of the last 2 weeks.
    RecentLevel,
    /// `ets-daily`: ETS on the daily AHT × the intraday profile.
    EtsDaily,
    /// `mean-4w`: the AHT of the same weekday and slot over the last 4 weeks (baseline).
    WeekdaySlotMean4w,
}

impl AhtModel {
    /// Every candidate, in ranking tie-break order.
    pub const ALL: [AhtModel; 4] = [
        AhtModel::WeightedProfile,
        AhtModel::RecentLevel,
        AhtModel::EtsDaily,
        AhtModel::WeekdaySlotMean4w,
    ];

    /// The name accepted by `wfm backtest --target aht --model`.
    pub fn name(self) -> &'static str {
        match self {
            AhtModel::WeightedProfile => "weighted-profile",
            AhtModel::RecentLevel => "recent-level",
            AhtModel::EtsDaily => "ets-daily",
            AhtModel::WeekdaySlotMean4w => "mean-4w",
        }
    }

    /// Parses a name of [`AhtModel::name`].
    ///
    /// # Errors
    /// [`ForecastError::UnknownModel`].
    pub fn parse(name: &str) -> Result<Self, ForecastError> {
        let n = name.trim().to_ascii_lowercase();
        AhtModel::ALL
            .into_iter()
            .find(|m| m.name() == n)
            .ok_or_else(|| ForecastError::UnknownModel {
                name: name.to_string(),
                known: AhtModel::ALL.map(AhtModel::name).join(", "),
            })
    }
}

/// `auto` (inner-backtest choice per queue) or one AHT estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AhtChoice {
    /// The candidate with the lowest inner call-weighted WAPE.
    Auto,
    /// One estimator.
    Named(AhtModel),
}

impl AhtChoice {
    /// Parses `auto` or an [`AhtModel`] name.
    ///
    /// # Errors
    /// [`ForecastError::UnknownModel`].
    pub fn parse(name: &str) -> Result<Self, ForecastError> {
        if name.trim().eq_ignore_ascii_case("auto") {
            Ok(AhtChoice::Auto)
        } else {
            AhtModel::parse(name).map(AhtChoice::Named)
        }
    }

    /// `auto` or the estimator's name.
    pub fn name(self) -> &'static str {
        match self {
            AhtChoice::Auto => "auto",
            AhtChoice::Named(m) => m.name(),
        }
    }
}

/// One queue's AHT history on its grid.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AhtData<'a> {
    pub q: &'a QueueHistory,
    /// Intervals per day.
    pub d: usize,
    /// Weekday (0 = Sunday) of grid day 0.
    pub first_wd: usize,
}

impl AhtData<'_> {
    fn days(&self) -> usize {
        self.q.day_present().len()
    }

    /// `(calls, AHT)` of interval `i`, when it had calls with a known AHT.
    fn obs(&self, i: usize) -> Option<(f64, f64)> {
        match (self.q.volume().get(i)?, self.q.aht_secs().get(i)?) {
            (Some(n), Some(a)) if *n > 0.0 && a.is_finite() => Some((*n, *a)),
            _ => None,
        }
    }

    /// `(Σ v·a, Σ v)` per `weekday * d + slot` over days `[from, to)`.
    fn weekday_slot_sums(&self, from: usize, to: usize) -> (Vec<f64>, Vec<f64>) {
        let d = self.d;
        let mut va = vec![0.0; 7 * d];
        let mut v = vec![0.0; 7 * d];
        for j in from..to.min(self.days()) {
            let w = (self.first_wd + j) % 7;
            for s in 0..d {
                if let Some((n, a)) = self.obs(j * d + s) {
                    va[w * d + s] += n * a;
                    v[w * d + s] += n;
                }
            }
        }
        (va, v)
    }

    /// The weekday × slot index of step `t` after `origin_day`.
    fn key(&self, origin_day: usize, t: usize) -> usize {
        ((self.first_wd + origin_day + t / self.d) % 7) * self.d + t % self.d
    }

    /// Mean calls per weekday × slot over the last [`BASELINE_WEEKS`] weeks' present days.
    fn expected_calls(&self, origin_day: usize) -> Vec<f64> {
        let d = self.d;
        let mut v = vec![0.0; 7 * d];
        let mut n = [0usize; 7];
        for j in origin_day.saturating_sub(7 * BASELINE_WEEKS)..origin_day.min(self.days()) {
            if !self.q.day_present()[j] {
                continue;
            }
            let w = (self.first_wd + j) % 7;
            n[w] += 1;
            for s in 0..d {
                v[w * d + s] += self.q.volume()[j * d + s].unwrap_or(0.0);
            }
        }
        for (i, x) in v.iter_mut().enumerate() {
            *x /= n[i / d].max(1) as f64;
        }
        v
    }
}

/// The `weighted-profile` AHT per `weekday * d + slot`, or `None` when the last
/// [`AHT_WEEKS`] weeks have no call with an AHT.
pub(crate) fn weighted_profile(data: &AhtData<'_>, origin_day: usize) -> Option<Vec<f64>> {
    let d = data.d;
    let (va, v) = data.weekday_slot_sums(origin_day.saturating_sub(7 * AHT_WEEKS), origin_day);
    let tv: f64 = v.iter().sum();
    if tv <= 0.0 {
        return None;
    }
    let a0 = va.iter().sum::<f64>() / tv;
    let slot: Vec<f64> = (0..d)
        .map(|s| {
            let sva: f64 = (0..7).map(|w| va[w * d + s]).sum();
            let sv: f64 = (0..7).map(|w| v[w * d + s]).sum();
            (sva + AHT_PRIOR_CALLS * a0) / (sv + AHT_PRIOR_CALLS)
        })
        .collect();
    Some(
        (0..7 * d)
            .map(|i| (va[i] + AHT_PRIOR_CALLS * slot[i % d]) / (v[i] + AHT_PRIOR_CALLS))
            .collect(),
    )
}

/// The `mean-4w` baseline per `weekday * d + slot`: `Σ v·a / Σ v` of the same weekday and
/// slot over the last [`BASELINE_WEEKS`] weeks, the 4-week queue mean where that slot had no
/// call; `None` without any call.
pub(crate) fn weekday_slot_mean(data: &AhtData<'_>, origin_day: usize) -> Option<Vec<f64>> {
    let (va, v) = data.weekday_slot_sums(origin_day.saturating_sub(7 * BASELINE_WEEKS), origin_day);
    let tv: f64 = v.iter().sum();
    if tv <= 0.0 {
        return None;
    }
    let a0 = va.iter().sum::<f64>() / tv;
    Some(
        va.iter()
            .zip(&v)
            .map(|(&x, &n)| if n > 0.0 { x / n } else { a0 })
            .collect(),
    )
}

/// The `recent-level` forecast per `weekday * d + slot`: the weighted profile × the recent
/// weeks' level relative to it.
fn recent_level(data: &AhtData<'_>, origin_day: usize) -> Option<Vec<f64>> {
    let prof = weighted_profile(data, origin_day)?;
    let d = data.d;
    let (mut work, mut expected, mut calls) = (0.0, 0.0, 0.0);
    for j in origin_day.saturating_sub(7 * RECENT_WEEKS)..origin_day.min(data.days()) {
        for s in 0..d {
            if let Some((n, a)) = data.obs(j * d + s) {
                let w = (data.first_wd + j) % 7;
                work += n * a;
                expected += n * prof[w * d + s];
                calls += n;
            }
        }
    }
    let rho = if calls > 0.0 && expected > 0.0 {
        let pbar = expected / calls;
        (work + AHT_PRIOR_CALLS * pbar) / (expected + AHT_PRIOR_CALLS * pbar)
    } else {
        1.0
    };
    Some(prof.into_iter().map(|p| p * rho).collect())
}

/// The `ets-daily` forecast of `days` days (one value per interval) and the ETS parameters
/// used (`params` when given, else fitted); `None` when there is no AHT or fewer than 14 days
/// of history.
fn ets_daily(
    data: &AhtData<'_>,
    origin_day: usize,
    days: usize,
    params: Option<[f64; 4]>,
) -> Option<(Vec<f64>, [f64; 4])> {
    let prof = weighted_profile(data, origin_day)?;
    let d = data.d;
    let end = origin_day.min(data.days());
    let first = data.q.day_present()[..end].iter().position(|&p| p)?;
    let j0 = first.max(end.saturating_sub(7 * ETS_MAX_WEEKS));
    let (va, v) = data.weekday_slot_sums(j0, end);
    let weekday_sum = |x: &[f64], w: usize| x[w * d..(w + 1) * d].iter().sum::<f64>();
    let all = va.iter().sum::<f64>() / v.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let weekday_mean: Vec<f64> = (0..7)
        .map(|w| {
            let n = weekday_sum(&v, w);
            if n > 0.0 {
                weekday_sum(&va, w) / n
            } else {
                all
            }
        })
        .collect();
    let daily: Vec<f64> = (j0..end)
        .map(|j| {
            let (work, calls) = (0..d)
                .filter_map(|s| data.obs(j * d + s))
                .fold((0.0, 0.0), |(x, c), (n, a)| (x + n * a, c + n));
            let m = weekday_mean[(data.first_wd + j) % 7];
            (work + AHT_PRIOR_CALLS * m) / (calls + AHT_PRIOR_CALLS)
        })
        .collect();
    let fit = EtsProfile {
        params,
        seasonality: Seasonality::Additive,
    }
    .fit(&FitData {
        y: &daily,
        slots_per_day: 1,
        first_weekday: (data.first_wd + j0) % 7,
        others: None,
    })
    .ok()?;
    let day_aht = fit.predict(days);
    // The profile's call-weighted mean per weekday, so that a day's AHT is D̂.
    let (_, v8) = data.weekday_slot_sums(origin_day.saturating_sub(7 * AHT_WEEKS), origin_day);
    let pbar: Vec<f64> = (0..7)
        .map(|w| {
            let n = weekday_sum(&v8, w);
            let r = w * d..(w + 1) * d;
            if n > 0.0 {
                r.map(|i| v8[i] * prof[i]).sum::<f64>() / n
            } else {
                r.map(|i| prof[i]).sum::<f64>() / d as f64
            }
        })
        .collect();
    let f = (0..days * d)
        .map(|t| {
            let k = data.key(origin_day, t);
            let shape = if pbar[k / d] > 0.0 {
                prof[k] / pbar[k / d]
            } else {
                1.0
            };
            (day_aht[t / d] * shape).max(0.0)
        })
        .collect();
    Some((f, fit.params))
}

/// A candidate with its held ETS parameters.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    model: AhtModel,
    params: Option<[f64; 4]>,
}

impl Candidate {
    /// `days` days of AHT forecasts from `origin_day` (one per interval); tunes the ETS
    /// parameters on first use and holds them.
    fn predict(&mut self, data: &AhtData<'_>, origin_day: usize, days: usize) -> Option<Vec<f64>> {
        let by_key = |prof: Vec<f64>| {
            (0..days * data.d)
                .map(|t| prof[data.key(origin_day, t)])
                .collect()
        };
        match self.model {
            AhtModel::WeightedProfile => weighted_profile(data, origin_day).map(by_key),
            AhtModel::RecentLevel => recent_level(data, origin_day).map(by_key),
            AhtModel::WeekdaySlotMean4w => weekday_slot_mean(data, origin_day).map(by_key),
            AhtModel::EtsDaily => {
                let (f, p) = ets_daily(data, origin_day, days, self.params)?;
                self.params = Some(p);
                Some(f)
            }
        }
    }
}

/// The inner origin days (earliest first) and inner horizon in days of the volume forecast
/// for an origin `off` intervals into day `origin_day` with `horizon` steps: weekly, ending
/// at the origin day, horizon min(horizon, 7 days) (at least 7 days for an intraday origin),
/// each leaving [`InnerBacktest::min_train_days`] days of history.
pub(crate) fn inner_origins(
    origin_day: usize,
    off: usize,
    horizon: usize,
    d: usize,
    inner: &InnerBacktest,
) -> (Vec<usize>, usize) {
    let full = off + horizon;
    let inner_horizon = if off > 0 { full.max(7 * d) } else { full };
    let h_days = inner_horizon.min(7 * d).div_ceil(d);
    let mut origins: Vec<usize> = (0..inner.origins)
        .map_while(|j| origin_day.checked_sub(h_days + 7 * j))
        .take_while(|&od| od >= inner.min_train_days)
        .collect();
    origins.reverse();
    (origins, h_days)
}

/// An AHT forecast of one queue from one origin day.
#[derive(Debug, Clone)]
pub(crate) struct AhtRun {
    /// AHT per interval from the origin day's midnight, seconds.
    pub aht: Vec<f64>,
    /// Interval bounds per step (empty without enough inner errors).
    pub bounds: Vec<Bounds>,
    /// The estimator used.
    pub model: AhtModel,
}

/// One inner error: `(expected calls, calls, actual AHT, forecast AHT)`.
type InnerError = (f64, f64, f64, f64);

/// Forecasts `steps` intervals of AHT from the midnight of `origin_day`, choosing the
/// estimator (for [`AhtChoice::Auto`]) on the inner origins `inner` with `inner_days`-day
/// horizons. `None` when the last [`AHT_WEEKS`] weeks have no AHT.
pub(crate) fn forecast_aht(
    data: &AhtData<'_>,
    origin_day: usize,
    steps: usize,
    inner: &[usize],
    inner_days: usize,
    choice: AhtChoice,
) -> Option<AhtRun> {
    weighted_profile(data, origin_day)?;
    let d = data.d;
    let mut cands: Vec<Candidate> = match choice {
        AhtChoice::Auto => AhtModel::ALL.to_vec(),
        AhtChoice::Named(m) => vec![m],
    }
    .into_iter()
    .map(|model| Candidate {
        model,
        params: None,
    })
    .collect();
    // errors[c]: candidate c's inner errors, `None` once it failed at an inner origin.
    let mut errors: Vec<Option<Vec<InnerError>>> = vec![Some(Vec::new()); cands.len()];
    for &od in inner {
        let expected = data.expected_calls(od);
        for (c, cand) in cands.iter_mut().enumerate() {
            let Some(errs) = errors[c].as_mut() else {
                continue;
            };
            let Some(f) = cand.predict(data, od, inner_days) else {
                errors[c] = None;
                continue;
            };
            for (t, &ft) in f.iter().enumerate() {
                if let Some((n, a)) = data
                    .obs(od * d + t)
                    .filter(|_| data.q.actual(od * d + t).is_some())
                {
                    errs.push((expected[data.key(od, t)], n, a, ft));
                }
            }
        }
    }
    let mut ranking: Vec<(usize, Option<f64>)> = errors
        .iter()
        .enumerate()
        .map(|(c, e)| {
            let w = e
                .as_ref()
                .filter(|_| !inner.is_empty())
                .and_then(|e| call_weighted_wape(e));
            (c, w)
        })
        .collect();
    ranking.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => x.total_cmp(&y).then(a.0.cmp(&b.0)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.0.cmp(&b.0),
    });
    // Without any scored candidate `auto` keeps the weighted profile (candidate 0).
    let chosen = ranking.iter().find(|r| r.1.is_some()).map_or(0, |r| r.0);
    let days = steps.div_ceil(d);
    let mut cand = cands[chosen];
    let (model, mut aht) = match cand.predict(data, origin_day, days) {
        Some(f) => (cand.model, f),
        // The chosen estimator cannot fit (a named `ets-daily` on under 14 days of history):
        // the weighted profile, reported as the estimator used.
        None => {
            let mut fallback = Candidate {
                model: AhtModel::WeightedProfile,
                params: None,
            };
            (fallback.model, fallback.predict(data, origin_day, days)?)
        }
    };
    aht.truncate(steps);
    // Staffing needs a positive AHT: where the estimate is 0 s (a quiet slot whose only calls
    // had no service time, as some logs record), the weighted profile's credibility estimate.
    if aht.iter().any(|a| !(a.is_finite() && *a > 0.0)) {
        let prof = weighted_profile(data, origin_day)?;
        for (t, a) in aht.iter_mut().enumerate() {
            if !(a.is_finite() && *a > 0.0) {
                *a = prof[data.key(origin_day, t)];
            }
        }
    }
    let cal = errors[chosen]
        .as_deref()
        .and_then(AhtCalibration::from_errors);
    let bounds = match cal {
        Some(cal) => {
            let expected = data.expected_calls(origin_day);
            aht.iter()
                .enumerate()
                .map(|(t, &f)| cal.bounds(f, expected[data.key(origin_day, t)]))
                .collect()
        }
        None => Vec::new(),
    };
    Some(AhtRun { aht, bounds, model })
}

/// `Σ v·|a − f| / Σ v·a`.
fn call_weighted_wape(errors: &[InnerError]) -> Option<f64> {
    crate::model::measures::wape(errors.iter().map(|&(_, n, a, f)| (n, a, f)))
}

/// Quantiles of the relative AHT error per expected-calls bucket.
#[derive(Debug, Clone, PartialEq)]
struct AhtCalibration {
    /// Upper edges of the expected-calls buckets (the last is +∞).
    edges: Vec<f64>,
    /// Per bucket: quantiles of `a / f − 1` at 2.5 %, 10 %, 90 %, 97.5 %.
    q: Vec<[f64; 4]>,
}

impl AhtCalibration {
    fn from_errors(errors: &[InnerError]) -> Option<Self> {
        let errs: Vec<(f64, f64)> = errors
            .iter()
            .filter(|e| e.3 > 0.0)
            .map(|&(x, _, a, f)| (x, a / f - 1.0))
            .collect();
        if errs.len() < MIN_BUCKET_ERRORS {
            return None;
        }
        let mut xs: Vec<f64> = errs.iter().map(|e| e.0).collect();
        xs.sort_by(f64::total_cmp);
        let edges: Vec<f64> = (1..BUCKETS)
            .map(|k| quantile(&xs, k as f64 / BUCKETS as f64))
            .collect();
        let mut all: Vec<f64> = errs.iter().map(|e| e.1).collect();
        let pooled = quantiles(&mut all);
        let q = (0..BUCKETS)
            .map(|b| {
                let mut r: Vec<f64> = errs
                    .iter()
                    .filter(|e| bucket(&edges, e.0) == b)
                    .map(|e| e.1)
                    .collect();
                if r.len() >= MIN_BUCKET_ERRORS {
                    quantiles(&mut r)
                } else {
                    pooled
                }
            })
            .collect();
        Some(AhtCalibration { edges, q })
    }

    fn bounds(&self, f: f64, expected_calls: f64) -> Bounds {
        let q = self.q[bucket(&self.edges, expected_calls).min(self.q.len() - 1)];
        let b = |k: usize| (f * (1.0 + q[k])).max(0.0);
        Bounds {
            lo95: b(0).min(f),
            lo80: b(1).min(f),
            hi80: b(2).max(f),
            hi95: b(3).max(f),
        }
    }
}

fn bucket(edges: &[f64], x: f64) -> usize {
    edges.iter().take_while(|&&e| x > e).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::history::SeriesInput;
    use crate::forecast::History;
    use crate::time::parse_timestamp;
    use crate::units::IntervalLength;

    fn history(vol: Vec<Option<f64>>, aht: Vec<Option<f64>>) -> History {
        History::from_series(
            parse_timestamp("1999-01-03").unwrap(),
            IntervalLength::from_minutes(60).unwrap(),
            vec![SeriesInput {
                queue: "Q".into(),
                volume: vol,
                aht_secs: aht,
            }],
        )
        .unwrap()
    }

    #[test]
    fn credibility_weighted() {
        let d = 24;
        let mut vol = vec![Some(0.0); 14 * d];
        let mut aht = vec![None; 14 * d];
        // Slot 0: 100 calls at 200 s every day; slot 1: 1 call at 1000 s on day 0 only.
        for j in 0..14 {
            vol[j * d] = Some(100.0);
            aht[j * d] = Some(200.0);
        }
        vol[1] = Some(1.0);
        aht[1] = Some(1000.0);
        let h = history(vol, aht);
        let data = AhtData {
            q: &h.queues()[0],
            d,
            first_wd: 0,
        };
        let p = weighted_profile(&data, 14).unwrap();
        let a0 = (1400.0 * 200.0 + 1000.0) / 1401.0;
        let a1 = (1000.0 + 20.0 * a0) / 21.0;
        let a2 = (1000.0 + 20.0 * a1) / 21.0; // weekday 0, slot 1 has the one call
        assert!((p[1] - a2).abs() < 1e-9, "{} vs {a2}", p[1]);
        assert!((p[d + 1] - a1).abs() < 1e-9); // other weekdays: slot mean only
        assert!(
            (p[0] - (200.0 * 200.0 + 20.0 * ((1400.0 * 200.0 + 20.0 * a0) / 1420.0)) / 220.0).abs()
                < 1e-9
        );
    }

    #[test]
    fn baseline_is_the_call_weighted_four_week_weekday_slot_mean() {
        // Five weeks; slot 3 of Sundays (days 0, 7, …, 28) has (calls, AHT) per week
        // (1, 900) [week 0, outside the window], (2, 100), (0, —), (3, 200), (5, 300).
        let d = 24;
        let mut vol = vec![Some(0.0); 35 * d];
        let mut aht = vec![None; 35 * d];
        for (week, n, a) in [
            (0, 1.0, 900.0),
            (1, 2.0, 100.0),
            (3, 3.0, 200.0),
            (4, 5.0, 300.0),
        ] {
            vol[week * 7 * d + 3] = Some(n);
            aht[week * 7 * d + 3] = Some(a);
        }
        // Monday slot 5 of week 4: the only other call in the window.
        vol[29 * d + 5] = Some(10.0);
        aht[29 * d + 5] = Some(50.0);
        let h = history(vol, aht);
        let data = AhtData {
            q: &h.queues()[0],
            d,
            first_wd: 0,
        };
        let m = weekday_slot_mean(&data, 35).unwrap();
        // (2·100 + 3·200 + 5·300) / 10 = 230.
        assert!((m[3] - 230.0).abs() < 1e-12, "{}", m[3]);
        assert!((m[d + 5] - 50.0).abs() < 1e-12);
        // Any other slot: the 4-week queue mean (2300 + 500) / 20 = 140.
        assert!((m[2 * d + 7] - 140.0).abs() < 1e-12);
    }

    #[test]
    fn intervals_cover_their_share_per_call_bucket() {
        // Quiet intervals (2 calls) err by up to ±40 %, busy ones (200 calls) by up to ±4 %,
        // uniformly: each bucket gets its own spread, and 80 % of its errors fall inside.
        let errs: Vec<InnerError> = (0..600)
            .map(|i| {
                let (calls, spread) = if i % 2 == 0 {
                    (2.0, 0.4)
                } else {
                    (200.0, 0.04)
                };
                let u = f64::from((i / 2) % 100) / 99.0 * 2.0 - 1.0;
                (calls, calls, 100.0 * (1.0 + spread * u), 100.0)
            })
            .collect();
        let cal = AhtCalibration::from_errors(&errs).unwrap();
        for (calls, spread) in [(2.0, 0.4), (200.0, 0.04)] {
            let b = cal.bounds(100.0, calls);
            let inside = errs
                .iter()
                .filter(|e| e.0 == calls && (b.lo80..=b.hi80).contains(&e.2))
                .count() as f64
                / 300.0;
            assert!((inside - 0.8).abs() < 0.03, "{calls} calls: {inside} {b:?}");
            assert!((b.hi95 - 100.0 - 100.0 * spread * 0.95).abs() < 100.0 * spread * 0.03);
            assert!(b.lo95 <= b.lo80 && b.hi80 <= b.hi95);
        }
        // Too few errors: no intervals.
        assert!(AhtCalibration::from_errors(&errs[..MIN_BUCKET_ERRORS - 1]).is_none());
    }

    #[test]
    fn recent_level_follows_a_shift() {
        // 8 weeks at 200 s, then 2 weeks at 260 s, 500 calls in slot 10 daily.
        let d = 24;
        let days = 70;
        let mut vol = vec![Some(0.0); days * d];
        let mut aht = vec![None; days * d];
        for j in 0..days {
            vol[j * d + 10] = Some(500.0);
            aht[j * d + 10] = Some(if j >= 56 { 260.0 } else { 200.0 });
        }
        let h = history(vol, aht);
        let data = AhtData {
            q: &h.queues()[0],
            d,
            first_wd: 0,
        };
        let p = weighted_profile(&data, days).unwrap()[10];
        let r = recent_level(&data, days).unwrap()[10];
        assert!(
            p < 220.0 && (r - 260.0).abs() < 1.0,
            "profile {p}, recent {r}"
        );
        let mut c = Candidate {
            model: AhtModel::EtsDaily,
            params: None,
        };
        let e = c.predict(&data, days, 7).unwrap();
        assert!(
            (e[10] - 260.0).abs() < 10.0,
            "ets-daily {} on the new level",
            e[10]
        );
        assert!(c.params.is_some());
    }
}
