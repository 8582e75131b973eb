//! The report's own inputs besides the audit: a `wfm schedule` output directory (`coverage.csv`,
//! `plan.csv`), a `wfm scenario` output (CSV) and a `wfm capacity` plan (CSV). Read here, in the
//! renderer, as text.

use std::path::{Path, PathBuf};

use crate::table::{CsvInput, TableError};
use crate::time::NaiveDateTime;

/// Errors reading the report's inputs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] TableError),
    /// A required column is missing.
    #[error("{}:1: missing column `{column}` (a `{what}` output has it)", path.display())]
    Column {
        /// The file.
        path: PathBuf,
        /// The column.
        column: &'static str,
        /// Which wfm command writes the file.
        what: &'static str,
    },
    /// A cell is not what the column holds.
    #[error("{}:{line}: column `{column}`: {message}", path.display())]
    Cell {
        /// The file.
        path: PathBuf,
        /// 1-based line (header = 1).
        line: usize,
        /// The column.
        column: String,
        /// What is wrong.
        message: String,
    },
}

/// One interval of a schedule's coverage.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    /// Left edge.
    pub interval_start: NaiveDateTime,
    /// Required agents.
    pub required: f64,
    /// Scheduled agents.
    pub scheduled: f64,
}

/// One group of identical shifts of a schedule's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    /// The day label (date or weekday).
    pub day: String,
    /// Start, minutes after midnight.
    pub start_min: u32,
    /// End, minutes after the start day's midnight (past 1440 for overnight shifts).
    pub end_min: u32,
    /// Shift template.
    pub template: String,
    /// Agents on this shift.
    pub count: u32,
    /// Breaks as written (`lunch 12:00-12:30; …`).
    pub breaks: String,
}

/// A `wfm schedule --out DIR` directory.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleOutput {
    /// The directory.
    pub dir: PathBuf,
    /// `coverage.csv`.
    pub coverage: Vec<CoverageRow>,
    /// `plan.csv`.
    pub plan: Vec<PlanRow>,
}

/// A `wfm scenario` output.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRows {
    /// The file.
    pub path: PathBuf,
    /// Column names, in file order.
    pub columns: Vec<String>,
    /// Rows as text, baseline first.
    pub rows: Vec<Vec<String>>,
}

impl ScenarioRows {
    /// The number in `column` of row `i` (None when empty or not a number).
    pub fn number(&self, i: usize, column: &str) -> Option<f64> {
        let c = self.columns.iter().position(|x| x == column)?;
        self.rows.get(i)?.get(c)?.trim().parse().ok()
    }
}

fn col(
    t: &CsvInput,
    path: &Path,
    name: &'static str,
    what: &'static str,
) -> Result<usize, InputError> {
    t.column(name).ok_or(InputError::Column {
        path: path.to_path_buf(),
        column: name,
        what,
    })
}

fn cell_err(path: &Path, line: usize, column: &str, message: String) -> InputError {
    InputError::Cell {
        path: path.to_path_buf(),
        line,
        column: column.to_string(),
        message,
    }
}

fn number(path: &Path, line: usize, column: &str, text: &str) -> Result<f64, InputError> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| {
            cell_err(
                path,
                line,
                column,
                format!("expected a number ≥ 0, got `{text}`"),
            )
        })
}

fn minutes(path: &Path, line: usize, column: &str, text: &str) -> Result<u32, InputError> {
    let bad = || cell_err(path, line, column, format!("expected HH:MM, got `{text}`"));
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

impl ScheduleOutput {
    /// Reads `coverage.csv` and `plan.csv` of a `wfm schedule --out DIR` directory.
    ///
    /// # Errors
    /// [`InputError`] naming file, line and column.
    pub fn read(dir: &Path) -> Result<ScheduleOutput, InputError> {
        let cov_path = dir.join("coverage.csv");
        let t = CsvInput::read(&cov_path)?;
        let what = "wfm schedule coverage.csv";
        let (ci, cr, cs) = (
            col(&t, &cov_path, crate::io::schema::INTERVAL_START, what)?,
            col(&t, &cov_path, "required", what)?,
            col(&t, &cov_path, "scheduled", what)?,
        );
        let mut coverage = Vec::new();
        for i in 0..t.len() {
            let line = t.line(i) as usize;
            let ts_text = t.text(i, ci);
            let interval_start = crate::time::parse_timestamp(ts_text).ok_or_else(|| {
                cell_err(
                    &cov_path,
                    line,
                    "interval_start",
                    format!("expected YYYY-MM-DDTHH:MM:SS, got `{ts_text}`"),
                )
            })?;
            coverage.push(CoverageRow {
                interval_start,
                required: number(&cov_path, line, "required", t.text(i, cr))?,
                scheduled: number(&cov_path, line, "scheduled", t.text(i, cs))?,
            });
        }
        let plan_path = dir.join("plan.csv");
        let t = CsvInput::read(&plan_path)?;
        let what = "wfm schedule plan.csv";
        let idx = [
            col(&t, &plan_path, "day", what)?,
            col(&t, &plan_path, "start", what)?,
            col(&t, &plan_path, "end", what)?,
            col(&t, &plan_path, "template", what)?,
            col(&t, &plan_path, "count", what)?,
        ];
        let bi = t.column("breaks");
        let mut plan = Vec::new();
        for i in 0..t.len() {
            let line = t.line(i) as usize;
            let get = |k: usize| t.text(i, idx[k]).to_string();
            let start_min = minutes(&plan_path, line, "start", &get(1))?;
            let mut end_min = minutes(&plan_path, line, "end", &get(2))?;
            if end_min <= start_min {
                end_min += 24 * 60;
            }
            plan.push(PlanRow {
                day: get(0),
                start_min,
                end_min,
                template: get(3),
                count: number(&plan_path, line, "count", &get(4))? as u32,
                breaks: bi.map_or("", |b| t.text(i, b)).to_string(),
            });
        }
        Ok(ScheduleOutput {
            dir: dir.to_path_buf(),
            coverage,
            plan,
        })
    }
}

impl ScenarioRows {
    /// Reads a `wfm scenario` output (needs `scenario`, `fte`, `service_level`).
    ///
    /// # Errors
    /// [`InputError`] naming file, line and column.
    pub fn read(path: &Path) -> Result<ScenarioRows, InputError> {
        let t = CsvInput::read(path)?;
        for c in ["scenario", "fte", "service_level"] {
            col(&t, path, c, "wfm scenario")?;
        }
        let columns: Vec<String> = t.headers().iter().map(|s| s.to_string()).collect();
        let rows = (0..t.len())
            .map(|i| {
                (0..columns.len())
                    .map(|c| t.text(i, c).to_string())
                    .collect()
            })
            .collect();
        Ok(ScenarioRows {
            path: path.to_path_buf(),
            columns,
            rows,
        })
    }
}

/// A `wfm capacity --format csv --out FILE` hiring plan: one row per week.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityRows {
    /// The file.
    pub path: PathBuf,
    /// The weeks, in file order.
    pub weeks: Vec<crate::capacity::WeekRow>,
}

impl CapacityRows {
    /// Reads a `wfm capacity` output (`week_start, required_fte, productive, in_training,
    /// joiners, leavers, effective_fte, overtime, under, hires_started, cost`).
    ///
    /// # Errors
    /// [`InputError`] naming file, line and column.
    pub fn read(path: &Path) -> Result<CapacityRows, InputError> {
        let t = CsvInput::read(path)?;
        const COLUMNS: [&str; 11] = [
            "week_start",
            "required_fte",
            "productive",
            "in_training",
            "joiners",
            "leavers",
            "effective_fte",
            "overtime",
            "under",
            "hires_started",
            "cost",
        ];
        let mut idx = [0usize; 11];
        for (k, c) in COLUMNS.iter().enumerate() {
            idx[k] = col(&t, path, c, "wfm capacity")?;
        }
        let mut weeks = Vec::with_capacity(t.len());
        for i in 0..t.len() {
            let line = t.line(i) as usize;
            let text = t.text(i, idx[0]);
            let week_start =
                chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                    cell_err(
                        path,
                        line,
                        "week_start",
                        format!("expected YYYY-MM-DD, got `{text}`"),
                    )
                })?;
            let v = |k: usize| number(path, line, COLUMNS[k], t.text(i, idx[k]));
            let hires = v(9)?;
            weeks.push(crate::capacity::WeekRow {
                week_start,
                required_fte: v(1)?,
                productive: v(2)?,
                in_training: v(3)?,
                joiners: v(4)?,
                leavers: v(5)?,
                effective_fte: v(6)?,
                overtime: v(7)?,
                under: v(8)?,
                hires_started: hires.round() as u32,
                class_open: hires > 0.0,
                cost: v(10)?,
            });
        }
        Ok(CapacityRows {
            path: path.to_path_buf(),
            weeks,
        })
    }
}
