//! Staffing policy options (the CLI's `wfm staff` / `wfm scenario` flags, `-` → `_`) → config.

use std::path::Path;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use wfm::staffing::config::{ModelKind, Settings, StaffConfig};
use wfm::units::{Fraction, IntervalLength, Secs};

/// The keys [`config`] accepts (anything else is a `TypeError` in the Python layer).
pub(crate) const KEYS: &[&str] = &[
    "config",
    "model",
    "sl_target",
    "sl_seconds",
    "asa_seconds",
    "max_abandon",
    "patience_seconds",
    "max_occupancy",
    "shrinkage",
    "concurrency",
    "interval",
    "hours_per_fte_day",
    "hours_per_fte_week",
];

fn get<'py, T: FromPyObject<'py>>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<T>> {
    match d.get_item(key)? {
        Some(v) if !v.is_none() => v
            .extract()
            .map(Some)
            .map_err(|e| PyValueError::new_err(format!("{key}: {e}"))),
        _ => Ok(None),
    }
}

fn fraction(d: &Bound<'_, PyDict>, key: &str) -> PyResult<Option<Fraction>> {
    get::<f64>(d, key)?
        .map(|x| Fraction::new(x).map_err(|e| PyValueError::new_err(format!("{key}: {e}"))))
        .transpose()
}

fn secs(d: &Bound<'_, PyDict>, key: &str) -> PyResult<Option<Secs>> {
    get::<f64>(d, key)?
        .map(|x| Secs::new(x).map_err(|e| PyValueError::new_err(format!("{key}: {e}"))))
        .transpose()
}

/// The config file (if any) with the options layered on top, as `PolicyArgs::config` in the CLI.
pub(crate) fn config(d: &Bound<'_, PyDict>) -> PyResult<StaffConfig> {
    for k in d.keys() {
        let k: String = k.extract()?;
        if !KEYS.contains(&k.as_str()) {
            return Err(PyValueError::new_err(format!(
                "unknown staffing option `{k}`"
            )));
        }
    }
    let mut cfg = match get::<String>(d, "config")? {
        Some(p) => StaffConfig::from_toml(Path::new(&p)).map_err(crate::error::to_py)?,
        None => StaffConfig::new(),
    };
    let concurrency = get::<f64>(d, "concurrency")?;
    if let Some(c) = concurrency {
        if !(c.is_finite() && c >= 1.0) {
            return Err(PyValueError::new_err(format!(
                "concurrency: expected a value ≥ 1, got {c}"
            )));
        }
    }
    let model = match get::<String>(d, "model")?.as_deref() {
        None => None,
        Some("erlang-c" | "erlang_c") => Some(ModelKind::ErlangC),
        Some("erlang-a" | "erlang_a") => Some(ModelKind::ErlangA),
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "model: expected `erlang-c` or `erlang-a`, got `{other}`"
            )))
        }
    };
    cfg = cfg.with_overrides(Settings {
        model,
        kind: None,
        sl_target: fraction(d, "sl_target")?,
        sl_seconds: secs(d, "sl_seconds")?,
        asa_seconds: secs(d, "asa_seconds")?,
        max_abandon: fraction(d, "max_abandon")?,
        patience_seconds: secs(d, "patience_seconds")?,
        max_occupancy: fraction(d, "max_occupancy")?,
        shrinkage: fraction(d, "shrinkage")?,
        unplanned_shrinkage: None,
        concurrency,
        sla: None,
    });
    let day = get::<f64>(d, "hours_per_fte_day")?;
    let week = get::<f64>(d, "hours_per_fte_week")?;
    if day.is_some() || week.is_some() {
        let day = day.unwrap_or(cfg.hours_per_fte_day());
        let week = week.unwrap_or(cfg.hours_per_fte_week());
        cfg = cfg
            .with_hours_per_fte(day, week)
            .map_err(crate::error::to_py)?;
    }
    if let Some(i) = get::<String>(d, "interval")? {
        let i: IntervalLength = i
            .parse()
            .map_err(|e| PyValueError::new_err(format!("interval: {e}")))?;
        cfg = cfg.with_interval(i);
    }
    Ok(cfg)
}
