//! Shift rules: templates (paid length, start window and step, days, cost), breaks per template,
//! limits and the planning interval, read from a TOML file such as `models/shifts.toml`.
//!
//! Every length and offset is in whole minutes; the solver checks that they are multiples of the
//! planning interval. Validation happens once, in [`ShiftRules::from_toml_str`]; afterwards the
//! rules are immutable and every accessor is infallible (STYLE.md C2).

use std::path::Path;

use serde::Deserialize;

use super::ScheduleError;
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    schema_version: u32,
    interval: Option<String>,
    week_wraps: Option<bool>,
    operating_hours: Option<RawHours>,
    max_shifts_per_day: Option<u32>,
    #[serde(rename = "template")]
    templates: Vec<RawTemplate>,
    tours: Option<RawTours>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    open: String,
    close: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    name: String,
    length: String,
    start_earliest: Option<String>,
    start_latest: Option<String>,
    start_step: Option<String>,
    days: Option<Vec<String>>,
    cost_per_hour: Option<f64>,
    overnight: Option<bool>,
    max_per_day: Option<u32>,
    min_total: Option<u32>,
    max_total: Option<u32>,
    #[serde(rename = "break", default)]
    breaks: Vec<RawBreak>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreak {
    name: String,
    length: String,
    earliest: String,
    latest: String,
    paid: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTours {
    days_on: u32,
    consecutive_days_off: Option<bool>,
    min_weekly_hours: Option<f64>,
    max_weekly_hours: Option<f64>,
    min_rest: Option<String>,
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
    /// Reads and validates a shift-rules TOML file.
    ///
    /// # Errors
    /// [`ScheduleError::Table`] when the file cannot be read or is not valid TOML for this
    /// schema; [`ScheduleError::Rules`] naming the template and field of a bad value.
    pub fn from_path(path: &Path) -> Result<Self, ScheduleError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            ScheduleError::Table(crate::table::TableError::Io {
                path: path.to_path_buf(),
                source,
            })
        })?;
        Self::from_toml_str(&text, path)
    }

    /// Parses and validates rules from TOML text; `path` is used in messages only.
    ///
    /// # Errors
    /// As [`ShiftRules::from_path`].
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Self, ScheduleError> {
        let raw: RawRules = toml::from_str(text).map_err(|e| {
            ScheduleError::Table(crate::table::TableError::Toml {
                path: path.to_path_buf(),
                message: e.to_string(),
            })
        })?;
        let bad = |item: &str, field: &str, reason: String| ScheduleError::Rules {
            file: path.to_path_buf(),
            item: item.to_string(),
            field: field.to_string(),
            reason,
        };
        if raw.schema_version != 1 {
            return Err(bad(
                "rules",
                "schema_version",
                format!("expected 1, got {}", raw.schema_version),
            ));
        }
        let minutes = |item: &str, field: &str, text: &str| {
            parse_minutes(text).ok_or_else(|| {
                bad(
                    item,
                    field,
                    format!(
                        "expected a duration like 8h30m, 45m or a time like 08:30, got `{text}`"
                    ),
                )
            })
        };
        let interval = match &raw.interval {
            Some(t) => {
                let m = minutes("rules", "interval", t)?;
                Some(
                    IntervalLength::from_minutes(i64::from(m))
                        .map_err(|e| bad("rules", "interval", e.to_string()))?,
                )
            }
            None => None,
        };
        let operating_hours = match &raw.operating_hours {
            Some(h) => {
                let open = minutes("operating_hours", "open", &h.open)?;
                let close = minutes("operating_hours", "close", &h.close)?;
                if open >= close || close > 1440 {
                    return Err(bad(
                        "operating_hours",
                        "close",
                        format!(
                            "expected open < close ≤ 24:00, got {} – {}",
                            h.open, h.close
                        ),
                    ));
                }
                Some((open, close))
            }
            None => None,
        };
        if raw.templates.is_empty() {
            return Err(bad(
                "rules",
                "template",
                "expected at least one [[template]]".into(),
            ));
        }
        let mut templates = Vec::new();
        for rt in &raw.templates {
            let name = rt.name.as_str();
            if templates.iter().any(|t: &ShiftTemplate| t.name == name) {
                return Err(bad(name, "name", "duplicate template name".into()));
            }
            let length_min = minutes(name, "length", &rt.length)?;
            if length_min == 0 || length_min > 24 * 60 {
                return Err(bad(
                    name,
                    "length",
                    format!("expected (0, 24h], got {length_min} min"),
                ));
            }
            let start_earliest_min = match &rt.start_earliest {
                Some(t) => minutes(name, "start_earliest", t)?,
                None => 0,
            };
            let start_latest_min = match &rt.start_latest {
                Some(t) => minutes(name, "start_latest", t)?,
                None => 1439,
            };
            if start_earliest_min > start_latest_min || start_latest_min >= 1440 {
                return Err(bad(
                    name,
                    "start_latest",
                    format!(
                        "expected start_earliest ≤ start_latest < 24:00, got {start_earliest_min} and {start_latest_min} min"
                    ),
                ));
            }
            let start_step_min = match &rt.start_step {
                Some(t) => minutes(name, "start_step", t)?,
                None => 30,
            };
            if start_step_min == 0 {
                return Err(bad(name, "start_step", "expected > 0".into()));
            }
            let mut days = [rt.days.is_none(); 7];
            for d in rt.days.iter().flatten() {
                let i = DAY_NAMES
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(d.get(..3).unwrap_or(d)))
                    .ok_or_else(|| bad(name, "days", format!("unknown day `{d}` (use Sun…Sat)")))?;
                days[i] = true;
            }
            let cost_per_hour = rt.cost_per_hour.unwrap_or(1.0);
            if !(cost_per_hour.is_finite() && cost_per_hour > 0.0) {
                return Err(bad(
                    name,
                    "cost_per_hour",
                    format!("expected > 0, got {cost_per_hour}"),
                ));
            }
            let mut breaks: Vec<BreakRule> = Vec::new();
            for rb in &rt.breaks {
                let item = format!("{name}.{}", rb.name);
                let b = BreakRule {
                    name: rb.name.clone(),
                    length_min: minutes(&item, "length", &rb.length)?,
                    earliest_min: minutes(&item, "earliest", &rb.earliest)?,
                    latest_min: minutes(&item, "latest", &rb.latest)?,
                    paid: rb.paid,
                };
                if b.length_min == 0 || b.earliest_min > b.latest_min {
                    return Err(bad(
                        &item,
                        "latest",
                        "expected length > 0 and earliest ≤ latest".into(),
                    ));
                }
                if b.latest_min + b.length_min > length_min || b.earliest_min == 0 {
                    return Err(bad(
                        &item,
                        "latest",
                        format!(
                            "the break must lie inside the {length_min}-min shift, after its start"
                        ),
                    ));
                }
                if let Some(prev) = breaks.last() {
                    // Non-overlapping windows make the break types independent, which keeps
                    // the implicit (Bechtold–Jacobs) model exact; see `model.rs`.
                    if prev.latest_min + prev.length_min > b.earliest_min {
                        return Err(bad(
                            &item,
                            "earliest",
                            format!(
                                "break windows must be in time order without overlap: `{}` may end at {} min",
                                prev.name,
                                prev.latest_min + prev.length_min
                            ),
                        ));
                    }
                }
                breaks.push(b);
            }
            if let (Some(lo), Some(hi)) = (rt.min_total, rt.max_total) {
                if lo > hi {
                    return Err(bad(
                        name,
                        "min_total",
                        "expected min_total ≤ max_total".into(),
                    ));
                }
            }
            templates.push(ShiftTemplate {
                name: name.to_string(),
                length_min,
                start_earliest_min,
                start_latest_min,
                start_step_min,
                days,
                cost_per_hour,
                overnight: rt.overnight.unwrap_or(false),
                breaks,
                max_per_day: rt.max_per_day,
                min_total: rt.min_total,
                max_total: rt.max_total,
            });
        }
        let tours = match &raw.tours {
            Some(t) => {
                if !(1..=7).contains(&t.days_on) {
                    return Err(bad(
                        "tours",
                        "days_on",
                        format!("expected 1..=7, got {}", t.days_on),
                    ));
                }
                let min_weekly_hours = t.min_weekly_hours.unwrap_or(0.0);
                let max_weekly_hours = t.max_weekly_hours.unwrap_or(168.0);
                if !(0.0..=168.0).contains(&min_weekly_hours) || min_weekly_hours > max_weekly_hours
                {
                    return Err(bad(
                        "tours",
                        "min_weekly_hours",
                        "expected 0 ≤ min_weekly_hours ≤ max_weekly_hours ≤ 168".into(),
                    ));
                }
                Some(TourRules {
                    days_on: t.days_on,
                    consecutive_days_off: t.consecutive_days_off.unwrap_or(true),
                    min_weekly_hours,
                    max_weekly_hours,
                    min_rest_min: match &t.min_rest {
                        Some(r) => minutes("tours", "min_rest", r)?,
                        None => 0,
                    },
                })
            }
            None => None,
        };
        Ok(ShiftRules {
            interval,
            week_wraps: raw.week_wraps.unwrap_or(true),
            operating_hours,
            max_shifts_per_day: raw.max_shifts_per_day,
            templates,
            tours,
        })
    }

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

    #[test]
    fn rejects_overlapping_break_windows() {
        let text = r#"
schema_version = 1
[[template]]
name = "full"
length = "8h"
[[template.break]]
name = "a"
length = "15m"
earliest = "1h"
latest = "3h"
paid = true
[[template.break]]
name = "b"
length = "15m"
earliest = "3h"
latest = "5h"
paid = true
"#;
        let e = ShiftRules::from_toml_str(text, Path::new("x.toml")).unwrap_err();
        assert!(e.to_string().contains("full.b"), "{e}");
    }

    #[test]
    fn paid_hours_exclude_unpaid_breaks() {
        let text = r#"
schema_version = 1
[[template]]
name = "full"
length = "8h30m"
[[template.break]]
name = "lunch"
length = "30m"
earliest = "3h"
latest = "5h"
paid = false
"#;
        let r = ShiftRules::from_toml_str(text, Path::new("x.toml")).unwrap();
        assert_eq!(r.templates[0].paid_minutes(), 480);
        assert_eq!(r.templates[0].productive_minutes(), 480);
        assert!(r.templates[0].days.iter().all(|&d| d));
    }
}
