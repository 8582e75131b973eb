//! Issue #7 "Must show": weekly tours with 2 days off, paid hours and coverage against the
//! day-by-day plan, on the anchor week with the anchor's shifts (models/shifts_anchor.toml,
//! `[tours]`: 5 days on, 2 consecutive days off, 20–40 paid hours, 11 h rest).

use std::path::Path;

use wfm::schedule::{self, Requirement, ShiftRules, Silent, SolveOptions, Termination};

#[test]
fn tours_with_two_days_off_against_the_day_by_day_plan() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let req = Requirement::from_csv(&root.join("tests/fixtures/requirement_week.csv")).unwrap();
    let rules = ShiftRules::from_path(&root.join("models/shifts_anchor.toml")).unwrap();
    let opts = SolveOptions::new();
    let day = schedule::solve(&req, &rules, &opts).unwrap();
    let tp = schedule::solve_tours(&req, &rules, &opts, &mut Silent).unwrap();
    eprintln!(
        "day by day: {} paid h, {} over, {} under; tours: {} paid h, {} over, {} under, {} employees, patterns {:?}",
        day.summary.paid_agent_hours,
        day.summary.over_agent_hours,
        day.summary.under_agent_hours,
        tp.schedule.summary.paid_agent_hours,
        tp.schedule.summary.over_agent_hours,
        tp.schedule.summary.under_agent_hours,
        tp.tours.len(),
        tp.patterns
    );
    assert!(matches!(
        tp.schedule.termination,
        Termination::Optimal | Termination::TimeLimit { .. }
    ));
    // tours are a restriction of the day-by-day problem: never cheaper
    assert!(tp.schedule.summary.paid_agent_hours >= day.summary.paid_agent_hours - 1e-9);
    assert_eq!(tp.schedule.summary.understaffed_intervals, 0);
    // every shift belongs to exactly one tour; every tour works 5 days with 2 consecutive off
    let mut seen = vec![0; tp.schedule.shifts.len()];
    let rest = rules.tours.as_ref().unwrap().min_rest_min;
    let mut rest_breaches = 0;
    for t in &tp.tours {
        let on: Vec<bool> = t.shifts.iter().map(Option::is_some).collect();
        assert_eq!(on.iter().filter(|&&o| o).count(), 5, "{t:?}");
        let off: Vec<usize> = (0..7).filter(|&d| !on[d]).collect();
        assert!(
            off[1] == off[0] + 1 || (off[0] == 0 && off[1] == 6),
            "{t:?}"
        );
        let hours: f64 = t
            .shifts
            .iter()
            .flatten()
            .map(|&i| tp.schedule.shifts[i].paid_hours)
            .sum();
        assert!((hours - t.paid_hours).abs() < 1e-9);
        for &i in t.shifts.iter().flatten() {
            seen[i] += 1;
        }
        for d in 0..7 {
            if let (Some(a), Some(b)) = (t.shifts[d], t.shifts[(d + 1) % 7]) {
                let next = tp.schedule.shifts[b].start_min + if d == 6 { 7 * 1440 } else { 0 };
                if tp.schedule.shifts[a].end_min + rest > next {
                    rest_breaches += 1;
                }
            }
        }
    }
    assert!(seen.iter().all(|&n| n == 1), "{seen:?}");
    assert_eq!(tp.unassigned_shifts, 0);
    // the report lists every breach found by this independent check
    assert_eq!(rest_breaches, tp.rest_violations.len());
    let hours_breaches = tp
        .tours
        .iter()
        .filter(|t| t.paid_hours < 20.0 || t.paid_hours > 40.0)
        .count();
    assert_eq!(hours_breaches, tp.hours_violations.len());
}
