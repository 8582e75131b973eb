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

use super::accounting::{RejectReason, RepairKind};
use super::kpi::QueueId;
use super::record::{Call, Outcome, ParsedRecord, RecordKey};
use crate::time::{parse_timestamp, Timelike};

/// Required columns.
pub(crate) const REQUIRED: [&str; 6] = [
    "call_id",
    "queue",
    "arrival_time",
    "outcome",
    "wait_seconds",
    "handle_seconds",
];

/// Column positions resolved from the header.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    idx: [usize; 6],
    acw: Option<usize>,
    width: usize,
}

/// True when a header line looks like the generic format's.
pub(crate) fn is_header(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    l.contains(',') && l.contains("call_id") && l.contains("arrival_time")
}

impl Columns {
    /// Resolves the columns; `Err` lists the missing ones.
    pub(crate) fn from_header(header: &[String]) -> Result<Self, Vec<String>> {
        let find = |name: &str| {
            header.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
        };
        let missing: Vec<String> = REQUIRED
            .iter()
            .filter(|n| find(n).is_none())
            .map(|n| n.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let mut idx = [0; 6];
        for (k, n) in REQUIRED.iter().enumerate() {
            idx[k] = find(n).unwrap_or(0);
        }
        Ok(Columns {
            idx,
            acw: find("acw_seconds"),
            width: header.len(),
        })
    }
}

fn seconds(text: &str, column: &str) -> Result<Option<f64>, (RejectReason, Option<String>)> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        Ok(v) if v.is_finite() => Err((
            RejectReason::NegativeDuration {
                column: column.to_string(),
                value: v.floor() as i64,
            },
            Some(column.to_string()),
        )),
        _ => Err((
            RejectReason::UnparseableNumber {
                column: column.to_string(),
                value: text.to_string(),
            },
            Some(column.to_string()),
        )),
    }
}

/// Parses one CSV record (fields already split by the csv reader).
pub(crate) fn parse_record<'a>(
    cols: &Columns,
    fields: &'a [String],
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
    let get = |k: usize| -> &'a str {
        let f = fields[cols.idx[k]].as_str();
        f.trim()
    };
    for (k, name) in REQUIRED.iter().enumerate() {
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
                column: REQUIRED[k].to_string(),
            },
            Some(REQUIRED[k].to_string()),
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
            Some("queue".to_string()),
        )
    })?;
    let ts = parse_timestamp(get(2)).ok_or_else(|| {
        (
            RejectReason::UnparseableTime {
                column: "arrival_time".into(),
                value: get(2).to_string(),
            },
            Some("arrival_time".to_string()),
        )
    })?;
    let outcome = match get(3).to_ascii_lowercase().as_str() {
        "answered" => Outcome::Answered,
        "abandoned" => Outcome::Abandoned,
        _ => {
            return Err((
                RejectReason::UnknownOutcome {
                    value: get(3).to_string(),
                },
                Some("outcome".to_string()),
            ))
        }
    };
    let wait = seconds(get(4), "wait_seconds")?.ok_or_else(|| missing(4))?;
    let handle = seconds(get(5), "handle_seconds")?;
    let acw = match cols.acw {
        Some(i) => seconds(fields[i].trim(), "acw_seconds")?,
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
    let day = ts.date();
    // Sub-second arrival times fall in the interval of their whole second.
    let secs_of_day = ts.time().num_seconds_from_midnight();
    Ok(ParsedRecord::Call {
        call: Call {
            queue,
            day,
            secs_of_day,
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
