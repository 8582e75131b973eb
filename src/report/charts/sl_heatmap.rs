//! Service level by weekday × interval; the colour's midpoint (white) is the SL target.

use std::collections::BTreeMap;

use super::heat::{draw, Heat};
use crate::audit::{KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::{diverging, placeholder, GREY};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "sl-heatmap";

/// Σ (numerator, denominator) per (weekday, slot).
pub(crate) type Sums = BTreeMap<(usize, u32), (f64, f64)>;

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    let th = a.options.threshold_secs;
    let title = format!("Service level ({th} s, answered ≤ X ÷ offered) by weekday × interval");
    let mut sums = Sums::new();
    for r in &a.intervals {
        let Some(aw) = r.answered_within else {
            continue;
        };
        let key = (
            crate::time::weekday_sun0(r.interval_start.date()),
            crate::time::seconds_of_day(r.interval_start),
        );
        let e = sums.entry(key).or_insert((0.0, 0.0));
        e.0 += aw;
        e.1 += r.offered;
    }
    if sums.is_empty() {
        return placeholder(
            ID,
            &title,
            "answered within X (`answered_le{X}` or `sl_20s`) in --actuals",
        );
    }
    let (target, origin) = match a.targets.get(KpiKey::ServiceLevel, &Scope::All) {
        Some(t) => (t.value, "target"),
        None => (0.8, "no target set: 80 % used as"),
    };
    // Distance from the target on a ±25-point scale.
    let color = |sl: f64| diverging((sl - target) / 0.25);
    let cells = sums
        .iter()
        .map(|(&(w, s), &(n, d))| (w, s, if d > 0.0 { color(n / d) } else { GREY }))
        .collect();
    let pct = |v: f64| format!("{:.0} %", v * 100.0);
    let legend = [0.25, 0.125, 0.0, -0.125, -0.25]
        .into_iter()
        .map(|d| {
            let v = (target + d).clamp(0.0, 1.0);
            let mark = if d == 0.0 {
                format!(" ({origin})")
            } else {
                String::new()
            };
            (color(v), format!("{}{mark}", pct(v)))
        })
        .collect();
    draw(Heat {
        id: ID,
        title,
        interval_secs: a.interval_secs,
        cells,
        legend,
    })
}
