//! Service level and abandon rate per day with their target lines: for the center, and for
//! each queue and pool (a scope with "no target" said explicitly shows none, and says so).

use crate::audit::{DailyRow, KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::{placeholder, Series, GREEN, RED};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "service-daily";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    sl_abandon(
        c,
        ID,
        "Service level and abandon rate per day",
        &c.audit.daily,
        &Scope::All,
    )
}

/// SL and abandon rate of `days` with the targets of `scope`.
pub(crate) fn sl_abandon(
    c: &Ctx<'_>,
    id: &str,
    title: &str,
    days: &[DailyRow],
    scope: &Scope,
) -> Result<Chart, ReportError> {
    let a = c.audit;
    let sl = c.day_points(days, |d| d.service_level, 100.0);
    let ab = c.day_points(days, |d| d.abandon_rate, 100.0);
    if sl.is_empty() && ab.is_empty() {
        return placeholder(id, title, "answered calls per day");
    }
    let mut series = Vec::new();
    if !sl.is_empty() {
        let name = format!(
            "service level ({} s, {})",
            a.options.threshold_secs,
            a.options.sl_convention.name()
        );
        series.push(Series::new(name, GREEN, sl));
    }
    if !ab.is_empty() {
        series.push(Series::new("abandon rate", RED, ab));
    }
    let targets = [KpiKey::ServiceLevel, KpiKey::AbandonRate]
        .into_iter()
        .filter_map(|k| c.target_line(k, scope, 100.0))
        .collect();
    let title = match a.targets.none_origin(KpiKey::ServiceLevel, scope) {
        Some(why) => format!("{title} — no SL target ({why})"),
        None => title.to_string(),
    };
    c.day_chart(id, &title, "%", series, targets)
}
