//! ASA by weekday × interval; the colour's midpoint (white) is the ASA target.

use super::heat::{ratio_heat, RatioHeat};
use crate::audit::KpiKey;
use crate::report::ctx::Ctx;
use crate::report::svg::diverging;
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "asa-heatmap";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    ratio_heat(
        c,
        RatioHeat {
            id: ID,
            title: "Average speed of answer by weekday × interval".to_string(),
            needs: "column `asa_seconds` or `sum_wait_answered_s` in --actuals",
            ratio: &|r| Some((r.wait_answered?, r.answered)),
            key: KpiKey::Asa,
            fallback: 20.0,
            // Lower is better: twice the target is fully red, 0 s fully green.
            color: &|asa, target| diverging((target - asa) / target.max(1.0)),
            legend: &[0.0, 0.5, 1.0, 1.5, 2.0],
            legend_value: &|f, target| target * f,
            format: &|v| format!("{v:.0} s"),
        },
    )
}
