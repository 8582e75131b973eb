//! Simulator speed (criterion, release): the issue's instance — one Erlang C queue at 10
//! Erlangs (12 agents, exponential AHT 180 s, 100 calls per 30-min interval), 1,000 intervals ×
//! 50 replications ≈ 5 M calls — and a multi-skill day.
//!
//! Baseline measured in the same run: ciw (Python, in process, `pip install ciw`) on 10,000
//! calls of the same queue; `ratio_report` prints the per-call times and their ratio before
//! criterion's groups run (skipped, saying so, without python3 + ciw). The whole-process
//! figure (CSV in, CSV out) is `python3 scripts/sim_vs_ciw.py speed`.
//!
//! Run: `cargo bench --bench simulate -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;
use criterion::{criterion_group, Criterion};
use wfm::model::{Agents, Demand, Grain, Panel, QueueId, Silent, TimeGrid};
use wfm::simulate::{simulate, Arrivals, Dist, Routing, SimModel, SimOptions, SimResult};
use wfm::units::IntervalLength;

const CIW_SNIPPET: &str = r#"
import ciw, time
net = ciw.create_network(arrival_distributions=[ciw.dists.Exponential(rate=100/1800)],
    service_distributions=[ciw.dists.Exponential(rate=1/180)], number_of_servers=[12])
ciw.seed(1)
t0 = time.perf_counter()
q = ciw.Simulation(net)
q.simulate_until_max_time(180000)
n = len(q.get_all_records())
print((time.perf_counter() - t0) / n)
"#;

fn erlang_c(intervals: usize, reps: u32) -> SimResult {
    let q = QueueId::new("Q").unwrap();
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let ivl = IntervalLength::from_minutes(30).unwrap();
    let grid = TimeGrid::new(start, Grain::Interval(ivl), intervals).unwrap();
    let demand = Panel::filled(
        vec![q.clone()],
        grid,
        Demand {
            offered: 100.0,
            aht_secs: Some(180.0),
        },
    );
    let agents = Panel::filled(vec![q.clone()], grid, Agents(12));
    let routing = Routing::dedicated(vec![q]);
    let model = SimModel {
        demand: &demand,
        agents: &agents,
        routing: &routing,
        service: vec![Dist::exponential(1.0).unwrap()],
        patience: vec![None],
        arrivals: Arrivals::Poisson,
    };
    let opts = SimOptions {
        reps,
        seed: 1,
        threshold_secs: 20.0,
        threads: None,
    };
    simulate(&model, &opts, &Silent).unwrap()
}

fn calls(r: &SimResult) -> u64 {
    r.replications()
        .iter()
        .flat_map(|t| &t.cells)
        .map(|c| u64::from(c.offered))
        .sum()
}

fn ratio_report() {
    let t0 = Instant::now();
    let r = erlang_c(1000, 50);
    let wfm_per = t0.elapsed().as_secs_f64() / calls(&r) as f64;
    eprintln!(
        "wfm: {} calls, {:.0} ns per call ({} threads)",
        calls(&r),
        wfm_per * 1e9,
        rayon::current_num_threads()
    );
    match Command::new("python3").args(["-c", CIW_SNIPPET]).output() {
        Ok(o) if o.status.success() => {
            let ciw_per: f64 = String::from_utf8_lossy(&o.stdout).trim().parse().unwrap();
            eprintln!(
                "ciw: {:.1} µs per call; wfm is {:.0}× faster per simulated call",
                ciw_per * 1e6,
                ciw_per / wfm_per
            );
        }
        _ => eprintln!("ciw baseline skipped: python3 with `ciw` is not available"),
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    g.bench_function("erlang_c_10erl_1000x50", |b| {
        b.iter(|| black_box(erlang_c(1000, 50)))
    });
    g.bench_function("erlang_c_10erl_100x10", |b| {
        b.iter(|| black_box(erlang_c(100, 10)))
    });
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    ratio_report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
