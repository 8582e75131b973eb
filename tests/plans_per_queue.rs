//! Issue #14: a published schedule's `summary.json` carries `per_queue`: each queue's service
//! level over the plan against its own target (not one pooled figure), the same figures as
//! `wfm evaluate` on the plan.

use std::path::{Path, PathBuf};
#[path = "common/cli.rs"]
mod cli;

fn dir() -> PathBuf {
    cli::scratch("plans-perqueue")
}

fn wfm(args: &[&str]) -> (i32, String, String) {
    cli::wfm(args).parts()
}

/// Queue A (100 calls of 180 s per half hour, 80/20) and B (30 calls of 240 s, 90/15) on
/// Monday 08:00–16:00; 10 % unplanned and 6.25 % scheduled shrinkage; 4-hour shifts.
fn inputs(d: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let mut t = String::from("interval_start,queue,offered,aht_seconds\n");
    for h in 8..16 {
        for m in [0, 30] {
            let ts = format!("1999-02-08T{h:02}:{m:02}:00");
            t.push_str(&format!("{ts},A,100,180\n{ts},B,30,240\n"));
        }
    }
    let demand = d.join("demand.csv");
    std::fs::write(&demand, t).unwrap();
    let cfg = d.join("cfg.toml");
    std::fs::write(
        &cfg,
        r#"schema_version = 1
[defaults]
sl_target = 0.8
sl_seconds = 20
shrinkage = { breaks = { share = 0.0625, kind = "scheduled" }, absence = { share = 0.1, kind = "unplanned" } }
[queues.B]
sl_target = 0.9
sl_seconds = 15
"#,
    )
    .unwrap();
    let shifts = d.join("shifts.toml");
    std::fs::write(
        &shifts,
        r#"schema_version = 1
interval = "30m"
week_wraps = false
[[template]]
name = "day"
length = "4h"
start_earliest = "06:00"
start_latest = "14:00"
start_step = "30m"
cost_per_hour = 1.0
"#,
    )
    .unwrap();
    (demand, cfg, shifts)
}

fn per_queue(summary: &Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    assert!(v.get("expected_sl_pooled").is_some(), "{v}");
    assert_eq!(v["per_queue_pooling"], "separate");
    v["per_queue"].as_array().unwrap().clone()
}

#[test]
fn each_queue_is_judged_against_its_own_target_as_wfm_evaluate_does() {
    let d = dir();
    let (demand, cfg, shifts) = inputs(&d);
    let staff = d.join("staff.csv");
    let (code, _, err) = wfm(&[
        "staff",
        "--input",
        demand.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        staff.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let out = d.join("sched");
    let (code, stdout, err) = wfm(&[
        "schedule",
        "--requirement",
        staff.to_str().unwrap(),
        "--shifts",
        shifts.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("service per queue"), "{stdout}");
    let qs = per_queue(&out.join("summary.json"));
    assert_eq!(qs.len(), 2);
    assert_eq!(qs[0]["queue"], "A");
    assert_eq!(qs[0]["target"], 0.8);
    assert_eq!(qs[1]["queue"], "B");
    assert_eq!(qs[1]["target"], 0.9);
    for q in &qs {
        assert_eq!(q["met"], true, "{q}");
        assert!(q["service_level"].as_f64().unwrap() >= q["target"].as_f64().unwrap());
        assert_eq!(q["intervals"], 16);
    }
    // The same figures as `wfm evaluate --by day` on the published plan (one day here).
    let (code, csv, err) = wfm(&[
        "evaluate",
        "--demand",
        staff.to_str().unwrap(),
        "--schedule",
        out.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--by",
        "day",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    for (line, q) in lines.zip(&qs) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[col("queue")], q["queue"].as_str().unwrap());
        let sl: f64 = f[col("service_level")].parse().unwrap();
        assert!((sl - q["service_level"].as_f64().unwrap()).abs() < 1e-9);
    }
    // The coverage names the basis of `required`.
    let cov = std::fs::read_to_string(out.join("coverage.csv")).unwrap();
    assert!(cov.lines().nth(1).unwrap().ends_with(",scheduled"), "{cov}");
}

#[test]
fn a_plan_cut_below_the_requirement_lists_the_queue_days_it_misses() {
    let d = dir().join("short");
    std::fs::create_dir_all(&d).unwrap();
    let (demand, cfg, shifts) = inputs(&d);
    let staff = d.join("staff.csv");
    let (code, _, err) = wfm(&[
        "staff",
        "--input",
        demand.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        staff.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let out = d.join("sched");
    let (_, _, err) = wfm(&[
        "schedule",
        "--requirement",
        staff.to_str().unwrap(),
        "--shifts",
        shifts.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--objective",
        "service",
        "--budget",
        "150",
        "--out",
        out.to_str().unwrap(),
    ]);
    let qs = per_queue(&out.join("summary.json"));
    for q in &qs {
        assert_eq!(q["met"], false, "{q}");
        assert_eq!(q["missed_days"][0], "1999-02-08");
        assert!(
            err.contains(&format!(
                "queue {} misses its targets",
                q["queue"].as_str().unwrap()
            )),
            "{err}"
        );
    }
}
