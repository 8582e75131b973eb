//! Seasonal naive: repeat the last season.
//!
//! # Formula
//! `F[o + t] = y[o − s + (t mod s)]`, with `s` = one day (`D` intervals) or one week (`W = 7D`).
//!
//! # References
//! Hyndman, R. J. & Athanasopoulos, G. (2021), *Forecasting: Principles and Practice*, 3rd ed.,
//! §5.2 "Some simple forecasting methods" (seasonal naïve method).

use super::{FitData, FittedModel, ForecastError, Forecaster};

/// Which season to repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Season {
    /// The last day.
    Day,
    /// The last week.
    Week,
}

/// The unfitted seasonal naive model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeasonalNaive {
    /// The season repeated.
    pub season: Season,
}

/// A fitted seasonal naive model: the last season of history.
#[derive(Debug, Clone)]
pub struct FittedSeasonalNaive {
    last: Vec<f64>,
}

impl Forecaster for SeasonalNaive {
    type Fitted = FittedSeasonalNaive;

    fn fit(&self, data: &FitData<'_>) -> Result<Self::Fitted, ForecastError> {
        let s = match self.season {
            Season::Day => data.slots_per_day,
            Season::Week => 7 * data.slots_per_day,
        };
        let o = data.y.len();
        if o < s {
            return Err(ForecastError::NotEnoughHistory {
                model: "seasonal-naive",
                needed_days: s / data.slots_per_day,
                days: o / data.slots_per_day,
            });
        }
        Ok(FittedSeasonalNaive {
            last: data.y[o - s..].to_vec(),
        })
    }
}

impl FittedModel for FittedSeasonalNaive {
    fn predict(&self, horizon: usize) -> Vec<f64> {
        (0..horizon)
            .map(|t| self.last[t % self.last.len()])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_last_season() {
        let y: Vec<f64> = (0..14).map(f64::from).collect();
        let data = FitData {
            y: &y,
            slots_per_day: 1,
            first_weekday: 0,
            others: None,
        };
        let f = SeasonalNaive {
            season: Season::Week,
        }
        .fit(&data)
        .unwrap();
        assert_eq!(f.predict(9), vec![7., 8., 9., 10., 11., 12., 13., 7., 8.]);
        let f = SeasonalNaive {
            season: Season::Day,
        }
        .fit(&data)
        .unwrap();
        assert_eq!(f.predict(2), vec![13., 13.]);
        let short = FitData { y: &y[..5], ..data };
        assert!(SeasonalNaive {
            season: Season::Week
        }
        .fit(&short)
        .is_err());
    }
}
