//! Interval exports → the normalized KPI table, validated.
//!
//! The shared schema is `interval_start,queue,offered,answered,abandoned,aht_seconds,
//! asa_seconds,sl_20s`, optionally followed by the exact sums `queued, answered_le<T>,
//! abandoned_le<T>, sum_service_s, sum_wait_answered_s, sum_wait_abandoned_s,
//! answered_service0, vru_only` (as written by `wfm ingest calls`). Other exports are read
//! through a [`ColumnMapping`] (flags or a TOML file such as `models/interval_mapping.toml`).
//!
//! Unlike call logs, an interval export is all-or-nothing: a duplicate, unsorted, negative,
//! non-finite or inconsistent row makes the whole history suspect, so it is an error naming
//! the row and column, never a silently dropped row.

use crate::io::schema;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::accounting::Accounting;
use super::calls::Ingested;
use super::kpi::{KpiRow, KpiTable, QueueId, SlThresholds};
use super::DataError;
use crate::io::Location;
use crate::model::gcd;
use crate::table::{CsvInput, TableError};
use crate::time::{format_timestamp, parse_timestamp, NaiveDate, NaiveDateTime, Timelike};
use crate::units::IntervalLength;

/// How service levels are written in the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlUnit {
    /// A fraction in `[0, 1]` (the shared schema).
    #[default]
    Fraction,
    /// A percentage in `[0, 100]`.
    Percent,
}

/// Which export column holds which field. Defaults are the shared schema's names.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ColumnMapping {
    /// Version of the TOML schema; must be 1.
    pub schema_version: u32,
    /// Interval start column. Default `interval_start`.
    pub interval_start: String,
    /// Queue column. Default `queue`. Ignored when `queue_constant` is set.
    pub queue: String,
    /// Use this queue name for every row (exports of a single queue without a queue column).
    pub queue_constant: Option<String>,
    /// Offered calls column (required). Default `offered`.
    pub offered: String,
    /// Answered calls column. Default `answered`.
    pub answered: String,
    /// Abandoned calls column. Default `abandoned`.
    pub abandoned: String,
    /// AHT column, seconds. Default `aht_seconds`.
    pub aht_seconds: String,
    /// ASA column, seconds. Default `asa_seconds`.
    pub asa_seconds: String,
    /// A service-level column under another name than `sl_<T>s`. Default none.
    pub sl_column: Option<String>,
    /// The threshold of `sl_column`, seconds. Default 20.
    pub sl_threshold_secs: u32,
    /// Unit of the service-level columns. Default fraction.
    pub sl_unit: SlUnit,
    /// A chrono format for `interval_start` when it is not ISO 8601 (e.g. `%d/%m/%Y %H:%M`).
    pub timestamp_format: Option<String>,
    /// Keys set explicitly (by TOML or flag): a column named explicitly must exist.
    #[serde(skip)]
    explicit: BTreeSet<String>,
}

impl Default for ColumnMapping {
    fn default() -> Self {
        ColumnMapping {
            schema_version: 1,
            interval_start: schema::INTERVAL_START.into(),
            queue: "queue".into(),
            queue_constant: None,
            offered: "offered".into(),
            answered: "answered".into(),
            abandoned: "abandoned".into(),
            aht_seconds: "aht_seconds".into(),
            asa_seconds: "asa_seconds".into(),
            sl_column: None,
            sl_threshold_secs: 20,
            sl_unit: SlUnit::Fraction,
            timestamp_format: None,
            explicit: BTreeSet::new(),
        }
    }
}

const COLUMN_KEYS: [&str; 7] = [
    schema::INTERVAL_START,
    "queue",
    "offered",
    "answered",
    "abandoned",
    "aht_seconds",
    "asa_seconds",
];

impl ColumnMapping {
    /// Reads a mapping from a TOML file (keys as the fields of this struct).
    ///
    /// # Errors
    /// [`DataError::Table`] when the file cannot be read or parsed (the message names line and
    /// column), [`DataError::BadMapping`] for an unsupported `schema_version`.
    pub fn from_toml(path: &Path) -> Result<Self, DataError> {
        let text = std::fs::read_to_string(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut m: ColumnMapping = toml::from_str(&text).map_err(|e| TableError::Toml {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        if m.schema_version != 1 {
            return Err(DataError::BadMapping {
                detail: format!(
                    "{}: schema_version {} is not supported (expected 1)",
                    path.display(),
                    m.schema_version
                ),
            });
        }
        let table: toml::Table = toml::from_str(&text).map_err(|e| TableError::Toml {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        m.explicit = table.keys().cloned().collect();
        Ok(m)
    }

    /// Sets one entry from a `KEY=VALUE` flag (keys as in the TOML).
    ///
    /// # Errors
    /// [`DataError::BadMapping`] for an unknown key, a missing `=`, or a bad value.
    pub fn set(&mut self, assignment: &str) -> Result<(), DataError> {
        let bad = |detail: String| DataError::BadMapping { detail };
        let (k, v) = assignment
            .split_once('=')
            .ok_or_else(|| bad(format!("`{assignment}`: expected KEY=VALUE")))?;
        let (k, v) = (k.trim(), v.trim().to_string());
        match k {
            schema::INTERVAL_START => self.interval_start = v,
            "queue" => self.queue = v,
            "queue_constant" => self.queue_constant = Some(v),
            "offered" => self.offered = v,
            "answered" => self.answered = v,
            "abandoned" => self.abandoned = v,
            "aht_seconds" => self.aht_seconds = v,
            "asa_seconds" => self.asa_seconds = v,
            "sl_column" => self.sl_column = Some(v),
            "sl_threshold_secs" => {
                self.sl_threshold_secs = v.parse().map_err(|_| {
                    bad(format!(
                        "sl_threshold_secs: expected whole seconds, got `{v}`"
                    ))
                })?
            }
            "sl_unit" => {
                self.sl_unit = match v.as_str() {
                    "fraction" => SlUnit::Fraction,
                    "percent" => SlUnit::Percent,
                    _ => {
                        return Err(bad(format!(
                            "sl_unit: expected fraction or percent, got `{v}`"
                        )))
                    }
                }
            }
            "timestamp_format" => self.timestamp_format = Some(v),
            _ => {
                return Err(bad(format!(
                    "unknown key `{k}` (expected one of {}, queue_constant, sl_column, \
                     sl_threshold_secs, sl_unit, timestamp_format)",
                    COLUMN_KEYS.join(", ")
                )))
            }
        }
        self.explicit.insert(k.to_string());
        Ok(())
    }

    fn is_explicit(&self, key: &str) -> bool {
        self.explicit.contains(key)
    }
}

/// Options of [`ingest_intervals`].
#[derive(Debug, Clone, Default)]
pub struct IntervalOptions {
    /// Column mapping. Defaults to the shared schema.
    pub mapping: ColumnMapping,
    /// The expected interval length; inferred from the data when `None` (the default).
    pub interval: Option<IntervalLength>,
    /// Service-level thresholds whose `sl_<T>s` / `answered_le<T>` / `abandoned_le<T>` columns
    /// are read. Defaults to 20 s.
    pub thresholds: SlThresholds,
    /// Keep the rows as given instead of zero-filling every covered day × interval × queue.
    /// Defaults to `false` (zero-fill, so closures show as `offered = 0`).
    pub no_fill: bool,
}

struct RowIn {
    row: KpiRow,
    file: usize,
    line: u64,
}

/// Reads interval exports and returns the validated, normalized KPI table.
///
/// Histories may zero-fill closed hours or omit them (weekday-only, business-hours-only): the
/// interval length is the greatest common step between consecutive rows of a queue, which must
/// also be the most common step (otherwise the lengths are mixed). Every covered day is then
/// zero-filled for every interval and queue unless [`IntervalOptions::no_fill`].
///
/// # Errors
/// An error naming file, line and column for: an empty or header-only file, missing columns,
/// unparseable/negative/non-finite values, `answered + abandoned > offered`, a service level
/// outside `[0, 1]`, duplicate `(interval_start, queue)`, rows of a queue out of time order,
/// starts off the interval grid, mixed or unsupported interval lengths.
pub fn ingest_intervals<P: AsRef<Path>>(
    paths: &[P],
    opts: &IntervalOptions,
) -> Result<Ingested, DataError> {
    let inputs: Vec<CsvInput> = paths
        .iter()
        .map(|p| CsvInput::read(p.as_ref()))
        .collect::<Result<_, _>>()?;
    ingest_parsed(&inputs, opts)
}

/// [`ingest_intervals`] on in-memory inputs `(name used in messages, contents)`.
///
/// # Errors
/// As [`ingest_intervals`].
pub fn ingest_intervals_bytes(
    inputs: &[(&Path, &[u8])],
    opts: &IntervalOptions,
) -> Result<Ingested, DataError> {
    let inputs: Vec<CsvInput> = inputs
        .iter()
        .map(|(p, b)| CsvInput::from_bytes(p, b))
        .collect::<Result<_, _>>()?;
    ingest_parsed(&inputs, opts)
}

fn thresholds_with_mapping(opts: &IntervalOptions) -> SlThresholds {
    let mut t = opts.thresholds.secs().to_vec();
    if opts.mapping.sl_column.is_some() {
        t.push(opts.mapping.sl_threshold_secs);
    }
    SlThresholds::new(t).unwrap_or_default()
}

fn ingest_parsed(inputs: &[CsvInput], opts: &IntervalOptions) -> Result<Ingested, DataError> {
    let m = &opts.mapping;
    let thresholds = thresholds_with_mapping(opts);
    let thr = thresholds.secs().to_vec();
    let mut rows: Vec<RowIn> = Vec::new();
    let mut acc = Accounting {
        interval_rows: true,
        ..Accounting::default()
    };
    for (fi, t) in inputs.iter().enumerate() {
        parse_file(fi, t, m, &thr, &mut rows)?;
    }
    acc.read = rows.len() as u64;
    acc.used = rows.len() as u64;
    acc.offered = rows.iter().map(|r| r.row.offered).sum::<f64>().round() as u64;

    // Duplicates (anywhere), then order within each queue of each file.
    let loc = |r: &RowIn, column: Option<&str>| Location {
        file: inputs[r.file].path().to_path_buf(),
        line: r.line,
        column: column.map(str::to_string),
    };
    let mut first: HashMap<(NaiveDateTime, &QueueId), u64> = HashMap::new();
    for r in &rows {
        if let Some(&l) = first.get(&(r.row.interval_start, &r.row.queue)) {
            return Err(DataError::DuplicateInterval {
                at: loc(r, Some(m.interval_start.as_str())),
                interval_start: r.row.interval_start,
                queue: r.row.queue.to_string(),
                first_line: l,
            });
        }
        first.insert((r.row.interval_start, &r.row.queue), r.line);
    }
    let mut last: HashMap<(usize, &QueueId), (NaiveDateTime, u64)> = HashMap::new();
    let mut steps: Vec<(i64, usize)> = Vec::new(); // (step seconds, row index)
    for (i, r) in rows.iter().enumerate() {
        if let Some(&(prev, pl)) = last.get(&(r.file, &r.row.queue)) {
            if r.row.interval_start <= prev {
                return Err(DataError::Unsorted {
                    at: loc(r, Some(m.interval_start.as_str())),
                    interval_start: r.row.interval_start,
                    queue: r.row.queue.to_string(),
                    previous: prev,
                    previous_line: pl,
                });
            }
            steps.push(((r.row.interval_start - prev).num_seconds(), i));
        }
        last.insert((r.file, &r.row.queue), (r.row.interval_start, r.line));
    }

    let interval = infer_interval(&rows, &steps, opts, inputs, &loc)?;
    let len = i64::from(interval.seconds());
    for r in &rows {
        let s = i64::from(r.row.interval_start.time().num_seconds_from_midnight());
        if s % len != 0 {
            return Err(DataError::MixedIntervals {
                at: loc(r, Some(m.interval_start.as_str())),
                detail: format!(
                    "{} is not on the {}-minute grid (starts must be multiples of {} min after midnight)",
                    format_timestamp(r.row.interval_start),
                    interval.minutes(),
                    interval.minutes()
                ),
            });
        }
    }

    let days: BTreeSet<NaiveDate> = rows.iter().map(|r| r.row.interval_start.date()).collect();
    let queues: BTreeSet<QueueId> = rows.iter().map(|r| r.row.queue.clone()).collect();
    let days: Vec<NaiveDate> = days.into_iter().collect();
    let queues: Vec<QueueId> = queues.into_iter().collect();
    let template = known_template(&rows, thr.len());
    let mut by_key: BTreeMap<(NaiveDateTime, QueueId), KpiRow> = rows
        .into_iter()
        .map(|r| ((r.row.interval_start, r.row.queue.clone()), r.row))
        .collect();
    let out_rows: Vec<KpiRow> = if opts.no_fill {
        by_key.into_values().collect()
    } else {
        let mut out = Vec::with_capacity(days.len() * interval.per_day() * queues.len());
        let mut filled = 0u64;
        for d in &days {
            let midnight = d.and_hms_opt(0, 0, 0).expect("midnight exists");
            for s in 0..interval.per_day() {
                let start = midnight + chrono::TimeDelta::seconds(len * s as i64);
                for q in &queues {
                    match by_key.remove(&(start, q.clone())) {
                        Some(r) => out.push(r),
                        None => {
                            filled += 1;
                            out.push(template.zero_row(start, q.clone()));
                        }
                    }
                }
            }
        }
        if filled > 0 {
            *acc.notes
                .entry("intervals zero-filled (omitted closed hours)".to_string())
                .or_insert(0) += filled;
        }
        out
    };
    Ok(Ingested {
        kpis: KpiTable {
            interval,
            thresholds,
            queues,
            days,
            rows: out_rows,
        },
        accounting: acc,
    })
}

/// Which optional fields the input knows (any row has a value): zero-filled rows are zero
/// exactly there and unknown elsewhere.
struct Template {
    row: KpiRow,
}

impl Template {
    fn zero_row(&self, start: NaiveDateTime, queue: QueueId) -> KpiRow {
        KpiRow {
            interval_start: start,
            queue,
            ..self.row.clone()
        }
    }
}

fn known_template(rows: &[RowIn], n: usize) -> Template {
    let z = |known: bool| known.then_some(0.0);
    let any = |f: &dyn Fn(&KpiRow) -> bool| rows.iter().any(|r| f(&r.row));
    let placeholder = NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date");
    let row = KpiRow {
        interval_start: placeholder,
        queue: QueueId::new("_").expect("valid queue"),
        offered: 0.0,
        answered: z(any(&|r| r.answered.is_some())),
        abandoned: z(any(&|r| r.abandoned.is_some())),
        queued: z(any(&|r| r.queued.is_some())),
        answered_le: (0..n)
            .map(|i| z(any(&|r| r.answered_le[i].is_some())))
            .collect(),
        abandoned_le: (0..n)
            .map(|i| z(any(&|r| r.abandoned_le[i].is_some())))
            .collect(),
        sum_service_secs: z(any(&|r| r.sum_service_secs.is_some())),
        sum_wait_answered_secs: z(any(&|r| r.sum_wait_answered_secs.is_some())),
        sum_wait_abandoned_secs: z(any(&|r| r.sum_wait_abandoned_secs.is_some())),
        answered_service0: z(any(&|r| r.answered_service0.is_some())),
        vru_only: z(any(&|r| r.vru_only.is_some())),
        given_aht_secs: None,
        given_asa_secs: None,
        given_sl: vec![None; n],
    };
    Template { row }
}

fn infer_interval(
    rows: &[RowIn],
    steps: &[(i64, usize)],
    opts: &IntervalOptions,
    inputs: &[CsvInput],
    loc: &dyn Fn(&RowIn, Option<&str>) -> Location,
) -> Result<IntervalLength, DataError> {
    let col = opts.mapping.interval_start.as_str();
    if let Some(len) = opts.interval {
        let l = i64::from(len.seconds());
        if let Some(&(s, i)) = steps.iter().find(|(s, _)| s % l != 0) {
            return Err(DataError::MixedIntervals {
                at: loc(&rows[i], Some(col)),
                detail: format!(
                    "this row is {} after the previous row of queue `{}`, not a multiple of the \
                     declared {} min",
                    human_secs(s),
                    rows[i].row.queue,
                    len.minutes()
                ),
            });
        }
        let g = steps.iter().fold(0, |g, (s, _)| gcd(g, *s));
        if g != 0 && g != l {
            // E.g. 30-min rows declared as 15 min: zero-filling would invent empty intervals.
            let i = steps[0].1;
            return Err(DataError::MixedIntervals {
                at: loc(&rows[i], Some(col)),
                detail: format!(
                    "rows are at least {} apart, but --interval declares {} min",
                    human_secs(g),
                    len.minutes()
                ),
            });
        }
        return Ok(len);
    }
    if steps.is_empty() {
        return Err(DataError::MixedIntervals {
            at: Location {
                file: inputs
                    .first()
                    .map_or_else(PathBuf::new, |t| t.path().to_path_buf()),
                line: 2,
                column: Some(col.to_string()),
            },
            detail: "cannot infer the interval length from one row per queue; pass --interval"
                .into(),
        });
    }
    let g = steps.iter().fold(0, |g, (s, _)| gcd(g, *s));
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for (s, _) in steps {
        *counts.entry(*s).or_insert(0) += 1;
    }
    let mode = counts
        .iter()
        .max_by_key(|(s, c)| (**c, std::cmp::Reverse(**s)))
        .map(|(s, _)| *s)
        .unwrap_or(g);
    if mode != g {
        let &(s, i) = steps
            .iter()
            .find(|(s, _)| s % mode != 0)
            .unwrap_or(&steps[0]);
        return Err(DataError::MixedIntervals {
            at: loc(&rows[i], Some(col)),
            detail: format!(
                "most rows are {} apart, but this row is {} after the previous row of queue `{}`",
                human_secs(mode),
                human_secs(s),
                rows[i].row.queue
            ),
        });
    }
    if g % 60 != 0 {
        return Err(DataError::UnsupportedInterval {
            path: inputs[rows[steps[0].1].file].path().to_path_buf(),
            minutes: g / 60,
        });
    }
    IntervalLength::from_minutes(g / 60).map_err(|_| DataError::UnsupportedInterval {
        path: inputs[rows[steps[0].1].file].path().to_path_buf(),
        minutes: g / 60,
    })
}

fn human_secs(s: i64) -> String {
    if s % 60 == 0 {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

fn bad_value(t: &CsvInput, row: usize, col: usize, reason: &str) -> DataError {
    DataError::Table(TableError::BadValue {
        at: t.location(row, col),
        value: t.text(row, col).to_string(),
        reason: reason.to_string(),
    })
}

fn parse_file(
    fi: usize,
    t: &CsvInput,
    m: &ColumnMapping,
    thr: &[u32],
    out: &mut Vec<RowIn>,
) -> Result<(), DataError> {
    let mut required: Vec<&str> = vec![m.interval_start.as_str(), m.offered.as_str()];
    if m.queue_constant.is_none() {
        required.push(m.queue.as_str());
    }
    // Columns named explicitly in the mapping must exist; default names are optional.
    let optional = [
        ("answered", m.answered.as_str()),
        ("abandoned", m.abandoned.as_str()),
        ("aht_seconds", m.aht_seconds.as_str()),
        ("asa_seconds", m.asa_seconds.as_str()),
    ];
    for (k, c) in optional {
        if m.is_explicit(k) {
            required.push(c);
        }
    }
    if let Some(c) = &m.sl_column {
        required.push(c.as_str());
    }
    let req = t.require(&required)?;
    let (c_ts, c_off) = (req[0], req[1]);
    let c_queue = if m.queue_constant.is_none() {
        Some(req[2])
    } else {
        None
    };
    let opt = |name: &str| t.column(name);
    let c_ans = opt(&m.answered);
    let c_abn = opt(&m.abandoned);
    let c_aht = opt(&m.aht_seconds);
    let c_asa = opt(&m.asa_seconds);
    let c_sl: Vec<Option<usize>> = thr
        .iter()
        .map(|s| match &m.sl_column {
            Some(c) if *s == m.sl_threshold_secs => opt(c),
            _ => opt(&format!("sl_{s}s")),
        })
        .collect();
    let c_ale: Vec<Option<usize>> = thr
        .iter()
        .map(|s| opt(&format!("answered_le{s}")))
        .collect();
    let c_ble: Vec<Option<usize>> = thr
        .iter()
        .map(|s| opt(&format!("abandoned_le{s}")))
        .collect();
    let c_queued = opt("queued");
    let c_sum_srv = opt("sum_service_s");
    let c_sum_wa = opt("sum_wait_answered_s");
    let c_sum_wb = opt("sum_wait_abandoned_s");
    let c_srv0 = opt("answered_service0");
    let c_vru = opt("vru_only");
    let const_queue = match &m.queue_constant {
        Some(q) => Some(QueueId::new(q).ok_or_else(|| DataError::BadMapping {
            detail: format!("queue_constant `{q}` is not a valid queue name"),
        })?),
        None => None,
    };

    for row in 0..t.len() {
        let num = |c: Option<usize>| -> Result<Option<f64>, DataError> {
            match c {
                Some(c) => Ok(t.opt_non_negative(row, c)?),
                None => Ok(None),
            }
        };
        let ts = match &m.timestamp_format {
            Some(f) => NaiveDateTime::parse_from_str(t.text(row, c_ts), f).map_err(|_| {
                bad_value(
                    t,
                    row,
                    c_ts,
                    &format!("expected a timestamp in format `{f}`"),
                )
            })?,
            None => match parse_timestamp(t.text(row, c_ts)) {
                Some(ts) => ts,
                None => t.timestamp(row, c_ts)?,
            },
        };
        let queue = match (&const_queue, c_queue) {
            (Some(q), _) => q.clone(),
            (None, Some(c)) => QueueId::new(t.text(row, c)).ok_or_else(|| {
                bad_value(
                    t,
                    row,
                    c,
                    "expected a queue name (non-empty, no commas or quotes)",
                )
            })?,
            (None, None) => unreachable!("queue column required when no constant"),
        };
        let offered = t.non_negative(row, c_off)?;
        let answered = num(c_ans)?;
        let abandoned = num(c_abn)?;
        let handled = answered.unwrap_or(0.0) + abandoned.unwrap_or(0.0);
        if handled > offered + 1e-9 {
            return Err(DataError::InconsistentCounts {
                at: t.location(row, c_ans.or(c_abn).unwrap_or(c_off)),
                detail: format!(
                    "answered + abandoned > offered ({} + {} > {offered})",
                    answered.unwrap_or(0.0),
                    abandoned.unwrap_or(0.0)
                ),
            });
        }
        let mut given_sl = Vec::with_capacity(thr.len());
        for c in &c_sl {
            let v = num(*c)?;
            let v = match (v, m.sl_unit) {
                (Some(x), SlUnit::Percent) => Some(x / 100.0),
                (v, _) => v,
            };
            if let (Some(x), Some(c)) = (v, c) {
                if x > 1.0 + 1e-9 {
                    return Err(bad_value(
                        t,
                        row,
                        *c,
                        match m.sl_unit {
                            SlUnit::Fraction => "expected a service level in [0, 1] (set sl_unit = \"percent\" for percentages)",
                            SlUnit::Percent => "expected a service level in [0, 100] %",
                        },
                    ));
                }
            }
            given_sl.push(v);
        }
        let answered_le: Vec<Option<f64>> =
            c_ale.iter().map(|c| num(*c)).collect::<Result<_, _>>()?;
        let abandoned_le: Vec<Option<f64>> =
            c_ble.iter().map(|c| num(*c)).collect::<Result<_, _>>()?;
        for (i, v) in answered_le.iter().enumerate() {
            if let (Some(v), Some(a)) = (v, answered) {
                if *v > a + 1e-9 {
                    return Err(DataError::InconsistentCounts {
                        at: t.location(row, c_ale[i].unwrap_or(c_off)),
                        detail: format!("answered_le{} > answered ({v} > {a})", thr[i]),
                    });
                }
            }
        }
        let queued = num(c_queued)?;
        if let Some(q) = queued {
            if q > offered + 1e-9 {
                return Err(DataError::InconsistentCounts {
                    at: t.location(row, c_queued.unwrap_or(c_off)),
                    detail: format!("queued > offered ({q} > {offered})"),
                });
            }
        }
        let r = KpiRow {
            interval_start: ts,
            queue,
            offered,
            answered,
            abandoned,
            queued,
            answered_le,
            abandoned_le,
            sum_service_secs: num(c_sum_srv)?,
            sum_wait_answered_secs: num(c_sum_wa)?,
            sum_wait_abandoned_secs: num(c_sum_wb)?,
            answered_service0: num(c_srv0)?,
            vru_only: num(c_vru)?,
            given_aht_secs: num(c_aht)?,
            given_asa_secs: num(c_asa)?,
            given_sl,
        };
        out.push(RowIn {
            row: r,
            file: fi,
            line: t.line(row),
        });
    }
    Ok(())
}
