//! The simulator against the exact Markovian formulas of the staffing module: with Poisson
//! arrivals at a constant rate, exponential handle times and (for Erlang A) exponential
//! patience, one FCFS queue and one group, the long-run service level, ASA, P(wait) and
//! abandonment of the simulation must agree with Erlang C (M/M/N) and Erlang A (M/M/N+M)
//! within 3 standard errors (independent replications, the first hour of each deleted as
//! warm-up; Law 2015, §9.5.1) on a grid of 24 points. The formulas themselves are tested
//! against mpmath / published tables in `staffing_reference.rs`.

use chrono::NaiveDate;
use wfm::model::{Agents, Demand, Panel, QueueId, Silent, TimeGrid};
use wfm::simulate::{simulate, Arrivals, Dist, Routing, SimModel, SimOptions, Tally};
use wfm::staffing::{erlang_a, erlang_c, QueueMetrics};
use wfm::units::{Erlangs, IntervalLength, Secs};

const AHT: f64 = 180.0;
const THRESHOLD: f64 = 20.0;
const WARMUP: usize = 2;

struct Point {
    load: f64,
    agents: u32,
    patience: Option<f64>,
}

/// Per replication: (SL, ASA, P(wait), abandon rate) over the intervals after the warm-up.
fn simulate_point(p: &Point, seed: u64) -> Vec<[f64; 4]> {
    let q = QueueId::new("Q").unwrap();
    let ivl = IntervalLength::from_minutes(30).unwrap();
    let calls = p.load * 1800.0 / AHT;
    // About 6,000 calls per replication after the warm-up.
    let n = WARMUP + (6000.0 / calls).ceil().max(20.0) as usize;
    let grid = TimeGrid::new(
        NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
        wfm::model::Grain::Interval(ivl),
        n,
    )
    .unwrap();
    let demand = Panel::filled(
        vec![q.clone()],
        grid,
        Demand {
            offered: calls,
            aht_secs: Some(AHT),
        },
    );
    let agents = Panel::filled(vec![q.clone()], grid, Agents(p.agents));
    let routing = Routing::dedicated(vec![q]);
    let model = SimModel {
        demand: &demand,
        agents: &agents,
        routing: &routing,
        service: vec![Dist::exponential(AHT).unwrap()],
        patience: vec![p.patience.map(|m| Dist::exponential(m).unwrap())],
        arrivals: Arrivals::Poisson,
    };
    let opts = SimOptions {
        reps: 20,
        seed,
        threshold_secs: THRESHOLD,
        threads: None,
    };
    let res = simulate(&model, &opts, &Silent).unwrap();
    res.rep_totals(0, WARMUP..n)
        .iter()
        .map(|t: &Tally| {
            let off = f64::from(t.offered);
            [
                f64::from(t.answered_within) / off,
                t.wait_answered_secs / f64::from(t.answered),
                f64::from(t.delayed) / off,
                f64::from(t.abandoned) / off,
            ]
        })
        .collect()
}

fn mean_se(v: &[[f64; 4]], k: usize) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().map(|r| r[k]).sum::<f64>() / n;
    let var = v.iter().map(|r| (r[k] - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

fn exact(p: &Point) -> QueueMetrics {
    let (a, aht, t) = (
        Erlangs::new(p.load).unwrap(),
        Secs::new(AHT).unwrap(),
        Secs::new(THRESHOLD).unwrap(),
    );
    match p.patience {
        None => erlang_c::metrics(p.agents, a, aht, t).unwrap(),
        Some(m) => erlang_a::metrics(p.agents, a, aht, Secs::new(m).unwrap(), t).unwrap(),
    }
}

fn grid() -> Vec<Point> {
    let mut pts = Vec::new();
    // Erlang C: occupancy 0.6–0.9 at small and large loads.
    for (load, agents) in [
        (2.0, 3),
        (2.0, 4),
        (4.5, 6),
        (5.0, 7),
        (8.0, 9),
        (10.0, 12),
        (10.0, 14),
        (18.0, 20),
        (20.0, 23),
        (30.0, 34),
        (45.0, 50),
        (60.0, 70),
    ] {
        pts.push(Point {
            load,
            agents,
            patience: None,
        });
    }
    // Erlang A: under- and over-staffed (abandonment keeps it stable), short and long patience.
    for (load, agents, patience) in [
        (2.0, 2, 60.0),
        (2.0, 3, 300.0),
        (5.0, 4, 120.0),
        (5.0, 6, 600.0),
        (10.0, 8, 60.0),
        (10.0, 10, 180.0),
        (10.0, 12, 300.0),
        (20.0, 18, 90.0),
        (20.0, 22, 240.0),
        (30.0, 30, 120.0),
        (40.0, 36, 200.0),
        (50.0, 55, 60.0),
    ] {
        pts.push(Point {
            load,
            agents,
            patience: Some(patience),
        });
    }
    pts
}

#[test]
fn simulator_agrees_with_erlang_c_and_erlang_a_within_three_standard_errors() {
    let mut failures = Vec::new();
    let pts = grid();
    assert!(pts.len() >= 20);
    for (i, p) in pts.iter().enumerate() {
        let reps = simulate_point(p, 1000 + i as u64);
        let m = exact(p);
        let mut checks = vec![
            ("SL", 0, m.service_level),
            ("ASA", 1, m.asa_secs),
            ("P(wait)", 2, m.p_wait),
        ];
        if let Some(ab) = m.abandon_rate {
            checks.push(("abandon", 3, ab));
        }
        for (name, k, want) in checks {
            let (got, se) = mean_se(&reps, k);
            let z = (got - want) / se.max(1e-12);
            if z.abs() > 3.0 {
                failures.push(format!(
                    "A={} N={} patience={:?}: {name} simulated {got:.5} ± {se:.5}, exact {want:.5} (z = {z:.2})",
                    p.load, p.agents, p.patience
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let q = QueueId::new("Q").unwrap();
    let grid = TimeGrid::days(
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        IntervalLength::from_minutes(30).unwrap(),
        1,
    );
    let demand = Panel::from_fn(vec![q.clone()], grid, |_, t| Demand {
        offered: (t as f64 * 3.0) % 70.0,
        aht_secs: Some(200.0),
    });
    let agents = Panel::from_fn(vec![q.clone()], grid, |_, t| Agents((t as u32 * 2) % 9 + 1));
    let routing = Routing::dedicated(vec![q]);
    let model = SimModel {
        demand: &demand,
        agents: &agents,
        routing: &routing,
        service: vec![Dist::lognormal(1.0, 0.9).unwrap()],
        patience: vec![Some(Dist::exponential(150.0).unwrap())],
        arrivals: Arrivals::Poisson,
    };
    let run = |threads| {
        let o = SimOptions {
            reps: 7,
            seed: 42,
            threshold_secs: 20.0,
            threads: Some(threads),
        };
        simulate(&model, &o, &Silent).unwrap()
    };
    let (a, b) = (run(1), run(3));
    assert_eq!(a.replications(), b.replications());
    let other = simulate(
        &model,
        &SimOptions {
            seed: 43,
            ..SimOptions::default()
        },
        &Silent,
    )
    .unwrap();
    assert_ne!(a.replications()[0], other.replications()[0]);
}
