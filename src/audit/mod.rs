//! Monthly audit: the handbook KPIs against actuals, forecast accuracy, the Erlang C / Erlang A
//! model check and a weighted KPI scorecard.
//!
//! Glossary: AHT = average handle time, ASA = average speed of answer, SL = service level,
//! ACW = after-call work, WAPE = weighted absolute percentage error, MAPE = mean absolute
//! percentage error, FCR = first-contact resolution, IVR/VRU = interactive voice response unit.
//!
//! Entry point: [`audit`] takes typed [`AuditInputs`] (read with [`AuditInputs::load`]) and
//! [`AuditOptions`], and returns an [`Audit`]: the KPIs ([`kpi::KPI_DEFINITIONS`] lists each
//! with its handbook name and formula), the series the report plots, and the scorecard. A KPI
//! whose input is missing is [`kpi::KpiValue::NotComputable`] with what it needs — never 0.
//! The formulas are in [`formulas`]; docs/audit.md documents the input schemas.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::time::{Datelike, NaiveDate, NaiveDateTime};

pub mod formulas;
pub mod input;
pub mod kpi;
pub mod model_check;
pub mod scorecard;
mod tables;

pub use formulas::SlConvention;
pub use input::{
    ActualInterval, Actuals, AgentStateRow, AgentStates, Facts, Forecast, ForecastInterval,
    Planned, PlannedInterval, StaffingProxy, StaffingProxyRow,
};
pub use kpi::{Kpi, KpiDef, KpiUnit, KpiValue};
pub use model_check::{ModelCheck, ModelCheckRow, ModelSummary};
pub use scorecard::{Scorecard, ScorecardResult};

use formulas as f;

/// Errors of the `audit` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// `--period` is not `YYYY-MM`.
    #[error("period `{text}`: expected YYYY-MM (e.g. 1999-02)")]
    BadPeriod {
        /// The text given.
        text: String,
    },
    /// The forecast snapshot sidecar is not valid JSON.
    #[error("{}: invalid forecast snapshot metadata: {message}", path.display())]
    Meta {
        /// The sidecar file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// The planned-staffing file has none of the agent columns.
    #[error("{}:1: planned staffing needs a `required`, `scheduled` or `agents` column; the header has: {}", path.display(), found.join(", "))]
    PlannedColumns {
        /// The file.
        path: PathBuf,
        /// The columns found.
        found: Vec<String>,
    },
    /// A fact is negative or not finite.
    #[error("{}: fact `{name}` must be a finite number ≥ 0, got {value}", path.display())]
    Fact {
        /// The facts file.
        path: PathBuf,
        /// The fact.
        name: String,
        /// The value.
        value: f64,
    },
    /// The facts file is for another month than `--period`.
    #[error("{}: the facts are for period `{found}`, expected `{expected}`", path.display())]
    FactsPeriod {
        /// The facts file.
        path: PathBuf,
        /// The period in the file.
        found: String,
        /// The period expected.
        expected: String,
    },
    /// A scorecard field is outside its domain.
    #[error("{}: indicator `{indicator}`, field `{field}`: expected {expected}, got {value}", path.display())]
    Scorecard {
        /// The scorecard file.
        path: PathBuf,
        /// The indicator key (`-` for the scorecard itself).
        indicator: String,
        /// The field.
        field: &'static str,
        /// The value.
        value: f64,
        /// What is allowed.
        expected: &'static str,
    },
    /// The actuals have no row in the period.
    #[error("{}: no row in period {period} (the file covers {first} .. {last})", path.display())]
    EmptyPeriod {
        /// The actuals file.
        path: PathBuf,
        /// The period.
        period: String,
        /// First interval in the file.
        first: String,
        /// Last interval in the file.
        last: String,
    },
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    /// Parses `YYYY-MM`.
    ///
    /// # Errors
    /// [`AuditError::BadPeriod`].
    pub fn parse(text: &str) -> Result<Self, AuditError> {
        let bad = || AuditError::BadPeriod {
            text: text.to_string(),
        };
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if y.len() != 4 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Period { year, month })
    }
    /// The first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }
    /// The month before.
    pub fn previous(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
    /// True when `d` falls in this month.
    pub fn contains_date(self, d: NaiveDate) -> bool {
        d.year() == self.year && d.month() == self.month
    }
    /// True when `ts` falls in this month.
    pub fn contains(self, ts: NaiveDateTime) -> bool {
        self.contains_date(ts.date())
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Options of the audit.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditOptions {
    /// The audited month.
    pub period: Period,
    /// Service-level answer-time threshold X, seconds. Default 20; the actuals need
    /// `answered_le{X}` (or `sl_20s` for 20).
    pub threshold_secs: u32,
    /// Which service-level convention is the headline `service_level` (all three are reported).
    /// Default [`SlConvention::Offered`].
    pub sl_convention: SlConvention,
    /// Mean patience for Erlang A, seconds; `None` (default) estimates it from the period's
    /// waits (`sum_wait_abandoned_s`, `sum_wait_answered_s`).
    pub patience_secs: Option<f64>,
}

impl AuditOptions {
    /// Defaults for `period`: threshold 20 s, [`SlConvention::Offered`], estimated patience.
    pub fn new(period: Period) -> Self {
        AuditOptions {
            period,
            threshold_secs: 20,
            sl_convention: SlConvention::Offered,
            patience_secs: None,
        }
    }
}

/// Paths of the audit's inputs (`wfm audit` flags).
#[derive(Debug, Clone, Default)]
pub struct InputPaths {
    /// `--actuals`.
    pub actuals: PathBuf,
    /// `--forecast` (its `FILE.meta.json` is read when present).
    pub forecast: Option<PathBuf>,
    /// `--planned`.
    pub planned: Option<PathBuf>,
    /// `--agent-states`: per agent × interval states, or the pooled proxy
    /// `interval_start,busy_agents_equiv,distinct_named_agents` (detected by header).
    pub agent_states: Option<PathBuf>,
    /// `--facts`.
    pub facts: Option<PathBuf>,
    /// `--previous-facts`.
    pub previous_facts: Option<PathBuf>,
    /// `--scorecard`.
    pub scorecard: Option<PathBuf>,
}

/// Everything the audit reads, typed and validated.
#[derive(Debug, Clone)]
pub struct AuditInputs {
    /// Actual intervals (required).
    pub actuals: Actuals,
    /// The forecast snapshot.
    pub forecast: Option<Forecast>,
    /// Planned staffing.
    pub planned: Option<Planned>,
    /// Agent states per agent × interval.
    pub agent_states: Option<AgentStates>,
    /// The pooled staffing proxy (used when `agent_states` is absent).
    pub staffing_proxy: Option<StaffingProxy>,
    /// Monthly facts of the period.
    pub facts: Option<Facts>,
    /// Monthly facts of the previous period.
    pub previous_facts: Option<Facts>,
    /// The scorecard.
    pub scorecard: Option<Scorecard>,
}

impl AuditInputs {
    /// Reads every given input.
    ///
    /// # Errors
    /// The first reading error, naming file, line and column; [`AuditError::FactsPeriod`] when
    /// a facts file names another month.
    pub fn load(paths: &InputPaths, options: &AuditOptions) -> Result<Self, AuditError> {
        let actuals = input::read_actuals(&paths.actuals, options.threshold_secs)?;
        let forecast = paths
            .forecast
            .as_deref()
            .map(input::read_forecast)
            .transpose()?;
        let planned = paths
            .planned
            .as_deref()
            .map(input::read_planned)
            .transpose()?;
        let (mut agent_states, mut staffing_proxy) = (None, None);
        if let Some(p) = &paths.agent_states {
            if is_proxy(p)? {
                staffing_proxy = Some(input::read_staffing_proxy(p)?);
            } else {
                agent_states = Some(input::read_agent_states(p)?);
            }
        }
        let check = |p: &Path, period: Period| -> Result<Facts, AuditError> {
            let f = input::read_facts(p)?;
            if let Some(fp) = &f.period {
                if fp.trim() != period.to_string() {
                    return Err(AuditError::FactsPeriod {
                        path: p.to_path_buf(),
                        found: fp.clone(),
                        expected: period.to_string(),
                    });
                }
            }
            Ok(f)
        };
        let facts = paths
            .facts
            .as_deref()
            .map(|p| check(p, options.period))
            .transpose()?;
        let previous_facts = paths
            .previous_facts
            .as_deref()
            .map(|p| check(p, options.period.previous()))
            .transpose()?;
        let scorecard = paths
            .scorecard
            .as_deref()
            .map(Scorecard::read)
            .transpose()?;
        Ok(AuditInputs {
            actuals,
            forecast,
            planned,
            agent_states,
            staffing_proxy,
            facts,
            previous_facts,
            scorecard,
        })
    }
}

fn is_proxy(path: &Path) -> Result<bool, AuditError> {
    let t = crate::table::CsvInput::read(path)?;
    Ok(t.column("busy_agents_equiv").is_some())
}

/// How one input file was used.
#[derive(Debug, Clone, PartialEq)]
pub struct InputUse {
    /// Which input (`actuals`, `forecast`, …).
    pub input: &'static str,
    /// The file.
    pub path: PathBuf,
    /// Data rows read.
    pub rows: usize,
    /// Rows in the period, used.
    pub used: usize,
    /// Rows in the previous period, used for month-over-month.
    pub previous: usize,
    /// Rows outside both periods, not used.
    pub outside: usize,
    /// Remarks (e.g. forecast rows without actuals).
    pub note: String,
}

/// One forecast-accuracy row.
#[derive(Debug, Clone, PartialEq)]
pub struct AccuracyRow {
    /// `volume` or `aht`.
    pub measure: &'static str,
    /// `total`, `queue`, `day`, `weekday`, `weekday_interval`.
    pub grouping: &'static str,
    /// The group's key (`all`, a queue, a date, `Sun`, `Sun 07:00`).
    pub key: String,
    /// Weekday 0 = Sunday, for weekday groupings.
    pub weekday: Option<usize>,
    /// Seconds since midnight, for `weekday_interval`.
    pub slot_secs: Option<u32>,
    /// The measures.
    pub m: f::ErrorMeasures,
}

/// One day of the period.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyRow {
    /// The date.
    pub date: NaiveDate,
    /// Offered calls.
    pub offered: f64,
    /// Answered calls.
    pub answered: f64,
    /// Abandoned calls.
    pub abandoned: f64,
    /// Forecast calls for the queue × intervals matched, when a forecast is given.
    pub forecast: Option<f64>,
    /// Service level (configured convention).
    pub service_level: Option<f64>,
    /// ASA, seconds.
    pub asa_secs: Option<f64>,
    /// Abandon rate.
    pub abandon_rate: Option<f64>,
    /// Occupancy (agent states or proxy).
    pub occupancy: Option<f64>,
}

/// Mean calls per day by time of day.
#[derive(Debug, Clone, PartialEq)]
pub struct IntradayRow {
    /// Seconds since midnight.
    pub slot_secs: u32,
    /// Mean actual offered per day.
    pub actual: f64,
    /// Mean forecast per day (days with forecast).
    pub forecast: Option<f64>,
}

/// Staffing of one interval (pooled over queues).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingRow {
    /// Left edge.
    pub interval_start: NaiveDateTime,
    /// Required agents (planned input).
    pub required: Option<f64>,
    /// Scheduled agents (planned input, else the agent states' scheduled seconds ÷ interval).
    pub scheduled: Option<f64>,
    /// Actual agents on duty: Σ signed-in seconds ÷ interval (agent states), or distinct named
    /// agents (proxy).
    pub actual: Option<f64>,
    /// Occupancy in the interval.
    pub occupancy: Option<f64>,
}

/// The audit of one month.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The options used.
    pub options: AuditOptions,
    /// Interval length inferred from the actuals, seconds.
    pub interval_secs: u32,
    /// Every KPI (scope `all` first, then per queue), computable or not.
    pub kpis: Vec<Kpi>,
    /// Forecast accuracy rows (empty without a forecast; see `accuracy_needs`).
    pub accuracy: Vec<AccuracyRow>,
    /// Why forecast accuracy is missing, if it is.
    pub accuracy_needs: Option<String>,
    /// Per day of the period.
    pub daily: Vec<DailyRow>,
    /// Mean by time of day.
    pub intraday: Vec<IntradayRow>,
    /// Per interval staffing (empty without planned/agent inputs).
    pub staffing: Vec<StaffingRow>,
    /// The Erlang C / Erlang A check against what happened.
    pub model_check: ModelCheck,
    /// The scored scorecard.
    pub scorecard: Option<ScorecardResult>,
    /// How each input was used.
    pub inputs: Vec<InputUse>,
    /// The forecast snapshot's metadata (origin, created_at, models, …).
    pub forecast_meta: BTreeMap<String, String>,
}

impl Audit {
    /// The KPI `key` of scope `all`.
    pub fn kpi(&self, key: &str) -> Option<&Kpi> {
        self.kpis
            .iter()
            .find(|k| k.def.key == key && k.scope == "all")
    }
    /// The value of KPI `key` (scope `all`), if computable.
    pub fn value(&self, key: &str) -> Option<f64> {
        self.kpi(key)?.value.value()
    }
}

/// Infers the interval length as the smallest positive step between distinct starts
/// (1800 s when there is only one start).
fn interval_secs(rows: &[ActualInterval]) -> u32 {
    let starts: BTreeSet<NaiveDateTime> = rows.iter().map(|r| r.interval_start).collect();
    let v: Vec<_> = starts.into_iter().collect();
    v.windows(2)
        .map(|w| (w[1] - w[0]).num_seconds())
        .filter(|&s| s > 0)
        .min()
        .map_or(1800, |s| s.min(86_400) as u32)
}

/// Sums of actual rows for one scope. An optional sum is `Err(needs)` when the file lacks its
/// column, or some row with calls lacks the value.
#[derive(Debug, Clone)]
struct Sums {
    offered: f64,
    answered: f64,
    abandoned: f64,
    handle: Result<f64, String>,
    wait_answered: Result<f64, String>,
    answered_within: Result<f64, String>,
    abandoned_within: Result<f64, String>,
    wait_abandoned: Result<f64, String>,
    vru_only: Result<f64, String>,
    talk: Result<f64, String>,
    hold: Result<f64, String>,
    acw: Result<f64, String>,
    transferred: Result<f64, String>,
    days: BTreeSet<NaiveDate>,
}

fn needs_column(key: &str, threshold: u32) -> String {
    let col = match key {
        "aht" => "`aht_seconds` or `sum_service_s`".to_string(),
        "asa" => "`asa_seconds` or `sum_wait_answered_s`".to_string(),
        "answered_within" if threshold == 20 => "`answered_le20` or `sl_20s`".to_string(),
        "answered_within" => format!("`answered_le{threshold}`"),
        "abandoned_within" => format!("`abandoned_le{threshold}`"),
        "sum_wait_abandoned" => "`sum_wait_abandoned_s`".to_string(),
        "vru_only" => "`vru_only`".to_string(),
        "talk" => "`talk_seconds`".to_string(),
        "hold" => "`hold_seconds`".to_string(),
        "acw" => "`acw_seconds`".to_string(),
        "transferred" => "`transferred`".to_string(),
        other => format!("`{other}`"),
    };
    format!("column {col} in --actuals")
}

impl Sums {
    fn of<'a>(actuals: &Actuals, rows: impl Iterator<Item = &'a ActualInterval>) -> Sums {
        let th = actuals.threshold_secs;
        let init = |key: &str| -> Result<f64, String> {
            if actuals.has(key) {
                Ok(0.0)
            } else {
                Err(needs_column(key, th))
            }
        };
        let mut s = Sums {
            offered: 0.0,
            answered: 0.0,
            abandoned: 0.0,
            handle: init("aht"),
            wait_answered: init("asa"),
            answered_within: init("answered_within"),
            abandoned_within: init("abandoned_within"),
            wait_abandoned: init("sum_wait_abandoned"),
            vru_only: init("vru_only"),
            talk: init("talk"),
            hold: init("hold"),
            acw: init("acw"),
            transferred: init("transferred"),
            days: BTreeSet::new(),
        };
        fn add(acc: &mut Result<f64, String>, v: Option<f64>, weight: f64, what: &str) {
            if let Ok(a) = acc {
                match v {
                    Some(v) => *a += v * weight,
                    None if weight == 0.0 => {}
                    None => *acc = Err(format!("{what} on every row with calls")),
                }
            }
        }
        for r in rows {
            s.offered += r.offered;
            s.answered += r.answered;
            s.abandoned += r.abandoned;
            s.days.insert(r.interval_start.date());
            add(&mut s.handle, r.aht_secs, r.answered, "AHT");
            add(&mut s.wait_answered, r.asa_secs, r.answered, "ASA");
            add(
                &mut s.answered_within,
                r.answered_within,
                1.0,
                "answered within X",
            );
            add(
                &mut s.abandoned_within,
                r.abandoned_within,
                1.0,
                "abandoned within X",
            );
            add(
                &mut s.wait_abandoned,
                r.sum_wait_abandoned_secs,
                1.0,
                "sum_wait_abandoned_s",
            );
            add(&mut s.vru_only, r.vru_only, 1.0, "vru_only");
            add(&mut s.talk, r.talk_secs, r.answered, "talk_seconds");
            add(&mut s.hold, r.hold_secs, r.answered, "hold_seconds");
            add(&mut s.acw, r.acw_secs, r.answered, "acw_seconds");
            add(&mut s.transferred, r.transferred, 1.0, "transferred");
        }
        s
    }
}

/// Agent-state sums over a period.
#[derive(Debug, Clone, Default)]
struct AgentSums {
    handle: f64,
    talk: f64,
    hold: f64,
    acw: f64,
    ready: f64,
    brk: f64,
    scheduled: f64,
    logged_in: f64,
    available_within_schedule: f64,
    calls: Option<f64>,
    shifts: f64,
}

fn agent_sums<'a>(rows: impl Iterator<Item = &'a AgentStateRow>, has_calls: bool) -> AgentSums {
    let mut s = AgentSums {
        calls: has_calls.then_some(0.0),
        ..Default::default()
    };
    let mut shifts = BTreeSet::new();
    for r in rows {
        let handle = r.talk_secs + r.hold_secs + r.acw_secs;
        s.handle += handle;
        s.talk += r.talk_secs;
        s.hold += r.hold_secs;
        s.acw += r.acw_secs;
        s.ready += r.ready_secs;
        s.brk += r.break_secs;
        s.scheduled += r.scheduled_secs;
        s.logged_in += r.logged_in_secs;
        s.available_within_schedule += (handle + r.ready_secs).min(r.scheduled_secs);
        if let (Some(c), Some(v)) = (s.calls.as_mut(), r.calls_handled) {
            *c += v;
        }
        if r.logged_in_secs > 0.0 {
            shifts.insert((r.agent.as_str(), r.interval_start.date()));
        }
    }
    s.shifts = shifts.len() as f64;
    s
}

const NEEDS_AGENT_STATES: &str = "--agent-states (per agent × interval)";

/// Computes the KPIs of one period. `agents`/`proxy`/`planned` are already restricted to the
/// period; `facts` are the period's.
#[allow(clippy::too_many_arguments)]
fn period_kpis(
    actuals: &Actuals,
    rows: &[&ActualInterval],
    queues: &BTreeSet<String>,
    agents: Option<(&[&AgentStateRow], bool)>,
    proxy: Option<&[&StaffingProxyRow]>,
    planned: Option<&[&PlannedInterval]>,
    facts: Option<&Facts>,
    options: &AuditOptions,
    interval_secs: u32,
) -> Vec<(&'static str, String, Result<f64, String>, String)> {
    let mut out = Vec::new();
    let src_actuals = "actuals".to_string();
    let mut scopes: Vec<String> = vec!["all".to_string()];
    scopes.extend(queues.iter().cloned());
    for scope in &scopes {
        let s = Sums::of(
            actuals,
            rows.iter()
                .copied()
                .filter(|r| scope == "all" || &r.queue == scope),
        );
        let mut put = |key: &'static str, v: Result<f64, String>, src: &str| {
            out.push((key, scope.clone(), v, src.to_string()));
        };
        let zero = |what: &str| format!("{what} > 0 in the period");
        put("offered", Ok(s.offered), &src_actuals);
        put("answered", Ok(s.answered), &src_actuals);
        put("abandoned", Ok(s.abandoned), &src_actuals);
        put(
            "answer_rate",
            f::answer_rate(s.answered, s.offered).ok_or_else(|| zero("offered")),
            &src_actuals,
        );
        let sl = |conv: SlConvention| -> Result<f64, String> {
            let aw = s.answered_within.clone()?;
            let abw = match conv {
                SlConvention::ExcludeShortAbandons => Some(s.abandoned_within.clone()?),
                _ => None,
            };
            f::service_level(conv, aw, s.offered, s.answered, abw)
                .ok_or_else(|| zero("the denominator"))
        };
        put(
            "service_level",
            sl(options.sl_convention),
            &format!(
                "actuals, X = {} s, convention {}",
                options.threshold_secs,
                options.sl_convention.name()
            ),
        );
        for (key, conv) in [
            ("sl_offered", SlConvention::Offered),
            ("sl_answered", SlConvention::Answered),
            (
                "sl_exclude_short_abandons",
                SlConvention::ExcludeShortAbandons,
            ),
        ] {
            put(
                key,
                sl(conv),
                &format!("actuals, X = {} s", options.threshold_secs),
            );
        }
        put(
            "abandon_rate",
            f::abandon_rate(s.abandoned, s.answered).ok_or_else(|| zero("answered + abandoned")),
            &src_actuals,
        );
        put(
            "average_time_to_abandon",
            s.wait_abandoned.clone().and_then(|w| {
                f::average_time_to_abandon(w, s.abandoned).ok_or_else(|| zero("abandoned"))
            }),
            &src_actuals,
        );
        put(
            "asa",
            s.wait_answered.clone().and_then(|w| {
                f::average_speed_of_answer(w, s.answered).ok_or_else(|| zero("answered"))
            }),
            &src_actuals,
        );
        // Talk, hold and ACW: actuals columns, else agent states (scope `all` only).
        let per_call = |sum: &Result<f64, String>, agent_sum: Option<f64>, what: &str| match (
            sum, agent_sum, agents,
        ) {
            (Ok(v), _, _) => (
                f::ratio(*v, s.answered).ok_or_else(|| zero("answered")),
                src_actuals.clone(),
            ),
            (Err(e), Some(a), Some((_, true))) if scope == "all" => {
                let calls = agents
                    .map(|(rows, _)| rows.iter().filter_map(|r| r.calls_handled).sum::<f64>())
                    .unwrap_or(0.0);
                let _ = e;
                (
                    f::ratio(a, calls).ok_or_else(|| zero("calls_handled")),
                    "agent states".to_string(),
                )
            }
            (Err(e), _, _) => (
                Err(format!(
                    "{e}, or {what} with `calls_handled` in --agent-states"
                )),
                src_actuals.clone(),
            ),
        };
        let ag = agents.map(|(rows, has_calls)| agent_sums(rows.iter().copied(), has_calls));
        let (talk, src_t) = per_call(&s.talk, ag.as_ref().map(|a| a.talk), "talk_seconds");
        let (hold, src_h) = per_call(&s.hold, ag.as_ref().map(|a| a.hold), "hold_seconds");
        let (acw, src_a) = per_call(&s.acw, ag.as_ref().map(|a| a.acw), "acw_seconds");
        put("average_talk_time", talk.clone(), &src_t);
        put("average_hold_time", hold.clone(), &src_h);
        put("average_acw", acw.clone(), &src_a);
        // AHT: the handle time the actuals report wins (one source for both months); the
        // sum of the parts only when the actuals have no handle time.
        match (&s.handle, &talk, &hold, &acw) {
            (Ok(h), _, _, _) => put(
                "aht",
                f::ratio(*h, s.answered).ok_or_else(|| zero("answered")),
                "actuals (aht_seconds / sum_service_s as exported)",
            ),
            (Err(_), Ok(t), Ok(h), Ok(a)) => put(
                "aht",
                Ok(f::average_handle_time(*t, *h, *a)),
                &format!("talk + hold + ACW ({src_t})"),
            ),
            (Err(e), _, _, _) => put("aht", Err(e.clone()), &src_actuals),
        }
        put(
            "daily_average_answered",
            f::daily_average_answered(s.answered, s.days.len() as f64).ok_or_else(|| zero("days")),
            &src_actuals,
        );
        if scope != "all" {
            continue;
        }
        // --- scope `all` only: facts, agent states, planned staffing.
        let fact = |v: Option<f64>, name: &str| -> Result<f64, String> {
            v.ok_or_else(|| format!("`{name}` in --facts"))
        };
        let facts_d = Facts::default();
        let fx = facts.unwrap_or(&facts_d);
        let entering = match (fx.calls_entering, &s.vru_only) {
            (Some(e), _) => Ok(e),
            (None, Ok(v)) => Ok(s.offered + v),
            (None, Err(e)) => Err(format!("`calls_entering` in --facts or {e}")),
        };
        put(
            "connection_rate",
            fact(fx.ivr_completed, "ivr_completed").and_then(|ivr| {
                f::connection_rate(ivr, s.answered, entering?).ok_or_else(|| zero("calls entering"))
            }),
            "facts + actuals",
        );
        match &ag {
            Some(a) => {
                put(
                    "occupancy",
                    f::occupancy(a.handle, a.ready).ok_or_else(|| zero("handle + ready")),
                    "agent states",
                );
                put(
                    "utilization",
                    f::utilization(a.handle, a.ready, a.brk).ok_or_else(|| zero("signed-in time")),
                    "agent states",
                );
                put(
                    "productivity",
                    f::productivity(a.handle, a.ready, a.brk).ok_or_else(|| zero("signed-in time")),
                    "agent states",
                );
                put(
                    "adherence",
                    f::adherence(a.available_within_schedule, a.scheduled)
                        .ok_or_else(|| zero("scheduled time")),
                    "agent states",
                );
                put(
                    "conformance",
                    f::conformance(a.logged_in, a.scheduled).ok_or_else(|| zero("scheduled time")),
                    "agent states",
                );
            }
            None => {
                match proxy {
                    Some(p) => {
                        let busy: f64 = p.iter().map(|r| r.busy_agents_equiv).sum();
                        let on: f64 = p.iter().map(|r| r.distinct_named_agents).sum();
                        // busy = handle ÷ interval; distinct named agents bound handle + ready.
                        put(
                            "occupancy",
                            f::ratio(busy, on).ok_or_else(|| zero("distinct_named_agents")),
                            "staffing proxy: busy_agents_equiv ÷ distinct_named_agents (a lower bound)",
                        );
                    }
                    None => put("occupancy", Err(NEEDS_AGENT_STATES.to_string()), "-"),
                }
                for k in ["utilization", "productivity", "adherence", "conformance"] {
                    put(k, Err(NEEDS_AGENT_STATES.to_string()), "-");
                }
            }
        }
        // Schedule accuracy: actual on duty per interval ÷ scheduled.
        let actual_by: Option<BTreeMap<NaiveDateTime, f64>> = match (agents, proxy) {
            (Some((rows, _)), _) => {
                let mut m = BTreeMap::new();
                for r in rows {
                    *m.entry(r.interval_start).or_insert(0.0) +=
                        r.logged_in_secs / f64::from(interval_secs);
                }
                Some(m)
            }
            (None, Some(p)) => Some(
                p.iter()
                    .map(|r| (r.interval_start, r.distinct_named_agents))
                    .collect(),
            ),
            (None, None) => None,
        };
        // Scheduled agents per interval: the planned file's `scheduled`, else the agent
        // states' scheduled seconds ÷ interval.
        let planned_sched: BTreeMap<NaiveDateTime, f64> = planned
            .map(|pl| {
                pl.iter()
                    .filter_map(|p| p.scheduled.map(|s| (p.interval_start, s)))
                    .collect()
            })
            .unwrap_or_default();
        let (sched_by, sched_src) = if !planned_sched.is_empty() {
            (Some(planned_sched), "planned")
        } else if let Some((rows, _)) = agents {
            let mut m = BTreeMap::new();
            for r in rows {
                *m.entry(r.interval_start).or_insert(0.0) +=
                    r.scheduled_secs / f64::from(interval_secs);
            }
            (Some(m), "agent states (scheduled_seconds)")
        } else {
            (None, "")
        };
        let sched_acc = match (&sched_by, &actual_by) {
            (None, _) => {
                Err("scheduled agents (`scheduled` in --planned, or --agent-states)".to_string())
            }
            (_, None) => Err("actual agents in --agent-states".to_string()),
            (Some(sch), Some(act)) => {
                let (mut a, mut s) = (0.0, 0.0);
                for (ts, v) in sch {
                    if let Some(x) = act.get(ts) {
                        a += x;
                        s += v;
                    }
                }
                f::schedule_accuracy(a, s)
                    .ok_or_else(|| zero("scheduled agents in intervals with actuals"))
            }
        };
        put(
            "schedule_accuracy",
            sched_acc,
            &format!(
                "{sched_src} + {}",
                if agents.is_some() {
                    "agent states"
                } else {
                    "staffing proxy (distinct named agents)"
                }
            ),
        );
        let shifts = match (&ag, fx.agent_shifts) {
            (Some(a), _) => Ok(a.shifts),
            (None, Some(v)) => Ok(v),
            (None, None) => Err(format!("{NEEDS_AGENT_STATES} or `agent_shifts` in --facts")),
        };
        put(
            "calls_per_agent_shift",
            shifts.and_then(|sh| {
                f::calls_per_agent_shift(s.answered, sh).ok_or_else(|| zero("agent-shifts"))
            }),
            if ag.is_some() {
                "actuals + agent states"
            } else {
                "actuals + facts"
            },
        );
        let transferred = match (&s.transferred, fx.transferred) {
            (Ok(v), _) => Ok(*v),
            (Err(_), Some(v)) => Ok(v),
            (Err(e), None) => Err(format!("`transferred` in --facts or {e}")),
        };
        put(
            "transfer_rate",
            transferred
                .and_then(|t| f::transfer_rate(t, s.answered).ok_or_else(|| zero("answered"))),
            "facts/actuals",
        );
        let pair = |a: Option<f64>, an: &str, b: Option<f64>, bn: &str| {
            Ok::<_, String>((fact(a, an)?, fact(b, bn)?))
        };
        put(
            "first_contact_resolution",
            pair(
                fx.resolved_first_contact,
                "resolved_first_contact",
                fx.requests,
                "requests",
            )
            .and_then(|(a, b)| f::first_contact_resolution(a, b).ok_or_else(|| zero("requests"))),
            "facts",
        );
        put(
            "self_service_ratio",
            pair(
                fx.self_service_requests,
                "self_service_requests",
                fx.requests,
                "requests",
            )
            .and_then(|(a, b)| f::self_service_ratio(a, b).ok_or_else(|| zero("requests"))),
            "facts",
        );
        put(
            "async_handling_rate",
            pair(
                fx.async_handled,
                "async_handled",
                fx.async_received,
                "async_received",
            )
            .and_then(|(a, b)| f::async_handling_rate(a, b).ok_or_else(|| zero("async_received"))),
            "facts",
        );
        put(
            "async_on_time_rate",
            pair(
                fx.async_on_time,
                "async_on_time",
                fx.async_received,
                "async_received",
            )
            .and_then(|(a, b)| f::async_on_time_rate(a, b).ok_or_else(|| zero("async_received"))),
            "facts",
        );
        put(
            "cost_per_call",
            fact(fx.total_cost, "total_cost")
                .and_then(|c| f::cost_per_call(c, s.answered).ok_or_else(|| zero("answered"))),
            "facts + actuals",
        );
        put(
            "attrition",
            pair(
                fx.leavers_12m,
                "leavers_12m",
                fx.average_monthly_headcount_12m,
                "average_monthly_headcount_12m",
            )
            .and_then(|(a, b)| f::attrition(a, b).ok_or_else(|| zero("headcount"))),
            "facts",
        );
        put(
            "training_hours_per_head",
            pair(
                fx.training_hours,
                "training_hours",
                fx.headcount,
                "headcount",
            )
            .and_then(|(a, b)| f::training_hours_per_head(a, b).ok_or_else(|| zero("headcount"))),
            "facts",
        );
        for (key, v) in [
            ("exam_average", fx.exam_average),
            ("qa_average", fx.qa_average),
            ("performance_average", fx.performance_average),
            ("major_complaints", fx.major_complaints),
            ("report_errors", fx.report_errors),
        ] {
            put(key, fact(v, key), "facts");
        }
    }
    out
}

/// Runs the audit of `options.period`.
///
/// # Errors
/// [`AuditError::EmptyPeriod`] when the actuals have no row in the period.
pub fn audit(inputs: &AuditInputs, options: &AuditOptions) -> Result<Audit, crate::Error> {
    let period = options.period;
    let prev = period.previous();
    let act = &inputs.actuals;
    let rows: Vec<&ActualInterval> = act
        .rows
        .iter()
        .filter(|r| period.contains(r.interval_start))
        .collect();
    if rows.is_empty() {
        let first = act.rows.iter().map(|r| r.interval_start).min();
        let last = act.rows.iter().map(|r| r.interval_start).max();
        let fmt =
            |t: Option<NaiveDateTime>| t.map(crate::time::format_timestamp).unwrap_or_default();
        return Err(AuditError::EmptyPeriod {
            path: act.path.clone(),
            period: period.to_string(),
            first: fmt(first),
            last: fmt(last),
        }
        .into());
    }
    let prev_rows: Vec<&ActualInterval> = act
        .rows
        .iter()
        .filter(|r| prev.contains(r.interval_start))
        .collect();
    let ivl = interval_secs(&act.rows);
    let queues: BTreeSet<String> = rows.iter().map(|r| r.queue.clone()).collect();

    let in_p = |ts: NaiveDateTime, p: Period| p.contains(ts);
    let agents_p: Option<Vec<&AgentStateRow>> = inputs.agent_states.as_ref().map(|a| {
        a.rows
            .iter()
            .filter(|r| in_p(r.interval_start, period))
            .collect()
    });
    let agents_prev: Option<Vec<&AgentStateRow>> = inputs.agent_states.as_ref().map(|a| {
        a.rows
            .iter()
            .filter(|r| in_p(r.interval_start, prev))
            .collect()
    });
    let has_calls = inputs.agent_states.as_ref().is_some_and(|a| a.has_calls);
    let proxy_p: Option<Vec<&StaffingProxyRow>> = inputs.staffing_proxy.as_ref().map(|a| {
        a.rows
            .iter()
            .filter(|r| in_p(r.interval_start, period))
            .collect()
    });
    let proxy_prev: Option<Vec<&StaffingProxyRow>> = inputs.staffing_proxy.as_ref().map(|a| {
        a.rows
            .iter()
            .filter(|r| in_p(r.interval_start, prev))
            .collect()
    });
    let planned_p: Option<Vec<&PlannedInterval>> = inputs.planned.as_ref().map(|a| {
        a.rows
            .iter()
            .filter(|r| in_p(r.interval_start, period))
            .collect()
    });
    let planned_prev: Option<Vec<&PlannedInterval>> = inputs.planned.as_ref().map(|a| {
        a.rows
            .iter()
            .filter(|r| in_p(r.interval_start, prev))
            .collect()
    });

    let cur = period_kpis(
        act,
        &rows,
        &queues,
        agents_p.as_deref().map(|r| (r, has_calls)),
        proxy_p.as_deref(),
        planned_p.as_deref(),
        inputs.facts.as_ref(),
        options,
        ivl,
    );
    let previous: BTreeMap<(&'static str, String), f64> = if prev_rows.is_empty() {
        BTreeMap::new()
    } else {
        period_kpis(
            act,
            &prev_rows,
            &queues,
            agents_prev.as_deref().map(|r| (r, has_calls)),
            proxy_prev.as_deref(),
            planned_prev.as_deref(),
            inputs.previous_facts.as_ref(),
            options,
            ivl,
        )
        .into_iter()
        .filter_map(|(k, s, v, _)| v.ok().map(|v| ((k, s), v)))
        .collect()
    };

    // Forecast accuracy.
    let (accuracy, accuracy_needs, fc_note, fc_by) = match &inputs.forecast {
        Some(fc) => {
            let r = accuracy_rows(&rows, fc, period);
            (r.rows, None, r.note, Some(r.by_day_slot))
        }
        None => (
            Vec::new(),
            Some("--forecast (a forecast snapshot of the period)".to_string()),
            String::new(),
            None,
        ),
    };
    let mut kpis: Vec<Kpi> = Vec::new();
    let mk = |key: &'static str, scope: String, v: Result<f64, String>, src: String| Kpi {
        def: kpi::definition(key).expect("every key is defined"),
        previous: previous.get(&(key, scope.clone())).copied(),
        scope,
        value: match v {
            Ok(x) if x.is_finite() => KpiValue::Value(x),
            Ok(_) => KpiValue::NotComputable {
                needs: "finite inputs".to_string(),
            },
            Err(needs) => KpiValue::NotComputable { needs },
        },
        source: src,
    };
    for (k, s, v, src) in cur {
        kpis.push(mk(k, s, v, src));
    }
    // Forecast KPIs (scope all and per queue).
    let fc_keys: [(&str, &str, MeasureOf); 10] = [
        ("volume", "forecast_accuracy", |m| m.ratio),
        ("volume", "forecast_wape", |m| m.wape),
        ("volume", "forecast_mape", |m| m.mape),
        ("volume", "forecast_bias", |m| m.bias),
        ("volume", "forecast_interval_accuracy", |m| m.accuracy),
        ("aht", "aht_forecast_accuracy", |m| m.ratio),
        ("aht", "aht_forecast_wape", |m| m.wape),
        ("aht", "aht_forecast_mape", |m| m.mape),
        ("aht", "aht_forecast_bias", |m| m.bias),
        ("aht", "aht_forecast_interval_accuracy", |m| m.accuracy),
    ];
    let mut scopes = vec!["all".to_string()];
    scopes.extend(queues.iter().cloned());
    // Source of the forecast KPIs: the snapshot's origin and the model(s) — per queue from the
    // sidecar's `models` map (or the rows' `model` column) for queue scopes.
    let fc_models: BTreeMap<String, String> = inputs
        .forecast
        .as_ref()
        .map(|fc| {
            let from_meta: Option<BTreeMap<String, String>> = fc
                .meta
                .get("models")
                .and_then(|m| serde_json::from_str(m).ok());
            from_meta.unwrap_or_else(|| {
                fc.rows
                    .iter()
                    .filter_map(|r| Some((r.queue.clone(), r.model.clone()?)))
                    .collect()
            })
        })
        .unwrap_or_default();
    let fc_source = |scope: &str| -> String {
        let Some(fc) = &inputs.forecast else {
            return "-".to_string();
        };
        let origin = fc
            .meta
            .get("origin")
            .map(|o| format!(" (origin {o})"))
            .unwrap_or_default();
        match fc_models.get(scope) {
            Some(m) => format!("forecast {m}{origin}"),
            None => {
                let all: BTreeSet<&str> = fc_models.values().map(String::as_str).collect();
                let all: Vec<&str> = all.into_iter().collect();
                format!("forecast {}{origin}", all.join(" + "))
            }
        }
    };
    let fc_src = fc_source("all");
    for scope in &scopes {
        for (measure, key, get) in &fc_keys {
            let row = accuracy.iter().find(|r| {
                r.measure == *measure
                    && ((scope == "all" && r.grouping == "total")
                        || (r.grouping == "queue" && &r.key == scope))
            });
            let v = match (&accuracy_needs, row) {
                (Some(n), _) => Err(n.clone()),
                (None, None)
                    if *measure == "aht"
                        && !inputs.forecast.as_ref().is_some_and(|f| f.has_aht) =>
                {
                    Err("column `aht_forecast` in --forecast".to_string())
                }
                (None, None) => Err(format!("forecast rows matching the actuals of {scope}")),
                (None, Some(r)) => get(&r.m).ok_or_else(|| {
                    if *measure == "aht" && !act.has("aht") {
                        needs_column("aht", act.threshold_secs)
                    } else {
                        "non-zero actuals".to_string()
                    }
                }),
            };
            kpis.push(Kpi {
                def: kpi::definition(key).expect("defined"),
                scope: scope.clone(),
                value: match v {
                    Ok(x) => KpiValue::Value(x),
                    Err(needs) => KpiValue::NotComputable { needs },
                },
                previous: None,
                source: fc_source(scope),
            });
        }
    }
    // The handbook's figure: the monthly accuracy averaged over the last four months, from the
    // months of the period and the 3 before it that both the forecast and the actuals cover.
    if let Some(fc) = &inputs.forecast {
        let mut months = Vec::new();
        let mut m = period;
        for _ in 0..4 {
            let rows_m: Vec<&ActualInterval> = act
                .rows
                .iter()
                .filter(|r| m.contains(r.interval_start))
                .collect();
            if !rows_m.is_empty() {
                let r = accuracy_rows(&rows_m, fc, m);
                if let Some(ratio) = r
                    .rows
                    .iter()
                    .find(|x| x.measure == "volume" && x.grouping == "total")
                    .and_then(|x| x.m.ratio)
                {
                    months.push((m, ratio));
                }
            }
            m = m.previous();
        }
        let v = if months.is_empty() {
            Err("forecast rows matching the actuals".to_string())
        } else {
            Ok(months.iter().map(|x| x.1).sum::<f64>() / months.len() as f64)
        };
        let list: Vec<String> = months.iter().rev().map(|x| x.0.to_string()).collect();
        kpis.push(mk(
            "forecast_accuracy_4m",
            "all".to_string(),
            v,
            format!("{fc_src}; {} month(s): {}", months.len(), list.join(", ")),
        ));
    } else {
        kpis.push(mk(
            "forecast_accuracy_4m",
            "all".to_string(),
            Err("--forecast (a forecast snapshot of the period)".to_string()),
            "-".to_string(),
        ));
    }
    // Sort: scope all first (in catalogue order), then queues.
    let order = |k: &Kpi| {
        kpi::KPI_DEFINITIONS
            .iter()
            .position(|d| d.key == k.def.key)
            .unwrap_or(usize::MAX)
    };
    kpis.sort_by(|a, b| {
        let sa = (a.scope != "all", a.scope.clone(), order(a));
        let sb = (b.scope != "all", b.scope.clone(), order(b));
        sa.cmp(&sb)
    });

    // Series for the report.
    let daily = daily_rows(
        act,
        &rows,
        options,
        fc_by.as_ref(),
        agents_p.as_deref(),
        proxy_p.as_deref(),
    );
    let intraday = intraday_rows(&rows, fc_by.as_ref());
    let staffing = staffing_rows(
        ivl,
        planned_p.as_deref(),
        agents_p.as_deref(),
        proxy_p.as_deref(),
    );
    let model_check = model_check::check(act, &rows, &staffing, ivl, options)?;

    // Scorecard.
    let all_kpis: BTreeMap<&str, &Kpi> = kpis
        .iter()
        .filter(|k| k.scope == "all")
        .map(|k| (k.def.key, k))
        .collect();
    let all_kpis = &all_kpis;
    let lookup = |facts: Option<&Facts>, previous: bool| {
        let values = facts.map(|f| f.values.clone()).unwrap_or_default();
        move |source: &str, unit: scorecard::IndicatorUnit| -> Result<scorecard::LookedUp, String> {
            if let Some(v) = values.get(source) {
                return Ok(scorecard::LookedUp {
                    value: *v,
                    origin: "facts [values]",
                });
            }
            let Some(k) = all_kpis.get(source) else {
                return Err(format!(
                    "`{source}` in [values] of --facts (no KPI has this key)"
                ));
            };
            let v = if previous {
                k.previous
            } else {
                k.value.value()
            };
            match v {
                Some(v) => {
                    let percent = unit == scorecard::IndicatorUnit::Percent
                        && k.def.unit.display_factor() == 100.0;
                    Ok(scorecard::LookedUp {
                        value: if percent { v * 100.0 } else { v },
                        origin: if k.def.formula == "fact" {
                            "facts"
                        } else {
                            "kpi"
                        },
                    })
                }
                None => Err(match &k.value {
                    KpiValue::NotComputable { needs } if !previous => needs.clone(),
                    _ => format!("the previous period's `{source}`"),
                }),
            }
        }
    };
    let scorecard = inputs.scorecard.as_ref().map(|card| {
        let cur = lookup(inputs.facts.as_ref(), false);
        let prv = lookup(inputs.previous_facts.as_ref(), true);
        let has_prev = inputs.previous_facts.is_some() || !prev_rows.is_empty();
        let prv: Option<scorecard::Lookup<'_>> = if has_prev { Some(&prv) } else { None };
        scorecard::evaluate(card, &cur, prv)
    });

    // Input accounting.
    let mut uses = Vec::new();
    let count = |stamps: &mut dyn Iterator<Item = NaiveDateTime>| {
        let (mut u, mut p, mut o, mut n) = (0, 0, 0, 0);
        for ts in stamps {
            n += 1;
            if period.contains(ts) {
                u += 1;
            } else if prev.contains(ts) {
                p += 1;
            } else {
                o += 1;
            }
        }
        (n, u, p, o)
    };
    let mut push_use =
        |input: &'static str, path: &Path, c: (usize, usize, usize, usize), note: String| {
            uses.push(InputUse {
                input,
                path: path.to_path_buf(),
                rows: c.0,
                used: c.1,
                previous: c.2,
                outside: c.3,
                note,
            });
        };
    push_use(
        "actuals",
        &act.path,
        count(&mut act.rows.iter().map(|r| r.interval_start)),
        format!(
            "optional columns read: {}",
            act.provided
                .values()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    if let Some(fc) = &inputs.forecast {
        push_use(
            "forecast",
            &fc.path,
            count(&mut fc.rows.iter().map(|r| r.interval_start)),
            fc_note,
        );
    }
    if let Some(p) = &inputs.planned {
        push_use(
            "planned",
            &p.path,
            count(&mut p.rows.iter().map(|r| r.interval_start)),
            "rows = distinct intervals after pooling queues".to_string(),
        );
    }
    if let Some(a) = &inputs.agent_states {
        push_use(
            "agent-states",
            &a.path,
            count(&mut a.rows.iter().map(|r| r.interval_start)),
            String::new(),
        );
    }
    if let Some(a) = &inputs.staffing_proxy {
        push_use(
            "agent-states (pooled proxy)",
            &a.path,
            count(&mut a.rows.iter().map(|r| r.interval_start)),
            String::new(),
        );
    }
    Ok(Audit {
        options: options.clone(),
        interval_secs: ivl,
        kpis,
        accuracy,
        accuracy_needs,
        daily,
        intraday,
        staffing,
        model_check,
        scorecard,
        inputs: uses,
        forecast_meta: inputs
            .forecast
            .as_ref()
            .map(|f| f.meta.clone())
            .unwrap_or_default(),
    })
}

type MeasureOf = fn(&f::ErrorMeasures) -> Option<f64>;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

struct AccuracyResult {
    rows: Vec<AccuracyRow>,
    note: String,
    /// Forecast per (date, slot) over the matched pairs.
    by_day_slot: BTreeMap<(NaiveDate, u32), f64>,
}

/// Matches forecast to actuals by (interval, queue) — or, when the forecast has one queue that
/// the actuals do not have, against the actuals pooled over queues — and computes the error
/// measures per grouping.
fn accuracy_rows(rows: &[&ActualInterval], fc: &Forecast, period: Period) -> AccuracyResult {
    let fc_rows: Vec<&ForecastInterval> = fc
        .rows
        .iter()
        .filter(|r| period.contains(r.interval_start))
        .collect();
    let actual_queues: BTreeSet<&str> = rows.iter().map(|r| r.queue.as_str()).collect();
    let fc_queues: BTreeSet<&str> = fc_rows.iter().map(|r| r.queue.as_str()).collect();
    let pooled =
        fc_queues.len() == 1 && !actual_queues.is_empty() && fc_queues.is_disjoint(&actual_queues);
    // (ts, queue) → (offered, answered, handle)
    let mut act: BTreeMap<(NaiveDateTime, String), (f64, f64, Option<f64>)> = BTreeMap::new();
    for r in rows {
        let q = if pooled {
            fc_queues.iter().next().unwrap().to_string()
        } else {
            r.queue.clone()
        };
        let e = act
            .entry((r.interval_start, q))
            .or_insert((0.0, 0.0, Some(0.0)));
        e.0 += r.offered;
        e.1 += r.answered;
        e.2 = match (e.2, r.aht_secs) {
            (Some(h), Some(a)) => Some(h + a * r.answered),
            (Some(h), None) if r.answered == 0.0 => Some(h),
            _ => None,
        };
    }
    struct Pair {
        ts: NaiveDateTime,
        queue: String,
        a: f64,
        f: f64,
        n: f64,
        aht: Option<f64>,
        aht_f: Option<f64>,
    }
    let mut pairs = Vec::new();
    let mut unmatched_fc = 0usize;
    let mut matched: BTreeSet<(NaiveDateTime, String)> = BTreeSet::new();
    for r in &fc_rows {
        let key = (r.interval_start, r.queue.clone());
        match act.get(&key) {
            Some(&(a, n, h)) => {
                matched.insert(key);
                pairs.push(Pair {
                    ts: r.interval_start,
                    queue: r.queue.clone(),
                    a,
                    f: r.forecast,
                    n,
                    aht: h.and_then(|h| (n > 0.0).then(|| h / n)),
                    aht_f: r.aht_forecast_secs,
                });
            }
            None => unmatched_fc += 1,
        }
    }
    // A queue × interval with calls that the forecast omits (inside the forecast's days, for a
    // queue it covers) was forecast as 0: a closed interval in the forecast's eyes.
    let matched_n = pairs.len();
    let fc_days: Option<(NaiveDate, NaiveDate)> = fc_rows
        .iter()
        .map(|r| r.interval_start.date())
        .fold(None, |acc, d| match acc {
            None => Some((d, d)),
            Some((a, b)) => Some((a.min(d), b.max(d))),
        });
    let (mut zero_filled, mut zero_calls, mut outside_n) = (0usize, 0.0, 0usize);
    for ((ts, q), &(a, n, h)) in &act {
        if matched.contains(&(*ts, q.clone())) {
            continue;
        }
        let inside = fc_days.is_some_and(|(d0, d1)| (d0..=d1).contains(&ts.date()))
            && fc_queues.contains(q.as_str());
        if !inside {
            outside_n += 1;
            continue;
        }
        zero_filled += 1;
        zero_calls += a;
        pairs.push(Pair {
            ts: *ts,
            queue: q.clone(),
            a,
            f: 0.0,
            n,
            aht: h.and_then(|h| (n > 0.0).then(|| h / n)),
            aht_f: None,
        });
    }
    let mut note = format!(
        "{matched_n} queue × interval pairs matched; {unmatched_fc} forecast rows without actuals; \
         {zero_filled} actual queue × intervals inside the forecast's days without a forecast row, \
         counted as forecast 0 ({zero_calls} calls offered in them); {outside_n} outside the \
         forecast's days or queues, not compared"
    );
    if pooled {
        note.push_str("; forecast queue not in actuals: compared with actuals pooled over queues");
    }
    let mut out = Vec::new();
    type Key = (&'static str, String, Option<usize>, Option<u32>);
    type KeyOf = fn(&Pair) -> Key;
    let groupings: [(&'static str, KeyOf); 5] = [
        ("total", |_| ("total", "all".to_string(), None, None)),
        ("queue", |p| ("queue", p.queue.clone(), None, None)),
        ("day", |p| ("day", p.ts.date().to_string(), None, None)),
        ("weekday", |p| {
            let w = crate::time::weekday_sun0(p.ts.date());
            ("weekday", WEEKDAYS[w].to_string(), Some(w), None)
        }),
        ("weekday_interval", |p| {
            let w = crate::time::weekday_sun0(p.ts.date());
            let s = crate::time::seconds_of_day(p.ts);
            (
                "weekday_interval",
                format!("{} {:02}:{:02}", WEEKDAYS[w], s / 3600, s % 3600 / 60),
                Some(w),
                Some(s),
            )
        }),
    ];
    let aht_ok = fc.has_aht;
    for (_, key_of) in groupings {
        type Groups<'p, P> = BTreeMap<(Option<usize>, Option<u32>, String), (Key, Vec<&'p P>)>;
        let mut groups: Groups<'_, Pair> = BTreeMap::new();
        for p in &pairs {
            let k = key_of(p);
            groups
                .entry((k.2, k.3, k.1.clone()))
                .or_insert_with(|| (k.clone(), Vec::new()))
                .1
                .push(p);
        }
        for (_, (k, ps)) in groups {
            out.push(AccuracyRow {
                measure: "volume",
                grouping: k.0,
                key: k.1.clone(),
                weekday: k.2,
                slot_secs: k.3,
                m: f::error_measures(ps.iter().map(|p| (1.0, p.a, p.f))),
            });
            if aht_ok {
                // AHT pairs: intervals with answered calls and both AHTs known (an interval the
                // forecast omits has no AHT forecast and is left out of the AHT measures).
                let aht_pairs: Vec<(f64, f64, f64)> = ps
                    .iter()
                    .filter(|p| p.n > 0.0)
                    .filter_map(|p| Some((p.n, p.aht?, p.aht_f?)))
                    .collect();
                if !aht_pairs.is_empty() {
                    out.push(AccuracyRow {
                        measure: "aht",
                        grouping: k.0,
                        key: k.1,
                        weekday: k.2,
                        slot_secs: k.3,
                        m: f::error_measures(aht_pairs),
                    });
                }
            }
        }
    }
    let mut by_day_slot = BTreeMap::new();
    for p in &pairs {
        *by_day_slot
            .entry((p.ts.date(), crate::time::seconds_of_day(p.ts)))
            .or_insert(0.0) += p.f;
    }
    AccuracyResult {
        rows: out,
        note,
        by_day_slot,
    }
}

fn daily_rows(
    act: &Actuals,
    rows: &[&ActualInterval],
    options: &AuditOptions,
    fc: Option<&BTreeMap<(NaiveDate, u32), f64>>,
    agents: Option<&[&AgentStateRow]>,
    proxy: Option<&[&StaffingProxyRow]>,
) -> Vec<DailyRow> {
    let days: BTreeSet<NaiveDate> = rows.iter().map(|r| r.interval_start.date()).collect();
    days.into_iter()
        .map(|d| {
            let s = Sums::of(
                act,
                rows.iter()
                    .copied()
                    .filter(|r| r.interval_start.date() == d),
            );
            let sl = s.answered_within.clone().ok().and_then(|aw| {
                let abw = s.abandoned_within.clone().ok();
                f::service_level(options.sl_convention, aw, s.offered, s.answered, abw)
            });
            let occupancy = match (agents, proxy) {
                (Some(a), _) => {
                    let ag = agent_sums(
                        a.iter().copied().filter(|r| r.interval_start.date() == d),
                        false,
                    );
                    f::occupancy(ag.handle, ag.ready)
                }
                (None, Some(p)) => {
                    let (b, n) = p
                        .iter()
                        .filter(|r| r.interval_start.date() == d)
                        .fold((0.0, 0.0), |(b, n), r| {
                            (b + r.busy_agents_equiv, n + r.distinct_named_agents)
                        });
                    f::ratio(b, n)
                }
                (None, None) => None,
            };
            DailyRow {
                date: d,
                offered: s.offered,
                answered: s.answered,
                abandoned: s.abandoned,
                forecast: fc.map(|m| m.range((d, 0)..(d, 86_400)).map(|(_, v)| v).sum()),
                service_level: sl,
                asa_secs: s
                    .wait_answered
                    .ok()
                    .and_then(|w| f::average_speed_of_answer(w, s.answered)),
                abandon_rate: f::abandon_rate(s.abandoned, s.answered),
                occupancy,
            }
        })
        .collect()
}

fn intraday_rows(
    rows: &[&ActualInterval],
    fc: Option<&BTreeMap<(NaiveDate, u32), f64>>,
) -> Vec<IntradayRow> {
    let days: BTreeSet<NaiveDate> = rows.iter().map(|r| r.interval_start.date()).collect();
    let nd = days.len().max(1) as f64;
    let mut act: BTreeMap<u32, f64> = BTreeMap::new();
    for r in rows {
        *act.entry(crate::time::seconds_of_day(r.interval_start))
            .or_insert(0.0) += r.offered;
    }
    let fc_days: BTreeSet<NaiveDate> = fc
        .map(|m| m.keys().map(|k| k.0).collect())
        .unwrap_or_default();
    let mut fcs: BTreeMap<u32, f64> = BTreeMap::new();
    if let Some(m) = fc {
        for ((_, s), v) in m {
            *fcs.entry(*s).or_insert(0.0) += v;
        }
    }
    act.into_iter()
        .map(|(s, a)| IntradayRow {
            slot_secs: s,
            actual: a / nd,
            forecast: fc.map(|_| fcs.get(&s).copied().unwrap_or(0.0) / fc_days.len().max(1) as f64),
        })
        .collect()
}

fn staffing_rows(
    ivl: u32,
    planned: Option<&[&PlannedInterval]>,
    agents: Option<&[&AgentStateRow]>,
    proxy: Option<&[&StaffingProxyRow]>,
) -> Vec<StaffingRow> {
    let mut m: BTreeMap<NaiveDateTime, StaffingRow> = BTreeMap::new();
    if let Some(p) = planned {
        for r in p {
            let e = m
                .entry(r.interval_start)
                .or_insert_with(|| blank(r.interval_start));
            e.required = r.required;
            e.scheduled = r.scheduled;
        }
    }
    if let Some(a) = agents {
        let mut by: BTreeMap<NaiveDateTime, (f64, f64, f64)> = BTreeMap::new();
        for r in a {
            let e = by.entry(r.interval_start).or_insert((0.0, 0.0, 0.0));
            e.0 += r.logged_in_secs;
            e.1 += r.talk_secs + r.hold_secs + r.acw_secs;
            e.2 += r.ready_secs;
        }
        let planned_has_sched = planned.is_some_and(|p| p.iter().any(|r| r.scheduled.is_some()));
        let mut sched: BTreeMap<NaiveDateTime, f64> = BTreeMap::new();
        for r in a {
            *sched.entry(r.interval_start).or_insert(0.0) += r.scheduled_secs;
        }
        for (ts, (li, h, rd)) in by {
            let e = m.entry(ts).or_insert_with(|| blank(ts));
            e.actual = Some(li / f64::from(ivl));
            e.occupancy = f::occupancy(h, rd);
            if !planned_has_sched {
                e.scheduled = sched.get(&ts).map(|s| s / f64::from(ivl));
            }
        }
    } else if let Some(p) = proxy {
        for r in p {
            let e = m
                .entry(r.interval_start)
                .or_insert_with(|| blank(r.interval_start));
            e.actual = Some(r.distinct_named_agents);
            e.occupancy = f::ratio(r.busy_agents_equiv, r.distinct_named_agents);
        }
    }
    m.into_values().collect()
}

fn blank(ts: NaiveDateTime) -> StaffingRow {
    StaffingRow {
        interval_start: ts,
        required: None,
        scheduled: None,
        actual: None,
        occupancy: None,
    }
}
