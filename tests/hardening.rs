//! Regressions of issue #16 ("no silent wrong answer, no hang, no abort"): every bad input gets
//! an error naming the file (and line / column where one exists) and the domain it breaks, or
//! the result of the clean input. One test per case of `docs/hardening.md`; the small inputs are
//! in `tests/fixtures/bad/`.
//!
//! `WFM_BIN=path/to/old/wfm cargo test --test hardening` runs the same cases against another
//! build (e.g. one from before the fixes, where they fail).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Wall-clock bound of every case: nothing may hang.
const NO_HANG: Duration = Duration::from_secs(60);

fn bin() -> PathBuf {
    std::env::var_os("WFM_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_wfm")))
}

fn bad(name: &str) -> String {
    format!("{}/tests/fixtures/bad/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wfm-hardening-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn wfm(args: &[&str]) -> Run {
    let t = Instant::now();
    let out = Command::new(bin())
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run wfm");
    assert!(t.elapsed() < NO_HANG, "wfm {args:?} ran {:?}", t.elapsed());
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// An error exit (1 or 2, never a panic or a signal) whose message contains every `needle`.
#[track_caller]
fn fails_with(r: &Run, needles: &[&str]) {
    assert!(
        r.code == 1 || r.code == 2,
        "expected exit 1 or 2, got {}\nstdout: {}\nstderr: {}",
        r.code,
        r.stdout,
        r.stderr
    );
    for n in needles {
        assert!(r.stderr.contains(n), "`{n}` not in: {}", r.stderr);
    }
}

/// The values of `column` in CSV text.
fn column(csv_text: &str, column: &str) -> Vec<String> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let i = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column `{column}` in {csv_text}"));
    rdr.records().map(|r| r.unwrap()[i].to_string()).collect()
}

// ---- staffing -------------------------------------------------------------------------------

#[test]
fn staff_one_15min_row_in_a_30min_input_is_located_not_a_15min_grid() {
    let clean = wfm(&[
        "staff",
        "--input",
        &bad("staff_30min.csv"),
        "--format",
        "csv",
        "-q",
    ]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(column(&clean.stdout, "agents").iter().all(|a| a == "14"));
    let r = wfm(&[
        "staff",
        "--input",
        &bad("staff_30min_one_15min_row.csv"),
        "--format",
        "csv",
        "-q",
    ]);
    fails_with(
        &r,
        &[
            "staff_30min_one_15min_row.csv:7",
            "interval_start",
            "mixed interval lengths",
        ],
    );
    // Declared, the 15-min grid is the user's choice (and every row is on it).
    let r = wfm(&[
        "staff",
        "--input",
        &bad("staff_30min_one_15min_row.csv"),
        "--interval",
        "15m",
        "--format",
        "csv",
        "-q",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn staff_unreachable_targets_are_errors_stating_the_domain() {
    let input = bad("staff_30min.csv");
    for (flags, needles) in [
        (&["--sl", "100/20"][..], &["--sl", "(0, 100) %"][..]),
        (
            &["--asa-seconds", "0"][..],
            &["--asa-seconds", "(0, 3600]"][..],
        ),
        (
            &[
                "--model",
                "erlang-a",
                "--patience-seconds",
                "60",
                "--max-abandon",
                "0",
            ][..],
            &["--max-abandon", "(0, 1)"][..],
        ),
        (
            &["--model", "erlang-a", "--patience-seconds", "1e308"][..],
            &["--patience-seconds", "(0, 86400]", "1e308"][..],
        ),
    ] {
        let mut args = vec!["staff", "--input", &input, "--format", "csv", "-q"];
        args.extend_from_slice(flags);
        let r = wfm(&args);
        fails_with(&r, needles);
        assert!(r.stdout.is_empty(), "{flags:?} wrote {}", r.stdout);
    }
}

#[test]
fn staff_config_targets_outside_their_domain_name_file_and_key() {
    let cfg = tmp("sl100.toml");
    std::fs::write(&cfg, "schema_version = 1\n[defaults]\nsl_target = 1.0\n").unwrap();
    let r = wfm(&[
        "staff",
        "--input",
        &bad("staff_30min.csv"),
        "--config",
        cfg.to_str().unwrap(),
        "-q",
    ]);
    fails_with(&r, &["sl100.toml", "defaults.sl_target", "(0, 1)"]);
}

#[test]
fn staff_load_beyond_the_erlang_range_is_an_error_not_zero_agents() {
    let r = wfm(&[
        "staff",
        "--input",
        &bad("staff_huge_load.csv"),
        "--format",
        "csv",
        "-q",
    ]);
    fails_with(&r, &["staff_huge_load.csv:3", "offered load", "1e6"]);
}

#[test]
fn staff_absurd_counts_are_located_errors() {
    let f = tmp("offered_1e308.csv");
    std::fs::write(
        &f,
        "interval_start,queue,offered,aht_seconds\n1999-01-04T08:00:00,A,1e308,0\n1999-01-04T08:30:00,A,1,10\n",
    )
    .unwrap();
    let r = wfm(&["staff", "--input", f.to_str().unwrap(), "-q"]);
    fails_with(&r, &["offered_1e308.csv:2", "offered", "1e308"]);
    assert!(!r.stderr.contains("00000000000000000000"), "{}", r.stderr);
}

// ---- forecast and backtest ------------------------------------------------------------------

#[test]
fn forecast_from_one_day_of_history_is_an_error_not_six_closed_days() {
    let r = wfm(&[
        "forecast",
        "--history",
        &bad("history_one_day.csv"),
        "--format",
        "csv",
    ]);
    fails_with(
        &r,
        &["history_one_day.csv", "covers 1 day(s)", "at least 7"],
    );
}

#[test]
fn forecast_start_after_the_history_keeps_the_weekdays() {
    let h = bad("history_5w_mon_peak.csv");
    // The history ends on Sunday 1999-02-07 (Mondays 100 per interval, other days 10, Sundays
    // closed). From the end with 10 days, and from Wednesday 02-10 with 7: the same intervals.
    let from_end = wfm(&[
        "forecast",
        "--history",
        &h,
        "--model",
        "seasonal-naive-week",
        "--horizon",
        "10d",
        "--format",
        "csv",
    ]);
    assert_eq!(from_end.code, 0, "{}", from_end.stderr);
    let later = wfm(&[
        "forecast",
        "--history",
        &h,
        "--model",
        "seasonal-naive-week",
        "--start",
        "1999-02-10T00:00:00",
        "--horizon",
        "7d",
        "--format",
        "csv",
    ]);
    assert_eq!(later.code, 0, "{}", later.stderr);
    let tail: Vec<&str> = from_end
        .stdout
        .lines()
        .filter(|l| l.as_bytes()[0].is_ascii_digit() && &l[..10] >= "1999-02-10")
        .collect();
    let rows: Vec<&str> = later.stdout.lines().skip(1).collect();
    assert_eq!(rows, tail);
    assert!(rows
        .iter()
        .any(|l| l.starts_with("1999-02-15T08:00:00,A,100.000")));
    assert!(
        !rows.iter().any(|l| l.starts_with("1999-02-14")),
        "a Sunday is closed"
    );
    // Years later is beyond the horizon limit, not a forecast.
    let r = wfm(&[
        "forecast",
        "--history",
        &h,
        "--start",
        "2005-02-10T00:00:00",
        "--format",
        "csv",
    ]);
    fails_with(&r, &["history_5w_mon_peak.csv", "at most 366 days"]);
}

#[test]
fn forecast_horizon_beyond_a_year_is_an_error_not_a_hang() {
    let r = wfm(&[
        "forecast",
        "--history",
        &bad("history_5w_mon_peak.csv"),
        "--horizon",
        "100000d",
    ]);
    fails_with(&r, &["100000.0 days", "at most 366 days"]);
}

#[test]
fn backtest_origin_at_the_end_or_twice_is_an_error_not_nan() {
    let h = bad("history_5w_mon_peak.csv");
    let r = wfm(&[
        "backtest",
        "--history",
        &h,
        "--model",
        "seasonal-naive-week",
        "--origins",
        "1999-02-07T00:00:00",
        "--horizon",
        "7d",
    ]);
    fails_with(
        &r,
        &[
            "history_5w_mon_peak.csv",
            "1999-02-07T00:00:00",
            "no interval of its horizon",
        ],
    );
    assert!(!r.stdout.contains("NaN"));
    let r = wfm(&[
        "backtest",
        "--history",
        &h,
        "--model",
        "seasonal-naive-week",
        "--origins",
        "1999-01-25T00:00:00,1999-01-25T00:00:00",
        "--horizon",
        "7d",
    ]);
    fails_with(&r, &["1999-01-25T00:00:00", "given twice"]);
}

// ---- audit ----------------------------------------------------------------------------------

fn small(name: &str) -> String {
    format!(
        "{}/tests/fixtures/audit/small/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn audit_duplicate_or_off_grid_actuals_are_located_not_counted() {
    let clean = wfm(&[
        "audit",
        "--period",
        "1999-02",
        "--actuals",
        &small("actuals.csv"),
        "--format",
        "csv",
    ]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(clean
        .stdout
        .contains("1999-02,all,offered,calls offered,人工呼入量,50,"));
    let r = wfm(&[
        "audit",
        "--period",
        "1999-02",
        "--actuals",
        &bad("audit_actuals_duplicate_row.csv"),
        "--format",
        "csv",
    ]);
    fails_with(
        &r,
        &[
            "audit_actuals_duplicate_row.csv:9",
            "duplicate row",
            "line 4",
        ],
    );
    let r = wfm(&[
        "audit",
        "--period",
        "1999-02",
        "--actuals",
        &bad("audit_actuals_off_grid_row.csv"),
        "--format",
        "csv",
    ]);
    fails_with(&r, &["audit_actuals_off_grid_row.csv:5", "10:10"]);
}

#[test]
fn audit_duplicates_in_planned_agent_states_and_forecast_are_located() {
    for (flag, file, line) in [
        ("--planned", "audit_planned_duplicate_row.csv", ":7"),
        (
            "--agent-states",
            "audit_agent_states_duplicate_row.csv",
            ":7",
        ),
        ("--forecast", "audit_forecast_duplicate_row.csv", ":7"),
    ] {
        let r = wfm(&[
            "audit",
            "--period",
            "1999-02",
            "--actuals",
            &small("actuals.csv"),
            flag,
            &bad(file),
            "--format",
            "csv",
        ]);
        fails_with(&r, &[&format!("{file}{line}"), "duplicate row"]);
    }
}

#[test]
fn audit_15min_plan_against_30min_actuals_is_an_error_not_half_the_rows() {
    let r = wfm(&[
        "audit",
        "--period",
        "1999-02",
        "--actuals",
        &small("actuals.csv"),
        "--planned",
        &bad("audit_planned_15min.csv"),
        "--format",
        "csv",
    ]);
    fails_with(&r, &["audit_planned_15min.csv:4", "09:15", "30-min grid"]);
}

// ---- schedule and roster --------------------------------------------------------------------

fn schedule(requirement: &str, agents: Option<&str>, out: &str) -> Run {
    let shifts = format!("{}/models/shifts.toml", env!("CARGO_MANIFEST_DIR"));
    let out = tmp(out);
    let mut args = vec![
        "schedule",
        "--requirement",
        requirement,
        "--shifts",
        &shifts,
        "--time-limit",
        "5s",
        "--out",
        out.to_str().unwrap(),
    ];
    if let Some(a) = agents {
        args.extend_from_slice(&["--agents", a]);
    }
    wfm(&args)
}

#[test]
fn schedule_requirement_one_15min_row_is_located_not_a_15min_week() {
    let r = schedule(&bad("requirement_one_15min_row.csv"), None, "req15");
    fails_with(
        &r,
        &["requirement_one_15min_row.csv:5", "mixed interval lengths"],
    );
}

#[test]
fn schedule_absurd_requirement_or_weekly_hours_is_an_error_not_a_solver_abort() {
    let r = schedule(&bad("requirement_1e308.csv"), None, "req1e308");
    fails_with(&r, &["requirement_1e308.csv:4", "[0, 1e6]"]);
    let r = schedule(
        &bad("requirement_30min.csv"),
        Some(&bad("agents_weekly_hours_1e308.csv")),
        "hours1e308",
    );
    fails_with(
        &r,
        &[
            "agents_weekly_hours_1e308.csv:2",
            "weekly hours in [0, 168]",
        ],
    );
}

#[test]
fn roster_availability_past_24h_is_an_error_not_a_never_available_agent() {
    let r = schedule(
        &bad("requirement_30min.csv"),
        Some(&bad("agents_availability_25h.csv")),
        "avail25",
    );
    fails_with(
        &r,
        &[
            "agents_availability_25h.csv:2",
            "availability",
            "00:00–24:00",
        ],
    );
}

// ---- history span ---------------------------------------------------------------------------

#[test]
fn forecast_history_with_a_stray_year_1_row_is_located_not_a_hang() {
    let r = wfm(&[
        "forecast",
        "--history",
        &bad("history_stray_year_1.csv"),
        "--horizon",
        "1d",
    ]);
    fails_with(&r, &["history_stray_year_1.csv:2", "stray date", "3660"]);
}

// ---- files and messages ---------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn out_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let target = tmp("target.csv");
    let link = tmp("link.csv");
    std::fs::write(&target, "old\n").unwrap();
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let r = wfm(&[
        "staff",
        "--input",
        &bad("staff_30min.csv"),
        "-q",
        "--out",
        link.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .starts_with("interval_start,"));
    // A link to a device: refused, the link left alone (as root the device was replaced).
    let dev = tmp("dev.csv");
    let _ = std::fs::remove_file(&dev);
    std::os::unix::fs::symlink("/dev/null", &dev).unwrap();
    let r = wfm(&[
        "staff",
        "--input",
        &bad("staff_30min.csv"),
        "-q",
        "--out",
        dev.to_str().unwrap(),
    ]);
    fails_with(&r, &["/dev/null", "not a regular file"]);
    assert!(std::fs::symlink_metadata(&dev)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_header_naming_a_column_twice_is_an_error_not_the_first_copy() {
    let f = tmp("dup_header.csv");
    std::fs::write(
        &f,
        "interval_start,queue,offered,aht_seconds,offered\n1999-01-04T08:00:00,A,100,180,5\n1999-01-04T08:30:00,A,100,180,5\n",
    )
    .unwrap();
    let r = wfm(&["staff", "--input", f.to_str().unwrap(), "-q"]);
    fails_with(
        &r,
        &["dup_header.csv:1", "`offered` twice", "columns 3 and 5"],
    );
}

#[test]
fn a_huge_bad_field_is_echoed_clipped() {
    let f = tmp("huge_field.csv");
    let huge = "9".repeat(100_000) + "x";
    std::fs::write(
        &f,
        format!("interval_start,queue,offered,aht_seconds\n1999-01-04T08:00:00,A,{huge},180\n1999-01-04T08:30:00,A,1,180\n"),
    )
    .unwrap();
    let r = wfm(&["staff", "--input", f.to_str().unwrap(), "-q"]);
    fails_with(&r, &["huge_field.csv:2", "bytes in all"]);
    assert!(r.stderr.len() < 1_000, "{} bytes of stderr", r.stderr.len());
}

#[test]
fn audit_refuses_a_sidecar_written_for_another_forecast() {
    let f = tmp("fc.csv");
    let r = wfm(&[
        "forecast",
        "--history",
        &bad("history_5w_mon_peak.csv"),
        "--model",
        "seasonal-naive-week",
        "--horizon",
        "7d",
        "--out",
        f.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let audit = |f: &PathBuf| {
        wfm(&[
            "audit",
            "--period",
            "1999-02",
            "--actuals",
            &small("actuals.csv"),
            "--forecast",
            f.to_str().unwrap(),
            "--format",
            "csv",
        ])
    };
    let ok = audit(&f);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    // A new CSV beside the old sidecar (as after a kill between the two writes).
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replacen("100.000", "101.000", 1);
    std::fs::write(&f, text).unwrap();
    let r = audit(&f);
    fails_with(&r, &["fc.csv.meta.json", "other bytes"]);
}
