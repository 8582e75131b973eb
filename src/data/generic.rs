//! The generic call-level CSV: one row per call offered to an agent queue, the shape a planner
//! can export from any ACD. Comma-separated, header required, columns in any order (names are
//! matched case-insensitively; extra columns are ignored):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `call_id` | yes | unique id of the call (duplicates are rejected) |
//! | `queue` | yes | queue / split / skill the call was offered to |
//! | `arrival_time` | yes | when the call reached the agent queue, `YYYY-MM-DD HH:MM:SS` (or `T`) local time |
//! | `outcome` | yes | `answered` or `abandoned` |
//! | `wait_seconds` | yes | time in queue until answer or abandonment, ≥ 0 |
//! | `handle_seconds` | answered calls | talk + hold time, ≥ 0 (empty allowed for abandoned calls) |
//! | `acw_seconds` | no | after-call work, ≥ 0, added to the handle time |
//! | `agent` | no | who answered (not used in the KPIs) |
//!
//! A call counts as *queued* when `wait_seconds > 0`.
//!
//! Other exports are read through a [`CallMapping`] (`wfm ingest calls --mapping FILE`): other
//! column names, date and time in separate columns, other outcome words, and the export's
//! shape (delimiter, decimal comma, lines before the header, date/time/duration formats, time
//! zone; see [`ExportShape`]). Workbooks and Parquet files are read the same way.

use std::collections::BTreeSet;
use std::path::Path;

use chrono_tz::Tz;

use super::accounting::{Accounting, RejectReason, RepairKind};
use super::kpi::QueueId;
use super::record::{Call, Outcome, ParsedRecord, RecordKey};
use super::DataError;
use crate::io::shape::{localize, ExportShape, Stamp};
use crate::io::source::{ReadOptions, SourceKind};
use crate::table::CsvInput;
use crate::table::TableError;
use crate::time::Timelike;

/// Required columns (the default names).
pub(crate) const REQUIRED: [&str; 6] = [
    "call_id",
    "queue",
    "arrival_time",
    "outcome",
    "wait_seconds",
    "handle_seconds",
];

/// Which call-log column holds which field, the outcome words, and the export's shape.
/// Defaults are the generic format's names; every key is optional in the TOML.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct CallMapping {
    /// Version of the TOML schema; must be 1.
    pub schema_version: u32,
    /// Call id column.
    pub call_id: String,
    /// Queue column.
    pub queue: String,
    /// Arrival (queue-entry) timestamp column; not read when `date_column` is set.
    pub arrival_time: String,
    /// Date column, when date and time are in separate columns.
    pub date_column: Option<String>,
    /// Time-of-day column beside `date_column`.
    pub time_column: Option<String>,
    /// Outcome column.
    pub outcome: String,
    /// Wait column (a duration in `duration_format`).
    pub wait_seconds: String,
    /// Handle-time column (a duration).
    pub handle_seconds: String,
    /// After-call-work column (optional in the file).
    pub acw_seconds: String,
    /// Outcome words meaning answered (compared case-insensitively).
    pub answered_values: Vec<String>,
    /// Outcome words meaning abandoned.
    pub abandoned_values: Vec<String>,
    /// How the file and its values are written.
    #[serde(flatten)]
    pub shape: ExportShape,
}

impl Default for CallMapping {
    fn default() -> Self {
        CallMapping {
            schema_version: 1,
            call_id: REQUIRED[0].into(),
            queue: REQUIRED[1].into(),
            arrival_time: REQUIRED[2].into(),
            date_column: None,
            time_column: None,
            outcome: REQUIRED[3].into(),
            wait_seconds: REQUIRED[4].into(),
            handle_seconds: REQUIRED[5].into(),
            acw_seconds: "acw_seconds".into(),
            answered_values: vec!["answered".into()],
            abandoned_values: vec!["abandoned".into()],
            shape: ExportShape::default(),
        }
    }
}

impl CallMapping {
    /// Reads a call-log mapping from TOML.
    ///
    /// # Errors
    /// [`DataError::Table`] when the file cannot be read or parsed, [`DataError::BadMapping`]
    /// for an unknown key, an unsupported `schema_version` or an invalid shape.
    pub fn from_toml(path: &Path) -> Result<Self, DataError> {
        let text = std::fs::read_to_string(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let toml_err = |e: toml::de::Error| TableError::Toml {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let m: CallMapping = toml::from_str(&text).map_err(toml_err)?;
        let table: toml::Table = toml::from_str(&text).map_err(toml_err)?;
        const KEYS: [&str; 22] = [
            "schema_version",
            "call_id",
            "queue",
            "arrival_time",
            "date_column",
            "time_column",
            "outcome",
            "wait_seconds",
            "handle_seconds",
            "acw_seconds",
            "answered_values",
            "abandoned_values",
            "delimiter",
            "skip_lines",
            "decimal_comma",
            "thousands_separator",
            "timestamp_format",
            "date_format",
            "time_format",
            "duration_format",
            "time_zone",
            "encoding",
        ];
        let bad = |detail: String| DataError::BadMapping {
            detail: format!("{}: {detail}", path.display()),
        };
        if let Some(k) = table.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(bad(format!(
                "unknown key `{k}` (expected one of {})",
                KEYS.join(", ")
            )));
        }
        if m.schema_version != 1 {
            return Err(bad(format!(
                "schema_version {} is not supported (expected 1)",
                m.schema_version
            )));
        }
        m.shape.read_options().map_err(&bad)?;
        if let Some(z) = &m.shape.time_zone {
            crate::io::shape::parse_zone(z).map_err(&bad)?;
        }
        if m.date_column.is_some() != m.time_column.is_some() {
            return Err(bad("date_column and time_column go together".into()));
        }
        Ok(m)
    }
}

/// Column positions resolved from the header, with the mapping and zone they are read with.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    idx: [usize; 6],
    time: Option<usize>,
    acw: Option<usize>,
    width: usize,
    names: [String; 6],
    answered: BTreeSet<String>,
    abandoned: BTreeSet<String>,
    shape: ExportShape,
    zone: Option<Tz>,
}

/// True when a header line looks like the generic format's.
pub(crate) fn is_header(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    l.contains(',') && l.contains("call_id") && l.contains("arrival_time")
}

impl Columns {
    /// Resolves the columns; `Err` lists the missing ones.
    pub(crate) fn from_header(
        header: &[String],
        m: &CallMapping,
        zone: Option<Tz>,
    ) -> Result<Self, Vec<String>> {
        let find = |name: &str| {
            header.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
        };
        let start = m
            .date_column
            .clone()
            .unwrap_or_else(|| m.arrival_time.clone());
        let names = [
            m.call_id.clone(),
            m.queue.clone(),
            start,
            m.outcome.clone(),
            m.wait_seconds.clone(),
            m.handle_seconds.clone(),
        ];
        let mut wanted: Vec<&str> = names.iter().map(String::as_str).collect();
        if let Some(t) = &m.time_column {
            wanted.push(t);
        }
        let missing: Vec<String> = wanted
            .iter()
            .filter(|n| find(n).is_none())
            .map(|n| n.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let mut idx = [0; 6];
        for (k, n) in names.iter().enumerate() {
            idx[k] = find(n).unwrap_or(0);
        }
        let lower = |v: &[String]| v.iter().map(|s| s.trim().to_lowercase()).collect();
        Ok(Columns {
            idx,
            time: m.time_column.as_deref().and_then(find),
            acw: find(&m.acw_seconds),
            width: header.len(),
            names,
            answered: lower(&m.answered_values),
            abandoned: lower(&m.abandoned_values),
            shape: m.shape.clone(),
            zone,
        })
    }
}

fn seconds(
    cols: &Columns,
    text: &str,
    typed: bool,
    column: &str,
) -> Result<Option<f64>, (RejectReason, Option<String>)> {
    if text.is_empty() {
        return Ok(None);
    }
    let unparseable = || {
        (
            RejectReason::UnparseableNumber {
                column: column.to_string(),
                value: text.to_string(),
            },
            Some(column.to_string()),
        )
    };
    if text.contains(':') {
        return cols
            .shape
            .duration_secs(text, typed)
            .map(Some)
            .map_err(|_| unparseable());
    }
    let v = cols.shape.number(text, typed).map_err(|_| unparseable())?;
    if v < 0.0 {
        return Err((
            RejectReason::NegativeDuration {
                column: column.to_string(),
                value: v.floor() as i64,
            },
            Some(column.to_string()),
        ));
    }
    let v = match cols.shape.duration_format {
        crate::io::shape::DurationFormat::Milliseconds => v / 1000.0,
        _ => v,
    };
    if v > crate::limits::MAX_CALL_SECONDS {
        return Err((
            RejectReason::DurationTooLong {
                column: column.to_string(),
                value: text.to_string(),
            },
            Some(column.to_string()),
        ));
    }
    Ok(Some(v))
}

/// The arrival time on the site's clock.
fn arrival(
    cols: &Columns,
    fields: &[String],
    typed: &[bool],
) -> Result<crate::io::shape::LocalStamp, (RejectReason, Option<String>)> {
    let ti = |i: usize| typed.get(i).copied().unwrap_or(false);
    let (c, name) = (cols.idx[2], cols.names[2].as_str());
    let unparseable = |col: &str, value: &str| {
        (
            RejectReason::UnparseableTime {
                column: col.to_string(),
                value: value.to_string(),
            },
            Some(col.to_string()),
        )
    };
    let text = fields[c].trim();
    let stamp = match cols.time {
        Some(tc) => {
            let d = cols
                .shape
                .date(text, ti(c))
                .map_err(|_| unparseable(name, text))?;
            let tt = fields[tc].trim();
            let t = cols
                .shape
                .time(tt, ti(tc))
                .map_err(|_| unparseable("time", tt))?;
            Stamp::Naive(d.and_time(t))
        }
        None => cols
            .shape
            .timestamp(text, ti(c))
            .map_err(|_| unparseable(name, text))?,
    };
    localize(stamp, cols.zone, false).map_err(|reason| {
        (
            RejectReason::BadTimestamp {
                column: name.to_string(),
                value: text.to_string(),
                reason,
            },
            Some(name.to_string()),
        )
    })
}

/// Parses one record (fields split by the table reader; `typed` marks cells a workbook or
/// Parquet file typed).
pub(crate) fn parse_record<'a>(
    cols: &Columns,
    fields: &'a [String],
    typed: &[bool],
    repairs: &mut Vec<RepairKind>,
    notes: &mut Vec<&'static str>,
) -> Result<ParsedRecord<'a>, (RejectReason, Option<String>)> {
    if fields.len() != cols.width {
        return Err((
            RejectReason::WrongFieldCount {
                expected: cols.width,
                found: fields.len(),
            },
            None,
        ));
    }
    let get = |k: usize| -> &'a str { fields[cols.idx[k]].as_str().trim() };
    let ti = |k: usize| typed.get(cols.idx[k]).copied().unwrap_or(false);
    for (k, name) in cols.names.iter().enumerate() {
        let f = &fields[cols.idx[k]];
        if f.trim().len() != f.len() {
            repairs.push(RepairKind::TrimmedSpaces {
                column: name.to_string(),
            });
        }
    }
    let missing = |k: usize| {
        (
            RejectReason::MissingValue {
                column: cols.names[k].to_string(),
            },
            Some(cols.names[k].to_string()),
        )
    };
    let call_id = get(0);
    if call_id.is_empty() {
        return Err(missing(0));
    }
    let queue = QueueId::validate(get(1)).ok_or_else(|| {
        (
            RejectReason::BadQueue {
                value: get(1).to_string(),
            },
            Some(cols.names[1].to_string()),
        )
    })?;
    let ts = arrival(cols, fields, typed)?;
    let word = get(3).to_lowercase();
    let outcome = if cols.answered.contains(&word) {
        Outcome::Answered
    } else if cols.abandoned.contains(&word) {
        Outcome::Abandoned
    } else {
        return Err((
            RejectReason::UnknownOutcome {
                value: get(3).to_string(),
            },
            Some(cols.names[3].to_string()),
        ));
    };
    let wait = seconds(cols, get(4), ti(4), &cols.names[4])?.ok_or_else(|| missing(4))?;
    let handle = seconds(cols, get(5), ti(5), &cols.names[5])?;
    let acw = match cols.acw {
        Some(i) => seconds(
            cols,
            fields[i].trim(),
            typed.get(i).copied().unwrap_or(false),
            "acw_seconds",
        )?,
        None => None,
    };
    let handle_secs = match outcome {
        Outcome::Answered => handle.ok_or_else(|| missing(5))? + acw.unwrap_or(0.0),
        Outcome::Abandoned => {
            if handle.unwrap_or(0.0) > 0.0 || acw.unwrap_or(0.0) > 0.0 {
                notes.push("abandoned call with a handle time (ignored: not answered)");
            }
            0.0
        }
    };
    let day = ts.local.date();
    // Sub-second arrival times fall in the interval of their whole second.
    let secs_of_day = ts.local.time().num_seconds_from_midnight();
    Ok(ParsedRecord::Call {
        call: Call {
            queue,
            day,
            secs_of_day,
            utc_offset_secs: ts.offset_secs,
            outcome,
            offered: true,
            queued: wait > 0.0,
            wait_secs: wait,
            handle_secs,
        },
        covered_day: day,
        key: RecordKey::Text(call_id.into()),
    })
}

/// The header and records of a generic call CSV, fields as text (`None` for a record the CSV
/// reader rejects).
pub(crate) fn split_csv(text: &str) -> (Vec<String>, Vec<Option<Vec<String>>>) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = rdr
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let records = rdr
        .records()
        .map(|r| r.ok().map(|r| r.iter().map(str::to_string).collect()))
        .collect();
    (header, records)
}
/// What a reader hands on for each record: its line, the parsed call or why it is rejected,
/// its repairs and notes.
pub(crate) type OnRecord<'r> = dyn FnMut(
        u64,
        Result<ParsedRecord, (RejectReason, Option<String>)>,
        Vec<RepairKind>,
        Vec<&'static str>,
        &mut Accounting,
    ) + 'r;

/// Reads a generic call-level table (CSV, workbook or Parquet) through the one table reader
/// of `crate::io`, record by record; fields keep their spaces (each trim is a repair) and a
/// record with another field count is a rejection, not an error.
pub(crate) fn read_generic(
    path: &Path,
    text: &str,
    bytes: &[u8],
    mapping: Option<&CallMapping>,
    zone: Option<Tz>,
    acc: &mut Accounting,
    on_record: &mut OnRecord<'_>,
) -> Result<(), DataError> {
    let default = CallMapping::default();
    let mapping = mapping.unwrap_or(&default);
    let bad_mapping = |detail| DataError::BadMapping { detail };
    let opts = ReadOptions {
        trim: false,
        flexible: true,
        sheet: crate::table::default_sheet(),
        ..mapping.shape.read_options().map_err(bad_mapping)?
    };
    let zone = mapping.shape.zone(zone).map_err(bad_mapping)?;
    // CSV text was decoded leniently above (invalid UTF-8 becomes U+FFFD, then a rejection of
    // that record's field); other formats are read from their bytes.
    let input = if SourceKind::sniff(bytes) == SourceKind::Csv {
        CsvInput::from_bytes_with(path, text.as_bytes(), &opts)
    } else {
        CsvInput::from_bytes_with(path, bytes, &opts)
    };
    let input = match input {
        Ok(t) => t,
        Err(TableError::HeaderOnly { .. }) => {
            return Err(DataError::NoRecords {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(e.into()),
    };
    let header: Vec<String> = input.headers().to_vec();
    let cols = Columns::from_header(&header, mapping, zone).map_err(|missing| {
        DataError::MissingColumns {
            path: path.to_path_buf(),
            missing,
            found: header.clone(),
        }
    })?;
    for row in 0..input.len() {
        let fields: Vec<String> = (0..input.width(row))
            .map(|c| input.text(row, c).to_string())
            .collect();
        let typed: Vec<bool> = (0..fields.len()).map(|c| input.is_typed(row, c)).collect();
        if fields.iter().all(|f| f.trim().is_empty()) {
            acc.blank_lines += 1;
            continue;
        }
        let mut repairs = Vec::new();
        let mut notes = Vec::new();
        let parsed = parse_record(&cols, &fields, &typed, &mut repairs, &mut notes);
        on_record(input.line(row), parsed, repairs, notes, acc);
    }
    Ok(())
}
