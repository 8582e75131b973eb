//! `wfm._wfm`: the native half of the `wfm` Python package (PyO3, abi3).
//!
//! Every function takes the input table as columns (see [`frame`]), the CLI's options with `-`
//! replaced by `_`, and `threads` (`None` = all cores); it returns the CLI's output table as
//! columns. The Python layer (`wfm/__init__.py`) converts pandas / polars / Arrow to columns
//! and back. The GIL is released while the engine computes.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use wfm::forecast::{
    backtest as run_backtest, forecast as run_forecast, BacktestOptions, Calendar, DayStart,
    ForecastOptions, History, InnerBacktest, ModelChoice, ModelSpec,
};
use wfm::io::staffing::ReadOptions;
use wfm::staffing::plan::{self, Precision, StaffInput};
use wfm::staffing::scenario as scen;
use wfm::time::{parse_timestamp, NaiveDateTime};
use wfm::units::parse_duration_secs;

mod error;
mod frame;
mod policy;

use error::to_py;
use frame::{from_table, to_input, ColumnIn};

/// Runs `f` on a pool of `threads` workers (`None`: the global pool, all cores), GIL released.
fn compute<T: Send>(
    py: Python<'_>,
    threads: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    match threads {
        None => Ok(py.allow_threads(f)),
        Some(0) => Err(PyValueError::new_err("threads: expected at least 1")),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| PyValueError::new_err(format!("threads: {e}")))?;
            Ok(py.allow_threads(|| pool.install(f)))
        }
    }
}

/// The history columns through the CLI's reader (`wfm::io::history`), as `History::read`.
fn read_history(columns: &[ColumnIn<'_>]) -> PyResult<History> {
    let table =
        wfm::io::history::history_from_csv(&to_input("<history>", columns)?).map_err(to_py)?;
    History::from_panel(table.panel).map_err(to_py)
}

fn timestamp(flag: &str, text: &str) -> PyResult<NaiveDateTime> {
    parse_timestamp(text).ok_or_else(|| {
        PyValueError::new_err(format!("{flag} `{text}`: expected YYYY-MM-DDTHH:MM:SS"))
    })
}

fn duration(flag: &str, text: &str) -> PyResult<i64> {
    parse_duration_secs(text).map_err(|e| PyValueError::new_err(format!("{flag}: {e}")))
}

fn calendar(columns: Option<Vec<ColumnIn<'_>>>) -> PyResult<Option<Calendar>> {
    columns
        .map(|c| Calendar::from_csv(&to_input("<calendar>", &c)?).map_err(to_py))
        .transpose()
}

fn inner(origins: u16) -> PyResult<InnerBacktest> {
    if !(1..=12).contains(&origins) {
        return Err(PyValueError::new_err(format!(
            "inner_origins: expected 1..=12, got {origins}"
        )));
    }
    Ok(InnerBacktest {
        origins: usize::from(origins),
        ..InnerBacktest::default()
    })
}

/// `wfm forecast`: the forecast table of every queue (columns as the CLI).
#[pyfunction]
#[pyo3(signature = (history, *, calendar=None, model="auto", start=None, horizon="14d",
    inner_origins=8, threads=None, day_start="midnight-unless-busy"))]
#[allow(clippy::too_many_arguments)]
fn forecast<'py>(
    py: Python<'py>,
    history: Vec<ColumnIn<'py>>,
    calendar: Option<Vec<ColumnIn<'py>>>,
    model: &str,
    start: Option<&str>,
    horizon: &str,
    inner_origins: u16,
    threads: Option<usize>,
    day_start: &str,
) -> PyResult<Bound<'py, PyList>> {
    let h = read_history(&history)?;
    let cal = self::calendar(calendar)?;
    let options = ForecastOptions {
        model: ModelChoice::parse(model).map_err(to_py)?,
        start: start.map(|s| timestamp("start", s)).transpose()?,
        horizon_secs: duration("horizon", horizon)?,
        inner: inner(inner_origins)?,
        day_start: DayStart::parse(day_start).map_err(to_py)?,
    };
    let out = compute(py, threads, || run_forecast(&h, cal.as_ref(), &options))?.map_err(to_py)?;
    from_table(py, &out.to_table())
}

/// `wfm backtest`: `(summary, rows)` tables.
#[pyfunction]
#[pyo3(signature = (history, *, origins, calendar=None, model=vec!["auto".to_string()],
    horizon="7d", inner_origins=8, threads=None, day_start="midnight-unless-busy"))]
#[allow(clippy::too_many_arguments)]
fn backtest<'py>(
    py: Python<'py>,
    history: Vec<ColumnIn<'py>>,
    origins: Vec<String>,
    calendar: Option<Vec<ColumnIn<'py>>>,
    model: Vec<String>,
    horizon: &str,
    inner_origins: u16,
    threads: Option<usize>,
    day_start: &str,
) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>)> {
    let h = read_history(&history)?;
    let cal = self::calendar(calendar)?;
    let mut models = Vec::new();
    for m in &model {
        if m.trim().eq_ignore_ascii_case("all") {
            models.extend(
                ModelSpec::auto_candidates()
                    .into_iter()
                    .map(ModelChoice::Named),
            );
            models.push(ModelChoice::Auto);
        } else {
            models.push(ModelChoice::parse(m).map_err(to_py)?);
        }
    }
    let options = BacktestOptions {
        origins: origins
            .iter()
            .map(|o| timestamp("origins", o))
            .collect::<PyResult<_>>()?,
        horizon_secs: duration("horizon", horizon)?,
        models,
        inner: inner(inner_origins)?,
        day_start: DayStart::parse(day_start).map_err(to_py)?,
    };
    let report = compute(py, threads, || {
        run_backtest(&h, cal.as_ref(), &options, &mut |_, _| {})
    })?
    .map_err(to_py)?;
    Ok((
        from_table(py, &report.summary_table())?,
        from_table(py, &report.rows_table())?,
    ))
}

/// `wfm staff` (or `--evaluate`): the plan table and the totals table.
#[pyfunction]
#[pyo3(signature = (input, *, policy, evaluate=false, agents_column="agents", threads=None))]
fn staff<'py>(
    py: Python<'py>,
    input: Vec<ColumnIn<'py>>,
    policy: Bound<'py, PyDict>,
    evaluate: bool,
    agents_column: &str,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>)> {
    let cfg = policy::config(&policy)?;
    let options = ReadOptions {
        agents_column: agents_column.to_string(),
    };
    let csv = to_input("<input>", &input)?;
    let input = StaffInput::from_csv_with(&csv, &options).map_err(to_py)?;
    let plan = compute(py, threads, || {
        if evaluate {
            plan::evaluate(&input, &cfg)
        } else {
            plan::staff(&input, &cfg)
        }
    })?
    .map_err(to_py)?;
    Ok((
        from_table(py, &plan.to_table(Precision::Full))?,
        from_table(py, &plan.totals_table(Precision::Full))?,
    ))
}

/// `wfm scenario`: what-if variants (a scenarios TOML file) against the baseline plan.
#[pyfunction]
#[pyo3(signature = (input, *, scenarios, policy, threads=None))]
fn scenario<'py>(
    py: Python<'py>,
    input: Vec<ColumnIn<'py>>,
    scenarios: &str,
    policy: Bound<'py, PyDict>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    let cfg = policy::config(&policy)?;
    let csv = to_input("<input>", &input)?;
    let input = StaffInput::from_csv(&csv).map_err(to_py)?;
    let variants =
        wfm::io::staffing::read_scenarios(std::path::Path::new(scenarios)).map_err(to_py)?;
    let report = compute(py, threads, || scen::run(&input, &cfg, &variants))?.map_err(to_py)?;
    from_table(py, &report.to_table(Precision::Full))
}

/// The native module.
#[pymodule]
fn _wfm(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("WfmError", m.py().get_type::<error::WfmError>())?;
    m.add("POLICY_KEYS", policy::KEYS.to_vec())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    m.add_function(wrap_pyfunction!(backtest, m)?)?;
    m.add_function(wrap_pyfunction!(staff, m)?)?;
    m.add_function(wrap_pyfunction!(scenario, m)?)?;
    Ok(())
}
