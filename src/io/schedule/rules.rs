//! Reading shift rules (`wfm schedule --shifts models/shifts.toml`): the TOML schema, parsed and
//! validated section by section — the top-level keys, `[operating_hours]`, each
//! `[[template]]` with its `[[template.break]]`s, and `[tours]`. Every bad value is a
//! [`ScheduleError::Rules`] naming the file, the template (or section) and the field.

use std::path::Path;

use serde::Deserialize;

use crate::schedule::rules::{parse_minutes, DAY_NAMES};
use crate::schedule::{BreakRule, ScheduleError, ShiftRules, ShiftTemplate, TourRules};
use crate::units::IntervalLength;

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

/// Builds the errors of one rules file and parses its durations.
struct Fields<'a> {
    path: &'a Path,
}

impl Fields<'_> {
    fn bad(&self, item: &str, field: &str, reason: String) -> ScheduleError {
        ScheduleError::Rules {
            file: self.path.to_path_buf(),
            item: item.to_string(),
            field: field.to_string(),
            reason,
        }
    }

    fn minutes(&self, item: &str, field: &str, text: &str) -> Result<u32, ScheduleError> {
        parse_minutes(text).ok_or_else(|| {
            self.bad(
                item,
                field,
                format!("expected a duration like 8h30m, 45m or a time like 08:30, got `{text}`"),
            )
        })
    }

    /// The optional top-level `interval`.
    fn interval(&self, text: Option<&String>) -> Result<Option<IntervalLength>, ScheduleError> {
        match text {
            Some(t) => {
                let m = self.minutes("rules", "interval", t)?;
                Ok(Some(IntervalLength::from_minutes(i64::from(m)).map_err(
                    |e| self.bad("rules", "interval", e.to_string()),
                )?))
            }
            None => Ok(None),
        }
    }

    /// `[operating_hours]`: `open < close ≤ 24:00`.
    fn operating_hours(&self, h: Option<&RawHours>) -> Result<Option<(u32, u32)>, ScheduleError> {
        let Some(h) = h else {
            return Ok(None);
        };
        let open = self.minutes("operating_hours", "open", &h.open)?;
        let close = self.minutes("operating_hours", "close", &h.close)?;
        if open >= close || close > 1440 {
            return Err(self.bad(
                "operating_hours",
                "close",
                format!(
                    "expected open < close ≤ 24:00, got {} – {}",
                    h.open, h.close
                ),
            ));
        }
        Ok(Some((open, close)))
    }

    /// One `[[template]]`; `earlier` are the templates before it (for duplicate names).
    fn template(
        &self,
        rt: &RawTemplate,
        earlier: &[ShiftTemplate],
    ) -> Result<ShiftTemplate, ScheduleError> {
        let name = rt.name.as_str();
        if earlier.iter().any(|t| t.name == name) {
            return Err(self.bad(name, "name", "duplicate template name".into()));
        }
        let length_min = self.minutes(name, "length", &rt.length)?;
        if length_min == 0 || length_min > 24 * 60 {
            return Err(self.bad(
                name,
                "length",
                format!("expected (0, 24h], got {length_min} min"),
            ));
        }
        let start_earliest_min = match &rt.start_earliest {
            Some(t) => self.minutes(name, "start_earliest", t)?,
            None => 0,
        };
        let start_latest_min = match &rt.start_latest {
            Some(t) => self.minutes(name, "start_latest", t)?,
            None => 1439,
        };
        if start_earliest_min > start_latest_min || start_latest_min >= 1440 {
            return Err(self.bad(
                name,
                "start_latest",
                format!(
                    "expected start_earliest ≤ start_latest < 24:00, got {start_earliest_min} and {start_latest_min} min"
                ),
            ));
        }
        let start_step_min = match &rt.start_step {
            Some(t) => self.minutes(name, "start_step", t)?,
            None => 30,
        };
        if start_step_min == 0 {
            return Err(self.bad(name, "start_step", "expected > 0".into()));
        }
        let days = self.days(name, rt.days.as_deref())?;
        let cost_per_hour = rt.cost_per_hour.unwrap_or(1.0);
        if !(cost_per_hour.is_finite() && cost_per_hour > 0.0) {
            return Err(self.bad(
                name,
                "cost_per_hour",
                format!("expected > 0, got {cost_per_hour}"),
            ));
        }
        let breaks = self.breaks(name, length_min, &rt.breaks)?;
        if let (Some(lo), Some(hi)) = (rt.min_total, rt.max_total) {
            if lo > hi {
                return Err(self.bad(name, "min_total", "expected min_total ≤ max_total".into()));
            }
        }
        Ok(ShiftTemplate {
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
        })
    }

    /// A template's `days` (every day when absent).
    fn days(&self, name: &str, days: Option<&[String]>) -> Result<[bool; 7], ScheduleError> {
        let mut out = [days.is_none(); 7];
        for d in days.into_iter().flatten() {
            let i = DAY_NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(d.get(..3).unwrap_or(d)))
                .ok_or_else(|| {
                    self.bad(name, "days", format!("unknown day `{d}` (use Sun…Sat)"))
                })?;
            out[i] = true;
        }
        Ok(out)
    }

    /// A template's `[[template.break]]`s: inside the shift, in time order, windows apart.
    fn breaks(
        &self,
        name: &str,
        length_min: u32,
        raw: &[RawBreak],
    ) -> Result<Vec<BreakRule>, ScheduleError> {
        let mut breaks: Vec<BreakRule> = Vec::new();
        for rb in raw {
            let item = format!("{name}.{}", rb.name);
            let b = BreakRule {
                name: rb.name.clone(),
                length_min: self.minutes(&item, "length", &rb.length)?,
                earliest_min: self.minutes(&item, "earliest", &rb.earliest)?,
                latest_min: self.minutes(&item, "latest", &rb.latest)?,
                paid: rb.paid,
            };
            if b.length_min == 0 || b.earliest_min > b.latest_min {
                return Err(self.bad(
                    &item,
                    "latest",
                    "expected length > 0 and earliest ≤ latest".into(),
                ));
            }
            if b.latest_min + b.length_min > length_min || b.earliest_min == 0 {
                return Err(self.bad(
                    &item,
                    "latest",
                    format!(
                        "the break must lie inside the {length_min}-min shift, after its start"
                    ),
                ));
            }
            if let Some(prev) = breaks.last() {
                // Non-overlapping windows make the break types independent, which keeps
                // the implicit (Bechtold–Jacobs) model exact; see `schedule/model.rs`.
                if prev.latest_min + prev.length_min > b.earliest_min {
                    return Err(self.bad(
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
        Ok(breaks)
    }

    /// `[tours]`.
    fn tours(&self, t: Option<&RawTours>) -> Result<Option<TourRules>, ScheduleError> {
        let Some(t) = t else {
            return Ok(None);
        };
        if !(1..=7).contains(&t.days_on) {
            return Err(self.bad(
                "tours",
                "days_on",
                format!("expected 1..=7, got {}", t.days_on),
            ));
        }
        let min_weekly_hours = t.min_weekly_hours.unwrap_or(0.0);
        let max_weekly_hours = t.max_weekly_hours.unwrap_or(168.0);
        if !(0.0..=168.0).contains(&min_weekly_hours) || min_weekly_hours > max_weekly_hours {
            return Err(self.bad(
                "tours",
                "min_weekly_hours",
                "expected 0 ≤ min_weekly_hours ≤ max_weekly_hours ≤ 168".into(),
            ));
        }
        Ok(Some(TourRules {
            days_on: t.days_on,
            consecutive_days_off: t.consecutive_days_off.unwrap_or(true),
            min_weekly_hours,
            max_weekly_hours,
            min_rest_min: match &t.min_rest {
                Some(r) => self.minutes("tours", "min_rest", r)?,
                None => 0,
            },
        }))
    }
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
        let f = Fields { path };
        if raw.schema_version != 1 {
            return Err(f.bad(
                "rules",
                "schema_version",
                format!("expected 1, got {}", raw.schema_version),
            ));
        }
        let interval = f.interval(raw.interval.as_ref())?;
        let operating_hours = f.operating_hours(raw.operating_hours.as_ref())?;
        if raw.templates.is_empty() {
            return Err(f.bad(
                "rules",
                "template",
                "expected at least one [[template]]".into(),
            ));
        }
        let mut templates = Vec::new();
        for rt in &raw.templates {
            let t = f.template(rt, &templates)?;
            templates.push(t);
        }
        let tours = f.tours(raw.tours.as_ref())?;
        Ok(ShiftRules {
            interval,
            week_wraps: raw.week_wraps.unwrap_or(true),
            operating_hours,
            max_shifts_per_day: raw.max_shifts_per_day,
            templates,
            tours,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
