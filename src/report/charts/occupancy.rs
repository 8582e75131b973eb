//! Occupancy per day, with its target line.

use crate::audit::{KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::{placeholder, Series, BLUE};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "occupancy";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    let occ = c.day_points(&a.daily, |d| d.occupancy, 100.0);
    if occ.is_empty() {
        return placeholder(ID, "Occupancy per day", "--agent-states");
    }
    let src = a
        .kpi("occupancy")
        .map(|k| k.source.clone())
        .unwrap_or_default();
    let target = c.target_line(KpiKey::Occupancy, &Scope::All, 100.0);
    c.day_chart(
        ID,
        &format!("Occupancy per day ({src})"),
        "%",
        vec![Series::new("occupancy", BLUE, occ)],
        target.into_iter().collect(),
    )
}
