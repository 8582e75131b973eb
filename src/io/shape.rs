//! The shape of an export: how a planner's ACD or WFM export writes its file and its values —
//! delimiter, report lines before the header, decimal comma, date and time formats (day/month
//! or month/day, 12-hour clock, date and time in separate columns), durations, percentages and
//! the time zone of its timestamps. Column mappings (`ColumnMapping` for interval
//! exports, `CallMapping` for call logs) carry one [`ExportShape`].
//!
//! Cells typed by a workbook or a Parquet file (`CsvInput::is_typed`) are read
//! by their type, never through the declared text formats: a typed number is never re-read
//! with a decimal comma, a typed date or duration arrives in canonical text.

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
};
use chrono_tz::Tz;

use super::raw::ReadOptions;

/// How durations are written (AHT, ASA, wait and handle times).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
pub enum DurationFormat {
    /// Seconds, possibly with decimals (the default).
    #[default]
    #[serde(rename = "seconds")]
    Seconds,
    /// Milliseconds.
    #[serde(rename = "milliseconds")]
    Milliseconds,
    /// `h:mm:ss` (`0:02:41`); `h:mm` is refused as ambiguous.
    #[serde(rename = "h:mm:ss")]
    Hms,
    /// `m:ss` (`2:41`); a value with three parts is read as `h:mm:ss`.
    #[serde(rename = "m:ss")]
    Ms,
}

impl std::str::FromStr for DurationFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "seconds" | "s" => Ok(DurationFormat::Seconds),
            "milliseconds" | "ms" => Ok(DurationFormat::Milliseconds),
            "h:mm:ss" => Ok(DurationFormat::Hms),
            "m:ss" => Ok(DurationFormat::Ms),
            _ => Err(format!(
                "expected seconds, milliseconds, h:mm:ss or m:ss, got `{s}`"
            )),
        }
    }
}

/// The shape of an export file and of its values. Every field is optional; the defaults read
/// `wfm`'s own files (comma or sniffed delimiter, ISO 8601 timestamps, seconds, fractions).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExportShape {
    /// Field delimiter: `,` `;` `tab` `|` (one character), or omitted / `auto` to sniff it
    /// from the header line.
    pub delimiter: Option<String>,
    /// Lines before the header (report title, period, blank lines).
    pub skip_lines: usize,
    /// Numbers use a decimal comma (`83,3`).
    pub decimal_comma: bool,
    /// Thousands separator inside numbers (`.`, `,`, ` ` or `'`), when the export writes one.
    pub thousands_separator: Option<String>,
    /// chrono format of a timestamp column (e.g. `%d/%m/%Y %H:%M`, `%Y-%m-%dT%H:%M:%S%.3fZ`);
    /// omitted = ISO 8601, with or without a UTC offset or `Z`.
    pub timestamp_format: Option<String>,
    /// chrono format of a separate date column (`%d.%m.%Y` day/month, `%m/%d/%Y` month/day).
    pub date_format: Option<String>,
    /// chrono format of a separate time column (`%H:%M`, `%I:%M %p` for a 12-hour clock).
    pub time_format: Option<String>,
    /// How durations are written.
    pub duration_format: DurationFormat,
    /// IANA zone of the export's naive timestamps (e.g. `America/New_York`); `--tz` overrides.
    pub time_zone: Option<String>,
}

/// A timestamp as written: a naive wall-clock time, or an instant with its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// Wall-clock time without a zone.
    Naive(NaiveDateTime),
    /// An instant (`Z` or `±hh:mm` written).
    Instant(DateTime<FixedOffset>),
}

pub use crate::model::LocalStamp;

/// Parses an IANA time-zone name (`Europe/Berlin`, `UTC`).
///
/// # Errors
/// A message naming the zone when it is not in the tz database.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!("unknown time zone `{name}` (expected an IANA name such as Europe/Berlin or America/New_York)")
    })
}

/// Places a timestamp on the site's clock. An instant needs the site's zone; a naive time is
/// the zone's wall clock. `later` picks the second of the two instants of a fall-back night's
/// repeated wall-clock time (the caller knows it from the order of the rows).
///
/// # Errors
/// An instant without a zone; a wall-clock time that does not exist in the zone (skipped by a
/// spring-forward change).
/// Dates outside [`crate::limits::DATE_RANGE`] are errors.
pub fn localize(stamp: Stamp, zone: Option<Tz>, later: bool) -> Result<LocalStamp, String> {
    let l = localize_any_date(stamp, zone, later)?;
    crate::limits::check_date(l.local)?;
    Ok(l)
}

/// [`localize`] without the date range.
///
/// # Errors
/// As [`localize`].
pub(crate) fn localize_any_date(
    stamp: Stamp,
    zone: Option<Tz>,
    later: bool,
) -> Result<LocalStamp, String> {
    match (stamp, zone) {
        (Stamp::Naive(t), None) => Ok(LocalStamp {
            local: t,
            offset_secs: None,
        }),
        (Stamp::Instant(_), None) => Err(
            "this timestamp is an instant (it carries `Z` or a UTC offset): give the site's time \
             zone with --tz ZONE (or time_zone in the mapping) so it can be placed on the local clock"
                .into(),
        ),
        (Stamp::Instant(i), Some(z)) => {
            let l = i.with_timezone(&z);
            Ok(LocalStamp {
                local: l.naive_local(),
                offset_secs: Some(l.offset().fix().local_minus_utc()),
            })
        }
        (Stamp::Naive(t), Some(z)) => match z.from_local_datetime(&t) {
            LocalResult::Single(l) => Ok(LocalStamp {
                local: t,
                offset_secs: Some(l.offset().fix().local_minus_utc()),
            }),
            LocalResult::Ambiguous(a, b) => {
                let l = if later { b } else { a };
                Ok(LocalStamp {
                    local: t,
                    offset_secs: Some(l.offset().fix().local_minus_utc()),
                })
            }
            LocalResult::None => Err(format!(
                "{t} does not exist in {z} (the clocks jump forward over it)"
            )),
        },
    }
}

const ISO_NAIVE: [&str; 6] = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
];

/// ISO 8601 / RFC 3339: naive (`T` or space, with or without seconds), or with `Z` / `±hh:mm`.
pub fn parse_iso(text: &str) -> Option<Stamp> {
    let t = text.trim();
    if let Ok(i) = DateTime::parse_from_rfc3339(t) {
        return Some(Stamp::Instant(i));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
    ] {
        if let Ok(i) = DateTime::parse_from_str(t, f) {
            return Some(Stamp::Instant(i));
        }
    }
    if let Some(z) = t.strip_suffix('Z').or_else(|| t.strip_suffix('z')) {
        for f in ISO_NAIVE {
            if let Ok(n) = NaiveDateTime::parse_from_str(z, f) {
                return Some(Stamp::Instant(n.and_utc().fixed_offset()));
            }
        }
    }
    for f in ISO_NAIVE {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, f) {
            return Some(Stamp::Naive(n));
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .map(|d| Stamp::Naive(d.and_time(NaiveTime::MIN)))
}

fn parse_with_format(text: &str, f: &str) -> Option<Stamp> {
    let t = text.trim();
    if f.contains("%z") || f.contains("%:z") || f.contains("%#z") {
        return DateTime::parse_from_str(t, f).ok().map(Stamp::Instant);
    }
    // A literal `Z` at the end of the format is UTC, not a letter to skip.
    if let Some(nf) = f.strip_suffix('Z') {
        let n = t.strip_suffix('Z')?;
        return NaiveDateTime::parse_from_str(n, nf)
            .ok()
            .map(|n| Stamp::Instant(n.and_utc().fixed_offset()));
    }
    NaiveDateTime::parse_from_str(t, f).ok().map(Stamp::Naive)
}

impl ExportShape {
    /// The reader options of this shape (delimiter, lines to skip).
    ///
    /// # Errors
    /// A delimiter that is not one character (or `tab` / `auto`).
    pub fn read_options(&self) -> Result<ReadOptions, String> {
        let delimiter = match self.delimiter.as_deref() {
            None | Some("auto") => None,
            Some("tab") | Some("\\t") | Some("\t") => Some(b'\t'),
            Some(d) if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
            Some(d) => {
                return Err(format!(
                    "delimiter: expected one character, `tab` or `auto`, got `{d}`"
                ))
            }
        };
        Ok(ReadOptions {
            delimiter,
            skip_lines: self.skip_lines,
            ..ReadOptions::default()
        })
    }

    /// The zone of naive timestamps: `cli` (`--tz`) or the shape's `time_zone`.
    ///
    /// # Errors
    /// An unknown zone name.
    pub fn zone(&self, cli: Option<Tz>) -> Result<Option<Tz>, String> {
        match (cli, &self.time_zone) {
            (Some(z), _) => Ok(Some(z)),
            (None, Some(n)) => parse_zone(n).map(Some),
            (None, None) => Ok(None),
        }
    }

    /// A finite number; `typed` cells are read as written.
    ///
    /// # Errors
    /// What was expected, for the caller to locate.
    pub fn number(&self, text: &str, typed: bool) -> Result<f64, String> {
        let t = text.trim();
        let plain = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite());
        if typed {
            return plain(t).ok_or_else(|| "expected a finite number".to_string());
        }
        let mut s: String = t.to_string();
        if let Some(sep) = self.thousands_separator.as_deref() {
            s = s.replace(sep, "");
            if sep == " " {
                s = s.replace(['\u{a0}', '\u{202f}'], "");
            }
        }
        if self.decimal_comma {
            if s.contains('.') {
                return Err(
                    "expected a number with a decimal comma (a `.` is ambiguous here: declare \
                     thousands_separator = \".\" if the export writes one)"
                        .into(),
                );
            }
            s = s.replace(',', ".");
        }
        plain(&s).ok_or_else(|| {
            if !self.decimal_comma && t.contains(',') && !t.contains('.') {
                "expected a finite number (a decimal comma? set decimal_comma = true)".into()
            } else {
                "expected a finite number".into()
            }
        })
    }

    /// A duration in seconds, in the declared format; a three-part `h:mm:ss` value is read as
    /// such in any format (workbook durations and times arrive that way).
    ///
    /// # Errors
    /// What was expected.
    pub fn duration_secs(&self, text: &str, typed: bool) -> Result<f64, String> {
        let t = text.trim();
        if t.contains(':') {
            let parts: Vec<&str> = t.split(':').collect();
            let num = |s: &str| -> Option<f64> {
                let v = if typed {
                    s.parse::<f64>().ok()
                } else {
                    self.number(s, false).ok()
                };
                v.filter(|v| *v >= 0.0)
            };
            let bad = || {
                format!(
                    "expected a duration as {}",
                    match self.duration_format {
                        DurationFormat::Ms => "m:ss",
                        _ => "h:mm:ss",
                    }
                )
            };
            let v = match parts.as_slice() {
                [h, m, s] => {
                    let (h, m, s) = (num(h), num(m), num(s));
                    match (h, m, s) {
                        (Some(h), Some(m), Some(s)) if m < 60.0 && s < 60.0 => {
                            h * 3600.0 + m * 60.0 + s
                        }
                        _ => return Err(bad()),
                    }
                }
                [m, s] if self.duration_format == DurationFormat::Ms => match (num(m), num(s)) {
                    (Some(m), Some(s)) if s < 60.0 => m * 60.0 + s,
                    _ => return Err(bad()),
                },
                [_, _] => {
                    return Err(
                        "a duration with two parts is ambiguous (h:mm or m:ss?): declare \
                         duration_format = \"m:ss\" or write h:mm:ss"
                            .into(),
                    )
                }
                _ => return Err(bad()),
            };
            return Ok(v);
        }
        let v = self.number(t, typed)?;
        if v < 0.0 {
            return Err("expected a duration ≥ 0".into());
        }
        Ok(match self.duration_format {
            DurationFormat::Milliseconds => v / 1000.0,
            _ => v,
        })
    }

    /// A share as a fraction: `85.3%` or `85,3 %` is a percentage whatever `percent` says; a
    /// bare number is a percentage when `percent`, else a fraction. (A workbook's percentage
    /// cell holds the fraction, e.g. 0.853, so a typed number is a fraction unless `percent`.)
    ///
    /// # Errors
    /// What was expected.
    pub fn fraction(&self, text: &str, typed: bool, percent: bool) -> Result<f64, String> {
        let t = text.trim();
        let (v, pct) = match t.strip_suffix('%') {
            Some(n) => (self.number(n.trim_end(), false)?, true),
            None => (self.number(t, typed)?, percent),
        };
        Ok(if pct { v / 100.0 } else { v })
    }

    /// A timestamp from one column: the declared `timestamp_format`, else ISO 8601 (with or
    /// without an offset). A typed cell is always ISO.
    ///
    /// # Errors
    /// What was expected.
    pub fn timestamp(&self, text: &str, typed: bool) -> Result<Stamp, String> {
        match &self.timestamp_format {
            Some(f) if !typed => parse_with_format(text, f)
                .ok_or_else(|| format!("expected a timestamp in format `{f}`")),
            _ => parse_iso(text).ok_or_else(|| {
                "expected a timestamp YYYY-MM-DDTHH:MM:SS (ISO 8601, optionally with Z or a UTC \
                 offset)"
                    .into()
            }),
        }
    }

    /// A date from a separate date column (`date_format`, else ISO `YYYY-MM-DD`).
    ///
    /// # Errors
    /// What was expected.
    pub fn date(&self, text: &str, typed: bool) -> Result<NaiveDate, String> {
        let t = text.trim();
        let f = match &self.date_format {
            Some(f) if !typed => f.as_str(),
            _ => "%Y-%m-%d",
        };
        NaiveDate::parse_from_str(t, f)
            .or_else(|_| {
                // A typed date-time cell in a date column: its date.
                NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").map(|d| d.date())
            })
            .map_err(|_| format!("expected a date in format `{f}`"))
    }

    /// A time of day from a separate time column (`time_format`, else `H:MM[:SS]`).
    ///
    /// # Errors
    /// What was expected.
    pub fn time(&self, text: &str, typed: bool) -> Result<NaiveTime, String> {
        let t = text.trim();
        if let Some(f) = self.time_format.as_deref().filter(|_| !typed) {
            // chrono's %p wants AM/PM; exports also write am/pm and a.m.
            let norm = t.replace("a.m.", "AM").replace("p.m.", "PM");
            return NaiveTime::parse_from_str(&norm.to_uppercase(), f)
                .or_else(|_| NaiveTime::parse_from_str(&norm, f))
                .map_err(|_| format!("expected a time of day in format `{f}`"));
        }
        ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
            .iter()
            .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
            .ok_or_else(|| "expected a time of day HH:MM[:SS]".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eu() -> ExportShape {
        ExportShape {
            decimal_comma: true,
            date_format: Some("%d.%m.%Y".into()),
            time_format: Some("%H:%M".into()),
            duration_format: DurationFormat::Hms,
            ..ExportShape::default()
        }
    }

    #[test]
    fn numbers_percentages_and_durations() {
        let s = eu();
        assert_eq!(s.number("83,3", false), Ok(83.3));
        assert!(
            s.number("1.234", false).is_err(),
            "ambiguous without a thousands separator"
        );
        assert_eq!(
            s.number("0.5", true),
            Ok(0.5),
            "typed numbers are read as written"
        );
        let th = ExportShape {
            thousands_separator: Some(".".into()),
            ..eu()
        };
        assert_eq!(th.number("1.234,5", false), Ok(1234.5));
        assert!((s.fraction("83,3 %", false, false).unwrap() - 0.833).abs() < 1e-12);
        let us = ExportShape::default();
        assert!((us.fraction("83.3%", false, false).unwrap() - 0.833).abs() < 1e-12);
        assert_eq!(us.fraction("0.833", false, false), Ok(0.833));
        assert!((us.fraction("83.3", false, true).unwrap() - 0.833).abs() < 1e-12);
        assert!(us
            .number("83,3", false)
            .unwrap_err()
            .contains("decimal_comma"));
        assert_eq!(s.duration_secs("00:02:41", false), Ok(161.0));
        assert!(
            s.duration_secs("2:41", false).is_err(),
            "h:mm vs m:ss is ambiguous"
        );
        let ms = ExportShape {
            duration_format: DurationFormat::Ms,
            ..ExportShape::default()
        };
        assert_eq!(ms.duration_secs("2:41", false), Ok(161.0));
        assert_eq!(ms.duration_secs("0:09", false), Ok(9.0));
        assert_eq!(ms.duration_secs("1:00:09", false), Ok(3609.0));
        let milli = ExportShape {
            duration_format: DurationFormat::Milliseconds,
            ..ExportShape::default()
        };
        assert_eq!(milli.duration_secs("161000", false), Ok(161.0));
        assert_eq!(milli.duration_secs("0:02:41", true), Ok(161.0));
        assert!(milli.duration_secs("-5", false).is_err());
    }

    #[test]
    fn dates_times_and_zones() {
        let s = eu();
        assert_eq!(
            s.date("01.02.1999", false).unwrap(),
            NaiveDate::from_ymd_opt(1999, 2, 1).unwrap()
        );
        assert_eq!(
            s.date("1999-02-01", true).unwrap().to_string(),
            "1999-02-01"
        );
        assert_eq!(s.time("07:00", false).unwrap().to_string(), "07:00:00");
        assert_eq!(s.time("7:00:00", true).unwrap().to_string(), "07:00:00");
        let us = ExportShape {
            time_format: Some("%I:%M %p".into()),
            ..ExportShape::default()
        };
        assert_eq!(us.time("7:00 AM", false).unwrap().to_string(), "07:00:00");
        assert_eq!(us.time("12:30 pm", false).unwrap().to_string(), "12:30:00");
        assert_eq!(us.time("12:00 AM", false).unwrap().to_string(), "00:00:00");
        let utc = ExportShape::default();
        let st = utc.timestamp("1999-02-01T05:00:00.000Z", false).unwrap();
        assert!(matches!(st, Stamp::Instant(_)));
        assert!(
            localize(st, None, false).is_err(),
            "an instant needs a zone"
        );
        let jer = parse_zone("Asia/Jerusalem").unwrap();
        let l = localize(st, Some(jer), false).unwrap();
        assert_eq!(l.to_rfc3339(), "1999-02-01T07:00:00+02:00");
        let fmt = ExportShape {
            timestamp_format: Some("%Y-%m-%dT%H:%M:%S%.3fZ".into()),
            ..ExportShape::default()
        };
        assert_eq!(fmt.timestamp("1999-02-01T05:00:00.000Z", false), Ok(st));
        // Fall-back night: 01:30 happens twice in New York.
        let ny = parse_zone("America/New_York").unwrap();
        let t = NaiveDate::from_ymd_opt(1999, 10, 31)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        let a = localize(Stamp::Naive(t), Some(ny), false).unwrap();
        let b = localize(Stamp::Naive(t), Some(ny), true).unwrap();
        assert_eq!(a.to_rfc3339(), "1999-10-31T01:30:00-04:00");
        assert_eq!(b.to_rfc3339(), "1999-10-31T01:30:00-05:00");
        assert_eq!((b.utc() - a.utc()).num_minutes(), 60);
        let gap = NaiveDate::from_ymd_opt(1999, 4, 4)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert!(localize(Stamp::Naive(gap), Some(ny), false)
            .unwrap_err()
            .contains("does not exist"));
        assert!(parse_zone("Mars/Olympus").is_err());
    }
}
