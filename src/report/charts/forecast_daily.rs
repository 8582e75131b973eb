//! Forecast vs actual offered calls per day: for the center, and for each queue and pool.

use crate::audit::DailyRow;
use crate::report::ctx::Ctx;
use crate::report::svg::{Series, BLUE, ORANGE};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "forecast-daily";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    volume(
        c,
        ID,
        "Forecast vs actual offered calls per day",
        &c.audit.daily,
    )
}

/// Actual offered calls of `days` with their forecast, when the audit has one; without it the
/// title says "actual only" and the chart carries what it needs.
pub(crate) fn volume(
    c: &Ctx<'_>,
    id: &str,
    title: &str,
    days: &[DailyRow],
) -> Result<Chart, ReportError> {
    let actual = c.day_points(days, |d| Some(d.offered), 1.0);
    let fc = c.day_points(days, |d| d.forecast, 1.0);
    let mut series = vec![Series::new("actual offered", BLUE, actual)];
    if !fc.is_empty() {
        series.push(Series::new("forecast", ORANGE, fc));
    }
    let mut out = c.day_chart(id, title, "calls", series, Vec::new())?;
    if let Some(n) = &c.audit.accuracy_needs {
        out.title = format!("{title} (no forecast: actual only)");
        out.needs = Some(n.clone());
    }
    Ok(out)
}
