//! The audit's files (`wfm audit`): the inputs ([`input`]: actual intervals, forecast snapshot,
//! planned staffing, agent states, facts), the scorecard and targets files, and the output
//! tables. The audit itself ([`crate::audit`]) takes and returns typed values only.
//!
//! [`AuditInputs::load`] reads every input of [`InputPaths`]; the other readers are
//! [`Scorecard::read`](crate::audit::Scorecard::read) and
//! [`Targets::read`](crate::audit::Targets::read); the writers are the `*_table` methods of
//! [`crate::audit::Audit`].

use std::collections::BTreeSet;
use std::path::Path;

use crate::audit::input::{actuals_grid, Facts};
use crate::audit::{
    AuditError, AuditInputs, AuditOptions, InputPaths, Period, Scope, Scorecard, Targets,
};

pub mod input;
mod scorecard;
mod tables;
mod targets;

pub use input::{
    read_actuals, read_agent_states, read_facts, read_forecast, read_planned, read_staffing_proxy,
};

fn facts_of_period(p: &Path, period: Period) -> Result<Facts, AuditError> {
    let f = input::read_facts(p)?;
    if let Some(fp) = &f.period {
        if fp.trim() != period.to_string() {
            return Err(AuditError::FactsPeriod {
                path: p.to_path_buf(),
                found: fp.clone(),
                expected: period.to_string(),
            });
        }
    }
    Ok(f)
}

impl AuditInputs {
    /// Reads every given input.
    ///
    /// # Errors
    /// The first reading error, naming file, line and column; [`AuditError::FactsPeriod`] when
    /// a facts file names another month.
    pub fn load(paths: &InputPaths, options: &AuditOptions) -> Result<Self, AuditError> {
        let actuals = input::read_actuals(&paths.actuals, options.threshold_secs)?;
        // Every other interval file must lie on the actuals' grid: a 15-min plan against 30-min
        // actuals would otherwise be matched on its :00 and :30 rows only.
        let grid = actuals_grid(&actuals.rows).map(|l| (l, paths.actuals.as_path()));
        let forecast = paths
            .forecast
            .as_deref()
            .map(|p| input::read_forecast(p, grid))
            .transpose()?;
        let planned = paths
            .planned
            .as_deref()
            .map(|p| input::read_planned(p, grid))
            .transpose()?;
        let (mut agent_states, mut staffing_proxy) = (None, None);
        if let Some(p) = &paths.agent_states {
            if is_proxy(p)? {
                staffing_proxy = Some(input::read_staffing_proxy(p, grid)?);
            } else {
                agent_states = Some(input::read_agent_states(p, grid)?);
            }
        }
        let facts = paths
            .facts
            .as_deref()
            .map(|p| facts_of_period(p, options.period))
            .transpose()?;
        let previous_facts = paths
            .previous_facts
            .as_deref()
            .map(|p| facts_of_period(p, options.period.previous()))
            .transpose()?;
        let scorecard = paths
            .scorecard
            .as_deref()
            .map(Scorecard::read)
            .transpose()?;
        let queues: Vec<String> = actuals
            .rows
            .iter()
            .map(|r| r.queue.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut targets = paths
            .targets
            .as_deref()
            .map(Targets::read)
            .transpose()?
            .unwrap_or_default();
        if let Some(p) = &paths.staffing_config {
            let cfg = crate::staffing::config::StaffConfig::from_toml(p)?;
            targets = targets.or(Targets::from_staffing(
                &cfg,
                &queues,
                options.threshold_secs,
            ));
        }
        if let Some(card) = &scorecard {
            targets = targets.or(Targets::from_scorecard(card));
        }
        let mut illustrative: Vec<String> = paths
            .illustrative
            .iter()
            .map(|n| format!("{n}: declared illustrative (--illustrative)"))
            .collect();
        for (name, f) in [("facts", &facts), ("previous facts", &previous_facts)] {
            if let Some(src) = f.as_ref().and_then(|f| f.source.as_deref()) {
                if src.to_lowercase().contains("illustrative") {
                    illustrative.push(format!("{name}: {src}"));
                }
            }
        }
        let pools = match &paths.pools {
            Some(p) => crate::io::pools::read_pools(p)?
                .into_iter()
                .map(|(name, qs)| Scope::pool(&name, qs))
                .collect(),
            None => Vec::new(),
        };
        Ok(AuditInputs {
            actuals,
            forecast,
            planned,
            agent_states,
            staffing_proxy,
            facts,
            previous_facts,
            scorecard,
            targets,
            illustrative,
            pools,
        })
    }
}

fn is_proxy(path: &Path) -> Result<bool, AuditError> {
    let t = crate::table::CsvInput::read(path)?;
    Ok(t.column("busy_agents_equiv").is_some())
}
