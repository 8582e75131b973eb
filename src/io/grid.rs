//! The one grid check of a table's rows (issue #16): duplicates, mixed interval lengths and
//! off-grid rows are errors naming the row, by the crate's one inference
//! ([`crate::model::infer_interval`]). Used by every reader that sums or matches rows by interval
//! (the audit's inputs, the staffing history).

use std::collections::BTreeMap;
use std::path::Path;

use crate::model::{elapsed_clock, infer_interval, GridError, LocalStamp, Stamp};
use crate::table::{CsvInput, TableError};
use crate::units::IntervalLength;

/// Duplicates and the interval grid of a table's rows, by the crate's one inference
/// ([`infer_interval`]) on elapsed time: `starts[r]` is data row `r`'s interval start (with its
/// UTC offset under `--tz`, so that a fall-back night's repeated hour is two intervals and a
/// spring-forward day has no gap), `series_col` the column
/// whose value names its series (queue, agent; one series without it). Without `declared` the
/// length is inferred (`None` when too few rows tell it); with it (the actuals' grid, for the
/// other inputs) every row must lie on it. A duplicate would be counted twice and an off-grid
/// row counted in no interval or the wrong one: both are errors naming the row.
///
/// # Errors
/// [`TableError::BadValue`] at the row's timestamp.
pub(crate) fn check_grid(
    t: &CsvInput,
    ts_col: usize,
    series_col: Option<usize>,
    starts: &[LocalStamp],
    declared: Option<(IntervalLength, &Path)>,
) -> Result<Option<IntervalLength>, TableError> {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let stamps: Vec<Stamp> = elapsed_clock(starts)
        .into_iter()
        .enumerate()
        .map(|(r, at)| {
            let name = series_col.map_or("", |c| t.text(r, c).trim());
            let next = ids.len();
            Stamp {
                at,
                series: *ids.entry(name).or_insert(next),
            }
        })
        .collect();
    match infer_interval(&stamps, declared.map(|d| d.0)) {
        Ok(l) => Ok(Some(l)),
        Err(GridError::TooFew) => Ok(None),
        Err(e) => {
            let i = e.index().unwrap_or(0);
            let reason = match (&e, declared) {
                (GridError::Duplicate { first, .. }, _) => format!(
                    "duplicate row: {} has this interval already on line {} (it would be counted twice)",
                    series_col.map_or_else(
                        || "the file".to_string(),
                        |c| format!("`{}` {}", t.headers()[c], t.text(i, c).trim())
                    ),
                    t.line(*first)
                ),
                (_, Some((l, actuals))) => format!(
                    "{e}: the actuals `{}` are on a {}-min grid; give this file on the same grid",
                    actuals.display(),
                    l.minutes()
                ),
                (_, None) => e.to_string(),
            };
            Err(TableError::BadValue {
                at: t.location(i, ts_col),
                value: t.text(i, ts_col).to_string(),
                reason,
            })
        }
    }
}
