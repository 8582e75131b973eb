//! Interval histories (forecast input) read into a [`Panel`] of [`Demand`] cells.
//!
//! Accepted inputs: any CSV with a timestamp column ([`schema::TIMESTAMP_ALIASES`], e.g.
//! `interval_start`) and a volume column ([`schema::VOLUME_ALIASES`], e.g. `offered`),
//! optionally a queue column ([`schema::QUEUE_ALIASES`]; default queue `ALL`) and
//! `aht_seconds`. This covers `wfm ingest` output, `intervals_30min_by_queue.csv`,
//! `vru_arrivals_30min.csv` and statsforecast's long format `unique_id,ds,y`.
//!
//! The panel's grid starts at midnight of the first day and covers whole days; a cell is
//! `None` when the file has no row for it (the forecast side decides what that means: a day
//! without any row is missing, an interval without a row inside a present day is closed).
//! The interval length is inferred once, by [`infer_interval`]: one 15-min row in a 30-min
//! history is an error naming that row.
//!
//! With the site's time zone (`--tz`), timestamps carry their UTC offset (as `wfm ingest --tz`
//! writes them) and the panel's axis is the local wall clock: a day is a local calendar day of
//! `per_day` time-of-day slots. The two intervals of a fall-back night's repeated hour (same
//! wall-clock time, two offsets) are the same slot: their volumes are averaged (each is a
//! half-hour's worth of that slot's demand) and their AHTs weighted by volume, and
//! [`HistoryTable::repeated_hour`] counts the folds. The hour a spring-forward change skips has
//! no rows: like any interval without a row in a day that has rows, it reads as closed.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Timelike;

use crate::io::schema::{self, QUEUE_ALIASES, TIMESTAMP_ALIASES, VOLUME_ALIASES};
use crate::io::table::{CsvInput, StampReader, TableError};
use crate::model::{gcd, infer_interval, Demand, GridError, Panel, QueueId, Stamp, TimeGrid};
use crate::time::{format_timestamp, NaiveDateTime};
use crate::units::IntervalLength;

/// The longest history read, in days (ten years of intervals).
pub const MAX_HISTORY_DAYS: usize = 3_660;

/// A history read from a table.
#[derive(Debug, Clone)]
pub struct HistoryTable {
    /// Offered calls and AHT per queue × interval; `None` where the file has no row.
    pub panel: Panel<Option<Demand>>,
    /// Data rows read (every one is used, or reading fails with a located error).
    pub rows_read: usize,
    /// Rows of a fall-back night's repeated hour folded into the slot of their wall-clock time
    /// (see the module docs); 0 without `--tz`.
    pub repeated_hour: usize,
}

/// Reads a history CSV (see the module docs).
///
/// # Errors
/// [`TableError`] naming file, line and column: unreadable file, missing columns, bad numbers
/// or timestamps, an invalid queue name, a duplicate queue × interval, or a timestamp off the
/// inferred interval grid.
pub fn read_history(path: &Path) -> Result<HistoryTable, TableError> {
    history_from_csv(&CsvInput::read(path)?)
}

struct Row {
    ts: NaiveDateTime,
    offset: Option<i32>,
    /// The table row it was read from.
    src: usize,
    queue: usize,
    volume: f64,
    aht: Option<f64>,
}

/// Builds a history from an already-read CSV.
///
/// # Errors
/// As [`read_history`].
pub fn history_from_csv(input: &CsvInput) -> Result<HistoryTable, TableError> {
    let missing = |names: &[&str]| TableError::MissingColumns {
        path: input.path().to_path_buf(),
        missing: vec![names.join("|")],
        found: input.headers().to_vec(),
    };
    let ts_col = schema::find_column(input.headers(), &TIMESTAMP_ALIASES)
        .ok_or_else(|| missing(&TIMESTAMP_ALIASES))?
        .0;
    let vol_col = schema::find_column(input.headers(), &VOLUME_ALIASES)
        .ok_or_else(|| missing(&VOLUME_ALIASES))?
        .0;
    let queue_col = schema::find_column(input.headers(), &QUEUE_ALIASES).map(|c| c.0);
    let aht_col = input.column(schema::AHT_SECONDS);

    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows = Vec::with_capacity(input.len());
    let mut stamps = StampReader::any_date();
    for r in 0..input.len() {
        let name = match queue_col {
            Some(c) => {
                let t = input.non_empty(r, c)?;
                QueueId::new(t)
                    .ok_or_else(|| TableError::BadValue {
                        at: input.location(r, c),
                        value: t.to_string(),
                        reason: "expected a queue name (≤ 64 characters, no comma, quote or control character)".into(),
                    })?
                    .as_str()
                    .to_string()
            }
            None => QueueId::ALL.to_string(),
        };
        let next = names.len();
        let queue = *names.entry(name).or_insert(next);
        let at = stamps.read(input, r, ts_col, queue)?;
        use crate::limits::{MAX_CALL_SECONDS, MAX_CONTACTS};
        let volume = input.bounded(r, vol_col, MAX_CONTACTS, "contacts per interval")?;
        let aht = match aht_col {
            Some(c) => input.opt_bounded(r, c, MAX_CALL_SECONDS, "seconds")?,
            None => None,
        };
        rows.push(Row {
            ts: at.local,
            offset: at.offset_secs,
            src: r,
            queue,
            volume,
            aht,
        });
    }
    let repeated_hour = fold_repeated_hour(&mut rows);
    let step = interval_of(input, &rows, ts_col)?;
    let first = rows
        .iter()
        .map(|r| r.ts)
        .min()
        .expect("a table has data rows");
    let last = rows
        .iter()
        .map(|r| r.ts)
        .max()
        .expect("a table has data rows");
    let days = ((last.date() - first.date()).num_days() + 1) as usize;
    if days > MAX_HISTORY_DAYS {
        // One stray row dated year 1 made a grid of 730,000 days (work and memory grow with the
        // span): name both ends, the stray one is usually obvious.
        let at = |t: NaiveDateTime| rows.iter().find(|r| r.ts == t).map_or(0, |r| r.src);
        let (i, j) = (at(first), at(last));
        return Err(TableError::BadValue {
            at: input.location(i, ts_col),
            value: input.text(i, ts_col).to_string(),
            reason: format!(
                "the history spans {days} days, from this row to {} on line {}; at most {MAX_HISTORY_DAYS} days (10 years) are read: is one of them a stray date?",
                format_timestamp(last),
                input.line(j)
            ),
        });
    }
    let grid = TimeGrid::days(first.date(), step, days);
    let n = grid.len();
    // Queues sorted by name; `slot[q]` is the panel position of the queue first seen as `q`.
    let mut slot = vec![0; names.len()];
    let mut queues = Vec::with_capacity(names.len());
    for (pos, (name, q)) in names.into_iter().enumerate() {
        slot[q] = pos;
        queues.push(QueueId::new(&name).expect("validated above"));
    }
    let mut cells: Vec<Option<Demand>> = vec![None; queues.len() * n];
    let mut line_of: Vec<u32> = vec![0; queues.len() * n];
    for row in &rows {
        let r = row.src;
        let i = slot[row.queue] * n + grid.position(row.ts).expect("on the inferred grid");
        if line_of[i] != 0 {
            return Err(TableError::BadValue {
                at: input.location(r, ts_col),
                value: format_timestamp(row.ts),
                reason: format!(
                    "queue `{}` has this interval already on line {}",
                    queues[slot[row.queue]], line_of[i]
                ),
            });
        }
        line_of[i] = input.line(r) as u32;
        cells[i] = Some(Demand {
            offered: row.volume,
            aht_secs: row.aht.filter(|_| row.volume > 0.0),
        });
    }
    let panel = Panel::from_cells(queues, grid, cells).expect("shape built above");
    Ok(HistoryTable {
        panel,
        rows_read: input.len(),
        repeated_hour,
    })
}

/// Folds each pair of rows of one queue that share a wall-clock time under two UTC offsets (a
/// fall-back night's repeated hour) into the first: volume averaged, AHT weighted by volume.
/// Returns the number of rows folded away. Rows without offsets are left alone (a repeated
/// naive time is a duplicate, reported by [`interval_of`]).
fn fold_repeated_hour(rows: &mut Vec<Row>) -> usize {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| (rows[i].queue, rows[i].ts, i));
    let mut gone = vec![false; rows.len()];
    for w in order.windows(2) {
        let (i, j) = (w[0], w[1]);
        let (a, b) = (&rows[i], &rows[j]);
        let two_offsets = matches!((a.offset, b.offset), (Some(x), Some(y)) if x != y);
        if gone[i] || a.queue != b.queue || a.ts != b.ts || !two_offsets {
            continue;
        }
        let (va, vb) = (a.volume, b.volume);
        let aht = match (a.aht.filter(|_| va > 0.0), b.aht.filter(|_| vb > 0.0)) {
            (Some(x), Some(y)) => Some((x * va + y * vb) / (va + vb)),
            (x, y) => x.or(y).or(a.aht).or(b.aht),
        };
        rows[i].volume = (va + vb) / 2.0;
        rows[i].aht = aht;
        gone[j] = true;
    }
    let folded = gone.iter().filter(|&&g| g).count();
    let mut k = 0;
    rows.retain(|_| {
        k += 1;
        !gone[k - 1]
    });
    folded
}

/// The interval length, by [`infer_interval`] (the one inference of the crate); when no queue
/// has two distinct starts, the largest supported length that every start's offset from
/// midnight is a multiple of.
fn interval_of(
    input: &CsvInput,
    rows: &[Row],
    ts_col: usize,
) -> Result<IntervalLength, TableError> {
    let stamps: Vec<Stamp> = rows
        .iter()
        .map(|r| Stamp {
            at: r.ts,
            series: r.queue,
        })
        .collect();
    // Indices of `stamps` are indices of `rows`; errors name the table row.
    let src = |index: usize| rows.get(index).map_or(0, |r| r.src);
    let located = |index: usize, e: &GridError| TableError::BadValue {
        at: input.location(src(index), ts_col),
        value: input.text(src(index), ts_col).to_string(),
        reason: e.to_string(),
    };
    match infer_interval(&stamps, None) {
        Ok(l) => Ok(l),
        Err(GridError::TooFew) => {
            let g = rows.iter().fold(0, |g, r| {
                gcd(g, i64::from(r.ts.time().num_seconds_from_midnight()))
            });
            let minutes = IntervalLength::SUPPORTED
                .iter()
                .rev()
                .find(|&&m| g % (i64::from(m) * 60) == 0)
                .copied();
            minutes
                .and_then(|m| IntervalLength::from_minutes(i64::from(m)).ok())
                .ok_or_else(|| {
                    let bad = rows
                        .iter()
                        .position(|r| r.ts.time().num_seconds_from_midnight() % 300 != 0)
                        .unwrap_or(0);
                    located(
                        bad,
                        &GridError::Unsupported {
                            secs: g,
                            index: bad,
                        },
                    )
                })
        }
        Err(e) => {
            let index = match &e {
                GridError::Duplicate { index, first, .. } => {
                    let (index, first) = (src(*index), src(*first));
                    return Err(TableError::BadValue {
                        at: input.location(index, ts_col),
                        value: input.text(index, ts_col).to_string(),
                        reason: format!(
                            "queue `{}` has this interval already on line {}",
                            queue_name(input, index),
                            input.line(first)
                        ),
                    });
                }
                GridError::MixedLengths { index, .. }
                | GridError::OffGrid { index, .. }
                | GridError::Unsupported { index, .. } => *index,
                _ => 0,
            };
            Err(located(index, &e))
        }
    }
}

fn queue_name(input: &CsvInput, index: usize) -> String {
    schema::find_column(input.headers(), &QUEUE_ALIASES)
        .map_or(QueueId::ALL.to_string(), |(c, _)| {
            input.text(index, c).trim().to_string()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<HistoryTable, TableError> {
        history_from_csv(&CsvInput::from_bytes(Path::new("h.csv"), text.as_bytes())?)
    }

    #[test]
    fn one_quarter_hour_row_in_a_half_hour_history_is_located() {
        let e = load(
            "interval_start,offered\n1999-01-01T08:00:00,5\n1999-01-01T08:30:00,5\n\
             1999-01-01T09:00:00,5\n1999-01-01T09:30:00,5\n1999-01-01T09:45:00,5\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("h.csv:6"), "{e}");
        assert!(e.contains("mixed interval lengths"), "{e}");
    }

    #[test]
    fn panel_is_whole_days_from_midnight_sorted_by_queue() {
        let t = load(
            "interval_start,queue,offered,aht_seconds\n1999-01-01T08:00:00,B,5,100\n\
             1999-01-02T08:30:00,A,0,\n1999-01-02T09:00:00,A,3,200\n",
        )
        .unwrap();
        let p = &t.panel;
        assert_eq!(p.grid().len(), 2 * 48);
        assert_eq!(p.queues()[0].as_str(), "A");
        assert_eq!(p.get(1, 16).unwrap().aht_secs, Some(100.0));
        assert_eq!(p.get(0, 48 + 17).unwrap().offered, 0.0);
        assert!(p.get(0, 16).is_none());
        assert_eq!(t.rows_read, 3);
    }
}
