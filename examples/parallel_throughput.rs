//! Throughput of per-queue work on 1 thread and on N threads (issue "Python and Spark"):
//! forecast (`auto`, 14 days ahead) + Erlang C staffing (80 % in 20 s) of synthetic queues with
//! 8 weeks of 30-min history, timed on a pool of 1 thread and on a pool of `--threads` threads;
//! checks that both give the same forecast and plan, and prints the times and the ratio.
//!
//! ```text
//! cargo run --release --example parallel_throughput -- --queues 1000 --weeks 8 --threads 2
//! ```
//!
//! Options: `--queues N` (default 1000), `--weeks W` (default 8), `--threads T` (default 2),
//! `--model NAME` (default auto), `--rounds R` (default 3).
//!
//! First one untimed run on each pool (it grows the threads' heaps), then the parallel units
//! alone on 1 thread: every queue's `forecast_queue` and every interval's Erlang C requirement.
//!
//! Each round runs, back to back: the **control** (a trivially parallel CPU-bound loop: equal
//! tasks of integer arithmetic in registers, no allocation, no shared memory) on 1 thread and
//! on T threads, then the forecast + staffing on 1 thread and on T threads. The control's ratio
//! is what the machine's cores deliver at that moment (below T when the vCPUs share a physical
//! core or other processes compete): the work's ratio is to be read against it. Per run the
//! phases are timed (forecast, forecast rows → demand, staffing input, staffing) with the
//! process's CPU seconds (user + system, Linux `/proc/self/stat`), so CPU ÷ wall shows how busy
//! the threads were, and each worker's CPU seconds (`/proc/thread-self/stat`).
//!
//! The serial fraction `f` is estimated two ways: (1) on T threads, the busiest worker's CPU
//! minus the mean of the others' (the others wait while one runs the serial parts), over the
//! workers' total — robust to other load on the machine; (2) on 1 thread, the whole run minus
//! the parallel units alone (an upper bound: part of that rest runs in parallel too). Amdahl's
//! bound `1 / (f + (1 − f) / c)` is printed for c = T and for c = the control's ratio. The
//! figures printed last are medians over the rounds.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use wfm::forecast::{
    forecast, forecast_queue, ForecastOptions, ForecastOutput, History, ModelChoice, SeriesInput,
};
use wfm::staffing::config::StaffConfig;
use wfm::staffing::plan::{staff, Demand, StaffInput, StaffPlan};
use wfm::staffing::requirement::required_agents;
use wfm::time::parse_timestamp;
use wfm::units::{Erlangs, IntervalLength, Secs};

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

/// CPU seconds (user + system) of this process so far, from `/proc/self/stat` (Linux; clock
/// ticks of 1/100 s); `None` elsewhere.
fn cpu_secs() -> Option<f64> {
    cpu_of("/proc/self/stat")
}

/// User + system CPU seconds from a `/proc/…/stat` file.
fn cpu_of(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces): state is
    // field 3, utime field 14, stime field 15.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Wall and CPU seconds of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, Option<f64>) {
    let (c0, t0) = (cpu_secs(), Instant::now());
    let out = f();
    let wall = t0.elapsed().as_secs_f64();
    (out, wall, cpu_secs().zip(c0).map(|(a, b)| a - b))
}

/// Wall seconds of the phases of one run.
#[derive(Debug, Clone, Copy, Default)]
struct Phases {
    forecast: f64,
    demand: f64,
    staff_input: f64,
    staff: f64,
}

impl Phases {
    fn total(&self) -> f64 {
        self.forecast + self.demand + self.staff_input + self.staff
    }
}

fn forecast_and_staff(
    h: &History,
    options: &ForecastOptions,
) -> (ForecastOutput, StaffPlan, Phases) {
    let mut ph = Phases::default();
    let t = Instant::now();
    let fc = forecast(h, None, options).expect("forecast");
    ph.forecast = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let demand: Vec<Demand> = fc
        .rows
        .par_iter()
        .map(|r| Demand {
            start: r.interval_start,
            queue: r.queue.clone(),
            offered: r.forecast,
            aht_secs: r.aht_forecast_secs,
            agents: None,
        })
        .collect();
    ph.demand = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let input = StaffInput::from_demand(Path::new("<forecast>"), &demand).expect("demand");
    ph.staff_input = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let plan = staff(&input, &StaffConfig::new()).expect("staffing");
    ph.staff = t.elapsed().as_secs_f64();
    (fc, plan, ph)
}

/// The parallel section of `forecast` alone: each queue's forecast (`forecast_queue`, the
/// per-queue unit `forecast` runs in parallel), without assembling the output.
fn forecast_units(h: &History, options: &ForecastOptions) -> usize {
    let panel = h.panel();
    (0..panel.queues().len())
        .into_par_iter()
        .map(|q| {
            forecast_queue(
                &panel.queues()[q],
                panel.series(q),
                panel.grid(),
                None,
                options,
            )
            .expect("forecast")
            .cells
            .len()
        })
        .sum()
}

/// The parallel section of `staff` alone: each interval's Erlang C requirement (80 % in 20 s),
/// without validation or assembly.
fn staffing_units(fc: &ForecastOutput) -> u64 {
    let policy = StaffConfig::new().resolve("Q", None).expect("policy");
    fc.rows
        .par_iter()
        .map(|r| {
            let aht = r.aht_forecast_secs.unwrap_or(0.0);
            let load = if r.forecast > 0.0 && aht > 0.0 {
                r.forecast * aht / 1800.0
            } else {
                0.0
            };
            let req = required_agents(
                policy.model,
                Erlangs::new(load).expect("load"),
                Secs::new(aht).expect("aht"),
                &policy.targets,
            )
            .expect("requirement");
            u64::from(req.agents)
        })
        .sum()
}

/// CPU seconds of each worker of `pool` so far (Linux `/proc/thread-self/stat`).
fn workers_cpu(pool: &rayon::ThreadPool) -> Vec<Option<f64>> {
    pool.broadcast(|_| cpu_of("/proc/thread-self/stat"))
}

/// One timed run of forecast + staffing on `pool`.
struct Run {
    wall: f64,
    cpu: Option<f64>,
    phases: Phases,
    /// CPU seconds of each worker during the run.
    workers: Option<Vec<f64>>,
}

impl Run {
    fn on(
        pool: &rayon::ThreadPool,
        h: &History,
        options: &ForecastOptions,
    ) -> (Run, (ForecastOutput, StaffPlan)) {
        let before = workers_cpu(pool);
        let ((fc, plan, phases), wall, cpu) =
            timed(|| pool.install(|| forecast_and_staff(h, options)));
        let workers = workers_cpu(pool)
            .into_iter()
            .zip(before)
            .map(|(a, b)| a.zip(b).map(|(a, b)| a - b))
            .collect();
        let run = Run {
            wall,
            cpu,
            phases,
            workers,
        };
        (run, (fc, plan))
    }

    /// The serial part's CPU seconds: while one worker runs the serial parts the others
    /// wait, so it is the busiest worker's CPU time minus the mean of the others' (plus any
    /// imbalance of the parallel parts). `None` on one thread.
    fn serial_secs(&self) -> Option<f64> {
        let w = self.workers.as_ref().filter(|w| w.len() > 1)?;
        let busiest = w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let rest = (w.iter().sum::<f64>() - busiest) / (w.len() - 1) as f64;
        Some((busiest - rest).max(0.0))
    }

    /// The serial fraction: serial CPU seconds over the run's CPU seconds on one thread
    /// (`serial + T × the others' mean`).
    fn serial_fraction(&self) -> Option<f64> {
        let s = self.serial_secs()?;
        let total: f64 = self.workers.as_ref()?.iter().sum();
        (total > 0.0).then(|| s / total)
    }
}

/// xorshift64 steps: a dependent chain of register operations (no memory traffic).
fn spin(seed: u64, steps: u64) -> u64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..steps {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// The control: 128 equal tasks of `spin`, spread over the current pool.
fn control() -> u64 {
    (0..128u64)
        .into_par_iter()
        .map(|i| spin(black_box(i), black_box(4_000_000)))
        .reduce(|| 0, |a, b| a ^ b)
}

fn arg(args: &[String], flag: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn fmt_cpu(cpu: Option<f64>, wall: f64) -> String {
    cpu.map_or("CPU n/a".into(), |c| {
        format!("CPU {c:.2} s, CPU/wall {:.2}", c / wall)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let queues: usize = arg(&args, "--queues", "1000").parse().expect("--queues N");
    let weeks: usize = arg(&args, "--weeks", "8").parse().expect("--weeks W");
    let threads: usize = arg(&args, "--threads", "2").parse().expect("--threads T");
    let rounds: usize = arg(&args, "--rounds", "3").parse().expect("--rounds R");
    assert!(rounds > 0, "--rounds must be at least 1");
    let model = ModelChoice::parse(&arg(&args, "--model", "auto")).expect("--model");
    let options = ForecastOptions {
        model,
        ..ForecastOptions::default()
    };
    let (h, input_secs, _) = timed(|| history(queues, weeks));
    println!("input: {queues} queues × {weeks} weeks of 30-min history built in {input_secs:.2} s (not timed below)");
    let counts = [1, threads];
    let pools: Vec<rayon::ThreadPool> = counts
        .iter()
        .map(|&t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .expect("pool")
        })
        .collect();
    // Warm-up (untimed): the first run of a pool grows its threads' heaps (page faults).
    let reference = Run::on(&pools[0], &h, &options).1;
    assert!(Run::on(&pools[1], &h, &options).1 == reference);
    // The parallel units alone, on 1 thread.
    let (_, w, c) = timed(|| pools[0].install(|| forecast_units(&h, &options)));
    let forecast_unit_secs = c.unwrap_or(w);
    let (_, w, c) = timed(|| pools[0].install(|| staffing_units(&reference.0)));
    let staffing_unit_secs = c.unwrap_or(w);
    let (mut control_ratios, mut work_ratios) = (Vec::new(), Vec::new());
    let mut runs: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
    for round in 1..=rounds {
        let mut control_secs = [0.0; 2];
        for (k, pool) in pools.iter().enumerate() {
            let (x, wall, cpu) = timed(|| pool.install(control));
            black_box(x);
            control_secs[k] = wall;
            println!(
                "round {round} control, {} thread(s): {wall:.2} s ({})",
                counts[k],
                fmt_cpu(cpu, wall)
            );
        }
        for (k, pool) in pools.iter().enumerate() {
            let (run, out) = Run::on(pool, &h, &options);
            let ph = run.phases;
            let serial = run.serial_secs().map_or(String::new(), |s| {
                format!(
                    "; workers' CPU {} s → serial ≈ {s:.2} s",
                    run.workers.as_ref().map_or(String::new(), |w| w
                        .iter()
                        .map(|c| format!("{c:.2}"))
                        .collect::<Vec<_>>()
                        .join(" + "))
                )
            });
            println!(
                "round {round} work, {} thread(s): {} forecast rows, {} staffed intervals in {:.2} s ({:.0} queues/s; {}{serial}) = forecast {:.2} + demand {:.2} + staffing input {:.2} + staffing {:.2} s",
                counts[k],
                out.0.rows.len(),
                out.1.rows.len(),
                run.wall,
                queues as f64 / run.wall,
                fmt_cpu(run.cpu, run.wall),
                ph.forecast,
                ph.demand,
                ph.staff_input,
                ph.staff,
            );
            assert!(
                out == reference,
                "outputs differ between runs (1 and {threads} threads)"
            );
            runs[k].push(run);
        }
        let work = runs[0][round - 1].phases.total() / runs[1][round - 1].phases.total();
        control_ratios.push(control_secs[0] / control_secs[1]);
        work_ratios.push(work);
        println!(
            "round {round}: control {:.2}×, forecast + staffing {work:.2}× with {threads} threads",
            control_secs[0] / control_secs[1],
        );
    }
    summary(
        &runs,
        threads,
        queues,
        (forecast_unit_secs, staffing_unit_secs),
        median(control_ratios),
        median(work_ratios),
    );
}

/// Reads one phase's seconds.
type PhaseOf = fn(&Phases) -> f64;

/// The medians over the rounds, the serial fraction two ways and Amdahl's bounds.
fn summary(
    runs: &[Vec<Run>; 2],
    threads: usize,
    queues: usize,
    (forecast_units, staffing_units): (f64, f64),
    control: f64,
    speedup: f64,
) {
    let med = |k: usize, f: &dyn Fn(&Run) -> f64| median(runs[k].iter().map(f).collect());
    println!(
        "medians over {} round(s), 1 thread → {threads} threads:",
        runs[0].len()
    );
    let phases: [(&str, PhaseOf); 5] = [
        ("forecast", |p| p.forecast),
        ("forecast rows → demand", |p| p.demand),
        ("staffing input", |p| p.staff_input),
        ("staffing", |p| p.staff),
        ("total", Phases::total),
    ];
    for (name, f) in phases {
        let (one, many) = (med(0, &|r| f(&r.phases)), med(1, &|r| f(&r.phases)));
        println!(
            "  {name:<24} {one:>6.3} s → {many:>6.3} s ({:.2}×)",
            one / many
        );
    }
    let (one, many) = (med(0, &|r| r.phases.total()), med(1, &|r| r.phases.total()));
    println!(
        "throughput: {:.0} queues/s on 1 thread, {:.0} queues/s on {threads} threads",
        queues as f64 / one,
        queues as f64 / many
    );
    let t = threads as f64;
    let amdahl = |f: f64, c: f64| 1.0 / (f + (1.0 - f) / c);
    let cpu_one = med(0, &|r| r.cpu.unwrap_or(r.wall));
    let rest = (cpu_one - forecast_units - staffing_units).max(0.0);
    println!(
        "1 thread, CPU s: whole run {cpu_one:.2}; per-queue forecasts alone {forecast_units:.2}, per-interval Erlang C alone {staffing_units:.2}; the rest (assembly, validation, sorting, totals, conversion; partly parallel) {rest:.2} = at most {:.1} % serial",
        100.0 * rest / cpu_one
    );
    if let Some(f) = runs[1]
        .iter()
        .map(Run::serial_fraction)
        .collect::<Option<Vec<f64>>>()
        .map(median)
    {
        println!(
            "serial fraction on {threads} threads (busiest worker − mean of the others, over the workers' CPU): {:.1} % → Amdahl bound {:.2}× on {threads} ideal cores, {:.2}× on cores that deliver the control's {control:.2}×",
            100.0 * f,
            amdahl(f, t),
            amdahl(f, control)
        );
    }
    println!(
        "speed-up with {threads} threads: {speedup:.2}× (median of the rounds' ratios; same forecast and plan in every run); control {control:.2}×"
    );
}
