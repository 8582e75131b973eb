//! What-if scenarios: named variants of the demand (volume ×, AHT × and ±) and of the policy
//! (targets, occupancy cap, shrinkage, patience, model, concurrency, hours per FTE), each
//! staffed afresh and compared with the baseline; and, for each variant, the baseline's
//! staffing hit by the variant ("staffed for the baseline, hit by the variant": what service
//! results if nobody is hired).
//!
//! # Hit by the variant
//! The baseline's **gross** agents per interval are kept (the people on the schedule). Under the
//! variant's shrinkage `s'` they give `⌊G·(1 − s')⌋` net agents, which are evaluated with the
//! variant's demand and model ([`super::plan::evaluate`]). Under Erlang C an interval whose load
//! now reaches the agents is unstable: it counts with SL 0, and the aggregate ASA is then
//! unbounded (empty); `hit_unstable_intervals` counts them.
//!
//! The TOML form is documented in `models/scenarios.toml`.

use std::path::Path;

use serde::Deserialize;

use super::config::{ModelKind, RawSettings, Settings, StaffConfig};
use super::plan::{self, number, Precision, StaffInput, StaffPlan, Totals};
use super::StaffingError;
use crate::table::{Cell, Table};

/// Relative slack of `⌊G·(1 − s)⌋` (the product may land a few ulps below an integer).
const NET_RTOL: f64 = 1e-12;

/// One what-if variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name shown in the output.
    pub name: String,
    /// Offered contacts are multiplied by this (1 = unchanged).
    pub volume_factor: f64,
    /// AHT is multiplied by this …
    pub aht_factor: f64,
    /// … and then this many seconds are added (may be negative; AHT is clamped at 0).
    pub aht_delta_secs: f64,
    /// Policy changes, applied over the baseline config and command-line flags.
    pub settings: Settings,
    /// Paid hours per FTE per day, if changed.
    pub hours_per_fte_day: Option<f64>,
    /// Paid hours per FTE per week, if changed.
    pub hours_per_fte_week: Option<f64>,
}

impl Scenario {
    /// A variant that changes nothing, named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Scenario {
            name: name.into(),
            volume_factor: 1.0,
            aht_factor: 1.0,
            aht_delta_secs: 0.0,
            settings: Settings::default(),
            hours_per_fte_day: None,
            hours_per_fte_week: None,
        }
    }

    fn config(&self, base: &StaffConfig) -> Result<StaffConfig, StaffingError> {
        let mut cfg = base.clone().with_overrides(self.settings);
        if self.hours_per_fte_day.is_some() || self.hours_per_fte_week.is_some() {
            cfg = cfg.with_hours_per_fte(
                self.hours_per_fte_day.unwrap_or(base.hours_per_fte_day()),
                self.hours_per_fte_week.unwrap_or(base.hours_per_fte_week()),
            )?;
        }
        Ok(cfg)
    }
}

/// Smallest `volume` / `aht_factor` of a scenario (−90 %).
pub const FACTOR_MIN: f64 = 0.1;
/// Bound (exclusive) of `volume` / `aht_factor`: 10 is far more often a percentage written as a
/// factor (+10 %) than a tenfold volume.
pub const FACTOR_MAX: f64 = 10.0;

/// Reads a `models/scenarios.toml`-style file.
///
/// # Errors
/// [`StaffingError::Table`] for TOML syntax; [`StaffingError::Config`] for a value out of range
/// (naming the scenario), including a `volume` or `aht_factor` outside
/// [[`FACTOR_MIN`], [`FACTOR_MAX`]) — `volume = 10` meant as +10 % is an error saying to write
/// 1.10.
pub fn read_scenarios(path: &Path) -> Result<Vec<Scenario>, StaffingError> {
    let raw: RawFile = crate::table::read_toml(path)?;
    let file = path.to_path_buf();
    let err = |key: String, value: f64, range: &'static str| StaffingError::Config {
        file: file.clone(),
        key,
        value,
        range,
    };
    if raw.schema_version != 1 {
        return Err(err(
            "schema_version".into(),
            f64::from(raw.schema_version),
            "1",
        ));
    }
    let mut out = Vec::with_capacity(raw.scenario.len());
    for (i, s) in raw.scenario.into_iter().enumerate() {
        let key = |k: &str| format!("scenario[{i}] ({}).{k}", s.name);
        for (k, v) in [
            ("hours_per_fte_day", s.hours_per_fte_day),
            ("hours_per_fte_week", s.hours_per_fte_week),
        ] {
            if let Some(x) = v.filter(|x| !(x.is_finite() && *x > 0.0)) {
                return Err(err(key(k), x, "(0, ∞)"));
            }
        }
        let aht_delta = s.aht_delta_seconds.unwrap_or(0.0);
        if !aht_delta.is_finite() {
            return Err(err(key("aht_delta_seconds"), aht_delta, "a finite number"));
        }
        // A factor, not a percentage: `volume = 10` meant as +10 % would staff ten times the
        // calls without a word, so factors outside [0.1, 10) are errors that say how to write it.
        let factor = |k: &str, v: Option<f64>| -> Result<Option<f64>, StaffingError> {
            match v {
                Some(x) if !(x.is_finite() && (FACTOR_MIN..FACTOR_MAX).contains(&x)) => Err(err(
                    key(k),
                    x,
                    "0.1 … 10 (exclusive): it is a factor, so write +10 % as 1.10 and −10 % as 0.90",
                )),
                v => Ok(v),
            }
        };
        out.push(Scenario {
            volume_factor: factor("volume", s.volume)?.unwrap_or(1.0),
            aht_factor: factor("aht_factor", s.aht_factor)?.unwrap_or(1.0),
            aht_delta_secs: aht_delta,
            settings: RawSettings {
                model: s.model,
                kind: None,
                sl_target: s.sl_target,
                sl_seconds: s.sl_seconds,
                asa_seconds: s.asa_seconds,
                max_abandon: s.max_abandon,
                patience_seconds: s.patience_seconds,
                max_occupancy: s.max_occupancy,
                shrinkage: s.shrinkage.map(super::config::RawShrinkage::Total),
                concurrency: s.concurrency,
                sla: None,
            }
            .validate(path, &format!("scenario[{i}] ({})", s.name))?,
            hours_per_fte_day: s.hours_per_fte_day,
            hours_per_fte_week: s.hours_per_fte_week,
            name: s.name,
        });
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    schema_version: u32,
    #[serde(default)]
    scenario: Vec<RawScenario>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    volume: Option<f64>,
    aht_factor: Option<f64>,
    aht_delta_seconds: Option<f64>,
    model: Option<ModelKind>,
    sl_target: Option<f64>,
    sl_seconds: Option<f64>,
    asa_seconds: Option<f64>,
    max_abandon: Option<f64>,
    patience_seconds: Option<f64>,
    max_occupancy: Option<f64>,
    shrinkage: Option<f64>,
    concurrency: Option<f64>,
    hours_per_fte_day: Option<f64>,
    hours_per_fte_week: Option<f64>,
}

/// The result of one variant.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioOutcome {
    /// The variant's name (`baseline` for the baseline).
    pub name: String,
    /// The variant staffed afresh: its horizon totals over all queues.
    pub staffed: Totals,
    /// The baseline's staffing evaluated under the variant: horizon totals over all queues.
    pub hit: Totals,
    /// Intervals of the hit run that miss a target or are unstable.
    pub hit_missed_intervals: usize,
}

/// Every variant side by side with the baseline (first).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioReport {
    /// Baseline first, then the variants in file order.
    pub outcomes: Vec<ScenarioOutcome>,
    /// The baseline plan (per interval), for further use.
    pub baseline: StaffPlan,
}

/// The columns of [`ScenarioReport::to_table`].
pub const COLUMNS: [&str; 20] = [
    "scenario",
    "fte",
    "fte_delta",
    "agent_hours",
    "agent_hours_delta",
    "agent_hours_gross",
    "service_level",
    "asa_seconds",
    "occupancy",
    "abandon_rate",
    "service_level_delta",
    "asa_seconds_delta",
    "occupancy_delta",
    "abandon_rate_delta",
    "hit_service_level",
    "hit_asa_seconds",
    "hit_occupancy",
    "hit_abandon_rate",
    "hit_unstable_intervals",
    "hit_missed_intervals",
];

/// Staffs the baseline (`input` under `config`) and every scenario, and evaluates the baseline's
/// staffing under each scenario.
///
/// # Errors
/// As [`plan::staff`] / [`plan::evaluate`], for the baseline or any variant (a variant's error
/// is returned as is: e.g. an unreachable target).
///
/// # Examples
/// ```
/// use std::path::Path;
/// use wfm::staffing::config::StaffConfig;
/// use wfm::staffing::plan::{Demand, StaffInput};
/// use wfm::staffing::scenario::{run, Scenario};
/// let t = wfm::time::parse_timestamp("2026-01-05 09:00").unwrap();
/// let input = StaffInput::from_demand(Path::new("demo"), &[Demand {
///     start: t, queue: "q".into(), offered: 100.0, aht_secs: Some(180.0), agents: None }])?;
/// let mut more = Scenario::new("volume +10%");
/// more.volume_factor = 1.1;
/// let cfg = StaffConfig::new().with_interval("30m".parse()?);
/// let report = run(&input, &cfg, &[more])?;
/// assert_eq!(report.outcomes[0].staffed.agent_hours, 7.0);  // 14 agents × 0.5 h
/// assert!(report.outcomes[1].staffed.agent_hours > 7.0);
/// assert!(report.outcomes[1].hit.service_level < report.outcomes[0].staffed.service_level);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(
    input: &StaffInput,
    config: &StaffConfig,
    scenarios: &[Scenario],
) -> Result<ScenarioReport, StaffingError> {
    let baseline = plan::staff(input, config)?;
    let base_gross: Vec<(u32, f64)> = baseline
        .rows
        .iter()
        .map(|r| {
            (
                r.agents_gross,
                baseline.policies[&r.queue].shrinkage.value(),
            )
        })
        .collect();
    let base_net: Vec<u32> = baseline.rows.iter().map(|r| r.agents).collect();
    let mut outcomes = vec![ScenarioOutcome {
        name: "baseline".into(),
        staffed: baseline.horizon().clone(),
        hit: baseline.horizon().clone(),
        hit_missed_intervals: 0,
    }];
    for s in scenarios {
        let cfg = s.config(config)?;
        let vinput =
            input
                .clone()
                .with_demand_change(s.volume_factor, s.aht_factor, s.aht_delta_secs);
        let staffed = plan::staff(&vinput, &cfg)?;
        let net: Vec<u32> = staffed
            .rows
            .iter()
            .zip(&base_gross)
            .zip(&base_net)
            .map(|((r, &(g, s_base)), &n)| {
                let s_var = staffed.policies[&r.queue].shrinkage.value();
                if s_var == s_base {
                    n
                } else {
                    (f64::from(g) * (1.0 - s_var) * (1.0 + NET_RTOL)).floor() as u32
                }
            })
            .collect();
        let hit = plan::evaluate(&vinput.with_agents(&net), &cfg)?;
        outcomes.push(ScenarioOutcome {
            name: s.name.clone(),
            staffed: staffed.horizon().clone(),
            hit: hit.horizon().clone(),
            hit_missed_intervals: hit.missed(),
        });
    }
    Ok(ScenarioReport { outcomes, baseline })
}

fn delta(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

impl ScenarioReport {
    /// One row per scenario (baseline first) in [`COLUMNS`] order.
    pub fn to_table(&self, precision: Precision) -> Table {
        let mut t = Table::new(COLUMNS);
        let base = &self.outcomes[0].staffed;
        for o in &self.outcomes {
            let s = &o.staffed;
            t.push(vec![
                Cell::text(o.name.clone()),
                number(Some(s.fte), precision, 2),
                number(Some(s.fte - base.fte), precision, 2),
                number(Some(s.agent_hours), precision, 1),
                number(Some(s.agent_hours - base.agent_hours), precision, 1),
                number(Some(s.agent_hours_gross), precision, 1),
                number(s.service_level, precision, 4),
                number(s.asa_secs, precision, 2),
                number(s.occupancy, precision, 4),
                number(s.abandon_rate, precision, 4),
                number(delta(s.service_level, base.service_level), precision, 4),
                number(delta(s.asa_secs, base.asa_secs), precision, 2),
                number(delta(s.occupancy, base.occupancy), precision, 4),
                number(delta(s.abandon_rate, base.abandon_rate), precision, 4),
                number(o.hit.service_level, precision, 4),
                number(o.hit.asa_secs, precision, 2),
                number(o.hit.occupancy, precision, 4),
                number(o.hit.abandon_rate, precision, 4),
                Cell::Int(i64::from(o.hit.unstable_intervals)),
                Cell::Int(o.hit_missed_intervals as i64),
            ]);
        }
        t
    }
}

/// Definitions of the scenario columns (for docs and JSON sidecars).
pub fn definitions() -> Vec<(&'static str, &'static str)> {
    vec![
        ("scenario", "variant name; `baseline` is the input under the config and flags"),
        ("fte", "gross agent-hours ÷ (hours per FTE per week × days ÷ 7), all queues"),
        ("agent_hours", "net agent-hours (Σ agents × interval hours) when staffed for the variant"),
        ("agent_hours_gross", "gross agent-hours (after shrinkage)"),
        ("service_level", "achieved SL when staffed for the variant: offered-weighted, answered within the threshold ÷ offered"),
        ("asa_seconds", "achieved ASA: answered-weighted mean wait of answered calls"),
        ("occupancy", "Σ carried load ÷ Σ agents"),
        ("abandon_rate", "offered-weighted abandoned ÷ offered (Erlang A queues only)"),
        ("*_delta", "variant minus baseline"),
        ("hit_*", "the baseline's gross agents kept, net = ⌊gross·(1 − variant shrinkage)⌋, evaluated under the variant's demand and model; Erlang C intervals with agents ≤ load are unstable: SL 0, ASA unbounded (empty)"),
        ("hit_missed_intervals", "intervals of the hit run that miss a target of the variant or are unstable"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_scenarios_parse() {
        let p = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/models/scenarios.toml"
        ));
        let s = read_scenarios(p).unwrap();
        assert!(s.len() >= 5);
        assert!(s.iter().any(|x| x.volume_factor > 1.0));
    }
}
