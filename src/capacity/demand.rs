//! Long-range demand: daily history aggregated to weeks or months, and holidays moved to their
//! dates.
//!
//! History arrives per day (daily exports, or interval rows summed per day by the reader) as a
//! [`Panel`] of [`Volume`] on a day [`TimeGrid`]; a day without rows is unobserved (`None`),
//! never zero. [`to_periods`] sums whole weeks (starting on a chosen weekday) or calendar
//! months; a period with an unobserved day is unobserved, and partial periods at either end are
//! left out.
//!
//! # Holidays
//! A holiday falls in a different week every year (Easter, Passover, Ramadan…), so a weekly
//! model must not learn it as "week 14 is low". With a calendar (`date,name,effect`),
//! [`HolidayEffects`] measures, per effect (closed, eve, reduced), the ratio of a special day's
//! volume to the median of the same weekday in the four weeks around it, and the weekday
//! profile of ordinary weeks. The history's periods are then cleaned (each special day counted
//! at its expected ordinary volume) before the model is fitted, and each future period's
//! forecast is multiplied by `1 − Σ_{special days d in the period} w(d)·(1 − m_e(d)) / Σ_{days d
//! in the period} w(d)`, with `w` the weekday profile and `m_e` the effect's ratio: the effect
//! lands on the holiday's date in the forecast year.

use chrono::{Datelike, Weekday};

use crate::forecast::{Calendar, Effect};
use crate::model::{Combine, Grain, GridError, Panel, TimeGrid};

/// Contacts and handle time of one queue × day (or week, month), as exact sums.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Volume {
    /// Contacts offered.
    pub offered: f64,
    /// Offered contacts whose AHT is known (the denominator of the AHT).
    pub aht_offered: f64,
    /// `Σ offered × AHT` over the rows with a known AHT, seconds.
    pub workload_secs: f64,
}

impl Volume {
    /// Offered-weighted mean AHT, when any row had one.
    pub fn aht_secs(&self) -> Option<f64> {
        (self.aht_offered > 0.0).then(|| self.workload_secs / self.aht_offered)
    }
}

impl Combine for Volume {
    fn zero() -> Self {
        Volume::default()
    }
    fn pool(&mut self, o: &Self) {
        self.offered += o.offered;
        self.aht_offered += o.aht_offered;
        self.workload_secs += o.workload_secs;
    }
}

/// The periods (weeks from `week_start`, or calendar months) wholly inside a day grid.
///
/// # Errors
/// [`GridError::BadShape`] when `days` is not a day grid, `grain` is not a week or a month, or
/// no whole period fits.
pub fn period_grid(
    days: &TimeGrid,
    grain: Grain,
    week_start: Weekday,
) -> Result<TimeGrid, GridError> {
    if days.grain() != Grain::Day {
        return Err(GridError::BadShape(format!(
            "long-range history must be daily, not {}",
            days.grain()
        )));
    }
    let first = days.date(0);
    let end = days.end().date();
    let start = match grain {
        Grain::Week => {
            let shift = (7 + week_start.num_days_from_monday() as i64
                - first.weekday().num_days_from_monday() as i64)
                % 7;
            first + chrono::TimeDelta::days(shift)
        }
        Grain::Month if first.day() == 1 => first,
        Grain::Month => first
            .with_day(1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .expect("a valid date"),
        other => {
            return Err(GridError::BadShape(format!(
                "long-range periods are weeks or months, not {other}"
            )))
        }
    };
    let probe = TimeGrid::new(start.and_time(chrono::NaiveTime::MIN), grain, 0)?;
    let mut len = 0;
    while probe.timestamp(len + 1).date() <= end {
        len += 1;
    }
    if len == 0 {
        return Err(GridError::BadShape(format!(
            "the history {first} … {} holds no whole {grain}",
            end - chrono::TimeDelta::days(1)
        )));
    }
    TimeGrid::new(probe.start(), grain, len)
}

/// Sums the days of each period of `periods` (a grid from [`period_grid`]); a period with an
/// unobserved day is unobserved.
pub fn to_periods(daily: &Panel<Option<Volume>>, periods: &TimeGrid) -> Panel<Option<Volume>> {
    let days = *daily.grid();
    let first = days.date(0);
    Panel::from_fn(daily.queues().to_vec(), *periods, |q, p| {
        let (a, b) = (periods.date(p), periods.timestamp(p + 1).date());
        let (i, j) = (
            (a - first).num_days() as usize,
            (b - first).num_days() as usize,
        );
        let s = &daily.series(q)[i..j];
        let mut acc = Some(Volume::zero());
        for d in s {
            acc.pool(d);
        }
        acc
    })
}

/// Weekday profile and per-effect day ratios measured on a daily history (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct HolidayEffects {
    /// Mean share of an ordinary week's volume per weekday (Monday first); sums to 1.
    pub weekday_share: [f64; 7],
    /// Per effect ([`Effect::index`]): special-day volume ÷ ordinary volume of that weekday
    /// (median over the history's special days); `None` when the history has none (the effect
    /// is then taken as 0 for closed days and 1 otherwise, and said so).
    pub ratio: [Option<f64>; 3],
}

use super::long_range::median;

impl HolidayEffects {
    /// Measures the effects on one queue's daily offered volume (`None` = unobserved day).
    pub fn measure(days: &TimeGrid, offered: &[Option<f64>], calendar: &Calendar) -> Self {
        let special = |i: usize| calendar.get(days.date(i)).is_some();
        // Expected ordinary volume of day i: median of the same weekday ±1…±2 weeks, ordinary days.
        let expected = |i: usize| -> Option<f64> {
            let mut v: Vec<f64> = [-14i64, -7, 7, 14]
                .iter()
                .filter_map(|&k| {
                    let j = i as i64 + k;
                    (j >= 0 && (j as usize) < offered.len() && !special(j as usize))
                        .then(|| offered[j as usize])
                        .flatten()
                })
                .collect();
            median(&mut v)
        };
        let mut ratios: [Vec<f64>; 3] = Default::default();
        for (i, x) in offered.iter().enumerate() {
            if let (Some(sd), Some(x)) = (calendar.get(days.date(i)), *x) {
                if let Some(e) = expected(i).filter(|&e| e > 0.0) {
                    ratios[sd.effect.index()].push(x / e);
                }
            }
        }
        let mut sums = [0.0; 7];
        let mut weeks = 0usize;
        let start = (7 - days.date(0).weekday().num_days_from_monday() as usize) % 7;
        let mut i = start;
        while i + 7 <= offered.len() {
            let week: Option<Vec<f64>> = (i..i + 7)
                .map(|d| (!special(d)).then_some(offered[d]).flatten())
                .collect();
            if let Some(w) = week {
                let tot: f64 = w.iter().sum();
                if tot > 0.0 {
                    for (s, x) in sums.iter_mut().zip(&w) {
                        *s += x / tot;
                    }
                    weeks += 1;
                }
            }
            i += 7;
        }
        let weekday_share = if weeks > 0 {
            sums.map(|s| s / weeks as f64)
        } else {
            [1.0 / 7.0; 7]
        };
        HolidayEffects {
            weekday_share,
            ratio: ratios.map(|mut v| median(&mut v)),
        }
    }

    fn ratio_of(&self, e: Effect) -> f64 {
        self.ratio[e.index()].unwrap_or(if e == Effect::Closed { 0.0 } else { 1.0 })
    }

    /// The factor of period `p` of `periods`: expected volume with its special days ÷ without.
    pub fn factor(&self, periods: &TimeGrid, p: usize, calendar: &Calendar) -> f64 {
        let (a, b) = (periods.date(p), periods.timestamp(p + 1).date());
        let (mut all, mut lost) = (0.0, 0.0);
        let mut d = a;
        while d < b {
            let w = self.weekday_share[d.weekday().num_days_from_monday() as usize];
            all += w;
            if let Some(sd) = calendar.get(d) {
                lost += w * (1.0 - self.ratio_of(sd.effect));
            }
            d = d.succ_opt().expect("a valid date");
        }
        if all > 0.0 {
            (1.0 - lost / all).max(0.0)
        } else {
            1.0
        }
    }
}
