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
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::accounting::Accounting;
use super::calls::Ingested;
use super::kpi::day_intervals;
use super::kpi::{KpiRow, KpiTable, QueueId, SlThresholds};
use super::DataError;
use crate::io::shape::{localize, ExportShape, Stamp};
use crate::io::source::ReadOptions;
use crate::io::Location;
use crate::model::gcd;
use crate::table::{CsvInput, TableError};
use crate::time::{format_timestamp, NaiveDate, NaiveDateTime, Timelike};
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
#[serde(default)]
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
    /// The date column, when date and time are in separate columns (then `interval_start` is
    /// not read); its format is `date_format`.
    pub date_column: Option<String>,
    /// The time-of-day column beside `date_column`; its format is `time_format`.
    pub time_column: Option<String>,
    /// The export has no offered column: offered = answered + abandoned (both required).
    pub derive_offered: bool,
    /// How the file and its values are written: delimiter, lines before the header, decimal
    /// comma, timestamp / date / time formats, durations, time zone (see [`ExportShape`]).
    #[serde(flatten)]
    pub shape: ExportShape,
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
            date_column: None,
            time_column: None,
            derive_offered: false,
            shape: ExportShape::default(),
            explicit: BTreeSet::new(),
        }
    }
}

/// Every other key of a mapping (beside the column keys).
const OTHER_KEYS: [&str; 18] = [
    "schema_version",
    "queue_constant",
    "sl_column",
    "sl_threshold_secs",
    "sl_unit",
    "timestamp_format",
    "date_column",
    "time_column",
    "derive_offered",
    "delimiter",
    "skip_lines",
    "decimal_comma",
    "thousands_separator",
    "date_format",
    "time_format",
    "duration_format",
    "time_zone",
    "encoding",
];

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
        if let Some(k) = table
            .keys()
            .find(|k| !COLUMN_KEYS.contains(&k.as_str()) && !OTHER_KEYS.contains(&k.as_str()))
        {
            return Err(DataError::BadMapping {
                detail: format!(
                    "{}: unknown key `{k}` (expected one of {}, {})",
                    path.display(),
                    COLUMN_KEYS.join(", "),
                    OTHER_KEYS.join(", ")
                ),
            });
        }
        m.explicit = table.keys().cloned().collect();
        m.validate()?;
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
            "timestamp_format" => self.shape.timestamp_format = Some(v),
            "date_column" => self.date_column = Some(v),
            "time_column" => self.time_column = Some(v),
            "derive_offered" => self.derive_offered = parse_bool(k, &v)?,
            "delimiter" => self.shape.delimiter = Some(v),
            "skip_lines" => {
                self.shape.skip_lines = v
                    .parse()
                    .map_err(|_| bad(format!("skip_lines: expected a whole number, got `{v}`")))?
            }
            "decimal_comma" => self.shape.decimal_comma = parse_bool(k, &v)?,
            "thousands_separator" => self.shape.thousands_separator = Some(v),
            "date_format" => self.shape.date_format = Some(v),
            "time_format" => self.shape.time_format = Some(v),
            "duration_format" => {
                self.shape.duration_format = v
                    .parse()
                    .map_err(|e| bad(format!("duration_format: {e}")))?
            }
            "time_zone" => self.shape.time_zone = Some(v),
            _ => {
                return Err(bad(format!(
                    "unknown key `{k}` (expected one of {}, {})",
                    COLUMN_KEYS.join(", "),
                    OTHER_KEYS.join(", ")
                )))
            }
        }
        self.explicit.insert(k.to_string());
        self.validate()
    }

    /// Checks the parts of a mapping that do not depend on a file.
    fn validate(&self) -> Result<(), DataError> {
        let bad = |detail: String| DataError::BadMapping { detail };
        self.shape.read_options().map_err(bad)?;
        if let Some(z) = &self.shape.time_zone {
            crate::io::shape::parse_zone(z).map_err(bad)?;
        }
        if self.time_column.is_some() != self.date_column.is_some() {
            return Err(bad(
                "date_column and time_column go together (date and time in separate columns)"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The column holding the interval start, as located in errors.
    fn start_column(&self) -> &str {
        self.date_column.as_deref().unwrap_or(&self.interval_start)
    }

    fn is_explicit(&self, key: &str) -> bool {
        self.explicit.contains(key)
    }
}

fn parse_bool(key: &str, v: &str) -> Result<bool, DataError> {
    match v {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(DataError::BadMapping {
            detail: format!("{key}: expected true or false, got `{v}`"),
        }),
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
    /// The site's time zone (`--tz`): instants are converted to its clock, naive timestamps are
    /// its wall clock, and every interval carries its UTC offset (a fall-back day has 50
    /// half-hours, a spring-forward day 46). Overrides the mapping's `time_zone`.
    pub zone: Option<chrono_tz::Tz>,
}

struct RowIn {
    row: KpiRow,
    /// The instant (UTC when the offset is known, else the wall clock): the key of duplicates,
    /// order and spacing.
    at: NaiveDateTime,
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
    let ropts = read_options(opts)?;
    let inputs: Vec<CsvInput> = paths
        .iter()
        .map(|p| CsvInput::read_with(p.as_ref(), &ropts))
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
    let ropts = read_options(opts)?;
    let inputs: Vec<CsvInput> = inputs
        .iter()
        .map(|(p, b)| CsvInput::from_bytes_with(p, b, &ropts))
        .collect::<Result<_, _>>()?;
    ingest_parsed(&inputs, opts)
}

fn read_options(opts: &IntervalOptions) -> Result<ReadOptions, DataError> {
    let mut r = opts
        .mapping
        .shape
        .read_options()
        .map_err(|detail| DataError::BadMapping { detail })?;
    r.sheet = crate::table::default_sheet();
    Ok(r)
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
    let zone = m
        .shape
        .zone(opts.zone)
        .map_err(|detail| DataError::BadMapping { detail })?;
    for (fi, t) in inputs.iter().enumerate() {
        parse_file(fi, t, m, zone, &thr, &mut rows)?;
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
    let col = m.start_column();
    let shown = |r: &RowIn| r.row.interval_start;
    let mut first: HashMap<(NaiveDateTime, &QueueId), u64> = HashMap::new();
    for r in &rows {
        if let Some(&l) = first.get(&(r.at, &r.row.queue)) {
            return Err(DataError::DuplicateInterval {
                at: loc(r, Some(col)),
                interval_start: shown(r),
                queue: r.row.queue.to_string(),
                first_line: l,
            });
        }
        first.insert((r.at, &r.row.queue), r.line);
    }
    let mut last: HashMap<(usize, &QueueId), (NaiveDateTime, NaiveDateTime, u64)> = HashMap::new();
    let mut steps: Vec<(i64, usize)> = Vec::new(); // (step seconds, row index)
    for (i, r) in rows.iter().enumerate() {
        if let Some(&(prev, prev_shown, pl)) = last.get(&(r.file, &r.row.queue)) {
            if r.at <= prev {
                return Err(DataError::Unsorted {
                    at: loc(r, Some(col)),
                    interval_start: shown(r),
                    queue: r.row.queue.to_string(),
                    previous: prev_shown,
                    previous_line: pl,
                });
            }
            steps.push(((r.at - prev).num_seconds(), i));
        }
        last.insert((r.file, &r.row.queue), (r.at, shown(r), r.line));
    }

    let interval = infer_interval(&rows, &steps, opts, inputs, &loc)?;
    let len = i64::from(interval.seconds());
    for r in &rows {
        let s = i64::from(r.row.interval_start.time().num_seconds_from_midnight());
        if s % len != 0 {
            return Err(DataError::MixedIntervals {
                at: loc(r, Some(col)),
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
    if !opts.no_fill {
        // Zero-filling grows with covered days × intervals × queues, like `ingest calls`.
        super::calls::check_output_size(&days, interval, queues.len())?;
    }
    let days: Vec<NaiveDate> = days.into_iter().collect();
    let queues: Vec<QueueId> = queues.into_iter().collect();
    let template = known_template(&rows, thr.len());
    let mut by_key: BTreeMap<(NaiveDateTime, QueueId), KpiRow> = rows
        .into_iter()
        .map(|r| ((r.at, r.row.queue.clone()), r.row))
        .collect();
    let out_rows: Vec<KpiRow> = if opts.no_fill {
        by_key.into_values().collect()
    } else {
        let mut out = Vec::with_capacity(days.len() * interval.per_day() * queues.len());
        let mut filled = 0u64;
        for d in &days {
            for start in day_intervals(*d, interval, zone) {
                let key = start.utc();
                for q in &queues {
                    match by_key.remove(&(key, q.clone())) {
                        Some(r) => out.push(r),
                        None => {
                            filled += 1;
                            let mut z = template.zero_row(start.local, q.clone());
                            z.utc_offset_secs = start.offset_secs;
                            out.push(z);
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
        utc_offset_secs: None,
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
    let col = opts.mapping.start_column();
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

/// Where the interval start is: one timestamp column, or a date and a time column.
enum StartCols {
    Timestamp(usize),
    DateTime(usize, usize),
}

/// The columns of one file, resolved from its header through the mapping.
struct Cols {
    start: StartCols,
    queue: Option<usize>,
    offered: Option<usize>,
    answered: Option<usize>,
    abandoned: Option<usize>,
    aht: Option<usize>,
    asa: Option<usize>,
    sl: Vec<Option<usize>>,
    answered_le: Vec<Option<usize>>,
    abandoned_le: Vec<Option<usize>>,
    queued: Option<usize>,
    sum_service: Option<usize>,
    sum_wait_answered: Option<usize>,
    sum_wait_abandoned: Option<usize>,
    service0: Option<usize>,
    vru: Option<usize>,
}

impl Cols {
    fn resolve(t: &CsvInput, m: &ColumnMapping, thr: &[u32]) -> Result<Self, DataError> {
        let mut required: Vec<&str> = Vec::new();
        match (&m.date_column, &m.time_column) {
            (Some(d), Some(tc)) => {
                required.push(d);
                required.push(tc);
            }
            _ => required.push(&m.interval_start),
        }
        if !m.derive_offered {
            required.push(&m.offered);
        } else {
            required.push(&m.answered);
            required.push(&m.abandoned);
        }
        if m.queue_constant.is_none() {
            required.push(&m.queue);
        }
        // Columns named explicitly in the mapping must exist; default names are optional.
        for (k, c) in [
            ("answered", &m.answered),
            ("abandoned", &m.abandoned),
            ("aht_seconds", &m.aht_seconds),
            ("asa_seconds", &m.asa_seconds),
        ] {
            if m.is_explicit(k) {
                required.push(c);
            }
        }
        if let Some(c) = &m.sl_column {
            required.push(c);
        }
        t.require(&required)?;
        let opt = |name: &str| t.column(name);
        let start = match (&m.date_column, &m.time_column) {
            (Some(d), Some(tc)) => {
                StartCols::DateTime(opt(d).expect("required"), opt(tc).expect("required"))
            }
            _ => StartCols::Timestamp(opt(&m.interval_start).expect("required")),
        };
        let per = |f: &dyn Fn(u32) -> String| thr.iter().map(|s| opt(&f(*s))).collect::<Vec<_>>();
        Ok(Cols {
            start,
            queue: m.queue_constant.is_none().then(|| opt(&m.queue)).flatten(),
            offered: if m.derive_offered {
                None
            } else {
                opt(&m.offered)
            },
            answered: opt(&m.answered),
            abandoned: opt(&m.abandoned),
            aht: opt(&m.aht_seconds),
            asa: opt(&m.asa_seconds),
            sl: thr
                .iter()
                .map(|s| match &m.sl_column {
                    Some(c) if *s == m.sl_threshold_secs => opt(c),
                    _ => opt(&format!("sl_{s}s")),
                })
                .collect(),
            answered_le: per(&|s| format!("answered_le{s}")),
            abandoned_le: per(&|s| format!("abandoned_le{s}")),
            queued: opt("queued"),
            sum_service: opt("sum_service_s"),
            sum_wait_answered: opt("sum_wait_answered_s"),
            sum_wait_abandoned: opt("sum_wait_abandoned_s"),
            service0: opt("answered_service0"),
            vru: opt("vru_only"),
        })
    }
}

/// Reads one row's values through the mapping's shape.
struct RowReader<'a> {
    t: &'a CsvInput,
    m: &'a ColumnMapping,
    row: usize,
}

impl RowReader<'_> {
    fn bad(&self, col: usize, reason: &str) -> DataError {
        bad_value(self.t, self.row, col, reason)
    }
    fn typed(&self, col: usize) -> bool {
        self.t.is_typed(self.row, col)
    }
    /// An optional count in [0, [`crate::limits::MAX_CONTACTS`]].
    fn count(&self, c: Option<usize>) -> Result<Option<f64>, DataError> {
        self.bounded(c, crate::limits::MAX_CONTACTS, "contacts")
    }
    /// An optional sum of seconds over one interval's calls: at most
    /// [`crate::limits::MAX_CONTACTS`] calls of [`crate::limits::MAX_CALL_SECONDS`].
    fn sum_secs(&self, c: Option<usize>) -> Result<Option<f64>, DataError> {
        let max = crate::limits::MAX_CONTACTS * crate::limits::MAX_CALL_SECONDS;
        self.bounded(c, max, "seconds")
    }
    fn bounded(&self, c: Option<usize>, max: f64, unit: &str) -> Result<Option<f64>, DataError> {
        let Some(c) = c else { return Ok(None) };
        let text = self.t.text(self.row, c);
        if text.is_empty() {
            return Ok(None);
        }
        let v = self
            .m
            .shape
            .number(text, self.typed(c))
            .map_err(|e| self.bad(c, &e))?;
        if v < 0.0 {
            return Err(self.bad(c, "expected a value ≥ 0"));
        }
        if v > max {
            let msg = format!("expected at most {max:e} {unit} per interval");
            return Err(self.bad(c, &msg));
        }
        Ok(Some(v))
    }
    /// An optional mean duration (AHT, ASA) in [0, [`crate::limits::MAX_CALL_SECONDS`]].
    fn duration(&self, c: Option<usize>) -> Result<Option<f64>, DataError> {
        let Some(c) = c else { return Ok(None) };
        let text = self.t.text(self.row, c);
        if text.is_empty() {
            return Ok(None);
        }
        let v = self
            .m
            .shape
            .duration_secs(text, self.typed(c))
            .map_err(|e| self.bad(c, &e))?;
        if v > crate::limits::MAX_CALL_SECONDS {
            return Err(self.bad(c, "expected at most 86400 seconds (one day)"));
        }
        Ok(Some(v))
    }
    fn service_level(&self, c: Option<usize>) -> Result<Option<f64>, DataError> {
        let Some(c) = c else { return Ok(None) };
        let text = self.t.text(self.row, c);
        if text.is_empty() {
            return Ok(None);
        }
        let pct = self.m.sl_unit == SlUnit::Percent;
        let v = self
            .m
            .shape
            .fraction(text, self.typed(c), pct)
            .map_err(|e| self.bad(c, &e))?;
        if v < 0.0 {
            return Err(self.bad(c, "expected a value ≥ 0"));
        }
        if v > 1.0 + 1e-9 {
            return Err(self.bad(
                c,
                match self.m.sl_unit {
                    SlUnit::Fraction => "expected a service level in [0, 1] (set sl_unit = \"percent\" for percentages)",
                    SlUnit::Percent => "expected a service level in [0, 100] %",
                },
            ));
        }
        Ok(Some(v))
    }
    fn start(&self, cols: &StartCols) -> Result<(Stamp, usize), DataError> {
        let shape = &self.m.shape;
        match *cols {
            StartCols::Timestamp(c) => shape
                .timestamp(self.t.text(self.row, c), self.typed(c))
                .map(|s| (s, c))
                .map_err(|e| self.bad(c, &e)),
            StartCols::DateTime(dc, tc) => {
                let d = shape
                    .date(self.t.text(self.row, dc), self.typed(dc))
                    .map_err(|e| self.bad(dc, &e))?;
                let tm = shape
                    .time(self.t.text(self.row, tc), self.typed(tc))
                    .map_err(|e| self.bad(tc, &e))?;
                Ok((Stamp::Naive(d.and_time(tm)), tc))
            }
        }
    }
}

fn parse_file(
    fi: usize,
    t: &CsvInput,
    m: &ColumnMapping,
    zone: Option<chrono_tz::Tz>,
    thr: &[u32],
    out: &mut Vec<RowIn>,
) -> Result<(), DataError> {
    let cols = Cols::resolve(t, m, thr)?;
    let const_queue = match &m.queue_constant {
        Some(q) => Some(QueueId::new(q).ok_or_else(|| DataError::BadMapping {
            detail: format!("queue_constant `{q}` is not a valid queue name"),
        })?),
        None => None,
    };
    // Wall-clock times already seen per queue: the second of a fall-back night's repeated
    // times is the later instant.
    let mut seen: HashSet<(NaiveDateTime, QueueId)> = HashSet::new();
    for row in 0..t.len() {
        let r = RowReader { t, m, row };
        let queue = match (&const_queue, cols.queue) {
            (Some(q), _) => q.clone(),
            (None, Some(c)) => QueueId::new(t.text(row, c)).ok_or_else(|| {
                r.bad(c, "expected a queue name (non-empty, no commas or quotes)")
            })?,
            (None, None) => unreachable!("queue column required when no constant"),
        };
        let (stamp, c_ts) = r.start(&cols.start)?;
        let naive = match stamp {
            Stamp::Naive(n) => Some(n),
            Stamp::Instant(_) => None,
        };
        let later = naive.is_some_and(|n| seen.contains(&(n, queue.clone())));
        let ts = localize(stamp, zone, later).map_err(|e| r.bad(c_ts, &e))?;
        if let Some(n) = naive {
            seen.insert((n, queue.clone()));
        }
        let answered = r.count(cols.answered)?;
        let abandoned = r.count(cols.abandoned)?;
        let offered = match cols.offered {
            Some(c) => r
                .count(Some(c))?
                .ok_or_else(|| r.bad(c, "expected a number, the field is empty"))?,
            None => {
                // derive_offered: both columns are required by the mapping.
                let need = |v: Option<f64>, name: &str| {
                    v.ok_or_else(|| {
                        let c = t.column(name).unwrap_or(0);
                        r.bad(c, "expected a number (offered = answered + abandoned), the field is empty")
                    })
                };
                need(answered, &m.answered)? + need(abandoned, &m.abandoned)?
            }
        };
        let handled = answered.unwrap_or(0.0) + abandoned.unwrap_or(0.0);
        if handled > offered + 1e-9 {
            return Err(DataError::InconsistentCounts {
                at: t.location(
                    row,
                    cols.answered
                        .or(cols.abandoned)
                        .or(cols.offered)
                        .unwrap_or(0),
                ),
                detail: format!(
                    "answered + abandoned > offered ({} + {} > {offered})",
                    answered.unwrap_or(0.0),
                    abandoned.unwrap_or(0.0)
                ),
            });
        }
        let given_sl: Vec<Option<f64>> = cols
            .sl
            .iter()
            .map(|c| r.service_level(*c))
            .collect::<Result<_, _>>()?;
        let answered_le: Vec<Option<f64>> = cols
            .answered_le
            .iter()
            .map(|c| r.count(*c))
            .collect::<Result<_, _>>()?;
        let abandoned_le: Vec<Option<f64>> = cols
            .abandoned_le
            .iter()
            .map(|c| r.count(*c))
            .collect::<Result<_, _>>()?;
        for (i, v) in answered_le.iter().enumerate() {
            if let (Some(v), Some(a)) = (v, answered) {
                if *v > a + 1e-9 {
                    return Err(DataError::InconsistentCounts {
                        at: t.location(row, cols.answered_le[i].unwrap_or(0)),
                        detail: format!("answered_le{} > answered ({v} > {a})", thr[i]),
                    });
                }
            }
        }
        let queued = r.count(cols.queued)?;
        if let Some(q) = queued {
            if q > offered + 1e-9 {
                return Err(DataError::InconsistentCounts {
                    at: t.location(row, cols.queued.unwrap_or(0)),
                    detail: format!("queued > offered ({q} > {offered})"),
                });
            }
        }
        let row_out = KpiRow {
            interval_start: ts.local,
            utc_offset_secs: ts.offset_secs,
            queue,
            offered,
            answered,
            abandoned,
            queued,
            answered_le,
            abandoned_le,
            sum_service_secs: r.sum_secs(cols.sum_service)?,
            sum_wait_answered_secs: r.sum_secs(cols.sum_wait_answered)?,
            sum_wait_abandoned_secs: r.sum_secs(cols.sum_wait_abandoned)?,
            answered_service0: r.count(cols.service0)?,
            vru_only: r.count(cols.vru)?,
            given_aht_secs: r.duration(cols.aht)?,
            given_asa_secs: r.duration(cols.asa)?,
            given_sl,
        };
        out.push(RowIn {
            row: row_out,
            at: ts.utc(),
            file: fi,
            line: t.line(row),
        });
    }
    Ok(())
}
