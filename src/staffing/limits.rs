//! The domain of every staffing quantity, in one place (`docs/hardening.md` lists them with the
//! other limits of the crate). A value outside its domain is an error that states the domain —
//! never a silently wrong staffing:
//!
//! - an SL target of 100 %, an ASA target of 0 s or an abandon target of 0 cannot be met by any
//!   finite staffing (the Erlang C SL only tends to 1 as `N → ∞`; every Erlang A queue loses
//!   some callers), yet floating-point rounding "meets" them at a few hundred agents;
//! - the Erlang code is exact up to [`MAX_LOAD_ERLANGS`] (the Erlang B recursion and the agent
//!   search count agents in `u32`; beyond ~4.3e9 Erlangs the count wrapped to 0 agents);
//! - the Erlang A series costs `O(load · patience / AHT)` terms in overload, so patience and AHT
//!   are bounded by a day ([`MAX_DURATION_SECS`]): a patience of 1e308 s looped for ever.

use super::StaffingError;

/// The largest offered load (Erlangs) of one queue × interval: 1,000,000 agents busy at once,
/// ~100 times the largest contact center. Erlang B/C/A are exact up to it (the search limit
/// `2A + 60√A + 1000` stays far below `u32::MAX`).
pub const MAX_LOAD_ERLANGS: f64 = 1e6;

/// Largest handle time and mean patience: one day, in seconds.
pub const MAX_DURATION_SECS: f64 = crate::limits::MAX_CALL_SECONDS;

/// Largest SL answer-time threshold and ASA target: one hour, in seconds (the `--sl` flag's
/// range; a longer answer time is an async SLA window, `sla = "8h"`).
pub const MAX_ANSWER_SECS: f64 = 3_600.0;

/// Largest number of contacts offered in one queue × interval (a billion).
pub const MAX_OFFERED: f64 = crate::limits::MAX_CONTACTS;

/// One staffing setting outside its domain: which setting (its config key), the value and the
/// allowed range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutOfDomain {
    /// The config key (`sl_target`, `asa_seconds`, …).
    pub key: &'static str,
    /// The offending value.
    pub value: f64,
    /// The allowed range, human readable.
    pub range: &'static str,
}

impl OutOfDomain {
    /// As a [`StaffingError::InvalidParameter`] (no file or flag to name).
    pub fn into_error(self) -> StaffingError {
        StaffingError::InvalidParameter {
            name: self.key,
            value: self.value,
            range: self.range,
        }
    }
}

/// The domain of each numeric setting: `(key, range text, test)`.
type Domain = (&'static str, &'static str, fn(f64) -> bool);

/// SL target: a fraction in (0, 1); 0 means "no SL target" (config files only).
pub const SL_TARGET: Domain = ("sl_target", "0 (none) or (0, 1)", |v| {
    v == 0.0 || (v > 0.0 && v < 1.0)
});
/// SL answer-time threshold, seconds.
pub const SL_SECONDS: Domain = ("sl_seconds", "(0, 3600] seconds", |v| {
    v > 0.0 && v <= MAX_ANSWER_SECS
});
/// ASA target, seconds.
pub const ASA_SECONDS: Domain = ("asa_seconds", "(0, 3600] seconds", |v| {
    v > 0.0 && v <= MAX_ANSWER_SECS
});
/// Abandon-rate target.
pub const MAX_ABANDON: Domain = ("max_abandon", "(0, 1)", |v| v > 0.0 && v < 1.0);
/// Erlang A mean patience, seconds.
pub const PATIENCE_SECONDS: Domain = ("patience_seconds", "(0, 86400] seconds", |v| {
    v > 0.0 && v <= MAX_DURATION_SECS
});
/// Occupancy cap.
pub const MAX_OCCUPANCY: Domain = ("max_occupancy", "(0, 1]", |v| v > 0.0 && v <= 1.0);

/// Sessions one agent works at once (chat): 1 to 1000 (beyond, every AHT rounds to nothing and
/// a queue needs no agent).
pub const CONCURRENCY: Domain = ("concurrency", "[1, 1000]", |v| (1.0..=1000.0).contains(&v));
/// Paid hours of one FTE per day.
pub const HOURS_PER_FTE_DAY: Domain = ("hours_per_day", "(0, 24] hours", |v| v > 0.0 && v <= 24.0);
/// Paid hours of one FTE per week.
pub const HOURS_PER_FTE_WEEK: Domain = ("hours_per_week", "(0, 168] hours", |v| {
    v > 0.0 && v <= 168.0
});

/// `v` against `domain`.
///
/// # Errors
/// [`OutOfDomain`] when `v` is outside (NaN is outside every domain).
pub fn check(domain: Domain, v: f64) -> Result<f64, OutOfDomain> {
    let (key, range, ok) = domain;
    if v.is_finite() && ok(v) {
        Ok(v)
    } else {
        Err(OutOfDomain {
            key,
            value: v,
            range,
        })
    }
}

/// The offered load of one interval against [`MAX_LOAD_ERLANGS`].
///
/// # Errors
/// [`StaffingError::InvalidParameter`] above it (or not finite).
pub fn check_load(load: f64) -> Result<(), StaffingError> {
    if load.is_finite() && (0.0..=MAX_LOAD_ERLANGS).contains(&load) {
        Ok(())
    } else {
        Err(StaffingError::InvalidParameter {
            name: "offered load (Erlangs = offered × AHT ÷ concurrency ÷ interval seconds)",
            value: load,
            range: "[0, 1e6] (the largest load the Erlang code handles exactly)",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreachable_targets_are_outside_their_domain() {
        assert!(check(SL_TARGET, 1.0).is_err());
        assert!(check(SL_TARGET, 0.0).is_ok());
        assert!(check(SL_TARGET, 0.999).is_ok());
        assert!(check(ASA_SECONDS, 0.0).is_err());
        assert!(check(MAX_ABANDON, 0.0).is_err());
        assert!(check(PATIENCE_SECONDS, 1e308).is_err());
        assert!(check(SL_SECONDS, f64::NAN).is_err());
        assert_eq!(check(MAX_ABANDON, 0.0).unwrap_err().range, "(0, 1)");
        assert!(check_load(4.3e9).is_err());
        assert!(check_load(1e6).is_ok());
    }
}
