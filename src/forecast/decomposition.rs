//! Decomposition / regression model: weekly level × weekday-slot effects, with a shrunken
//! linear trend in the level.
//!
//! # Formula
//! Over the last [`DECOMP_WEEKS`] weeks `i = 1..N`, `y_{i,k} ≈ L_i · S_k` (`k` = slot of the
//! week, `Σ_k S_k = 1`) is fitted by alternating least squares (the rank-1 least-squares
//! decomposition: `S_k ∝ Σ_i L_i y_{i,k}`, `L_i = Σ_k S_k y_{i,k} / Σ_k S_k²`). Within each day
//! the shape is then replaced by the weekday's intraday profile from
//! [`shrunk_profiles`](super::ets_profile::shrunk_profiles) (discounted over more weeks and
//! shrunk toward weekdays of the same shape), keeping each day's share of the week. The weekly
//! level is regressed on time, `L_i = a + b·i + ε` (ordinary least squares), and the slope is
//! shrunk by its evidence, `b* = b · max(0, 1 − 1/t²)` with `t` its t-statistic (the
//! positive-part James–Stein factor for one coefficient), so that a trend is only extrapolated
//! when the data support it (never from fewer than [`MIN_TREND_WEEKS`] weeks). Forecast: `F_{N+h,k} = (a + b*·(N + h)) · S_k`.
//!
//! # References
//! Hyndman & Athanasopoulos (2021), *Forecasting: Principles and Practice*, 3rd ed., §3.2
//! (classical multiplicative decomposition) and §7.1 (linear trend regression);
//! Shen, H. & Huang, J. Z. (2005), "Analysis of call centre arrival data using singular value
//! decomposition", Applied Stochastic Models in Business and Industry 21(3):251–263 (rank-1
//! SVD of week × interval arrival matrices); James, W. & Stein, C. (1961), "Estimation with
//! quadratic loss", Proc. 4th Berkeley Symposium 1:361–379.

use super::ets_profile::shrunk_profiles;
use super::{FitData, FittedModel, ForecastError, Forecaster};

/// Weeks in the decomposition.
pub const DECOMP_WEEKS: usize = 8;
/// Fewest weekly levels for a trend to be estimated at all (4 residual degrees of freedom);
/// with fewer the level is the mean.
pub const MIN_TREND_WEEKS: usize = 6;

/// The unfitted model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Decomposition;

/// The fitted model.
#[derive(Debug, Clone)]
pub struct FittedDecomposition {
    /// Weekly shape (sums to 1), starting at the origin's slot.
    shape: Vec<f64>,
    /// Level intercept and shrunk slope (per week), week index of the last history week = N.
    a: f64,
    b: f64,
    n: usize,
}

impl Forecaster for Decomposition {
    type Fitted = FittedDecomposition;

    fn fit(&self, data: &FitData<'_>) -> Result<Self::Fitted, ForecastError> {
        let w = 7 * data.slots_per_day;
        let n = (data.y.len() / w).min(DECOMP_WEEKS);
        if n < 2 {
            return Err(ForecastError::NotEnoughHistory {
                model: "decomposition",
                needed_days: 14,
                days: data.y.len() / data.slots_per_day,
            });
        }
        let y = &data.y[data.y.len() - n * w..];
        let week = |i: usize| &y[i * w..(i + 1) * w];
        let mut level: Vec<f64> = (0..n).map(|i| week(i).iter().sum()).collect();
        let mut shape = vec![0.0; w];
        for _ in 0..3 {
            shape.iter_mut().for_each(|s| *s = 0.0);
            for (i, l) in level.iter().enumerate() {
                for (s, v) in shape.iter_mut().zip(week(i)) {
                    *s += l * v;
                }
            }
            let total: f64 = shape.iter().sum();
            if total <= 0.0 {
                break;
            }
            shape.iter_mut().for_each(|s| *s /= total);
            let ss: f64 = shape.iter().map(|s| s * s).sum();
            for (i, l) in level.iter_mut().enumerate() {
                *l = week(i).iter().zip(&shape).map(|(v, s)| v * s).sum::<f64>() / ss;
            }
        }
        // Within each day, the shape is replaced by the weekday's shrunk, discounted intraday
        // profile (ets_profile::shrunk_profiles; day 0 of the window has the origin's weekday):
        // the 8-week slot averages are the noisiest part of the shape.
        let days = data.y.len() / data.slots_per_day;
        let d = data.slots_per_day;
        let profile = shrunk_profiles(data.y, d, days, days % 7, data.others);
        for k in 0..7 {
            let day_share: f64 = shape[k * d..(k + 1) * d].iter().sum();
            if profile[k * d..(k + 1) * d].iter().any(|&p| p > 0.0) {
                for s in 0..d {
                    shape[k * d + s] = day_share * profile[k * d + s];
                }
            }
        }
        // OLS of level on week index 1..=n.
        let xs: Vec<f64> = (1..=n).map(|i| i as f64).collect();
        let mx = xs.iter().sum::<f64>() / n as f64;
        let my = level.iter().sum::<f64>() / n as f64;
        let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
        let sxy: f64 = xs
            .iter()
            .zip(&level)
            .map(|(x, l)| (x - mx) * (l - my))
            .sum();
        let b = sxy / sxx;
        let a = my - b * mx;
        let shrink = if n >= MIN_TREND_WEEKS {
            let rss: f64 = xs
                .iter()
                .zip(&level)
                .map(|(x, l)| (l - a - b * x).powi(2))
                .sum();
            let se2 = rss / (n - 2) as f64 / sxx;
            if se2 > 0.0 {
                (1.0 - se2 / (b * b)).max(0.0)
            } else {
                1.0
            }
        } else {
            0.0
        };
        let b_star = b * shrink;
        // Keep the level line through the mean: a* = ȳ − b*·x̄.
        Ok(FittedDecomposition {
            shape,
            a: my - b_star * mx,
            b: b_star,
            n,
        })
    }
}

impl FittedModel for FittedDecomposition {
    fn predict(&self, horizon: usize) -> Vec<f64> {
        let w = self.shape.len();
        (0..horizon)
            .map(|t| {
                let week = (self.n + 1 + t / w) as f64;
                (self.a + self.b * week).max(0.0) * self.shape[t % w]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_trend_and_shape_are_recovered() {
        // Level 10⁶·(100 + 10·i) exactly, shape fixed: the t-statistic is infinite, no
        // shrinkage of the trend; with ~10⁸ calls a weekday, the Poisson variance of the
        // intraday profiles is ~10⁻⁹, so distinct weekday shapes borrow nothing measurable.
        let d = 2;
        let w = 7 * d;
        let shape: Vec<f64> = (1..=w).map(|k| k as f64).collect();
        let tot: f64 = shape.iter().sum();
        let y: Vec<f64> = (0..8 * w)
            .map(|t| 1e6 * (100.0 + 10.0 * (t / w + 1) as f64) * shape[t % w] / tot)
            .collect();
        let f = Decomposition
            .fit(&FitData {
                y: &y,
                slots_per_day: d,
                first_weekday: 0,
                others: None,
            })
            .unwrap();
        let fc = f.predict(w);
        let total: f64 = fc.iter().sum();
        assert!((total / 190e6 - 1.0).abs() < 1e-9, "{total}");
        assert!((fc[3] / total * tot / 4.0 - 1.0).abs() < 1e-6, "{}", fc[3]);
    }

    #[test]
    fn noisy_flat_level_gets_no_trend() {
        // Alternating levels 100, 120, 100, …: OLS slope is small and insignificant → shrunk away.
        let d = 1;
        let y: Vec<f64> = (0..8 * 7)
            .map(|t| {
                if (t / 7) % 2 == 0 {
                    100.0 / 7.0
                } else {
                    120.0 / 7.0
                }
            })
            .collect();
        let f = Decomposition
            .fit(&FitData {
                y: &y,
                slots_per_day: d,
                first_weekday: 0,
                others: None,
            })
            .unwrap();
        let total: f64 = f.predict(7).iter().sum();
        assert!((total - 110.0).abs() < 1e-9, "{total}");
    }
}
