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
//! # References
//! Azriel, D., Feigin, P. D. and Mandelbaum, A. (2018), "Erlang-S: a data-based model of
//! servers in queueing networks", *Management Science* 65(10); Efron, B. and Tibshirani, R.
//! (1993), *An Introduction to the Bootstrap*, ch. 6 (bootstrap standard errors).

use chrono::NaiveDate;

use crate::simulate::rng::Rng;
use crate::staffing::erlang_a;

/// Lowest and highest availability searched.
const RANGE: (f64, f64) = (0.2, 1.5);

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
    /// In-sample offered-weighted SL mean absolute error at the fit.
    pub sl_mae: f64,
    /// In-sample offered-weighted SL bias (predicted − observed) at the fit.
    pub sl_bias: f64,
    /// In-sample offered-weighted abandonment mean absolute error at the fit.
    pub abandon_mae: f64,
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
    fn new(iv: &FitInterval, o: &FitOptions) -> Curve {
        let max = (RANGE.1 * iv.agents).ceil() as u32 + 1;
        let table = (0..=max)
            .map(|n| {
                let m = erlang_a::compute(
                    n,
                    iv.load_erlangs,
                    iv.aht_secs,
                    o.patience_secs,
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

/// Fits the availability of one pool (see the module docs); `None` without a busy interval.
pub fn fit_availability(history: &[FitInterval], o: &FitOptions) -> Option<AvailabilityFit> {
    let busy: Vec<&FitInterval> = history
        .iter()
        .filter(|iv| iv.offered >= o.min_offered && iv.agents > 0.0 && iv.aht_secs > 0.0)
        .collect();
    if busy.is_empty() {
        return None;
    }
    let curves: Vec<Curve> = busy.iter().map(|iv| Curve::new(iv, o)).collect();
    let ones = vec![1.0; curves.len()];
    let a = minimise(&curves, &ones);
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
            minimise(&curves, &mult)
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
    let mut by_hour = Vec::new();
    for h in 0..24u32 {
        let mult: Vec<f64> = busy
            .iter()
            .map(|iv| f64::from(u8::from(iv.hour == h)))
            .collect();
        let n = mult.iter().filter(|m| **m > 0.0).count();
        if n == 0 {
            continue;
        }
        let ah = minimise(&curves, &mult);
        let nf = n as f64;
        by_hour.push((
            h,
            (nf * ah + o.prior_intervals * a) / (nf + o.prior_intervals),
            n,
        ));
    }
    let (mut w, mut mae, mut bias, mut ab) = (0.0, 0.0, 0.0, 0.0);
    for c in &curves {
        let (s, b) = c.at(a);
        w += c.w;
        mae += c.w * (s - c.sl).abs();
        bias += c.w * (s - c.sl);
        ab += c.w * (b - c.ab).abs();
    }
    Some(AvailabilityFit {
        availability: a,
        se,
        ci90,
        intervals: busy.len(),
        days: days.len(),
        by_hour,
        sl_mae: mae / w,
        sl_bias: bias / w,
        abandon_mae: ab / w,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_availability_that_generated_the_data_is_recovered() {
        // Observed values are Erlang A's own at 75 % of the recorded agents.
        let o = FitOptions::new(200.0, 20.0);
        let d0 = NaiveDate::from_ymd_opt(1999, 1, 1).unwrap();
        let hist: Vec<FitInterval> = (0..60)
            .map(|i| {
                let agents = 8.0 + f64::from(i % 5) * 4.0;
                let load = 0.7 * agents * 0.75;
                let m = erlang_a::compute((0.75 * agents) as u32, load, 180.0, 200.0, 20.0);
                FitInterval {
                    day: d0 + chrono::Days::new(u64::from(i as u32 / 6)),
                    hour: 8 + i as u32 % 6,
                    offered: load * 1800.0 / 180.0,
                    load_erlangs: load,
                    aht_secs: 180.0,
                    agents,
                    observed_sl: m.service_level,
                    observed_abandon: m.abandon_rate.unwrap(),
                }
            })
            .collect();
        let fit = fit_availability(&hist, &o).unwrap();
        assert!((fit.availability - 0.75).abs() < 0.01, "{fit:?}");
        assert!(fit.sl_mae < 0.01);
        assert_eq!(fit.days, 10);
        assert!(fit.ci90.0 <= fit.availability && fit.availability <= fit.ci90.1 + 1e-9);
    }
}
