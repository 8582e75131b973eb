//! Interval exports as text: the column mapping file (`models/interval_mapping.toml`) and the
//! export files (CSV, workbook, Parquet), read through the mapping's shape into validated rows,
//! which [`crate::data`] turns into the normalized KPI table.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::data::intervals::{
    ingest_rows, thresholds_with_mapping, zone_of, ColumnMapping, IntervalOptions, RowIn, SlUnit,
    COLUMN_KEYS, OTHER_KEYS,
};
use crate::data::{DataError, Ingested, KpiRow, QueueId};
use crate::io::shape::{localize, Stamp};
use crate::io::source::ReadOptions;
use crate::io::table::{CsvInput, TableError};
use crate::time::NaiveDateTime;

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

/// Parses every file's rows, then validates and normalizes them as one history.
fn ingest_parsed(inputs: &[CsvInput], opts: &IntervalOptions) -> Result<Ingested, DataError> {
    let thresholds = thresholds_with_mapping(opts);
    let thr = thresholds.secs().to_vec();
    let zone = zone_of(opts)?;
    let mut rows: Vec<RowIn> = Vec::new();
    for (fi, t) in inputs.iter().enumerate() {
        parse_file(fi, t, &opts.mapping, zone, &thr, &mut rows)?;
    }
    let paths: Vec<PathBuf> = inputs.iter().map(|t| t.path().to_path_buf()).collect();
    ingest_rows(rows, &paths, opts)
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

/// Every row of one file, validated, appended to `out`.
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
        let mut row_out = r.values(&cols, thr)?;
        row_out.interval_start = ts.local;
        row_out.utc_offset_secs = ts.offset_secs;
        row_out.queue = queue;
        out.push(RowIn {
            row: row_out,
            at: ts.utc(),
            file: fi,
            line: t.line(row),
        });
    }
    Ok(())
}

impl RowReader<'_> {
    /// The row's counts, sums and given means, checked for consistency (`answered +
    /// abandoned ≤ offered`, …); its start and queue are placeholders set by the caller.
    fn values(&self, cols: &Cols, thr: &[u32]) -> Result<KpiRow, DataError> {
        let (r, t, m, row) = (self, self.t, self.m, self.row);
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
        Ok(KpiRow {
            interval_start: NaiveDateTime::default(),
            utc_offset_secs: None,
            queue: QueueId::new("_").expect("valid queue"),
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
        })
    }
}
