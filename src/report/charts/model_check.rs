//! Fidelity: service level per day, actual vs the Erlang C and Erlang A predictions made with
//! the agents that were on duty (the audit's model check).

use crate::audit::{KpiKey, Scope};
use crate::report::ctx::Ctx;
use crate::report::svg::{placeholder, Series, BLUE, GREEN, PURPLE, RED};
use crate::report::{Chart, ReportError};

pub(crate) const ID: &str = "model-check";

pub(crate) fn chart(c: &Ctx<'_>) -> Result<Chart, ReportError> {
    let audit = c.audit;
    let dx = |d| c.dx(d);
    let title = "Model check: service level per day, actual vs Erlang C and Erlang A predictions";
    let mc = &audit.model_check;
    if mc.rows.is_empty() {
        let needs = if mc.needs.is_empty() {
            "intervals with calls and known agents".to_string()
        } else {
            mc.needs.join("; ")
        };
        return placeholder(ID, title, &needs);
    }
    if let Some(f) = c.extras.fidelity.first() {
        return calibrated_chart(c, f);
    }
    use std::collections::BTreeMap;
    // day → (Σ offered, Σ offered·actual, Σ offered·C, Σ offered·A)
    let mut by: BTreeMap<crate::time::NaiveDate, [f64; 4]> = BTreeMap::new();
    for r in &mc.rows {
        let Some(asl) = r.actual_sl else { continue };
        let e = by.entry(r.interval_start.local.date()).or_insert([0.0; 4]);
        e[0] += r.offered;
        e[1] += r.offered * asl;
        e[2] += r.offered * r.erlang_c.map_or(0.0, |m| m.service_level);
        e[3] += r.offered * r.erlang_a.map_or(f64::NAN, |m| m.service_level);
    }
    let pts = |i: usize| -> Vec<(f64, f64)> {
        by.iter()
            .filter(|(_, v)| v[0] > 0.0 && v[i].is_finite())
            .map(|(d, v)| (dx(*d), 100.0 * v[i] / v[0]))
            .collect()
    };
    let mut s = vec![
        Series::new("actual", BLUE, pts(1)),
        Series::new("Erlang C", RED, pts(2)),
    ];
    let a = pts(3);
    if !a.is_empty() {
        s.push(Series::new("Erlang A", GREEN, a));
    }
    if s[0].points.is_empty() {
        return placeholder(
            ID,
            title,
            "answered within X (`answered_le{X}` or `sl_20s`) in --actuals",
        );
    }
    let target = c.target_line(KpiKey::ServiceLevel, &Scope::All, 100.0);
    c.day_chart(ID, title, "SL %", s, target.into_iter().collect())
}

/// With a calibration: each day's SL on its busy intervals, actual against uncalibrated Erlang C
/// and Erlang A and calibrated Erlang A (`crate::audit::fidelity::daily`).
fn calibrated_chart(
    c: &Ctx<'_>,
    f: &crate::audit::fidelity::Fidelity,
) -> Result<Chart, ReportError> {
    let title = "Model check: service level per day on busy intervals, actual vs Erlang C, \
                 Erlang A and calibrated Erlang A";
    let days = crate::audit::fidelity::daily(f);
    let pts = |model: &str, calibrated: bool, actual: bool| -> Vec<(f64, f64)> {
        days.iter()
            .filter(|d| {
                d.pool == crate::model::QueueId::ALL
                    && d.model == model
                    && d.calibrated == calibrated
            })
            .map(|d| {
                let v = if actual {
                    d.observed_sl
                } else {
                    d.predicted_sl
                };
                (c.dx(d.date), 100.0 * v)
            })
            .collect()
    };
    let actual = pts("erlang-a", false, true);
    if actual.is_empty() {
        return placeholder(
            ID,
            title,
            "busy intervals (≥ the busy threshold) with agents",
        );
    }
    let mut s = vec![
        Series::new("actual", BLUE, actual),
        Series::new("Erlang C", RED, pts("erlang-c", false, false)),
        Series::new("Erlang A", GREEN, pts("erlang-a", false, false)),
    ];
    let cal = pts("erlang-a", true, false);
    if !cal.is_empty() {
        s.push(Series::new("Erlang A, calibrated", PURPLE, cal));
    }
    let target = c.target_line(KpiKey::ServiceLevel, &Scope::All, 100.0);
    c.day_chart(ID, title, "SL %", s, target.into_iter().collect())
}
