//! Daily (or finer) history summed per queue × day for long-range forecasting
//! (`wfm forecast --grain week|month`): `interval_start,[queue,]offered[,aht_seconds]`, with the
//! aliases of [`crate::io::schema`]. Interval rows and daily rows are both accepted: every row
//! is added to the day its timestamp falls on. A day with no row is unobserved, not zero.

use std::collections::BTreeMap;
use std::path::Path;

use crate::capacity::demand::Volume;
use crate::io::schema;
use crate::io::table::{CsvInput, TableError};
use crate::model::{Combine, Grain, Panel, QueueId, TimeGrid};
use crate::time::NaiveDate;

/// How the rows of a daily history were used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DailyLoad {
    /// Data rows read (all used).
    pub rows: usize,
    /// Queue × day cells observed.
    pub observed_days: usize,
    /// Queue × day cells of the span without any row (unobserved).
    pub missing_days: usize,
}

/// Reads a history file into a per-queue daily [`Panel`] of [`Volume`].
///
/// # Errors
/// [`TableError`] naming file, line and column for a missing column, a bad timestamp, a
/// negative or non-numeric count or AHT.
pub fn read_daily_volume(path: &Path) -> Result<(Panel<Option<Volume>>, DailyLoad), TableError> {
    let csv = CsvInput::read(path)?;
    let missing = |name: &str| TableError::MissingColumns {
        path: path.to_path_buf(),
        missing: vec![name.to_string()],
        found: csv.headers().to_vec(),
    };
    let (tc, _) = schema::find_column(csv.headers(), &schema::TIMESTAMP_ALIASES)
        .ok_or_else(|| missing(schema::INTERVAL_START))?;
    let (vc, _) = schema::find_column(csv.headers(), &schema::VOLUME_ALIASES)
        .ok_or_else(|| missing(schema::OFFERED))?;
    let qc = schema::find_column(csv.headers(), &schema::QUEUE_ALIASES).map(|c| c.0);
    let ac = csv.column(schema::AHT_SECONDS);
    let mut cells: BTreeMap<(String, NaiveDate), Volume> = BTreeMap::new();
    for row in 0..csv.len() {
        let day = csv.timestamp(row, tc)?.date();
        let queue = match qc {
            Some(c) => QueueId::new(csv.non_empty(row, c)?)
                .ok_or_else(|| TableError::BadValue {
                    at: csv.location(row, c),
                    value: csv.text(row, c).to_string(),
                    reason: "expected a queue name".to_string(),
                })?
                .as_str()
                .to_string(),
            None => QueueId::all().as_str().to_string(),
        };
        let offered = csv.non_negative(row, vc)?;
        let aht = match ac {
            Some(c) => csv.opt_non_negative(row, c)?,
            None => None,
        };
        let v = Volume {
            offered,
            aht_offered: if aht.is_some() { offered } else { 0.0 },
            workload_secs: aht.map_or(0.0, |a| a * offered),
        };
        cells
            .entry((queue, day))
            .or_insert_with(Volume::zero)
            .pool(&v);
    }
    let first = cells.keys().map(|k| k.1).min().expect("a table has rows");
    let last = cells.keys().map(|k| k.1).max().expect("a table has rows");
    let len = (last - first).num_days() as usize + 1;
    let grid = TimeGrid::new(first.and_time(chrono::NaiveTime::MIN), Grain::Day, len)
        .expect("midnight starts a day grid");
    let mut names: Vec<String> = cells.keys().map(|k| k.0.clone()).collect();
    names.dedup();
    let queues: Vec<QueueId> = names
        .iter()
        .map(|n| QueueId::new(n).expect("non-empty queue names"))
        .collect();
    let panel = Panel::from_fn(queues, grid, |q, d| {
        cells.get(&(names[q].clone(), grid.date(d))).copied()
    });
    let observed = panel.cells().iter().flatten().count();
    let load = DailyLoad {
        rows: csv.len(),
        observed_days: observed,
        missing_days: panel.cells().len() - observed,
    };
    Ok((panel, load))
}
