//! The Anonymous Bank raw call-log format: one call per line, 17 tab-separated fields
//! (../shared/data/anonbank/field_documentation.md), optional header line starting `vru+line`.
//!
//! Times of day carry no date: the record's `date` is the day of `vru_entry`, and any other
//! stamp is read as the instant *nearest* to `vru_entry` (within ±12 h). So `q_start 0:00:02`
//! after `vru_entry 23:59:56` is the next day, and `vru_exit 15:45:24` before
//! `vru_entry 15:46:01` is a 37 s clock skew on the same day, not a call of 24 hours.

use super::accounting::{RejectReason, RepairKind};
use super::kpi::QueueId;
use super::record::{Call, Outcome, ParsedRecord, RecordKey};
use crate::time::NaiveDate;

/// Number of fields of a record.
pub(crate) const FIELDS: usize = 17;

/// Field names, as in the header of the files.
pub(crate) const NAMES: [&str; FIELDS] = [
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
];

const DAY: i64 = 86_400;
const HALF_DAY: i64 = 43_200;

/// True when `line` looks like the header of this format.
pub(crate) fn is_header(line: &str) -> bool {
    line.trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("vru+line")
}

/// True when `line` looks like a record of this format (used to detect headerless files).
pub(crate) fn looks_like_record(line: &str) -> bool {
    line.split('\t').count() >= FIELDS - 2 || line.split_whitespace().count() == FIELDS
}

/// Parses `H:MM:SS` / `HH:MM:SS` into seconds since midnight.
fn parse_tod(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (h, rest) = match b {
        [h, b':', rest @ ..] if h.is_ascii_digit() => (i64::from(h - b'0'), rest),
        [h1, h2, b':', rest @ ..] if h1.is_ascii_digit() && h2.is_ascii_digit() => {
            (i64::from(h1 - b'0') * 10 + i64::from(h2 - b'0'), rest)
        }
        _ => return None,
    };
    let two = |x: u8, y: u8| -> Option<i64> {
        (x.is_ascii_digit() && y.is_ascii_digit())
            .then(|| i64::from(x - b'0') * 10 + i64::from(y - b'0'))
    };
    let (m, s) = match rest {
        [m1, m2, b':', s1, s2] => (two(*m1, *m2)?, two(*s1, *s2)?),
        _ => return None,
    };
    (h < 24 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
}

/// Parses an integer number of seconds (sign allowed, at most 9 digits).
fn parse_secs(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYMMDD`; two-digit years follow POSIX `%y` (69–99 → 19xx, 00–68 → 20xx).
fn parse_yymmdd(s: &str) -> Option<NaiveDate> {
    if s.len() != 6 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: u32 = s.parse().ok()?;
    let yy = (n / 10_000) as i32;
    let year = if yy >= 69 { 1900 + yy } else { 2000 + yy };
    NaiveDate::from_ymd_opt(year, (n / 100) % 100, n % 100)
}

/// Signed difference `later − earlier` of two times of day, read as the nearest instants.
fn nearest_diff(earlier: i64, later: i64) -> i64 {
    let d = (later - earlier).rem_euclid(DAY);
    if d > HALF_DAY {
        d - DAY
    } else {
        d
    }
}

/// Forward difference of two times of day (a wait or service duration never runs backwards).
fn forward_diff(start: i64, end: i64) -> i64 {
    (end - start).rem_euclid(DAY)
}

/// Splits a line into fields, repairing spaces-for-tab when that yields exactly 17 fields.
/// Returns the number of tab-separated fields when neither works.
fn split_fields<'a>(
    line: &'a str,
    repairs: &mut Vec<RepairKind>,
) -> Result<[&'a str; FIELDS], usize> {
    let mut out = [""; FIELDS];
    let mut n = 0;
    for f in line.split('\t') {
        if n < FIELDS {
            out[n] = f;
        }
        n += 1;
    }
    if n == FIELDS {
        return Ok(out);
    }
    if n > FIELDS {
        return Err(n);
    }
    let mut m = 0;
    for f in line.split('\t') {
        let t = f.trim_matches(' ');
        let parts: Box<dyn Iterator<Item = &str>> = if t.contains(' ') {
            Box::new(t.split(' ').filter(|p| !p.is_empty()))
        } else {
            Box::new(std::iter::once(f))
        };
        for p in parts {
            if m < FIELDS {
                out[m] = p;
            }
            m += 1;
        }
    }
    if m == FIELDS {
        repairs.push(RepairKind::SpacesForTab { tab_fields: n });
        Ok(out)
    } else {
        Err(n)
    }
}

/// The column a field index names (for messages).
fn col(i: usize) -> String {
    NAMES[i].to_string()
}

/// The time fields of one record (seconds of day, durations in seconds).
struct Times {
    vru_entry: i64,
    vru_exit: i64,
    vru_time: i64,
    q_start: i64,
    q_exit: i64,
    q_time: i64,
    ser_start: i64,
    ser_exit: i64,
    ser_time: i64,
}

/// The durations a record's KPIs use, after [`check_times`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Durations {
    /// Whether the call reached the queue.
    queued: bool,
    /// Seconds in the queue.
    q_time: i64,
    /// Seconds of service.
    ser_time: i64,
}

/// A duration field checked against the two timestamps it should equal the difference of.
///
/// When the counts are certain (the call was queued, or answered) the timestamps decide: a
/// field that contradicts them (`ser_time 0` for a call served 0:00:00–0:00:48 just after
/// midnight, say, or a negative field) is replaced by their difference and reported as a
/// repair. Only a difference of 12 hours or more (an exit that looks earlier than its start)
/// leaves the record without a certain duration: then it is rejected as before.
fn duration_from_times(
    i: usize,
    field: i64,
    start: i64,
    end: i64,
    repairs: &mut Vec<RepairKind>,
) -> Result<i64, (RejectReason, Option<String>)> {
    let expected = forward_diff(start, end);
    if field == expected {
        return Ok(field);
    }
    if expected < HALF_DAY {
        repairs.push(RepairKind::DurationFromTimestamps {
            column: col(i),
            recorded: field,
            from_timestamps: expected,
        });
        return Ok(expected);
    }
    Err(if field < 0 {
        (
            RejectReason::NegativeDuration {
                column: col(i),
                value: field,
            },
            Some(col(i)),
        )
    } else {
        (
            RejectReason::InconsistentDuration {
                column: col(i),
                value: field,
                expected,
            },
            Some(col(i)),
        )
    })
}

/// Checks the durations of a record against its times; whether the call reached the queue.
/// A queue or service time that contradicts its timestamps is taken from them (a repair, see
/// [`duration_from_times`]); VRU mismatches are only noted.
fn check_times(
    t: &Times,
    outcome: Outcome,
    server: &str,
    repairs: &mut Vec<RepairKind>,
    notes: &mut Vec<&'static str>,
) -> Result<Durations, (RejectReason, Option<String>)> {
    let Times {
        vru_entry,
        vru_exit,
        vru_time,
        q_start,
        q_exit,
        q_time,
        ser_start,
        ser_exit,
        ser_time,
    } = *t;
    // VRU time is no KPI: rejecting a call for it would distort the volumes, so a mismatch is
    // only counted.
    if vru_time != nearest_diff(vru_entry, vru_exit) {
        notes.push("vru_time inconsistent with vru_entry/vru_exit (VRU time is not a KPI)");
    } else if vru_time < 0 {
        notes.push("vru_exit before vru_entry (clock skew; VRU time is not a KPI)");
    }
    // q_start = 0:00:00 means "did not reach the queue" (field documentation, field 10).
    let queued = q_start != 0;
    let q_time = if queued {
        duration_from_times(11, q_time, q_start, q_exit, repairs)?
    } else if q_exit != 0 || q_time != 0 {
        if q_time == q_exit {
            // A queue joined exactly at midnight is indistinguishable from "no queue"; the
            // format's definition wins and the call counts as not queued.
            notes.push("q_start 0:00:00 with a queue exit (read as not queued, per the format)");
            q_time
        } else if q_time < 0 {
            // Whether the call was queued is not certain here: nothing to repair from.
            return Err((
                RejectReason::NegativeDuration {
                    column: col(11),
                    value: q_time,
                },
                Some(col(11)),
            ));
        } else {
            return Err((
                RejectReason::InconsistentDuration {
                    column: col(11),
                    value: q_time,
                    expected: forward_diff(0, q_exit),
                },
                Some(col(11)),
            ));
        }
    } else {
        q_time
    };
    let ser_time = if outcome == Outcome::Answered {
        if server == "NO_SERVER" {
            notes.push("AGENT outcome with server NO_SERVER");
        }
        duration_from_times(15, ser_time, ser_start, ser_exit, repairs)?
    } else if ser_time < 0 {
        // Not used by an unanswered call, but outside the field's domain all the same.
        return Err((
            RejectReason::NegativeDuration {
                column: col(15),
                value: ser_time,
            },
            Some(col(15)),
        ));
    } else {
        if ser_start != 0 || ser_exit != 0 || ser_time != 0 {
            notes.push("HANG with service times (ignored: not answered)");
        }
        0
    };
    Ok(Durations {
        queued,
        q_time,
        ser_time,
    })
}

/// Parses one data line (without line terminator). Returns the record, or the reason to reject
/// it together with the field at fault.
pub(crate) fn parse_line<'a>(
    raw: &'a str,
    repairs: &mut Vec<RepairKind>,
    notes: &mut Vec<&'static str>,
) -> Result<ParsedRecord<'a>, (RejectReason, Option<String>)> {
    let mut fields = split_fields(raw, repairs).map_err(|found| {
        (
            RejectReason::WrongFieldCount {
                expected: FIELDS,
                found,
            },
            None,
        )
    })?;
    for (i, f) in fields.iter_mut().enumerate() {
        let t = f.trim_matches(' ');
        if t.len() != f.len() {
            repairs.push(RepairKind::TrimmedSpaces { column: col(i) });
            *f = t;
        }
    }
    let field = |i: usize| fields[i];
    let time = |i: usize| -> Result<i64, (RejectReason, Option<String>)> {
        parse_tod(field(i)).ok_or_else(|| {
            (
                RejectReason::UnparseableTime {
                    column: col(i),
                    value: field(i).to_string(),
                },
                Some(col(i)),
            )
        })
    };
    let secs = |i: usize| -> Result<i64, (RejectReason, Option<String>)> {
        parse_secs(field(i)).ok_or_else(|| {
            (
                RejectReason::UnparseableNumber {
                    column: col(i),
                    value: field(i).to_string(),
                },
                Some(col(i)),
            )
        })
    };

    let outcome = match field(12) {
        "AGENT" => Outcome::Answered,
        "HANG" => Outcome::Abandoned,
        "PHANTOM" => return Ok(ParsedRecord::Phantom),
        other => {
            return Err((
                RejectReason::UnknownOutcome {
                    value: other.to_string(),
                },
                Some(col(12)),
            ))
        }
    };
    let queue = QueueId::validate(field(4)).ok_or_else(|| {
        (
            RejectReason::BadQueue {
                value: field(4).to_string(),
            },
            Some(col(4)),
        )
    })?;
    let date = parse_yymmdd(field(5)).ok_or_else(|| {
        (
            RejectReason::UnparseableDate {
                column: col(5),
                value: field(5).to_string(),
            },
            Some(col(5)),
        )
    })?;
    let vru_entry = time(6)?;
    let vru_exit = time(7)?;
    let vru_time = secs(8)?;
    let q_start = time(9)?;
    let q_exit = time(10)?;
    let q_time = secs(11)?;
    let ser_start = time(13)?;
    let ser_exit = time(14)?;
    let ser_time = secs(15)?;

    let t = Times {
        vru_entry,
        vru_exit,
        vru_time,
        q_start,
        q_exit,
        q_time,
        ser_start,
        ser_exit,
        ser_time,
    };
    let Durations {
        queued,
        q_time,
        ser_time,
    } = check_times(&t, outcome, field(16), repairs, notes)?;

    // The queue-arrival time: q_start, or vru_exit for direct service / VRU-only calls use
    // vru_entry (the call never reached an agent queue).
    let offered = queued || outcome == Outcome::Answered;
    let stamp = if queued {
        q_start
    } else if offered {
        vru_exit
    } else {
        vru_entry
    };
    let offset = vru_entry + nearest_diff(vru_entry, stamp);
    let (day, secs_of_day) = if offset >= DAY {
        (date.succ_opt(), offset - DAY)
    } else if offset < 0 {
        (date.pred_opt(), offset + DAY)
    } else {
        (Some(date), offset)
    };
    let day = day.ok_or_else(|| {
        (
            RejectReason::UnparseableDate {
                column: col(5),
                value: field(5).to_string(),
            },
            Some(col(5)),
        )
    })?;
    let key = RecordKey::new(field(0), field(1), date, vru_entry);
    Ok(ParsedRecord::Call {
        call: Call {
            queue,
            day,
            secs_of_day: secs_of_day as u32,
            utc_offset_secs: None,
            outcome,
            offered,
            queued,
            wait_secs: if queued { q_time as f64 } else { 0.0 },
            handle_secs: if outcome == Outcome::Answered {
                ser_time as f64
            } else {
                0.0
            },
        },
        covered_day: date,
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_dates() {
        assert_eq!(parse_tod("0:00:31"), Some(31));
        assert_eq!(parse_tod("23:59:59"), Some(86_399));
        assert_eq!(parse_tod("24:00:00"), None);
        assert_eq!(parse_tod("7:61:00"), None);
        assert_eq!(parse_tod("7:1:00"), None);
        assert_eq!(parse_yymmdd("990101"), NaiveDate::from_ymd_opt(1999, 1, 1));
        assert_eq!(parse_yymmdd("000229"), NaiveDate::from_ymd_opt(2000, 2, 29));
        assert_eq!(parse_yymmdd("990230"), None);
        assert_eq!(parse_secs("-37"), Some(-37));
        assert_eq!(parse_secs("1e3"), None);
        assert_eq!(nearest_diff(57_961, 57_924), -37);
        assert_eq!(nearest_diff(86_396, 2), 6);
    }

    /// A real record (1999-01-01, line 4 of january.txt) with one field replaced.
    fn with(i: usize, v: &str) -> String {
        let mut f: Vec<&str> = "AA0101\t33118\t27997683\t2\tPS\t990101\t6:55:20\t6:55:26\t6\t6:55:26\t6:55:43\t17\tAGENT\t6:55:43\t6:56:37\t54\tMICHAL"
            .split('\t')
            .collect();
        f[i] = v;
        f.join("\t")
    }

    #[test]
    fn each_check_rejects_or_notes() {
        let cases: [(usize, &str, Result<&str, &str>); 7] = [
            (12, "AGENTS", Err("unknown outcome")),
            (10, "6:5:43", Err("unparseable time")),
            (5, "99013", Err("unparseable date")),
            // An exit 12 h or more after its start (read forward) leaves no certain duration.
            (
                10,
                "6:55:20",
                Err("q_time inconsistent with q_start/q_exit"),
            ),
            (
                14,
                "6:55:40",
                Err("ser_time inconsistent with ser_start/ser_exit"),
            ),
            (
                8,
                "7",
                Ok("vru_time inconsistent with vru_entry/vru_exit (VRU time is not a KPI)"),
            ),
            (16, "NO_SERVER", Ok("AGENT outcome with server NO_SERVER")),
        ];
        for (i, v, want) in cases {
            let line = with(i, v);
            let mut notes = Vec::new();
            let got = parse_line(&line, &mut Vec::new(), &mut notes);
            match (got, want) {
                (Err((r, _)), Err(kind)) => assert_eq!(r.kind(), kind, "case {i}={v}"),
                (Ok(_), Ok(note)) => assert_eq!(notes, vec![note], "case {i}={v}"),
                (got, want) => panic!("case {i}={v}: got {got:?}, want {want:?}"),
            }
        }
        assert!(parse_line(&with(12, "PHANTOM"), &mut Vec::new(), &mut Vec::new()).is_ok());
        // A HANG's service time is not used, but a negative one is still out of its domain.
        let hang = with(12, "HANG").replace("\t54\tMICHAL", "\t-54\tMICHAL");
        let got = parse_line(&hang, &mut Vec::new(), &mut Vec::new());
        assert_eq!(got.unwrap_err().0.kind(), "negative duration");
    }

    fn durations(line: &str) -> (Vec<RepairKind>, f64, f64) {
        let mut rep = Vec::new();
        match parse_line(line, &mut rep, &mut Vec::new()).unwrap() {
            ParsedRecord::Call { call, .. } => (rep, call.wait_secs, call.handle_secs),
            ParsedRecord::Phantom => panic!("not phantom"),
        }
    }

    #[test]
    fn durations_that_contradict_their_timestamps_are_repaired() {
        // The real record: q 6:55:26–6:55:43 (17 s), service 6:55:43–6:56:37 (54 s).
        for (i, v, column, recorded, used) in [
            (11, "-17", "q_time", -17, 17),
            (11, "18", "q_time", 18, 17),
            (15, "-54", "ser_time", -54, 54),
            (15, "55", "ser_time", 55, 54),
        ] {
            let (rep, wait, handle) = durations(&with(i, v));
            assert_eq!(
                rep,
                vec![RepairKind::DurationFromTimestamps {
                    column: column.into(),
                    recorded,
                    from_timestamps: used,
                }],
                "case {i}={v}"
            );
            assert_eq!((wait, handle), (17.0, 54.0), "case {i}={v}");
        }
        // The case: served 0:00:00–0:00:48 just after midnight, `ser_time` 0 (the
        // logger read the 0:00:00 start as "no service"). Counted as answered with 48 s.
        let line = "AA0101\t33118\t27997683\t2\tPS\t990101\t23:59:30\t23:59:36\t6\t23:59:36\t0:00:00\t24\tAGENT\t0:00:00\t0:00:48\t0\tMICHAL";
        let (rep, wait, handle) = durations(line);
        assert_eq!(rep[0].to_string(), "`ser_time` 0 s contradicts ser_exit − ser_start = 48 s; the duration is taken from the timestamps");
        assert_eq!((wait, handle), (24.0, 48.0));
    }

    #[test]
    fn spaces_for_tab_is_repaired() {
        let line = "AA0101\t33118\t27997683\t2\tPS\t990101\t6:55:20 6:55:26\t6\t6:55:26\t6:55:43\t17\tAGENT\t6:55:43\t6:56:37\t54\tMICHAL";
        let mut rep = Vec::new();
        let mut notes = Vec::new();
        let r = parse_line(line, &mut rep, &mut notes).unwrap();
        assert_eq!(rep, vec![RepairKind::SpacesForTab { tab_fields: 16 }]);
        match r {
            ParsedRecord::Call { call, .. } => {
                assert_eq!(call.secs_of_day, 6 * 3600 + 55 * 60 + 26);
                assert_eq!(call.wait_secs, 17.0);
            }
            ParsedRecord::Phantom => panic!("not phantom"),
        }
    }

    #[test]
    fn past_midnight_rolls_to_next_day() {
        let line = "AA0115\t14375\t25245705\t1\tPS\t990210\t23:59:56\t23:59:56\t0\t0:00:02\t0:00:29\t27\tAGENT\t0:00:29\t0:00:58\t29\tBENSION";
        let r = parse_line(line, &mut Vec::new(), &mut Vec::new()).unwrap();
        match r {
            ParsedRecord::Call {
                call, covered_day, ..
            } => {
                assert_eq!(call.day, NaiveDate::from_ymd_opt(1999, 2, 11).unwrap());
                assert_eq!(covered_day, NaiveDate::from_ymd_opt(1999, 2, 10).unwrap());
                assert_eq!(call.secs_of_day, 2);
            }
            ParsedRecord::Phantom => panic!("not phantom"),
        }
    }
}
