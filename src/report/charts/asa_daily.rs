//! Average speed of answer per day, with its target line.

use crate::audit::{KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::{placeholder, Series, PURPLE};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "asa-daily";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let title = "Average speed of answer per day";
    let asa = c.day_points(&c.audit.daily, |d| d.asa_secs, 1.0);
    if asa.is_empty() {
        return placeholder(
            ID,
            title,
            "column `asa_seconds` or `sum_wait_answered_s` in --actuals",
        );
    }
    let target = c.target_line(KpiKey::Asa, &Scope::All, 1.0);
    c.day_chart(
        ID,
        title,
        "seconds",
        vec![Series::new("ASA", PURPLE, asa)],
        target.into_iter().collect(),
    )
}
