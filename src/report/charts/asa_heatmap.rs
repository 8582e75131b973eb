//! ASA by weekday × interval; the colour's midpoint (white) is the ASA target.

use super::heat::{draw, Heat};
use super::sl_heatmap::Sums;
use crate::audit::{KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::{diverging, placeholder, GREY};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "asa-heatmap";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    let title = "Average speed of answer by weekday × interval".to_string();
    let mut sums = Sums::new();
    for r in &a.intervals {
        let Some(w) = r.wait_answered else { continue };
        let key = (
            crate::time::weekday_sun0(r.interval_start.date()),
            crate::time::seconds_of_day(r.interval_start),
        );
        let e = sums.entry(key).or_insert((0.0, 0.0));
        e.0 += w;
        e.1 += r.answered;
    }
    if sums.is_empty() {
        return placeholder(
            ID,
            &title,
            "column `asa_seconds` or `sum_wait_answered_s` in --actuals",
        );
    }
    let (target, origin) = match a.targets.get(KpiKey::Asa, &Scope::All) {
        Some(t) => (t.value, "target"),
        None => (20.0, "no target set: 20 s used as"),
    };
    // Lower is better: twice the target is fully red, 0 s fully green.
    let scale = target.max(1.0);
    let color = |asa: f64| diverging((target - asa) / scale);
    let cells = sums
        .iter()
        .map(|(&(w, s), &(n, d))| (w, s, if d > 0.0 { color(n / d) } else { GREY }))
        .collect();
    let legend = [0.0, 0.5, 1.0, 1.5, 2.0]
        .into_iter()
        .map(|f| {
            let v = target * f;
            let mark = if f == 1.0 {
                format!(" ({origin})")
            } else {
                String::new()
            };
            (color(v), format!("{v:.0} s{mark}"))
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
