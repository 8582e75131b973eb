//! The planner's report: one self-contained HTML file (inline CSS, every chart an inline
//! `<svg>` drawn by plotters, no script, no network access), so it opens the same on a laptop,
//! in a mail client, with JavaScript disabled or in headless Chromium
//! (`scripts/report_screenshot.sh`).
//!
//! Views (each carries a stable `id` and a `data-view` attribute naming it, so that tests and
//! scripts can find them): `cards` (headline KPIs with target status, previous month, change
//! arrow and 4-month mean), `trend` (13-month trends), the daily and intraday charts,
//! `sl-heatmap` and `asa-heatmap` (weekday × interval, the target as colour midpoint),
//! `day-forecast` (forecast vs actual by interval for the worst and best day, or `--day`),
//! `week-coverage` and `shift-gantt` (from a `wfm schedule` output, [`Extras::schedule`]),
//! `scenarios` (from a `wfm scenario` output), `capacity` (a `wfm capacity` hiring plan:
//! required vs productive and effective FTE, hires and classes), `fidelity` (the model check),
//! `scorecard`, `kpi-table` (the queue × KPI pivot and the centre's KPI table), one
//! `queue-<name>` section per queue and one `pool-<name>` section per agent pool (`--pools`). A chart whose inputs are missing is still drawn, as a panel saying what it needs.
//! Text in charts is SVG `<text>` (the browser picks the font; CJK labels need a CJK font).

use std::path::{Path, PathBuf};

use crate::audit::Audit;
use crate::time::NaiveDate;

mod charts;
mod ctx;
mod html;
pub mod inputs;
mod page;
mod svg;

pub use inputs::{CapacityRows, CoverageRow, InputError, PlanRow, ScenarioRows, ScheduleOutput};

/// Errors of the `report` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A table could not be read or written.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// One of the report's own inputs (`--schedule`, `--scenarios`) is invalid.
    #[error(transparent)]
    Input(#[from] InputError),
    /// plotters failed to draw a chart.
    #[error("chart `{chart}`: {message}")]
    Draw {
        /// The chart's id.
        chart: String,
        /// The drawing error.
        message: String,
    },
}

/// One chart of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Stable id (`forecast-daily`, `queue-PS-daily`, …), used as the HTML element id.
    pub id: String,
    /// Title shown above the chart.
    pub title: String,
    /// The `<svg>` document.
    pub svg: String,
    /// What the chart needs, when it could not be drawn from data.
    pub needs: Option<String>,
}

/// What the report shows besides the audit.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// A `wfm schedule --out DIR` directory: week coverage and shift Gantt.
    pub schedule: Option<ScheduleOutput>,
    /// A `wfm scenario` output: the scenario page.
    pub scenarios: Option<ScenarioRows>,
    /// The day of the day view (default: the worst and the best day of the month).
    pub day: Option<NaiveDate>,
    /// A `wfm capacity` plan: the capacity view.
    pub capacity: Option<CapacityRows>,
    /// The fidelity report of the audit with a calibration (`wfm audit --calibration`), pool
    /// `ALL` first, then the calibration's team pools checked apart (empty without one): the
    /// fidelity view adds the calibrated models, the noise floors and the verdicts.
    pub fidelity: Vec<crate::audit::fidelity::Fidelity>,
}

/// The ids of the charts drawn for every report, in report order (queue and trend charts
/// follow the audit's queues and headline KPIs; the day view adds `day-forecast-worst` and
/// `day-forecast-best`, or `day-forecast-chosen`).
pub const CHART_IDS: [&str; 15] = [
    "forecast-daily",
    "forecast-intraday",
    "accuracy-heatmap",
    "service-daily",
    "asa-daily",
    "sl-heatmap",
    "asa-heatmap",
    "staffing",
    "occupancy",
    "week-coverage",
    "shift-gantt",
    "scenarios-fte",
    "capacity-plan",
    "model-check",
    "scorecard",
];

/// The `data-view` names every report has (plus `queue-<name>` per queue).
pub const VIEWS: [&str; 11] = [
    "cards",
    "kpi-table",
    "sl-heatmap",
    "asa-heatmap",
    "day-forecast",
    "week-coverage",
    "shift-gantt",
    "scenarios",
    "capacity",
    "fidelity",
    "trend",
];

/// Draws every chart of the report: [`CHART_IDS`], then the day view, the trends and one chart
/// per queue.
///
/// # Errors
/// [`ReportError::Draw`] when plotters fails.
pub fn charts(audit: &Audit, extras: &Extras) -> Result<Vec<Chart>, ReportError> {
    page::charts(&ctx::Ctx::new(audit, extras))
}

/// Renders the whole report as one self-contained HTML document.
///
/// # Errors
/// [`ReportError::Draw`] when a chart cannot be drawn.
pub fn render_html(audit: &Audit, extras: &Extras) -> Result<String, ReportError> {
    page::render(&ctx::Ctx::new(audit, extras))
}

/// Writes `index.html` into `dir` (created if needed, atomic write; refuses to overwrite any of
/// `inputs`) and returns its path.
///
/// # Errors
/// [`ReportError::Draw`], or I/O errors.
pub fn write_html(
    audit: &Audit,
    extras: &Extras,
    dir: &Path,
    inputs: &[PathBuf],
) -> Result<PathBuf, ReportError> {
    let html = render_html(audit, extras)?;
    let path = dir.join("index.html");
    crate::table::write_atomic(&path, html.as_bytes(), inputs)?;
    Ok(path)
}
