//! The 78-week capacity plan of issue #15 (tests/fixtures/capacity/plan_78.toml: 19 class starts,
//! classes of 8–20, ramp, overtime, under-staffing penalty, headcount cap) solved to optimality
//! by the DP over class starts, and by the weekly MIP with the best engine built in (CBC by
//! default) as the baseline. Target: under a second per solve.

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use wfm::capacity::{plan_capacity, Method, PlanStatus, SolveOptions};
use wfm::io::capacity::read_plan;
use wfm::schedule::Backend;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan = read_plan(&root.join("tests/fixtures/capacity/plan_78.toml")).unwrap();
    let mut g = c.benchmark_group("capacity");
    g.sample_size(10);
    // The DP, and the weekly MIP on the best engine as the baseline of the same run.
    for method in [Method::Auto, Method::Mip] {
        let opts = SolveOptions {
            backend: Backend::best_available(),
            time_limit: Duration::from_secs(60),
            method,
        };
        let solved = plan_capacity(&plan.input, &opts);
        assert_eq!(solved.status, PlanStatus::Optimal);
        g.bench_function(format!("plan_78_weeks_{}", solved.solver), |b| {
            b.iter(|| plan_capacity(&plan.input, &opts))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
