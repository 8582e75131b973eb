//! Average speed of answer per day, with its target line.

use crate::audit::{KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::{lines, placeholder, LineChart, Series, H, PURPLE};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "asa-daily";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    let title = "Average speed of answer per day";
    let asa: Vec<(f64, f64)> = a
        .daily
        .iter()
        .filter_map(|d| d.asa_secs.map(|v| (c.dx(d.date), v)))
        .collect();
    if asa.is_empty() {
        return placeholder(
            ID,
            title,
            "column `asa_seconds` or `sum_wait_answered_s` in --actuals",
        );
    }
    let label = c.date_label();
    lines(LineChart {
        id: ID.to_string(),
        title: title.to_string(),
        x_desc: "day",
        y_desc: "seconds",
        x_range: c.day_range(),
        x_labels: 10,
        xlabel: &label,
        y_min_zero: true,
        max_gap: 1.5,
        series: vec![Series::new("ASA", PURPLE, asa)],
        targets: c
            .target_line(KpiKey::Asa, &Scope::All, 1.0)
            .into_iter()
            .collect(),
        height: H,
    })
}
