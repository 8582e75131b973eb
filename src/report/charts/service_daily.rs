//! Service level and abandon rate per day, with their target lines.

use crate::audit::{KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::{lines, placeholder, LineChart, Series, GREEN, H, RED};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "service-daily";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    let title = "Service level and abandon rate per day";
    let sl: Vec<(f64, f64)> = a
        .daily
        .iter()
        .filter_map(|d| d.service_level.map(|v| (c.dx(d.date), v * 100.0)))
        .collect();
    let ab: Vec<(f64, f64)> = a
        .daily
        .iter()
        .filter_map(|d| d.abandon_rate.map(|v| (c.dx(d.date), v * 100.0)))
        .collect();
    if sl.is_empty() && ab.is_empty() {
        return placeholder(ID, title, "answered calls per day");
    }
    let mut series = Vec::new();
    if !sl.is_empty() {
        let name = format!(
            "service level ({} s, {})",
            a.options.threshold_secs,
            a.options.sl_convention.name()
        );
        series.push(Series::new(name, GREEN, sl));
    }
    series.push(Series::new("abandon rate", RED, ab));
    let targets = [KpiKey::ServiceLevel, KpiKey::AbandonRate]
        .into_iter()
        .filter_map(|k| c.target_line(k, &Scope::All, 100.0))
        .collect();
    let label = c.date_label();
    lines(LineChart {
        id: ID.to_string(),
        title: title.to_string(),
        x_desc: "day",
        y_desc: "%",
        x_range: c.day_range(),
        x_labels: 10,
        xlabel: &label,
        y_min_zero: true,
        max_gap: 1.5,
        series,
        targets,
        height: H,
    })
}
