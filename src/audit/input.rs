//! The audit's inputs as typed rows (the documented schemas are in docs/audit.md; the readers
//! are in [`crate::io::audit`]).
//!
//! An optional quantity that an input lacks is remembered ([`Actuals::provided`]) so that the
//! KPIs it feeds are listed as "not computable: needs …" instead of being printed as 0.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::model::{elapsed_clock, infer_interval, LocalStamp, Stamp};
use crate::units::IntervalLength;

/// The interval length of validated actuals (`None` when a single interval start cannot tell).
pub fn actuals_grid(rows: &[ActualInterval]) -> Option<IntervalLength> {
    let starts: Vec<LocalStamp> = rows.iter().map(|r| r.interval_start).collect();
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let stamps: Vec<Stamp> = elapsed_clock(&starts)
        .into_iter()
        .zip(rows)
        .map(|(at, r)| {
            let next = ids.len();
            Stamp {
                at,
                series: *ids.entry(r.queue.as_str()).or_insert(next),
            }
        })
        .collect();
    infer_interval(&stamps, None).ok()
}

/// One row of the actual intervals (the output of `wfm ingest`, or any export with the same
/// header names). Counts are calls; `*_secs` fields are seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualInterval {
    /// Left edge of the interval on the site's clock, with its UTC offset under `--tz` (the two
    /// intervals of a fall-back night's repeated hour differ only there).
    pub interval_start: LocalStamp,
    /// Queue (service type).
    pub queue: String,
    /// Calls that reached the agent queue (or were served directly).
    pub offered: f64,
    /// Calls answered by an agent.
    pub answered: f64,
    /// Calls abandoned after entering the queue.
    pub abandoned: f64,
    /// Mean handle time of answered calls (`aht_seconds`), or `sum_service_s / answered`.
    pub aht_secs: Option<f64>,
    /// Mean wait of answered calls (`asa_seconds`), or `sum_wait_answered_s / answered`.
    pub asa_secs: Option<f64>,
    /// Answered within the service-level threshold (`answered_le{X}`, or `sl_20s × offered`
    /// for X = 20 s).
    pub answered_within: Option<f64>,
    /// Abandoned within the threshold (`abandoned_le{X}`): the "short abandons".
    pub abandoned_within: Option<f64>,
    /// Total wait of abandoned calls (`sum_wait_abandoned_s`).
    pub sum_wait_abandoned_secs: Option<f64>,
    /// Calls that ended in the IVR/VRU without reaching the queue (`vru_only`).
    pub vru_only: Option<f64>,
    /// Mean talk time of answered calls (`talk_seconds`).
    pub talk_secs: Option<f64>,
    /// Mean hold time of answered calls (`hold_seconds`).
    pub hold_secs: Option<f64>,
    /// Mean after-call work of answered calls (`acw_seconds`).
    pub acw_secs: Option<f64>,
    /// Answered calls transferred to another queue or agent (`transferred`).
    pub transferred: Option<f64>,
}

/// The actual intervals of one file, with the optional columns it has.
#[derive(Debug, Clone)]
pub struct Actuals {
    /// The file read.
    pub path: PathBuf,
    /// The rows, in file order.
    pub rows: Vec<ActualInterval>,
    /// Optional quantities the file provides (keys: `aht`, `asa`, `answered_within`,
    /// `abandoned_within`, `sum_wait_abandoned`, `vru_only`, `talk`, `hold`, `acw`, `transferred`),
    /// each with the column it was read from.
    pub provided: BTreeMap<&'static str, String>,
    /// The service-level threshold the `answered_within` counts refer to, seconds.
    pub threshold_secs: u32,
}

impl Actuals {
    /// The actual intervals of a model panel (every observed queue × interval, time-major);
    /// `thresholds` are the service-level thresholds of the cells' `answered_le` counts, of
    /// which `threshold_secs` is used.
    ///
    /// # Errors
    /// A message when `threshold_secs` is not among `thresholds` or a cell lacks answered or
    /// abandoned counts.
    pub fn from_panel(
        panel: &crate::model::Panel<Option<crate::model::Actual>>,
        thresholds: &[u32],
        threshold_secs: u32,
    ) -> Result<Self, String> {
        let k = thresholds
            .iter()
            .position(|t| *t == threshold_secs)
            .ok_or_else(|| {
                format!("the actuals have no service-level counts at {threshold_secs} s")
            })?;
        let grid = panel.grid();
        let mut rows = Vec::new();
        let mut known: BTreeMap<&'static str, bool> = BTreeMap::new();
        let mut mark = |key: &'static str, v: Option<f64>| {
            let e = known.entry(key).or_insert(true);
            *e &= v.is_some();
        };
        for (t, q, cell) in panel.iter_time_major() {
            let Some(a) = cell else { continue };
            let (Some(answered), Some(abandoned)) = (a.answered, a.abandoned) else {
                return Err(format!(
                    "queue {q} at {}: answered and abandoned counts are unknown",
                    grid.timestamp(t)
                ));
            };
            let within = |v: &[Option<f64>]| v.get(k).copied().flatten();
            let row = ActualInterval {
                interval_start: LocalStamp::naive(grid.timestamp(t)),
                queue: q.to_string(),
                offered: a.offered,
                answered,
                abandoned,
                aht_secs: a
                    .sum_service_secs
                    .map(|s| if answered > 0.0 { s / answered } else { 0.0 }),
                asa_secs: a.sum_wait_answered_secs.map(|s| {
                    if answered > 0.0 {
                        s / answered
                    } else {
                        0.0
                    }
                }),
                answered_within: within(&a.answered_le),
                abandoned_within: within(&a.abandoned_le),
                sum_wait_abandoned_secs: a.sum_wait_abandoned_secs,
                vru_only: a.vru_only,
                talk_secs: None,
                hold_secs: None,
                acw_secs: None,
                transferred: None,
            };
            mark("aht", row.aht_secs);
            mark("asa", row.asa_secs);
            mark("answered_within", row.answered_within);
            mark("abandoned_within", row.abandoned_within);
            mark("sum_wait_abandoned", row.sum_wait_abandoned_secs);
            mark("vru_only", row.vru_only);
            rows.push(row);
        }
        let provided = known
            .into_iter()
            .filter(|(_, all)| *all)
            .map(|(key, _)| (key, "model panel".to_string()))
            .collect();
        Ok(Actuals {
            path: PathBuf::from("<pipeline>"),
            rows,
            provided,
            threshold_secs,
        })
    }

    /// True when the optional quantity `key` was read (see [`Actuals::provided`]).
    pub fn has(&self, key: &str) -> bool {
        self.provided.contains_key(key)
    }
}

/// One forecast row (`wfm forecast` output).
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastInterval {
    /// Left edge of the interval.
    pub interval_start: LocalStamp,
    /// Queue.
    pub queue: String,
    /// Forecast offered calls.
    pub forecast: f64,
    /// Forecast AHT, seconds (`aht_forecast`), when the file has it.
    pub aht_forecast_secs: Option<f64>,
    /// The model that produced the row (`model`), when given.
    pub model: Option<String>,
}

/// A forecast snapshot: its rows and the sidecar `<file>.meta.json` when present.
#[derive(Debug, Clone)]
pub struct Forecast {
    /// The file read.
    pub path: PathBuf,
    /// Rows in file order.
    pub rows: Vec<ForecastInterval>,
    /// True when the file has an `aht_forecast` column.
    pub has_aht: bool,
    /// The snapshot metadata: `origin`, `created_at`, `history`, `horizon`, `models` as text
    /// (sorted keys), empty when no sidecar exists.
    pub meta: BTreeMap<String, String>,
}

/// Planned staffing of one interval, pooled over queues.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedInterval {
    /// Left edge of the interval.
    pub interval_start: LocalStamp,
    /// Required agents (`required` of a schedule's coverage, or `agents` of `wfm staff` output /
    /// the schedule input), when given.
    pub required: Option<f64>,
    /// Scheduled agents (`scheduled` of a schedule's coverage), when given.
    pub scheduled: Option<f64>,
}

/// Planned staffing per interval, pooled over queues by summing.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The file read.
    pub path: PathBuf,
    /// One row per distinct `interval_start`, in elapsed order.
    pub rows: Vec<PlannedInterval>,
}

/// Seconds one agent spent in each state during one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentStateRow {
    /// Left edge of the interval.
    pub interval_start: LocalStamp,
    /// Agent identifier.
    pub agent: String,
    /// Seconds the agent was scheduled to take calls in the interval.
    pub scheduled_secs: f64,
    /// Seconds signed in (on queue): talk + hold + ACW + ready + break/aux.
    pub logged_in_secs: f64,
    /// Talk seconds.
    pub talk_secs: f64,
    /// Hold seconds.
    pub hold_secs: f64,
    /// After-call work seconds.
    pub acw_secs: f64,
    /// Ready (idle, available) seconds.
    pub ready_secs: f64,
    /// Break / aux (signed in, not available) seconds.
    pub break_secs: f64,
    /// Calls the agent finished in the interval, when given.
    pub calls_handled: Option<f64>,
}

/// Agent states per agent × interval.
#[derive(Debug, Clone)]
pub struct AgentStates {
    /// The file read.
    pub path: PathBuf,
    /// Rows in file order.
    pub rows: Vec<AgentStateRow>,
    /// True when the file has a `calls_handled` column.
    pub has_calls: bool,
}

/// One interval of the pooled staffing proxy (`agents_30min.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingProxyRow {
    /// Left edge of the interval.
    pub interval_start: LocalStamp,
    /// Service seconds in the interval ÷ interval length: agents busy on calls, on average.
    pub busy_agents_equiv: f64,
    /// Agents who served at least one call in the interval: an upper bound of agents on duty.
    pub distinct_named_agents: f64,
}

/// The pooled staffing proxy.
#[derive(Debug, Clone)]
pub struct StaffingProxy {
    /// The file read.
    pub path: PathBuf,
    /// Rows in file order.
    pub rows: Vec<StaffingProxyRow>,
}

/// Monthly operations facts (`--facts`, TOML). Every field is optional: a KPI whose fact is
/// absent is "not computable". Counts are per month unless the name says otherwise.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// Schema version, `1`.
    pub schema_version: Option<u32>,
    /// The month these facts describe, `YYYY-MM`; checked against `--period`.
    pub period: Option<String>,
    /// Where the facts come from (free text).
    pub source: Option<String>,
    /// Every call entering the system (IVR + agents); defaults to offered + `vru_only`.
    pub calls_entering: Option<f64>,
    /// Calls completed (self-served) in the IVR.
    pub ivr_completed: Option<f64>,
    /// Answered calls transferred.
    pub transferred: Option<f64>,
    /// Customer requests (all channels).
    pub requests: Option<f64>,
    /// Requests resolved at the first contact.
    pub resolved_first_contact: Option<f64>,
    /// Requests served by self-service.
    pub self_service_requests: Option<f64>,
    /// Non-call (async: email, web, SMS) items received.
    pub async_received: Option<f64>,
    /// Async items handled.
    pub async_handled: Option<f64>,
    /// Async items handled within their SLA.
    pub async_on_time: Option<f64>,
    /// Total operating cost of the month (currency units).
    pub total_cost: Option<f64>,
    /// The currency of `total_cost`.
    pub currency: Option<String>,
    /// Headcount at month end.
    pub headcount: Option<f64>,
    /// Average monthly headcount over the last 12 months.
    pub average_monthly_headcount_12m: Option<f64>,
    /// Leavers in the last 12 months.
    pub leavers_12m: Option<f64>,
    /// Training hours delivered in the month (all staff).
    pub training_hours: Option<f64>,
    /// Agent-shifts worked in the month (used when no agent-state file is given).
    pub agent_shifts: Option<f64>,
    /// Exam average (points).
    pub exam_average: Option<f64>,
    /// QA average (points).
    pub qa_average: Option<f64>,
    /// Performance average (points).
    pub performance_average: Option<f64>,
    /// Major complaints.
    pub major_complaints: Option<f64>,
    /// Errors in reports delivered.
    pub report_errors: Option<f64>,
    /// Training hours delivered in the last 12 months (all staff).
    pub training_hours_12m: Option<f64>,
    /// Revenue from marketing assisted by the center (辅助营销).
    pub assisted_marketing_revenue: Option<f64>,
    /// Revenue from the center's own (outbound) marketing (主动营销).
    pub active_marketing_revenue: Option<f64>,
    /// Total revenue the marketing ratios divide by.
    pub total_revenue: Option<f64>,
    /// Customer-survey answers rating the service satisfied.
    pub customer_survey_satisfied: Option<f64>,
    /// Customer-survey answers.
    pub customer_survey_responses: Option<f64>,
    /// Employee-survey answers rating satisfied.
    pub employee_survey_satisfied: Option<f64>,
    /// Employee-survey answers.
    pub employee_survey_responses: Option<f64>,
    /// Posts filled by promoting an internal employee.
    pub internal_promotions: Option<f64>,
    /// Posts filled by promotion (internal or external).
    pub promoted_posts: Option<f64>,
    /// Transactions with a business error.
    pub erroneous_transactions: Option<f64>,
    /// Transactions processed.
    pub transactions: Option<f64>,
    /// Follow-up (回访) calls made.
    pub follow_ups_made: Option<f64>,
    /// Follow-up calls due.
    pub follow_ups_due: Option<f64>,
    /// Customer complaints (all, not only major ones).
    pub complaints: Option<f64>,
    /// Customer contacts (the complaint rate's denominator).
    pub customer_contacts: Option<f64>,
    /// Values that override or add scorecard sources, keyed by source name (e.g.
    /// `answer_rate_pct = 87`).
    #[serde(default)]
    pub values: BTreeMap<String, f64>,
}

impl Facts {
    /// Every numeric fact present, by name (the `values` table included), sorted.
    pub fn numbers(&self) -> Vec<(String, f64)> {
        let fixed = [
            ("calls_entering", self.calls_entering),
            ("ivr_completed", self.ivr_completed),
            ("transferred", self.transferred),
            ("requests", self.requests),
            ("resolved_first_contact", self.resolved_first_contact),
            ("self_service_requests", self.self_service_requests),
            ("async_received", self.async_received),
            ("async_handled", self.async_handled),
            ("async_on_time", self.async_on_time),
            ("total_cost", self.total_cost),
            ("headcount", self.headcount),
            (
                "average_monthly_headcount_12m",
                self.average_monthly_headcount_12m,
            ),
            ("leavers_12m", self.leavers_12m),
            ("training_hours", self.training_hours),
            ("agent_shifts", self.agent_shifts),
            ("exam_average", self.exam_average),
            ("qa_average", self.qa_average),
            ("performance_average", self.performance_average),
            ("major_complaints", self.major_complaints),
            ("report_errors", self.report_errors),
            ("training_hours_12m", self.training_hours_12m),
            (
                "assisted_marketing_revenue",
                self.assisted_marketing_revenue,
            ),
            ("active_marketing_revenue", self.active_marketing_revenue),
            ("total_revenue", self.total_revenue),
            ("customer_survey_satisfied", self.customer_survey_satisfied),
            ("customer_survey_responses", self.customer_survey_responses),
            ("employee_survey_satisfied", self.employee_survey_satisfied),
            ("employee_survey_responses", self.employee_survey_responses),
            ("internal_promotions", self.internal_promotions),
            ("promoted_posts", self.promoted_posts),
            ("erroneous_transactions", self.erroneous_transactions),
            ("transactions", self.transactions),
            ("follow_ups_made", self.follow_ups_made),
            ("follow_ups_due", self.follow_ups_due),
            ("complaints", self.complaints),
            ("customer_contacts", self.customer_contacts),
        ];
        let mut v: Vec<(String, f64)> = fixed
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect();
        v.extend(self.values.iter().map(|(k, v)| (k.clone(), *v)));
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.dedup_by(|a, b| a.0 == b.0);
        v
    }
}
