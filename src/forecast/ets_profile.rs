//! Seasonal index model: daily totals from exponential smoothing with damped trend and weekly
//! seasonality, spread over the day by an intraday profile per weekday.
//!
//! # Formula
//! Daily totals `T_j` follow ETS(A,Ad,A) with period 7 (error-correction form):
//! `ŷ_j = l + φ b + s_{j−7}`, `e_j = T_j − ŷ_j`,
//! `l ← l + φ b + α e_j`, `b ← φ b + β e_j`, `s_j = s_{j−7} + γ e_j`;
//! the `k`-day forecast is `l + (φ + … + φ^k) b + s`. Parameters `α ∈ (0,1)`, `β = α·u₁`,
//! `γ = (1 − α)·u₂`, `φ = 0.80 + 0.18·u₃` (the usual admissible region) minimise the one-step
//! squared error by Nelder–Mead over the last [`ETS_WINDOW_DAYS`] days. With fewer than
//! [`TREND_MIN_DAYS`] days of history the trend is left out (ETS(A,N,A): `b = 0`, `β = 0`):
//! a slope read off three or four weeks is mostly noise, and damping alone still carries it
//! over a month-long horizon (a four-week January would otherwise forecast February falling
//! by 15 % a week).
//! The interval forecast is `F = T̂_day · p_{w,s}` with the profile
//! `p_{w,s} = Σ_i y_{i,w,s} / Σ_i T_{i,w}` over the last [`PROFILE_WEEKS`] weeks.
//!
//! # References
//! Hyndman, R. J. & Athanasopoulos, G. (2021), *Forecasting: Principles and Practice*, 3rd ed.,
//! §8.3 (Holt-Winters damped additive) and §8.5 (state-space form); Gardner, E. S. &
//! McKenzie, E. (1985), "Forecasting trends in time series", Management Science 31(10):1237–1246
//! (damped trend); Koole, G. (2013), *Call Center Optimization*, §4.3 (day totals × intraday
//! profile, the standard call-center decomposition).

use super::optim::{minimize_unit, FitTermination, Optimum};
use super::{FitData, FittedModel, ForecastError, Forecaster};

/// Days of daily totals the smoothing parameters are fitted on.
pub const ETS_WINDOW_DAYS: usize = 16 * 7;
/// Days of history below which the daily totals get no trend (the same six weeks the
/// decomposition model asks for before it fits one).
pub const TREND_MIN_DAYS: usize = 6 * 7;
/// Weeks the intraday profile averages.
pub const PROFILE_WEEKS: usize = 8;

/// The unfitted model.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EtsProfile {
    /// Fixed parameters `(α, u₁, u₂, u₃)` in (0, 1) (see the formula); `None` (default) fits
    /// them by Nelder–Mead.
    pub params: Option<[f64; 4]>,
}

/// The fitted model.
#[derive(Debug, Clone)]
pub struct FittedEtsProfile {
    level: f64,
    trend: f64,
    phi: f64,
    /// Seasonal states, indexed by `day mod 7` relative to the origin day.
    season: [f64; 7],
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

fn run(t: &[f64], alpha: f64, beta: f64, gamma: f64, phi: f64) -> State {
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let mut level = mean(&t[..7]);
    let mut trend = if beta > 0.0 && t.len() >= 14 {
        (mean(&t[7..14]) - level) / 7.0
    } else {
        0.0
    };
    let mut season = [0.0; 7];
    for (i, s) in season.iter_mut().enumerate() {
        *s = t[i] - level;
    }
    let mut sse = 0.0;
    for (j, &y) in t.iter().enumerate().skip(7) {
        let k = j % 7;
        let e = y - (level + phi * trend + season[k]);
        sse += e * e;
        level += phi * trend + alpha * e;
        trend = phi * trend + beta * e;
        season[k] += gamma * e;
    }
    State {
        level,
        trend,
        season,
        sse,
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
        let cost = |u: &[f64]| {
            let (a, b, g, p) = map(u);
            run(&totals, a, b, g, p).sse
        };
        let opt = match self.params {
            Some(p) => Optimum {
                params: p.to_vec(),
                cost: f64::NAN,
                termination: FitTermination::Fixed,
            },
            None => minimize_unit(&cost, &[0.2, 0.1, 0.1, 0.5], 300),
        };
        let (a, b, g, p) = map(&opt.params);
        let st = run(&totals, a, b, g, p);
        // Profile by weekday relative to the origin day (k = (day − j0) mod 7 = day mod 7 here).
        let weeks = (days / 7).min(PROFILE_WEEKS);
        let mut profile = vec![0.0; 7 * d];
        let mut tot = [0.0; 7];
        for j in days - 7 * weeks..days {
            let k = (j - j0) % 7;
            for s in 0..d {
                profile[k * d + s] += data.y[j * d + s];
            }
            tot[k] += data.y[j * d..(j + 1) * d].iter().sum::<f64>();
        }
        for k in 0..7 {
            for s in 0..d {
                profile[k * d + s] = if tot[k] > 0.0 {
                    profile[k * d + s] / tot[k]
                } else {
                    0.0
                };
            }
        }
        Ok(FittedEtsProfile {
            level: st.level,
            trend: st.trend,
            phi: p,
            season: st.season,
            profile,
            d,
            params: [opt.params[0], opt.params[1], opt.params[2], opt.params[3]],
            termination: opt.termination,
        })
    }
}

impl FittedEtsProfile {
    /// Forecast total of the `k`-th day after the origin (k ≥ 1), clipped at 0.
    pub fn day_total(&self, k: usize) -> f64 {
        let damp: f64 = (1..=k).map(|i| self.phi.powi(i as i32)).sum();
        (self.level + damp * self.trend + self.season[(k - 1) % 7]).max(0.0)
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
}
