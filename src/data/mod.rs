//! Ingestion: raw ACD call logs and interval exports → validated per-queue interval KPIs, with
//! every input row accounted for.
//!
//! - [`ingest_calls`] reads call logs (the Anonymous Bank 17-field tab-separated format, or the
//!   generic call-level CSV documented in docs/ingest.md) and aggregates them to a [`KpiTable`].
//! - [`crate::io::intervals::ingest_intervals`] reads interval exports in the shared schema
//!   (`interval_start,queue,offered,answered,abandoned,aht_seconds,asa_seconds,sl_20s`), or any
//!   export through a [`ColumnMapping`], validates them and returns the same table.
//!
//! Both return an [`Accounting`]: records read / used / repaired / rejected, each rejection with
//! file, line and reason. The library never prints; the CLI renders the accounting on stderr.
//!
//! Glossary: AHT = average handle time, ASA = average speed of answer, SL = service level
//! (share of offered calls answered within a threshold), VRU = voice response unit.

mod accounting;
mod anonbank;
mod calls;
mod generic;
pub(crate) mod intervals;
mod kpi;
mod record;
pub mod samples;

use std::path::PathBuf;

pub use accounting::{Accounting, RejectReason, Rejection, Repair, RepairKind};
pub use calls::{
    ingest_calls, ingest_calls_bytes, read_calls, read_calls_bytes, CallDays, CallFormat,
    CallOptions, Ingested,
};
pub use generic::CallMapping;
pub use intervals::{ColumnMapping, IntervalOptions, SlUnit};
pub use kpi::{KpiRow, KpiTable, QueueId, SlThresholds, SECS_DECIMALS, SL_DECIMALS};
pub use record::Outcome;

use crate::io::Location;

/// Errors of the `data` module. Problems with single call records are not errors (they are
/// rejections in the [`Accounting`]); these are problems with whole files, and — for interval
/// exports, where a bad row makes the whole history suspect — with rows.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// A file could not be read (the cause is the error's source).
    #[error("{}: cannot read the file", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("{}: the file is empty (expected records)", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file has a header (or blank lines) but no records.
    #[error("{}: the file has no records (header only)", path.display())]
    NoRecords {
        /// The file.
        path: PathBuf,
    },
    /// The call-log format could not be recognised.
    #[error(
        "{}:1: unrecognised call-log format (expected the Anonymous Bank tab-separated \
         17-field format or a CSV header with call_id, queue, arrival_time, outcome, \
         wait_seconds, handle_seconds); the first line is `{first_line}`",
        path.display()
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// The start of its first line.
        first_line: String,
    },
    /// Required columns are missing.
    #[error("{}:1: missing column(s) {}; the header has: {}", path.display(), missing.join(", "), found.join(", "))]
    MissingColumns {
        /// The file.
        path: PathBuf,
        /// The missing columns.
        missing: Vec<String>,
        /// The header.
        found: Vec<String>,
    },
    /// Every record was rejected or ended in the VRU: there is nothing to build a table from.
    #[error(
        "no call offered to an agent queue is left ({read} records read, {rejected} rejected){}",
        first_rejections(.first)
    )]
    NothingOffered {
        /// Records read.
        read: u64,
        /// Records rejected.
        rejected: u64,
        /// The first rejections (file, line, reason), so that the error explains itself.
        first: Vec<Rejection>,
    },
    /// `--strict`: records were rejected.
    #[error("{rejected} record(s) rejected (strict mode); first: {first}")]
    Rejected {
        /// How many.
        rejected: u64,
        /// The first one.
        first: Box<Rejection>,
    },
    /// The same interval and queue appear twice in an interval export.
    #[error(
        "{at}: duplicate row for {interval_start} queue `{queue}` (first at line {first_line})"
    )]
    DuplicateInterval {
        /// Where.
        at: Location,
        /// The interval.
        interval_start: crate::time::NaiveDateTime,
        /// The queue.
        queue: String,
        /// Line of the first occurrence.
        first_line: u64,
    },
    /// Rows of one queue are not in time order.
    #[error("{at}: rows are not sorted: {interval_start} for queue `{queue}` comes after {previous} (line {previous_line})")]
    Unsorted {
        /// Where.
        at: Location,
        /// This row's interval.
        interval_start: crate::time::NaiveDateTime,
        /// The queue.
        queue: String,
        /// The previous row's interval of the same queue.
        previous: crate::time::NaiveDateTime,
        /// Its line.
        previous_line: u64,
    },
    /// Interval lengths differ within the file, or a start is off the grid.
    #[error("{at}: mixed interval lengths: {detail}")]
    MixedIntervals {
        /// Where.
        at: Location,
        /// What was found.
        detail: String,
    },
    /// The interval length of the export is not supported.
    #[error("{}: interval length {minutes} min is not supported (5, 6, 10, 15, 30 or 60 min)", path.display())]
    UnsupportedInterval {
        /// The file.
        path: PathBuf,
        /// The length found.
        minutes: i64,
    },
    /// `answered + abandoned > offered`, or another count relation is violated.
    #[error("{at}: {detail}")]
    InconsistentCounts {
        /// Where.
        at: Location,
        /// The relation that fails, with the values.
        detail: String,
    },
    /// A column mapping is invalid.
    #[error("column mapping: {detail}")]
    BadMapping {
        /// What is wrong.
        detail: String,
    },
    /// The zero-filled table would exceed [`crate::limits::MAX_OUTPUT_ROWS`].
    #[error("the output would have {rows} rows ({days} covered day(s) × {per_day} intervals × {queues} queue(s)); at most {max} are written: ingest fewer days or queues at a time, or a coarser --interval (the first and last covered days: {first} … {last}; is one a stray date?)", max = crate::limits::MAX_OUTPUT_ROWS)]
    TooManyRows {
        /// Rows the table would have.
        rows: u64,
        /// Covered days.
        days: usize,
        /// Intervals per day.
        per_day: u32,
        /// Queues.
        queues: usize,
        /// First covered day.
        first: chrono::NaiveDate,
        /// Last covered day.
        last: chrono::NaiveDate,
    },
}

/// `; first rejected: file:line: reason; …` for at most the first five rejections.
fn first_rejections(first: &[Rejection]) -> String {
    if first.is_empty() {
        return String::new();
    }
    let list: Vec<String> = first
        .iter()
        .map(|r| format!("{}: {}", r.at, r.reason))
        .collect();
    format!("; first rejected: {}", list.join("; "))
}
