//! Required, scheduled and actual agent-hours per day (the month at a readable grain; the
//! interval detail is the week-coverage view).

use std::collections::BTreeMap;

use crate::report::ctx::Ctx;
use crate::report::svg::{placeholder, Series, BLUE, GREEN, ORANGE};
use crate::report::{Chart, ReportError};
use crate::time::NaiveDate;

pub(crate) const ID: &str = "staffing";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let a = c.audit;
    let title = "Agent-hours per day: required vs scheduled vs actual on duty";
    if a.staffing.is_empty() {
        return placeholder(ID, title, "--planned and/or --agent-states");
    }
    let h = f64::from(a.interval_secs) / 3600.0;
    // day → Σ agents × interval hours, per series
    let mut by: [BTreeMap<NaiveDate, f64>; 3] = Default::default();
    for r in &a.staffing {
        let d = r.interval_start.local.date();
        for (i, v) in [r.required, r.scheduled, r.actual].into_iter().enumerate() {
            if let Some(v) = v {
                *by[i].entry(d).or_insert(0.0) += v * h;
            }
        }
    }
    let pts = |m: &BTreeMap<NaiveDate, f64>| -> Vec<(f64, f64)> {
        m.iter().map(|(d, v)| (c.dx(*d), *v)).collect()
    };
    let names = ["required", "scheduled", "actual on duty"];
    let colors = [ORANGE, GREEN, BLUE];
    let mut series = Vec::new();
    let mut missing = Vec::new();
    for i in 0..3 {
        if by[i].is_empty() {
            missing.push(names[i]);
        } else {
            series.push(Series::new(names[i], colors[i], pts(&by[i])));
        }
    }
    let mut out = c.day_chart(ID, title, "agent-hours", series, Vec::new())?;
    if !missing.is_empty() {
        out.title = format!("{title} (not in the inputs: {})", missing.join(", "));
    }
    Ok(out)
}
