//! Volume forecast interval accuracy (1 − WAPE) by weekday × interval.

use super::heat::{draw, Heat};
use crate::audit::{Grouping, Measure};
use crate::report::ctx::Ctx;
use crate::report::svg::{placeholder, ramp, GREY};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "accuracy-heatmap";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    let title = "Volume forecast interval accuracy (1 − WAPE) by weekday × interval";
    if let Some(n) = &a.accuracy_needs {
        return placeholder(ID, title, n);
    }
    let cells: Vec<_> = a
        .accuracy
        .iter()
        .filter(|r| r.measure == Measure::Volume && r.grouping == Grouping::WeekdayInterval)
        .filter_map(|r| Some((r.weekday?, r.slot_secs?, r.m.accuracy.map_or(GREY, ramp))))
        .collect();
    if cells.is_empty() {
        return placeholder(ID, title, "forecast rows matching the actuals");
    }
    let legend = [1.0, 0.75, 0.5, 0.25, 0.0]
        .into_iter()
        .map(|v: f64| {
            (
                ramp(v),
                format!("{}{:.0} %", if v == 0.0 { "≤ " } else { "" }, v * 100.0),
            )
        })
        .collect();
    draw(Heat {
        id: ID,
        title: title.to_string(),
        interval_secs: a.interval_secs,
        cells,
        legend,
    })
}
