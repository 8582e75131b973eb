//! Approved leave of named agents: `agent,from,to[,kind]` with inclusive dates (`kind`:
//! `vacation`, `sick`, `training`, … free text, default `leave`). Every row is checked against
//! the agents file: an unknown agent, a bad date or `to` before `from` is an error naming the
//! line and column.

use std::path::Path;

use crate::schedule::roster::Leave;
use crate::table::{CsvInput, TableError};
use crate::time::parse_date;

/// Reads a leave file for the agents `known` (their ids).
///
/// # Errors
/// [`TableError`] for an unreadable file, a missing column, an unknown agent, a bad date or a
/// range that ends before it starts.
pub fn read_leave(path: &Path, known: &[&str]) -> Result<Vec<Leave>, TableError> {
    let csv = CsvInput::read(path)?;
    let cols = csv.require(&["agent", "from", "to"])?;
    let c_kind = csv.column("kind");
    let bad = |r: usize, c: usize, reason: String| TableError::BadValue {
        at: csv.location(r, c),
        value: csv.text(r, c).to_string(),
        reason,
    };
    let mut out = Vec::with_capacity(csv.len());
    for r in 0..csv.len() {
        let agent = csv.non_empty(r, cols[0])?.to_string();
        if !known.contains(&agent.as_str()) {
            return Err(bad(
                r,
                cols[0],
                "is not an agent of the agents file".to_string(),
            ));
        }
        let date = |c: usize| {
            parse_date(csv.text(r, c).trim())
                .ok_or_else(|| bad(r, c, "expected a date YYYY-MM-DD".to_string()))
        };
        let (from, to) = (date(cols[1])?, date(cols[2])?);
        if to < from {
            return Err(bad(r, cols[2], format!("ends before it starts ({from})")));
        }
        let kind = c_kind
            .map(|c| csv.text(r, c).trim().to_ascii_lowercase())
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| "leave".to_string());
        out.push(Leave {
            agent,
            from,
            to,
            kind,
        });
    }
    Ok(out)
}
