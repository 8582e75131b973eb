//! Throughput of per-queue work on 1 thread and on N threads (issue "Python and Spark"):
//! forecast (`auto`, 14 days ahead) + Erlang C staffing (80 % in 20 s) of synthetic queues with
//! 8 weeks of 30-min history, timed on a pool of 1 thread and on a pool of `--threads` threads;
//! checks that both give the same forecast and plan, and prints the times and the ratio.
//!
//! ```text
//! cargo run --release --example parallel_throughput -- --queues 1000 --threads 2
//! ```
//!
//! Options: `--queues N` (default 1000), `--weeks W` (default 8), `--threads T` (default 2),
//! `--model NAME` (default auto). The machine's load matters: report `uptime` beside the figure.

use std::path::Path;
use std::time::Instant;

use wfm::forecast::{forecast, ForecastOptions, ForecastOutput, History, ModelChoice, SeriesInput};
use wfm::staffing::config::StaffConfig;
use wfm::staffing::plan::{staff, Demand, StaffInput, StaffPlan};
use wfm::time::parse_timestamp;
use wfm::units::IntervalLength;

/// A deterministic pseudo-random stream (SplitMix64), so the history is the same on every run.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn history(queues: usize, weeks: usize) -> History {
    let n = weeks * 7 * 48;
    let mut rng = SplitMix(2024);
    let series = (0..queues)
        .map(|q| {
            let scale = 10.0 + (q * 37 % 140) as f64;
            let volume = (0..n)
                .map(|i| {
                    let (day, slot) = (i / 48, (i % 48) as f64);
                    let shape = (std::f64::consts::PI * (slot - 14.0) / 24.0).sin().max(0.0);
                    let week = if day % 7 >= 5 { 0.4 } else { 1.0 };
                    let mean = scale * shape.powf(1.5) * week;
                    // Mean ± √mean noise, rounded: counts with Poisson-like spread.
                    Some(
                        (mean + mean.sqrt() * (2.0 * rng.next() - 1.0) * 1.7)
                            .max(0.0)
                            .round(),
                    )
                })
                .collect();
            let aht = (0..n)
                .map(|_| Some(180.0 + (q % 90) as f64 + 30.0 * rng.next()))
                .collect();
            SeriesInput {
                queue: format!("Q{q:04}"),
                volume,
                aht_secs: aht,
            }
        })
        .collect();
    History::from_series(
        parse_timestamp("2024-01-01").expect("date"),
        IntervalLength::from_minutes(30).expect("30 min"),
        series,
    )
    .expect("valid synthetic history")
}

fn forecast_and_staff(h: &History, options: &ForecastOptions) -> (ForecastOutput, StaffPlan) {
    let fc = forecast(h, None, options).expect("forecast");
    let demand: Vec<Demand> = fc
        .rows
        .iter()
        .map(|r| Demand {
            start: r.interval_start,
            queue: r.queue.clone(),
            offered: r.forecast,
            aht_secs: r.aht_forecast_secs,
            agents: None,
        })
        .collect();
    let input = StaffInput::from_demand(Path::new("<forecast>"), &demand).expect("demand");
    let plan = staff(&input, &StaffConfig::new()).expect("staffing");
    (fc, plan)
}

fn arg(args: &[String], flag: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let queues: usize = arg(&args, "--queues", "1000").parse().expect("--queues N");
    let weeks: usize = arg(&args, "--weeks", "8").parse().expect("--weeks W");
    let threads: usize = arg(&args, "--threads", "2").parse().expect("--threads T");
    let model = ModelChoice::parse(&arg(&args, "--model", "auto")).expect("--model");
    let options = ForecastOptions {
        model,
        ..ForecastOptions::default()
    };
    let h = history(queues, weeks);
    let mut results = Vec::new();
    for t in [1, threads] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .expect("pool");
        let t0 = Instant::now();
        let out = pool.install(|| forecast_and_staff(&h, &options));
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "{t} thread(s): {queues} queues × {weeks} weeks, {} forecast rows, {} staffed intervals in {secs:.2} s ({:.1} queues/s)",
            out.0.rows.len(),
            out.1.rows.len(),
            queues as f64 / secs
        );
        results.push((secs, out));
    }
    let (one, many) = (&results[0], &results[1]);
    assert!(
        one.1 .0 == many.1 .0 && one.1 .1 == many.1 .1,
        "outputs differ between 1 and {threads} threads"
    );
    println!(
        "speed-up with {threads} threads: {:.2}× (same forecast and plan)",
        one.0 / many.0
    );
}
