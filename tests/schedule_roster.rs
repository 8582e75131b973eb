//! Named-agent roster (issue #7 item 4) on the anchor plan with `models/agents_example.csv`:
//! hard rules checked independently of the solver, and every violated soft rule reported.

use std::path::Path;

use wfm::schedule::roster::{self, Preference, RosterLimits, RosterRules};
use wfm::schedule::{self, Backend, Requirement, ShiftRules, SolveOptions};

#[test]
fn roster_respects_hard_rules_and_reports_every_soft_violation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let req = Requirement::from_csv(&root.join("tests/fixtures/requirement_week.csv")).unwrap();
    let rules = ShiftRules::from_path(&root.join("models/shifts_anchor.toml")).unwrap();
    let agents = wfm::io::schedule::read_agents(&root.join("models/agents_example.csv")).unwrap();
    let sched = schedule::solve(&req, &rules, &SolveOptions::new()).unwrap();
    let rr = RosterRules::default();
    let r = roster::assign(
        &sched,
        &agents,
        req.queues(),
        &rr,
        Backend::best_available(),
        RosterLimits::default(),
    )
    .unwrap();
    // The node limit (deterministic) or optimality, never the wall-clock safety net.
    assert!(
        r.status == "optimal" || r.status == "node_limit",
        "{}: {}",
        r.status,
        r.status_detail
    );
    let shifts = &sched.shifts;
    let mut per_agent: Vec<Vec<usize>> = vec![Vec::new(); agents.len()];
    for (s, a) in r.assignment.iter().enumerate() {
        if let Some(a) = a {
            per_agent[*a].push(s);
        }
    }
    let mut expected_soft = 0;
    for (a, list) in per_agent.iter().enumerate() {
        let ag = &agents[a];
        let mut days = [false; 7];
        for &s in list {
            let sh = &shifts[s];
            // availability (windows of the start weekday)
            let off = sh.start_min - sh.start_min % 1440;
            assert!(
                ag.availability[sh.weekday]
                    .iter()
                    .any(|&(w0, w1)| sh.start_min - off >= w0 && sh.end_min - off <= w1),
                "{} not available for {sh:?}",
                ag.id
            );
            assert!(!days[sh.day], "{} works twice on day {}", ag.id, sh.day);
            days[sh.day] = true;
            expected_soft += ag
                .preferences
                .iter()
                .filter(|p| match p {
                    Preference::Early => sh.start_min % 1440 >= 600,
                    Preference::Late => sh.start_min % 1440 < 720,
                    Preference::NoLate => sh.end_min - off > 1200,
                    Preference::DayOff(d) => sh.weekday == *d,
                    Preference::DateOff(_) => false, // an undated week has no dates
                    Preference::Template(t) => &sh.template != t,
                })
                .count();
        }
        // rest between consecutive days (the week wraps)
        for &s in list {
            for &t in list {
                let (x, y) = (&shifts[s], &shifts[t]);
                let next = if y.day == (x.day + 1) % 7 {
                    y.start_min + if y.day == 0 { 7 * 1440 } else { 0 }
                } else {
                    continue;
                };
                assert!(
                    x.end_min + rr.min_rest_min <= next,
                    "{}: rest {x:?} → {y:?}",
                    ag.id
                );
            }
        }
        // at most 6 consecutive days in the repeating week: at least one day off
        assert!(days.iter().any(|d| !d), "{} works 7 days", ag.id);
        let hours: f64 = list.iter().map(|&s| shifts[s].paid_hours).sum();
        assert!((hours - r.hours[a]).abs() < 1e-9);
        if (hours - ag.weekly_hours).abs() > 1e-9 {
            expected_soft += 1;
        }
    }
    let fairness = r
        .violations
        .iter()
        .filter(|v| v.rule.starts_with("fair_"))
        .count();
    assert_eq!(
        r.violations.len(),
        expected_soft + fairness,
        "{:#?}",
        r.violations
    );
    assert_eq!(r.unassigned(), 0);
}

#[test]
fn bad_agent_rows_name_line_and_column() {
    let dir = std::env::temp_dir().join(format!("wfm-roster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("agents.csv");
    std::fs::write(
        &p,
        "id,weekly_hours,availability,skills,preferences\nA,40,any,,early\nB,40,Mon 7-9,,\n",
    )
    .unwrap();
    let e = wfm::io::schedule::read_agents(&p).unwrap_err().to_string();
    assert!(
        e.contains("agents.csv:3") && e.contains("availability"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
