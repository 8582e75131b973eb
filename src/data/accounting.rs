//! Row accounting: every input record is used or rejected, repairs are reported, never silent.
//!
//! Invariants (checked by the tests): `read = used + rejected`, `repaired ≤ used`,
//! `used = offered + vru_only + phantom`, and the per-reason counts add up to `rejected`.

use std::collections::BTreeMap;
use std::fmt;

use crate::io::Location;
use crate::time::NaiveDate;

/// Why a record was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RejectReason {
    /// The record does not have the expected number of fields (and no repair applies).
    WrongFieldCount {
        /// Fields the format has.
        expected: usize,
        /// Fields found.
        found: usize,
    },
    /// A time of day or timestamp could not be parsed.
    UnparseableTime {
        /// The field.
        column: String,
        /// Its text.
        value: String,
    },
    /// A timestamp was read but cannot be placed on the site's clock (an instant without
    /// `--tz`, a wall-clock time skipped by a spring-forward change).
    BadTimestamp {
        /// The field.
        column: String,
        /// Its text.
        value: String,
        /// Why.
        reason: String,
    },
    /// A date could not be parsed.
    UnparseableDate {
        /// The field.
        column: String,
        /// Its text.
        value: String,
    },
    /// A number of seconds could not be parsed.
    UnparseableNumber {
        /// The field.
        column: String,
        /// Its text.
        value: String,
    },
    /// A required field is empty.
    MissingValue {
        /// The field.
        column: String,
    },
    /// A duration is negative.
    NegativeDuration {
        /// The field.
        column: String,
        /// The value in seconds.
        value: i64,
    },
    /// A duration beyond one day ([`crate::limits::MAX_CALL_SECONDS`]): no call waits or talks
    /// that long, and 1e308 overflowed every sum.
    DurationTooLong {
        /// The field.
        column: String,
        /// Its text (clipped when shown).
        value: String,
    },
    /// A duration disagrees with the two timestamps it is the difference of.
    InconsistentDuration {
        /// The duration field (`q_time`, `ser_time`, `vru_time`).
        column: String,
        /// Its value in seconds.
        value: i64,
        /// The difference of the timestamps, seconds.
        expected: i64,
    },
    /// The outcome is not one the format defines.
    UnknownOutcome {
        /// The field's text.
        value: String,
    },
    /// The queue / service-type field is empty or not a valid queue name.
    BadQueue {
        /// The field's text.
        value: String,
    },
    /// The call's queue-arrival time rolls past midnight into a day no input file covers, so it
    /// would create a partial day that looks like a quiet day.
    SpillsIntoUncoveredDay {
        /// The day the call would count in.
        day: NaiveDate,
    },
    /// The same call appears twice (same key); the first occurrence was used.
    Duplicate {
        /// Where the first occurrence is.
        first: Location,
    },
}

impl RejectReason {
    /// A short name of the reason, used as the key of the per-reason counts.
    pub fn kind(&self) -> &'static str {
        match self {
            RejectReason::WrongFieldCount { .. } => "wrong field count",
            RejectReason::UnparseableTime { .. } => "unparseable time",
            RejectReason::UnparseableDate { .. } => "unparseable date",
            RejectReason::BadTimestamp { .. } => "timestamp not on the site's clock",
            RejectReason::UnparseableNumber { .. } => "unparseable number",
            RejectReason::MissingValue { .. } => "missing value",
            RejectReason::NegativeDuration { .. } => "negative duration",
            RejectReason::DurationTooLong { .. } => "duration beyond one day",
            RejectReason::InconsistentDuration { column, .. } => match column.as_str() {
                "q_time" => "q_time inconsistent with q_start/q_exit",
                "ser_time" => "ser_time inconsistent with ser_start/ser_exit",
                "vru_time" => "vru_time inconsistent with vru_entry/vru_exit",
                _ => "inconsistent duration",
            },
            RejectReason::UnknownOutcome { .. } => "unknown outcome",
            RejectReason::BadQueue { .. } => "bad queue",
            RejectReason::SpillsIntoUncoveredDay { .. } => "spills into uncovered day",
            RejectReason::Duplicate { .. } => "duplicate record",
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::WrongFieldCount { expected, found } => {
                write!(f, "wrong field count: expected {expected}, found {found}")
            }
            RejectReason::UnparseableTime { column, value } => {
                write!(f, "unparseable time in `{column}`: `{value}`")
            }
            RejectReason::BadTimestamp {
                column,
                value,
                reason,
            } => write!(f, "timestamp in `{column}`: `{value}`: {reason}"),
            RejectReason::UnparseableDate { column, value } => {
                write!(f, "unparseable date in `{column}`: `{value}`")
            }
            RejectReason::UnparseableNumber { column, value } => {
                write!(f, "unparseable number in `{column}`: `{value}`")
            }
            RejectReason::MissingValue { column } => write!(f, "missing value in `{column}`"),
            RejectReason::NegativeDuration { column, value } => {
                write!(f, "negative duration in `{column}`: {value} s")
            }
            RejectReason::DurationTooLong { column, value } => write!(
                f,
                "duration in `{column}` beyond one day (86400 s): {}",
                crate::io::clip(value)
            ),
            RejectReason::InconsistentDuration {
                column,
                value,
                expected,
            } => write!(
                f,
                "{}: `{column}` is {value} s but the timestamps give {expected} s",
                self.kind()
            ),
            RejectReason::UnknownOutcome { value } => write!(f, "unknown outcome `{value}`"),
            RejectReason::BadQueue { value } => write!(f, "bad queue name `{value}`"),
            RejectReason::SpillsIntoUncoveredDay { day } => write!(
                f,
                "spills into uncovered day: the queue arrival rolls past midnight into {day}, \
                 which no input covers"
            ),
            RejectReason::Duplicate { first } => {
                write!(f, "duplicate record: same call as {first}")
            }
        }
    }
}

/// A rejected record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// File and line (1-based, as an editor shows it) and, when one field is at fault, its name.
    pub at: Location,
    /// Why.
    pub reason: RejectReason,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: rejected: {}", self.at, self.reason)
    }
}

/// What was repaired in a record that was then used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RepairKind {
    /// Spaces instead of a tab separated fields; the record was re-split on the spaces.
    SpacesForTab {
        /// Fields found when splitting on tabs only.
        tab_fields: usize,
    },
    /// A field had leading or trailing spaces, which were removed.
    TrimmedSpaces {
        /// The field.
        column: String,
    },
    /// A duration field contradicted the two timestamps of a call whose counts are certain
    /// (queued, or answered); the duration was taken from the timestamps.
    DurationFromTimestamps {
        /// The duration field (`q_time`, `ser_time`).
        column: String,
        /// The field's value, seconds.
        recorded: i64,
        /// The difference of its timestamps, seconds (the value used).
        from_timestamps: i64,
    },
}

impl RepairKind {
    /// Short name, the key of the per-kind counts.
    pub fn kind(&self) -> &'static str {
        match self {
            RepairKind::SpacesForTab { .. } => "spaces instead of a tab",
            RepairKind::TrimmedSpaces { .. } => "spaces around a field",
            RepairKind::DurationFromTimestamps { .. } => "duration taken from its timestamps",
        }
    }
}

impl fmt::Display for RepairKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepairKind::SpacesForTab { tab_fields } => write!(
                f,
                "spaces instead of a tab between fields ({tab_fields} tab-separated fields); \
                 re-split on the spaces"
            ),
            RepairKind::TrimmedSpaces { column } => {
                write!(f, "spaces around `{column}` removed")
            }
            RepairKind::DurationFromTimestamps {
                column,
                recorded,
                from_timestamps,
            } => {
                let (start, end) = match column.as_str() {
                    "q_time" => ("q_start", "q_exit"),
                    _ => ("ser_start", "ser_exit"),
                };
                write!(
                    f,
                    "`{column}` {recorded} s contradicts {end} − {start} = {from_timestamps} s; \
                     the duration is taken from the timestamps"
                )
            }
        }
    }
}

/// A repaired (and used) record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// File and line.
    pub at: Location,
    /// What was repaired.
    pub kind: RepairKind,
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: repaired: {}", self.at, self.kind)
    }
}

/// Accounting of one ingestion run over all its input files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Accounting {
    /// Records read (data lines; headers and blank lines are not records).
    pub read: u64,
    /// Records used (`offered + vru_only + phantom`); includes the repaired ones.
    pub used: u64,
    /// Records rejected; `read = used + rejected`.
    pub rejected: u64,
    /// Of the used records: calls offered to agents.
    pub offered: u64,
    /// Of the used records: calls that ended in the VRU (not offered, counted in `vru_only`).
    pub vru_only: u64,
    /// Of the used records: `PHANTOM` records, ignored by definition of the format.
    pub phantom: u64,
    /// Blank lines skipped (not records).
    pub blank_lines: u64,
    /// Every rejection, in input order.
    pub rejections: Vec<Rejection>,
    /// Every repair, in input order.
    pub repairs: Vec<Repair>,
    /// Anomalies accepted as-is (they do not change any KPI), counted per kind.
    pub notes: BTreeMap<String, u64>,
    /// True when the records are rows of an interval export (not calls).
    pub interval_rows: bool,
}

impl Accounting {
    /// Records repaired (each repaired record is counted once, however many repairs it had).
    pub fn repaired(&self) -> u64 {
        let mut lines: Vec<(&std::path::Path, u64)> = self
            .repairs
            .iter()
            .map(|r| (r.at.file.as_path(), r.at.line))
            .collect();
        lines.dedup();
        lines.len() as u64
    }

    /// Rejections counted per reason kind (sorted by kind).
    pub fn rejected_by_reason(&self) -> BTreeMap<&'static str, u64> {
        let mut m = BTreeMap::new();
        for r in &self.rejections {
            *m.entry(r.reason.kind()).or_insert(0) += 1;
        }
        m
    }

    /// Repairs counted per kind.
    pub fn repaired_by_kind(&self) -> BTreeMap<&'static str, u64> {
        let mut m = BTreeMap::new();
        for r in &self.repairs {
            *m.entry(r.kind.kind()).or_insert(0) += 1;
        }
        m
    }

    pub(crate) fn note(&mut self, kind: &str) {
        *self.notes.entry(kind.to_string()).or_insert(0) += 1;
    }

    pub(crate) fn reject(&mut self, at: Location, reason: RejectReason) {
        self.rejected += 1;
        self.rejections.push(Rejection { at, reason });
    }

    /// The one-line summary `N read, M used, R repaired, K rejected`, followed by the counts per
    /// reason in parentheses when anything was rejected.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} read, {} used, {} repaired, {} rejected",
            self.read,
            self.used,
            self.repaired(),
            self.rejected
        );
        let by = self.rejected_by_reason();
        if !by.is_empty() {
            let parts: Vec<String> = by.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            s.push_str(&format!(" ({})", parts.join(", ")));
        }
        s
    }

    /// Further detail lines: the breakdown of used records, repairs per kind, accepted anomalies.
    pub fn detail_lines(&self) -> Vec<String> {
        let mut out = vec![if self.interval_rows {
            format!("the rows used hold {} offered calls", self.offered)
        } else {
            format!(
                "used: {} offered to agents, {} ended in the VRU, {} PHANTOM ignored",
                self.offered, self.vru_only, self.phantom
            )
        }];
        let rep = self.repaired_by_kind();
        if !rep.is_empty() {
            let parts: Vec<String> = rep.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            out.push(format!("repairs: {}", parts.join(", ")));
        }
        if !self.notes.is_empty() {
            let parts: Vec<String> = self
                .notes
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            out.push(format!("accepted as-is: {}", parts.join(", ")));
        }
        if self.blank_lines > 0 {
            out.push(format!("{} blank lines skipped", self.blank_lines));
        }
        out
    }

    /// `Ok` when nothing was rejected; for `--strict`.
    ///
    /// # Errors
    /// [`super::DataError::Rejected`] with the count and the first rejection.
    pub fn ensure_none_rejected(&self) -> Result<(), super::DataError> {
        match self.rejections.first() {
            None => Ok(()),
            Some(first) => Err(super::DataError::Rejected {
                rejected: self.rejected,
                first: Box::new(first.clone()),
            }),
        }
    }
}
