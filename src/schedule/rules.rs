//! Shift rules: templates (paid length, start window and step, days, cost), breaks per template,
//! limits and the planning interval, read from a TOML file such as `models/shifts.toml`.
//!
//! Every length and offset is in whole minutes; the solver checks that they are multiples of the
//! planning interval. Validation happens once, where the rules are read (`crate::io::schedule`); afterwards the
//! rules are immutable and every accessor is infallible (STYLE.md C2).

use crate::units::IntervalLength;

/// Day names, index 0 = Sunday (the convention of `requirement_week.csv` and [`crate::time::weekday_sun0`]).
pub const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// One break inside a shift template.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakRule {
    /// Name shown in the plan (`lunch`, `break1`).
    pub name: String,
    /// Length in minutes.
    pub length_min: u32,
    /// Earliest start of the break, minutes after the shift start.
    pub earliest_min: u32,
    /// Latest start of the break, minutes after the shift start.
    pub latest_min: u32,
    /// Whether the break is paid (counts in paid hours and cost).
    pub paid: bool,
}

/// A shift template: which shifts may be planned.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftTemplate {
    /// Template name (unique).
    pub name: String,
    /// Span from start to end, minutes, breaks included.
    pub length_min: u32,
    /// Earliest start, minutes after midnight.
    pub start_earliest_min: u32,
    /// Latest start, minutes after midnight (inclusive).
    pub start_latest_min: u32,
    /// Step between allowed starts, minutes.
    pub start_step_min: u32,
    /// Weekdays on which the shift may start, index 0 = Sunday.
    pub days: [bool; 7],
    /// Cost per paid hour (1.0 makes cost = paid agent-hours).
    pub cost_per_hour: f64,
    /// Whether the shift may end after midnight of its start day.
    pub overnight: bool,
    /// Breaks, in time order, with windows that do not overlap.
    pub breaks: Vec<BreakRule>,
    /// At most this many shifts of this template start on one day.
    pub max_per_day: Option<u32>,
    /// At least this many shifts of this template over the horizon.
    pub min_total: Option<u32>,
    /// At most this many shifts of this template over the horizon.
    pub max_total: Option<u32>,
}

impl ShiftTemplate {
    /// Paid minutes of one shift: the span less its unpaid breaks.
    pub fn paid_minutes(&self) -> u32 {
        self.length_min
            - self
                .breaks
                .iter()
                .filter(|b| !b.paid)
                .map(|b| b.length_min)
                .sum::<u32>()
    }
    /// Paid hours of one shift.
    pub fn paid_hours(&self) -> f64 {
        f64::from(self.paid_minutes()) / 60.0
    }
    /// Cost of one shift: paid hours × cost per hour.
    pub fn cost(&self) -> f64 {
        self.paid_hours() * self.cost_per_hour
    }
    /// Minutes on the phones: the span less every break.
    pub fn productive_minutes(&self) -> u32 {
        self.length_min - self.breaks.iter().map(|b| b.length_min).sum::<u32>()
    }
}

/// Weekly tour rules: days-off patterns, weekly paid-hours limits, minimum rest.
#[derive(Debug, Clone, PartialEq)]
pub struct TourRules {
    /// Days worked per week (e.g. 5 for "5 on, 2 off").
    pub days_on: u32,
    /// Whether the days off must be consecutive (cyclically: Sat + Sun counts).
    pub consecutive_days_off: bool,
    /// Minimum weekly paid hours of one tour.
    pub min_weekly_hours: f64,
    /// Maximum weekly paid hours of one tour.
    pub max_weekly_hours: f64,
    /// Minimum rest between the end of one shift and the start of the next, minutes.
    pub min_rest_min: u32,
}

/// Validated shift rules.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftRules {
    /// Planning interval; `None` = the requirement's own interval.
    pub interval: Option<IntervalLength>,
    /// Whether a 7-day horizon is planned as a repeating week (overnight shifts of the last day
    /// cover the first morning). Default `true`.
    pub week_wraps: bool,
    /// Operating hours `[open, close)` in minutes after midnight: requirement outside is dropped
    /// and shifts must lie inside. `None` = open around the clock.
    pub operating_hours: Option<(u32, u32)>,
    /// At most this many shifts start on one day, all templates together ("agents available").
    pub max_shifts_per_day: Option<u32>,
    /// Shift templates.
    pub templates: Vec<ShiftTemplate>,
    /// Weekly tour rules, when tours are planned.
    pub tours: Option<TourRules>,
}

/// Parses a duration in minutes: `8h30m`, `8h`, `45m`, `90` (minutes) or a clock time `08:30`.
pub(crate) fn parse_minutes(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Some((h, m)) = t.split_once(':') {
        let h: u32 = h.parse().ok()?;
        let m: u32 = m.parse().ok()?;
        return (m < 60).then_some(h * 60 + m);
    }
    if let Ok(m) = t.parse::<u32>() {
        return Some(m);
    }
    let mut total = 0u32;
    let mut num = String::new();
    let mut seen = false;
    for c in t.chars() {
        match c {
            '0'..='9' => num.push(c),
            'h' | 'm' if !num.is_empty() => {
                let v: u32 = num.parse().ok()?;
                total += if c == 'h' { v * 60 } else { v };
                num.clear();
                seen = true;
            }
            _ => return None,
        }
    }
    (seen && num.is_empty()).then_some(total)
}

impl ShiftRules {
    /// A copy without breaks and with overnight shifts forbidden (the baseline against which
    /// the report prices breaks and overnight shifts). See [`ShiftRules::without_breaks`].
    pub fn without_breaks_or_overnight(&self) -> Self {
        let mut r = self.without_breaks();
        for t in &mut r.templates {
            t.overnight = false;
        }
        r
    }

    /// A copy without breaks: each template keeps its paid hours and cost, and its span shrinks
    /// by the unpaid breaks (an 8h30m shift with a 30-min unpaid lunch becomes a plain 8-h shift).
    pub fn without_breaks(&self) -> Self {
        let mut r = self.clone();
        for t in &mut r.templates {
            t.length_min = t.paid_minutes();
            t.breaks.clear();
        }
        r
    }

    /// A copy with overnight shifts forbidden.
    pub fn without_overnight(&self) -> Self {
        let mut r = self.clone();
        for t in &mut r.templates {
            t.overnight = false;
        }
        r
    }

    /// A copy with the planning interval replaced.
    pub fn with_interval(mut self, interval: IntervalLength) -> Self {
        self.interval = Some(interval);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations() {
        assert_eq!(parse_minutes("8h30m"), Some(510));
        assert_eq!(parse_minutes("8h"), Some(480));
        assert_eq!(parse_minutes("45m"), Some(45));
        assert_eq!(parse_minutes("08:30"), Some(510));
        assert_eq!(parse_minutes("90"), Some(90));
        assert_eq!(parse_minutes("8x"), None);
        assert_eq!(parse_minutes("h"), None);
    }
}
