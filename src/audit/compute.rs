//! The KPIs of one month: each KPI family (calls and service, handling times, agents, monthly
//! facts) adds its KPIs per scope.

use super::month::{Computed, MonthData, Sink};
use super::sums::Sums;
use super::{agents, calls, facts_kpis, handling};
use super::{AuditOptions, Scope};

/// Every KPI of the month except the forecast family, for each of `scopes` (`all` first; queues
/// and pools get the actuals-based families only).
pub(crate) fn month_kpis(
    data: &MonthData<'_>,
    scopes: &[Scope],
    options: &AuditOptions,
) -> Vec<Computed> {
    let mut out = Vec::new();
    for scope in scopes.iter().cloned() {
        let s = Sums::of(
            &data.inputs.actuals,
            data.rows
                .iter()
                .copied()
                .filter(|r| scope.contains(&r.queue)),
        );
        let all = scope == Scope::All;
        let mut sink = Sink {
            scope,
            out: &mut out,
        };
        calls::kpis(&s, options, &mut sink);
        handling::kpis(&s, data, &mut sink);
        if all {
            agents::kpis(&s, data, &mut sink);
            facts_kpis::kpis(&s, data.facts, &mut sink);
        }
    }
    out
}
