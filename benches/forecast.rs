//! Fit + predict time per model, and the whole 12-origin `auto` backtest of FORECAST.md
//! (inner selection backtests included), against the seasonal-naive baseline in the same run.
//! Input: the VRU series from ../shared when present (the benchmark task), else the committed
//! 5-week fixture.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use wfm::forecast::{
    backtest, BacktestOptions, Calendar, FitData, History, InnerBacktest, ModelChoice, ModelSpec,
};
use wfm::time::parse_timestamp;

fn load() -> (History, Option<Calendar>, bool) {
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/anonbank/");
    let vru = format!("{shared}vru_arrivals_30min.csv");
    if Path::new(&vru).exists() {
        let cal = Calendar::read(Path::new(&format!("{shared}special_days_1999.csv"))).ok();
        (History::read(Path::new(&vru)).unwrap(), cal, true)
    } else {
        let f = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/forecast/vru_5w.csv"
        );
        (History::read(Path::new(f)).unwrap(), None, false)
    }
}

fn bench(c: &mut Criterion) {
    let (h, cal, full) = load();
    let d = h.step().per_day();
    // History up to the first FORECAST.md origin (26 weeks), or the whole fixture.
    let n = if full { 8832 } else { h.len() };
    let y: Vec<f64> = h.queues()[0].volume()[..n]
        .iter()
        .map(|v| v.unwrap_or(0.0))
        .collect();
    let data = FitData {
        y: &y,
        slots_per_day: d,
        first_weekday: h.first_weekday(),
        others: None,
    };
    let mut g = c.benchmark_group("fit_predict_7d");
    for spec in ModelSpec::auto_candidates() {
        g.bench_function(spec.name(), |b| {
            b.iter(|| black_box(spec.fit_predict(black_box(&data), 7 * d).unwrap()))
        });
    }
    g.finish();

    if full {
        let origins: Vec<_> = (0..12)
            .map(|k| parse_timestamp("1999-07-04").unwrap() + chrono::TimeDelta::days(7 * k))
            .collect();
        let mut g = c.benchmark_group("backtest_12_origins");
        g.sample_size(10);
        for model in ["seasonal-naive-week", "auto"] {
            let opts = BacktestOptions {
                origins: origins.clone(),
                horizon_secs: 7 * 86_400,
                models: vec![ModelChoice::parse(model).unwrap()],
                inner: InnerBacktest::default(),
                day_start: Default::default(),
            };
            g.bench_function(model, |b| {
                b.iter(|| black_box(backtest(&h, cal.as_ref(), &opts, &mut |_, _| {}).unwrap()))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
