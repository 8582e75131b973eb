//! Forecast vs actual offered calls per day.

use crate::report::ctx::Ctx;
use crate::report::svg::{lines, LineChart, Series, BLUE, H, ORANGE};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "forecast-daily";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    let actual = a.daily.iter().map(|d| (c.dx(d.date), d.offered)).collect();
    let fc: Vec<(f64, f64)> = a
        .daily
        .iter()
        .filter_map(|d| d.forecast.map(|f| (c.dx(d.date), f)))
        .collect();
    let mut series = vec![Series::new("actual offered", BLUE, actual)];
    let title = "Forecast vs actual offered calls per day";
    if !fc.is_empty() {
        series.push(Series::new("forecast", ORANGE, fc));
    }
    let label = c.date_label();
    let mut out = lines(LineChart {
        id: ID.to_string(),
        title: title.to_string(),
        x_desc: "day",
        y_desc: "calls",
        x_range: c.day_range(),
        x_labels: 10,
        xlabel: &label,
        y_min_zero: true,
        max_gap: 1.5,
        series,
        targets: Vec::new(),
        height: H,
    })?;
    if a.accuracy_needs.is_some() {
        out.title = format!("{title} (no forecast: actual only)");
        out.needs.clone_from(&a.accuracy_needs);
    }
    Ok(out)
}
