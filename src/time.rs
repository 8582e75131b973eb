//! Timestamps: ISO 8601 naive local wall-clock times, the way WFM exports write them.
//!
//! All timestamps in `wfm` are naive (no time zone): an interval starting at `1999-01-01T07:00:00`
//! is the 07:00 slot of the center's local clock. Output is always `YYYY-MM-DDTHH:MM:SS`.

pub use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};

/// The output format of every timestamp `wfm` writes.
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// Parses `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD HH:MM:SS`, the same without seconds, or a bare
/// `YYYY-MM-DD` (midnight). Returns `None` for anything else.
pub fn parse_timestamp(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(ts) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(ts);
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// Parses a date `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// Formats a timestamp as `YYYY-MM-DDTHH:MM:SS`.
pub fn format_timestamp(ts: NaiveDateTime) -> String {
    ts.format(TIMESTAMP_FORMAT).to_string()
}

/// Seconds since midnight of the timestamp's day.
pub fn seconds_of_day(ts: NaiveDateTime) -> u32 {
    ts.time().num_seconds_from_midnight()
}

/// Day of week as 0 = Sunday … 6 = Saturday (the convention of the anonbank center and of
/// `requirement_week.csv`).
pub fn weekday_sun0(d: NaiveDate) -> usize {
    d.weekday().num_days_from_sunday() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let a = parse_timestamp("1999-01-01T07:30:00").unwrap();
        assert_eq!(parse_timestamp("1999-01-01 07:30").unwrap(), a);
        assert_eq!(format_timestamp(a), "1999-01-01T07:30:00");
        assert_eq!(
            parse_timestamp("1999-01-01").unwrap(),
            a.date().and_hms_opt(0, 0, 0).unwrap()
        );
        assert!(parse_timestamp("01/01/1999").is_none());
        assert_eq!(weekday_sun0(parse_date("1999-01-03").unwrap()), 0);
    }
}
