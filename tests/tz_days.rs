//! Daylight-saving days end to end (issue #12, build item 5 and its must-show): a call log of
//! UTC instants across a US fall-back night, ingested with `--tz America/New_York`, gives 50
//! half-hours on that local day, each with its UTC offset, counted exactly as Python's zoneinfo
//! counts them (an independent tz implementation; the counts are committed next to the log by
//! `scripts/gen_tz_fixtures.py`), and `forecast --tz` and `staff --tz` accept the result and
//! write the day's 50 intervals with their offsets. The spring-forward day has 46.
//! `schedule --tz` plans clock-change days on their real intervals; `audit --tz` audits a month
//! with a fall-back or a spring-forward day: the day's offered and answered calls equal
//! zoneinfo's, and its intervals are zoneinfo's 50 (46), each with its offset (the repeated
//! hour is never merged).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const ZONE: &str = "America/New_York";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tz")
        .join(name)
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wfm-tz-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// Runs `wfm` with `--tz America/New_York`: exit code and stderr.
fn run_tz(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(args)
        .args(["--tz", ZONE])
        .output()
        .expect("wfm runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `wfm` with `--tz America/New_York`; returns stderr, asserting exit 0.
fn wfm_tz(args: &[&str]) -> String {
    let (code, err) = run_tz(args);
    assert_eq!(code, Some(0), "wfm {args:?}: {err}");
    err
}

/// `(interval_start, column value)` of every data row of a CSV.
fn column(path: &Path, name: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let c = header.iter().position(|h| *h == name).unwrap();
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[c].to_string())
        })
        .collect()
}

fn on_day<'a>(rows: &'a [(String, String)], day: &str) -> Vec<&'a str> {
    rows.iter()
        .filter(|(t, _)| t.starts_with(day))
        .map(|(t, _)| t.as_str())
        .collect()
}

/// Every interval start carries its UTC offset (RFC 3339), e.g. `…T01:00:00-05:00`.
fn has_offset(t: &str) -> bool {
    t.len() == 25 && (t.ends_with(":00") && (&t[19..20] == "-" || &t[19..20] == "+"))
}

/// Ingests `<case>_calls.csv` and checks it against `<case>_zoneinfo.csv` count for count.
fn ingest_matches_zoneinfo(case: &str) -> PathBuf {
    let hist = tmp(&format!("{case}_hist.csv"));
    let log = fixture(&format!("{case}_calls.csv"));
    wfm_tz(&[
        "ingest",
        "calls",
        log.to_str().unwrap(),
        "--interval",
        "30m",
        "--out",
        hist.to_str().unwrap(),
    ]);
    let got: BTreeMap<String, String> = column(&hist, "offered").into_iter().collect();
    let want: BTreeMap<String, String> =
        column(&fixture(&format!("{case}_zoneinfo.csv")), "offered")
            .into_iter()
            .collect();
    assert_eq!(got, want, "wfm's counts per local interval vs zoneinfo's");
    // Every call of the log is counted once.
    let calls = std::fs::read_to_string(&log).unwrap().lines().count() - 1;
    let counted: usize = got.values().map(|n| n.parse::<usize>().unwrap()).sum();
    assert_eq!(counted, calls);
    hist
}

/// Forecasts the day of the clock change from the week before it, then staffs the forecast:
/// returns the interval starts of that day in the forecast and in the staffing.
fn forecast_and_staff(case: &str, hist: &Path, day: &str) -> (Vec<String>, Vec<String>) {
    let fc = tmp(&format!("{case}_forecast.csv"));
    let staff = tmp(&format!("{case}_staff.csv"));
    wfm_tz(&[
        "forecast",
        "--history",
        hist.to_str().unwrap(),
        "--start",
        &format!("{day}T00:00:00"),
        "--horizon",
        "2d",
        "--out",
        fc.to_str().unwrap(),
    ]);
    wfm_tz(&[
        "staff",
        "--input",
        fc.to_str().unwrap(),
        "--sl",
        "80/20",
        "--out",
        staff.to_str().unwrap(),
    ]);
    let f = column(&fc, "forecast");
    let s = column(&staff, "agents");
    for (t, _) in f.iter().chain(&s) {
        assert!(has_offset(t), "{t} has no UTC offset");
    }
    let starts =
        |rows: &[(String, String)]| on_day(rows, day).iter().map(|t| t.to_string()).collect();
    (starts(&f), starts(&s))
}

#[test]
fn fall_back_day_has_50_half_hours_through_ingest_forecast_and_staff() {
    let hist = ingest_matches_zoneinfo("fallback");
    let rows = column(&hist, "offered");
    assert_eq!(on_day(&rows, "1999-10-30").len(), 48);
    assert_eq!(on_day(&rows, "1999-10-31").len(), 50, "the fall-back day");
    assert_eq!(on_day(&rows, "1999-11-01").len(), 48);
    for (t, _) in &rows {
        assert!(has_offset(t), "{t}");
    }
    let text = std::fs::read_to_string(&hist).unwrap();
    assert!(text.contains("1999-10-31T01:30:00-04:00,PS,"));
    assert!(text.contains("1999-10-31T01:30:00-05:00,PS,"));

    // Fitting over the fall-back day: the repeated hour's two intervals are one slot.
    let full = tmp("fallback_forecast_full.csv");
    let err = wfm_tz(&[
        "forecast",
        "--history",
        hist.to_str().unwrap(),
        "--horizon",
        "7d",
        "--out",
        full.to_str().unwrap(),
    ]);
    assert!(
        err.contains("2 row(s) of a fall-back night's repeated hour"),
        "{err}"
    );
    assert_eq!(column(&full, "forecast").len(), 7 * 48);

    // Ordinary days schedule, with offsets in the coverage.
    let staff_full = tmp("fallback_staff_full.csv");
    let sched = tmp("fallback_schedule");
    let shifts = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/shifts.toml");
    wfm_tz(&[
        "staff",
        "--input",
        full.to_str().unwrap(),
        "--out",
        staff_full.to_str().unwrap(),
    ]);
    wfm_tz(&[
        "schedule",
        "--requirement",
        staff_full.to_str().unwrap(),
        "--shifts",
        shifts.to_str().unwrap(),
        "--days",
        "1",
        "--out",
        sched.to_str().unwrap(),
    ]);
    let cov = column(&sched.join("coverage.csv"), "scheduled");
    assert!(!cov.is_empty());
    assert!(cov.iter().all(|(t, _)| t.ends_with("-05:00")), "{cov:?}");

    let (fc, staff) = forecast_and_staff("fallback", &hist, "1999-10-31");
    assert_eq!(fc.len(), 50, "{fc:?}");
    assert_eq!(staff, fc, "staffing keeps every interval and its offset");

    // The schedule plans the fall-back day on its 50 intervals (the staffing's, with their
    // offsets): the requirement's agent-hours are the staffing's exact sum over them.
    let staff = tmp("fallback_staff.csv");
    let sched_day = tmp("fallback_schedule_change");
    wfm_tz(&[
        "schedule",
        "--requirement",
        staff.to_str().unwrap(),
        "--shifts",
        shifts.to_str().unwrap(),
        "--from",
        "1999-10-31",
        "--days",
        "1",
        "--out",
        sched_day.to_str().unwrap(),
    ]);
    let cov = column(&sched_day.join("coverage.csv"), "required");
    let half_hours: Vec<String> = cov
        .iter()
        .map(|(t, _)| t.clone())
        .filter(|t| matches!(&t[14..16], "00" | "30"))
        .collect();
    assert_eq!(
        half_hours, fc,
        "the plan's 15-min coverage on the day's 50 half-hours"
    );
    assert_eq!(cov.len(), 100, "50 half-hours planned at 15 min");
    let rows = records(&staff);
    let basis = if rows[0].contains_key("agents_scheduled") {
        "agents_scheduled"
    } else {
        "agents"
    };
    let want_hours: f64 = rows
        .iter()
        .filter(|r| r["interval_start"].starts_with("1999-10-31"))
        .map(|r| r[basis].parse::<f64>().unwrap() * 0.5)
        .sum();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sched_day.join("summary.json")).unwrap())
            .unwrap();
    let got_hours = summary["required_agent_hours"].as_f64().unwrap();
    assert!(
        (got_hours - want_hours).abs() < 1e-6,
        "{got_hours} vs {want_hours}"
    );

    // The simulation runs on elapsed time: its intervals are the day's 50 with their offsets,
    // and its day is the local day (offered over the day = the sum over its intervals).
    let sim = |level: &str| {
        let out = tmp(&format!("fallback_sim_{level}.csv"));
        wfm_tz(&[
            "simulate",
            "--demand",
            tmp("fallback_forecast.csv").to_str().unwrap(),
            "--staffing",
            staff.to_str().unwrap(),
            "--reps",
            "3",
            "--level",
            level,
            "--out",
            out.to_str().unwrap(),
        ]);
        records(&out)
    };
    let by_interval = sim("interval");
    let sim_day: Vec<&str> = by_interval
        .iter()
        .map(|r| r["interval_start"].as_str())
        .filter(|t| t.starts_with("1999-10-31"))
        .collect();
    assert_eq!(sim_day, fc, "simulated intervals of the fall-back day");
    let offered_day: f64 = by_interval
        .iter()
        .filter(|r| r["interval_start"].starts_with("1999-10-31"))
        .map(|r| r["offered"].parse::<f64>().unwrap())
        .sum();
    let by_day = sim("day");
    let dates: Vec<&str> = by_day.iter().map(|r| r["date"].as_str()).collect();
    assert_eq!(dates, ["1999-10-31", "1999-11-01"]);
    let day_offered: f64 = by_day[0]["offered"].parse().unwrap();
    assert!(
        (day_offered - offered_day).abs() < 0.001 * 50.0,
        "{day_offered} vs {offered_day}"
    );

    // The audit keeps the repeated hour's two intervals apart: the day's 50, counted as
    // zoneinfo counts them.
    audit_matches_zoneinfo("fallback", &hist, "1999-10", "1999-10-31", 50);
    let order: Vec<&str> = fc[2..8].iter().map(|t| &t[11..]).collect();
    assert_eq!(
        order,
        [
            "01:00:00-04:00",
            "01:30:00-04:00",
            "01:00:00-05:00",
            "01:30:00-05:00",
            "02:00:00-05:00",
            "02:30:00-05:00"
        ],
        "time order of instants"
    );
}

#[test]
fn spring_forward_day_has_46_half_hours_through_ingest_forecast_and_staff() {
    let hist = ingest_matches_zoneinfo("springforward");
    let rows = column(&hist, "offered");
    assert_eq!(
        on_day(&rows, "1999-04-04").len(),
        46,
        "the spring-forward day"
    );
    assert_eq!(on_day(&rows, "1999-04-05").len(), 48);
    let (fc, staff) = forecast_and_staff("springforward", &hist, "1999-04-04");
    assert_eq!(fc.len(), 46, "{fc:?}");
    assert_eq!(staff, fc);
    assert!(
        fc.iter().all(|t| !t.contains("T02:")),
        "no 02:00 on that day"
    );
    assert!(fc.contains(&"1999-04-04T01:30:00-05:00".to_string()));
    assert!(fc.contains(&"1999-04-04T03:00:00-04:00".to_string()));

    // The audit of April (1–5 April in the log) counts the calls of its local days.
    audit_matches_zoneinfo("springforward", &hist, "1999-04", "1999-04-04", 46);
}

/// `wfm audit --tz` of `period` over the ingested `hist`: the month's offered calls, and the
/// offered and answered calls of the clock-change `day`, equal zoneinfo's counts; the audit's
/// intervals of that day (library API, same zone) are zoneinfo's `n`, in elapsed order, each
/// with its offset and its offered count.
fn audit_matches_zoneinfo(case: &str, hist: &Path, period: &str, day: &str, n: usize) {
    let zi = records(&fixture(&format!("{case}_zoneinfo.csv")));
    let sum = |prefix: &str, col: &str| -> u64 {
        zi.iter()
            .filter(|r| r["interval_start"].starts_with(prefix))
            .map(|r| r[col].parse::<u64>().unwrap())
            .sum()
    };
    let audit_csv = |section: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
            .args(["audit", "--period", period, "--actuals"])
            .arg(hist)
            .args(["--tz", ZONE, "--section", section, "--format", "csv"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{case}: {err}");
        String::from_utf8(out.stdout).unwrap()
    };
    let kpis = audit_csv("kpis");
    let offered = kpis
        .lines()
        .find(|l| l.starts_with(&format!("{period},all,offered,")))
        .and_then(|l| l.split(',').nth(5))
        .unwrap()
        .to_string();
    assert_eq!(offered, sum(period, "offered").to_string(), "{case}: month");
    let daily = audit_csv("daily");
    let row = daily
        .lines()
        .find(|l| l.starts_with(&format!("{day},")))
        .unwrap_or_else(|| panic!("{case}: no daily row for {day}: {daily}"));
    let f: Vec<&str> = row.split(',').collect();
    assert_eq!(
        f[1],
        sum(day, "offered").to_string(),
        "{case}: offered {row}"
    );
    assert_eq!(
        f[2],
        sum(day, "answered").to_string(),
        "{case}: answered {row}"
    );

    // The day's intervals, through the library with the same zone as --tz.
    wfm::table::set_default_zone(Some(ZONE.parse().unwrap()));
    let options = wfm::audit::AuditOptions::new(wfm::audit::Period::parse(period).unwrap());
    let paths = wfm::audit::InputPaths {
        actuals: hist.to_path_buf(),
        ..Default::default()
    };
    let inputs = wfm::audit::AuditInputs::load(&paths, &options).unwrap();
    let a = wfm::audit::audit(&inputs, &options).unwrap();
    let got: Vec<(String, String)> = a
        .intervals
        .iter()
        .map(|r| (r.interval_start.to_rfc3339(), format!("{}", r.offered)))
        .filter(|(t, _)| t.starts_with(day))
        .collect();
    let want: Vec<(String, String)> = zi
        .iter()
        .filter(|r| r["interval_start"].starts_with(day))
        .map(|r| (r["interval_start"].clone(), r["offered"].clone()))
        .collect();
    assert_eq!(got.len(), n, "{case}: intervals of {day}");
    assert_eq!(got, want, "{case}: the audit's intervals vs zoneinfo's");
}

/// Without `--tz` an offset-carrying file is refused with a located error that says what to do
/// (never read as naive local time), and two rows of one wall-clock time with the same offset
/// are still a duplicate.
#[test]
fn instants_need_tz_and_duplicates_stay_errors() {
    let hist = ingest_matches_zoneinfo("fallback");
    let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(["forecast", "--history", hist.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("fallback_hist.csv:2, column `interval_start`"),
        "{err}"
    );
    assert!(err.contains("--tz"), "{err}");

    let dup = tmp("dup_staff_input.csv");
    std::fs::write(
        &dup,
        "interval_start,queue,offered,aht_seconds\n\
         1999-10-31T01:00:00-04:00,PS,5,200\n1999-10-31T01:30:00-04:00,PS,5,200\n\
         1999-10-31T01:00:00-05:00,PS,5,200\n1999-10-31T01:00:00-04:00,PS,5,200\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(["staff", "--input", dup.to_str().unwrap(), "--tz", ZONE])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("dup_staff_input.csv:5"), "{err}");
    assert!(err.contains("1999-10-31T01:00:00-04:00"), "{err}");
}

/// Runs `wfm … --tz zone`: exit code, stdout, stderr.
fn wfm_in(zone: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(args)
        .args(["--tz", zone])
        .output()
        .expect("wfm runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Rows of a CSV file as maps from column name to value.
fn records(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

/// Seconds east of UTC of an RFC 3339 stamp or an `HH:MM±hh:mm` clock time.
fn offset_secs(t: &str) -> i64 {
    let o = &t[t.len() - 6..];
    let sign = if o.starts_with('-') { -1 } else { 1 };
    sign * (o[1..3].parse::<i64>().unwrap() * 3600 + o[4..6].parse::<i64>().unwrap() * 60)
}

/// Minutes after midnight of an `HH:MM…` clock time.
fn clock_minutes(t: &str) -> i64 {
    t[..2].parse::<i64>().unwrap() * 60 + t[3..5].parse::<i64>().unwrap()
}

/// `wfm schedule --tz` on the four clock-change days of `clock_days.csv` (US and Europe, spring
/// and fall), each a one-day requirement of 2 agents in every interval, covered by 1-hour
/// shifts: the plan covers exactly the intervals zoneinfo enumerates for that local day (46 or
/// 50, with their offsets, in elapsed order), 2 agents each, and pays the day's real elapsed
/// hours (2 × 23 or 2 × 25, not 2 × 24); every shift's elapsed length, from its start and end
/// with their offsets, is its template's hour.
#[test]
fn schedule_plans_clock_change_days_on_their_real_intervals() {
    let days = records(&fixture("clock_days.csv"));
    let rules = tmp("hourly_shifts.toml");
    std::fs::write(
        &rules,
        "schema_version = 1\ninterval = \"30m\"\nweek_wraps = false\n\n\
         [[template]]\nname = \"hour\"\nlength = \"1h\"\nstart_earliest = \"00:00\"\n\
         start_latest = \"23:30\"\nstart_step = \"30m\"\ncost_per_hour = 1.0\novernight = false\n",
    )
    .unwrap();
    let mut cases: Vec<(String, String)> = days
        .iter()
        .map(|r| (r["zone"].clone(), r["date"].clone()))
        .collect();
    cases.dedup();
    assert_eq!(cases.len(), 4);
    for (zone, date) in &cases {
        let want: Vec<&str> = days
            .iter()
            .filter(|r| &r["zone"] == zone && &r["date"] == date)
            .map(|r| r["interval_start"].as_str())
            .collect();
        assert!(want.len() == 46 || want.len() == 50, "{zone} {date}");
        let case = format!("{}_{date}", zone.replace('/', "_"));
        let req = tmp(&format!("{case}_requirement.csv"));
        let mut text = String::from("interval_start,queue,agents\n");
        for t in &want {
            text.push_str(&format!("{t},PS,2\n"));
        }
        std::fs::write(&req, text).unwrap();
        let dir = tmp(&format!("{case}_schedule"));
        let (code, _, err) = wfm_in(
            zone,
            &[
                "schedule",
                "--requirement",
                req.to_str().unwrap(),
                "--shifts",
                rules.to_str().unwrap(),
                "--out",
                dir.to_str().unwrap(),
            ],
        );
        assert_eq!(code, Some(0), "{zone} {date}: {err}");
        let cov = records(&dir.join("coverage.csv"));
        let got: Vec<&str> = cov.iter().map(|r| r["interval_start"].as_str()).collect();
        assert_eq!(got, want, "{zone} {date}: coverage intervals vs zoneinfo's");
        for r in &cov {
            assert_eq!(r["scheduled"].parse::<f64>().unwrap(), 2.0, "{r:?}");
        }
        let hours = want.len() as f64 / 2.0;
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap())
                .unwrap();
        assert_eq!(summary["required_agent_hours"].as_f64(), Some(2.0 * hours));
        assert_eq!(
            summary["paid_agent_hours"].as_f64(),
            Some(2.0 * hours),
            "{zone} {date}: paid hours are the day's elapsed hours"
        );
        let plan = records(&dir.join("plan.csv"));
        let mut paid = 0.0;
        for p in &plan {
            let (s, e) = (p["start"].as_str(), p["end"].as_str());
            let elapsed = (clock_minutes(e) - offset_secs(e) / 60 - clock_minutes(s)
                + offset_secs(s) / 60)
                .rem_euclid(1440);
            assert_eq!(elapsed, 60, "{zone} {date}: {p:?}");
            paid += p["count"].parse::<f64>().unwrap() * p["paid_hours"].parse::<f64>().unwrap();
        }
        assert_eq!(paid, 2.0 * hours, "{zone} {date}: Σ plan rows");
    }
}
