//! The inputs of one month restricted to it, and the sink through which each KPI family adds
//! its KPIs for one scope.

use std::collections::BTreeSet;

use super::input::{ActualInterval, AgentStateRow, Facts, PlannedInterval, StaffingProxyRow};
use super::kpi::KpiKey;
use super::{AuditInputs, Period, Scope};

/// One KPI of one scope, computed, or what it needs.
#[derive(Debug, Clone)]
pub(crate) struct Computed {
    pub(crate) key: KpiKey,
    pub(crate) scope: Scope,
    pub(crate) value: Result<f64, String>,
    pub(crate) source: String,
}

/// Collects the KPIs of one scope.
pub(crate) struct Sink<'o> {
    pub(crate) scope: Scope,
    pub(crate) out: &'o mut Vec<Computed>,
}

impl Sink<'_> {
    /// Adds `key` with its value (or needs) and source.
    pub(crate) fn put(&mut self, key: KpiKey, value: Result<f64, String>, source: &str) {
        self.out.push(Computed {
            key,
            scope: self.scope.clone(),
            value,
            source: source.to_string(),
        });
    }
}

/// "`what` > 0 in the period": the reason a ratio has no value.
pub(crate) fn zero(what: &str) -> String {
    format!("{what} > 0 in the period")
}

/// The inputs of one month.
pub(crate) struct MonthData<'a> {
    pub(crate) inputs: &'a AuditInputs,
    pub(crate) rows: Vec<&'a ActualInterval>,
    pub(crate) agents: Option<Vec<&'a AgentStateRow>>,
    pub(crate) has_calls: bool,
    pub(crate) proxy: Option<Vec<&'a StaffingProxyRow>>,
    pub(crate) planned: Option<Vec<&'a PlannedInterval>>,
    pub(crate) facts: Option<&'a Facts>,
    pub(crate) interval_secs: u32,
}

impl<'a> MonthData<'a> {
    /// Restricts every input to month `m`; `facts` are that month's.
    pub(crate) fn new(
        inputs: &'a AuditInputs,
        m: Period,
        facts: Option<&'a Facts>,
        interval_secs: u32,
    ) -> Self {
        let rows = inputs
            .actuals
            .rows
            .iter()
            .filter(|r| m.contains(r.interval_start.local))
            .collect();
        MonthData {
            inputs,
            rows,
            agents: inputs.agent_states.as_ref().map(|a| {
                a.rows
                    .iter()
                    .filter(|r| m.contains(r.interval_start.local))
                    .collect()
            }),
            has_calls: inputs.agent_states.as_ref().is_some_and(|a| a.has_calls),
            proxy: inputs.staffing_proxy.as_ref().map(|a| {
                a.rows
                    .iter()
                    .filter(|r| m.contains(r.interval_start.local))
                    .collect()
            }),
            planned: inputs.planned.as_ref().map(|a| {
                a.rows
                    .iter()
                    .filter(|r| m.contains(r.interval_start.local))
                    .collect()
            }),
            facts,
            interval_secs,
        }
    }

    /// The queues with a row in the month.
    pub(crate) fn queues(&self) -> BTreeSet<String> {
        self.rows.iter().map(|r| r.queue.clone()).collect()
    }
}
