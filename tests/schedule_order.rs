//! The same requirement rows in another order give the same schedule, byte for byte (issue #16,
//! docs/hardening.md): before, the requirement's agents and loads and the per-queue evaluation
//! were summed in file order, so the summary's figures (pooled SL, each queue's SL, ASA,
//! occupancy, on-shift hours) changed in their last digits with the row order.
//! `WFM_BIN=<an older build> cargo test --test schedule_order` shows the old behaviour.

#[path = "common/cli.rs"]
mod cli;

use std::path::{Path, PathBuf};

use cli::{scratch, wfm};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Four queues on one day, 08:00–16:00, with calls and handle times that vary by queue and
/// half-hour (a fixed formula, no randomness), so that the requirement's scheduled agents and
/// loads are fractions whose sums depend on their order.
fn demand() -> String {
    let mut t = String::from("interval_start,queue,offered,aht_seconds\n");
    for i in 0..16u32 {
        let ts = format!("1999-02-08T{:02}:{:02}:00", 8 + i / 2, 30 * (i % 2));
        for (k, q) in ["D", "C", "B", "A"].iter().enumerate() {
            let k = k as u32;
            let offered = 7 + (i * 13 + k * 29) % 53;
            let aht = 151 + (i * 37 + k * 61) % 240;
            t.push_str(&format!("{ts},{q},{offered},{aht}\n"));
        }
    }
    t
}

const CONFIG: &str = r#"schema_version = 1
[defaults]
sl_target = 0.8
sl_seconds = 20
shrinkage = { breaks = { share = 0.0625, kind = "scheduled" }, absence = { share = 0.1, kind = "unplanned" } }
[queues.B]
sl_target = 0.9
sl_seconds = 15
"#;

const SHIFTS: &str = r#"schema_version = 1
interval = "30m"
week_wraps = false
[[template]]
name = "day"
length = "4h"
start_earliest = "06:00"
start_latest = "14:00"
start_step = "30m"
cost_per_hour = 1.0
"#;

/// The schedule's files and stdout for `requirement`.
fn schedule(dir: &Path, requirement: &Path, cfg: &Path, shifts: &Path, tag: &str) -> Vec<String> {
    let out = dir.join(format!("sched_{tag}"));
    let r = wfm(&[
        "schedule",
        "--requirement",
        requirement.to_str().unwrap(),
        "--shifts",
        shifts.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
    let mut all: Vec<String> = ["plan.csv", "coverage.csv", "summary.json"]
        .iter()
        .map(|f| std::fs::read_to_string(out.join(f)).unwrap())
        .collect();
    all.push(r.stdout.replace(out.to_str().unwrap(), "OUT"));
    all
}

#[test]
fn requirement_rows_in_another_order_give_the_same_schedule_bytes() {
    let dir = scratch("schedule-order");
    let cfg = write(&dir, "cfg.toml", CONFIG);
    let shifts = write(&dir, "shifts.toml", SHIFTS);
    let demand = write(&dir, "demand.csv", &demand());
    let staff = dir.join("staff.csv");
    let r = wfm(&[
        "staff",
        "--input",
        demand.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        staff.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&staff).unwrap();
    let (head, rows) = text.split_once('\n').unwrap();
    let rows: Vec<&str> = rows.lines().collect();
    assert_eq!(rows.len(), 64);
    let reversed: Vec<&str> = rows.iter().rev().copied().collect();
    // Every 7th row first (7 is prime to 64): queues and times interleaved.
    let strided: Vec<&str> = (0..rows.len()).map(|i| rows[(i * 7) % 64]).collect();
    let base = schedule(&dir, &staff, &cfg, &shifts, "file");
    assert!(base[2].contains("\"per_queue\""), "{}", base[2]);
    assert!(base[3].contains("service per queue"), "{}", base[3]);
    for (tag, order) in [("reversed", reversed), ("strided", strided)] {
        let p = write(
            &dir,
            &format!("staff_{tag}.csv"),
            &format!("{head}\n{}\n", order.join("\n")),
        );
        let other = schedule(&dir, &p, &cfg, &shifts, tag);
        for (k, name) in ["plan.csv", "coverage.csv", "summary.json", "stdout"]
            .iter()
            .enumerate()
        {
            assert!(
                base[k] == other[k],
                "{tag}: {name} differs from the file order's:\n{}\n---\n{}",
                base[k],
                other[k]
            );
        }
    }
}

/// `text` (a CSV with a header) with its data rows in reverse order.
fn reversed_rows(text: &str) -> String {
    let (head, rows) = text.split_once('\n').unwrap();
    let mut rows: Vec<&str> = rows.lines().collect();
    rows.reverse();
    format!("{head}\n{}\n", rows.join("\n"))
}

/// A multi-skill schedule (groups from `models/multiskill.toml`): the group staffing and the
/// demand in reverse row order give the same plan, coverage, summary and stdout.
#[test]
fn group_staffing_and_demand_rows_in_another_order_give_the_same_group_schedule() {
    let dir = scratch("schedule-order-groups");
    let repo = |rel: &str| format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
    let read = |rel: &str| std::fs::read_to_string(repo(rel)).unwrap();
    let agents = write(
        &dir,
        "agents_reversed.csv",
        &reversed_rows(&read("data/multiskill/agents.csv")),
    );
    let demand = write(
        &dir,
        "demand_reversed.csv",
        &reversed_rows(&read("data/multiskill/demand.csv")),
    );
    let run = |requirement: &str, demand: &str, tag: &str| {
        let out = dir.join(tag);
        let r = wfm(&[
            "schedule",
            "--config",
            &repo("models/multiskill.toml"),
            "--requirement",
            requirement,
            "--demand",
            demand,
            "--shifts",
            &repo("models/shifts.toml"),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
        let mut all: Vec<String> = ["plan.csv", "coverage.csv", "summary.json"]
            .iter()
            .map(|f| std::fs::read_to_string(out.join(f)).unwrap())
            .collect();
        all.push(r.stdout.replace(out.to_str().unwrap(), "OUT"));
        all
    };
    let base = run(
        &repo("data/multiskill/agents.csv"),
        &repo("data/multiskill/demand.csv"),
        "file",
    );
    assert!(base[2].contains("SUPPORT"), "{}", base[2]);
    let other = run(
        agents.to_str().unwrap(),
        demand.to_str().unwrap(),
        "reversed",
    );
    for (k, name) in ["plan.csv", "coverage.csv", "summary.json", "stdout"]
        .iter()
        .enumerate()
    {
        assert!(base[k] == other[k], "{name} differs with the rows reversed");
    }
}
