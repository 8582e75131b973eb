//! Reading agents per interval for evaluation: a schedule's `coverage.csv`
//! (`interval_start, required, scheduled, …`) or any `interval_start, agents` table.

use std::path::Path;

use crate::io::schema;
use crate::model::{Coverage, Grain, Panel, QueueId, Stamp, TimeGrid};
use crate::table::{CsvInput, TableError};
use crate::units::IntervalLength;

/// Reads agents on shift and not on a break per interval into a dated one-row panel (queue
/// `ALL`): the `scheduled` column of a schedule's coverage, else `agents`; `required` when
/// present. Intervals the file does not list are left out of the returned grid only at its
/// ends; gaps inside are 0 scheduled (a schedule writes every interval).
///
/// # Errors
/// [`TableError`] naming file, line and column for a missing column, a bad value, a duplicate
/// or an off-grid timestamp.
pub fn read_coverage(path: &Path) -> Result<Panel<Coverage>, TableError> {
    let csv = CsvInput::read(path)?;
    let c_ts = csv.require(&[schema::INTERVAL_START])?[0];
    let c_sched = match csv
        .column("scheduled")
        .or_else(|| csv.column(schema::AGENTS))
    {
        Some(c) => c,
        None => {
            return Err(TableError::MissingColumns {
                path: path.to_path_buf(),
                missing: vec!["scheduled (or agents)".into()],
                found: csv.headers().to_vec(),
            })
        }
    };
    let c_req = csv.column("required");
    let mut stamps = Vec::with_capacity(csv.len());
    let mut cells = Vec::with_capacity(csv.len());
    for r in 0..csv.len() {
        let at = csv.timestamp(r, c_ts)?;
        stamps.push(Stamp { at, series: 0 });
        cells.push(Coverage {
            required: c_req
                .map(|c| csv.bounded(r, c, crate::limits::MAX_AGENTS, "agents"))
                .transpose()?
                .unwrap_or(0.0),
            scheduled: csv.bounded(r, c_sched, crate::limits::MAX_AGENTS, "agents")?,
        });
    }
    let bad = |index: usize, reason: String| TableError::BadValue {
        at: csv.location(index.min(csv.len().saturating_sub(1)), c_ts),
        value: csv
            .text(index.min(csv.len().saturating_sub(1)), c_ts)
            .to_string(),
        reason,
    };
    let interval: IntervalLength =
        crate::model::infer_interval(&stamps, None).map_err(|e| bad(0, e.to_string()))?;
    let first = stamps.iter().map(|s| s.at).min().expect("rows");
    let last = stamps.iter().map(|s| s.at).max().expect("rows");
    let step = i64::from(interval.seconds());
    let len = ((last - first).num_seconds() / step) as usize + 1;
    let grid =
        TimeGrid::new(first, Grain::Interval(interval), len).map_err(|e| bad(0, e.to_string()))?;
    let mut dense = vec![Coverage::default(); len];
    for (i, (s, c)) in stamps.iter().zip(cells).enumerate() {
        let t = grid.index_of(s.at).map_err(|e| bad(i, e.to_string()))?;
        dense[t] = c;
    }
    Panel::from_cells(vec![QueueId::all()], grid, dense).map_err(|e| bad(0, e.to_string()))
}
