//! KPI family "forecast": volume and AHT forecast accuracy, WAPE, MAPE, bias and interval
//! accuracy per scope, and the handbook's four-month mean of the monthly accuracy.

use std::collections::BTreeSet;

use super::accuracy::{accuracy_rows, AccuracyRow};
use super::formulas::ErrorMeasures;
use super::input::{ActualInterval, Forecast};
use super::key::{Grouping, Measure};
use super::kpi::KpiKey as K;
use super::month::Computed;
use super::sums::needs_column;
use super::{AuditInputs, Period, Scope};

type MeasureOf = fn(&ErrorMeasures) -> Option<f64>;

const KEYS: [(Measure, K, MeasureOf); 10] = [
    (Measure::Volume, K::ForecastAccuracy, |m| m.ratio),
    (Measure::Volume, K::ForecastWape, |m| m.wape),
    (Measure::Volume, K::ForecastMape, |m| m.mape),
    (Measure::Volume, K::ForecastBias, |m| m.bias),
    (Measure::Volume, K::ForecastIntervalAccuracy, |m| m.accuracy),
    (Measure::Aht, K::AhtForecastAccuracy, |m| m.ratio),
    (Measure::Aht, K::AhtForecastWape, |m| m.wape),
    (Measure::Aht, K::AhtForecastMape, |m| m.mape),
    (Measure::Aht, K::AhtForecastBias, |m| m.bias),
    (Measure::Aht, K::AhtForecastIntervalAccuracy, |m| m.accuracy),
];

/// What a forecast KPI needs without `--forecast`.
pub(crate) const NEEDS_FORECAST: &str = "--forecast (a forecast snapshot of the period)";

/// "forecast MODEL (origin …)" for a scope.
pub(crate) fn source(fc: Option<&Forecast>, scope: &Scope) -> String {
    let Some(fc) = fc else {
        return "-".to_string();
    };
    let models = fc.models();
    let origin = fc
        .meta
        .get("origin")
        .map(|o| format!(" (origin {o})"))
        .unwrap_or_default();
    match scope.queue().and_then(|q| models.get(q)) {
        Some(m) => format!("forecast {m}{origin}"),
        None => {
            let all: BTreeSet<&str> = models.values().map(String::as_str).collect();
            let all: Vec<&str> = all.into_iter().collect();
            format!("forecast {}{origin}", all.join(" + "))
        }
    }
}

/// The forecast KPIs of every scope.
pub(crate) fn kpis(
    inputs: &AuditInputs,
    accuracy: &[AccuracyRow],
    accuracy_needs: Option<&str>,
    scopes: &[Scope],
    period: Period,
) -> Vec<Computed> {
    let act = &inputs.actuals;
    let mut out = Vec::new();
    for scope in scopes {
        let src = source(inputs.forecast.as_ref(), scope);
        for (measure, key, get) in &KEYS {
            let row = accuracy.iter().find(|r| {
                r.measure == *measure
                    && match scope {
                        Scope::All => r.grouping == Grouping::Total,
                        Scope::Queue(q) => r.grouping == Grouping::Queue && &r.key == q,
                        Scope::Pool { label, .. } => {
                            r.grouping == Grouping::Pool && &r.key == label
                        }
                    }
            });
            let value = match (accuracy_needs, row) {
                (Some(n), _) => Err(n.to_string()),
                (None, None)
                    if *measure == Measure::Aht
                        && !inputs.forecast.as_ref().is_some_and(|f| f.has_aht) =>
                {
                    Err("column `aht_forecast` in --forecast".to_string())
                }
                (None, None) => Err(format!("forecast rows matching the actuals of {scope}")),
                (None, Some(r)) => get(&r.m).ok_or_else(|| {
                    if *measure == Measure::Aht && !act.has("aht") {
                        needs_column("aht", act.threshold_secs)
                    } else {
                        "non-zero actuals".to_string()
                    }
                }),
            };
            out.push(Computed {
                key: *key,
                scope: scope.clone(),
                value,
                source: src.clone(),
            });
        }
    }
    out.push(four_month(inputs, period));
    out
}

/// The handbook's figure: the monthly accuracy averaged over the last four months, from the
/// months of the period and the 3 before it that both the forecast and the actuals cover.
fn four_month(inputs: &AuditInputs, period: Period) -> Computed {
    let Some(fc) = &inputs.forecast else {
        return Computed {
            key: K::ForecastAccuracy4m,
            scope: Scope::All,
            value: Err(NEEDS_FORECAST.to_string()),
            source: "-".to_string(),
        };
    };
    let mut months: Vec<(Period, f64)> = Vec::new();
    for m in period.last_n(4) {
        let rows_m: Vec<&ActualInterval> = inputs
            .actuals
            .rows
            .iter()
            .filter(|r| m.contains(r.interval_start.local))
            .collect();
        if rows_m.is_empty() {
            continue;
        }
        let r = accuracy_rows(&rows_m, fc, m, &[]);
        if let Some(ratio) = r
            .rows
            .iter()
            .find(|x| x.measure == Measure::Volume && x.grouping == Grouping::Total)
            .and_then(|x| x.m.ratio)
        {
            months.push((m, ratio));
        }
    }
    let value = if months.is_empty() {
        Err("forecast rows matching the actuals".to_string())
    } else {
        Ok(months.iter().map(|x| x.1).sum::<f64>() / months.len() as f64)
    };
    let list: Vec<String> = months.iter().map(|x| x.0.to_string()).collect();
    Computed {
        key: K::ForecastAccuracy4m,
        scope: Scope::All,
        value,
        source: format!(
            "{}; {} month(s): {}",
            source(Some(fc), &Scope::All),
            months.len(),
            list.join(", ")
        ),
    }
}
