//! Monthly audit: the handbook KPIs against actuals, forecast accuracy, the Erlang C / Erlang A
//! model check and a weighted KPI scorecard.
//!
//! Glossary: AHT = average handle time, ASA = average speed of answer, SL = service level,
//! ACW = after-call work, WAPE = weighted absolute percentage error, MAPE = mean absolute
//! percentage error, FCR = first-contact resolution, IVR/VRU = interactive voice response unit.
//!
//! Entry point: [`audit`] takes typed [`AuditInputs`] (read with [`AuditInputs::load`]) and
//! [`AuditOptions`], and returns an [`Audit`]: the KPIs ([`kpi::KPI_DEFINITIONS`] lists each
//! with its handbook name and formula) with previous month, 4-month mean, monthly trend and
//! target status, the series the report plots, and the scorecard. A KPI
//! whose input is missing is [`kpi::KpiValue::NotComputable`] with what it needs — never 0.
//! The formulas are in [`formulas`]; docs/audit.md documents the input schemas.
//!
//! Layout: one file per KPI family ([`calls`](self) volumes and service, handling times,
//! agents, monthly facts, forecast), each adding its KPIs for a [`Scope`] through a sink;
//! `month` restricts the inputs to one month and runs the families; `accuracy` matches the
//! forecast; `series` builds what the report plots; `targets` gives each KPI its status.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::model::LocalStamp;

mod accounting;
pub mod accuracy;
mod agents;
mod calls;
mod catalogue;
mod compute;
mod facts_kpis;
pub mod fidelity;
mod forecast_kpis;
pub mod formulas;
mod handling;
pub mod input;
pub mod key;
pub mod kpi;
pub mod model_check;
mod month;
mod period;
pub mod scorecard;
mod scoring;
pub mod series;
mod sums;
pub mod targets;

pub use accounting::InputUse;
pub use accuracy::AccuracyRow;
pub use formulas::SlConvention;
pub use input::{
    ActualInterval, Actuals, AgentStateRow, AgentStates, Facts, Forecast, ForecastInterval,
    Planned, PlannedInterval, StaffingProxy, StaffingProxyRow,
};
pub use key::{Grouping, Measure, Scope};
pub use kpi::{Better, Kpi, KpiDef, KpiKey, KpiUnit, KpiValue, Mean};
pub use model_check::{ModelCheck, ModelCheckRow, ModelSummary};
pub use period::Period;
pub use scorecard::{Scorecard, ScorecardResult};
pub use series::{DailyRow, IntervalRow, IntradayRow, StaffingRow};
pub use targets::{Status, Target, Targets};

use month::{Computed, MonthData};
pub(crate) use sums::needs_column;

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
    #[error("{}: fact `{name}` must be a finite number ≥ 0, got {}", path.display(), crate::units::Shown(*.value))]
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
    /// A targets file is invalid.
    #[error("{}: `{field}`: {message}", path.display())]
    Targets {
        /// The targets file.
        path: PathBuf,
        /// The field (`target[2].kpi`, …).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The staffing config (default targets) could not be read.
    #[error(transparent)]
    Staffing(#[from] crate::staffing::StaffingError),
    /// The model check failed.
    #[error("model check: {0}")]
    ModelCheck(String),
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
    /// `--targets`: KPI targets (see [`targets`]).
    pub targets: Option<PathBuf>,
    /// `--config`: the staffing config, whose SL/ASA/abandon targets are default targets.
    pub staffing_config: Option<PathBuf>,
    /// `--illustrative NAME`: inputs to label as illustrative on the report (`agent-states`,
    /// `facts`, …).
    pub illustrative: Vec<String>,
    /// `--pools`: agent pools (skill groups) as `[[pools]]` `name`, `queues` — `wfm calibrate`'s
    /// `calibration.toml` or a planner's file; each pool gets its KPIs and report section.
    pub pools: Option<PathBuf>,
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
    /// KPI targets: the targets file, then the staffing config's, then the scorecard's.
    pub targets: Targets,
    /// Inputs to label as illustrative, with why (`facts`: its `source`, …).
    pub illustrative: Vec<String>,
    /// Agent pools ([`Scope::Pool`]), each a scope of its own.
    pub pools: Vec<Scope>,
}

/// The audit of one month.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The options used.
    pub options: AuditOptions,
    /// Interval length inferred from the actuals, seconds.
    pub interval_secs: u32,
    /// The queues of the period.
    pub queues: Vec<String>,
    /// The months with actuals among the 13 ending with the period, oldest first.
    pub months: Vec<Period>,
    /// Every KPI (scope `all` first, then per queue), computable or not.
    pub kpis: Vec<Kpi>,
    /// Forecast accuracy rows (empty without a forecast; see `accuracy_needs`).
    pub accuracy: Vec<AccuracyRow>,
    /// Why forecast accuracy is missing, if it is.
    pub accuracy_needs: Option<String>,
    /// Per day of the period (all queues).
    pub daily: Vec<DailyRow>,
    /// Per day of the period, per queue and per pool (with the scope's forecast, when given).
    pub scope_daily: BTreeMap<Scope, Vec<DailyRow>>,
    /// The agent pools given (`--pools`), in file order.
    pub pools: Vec<Scope>,
    /// Mean by time of day.
    pub intraday: Vec<IntradayRow>,
    /// Per interval of the period, pooled over queues.
    pub intervals: Vec<IntervalRow>,
    /// Per interval staffing (empty without planned/agent inputs).
    pub staffing: Vec<StaffingRow>,
    /// The Erlang C / Erlang A check against what happened.
    pub model_check: ModelCheck,
    /// The scored scorecard.
    pub scorecard: Option<ScorecardResult>,
    /// The targets the statuses were computed against.
    pub targets: Targets,
    /// Inputs labelled illustrative, with why.
    pub illustrative: Vec<String>,
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
            .find(|k| k.def.key == key && k.scope == Scope::All)
    }
    /// The KPI `key` of `scope`.
    pub fn get(&self, key: KpiKey, scope: &Scope) -> Option<&Kpi> {
        self.kpis.iter().find(|k| k.key == key && &k.scope == scope)
    }
    /// The value of KPI `key` (scope `all`), if computable.
    pub fn value(&self, key: &str) -> Option<f64> {
        self.kpi(key)?.value.value()
    }
}

/// The interval length of the actuals by the crate's one inference (checked when they were
/// read); 1800 s when a single interval start cannot tell.
fn interval_secs(rows: &[ActualInterval]) -> u32 {
    input::actuals_grid(rows).map_or(1800, |l| l.seconds())
}

fn empty_period(act: &Actuals, period: Period) -> AuditError {
    let first = act
        .rows
        .iter()
        .map(|r| r.interval_start)
        .min_by_key(|t| t.utc());
    let last = act
        .rows
        .iter()
        .map(|r| r.interval_start)
        .max_by_key(|t| t.utc());
    let fmt = |t: Option<LocalStamp>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    AuditError::EmptyPeriod {
        path: act.path.clone(),
        period: period.to_string(),
        first: fmt(first),
        last: fmt(last),
    }
}

/// Values of every KPI × scope per month.
type History = BTreeMap<Period, BTreeMap<(KpiKey, Scope), f64>>;

/// The KPIs of the up to 12 months before the period that have actuals (trend, previous
/// month, 4-month means); the facts of the month before are `--previous-facts`.
fn history(inputs: &AuditInputs, options: &AuditOptions, scopes: &[Scope], ivl: u32) -> History {
    let period = options.period;
    let mut out = History::new();
    for m in period.last_n(13) {
        if m == period {
            continue;
        }
        let facts = (m == period.previous())
            .then_some(inputs.previous_facts.as_ref())
            .flatten();
        let data = MonthData::new(inputs, m, facts, ivl);
        if data.rows.is_empty() {
            continue;
        }
        let values = compute::month_kpis(&data, scopes, options)
            .into_iter()
            .filter_map(|c| Some(((c.key, c.scope), c.value.ok()?)))
            .collect();
        out.insert(m, values);
    }
    out
}

/// Builds the KPIs from the period's computed values and the history.
fn assemble(
    computed: Vec<Computed>,
    history: &History,
    options: &AuditOptions,
    targets: &Targets,
) -> Vec<Kpi> {
    let period = options.period;
    let last4 = period.last_n(4);
    let mut kpis: Vec<Kpi> = computed
        .into_iter()
        .map(|c| {
            let value = match c.value {
                Ok(x) if x.is_finite() => KpiValue::Value(x),
                Ok(_) => KpiValue::NotComputable {
                    needs: "finite inputs".to_string(),
                },
                Err(needs) => KpiValue::NotComputable { needs },
            };
            let id = (c.key, c.scope.clone());
            let mut trend: Vec<(Period, f64)> = history
                .iter()
                .filter_map(|(m, vs)| Some((*m, *vs.get(&id)?)))
                .collect();
            if let Some(v) = value.value() {
                trend.push((period, v));
            }
            let previous = trend
                .iter()
                .find(|(m, _)| *m == period.previous())
                .map(|x| x.1);
            let in4: Vec<f64> = trend
                .iter()
                .filter(|(m, _)| last4.contains(m))
                .map(|x| x.1)
                .collect();
            let mean_4m =
                (c.key.in_handbook() && value.value().is_some() && !in4.is_empty()).then(|| Mean {
                    value: in4.iter().sum::<f64>() / in4.len() as f64,
                    months: in4.len(),
                });
            Kpi {
                key: c.key,
                def: c.key.def(),
                target: targets.get(c.key, &c.scope).cloned(),
                no_target: targets.none_origin(c.key, &c.scope).map(str::to_string),
                scope: c.scope,
                value,
                previous,
                mean_4m,
                trend,
                source: c.source,
            }
        })
        .collect();
    // Scope all first (in catalogue order), then queues.
    kpis.sort_by(|a, b| {
        let sa = (a.scope != Scope::All, a.scope.clone(), a.key);
        let sb = (b.scope != Scope::All, b.scope.clone(), b.key);
        sa.cmp(&sb)
    });
    kpis
}

/// Runs the audit of `options.period`.
///
/// # Errors
/// [`AuditError::EmptyPeriod`] when the actuals have no row in the period;
/// [`AuditError::ModelCheck`] when the model check fails.
pub fn audit(inputs: &AuditInputs, options: &AuditOptions) -> Result<Audit, AuditError> {
    let period = options.period;
    let act = &inputs.actuals;
    let ivl = interval_secs(&act.rows);
    let cur = MonthData::new(inputs, period, inputs.facts.as_ref(), ivl);
    if cur.rows.is_empty() {
        return Err(empty_period(act, period));
    }
    let queues = cur.queues();
    let scopes: Vec<Scope> = std::iter::once(Scope::All)
        .chain(queues.iter().cloned().map(Scope::Queue))
        // A pool of every queue (calibrate's `ALL`) is the center itself.
        .chain(
            inputs
                .pools
                .iter()
                .filter(|p| !queues.iter().all(|q| p.contains(q)))
                .cloned(),
        )
        .collect();
    let pools: Vec<Scope> = scopes
        .iter()
        .filter(|s| matches!(s, Scope::Pool { .. }))
        .cloned()
        .collect();
    let history = history(inputs, options, &scopes, ivl);

    let (accuracy, accuracy_needs, fc_note, fc_by, fc_by_queue) = match &inputs.forecast {
        Some(fc) => {
            let r = accuracy::accuracy_rows(&cur.rows, fc, period, &pools);
            (r.rows, None, r.note, Some(r.by_day_slot), Some(r.by_queue))
        }
        None => (
            Vec::new(),
            Some(forecast_kpis::NEEDS_FORECAST.to_string()),
            String::new(),
            None,
            None,
        ),
    };
    let mut computed = compute::month_kpis(&cur, &scopes, options);
    computed.extend(forecast_kpis::kpis(
        inputs,
        &accuracy,
        accuracy_needs.as_deref(),
        &scopes,
        period,
    ));
    let kpis = assemble(computed, &history, options, &inputs.targets);

    let agents = cur.agents.as_deref();
    let proxy = cur.proxy.as_deref();
    let daily = series::daily_rows(act, &cur.rows, options, fc_by.as_ref(), agents, proxy);
    // Per queue and pool: the days with the scope's own forecast (Σ of its queues').
    let scope_daily = scopes
        .iter()
        .filter(|s| **s != Scope::All)
        .map(|s| {
            let rows: Vec<&ActualInterval> = cur
                .rows
                .iter()
                .copied()
                .filter(|r| s.contains(&r.queue))
                .collect();
            let fc = fc_by_queue.as_ref().map(|by| {
                let mut m: BTreeMap<LocalStamp, f64> = BTreeMap::new();
                for (_, f) in by.iter().filter(|(q, _)| s.contains(q)) {
                    for (k, v) in f {
                        *m.entry(*k).or_insert(0.0) += v;
                    }
                }
                m
            });
            let days = series::daily_rows(act, &rows, options, fc.as_ref(), None, None);
            (s.clone(), days)
        })
        .collect();
    let intraday = series::intraday_rows(&cur.rows, fc_by.as_ref());
    let intervals = series::interval_rows(act, &cur.rows, fc_by.as_ref());
    let staffing = series::staffing_rows(ivl, cur.planned.as_deref(), agents, proxy);
    let model_check = model_check::check(act, &cur.rows, &staffing, ivl, options)
        .map_err(|e| AuditError::ModelCheck(e.to_string()))?;
    let has_prev = history.contains_key(&period.previous());
    let scorecard = scoring::score(inputs, &kpis, has_prev);
    let mut months: Vec<Period> = history.keys().copied().collect();
    months.push(period);
    Ok(Audit {
        options: options.clone(),
        interval_secs: ivl,
        queues: queues.into_iter().collect(),
        months,
        kpis,
        accuracy,
        accuracy_needs,
        daily,
        scope_daily,
        pools,
        intraday,
        intervals,
        staffing,
        model_check,
        scorecard,
        targets: inputs.targets.clone(),
        illustrative: inputs.illustrative.clone(),
        inputs: accounting::uses(inputs, period, fc_note),
        forecast_meta: inputs
            .forecast
            .as_ref()
            .map(|f| f.meta.clone())
            .unwrap_or_default(),
    })
}
