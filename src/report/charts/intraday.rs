//! Intraday profile: offered calls per interval, mean over the period's days (hour ticks).

use crate::report::ctx::Ctx;
use crate::report::svg::{lines, LineChart, Series, BLUE, H, ORANGE};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "forecast-intraday";

/// `HH:00` of an hour-of-day x (ticks fall on whole hours: the axis is in hours).
pub(crate) fn hour_label(x: &f64) -> String {
    format!(
        "{:02}:{:02}",
        (x.floor() as i64).rem_euclid(24),
        ((x.fract()) * 60.0).round() as i64 % 60
    )
}

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    let h = |s: u32| f64::from(s) / 3600.0;
    let act = a
        .intraday
        .iter()
        .map(|r| (h(r.slot_secs), r.actual))
        .collect();
    let fc: Vec<(f64, f64)> = a
        .intraday
        .iter()
        .filter_map(|r| r.forecast.map(|f| (h(r.slot_secs), f)))
        .collect();
    let mut series = vec![Series::new("actual (mean per day)", BLUE, act)];
    if !fc.is_empty() {
        series.push(Series::new("forecast (mean per day)", ORANGE, fc));
    }
    let ivl_h = f64::from(a.interval_secs) / 3600.0;
    lines(LineChart {
        id: ID.to_string(),
        title: "Intraday profile: offered calls per interval, mean over the period's days"
            .to_string(),
        x_desc: "time of day",
        y_desc: "calls",
        x_range: (0.0, 24.0),
        x_labels: 13,
        xlabel: &hour_label,
        y_min_zero: true,
        max_gap: 1.5 * ivl_h,
        series,
        targets: Vec::new(),
        height: H,
    })
}
