//! Double-seasonal Holt-Winters exponential smoothing (intraday and intraweek cycles) with an
//! AR(1) adjustment of the one-step error, parameters fitted by Nelder–Mead (argmin).
//!
//! # Formula (additive form)
//! With `D` intervals per day and `W = 7D` per week:
//! `l_t = α (y_t − d_{t−D} − w_{t−W}) + (1 − α) l_{t−1}`,
//! `d_t = δ (y_t − l_t − w_{t−W}) + (1 − δ) d_{t−D}`,
//! `w_t = ω (y_t − l_t − d_{t−D}) + (1 − ω) w_{t−W}`,
//! `ŷ_t(k) = l_t + d_{t−D+k} + w_{t−W+k} + φ^k r_t`, `r_t = y_t − (l_{t−1} + d_{t−D} + w_{t−W})`.
//! `α, δ, ω, φ ∈ (0, 1)` minimise the sum of squared one-step errors over the last
//! [`HW_WINDOW_WEEKS`] weeks (the first week initialises: `l₀` = its mean, `d` = its mean day
//! minus `l₀`, `w` = the rest).
//!
//! # References
//! Taylor, J. W. (2003), "Short-term electricity demand forecasting using double seasonal
//! exponential smoothing", Journal of the Operational Research Society 54(8):799–805;
//! Taylor, J. W. (2008), "A comparison of univariate time series methods for forecasting
//! intraday arrivals at a call center", Management Science 54(2):253–265 (the method applied to
//! call arrivals).

use super::optim::{minimize_unit, FitTermination, Optimum};
use super::{FitData, FittedModel, ForecastError, Forecaster};

/// Weeks of history the parameters are fitted on (the first initialises the states).
pub const HW_WINDOW_WEEKS: usize = 8;
/// Nelder–Mead iteration limit.
pub const HW_MAX_ITERS: u64 = 120;

/// The unfitted model.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DoubleSeasonalHw {
    /// Fixed `α, δ, ω, φ` (each in (0, 1)); `None` (default) fits them by Nelder–Mead.
    pub params: Option<[f64; 4]>,
}

/// The fitted model.
#[derive(Debug, Clone)]
pub struct FittedDoubleSeasonalHw {
    level: f64,
    /// Intraday states indexed by `t mod D` (t relative to the window start).
    day: Vec<f64>,
    /// Intraweek states indexed by `t mod W`.
    week: Vec<f64>,
    phi: f64,
    last_error: f64,
    /// Index of the origin relative to the window start.
    n: usize,
    /// Fitted `α, δ, ω, φ`.
    pub params: [f64; 4],
    /// Why the parameter fit stopped.
    pub termination: FitTermination,
}

/// Alias kept for the public API: why the Holt-Winters fit stopped.
pub type HwTermination = FitTermination;

struct Run {
    level: f64,
    day: Vec<f64>,
    week: Vec<f64>,
    last_error: f64,
    sse: f64,
}

fn run(y: &[f64], d: usize, p: &[f64]) -> Run {
    let (alpha, delta, omega, phi) = (p[0], p[1], p[2], p[3]);
    let w = 7 * d;
    let l0 = y[..w].iter().sum::<f64>() / w as f64;
    let mut day = vec![0.0; d];
    for (s, v) in day.iter_mut().enumerate() {
        *v = (0..7).map(|k| y[k * d + s]).sum::<f64>() / 7.0 - l0;
    }
    let mut week: Vec<f64> = (0..w).map(|k| y[k] - l0 - day[k % d]).collect();
    let mut level = l0;
    let mut r_prev = 0.0;
    let mut sse = 0.0;
    for (t, &yt) in y.iter().enumerate().skip(w) {
        let (sd, sw) = (t % d, t % w);
        let base = level + day[sd] + week[sw];
        let e = yt - (base + phi * r_prev);
        sse += e * e;
        r_prev = yt - base;
        let new_level = alpha * (yt - day[sd] - week[sw]) + (1.0 - alpha) * level;
        day[sd] = delta * (yt - new_level - week[sw]) + (1.0 - delta) * day[sd];
        week[sw] = omega * (yt - new_level - day[sd]) + (1.0 - omega) * week[sw];
        level = new_level;
    }
    Run {
        level,
        day,
        week,
        last_error: r_prev,
        sse,
    }
}

impl Forecaster for DoubleSeasonalHw {
    type Fitted = FittedDoubleSeasonalHw;

    fn fit(&self, data: &FitData<'_>) -> Result<Self::Fitted, ForecastError> {
        let d = data.slots_per_day;
        let w = 7 * d;
        let weeks = (data.y.len() / w).min(HW_WINDOW_WEEKS);
        if weeks < 3 {
            return Err(ForecastError::NotEnoughHistory {
                model: "taylor-hw",
                needed_days: 21,
                days: data.y.len() / d,
            });
        }
        let y = &data.y[data.y.len() - weeks * w..];
        let cost = |p: &[f64]| run(y, d, p).sse;
        let opt = match self.params {
            Some(p) => Optimum {
                params: p.to_vec(),
                cost: f64::NAN,
                termination: FitTermination::Fixed,
            },
            None => minimize_unit(&cost, &[0.05, 0.1, 0.2, 0.5], HW_MAX_ITERS),
        };
        let r = run(y, d, &opt.params);
        Ok(FittedDoubleSeasonalHw {
            level: r.level,
            day: r.day,
            week: r.week,
            phi: opt.params[3],
            last_error: r.last_error,
            n: y.len(),
            params: [opt.params[0], opt.params[1], opt.params[2], opt.params[3]],
            termination: opt.termination,
        })
    }
}

impl FittedModel for FittedDoubleSeasonalHw {
    fn predict(&self, horizon: usize) -> Vec<f64> {
        let d = self.day.len();
        let w = self.week.len();
        (0..horizon)
            .map(|k| {
                let t = self.n + k;
                self.level
                    + self.day[t % d]
                    + self.week[t % w]
                    + self.phi.powi(k as i32 + 1) * self.last_error
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_a_noise_free_double_seasonal_series() {
        // y = 50 + daily pattern + weekday offset: the model must forecast it almost exactly.
        let d = 6;
        let daily = [0.0, 5.0, 20.0, 30.0, 15.0, 2.0];
        let wd = [0.0, 10.0, 12.0, 11.0, 9.0, 5.0, -20.0];
        let y: Vec<f64> = (0..6 * 7 * d)
            .map(|t| 50.0 + daily[t % d] + wd[(t / d) % 7])
            .collect();
        let data = FitData {
            y: &y,
            slots_per_day: d,
            first_weekday: 0,
            others: None,
        };
        let f = DoubleSeasonalHw::default().fit(&data).unwrap();
        let fc = f.predict(7 * d);
        for (k, v) in fc.iter().enumerate() {
            let t = y.len() + k;
            let want = 50.0 + daily[t % d] + wd[(t / d) % 7];
            assert!((v - want).abs() < 1e-6, "step {k}: {v} vs {want}");
        }
        assert!(DoubleSeasonalHw::default()
            .fit(&FitData {
                y: &y[..2 * 7 * d],
                ..data
            })
            .is_err());
    }
}
