//! [`TimeGrid`]: the dated time axis every stage shares — a start, a grain and a length.
//!
//! A grid is either *intraday* (intervals of 5–60 minutes that tile whole days, the axis of
//! ingestion, forecasting, staffing and scheduling) or *calendar* (days, weeks or months, the
//! axis of long-range planning). Index ↔ timestamp conversion, windows and coarsening live here
//! once, as does the one inference of an interval length from observed timestamps
//! ([`infer_interval`]) and the one error for rows that do not fit a grid ([`GridError`]).

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, TimeDelta, Timelike};

use crate::model::QueueId;
use crate::units::IntervalLength;

/// The spacing of a [`TimeGrid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grain {
    /// Intervals of a fixed length that divides a day (5, 6, 10, 15, 30 or 60 minutes).
    Interval(IntervalLength),
    /// Calendar days (each starts at midnight).
    Day,
    /// Weeks of seven days, starting on the weekday of the grid's start.
    Week,
    /// Calendar months (each starts at midnight of the 1st).
    Month,
}

impl std::fmt::Display for Grain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Grain::Interval(l) => write!(f, "{} min", l.minutes()),
            Grain::Day => f.write_str("day"),
            Grain::Week => f.write_str("week"),
            Grain::Month => f.write_str("month"),
        }
    }
}

/// A timestamp or a set of timestamps that does not fit a grid.
///
/// Errors name the timestamp (and the queue where one applies) and, when the timestamps came
/// from a list, its `index` in that list, so that the reader that built the list can map it
/// back to a file, line and column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GridError {
    /// The same queue × interval occurs twice.
    #[error("duplicate interval {at}{}", queue_suffix(.queue))]
    Duplicate {
        /// The interval start.
        at: NaiveDateTime,
        /// The queue, when the grid is per queue.
        queue: Option<QueueId>,
        /// Index of the second occurrence in the caller's list.
        index: usize,
        /// Index of the first occurrence.
        first: usize,
    },
    /// A timestamp does not fall on a boundary of the grid.
    #[error("{at} is not on the {grain} grid{}", queue_suffix(.queue))]
    OffGrid {
        /// The timestamp.
        at: NaiveDateTime,
        /// The grid's grain.
        grain: Grain,
        /// The queue, when known.
        queue: Option<QueueId>,
        /// Index in the caller's list.
        index: usize,
    },
    /// Rows of different interval lengths are mixed (e.g. one 15-min row in a 30-min file).
    #[error(
        "mixed interval lengths: most rows are {} min apart, but {at}{} is {} min after the \
         previous row of its queue",
        .usual_secs / 60, queue_suffix(.queue), *.step_secs as f64 / 60.0
    )]
    MixedLengths {
        /// The usual spacing, seconds.
        usual_secs: i64,
        /// The spacing found at `at`, seconds.
        step_secs: i64,
        /// The timestamp.
        at: NaiveDateTime,
        /// The queue.
        queue: Option<QueueId>,
        /// Index in the caller's list.
        index: usize,
    },
    /// No supported interval length fits the timestamps.
    #[error("interval length of {secs} s is not supported (5, 6, 10, 15, 30 or 60 min)")]
    Unsupported {
        /// The spacing found, seconds.
        secs: i64,
        /// Index of a row with that spacing.
        index: usize,
    },
    /// Too few timestamps to infer an interval length.
    #[error("cannot infer the interval length: no queue has two distinct interval starts; give the length explicitly")]
    TooFew,
    /// A timestamp lies outside the grid.
    #[error("{at} is outside the grid {start} … {end}")]
    OutOfRange {
        /// The timestamp.
        at: NaiveDateTime,
        /// First instant of the grid.
        start: NaiveDateTime,
        /// End of the grid (exclusive).
        end: NaiveDateTime,
    },
    /// The grid's start is not a boundary of its grain (e.g. a day grid starting at 07:00).
    #[error("a {grain} grid cannot start at {start}")]
    BadStart {
        /// The start.
        start: NaiveDateTime,
        /// The grain.
        grain: Grain,
    },
    /// A window or coarsening that does not fit the grid.
    #[error("{0}")]
    BadShape(String),
}

impl GridError {
    /// The index (in the caller's list of stamps) of the timestamp the error is about, for the
    /// caller to turn into a file and line.
    pub fn index(&self) -> Option<usize> {
        match self {
            GridError::Duplicate { index, .. }
            | GridError::OffGrid { index, .. }
            | GridError::MixedLengths { index, .. }
            | GridError::Unsupported { index, .. } => Some(*index),
            _ => None,
        }
    }
}

fn queue_suffix(q: &Option<QueueId>) -> String {
    q.as_ref()
        .map_or_else(String::new, |q| format!(" (queue {q})"))
}

/// A dated, regular time axis: `len` periods of `grain` from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeGrid {
    start: NaiveDateTime,
    grain: Grain,
    len: usize,
}

impl TimeGrid {
    /// A grid of `len` periods of `grain` from `start`.
    ///
    /// # Errors
    /// [`GridError::BadStart`] when `start` is not a boundary of the grain: a multiple of the
    /// interval length after midnight, midnight for days and weeks, midnight of the 1st for months.
    pub fn new(start: NaiveDateTime, grain: Grain, len: usize) -> Result<Self, GridError> {
        let secs = i64::from(start.num_seconds_from_midnight());
        let ok = start.nanosecond() == 0
            && match grain {
                Grain::Interval(l) => secs % i64::from(l.seconds()) == 0,
                Grain::Day | Grain::Week => secs == 0,
                Grain::Month => secs == 0 && start.day() == 1,
            };
        if !ok {
            return Err(GridError::BadStart { start, grain });
        }
        Ok(TimeGrid { start, grain, len })
    }

    /// Whole days of `interval`-long intervals from midnight of `first_day`.
    pub fn days(first_day: NaiveDate, interval: IntervalLength, days: usize) -> Self {
        TimeGrid {
            start: first_day.and_time(chrono::NaiveTime::MIN),
            grain: Grain::Interval(interval),
            len: days * interval.per_day(),
        }
    }

    /// First instant of the grid.
    pub fn start(&self) -> NaiveDateTime {
        self.start
    }
    /// The grain.
    pub fn grain(&self) -> Grain {
        self.grain
    }
    /// The interval length of an intraday grid.
    pub fn interval(&self) -> Option<IntervalLength> {
        match self.grain {
            Grain::Interval(l) => Some(l),
            _ => None,
        }
    }
    /// Number of periods.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True when the grid has no period.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Periods per day of an intraday grid.
    pub fn per_day(&self) -> Option<usize> {
        self.interval().map(IntervalLength::per_day)
    }
    /// Whole days covered by an intraday grid that starts at midnight and tiles whole days.
    pub fn whole_days(&self) -> Option<usize> {
        let per_day = self.per_day()?;
        (self.start.num_seconds_from_midnight() == 0 && self.len % per_day == 0)
            .then_some(self.len / per_day)
    }
    /// Start of period `i` (`i == len` gives the end of the grid).
    pub fn timestamp(&self, i: usize) -> NaiveDateTime {
        match self.grain {
            Grain::Interval(l) => {
                self.start + TimeDelta::seconds(i as i64 * i64::from(l.seconds()))
            }
            Grain::Day => self.start + TimeDelta::days(i as i64),
            Grain::Week => self.start + TimeDelta::days(7 * i as i64),
            Grain::Month => self.start + Months::new(i as u32),
        }
    }
    /// The calendar date of period `i`.
    pub fn date(&self, i: usize) -> NaiveDate {
        self.timestamp(i).date()
    }
    /// End of the grid (exclusive).
    pub fn end(&self) -> NaiveDateTime {
        self.timestamp(self.len)
    }
    /// Every period start, in order.
    pub fn timestamps(&self) -> impl ExactSizeIterator<Item = NaiveDateTime> + '_ {
        (0..self.len).map(|i| self.timestamp(i))
    }

    /// The index of the period that starts at `ts`, if `ts` is a period start of the grid.
    pub fn position(&self, ts: NaiveDateTime) -> Option<usize> {
        let i = self.offset(ts)?;
        (i < self.len).then_some(i)
    }

    /// Like [`TimeGrid::position`], with the reason when `ts` is not a period start.
    ///
    /// # Errors
    /// [`GridError::OffGrid`] (with `index` 0) or [`GridError::OutOfRange`].
    pub fn index_of(&self, ts: NaiveDateTime) -> Result<usize, GridError> {
        let i = self.offset(ts).ok_or(GridError::OffGrid {
            at: ts,
            grain: self.grain,
            queue: None,
            index: 0,
        })?;
        if ts < self.start || i >= self.len {
            return Err(GridError::OutOfRange {
                at: ts,
                start: self.start,
                end: self.end(),
            });
        }
        Ok(i)
    }

    /// Offset of `ts` from the start in periods, when `ts` is on the grid's boundaries
    /// (possibly beyond its end); `None` when it is off the grid or before the start.
    fn offset(&self, ts: NaiveDateTime) -> Option<usize> {
        if ts < self.start {
            return None;
        }
        match self.grain {
            Grain::Interval(l) => {
                let d = (ts - self.start).num_seconds();
                let s = i64::from(l.seconds());
                ((ts - self.start).subsec_nanos() == 0 && d % s == 0).then(|| (d / s) as usize)
            }
            Grain::Day | Grain::Week => {
                let per = if self.grain == Grain::Day { 1 } else { 7 };
                let d = ts - self.start;
                (d.subsec_nanos() == 0 && d.num_seconds() % 86_400 == 0 && d.num_days() % per == 0)
                    .then(|| (d.num_days() / per) as usize)
            }
            Grain::Month => {
                let months = (ts.year() - self.start.year()) * 12 + ts.month() as i32
                    - self.start.month() as i32;
                (months >= 0 && self.timestamp(months as usize) == ts).then_some(months as usize)
            }
        }
    }

    /// The index of the period that contains `ts` (e.g. a call's arrival time), if any.
    pub fn containing(&self, ts: NaiveDateTime) -> Option<usize> {
        if ts < self.start || ts >= self.end() {
            return None;
        }
        match self.grain {
            Grain::Interval(l) => {
                Some(((ts - self.start).num_seconds() / i64::from(l.seconds())) as usize)
            }
            Grain::Day => Some((ts - self.start).num_days() as usize),
            Grain::Week => Some(((ts - self.start).num_days() / 7) as usize),
            Grain::Month => {
                let m = (ts.year() - self.start.year()) * 12 + ts.month() as i32
                    - self.start.month() as i32;
                Some(m as usize)
            }
        }
    }

    /// The sub-grid of `len` periods from period `from`.
    ///
    /// # Errors
    /// [`GridError::BadShape`] when the window does not fit inside the grid.
    pub fn window(&self, from: usize, len: usize) -> Result<Self, GridError> {
        if from.checked_add(len).is_none_or(|e| e > self.len) {
            return Err(GridError::BadShape(format!(
                "window of {len} period(s) from period {from} does not fit a grid of {}",
                self.len
            )));
        }
        Ok(TimeGrid {
            start: self.timestamp(from),
            grain: self.grain,
            len,
        })
    }

    /// The periods `from..to` of the grid that lie inside `[from_ts, to_ts)`, as a range of
    /// indices (possibly empty).
    pub fn range_between(
        &self,
        from_ts: NaiveDateTime,
        to_ts: NaiveDateTime,
    ) -> std::ops::Range<usize> {
        let lo = (0..self.len)
            .find(|&i| self.timestamp(i) >= from_ts)
            .unwrap_or(self.len);
        let hi = (lo..self.len)
            .find(|&i| self.timestamp(i) >= to_ts)
            .unwrap_or(self.len);
        lo..hi
    }

    /// An intraday grid with intervals `factor` times as long (e.g. 15 → 30 min with factor 2).
    ///
    /// # Errors
    /// [`GridError::BadShape`] when the grid is not intraday, the new length is not supported,
    /// or `len` is not a multiple of `factor`; [`GridError::BadStart`] when the start is not a
    /// boundary of the coarser grid.
    pub fn coarsen(&self, factor: usize) -> Result<Self, GridError> {
        let Grain::Interval(l) = self.grain else {
            return Err(GridError::BadShape(format!(
                "only intraday grids coarsen by a factor, not a {} grid",
                self.grain
            )));
        };
        if factor == 0 || self.len % factor != 0 {
            return Err(GridError::BadShape(format!(
                "{} period(s) do not group into whole blocks of {factor}",
                self.len
            )));
        }
        let minutes = i64::from(l.minutes()) * factor as i64;
        let coarse = IntervalLength::from_minutes(minutes)
            .map_err(|e| GridError::BadShape(e.to_string()))?;
        TimeGrid::new(self.start, Grain::Interval(coarse), self.len / factor)
    }

    /// The day grid covering the same days as this intraday grid (whole days only).
    ///
    /// # Errors
    /// [`GridError::BadShape`] when the grid is not intraday or does not tile whole days.
    pub fn to_days(&self) -> Result<Self, GridError> {
        let days = self.whole_days().ok_or_else(|| {
            GridError::BadShape(format!(
                "a {} grid of {} period(s) from {} does not tile whole days",
                self.grain, self.len, self.start
            ))
        })?;
        TimeGrid::new(self.start, Grain::Day, days)
    }
}

/// Greatest common divisor (non-negative); `gcd(0, 0) == 0`.
pub fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a as i64
}

/// One observed interval start: its timestamp and the series it belongs to (e.g. the index of
/// its queue). `index` positions are the positions in the slice given to [`infer_interval`].
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    /// The interval start.
    pub at: NaiveDateTime,
    /// The series (queue) it belongs to.
    pub series: usize,
}

/// The indices of `stamps` ordered by `(series, at, index)`: a counting sort by series (which
/// keeps indices ascending), then a stable sort by time inside each series — linear when each
/// series is already in time order, as inputs usually are. Series numbers beyond the number of
/// stamps (not queue indices) fall back to one sort.
fn by_series_then_time(stamps: &[Stamp]) -> Vec<usize> {
    let n = stamps.len();
    let series = stamps
        .iter()
        .map(|s| s.series.saturating_add(1))
        .max()
        .unwrap_or(0);
    if series > n {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| (stamps[i].series, stamps[i].at, i));
        return order;
    }
    let mut first = vec![0usize; series + 1];
    for s in stamps {
        first[s.series + 1] += 1;
    }
    for q in 0..series {
        first[q + 1] += first[q];
    }
    let mut next = first.clone();
    let mut order = vec![0usize; n];
    for (i, s) in stamps.iter().enumerate() {
        order[next[s.series]] = i;
        next[s.series] += 1;
    }
    for q in 0..series {
        order[first[q]..first[q + 1]].sort_by_key(|&i| stamps[i].at);
    }
    order
}

/// The one interval-length inference of the crate.
///
/// The length is the spacing that successive starts of the same series most often have; every
/// spacing must be a multiple of it and every start must lie on that length's grid from
/// midnight. So one 15-min row in a 30-min file is an error naming that row (the grid does not
/// silently switch to 15 min), while gaps of several intervals (closed hours, missing data) are
/// fine. `declared` checks the timestamps against a given length instead of inferring one.
///
/// # Errors
/// [`GridError::Duplicate`], [`GridError::MixedLengths`], [`GridError::OffGrid`],
/// [`GridError::Unsupported`], [`GridError::TooFew`]. Indices refer to `stamps`.
pub fn infer_interval(
    stamps: &[Stamp],
    declared: Option<IntervalLength>,
) -> Result<IntervalLength, GridError> {
    let order = by_series_then_time(stamps);
    // (spacing, index of the later stamp)
    let mut steps: Vec<(i64, usize)> = Vec::new();
    for w in order.windows(2) {
        let (a, b) = (&stamps[w[0]], &stamps[w[1]]);
        if a.series != b.series {
            continue;
        }
        let d = (b.at - a.at).num_seconds();
        if d == 0 {
            return Err(GridError::Duplicate {
                at: b.at,
                queue: None,
                index: w[1].max(w[0]),
                first: w[1].min(w[0]),
            });
        }
        steps.push((d, w[1]));
    }
    let length = match declared {
        Some(l) => l,
        None => {
            if steps.is_empty() {
                return Err(GridError::TooFew);
            }
            let mut counts: std::collections::BTreeMap<i64, usize> = Default::default();
            for (s, _) in &steps {
                *counts.entry(*s).or_insert(0) += 1;
            }
            // The most frequent spacing; ties go to the shorter one.
            let usual = counts
                .iter()
                .max_by_key(|(s, c)| (**c, std::cmp::Reverse(**s)))
                .map(|(s, _)| *s)
                .expect("non-empty");
            if let Some(&(s, i)) = steps.iter().find(|(s, _)| s % usual != 0) {
                return Err(GridError::MixedLengths {
                    usual_secs: usual,
                    step_secs: s,
                    at: stamps[i].at,
                    queue: None,
                    index: i,
                });
            }
            if usual % 60 != 0 {
                return Err(GridError::Unsupported {
                    secs: usual,
                    index: steps[0].1,
                });
            }
            // A spacing of several supported lengths (hourly rows only) reads as the largest
            // supported length that divides it.
            let minutes = IntervalLength::SUPPORTED
                .iter()
                .rev()
                .find(|&&m| (usual / 60) % i64::from(m) == 0)
                .copied()
                .ok_or(GridError::Unsupported {
                    secs: usual,
                    index: steps[0].1,
                })?;
            IntervalLength::from_minutes(i64::from(minutes)).expect("supported")
        }
    };
    let l = i64::from(length.seconds());
    if declared.is_some() {
        if let Some(&(s, i)) = steps.iter().find(|(s, _)| s % l != 0) {
            return Err(GridError::MixedLengths {
                usual_secs: l,
                step_secs: s,
                at: stamps[i].at,
                queue: None,
                index: i,
            });
        }
    }
    if let Some(i) = (0..stamps.len()).find(|&i| {
        stamps[i].at.nanosecond() != 0
            || i64::from(stamps[i].at.num_seconds_from_midnight()) % l != 0
    }) {
        return Err(GridError::OffGrid {
            at: stamps[i].at,
            grain: Grain::Interval(length),
            queue: None,
            index: i,
        });
    }
    Ok(length)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    fn ts(s: &str) -> NaiveDateTime {
        parse_timestamp(s).unwrap()
    }
    fn m(n: i64) -> IntervalLength {
        IntervalLength::from_minutes(n).unwrap()
    }

    #[test]
    fn index_and_timestamp_round_trip_on_every_grain() {
        let g = TimeGrid::new(ts("1999-01-01T07:00:00"), Grain::Interval(m(30)), 10).unwrap();
        assert_eq!(g.timestamp(3), ts("1999-01-01T08:30:00"));
        assert_eq!(g.index_of(ts("1999-01-01T08:30:00")), Ok(3));
        assert!(matches!(
            g.index_of(ts("1999-01-01T08:15:00")),
            Err(GridError::OffGrid { .. })
        ));
        assert!(matches!(
            g.index_of(ts("1999-01-01T12:00:00")),
            Err(GridError::OutOfRange { .. })
        ));
        assert_eq!(g.containing(ts("1999-01-01T08:44:59")), Some(3));
        let mo = TimeGrid::new(ts("1999-01-01T00:00:00"), Grain::Month, 14).unwrap();
        assert_eq!(mo.timestamp(13), ts("2000-02-01T00:00:00"));
        assert_eq!(mo.position(ts("1999-03-01T00:00:00")), Some(2));
        assert_eq!(mo.position(ts("1999-03-02T00:00:00")), None);
        assert_eq!(mo.containing(ts("1999-03-31T23:00:00")), Some(2));
        let wk = TimeGrid::new(ts("2027-01-04T00:00:00"), Grain::Week, 78).unwrap();
        assert_eq!(wk.position(ts("2027-01-18T00:00:00")), Some(2));
        assert_eq!(wk.position(ts("2027-01-19T00:00:00")), None);
        assert!(TimeGrid::new(ts("1999-01-02T00:00:00"), Grain::Month, 1).is_err());
        assert!(TimeGrid::new(ts("1999-01-02T07:10:00"), Grain::Interval(m(15)), 1).is_err());
    }

    #[test]
    fn windows_days_and_coarsening() {
        let g = TimeGrid::days(ts("1999-02-01T00:00:00").date(), m(15), 28);
        assert_eq!(g.len(), 28 * 96);
        assert_eq!(g.whole_days(), Some(28));
        let w = g.window(96 * 6, 96 * 7).unwrap();
        assert_eq!(w.start(), ts("1999-02-07T00:00:00"));
        assert!(g.window(96 * 27, 97).is_err());
        let c = g.coarsen(2).unwrap();
        assert_eq!(c.interval(), Some(m(30)));
        assert_eq!(c.len(), 28 * 48);
        assert!(g.coarsen(3).is_err(), "45 min is not a supported length");
        assert_eq!(g.to_days().unwrap().len(), 28);
        assert_eq!(
            g.range_between(ts("1999-02-01T06:00:00"), ts("1999-02-01T07:00:00")),
            24..28
        );
    }

    fn stamps(list: &[(&str, usize)]) -> Vec<Stamp> {
        list.iter()
            .map(|(t, s)| Stamp {
                at: ts(t),
                series: *s,
            })
            .collect()
    }

    #[test]
    fn inference_takes_the_usual_spacing_and_allows_gaps() {
        let s = stamps(&[
            ("1999-01-01T07:00:00", 0),
            ("1999-01-01T07:30:00", 0),
            ("1999-01-01T09:00:00", 0),
            ("1999-01-01T07:00:00", 1),
            ("1999-01-01T08:00:00", 1),
            ("1999-01-01T08:30:00", 1),
        ]);
        assert_eq!(infer_interval(&s, None), Ok(m(30)));
        // Hourly rows only read as hourly.
        let h = stamps(&[("1999-01-01T07:00:00", 0), ("1999-01-01T08:00:00", 0)]);
        assert_eq!(infer_interval(&h, None), Ok(m(60)));
    }

    #[test]
    fn one_stray_row_is_an_error_not_a_finer_grid() {
        let s = stamps(&[
            ("1999-01-01T07:00:00", 0),
            ("1999-01-01T07:30:00", 0),
            ("1999-01-01T08:00:00", 0),
            ("1999-01-01T08:15:00", 0),
            ("1999-01-01T08:30:00", 0),
            ("1999-01-01T09:00:00", 0),
        ]);
        match infer_interval(&s, None) {
            Err(GridError::MixedLengths {
                index, usual_secs, ..
            }) => {
                assert_eq!(index, 3);
                assert_eq!(usual_secs, 1800);
            }
            other => panic!("{other:?}"),
        }
        // Declared 15 min accepts the same rows.
        assert_eq!(infer_interval(&s, Some(m(15))), Ok(m(15)));
    }

    #[test]
    fn duplicates_off_grid_and_too_few() {
        let d = stamps(&[
            ("1999-01-01T07:00:00", 0),
            ("1999-01-01T07:30:00", 0),
            ("1999-01-01T07:00:00", 0),
        ]);
        assert!(matches!(
            infer_interval(&d, None),
            Err(GridError::Duplicate {
                index: 2,
                first: 0,
                ..
            })
        ));
        let o = stamps(&[
            ("1999-01-01T07:10:00", 0),
            ("1999-01-01T07:40:00", 0),
            ("1999-01-01T08:10:00", 0),
        ]);
        assert!(matches!(
            infer_interval(&o, None),
            Err(GridError::OffGrid { index: 0, .. })
        ));
        let one = stamps(&[("1999-01-01T07:00:00", 0), ("1999-01-01T07:00:00", 1)]);
        assert_eq!(infer_interval(&one, None), Err(GridError::TooFew));
        assert_eq!(gcd(0, 0), 0);
        assert_eq!(gcd(-12, 18), 6);
    }
}
