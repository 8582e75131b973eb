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

use std::path::Path;
use std::time::Duration;

use wfm::schedule::{self, Requirement, ShiftRules, SolveOptions, Termination};

fn inputs() -> (Requirement, ShiftRules) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let req = Requirement::from_csv(&root.join("tests/fixtures/requirement_week.csv")).unwrap();
    let rules = ShiftRules::from_path(&root.join("models/shifts.toml")).unwrap();
    (req, rules)
}

/// Checks the plan against the rules independently of the solver: every break inside its window
/// and in order, coverage recomputed from the shifts ≥ requirement.
fn check_plan(s: &schedule::Schedule, rules: &ShiftRules) {
    let mut cov = vec![0i64; 7 * 96];
    for sh in &s.shifts {
        let tp = rules
            .templates
            .iter()
            .find(|t| t.name == sh.template)
            .unwrap();
        assert_eq!(sh.breaks.len(), tp.breaks.len(), "{sh:?}");
        for (b, rule) in sh.breaks.iter().zip(&tp.breaks) {
            let off = b.start_min - sh.start_min;
            assert!(off >= rule.earliest_min && off <= rule.latest_min, "{sh:?}");
            assert_eq!(b.length_min, rule.length_min);
        }
        for m in (sh.start_min..sh.end_min).step_by(15) {
            let on_break = sh
                .breaks
                .iter()
                .any(|b| m >= b.start_min && m < b.start_min + b.length_min);
            if !on_break {
                cov[(m / 15) as usize % (7 * 96)] += 1;
            }
        }
    }
    for (t, r) in s.coverage.iter().enumerate() {
        assert_eq!(cov[t] as f64, r.scheduled, "interval {t}");
        assert!(
            r.scheduled >= r.required,
            "interval {} understaffed",
            r.interval_start
        );
    }
}

#[test]
fn heuristic_method_gives_a_feasible_plan_and_a_valid_bound() {
    let (req, rules) = inputs();
    let opts = SolveOptions::new()
        .with_method(schedule::Method::Heuristic)
        .with_time_limit(Duration::from_secs(20));
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
