//! Intraday profile: offered calls per interval, mean over the period's days (hour ticks).

use crate::report::ctx::Ctx;
use crate::report::svg::{time_of_day_chart, Series, BLUE, ORANGE};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "forecast-intraday";

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
    time_of_day_chart(
        ID,
        "Intraday profile: offered calls per interval, mean over the period's days".to_string(),
        "calls",
        series,
        a.interval_secs,
    )
}
