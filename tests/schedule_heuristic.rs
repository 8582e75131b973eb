//! The greedy / LP-diving heuristic (`Method::Heuristic`, also the MIP's fallback) on the
//! 15-min week with breaks: a feasible plan and the LP bound. Kept apart from
//! `schedule_breaks.rs` so that the timed MIP there runs alone in its test binary.
//!
//! Instance: the anchor week at 15-min intervals (each 30-min requirement split into
//! two 15-min intervals with the same required agents) with the documented rules of
//! `models/shifts.toml`: an 8-h paid shift on an 8h30m span with two paid 15-min breaks and a
//! 30-min unpaid lunch, a 4-h shift with one 15-min break, starts every 15 min, overnight shifts
//! allowed, the week wrapping. Solved to a proven gap ≤ 1 % within a 60-s limit, and priced
//! against the plan without breaks and overnight shifts.

use wfm::schedule::{self, SolveOptions, Termination};

#[path = "common/schedule.rs"]
mod common;
use common::{check_plan, inputs};

#[test]
fn heuristic_method_gives_a_feasible_plan_and_a_valid_bound() {
    let (req, rules) = inputs();
    let opts = SolveOptions::new().with_method(schedule::Method::Heuristic);
    let s = schedule::solve(&req, &rules, &opts).unwrap();
    match &s.termination {
        Termination::Heuristic {
            bound: Some(b),
            gap: Some(g),
            ..
        } => {
            assert!(*b <= s.summary.cost + 1e-9);
            assert!(*g >= 0.0);
            // The LP bound of this instance is 717.87 → 720 (objective in steps of 4 h).
            assert!((*b - 720.0).abs() < 1e-6, "bound {b}");
        }
        other => panic!("expected a heuristic result with a bound, got {other:?}"),
    }
    check_plan(&s, &rules);
}
