//! Ingestion speed: both months of the Anonymous Bank log (64,943 records) → 30-min KPIs per
//! queue, against a baseline measured in the same run: reading the same bytes and splitting
//! every line into its tab-separated fields (the least any reader must do).
//!
//! Uses ../shared/data/anonbank/{january,february}.txt when present, otherwise the committed
//! 14-day sample in data/ (the figure is then for 15,528 records).
//!
//! Run: `cargo bench --bench ingest`. Besides criterion's figures, prints
//! `ratio ingest/baseline` from medians of interleaved timings.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use wfm::data::{ingest_calls, CallOptions};

fn inputs() -> Vec<PathBuf> {
    let shared = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/anonbank"
    ));
    let months = [shared.join("january.txt"), shared.join("february.txt")];
    if months.iter().all(|p| p.exists()) {
        months.to_vec()
    } else {
        eprintln!("../shared absent: benchmarking the committed 14-day sample instead");
        vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("data/anonbank/january_01-14.txt")]
    }
}

/// Baseline: read the files and split every line into fields.
fn baseline(paths: &[PathBuf]) -> usize {
    let mut fields = 0;
    for p in paths {
        let bytes = std::fs::read(p).expect("readable");
        let text = String::from_utf8_lossy(&bytes);
        for line in text.split('\n') {
            fields += line.trim_end_matches('\r').split('\t').count();
        }
    }
    fields
}

fn ingest(paths: &[PathBuf]) -> usize {
    let ing = ingest_calls(paths, &CallOptions::default()).expect("ingests");
    ing.kpis.rows.len() + ing.accounting.read as usize
}

fn bench(c: &mut Criterion) {
    let paths = inputs();
    let mut g = c.benchmark_group("ingest");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function("baseline_read_split_lines", |b| {
        b.iter(|| black_box(baseline(black_box(&paths))))
    });
    g.bench_function("ingest_calls_both_months_30m", |b| {
        b.iter(|| black_box(ingest(black_box(&paths))))
    });
    g.finish();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Interleaved timings of both, so that machine load affects them alike.
fn ratio() {
    let paths = inputs();
    let (mut base, mut ing) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let t = Instant::now();
        black_box(baseline(&paths));
        base.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        black_box(ingest(&paths));
        ing.push(t.elapsed().as_secs_f64());
    }
    let (b, i) = (median(base), median(ing));
    println!(
        "ingest: median {:.1} ms, baseline (read + split lines) {:.1} ms, ratio ingest/baseline {:.2}",
        i * 1e3,
        b * 1e3,
        i / b
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    ratio();
    Criterion::default().configure_from_args().final_summary();
}
