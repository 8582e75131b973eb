//! Where a what-if applies: some queues, a date range, some weekdays, some times of day. A row
//! (queue × interval start) is in scope when every given restriction admits it; an empty
//! restriction admits everything.

use crate::time::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// Weekday names as written in scenario files, Monday first (`Mon` … `Sun`).
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The part of the demand and of the plan a scenario changes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    /// Queues (none: every queue).
    pub queues: Vec<String>,
    /// First date, inclusive.
    pub from: Option<NaiveDate>,
    /// Last date, inclusive.
    pub to: Option<NaiveDate>,
    /// Weekdays, Monday = 0 (none: every day).
    pub weekdays: Vec<u32>,
    /// Times of day as `[start, end)` minutes after midnight; `end < start` wraps past midnight
    /// (none: the whole day). An interval is in when its start is.
    pub intervals: Vec<(u32, u32)>,
}

impl Scope {
    /// True when nothing is restricted.
    pub fn is_everything(&self) -> bool {
        self.queues.is_empty() && !self.restricts_time()
    }

    /// True when the dates, weekdays or times of day are restricted.
    pub fn restricts_time(&self) -> bool {
        self.from.is_some()
            || self.to.is_some()
            || !self.weekdays.is_empty()
            || !self.intervals.is_empty()
    }

    /// Whether `queue` is in scope.
    pub fn has_queue(&self, queue: &str) -> bool {
        self.queues.is_empty() || self.queues.iter().any(|q| q == queue)
    }

    /// Whether an interval starting at `t` is in scope (dates, weekdays, times of day).
    pub fn has_time(&self, t: NaiveDateTime) -> bool {
        let d = t.date();
        if self.from.is_some_and(|f| d < f) || self.to.is_some_and(|l| d > l) {
            return false;
        }
        if !self.weekdays.is_empty() && !self.weekdays.contains(&d.weekday().num_days_from_monday())
        {
            return false;
        }
        let m = t.hour() * 60 + t.minute();
        self.intervals.is_empty()
            || self.intervals.iter().any(|&(a, b)| {
                if a <= b {
                    (a..b).contains(&m)
                } else {
                    m >= a || m < b
                }
            })
    }

    /// Whether the row `queue` × `t` is in scope.
    pub fn contains(&self, queue: &str, t: NaiveDateTime) -> bool {
        self.has_queue(queue) && self.has_time(t)
    }

    /// The scope in words: `PS; Mon; 1999-02-01 … 1999-02-28; 09:00–12:00`, or `all`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.queues.is_empty() {
            parts.push(self.queues.join(", "));
        }
        if !self.weekdays.is_empty() {
            let w: Vec<&str> = self
                .weekdays
                .iter()
                .map(|&d| WEEKDAYS[d as usize % 7])
                .collect();
            parts.push(w.join(", "));
        }
        match (self.from, self.to) {
            (Some(a), Some(b)) if a == b => parts.push(a.to_string()),
            (Some(a), Some(b)) => parts.push(format!("{a} … {b}")),
            (Some(a), None) => parts.push(format!("from {a}")),
            (None, Some(b)) => parts.push(format!("to {b}")),
            (None, None) => {}
        }
        if !self.intervals.is_empty() {
            let clock = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
            let w: Vec<String> = self
                .intervals
                .iter()
                .map(|&(a, b)| format!("{}–{}", clock(a), clock(b)))
                .collect();
            parts.push(w.join(", "));
        }
        if parts.is_empty() {
            "all".into()
        } else {
            parts.join("; ")
        }
    }
}

/// A weekday name (`Mon`, `monday`, `MON`) → Monday = 0.
pub fn parse_weekday(text: &str) -> Option<u32> {
    let t = text.trim().to_ascii_lowercase();
    if t.len() < 3 {
        return None;
    }
    const FULL: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    FULL.iter()
        .position(|f| f.starts_with(&t))
        .map(|i| i as u32)
}

/// A time-of-day range `09:00-12:00` (`–` allowed; `24:00` ends at midnight) → minutes.
pub fn parse_time_range(text: &str) -> Option<(u32, u32)> {
    let (a, b) = text.split_once(['-', '–'])?;
    let clock = |s: &str| -> Option<u32> {
        let (h, m) = s.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    let (a, b) = (clock(a)?, clock(b)?);
    (a != b && a < 1440).then_some((a, b % 1440))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    #[test]
    fn restrictions_combine() {
        let s = Scope {
            queues: vec!["PS".into()],
            weekdays: vec![0],
            intervals: vec![parse_time_range("09:00-12:00").unwrap()],
            ..Scope::default()
        };
        // 1999-02-08 is a Monday
        let mon9 = parse_timestamp("1999-02-08T09:00:00").unwrap();
        let mon12 = parse_timestamp("1999-02-08T12:00:00").unwrap();
        let tue9 = parse_timestamp("1999-02-09T09:00:00").unwrap();
        assert!(s.contains("PS", mon9));
        assert!(!s.contains("PE", mon9));
        assert!(!s.contains("PS", mon12));
        assert!(!s.contains("PS", tue9));
        assert_eq!(s.describe(), "PS; Mon; 09:00–12:00");
        let night = Scope {
            intervals: vec![parse_time_range("22:00-02:00").unwrap()],
            ..Scope::default()
        };
        assert!(night.has_time(parse_timestamp("1999-02-08T23:30:00").unwrap()));
        assert!(night.has_time(parse_timestamp("1999-02-08T01:30:00").unwrap()));
        assert!(!night.has_time(parse_timestamp("1999-02-08T02:00:00").unwrap()));
        assert!(Scope::default().is_everything());
    }

    #[test]
    fn names_and_ranges_parse() {
        assert_eq!(parse_weekday("Mon"), Some(0));
        assert_eq!(parse_weekday("sunday"), Some(6));
        assert_eq!(parse_weekday("Mo"), None);
        assert_eq!(parse_weekday("Xyz"), None);
        assert_eq!(parse_time_range("09:00-24:00"), Some((540, 0)));
        assert_eq!(parse_time_range("9:00"), None);
        assert_eq!(parse_time_range("09:00-09:00"), None);
        assert_eq!(parse_time_range("25:00-26:00"), None);
    }
}
