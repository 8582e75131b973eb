//! One queue's service level and abandon rate per day, with the queue's targets.

use crate::audit::{KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::{lines, placeholder, LineChart, Series, GREEN, H, RED};
use crate::report::{Chart, ReportError};

pub(crate) fn chart(c: &Ctx<'_>, queue: &str, id: &str) -> Result<Chart, ReportError> {
    let title = format!("Queue {queue}: service level and abandon rate per day");
    let Some(days) = c.audit.queue_daily.get(queue) else {
        return placeholder(id, &title, "rows of this queue in the period");
    };
    let sl: Vec<(f64, f64)> = days
        .iter()
        .filter_map(|d| d.service_level.map(|v| (c.dx(d.date), v * 100.0)))
        .collect();
    let ab: Vec<(f64, f64)> = days
        .iter()
        .filter_map(|d| d.abandon_rate.map(|v| (c.dx(d.date), v * 100.0)))
        .collect();
    let mut series = Vec::new();
    if !sl.is_empty() {
        series.push(Series::new("service level", GREEN, sl));
    }
    if !ab.is_empty() {
        series.push(Series::new("abandon rate", RED, ab));
    }
    let scope = Scope::Queue(queue.to_string());
    let targets = [KpiKey::ServiceLevel, KpiKey::AbandonRate]
        .into_iter()
        .filter_map(|k| c.target_line(k, &scope, 100.0))
        .collect();
    let label = c.date_label();
    lines(LineChart {
        id: id.to_string(),
        title,
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
