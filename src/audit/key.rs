//! The audit's vocabulary as types: the scope of a KPI, the measure and the grouping of a
//! forecast-accuracy row. Their text forms (`all`, `volume`, `weekday_interval`, …) are the
//! output's and are written once, here.

use std::fmt;

/// What a KPI covers: the whole center, one queue, or an agent pool (skill group) of queues.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Every queue pooled (`all`).
    All,
    /// One queue.
    Queue(String),
    /// The queues one agent pool serves (`wfm calibrate`'s `[[pools]]`, `wfm audit --pools`).
    Pool {
        /// The text form, `pool:NAME` (apart from queue names: a dedicated pool is named
        /// after its queue).
        label: String,
        /// Its queues.
        queues: Vec<String>,
    },
}

impl Scope {
    /// The pool `name` of `queues`.
    pub fn pool(name: &str, queues: Vec<String>) -> Scope {
        Scope::Pool {
            label: format!("pool:{name}"),
            queues,
        }
    }
    /// The text form: `all`, the queue's name or `pool:NAME`.
    pub fn as_str(&self) -> &str {
        match self {
            Scope::All => "all",
            Scope::Queue(q) => q,
            Scope::Pool { label, .. } => label,
        }
    }
    /// The queue, for a queue scope.
    pub fn queue(&self) -> Option<&str> {
        match self {
            Scope::Queue(q) => Some(q),
            _ => None,
        }
    }
    /// The pool's name (without `pool:`), for a pool scope.
    pub fn pool_name(&self) -> Option<&str> {
        match self {
            Scope::Pool { label, .. } => Some(label.trim_start_matches("pool:")),
            _ => None,
        }
    }
    /// Whether a row of `queue` belongs to this scope.
    pub fn contains(&self, queue: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Queue(q) => q == queue,
            Scope::Pool { queues, .. } => queues.iter().any(|q| q == queue),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Scope {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What a forecast-accuracy row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    /// Offered calls.
    Volume,
    /// Average handle time (pairs weighted by answered calls).
    Aht,
}

impl Measure {
    /// The text form (`volume`, `aht`).
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Volume => "volume",
            Measure::Aht => "aht",
        }
    }
}

/// How forecast-accuracy pairs are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grouping {
    /// Every pair.
    Total,
    /// Per queue.
    Queue,
    /// Per agent pool (`pool:NAME`), when pools are given.
    Pool,
    /// Per date.
    Day,
    /// Per weekday.
    Weekday,
    /// Per weekday × time of day.
    WeekdayInterval,
}

impl Grouping {
    /// Every grouping, in output order.
    pub const ALL: [Grouping; 6] = [
        Grouping::Total,
        Grouping::Queue,
        Grouping::Pool,
        Grouping::Day,
        Grouping::Weekday,
        Grouping::WeekdayInterval,
    ];
    /// The text form (`total`, `queue`, `pool`, `day`, `weekday`, `weekday_interval`).
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Total => "total",
            Grouping::Queue => "queue",
            Grouping::Pool => "pool",
            Grouping::Day => "day",
            Grouping::Weekday => "weekday",
            Grouping::WeekdayInterval => "weekday_interval",
        }
    }
}

macro_rules! text_eq {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}
text_eq!(Measure);
text_eq!(Grouping);

/// Weekday names, 0 = Sunday.
pub const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
