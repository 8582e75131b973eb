//! The staffing requirement the scheduler covers: required agents per interval over a horizon of
//! whole days, with the offered load and AHT per interval when known (for the `service`
//! objective and the expected service level of the plan).
//!
//! Two input shapes are read:
//! - the `wfm staff` output, or any `interval_start,queue,agents` CSV. The requirement is on the
//!   *scheduled* basis when the file has `agents_scheduled` (net ÷ (1 − unplanned shrinkage):
//!   agents on shift and not on a break), else on the *net* basis of `agents` (then absence is
//!   not covered; [`Requirement::basis`] says which). Queues are pooled by
//!   summing agents and load per interval; the pooled AHT is the call-weighted mean
//!   `Σ A_q / Σ (A_q / AHT_q)` (calls per second `A_q / AHT_q`);
//! - the anchor's `day,slot,required` (day 0 = Sunday, slot = interval of the day), with
//!   `offered_erlangs` and `aht_seconds` used when present.
//!
//! A dated requirement read with `--tz` lives on the site's local clock ([`LocalClock`]): the
//! intervals are consecutive in elapsed time, and a local day has as many as it really has (46,
//! 48 or 50 half-hours in a zone with daylight saving time), so that a fall-back night's repeated
//! hour is two intervals and a spring-forward day one hour short.

use super::rules::DAY_NAMES;
use super::ScheduleError;
use crate::model::{day_intervals, LocalStamp};
use crate::time::{format_timestamp, weekday_sun0, NaiveDate, NaiveDateTime};
use crate::units::IntervalLength;

/// What the required agents of a [`Requirement`] count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Agents on shift and not on a break, absence included: net ÷ (1 − unplanned shrinkage).
    Scheduled,
    /// Net agents on the phones (no absence allowance).
    Net,
    /// As given (`day,slot,required` or values): the caller's basis.
    Given,
}

impl Basis {
    /// `scheduled`, `net`, `given`.
    pub fn name(self) -> &'static str {
        match self {
            Basis::Scheduled => "scheduled",
            Basis::Net => "net",
            Basis::Given => "given",
        }
    }
}

/// Required agents per interval over whole days.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub(crate) interval: IntervalLength,
    pub(crate) basis: Basis,
    /// Net agents per interval when the requirement is on the scheduled basis.
    pub(crate) net: Option<Vec<f64>>,
    pub(crate) days: usize,
    pub(crate) first_weekday: usize,
    pub(crate) start_date: Option<NaiveDate>,
    pub(crate) required: Vec<f64>,
    pub(crate) load: Option<Vec<f64>>,
    pub(crate) aht_secs: Option<Vec<f64>>,
    /// Input rows read (every one is used: a bad row is an error).
    pub(crate) rows_read: usize,
    /// Intervals of the horizon that no input row gave (required 0).
    pub(crate) intervals_filled: usize,
    /// Queues pooled.
    pub(crate) queues: Vec<String>,
    /// The local clock of a dated input read with `--tz` (labels carry UTC offsets, days have
    /// their real number of intervals); `None` without a zone or for undated input.
    pub(crate) clock: Option<LocalClock>,
}

/// The local clock of a dated requirement in a time zone: every interval's wall-clock start
/// and UTC offset, consecutive in elapsed time, and where each local day begins.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LocalClock {
    zone: chrono_tz::Tz,
    stamps: Vec<LocalStamp>,
    /// Index of each day's first interval, then the number of intervals (days + 1 entries).
    day_starts: Vec<usize>,
}

impl LocalClock {
    /// The intervals of the local days `start .. start + days` of `zone`.
    fn new(start: NaiveDate, days: usize, interval: IntervalLength, zone: chrono_tz::Tz) -> Self {
        let mut stamps = Vec::new();
        let mut day_starts = Vec::with_capacity(days + 1);
        for d in 0..days {
            day_starts.push(stamps.len());
            stamps.extend(day_intervals(
                start + chrono::Days::new(d as u64),
                interval,
                Some(zone),
            ));
        }
        day_starts.push(stamps.len());
        LocalClock {
            zone,
            stamps,
            day_starts,
        }
    }
}

/// The most agents one interval may require: the MIP solver asserts (a native abort, exit 134)
/// on coefficients near 1e308, so values beyond a million agents are rejected where they are
/// read.
pub const MAX_REQUIRED: f64 = crate::limits::MAX_AGENTS;

/// The horizon of dated rows: whole local days from the first row's date to the last's.
pub(crate) struct Horizon {
    pub(crate) first_date: NaiveDate,
    pub(crate) days: usize,
    /// The days' local clock (with `--tz`).
    pub(crate) clock: Option<LocalClock>,
    /// Where interval 0 starts: the first day's local midnight (as UTC with a clock).
    pub(crate) origin: NaiveDateTime,
}

impl Horizon {
    pub(crate) fn of(
        starts: impl Iterator<Item = NaiveDateTime>,
        interval: IntervalLength,
        zone: Option<chrono_tz::Tz>,
    ) -> Self {
        let (mut first, mut last) = (NaiveDateTime::MAX, NaiveDateTime::MIN);
        for t in starts {
            first = first.min(t);
            last = last.max(t);
        }
        let (first_date, last_date) = (first.date(), last.date());
        let days = (last_date - first_date).num_days() as usize + 1;
        let clock = zone.map(|z| LocalClock::new(first_date, days, interval, z));
        let origin = match &clock {
            Some(c) => c.stamps[0].utc(),
            None => first_date.and_hms_opt(0, 0, 0).expect("midnight exists"),
        };
        Horizon {
            first_date,
            days,
            clock,
            origin,
        }
    }
    /// Number of intervals.
    pub(crate) fn len(&self, interval: IntervalLength) -> usize {
        match &self.clock {
            Some(c) => c.stamps.len(),
            None => self.days * interval.per_day(),
        }
    }
    /// The interval `at` starts (`t` intervals of elapsed time after the origin); `None` off
    /// the grid or off the local clock.
    pub(crate) fn index(&self, at: &LocalStamp, interval: IntervalLength) -> Option<usize> {
        let minutes = (at.utc() - self.origin).num_minutes();
        let step = i64::from(interval.minutes());
        if minutes < 0 || minutes % step != 0 {
            return None;
        }
        let t = (minutes / step) as usize;
        match &self.clock {
            Some(c) => (c.stamps.get(t) == Some(at)).then_some(t),
            None => Some(t),
        }
    }
}

impl Requirement {
    /// A requirement from values: `required[t]` for `t` in `0..days × per_day`, day 0 has weekday
    /// `first_weekday` (0 = Sunday).
    ///
    /// # Errors
    /// [`ScheduleError::BadRequirement`] when the length is not a whole number of days, or a
    /// value is negative or not finite, or the load/AHT vectors have another length.
    pub fn new(
        interval: IntervalLength,
        first_weekday: usize,
        required: Vec<f64>,
        load: Option<Vec<f64>>,
        aht_secs: Option<Vec<f64>>,
    ) -> Result<Self, ScheduleError> {
        let per_day = interval.per_day();
        let bad = |reason: String| ScheduleError::BadRequirement { reason };
        if required.is_empty() || required.len() % per_day != 0 {
            return Err(bad(format!(
                "expected a whole number of days of {per_day} intervals, got {} intervals",
                required.len()
            )));
        }
        if let Some(t) = required
            .iter()
            .position(|v| !(v.is_finite() && (0.0..=MAX_REQUIRED).contains(v)))
        {
            return Err(bad(format!(
                "interval {t}: required agents {} is outside [0, 1e6]",
                crate::units::Shown(required[t])
            )));
        }
        for v in [&load, &aht_secs].into_iter().flatten() {
            if v.len() != required.len() || v.iter().any(|x| !(x.is_finite() && *x >= 0.0)) {
                return Err(bad(
                    "load and AHT must have one non-negative value per interval".into(),
                ));
            }
        }
        Ok(Requirement {
            interval,
            basis: Basis::Given,
            net: None,
            days: required.len() / per_day,
            first_weekday: first_weekday % 7,
            start_date: None,
            rows_read: required.len(),
            intervals_filled: 0,
            required,
            load,
            aht_secs,
            queues: Vec::new(),
            clock: None,
        })
    }

    /// The same requirement dated: day 0 is `date` (its weekday must be the requirement's first
    /// weekday, which a requirement built from dated intervals has).
    pub fn with_start_date(mut self, date: NaiveDate) -> Self {
        debug_assert_eq!(weekday_sun0(date), self.first_weekday);
        self.start_date = Some(date);
        self
    }

    /// The same requirement, naming the queues it pools.
    pub fn with_queues(mut self, queues: Vec<String>) -> Self {
        self.queues = queues;
        self
    }

    /// Splits every interval into `interval` pieces (e.g. 30 → 15 min): each piece keeps the
    /// required agents, the load in Erlangs (a rate) and the AHT of its parent.
    ///
    /// # Errors
    /// [`ScheduleError::BadRequirement`] when `interval` does not divide the current length.
    pub fn refined(&self, interval: IntervalLength) -> Result<Self, ScheduleError> {
        let (from, to) = (self.interval.minutes(), interval.minutes());
        if to > from || from % to != 0 {
            return Err(ScheduleError::BadRequirement {
                reason: format!(
                    "cannot plan at {interval} on a {} requirement (the planning interval must divide it)",
                    self.interval
                ),
            });
        }
        let k = (from / to) as usize;
        let rep = |v: &Vec<f64>| v.iter().flat_map(|x| std::iter::repeat_n(*x, k)).collect();
        // Each interval splits into k consecutive pieces of elapsed time: the local days'
        // intervals at the finer length, in the same order.
        let clock = self.clock.as_ref().map(|c| {
            let start = self
                .start_date
                .expect("a requirement on a local clock is dated");
            LocalClock::new(start, self.days, interval, c.zone)
        });
        Ok(Requirement {
            interval,
            required: rep(&self.required),
            net: self.net.as_ref().map(rep),
            load: self.load.as_ref().map(rep),
            aht_secs: self.aht_secs.as_ref().map(rep),
            intervals_filled: self.intervals_filled * k,
            queues: self.queues.clone(),
            clock,
            ..*self
        })
    }

    /// The whole days `first_day .. first_day + days` of the horizon (day 0 is the first),
    /// e.g. one week of a month-long `wfm staff` output: a weekly plan is what planners build.
    ///
    /// # Errors
    /// [`ScheduleError::BadRequirement`] when `days` is 0 or the window leaves the horizon.
    pub fn days_window(&self, first_day: usize, days: usize) -> Result<Self, ScheduleError> {
        if days == 0 || first_day + days > self.days {
            return Err(ScheduleError::BadRequirement {
                reason: format!(
                    "days {first_day}..{} are not within the requirement's {} day(s)",
                    first_day + days,
                    self.days
                ),
            });
        }
        let span = self.day_range(first_day).start..self.day_range(first_day + days - 1).end;
        let cut = |v: &Vec<f64>| v[span.clone()].to_vec();
        let start_date = self
            .start_date
            .map(|d| d + chrono::Days::new(first_day as u64));
        let clock = self.clock.as_ref().map(|c| {
            let start = start_date.expect("a requirement on a local clock is dated");
            LocalClock::new(start, days, self.interval, c.zone)
        });
        Ok(Requirement {
            days,
            first_weekday: (self.first_weekday + first_day) % 7,
            start_date,
            required: cut(&self.required),
            net: self.net.as_ref().map(cut),
            load: self.load.as_ref().map(cut),
            aht_secs: self.aht_secs.as_ref().map(cut),
            queues: self.queues.clone(),
            clock,
            ..*self
        })
    }

    /// The date of day 0, when the input had dates (`wfm staff` output).
    pub fn start_date(&self) -> Option<NaiveDate> {
        self.start_date
    }

    /// Interval length.
    pub fn interval(&self) -> IntervalLength {
        self.interval
    }
    /// Number of days.
    pub fn days(&self) -> usize {
        self.days
    }
    /// Intervals per day of 24 hours (a clock-change day of a requirement read with `--tz`
    /// has more or fewer: see [`Requirement::day_range`]).
    pub fn per_day(&self) -> usize {
        self.interval.per_day()
    }
    /// The intervals of day `d` (`d` < [`Requirement::days`]): consecutive in elapsed time, 46,
    /// 48 or 50 half-hours on the local clock of a zone with daylight saving time.
    pub fn day_range(&self, d: usize) -> std::ops::Range<usize> {
        match &self.clock {
            Some(c) => c.day_starts[d]..c.day_starts[d + 1],
            None => d * self.per_day()..(d + 1) * self.per_day(),
        }
    }
    /// Whether a day of the horizon has a clock change (23 or 25 hours on its local clock).
    pub fn has_clock_change(&self) -> bool {
        (0..self.days).any(|d| self.day_range(d).len() != self.per_day())
    }
    /// The wall-clock start of interval `t`, minutes after midnight of its day.
    pub fn minute_of_day(&self, t: usize) -> u32 {
        match &self.clock {
            Some(c) => {
                let time = c.stamps[t].local.time();
                chrono::Timelike::num_seconds_from_midnight(&time) / 60
            }
            None => (t % self.per_day()) as u32 * self.interval.minutes(),
        }
    }
    /// The wall-clock time at the start of interval `t` (which may lie past the horizon, e.g.
    /// the end of its last shift), minutes after midnight of day 0 on the local clock: `t`
    /// intervals of elapsed time, ± the clock changes in between.
    pub fn wall_minutes(&self, t: usize) -> u32 {
        let Some(c) = &self.clock else {
            return t as u32 * self.interval.minutes();
        };
        let at = self.local_stamp(t).expect("a local clock has stamps");
        let midnight = c.stamps[0].local.date().and_time(chrono::NaiveTime::MIN);
        (at.local - midnight).num_minutes() as u32
    }
    /// The local start of interval `t` with its UTC offset (on or past the horizon), for a
    /// requirement read with `--tz`.
    pub fn local_stamp(&self, t: usize) -> Option<LocalStamp> {
        use chrono::{Offset, TimeZone};
        let c = self.clock.as_ref()?;
        if let Some(s) = c.stamps.get(t) {
            return Some(*s);
        }
        let utc = c.stamps[0].utc()
            + chrono::TimeDelta::minutes(t as i64 * i64::from(self.interval.minutes()));
        let l = c.zone.from_utc_datetime(&utc);
        Some(LocalStamp {
            local: l.naive_local(),
            offset_secs: Some(l.offset().fix().local_minus_utc()),
        })
    }
    /// Number of intervals.
    pub fn len(&self) -> usize {
        self.required.len()
    }
    /// Whether there are no intervals (never true for a constructed requirement).
    pub fn is_empty(&self) -> bool {
        self.required.is_empty()
    }
    /// Weekday (0 = Sunday) of day `d`.
    pub fn weekday(&self, d: usize) -> usize {
        (self.first_weekday + d) % 7
    }
    /// Required agents per interval.
    pub fn required(&self) -> &[f64] {
        &self.required
    }
    /// Offered load (Erlangs) per interval, when the input had it.
    pub fn load(&self) -> Option<&[f64]> {
        self.load.as_deref()
    }
    /// AHT (seconds) per interval, when the input had it.
    pub fn aht_secs(&self) -> Option<&[f64]> {
        self.aht_secs.as_deref()
    }
    /// Input rows read.
    pub fn rows_read(&self) -> usize {
        self.rows_read
    }
    /// Intervals of the horizon absent from the input (taken as 0 required).
    pub fn intervals_filled(&self) -> usize {
        self.intervals_filled
    }
    /// Queues pooled (empty for the `day,slot` shape).
    pub fn queues(&self) -> &[String] {
        &self.queues
    }
    /// Required agent-hours: `Σ required × interval length`.
    pub fn agent_hours(&self) -> f64 {
        self.required.iter().sum::<f64>() * f64::from(self.interval.minutes()) / 60.0
    }
    /// What the required agents count (scheduled, net, or as given).
    pub fn basis(&self) -> Basis {
        self.basis
    }
    /// Net agent-hours: `Σ net × interval length` (the required agent-hours unless the
    /// requirement is on the scheduled basis).
    pub fn net_agent_hours(&self) -> f64 {
        self.net
            .as_ref()
            .unwrap_or(&self.required)
            .iter()
            .sum::<f64>()
            * f64::from(self.interval.minutes())
            / 60.0
    }
    /// A copy with required agents set to 0 outside `[open, close)` minutes of each day;
    /// returns the copy and the agent-hours dropped.
    pub fn within_hours(&self, open: u32, close: u32) -> (Self, f64) {
        let mut r = self.clone();
        let mut dropped = 0.0;
        let m = self.interval.minutes();
        let closed = |t: usize| {
            let minute = self.minute_of_day(t);
            minute < open || minute >= close
        };
        for (t, v) in r.required.iter_mut().enumerate() {
            if closed(t) {
                dropped += *v * f64::from(m) / 60.0;
                *v = 0.0;
            }
        }
        if let Some(net) = r.net.as_mut() {
            for (t, v) in net.iter_mut().enumerate() {
                if closed(t) {
                    *v = 0.0;
                }
            }
        }
        (r, dropped)
    }
    /// The requirement in recorded agents: each interval's required agents (and the net basis)
    /// divided by the availability of recorded agents at its hour of day, `availability(hour)`
    /// (from a calibration; see [`crate::staffing::availability`]).
    pub fn in_recorded_agents(mut self, availability: impl Fn(u32) -> f64) -> Self {
        let hours: Vec<u32> = (0..self.len())
            .map(|t| self.minute_of_day(t) / 60)
            .collect();
        for (v, &h) in self.required.iter_mut().zip(&hours) {
            *v /= availability(h);
        }
        if let Some(net) = &mut self.net {
            for (v, &h) in net.iter_mut().zip(&hours) {
                *v /= availability(h);
            }
        }
        self
    }
    /// Label of interval `t`: the timestamp for dated input, else `Sun 07:30` style.
    pub fn label(&self, t: usize) -> String {
        if let Some(c) = &self.clock {
            return c.stamps[t].to_rfc3339();
        }
        let minute = (t % self.per_day()) as u32 * self.interval.minutes();
        let d = t / self.per_day();
        match self.start_date {
            Some(date) => {
                let ts = date.and_hms_opt(0, 0, 0).expect("midnight exists")
                    + chrono::TimeDelta::days(d as i64)
                    + chrono::TimeDelta::minutes(i64::from(minute));
                format_timestamp(ts)
            }
            None => format!(
                "{} {:02}:{:02}",
                DAY_NAMES[self.weekday(d)],
                minute / 60,
                minute % 60
            ),
        }
    }
    /// Label of day `d`: the date for dated input, else the weekday name.
    pub fn day_label(&self, d: usize) -> String {
        match self.start_date {
            Some(date) => (date + chrono::TimeDelta::days(d as i64)).to_string(),
            None => DAY_NAMES[self.weekday(d)].to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refining_repeats_each_interval() {
        let r = Requirement::new(
            IntervalLength::from_minutes(60).unwrap(),
            0,
            (0..24).map(f64::from).collect(),
            None,
            None,
        )
        .unwrap();
        let f = r
            .refined(IntervalLength::from_minutes(30).unwrap())
            .unwrap();
        assert_eq!(f.len(), 48);
        assert_eq!(f.required()[3], 1.0);
        assert!((f.agent_hours() - r.agent_hours()).abs() < 1e-9);
    }

    #[test]
    fn days_window_keeps_whole_days_and_their_weekday() {
        let i = IntervalLength::from_minutes(60).unwrap();
        let required: Vec<f64> = (0..3 * 24).map(|t| t as f64).collect();
        let r = Requirement::new(i, 6, required, None, None).unwrap();
        let w = r.days_window(1, 2).unwrap();
        assert_eq!(w.days(), 2);
        assert_eq!(w.weekday(0), 0); // the day after a Saturday is a Sunday
        assert_eq!(w.required()[0], 24.0);
        assert_eq!(w.required().len(), 48);
        assert!(r.days_window(2, 2).is_err());
        assert!(r.days_window(0, 0).is_err());
    }
}
