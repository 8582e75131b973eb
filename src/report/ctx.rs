//! What every chart reads: the audit, the report's extra inputs and the period's day axis.

use super::svg::{lines, LineChart, Series, TargetLine, H};
use super::{Chart, Extras, ReportError};
use crate::audit::{Audit, DailyRow, KpiKey, Scope};
use crate::time::NaiveDate;

/// The audit, the extras and the day axis of the period.
pub(crate) struct Ctx<'a> {
    pub(crate) audit: &'a Audit,
    pub(crate) extras: &'a Extras,
    /// The first day of the axis (the period's first day, or earlier data).
    pub(crate) first: NaiveDate,
    /// Days on the axis.
    pub(crate) ndays: usize,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(audit: &'a Audit, extras: &'a Extras) -> Self {
        let p0 = audit.options.period.first_day();
        let first = audit.daily.first().map_or(p0, |d| d.date).min(p0);
        let ndays = audit
            .daily
            .last()
            .map_or(1, |d| (d.date - first).num_days() as usize + 1);
        Ctx {
            audit,
            extras,
            first,
            ndays,
        }
    }
    /// The x of a date on the day axis.
    pub(crate) fn dx(&self, d: NaiveDate) -> f64 {
        (d - self.first).num_days() as f64
    }
    /// The x range of the day axis.
    pub(crate) fn day_range(&self) -> (f64, f64) {
        (-0.5, self.ndays as f64 - 0.5)
    }
    /// `07 Feb` for an x of the day axis.
    pub(crate) fn date_label(&self) -> impl Fn(&f64) -> String {
        let first = self.first;
        move |x: &f64| {
            // Ticks between days (a short axis) carry no label: no repeated dates.
            if (x - x.round()).abs() > 1e-6 {
                return String::new();
            }
            let d = first + chrono::Days::new(x.max(0.0).round() as u64);
            d.format("%d %b").to_string()
        }
    }
    /// `(x, value × factor)` of each day of `days` that has a value.
    pub(crate) fn day_points(
        &self,
        days: &[DailyRow],
        value: impl Fn(&DailyRow) -> Option<f64>,
        factor: f64,
    ) -> Vec<(f64, f64)> {
        days.iter()
            .filter_map(|d| value(d).map(|v| (self.dx(d.date), v * factor)))
            .collect()
    }
    /// A line chart over the period's days (y from zero, a missing day breaks the line).
    pub(crate) fn day_chart(
        &self,
        id: &str,
        title: &str,
        y_desc: &str,
        series: Vec<Series>,
        targets: Vec<TargetLine>,
    ) -> Result<Chart, ReportError> {
        let label = self.date_label();
        lines(LineChart {
            id: id.to_string(),
            title: title.to_string(),
            x_desc: "day",
            y_desc,
            x_range: self.day_range(),
            x_labels: 10,
            xlabel: &label,
            y_min_zero: true,
            max_gap: 1.5,
            series,
            targets,
            height: H,
        })
    }
    /// The target of `key` for `scope` as a line in display units (× `factor`).
    pub(crate) fn target_line(
        &self,
        key: KpiKey,
        scope: &Scope,
        factor: f64,
    ) -> Option<TargetLine> {
        let t = self.audit.targets.get(key, scope)?;
        let def = key.def();
        Some(TargetLine {
            label: format!(
                "target {} {:.*}{}",
                def.key,
                if factor == 100.0 { 0 } else { 1 },
                t.value * factor,
                if factor == 100.0 { " %" } else { "" }
            ),
            y: t.value * factor,
            color: super::svg::DARK,
        })
    }
}
