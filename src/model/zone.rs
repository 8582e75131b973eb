//! Local time in a zone with daylight saving time: a [`LocalStamp`] is a wall-clock time with
//! its UTC offset, so that the two intervals of a fall-back night's repeated hour stay two
//! intervals, and [`day_intervals`] enumerates a local calendar day (46, 48 or 50 half-hours).
//!
//! The stages that model time of day (forecasting, scheduling) work on local *slots* (the 01:00
//! slot, the 02:00 slot); [`slot_stamps`] maps a slot of a local day back to the intervals that
//! exist in the zone: one on an ordinary day, two for the repeated hour, none for the hour a
//! spring-forward change skips.

use chrono::{LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone};
use chrono_tz::Tz;

use crate::units::IntervalLength;

/// A timestamp placed on the site's local clock: the wall-clock time and, when a zone is known,
/// its UTC offset in seconds (two intervals of a fall-back night share the wall clock, not the
/// offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalStamp {
    /// Wall-clock time on the site's clock.
    pub local: NaiveDateTime,
    /// UTC offset, seconds east; `None` without a zone.
    pub offset_secs: Option<i32>,
}

impl LocalStamp {
    /// A wall-clock time without a zone.
    pub fn naive(local: NaiveDateTime) -> Self {
        LocalStamp {
            local,
            offset_secs: None,
        }
    }
    /// The instant as UTC wall-clock (the local time itself without a zone).
    pub fn utc(&self) -> NaiveDateTime {
        self.local - TimeDelta::seconds(i64::from(self.offset_secs.unwrap_or(0)))
    }
    /// `YYYY-MM-DDTHH:MM:SS`, with `±hh:mm` when the offset is known (RFC 3339).
    pub fn to_rfc3339(&self) -> String {
        let base = self.local.format("%Y-%m-%dT%H:%M:%S").to_string();
        match self.offset_secs {
            None => base,
            Some(o) => {
                let sign = if o < 0 { '-' } else { '+' };
                let a = o.unsigned_abs();
                format!("{base}{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
            }
        }
    }
}

/// The stamps on one elapsed-time clock: each instant shown at the UTC offset of the first
/// stamp (naive stamps as they are). Successive intervals are then their real length apart —
/// a fall-back night's repeated hour is two intervals, a spring-forward day has no gap — and
/// outside a clock change each time reads as its own wall clock, so grids stay aligned to local
/// midnight (what [`crate::model::infer_interval`] checks).
pub fn elapsed_clock(stamps: &[LocalStamp]) -> Vec<NaiveDateTime> {
    let shift = stamps.first().and_then(|s| s.offset_secs).unwrap_or(0);
    stamps
        .iter()
        .map(|s| s.utc() + TimeDelta::seconds(i64::from(shift)))
        .collect()
}

/// The intervals that start at wall-clock time `local` in `zone`, earlier instant first: one on
/// an ordinary day, two in a fall-back night's repeated hour, none in the hour a spring-forward
/// change skips. Without a zone, `local` itself.
pub fn slot_stamps(local: NaiveDateTime, zone: Option<Tz>) -> Vec<LocalStamp> {
    let Some(z) = zone else {
        return vec![LocalStamp::naive(local)];
    };
    let at = |o: i32| LocalStamp {
        local,
        offset_secs: Some(o),
    };
    match z.from_local_datetime(&local) {
        LocalResult::Single(t) => vec![at(t.offset().fix().local_minus_utc())],
        LocalResult::Ambiguous(a, b) => vec![
            at(a.offset().fix().local_minus_utc()),
            at(b.offset().fix().local_minus_utc()),
        ],
        LocalResult::None => Vec::new(),
    }
}

/// The intervals of local calendar day `d`: from local midnight to the next, `interval` apart
/// in elapsed time. Without a zone every day has `per_day` intervals; in a zone with daylight
/// saving time a fall-back day has one hour more (its repeated hour twice, with two offsets)
/// and a spring-forward day one hour less.
pub fn day_intervals(d: NaiveDate, interval: IntervalLength, zone: Option<Tz>) -> Vec<LocalStamp> {
    let step = TimeDelta::seconds(i64::from(interval.seconds()));
    let midnight = d.and_time(chrono::NaiveTime::MIN);
    let Some(z) = zone else {
        return (0..interval.per_day())
            .map(|i| LocalStamp::naive(midnight + step * i as i32))
            .collect();
    };
    // Local midnight (or the first instant of the day when midnight itself is skipped), as UTC.
    let first_instant = |day: NaiveDate| {
        let mut t = day.and_time(chrono::NaiveTime::MIN);
        loop {
            match z.from_local_datetime(&t) {
                LocalResult::Single(l) | LocalResult::Ambiguous(l, _) => return l.naive_utc(),
                LocalResult::None => t += TimeDelta::minutes(15),
            }
        }
    };
    let (from, to) = (first_instant(d), first_instant(d + TimeDelta::days(1)));
    let mut out = Vec::new();
    let mut t = from;
    while t < to {
        let l = z.from_utc_datetime(&t);
        out.push(LocalStamp {
            local: l.naive_local(),
            offset_secs: Some(l.offset().fix().local_minus_utc()),
        });
        t += step;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny() -> Option<Tz> {
        Some("America/New_York".parse().unwrap())
    }

    #[test]
    fn us_days_have_46_48_and_50_half_hours() {
        let m30 = IntervalLength::from_minutes(30).unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let fall = day_intervals(d("1999-10-31"), m30, ny());
        assert_eq!(fall.len(), 50);
        assert_eq!(fall[2].to_rfc3339(), "1999-10-31T01:00:00-04:00");
        assert_eq!(fall[4].to_rfc3339(), "1999-10-31T01:00:00-05:00");
        assert_eq!(day_intervals(d("1999-04-04"), m30, ny()).len(), 46);
        assert_eq!(day_intervals(d("1999-04-05"), m30, ny()).len(), 48);
        assert_eq!(day_intervals(d("1999-04-04"), m30, None).len(), 48);
    }

    #[test]
    fn a_slot_is_one_two_or_no_interval() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap();
        let two = slot_stamps(t("1999-10-31T01:30:00"), ny());
        assert_eq!(
            two.iter().map(LocalStamp::to_rfc3339).collect::<Vec<_>>(),
            ["1999-10-31T01:30:00-04:00", "1999-10-31T01:30:00-05:00"]
        );
        assert!(two[0].utc() < two[1].utc());
        assert!(slot_stamps(t("1999-04-04T02:30:00"), ny()).is_empty());
        assert_eq!(slot_stamps(t("1999-04-04T03:00:00"), ny()).len(), 1);
        assert_eq!(
            slot_stamps(t("1999-04-04T02:30:00"), None)[0].to_rfc3339(),
            "1999-04-04T02:30:00"
        );
    }
}
