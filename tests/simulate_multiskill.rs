//! The multi-skill example (`models/multiskill.toml`, `data/multiskill/`): two queues, a
//! dedicated team each and a cross-skilled group serving both. Adding agents to the
//! cross-skilled group must raise the service level of both queues it serves; the command
//! line gives the documented columns, the same bytes for the same seed, whatever the threads.

use std::path::{Path, PathBuf};
use std::process::Command;

use wfm::io::simulate::{read_agents, read_demand, read_sim_config};
use wfm::model::{Agents, Panel, Silent};
use wfm::simulate::{simulate, Arrivals, SimModel, SimOptions, SlConvention};

fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Horizon SL (mean, standard error) of every routing queue with `extra` cross-skilled agents.
fn horizon_sl(extra: u32) -> Vec<(String, f64, f64)> {
    let cfg = read_sim_config(&root("models/multiskill.toml")).unwrap();
    let demand = read_demand(&root("data/multiskill/demand.csv"))
        .unwrap()
        .demand;
    let agents = read_agents(&root("data/multiskill/agents.csv"), demand.grid())
        .unwrap()
        .agents;
    let cross = agents.queue_index("cross").unwrap();
    let agents = Panel::from_fn(agents.queues().to_vec(), *agents.grid(), |g, t| {
        Agents(agents.get(g, t).get() + if g == cross { extra } else { 0 })
    });
    let routing = cfg.routing.clone().unwrap();
    let model = SimModel {
        demand: &demand,
        agents: &agents,
        routing: &routing,
        service: routing
            .queues()
            .iter()
            .map(|q| cfg.service[q].clone())
            .collect(),
        patience: routing
            .queues()
            .iter()
            .map(|q| cfg.patience[q].clone())
            .collect(),
        arrivals: Arrivals::Poisson,
    };
    let opts = SimOptions {
        reps: 60,
        seed: 11,
        threshold_secs: 20.0,
        threads: None,
    };
    let res = simulate(&model, &opts, &Silent).unwrap();
    res.horizon()
        .into_iter()
        .filter(|(q, _)| q.as_str() != "ALL")
        .map(|(q, c)| {
            let s = c.sl(SlConvention::OfOffered).unwrap();
            (q.to_string(), s.mean, s.se())
        })
        .collect()
}

#[test]
fn more_cross_skilled_agents_raise_the_service_level_of_both_queues() {
    let base = horizon_sl(0);
    let more = horizon_sl(2);
    assert_eq!(base.len(), 2);
    for ((q, b, bse), (_, m, mse)) in base.iter().zip(&more) {
        let se = (bse * bse + mse * mse).sqrt();
        assert!(
            m - b > 3.0 * se,
            "queue {q}: SL {b:.4} → {m:.4} with 2 more cross-skilled agents (se {se:.4})"
        );
    }
}

fn cli(extra: &[&str]) -> String {
    let mut args = vec![
        "simulate",
        "--config",
        "models/multiskill.toml",
        "--demand",
        "data/multiskill/demand.csv",
        "--staffing",
        "data/multiskill/agents.csv",
        "--reps",
        "8",
        "--seed",
        "3",
        "--format",
        "csv",
    ];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_command_prints_one_row_per_queue_and_interval_deterministically() {
    let a = cli(&["--threads", "1"]);
    let b = cli(&["--threads", "2"]);
    assert_eq!(a, b);
    let mut lines = a.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for col in [
        "interval_start",
        "queue",
        "service_level",
        "service_level_p10",
        "service_level_p90",
        "abandon_rate",
        "abandon_rate_p10",
        "abandon_rate_p90",
        "asa_seconds",
        "asa_seconds_p10",
        "asa_seconds_p90",
        "occupancy",
        "occupancy_p10",
        "occupancy_p90",
        "sl_of_answered",
        "sl_excl_short_abandons",
    ] {
        assert!(header.contains(&col), "missing column {col}: {header:?}");
    }
    assert_eq!(lines.count(), 24 * 2);
    let days = cli(&["--level", "day"]);
    assert_eq!(days.lines().count(), 1 + 2);
    assert!(days.lines().nth(1).unwrap().starts_with("2024-03-04,"));
}
