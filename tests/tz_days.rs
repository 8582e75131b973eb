//! Daylight-saving days end to end (issue #12, build item 5 and its must-show): a call log of
//! UTC instants across a US fall-back night, ingested with `--tz America/New_York`, gives 50
//! half-hours on that local day, each with its UTC offset, counted exactly as Python's zoneinfo
//! counts them (an independent tz implementation; the counts are committed next to the log by
//! `scripts/gen_tz_fixtures.py`), and `forecast --tz` and `staff --tz` accept the result and
//! write the day's 50 intervals with their offsets. The spring-forward day has 46.
//! `schedule --tz` plans ordinary days (coverage with offsets) and refuses a clock-change day
//! with an error that says so; `audit --tz` audits a month with a spring-forward day (counts
//! equal zoneinfo's) and refuses a fall-back night's repeated hour with an error that says so
//! (neither stage merges the repeated hour silently).

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

    // Schedule and audit do not merge the repeated hour: each says it cannot plan that night.
    let staff = tmp("fallback_staff.csv");
    let (code, err) = run_tz(&[
        "schedule",
        "--requirement",
        staff.to_str().unwrap(),
        "--shifts",
        shifts.to_str().unwrap(),
        "--out",
        tmp("fallback_schedule_change").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("fallback_staff.csv:2, column `interval_start`"),
        "{err}"
    );
    assert!(
        err.contains("1999-10-31 has 25 hours in America/New_York (a clock change)"),
        "{err}"
    );
    let (code, err) = run_tz(&[
        "audit",
        "--period",
        "1999-10",
        "--actuals",
        hist.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("two intervals of a fall-back night's repeated hour"),
        "{err}"
    );
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
    let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args([
            "audit",
            "--period",
            "1999-04",
            "--actuals",
            hist.to_str().unwrap(),
        ])
        .args(["--tz", ZONE, "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kpis = String::from_utf8(out.stdout).unwrap();
    let offered = kpis
        .lines()
        .find(|l| l.starts_with("1999-04,all,offered,"))
        .and_then(|l| l.split(',').nth(5))
        .unwrap()
        .to_string();
    let want: u64 = column(&fixture("springforward_zoneinfo.csv"), "offered")
        .iter()
        .filter(|(t, _)| t.starts_with("1999-04"))
        .map(|(_, n)| n.parse::<u64>().unwrap())
        .sum();
    assert_eq!(offered, want.to_string());
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
