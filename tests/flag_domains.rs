//! Every numeric flag of every subcommand, given a value outside any sensible domain, is an
//! error that names the flag — never a result (issue #16, Build 7: "every numeric flag … outside
//! its domain gives an error, not a result").
//!
//! The flags are not listed by hand: they are read from each subcommand's `--help`, so a flag
//! added later is covered too. Each subcommand first runs on a small valid base (which must
//! succeed, so that a refusal below is the flag's and not the base's); then each numeric flag is
//! added with NaN, ±infinity, −1 and 1e308 in turn.

#[path = "common/cli.rs"]
mod cli;

use std::collections::BTreeSet;

use cli::{scratch, wfm};

fn manifest(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn tmp(name: &str) -> String {
    scratch("flag-domains")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

/// Value names (as `--help` prints them, `--flag <NAME>`) of flags that take a number, a
/// duration or a number pair.
const NUMERIC: [&str; 22] = [
    "N",
    "K",
    "P",
    "S",
    "SECONDS",
    "SECS",
    "FRACTION",
    "HOURS",
    "REPS",
    "SEED",
    "NODES",
    "MIP_GAP",
    "TIME_LIMIT",
    "PATIENCE",
    "SIM_REPS",
    "MIN_OFFERED",
    "BOOTSTRAP",
    "INNER_ORIGINS",
    "HORIZON",
    "HORIZONS",
    "EVERY",
    "TARGET/THRESHOLD",
];

/// Values outside every numeric flag's domain.
const BAD: [&str; 5] = ["NaN", "inf", "-inf", "-1", "1e308"];

/// `(flag, value name)` of every option of `wfm <cmd> --help`.
fn options(cmd: &[&str]) -> Vec<(String, String)> {
    let mut args: Vec<&str> = cmd.to_vec();
    args.push("--help");
    let r = wfm(&args);
    assert_eq!(r.code, 0, "{cmd:?} --help: {}", r.stderr);
    let mut out = BTreeSet::new();
    for line in r.stdout.lines() {
        let t = line.trim_start();
        let t = t.strip_prefix("-").map_or(t, |_| {
            // `-o, --out <FILE>`: keep the long form.
            t.split_once(", ").map_or(t, |(_, long)| long)
        });
        let Some(rest) = t.strip_prefix("--") else {
            continue;
        };
        let Some((flag, after)) = rest.split_once(" <") else {
            continue;
        };
        let Some((value, _)) = after.split_once('>') else {
            continue;
        };
        out.insert((format!("--{flag}"), value.to_string()));
    }
    out.into_iter().collect()
}

/// Runs `base` (which must succeed) and then `base` + each numeric flag with each bad value;
/// returns the failures as text.
fn check(cmd: &[&str], base: &[String], skip: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
    args.extend(base.iter().cloned());
    let r = wfm(&args);
    assert_eq!(r.code, 0, "base {args:?} must succeed: {}", r.stderr);
    let mut failures = Vec::new();
    let flags = options(cmd);
    let numeric: Vec<_> = flags
        .iter()
        .filter(|(f, v)| NUMERIC.contains(&v.as_str()) && !skip.contains(&f.as_str()))
        .collect();
    assert!(!numeric.is_empty(), "{cmd:?}: no numeric flag found");
    for (flag, _) in numeric {
        for bad in BAD {
            let mut a = args.clone();
            a.push(format!("{flag}={bad}"));
            let r = wfm(&a);
            let named =
                r.stderr.contains(flag.as_str()) || r.stderr.contains(flag.trim_start_matches('-'));
            if !(r.code == 1 || r.code == 2) || !named {
                let first = r.stderr.lines().next().unwrap_or("").to_string();
                failures.push(format!(
                    "wfm {} {flag}={bad}: exit {}, stderr `{first}`",
                    cmd.join(" "),
                    r.code
                ));
            }
        }
    }
    failures
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn staffing_commands() {
    let input = manifest("tests/fixtures/bad/staff_30min.csv");
    let mut fails = check(&["staff"], &s(&["--input", &input]), &[]);
    let scenarios = tmp("scenarios.toml");
    std::fs::write(
        &scenarios,
        "schema_version = 1\n[[scenario]]\nname = \"A +10%\"\nqueue = \"A\"\nvolume = 1.1\n",
    )
    .unwrap();
    fails.extend(check(
        &["scenario"],
        &s(&["--input", &input, "--scenarios", &scenarios]),
        &[],
    ));
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn forecasting_commands() {
    let history = manifest("tests/fixtures/bad/history_5w_mon_peak.csv");
    let mut fails = check(&["forecast"], &s(&["--history", &history]), &[]);
    fails.extend(check(
        &["backtest"],
        &s(&[
            "--history",
            &history,
            "--origins",
            "1999-02-01",
            "--horizon",
            "2d",
        ]),
        &[],
    ));
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn simulation_and_calibration() {
    let mut t = String::from("interval_start,queue,offered,aht_seconds,agents\n");
    for m in [0, 30] {
        t.push_str(&format!("1999-01-04T09:{m:02}:00,A,10,180,2\n"));
    }
    let f = tmp("sim_small.csv");
    std::fs::write(&f, t).unwrap();
    let mut fails = check(
        &["simulate"],
        &s(&["--demand", &f, "--staffing", &f, "--reps", "5"]),
        &[],
    );
    fails.extend(check(
        &["calibrate"],
        &s(&[
            "--actuals",
            &manifest("tests/fixtures/audit/small/actuals.csv"),
            "--agent-states",
            &manifest("tests/fixtures/audit/small/agent_states.csv"),
            "--out",
            &tmp("cal.toml"),
        ]),
        &[],
    ));
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn planning_commands() {
    let mut fails = check(
        &["capacity"],
        &s(&["--plan", &manifest("tests/fixtures/capacity/plan_78.toml")]),
        &[],
    );
    let sched = tmp("sched");
    let requirement = manifest("tests/fixtures/bad/requirement_30min.csv");
    fails.extend(check(
        &["schedule"],
        &s(&[
            "--requirement",
            &requirement,
            "--shifts",
            &manifest("models/shifts.toml"),
            "--out",
            &sched,
        ]),
        &[],
    ));
    // The schedule's own intervals as demand: 10 calls of 180 s each.
    let mut demand = String::from("interval_start,queue,offered,aht_seconds\n");
    for line in std::fs::read_to_string(&requirement)
        .unwrap()
        .lines()
        .skip(1)
    {
        let mut f = line.split(',');
        let (t, q) = (f.next().unwrap(), f.next().unwrap());
        demand.push_str(&format!("{t},{q},10,180\n"));
    }
    let demand_file = tmp("demand.csv");
    std::fs::write(&demand_file, demand).unwrap();
    fails.extend(check(
        &["evaluate"],
        &s(&["--demand", &demand_file, "--schedule", &sched]),
        &[],
    ));
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn ingestion_and_audit() {
    let mut fails = check(
        &["ingest", "calls"],
        &s(&[&manifest("tests/fixtures/ingest/generic_jan03.csv")]),
        &[],
    );
    let actuals = manifest("tests/fixtures/audit/small/actuals.csv");
    fails.extend(check(&["ingest", "intervals"], &s(&[&actuals]), &[]));
    fails.extend(check(
        &["audit"],
        &s(&["--period", "1999-02", "--actuals", &actuals]),
        &[],
    ));
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}
