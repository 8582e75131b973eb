//! Inputs and outputs of the simulator: demand and agent panels from CSV, the simulation
//! config (routing and distributions) from TOML, and the result tables.
//!
//! - **Demand** (`--demand`): `interval_start, queue` and offered calls (`offered`, or a
//!   forecast's `forecast`, or any volume alias of [`schema::VOLUME_ALIASES`]) with the AHT
//!   (`aht_seconds` or a forecast's `aht_forecast`). `wfm ingest`, `wfm forecast` and
//!   `wfm staff` outputs are read as they are. Queue × interval cells absent from the file
//!   are zero demand (a forecast may skip closed hours); the reader counts them.
//! - **Agents** (`--staffing`): `interval_start`, a key column (`group`, `pool` or `queue`; a
//!   file without one — a schedule's coverage — is the pool [`QueueId::ALL`]) and whole agents
//!   (`agents` — `wfm staff` output —, `scheduled` — a schedule's coverage —, or
//!   `available_agents`).
//! - **Config** (`--config`, TOML): `[[queues]]` with `name`, `service` and `patience`
//!   distributions and an optional `retrial`, `[[groups]]` with `name` and `serves` (queues in priority order; an inner
//!   list is one priority level), and `[simulate]` options. See `docs/simulate.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::Deserialize;

use crate::io::panels::Provenance;
use crate::io::schema;
use crate::io::table::{Cell, CsvInput, Table, TableError};
use crate::model::{infer_interval, Agents, Demand, Grain, Panel, QueueId, Stamp, TimeGrid};
use crate::simulate::{AgentSelection, Dist, Empirical, Routing, SimCell, SimResult, SlConvention};
use crate::time::NaiveDateTime;

/// Names of the key column of an agents file, in order of preference.
pub const GROUP_ALIASES: [&str; 4] = ["group", "pool", schema::QUEUE, "skill"];
/// Names of the agents column, in order of preference.
pub const AGENTS_ALIASES: [&str; 3] = [schema::AGENTS, schema::SCHEDULED, "available_agents"];
/// Names of the demand's volume column: the ingest/staff `offered`, then a forecast's point.
const DEMAND_VOLUME: [&str; 2] = [schema::OFFERED, schema::FORECAST];
/// Names of the demand's AHT column.
const DEMAND_AHT: [&str; 2] = [schema::AHT_SECONDS, schema::AHT_FORECAST];

/// A demand panel read from a file.
#[derive(Debug, Clone)]
pub struct DemandInput {
    /// Demand per queue × interval.
    pub demand: Panel<Demand>,
    /// Where each cell came from.
    pub provenance: Provenance,
    /// Rows read.
    pub rows: usize,
    /// Queue × interval cells the file does not list (taken as zero demand).
    pub filled: usize,
    /// Intervals of actuals (`aht_seconds`) with calls but an empty handle time (every call
    /// abandoned) or 0 (every answered call logged 0 s of service), given their queue's mean
    /// AHT (answered-weighted when the file has `answered`, else offered-weighted), as `wfm
    /// staff` does for the empty ones and the audit's model check for both.
    pub aht_filled: usize,
    /// The site's zone when the grid is on the UTC axis ([`read_demand_utc`] with `--tz`).
    pub zone: Option<chrono_tz::Tz>,
}

/// The start of row `r`'s interval: the wall clock as written ([`CsvInput::timestamp`]), or,
/// when `zone` is set (`--tz`), the interval's UTC instant — elapsed time, on which a fall-back
/// night's repeated hour is two intervals and a spring-forward day has no skipped hour.
fn start_of(
    input: &CsvInput,
    r: usize,
    col: usize,
    series: usize,
    zone: Option<chrono_tz::Tz>,
    stamps: &mut crate::io::table::StampReader,
) -> Result<NaiveDateTime, TableError> {
    match zone {
        None => input.timestamp(r, col),
        Some(_) => Ok(stamps.read(input, r, col, series)?.utc()),
    }
}

/// The label of a UTC instant of the grid on the site's clock (`…T01:00:00-05:00`), or of a
/// wall-clock time as itself without a zone.
pub fn local_label(at: NaiveDateTime, zone: Option<chrono_tz::Tz>) -> String {
    use chrono::{Offset, TimeZone};
    match zone {
        None => fmt_ts(at),
        Some(z) => {
            let l = z.from_utc_datetime(&at);
            crate::model::LocalStamp {
                local: l.naive_local(),
                offset_secs: Some(l.offset().fix().local_minus_utc()),
            }
            .to_rfc3339()
        }
    }
}

fn bad(input: &CsvInput, row: usize, col: usize, reason: impl Into<String>) -> TableError {
    TableError::BadValue {
        at: input.location(row, col),
        value: input.text(row, col).to_string(),
        reason: reason.into(),
    }
}

fn column(input: &CsvInput, aliases: &[&str], what: &str) -> Result<usize, TableError> {
    schema::find_column(input.headers(), aliases)
        .map(|(i, _)| i)
        .ok_or_else(|| TableError::MissingColumns {
            path: input.path().to_path_buf(),
            missing: vec![format!("{what} ({})", aliases.join(" or "))],
            found: input.headers().to_vec(),
        })
}

/// The intraday grid spanned by `stamps` (first to last, at the one inferred interval).
fn grid_of(input: &CsvInput, stamps: &[Stamp], ts_col: usize) -> Result<TimeGrid, TableError> {
    let located = |index: usize, reason: String| TableError::BadValue {
        at: input.location(index, ts_col),
        value: input.text(index, ts_col).to_string(),
        reason,
    };
    let len = infer_interval(stamps, None).map_err(|e| match e {
        crate::model::GridError::Duplicate { index, .. }
        | crate::model::GridError::OffGrid { index, .. }
        | crate::model::GridError::MixedLengths { index, .. }
        | crate::model::GridError::Unsupported { index, .. } => located(index, e.to_string()),
        other => TableError::BadRow {
            at: input.location(0, ts_col),
            reason: other.to_string(),
        },
    })?;
    let first = stamps.iter().map(|s| s.at).min().unwrap_or_default();
    let last = stamps.iter().map(|s| s.at).max().unwrap_or_default();
    let step = i64::from(len.seconds());
    let n = ((last - first).num_seconds() / step) as usize + 1;
    TimeGrid::new(first, Grain::Interval(len), n).map_err(|e| located(0, e.to_string()))
}

/// Reads a demand file (see the module docs).
///
/// # Errors
/// [`TableError`] naming file, line and column for a missing column, an unparsable or negative
/// value, a missing AHT where calls are offered, a duplicate queue × interval, or timestamps
/// that fit no interval grid.
pub fn read_demand(path: &Path) -> Result<DemandInput, TableError> {
    read_demand_on(path, None)
}

/// [`read_demand`] on the UTC axis when a zone is set (`--tz`, [`crate::table::default_zone`]):
/// the grid is elapsed time (a clock-change day's intervals consecutive, none merged or
/// skipped) and [`DemandInput::zone`] says how to label it; without a zone, [`read_demand`].
///
/// # Errors
/// As [`read_demand`].
pub fn read_demand_utc(path: &Path) -> Result<DemandInput, TableError> {
    read_demand_on(path, crate::table::default_zone())
}

fn read_demand_on(path: &Path, zone: Option<chrono_tz::Tz>) -> Result<DemandInput, TableError> {
    let input = CsvInput::read(path)?;
    let ts = column(&input, &schema::TIMESTAMP_ALIASES, "timestamp")?;
    let qc = column(&input, &schema::QUEUE_ALIASES, "queue")?;
    let vol = column(&input, &DEMAND_VOLUME, "offered calls")?;
    let aht = column(&input, &DEMAND_AHT, "AHT")?;
    // Actuals leave AHT empty when every call was abandoned, and 0 when every answered call
    // logged 0 s (filled from the queue's mean below); a forecast with calls always carries
    // its handle time.
    let actuals = input.headers()[aht] == schema::AHT_SECONDS;
    let answered = input.column(schema::ANSWERED);
    // Per queue: Σ AHT × weight, Σ weight; rows waiting for their queue's mean.
    let mut aht_acc: HashMap<usize, (f64, f64)> = HashMap::new();
    let mut pending: Vec<(usize, usize)> = Vec::new();
    let mut queues: Vec<QueueId> = Vec::new();
    let mut qindex: HashMap<String, usize> = HashMap::new();
    let mut stamps = Vec::with_capacity(input.len());
    let mut rows = Vec::with_capacity(input.len());
    let mut reader = crate::io::table::StampReader::default();
    for r in 0..input.len() {
        let name = input.non_empty(r, qc)?;
        let q = match qindex.get(name) {
            Some(&q) => q,
            None => {
                let id = QueueId::new(name).ok_or_else(|| {
                    bad(
                        &input,
                        r,
                        qc,
                        "a queue name (≤ 64 characters, no comma or quote)",
                    )
                })?;
                queues.push(id);
                qindex.insert(name.to_string(), queues.len() - 1);
                queues.len() - 1
            }
        };
        let at = start_of(&input, r, ts, q, zone, &mut reader)?;
        let offered =
            input.bounded(r, vol, crate::limits::MAX_CONTACTS, "contacts per interval")?;
        let a = input.opt_bounded(r, aht, crate::limits::MAX_CALL_SECONDS, "seconds")?;
        if let Some(a) = a.filter(|a| *a > 0.0) {
            let w = match answered {
                Some(c) => input.opt_non_negative(r, c)?.unwrap_or(offered),
                None => offered,
            };
            let e = aht_acc.entry(q).or_insert((0.0, 0.0));
            e.0 += a * w;
            e.1 += w;
        }
        if offered > 0.0 && !a.is_some_and(|a| a > 0.0) {
            if !actuals {
                return Err(bad(
                    &input,
                    r,
                    aht,
                    "an AHT > 0 seconds where calls are offered",
                ));
            }
            pending.push((r, rows.len()));
        }
        stamps.push(Stamp { at, series: q });
        rows.push((
            q,
            at,
            Demand {
                offered,
                aht_secs: a,
            },
        ));
    }
    let aht_filled = pending.len();
    for (r, i) in pending {
        let row = &mut rows[i];
        match aht_acc.get(&row.0) {
            Some(&(sum, w)) if w > 0.0 => row.2.aht_secs = Some(sum / w),
            _ => {
                return Err(bad(
                    &input,
                    r,
                    aht,
                    "an AHT where calls are offered (empty, and the queue has no other interval \
                     with a handle time to take its mean from)",
                ))
            }
        }
    }
    let grid = grid_of(&input, &stamps, ts)?;
    // Queues in name order, not in the order the file lists them: the queue's index seeds its
    // random streams and orders the output, so the same rows in another order give the same
    // simulation (issue #16).
    let mut by_name: Vec<usize> = (0..queues.len()).collect();
    by_name.sort_by(|&a, &b| queues[a].cmp(&queues[b]));
    let mut rank = vec![0; queues.len()];
    for (new, &old) in by_name.iter().enumerate() {
        rank[old] = new;
    }
    let queues: Vec<QueueId> = by_name.iter().map(|&old| queues[old].clone()).collect();
    let mut cells: Vec<Option<Demand>> = vec![None; queues.len() * grid.len()];
    let mut provenance = Provenance::new();
    for (r, (q, at, d)) in rows.into_iter().enumerate() {
        let q = rank[q];
        let t = grid
            .position(at)
            .ok_or_else(|| bad(&input, r, ts, "a start on the file's interval grid"))?;
        cells[q * grid.len() + t] = Some(d);
        provenance.record(&queues[q], at, path, input.line(r));
    }
    let filled = cells.iter().filter(|c| c.is_none()).count();
    let demand = Panel::from_cells(
        queues,
        grid,
        cells.into_iter().map(Option::unwrap_or_default).collect(),
    )
    .map_err(|e| TableError::BadRow {
        at: input.location(0, qc),
        reason: e.to_string(),
    })?;
    Ok(DemandInput {
        demand,
        provenance,
        rows: input.len(),
        filled,
        aht_filled,
        zone,
    })
}

/// Agents per group read from a file, on the grid of the demand.
#[derive(Debug, Clone)]
pub struct AgentsInput {
    /// Agents per group × interval of the grid.
    pub agents: Panel<Agents>,
    /// Rows read.
    pub rows: usize,
    /// Rows outside the grid (not used).
    pub outside: usize,
    /// `(group, interval)` cells the file does not list, taken as 0 agents (a `wfm staff`
    /// output skips intervals without demand); the caller decides whether that is an error.
    pub missing: Vec<(usize, usize)>,
}

/// Reads agents per group × interval (see the module docs) for the intervals of `grid`.
///
/// # Errors
/// [`TableError`] naming file, line and column for a missing column, a value that is not a
/// whole number ≥ 0, a duplicate, or a row off the grid's interval boundaries.
pub fn read_agents(path: &Path, grid: &TimeGrid) -> Result<AgentsInput, TableError> {
    read_agents_on(path, grid, None)
}

/// [`read_agents`] for a grid on the UTC axis of `zone` ([`read_demand_utc`]'s).
///
/// # Errors
/// As [`read_agents`].
pub fn read_agents_utc(
    path: &Path,
    grid: &TimeGrid,
    zone: Option<chrono_tz::Tz>,
) -> Result<AgentsInput, TableError> {
    read_agents_on(path, grid, zone)
}

fn read_agents_on(
    path: &Path,
    grid: &TimeGrid,
    zone: Option<chrono_tz::Tz>,
) -> Result<AgentsInput, TableError> {
    let input = CsvInput::read(path)?;
    let ts = column(&input, &schema::TIMESTAMP_ALIASES, "timestamp")?;
    let key = schema::find_column(input.headers(), &GROUP_ALIASES).map(|(i, _)| i);
    let ac = column(&input, &AGENTS_ALIASES, "agents")?;
    let mut cells: BTreeMap<QueueId, Vec<Option<(u32, usize)>>> = BTreeMap::new();
    let mut order: Vec<QueueId> = Vec::new();
    let mut outside = 0;
    let mut reader = crate::io::table::StampReader::default();
    for r in 0..input.len() {
        let group = match key {
            Some(k) => QueueId::new(input.non_empty(r, k)?).ok_or_else(|| {
                bad(
                    &input,
                    r,
                    k,
                    "a group name (≤ 64 characters, no comma or quote)",
                )
            })?,
            None => QueueId::all(),
        };
        let series = order
            .iter()
            .position(|g| *g == group)
            .unwrap_or(order.len());
        let at = start_of(&input, r, ts, series, zone, &mut reader)?;
        let v = input.bounded(r, ac, crate::limits::MAX_AGENTS, "agents")?;
        if v.fract() != 0.0 || v > f64::from(u32::MAX) {
            return Err(bad(&input, r, ac, "a whole number of agents"));
        }
        let Some(t) = grid.position(at) else {
            if at >= grid.start() && at < grid.end() {
                return Err(bad(
                    &input,
                    r,
                    ts,
                    format!("a start on the demand's {} grid", grid.grain()),
                ));
            }
            outside += 1;
            continue;
        };
        let series = cells.entry(group.clone()).or_insert_with(|| {
            order.push(group.clone());
            vec![None; grid.len()]
        });
        if let Some((_, first)) = series[t] {
            return Err(bad(
                &input,
                r,
                ts,
                format!(
                    "one row per group and interval (line {} has the same)",
                    input.line(first)
                ),
            ));
        }
        series[t] = Some((v as u32, r));
    }
    let mut out = Vec::with_capacity(order.len() * grid.len());
    let mut missing = Vec::new();
    for (g, group) in order.iter().enumerate() {
        for (t, c) in cells[group].iter().enumerate() {
            out.push(Agents(c.map_or(0, |(v, _)| v)));
            if c.is_none() {
                missing.push((g, t));
            }
        }
    }
    let agents = Panel::from_cells(order, *grid, out).map_err(|e| TableError::BadRow {
        at: input.location(0, ac),
        reason: e.to_string(),
    })?;
    Ok(AgentsInput {
        agents,
        rows: input.len(),
        outside,
        missing,
    })
}

/// A distribution in the config: `"exponential"`, or a table with `dist` and its parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum DistSpec {
    /// Exponential; `mean_seconds` (for handle times the mean comes from the demand's AHT).
    Exponential {
        /// Mean, seconds.
        mean_seconds: Option<f64>,
    },
    /// Lognormal with a coefficient of variation.
    Lognormal {
        /// Mean, seconds.
        mean_seconds: Option<f64>,
        /// Coefficient of variation.
        cv: f64,
    },
    /// An empirical CDF: `points = [[seconds, probability], …]`, exponential tail beyond.
    Empirical {
        /// CDF points.
        points: Vec<(f64, f64)>,
        /// Mean of the tail beyond the last point, seconds.
        tail_mean_seconds: Option<f64>,
    },
    /// No abandonment (patience only).
    None,
}

impl DistSpec {
    /// The distribution; `default_mean` stands in for an absent mean (handle-time shapes use 1:
    /// the demand's AHT sets the level). `Ok(None)` for [`DistSpec::None`].
    ///
    /// # Errors
    /// A message when a parameter is out of its domain or a needed mean is missing.
    pub fn build(&self, default_mean: Option<f64>) -> Result<Option<Dist>, String> {
        let mean = |m: Option<f64>| {
            m.or(default_mean)
                .ok_or_else(|| "`mean_seconds` is required here".to_string())
        };
        let d = match self {
            DistSpec::Exponential { mean_seconds } => Dist::exponential(mean(*mean_seconds)?),
            DistSpec::Lognormal { mean_seconds, cv } => Dist::lognormal(mean(*mean_seconds)?, *cv),
            DistSpec::Empirical {
                points,
                tail_mean_seconds,
            } => Empirical::new(points, tail_mean_seconds.unwrap_or(f64::NAN)).map(Dist::Empirical),
            DistSpec::None => return Ok(None),
        };
        d.map(Some).map_err(|e| e.to_string())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Level {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueSpec {
    name: String,
    service: Option<DistSpec>,
    patience: Option<DistSpec>,
    retrial: Option<RetrialSpec>,
}

/// `retrial = { probability = 0.5, mean_delay_seconds = 300 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RetrialSpec {
    probability: f64,
    mean_delay_seconds: f64,
}

/// One agent group in either form of the config: `[[groups]]` with `name`, or
/// `[groups.<name>]` (the form of issue #20). `queues` and `serves` are the same key. The
/// staffing keys (`cost_per_hour`, `min_agents`, `max_agents`) are read by
/// [`crate::io::multiskill`]; the simulator ignores them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupBody {
    #[serde(alias = "queues")]
    pub(crate) serves: Vec<Level>,
    pub(crate) cost_per_hour: Option<toml::Spanned<f64>>,
    pub(crate) min_agents: Option<toml::Spanned<i64>>,
    pub(crate) max_agents: Option<toml::Spanned<i64>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSpec {
    name: String,
    #[serde(alias = "queues")]
    serves: Vec<Level>,
    cost_per_hour: Option<toml::Spanned<f64>>,
    min_agents: Option<toml::Spanned<i64>>,
    max_agents: Option<toml::Spanned<i64>>,
}

/// The groups of a config in file order, from either form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Groups(pub(crate) Vec<(String, GroupBody)>);

impl<'de> Deserialize<'de> for Groups {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Groups;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`[[groups]]` entries or `[groups.<name>]` tables")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Groups, A::Error> {
                let mut out = Vec::new();
                while let Some(g) = a.next_element::<GroupSpec>()? {
                    let body = GroupBody {
                        serves: g.serves,
                        cost_per_hour: g.cost_per_hour,
                        min_agents: g.min_agents,
                        max_agents: g.max_agents,
                    };
                    out.push((g.name, body));
                }
                Ok(Groups(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Groups, A::Error> {
                // Entries in document order: the routing's group order breaks ties.
                let mut out = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, GroupBody>()? {
                    out.push((k, v));
                }
                Ok(Groups(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    sl_threshold_seconds: Option<f64>,
    agent_selection: Option<String>,
    reps: Option<u32>,
    seed: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    simulate: Options,
    #[serde(default)]
    queues: Vec<QueueSpec>,
    #[serde(default)]
    groups: Groups,
    /// Multi-skill staffing targets, read by [`crate::io::multiskill`].
    #[serde(default, rename = "staffing")]
    _staffing: Option<serde::de::IgnoredAny>,
}

/// The simulation config, validated.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Routing (queues in config order, then demand queues the config does not name).
    pub routing: Option<Routing>,
    /// Handle-time shape per queue named in the config.
    pub service: BTreeMap<QueueId, Dist>,
    /// Patience per queue named in the config (`None` = no abandonment).
    pub patience: BTreeMap<QueueId, Option<Dist>>,
    /// Retrials of abandoned callers per queue named with a `retrial` in the config.
    pub retrials: BTreeMap<QueueId, crate::simulate::Retrial>,
    /// `[simulate] sl_threshold_seconds`.
    pub threshold_secs: Option<f64>,
    /// `[simulate] reps`.
    pub reps: Option<u32>,
    /// `[simulate] seed`.
    pub seed: Option<u64>,
}

/// Reads a simulation config (see the module docs).
///
/// # Errors
/// [`TableError::Toml`] for a syntax error or an unknown key (with line and column), and for
/// an invalid distribution or routing (naming the queue or group).
pub fn read_sim_config(path: &Path) -> Result<SimConfig, TableError> {
    let raw: RawConfig = crate::io::table::read_toml(path)?;
    let err = |message: String| TableError::Toml {
        path: path.to_path_buf(),
        message,
    };
    let qid = |name: &str, what: &str| {
        QueueId::new(name).ok_or_else(|| err(format!("{what} `{name}`: not a valid name")))
    };
    let mut service = BTreeMap::new();
    let mut patience = BTreeMap::new();
    let mut retrials = BTreeMap::new();
    let mut queues = Vec::new();
    for q in &raw.queues {
        let id = qid(&q.name, "queue")?;
        if let Some(s) = &q.service {
            let d = s
                .build(Some(1.0))
                .map_err(|m| err(format!("queue `{id}`: service: {m}")))?
                .ok_or_else(|| err(format!("queue `{id}`: service cannot be `none`")))?;
            service.insert(id.clone(), d);
        }
        if let Some(p) = &q.patience {
            let d = p
                .build(None)
                .map_err(|m| err(format!("queue `{id}`: patience: {m}")))?;
            patience.insert(id.clone(), d);
        }
        if let Some(r) = &q.retrial {
            let r = crate::simulate::Retrial::new(r.probability, r.mean_delay_seconds)
                .map_err(|e| err(format!("queue `{id}`: retrial: {e}")))?;
            retrials.insert(id.clone(), r);
        }
        queues.push(id);
    }
    let selection = match raw.simulate.agent_selection.as_deref() {
        None | Some("most-specialised") => AgentSelection::MostSpecialised,
        Some("longest-idle") => AgentSelection::LongestIdle,
        Some(o) => {
            return Err(err(format!(
                "simulate.agent_selection: expected `most-specialised` or `longest-idle`, got `{o}`"
            )))
        }
    };
    let routing = if raw.groups.0.is_empty() {
        None
    } else {
        let mut groups = Vec::new();
        let mut named: BTreeSet<QueueId> = queues.iter().cloned().collect();
        for (name, g) in &raw.groups.0 {
            let mut skills = Vec::new();
            for (prio, level) in g.serves.iter().enumerate() {
                let names = match level {
                    Level::One(s) => vec![s.clone()],
                    Level::Many(v) => v.clone(),
                };
                for n in names {
                    let q = qid(&n, "queue")?;
                    if named.insert(q.clone()) {
                        queues.push(q.clone());
                    }
                    skills.push((q, prio as u32));
                }
            }
            groups.push((qid(name, "group")?, skills));
        }
        Some(Routing::new(queues, groups, selection).map_err(|e| err(e.to_string()))?)
    };
    Ok(SimConfig {
        routing,
        service,
        patience,
        retrials,
        threshold_secs: raw.simulate.sl_threshold_seconds,
        reps: raw.simulate.reps,
        seed: raw.simulate.seed,
    })
}

/// What one output row summarises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimLevel {
    /// Queue × interval.
    Interval,
    /// Queue × day.
    Day,
    /// Queue over the horizon (and all queues).
    Horizon,
}

fn stat_cells(row: &mut Vec<Cell>, s: Option<&crate::simulate::Stat>, dp: usize) {
    row.push(Cell::float(s.map(|s| s.mean), dp));
    row.push(Cell::float(s.map(|s| s.p10), dp));
    row.push(Cell::float(s.map(|s| s.p90), dp));
}

fn sim_row(key: String, queue: &QueueId, c: &SimCell) -> Vec<Cell> {
    let mut row = vec![Cell::text(key), Cell::text(queue.as_str())];
    row.push(Cell::float(Some(c.offered.mean), 3));
    for conv in SlConvention::ALL {
        stat_cells(&mut row, c.sl(conv), 4);
    }
    stat_cells(&mut row, c.asa_secs.as_ref(), 2);
    stat_cells(&mut row, c.abandon_rate.as_ref(), 4);
    stat_cells(&mut row, c.occupancy.as_ref(), 4);
    row
}

/// The result as a table: one row per queue × interval (or day, or the horizon), with the mean
/// and 10th/90th percentiles over replications of each metric. With `zone` (a grid on the UTC
/// axis, [`read_demand_utc`]) interval starts carry their UTC offset and days are the site's
/// local calendar days (23, 24 or 25 hours).
pub fn sim_table(result: &SimResult, level: SimLevel, zone: Option<chrono_tz::Tz>) -> Table {
    let first = match level {
        SimLevel::Interval => schema::INTERVAL_START,
        SimLevel::Day => schema::DATE,
        SimLevel::Horizon => "period",
    };
    let mut cols: Vec<String> = vec![first.into(), schema::QUEUE.into(), schema::OFFERED.into()];
    let metrics: Vec<&str> = SlConvention::ALL
        .iter()
        .map(|c| c.column())
        .chain([schema::ASA_SECONDS, schema::ABANDON_RATE, schema::OCCUPANCY])
        .collect();
    for m in metrics {
        cols.push(m.to_string());
        cols.push(format!("{m}_p10"));
        cols.push(format!("{m}_p90"));
    }
    let mut table = Table::new(cols);
    match (level, zone) {
        (SimLevel::Interval, _) => {
            let p = result.intervals();
            for (t, q, c) in p.iter_time_major() {
                table.push(sim_row(local_label(p.grid().timestamp(t), zone), q, c));
            }
        }
        (SimLevel::Day, Some(z)) => {
            for (date, span) in local_days(result.grid(), z) {
                for (qi, q) in result.queues().iter().enumerate() {
                    let c = result.summarize(&[qi], span.clone());
                    table.push(sim_row(date.to_string(), q, &c));
                }
            }
        }
        (SimLevel::Day, None) => {
            let p = result.days();
            for (t, q, c) in p.iter_time_major() {
                table.push(sim_row(p.grid().date(t).to_string(), q, c));
            }
        }
        (SimLevel::Horizon, _) => {
            let g = result.grid();
            let span = format!(
                "{}/{}",
                local_label(g.start(), zone),
                local_label(g.end(), zone)
            );
            for (q, c) in result.horizon() {
                table.push(sim_row(span.clone(), &q, &c));
            }
        }
    }
    table
}

/// The interval ranges of each local calendar day of `zone` that a UTC grid touches, in order.
fn local_days(
    grid: &TimeGrid,
    zone: chrono_tz::Tz,
) -> Vec<(chrono::NaiveDate, std::ops::Range<usize>)> {
    use chrono::TimeZone;
    let mut out: Vec<(chrono::NaiveDate, std::ops::Range<usize>)> = Vec::new();
    for t in 0..grid.len() {
        let date = zone.from_utc_datetime(&grid.timestamp(t)).date_naive();
        match out.last_mut() {
            Some((d, span)) if *d == date => span.end = t + 1,
            _ => out.push((date, t..t + 1)),
        }
    }
    out
}

fn fmt_ts(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}
