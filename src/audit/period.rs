//! The audited calendar month.

use super::AuditError;
use crate::time::{Datelike, NaiveDate, NaiveDateTime};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    /// Parses `YYYY-MM`.
    ///
    /// # Errors
    /// [`AuditError::BadPeriod`].
    pub fn parse(text: &str) -> Result<Self, AuditError> {
        let bad = || AuditError::BadPeriod {
            text: text.to_string(),
        };
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if y.len() != 4 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Period { year, month })
    }
    /// The first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }
    /// The month before.
    pub fn previous(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
    /// True when `d` falls in this month.
    pub fn contains_date(self, d: NaiveDate) -> bool {
        d.year() == self.year && d.month() == self.month
    }
    /// True when `ts` falls in this month.
    pub fn contains(self, ts: NaiveDateTime) -> bool {
        self.contains_date(ts.date())
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Period {
    /// The month after.
    pub fn next(self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
    /// The month of `date`.
    pub fn of(date: NaiveDate) -> Period {
        Period {
            year: date.year(),
            month: date.month(),
        }
    }
    /// The `n` months ending with this one, oldest first.
    pub fn last_n(self, n: usize) -> Vec<Period> {
        let mut v = Vec::with_capacity(n);
        let mut m = self;
        for _ in 0..n {
            v.push(m);
            m = m.previous();
        }
        v.reverse();
        v
    }
}
