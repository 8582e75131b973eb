//! Occupancy per day, with its target line.

use crate::audit::{KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::{lines, placeholder, LineChart, Series, BLUE, H};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "occupancy";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    let occ: Vec<(f64, f64)> = a
        .daily
        .iter()
        .filter_map(|d| d.occupancy.map(|v| (c.dx(d.date), v * 100.0)))
        .collect();
    if occ.is_empty() {
        return placeholder(ID, "Occupancy per day", "--agent-states");
    }
    let src = a
        .kpi("occupancy")
        .map(|k| k.source.clone())
        .unwrap_or_default();
    let label = c.date_label();
    lines(LineChart {
        id: ID.to_string(),
        title: format!("Occupancy per day ({src})"),
        x_desc: "day",
        y_desc: "%",
        x_range: c.day_range(),
        x_labels: 10,
        xlabel: &label,
        y_min_zero: true,
        max_gap: 1.5,
        series: vec![Series::new("occupancy", BLUE, occ)],
        targets: c
            .target_line(KpiKey::Occupancy, &Scope::All, 100.0)
            .into_iter()
            .collect(),
        height: H,
    })
}
