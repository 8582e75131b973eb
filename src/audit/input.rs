//! The audit's inputs: typed rows read from the documented CSV/TOML schemas (docs/audit.md).
//!
//! Every reader validates once (STYLE.md C2): a bad field is an error naming file, line and
//! column; an optional column that is absent is remembered so that the KPIs it feeds are listed as
//! "not computable: needs …" instead of being printed as 0.

use crate::io::schema;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::AuditError;
use crate::io::grid::check_grid;
use crate::limits::{MAX_AGENTS, MAX_CALL_SECONDS, MAX_CONTACTS};

/// A sum of seconds over one interval's calls.
const MAX_SUM_SECS: f64 = MAX_CONTACTS * MAX_CALL_SECONDS;
use crate::model::{infer_interval, Stamp};
use crate::table::{CsvInput, TableError};
use crate::time::NaiveDateTime;
use crate::units::IntervalLength;

/// The interval length of validated actuals (`None` when a single interval start cannot tell).
pub fn actuals_grid(rows: &[ActualInterval]) -> Option<IntervalLength> {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let stamps: Vec<Stamp> = rows
        .iter()
        .map(|r| {
            let next = ids.len();
            Stamp {
                at: r.interval_start,
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
    /// Left edge of the interval, local wall-clock time.
    pub interval_start: NaiveDateTime,
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
                interval_start: grid.timestamp(t),
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

fn opt_col(t: &CsvInput, names: &[&str]) -> Option<(usize, String)> {
    names
        .iter()
        .find_map(|n| t.column(n).map(|c| (c, n.to_string())))
}

fn check_not_above(
    t: &CsvInput,
    row: usize,
    col: usize,
    value: f64,
    limit: f64,
    what: &str,
) -> Result<(), TableError> {
    if value > limit + 1e-9 {
        return Err(TableError::BadValue {
            at: t.location(row, col),
            value: t.text(row, col).to_string(),
            reason: format!("expected at most {what} ({limit})"),
        });
    }
    Ok(())
}

/// Reads the actual intervals. Required columns: `interval_start,queue,offered,answered,abandoned`;
/// every other quantity is optional (see [`Actuals::provided`]). `threshold_secs` selects the
/// columns `answered_le{X}` / `abandoned_le{X}`; for X = 20 s, `sl_20s` (answered within 20 s ÷
/// offered) is used when `answered_le20` is absent.
///
/// # Errors
/// [`TableError`] (wrapped) naming file, line and column for a missing required column, an
/// unparsable or negative number, or a count that exceeds `offered` / `answered`.
pub fn read_actuals(path: &Path, threshold_secs: u32) -> Result<Actuals, AuditError> {
    let t = CsvInput::read(path)?;
    let req = t.require(&[
        schema::INTERVAL_START,
        "queue",
        "offered",
        "answered",
        "abandoned",
    ])?;
    let le_ans = format!("answered_le{threshold_secs}");
    let le_ab = format!("abandoned_le{threshold_secs}");
    let c_aht = opt_col(&t, &["aht_seconds"]);
    let c_service = opt_col(&t, &["sum_service_s"]);
    let c_asa = opt_col(&t, &["asa_seconds"]);
    let c_wait_ans = opt_col(&t, &["sum_wait_answered_s"]);
    let c_le_ans = opt_col(&t, &[le_ans.as_str()]);
    let c_sl20 = if threshold_secs == 20 {
        opt_col(&t, &["sl_20s"])
    } else {
        None
    };
    let c_le_ab = opt_col(&t, &[le_ab.as_str()]);
    let c_wait_ab = opt_col(&t, &["sum_wait_abandoned_s"]);
    let c_vru = opt_col(&t, &["vru_only"]);
    let c_talk = opt_col(&t, &["talk_seconds"]);
    let c_hold = opt_col(&t, &["hold_seconds"]);
    let c_acw = opt_col(&t, &["acw_seconds"]);
    let c_tr = opt_col(&t, &["transferred"]);

    let mut provided = BTreeMap::new();
    let mut note = |key: &'static str, c: &Option<(usize, String)>| {
        if let Some((_, name)) = c {
            provided.insert(key, name.clone());
        }
    };
    note(
        "aht",
        if c_service.is_some() {
            &c_service
        } else {
            &c_aht
        },
    );
    note(
        "asa",
        if c_wait_ans.is_some() {
            &c_wait_ans
        } else {
            &c_asa
        },
    );
    note(
        "answered_within",
        if c_le_ans.is_some() {
            &c_le_ans
        } else {
            &c_sl20
        },
    );
    note("abandoned_within", &c_le_ab);
    note("sum_wait_abandoned", &c_wait_ab);
    note("vru_only", &c_vru);
    note("talk", &c_talk);
    note("hold", &c_hold);
    note("acw", &c_acw);
    note("transferred", &c_tr);

    let mut rows = Vec::with_capacity(t.len());
    let opt = |row: usize, c: &Option<(usize, String)>| -> Result<Option<f64>, TableError> {
        match c {
            Some((i, _)) => t.opt_bounded(row, *i, MAX_SUM_SECS, "seconds per interval"),
            None => Ok(None),
        }
    };
    for r in 0..t.len() {
        let interval_start = t.timestamp(r, req[0])?;
        let queue = t.non_empty(r, req[1])?.to_string();
        let offered = t.bounded(r, req[2], MAX_CONTACTS, "contacts per interval")?;
        let answered = t.bounded(r, req[3], MAX_CONTACTS, "contacts per interval")?;
        let abandoned = t.bounded(r, req[4], MAX_CONTACTS, "contacts per interval")?;
        check_not_above(&t, r, req[3], answered, offered, "offered")?;
        check_not_above(&t, r, req[4], abandoned, offered, "offered")?;
        // Handle time: the exact sum wins over the rounded mean.
        let aht_secs = match (&c_service, opt(r, &c_aht)?) {
            (Some((i, _)), _) => t
                .opt_bounded(r, *i, MAX_SUM_SECS, "seconds per interval")?
                .map(|s| if answered > 0.0 { s / answered } else { 0.0 }),
            (None, v) => v,
        };
        let asa_secs = match (&c_wait_ans, opt(r, &c_asa)?) {
            (Some((i, _)), _) => t
                .opt_bounded(r, *i, MAX_SUM_SECS, "seconds per interval")?
                .map(|s| if answered > 0.0 { s / answered } else { 0.0 }),
            (None, v) => v,
        };
        let answered_within = match (&c_le_ans, &c_sl20) {
            (Some((i, _)), _) => {
                let v = t.opt_bounded(r, *i, MAX_CONTACTS, "contacts per interval")?;
                if let Some(v) = v {
                    check_not_above(&t, r, *i, v, answered, "answered")?;
                }
                v
            }
            (None, Some((i, _))) => match t.opt_non_negative(r, *i)? {
                Some(frac) => {
                    check_not_above(&t, r, *i, frac, 1.0, "1")?;
                    // sl_20s is rounded to 4 decimals; counts are integers.
                    Some((frac * offered).round())
                }
                None if offered == 0.0 => Some(0.0),
                None => None,
            },
            (None, None) => None,
        };
        let abandoned_within = opt(r, &c_le_ab)?;
        if let (Some(v), Some((i, _))) = (abandoned_within, &c_le_ab) {
            check_not_above(&t, r, *i, v, abandoned, "abandoned")?;
        }
        rows.push(ActualInterval {
            interval_start,
            queue,
            offered,
            answered,
            abandoned,
            aht_secs,
            asa_secs,
            answered_within,
            abandoned_within,
            sum_wait_abandoned_secs: opt(r, &c_wait_ab)?,
            vru_only: opt(r, &c_vru)?,
            talk_secs: opt(r, &c_talk)?,
            hold_secs: opt(r, &c_hold)?,
            acw_secs: opt(r, &c_acw)?,
            transferred: opt(r, &c_tr)?,
        });
    }
    let starts: Vec<NaiveDateTime> = rows.iter().map(|r| r.interval_start).collect();
    check_grid(&t, req[0], Some(req[1]), &starts, None)?;
    Ok(Actuals {
        path: path.to_path_buf(),
        rows,
        provided,
        threshold_secs,
    })
}

/// One forecast row (`wfm forecast` output).
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastInterval {
    /// Left edge of the interval.
    pub interval_start: NaiveDateTime,
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

impl Forecast {
    /// The model per queue: the sidecar's `models` map, else the rows' `model` column.
    pub fn models(&self) -> BTreeMap<String, String> {
        let from_meta: Option<BTreeMap<String, String>> = self
            .meta
            .get("models")
            .and_then(|m| serde_json::from_str(m).ok());
        from_meta.unwrap_or_else(|| {
            self.rows
                .iter()
                .filter_map(|r| Some((r.queue.clone(), r.model.clone()?)))
                .collect()
        })
    }
}

/// Reads a forecast (`interval_start,queue,forecast[,lo80,hi80,lo95,hi95,aht_forecast,model]`) and
/// its snapshot sidecar `FILE.meta.json` when present.
///
/// # Errors
/// [`TableError`] with file, line and column; [`AuditError::Meta`] when the sidecar is not JSON.
pub fn read_forecast(
    path: &Path,
    grid: Option<(IntervalLength, &Path)>,
) -> Result<Forecast, AuditError> {
    let t = CsvInput::read(path)?;
    let req = t.require(&[schema::INTERVAL_START, "queue", "forecast"])?;
    let c_aht = t.column("aht_forecast");
    let c_model = t.column("model");
    let mut rows = Vec::with_capacity(t.len());
    for r in 0..t.len() {
        let aht_forecast_secs = match c_aht {
            Some(c) => t.opt_bounded(r, c, MAX_CALL_SECONDS, "seconds")?,
            None => None,
        };
        rows.push(ForecastInterval {
            interval_start: t.timestamp(r, req[0])?,
            queue: t.non_empty(r, req[1])?.to_string(),
            forecast: t.bounded(r, req[2], MAX_CONTACTS, "contacts per interval")?,
            aht_forecast_secs,
            model: c_model
                .map(|c| t.text(r, c).to_string())
                .filter(|s| !s.is_empty()),
        });
    }
    let starts: Vec<NaiveDateTime> = rows.iter().map(|r| r.interval_start).collect();
    check_grid(&t, req[0], Some(req[1]), &starts, grid)?;
    let mut meta_path = path.as_os_str().to_owned();
    meta_path.push(".meta.json");
    let meta_path = PathBuf::from(meta_path);
    let mut meta = BTreeMap::new();
    if meta_path.exists() {
        let text = std::fs::read_to_string(&meta_path).map_err(|source| TableError::Io {
            path: meta_path.clone(),
            source,
        })?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| AuditError::Meta {
            path: meta_path.clone(),
            message: e.to_string(),
        })?;
        if let Some(stored) = v.get("csv_fnv1a64").and_then(|h| h.as_str()) {
            let bytes = std::fs::read(path).map_err(|source| TableError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let actual = crate::table::content_hash(&bytes);
            if actual != stored {
                return Err(AuditError::Meta {
                    path: meta_path.clone(),
                    message: format!(
                        "this sidecar was written for other bytes than `{}` (content hash {stored}, the file's is {actual}): the forecast was rewritten or its writing interrupted; re-run `wfm forecast`",
                        path.display()
                    ),
                });
            }
        }
        if let serde_json::Value::Object(map) = v {
            for (k, v) in map {
                let s = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                meta.insert(k, s);
            }
        }
    }
    Ok(Forecast {
        path: path.to_path_buf(),
        rows,
        has_aht: c_aht.is_some(),
        meta,
    })
}

/// Planned staffing of one interval, pooled over queues.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedInterval {
    /// Left edge of the interval.
    pub interval_start: NaiveDateTime,
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
    /// One row per distinct `interval_start`, sorted.
    pub rows: Vec<PlannedInterval>,
}

/// Reads planned staffing: `interval_start[,queue]` and at least one of `required` (or `agents`,
/// as written by `wfm staff`) and `scheduled`. Rows of several queues for one interval are summed.
///
/// # Errors
/// [`TableError`] located; [`AuditError::PlannedColumns`] when none of the agent columns exists.
pub fn read_planned(
    path: &Path,
    grid: Option<(IntervalLength, &Path)>,
) -> Result<Planned, AuditError> {
    let t = CsvInput::read(path)?;
    let req = t.require(&[schema::INTERVAL_START])?;
    // `agents` is the requirement of `wfm staff` output and of the schedule input.
    let c_req = t.column("required").or_else(|| t.column("agents"));
    let c_sched = t.column("scheduled");
    if c_req.is_none() && c_sched.is_none() {
        return Err(AuditError::PlannedColumns {
            path: path.to_path_buf(),
            found: t.headers().to_vec(),
        });
    }
    let starts = (0..t.len())
        .map(|r| t.timestamp(r, req[0]))
        .collect::<Result<Vec<_>, _>>()?;
    check_grid(&t, req[0], t.column("queue"), &starts, grid)?;
    let mut by: BTreeMap<NaiveDateTime, (Option<f64>, Option<f64>)> = BTreeMap::new();
    for (r, &ts) in starts.iter().enumerate() {
        let e = by.entry(ts).or_insert((None, None));
        if let Some(c) = c_req {
            let v = t.bounded(r, c, MAX_AGENTS, "agents")?;
            e.0 = Some(e.0.unwrap_or(0.0) + v);
        }
        if let Some(c) = c_sched {
            let v = t.bounded(r, c, MAX_AGENTS, "agents")?;
            e.1 = Some(e.1.unwrap_or(0.0) + v);
        }
    }
    Ok(Planned {
        path: path.to_path_buf(),
        rows: by
            .into_iter()
            .map(|(interval_start, (required, scheduled))| PlannedInterval {
                interval_start,
                required,
                scheduled,
            })
            .collect(),
    })
}

/// Seconds one agent spent in each state during one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentStateRow {
    /// Left edge of the interval.
    pub interval_start: NaiveDateTime,
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

/// Reads agent states: `interval_start,agent,scheduled_seconds,logged_in_seconds,talk_seconds,
/// hold_seconds,acw_seconds,ready_seconds,break_seconds[,calls_handled]`.
///
/// # Errors
/// [`TableError`] located, also when talk + hold + ACW + ready + break exceeds
/// `logged_in_seconds` by more than one second.
pub fn read_agent_states(
    path: &Path,
    grid: Option<(IntervalLength, &Path)>,
) -> Result<AgentStates, AuditError> {
    let t = CsvInput::read(path)?;
    let c = t.require(&[
        schema::INTERVAL_START,
        "agent",
        "scheduled_seconds",
        "logged_in_seconds",
        "talk_seconds",
        "hold_seconds",
        "acw_seconds",
        "ready_seconds",
        "break_seconds",
    ])?;
    let c_calls = t.column("calls_handled");
    let mut rows = Vec::with_capacity(t.len());
    for r in 0..t.len() {
        let row = AgentStateRow {
            interval_start: t.timestamp(r, c[0])?,
            agent: t.non_empty(r, c[1])?.to_string(),
            scheduled_secs: t.bounded(r, c[2], MAX_CALL_SECONDS, "seconds")?,
            logged_in_secs: t.bounded(r, c[3], MAX_CALL_SECONDS, "seconds")?,
            talk_secs: t.bounded(r, c[4], MAX_CALL_SECONDS, "seconds")?,
            hold_secs: t.bounded(r, c[5], MAX_CALL_SECONDS, "seconds")?,
            acw_secs: t.bounded(r, c[6], MAX_CALL_SECONDS, "seconds")?,
            ready_secs: t.bounded(r, c[7], MAX_CALL_SECONDS, "seconds")?,
            break_secs: t.bounded(r, c[8], MAX_CALL_SECONDS, "seconds")?,
            calls_handled: match c_calls {
                Some(i) => Some(t.bounded(r, i, MAX_CONTACTS, "contacts per interval")?),
                None => None,
            },
        };
        let parts = row.talk_secs + row.hold_secs + row.acw_secs + row.ready_secs + row.break_secs;
        check_not_above(
            &t,
            r,
            c[3],
            parts - 1.0,
            row.logged_in_secs,
            "logged_in_seconds (talk + hold + ACW + ready + break must fit in it)",
        )?;
        rows.push(row);
    }
    let starts: Vec<NaiveDateTime> = rows.iter().map(|r| r.interval_start).collect();
    check_grid(&t, c[0], Some(c[1]), &starts, grid)?;
    Ok(AgentStates {
        path: path.to_path_buf(),
        rows,
        has_calls: c_calls.is_some(),
    })
}

/// One interval of the pooled staffing proxy (`agents_30min.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingProxyRow {
    /// Left edge of the interval.
    pub interval_start: NaiveDateTime,
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

/// Reads the pooled staffing proxy `interval_start,busy_agents_equiv,distinct_named_agents`.
///
/// # Errors
/// [`TableError`] located.
pub fn read_staffing_proxy(
    path: &Path,
    grid: Option<(IntervalLength, &Path)>,
) -> Result<StaffingProxy, AuditError> {
    let t = CsvInput::read(path)?;
    let c = t.require(&[
        schema::INTERVAL_START,
        "busy_agents_equiv",
        "distinct_named_agents",
    ])?;
    let mut rows = Vec::with_capacity(t.len());
    for r in 0..t.len() {
        rows.push(StaffingProxyRow {
            interval_start: t.timestamp(r, c[0])?,
            busy_agents_equiv: t.bounded(r, c[1], MAX_AGENTS, "agents")?,
            distinct_named_agents: t.bounded(r, c[2], MAX_AGENTS, "agents")?,
        });
    }
    let starts: Vec<NaiveDateTime> = rows.iter().map(|r| r.interval_start).collect();
    check_grid(&t, c[0], None, &starts, grid)?;
    Ok(StaffingProxy {
        path: path.to_path_buf(),
        rows,
    })
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

/// Reads monthly facts (TOML, unknown keys rejected so a typo cannot silently drop a fact).
///
/// # Errors
/// [`TableError::Toml`] with line and column; [`AuditError::Fact`] for a negative value.
pub fn read_facts(path: &Path) -> Result<Facts, AuditError> {
    let f: Facts = crate::table::read_toml(path)?;
    for (name, v) in f.numbers() {
        if !(v.is_finite() && v >= 0.0) {
            return Err(AuditError::Fact {
                path: path.to_path_buf(),
                name: name.to_string(),
                value: v,
            });
        }
    }
    Ok(f)
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
