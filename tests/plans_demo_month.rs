//! Issue #14, "Must show": a 28-day roster of the example agents (`models/agents_example.csv`,
//! monthly hours caps) with the two approved leaves of `models/leave_example.csv`, on the demo's
//! own February: `wfm demo`'s ingest, forecast and staffing steps are run here with the demo's
//! arguments (their staffing is checked byte for byte against the demo's golden fingerprint),
//! then the month is planned and rostered as docs/schedule.md documents. Every clause is
//! checked from the output files, independently of the solver: no agent works on leave (a
//! shift neither starts nor ends on a leave day), rest and at most 6 days in a row hold across
//! the 7-day blocks the roster is solved in, monthly hours within each agent's cap, every
//! agent and its leave in the summary, and each `ics/<agent>.ics` holds exactly that agent's
//! shifts of roster.csv and one all-day event per leave day. (`python/tests/test_roster_ics.py`
//! opens the same calendars with the `icalendar` parser.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// `[tours] min_rest` of models/shifts.toml.
const MIN_REST_HOURS: i64 = 11;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn wfm(dir: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "wfm {args:?}: {err}");
    err
}

/// FNV-1a 64 (as `tests/demo.rs`): the fingerprint the demo golden file holds.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

/// The demo's February staffing (`03_staff_feb.csv`), made as `wfm demo` makes it.
fn demo_february(d: &Path) -> PathBuf {
    let r = root().display().to_string();
    wfm(
        d,
        &[
            "ingest",
            "calls",
            &format!("{r}/data/anonbank/january_01-14.txt"),
            "--interval",
            "30m",
            "--out",
            "01_ingest_jan01-14.csv",
        ],
    );
    wfm(
        d,
        &[
            "forecast",
            "--history",
            &format!("{r}/data/audit/actuals_1999-01_02.csv"),
            "--calendar",
            &format!("{r}/data/anonbank/special_days_1999.csv"),
            "--model",
            "auto",
            "--start",
            "1999-02-01T00:00:00",
            "--horizon",
            "28d",
            "--out",
            "02_forecast_feb.csv",
        ],
    );
    wfm(
        d,
        &[
            "staff",
            "--input",
            "02_forecast_feb.csv",
            "--config",
            &format!("{r}/models/staffing.toml"),
            "--history",
            "01_ingest_jan01-14.csv",
            "--out",
            "03_staff_feb.csv",
        ],
    );
    let staff = d.join("03_staff_feb.csv");
    let bytes = std::fs::read(&staff).unwrap();
    let golden = std::fs::read_to_string(root().join("tests/fixtures/demo_golden.txt")).unwrap();
    let want = golden
        .lines()
        .find(|l| l.starts_with("03_staff_feb.csv "))
        .unwrap();
    assert_eq!(
        format!("03_staff_feb.csv {:016x} {}", fnv1a(&bytes), bytes.len()),
        want,
        "not the demo's February staffing"
    );
    staff
}

/// A shift of roster.csv as (start, end) date-times; an end at or before the start is on the
/// next day (overnight).
fn span(r: &BTreeMap<String, String>) -> (NaiveDateTime, NaiveDateTime) {
    let date = NaiveDate::parse_from_str(&r["date"], "%Y-%m-%d").unwrap();
    let t = |k: &str| NaiveTime::parse_from_str(&r[k], "%H:%M").unwrap();
    let start = date.and_time(t("start"));
    let mut end = date.and_time(t("end"));
    if end <= start {
        end += Duration::days(1);
    }
    (start, end)
}

/// (DTSTART, DTEND) of the SHIFT events and the dates of the LEAVE events of an .ics file
/// (RFC 5545: lines end in CRLF, folded lines continue with a space).
fn ics_events(
    text: &str,
) -> (
    BTreeSet<(NaiveDateTime, NaiveDateTime)>,
    BTreeSet<NaiveDate>,
) {
    let unfolded = text.replace("\r\n ", "");
    let (mut shifts, mut leave) = (BTreeSet::new(), BTreeSet::new());
    for ev in unfolded.split("BEGIN:VEVENT").skip(1) {
        let get = |k: &str| {
            ev.split("\r\n")
                .find_map(|l| l.strip_prefix(k))
                .unwrap_or_else(|| panic!("{k} missing in {ev}"))
                .to_string()
        };
        if ev.contains("CATEGORIES:LEAVE") {
            let d = get("DTSTART;VALUE=DATE:");
            leave.insert(NaiveDate::parse_from_str(&d, "%Y%m%d").unwrap());
        } else {
            assert!(ev.contains("CATEGORIES:SHIFT"), "{ev}");
            let t = |s: String| NaiveDateTime::parse_from_str(&s, "%Y%m%dT%H%M%S").unwrap();
            shifts.insert((t(get("DTSTART:")), t(get("DTEND:"))));
        }
    }
    (shifts, leave)
}

#[test]
fn a_month_roster_of_the_example_agents_on_the_demos_february_keeps_leave_and_caps() {
    let d = std::env::temp_dir().join(format!("wfm-plans-demo-month-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let staff = demo_february(&d);
    let r = root().display().to_string();
    let (agents_csv, leave_csv) = (
        format!("{r}/models/agents_example.csv"),
        format!("{r}/models/leave_example.csv"),
    );
    let month = |out: &str| {
        Command::new(env!("CARGO_BIN_EXE_wfm"))
            .current_dir(&d)
            .args([
                "schedule",
                "--requirement",
                staff.to_str().unwrap(),
                "--from",
                "1999-02-01",
                "--days",
                "28",
                "--shifts",
                &format!("{r}/models/shifts.toml"),
                "--method",
                "greedy",
                "--config",
                &format!("{r}/models/staffing.toml"),
                "--history",
                "01_ingest_jan01-14.csv",
                "--agents",
                &agents_csv,
                "--leave",
                &leave_csv,
                "--out",
                out,
            ])
            // Files, not pipes: two children writing while only one is read could block.
            .stdout(std::fs::File::create(d.join(format!("{out}.stdout"))).unwrap())
            .stderr(std::fs::File::create(d.join(format!("{out}.stderr"))).unwrap())
            .spawn()
            .unwrap()
    };
    // Two runs at once, each loading the machine for the other: the roster stops on its node
    // limit, not a clock, so both write the same bytes.
    let (mut a, mut b) = (month("month"), month("month_again"));
    let (a, b) = (a.wait().unwrap(), b.wait().unwrap());
    let err = std::fs::read_to_string(d.join("month.stderr")).unwrap();
    assert!(err.contains("leave: 2 approved range(s) read"), "{err}");
    // 26 agents cannot cover a month sized at ~34 FTE: the roster leaves shifts unassigned,
    // lists them and says why, with exit code 3.
    assert_eq!(a.code(), Some(3), "{err}");
    assert_eq!(b.code(), Some(3));
    assert!(
        err.contains("the roster left ") && err.contains("shifts unassigned ("),
        "{err}"
    );
    let out = d.join("month");
    let files = |dir: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        let mut all = BTreeMap::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(p) = todo.pop() {
            for e in std::fs::read_dir(&p).unwrap() {
                let e = e.unwrap().path();
                if e.is_dir() {
                    todo.push(e);
                } else {
                    all.insert(
                        e.strip_prefix(dir).unwrap().to_path_buf(),
                        std::fs::read(&e).unwrap(),
                    );
                }
            }
        }
        all
    };
    let (first, second) = (files(&out), files(&d.join("month_again")));
    assert!(first.len() > 26, "{:?}", first.keys());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &first {
        assert!(
            second[name] == *bytes,
            "{} differs between two runs",
            name.display()
        );
    }
    let agents = rows(Path::new(&agents_csv));
    let leave = rows(Path::new(&leave_csv));
    assert_eq!(leave.len(), 2);
    let roster = rows(&out.join("roster.csv"));
    let assigned: Vec<_> = roster
        .iter()
        .filter(|x| x["agent"] != "UNASSIGNED")
        .collect();
    assert!(assigned.len() > 300, "{} shifts assigned", assigned.len());
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let unassigned = roster.len() - assigned.len();
    assert_eq!(summary["roster"]["unassigned_shifts"], unassigned);
    assert_eq!(
        summary["roster"]["unassigned"].as_array().unwrap().len(),
        unassigned
    );
    assert!(
        err.contains(&format!(
            "the roster left {unassigned} of {} shifts",
            roster.len()
        )),
        "{err}"
    );
    // Why the roster search stopped: a status from the node limit or optimality, never the
    // wall-clock safety net.
    let status = summary["roster"]["status"].as_str().unwrap();
    assert!(status == "optimal" || status == "node_limit", "{status}");
    assert_eq!(summary["roster"]["blocks"].as_array().unwrap().len(), 4);
    // Every date of the month, every agent's leave days.
    let day0 = NaiveDate::from_ymd_opt(1999, 2, 1).unwrap();
    let mut on_leave: BTreeMap<&str, BTreeSet<NaiveDate>> = BTreeMap::new();
    for l in &leave {
        let (from, to) = (
            NaiveDate::parse_from_str(&l["from"], "%Y-%m-%d").unwrap(),
            NaiveDate::parse_from_str(&l["to"], "%Y-%m-%d").unwrap(),
        );
        for day in from.iter_days().take_while(|x| *x <= to) {
            on_leave.entry(l["agent"].as_str()).or_default().insert(day);
        }
    }
    for x in &assigned {
        let (start, end) = span(x);
        assert!(start.date() >= day0 && start.date() < day0 + Duration::days(28));
        if let Some(days) = on_leave.get(x["agent"].as_str()) {
            // A shift ending at midnight does not touch the next day.
            let last = (end - Duration::seconds(1)).date();
            assert!(
                !days.contains(&start.date()) && !days.contains(&last),
                "works on leave: {x:?}"
            );
        }
    }
    // Rest (`min_rest` of models/shifts.toml) and at most 6 consecutive working days, over the
    // whole month: the roster is solved in 7-day blocks, so this checks the carry-over.
    let mut spans: BTreeMap<&str, Vec<(NaiveDateTime, NaiveDateTime)>> = BTreeMap::new();
    for x in &assigned {
        spans.entry(x["agent"].as_str()).or_default().push(span(x));
    }
    for (agent, list) in &mut spans {
        list.sort();
        for w in list.windows(2) {
            assert!(
                w[1].0 - w[0].1 >= Duration::hours(MIN_REST_HOURS),
                "{agent}: rest {w:?}"
            );
        }
        let mut run = 1;
        for w in list.windows(2) {
            run = if w[1].0.date() == w[0].0.date() + Duration::days(1) {
                run + 1
            } else {
                1
            };
            assert!(run <= 6, "{agent}: {run} days in a row up to {:?}", w[1].0);
        }
    }
    // Monthly hours within contract, and every agent (with its leave) in the summary.
    let listed = summary["roster"]["agents_summary"].as_array().unwrap();
    assert_eq!(listed.len(), agents.len());
    for (a, s) in agents.iter().zip(listed) {
        let id = a["id"].as_str();
        assert_eq!(s["agent"], id);
        let mine: Vec<_> = assigned.iter().filter(|x| x["agent"] == id).collect();
        let hours: f64 = mine
            .iter()
            .map(|x| x["paid_hours"].parse::<f64>().unwrap())
            .sum();
        let cap: f64 = a["monthly_hours"].parse().unwrap();
        assert!(hours <= cap + 1e-9, "{id}: {hours} h over its cap {cap}");
        assert_eq!(s["monthly_cap_hours"].as_f64().unwrap(), cap, "{id}");
        assert!(
            (s["paid_hours"].as_f64().unwrap() - hours).abs() < 1e-6,
            "{id}"
        );
        assert_eq!(s["shifts"].as_u64().unwrap(), mine.len() as u64, "{id}");
        assert_eq!(s["shifts_on_leave"], 0, "{id}");
        let n_leave = on_leave.get(id).map_or(0, BTreeSet::len);
        assert_eq!(s["leave_days"].as_u64().unwrap(), n_leave as u64, "{id}");
        // The calendar: the CSV's shifts, and one all-day event per leave day.
        let ics = std::fs::read_to_string(out.join("ics").join(format!("{id}.ics"))).unwrap();
        let (shifts, leave_days) = ics_events(&ics);
        let want: BTreeSet<_> = mine.iter().map(|x| span(x)).collect();
        assert_eq!(shifts, want, "{id}: .ics shifts differ from roster.csv");
        assert_eq!(
            leave_days,
            on_leave.get(id).cloned().unwrap_or_default(),
            "{id}"
        );
    }
    assert_eq!(
        listed
            .iter()
            .filter(|s| s["leave_days"].as_u64().unwrap() > 0)
            .map(|s| s["agent"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["A03", "A11"]
    );
    std::fs::remove_dir_all(&d).ok();
}
