//! Issue #7 "Must show": the anchor instance (tests/fixtures/requirement_week.csv, provenance in
//! tests/fixtures/README-schedule.md) with the anchor's rules (models/shifts_anchor.toml: 8-h and
//! 4-h shifts on any half hour, no breaks, days independent, no overnight).
//!
//! Reference optima: 764 paid agent-hours for `cost` and Σ|gap| = 92 half-hour agent units for
//! `gap` (pyworkforce 0.5.1 MinRequiredResources / MinAbsDifference with CP-SAT on the same
//! instance, and an independent earlier CBC run; see the fixture README).

use std::path::Path;
use std::process::Command;

use wfm::schedule::{self, Backend, Objective, Requirement, ShiftRules, SolveOptions, Termination};

fn anchor() -> (Requirement, ShiftRules) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let req = Requirement::from_csv(&root.join("tests/fixtures/requirement_week.csv")).unwrap();
    let rules = ShiftRules::from_path(&root.join("models/shifts_anchor.toml")).unwrap();
    (req, rules)
}

fn backends() -> Vec<Backend> {
    let mut b = vec![Backend::MicroLp];
    if Backend::best_available() != Backend::MicroLp {
        b.push(Backend::best_available());
    }
    b
}

#[test]
fn requirement_matches_the_issue() {
    let (req, _) = anchor();
    assert_eq!(req.len(), 336);
    assert_eq!(req.interval().minutes(), 30);
    assert!((req.agent_hours() - 652.0).abs() < 1e-9);
    assert_eq!(req.required().iter().copied().fold(0.0, f64::max), 12.0);
    assert_eq!(req.label(0), "Sun 00:00");
}

#[test]
fn cost_objective_reaches_the_proven_optimum_764() {
    let (req, rules) = anchor();
    for b in backends() {
        let s = schedule::solve(&req, &rules, &SolveOptions::new().with_backend(b)).unwrap();
        assert_eq!(s.termination, Termination::Optimal, "{b:?}");
        assert!(
            (s.summary.paid_agent_hours - 764.0).abs() < 1e-9,
            "{b:?}: {}",
            s.summary.paid_agent_hours
        );
        assert_eq!(s.summary.understaffed_intervals, 0, "{b:?}");
        assert_eq!(s.summary.lower_bound, Some(764.0), "{b:?}");
        // coverage is recomputed from the shifts, independently of the solver's rows
        assert!(
            s.coverage.iter().all(|r| r.scheduled >= r.required),
            "{b:?}"
        );
        // only the anchor's templates, starting on the half hour, never crossing midnight
        for sh in &s.shifts {
            assert!(sh.template == "8h" || sh.template == "4h");
            assert_eq!(sh.start_min % 30, 0);
            assert!(sh.end_min <= (sh.day as u32 + 1) * 1440, "{sh:?}");
            assert!(sh.breaks.is_empty());
        }
    }
}

#[test]
fn gap_objective_reaches_the_optimum_92() {
    let (req, rules) = anchor();
    for b in backends() {
        let opts = SolveOptions::new()
            .with_objective(Objective::Gap)
            .with_backend(b);
        let s = schedule::solve(&req, &rules, &opts).unwrap();
        assert_eq!(s.termination, Termination::Optimal, "{b:?}");
        assert!(
            (s.summary.abs_gap_agent_intervals - 92.0).abs() < 1e-9,
            "{b:?}"
        );
        assert!((s.summary.objective_value - 92.0).abs() < 1e-9, "{b:?}");
    }
}

#[test]
fn cli_writes_plan_coverage_and_summary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("wfm-schedule-anchor-{}", std::process::id()));
    let status = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(["schedule", "--requirement"])
        .arg(root.join("tests/fixtures/requirement_week.csv"))
        .arg("--shifts")
        .arg(root.join("models/shifts_anchor.toml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let stdout = String::from_utf8(status.stdout).unwrap();
    assert!(stdout.contains("optimal"), "{stdout}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["paid_agent_hours"], 764.0);
    assert_eq!(summary["status"], "optimal");
    assert_eq!(summary["understaffed_intervals"], 0);
    let plan = std::fs::read_to_string(out.join("plan.csv")).unwrap();
    assert!(plan.starts_with("day,start,end,template,count,paid_hours,breaks\n"));
    let shifts: i64 = plan
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(shifts, summary["shifts"].as_i64().unwrap());
    let cov = std::fs::read_to_string(out.join("coverage.csv")).unwrap();
    assert_eq!(cov.lines().count(), 337);
    assert!(cov.starts_with("interval_start,required,scheduled,gap,expected_sl,basis\n"));
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn infeasible_limits_are_reported_with_a_reason() {
    let (req, mut rules) = anchor();
    rules.max_shifts_per_day = Some(3);
    let s = schedule::solve(&req, &rules, &SolveOptions::new()).unwrap();
    match &s.termination {
        Termination::Infeasible { reason } => {
            assert!(reason.contains("max_shifts_per_day = 3"), "{reason}")
        }
        other => panic!("expected infeasible, got {other:?}"),
    }
}
