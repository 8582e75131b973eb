//! Issue #7 "Must show": the anchor week at 15-min intervals (each 30-min requirement split into
//! two 15-min intervals with the same required agents) with the documented rules of
//! `models/shifts.toml`: an 8-h paid shift on an 8h30m span with two paid 15-min breaks and a
//! 30-min unpaid lunch, a 4-h shift with one 15-min break, starts every 15 min, overnight shifts
//! allowed, the week wrapping. Solved to a proven gap ≤ 1 % within the default node limit (a
//! deterministic work limit: the same plan on an idle or a loaded machine), and priced against
//! the plan without breaks and overnight shifts.
//!
//! Needs CBC (feature `cbc`): microlp does not reach a 1 % gap on this instance in 60 s; without
//! CBC the heuristic path is tested in `schedule_heuristic.rs`.
#![cfg(feature = "cbc")]

use wfm::schedule::{self, SolveOptions, Termination};

#[path = "common/schedule.rs"]
mod common;
use common::{check_plan, inputs};

#[test]
fn fifteen_minute_week_with_breaks_and_overnight_within_one_percent() {
    let (req, rules) = inputs();
    let opts = SolveOptions::new();
    let s = schedule::solve(&req, &rules, &opts).unwrap();
    let gap = match &s.termination {
        Termination::Optimal => 0.0,
        Termination::TimeLimit { gap: Some(g), .. } => *g,
        Termination::NodeLimit { gap: Some(g), .. } => *g,
        other => panic!("expected a proven gap, got {other:?}"),
    };
    eprintln!(
        "15-min with breaks + overnight: {} paid agent-hours, bound {:?}, gap {:.3} %, {:.1} s",
        s.summary.paid_agent_hours,
        s.summary.lower_bound,
        100.0 * gap,
        s.summary.seconds
    );
    assert!(gap <= 0.01, "gap {gap}");
    assert_eq!(s.summary.interval_minutes, 15);
    assert_eq!(s.summary.understaffed_intervals, 0);
    check_plan(&s, &rules);
    // paid hours exclude the unpaid lunch: 8 h per full shift, 4 h per part-time shift
    for sh in &s.shifts {
        let want = if sh.template == "full" { 8.0 } else { 4.0 };
        assert_eq!(sh.paid_hours, want);
    }

    // the baseline without breaks and overnight shifts (same 15-min starts) solves to optimality
    let base_rules = rules.without_breaks_or_overnight();
    let base = schedule::solve(&req, &base_rules, &opts).unwrap();
    assert_eq!(base.termination, Termination::Optimal);
    assert_eq!(base.summary.understaffed_intervals, 0);
    eprintln!(
        "baseline (no breaks, no overnight): {} paid agent-hours; breaks + overnight change paid hours by {:+}",
        base.summary.paid_agent_hours,
        s.summary.paid_agent_hours - base.summary.paid_agent_hours
    );
    // Without breaks the full shift is 8.5 paid hours on the phones; with them it is 8 paid
    // hours and 7.5 on the phones. The difference is reported, not assumed: just check that
    // both plans are within a few percent of each other and above the requirement.
    assert!(s.summary.paid_agent_hours >= 652.0 && base.summary.paid_agent_hours >= 652.0);
}

/// The node limit is a deterministic work limit: stopped early on it, the same instance gives
/// the same plan twice, and reports `node_limit` with its proven gap.
#[test]
fn node_limit_stops_the_search_deterministically() {
    let (req, rules) = inputs();
    let opts = SolveOptions::new().with_node_limit(10);
    let a = schedule::solve(&req, &rules, &opts).unwrap();
    let b = schedule::solve(&req, &rules, &opts).unwrap();
    assert!(
        matches!(a.termination, Termination::NodeLimit { gap: Some(g), .. } if g > 0.0),
        "{:?}",
        a.termination
    );
    assert_eq!(a.summary.status, "node_limit");
    assert_eq!(a.summary.node_limit, Some(10));
    assert_eq!(a.shifts, b.shifts);
    assert_eq!(a.coverage, b.coverage);
    check_plan(&a, &rules);
}
