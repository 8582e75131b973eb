//! iCalendar (RFC 5545) files of a roster: one calendar per agent with a `VEVENT` per shift
//! (local "floating" times, as the plan has no time zone) and an all-day `VEVENT` per day of
//! approved leave (`CATEGORIES:LEAVE`). Deterministic: the `UID`s are built from agent, date and
//! start, and `DTSTAMP` is the horizon's first day at midnight UTC.

use crate::time::{NaiveDate, NaiveDateTime};

/// One shift of an agent's calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct IcsShift {
    /// Start, local time.
    pub start: NaiveDateTime,
    /// End, local time.
    pub end: NaiveDateTime,
    /// Template name.
    pub template: String,
    /// Breaks as text (`lunch 12:00-12:30; …`).
    pub breaks: String,
}

/// One day of leave.
#[derive(Debug, Clone, PartialEq)]
pub struct IcsLeave {
    /// The day.
    pub date: NaiveDate,
    /// `vacation`, `sick`, …
    pub kind: String,
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            ';' => o.push_str("\\;"),
            ',' => o.push_str("\\,"),
            '\n' => o.push_str("\\n"),
            c => o.push(c),
        }
    }
    o
}

/// Folds a content line at 75 octets (RFC 5545 §3.1) and ends it with CRLF.
fn line(out: &mut String, text: &str) {
    let mut n = 0;
    for c in text.chars() {
        if n + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            n = 1;
        }
        out.push(c);
        n += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// The calendar of `agent`: its shifts and leave days, `stamp` as `DTSTAMP`.
pub fn calendar(agent: &str, shifts: &[IcsShift], leave: &[IcsLeave], stamp: NaiveDate) -> String {
    let mut o = String::new();
    let dt = |t: NaiveDateTime| t.format("%Y%m%dT%H%M%S").to_string();
    let dtstamp = format!("{}T000000Z", stamp.format("%Y%m%d"));
    line(&mut o, "BEGIN:VCALENDAR");
    line(&mut o, "VERSION:2.0");
    line(&mut o, "PRODID:-//wfm//roster//EN");
    line(&mut o, "CALSCALE:GREGORIAN");
    line(
        &mut o,
        &format!("X-WR-CALNAME:{}", escape(&format!("Shifts {agent}"))),
    );
    for s in shifts {
        line(&mut o, "BEGIN:VEVENT");
        line(
            &mut o,
            &format!("UID:{}-{}@wfm-roster", escape(agent), dt(s.start)),
        );
        line(&mut o, &format!("DTSTAMP:{dtstamp}"));
        line(&mut o, &format!("DTSTART:{}", dt(s.start)));
        line(&mut o, &format!("DTEND:{}", dt(s.end)));
        line(
            &mut o,
            &format!(
                "SUMMARY:{}",
                escape(&format!("Shift {} ({agent})", s.template))
            ),
        );
        if !s.breaks.is_empty() {
            line(
                &mut o,
                &format!("DESCRIPTION:{}", escape(&format!("Breaks: {}", s.breaks))),
            );
        }
        line(&mut o, "CATEGORIES:SHIFT");
        line(&mut o, "END:VEVENT");
    }
    for l in leave {
        line(&mut o, "BEGIN:VEVENT");
        line(
            &mut o,
            &format!(
                "UID:{}-leave-{}@wfm-roster",
                escape(agent),
                l.date.format("%Y%m%d")
            ),
        );
        line(&mut o, &format!("DTSTAMP:{dtstamp}"));
        line(
            &mut o,
            &format!("DTSTART;VALUE=DATE:{}", l.date.format("%Y%m%d")),
        );
        line(
            &mut o,
            &format!(
                "DTEND;VALUE=DATE:{}",
                (l.date + chrono::Duration::days(1)).format("%Y%m%d")
            ),
        );
        line(
            &mut o,
            &format!("SUMMARY:{}", escape(&format!("Leave: {}", l.kind))),
        );
        line(&mut o, "CATEGORIES:LEAVE");
        line(&mut o, "TRANSP:TRANSPARENT");
        line(&mut o, "END:VEVENT");
    }
    line(&mut o, "END:VCALENDAR");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    #[test]
    fn events_are_escaped_folded_and_crlf_terminated() {
        let s = IcsShift {
            start: parse_timestamp("1999-02-08T22:00:00").unwrap(),
            end: parse_timestamp("1999-02-09T06:30:00").unwrap(),
            template: "night, long; very".into(),
            breaks: "break1 23:30-23:45; lunch 02:00-02:30; break2 04:30-04:45; and more text here"
                .into(),
        };
        let l = IcsLeave {
            date: crate::time::parse_date("1999-02-10").unwrap(),
            kind: "vacation".into(),
        };
        let text = calendar(
            "A01",
            &[s],
            &[l],
            crate::time::parse_date("1999-02-01").unwrap(),
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART:19990208T220000\r\n"));
        assert!(text.contains("DTEND:19990209T063000\r\n"));
        assert!(text.contains("SUMMARY:Shift night\\, long\\; very (A01)"));
        assert!(text.contains("DTSTART;VALUE=DATE:19990210\r\nDTEND;VALUE=DATE:19990211\r\n"));
        for l in text.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        assert!(text.contains("\r\n "), "a long DESCRIPTION is folded");
    }
}
