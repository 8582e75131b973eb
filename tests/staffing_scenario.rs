//! What-if scenarios: the library entry point and `wfm scenario` end to end.

use std::path::{Path, PathBuf};
use std::process::Command;

use wfm::staffing::config::{Settings, StaffConfig};
use wfm::staffing::plan::{self, Demand, StaffInput};
use wfm::staffing::scenario::{self, Scenario};
use wfm::units::Fraction;

fn day(queue: &str, base: f64, aht: f64) -> Vec<Demand> {
    // A simple intraday profile: 09:00–16:30 in half hours, peaking at noon.
    (0..16)
        .map(|i| {
            let h = 9 * 60 + 30 * i;
            let shape = 1.0 - ((f64::from(i) - 7.0) / 8.0).powi(2);
            Demand {
                start: wfm::time::parse_timestamp(&format!(
                    "2026-01-05 {:02}:{:02}",
                    h / 60,
                    h % 60
                ))
                .unwrap(),
                queue: queue.into(),
                offered: (base * shape).round(),
                aht_secs: Some(aht),
                agents: None,
            }
        })
        .collect()
}

fn input() -> StaffInput {
    let mut d = day("sales", 120.0, 200.0);
    d.extend(day("service", 300.0, 260.0));
    StaffInput::from_demand(Path::new("demo"), &d).unwrap()
}

fn shrinkage(x: f64) -> Settings {
    Settings {
        shrinkage: Some(Fraction::new(x).unwrap()),
        ..Settings::default()
    }
}

#[test]
fn unchanged_variant_equals_baseline() {
    let cfg = StaffConfig::new().with_overrides(shrinkage(0.3));
    let r = scenario::run(&input(), &cfg, &[Scenario::new("same")]).unwrap();
    let base = plan::staff(&input(), &cfg).unwrap();
    assert_eq!(&r.outcomes[0].staffed, base.horizon());
    assert_eq!(r.outcomes[1].staffed, r.outcomes[0].staffed);
    // The hit run evaluates the same agents: equal up to the last bits (the sizing scan and a
    // fresh evaluation position the Erlang B recursion along different paths).
    let (h, b) = (&r.outcomes[1].hit, &r.outcomes[0].staffed);
    assert_eq!(
        (h.agent_hours, h.agent_hours_gross, h.fte),
        (b.agent_hours, b.agent_hours_gross, b.fte)
    );
    for (x, y) in [
        (h.service_level, b.service_level),
        (h.asa_secs, b.asa_secs),
        (h.occupancy, b.occupancy),
    ] {
        let (x, y) = (x.unwrap(), y.unwrap());
        assert!(((x - y) / y).abs() < 1e-12, "{x} vs {y}");
    }
    assert_eq!(r.outcomes[1].hit_missed_intervals, 0);
}

#[test]
fn more_volume_costs_fte_and_hits_service() {
    let cfg = StaffConfig::new();
    let mut more = Scenario::new("volume +10%");
    more.volume_factor = 1.1;
    let r = scenario::run(&input(), &cfg, &[more]).unwrap();
    let (b, v) = (&r.outcomes[0], &r.outcomes[1]);
    assert!(v.staffed.fte > b.staffed.fte);
    assert!(v.staffed.service_level.unwrap() >= 0.8);
    // Staffed for the baseline, hit by +10 %: SL falls below target in some intervals.
    assert!(v.hit.service_level.unwrap() < b.staffed.service_level.unwrap());
    assert!(v.hit_missed_intervals > 0);
    assert!(v.hit.occupancy.unwrap() > b.staffed.occupancy.unwrap());
    // The hit run is the baseline's agents evaluated under the variant's demand.
    let agents: Vec<u32> = r.baseline.rows.iter().map(|x| x.agents).collect();
    let hit = plan::evaluate(
        &input()
            .with_demand_change(1.1, 1.0, 0.0)
            .with_agents(&agents),
        &cfg,
    )
    .unwrap();
    assert_eq!(&v.hit, hit.horizon());
}

/// More shrinkage with the same people on the schedule: net = ⌊gross·(1 − s')⌋.
#[test]
fn shrinkage_variant_keeps_gross_heads() {
    let cfg = StaffConfig::new().with_overrides(shrinkage(0.3));
    let mut v = Scenario::new("shrinkage 35%");
    v.settings = shrinkage(0.35);
    let r = scenario::run(&input(), &cfg, &[v]).unwrap();
    let base = &r.baseline;
    let agents: Vec<u32> = base
        .rows
        .iter()
        .map(|x| (f64::from(x.agents_gross) * 0.65 + 1e-9).floor() as u32)
        .collect();
    let cfg35 = StaffConfig::new().with_overrides(shrinkage(0.35));
    let hit = plan::evaluate(&input().with_agents(&agents), &cfg35).unwrap();
    assert_eq!(&r.outcomes[1].hit, hit.horizon());
    assert!(r.outcomes[1].staffed.fte > r.outcomes[0].staffed.fte);
    assert_eq!(
        r.outcomes[1].staffed.agent_hours,
        r.outcomes[0].staffed.agent_hours
    );
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wfm-scenario-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn scenario_cli_with_the_example_files() {
    let mut text = String::from("interval_start,queue,offered,aht_seconds\n");
    for d in day("PS", 150.0, 190.0)
        .into_iter()
        .chain(day("EMAIL", 40.0, 300.0))
        .chain(day("CHAT", 80.0, 400.0))
    {
        text.push_str(&format!(
            "{},{},{},{}\n",
            wfm::time::format_timestamp(d.start),
            d.queue,
            d.offered,
            d.aht_secs.unwrap()
        ));
    }
    let p = tmp("in.csv");
    std::fs::write(&p, text).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args([
            "scenario",
            "--input",
            p.to_str().unwrap(),
            "--config",
            &format!("{root}/models/staffing.toml"),
            "--scenarios",
            &format!("{root}/models/scenarios.toml"),
            "--patience-seconds",
            "240",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let h = rdr.headers().unwrap().clone();
    assert_eq!(&h[0], "scenario");
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let n_scen =
        wfm::io::staffing::read_scenarios(Path::new(&format!("{root}/models/scenarios.toml")))
            .unwrap()
            .len();
    assert_eq!(rows.len(), 1 + n_scen);
    assert_eq!(&rows[0][0], "baseline");
    assert_eq!(&rows[0][col("fte_delta")], "0");
    let fte = |r: &csv::StringRecord| r[col("fte")].parse::<f64>().unwrap();
    let by_name = |n: &str| rows.iter().find(|r| &r[0] == n).unwrap();
    assert!(fte(by_name("volume +10%")) > fte(&rows[0]));
    assert!(fte(by_name("volume -10%")) < fte(&rows[0]));
    // Shorter contracts: same agent-hours, more FTE.
    let c = by_name("37.5 h contracts");
    assert_eq!(c[col("agent_hours")], rows[0][col("agent_hours")]);
    assert!(fte(c) > fte(&rows[0]));
}
