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
//! The TOML form is documented in `models/scenarios.toml`; it is read, and the reports are
//! written, by [`crate::io::staffing::scenario`].

use super::config::{Settings, StaffConfig};
use super::evaluate::{evaluate_hit, evaluate_schedule, Evaluation, Hit, Pooling};
use super::plan::{self, StaffInput, StaffPlan, Totals};
use super::scope::Scope;
use super::StaffingError;
use crate::model::{Coverage, Panel};
use std::collections::BTreeMap;

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
    /// Where the demand changes and the absence apply (queues, dates, weekdays, times of
    /// day); policy changes apply to the scope's queues over the whole horizon.
    pub scope: Scope,
    /// Agents absent in every interval of the scope (sick, in training): taken off the
    /// schedule (`--schedule`), or off the scoped queue's agents in the hit run.
    pub absent_agents: u32,
    /// Agents absent per named agent group in every interval of the scope
    /// (`absent_agents = { cross = 3 }`): a multi-skill config's groups only
    /// ([`crate::staffing::multiskill`]); empty otherwise. When given, `absent_agents` is 0.
    pub absent_by_group: BTreeMap<String, u32>,
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
            scope: Scope::default(),
            absent_agents: 0,
            absent_by_group: BTreeMap::new(),
        }
    }

    /// An error when the variant names agent groups (`absent_agents = { group = n }`), which
    /// only a multi-skill config has.
    fn no_groups(&self) -> Result<(), StaffingError> {
        match self.absent_by_group.keys().next() {
            None => Ok(()),
            Some(g) => Err(StaffingError::Scenario {
                name: self.name.clone(),
                reason: format!(
                    "absent_agents names the agent group `{g}`: groups belong to a multi-skill config (--config with [groups]); give a number of agents here"
                ),
            }),
        }
    }

    fn config(&self, base: &StaffConfig) -> Result<StaffConfig, StaffingError> {
        let mut cfg = if self.scope.queues.is_empty() {
            base.clone().with_overrides(self.settings)
        } else {
            self.scope.queues.iter().fold(base.clone(), |c, q| {
                c.with_queue_overrides(q.clone(), self.settings)
            })
        };
        if self.hours_per_fte_day.is_some() || self.hours_per_fte_week.is_some() {
            cfg = cfg.with_hours_per_fte(
                self.hours_per_fte_day.unwrap_or(base.hours_per_fte_day()),
                self.hours_per_fte_week.unwrap_or(base.hours_per_fte_week()),
            )?;
        }
        Ok(cfg)
    }

    /// The variant's demand: `input` with the volume and AHT changes on the rows in scope.
    ///
    /// # Errors
    /// [`StaffingError::Scenario`] when the scope names a queue the input does not have, or
    /// matches no row of it.
    fn demand(&self, input: &StaffInput) -> Result<StaffInput, StaffingError> {
        let bad = |reason: String| StaffingError::Scenario {
            name: self.name.clone(),
            reason,
        };
        if let Some(q) = self
            .scope
            .queues
            .iter()
            .find(|q| !input.queues().contains(q))
        {
            return Err(bad(format!(
                "queue `{q}` is not in the input (its queues: {})",
                input.queues().join(", ")
            )));
        }
        // An AHT change that leaves a row with calls at 0 s or less staffed it with nobody.
        if let Some((a, line)) = input.min_aht_in(&self.scope) {
            let changed = a * self.aht_factor + self.aht_delta_secs;
            if changed <= 0.0 {
                return Err(bad(format!(
                    "aht_delta_seconds {} turns the AHT {a} s of {}:{line} into {changed} s: the AHT must stay above 0",
                    self.aht_delta_secs,
                    input.path().display()
                )));
            }
        }
        let (v, n) = input.clone().with_demand_change_in(
            &self.scope,
            self.volume_factor,
            self.aht_factor,
            self.aht_delta_secs,
        );
        if n == 0 && !self.scope.is_everything() {
            return Err(bad(format!(
                "its scope ({}) matches no interval of the input",
                self.scope.describe()
            )));
        }
        Ok(v)
    }
}

/// Smallest `volume` / `aht_factor` of a scenario (−90 %).
pub const FACTOR_MIN: f64 = 0.1;
/// Bound (exclusive) of `volume` / `aht_factor`: 10 is far more often a percentage written as a
/// factor (+10 %) than a tenfold volume.
pub const FACTOR_MAX: f64 = 10.0;

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
    /// The variant staffed afresh: totals per queue × day, queue and day (as `wfm staff
    /// --totals`).
    pub staffed_totals: Vec<Totals>,
    /// The hit run's totals per queue × day, queue and day.
    pub hit_totals: Vec<Totals>,
    /// The scope in words (`all` for an unscoped variant).
    pub scope: String,
}

/// Every variant side by side with the baseline (first).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioReport {
    /// Baseline first, then the variants in file order.
    pub outcomes: Vec<ScenarioOutcome>,
    /// The baseline plan (per interval), for further use.
    pub baseline: StaffPlan,
}

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
        staffed_totals: baseline.totals.clone(),
        hit_totals: baseline.totals.clone(),
        scope: "all".into(),
    }];
    for s in scenarios {
        s.no_groups()?;
        let cfg = s.config(config)?;
        let vinput = s.demand(input)?;
        if s.absent_agents > 0 {
            let queues = input
                .queues()
                .iter()
                .filter(|q| s.scope.has_queue(q))
                .count();
            if queues > 1 {
                return Err(StaffingError::Scenario {
                    name: s.name.clone(),
                    reason: format!(
                        "absent_agents without a schedule are taken from one queue's agents: set `queue` to one of {} (or give the schedule, --schedule DIR, to take them off the pooled plan)",
                        input.queues().join(", ")
                    ),
                });
            }
        }
        let staffed = plan::staff(&vinput, &cfg)?;
        let net: Vec<u32> = staffed
            .rows
            .iter()
            .zip(&base_gross)
            .zip(&base_net)
            .map(|((r, &(g, s_base)), &n)| {
                let s_var = staffed.policies[&r.queue].shrinkage.value();
                let n = if s_var == s_base {
                    n
                } else {
                    (f64::from(g) * (1.0 - s_var) * (1.0 + NET_RTOL)).floor() as u32
                };
                if s.scope.contains(&r.queue, r.start) {
                    n.saturating_sub(s.absent_agents)
                } else {
                    n
                }
            })
            .collect();
        let hit = plan::evaluate(&vinput.with_agents(&net), &cfg)?;
        outcomes.push(ScenarioOutcome {
            name: s.name.clone(),
            staffed: staffed.horizon().clone(),
            hit: hit.horizon().clone(),
            hit_missed_intervals: hit.missed(),
            staffed_totals: staffed.totals,
            hit_totals: hit.totals,
            scope: s.scope.describe(),
        });
    }
    Ok(ScenarioReport { outcomes, baseline })
}

/// One variant hitting a published schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleHit {
    /// The variant's name (`baseline` for the demand as given).
    pub name: String,
    /// The scope in words.
    pub scope: String,
    /// Agents absent in the scope.
    pub absent_agents: u32,
    /// The schedule under the variant: per queue × interval, × day and over the horizon.
    pub evaluation: Evaluation,
}

/// Runs every scenario against a published schedule: the schedule's coverage stays as it is
/// (split between separate queues by the baseline's requirement, or one pool), the variant's
/// demand and policy meet it, minus its absent agents. The baseline (the demand as given) is
/// first.
///
/// # Errors
/// As [`evaluate_hit`]; [`StaffingError::Scenario`] when a scope names an unknown queue or
/// matches no interval.
pub fn run_on_schedule(
    input: &StaffInput,
    config: &StaffConfig,
    coverage: &Panel<Coverage>,
    pooling: Pooling,
    scenarios: &[Scenario],
) -> Result<Vec<ScheduleHit>, StaffingError> {
    let mut out = vec![ScheduleHit {
        name: "baseline".into(),
        scope: "all".into(),
        absent_agents: 0,
        evaluation: evaluate_schedule(input, config, coverage, pooling)?,
    }];
    for s in scenarios {
        s.no_groups()?;
        let cfg = s.config(config)?;
        let vinput = s.demand(input)?;
        let hit = Hit {
            input: &vinput,
            config: &cfg,
            absent_agents: f64::from(s.absent_agents),
            absent_scope: Some(&s.scope),
        };
        out.push(ScheduleHit {
            name: s.name.clone(),
            scope: s.scope.describe(),
            absent_agents: s.absent_agents,
            evaluation: evaluate_hit(input, config, coverage, pooling, &hit)?,
        });
    }
    Ok(out)
}
