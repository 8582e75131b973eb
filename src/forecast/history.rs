//! Interval history per queue on a regular grid: the forecast's input, on a
//! [`Panel`] of [`Demand`] cells (read from files by [`crate::io::history`]).
//!
//! Missing versus closed: a *day* with no row at all for a queue is **missing** (unknown, never
//! read as zero). Inside a day that has rows, an interval without a row is **closed** (zero
//! volume): exports that omit closed intervals (weekdays 07:00–21:00 only) and exports that
//! zero-fill 24 × 7 therefore read the same.

use std::path::Path;

use crate::model::{Demand, Panel, QueueId, TimeGrid};
use crate::time::{format_timestamp, weekday_sun0, NaiveDate, NaiveDateTime};
use crate::units::IntervalLength;

use super::ForecastError;

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

impl QueueHistory {
    /// The per-queue view of `cells` (whole days of `per_day` intervals).
    fn from_cells(queue: &str, cells: &[Option<Demand>], per_day: usize) -> Self {
        let days = cells.len() / per_day;
        let has_row: Vec<bool> = cells.iter().map(Option::is_some).collect();
        let day_present: Vec<bool> = (0..days)
            .map(|d| has_row[d * per_day..(d + 1) * per_day].iter().any(|&r| r))
            .collect();
        let volume = cells
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                Some(c) => Some(c.offered),
                None if day_present[i / per_day] => Some(0.0),
                None => None,
            })
            .collect();
        let aht_secs = cells
            .iter()
            .map(|c| c.and_then(|c| c.aht_secs.filter(|_| c.offered > 0.0)))
            .collect();
        QueueHistory {
            queue: queue.to_string(),
            volume,
            aht_secs,
            day_present,
            has_row,
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
    /// Rows of a fall-back night's repeated hour folded into their wall-clock slot (`--tz`;
    /// see [`crate::io::history`]): read and used, but not a slot of their own.
    pub repeated_hour: usize,
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

/// A history of interval volumes (and AHT) per queue on one regular grid starting at midnight:
/// a [`Panel`] of [`Demand`] cells (`None` = no row) plus the per-queue views the models use.
/// It knows nothing of files: [`crate::io::history`] reads tables into the panel.
#[derive(Debug, Clone)]
pub struct History {
    panel: Panel<Option<Demand>>,
    start: NaiveDateTime,
    step: IntervalLength,
    days: usize,
    queues: Vec<QueueHistory>,
    report: LoadReport,
    /// Per interval, the volume summed over every queue's rows.
    total: Vec<f64>,
}

impl History {
    /// Reads a history CSV (see [`crate::io::history`] for the accepted columns).
    ///
    /// # Errors
    /// [`ForecastError::Table`] for unreadable files, missing columns, bad numbers or
    /// timestamps, duplicate intervals and timestamps off the inferred interval grid (with
    /// line and column).
    pub fn read(path: &Path) -> Result<Self, ForecastError> {
        let table = crate::io::history::read_history(path)?;
        let mut h = Self::from_panel(table.panel)?;
        h.report.rows_read = table.rows_read;
        h.report.repeated_hour = table.repeated_hour;
        h.report.rows_used += table.repeated_hour;
        Ok(h)
    }

    /// A history from a panel of demand cells on an intraday grid (`None` = no row: a day
    /// without any row is missing, an interval without a row inside a present day is closed).
    /// A grid that does not start at midnight or end at one is padded with `None`.
    ///
    /// # Errors
    /// [`ForecastError::BadSeries`] for a grid that is not intraday, an empty panel, or a
    /// volume or AHT that is negative or not finite (naming the queue).
    pub fn from_panel(panel: Panel<Option<Demand>>) -> Result<Self, ForecastError> {
        let bad = |queue: &str, reason: &'static str| ForecastError::BadSeries {
            queue: queue.to_string(),
            reason,
        };
        let grid = *panel.grid();
        let Some(step) = grid.interval() else {
            return Err(bad(
                "",
                "a history needs an intraday grid (5–60 min intervals)",
            ));
        };
        if panel.queues().is_empty() || grid.is_empty() {
            return Err(bad("", "the history is empty"));
        }
        let per_day = step.per_day();
        let start = grid.start().date().and_time(chrono::NaiveTime::MIN);
        let lead = ((grid.start() - start).num_seconds() / i64::from(step.seconds())) as usize;
        let days = (lead + grid.len()).div_ceil(per_day);
        let n = days * per_day;
        let full = TimeGrid::days(start.date(), step, days);
        let mut cells = Vec::with_capacity(panel.queues().len() * n);
        let mut queues = Vec::with_capacity(panel.queues().len());
        let mut report = LoadReport {
            days,
            ..LoadReport::default()
        };
        for (qi, id) in panel.queues().iter().enumerate() {
            let s = panel.series(qi);
            if s.iter()
                .flatten()
                .any(|c| !(c.offered.is_finite() && c.offered >= 0.0))
            {
                return Err(bad(id.as_str(), "volumes must be finite and ≥ 0"));
            }
            if s.iter()
                .flatten()
                .filter_map(|c| c.aht_secs)
                .any(|a| !(a.is_finite() && a >= 0.0))
            {
                return Err(bad(id.as_str(), "AHT must be finite and ≥ 0"));
            }
            let first = cells.len();
            cells.resize(first + lead, None);
            cells.extend_from_slice(s);
            cells.resize(first + n, None);
            let q = QueueHistory::from_cells(id.as_str(), &cells[first..], per_day);
            report.rows_used += q.has_row.iter().filter(|&&r| r).count();
            report.missing_queue_days += q.day_present.iter().filter(|&&p| !p).count();
            queues.push(q);
        }
        report.rows_read = report.rows_used;
        let mut total = vec![0.0; n];
        for q in &queues {
            for (i, t) in total.iter_mut().enumerate() {
                *t += q.actual(i).unwrap_or(0.0);
            }
        }
        let panel = Panel::from_cells(panel.queues().to_vec(), full, cells)
            .map_err(|_| bad("", "inconsistent panel shape"))?;
        Ok(History {
            panel,
            start,
            step,
            days,
            queues,
            report,
            total,
        })
    }

    /// The volume of every queue but `q`, summed per interval over the first `days` days
    /// (rows present only); `None` for a history of one queue.
    pub(crate) fn others(&self, q: &QueueHistory, days: usize) -> Option<Vec<f64>> {
        if self.queues.len() < 2 {
            return None;
        }
        let n = (days * self.step.per_day()).min(self.total.len());
        Some(
            (0..n)
                .map(|i| (self.total[i] - q.actual(i).unwrap_or(0.0)).max(0.0))
                .collect(),
        )
    }

    /// Builds a history from in-memory series (one per queue), all starting at `start` (a
    /// midnight) with `step`; `None` marks a missing interval; a day whose intervals are all
    /// `None` is missing.
    ///
    /// # Errors
    /// [`ForecastError::BadSeries`] when `start` is not a midnight, a series is not a whole
    /// number of days, a queue name is invalid, or a value is negative or not finite.
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
        let mut sorted = series;
        sorted.sort_by(|a, b| a.queue.cmp(&b.queue));
        let mut ids = Vec::with_capacity(sorted.len());
        let mut cells = Vec::with_capacity(sorted.len() * n);
        for s in &sorted {
            ids.push(
                QueueId::new(&s.queue).ok_or_else(|| ForecastError::BadSeries {
                    queue: s.queue.clone(),
                    reason: "not a valid queue name",
                })?,
            );
            for t in 0..n {
                cells.push(s.volume.get(t).copied().flatten().map(|v| Demand {
                    offered: v,
                    aht_secs: s.aht_secs.get(t).copied().flatten(),
                }));
            }
        }
        let grid = TimeGrid::days(start.date(), step, n / per_day);
        let panel = Panel::from_cells(ids, grid, cells).map_err(|_| ForecastError::BadSeries {
            queue: String::new(),
            reason: "a queue occurs twice",
        })?;
        Self::from_panel(panel)
    }

    /// The history relabelled for an operational day that starts `r` slots after midnight
    /// (`r < 0`: `|r|` slots before it): grid index `i` of the result is index `i + s` of
    /// `self`, where `s = r` for `r ≥ 0` and `s = D + r` otherwise, and the relabelled day `j`
    /// carries the date of the calendar day holding most of its hours (`|r| ≤ D/2`). A
    /// relabelled day that overlaps a missing day of `self` is missing; intervals beyond the
    /// end of `self` have no row. Returns the relabelled history and `s`.
    pub(crate) fn relabelled(&self, r: isize) -> (History, usize) {
        let d = self.step.per_day();
        let n = self.len();
        let s = r.rem_euclid(d as isize) as usize;
        let k = usize::from(r < 0);
        let days = n.saturating_sub(s).div_ceil(d).max(1);
        let m = days * d;
        let mut cells = Vec::with_capacity(self.queues.len() * m);
        for (qi, q) in self.queues.iter().enumerate() {
            let src = self.panel.series(qi);
            let present = |old_day: usize| old_day >= self.days || q.day_present[old_day];
            for j in 0..days {
                let (a, b) = (j * d + s, (j + 1) * d + s - 1);
                let keep = present(a / d) && present(b / d);
                cells.extend((a..=b).map(|i| {
                    if keep {
                        src.get(i).copied().flatten()
                    } else {
                        None
                    }
                }));
            }
        }
        let start = self.start.date() + chrono::TimeDelta::days(k as i64);
        let grid = TimeGrid::days(start, self.step, days);
        let panel = Panel::from_cells(self.panel.queues().to_vec(), grid, cells)
            .expect("one cell per queue × relabelled interval");
        let h = Self::from_panel(panel).expect("relabelled cells were validated when read");
        (h, s)
    }

    /// The history up to interval `from` followed by `fills[q]` for queue `q` (its rows from
    /// `from` on; a queue without fills has no row there) and nothing after them: a partial
    /// day completed by its forecast, with no later observation left in it.
    pub(crate) fn filled(&self, from: usize, fills: &[Option<&[f64]>]) -> History {
        let n = self.len();
        let mut cells = Vec::with_capacity(self.queues.len() * n);
        for (qi, fill) in fills.iter().enumerate().take(self.queues.len()) {
            let src = self.panel.series(qi);
            cells.extend_from_slice(&src[..from.min(n)]);
            let extra = fill.unwrap_or_default();
            cells.extend((from..n).map(|i| {
                extra.get(i - from).map(|&v| Demand {
                    offered: v.max(0.0),
                    aht_secs: None,
                })
            }));
        }
        let panel = Panel::from_cells(self.panel.queues().to_vec(), *self.panel.grid(), cells)
            .expect("one cell per queue × interval");
        Self::from_panel(panel).expect("filled cells are finite and ≥ 0")
    }

    /// The history as a panel of demand cells (`None` = no row), whole days from midnight.
    pub fn panel(&self) -> &Panel<Option<Demand>> {
        &self.panel
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
    /// Per interval, the volume summed over every queue's rows.
    pub(crate) fn total(&self) -> &[f64] {
        &self.total
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
    /// Grid index of an origin: an interval boundary after the first interval of the history
    /// (it may lie beyond the history's end).
    ///
    /// # Errors
    /// [`ForecastError::BadOrigin`] when `t` is not on an interval boundary or leaves no
    /// history before it.
    pub fn origin_index(&self, t: NaiveDateTime) -> Result<usize, ForecastError> {
        let bad = |reason: &'static str| ForecastError::BadOrigin {
            value: format_timestamp(t),
            first: format_timestamp(self.start),
            reason,
        };
        let step = i64::from(self.step.seconds());
        let secs = (t - self.start).num_seconds();
        if secs % step != 0 || t.and_utc().timestamp_subsec_nanos() != 0 {
            return Err(bad(
                "origins and forecast starts must be on an interval boundary of the history, counted from 00:00",
            ));
        }
        if t <= self.start {
            return Err(bad("there is no history before it"));
        }
        Ok((secs / step) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<History, ForecastError> {
        let t = crate::io::history::history_from_csv(&crate::io::table::CsvInput::from_bytes(
            Path::new("h.csv"),
            text.as_bytes(),
        )?)?;
        History::from_panel(t.panel)
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
