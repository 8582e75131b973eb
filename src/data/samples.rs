//! Call-level samples for calibration ([`crate::calibrate`]): every offered call of a call log
//! with its queue, wait, outcome, handle time and the agent who answered it. The same parsers
//! as `wfm ingest calls` accept or reject each record, and duplicates are dropped, so the
//! calls counted here are the calls `wfm ingest` counts.

use std::collections::HashSet;
use std::path::Path;

use super::accounting::{RejectReason, RepairKind};
use super::record::{Outcome, ParsedRecord, RecordKey};
use super::{anonbank, generic, DataError};
use crate::calibrate::CallSample;

/// The Anonymous Bank's `server` field (the last of 17) and its value for "no agent".
const ANONBANK_SERVER_FIELD: usize = 16;
const NO_SERVER: &str = "NO_SERVER";

/// What [`call_samples`] read.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// Offered calls.
    pub calls: Vec<CallSample>,
    /// Records read.
    pub read: usize,
    /// Records rejected by the parser (malformed) or as duplicates.
    pub rejected: usize,
    /// Records not offered to agents (ended in the VRU) or `PHANTOM`.
    pub not_offered: usize,
}

fn push(
    out: &mut Samples,
    seen: &mut HashSet<RecordKey>,
    parsed: Result<ParsedRecord<'_>, (RejectReason, Option<String>)>,
    server: Option<&str>,
) {
    out.read += 1;
    match parsed {
        Err(_) => out.rejected += 1,
        Ok(ParsedRecord::Phantom) => out.not_offered += 1,
        Ok(ParsedRecord::Call { call, key, .. }) => {
            if !seen.insert(key) {
                out.rejected += 1;
            } else if !call.offered {
                out.not_offered += 1;
            } else {
                let answered = call.outcome == Outcome::Answered;
                let service_start = answered.then(|| {
                    call.day.and_time(chrono::NaiveTime::MIN)
                        + chrono::Duration::milliseconds(
                            i64::from(call.secs_of_day) * 1000
                                + (call.wait_secs * 1000.0).round() as i64,
                        )
                });
                out.calls.push(CallSample {
                    queue: call.queue.to_string(),
                    queued: call.queued,
                    answered,
                    wait_secs: call.wait_secs,
                    handle_secs: call.handle_secs,
                    server: server
                        .map(str::trim)
                        .filter(|s| !s.is_empty() && *s != NO_SERVER)
                        .map(str::to_string),
                    service_start,
                });
            }
        }
    }
}

/// Reads the offered calls of call logs (Anonymous Bank or the generic CSV, detected per file).
///
/// # Errors
/// [`DataError::Io`], [`DataError::Empty`], [`DataError::UnknownFormat`] or
/// [`DataError::MissingColumns`] as `wfm ingest calls`.
pub fn call_samples<P: AsRef<Path>>(paths: &[P]) -> Result<Samples, DataError> {
    let mut out = Samples::default();
    let mut seen = HashSet::new();
    for p in paths {
        let path = p.as_ref();
        let bytes = std::fs::read(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
            return Err(DataError::Empty {
                path: path.to_path_buf(),
            });
        };
        let mut repairs: Vec<RepairKind> = Vec::new();
        let mut notes = Vec::new();
        if generic::is_header(first) {
            let (header, records) = generic::split_csv(text);
            let cols =
                generic::Columns::from_header(&header, &generic::CallMapping::default(), None)
                    .map_err(|missing| DataError::MissingColumns {
                        path: path.to_path_buf(),
                        missing,
                        found: header.clone(),
                    })?;
            let agent = header.iter().position(|h| h.trim() == "agent");
            for rec in records {
                let Some(fields) = rec else {
                    out.read += 1;
                    out.rejected += 1;
                    continue;
                };
                let server = agent.and_then(|i| fields.get(i).cloned());
                let parsed = generic::parse_record(&cols, &fields, &[], &mut repairs, &mut notes);
                push(&mut out, &mut seen, parsed, server.as_deref());
            }
        } else if anonbank::is_header(first) || anonbank::looks_like_record(first) {
            for raw in text.lines() {
                if raw.trim().is_empty() || anonbank::is_header(raw) {
                    continue;
                }
                let server = raw.split('\t').nth(ANONBANK_SERVER_FIELD);
                let parsed = anonbank::parse_line(raw, &mut repairs, &mut notes);
                push(&mut out, &mut seen, parsed, server);
            }
        } else {
            return Err(DataError::UnknownFormat {
                path: path.to_path_buf(),
                first_line: first.chars().take(120).collect(),
            });
        }
    }
    Ok(out)
}
