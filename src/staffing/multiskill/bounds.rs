//! The two Erlang answers a multi-skill plan sits between.
//!
//! - **All separate**: every queue staffed on its own by the exact single-queue answer
//!   ([`crate::staffing::required_agents`]: Erlang A with the mean of the queue's patience, or
//!   Erlang C without abandonment), its agents paid at the cheapest group that serves that
//!   queue alone (else the cheapest group serving it). Dedicated groups with these counts meet
//!   every target: the upper end.
//! - **Fully pooled**: one queue with all the calls (rates add, AHT = workload-weighted mean,
//!   patience = offered-weighted mean of the patience means), the weakest of the queues' targets,
//!   every agent paid at the cheapest group's rate: the lower end (pooling never needs more
//!   agents for the same calls, Smith & Whitt 1981).
//!
//! Both are Erlang answers (exponential handle times and patience); the simulated plan uses the
//! configured shapes, so it can fall slightly outside them when those differ a lot.
//!
//! # References
//! Smith, D. R. and Whitt, W. (1981), "Resource sharing for efficiency in traffic systems",
//! *Bell System Technical Journal* 60(1), 39–55.

use super::{interval_hours, MultiSkillError, MultiSkillOptions, MultiSkillProblem, QueueTargets};
use crate::model::{Demand, Panel};
use crate::staffing::{required_agents, Model, Targets};
use crate::units::{Erlangs, Fraction, Secs};

/// Agents and cost of the two Erlang answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    /// All separate: agents per routing queue × interval (queue-major).
    pub separate: Vec<u32>,
    /// Fully pooled: agents per interval.
    pub pooled: Vec<u32>,
    /// Cost of one agent-hour of each queue's own team (all separate).
    pub separate_rate: Vec<f64>,
    /// Cost of one pooled agent-hour (the cheapest group).
    pub pooled_rate: f64,
    /// Hours of one interval.
    pub interval_hours: f64,
}

impl Bounds {
    /// All separate: total agent-hours.
    pub fn separate_hours(&self) -> f64 {
        self.separate.iter().map(|&a| f64::from(a)).sum::<f64>() * self.interval_hours
    }
    /// All separate: total cost.
    pub fn separate_cost(&self) -> f64 {
        let n = self.pooled.len().max(1);
        self.separate
            .chunks(n)
            .zip(&self.separate_rate)
            .map(|(s, r)| s.iter().map(|&a| f64::from(a)).sum::<f64>() * r)
            .sum::<f64>()
            * self.interval_hours
    }
    /// Fully pooled: total agent-hours.
    pub fn pooled_hours(&self) -> f64 {
        self.pooled.iter().map(|&a| f64::from(a)).sum::<f64>() * self.interval_hours
    }
    /// Fully pooled: total cost.
    pub fn pooled_cost(&self) -> f64 {
        self.pooled_hours() * self.pooled_rate
    }
}

fn erlang_targets(
    t: &QueueTargets,
    threshold: f64,
    queue: &str,
) -> Result<Targets, MultiSkillError> {
    let bad = |e: crate::units::UnitError| MultiSkillError::Parameter {
        name: format!("queue `{queue}` targets"),
        reason: e.to_string(),
    };
    let thr = Secs::new(threshold).map_err(bad)?;
    let mut out = Targets::new().with_threshold(thr);
    if let Some(s) = t.service_level {
        out = out.with_service_level(Fraction::new(s).map_err(bad)?, thr);
    }
    if let Some(a) = t.max_asa_secs {
        out = out.with_max_asa(Secs::new(a).map_err(bad)?);
    }
    if let Some(b) = t.max_abandon {
        out = out.with_max_abandon(Fraction::new(b).map_err(bad)?);
    }
    Ok(out)
}

/// Erlang agents for `offered` calls of mean `aht` in an interval of `secs` seconds.
fn erlang(
    offered: f64,
    aht: f64,
    patience: Option<f64>,
    targets: &Targets,
    secs: f64,
    what: &str,
) -> Result<u32, MultiSkillError> {
    if offered <= 0.0 {
        return Ok(0);
    }
    let err = |reason: String| MultiSkillError::Parameter {
        name: what.to_string(),
        reason,
    };
    let load = Erlangs::new(offered * aht / secs).map_err(|e| err(e.to_string()))?;
    let aht = Secs::new(aht).map_err(|e| err(e.to_string()))?;
    let model = match patience {
        Some(p) => Model::ErlangA {
            patience: Secs::new(p).map_err(|e| err(e.to_string()))?,
        },
        None => Model::ErlangC,
    };
    required_agents(model, load, aht, targets)
        .map(|r| r.agents)
        .map_err(|e| err(e.to_string()))
}

/// The cheapest rate among groups serving queue `q`, preferring groups that serve only `q`.
fn own_rate(problem: &MultiSkillProblem, q: usize) -> f64 {
    let serving = || {
        problem
            .routing
            .groups()
            .iter()
            .zip(&problem.groups)
            .filter(move |(g, _)| g.skills().iter().any(|&(k, _)| k == q))
    };
    let min = |it: &mut dyn Iterator<Item = f64>| it.fold(f64::INFINITY, f64::min);
    let dedicated = min(&mut serving()
        .filter(|(g, _)| g.skills().len() == 1)
        .map(|(_, p)| p.cost_per_hour));
    if dedicated.is_finite() {
        dedicated
    } else {
        min(&mut serving().map(|(_, p)| p.cost_per_hour))
    }
}

/// Both bounds for `demand` (queues in routing order).
pub(super) fn bounds(
    problem: &MultiSkillProblem,
    demand: &Panel<Demand>,
    options: &MultiSkillOptions,
) -> Result<Bounds, MultiSkillError> {
    let grid = demand.grid();
    let n = grid.len();
    let hours = interval_hours(grid);
    let secs = hours * 3600.0;
    let queues = problem.routing.queues();
    let patience: Vec<Option<f64>> = problem
        .patience
        .iter()
        .map(|p| p.as_ref().map(|d| d.mean_secs()))
        .collect();
    let mut separate = Vec::with_capacity(queues.len() * n);
    for (q, id) in queues.iter().enumerate() {
        let targets = erlang_targets(&problem.targets[q], options.threshold_secs, id.as_str())?;
        for d in demand.series(q) {
            let aht = d.aht_secs.unwrap_or(0.0);
            separate.push(erlang(
                d.offered,
                aht,
                patience[q],
                &targets,
                secs,
                &format!("queue `{id}`"),
            )?);
        }
    }
    // The weakest target of each kind over the queues.
    let weakest = QueueTargets {
        service_level: problem
            .targets
            .iter()
            .filter_map(|t| t.service_level)
            .reduce(f64::min),
        max_asa_secs: problem
            .targets
            .iter()
            .filter_map(|t| t.max_asa_secs)
            .reduce(f64::max),
        max_abandon: problem
            .targets
            .iter()
            .filter_map(|t| t.max_abandon)
            .reduce(f64::max),
    };
    let pooled_targets = erlang_targets(&weakest, options.threshold_secs, "pooled")?;
    let all_patient = patience.iter().all(Option::is_some);
    let mut pooled = Vec::with_capacity(n);
    for t in 0..n {
        let (mut calls, mut work, mut pat) = (0.0, 0.0, 0.0);
        for (q, pat_q) in patience.iter().enumerate() {
            let d = demand.get(q, t);
            if d.offered > 0.0 {
                calls += d.offered;
                work += d.offered * d.aht_secs.unwrap_or(0.0);
                pat += d.offered * pat_q.unwrap_or(0.0);
            }
        }
        let (aht, patience) = if calls > 0.0 {
            (work / calls, all_patient.then(|| pat / calls))
        } else {
            (0.0, None)
        };
        pooled.push(erlang(
            calls,
            aht,
            patience,
            &pooled_targets,
            secs,
            "pooled",
        )?);
    }
    Ok(Bounds {
        separate,
        pooled,
        separate_rate: (0..queues.len()).map(|q| own_rate(problem, q)).collect(),
        pooled_rate: problem
            .groups
            .iter()
            .map(|g| g.cost_per_hour)
            .fold(f64::INFINITY, f64::min),
        interval_hours: hours,
    })
}
