//! Helpers shared by the 15-min-with-breaks scheduling tests (`schedule_breaks.rs`,
//! `schedule_heuristic.rs`; each keeps its own test binary so the timed MIP runs alone).

use std::path::Path;

use wfm::schedule::{self, Requirement, ShiftRules};

/// The anchor week (split to 15 min by the rules) and the example rules with breaks.
pub(crate) fn inputs() -> (Requirement, ShiftRules) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let req = Requirement::from_csv(&root.join("tests/fixtures/requirement_week.csv")).unwrap();
    let rules = ShiftRules::from_path(&root.join("models/shifts.toml")).unwrap();
    (req, rules)
}

/// Checks the plan against the rules independently of the solver: every break inside its window
/// and in order, coverage recomputed from the shifts ≥ requirement.
pub(crate) fn check_plan(s: &schedule::Schedule, rules: &ShiftRules) {
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
