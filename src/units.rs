//! Quantities that cross module boundaries, as validated newtypes (STYLE.md C1/C2).
//!
//! Glossary used across the crate: AHT = average handle time (talk + hold + after-call work),
//! ASA = average speed of answer (mean wait of answered calls), SL = service level (share of
//! calls answered within a threshold), FTE = full-time equivalent.

use std::fmt;

/// A value outside the domain of a unit type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum UnitError {
    /// The value is NaN or infinite.
    #[error("{quantity}: expected a finite number, got {}", Shown(*.value))]
    NotFinite {
        /// Which quantity.
        quantity: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The value is outside the allowed range.
    #[error("{quantity}: expected a value in {range}, got {}", Shown(*.value))]
    OutOfRange {
        /// Which quantity.
        quantity: &'static str,
        /// The allowed range, human readable.
        range: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The interval length is not one of the supported lengths.
    #[error("interval length: expected one of 5, 6, 10, 15, 30, 60 minutes, got {minutes} min")]
    UnsupportedInterval {
        /// The offending length in minutes.
        minutes: i64,
    },
    /// A duration string such as `30m`, `7d` or `1h` could not be parsed.
    #[error("duration `{text}`: expected a number followed by s, m, h, d or w (e.g. 30m, 7d)")]
    BadDuration {
        /// The offending text.
        text: String,
    },
}

/// A number as error messages show it: plain when it reads well, in scientific notation when
/// it would take more than a dozen digits (`1e308`, not a 309-digit integer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shown(pub f64);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.is_finite() && v != 0.0 && (v.abs() >= 1e12 || v.abs() < 1e-6) {
            write!(f, "{v:e}")
        } else {
            write!(f, "{v}")
        }
    }
}

fn finite(quantity: &'static str, v: f64) -> Result<f64, UnitError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(UnitError::NotFinite { quantity, value: v })
    }
}

/// A duration in seconds (≥ 0): handle times, waits, answer-time targets.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Secs(f64);

impl Secs {
    /// A non-negative, finite number of seconds.
    ///
    /// # Errors
    /// [`UnitError`] when `v` is negative, NaN or infinite.
    pub fn new(v: f64) -> Result<Self, UnitError> {
        let v = finite("seconds", v)?;
        if v < 0.0 {
            return Err(UnitError::OutOfRange {
                quantity: "seconds",
                range: "[0, ∞)",
                value: v,
            });
        }
        Ok(Secs(v))
    }
    /// The number of seconds.
    pub fn value(self) -> f64 {
        self.0
    }
}

/// Offered load in Erlangs: `A = λ · AHT` (arrival rate × average handle time).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Erlangs(f64);

impl Erlangs {
    /// A non-negative, finite load.
    ///
    /// # Errors
    /// [`UnitError`] when `v` is negative, NaN or infinite.
    pub fn new(v: f64) -> Result<Self, UnitError> {
        let v = finite("offered load (Erlangs)", v)?;
        if v < 0.0 {
            return Err(UnitError::OutOfRange {
                quantity: "offered load (Erlangs)",
                range: "[0, ∞)",
                value: v,
            });
        }
        Ok(Erlangs(v))
    }
    /// Offered load of `calls` arriving in an interval of `interval` with average handle time `aht`.
    pub fn from_calls(calls: f64, aht: Secs, interval: Secs) -> Result<Self, UnitError> {
        Erlangs::new(calls * aht.value() / interval.value())
    }
    /// The load in Erlangs.
    pub fn value(self) -> f64 {
        self.0
    }
}

/// A fraction in `[0, 1]`: service-level targets, shrinkage, occupancy caps, probabilities.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Fraction(f64);

impl Fraction {
    /// A finite value in `[0, 1]`.
    ///
    /// # Errors
    /// [`UnitError`] when `v` is outside `[0, 1]`, NaN or infinite.
    pub fn new(v: f64) -> Result<Self, UnitError> {
        let v = finite("fraction", v)?;
        if !(0.0..=1.0).contains(&v) {
            return Err(UnitError::OutOfRange {
                quantity: "fraction",
                range: "[0, 1]",
                value: v,
            });
        }
        Ok(Fraction(v))
    }
    /// The fraction.
    pub fn value(self) -> f64 {
        self.0
    }
}

/// The length of one interval of a grid. Only lengths that divide a day into whole intervals and
/// that WFM exports use are allowed: 5, 6, 10, 15, 30 and 60 minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IntervalLength {
    minutes: u32,
}

impl IntervalLength {
    /// The supported lengths in minutes.
    pub const SUPPORTED: [u32; 6] = [5, 6, 10, 15, 30, 60];

    /// An interval length of `minutes` minutes.
    ///
    /// # Errors
    /// [`UnitError::UnsupportedInterval`] for any length not in [`IntervalLength::SUPPORTED`].
    pub fn from_minutes(minutes: i64) -> Result<Self, UnitError> {
        if Self::SUPPORTED.iter().any(|&m| i64::from(m) == minutes) {
            Ok(IntervalLength {
                minutes: minutes as u32,
            })
        } else {
            Err(UnitError::UnsupportedInterval { minutes })
        }
    }
    /// Length in minutes.
    pub fn minutes(self) -> u32 {
        self.minutes
    }
    /// Length in seconds.
    pub fn seconds(self) -> u32 {
        self.minutes * 60
    }
    /// Length as [`Secs`].
    pub fn secs(self) -> Secs {
        Secs(f64::from(self.seconds()))
    }
    /// Number of intervals in a day.
    pub fn per_day(self) -> usize {
        (1440 / self.minutes) as usize
    }
    /// As a chrono duration.
    pub fn duration(self) -> chrono::TimeDelta {
        chrono::TimeDelta::minutes(i64::from(self.minutes))
    }
}

impl fmt::Display for IntervalLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}m", self.minutes)
    }
}

impl std::str::FromStr for IntervalLength {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let secs = parse_duration_secs(s)?;
        if secs % 60 != 0 {
            return Err(UnitError::UnsupportedInterval { minutes: secs / 60 });
        }
        IntervalLength::from_minutes(secs / 60)
    }
}

/// Parses a duration such as `20s`, `30m`, `1h`, `7d`, `2w` (a bare number is seconds) into seconds.
///
/// # Errors
/// [`UnitError::BadDuration`] when the text is not a non-negative integer with one of those suffixes.
pub fn parse_duration_secs(text: &str) -> Result<i64, UnitError> {
    let t = text.trim();
    let bad = || UnitError::BadDuration {
        text: text.to_string(),
    };
    let (num, mult) = match t.char_indices().last() {
        Some((i, 's')) => (&t[..i], 1),
        Some((i, 'm')) => (&t[..i], 60),
        Some((i, 'h')) => (&t[..i], 3600),
        Some((i, 'd')) => (&t[..i], 86_400),
        Some((i, 'w')) => (&t[..i], 604_800),
        Some(_) => (t, 1),
        None => return Err(bad()),
    };
    let n: i64 = num.trim().parse().map_err(|_| bad())?;
    if n < 0 {
        return Err(bad());
    }
    n.checked_mul(mult).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fraction_rejects_out_of_range() {
        assert!(Fraction::new(1.5).is_err());
        assert!(Fraction::new(f64::NAN).is_err());
        assert_eq!(Fraction::new(0.3).unwrap().value(), 0.3);
    }

    #[test]
    fn interval_lengths() {
        assert_eq!("30m".parse::<IntervalLength>().unwrap().minutes(), 30);
        assert_eq!("1h".parse::<IntervalLength>().unwrap().per_day(), 24);
        assert!("7m".parse::<IntervalLength>().is_err());
        assert!("x".parse::<IntervalLength>().is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_secs("7d").unwrap(), 604_800);
        assert_eq!(parse_duration_secs("20").unwrap(), 20);
        assert!(parse_duration_secs("-3s").is_err());
    }
}
