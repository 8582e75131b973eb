//! Interval history per queue on a regular grid, read from an ingest export or the VRU file.
//!
//! Accepted inputs: any CSV with a timestamp column ([`TIMESTAMP_ALIASES`](crate::io::schema::TIMESTAMP_ALIASES), e.g.
//! `interval_start`) and a volume column ([`VOLUME_ALIASES`](crate::io::schema::VOLUME_ALIASES), e.g. `offered`), optionally a queue
//! column ([`QUEUE_ALIASES`](crate::io::schema::QUEUE_ALIASES); default queue `ALL`) and `aht_seconds`. This covers `wfm ingest`
//! output, `intervals_30min_by_queue.csv`, `vru_arrivals_30min.csv` and statsforecast's long
//! format `unique_id,ds,y`.
//!
//! Missing versus closed: a *day* with no row at all for a queue is **missing** (unknown, never
//! read as zero). Inside a day that has rows, an interval without a row is **closed** (zero
//! volume): exports that omit closed intervals (weekdays 07:00–21:00 only) and exports that
//! zero-fill 24 × 7 therefore read the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::table::CsvInput;
use crate::time::{format_timestamp, weekday_sun0, NaiveDate, NaiveDateTime};
use crate::units::IntervalLength;

use super::ForecastError;

use crate::io::schema::{
    QUEUE_ALIASES as QUEUE_COLUMNS, TIMESTAMP_ALIASES as TIMESTAMP_COLUMNS,
    VOLUME_ALIASES as VOLUME_COLUMNS,
};

/// One queue's history on the common grid.
#[derive(Debug, Clone)]
pub struct QueueHistory {
    queue: String,
    /// Volume per interval; `None` on missing days.
    volume: Vec<Option<f64>>,
    /// AHT in seconds per interval, when known and the interval had calls.
    aht_secs: Vec<Option<f64>>,
    /// Whether each day of the grid has at least one row for this queue.
    day_present: Vec<bool>,
    /// Whether each interval had a row in the input (zero-filled closed intervals did not).
    has_row: Vec<bool>,
}

impl QueueHistory {
    /// The queue name.
    pub fn queue(&self) -> &str {
        &self.queue
    }
    /// Volume per interval of the grid (`None` on days absent from the input).
    pub fn volume(&self) -> &[Option<f64>] {
        &self.volume
    }
    /// AHT (seconds) per interval, `None` when unknown or the interval had no calls.
    pub fn aht_secs(&self) -> &[Option<f64>] {
        &self.aht_secs
    }
    /// Whether day `d` of the grid has rows for this queue.
    pub fn day_present(&self) -> &[bool] {
        &self.day_present
    }
    /// The observed volume of interval `i`: `Some` only when the input had a row for it (the
    /// intervals a backtest scores).
    pub fn actual(&self, i: usize) -> Option<f64> {
        if self.has_row.get(i).copied().unwrap_or(false) {
            self.volume[i]
        } else {
            None
        }
    }
}

/// Counts of what was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Data rows in the file.
    pub rows_read: usize,
    /// Rows used (every row is used or the load fails with a located error).
    pub rows_used: usize,
    /// Days of the grid.
    pub days: usize,
    /// (queue, day) pairs with no row: missing, not zero.
    pub missing_queue_days: usize,
}

/// One queue's series for [`History::from_series`].
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesInput {
    /// Queue name.
    pub queue: String,
    /// Volume per interval from the start; `None` = no row.
    pub volume: Vec<Option<f64>>,
    /// AHT in seconds per interval (may be shorter than `volume` or empty).
    pub aht_secs: Vec<Option<f64>>,
}

/// A history of interval volumes (and AHT) per queue on one regular grid starting at midnight.
#[derive(Debug, Clone)]
pub struct History {
    source: PathBuf,
    start: NaiveDateTime,
    step: IntervalLength,
    days: usize,
    queues: Vec<QueueHistory>,
    report: LoadReport,
}

impl History {
    /// Reads a history CSV (see the module docs for the accepted columns).
    ///
    /// # Errors
    /// [`ForecastError::Table`] for unreadable files, missing columns, bad numbers or timestamps
    /// (with line and column); [`ForecastError::DuplicateInterval`];
    /// [`ForecastError::UnsupportedStep`] when the timestamps do not sit on a 5/6/10/15/30/60-minute
    /// grid.
    pub fn read(path: &Path) -> Result<Self, ForecastError> {
        let input = CsvInput::read(path)?;
        Self::from_csv(&input)
    }

    /// Builds a history from an already-read CSV.
    ///
    /// # Errors
    /// As [`History::read`].
    pub fn from_csv(input: &CsvInput) -> Result<Self, ForecastError> {
        let missing = |names: &[&str]| crate::table::TableError::MissingColumns {
            path: input.path().to_path_buf(),
            missing: vec![names.join("|")],
            found: input.headers().to_vec(),
        };
        let ts_col = TIMESTAMP_COLUMNS
            .iter()
            .find_map(|c| input.column(c))
            .ok_or_else(|| missing(&TIMESTAMP_COLUMNS))?;
        let vol_col = VOLUME_COLUMNS
            .iter()
            .find_map(|c| input.column(c))
            .ok_or_else(|| missing(&VOLUME_COLUMNS))?;
        let queue_col = QUEUE_COLUMNS.iter().find_map(|c| input.column(c));
        let aht_col = input.column("aht_seconds");

        struct Row {
            ts: NaiveDateTime,
            queue: String,
            volume: f64,
            aht: Option<f64>,
            row: usize,
        }
        let mut rows = Vec::with_capacity(input.len());
        for r in 0..input.len() {
            let ts = input.timestamp(r, ts_col)?;
            let queue = match queue_col {
                Some(c) => input.non_empty(r, c)?.to_string(),
                None => "ALL".to_string(),
            };
            let volume = input.non_negative(r, vol_col)?;
            let aht = match aht_col {
                Some(c) => input.opt_non_negative(r, c)?,
                None => None,
            };
            rows.push(Row {
                ts,
                queue,
                volume,
                aht,
                row: r,
            });
        }
        let first = rows.iter().map(|r| r.ts).min().expect("non-empty table");
        let start = first.date().and_hms_opt(0, 0, 0).expect("midnight");
        // The grid step: the largest supported length that every offset from midnight is a
        // multiple of (a file with only full hours on a 30-min grid reads as hourly, which is
        // then simply what it is).
        let mut gcd: i64 = 0;
        for r in &rows {
            let off = (r.ts - start).num_seconds();
            gcd = crate::model::gcd(gcd, off);
        }
        let step = IntervalLength::SUPPORTED
            .iter()
            .rev()
            .map(|&m| i64::from(m) * 60)
            .find(|s| gcd == 0 || gcd % s == 0)
            .ok_or_else(|| {
                let bad = rows
                    .iter()
                    .find(|r| {
                        (r.ts - start).num_seconds() % 300 != 0
                            && (r.ts - start).num_seconds() % 360 != 0
                    })
                    .unwrap_or(&rows[0]);
                ForecastError::UnsupportedStep {
                    at: input.location(bad.row, ts_col),
                    value: format_timestamp(bad.ts),
                }
            })?;
        let step = IntervalLength::from_minutes(step / 60).expect("supported step");
        let per_day = step.per_day();
        let last = rows.iter().map(|r| r.ts).max().expect("non-empty");
        let days = ((last.date() - start.date()).num_days() + 1) as usize;
        let n = days * per_day;

        let mut by_queue: BTreeMap<String, QueueHistory> = BTreeMap::new();
        let mut seen: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for r in &rows {
            let q = by_queue
                .entry(r.queue.clone())
                .or_insert_with(|| QueueHistory {
                    queue: r.queue.clone(),
                    volume: vec![None; n],
                    aht_secs: vec![None; n],
                    day_present: vec![false; days],
                    has_row: vec![false; n],
                });
            let idx = ((r.ts - start).num_seconds() / i64::from(step.seconds())) as usize;
            let line_of = seen.entry(r.queue.clone()).or_insert_with(|| vec![0; n]);
            if line_of[idx] != 0 {
                return Err(ForecastError::DuplicateInterval {
                    at: input.location(r.row, ts_col),
                    queue: r.queue.clone(),
                    first_line: u64::from(line_of[idx]),
                });
            }
            line_of[idx] = input.line(r.row) as u32;
            q.day_present[idx / per_day] = true;
            q.has_row[idx] = true;
            q.volume[idx] = Some(r.volume);
            q.aht_secs[idx] = r.aht.filter(|_| r.volume > 0.0);
        }
        let mut report = LoadReport {
            rows_read: input.len(),
            rows_used: rows.len(),
            days,
            missing_queue_days: 0,
        };
        let mut queues: Vec<QueueHistory> = by_queue.into_values().collect();
        for q in &mut queues {
            // Intervals without a row inside a present day are closed: zero volume.
            for d in 0..days {
                if q.day_present[d] {
                    for v in &mut q.volume[d * per_day..(d + 1) * per_day] {
                        v.get_or_insert(0.0);
                    }
                } else {
                    report.missing_queue_days += 1;
                }
            }
        }
        Ok(History {
            source: input.path().to_path_buf(),
            start,
            step,
            days,
            queues,
            report,
        })
    }

    /// Builds a history from in-memory series (one per queue), all starting at `start` (a
    /// midnight) with `step`; `None` marks a missing interval; a day whose intervals are all
    /// `None` is missing.
    ///
    /// # Errors
    /// [`ForecastError::BadSeries`] when `start` is not a midnight, a series is not a whole
    /// number of days, or a value is negative or not finite.
    pub fn from_series(
        start: NaiveDateTime,
        step: IntervalLength,
        series: Vec<SeriesInput>,
    ) -> Result<Self, ForecastError> {
        let per_day = step.per_day();
        if start.time() != chrono::NaiveTime::MIN {
            return Err(ForecastError::BadSeries {
                queue: String::new(),
                reason: "the series must start at midnight",
            });
        }
        let n = series.iter().map(|s| s.volume.len()).max().unwrap_or(0);
        if n == 0 || n % per_day != 0 {
            return Err(ForecastError::BadSeries {
                queue: String::new(),
                reason: "series must cover a whole, non-zero number of days",
            });
        }
        let days = n / per_day;
        let mut queues = Vec::new();
        let mut report = LoadReport {
            days,
            ..LoadReport::default()
        };
        let mut sorted = series;
        sorted.sort_by(|a, b| a.queue.cmp(&b.queue));
        for SeriesInput {
            queue,
            mut volume,
            aht_secs: mut aht,
        } in sorted
        {
            if volume.iter().flatten().any(|v| !v.is_finite() || *v < 0.0) {
                return Err(ForecastError::BadSeries {
                    queue,
                    reason: "volumes must be finite and ≥ 0",
                });
            }
            volume.resize(n, None);
            aht.resize(n, None);
            let has_row: Vec<bool> = volume.iter().map(Option::is_some).collect();
            let mut day_present = vec![false; days];
            for d in 0..days {
                let day = &mut volume[d * per_day..(d + 1) * per_day];
                day_present[d] = day.iter().any(Option::is_some);
                if day_present[d] {
                    report.rows_used += day.iter().filter(|v| v.is_some()).count();
                    for v in day {
                        v.get_or_insert(0.0);
                    }
                } else {
                    report.missing_queue_days += 1;
                }
            }
            queues.push(QueueHistory {
                queue,
                volume,
                aht_secs: aht,
                day_present,
                has_row,
            });
        }
        report.rows_read = report.rows_used;
        Ok(History {
            source: PathBuf::from("<memory>"),
            start,
            step,
            days,
            queues,
            report,
        })
    }

    /// The file the history was read from.
    pub fn source(&self) -> &Path {
        &self.source
    }
    /// Start of the grid (midnight of the first day).
    pub fn start(&self) -> NaiveDateTime {
        self.start
    }
    /// The interval length.
    pub fn step(&self) -> IntervalLength {
        self.step
    }
    /// Number of days on the grid.
    pub fn days(&self) -> usize {
        self.days
    }
    /// Number of intervals on the grid.
    pub fn len(&self) -> usize {
        self.days * self.step.per_day()
    }
    /// True when the grid is empty (never for a loaded history).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// End of the grid: midnight after the last day.
    pub fn end(&self) -> NaiveDateTime {
        self.start + chrono::TimeDelta::days(self.days as i64)
    }
    /// The queues, sorted by name.
    pub fn queues(&self) -> &[QueueHistory] {
        &self.queues
    }
    /// What was read.
    pub fn report(&self) -> &LoadReport {
        &self.report
    }
    /// Timestamp of grid index `i` (may lie beyond the history).
    pub fn timestamp(&self, i: usize) -> NaiveDateTime {
        self.start + chrono::TimeDelta::seconds(i as i64 * i64::from(self.step.seconds()))
    }
    /// Weekday (0 = Sunday) of the first day of the grid.
    pub fn first_weekday(&self) -> usize {
        weekday_sun0(self.start.date())
    }
    /// Date of grid day `d`.
    pub fn date(&self, d: usize) -> NaiveDate {
        self.start.date() + chrono::TimeDelta::days(d as i64)
    }
    /// Grid index of a timestamp that must be a midnight on or after the first day.
    ///
    /// # Errors
    /// [`ForecastError::BadOrigin`] when `t` is not at 00:00 or lies before the history.
    pub fn origin_index(&self, t: NaiveDateTime) -> Result<usize, ForecastError> {
        let bad = |reason: &'static str| ForecastError::BadOrigin {
            value: format_timestamp(t),
            first: format_timestamp(self.start),
            reason,
        };
        if t.time() != chrono::NaiveTime::MIN {
            return Err(bad(
                "origins and forecast starts must be at 00:00 (whole days)",
            ));
        }
        if t <= self.start {
            return Err(bad("there is no history before it"));
        }
        let days = (t.date() - self.start.date()).num_days() as usize;
        Ok(days * self.step.per_day())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<History, ForecastError> {
        let input = CsvInput::from_bytes(Path::new("h.csv"), text.as_bytes())?;
        History::from_csv(&input)
    }

    #[test]
    fn absent_days_are_missing_absent_intervals_closed() {
        // Day 1 has two rows on an hourly grid; day 2 is absent; day 3 has one row.
        let h = load(
            "interval_start,queue,offered\n\
             1999-01-01T08:00:00,A,5\n1999-01-01T09:00:00,A,7\n1999-01-03T08:00:00,A,4\n",
        )
        .unwrap();
        assert_eq!(h.step().minutes(), 60);
        assert_eq!(h.days(), 3);
        let q = &h.queues()[0];
        assert_eq!(q.day_present(), &[true, false, true]);
        assert_eq!(q.volume()[8], Some(5.0));
        assert_eq!(q.volume()[10], Some(0.0)); // closed within a present day
        assert_eq!(q.volume()[24 + 8], None); // missing day
        assert_eq!(h.report().missing_queue_days, 1);
        assert_eq!(h.report().rows_used, 3);
    }

    #[test]
    fn statsforecast_long_format_is_accepted() {
        let h = load("unique_id,ds,y\nA,1999-01-01 08:00:00,5\nB,1999-01-01 08:00:00,2\n").unwrap();
        assert_eq!(h.queues().len(), 2);
        assert_eq!(h.queues()[1].queue(), "B");
        assert_eq!(h.queues()[1].actual(8), Some(2.0));
    }

    #[test]
    fn duplicate_rows_are_located() {
        let e = load("interval_start,offered\n1999-01-01T08:00:00,5\n1999-01-01 08:00:00,6\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("h.csv:3"), "{e}");
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn bad_values_are_located() {
        let e = load("interval_start,offered\n1999-01-01T08:00:00,-1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("h.csv:2, column `offered`"), "{e}");
        let e = load("interval_start,x\n1999-01-01T08:00:00,1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing column"), "{e}");
    }

    #[test]
    fn odd_grid_is_rejected() {
        let e = load("interval_start,offered\n1999-01-01T08:00:00,5\n1999-01-01T08:07:00,5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("h.csv:3"), "{e}");
    }
}
