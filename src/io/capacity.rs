//! Capacity plan files (`wfm capacity --plan plan.toml`, issue #15): the TOML plan, its weekly
//! CSV inputs (`week_start,required_fte`, `week_start,attrition`, `week_start,shrinkage`) and
//! the weekly output table.
//!
//! Every key error names the file, the line of the key and the key; every CSV error names the
//! file, line and column. Paths inside a plan are relative to the plan file's folder. Keys the
//! reader does not know are allowed (other tools may add their own) and listed in
//! [`PlanFile::ignored_keys`] so that the CLI can warn about typos.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::capacity::{
    Attrition, Budget, CapacityError, CapacityInput, CapacityPlan, CapacitySpec, Costs, Hiring,
    PlanScenario, PlanStatus, Training, Weekly,
};
use crate::io::schema;
use crate::io::table::{Cell, CsvInput, Table, TableError};
use crate::io::Location;
use crate::model::{Grain, TimeGrid};
use crate::time::parse_timestamp;

/// Errors reading a plan file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanFileError {
    /// The TOML or a CSV it names could not be read or parsed.
    #[error(transparent)]
    Table(#[from] TableError),
    /// A key is missing, of the wrong type, or outside its domain.
    #[error("{at}: {reason}")]
    Key {
        /// File, line and key.
        at: Location,
        /// What is wrong.
        reason: String,
    },
}

/// A plan read from a file.
#[derive(Debug, Clone)]
pub struct PlanFile {
    /// The validated plan.
    pub input: CapacityInput,
    /// Every file read (the plan and its CSVs), so that outputs never overwrite them.
    pub inputs: Vec<PathBuf>,
    /// Keys present in the file that the reader does not use.
    pub ignored_keys: Vec<String>,
    /// Notes about the inputs (e.g. CSV rows outside the horizon), for stderr.
    pub notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Requirement {
    File(String),
    Inline(Vec<f64>),
    Derived(DerivedRequirement),
}

/// `requirement = { staffing = "…", forecast = "…", hours_per_fte_week = 40 }`: the weekly
/// requirement from a reference period's `wfm staff` output scaled by a `wfm forecast --grain
/// week` output ([`crate::capacity::requirement`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DerivedRequirement {
    staffing: String,
    forecast: String,
    #[serde(default = "forty")]
    hours_per_fte_week: f64,
}

fn forty() -> f64 {
    40.0
}

#[derive(Debug, Deserialize)]
struct RawPlan {
    schema_version: Spanned<u32>,
    start: Spanned<String>,
    weeks: Spanned<usize>,
    requirement: Spanned<Requirement>,
    initial_productive: Spanned<f64>,
    weekly_attrition: Option<Spanned<f64>>,
    annual_attrition: Option<Spanned<f64>>,
    attrition_file: Option<Spanned<String>>,
    shrinkage: Option<Spanned<f64>>,
    shrinkage_file: Option<Spanned<String>>,
    max_headcount: Option<Spanned<f64>>,
    training: Spanned<RawTraining>,
    hiring: Spanned<RawHiring>,
    costs: Spanned<RawCosts>,
    budget: Option<RawBudget>,
    #[serde(flatten)]
    extra: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
struct RawTraining {
    weeks: Spanned<usize>,
    attrition: Spanned<f64>,
    ramp: Option<Spanned<Vec<f64>>>,
    #[serde(flatten)]
    extra: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
struct RawHiring {
    class_starts: Spanned<Vec<usize>>,
    min_class: Spanned<u32>,
    max_class: Spanned<u32>,
    #[serde(flatten)]
    extra: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
struct RawCosts {
    hire: Spanned<f64>,
    class: Spanned<f64>,
    wage: Spanned<f64>,
    overtime: Spanned<f64>,
    max_overtime: Spanned<f64>,
    under: Option<Spanned<f64>>,
    #[serde(flatten)]
    extra: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
struct RawBudget {
    total: Option<Spanned<f64>>,
    per_week: Option<Spanned<f64>>,
    #[serde(flatten)]
    extra: BTreeMap<String, toml::Value>,
}

/// Where each key of the plan is, for errors about its value.
struct Keys<'a> {
    path: &'a Path,
    text: &'a str,
    lines: BTreeMap<&'static str, u64>,
}

impl Keys<'_> {
    fn line_of(&self, span: std::ops::Range<usize>) -> u64 {
        1 + self.text[..span.start.min(self.text.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count() as u64
    }
    fn note<T>(&mut self, key: &'static str, v: &Spanned<T>) {
        let line = self.line_of(v.span());
        self.lines.insert(key, line);
    }
    fn at(&self, key: &str, line: u64) -> Location {
        Location {
            file: self.path.to_path_buf(),
            line,
            column: Some(key.to_string()),
        }
    }
    fn error(&self, key: &'static str, reason: String) -> PlanFileError {
        let line = self.lines.get(key).copied().unwrap_or(1);
        PlanFileError::Key {
            at: self.at(key, line),
            reason,
        }
    }
}

/// A weekly CSV series read onto the plan's grid, with the line of each week.
struct WeeklyCsv {
    values: Vec<f64>,
    lines: Vec<u64>,
    outside: usize,
}

/// Reads `week_start,<column>` onto `grid`: every week exactly once; rows before or after the
/// horizon are counted (not used).
fn read_weekly(path: &Path, column: &str, grid: &TimeGrid) -> Result<WeeklyCsv, TableError> {
    let csv = CsvInput::read(path)?;
    let cols = csv.require(&[schema::WEEK_START, column])?;
    let (wc, vc) = (cols[0], cols[1]);
    let mut values = vec![f64::NAN; grid.len()];
    let mut lines = vec![0u64; grid.len()];
    let mut outside = 0;
    for row in 0..csv.len() {
        let bad = |reason: String| TableError::BadValue {
            at: csv.location(row, wc),
            value: csv.text(row, wc).to_string(),
            reason,
        };
        let at = parse_timestamp(csv.text(row, wc))
            .ok_or_else(|| bad("expected a date YYYY-MM-DD".into()))?;
        if at < grid.start() || at >= grid.end() {
            outside += 1;
            continue;
        }
        let t = grid.position(at).ok_or_else(|| {
            bad(format!(
                "not a week start of the plan (weeks start on {} {})",
                grid.start().format("%A"),
                grid.start().date()
            ))
        })?;
        if lines[t] != 0 {
            return Err(bad(format!(
                "week {t} occurs twice (first on line {})",
                lines[t]
            )));
        }
        values[t] = csv.non_negative(row, vc)?;
        lines[t] = csv.line(row);
    }
    if let Some(t) = lines.iter().position(|&l| l == 0) {
        return Err(TableError::BadRow {
            at: Location {
                file: path.to_path_buf(),
                line: 1,
                column: Some(schema::WEEK_START.to_string()),
            },
            reason: format!(
                "no row for week {t} ({}); the plan needs one row per week {} … {}",
                grid.date(t),
                grid.date(0),
                grid.date(grid.len() - 1)
            ),
        });
    }
    Ok(WeeklyCsv {
        values,
        lines,
        outside,
    })
}

fn extra_keys(prefix: &str, extra: &BTreeMap<String, toml::Value>, out: &mut Vec<String>) {
    out.extend(extra.keys().map(|k| format!("{prefix}{k}")));
}

/// The state of one plan read: key lines, the files read, notes.
struct Ctx<'a> {
    keys: Keys<'a>,
    dir: &'a Path,
    grid: TimeGrid,
    inputs: Vec<PathBuf>,
    notes: Vec<String>,
    week_lines: BTreeMap<&'static str, (PathBuf, Vec<u64>)>,
}

impl Ctx<'_> {
    /// A weekly CSV named by the plan (relative to its folder), on the plan's grid.
    fn weekly_file(
        &mut self,
        key: &'static str,
        file: &str,
        column: &str,
    ) -> Result<Vec<f64>, PlanFileError> {
        let p = self.dir.join(file);
        let w = read_weekly(&p, column, &self.grid)?;
        if w.outside > 0 {
            self.notes.push(format!(
                "{}: {} row(s) outside the plan's weeks {} … {} not used",
                p.display(),
                w.outside,
                self.grid.date(0),
                self.grid.date(self.grid.len() - 1)
            ));
        }
        self.week_lines.insert(key, (p.clone(), w.lines));
        self.inputs.push(p);
        Ok(w.values)
    }

    fn requirement(&mut self, raw: &Spanned<Requirement>) -> Result<Vec<f64>, PlanFileError> {
        self.keys.note("requirement", raw);
        let weeks = self.grid.len();
        match raw.get_ref() {
            Requirement::File(f) => self.weekly_file("requirement", f, schema::REQUIRED_FTE),
            Requirement::Inline(v) if v.len() == weeks => Ok(v.clone()),
            Requirement::Inline(v) => Err(self.keys.error(
                "requirement",
                format!("{} inline value(s) for weeks = {weeks}", v.len()),
            )),
            Requirement::Derived(d) => {
                let staffing = self.dir.join(&d.staffing);
                let forecast = self.dir.join(&d.forecast);
                let reference = read_reference_staffing(&staffing)?;
                let weekly = read_weekly_forecast(&forecast, &self.grid)?;
                self.inputs.extend([staffing, forecast]);
                crate::capacity::requirement::weekly_requirement(
                    &reference,
                    &weekly,
                    d.hours_per_fte_week,
                )
                .map_err(|e| self.keys.error("requirement", e.to_string()))
            }
        }
    }

    fn attrition(&mut self, raw: &RawPlan) -> Result<Attrition, PlanFileError> {
        match (
            &raw.weekly_attrition,
            &raw.annual_attrition,
            &raw.attrition_file,
        ) {
            (Some(a), None, None) => {
                self.keys.note("weekly_attrition", a);
                Ok(Attrition::Weekly(*a.get_ref()))
            }
            (None, Some(a), None) => {
                self.keys.note("annual_attrition", a);
                Ok(Attrition::Annual(*a.get_ref()))
            }
            (None, None, Some(f)) => {
                self.keys.note("attrition", f);
                let v = self.weekly_file("attrition", f.get_ref(), schema::ATTRITION)?;
                Ok(Attrition::PerWeek(v))
            }
            (w, a, f) => {
                let given: Vec<&str> = [
                    ("weekly_attrition", w.as_ref().map(Spanned::span)),
                    ("annual_attrition", a.as_ref().map(Spanned::span)),
                    ("attrition_file", f.as_ref().map(|f| f.span())),
                ]
                .into_iter()
                .filter_map(|(k, span)| {
                    let line = self.keys.line_of(span?);
                    self.keys.lines.entry("weekly_attrition").or_insert(line);
                    Some(k)
                })
                .collect();
                Err(self.keys.error(
                    "weekly_attrition",
                    format!(
                        "give exactly one of weekly_attrition, annual_attrition, attrition_file (found {})",
                        if given.is_empty() { "none".to_string() } else { given.join(", ") }
                    ),
                ))
            }
        }
    }

    fn shrinkage(&mut self, raw: &RawPlan) -> Result<Weekly, PlanFileError> {
        match (&raw.shrinkage, &raw.shrinkage_file) {
            (Some(s), None) => {
                self.keys.note("shrinkage", s);
                Ok(Weekly::Constant(*s.get_ref()))
            }
            (None, Some(f)) => {
                self.keys.note("shrinkage", f);
                let v = self.weekly_file("shrinkage", f.get_ref(), schema::SHRINKAGE)?;
                Ok(Weekly::Series(v))
            }
            _ => Err(self.keys.error(
                "shrinkage",
                "give exactly one of shrinkage, shrinkage_file".to_string(),
            )),
        }
    }

    /// The `[training]`, `[hiring]`, `[costs]` and `[budget]` tables.
    fn tables(&mut self, raw: &RawPlan) -> (Training, Hiring, Costs, Budget) {
        let k = &mut self.keys;
        let tr = raw.training.get_ref();
        k.note("training.weeks", &tr.weeks);
        k.note("training.attrition", &tr.attrition);
        if let Some(r) = &tr.ramp {
            k.note("training.ramp", r);
        }
        let hi = raw.hiring.get_ref();
        k.note("hiring.class_starts", &hi.class_starts);
        k.note("hiring.min_class", &hi.min_class);
        k.note("hiring.max_class", &hi.max_class);
        let co = raw.costs.get_ref();
        for (key, v) in [
            ("costs.hire", &co.hire),
            ("costs.class", &co.class),
            ("costs.wage", &co.wage),
            ("costs.overtime", &co.overtime),
            ("costs.max_overtime", &co.max_overtime),
        ] {
            k.note(key, v);
        }
        let opt = |k: &mut Keys<'_>, key: &'static str, v: &Option<Spanned<f64>>| {
            v.as_ref().map(|v| {
                k.note(key, v);
                *v.get_ref()
            })
        };
        let under = opt(k, "costs.under", &co.under);
        let budget = match &raw.budget {
            Some(b) => Budget {
                total: opt(k, "budget.total", &b.total),
                per_week: opt(k, "budget.per_week", &b.per_week),
            },
            None => Budget::default(),
        };
        (
            Training {
                weeks: *tr.weeks.get_ref(),
                attrition: *tr.attrition.get_ref(),
                ramp: tr
                    .ramp
                    .as_ref()
                    .map(|r| r.get_ref().clone())
                    .unwrap_or_default(),
            },
            Hiring {
                class_starts: hi.class_starts.get_ref().clone(),
                min_class: *hi.min_class.get_ref(),
                max_class: *hi.max_class.get_ref(),
            },
            Costs {
                hire: *co.hire.get_ref(),
                class: *co.class.get_ref(),
                wage: *co.wage.get_ref(),
                overtime: *co.overtime.get_ref(),
                max_overtime: *co.max_overtime.get_ref(),
                under,
            },
            budget,
        )
    }
}

/// The week grid of the plan from `start` and `weeks`.
fn plan_grid(keys: &mut Keys<'_>, raw: &RawPlan) -> Result<TimeGrid, PlanFileError> {
    keys.note("schema_version", &raw.schema_version);
    if *raw.schema_version.get_ref() != 1 {
        return Err(keys.error(
            "schema_version",
            format!(
                "schema_version {} is not supported (expected 1)",
                raw.schema_version.get_ref()
            ),
        ));
    }
    keys.note("start", &raw.start);
    let start = crate::time::parse_date(raw.start.get_ref()).ok_or_else(|| {
        keys.error(
            "start",
            format!("expected a date YYYY-MM-DD, got `{}`", raw.start.get_ref()),
        )
    })?;
    keys.note("weeks", &raw.weeks);
    let weeks = *raw.weeks.get_ref();
    if !(1..=520).contains(&weeks) {
        return Err(keys.error("weeks", format!("expected 1 to 520 weeks, got {weeks}")));
    }
    TimeGrid::new(start.and_time(chrono::NaiveTime::MIN), Grain::Week, weeks)
        .map_err(|e| keys.error("start", e.to_string()))
}

/// Reads and validates a plan file.
///
/// # Errors
/// [`PlanFileError::Table`] for unreadable files, TOML syntax and CSV values (with line and
/// column); [`PlanFileError::Key`] for a missing, conflicting or out-of-domain key (with its
/// line).
pub fn read_plan(path: &Path) -> Result<PlanFile, PlanFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| TableError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let raw: RawPlan = toml::from_str(&text).map_err(|e| TableError::Toml {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut keys = Keys {
        path,
        text: &text,
        lines: BTreeMap::new(),
    };
    let grid = plan_grid(&mut keys, &raw)?;
    let mut ctx = Ctx {
        keys,
        dir: path.parent().unwrap_or(Path::new(".")),
        grid,
        inputs: vec![path.to_path_buf()],
        notes: Vec::new(),
        week_lines: BTreeMap::new(),
    };
    let required_fte = ctx.requirement(&raw.requirement)?;
    ctx.keys.note("initial_productive", &raw.initial_productive);
    let attrition = ctx.attrition(&raw)?;
    let shrinkage = ctx.shrinkage(&raw)?;
    if let Some(m) = &raw.max_headcount {
        ctx.keys.note("max_headcount", m);
    }
    let (training, hiring, costs, budget) = ctx.tables(&raw);
    let mut ignored = Vec::new();
    extra_keys("", &raw.extra, &mut ignored);
    extra_keys("training.", &raw.training.get_ref().extra, &mut ignored);
    extra_keys("hiring.", &raw.hiring.get_ref().extra, &mut ignored);
    extra_keys("costs.", &raw.costs.get_ref().extra, &mut ignored);
    if let Some(b) = &raw.budget {
        extra_keys("budget.", &b.extra, &mut ignored);
    }
    let spec = CapacitySpec {
        start: grid.date(0),
        required_fte,
        initial_productive: *raw.initial_productive.get_ref(),
        attrition,
        shrinkage,
        max_headcount: raw.max_headcount.as_ref().map(|m| *m.get_ref()),
        training,
        hiring,
        costs,
        budget,
    };
    let input = CapacityInput::new(spec).map_err(|e| locate(&ctx.keys, &ctx.week_lines, e))?;
    Ok(PlanFile {
        input,
        inputs: ctx.inputs,
        ignored_keys: ignored,
        notes: ctx.notes,
    })
}

/// Maps a validation error to the key's line, or to the CSV row of the week.
fn locate(
    keys: &Keys<'_>,
    week_lines: &BTreeMap<&'static str, (PathBuf, Vec<u64>)>,
    e: CapacityError,
) -> PlanFileError {
    match &e {
        CapacityError::InvalidWeek { field, week, .. } => match week_lines.get(field) {
            Some((file, lines)) => PlanFileError::Key {
                at: Location {
                    file: file.clone(),
                    line: lines[*week],
                    column: Some((*field).to_string()),
                },
                reason: e.to_string(),
            },
            None => keys.error(field, e.to_string()),
        },
        CapacityError::Invalid { field, .. } | CapacityError::Length { field, .. } => {
            keys.error(field, e.to_string())
        }
        _ => keys.error("start", e.to_string()),
    }
}

/// The weekly rows of a plan as a table with the columns of issue #15
/// ([`schema::CAPACITY_COLUMNS`]); FTE to 4 decimals, cost to 2.
pub fn plan_table(plan: &CapacityPlan) -> Table {
    let mut t = Table::new(schema::CAPACITY_COLUMNS);
    for r in &plan.weeks {
        t.push(vec![
            Cell::text(r.week_start.format("%Y-%m-%d").to_string()),
            Cell::float(Some(r.required_fte), 4),
            Cell::float(Some(r.productive), 4),
            Cell::float(Some(r.in_training), 4),
            Cell::float(Some(r.joiners), 4),
            Cell::float(Some(r.leavers), 4),
            Cell::float(Some(r.effective_fte), 4),
            Cell::float(Some(r.overtime), 4),
            Cell::float(Some(r.under), 4),
            Cell::Int(i64::from(r.hires_started)),
            Cell::float(Some(r.cost), 2),
        ]);
    }
    t
}

/// One `[[scenario]]` of a capacity what-if file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlanScenario {
    name: String,
    attrition_pp: Option<f64>,
    volume: Option<f64>,
    aht_factor: Option<f64>,
    training_weeks: Option<usize>,
    ramp: Option<Vec<f64>>,
    min_class: Option<u32>,
    max_class: Option<u32>,
    hiring_freeze_weeks: Option<(usize, usize)>,
    max_headcount: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlanScenarios {
    schema_version: u32,
    #[serde(default, rename = "scenario")]
    scenarios: Vec<RawPlanScenario>,
}

/// Reads capacity what-ifs (`wfm capacity --plan FILE --scenarios FILE`): the staffing
/// scenarios' shape, `schema_version = 1` and `[[scenario]]` tables with `name` and any of
/// `attrition_pp`, `volume`, `aht_factor`, `training_weeks`, `ramp`, `min_class`, `max_class`,
/// `hiring_freeze_weeks = [from, to]` (no class starts in weeks from ≤ t < to),
/// `max_headcount` (models/capacity_scenarios.toml).
///
/// # Errors
/// [`TableError::Toml`] for syntax, unknown keys (with line and column), another schema
/// version, a duplicate or empty name, or a freeze whose end is not after its start.
pub fn read_plan_scenarios(path: &Path) -> Result<Vec<PlanScenario>, TableError> {
    let raw: RawPlanScenarios = crate::io::table::read_toml(path)?;
    let err = |message: String| TableError::Toml {
        path: path.to_path_buf(),
        message,
    };
    if raw.schema_version != 1 {
        return Err(err(format!(
            "schema_version: expected 1, got {}",
            raw.schema_version
        )));
    }
    let mut out: Vec<PlanScenario> = Vec::new();
    for (i, s) in raw.scenarios.into_iter().enumerate() {
        if s.name.trim().is_empty() || out.iter().any(|o| o.name == s.name) {
            return Err(err(format!(
                "scenario {}: name `{}` is empty or given twice",
                i + 1,
                s.name
            )));
        }
        if let Some((a, b)) = s.hiring_freeze_weeks {
            if b <= a {
                return Err(err(format!(
                    "scenario `{}`: hiring_freeze_weeks = [{a}, {b}]: the end (exclusive) must be after the start",
                    s.name
                )));
            }
        }
        out.push(PlanScenario {
            name: s.name,
            attrition_pp: s.attrition_pp,
            volume: s.volume,
            aht_factor: s.aht_factor,
            training_weeks: s.training_weeks,
            ramp: s.ramp,
            min_class: s.min_class,
            max_class: s.max_class,
            hiring_freeze: s.hiring_freeze_weeks,
            max_headcount: s.max_headcount,
        });
    }
    Ok(out)
}

/// The plan and its what-ifs side by side: status, hires, classes, cost, under-staffed and
/// overtime FTE-weeks, peak headcount, and the deltas of hires, cost and under-staffed weeks
/// against the first row (the plan). A what-if whose inputs leave their domain, or that no plan
/// can cover, has its status and empty figures.
pub fn comparison_table(plans: &[(String, Result<CapacityPlan, CapacityError>)]) -> Table {
    let mut t = Table::new([
        "scenario",
        "status",
        "hires",
        "classes",
        "cost",
        "under_weeks",
        "under_fte_weeks",
        "overtime_fte_weeks",
        "peak_headcount",
        "delta_hires",
        "delta_cost",
        "delta_under_weeks",
    ]);
    let solved = |p: &Result<CapacityPlan, _>| match p {
        Ok(p) if matches!(p.status, PlanStatus::Optimal | PlanStatus::TimeLimit) => Some(p.totals),
        _ => None,
    };
    let base = plans.first().and_then(|(_, p)| solved(p));
    for (name, p) in plans {
        let status = match p {
            Ok(p) => match &p.status {
                PlanStatus::Infeasible(u) => format!(
                    "infeasible: week {} ({}) cannot be covered",
                    u.week, u.week_start
                ),
                PlanStatus::NoPlan(why) => format!("no plan: {why}"),
                s => s.name().to_string(),
            },
            Err(e) => format!("invalid: {e}"),
        };
        let mut row = vec![Cell::text(name), Cell::text(status)];
        match solved(p) {
            Some(x) => {
                row.extend([
                    Cell::Int(x.hires as i64),
                    Cell::Int(x.classes as i64),
                    Cell::float(Some(x.cost), 2),
                    Cell::Int(x.under_weeks as i64),
                    Cell::float(Some(x.under_fte_weeks), 4),
                    Cell::float(Some(x.overtime_fte_weeks), 4),
                    Cell::float(Some(x.peak_headcount), 4),
                ]);
                match &base {
                    Some(b) => row.extend([
                        Cell::Int(x.hires as i64 - b.hires as i64),
                        Cell::float(Some(x.cost - b.cost), 2),
                        Cell::Int(x.under_weeks as i64 - b.under_weeks as i64),
                    ]),
                    None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
                }
            }
            None => row.extend(std::iter::repeat_n(Cell::Empty, 10)),
        }
        t.push(row);
    }
    t
}

/// A `wfm staff` output as a reference staffing: `interval_start, queue, offered, load_erlangs,
/// agents` (net); the reference spans its distinct days ÷ 7 weeks.
///
/// # Errors
/// [`TableError`] naming file, line and column (a missing column, a negative value, a bad
/// timestamp, mixed interval lengths).
pub fn read_reference_staffing(
    path: &Path,
) -> Result<crate::capacity::requirement::ReferenceStaffing, TableError> {
    let csv = CsvInput::read(path)?;
    let c = csv.require(&[
        schema::INTERVAL_START,
        schema::QUEUE,
        schema::OFFERED,
        schema::LOAD_ERLANGS,
        schema::AGENTS,
    ])?;
    let mut intervals = Vec::with_capacity(csv.len());
    let mut stamps = Vec::with_capacity(csv.len());
    let mut queues: Vec<String> = Vec::new();
    let mut days = std::collections::BTreeSet::new();
    for row in 0..csv.len() {
        let at = csv.timestamp(row, c[0])?;
        let queue = csv.non_empty(row, c[1])?.to_string();
        let series = match queues.iter().position(|q| *q == queue) {
            Some(i) => i,
            None => {
                queues.push(queue.clone());
                queues.len() - 1
            }
        };
        stamps.push(crate::model::Stamp { at, series });
        days.insert(at.date());
        intervals.push(crate::capacity::requirement::ReferenceInterval {
            queue,
            offered: csv.non_negative(row, c[2])?,
            load_erlangs: csv.non_negative(row, c[3])?,
            agents: csv.non_negative(row, c[4])?,
        });
    }
    let ivl = crate::model::infer_interval(&stamps, None).map_err(|e| TableError::BadRow {
        at: Location {
            file: path.to_path_buf(),
            line: 1,
            column: Some(schema::INTERVAL_START.to_string()),
        },
        reason: e.to_string(),
    })?;
    Ok(crate::capacity::requirement::ReferenceStaffing {
        intervals,
        interval_secs: ivl.seconds(),
        weeks: days.len() as f64 / 7.0,
    })
}

/// A `wfm forecast --grain week` output on the plan's weeks: queue → one week per plan week
/// (`week_start, queue, forecast[, aht_forecast]`; rows outside the plan are not used).
///
/// # Errors
/// [`TableError`] naming file, line and column: a week start that is not one of the plan's, a
/// week given twice, a plan week without a row for a queue.
pub fn read_weekly_forecast(
    path: &Path,
    grid: &TimeGrid,
) -> Result<BTreeMap<String, Vec<crate::capacity::requirement::WeekDemand>>, TableError> {
    use crate::capacity::requirement::WeekDemand;
    let csv = CsvInput::read(path)?;
    let c = csv.require(&[schema::WEEK_START, schema::QUEUE, schema::FORECAST])?;
    let aht = csv.column(schema::AHT_FORECAST);
    let mut out: BTreeMap<String, Vec<Option<WeekDemand>>> = BTreeMap::new();
    for row in 0..csv.len() {
        let bad = |reason: String| TableError::BadValue {
            at: csv.location(row, c[0]),
            value: csv.text(row, c[0]).to_string(),
            reason,
        };
        let at = parse_timestamp(csv.text(row, c[0]))
            .ok_or_else(|| bad("expected a date YYYY-MM-DD".into()))?;
        if at < grid.start() || at >= grid.end() {
            continue;
        }
        let t = grid
            .position(at)
            .ok_or_else(|| bad("not a week start of the plan".into()))?;
        let weeks = out
            .entry(csv.non_empty(row, c[1])?.to_string())
            .or_insert_with(|| vec![None; grid.len()]);
        if weeks[t].is_some() {
            return Err(bad(format!("week {t} occurs twice for this queue")));
        }
        weeks[t] = Some(WeekDemand {
            offered: csv.non_negative(row, c[2])?,
            aht_secs: match aht {
                Some(a) => csv.opt_non_negative(row, a)?,
                None => None,
            },
        });
    }
    out.into_iter()
        .map(|(q, w)| match w.iter().position(Option::is_none) {
            Some(t) => Err(TableError::BadRow {
                at: Location {
                    file: path.to_path_buf(),
                    line: 1,
                    column: Some(schema::WEEK_START.to_string()),
                },
                reason: format!("queue {q}: no row for week {t} ({})", grid.date(t)),
            }),
            None => Ok((q, w.into_iter().flatten().collect())),
        })
        .collect()
}
