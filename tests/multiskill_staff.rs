//! `wfm staff --config models/multiskill.toml` (issue #20): one row per group × interval, a plan
//! that costs less than all separate and no less than fully pooled, every queue × interval
//! meeting its target in the check, the same bytes on one and two threads, and the plan read
//! back by `wfm simulate`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn wfm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wfm"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wfm_multiskill_staff_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn staff(threads: &str, totals: &str) -> String {
    let out = wfm(&[
        "--threads",
        threads,
        "staff",
        "--config",
        "models/multiskill.toml",
        "--input",
        "data/multiskill/demand.csv",
        "--reps",
        "20",
        "--format",
        "csv",
        "--totals",
        totals,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_example_plan_sits_between_the_bounds_and_meets_every_target() {
    let totals = tmp("totals.csv");
    let a = staff("1", totals.to_str().unwrap());
    let b = staff("2", tmp("totals2.csv").to_str().unwrap());
    assert_eq!(a, b, "the plan depends on the thread count");
    let mut lines = a.lines();
    assert_eq!(lines.next(), Some("interval_start,group,agents,cost"));
    assert_eq!(lines.count(), 24 * 3);
    let summary = std::fs::read_to_string(&totals).unwrap();
    let cost = |kind: &str, name: &str| -> f64 {
        let row = summary
            .lines()
            .find(|l| l.starts_with(&format!("{kind},{name},")))
            .unwrap_or_else(|| panic!("no {kind} {name} row in {summary}"));
        row.split(',').nth(3).unwrap().parse().unwrap()
    };
    let plan = cost("plan", "multi-skill");
    assert!(plan < cost("bound", "all-separate"), "{summary}");
    assert!(plan >= cost("bound", "fully-pooled"), "{summary}");
    for q in ["SALES", "SUPPORT"] {
        let row = summary
            .lines()
            .find(|l| l.starts_with(&format!("queue,{q},")))
            .unwrap();
        assert_eq!(row.split(',').nth(9), Some("0"), "missed intervals: {row}");
    }
    // The plan is a staffing `wfm simulate` reads as it is.
    let plan_file = tmp("plan.csv");
    std::fs::write(&plan_file, &a).unwrap();
    let sim = wfm(&[
        "simulate",
        "--config",
        "models/multiskill.toml",
        "--demand",
        "data/multiskill/demand.csv",
        "--staffing",
        plan_file.to_str().unwrap(),
        "--reps",
        "5",
        "--format",
        "csv",
    ]);
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
}

#[test]
fn multiskill_flags_need_a_multiskill_config() {
    let out = wfm(&[
        "staff",
        "--input",
        "data/multiskill/demand.csv",
        "--reps",
        "5",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("multi-skill config"));
}
