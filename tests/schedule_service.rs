//! The `service` objective (maximum expected Erlang C service level for a paid-hours budget) and
//! the `wfm staff` input shape (queues pooled by summing).

use std::path::Path;

use wfm::schedule::{self, Objective, Requirement, ShiftRules, SolveOptions, Termination};
use wfm::staffing::erlang_c;
use wfm::units::{Erlangs, Secs};

fn anchor() -> (Requirement, ShiftRules) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    (
        Requirement::from_csv(&root.join("tests/fixtures/requirement_week.csv")).unwrap(),
        ShiftRules::from_path(&root.join("models/shifts_anchor.toml")).unwrap(),
    )
}

#[test]
fn service_plan_beats_the_cost_plan_on_the_same_budget() {
    let (req, rules) = anchor();
    let cost = schedule::solve(&req, &rules, &SolveOptions::new()).unwrap();
    let opts = SolveOptions::new().with_objective(Objective::Service);
    let svc = schedule::solve(&req, &rules, &opts).unwrap();
    assert!(matches!(
        svc.termination,
        Termination::Optimal | Termination::TimeLimit { .. }
    ));
    // default budget = the minimum-cost plan's paid hours
    assert_eq!(
        svc.summary.budget_hours,
        Some(cost.summary.paid_agent_hours)
    );
    assert!(svc.summary.paid_agent_hours <= cost.summary.paid_agent_hours + 1e-9);
    let (sl_cost, sl_svc) = (
        cost.summary.expected_sl.unwrap(),
        svc.summary.expected_sl.unwrap(),
    );
    eprintln!(
        "expected SL: cost plan {sl_cost:.4}, service plan {sl_svc:.4} on {} paid hours",
        svc.summary.paid_agent_hours
    );
    assert!(sl_svc > sl_cost + 0.01, "{sl_svc} vs {sl_cost}");

    // independent recomputation: call-weighted Erlang C SL (20 s) of the scheduled agents
    let load = req.load().unwrap();
    let aht = req.aht_secs().unwrap();
    let (mut num, mut den) = (0.0, 0.0);
    for (t, row) in svc.coverage.iter().enumerate() {
        if load[t] <= 0.0 {
            continue;
        }
        let n = row.scheduled as u32;
        let sl = if f64::from(n) <= load[t] {
            0.0
        } else {
            erlang_c::metrics(
                n,
                Erlangs::new(load[t]).unwrap(),
                Secs::new(aht[t]).unwrap(),
                Secs::new(20.0).unwrap(),
            )
            .unwrap()
            .service_level
        };
        assert!((row.expected_sl.unwrap() - sl).abs() < 1e-12);
        num += load[t] / aht[t] * sl;
        den += load[t] / aht[t];
    }
    assert!((num / den - sl_svc).abs() < 1e-9);
}

#[test]
fn smaller_budget_lowers_service_and_respects_the_budget() {
    let (req, rules) = anchor();
    let opts = SolveOptions::new()
        .with_objective(Objective::Service)
        .with_budget_hours(600.0)
        .unwrap();
    let s = schedule::solve(&req, &rules, &opts).unwrap();
    assert!(s.summary.paid_agent_hours <= 600.0 + 1e-9);
    assert!(s.summary.expected_sl.unwrap() < 0.95);
}

#[test]
fn staff_output_is_pooled_and_scheduled() {
    let dir = std::env::temp_dir().join(format!("wfm-sched-staff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("staff.csv");
    let mut text = String::from("interval_start,queue,offered,aht_seconds,load_erlangs,agents\n");
    for slot in 0..48 {
        let (h, m) = (slot / 2, (slot % 2) * 30);
        let busy = (16..40).contains(&slot);
        for (q, a) in [
            ("a", if busy { 3 } else { 0 }),
            ("b", if busy { 2 } else { 1 }),
        ] {
            text.push_str(&format!(
                "1999-01-04 {h:02}:{m:02}:00,{q},10,180,{},{a}\n",
                if a > 0 { 1.0 } else { 0.0 }
            ));
        }
    }
    std::fs::write(&p, text).unwrap();
    let req = Requirement::from_csv(&p).unwrap();
    assert_eq!(req.queues(), ["a", "b"]);
    assert_eq!(req.len(), 48);
    assert_eq!(req.required()[20], 5.0);
    assert_eq!(req.label(0), "1999-01-04T00:00:00");
    let rules = ShiftRules::from_toml_str(
        "schema_version = 1\n[[template]]\nname = \"8h\"\nlength = \"8h\"\n",
        Path::new("inline.toml"),
    )
    .unwrap();
    let s = schedule::solve(&req, &rules, &SolveOptions::new()).unwrap();
    assert_eq!(s.termination, Termination::Optimal);
    assert_eq!(s.summary.understaffed_intervals, 0);
    // one agent all day (3 × 8 h) plus 4 more over 08:00–20:00 (12 h → 2 × 8 h each):
    // at least 24 + 4·12 = 72 agent-hours of on-phone coverage is required, in 8-h shifts
    assert!(s.summary.paid_agent_hours >= 72.0);
    assert_eq!(s.summary.paid_agent_hours % 8.0, 0.0);
    std::fs::remove_dir_all(&dir).ok();
}
