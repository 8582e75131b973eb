//! `wfm schedule --config models/multiskill.toml` (issue #20, build 3): shifts per group
//! covering the group requirement of `wfm staff --config`, one command for the center; the
//! summary gives each queue's service level in simulation, and `wfm evaluate` on the plan's
//! directory gives the same figures.

use std::collections::BTreeMap;
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
    let dir = std::env::temp_dir().join(format!("wfm_multiskill_sched_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines();
    let Some(head) = lines.next() else {
        return Vec::new();
    };
    let head: Vec<String> = head.split(',').map(str::to_string).collect();
    lines
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

fn num(r: &BTreeMap<String, String>, k: &str) -> f64 {
    r[k].parse()
        .unwrap_or_else(|_| panic!("{k} = {:?} in {r:?}", r[k]))
}

/// The group requirement of the example: `wfm staff --config models/multiskill.toml`.
fn requirement() -> PathBuf {
    let plan = tmp("requirement.csv");
    let o = wfm(&[
        "staff",
        "--config",
        "models/multiskill.toml",
        "--input",
        "data/multiskill/demand.csv",
        "--reps",
        "20",
        "--format",
        "csv",
        "--out",
        plan.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    plan
}

#[test]
fn one_command_plans_every_group_and_reports_each_queues_simulated_service() {
    let req = requirement();
    let dir = tmp("sched");
    let o = wfm(&[
        "schedule",
        "--config",
        "models/multiskill.toml",
        "--requirement",
        req.to_str().unwrap(),
        "--demand",
        "data/multiskill/demand.csv",
        "--shifts",
        "models/shifts.toml",
        "--solver",
        "microlp",
        "--out",
        dir.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary = rows(&String::from_utf8_lossy(&o.stdout));
    // Every shift belongs to a group; every group has shifts.
    let plan = rows(&std::fs::read_to_string(dir.join("plan.csv")).unwrap());
    for g in ["cross", "sales_team", "support_team"] {
        assert!(plan.iter().any(|r| r["group"] == g), "{g}");
        let s = summary
            .iter()
            .find(|r| r["kind"] == "group" && r["name"] == g)
            .unwrap();
        assert_eq!(num(s, "understaffed_intervals"), 0.0);
        assert!(num(s, "paid_agent_hours") >= num(s, "required_agent_hours"));
    }
    // The cross-skilled group's hours cost 1.2 each.
    let cross = summary.iter().find(|r| r["name"] == "cross").unwrap();
    assert!((num(cross, "cost") - 1.2 * num(cross, "paid_agent_hours")).abs() < 0.01);
    // Coverage per group × interval: at least the requirement where the requirement is.
    let req_rows = rows(&std::fs::read_to_string(&req).unwrap());
    let cov = rows(&std::fs::read_to_string(dir.join("coverage.csv")).unwrap());
    let cov: BTreeMap<(String, String), f64> = cov
        .iter()
        .map(|r| {
            (
                (r["interval_start"].clone(), r["group"].clone()),
                num(r, "scheduled"),
            )
        })
        .collect();
    for r in &req_rows {
        let s = cov[&(r["interval_start"].clone(), r["group"].clone())];
        assert!(s >= num(r, "agents"), "{r:?}: {s} on the phones");
    }
    // Each queue's service in simulation, against its target, and what `wfm evaluate` says.
    let ev = wfm(&[
        "evaluate",
        "--config",
        "models/multiskill.toml",
        "--demand",
        "data/multiskill/demand.csv",
        "--schedule",
        dir.to_str().unwrap(),
        "--by",
        "day",
        "--format",
        "csv",
    ]);
    assert_eq!(ev.status.code(), Some(0), "{}", stderr(&ev));
    let ev = rows(&String::from_utf8_lossy(&ev.stdout));
    for q in ["SALES", "SUPPORT"] {
        let s = summary
            .iter()
            .find(|r| r["kind"] == "queue" && r["name"] == q)
            .unwrap();
        assert!(num(s, "service_level") >= num(s, "sl_target"), "{s:?}");
        assert_eq!(num(s, "missed_intervals"), 0.0);
        let e = ev.iter().find(|r| r["queue"] == q).unwrap();
        assert!((num(e, "service_level") - num(s, "service_level")).abs() <= 5e-5 + 1e-12);
    }
}

#[test]
fn spare_cross_skilled_agents_stand_in_for_the_group_they_serve_first() {
    let req = requirement();
    let run = |name: &str, extra: &[&str]| {
        let dir = tmp(name);
        let mut a = vec![
            "schedule",
            "--config",
            "models/multiskill.toml",
            "--requirement",
            req.to_str().unwrap(),
            "--demand",
            "data/multiskill/demand.csv",
            "--shifts",
            "models/shifts.toml",
            "--solver",
            "microlp",
            "--format",
            "csv",
            "--out",
            dir.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        let o = wfm(&a);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        (rows(&String::from_utf8_lossy(&o.stdout)), dir)
    };
    let (plain, _) = run("plain", &[]);
    let (sub, dir) = run("sub", &["--substitute"]);
    let get = |t: &[BTreeMap<String, String>], name: &str, k: &str| {
        num(t.iter().find(|r| r["name"] == name).unwrap(), k)
    };
    // cross serves SUPPORT first, then SALES: it stands in for support_team only.
    assert!(get(&sub, "support_team", "stood_in_agent_hours") > 0.0);
    assert_eq!(get(&sub, "sales_team", "stood_in_agent_hours"), 0.0);
    assert!(get(&sub, "all groups", "cost") < get(&plain, "all groups", "cost"));
    // … and the simulation still finds every queue × interval at its targets.
    for q in ["SALES", "SUPPORT"] {
        assert_eq!(get(&sub, q, "missed_intervals"), 0.0, "{q}");
    }
    // coverage.csv: the group's own agents plus the stand-ins reach its requirement.
    let cov = rows(&std::fs::read_to_string(dir.join("coverage.csv")).unwrap());
    assert!(cov.iter().any(|r| num(r, "stood_in") > 0.0));
    for r in &cov {
        assert!(
            num(r, "scheduled") + num(r, "stood_in") >= num(r, "required"),
            "{r:?}"
        );
        assert_eq!(
            num(r, "gap"),
            num(r, "scheduled") + num(r, "stood_in") - num(r, "required")
        );
    }
}

#[test]
fn a_group_plan_needs_demand_and_refuses_single_requirement_flags() {
    let req = requirement();
    let base = [
        "schedule",
        "--config",
        "models/multiskill.toml",
        "--requirement",
        req.to_str().unwrap(),
        "--shifts",
        "models/shifts.toml",
        "--out",
    ];
    let dir = tmp("refused");
    let mut a: Vec<&str> = base.to_vec();
    a.push(dir.to_str().unwrap());
    let o = wfm(&a);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs --demand"), "{}", stderr(&o));
    a.extend(["--demand", "data/multiskill/demand.csv", "--tours"]);
    let o = wfm(&a);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--tours"), "{}", stderr(&o));
    // --demand belongs to a multi-skill config.
    let o = wfm(&[
        "schedule",
        "--requirement",
        req.to_str().unwrap(),
        "--shifts",
        "models/shifts.toml",
        "--demand",
        "data/multiskill/demand.csv",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--demand and --substitute apply"),
        "{}",
        stderr(&o)
    );
}
