//! Seasonal index model: daily totals from exponential smoothing with damped trend and weekly
//! seasonality, spread over the day by an intraday profile per weekday.
//!
//! # Formula
//! Daily totals `T_j` follow damped-trend exponential smoothing with multiplicative weekday
//! indices (error-correction form):
//! `ŷ_j = (l + φ b) s_{j−7}`, `e_j = T_j − ŷ_j`,
//! `l ← l + φ b + α e_j`, `b ← φ b + β e_j`, `s_j = s_{j−7} + γ e_j / (l + φ b)`;
//! the `k`-day forecast is `(l + (φ + … + φ^k) b) s`. This is Holt-Winters' multiplicative
//! seasonality (ETS(A,Ad,M), Hyndman et al. 2008, Table 2.3) except that the level and trend
//! take the error `e_j` itself rather than `e_j / s_{j−7}`: the deseasonalised error `e/s`
//! weighted by the day's index, so that a low-volume day (a Saturday at a fifth of a weekday,
//! whose ratio `T/s` carries five times the relative Poisson noise) moves the level less than a
//! full day instead of five times as much; with equal indices the two coincide. The weekly
//! pattern scales with the level: after a drop to 70 % the weekday differences shrink to 70 %
//! too, where additive effects (ETS(A,Ad,A), the form before; still used for the daily AHT,
//! [`Seasonality::Additive`]: `ŷ_j = l + φ b + s_{j−7}`, `s_j = s_{j−7} + γ e_j`) keep their old
//! absolute size (issue #17 stress tests). Initial state: `l` the first week's mean, `b` the
//! second week's mean minus the first's over 7, `s` each weekday's total over its week's mean
//! averaged over the first [`INIT_WEEKS`] weeks of the window (the decomposition of the first
//! few seasons, Hyndman et al. 2008 §2.6.1, rather than one week that may hold a holiday).
//! Parameters `α ∈ (0,1)`, `β = α·u₁`,
//! `γ = (1 − α)·u₂`, `φ = 0.80 + 0.18·u₃` (the usual admissible region) minimise the one-step
//! squared error by Nelder–Mead over the last [`ETS_WINDOW_DAYS`] days. With fewer than
//! [`TREND_MIN_DAYS`] days of history the trend is left out (`b = 0`, `β = 0`):
//! a slope read off three or four weeks is mostly noise, and damping alone still carries it
//! over a month-long horizon (a four-week January would otherwise forecast February falling
//! by 15 % a week).
//! The interval forecast is `F = T̂_day · p_{w,s}` with the intraday profile `p_{w,s}` of
//! weekday `w` from [`shrunk_profiles`]: each weekday's discounted share of the day's calls per
//! slot over the last [`PROFILE_WEEKS`] weeks, combined with the other weekdays' profiles by
//! inverse mean-squared-error weights (a weekday whose shape is the same as Tuesday's lends
//! Tuesday its calls; Friday, with another shape, lends nothing).
//!
//! # References
//! Hyndman, R. J., Koehler, A. B., Ord, J. K. & Snyder, R. D. (2008), *Forecasting with
//! Exponential Smoothing: The State Space Approach*, Springer, ch. 2 (Table 2.3, §2.6.1);
//! Hyndman, R. J. & Athanasopoulos, G. (2021), *Forecasting: Principles and Practice*, 3rd ed.,
//! §8.3 (Holt-Winters damped, additive and multiplicative) and §8.5 (state-space form); Gardner, E. S. &
//! McKenzie, E. (1985), "Forecasting trends in time series", Management Science 31(10):1237–1246
//! (damped trend); Koole, G. (2013), *Call Center Optimization*, §4.3 (day totals × intraday
//! profile, the standard call-center decomposition); Shen, H. & Huang, J. Z. (2008), "Interday
//! forecasting and intraday updating of call center arrivals", M&SOM 10(3):391–410 (intraday
//! profiles estimated jointly across days rather than per day type alone); Efron, B. &
//! Morris, C. (1973), "Stein's estimation rule and its competitors—an empirical Bayes
//! approach", JASA 68(341):117–130 (weights from the estimated bias² + variance of each
//! source); Bates, J. M. & Granger, C. W. J. (1969), "The combination of forecasts", Oper. Res.
//! Q. 20(4):451–468 (inverse-MSE weights).

use super::optim::{minimize_unit, FitTermination, Optimum};
use super::{FitData, FittedModel, ForecastError, Forecaster};

/// Days of daily totals the smoothing parameters are fitted on.
pub const ETS_WINDOW_DAYS: usize = 16 * 7;
/// Days of history below which the daily totals get no trend (the same six weeks the
/// decomposition model asks for before it fits one).
pub const TREND_MIN_DAYS: usize = 6 * 7;
/// Weeks the intraday profile draws on.
pub const PROFILE_WEEKS: usize = 16;
/// Weight of a week in the intraday profile relative to the week after it: week `i` back
/// weighs `PROFILE_DISCOUNT^(i−1)` (a half-life of 6.6 weeks, so that 16 weeks carry ≈ 81 % of
/// the weight of an infinite history).
pub const PROFILE_DISCOUNT: f64 = 0.9;

/// Weeks whose day-to-week-mean ratios initialise the multiplicative weekday indices.
pub const INIT_WEEKS: usize = 4;

/// The weekday seasonality of the daily totals' ETS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seasonality {
    /// ETS(A,Ad,A): weekday effects added to the level (used for the daily AHT).
    Additive,
    /// Weekday indices multiplying the level (the default for arrivals; see the module docs).
    Multiplicative,
}

/// The unfitted model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EtsProfile {
    /// Fixed parameters `(α, u₁, u₂, u₃)` in (0, 1) (see the formula); `None` (default) fits
    /// them by Nelder–Mead.
    pub params: Option<[f64; 4]>,
    /// The seasonal form (default [`Seasonality::Multiplicative`]).
    pub seasonality: Seasonality,
}

impl Default for EtsProfile {
    fn default() -> Self {
        EtsProfile {
            params: None,
            seasonality: Seasonality::Multiplicative,
        }
    }
}

/// The fitted model.
#[derive(Debug, Clone)]
pub struct FittedEtsProfile {
    level: f64,
    trend: f64,
    phi: f64,
    /// Seasonal states (effects or indices), indexed by `day mod 7` relative to the origin day.
    season: [f64; 7],
    seasonality: Seasonality,
    /// Profile per (weekday relative to the origin day) × slot.
    profile: Vec<f64>,
    d: usize,
    /// The parameters `(α, u₁, u₂, u₃)` used.
    pub params: [f64; 4],
    /// Why the parameter fit stopped.
    pub termination: FitTermination,
}

struct State {
    level: f64,
    trend: f64,
    season: [f64; 7],
    sse: f64,
}

/// The smoothing recursions of the module's formula over the daily totals `t` (index `j` ↔
/// weekday `j mod 7`), additive or multiplicative, with `u = (α, β, γ, φ)`.
fn run(t: &[f64], u: (f64, f64, f64, f64), seasonality: Seasonality) -> State {
    let (alpha, beta, gamma, phi) = u;
    let mult = seasonality == Seasonality::Multiplicative;
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let mut level = mean(&t[..7]);
    let mut trend = if beta > 0.0 && t.len() >= 14 {
        (mean(&t[7..14]) - level) / 7.0
    } else {
        0.0
    };
    let season = if mult {
        initial_indices(t)
    } else {
        std::array::from_fn(|i| t[i] - level)
    };
    let mut season = season;
    let mut sse = 0.0;
    for (j, &y) in t.iter().enumerate().skip(7) {
        let k = j % 7;
        let base = level + phi * trend;
        let e = y - if mult {
            base * season[k]
        } else {
            base + season[k]
        };
        sse += e * e;
        level = base + alpha * e;
        trend = phi * trend + beta * e;
        if !mult {
            season[k] += gamma * e;
        } else if base > 0.0 {
            season[k] += gamma * e / base;
        }
    }
    State {
        level,
        trend,
        season,
        sse,
    }
}

/// Initial multiplicative weekday indices: the mean over the first [`INIT_WEEKS`] weeks of `t`
/// (those with calls) of each day's total over its week's mean; all 1 without calls.
fn initial_indices(t: &[f64]) -> [f64; 7] {
    let mut acc = [0.0; 7];
    let mut n = 0.0;
    for week in t.chunks_exact(7).take(INIT_WEEKS) {
        let m = week.iter().sum::<f64>() / 7.0;
        if m > 0.0 {
            for (a, v) in acc.iter_mut().zip(week) {
                *a += v / m;
            }
            n += 1.0;
        }
    }
    if n > 0.0 {
        acc.map(|a| a / n)
    } else {
        [1.0; 7]
    }
}

impl Forecaster for EtsProfile {
    type Fitted = FittedEtsProfile;

    fn fit(&self, data: &FitData<'_>) -> Result<Self::Fitted, ForecastError> {
        let d = data.slots_per_day;
        let days = data.y.len() / d;
        if days < 14 {
            return Err(ForecastError::NotEnoughHistory {
                model: "ets-profile",
                needed_days: 14,
                days,
            });
        }
        // Window aligned so that its first day has the origin's weekday: index j ↔ (j mod 7).
        let window = (days.min(ETS_WINDOW_DAYS) / 7) * 7;
        let j0 = days - window;
        let totals: Vec<f64> = (j0..days)
            .map(|j| data.y[j * d..(j + 1) * d].iter().sum())
            .collect();
        let trended = window >= TREND_MIN_DAYS;
        let map = |u: &[f64]| {
            let beta = if trended { u[0] * u[1] } else { 0.0 };
            (u[0], beta, (1.0 - u[0]) * u[2], 0.80 + 0.18 * u[3])
        };
        let cost = |u: &[f64]| run(&totals, map(u), self.seasonality).sse;
        let opt = match self.params {
            Some(p) => Optimum {
                params: p.to_vec(),
                cost: f64::NAN,
                termination: FitTermination::Fixed,
            },
            None => minimize_unit(&cost, &[0.2, 0.1, 0.1, 0.5], 300),
        };
        let u = map(&opt.params);
        let st = run(&totals, u, self.seasonality);
        let profile = shrunk_profiles(data.y, d, days, j0, data.others);
        Ok(FittedEtsProfile {
            level: st.level,
            trend: st.trend,
            phi: u.3,
            season: st.season,
            seasonality: self.seasonality,
            profile,
            d,
            params: [opt.params[0], opt.params[1], opt.params[2], opt.params[3]],
            termination: opt.termination,
        })
    }
}

/// Intraday profile per weekday relative to day `j0` (index `k = (j − j0) mod 7`), `7 × d`
/// values, each weekday's summing to 1 (or all 0 for a weekday without calls).
///
/// # Formula
/// Over the last `n` ≤ [`PROFILE_WEEKS`] weeks, with week `i` (1 = most recent) weighted
/// `w_i = δ^(i−1)`, δ = [`PROFILE_DISCOUNT`], weekday `k` has the discounted counts
/// `C_{k,s} = Σ_i w_i y_{i,k,s}` and the share `p_{k,s} = C_{k,s} / Σ_s C_{k,s}`. Under Poisson
/// (multinomial) counts its variance is `Σ_s p_{k,s}(1 − p_{k,s}) / m_k` with the effective count
/// `m_k = (Σ_i w_i T_{i,k})² / Σ_i w_i² T_{i,k}` (`T` the day totals), written `v_k`.
/// The shrunk profile is `p*_k = (p_k + Σ_{k'≠k} λ_{kk'} p_{k'}) / (1 + Σ λ_{kk'})` with
/// `λ_{kk'} = v_k / (b²_{kk'} + v_{k'})`, `b²_{kk'} = max(0, ‖p_k − p_{k'}‖² − v_k − v_{k'})` the
/// estimated squared bias of using weekday `k'`'s shape for `k`: the inverse-MSE weights of the
/// unbiased own estimate (MSE `v_k`) and the other weekdays' (MSE `b² + v_{k'}`), ignoring their
/// (independent-day) covariance. Over-dispersed counts (days whose shapes vary more than
/// multinomially, or a center whose counts are scaled) make the multinomial `v` an
/// underestimate: every `v` is multiplied by the series' dispersion factor ([`dispersion`],
/// Pearson's X² of the days' shapes over its degrees of freedom, at least 1), a scale-free
/// variance (issue #17 stress tests).
///
/// `others` (the other queues' summed volume over the same days, when the history has several
/// queues) adds one more source for weekday `k`: its own weekday-`k` shares, with the same
/// weight `v_k / (b² + V_k)` (`V_k` its multinomial variance) — a global profile that a small
/// queue borrows from when its shape matches (Bühlmann & Gisler 2005, credibility toward a
/// collective).
pub fn shrunk_profiles(
    y: &[f64],
    d: usize,
    days: usize,
    j0: usize,
    others: Option<&[f64]>,
) -> Vec<f64> {
    let own = Shares::discounted(y, d, days, j0);
    let pool = others.map(|o| Shares::discounted(o, d, days, j0));
    let mut out = vec![0.0; 7 * d];
    for k in 0..7 {
        if own.total[k] <= 0.0 {
            continue;
        }
        let mut acc: Vec<f64> = own.p(k).to_vec();
        let mut total = 1.0;
        let mut borrow = |p: &[f64], var: f64| {
            let dist: f64 = own.p(k).iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum();
            let bias2 = (dist - own.var[k] - var).max(0.0);
            let den = bias2 + var;
            let lambda = if den > 0.0 { own.var[k] / den } else { 0.0 };
            if lambda > 0.0 {
                for (a, b) in acc.iter_mut().zip(p) {
                    *a += lambda * b;
                }
                total += lambda;
            }
        };
        for o in (0..7).filter(|&o| o != k && own.total[o] > 0.0) {
            borrow(own.p(o), own.var[o]);
        }
        // The same weekday of the other queues (pooled): one more source, weighed the same way.
        if let Some(pool) = pool.as_ref().filter(|p| p.total[k] > 0.0) {
            borrow(pool.p(k), pool.var[k]);
        }
        for (o, a) in out[k * d..(k + 1) * d].iter_mut().zip(acc) {
            *o = a / total;
        }
    }
    out
}

/// Discounted per-weekday shares of one series and their multinomial variances (see
/// [`shrunk_profiles`]).
struct Shares {
    share: Vec<f64>,
    var: [f64; 7],
    /// `Σ_i w_i T_{i,k}` per weekday.
    total: [f64; 7],
    d: usize,
}

impl Shares {
    fn discounted(y: &[f64], d: usize, days: usize, j0: usize) -> Self {
        let weeks = (days / 7).min(PROFILE_WEEKS);
        let mut counts = vec![0.0; 7 * d];
        // Σ w T and Σ w² T per weekday.
        let mut wt = [0.0; 7];
        let mut w2t = [0.0; 7];
        for j in days - 7 * weeks..days {
            let k = (j - j0) % 7;
            let w = PROFILE_DISCOUNT.powi(((days - 1 - j) / 7) as i32);
            let day = &y[j * d..(j + 1) * d];
            for (c, v) in counts[k * d..(k + 1) * d].iter_mut().zip(day) {
                *c += w * v;
            }
            let t: f64 = day.iter().sum();
            wt[k] += w * t;
            w2t[k] += w * w * t;
        }
        let share: Vec<f64> = (0..7 * d)
            .map(|i| {
                let k = i / d;
                if wt[k] > 0.0 {
                    counts[i] / wt[k]
                } else {
                    0.0
                }
            })
            .collect();
        let mut var = [0.0; 7];
        for (k, v) in var.iter_mut().enumerate() {
            if wt[k] > 0.0 && w2t[k] > 0.0 {
                let m = wt[k] * wt[k] / w2t[k];
                *v = share[k * d..(k + 1) * d]
                    .iter()
                    .map(|q| q * (1.0 - q))
                    .sum::<f64>()
                    / m;
            }
        }
        let phi = dispersion(y, d, days, weeks, j0, &share);
        for v in &mut var {
            *v *= phi;
        }
        Shares {
            share,
            var,
            total: wt,
            d,
        }
    }

    fn p(&self, k: usize) -> &[f64] {
        &self.share[k * self.d..(k + 1) * self.d]
    }
}

/// The dispersion of the days' shapes around their weekday's shares: Pearson's
/// `X² = Σ_{i,s} (y_{i,s} − T_i p_{k(i),s})² / (T_i p_{k(i),s})` over the days of the last
/// `weeks` weeks and the slots with a positive share, divided by its degrees of freedom
/// `Σ_k (n_k − 1)(d_k − 1)`; at least 1 (Poisson). Quasi-likelihood (McCullagh & Nelder
/// 1989, §4.5): a multinomial variance times this factor.
fn dispersion(y: &[f64], d: usize, days: usize, weeks: usize, j0: usize, share: &[f64]) -> f64 {
    let (mut x2, mut df) = (0.0, 0.0);
    let mut n = [0usize; 7];
    for j in days - 7 * weeks..days {
        let k = (j - j0) % 7;
        let day = &y[j * d..(j + 1) * d];
        let t: f64 = day.iter().sum();
        if t <= 0.0 {
            continue;
        }
        n[k] += 1;
        for (v, p) in day.iter().zip(&share[k * d..(k + 1) * d]) {
            if *p > 0.0 {
                x2 += (v - t * p).powi(2) / (t * p);
            }
        }
    }
    for (k, &nk) in n.iter().enumerate() {
        let open = share[k * d..(k + 1) * d]
            .iter()
            .filter(|p| **p > 0.0)
            .count();
        if nk > 1 && open > 1 {
            df += ((nk - 1) * (open - 1)) as f64;
        }
    }
    if df > 0.0 {
        (x2 / df).max(1.0)
    } else {
        1.0
    }
}

impl FittedEtsProfile {
    /// Forecast total of the `k`-th day after the origin (k ≥ 1), clipped at 0.
    pub fn day_total(&self, k: usize) -> f64 {
        let damp: f64 = (1..=k).map(|i| self.phi.powi(i as i32)).sum();
        let level = self.level + damp * self.trend;
        let s = self.season[(k - 1) % 7];
        if self.seasonality == Seasonality::Multiplicative {
            (level * s).max(0.0)
        } else {
            (level + s).max(0.0)
        }
    }
}

impl FittedModel for FittedEtsProfile {
    fn predict(&self, horizon: usize) -> Vec<f64> {
        let d = self.d;
        (0..horizon)
            .map(|t| {
                let day = t / d;
                self.day_total(day + 1) * self.profile[(day % 7) * d + t % d]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispersion_is_one_for_exact_shapes_and_grows_with_shape_noise() {
        // 4 weeks × 4 slots: every day the same shape → X² = 0 → 1 (the Poisson floor); days
        // alternating between two shapes of 1000 calls → far above 1.
        let d = 4;
        let exact: Vec<f64> = (0..28 * d)
            .map(|t| [100.0, 300.0, 400.0, 200.0][t % d])
            .collect();
        let share = Shares::discounted(&exact, d, 28, 0).share;
        assert_eq!(dispersion(&exact, d, 28, 4, 0, &share), 1.0);
        let noisy: Vec<f64> = (0..28 * d)
            .map(|t| {
                let a = [100.0, 300.0, 400.0, 200.0][t % d];
                let b = [200.0, 200.0, 300.0, 300.0][t % d];
                if (t / d / 7) % 2 == 0 {
                    a
                } else {
                    b
                }
            })
            .collect();
        let share = Shares::discounted(&noisy, d, 28, 0).share;
        assert!(dispersion(&noisy, d, 28, 4, 0, &share) > 10.0);
    }

    #[test]
    fn recovers_linear_trend_and_profile() {
        // 8 weeks, 4 slots/day; daily total 100 + 2·j with weekday effect ±10 and a fixed profile.
        let d = 4;
        let prof = [0.1, 0.4, 0.3, 0.2];
        let wk = [10.0, -10.0, 0.0, 5.0, -5.0, 0.0, 0.0];
        let mut y = Vec::new();
        for j in 0..56 {
            let total = 100.0 + 2.0 * j as f64 + wk[j % 7];
            y.extend(prof.iter().map(|p| p * total));
        }
        let data = FitData {
            y: &y,
            slots_per_day: d,
            first_weekday: 0,
            others: None,
        };
        let f = EtsProfile::default().fit(&data).unwrap();
        let fc = f.predict(2 * d);
        let want0 = 100.0 + 2.0 * 56.0 + wk[0];
        let got0: f64 = fc[..d].iter().sum();
        assert!((got0 - want0).abs() / want0 < 0.02, "{got0} vs {want0}");
        assert!((fc[1] / got0 - 0.4).abs() < 1e-9);
        let short = FitData {
            y: &y[..13 * d],
            ..data
        };
        assert!(EtsProfile::default().fit(&short).is_err());
    }

    #[test]
    fn the_weekly_pattern_scales_with_a_level_drop() {
        // 12 weeks of weekday totals 1000 × [1.3, 1.3, 1.3, 1.3, 1.1, 0.4, 0.3] (a VRU-like
        // week, the weekend at a third), × 0.7 from three weeks before the origin. The
        // multiplicative indices carry the drop to every weekday; additive effects keep the old
        // absolute gap of the weekend (−700 … −800 calls from a level that is now ≈ 700 lower).
        let d = 1;
        let wk = [1.3, 1.3, 1.3, 1.3, 1.1, 0.4, 0.3];
        let total = |j: usize| 1000.0 * wk[j % 7] * if j >= 63 { 0.7 } else { 1.0 };
        let y: Vec<f64> = (0..84).map(total).collect();
        let data = FitData {
            y: &y,
            slots_per_day: d,
            first_weekday: 0,
            others: None,
        };
        let err = |m: EtsProfile| {
            let f = m.fit(&data).unwrap();
            (1..=7)
                .map(|k| (f.day_total(k) - total(83 + k)).abs() / total(83 + k))
                .fold(0.0, f64::max)
        };
        let mult = err(EtsProfile::default());
        let add = err(EtsProfile {
            params: None,
            seasonality: Seasonality::Additive,
        });
        assert!(mult < 0.03, "multiplicative: worst day off by {mult}");
        assert!(add > 2.0 * mult, "additive {add} vs multiplicative {mult}");
    }

    #[test]
    fn initial_indices_average_the_first_weeks() {
        // A holiday (0 calls) on day 2 of the first week: one week alone gives that weekday an
        // index of 0; four weeks give it (0 + 1 + 1 + 1) / 4, and the others (7/6 + 3) / 4
        // (the holiday week's mean is 600/7).
        let mut t = vec![100.0; 28];
        t[2] = 0.0;
        let s = initial_indices(&t);
        assert!((s[2] - 0.75).abs() < 1e-12, "{}", s[2]);
        assert!((s[0] - (7.0 / 6.0 + 3.0) / 4.0).abs() < 1e-12, "{}", s[0]);
        assert_eq!(initial_indices(&[0.0; 14]), [1.0; 7]);
    }

    #[test]
    fn short_history_gets_no_trend() {
        // 4 weeks falling by 3 % a week (a January like the Anonymous Bank's): the month ahead
        // is forecast flat at the recent level, not extrapolated down.
        let d = 2;
        let wk = [1.0, 1.0, 1.0, 1.0, 0.3, 0.1, 1.0];
        let mut y = Vec::new();
        for j in 0..28 {
            let total = 1000.0 * (1.0 - 0.03 * (j / 7) as f64) * wk[j % 7];
            y.extend([0.5 * total, 0.5 * total]);
        }
        let data = FitData {
            y: &y,
            slots_per_day: d,
            first_weekday: 0,
            others: None,
        };
        let f = EtsProfile::default().fit(&data).unwrap();
        assert_eq!(f.trend, 0.0);
        let fc = f.predict(28 * d);
        let week = |w: usize| fc[w * 7 * d..(w + 1) * 7 * d].iter().sum::<f64>();
        assert!(
            (week(3) / week(0) - 1.0).abs() < 1e-9,
            "{} vs {}",
            week(3),
            week(0)
        );
        // The level is the recent one (last week ≈ 910 a weekday), not the four-week mean.
        assert!((week(0) / (910.0 * 5.4) - 1.0).abs() < 0.05, "{}", week(0));
    }

    #[test]
    fn a_small_queue_borrows_the_other_queues_shape_only_where_it_matches() {
        // 8 weeks, 2 slots, the weekdays' shapes far apart: a small queue (20 calls a day) at
        // 20/80 on weekday 0 and 85/15 … 35/65 on the others; the other queues (2000 calls a
        // day) at 15/85 on weekday 0 and 5/95 … 55/45 on the others.
        let d = 2;
        let own_share = |k: usize| if k == 0 { 0.2 } else { 0.95 - 0.1 * k as f64 };
        let other_share = |k: usize| if k == 0 { 0.15 } else { 0.1 * k as f64 - 0.05 };
        let (mut y, mut o) = (Vec::new(), Vec::new());
        for j in 0..56 {
            let (a, b) = (own_share(j % 7), other_share(j % 7));
            y.extend([20.0 * a, 20.0 * (1.0 - a)]);
            o.extend([2000.0 * b, 2000.0 * (1.0 - b)]);
        }
        let alone = shrunk_profiles(&y, d, 56, 0, None);
        let pooled = shrunk_profiles(&y, d, 56, 0, Some(&o));
        assert!((alone[0] - 0.2).abs() < 0.03, "{}", alone[0]);
        // Weekday 0: 20/80 against 15/85 is within the small queue's noise — pulled toward it.
        assert!(
            pooled[0] > 0.15 && pooled[0] < alone[0] - 0.015,
            "{}",
            pooled[0]
        );
        // Elsewhere the shapes differ by far more than the noise: (nearly) kept.
        for k in 1..7 {
            let moved = (pooled[k * d] - alone[k * d]).abs();
            assert!(moved < 0.015, "weekday {k}: {moved}");
        }
    }

    #[test]
    fn profiles_borrow_only_from_weekdays_with_the_same_shape() {
        // 8 weeks, 2 slots; five weekdays split 50/50 except weekday 0 at 52/48 (about 1.3
        // Poisson standard deviations off), two weekdays at 90/10.
        let d = 2;
        let mut y = Vec::new();
        for j in 0..56 {
            let share = match j % 7 {
                0 => 0.52,
                1..=4 => 0.5,
                _ => 0.9,
            };
            y.extend([1000.0 * share, 1000.0 * (1.0 - share)]);
        }
        let p = shrunk_profiles(&y, d, 56, 0, None);
        for k in 0..7 {
            assert!((p[k * d] + p[k * d + 1] - 1.0).abs() < 1e-12, "weekday {k}");
        }
        // Weekday 0 is pulled toward its look-alikes, not all the way.
        assert!(p[0] > 0.5 && p[0] < 0.52, "{}", p[0]);
        // Identical shapes stay as they are apart from that small pull.
        assert!((p[2] - 0.5).abs() < 0.005, "{}", p[2]);
        // A clearly different shape keeps its own.
        assert!((p[5 * d] - 0.9).abs() < 0.005, "{}", p[5 * d]);
    }
}
