//! Agent availability: the share of *recorded* agents (everyone who logged a call in the
//! interval) that effectively serves the queue.
//!
//! For each busy interval (offered ≥ `min_offered`) Erlang A is evaluated at every whole agent
//! count `0 … ⌈1.6·N⌉` once; a fractional count `a·N` is served by linear interpolation between
//! its two neighbours. The availability `a` minimises the offered-weighted squared error of
//! the predicted service level and abandon rate against the observed ones,
//! `Σ_i offered_i · [(SL_i(a) − SL_i)² + (Ab_i(a) − Ab_i)²]`, by a grid over
//! `[0.20, 1.50]` (step 0.05) refined by golden-section search. Its uncertainty is the
//! bootstrap over days (whole days resampled with replacement, `bootstrap` times, fixed seed).
//! By hour of day, `a_h` is fitted the same way on the hour's intervals and shrunk toward the
//! pool level: `(n_h·a_h + k·a) ÷ (n_h + k)`, `k = prior_intervals`.
//!
//! By *recorded utilisation* `u = load ÷ recorded agents` (bands of 0.1, the last one
//! `u ≥ 1.0`), `a_u` is fitted and shrunk the same way. Recorded agents are everyone who served
//! a call in the interval: when the load per recorded agent is low, many of them served a call or
//! two and were away otherwise; when it is high, nearly everyone logged in is serving. Server
//! availability that rises with the load is what Azriel, Feigin & Mandelbaum (2018) observe
//! and model ("Erlang-S"). With a constant `a`, Erlang A overstates the abandonment and
//! understates the service level of heavily loaded intervals (by +9 / −8 pp at `u ≥ 1` on the
//! Anonymous Bank, docs/calibrate.md). The hour and the utilisation effects are combined
//! multiplicatively around the pool level: `a(h, u) = a_h · a_u ÷ a` ([`AvailabilityFit::at`]).
//! `u` is an input of every prediction (offered load and recorded agents), so a plan in
//! recorded agents `N` is sized by the smallest `N` with `a(h, A ÷ N)·N` available agents.
//!
//! **Patience scale.** Erlang A's patience is exponential; the Kaplan–Meier
//! exponential-equivalent mean (`Σ waits ÷ abandons`) is its maximum-likelihood value, but the
//! real patience is not exponential (its hazard falls with the wait), and with the SL matched
//! Erlang A then overstates abandonment (in-sample +2.6 pp in January 1999, +1.4 pp in
//! February). With `fit_patience`, the patience is `s × ` the given mean, `s` chosen so that
//! the fitted model (availability by hour and load band, refitted for each `s`) reproduces the
//! history's offered-weighted abandonment (zero in-sample bias): a method-of-moments fit of the
//! second parameter, the availability taking care of the service level. `s` is searched in
//! `[0.25, 4]` by bisection on `ln s`.
//!
//! # References
//! Azriel, D., Feigin, P. D. and Mandelbaum, A. (2018), "Erlang-S: a data-based model of
//! servers in queueing networks", *Management Science* 65(10); Efron, B. and Tibshirani, R.
//! (1993), *An Introduction to the Bootstrap*, ch. 6 (bootstrap standard errors).

use chrono::NaiveDate;

use crate::simulate::rng::Rng;
use crate::staffing::availability::{
    utilisation_band as band, AVAILABILITY_RANGE, UTILISATION_BAND,
};
use crate::staffing::erlang_a;

/// Lowest and highest availability searched.
const RANGE: (f64, f64) = AVAILABILITY_RANGE;
/// Lowest and highest patience scale searched.
const PATIENCE_SCALE: (f64, f64) = (0.25, 4.0);
/// One interval of history for the fit.
#[derive(Debug, Clone, PartialEq)]
pub struct FitInterval {
    /// Its day (the bootstrap resamples days).
    pub day: NaiveDate,
    /// Hour of day of its start.
    pub hour: u32,
    /// Offered calls.
    pub offered: f64,
    /// Offered load, Erlangs.
    pub load_erlangs: f64,
    /// AHT, seconds.
    pub aht_secs: f64,
    /// Recorded agents.
    pub agents: f64,
    /// Observed SL (answered within the threshold ÷ offered).
    pub observed_sl: f64,
    /// Observed abandoned ÷ offered.
    pub observed_abandon: f64,
    /// The interval's patience relative to the pool's (its queue mix, see
    /// [`crate::calibrate::Calibration::mix_patience_secs`]); 1 for the pool's own mix.
    pub patience_factor: f64,
}

/// Options of [`fit_availability`].
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    /// Mean patience (exponential) for Erlang A, seconds.
    pub patience_secs: f64,
    /// SL threshold, seconds.
    pub threshold_secs: f64,
    /// Intervals with fewer offered calls are not used. Default 20.
    pub min_offered: f64,
    /// Bootstrap resamples. Default 200.
    pub bootstrap: usize,
    /// Seed of the bootstrap. Default 1.
    pub seed: u64,
    /// Prior weight of the pool level in the hour-of-day estimates, in intervals. Default 20.
    pub prior_intervals: f64,
    /// Fit the patience scale with the availability (see the module docs). Default `true`.
    pub fit_patience: bool,
}

impl FitOptions {
    /// Defaults for a patience and threshold.
    pub fn new(patience_secs: f64, threshold_secs: f64) -> Self {
        FitOptions {
            patience_secs,
            threshold_secs,
            min_offered: 20.0,
            bootstrap: 200,
            seed: 1,
            prior_intervals: 20.0,
            fit_patience: true,
        }
    }
}

/// The fitted availability.
#[derive(Debug, Clone, PartialEq)]
pub struct AvailabilityFit {
    /// Pool-level availability.
    pub availability: f64,
    /// Bootstrap standard error.
    pub se: f64,
    /// Bootstrap 5 % and 95 % quantiles.
    pub ci90: (f64, f64),
    /// Busy intervals used.
    pub intervals: usize,
    /// Days they span.
    pub days: usize,
    /// Per hour of day with data: `(hour, shrunk availability, intervals)`.
    pub by_hour: Vec<(u32, f64, usize)>,
    /// Per band of recorded utilisation `u = load ÷ recorded agents` with data:
    /// `(lower edge of the band, shrunk availability, intervals)`; the bands are those of
    /// [`crate::staffing::availability::utilisation_band`].
    pub by_utilisation: Vec<(f64, f64, usize)>,
    /// Erlang A patience of the fit, seconds: the given (Kaplan–Meier exponential-equivalent)
    /// mean × [`Self::patience_scale`].
    pub patience_secs: f64,
    /// The patience scale fitted with the availability (1 when not fitted).
    pub patience_scale: f64,
    /// In-sample offered-weighted SL mean absolute error at the fit.
    pub sl_mae: f64,
    /// In-sample offered-weighted SL bias (predicted − observed) at the fit.
    pub sl_bias: f64,
    /// In-sample offered-weighted abandonment mean absolute error at the fit.
    pub abandon_mae: f64,
    /// In-sample offered-weighted abandonment bias (predicted − observed) at the fit.
    pub abandon_bias: f64,
}

impl AvailabilityFit {
    /// The fitted values that sit at an end of their searched range (the availability in
    /// `[0.2, 1.5]`, the patience scale in `[0.25, 4]`), each said in words: the fit did not
    /// find an optimum inside, so the value is the range's, not the data's (an availability of
    /// 1.5 means the team answered more than its agents could: the inputs disagree).
    pub fn at_search_bounds(&self) -> Vec<String> {
        let near = |v: f64, b: f64| (v - b).abs() <= 1e-3 * b;
        let mut out = Vec::new();
        for (what, v, (lo, hi)) in [
            ("availability", self.availability, RANGE),
            ("patience scale", self.patience_scale, PATIENCE_SCALE),
        ] {
            if near(v, lo) || near(v, hi) {
                out.push(format!(
                    "{what} {v:.3} is at an end of its searched range [{lo}, {hi}]"
                ));
            }
        }
        out
    }

    /// The availability at `hour` for an interval with recorded utilisation `utilisation`
    /// (offered load ÷ recorded agents; `None` when unknown):
    /// `a(h, u) = a_h · a_u ÷ a`, each factor the pool level `a` where there is no estimate,
    /// clamped to the range searched.
    pub fn at(&self, hour: u32, utilisation: Option<f64>) -> f64 {
        let h = self
            .by_hour
            .iter()
            .find(|(x, _, _)| *x == hour)
            .map_or(self.availability, |x| x.1);
        let u = utilisation
            .and_then(|u| {
                let b = band(u);
                self.by_utilisation.iter().find(|(lo, _, _)| band(*lo) == b)
            })
            .map_or(self.availability, |x| x.1);
        (h * u / self.availability).clamp(RANGE.0, RANGE.1)
    }
}

/// Erlang A `(SL, abandon)` of one interval at every whole agent count up to a bound.
struct Curve {
    w: f64,
    agents: f64,
    sl: f64,
    ab: f64,
    table: Vec<(f64, f64)>,
}

impl Curve {
    fn new(iv: &FitInterval, o: &FitOptions, patience: f64) -> Curve {
        let max = (RANGE.1 * iv.agents).ceil() as u32 + 1;
        let table = (0..=max)
            .map(|n| {
                let m = erlang_a::compute(
                    n,
                    iv.load_erlangs,
                    iv.aht_secs,
                    patience * iv.patience_factor,
                    o.threshold_secs,
                );
                (m.service_level, m.abandon_rate.unwrap_or(0.0))
            })
            .collect();
        Curve {
            w: iv.offered,
            agents: iv.agents,
            sl: iv.observed_sl,
            ab: iv.observed_abandon,
            table,
        }
    }
    fn at(&self, a: f64) -> (f64, f64) {
        interpolate(&self.table, a * self.agents)
    }
    fn loss(&self, a: f64) -> f64 {
        let (s, b) = self.at(a);
        self.w * ((s - self.sl).powi(2) + (b - self.ab).powi(2))
    }
}

/// Linear interpolation of a table indexed by whole agents at fractional `n`.
pub(crate) fn interpolate(table: &[(f64, f64)], n: f64) -> (f64, f64) {
    let n = n.clamp(0.0, (table.len() - 1) as f64);
    let lo = n.floor() as usize;
    let hi = (lo + 1).min(table.len() - 1);
    let f = n - lo as f64;
    (
        table[lo].0 + f * (table[hi].0 - table[lo].0),
        table[lo].1 + f * (table[hi].1 - table[lo].1),
    )
}

/// Minimises `Σ_i mult_i · loss_i(a)` over the range.
fn minimise(curves: &[Curve], mult: &[f64]) -> f64 {
    let f = |a: f64| -> f64 {
        curves
            .iter()
            .zip(mult)
            .filter(|(_, m)| **m > 0.0)
            .map(|(c, m)| m * c.loss(a))
            .sum()
    };
    let steps = ((RANGE.1 - RANGE.0) / 0.05).round() as usize;
    let grid: Vec<f64> = (0..=steps).map(|k| RANGE.0 + 0.05 * k as f64).collect();
    let best = grid
        .iter()
        .enumerate()
        .min_by(|a, b| f(*a.1).total_cmp(&f(*b.1)))
        .map_or(0, |(i, _)| i);
    let (mut lo, mut hi) = (grid[best.saturating_sub(1)], grid[(best + 1).min(steps)]);
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut x1, mut x2) = (hi - g * (hi - lo), lo + g * (hi - lo));
    let (mut f1, mut f2) = (f(x1), f(x2));
    while hi - lo > 1e-4 {
        if f1 <= f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = f(x2);
        }
    }
    0.5 * (lo + hi)
}

/// The unshrunk availability of every group of intervals: `(key, a_g, intervals)`, by key.
fn by_group<K: Ord + Copy>(curves: &[Curve], key: impl Fn(usize) -> K) -> Vec<(K, f64, usize)> {
    let mut keys: Vec<K> = (0..curves.len()).map(&key).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let mult: Vec<f64> = (0..curves.len())
                .map(|i| f64::from(u8::from(key(i) == k)))
                .collect();
            let n = mult.iter().filter(|m| **m > 0.0).count();
            (k, minimise(curves, &mult), n)
        })
        .collect()
}

/// The fit at one patience: the pool level, the shrunk groups and the in-sample errors of
/// `a(h, u)`.
struct PointFit {
    curves: Vec<Curve>,
    a: f64,
    by_hour: Vec<(u32, f64, usize)>,
    by_utilisation: Vec<(f64, f64, usize)>,
    sl_mae: f64,
    sl_bias: f64,
    abandon_mae: f64,
    abandon_bias: f64,
}

fn fit_at(busy: &[&FitInterval], o: &FitOptions, patience: f64) -> PointFit {
    let curves: Vec<Curve> = busy.iter().map(|iv| Curve::new(iv, o, patience)).collect();
    let ones = vec![1.0; curves.len()];
    let a = minimise(&curves, &ones);
    let shrink = |n: usize, a_g: f64| {
        let nf = n as f64;
        (nf * a_g + o.prior_intervals * a) / (nf + o.prior_intervals)
    };
    let by_hour: Vec<(u32, f64, usize)> = by_group(&curves, |i| busy[i].hour)
        .into_iter()
        .map(|(h, a_g, n)| (h, shrink(n, a_g), n))
        .collect();
    let band_of = |i: usize| band(busy[i].load_erlangs / busy[i].agents);
    let by_band = by_group(&curves, band_of);
    let by_utilisation = by_band
        .iter()
        .map(|&(b, a_g, n)| (b as f64 * UTILISATION_BAND, shrink(n, a_g), n))
        .collect();
    let (mut w, mut mae, mut bias, mut ab, mut ab_bias) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, c) in curves.iter().enumerate() {
        let h = by_hour
            .iter()
            .find(|x| x.0 == busy[i].hour)
            .map_or(a, |x| x.1);
        let u = by_band
            .iter()
            .find(|x| x.0 == band_of(i))
            .map_or(a, |x| shrink(x.2, x.1));
        let (s, b) = c.at(h * u / a);
        w += c.w;
        mae += c.w * (s - c.sl).abs();
        bias += c.w * (s - c.sl);
        ab += c.w * (b - c.ab).abs();
        ab_bias += c.w * (b - c.ab);
    }
    PointFit {
        curves,
        a,
        by_hour,
        by_utilisation,
        sl_mae: mae / w,
        sl_bias: bias / w,
        abandon_mae: ab / w,
        abandon_bias: ab_bias / w,
    }
}

/// The patience scale at which the fitted model's in-sample abandonment bias is zero, by
/// bisection on its logarithm within [`PATIENCE_SCALE`] (a longer patience, fewer abandons:
/// the bias falls with the scale; a bound when there is no root inside).
fn patience_scale(busy: &[&FitInterval], o: &FitOptions) -> f64 {
    let bias = |ln_s: f64| fit_at(busy, o, o.patience_secs * ln_s.exp()).abandon_bias;
    let (mut lo, mut hi) = (PATIENCE_SCALE.0.ln(), PATIENCE_SCALE.1.ln());
    if bias(lo) <= 0.0 {
        return PATIENCE_SCALE.0;
    }
    if bias(hi) >= 0.0 {
        return PATIENCE_SCALE.1;
    }
    // 14 halvings of ln 16: the scale to within 0.02 %.
    for _ in 0..14 {
        let mid = 0.5 * (lo + hi);
        if bias(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (0.5 * (lo + hi)).exp()
}

/// Fits the availability of one pool (see the module docs); `None` without a busy interval.
pub fn fit_availability(history: &[FitInterval], o: &FitOptions) -> Option<AvailabilityFit> {
    let busy: Vec<&FitInterval> = history
        .iter()
        .filter(|iv| iv.offered >= o.min_offered && iv.agents > 0.0 && iv.aht_secs > 0.0)
        .collect();
    if busy.is_empty() {
        return None;
    }
    let scale = if o.fit_patience {
        patience_scale(&busy, o)
    } else {
        1.0
    };
    let fit = fit_at(&busy, o, o.patience_secs * scale);
    let (curves, a) = (&fit.curves, fit.a);
    let mut days: Vec<NaiveDate> = busy.iter().map(|iv| iv.day).collect();
    days.sort();
    days.dedup();
    let day_of: Vec<usize> = busy
        .iter()
        .map(|iv| days.binary_search(&iv.day).unwrap_or(0))
        .collect();
    let mut rng = Rng::for_replication(o.seed, 0);
    let mut boot: Vec<f64> = (0..o.bootstrap)
        .map(|_| {
            let mut count = vec![0.0; days.len()];
            for _ in 0..days.len() {
                count[(rng.next_u64() % days.len() as u64) as usize] += 1.0;
            }
            let mult: Vec<f64> = day_of.iter().map(|&d| count[d]).collect();
            minimise(curves, &mult)
        })
        .collect();
    boot.sort_by(f64::total_cmp);
    let (se, ci90) = if boot.len() > 1 {
        let m = boot.iter().sum::<f64>() / boot.len() as f64;
        let sd =
            (boot.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (boot.len() - 1) as f64).sqrt();
        let q = |p: f64| boot[((p * (boot.len() - 1) as f64).round() as usize).min(boot.len() - 1)];
        (sd, (q(0.05), q(0.95)))
    } else {
        (f64::NAN, (a, a))
    };
    Some(AvailabilityFit {
        availability: a,
        se,
        ci90,
        intervals: busy.len(),
        days: days.len(),
        by_hour: fit.by_hour,
        by_utilisation: fit.by_utilisation,
        patience_secs: o.patience_secs * scale,
        patience_scale: scale,
        sl_mae: fit.sl_mae,
        sl_bias: fit.sl_bias,
        abandon_mae: fit.abandon_mae,
        abandon_bias: fit.abandon_bias,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 60 intervals over 10 days (8–24 recorded agents, hours 8–13) whose observed SL and
    /// abandonment are Erlang A's own (AHT 180 s, patience 200 s) with `available` × the
    /// recorded agents serving a load of `load_per_agent` × the recorded agents.
    fn generated(available: f64, load_per_agent: f64) -> Vec<FitInterval> {
        let d0 = NaiveDate::from_ymd_opt(1999, 1, 1).unwrap();
        (0..60)
            .map(|i| {
                let agents = 8.0 + f64::from(i % 5) * 4.0;
                let load = load_per_agent * agents;
                let m = erlang_a::compute((available * agents) as u32, load, 180.0, 200.0, 20.0);
                FitInterval {
                    day: d0 + chrono::Days::new(u64::from(i as u32 / 6)),
                    hour: 8 + i as u32 % 6,
                    offered: load * 1800.0 / 180.0,
                    load_erlangs: load,
                    aht_secs: 180.0,
                    agents,
                    observed_sl: m.service_level,
                    observed_abandon: m.abandon_rate.unwrap(),
                    patience_factor: 1.0,
                }
            })
            .collect()
    }

    #[test]
    fn the_availability_that_generated_the_data_is_recovered() {
        // Observed values are Erlang A's own at 75 % of the recorded agents.
        let o = FitOptions::new(200.0, 20.0);
        let hist = generated(0.75, 0.7 * 0.75);
        let fit = fit_availability(&hist, &o).unwrap();
        assert!((fit.availability - 0.75).abs() < 0.01, "{fit:?}");
        assert!((fit.patience_scale - 1.0).abs() < 0.02, "{fit:?}");
        assert!(fit.abandon_bias.abs() < 1e-3, "{fit:?}");
        assert!(fit.sl_mae < 0.01);
        assert_eq!(fit.days, 10);
        assert!(fit.ci90.0 <= fit.availability && fit.availability <= fit.ci90.1 + 1e-9);
        assert!(fit.at_search_bounds().is_empty(), "{fit:?}");
    }

    #[test]
    fn a_fit_at_the_end_of_its_range_is_said() {
        // The team answered as twice its recorded agents would (a call log of five times the
        // calls against the actuals' agents): the availability runs to 1.5, and says so.
        let o = FitOptions::new(200.0, 20.0);
        let hist = generated(2.0, 1.4);
        let fit = fit_availability(&hist, &o).unwrap();
        let said = fit.at_search_bounds();
        assert!(
            said.iter()
                .any(|w| w.starts_with("availability 1.500 is at an end")),
            "{said:?} {fit:?}"
        );
    }

    #[test]
    fn availability_rising_with_the_load_is_recovered_by_band() {
        // 10 recorded agents: 6 available at u = 0.35, 9 at u = 1.2 (Erlang A's own values).
        let o = FitOptions::new(200.0, 20.0);
        let d0 = NaiveDate::from_ymd_opt(1999, 1, 1).unwrap();
        let hist: Vec<FitInterval> = (0..200)
            .map(|i| {
                let (u, available) = if i % 2 == 0 { (0.35, 6) } else { (1.2, 9) };
                let load = u * 10.0;
                let m = erlang_a::compute(available, load, 180.0, 200.0, 20.0);
                FitInterval {
                    day: d0 + chrono::Days::new(u64::from(i as u32 / 20)),
                    hour: 8 + i as u32 % 10,
                    offered: load * 1800.0 / 180.0,
                    load_erlangs: load,
                    aht_secs: 180.0,
                    agents: 10.0,
                    observed_sl: m.service_level,
                    observed_abandon: m.abandon_rate.unwrap(),
                    patience_factor: 1.0,
                }
            })
            .collect();
        let fit = fit_availability(&hist, &o).unwrap();
        let band = |lo: f64| {
            fit.by_utilisation
                .iter()
                .find(|x| (x.0 - lo).abs() < 1e-9)
                .unwrap()
        };
        // Shrunk by 20 prior intervals toward the pool level, 100 intervals per band.
        let (low, high) = (band(0.3), band(1.0));
        assert_eq!((low.2, high.2), (100, 100));
        let shrunk = |truth: f64| (100.0 * truth + 20.0 * fit.availability) / 120.0;
        assert!((low.1 - shrunk(0.6)).abs() < 0.01, "{fit:?}");
        assert!((high.1 - shrunk(0.9)).abs() < 0.01, "{fit:?}");
        assert!(fit.at(9, Some(0.31)) < fit.at(9, Some(1.7)));
        assert!((fit.at(9, None) - fit.by_hour.iter().find(|x| x.0 == 9).unwrap().1).abs() < 1e-12);
    }
}
