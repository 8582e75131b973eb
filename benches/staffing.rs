//! Staffing speed (criterion, release): required agents for 1,000,000 mixed intervals, the same
//! through the table-level `plan::staff`, and Erlang A staffing at 10,000 Erlangs.
//!
//! Baseline measured in the same run: a naive search that counts agents up from N = 1 with an
//! incremental Erlang B recursion (already far faster than pyworkforce, which recomputes Erlang C
//! from scratch for every N). `ratio_report` prints the per-interval ratio of the two on the
//! same intervals before criterion's own groups run.
//!
//! Run: `cargo bench --bench staffing`.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{criterion_group, Criterion};
use wfm::staffing::config::{Settings, StaffConfig};
use wfm::staffing::plan::{self, Demand, StaffInput};
use wfm::staffing::{required_agents, Model, Targets};
use wfm::units::{Erlangs, Fraction, Secs};

const INTERVAL_SECS: f64 = 1800.0;

/// One interval of the mixed workload.
#[derive(Clone, Copy)]
struct Case {
    load: Erlangs,
    aht: Secs,
    targets: usize,
}

/// A small deterministic generator (SplitMix64), so the bench needs no extra crate.
struct SplitMix(u64);
impl SplitMix {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The grid ranges, mixed: calls per 30 min log-uniform in 5 … 5,000 (10 % closed
/// intervals with 0 calls), AHT uniform in 60 … 600 s, four target sets (80/20 and 90/15, with and
/// without an 85 % occupancy cap).
fn mixed(n: usize) -> (Vec<Case>, Vec<Targets>) {
    let t = |sl: f64, secs: f64| {
        Targets::new().with_service_level(Fraction::new(sl).unwrap(), Secs::new(secs).unwrap())
    };
    let cap = Fraction::new(0.85).unwrap();
    let targets = vec![
        t(0.8, 20.0),
        t(0.9, 15.0),
        t(0.8, 20.0).with_max_occupancy(cap).unwrap(),
        t(0.9, 15.0).with_max_occupancy(cap).unwrap(),
    ];
    let mut rng = SplitMix(2026);
    let cases = (0..n)
        .map(|i| {
            let closed = rng.next_f64() < 0.1;
            let calls = if closed {
                0.0
            } else {
                (5.0f64.ln() + rng.next_f64() * (1000.0f64).ln())
                    .exp()
                    .round()
            };
            let aht = (60.0 + rng.next_f64() * 540.0).round();
            Case {
                load: Erlangs::new(calls * aht / INTERVAL_SECS).unwrap(),
                aht: Secs::new(aht).unwrap(),
                targets: i % 4,
            }
        })
        .collect();
    (cases, targets)
}

fn fast(cases: &[Case], targets: &[Targets]) -> u64 {
    cases
        .iter()
        .map(|c| {
            u64::from(
                required_agents(Model::ErlangC, c.load, c.aht, &targets[c.targets])
                    .unwrap()
                    .agents,
            )
        })
        .sum()
}

/// Baseline: count N up from 1, Erlang B by the incremental recursion, Erlang C metrics and the
/// targets checked at every N with N > A.
fn naive(cases: &[Case], targets: &[Targets]) -> u64 {
    let mut total = 0u64;
    for c in cases {
        let a = c.load.value();
        if a == 0.0 {
            continue;
        }
        let tg = &targets[c.targets];
        let mut b = 1.0f64;
        let mut n = 0u32;
        loop {
            n += 1;
            b = a * b / (f64::from(n) + a * b);
            let nf = f64::from(n);
            if nf <= a {
                continue;
            }
            let cw = nf * b / (nf - a * (1.0 - b));
            let m = wfm::staffing::QueueMetrics {
                p_wait: cw,
                service_level: 1.0
                    - cw * (-(nf - a) * tg.threshold().value() / c.aht.value()).exp(),
                asa_secs: cw * c.aht.value() / (nf - a),
                occupancy: a / nf,
                abandon_rate: None,
                abandon_wait_secs: None,
            };
            if tg.first_unmet(&m).is_none() {
                total += u64::from(n);
                break;
            }
        }
    }
    total
}

/// Times both searches on the same 20,000 intervals and prints the per-interval ratio; checks
/// they agree.
fn ratio_report() {
    let (cases, targets) = mixed(20_000);
    // Interleaved runs, best of each: the machine is shared, so both see the same load.
    let reps = 9;
    let (mut t_fast, mut t_naive) = (f64::INFINITY, f64::INFINITY);
    let (mut v_fast, mut v_naive) = (0, 0);
    for _ in 0..reps {
        let s = Instant::now();
        v_fast = black_box(fast(black_box(&cases), &targets));
        t_fast = t_fast.min(s.elapsed().as_secs_f64());
        let s = Instant::now();
        v_naive = black_box(naive(black_box(&cases), &targets));
        t_naive = t_naive.min(s.elapsed().as_secs_f64());
    }
    assert_eq!(
        v_fast, v_naive,
        "the fast search and the naive scan disagree"
    );
    let per = |t: f64| t / cases.len() as f64 * 1e9;
    eprintln!(
        "required agents, 20,000 mixed intervals (best of {reps}, interleaved): fast {:.0} ns/interval, naive count-from-1 {:.0} ns/interval, ratio {:.1}×; 1,000,000 intervals ≈ {:.3} s",
        per(t_fast),
        per(t_naive),
        t_naive / t_fast,
        t_fast / cases.len() as f64 * 1e6
    );
}

fn bench_required_agents(c: &mut Criterion) {
    let (cases, targets) = mixed(1_000_000);
    let mut g = c.benchmark_group("erlang_c");
    g.sample_size(10);
    g.bench_function("required_agents_1M_mixed_intervals", |b| {
        b.iter(|| fast(black_box(&cases), &targets))
    });
    let sub = &cases[..20_000];
    g.bench_function("baseline_naive_count_from_1_20k_intervals", |b| {
        b.iter(|| naive(black_box(sub), &targets))
    });
    g.bench_function("required_agents_20k_intervals", |b| {
        b.iter(|| fast(black_box(sub), &targets))
    });
    g.finish();
}

fn bench_plan(c: &mut Criterion) {
    // The table-level entry point on 1,000,000 rows: 100 queues × 10,000 half-hours.
    let (cases, _) = mixed(1_000_000);
    let t0 = wfm::time::parse_timestamp("2026-01-04 00:00").unwrap();
    let demand: Vec<Demand> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| Demand {
            start: t0 + chrono::TimeDelta::minutes(30 * (i / 100) as i64),
            queue: format!("q{:02}", i % 100),
            offered: (c.load.value() * INTERVAL_SECS / c.aht.value()).round(),
            aht_secs: Some(c.aht.value()),
            agents: None,
        })
        .collect();
    let input = StaffInput::from_demand(Path::new("bench"), &demand).unwrap();
    let cfg = StaffConfig::new().with_overrides(Settings {
        shrinkage: Some(Fraction::new(0.3).unwrap()),
        max_occupancy: Some(Fraction::new(0.85).unwrap()),
        ..Settings::default()
    });
    let mut g = c.benchmark_group("plan");
    g.sample_size(10);
    g.bench_function("staff_1M_rows_with_totals", |b| {
        b.iter(|| plan::staff(black_box(&input), &cfg).unwrap())
    });
    g.finish();
}

fn bench_erlang_a(c: &mut Criterion) {
    let targets =
        Targets::new().with_service_level(Fraction::new(0.8).unwrap(), Secs::new(20.0).unwrap());
    let model = Model::ErlangA {
        patience: Secs::new(300.0).unwrap(),
    };
    let mut g = c.benchmark_group("erlang_a");
    g.bench_function("required_agents_10000_erlangs", |b| {
        b.iter(|| {
            required_agents(
                model,
                black_box(Erlangs::new(10_000.0).unwrap()),
                Secs::new(180.0).unwrap(),
                &targets,
            )
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_required_agents, bench_plan, bench_erlang_a);

fn main() {
    ratio_report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
