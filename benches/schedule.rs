//! Shift-planning solve time on realistic sizes: the anchor week (7 × 48 half-hours, 652
//! required agent-hours) at 30 min and at 15 min, with breaks, against the baseline of the same
//! week without breaks (the anchor's rules), measured in the same run.
//!
//! Solver time limits are kept short (5 s) so the bench finishes: the 15-min-with-breaks case is
//! then measured at its time limit (it needs ≈60 s for a proven 1 % gap, see
//! tests/schedule_breaks.rs); the figure that matters there is the plan quality printed once.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use wfm::schedule::{self, Requirement, ShiftRules, SolveOptions};

/// 30-min grid: 8h30m shift with a 30-min unpaid lunch, 4-h shift without a break.
const RULES_30: &str = r#"
schema_version = 1
interval = "30m"
[[template]]
name = "full"
length = "8h30m"
start_step = "30m"
overnight = true
[[template.break]]
name = "lunch"
length = "30m"
earliest = "3h"
latest = "5h"
paid = false
[[template]]
name = "part"
length = "4h"
start_step = "30m"
overnight = true
"#;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let req = Requirement::from_csv(&root.join("tests/fixtures/requirement_week.csv")).unwrap();
    let anchor = ShiftRules::from_path(&root.join("models/shifts_anchor.toml")).unwrap();
    let r30 = ShiftRules::from_toml_str(RULES_30, Path::new("bench-30.toml")).unwrap();
    let r15 = ShiftRules::from_path(&root.join("models/shifts.toml")).unwrap();
    let opts = SolveOptions::new().with_time_limit(Duration::from_secs(5));
    for (name, rules) in [("30min_breaks", &r30), ("15min_breaks", &r15)] {
        let s = schedule::solve(&req, rules, &opts).unwrap();
        eprintln!(
            "{name}: {} paid agent-hours, status {}, bound {:?}, gap {:?}",
            s.summary.paid_agent_hours, s.summary.status, s.summary.lower_bound, s.summary.gap
        );
    }
    let mut g = c.benchmark_group("schedule_week");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("baseline_30min_no_breaks", |b| {
        b.iter(|| schedule::solve(black_box(&req), &anchor, &opts).unwrap())
    });
    g.bench_function("30min_breaks", |b| {
        b.iter(|| schedule::solve(black_box(&req), &r30, &opts).unwrap())
    });
    g.bench_function("15min_breaks_5s_limit", |b| {
        b.iter(|| schedule::solve(black_box(&req), &r15, &opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
