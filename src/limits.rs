//! Domain limits shared by every reader and stage (issue #16), in one place. A value outside is an
//! error that names where it came from (file, line, column, or the flag) and states the range —
//! never a silent 0, an overflow, a hang or an abort. Limits that belong to one stage live beside
//! it (`staffing::limits`, `forecast::MAX_HORIZON_DAYS`, `schedule::requirement::MAX_REQUIRED`,
//! `io::history::MAX_HISTORY_DAYS`); `docs/hardening.md` lists all of them in one table.

use chrono::{Datelike, NaiveDateTime};

/// First year of any timestamp read (1900-01-01).
pub const MIN_YEAR: i32 = 1900;
/// Last year of any timestamp read (2199-12-31). A stray row dated year 1 or 9999 grew every
/// dated axis to hundreds of thousands of days.
pub const MAX_YEAR: i32 = 2199;

/// The range of timestamps, as error messages state it.
pub const DATE_RANGE: &str = "dates 1900-01-01 … 2199-12-31";

/// `t` inside [`MIN_YEAR`] … [`MAX_YEAR`].
///
/// # Errors
/// What is expected, to be located by the caller.
pub fn check_date(t: NaiveDateTime) -> Result<NaiveDateTime, String> {
    if (MIN_YEAR..=MAX_YEAR).contains(&t.year()) {
        Ok(t)
    } else {
        Err(format!(
            "{t} is outside the supported {DATE_RANGE} (a stray date?)"
        ))
    }
}

/// Contacts (offered, answered, abandoned, …) of one queue × interval: a billion.
pub const MAX_CONTACTS: f64 = 1e9;

/// One call's wait, handle or after-call time, and any duration summed over one interval's
/// calls is bounded by [`MAX_CONTACTS`] × this: one day, in seconds.
pub const MAX_CALL_SECONDS: f64 = 86_400.0;

/// Agents (required, planned, scheduled, head count) in one interval or week: a million.
pub const MAX_AGENTS: f64 = 1e6;

/// Worker threads (`--threads`).
pub const MAX_THREADS: usize = 1024;

/// Simulation replications (`--reps`, `--sim-reps`, config `reps`).
pub const MAX_REPLICATIONS: usize = 100_000;

/// Simulated arrivals over all replications of one `wfm simulate` (mean offered × replications):
/// 20 million, about a minute of the release build. Beyond, fewer replications give the same
/// precision per interval.
pub const MAX_SIMULATED_CALLS: f64 = 2e7;

/// Rows of one ingested table (covered days × intervals per day × queues): 30 million, two
/// years of 100 queues at 5 minutes. A stray date or a log spread over decades made a table
/// of hundreds of millions of rows that took hours to write.
pub const MAX_OUTPUT_ROWS: u64 = 30_000_000;

/// Bootstrap resamples (`wfm calibrate --bootstrap`).
pub const MAX_BOOTSTRAP: usize = 100_000;

/// Money amounts (costs per hire, per class, per FTE-week, budgets): 1e12.
pub const MAX_MONEY: f64 = 1e12;

/// Paid hours (a schedule's `--budget`): a billion.
pub const MAX_HOURS: f64 = 1e9;

/// Wall-clock limits (`--time-limit`), seconds: one day.
pub const MAX_TIME_LIMIT_SECS: f64 = 86_400.0;

/// `v` finite and in `[lo, hi]`.
pub fn within(v: f64, lo: f64, hi: f64) -> bool {
    v.is_finite() && v >= lo && v <= hi
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    #[test]
    fn dates_outside_the_range_are_refused() {
        assert!(check_date(parse_timestamp("1899-12-31T23:30:00").unwrap()).is_err());
        assert!(check_date(parse_timestamp("1900-01-01T00:00:00").unwrap()).is_ok());
        assert!(check_date(parse_timestamp("2199-12-31T23:30:00").unwrap()).is_ok());
        assert!(check_date(parse_timestamp("2200-01-01T00:00:00").unwrap()).is_err());
        assert!(!within(f64::NAN, 0.0, 1.0));
        assert!(within(1.0, 0.0, 1.0));
    }
}
