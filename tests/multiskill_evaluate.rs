//! `wfm evaluate` and `wfm scenario` with a multi-skill config (issue #20, build 4): a group
//! staffing simulated with the config's groups and routing, every queue against its own
//! targets. Cross-skilled agents added to the staffing raise the service level of both queues
//! they serve; a `wfm staff` plan evaluated with the config's seed gives back the staffing's
//! own check; a scenario with +20 % calls on one queue lowers that queue's service level.

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
    let dir = std::env::temp_dir().join(format!("wfm_multiskill_eval_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// CSV rows as maps from column to value.
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

/// `data/multiskill/agents.csv` with `extra` more agents in group `group` in every interval.
fn agents_with(group: &str, extra: u32) -> PathBuf {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/multiskill/agents.csv"
    ))
    .unwrap();
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        let f: Vec<&str> = l.split(',').collect();
        if i > 0 && f[1] == group {
            let a: u32 = f[2].parse().unwrap();
            out += &format!("{},{},{}\n", f[0], f[1], a + extra);
        } else {
            out += &format!("{l}\n");
        }
    }
    let p = tmp(&format!("agents_{group}_{extra}.csv"));
    std::fs::write(&p, out).unwrap();
    p
}

fn evaluate(staffing: &str, by: &str) -> (Output, Vec<BTreeMap<String, String>>) {
    let o = wfm(&[
        "evaluate",
        "--config",
        "models/multiskill.toml",
        "--demand",
        "data/multiskill/demand.csv",
        "--schedule",
        staffing,
        "--by",
        by,
        "--format",
        "csv",
    ]);
    let r = rows(&String::from_utf8_lossy(&o.stdout));
    (o, r)
}

#[test]
fn cross_skilled_agents_raise_the_service_level_of_both_queues_they_serve() {
    let (base_out, base) = evaluate("data/multiskill/agents.csv", "day");
    // The example staffing is short: every queue misses, and the exit code says so.
    assert_eq!(base_out.status.code(), Some(3), "{}", stderr(&base_out));
    assert!(stderr(&base_out).contains("miss: SALES 2024-03-04"));
    let more = agents_with("cross", 2);
    let (more_out, more) = evaluate(more.to_str().unwrap(), "day");
    assert!(more_out.status.code().is_some(), "{}", stderr(&more_out));
    assert_eq!(base.len(), 2);
    for (b, m) in base.iter().zip(&more) {
        assert_eq!(b["queue"], m["queue"]);
        let (sb, sm) = (num(b, "service_level"), num(m, "service_level"));
        // Two more agents in each of 24 half-hours able to take either queue's calls.
        assert!(
            sm > sb + 0.05,
            "{}: service level {sb} → {sm} with 2 more cross-skilled agents",
            b["queue"]
        );
        assert!(num(m, "abandon_rate") < num(b, "abandon_rate"));
        assert!(num(m, "missed_intervals") <= num(b, "missed_intervals"));
        // The agents serving the queue: 2 × 24 half-hours = 24 more agent-hours.
        assert!((num(m, "agent_hours") - num(b, "agent_hours") - 24.0).abs() < 1e-9);
    }
    // Interval rows: one per queue × interval, each with the queue's own target.
    let (_, iv) = evaluate("data/multiskill/agents.csv", "interval");
    assert_eq!(iv.len(), 2 * 24);
    assert!(iv.iter().all(|r| r["target"] == "0.8"));
    assert!(iv
        .iter()
        .all(|r| (r["queue"] == "SUPPORT") == (r["max_abandon"] == "0.05")));
}

#[test]
fn a_staff_plan_evaluated_with_the_configs_seed_gives_back_the_check() {
    let (plan, check) = (tmp("plan.csv"), tmp("check.csv"));
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
        "--check",
        check.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (ev_out, ev) = evaluate(plan.to_str().unwrap(), "interval");
    // The plan meets every target in the check, so evaluate finds no miss.
    assert_eq!(ev_out.status.code(), Some(0), "{}", stderr(&ev_out));
    let check = rows(&std::fs::read_to_string(&check).unwrap());
    let by_key: BTreeMap<(String, String), f64> = ev
        .iter()
        .map(|r| {
            (
                (r["interval_start"].clone(), r["queue"].clone()),
                num(r, "service_level"),
            )
        })
        .collect();
    assert_eq!(check.len(), by_key.len());
    for c in &check {
        let e = by_key[&(c["interval_start"].clone(), c["queue"].clone())];
        // the check is written with 4 decimals
        assert!(
            (e - num(c, "service_level")).abs() <= 5e-5 + 1e-12,
            "{c:?}: evaluate {e}"
        );
    }
}

fn scenario(file: &str, by: &str) -> Output {
    wfm(&[
        "scenario",
        "--config",
        "models/multiskill.toml",
        "--input",
        "data/multiskill/demand.csv",
        "--schedule",
        "data/multiskill/agents.csv",
        "--scenarios",
        file,
        "--by",
        by,
        "--format",
        "csv",
    ])
}

fn scenarios_file(name: &str, text: &str) -> PathBuf {
    let p = tmp(name);
    std::fs::write(&p, format!("schema_version = 1\n{text}")).unwrap();
    p
}

#[test]
fn twenty_percent_more_calls_on_one_queue_lowers_its_service_level() {
    let file = scenarios_file(
        "s.toml",
        r#"
[[scenario]]
name = "SALES +20%"
queue = "SALES"
volume = 1.2

[[scenario]]
name = "SUPPORT lunch +20%"
queue = "SUPPORT"
weekdays = ["Mon"]
intervals = ["12:00-14:00"]
volume = 1.2

[[scenario]]
name = "2 absent"
absent_agents = 2
"#,
    );
    let o = scenario(file.to_str().unwrap(), "queue");
    assert!(o.status.success(), "{}", stderr(&o));
    let r = rows(&String::from_utf8_lossy(&o.stdout));
    assert_eq!(r.len(), 4 * 2, "scenario × queue over the horizon");
    let get = |s: &str, q: &str| {
        r.iter()
            .find(|x| x["scenario"] == s && x["queue"] == q)
            .unwrap_or_else(|| panic!("{s} {q}"))
    };
    let (b, v) = (get("baseline", "SALES"), get("SALES +20%", "SALES"));
    assert!((num(v, "offered") - 1.2 * num(b, "offered")).abs() < 1e-6);
    assert!(
        num(v, "service_level") < num(b, "service_level") - 0.02,
        "SALES: {} → {}",
        num(b, "service_level"),
        num(v, "service_level")
    );
    assert!(num(v, "service_level_delta") < 0.0);
    // SUPPORT's calls are unchanged (and it has the cross-skilled group's priority).
    let (bs, vs) = (get("baseline", "SUPPORT"), get("SALES +20%", "SUPPORT"));
    assert_eq!(num(bs, "offered"), num(vs, "offered"));
    // Scoped to Monday 12:00–14:00: only those four half-hours change.
    let demand = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/multiskill/demand.csv"
    ))
    .unwrap();
    let lunch: f64 = demand
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[1] == "SUPPORT" && ("T12:00".."T14:00").contains(&&f[0][10..16]))
        .map(|f| f[2].parse::<f64>().unwrap())
        .sum();
    assert!(lunch > 0.0);
    let l = get("SUPPORT lunch +20%", "SUPPORT");
    assert!((num(l, "offered") - num(bs, "offered") - 0.2 * lunch).abs() < 1e-6);
    assert!(num(l, "service_level") < num(bs, "service_level"));
    // Two agents absent in every interval: 48 agent-intervals fewer, both queues worse.
    for q in ["SALES", "SUPPORT"] {
        let (b, a) = (get("baseline", q), get("2 absent", q));
        assert!(num(a, "service_level") < num(b, "service_level"), "{q}");
    }
    assert!(
        stderr(&o).contains("(48 agent-intervals absent)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn what_does_not_apply_to_groups_is_an_error() {
    let file = scenarios_file(
        "bad.toml",
        "[[scenario]]\nname = \"lean\"\nshrinkage = 0.3\n",
    );
    let o = scenario(file.to_str().unwrap(), "day");
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("scenario `lean` shrinkage"),
        "{}",
        stderr(&o)
    );
    let file = scenarios_file(
        "tue.toml",
        "[[scenario]]\nname = \"tuesday\"\nweekdays = [\"Tue\"]\nvolume = 1.1\n",
    );
    let o = scenario(file.to_str().unwrap(), "day");
    assert!(stderr(&o).contains("matches no interval"), "{}", stderr(&o));
    let o = wfm(&[
        "evaluate",
        "--config",
        "models/multiskill.toml",
        "--demand",
        "data/multiskill/demand.csv",
        "--schedule",
        "data/multiskill/agents.csv",
        "--pooling",
        "pool",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--pooling"), "{}", stderr(&o));
    // A group the config does not have.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/multiskill/agents.csv"
    ))
    .unwrap()
    .replace("sales_team", "sales");
    let p = tmp("renamed.csv");
    std::fs::write(&p, text).unwrap();
    let (o, _) = evaluate(p.to_str().unwrap(), "day");
    assert!(
        stderr(&o).contains("group `sales` of the staffing is not a group of the config"),
        "{}",
        stderr(&o)
    );
    // --reps / --seed belong to a multi-skill config.
    let o = wfm(&[
        "evaluate",
        "--demand",
        "data/multiskill/demand.csv",
        "--schedule",
        "data/multiskill/agents.csv",
        "--seed",
        "3",
    ]);
    assert!(stderr(&o).contains("--reps and --seed"), "{}", stderr(&o));
}
