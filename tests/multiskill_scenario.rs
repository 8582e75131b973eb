//! `wfm scenario` with a multi-skill config (issue #20): without `--schedule` every variant is
//! re-staffed by the group staffing of `wfm staff --config` (cost, group hours, each queue's
//! SL against its target, and the baseline's plan hit by the variant); `absent_agents` can
//! name the groups the absent agents belong to (`absent_agents = { cross = 2 }`), against a
//! given staffing and in the hit runs. On the example's one day (two queues, 24 half-hours).

#[path = "common/cli.rs"]
mod cli;

use std::collections::BTreeMap;
use std::path::PathBuf;

use cli::{fails_with, scratch, wfm, Run};

const CONFIG: &str = "models/multiskill.toml";
const DEMAND: &str = "data/multiskill/demand.csv";
const STAFFING: &str = "data/multiskill/agents.csv";

fn repo(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn scenarios_file(name: &str, body: &str) -> PathBuf {
    let p = scratch("multiskill-scenario").join(name);
    std::fs::write(&p, format!("schema_version = 1\n{body}")).unwrap();
    p
}

/// CSV rows as maps from column to value (no quoted commas in the columns read here).
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines();
    let head: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect();
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

fn restaff(file: &std::path::Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "scenario".to_string(),
        "--config".into(),
        repo(CONFIG),
        "--input".into(),
        repo(DEMAND),
        "--scenarios".into(),
        file.to_str().unwrap().into(),
        "--format".into(),
        "csv".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    wfm(&args)
}

#[test]
fn variants_are_restaffed_by_the_group_staffing_and_hit_the_baseline_plan() {
    let file = scenarios_file(
        "restaff.toml",
        r#"
[[scenario]]
name = "SALES +20%"
queue = "SALES"
volume = 1.2

[[scenario]]
name = "SUPPORT 90/20"
queue = "SUPPORT"
sl_target = 0.9

[[scenario]]
name = "2 cross sick"
absent_agents = { cross = 2 }
"#,
    );
    let r = restaff(&file, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = rows(&r.stdout);
    // Per scenario: 3 groups, the plan, 2 bounds, 2 queues.
    assert_eq!(t.len(), 4 * 8, "{}", r.stdout);
    let get = |s: &str, kind: &str, name: &str| {
        t.iter()
            .find(|x| x["scenario"] == s && x["kind"] == kind && x["name"] == name)
            .unwrap_or_else(|| panic!("{s} {kind} {name}"))
    };
    // The baseline is `wfm staff --config` on the same demand: the same hours and costs.
    let totals = scratch("multiskill-scenario").join("totals.csv");
    let s = wfm(&[
        "staff",
        "--config",
        &repo(CONFIG),
        "--input",
        &repo(DEMAND),
        "--format",
        "csv",
        "--totals",
        totals.to_str().unwrap(),
    ]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let staff = rows(&std::fs::read_to_string(&totals).unwrap());
    for x in staff.iter().filter(|x| x["kind"] != "queue") {
        let b = get("baseline", &x["kind"], &x["name"]);
        for k in ["agent_hours", "cost"] {
            assert!((num(b, k) - num(x, k)).abs() < 0.006, "{k}: {b:?} vs {x:?}");
        }
    }
    // More SALES calls cost more; the baseline plan serves SALES worse under them.
    let (base, more) = (
        get("baseline", "plan", "multi-skill"),
        get("SALES +20%", "plan", "multi-skill"),
    );
    assert!(num(more, "cost") > num(base, "cost") + 5.0, "{more:?}");
    assert!((num(more, "cost_delta") - (num(more, "cost") - num(base, "cost"))).abs() < 1e-6);
    let sales = get("SALES +20%", "queue", "SALES");
    assert!(num(sales, "hit_service_level") < num(sales, "service_level") - 0.05);
    assert!(num(sales, "hit_missed_intervals") > 0.0);
    // Every re-staffed plan meets its queues' targets in its check (exit code 0), with the
    // variant's own target.
    for x in t.iter().filter(|x| x["kind"] == "queue") {
        assert!(num(x, "service_level") >= num(x, "sl_target"), "{x:?}");
        assert_eq!(x["missed_intervals"], "0", "{x:?}");
    }
    let support = get("SUPPORT 90/20", "queue", "SUPPORT");
    assert_eq!(num(support, "sl_target"), 0.9);
    assert!(num(support, "hit_service_level") < 0.9);
    // Absences do not change what is required, only what the baseline's agents deliver.
    for g in ["cross", "sales_team", "support_team"] {
        assert_eq!(
            num(get("2 cross sick", "group", g), "agent_hours_delta"),
            0.0
        );
    }
    for q in ["SALES", "SUPPORT"] {
        let (b, a) = (get("baseline", "queue", q), get("2 cross sick", "queue", q));
        assert!(
            num(a, "hit_service_level") < num(b, "hit_service_level") - 0.05,
            "{q}"
        );
        assert_eq!(a["absent_from"], "cross 2");
        assert_eq!(a["absent_agents"], "2");
    }
    assert!(r.stderr.contains("SALES +20%: cost"), "{}", r.stderr);
}

#[test]
fn named_absent_groups_leave_only_those_groups() {
    let file = scenarios_file(
        "named.toml",
        "[[scenario]]\nname = \"2 cross sick\"\nabsent_agents = { cross = 2 }\n",
    );
    let r = wfm(&[
        "scenario",
        "--config",
        &repo(CONFIG),
        "--input",
        &repo(DEMAND),
        "--schedule",
        &repo(STAFFING),
        "--scenarios",
        file.to_str().unwrap(),
        "--by",
        "queue",
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // min(2, cross agents) per half-hour of data/multiskill/agents.csv.
    let text = std::fs::read_to_string(repo(STAFFING)).unwrap();
    let taken: u32 = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[1] == "cross")
        .map(|f| f[2].parse::<u32>().unwrap().min(2))
        .sum();
    assert!(taken > 24, "{taken}");
    assert!(
        r.stderr
            .contains(&format!("({taken} agent-intervals absent)")),
        "{}",
        r.stderr
    );
    let t = rows(&r.stdout);
    for q in ["SALES", "SUPPORT"] {
        let get = |s: &str| {
            t.iter()
                .find(|x| x["scenario"] == s && x["queue"] == q)
                .unwrap()
        };
        let (b, a) = (get("baseline"), get("2 cross sick"));
        // The cross group serves both queues: each loses those agent-hours, nothing else.
        let lost = num(b, "agent_hours") - num(a, "agent_hours");
        assert!((lost - 0.5 * f64::from(taken)).abs() < 1e-9, "{q}: {lost}");
        assert!(num(a, "service_level") < num(b, "service_level"));
        assert_eq!(a["absent_from"], "cross 2");
    }
}

#[test]
fn absences_naming_unknown_groups_or_bad_counts_are_errors() {
    let typo = scenarios_file(
        "typo.toml",
        "[[scenario]]\nname = \"typo\"\nabsent_agents = { crosss = 3 }\n",
    );
    for extra in [&["--schedule", STAFFING][..], &[][..]] {
        let extra: Vec<String> = extra
            .iter()
            .map(|s| {
                if s.contains('/') {
                    repo(s)
                } else {
                    s.to_string()
                }
            })
            .collect();
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let r = restaff(&typo, &extra);
        fails_with(
            &r,
            &[
                "typo.toml",
                "scenario `typo` absent_agents",
                "`crosss` is not a group of the config (its groups: cross, sales_team, support_team)",
            ],
        );
    }
    for (name, value) in [
        ("neg", "{ cross = -1 }"),
        ("empty", "{}"),
        ("text", "\"two\""),
    ] {
        let f = scenarios_file(
            &format!("{name}.toml"),
            &format!("[[scenario]]\nname = \"{name}\"\nabsent_agents = {value}\n"),
        );
        let r = restaff(&f, &[]);
        fails_with(
            &r,
            &[&format!("{name}.toml"), "absent_agents", "whole agents"],
        );
    }
    // Groups belong to a multi-skill config.
    let r = wfm(&[
        "scenario",
        "--input",
        &repo(DEMAND),
        "--scenarios",
        typo.to_str().unwrap(),
    ]);
    fails_with(&r, &["scenario `typo`", "names the agent group `crosss`"]);
    // --by applies to a given staffing.
    let r = restaff(&typo, &["--by", "day"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--by"), "{}", r.stderr);
}

#[test]
fn plans_writes_every_restaffed_plan_as_wfm_staff_does() {
    let file = scenarios_file(
        "plans.toml",
        "[[scenario]]\nname = \"SALES +20%\"\nqueue = \"SALES\"\nvolume = 1.2\n",
    );
    let dir = scratch("multiskill-scenario").join("plans");
    let _ = std::fs::remove_dir_all(&dir);
    let r = restaff(&file, &["--plans", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["SALES +20%.csv", "baseline.csv"]);
    // The baseline's plan is `wfm staff --config` on the same demand, byte for byte.
    let s = wfm(&[
        "staff",
        "--config",
        &repo(CONFIG),
        "--input",
        &repo(DEMAND),
        "--format",
        "csv",
    ]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("baseline.csv")).unwrap(),
        s.stdout
    );
    // Each file's agent-hours per group are the scenario's group rows (30-min intervals).
    let t = rows(&r.stdout);
    for name in ["baseline", "SALES +20%"] {
        let plan = rows(&std::fs::read_to_string(dir.join(format!("{name}.csv"))).unwrap());
        for g in ["cross", "sales_team", "support_team"] {
            let hours: f64 = plan
                .iter()
                .filter(|x| x["group"] == g)
                .map(|x| num(x, "agents") * 0.5)
                .sum();
            let row = t
                .iter()
                .find(|x| x["scenario"] == name && x["kind"] == "group" && x["name"] == g)
                .unwrap();
            assert!((num(row, "agent_hours") - hours).abs() < 1e-9, "{name} {g}");
        }
    }
    // Only where plans are re-staffed.
    let e = wfm(&[
        "scenario",
        "--config",
        &repo(CONFIG),
        "--input",
        &repo(DEMAND),
        "--scenarios",
        file.to_str().unwrap(),
        "--schedule",
        &repo(STAFFING),
        "--plans",
        dir.to_str().unwrap(),
    ]);
    fails_with(&e, &["--plans", "--schedule"]);
}
