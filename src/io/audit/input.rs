//! Reading the audit's input files (docs/audit.md): actual intervals, the forecast snapshot and
//! its sidecar, planned staffing, agent states or the pooled staffing proxy, and monthly facts.
//!
//! Every reader validates once (STYLE.md C2): a bad field is an error naming file, line and
//! column; an optional column that is absent is remembered so that the KPIs it feeds are listed
//! as "not computable: needs …" instead of being printed as 0. The rows are the typed values of
//! [`crate::audit::input`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::audit::input::{
    ActualInterval, Actuals, AgentStateRow, AgentStates, Facts, Forecast, ForecastInterval,
    Planned, PlannedInterval, StaffingProxy, StaffingProxyRow,
};
use crate::audit::AuditError;
use crate::io::grid::check_grid;
use crate::io::schema;
use crate::limits::{MAX_AGENTS, MAX_CALL_SECONDS, MAX_CONTACTS};
use crate::model::LocalStamp;
use crate::table::{CsvInput, StampReader, TableError};
use crate::units::IntervalLength;

/// A sum of seconds over one interval's calls.
const MAX_SUM_SECS: f64 = MAX_CONTACTS * MAX_CALL_SECONDS;

/// The interval starts of a table's rows on the site's clock ([`StampReader`]): with `--tz`, a
/// naive wall-clock time that a fall-back night repeats is the earlier interval the first time
/// a series (queue, agent) has it and the later one the second time.
struct RowStamps<'a> {
    t: &'a CsvInput,
    col: usize,
    series_col: Option<usize>,
    reader: StampReader,
    ids: BTreeMap<String, usize>,
}

impl<'a> RowStamps<'a> {
    fn new(t: &'a CsvInput, col: usize, series_col: Option<usize>) -> Self {
        RowStamps {
            t,
            col,
            series_col,
            reader: StampReader::default(),
            ids: BTreeMap::new(),
        }
    }

    fn at(&mut self, row: usize) -> Result<LocalStamp, TableError> {
        let name = self.series_col.map_or("", |c| self.t.text(row, c).trim());
        let next = self.ids.len();
        let series = *self.ids.entry(name.to_string()).or_insert(next);
        self.reader.read(self.t, row, self.col, series)
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

    let mut stamps = RowStamps::new(&t, req[0], Some(req[1]));
    let mut rows = Vec::with_capacity(t.len());
    let opt = |row: usize, c: &Option<(usize, String)>| -> Result<Option<f64>, TableError> {
        match c {
            Some((i, _)) => t.opt_bounded(row, *i, MAX_SUM_SECS, "seconds per interval"),
            None => Ok(None),
        }
    };
    for r in 0..t.len() {
        let interval_start = stamps.at(r)?;
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
    let starts: Vec<LocalStamp> = rows.iter().map(|r| r.interval_start).collect();
    check_grid(&t, req[0], Some(req[1]), &starts, None)?;
    Ok(Actuals {
        path: path.to_path_buf(),
        rows,
        provided,
        threshold_secs,
    })
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
    let mut stamps = RowStamps::new(&t, req[0], Some(req[1]));
    let mut rows = Vec::with_capacity(t.len());
    for r in 0..t.len() {
        let aht_forecast_secs = match c_aht {
            Some(c) => t.opt_bounded(r, c, MAX_CALL_SECONDS, "seconds")?,
            None => None,
        };
        rows.push(ForecastInterval {
            interval_start: stamps.at(r)?,
            queue: t.non_empty(r, req[1])?.to_string(),
            forecast: t.bounded(r, req[2], MAX_CONTACTS, "contacts per interval")?,
            aht_forecast_secs,
            model: c_model
                .map(|c| t.text(r, c).to_string())
                .filter(|s| !s.is_empty()),
        });
    }
    let starts: Vec<LocalStamp> = rows.iter().map(|r| r.interval_start).collect();
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
    let mut stamps = RowStamps::new(&t, req[0], t.column("queue"));
    let starts = (0..t.len())
        .map(|r| stamps.at(r))
        .collect::<Result<Vec<_>, _>>()?;
    check_grid(&t, req[0], t.column("queue"), &starts, grid)?;
    let mut by: BTreeMap<LocalStamp, (Option<f64>, Option<f64>)> = BTreeMap::new();
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
    let mut rows: Vec<PlannedInterval> = by
        .into_iter()
        .map(|(interval_start, (required, scheduled))| PlannedInterval {
            interval_start,
            required,
            scheduled,
        })
        .collect();
    // Elapsed order: a fall-back night's repeated hour in the order it happened.
    rows.sort_by_key(|r| r.interval_start.utc());
    Ok(Planned {
        path: path.to_path_buf(),
        rows,
    })
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
    let mut stamps = RowStamps::new(&t, c[0], Some(c[1]));
    let mut rows = Vec::with_capacity(t.len());
    for r in 0..t.len() {
        let row = AgentStateRow {
            interval_start: stamps.at(r)?,
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
    let starts: Vec<LocalStamp> = rows.iter().map(|r| r.interval_start).collect();
    check_grid(&t, c[0], Some(c[1]), &starts, grid)?;
    Ok(AgentStates {
        path: path.to_path_buf(),
        rows,
        has_calls: c_calls.is_some(),
    })
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
    let mut stamps = RowStamps::new(&t, c[0], None);
    let mut rows = Vec::with_capacity(t.len());
    for r in 0..t.len() {
        rows.push(StaffingProxyRow {
            interval_start: stamps.at(r)?,
            busy_agents_equiv: t.bounded(r, c[1], MAX_AGENTS, "agents")?,
            distinct_named_agents: t.bounded(r, c[2], MAX_AGENTS, "agents")?,
        });
    }
    let starts: Vec<LocalStamp> = rows.iter().map(|r| r.interval_start).collect();
    check_grid(&t, c[0], None, &starts, grid)?;
    Ok(StaffingProxy {
        path: path.to_path_buf(),
        rows,
    })
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
