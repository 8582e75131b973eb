//! Service level by weekday × interval; the colour's midpoint (white) is the SL target.

use super::heat::{ratio_heat, RatioHeat};
use crate::audit::KpiKey;
use crate::report::ctx::Ctx;
use crate::report::svg::diverging;
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "sl-heatmap";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let th = c.audit.options.threshold_secs;
    ratio_heat(
        c,
        RatioHeat {
            id: ID,
            title: format!("Service level ({th} s, answered ≤ X ÷ offered) by weekday × interval"),
            needs: "answered within X (`answered_le{X}` or `sl_20s`) in --actuals",
            ratio: &|r| Some((r.answered_within?, r.offered)),
            key: KpiKey::ServiceLevel,
            fallback: 0.8,
            // Distance from the target on a ±25-point scale.
            color: &|sl, target| diverging((sl - target) / 0.25),
            legend: &[0.25, 0.125, 0.0, -0.125, -0.25],
            legend_value: &|d, target| (target + d).clamp(0.0, 1.0),
            format: &|v| format!("{:.0} %", v * 100.0),
        },
    )
}
