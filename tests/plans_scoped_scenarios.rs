//! Issue #14: scoped what-ifs against a published schedule. The schedule stays fixed; a
//! variant scoped to one queue and one weekday moves that queue's service on that day only.

use std::path::{Path, PathBuf};
#[path = "common/cli.rs"]
mod cli;

fn dir(name: &str) -> PathBuf {
    cli::scratch(&format!("plans-scoped-{name}"))
}

fn wfm(args: &[&str]) -> (i32, String, String) {
    cli::wfm(args).parts()
}

/// Two queues (A: 80/20, B: 90/15) on Monday 8 and Tuesday 9 Feb 1999, 08:00–16:00, staffed
/// and scheduled with 4-hour shifts.
fn published(d: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let mut t = String::from("interval_start,queue,offered,aht_seconds\n");
    for day in ["08", "09"] {
        for h in 8..16 {
            for m in [0, 30] {
                let ts = format!("1999-02-{day}T{h:02}:{m:02}:00");
                t.push_str(&format!("{ts},A,100,180\n{ts},B,30,240\n"));
            }
        }
    }
    let demand = d.join("demand.csv");
    std::fs::write(&demand, t).unwrap();
    let cfg = d.join("cfg.toml");
    std::fs::write(
        &cfg,
        "schema_version = 1\n[defaults]\nsl_target = 0.8\nsl_seconds = 20\nshrinkage = { absence = { share = 0.1, kind = \"unplanned\" } }\n[queues.B]\nsl_target = 0.9\nsl_seconds = 15\n",
    )
    .unwrap();
    let shifts = d.join("shifts.toml");
    std::fs::write(
        &shifts,
        "schema_version = 1\ninterval = \"30m\"\nweek_wraps = false\n[[template]]\nname = \"day\"\nlength = \"4h\"\nstart_earliest = \"06:00\"\nstart_latest = \"14:00\"\nstart_step = \"30m\"\ncost_per_hour = 1.0\n",
    )
    .unwrap();
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
    let sched = d.join("sched");
    let (code, _, err) = wfm(&[
        "schedule",
        "--requirement",
        staff.to_str().unwrap(),
        "--shifts",
        shifts.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        sched.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    (demand, cfg, sched)
}

type Row = std::collections::HashMap<String, String>;

fn rows(csv: &str) -> Vec<Row> {
    let mut lines = csv.lines();
    let Some(head) = lines.next() else {
        return Vec::new();
    };
    let head: Vec<&str> = head.split(',').collect();
    lines
        .map(|l| {
            head.iter()
                .map(|h| h.to_string())
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

fn run(d: &Path, demand: &Path, cfg: &Path, sched: &Path, toml: &str) -> (i32, Vec<Row>, String) {
    let scen = d.join("scenarios.toml");
    std::fs::write(&scen, format!("schema_version = 1\n{toml}")).unwrap();
    let (code, out, err) = wfm(&[
        "scenario",
        "--input",
        demand.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--scenarios",
        scen.to_str().unwrap(),
        "--schedule",
        sched.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    (code, rows(&out), err)
}

fn sl(rows: &[Row], scenario: &str, queue: &str, period: &str) -> f64 {
    rows.iter()
        .find(|r| r["scenario"] == scenario && r["queue"] == queue && r["period"] == period)
        .unwrap_or_else(|| panic!("{scenario} {queue} {period}"))["service_level"]
        .parse()
        .unwrap()
}

#[test]
fn a_queue_and_weekday_scoped_surge_moves_that_queue_on_that_day_only() {
    let d = dir("surge");
    let (demand, cfg, sched) = published(&d);
    let (code, rows, err) = run(
        &d,
        &demand,
        &cfg,
        &sched,
        "[[scenario]]\nname = \"A Monday +20%\"\nqueue = \"A\"\nweekdays = [\"Mon\"]\nvolume = 1.2\n",
    );
    assert_eq!(code, 0, "{err}");
    let v = "A Monday +20%";
    // A's Monday drops (the same agents, 20 % more calls) and misses 80 %; A's Tuesday and
    // every period of B are exactly the baseline's.
    let (mon, base_mon) = (
        sl(&rows, v, "A", "1999-02-08"),
        sl(&rows, "baseline", "A", "1999-02-08"),
    );
    assert!(mon < base_mon - 0.05, "{mon} vs {base_mon}");
    assert!(mon < 0.8);
    let r = rows
        .iter()
        .find(|r| r["scenario"] == v && r["queue"] == "A" && r["period"] == "1999-02-08")
        .unwrap();
    assert_eq!(r["met"], "false");
    assert_eq!(r["scope"], "A; Mon");
    assert_eq!(
        sl(&rows, v, "A", "1999-02-09"),
        sl(&rows, "baseline", "A", "1999-02-09")
    );
    for p in ["total", "1999-02-08", "1999-02-09"] {
        assert_eq!(sl(&rows, v, "B", p), sl(&rows, "baseline", "B", p), "B {p}");
    }
    assert!(err.contains("A Mon 1999-02-08: service level"), "{err}");
}

#[test]
fn absent_agents_in_a_time_window_lower_service_there_and_nowhere_else() {
    let d = dir("absent");
    let (demand, cfg, sched) = published(&d);
    let (code, rows, err) = run(
        &d,
        &demand,
        &cfg,
        &sched,
        "[[scenario]]\nname = \"3 sick Tue morning\"\nfrom = 1999-02-09\nintervals = [\"08:00-12:00\"]\nabsent_agents = 3\n",
    );
    assert_eq!(code, 0, "{err}");
    let v = "3 sick Tue morning";
    for q in ["A", "B"] {
        assert_eq!(
            sl(&rows, v, q, "1999-02-08"),
            sl(&rows, "baseline", q, "1999-02-08")
        );
        assert!(sl(&rows, v, q, "1999-02-09") < sl(&rows, "baseline", q, "1999-02-09"));
    }
    let absent = rows.iter().find(|r| r["scenario"] == v).unwrap();
    assert_eq!(absent["absent_agents"], "3");
    // On-shift hours: 3 agents × 4 h fewer on Tuesday, split between the queues.
    let hours = |s: &str| -> f64 {
        rows.iter()
            .filter(|r| r["scenario"] == s && r["period"] == "1999-02-09")
            .map(|r| r["on_shift_agent_hours"].parse::<f64>().unwrap())
            .sum()
    };
    assert!((hours("baseline") - hours(v) - 12.0).abs() < 1e-6);
}

#[test]
fn a_scope_naming_an_unknown_queue_or_matching_nothing_is_an_error() {
    let d = dir("bad");
    let (demand, cfg, sched) = published(&d);
    let (code, _, err) = run(
        &d,
        &demand,
        &cfg,
        &sched,
        "[[scenario]]\nname = \"x\"\nqueue = \"PS\"\nvolume = 1.2\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("queue `PS` is not in the input"), "{err}");
    let (code, _, err) = run(
        &d,
        &demand,
        &cfg,
        &sched,
        "[[scenario]]\nname = \"x\"\nweekdays = [\"Sun\"]\nvolume = 1.2\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("matches no interval"), "{err}");
    let (code, _, err) = run(
        &d,
        &demand,
        &cfg,
        &sched,
        "[[scenario]]\nname = \"x\"\nweekdays = [\"Mon\"]\nsl_target = 0.9\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("no policy change together with"), "{err}");
}
