//! The normalized call record that every call-log parser ([`super::anonbank`],
//! [`super::generic`]) produces and the aggregation in [`super::calls`] consumes. It lives apart
//! from both so that the parsers and the aggregation do not import each other.

use crate::time::{Datelike, NaiveDate};

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Served by an agent.
    Answered,
    /// Hung up (in the queue, or in the VRU when not offered).
    Abandoned,
}

/// One call, normalized: the day and time it counts in, its outcome and durations.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call<'a> {
    /// The queue (validated, see [`QueueId`]).
    pub(crate) queue: &'a str,
    /// Day of the queue-arrival time (after rolling past midnight).
    pub(crate) day: NaiveDate,
    /// Queue-arrival time, seconds since midnight of `day`.
    pub(crate) secs_of_day: u32,
    /// UTC offset of the arrival time, when the site's zone is known.
    pub(crate) utc_offset_secs: Option<i32>,
    /// Outcome.
    pub(crate) outcome: Outcome,
    /// Offered to agents (queued or served); `false` = ended in the VRU.
    pub(crate) offered: bool,
    /// Entered the agent queue.
    pub(crate) queued: bool,
    /// Time in queue, seconds (0 for direct service).
    pub(crate) wait_secs: f64,
    /// Handle time of an answered call, seconds (0 otherwise).
    pub(crate) handle_secs: f64,
}

/// The identity of a call, for duplicate detection. Compact when the Anonymous Bank fields
/// fit (`vru+line` ≤ 8 bytes, numeric `call_id`), so that 65k records cost no allocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum RecordKey {
    /// `(vru+line bytes, call_id, date, vru_entry)`.
    Compact(u64, u64, i32, u32),
    /// Anything else, as text.
    Text(Box<str>),
}

impl RecordKey {
    /// The key of an Anonymous Bank record.
    pub(crate) fn new(vru_line: &str, call_id: &str, date: NaiveDate, entry: i64) -> Self {
        let b = vru_line.as_bytes();
        if b.len() <= 8 && !call_id.is_empty() && call_id.len() <= 18 {
            if let Ok(id) = call_id.parse::<u64>() {
                let mut v = [0u8; 8];
                v[..b.len()].copy_from_slice(b);
                return RecordKey::Compact(
                    u64::from_le_bytes(v),
                    id,
                    date.num_days_from_ce(),
                    entry as u32,
                );
            }
        }
        RecordKey::Text(format!("{vru_line}\t{call_id}\t{date}\t{entry}").into())
    }
}

/// What a parser returns for a record it accepts.
#[derive(Debug, Clone)]
pub(crate) enum ParsedRecord<'a> {
    /// A `PHANTOM` record (ignored by definition).
    Phantom,
    /// A call.
    Call {
        call: Call<'a>,
        /// The day the record belongs to in its file (covers that day).
        covered_day: NaiveDate,
        /// Identity of the call, for duplicate detection.
        key: RecordKey,
    },
}
