//! The planner's classic: same slot, same weekday, mean of the last `k` weeks (optionally
//! weighted toward recent weeks).
//!
//! # Formula
//! `F[o + t] = Σ_{i=1..k} w_i · y[o − i·W + (t mod W)] / Σ w_i`, with `w_i = 1` (plain mean) or
//! `w_i = k + 1 − i` (linearly decaying weights). When fewer than `k` whole weeks exist, the
//! available weeks are used.
//!
//! # References
//! Cleveland, B. (2019), *Call Center Management on Fast Forward*, 4th ed., ch. 6 (forecasting
//! by averaging the same interval of the same weekday over recent weeks); Koole, G. (2013),
//! *Call Center Optimization*, §4.2.

use super::{FitData, FittedModel, ForecastError, Forecaster};

/// The unfitted weekly-mean model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyMean {
    /// Number of past weeks `k` (≥ 1).
    pub weeks: usize,
    /// Linearly decaying weights instead of a plain mean.
    pub weighted: bool,
}

/// The fitted model: the averaged week.
#[derive(Debug, Clone)]
pub struct FittedWeeklyMean {
    week: Vec<f64>,
}

impl Forecaster for WeeklyMean {
    type Fitted = FittedWeeklyMean;

    fn fit(&self, data: &FitData<'_>) -> Result<Self::Fitted, ForecastError> {
        let w = 7 * data.slots_per_day;
        let o = data.y.len();
        let k = self.weeks.min(o / w);
        if k == 0 {
            return Err(ForecastError::NotEnoughHistory {
                model: "mean-weeks",
                needed_days: 7,
                days: o / data.slots_per_day,
            });
        }
        let mut week = vec![0.0; w];
        let mut total = 0.0;
        for i in 1..=k {
            let wt = if self.weighted {
                (k + 1 - i) as f64
            } else {
                1.0
            };
            total += wt;
            for (s, v) in week.iter_mut().enumerate() {
                *v += wt * data.y[o - i * w + s];
            }
        }
        for v in &mut week {
            *v /= total;
        }
        Ok(FittedWeeklyMean { week })
    }
}

impl FittedModel for FittedWeeklyMean {
    fn predict(&self, horizon: usize) -> Vec<f64> {
        (0..horizon)
            .map(|t| self.week[t % self.week.len()])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_weighted_means() {
        // Three weeks of one slot per day: week values 1, 2, 4 (constant within the week).
        let y: Vec<f64> = [1.0, 2.0, 4.0]
            .iter()
            .flat_map(|&v| std::iter::repeat_n(v, 7))
            .collect();
        let data = FitData {
            y: &y,
            slots_per_day: 1,
            first_weekday: 0,
            others: None,
        };
        let f = WeeklyMean {
            weeks: 2,
            weighted: false,
        }
        .fit(&data)
        .unwrap();
        assert_eq!(f.predict(1), vec![3.0]);
        // Weighted k = 3: (3·4 + 2·2 + 1·1) / 6.
        let f = WeeklyMean {
            weeks: 3,
            weighted: true,
        }
        .fit(&data)
        .unwrap();
        assert!((f.predict(1)[0] - 17.0 / 6.0).abs() < 1e-12);
        // k larger than the history uses what exists.
        let f = WeeklyMean {
            weeks: 8,
            weighted: false,
        }
        .fit(&data)
        .unwrap();
        assert!((f.predict(1)[0] - 7.0 / 3.0).abs() < 1e-12);
    }
}
