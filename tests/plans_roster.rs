//! Issue #14: a roster that cannot work is an error (exit 3) that says why, and the shipped
//! example agents file rosters the demo's queues.

use std::path::{Path, PathBuf};
#[path = "common/cli.rs"]
mod cli;

fn tmp(name: &str) -> PathBuf {
    cli::scratch("plans-roster").join(name)
}

/// A one-day `wfm staff`-shaped requirement for queue PS: 3 agents 09:00–13:00.
fn requirement(name: &str) -> PathBuf {
    let mut text = String::from("interval_start,queue,agents\n");
    for h in 9..13 {
        for m in [0, 30] {
            text.push_str(&format!("1999-02-08T{h:02}:{m:02}:00,PS,3\n"));
        }
    }
    let p = tmp(&format!("req_{name}.csv"));
    std::fs::write(&p, text).unwrap();
    p
}

fn schedule(agents: &Path, out: &str) -> (i32, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (req, shifts, dir) = (requirement(out), root.join("models/shifts.toml"), tmp(out));
    let r = cli::wfm(&[
        "schedule".as_ref(),
        "--requirement".as_ref(),
        req.as_os_str(),
        "--shifts".as_ref(),
        shifts.as_os_str(),
        "--agents".as_ref(),
        agents.as_os_str(),
        "--time-limit".as_ref(),
        "5s".as_ref(),
        "--out".as_ref(),
        dir.as_os_str(),
    ]);
    (r.code, r.stderr)
}

#[test]
fn skills_matching_no_queue_are_exit_3_with_why() {
    let a = tmp("agents_nomatch.csv");
    std::fs::write(
        &a,
        "id,weekly_hours,availability,skills,preferences\nX1,40,any,ALL,\nX2,40,any,SALES,\n",
    )
    .unwrap();
    let (code, err) = schedule(&a, "nomatch");
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("match a queue") && err.contains("PS"), "{err}");
}

#[test]
fn a_template_preference_must_name_a_template() {
    let a = tmp("agents_tpl.csv");
    std::fs::write(
        &a,
        "id,weekly_hours,availability,skills,preferences\nX1,40,any,PS,template:4h\n",
    )
    .unwrap();
    let (code, err) = schedule(&a, "tpl");
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("template:4h") && err.contains("full, part"),
        "{err}"
    );
}

#[test]
fn a_roster_assigning_nothing_is_exit_3() {
    let a = tmp("agents_never.csv");
    // Available only on Sundays; the requirement is a Monday.
    std::fs::write(
        &a,
        "id,weekly_hours,availability,skills,preferences\nX1,40,Sun 06:00-22:00,PS,\n",
    )
    .unwrap();
    let (code, err) = schedule(&a, "never");
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("assigned none"), "{err}");
}

#[test]
fn the_example_agents_roster_the_demo_queues() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, err) = schedule(&root.join("models/agents_example.csv"), "example");
    assert_eq!(code, 0, "{err}");
    let roster = std::fs::read_to_string(tmp("example").join("roster.csv")).unwrap();
    assert!(!roster.contains("UNASSIGNED"), "{roster}");
}

#[test]
fn a_roster_leaving_shifts_unassigned_writes_them_and_is_exit_3_saying_why() {
    let a = tmp("agents_one.csv");
    // One agent for a requirement of 3 agents at once: the other shifts cannot be worked.
    std::fs::write(
        &a,
        "id,weekly_hours,availability,skills,preferences\nX1,40,any,PS,\n",
    )
    .unwrap();
    let (code, err) = schedule(&a, "one");
    assert_eq!(code, 3, "{err}");
    let roster = std::fs::read_to_string(tmp("one").join("roster.csv")).unwrap();
    let rows = roster.lines().count() - 1;
    let unassigned = roster
        .lines()
        .filter(|l| l.starts_with("UNASSIGNED,"))
        .count();
    assert!(unassigned >= 2 && unassigned < rows, "{roster}");
    assert!(
        err.contains(&format!(
            "the roster left {unassigned} of {rows} shifts unassigned ({unassigned}: every agent who could work it already works that day"
        )),
        "{err}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp("one").join("summary.json")).unwrap())
            .unwrap();
    let listed = summary["roster"]["unassigned"].as_array().unwrap();
    assert_eq!(listed.len(), unassigned);
    assert!(
        listed.iter().all(|u| u["reason"] == "agents_busy"),
        "{listed:?}"
    );
    assert_eq!(summary["roster"]["unassigned_shifts"], unassigned);
}
