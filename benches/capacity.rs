//! The 78-week capacity plan of issue #15 (tests/fixtures/capacity/plan_78.toml: 19 class starts,
//! classes of 8–20, ramp, overtime, under-staffing penalty, headcount cap) solved to optimality
//! with the best engine built in (CBC by default), and with microlp for comparison.
//! Target: under a second per solve.

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use wfm::capacity::{plan_capacity, PlanStatus, SolveOptions};
use wfm::io::capacity::read_plan;
use wfm::schedule::Backend;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan = read_plan(&root.join("tests/fixtures/capacity/plan_78.toml")).unwrap();
    let mut g = c.benchmark_group("capacity");
    g.sample_size(10);
    for backend in [Backend::best_available(), Backend::MicroLp] {
        let opts = SolveOptions {
            backend,
            time_limit: Duration::from_secs(60),
        };
        assert_eq!(
            plan_capacity(&plan.input, &opts).status,
            PlanStatus::Optimal
        );
        g.bench_function(format!("plan_78_weeks_{}", backend.name()), |b| {
            b.iter(|| plan_capacity(&plan.input, &opts))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
