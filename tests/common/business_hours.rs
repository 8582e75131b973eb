//! The weekday, business-hours series derived from the VRU arrivals (shared by the forecast
//! target tests): weekdays 07:00–21:00 only, and 12 days dropped by a fixed linear
//! congruential sequence (no tuning).

use std::path::Path;

use wfm::table::CsvInput;
use wfm::time::{parse_timestamp, Datelike, Timelike};

/// A weekday-only (Mon–Fri), 07:00–21:00 center with 12 missing days: the VRU series with the
/// other rows removed, written as CSV so that the loader sees omitted intervals and days.
pub(crate) fn business_hours_csv(vru: &str) -> (Vec<u8>, usize) {
    let input = CsvInput::read(Path::new(vru)).unwrap();
    let (ts, vol) = (
        input.column("interval_start").unwrap(),
        input.column("offered").unwrap(),
    );
    // Missing days: a fixed linear congruential sequence over the 273 days (no tuning).
    let mut state: u64 = 12345;
    let mut missing = std::collections::BTreeSet::new();
    while missing.len() < 12 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        missing.insert((state >> 33) % 273);
    }
    let start = parse_timestamp("1999-01-01").unwrap().date();
    let dropped_weekdays = missing
        .iter()
        .filter(|&&d| {
            (start + chrono::TimeDelta::days(d as i64))
                .weekday()
                .number_from_monday()
                <= 5
        })
        .count();
    let mut out = b"interval_start,queue,offered\n".to_vec();
    for r in 0..input.len() {
        let t = input.timestamp(r, ts).unwrap();
        let day = (t.date() - start).num_days() as u64;
        if t.weekday().number_from_monday() > 5
            || !(7..21).contains(&t.hour())
            || missing.contains(&day)
        {
            continue;
        }
        out.extend(format!("{},BH,{}\n", input.text(r, ts), input.text(r, vol)).as_bytes());
    }
    (out, dropped_weekdays)
}
