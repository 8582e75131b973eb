//! The KPIs of one month: each KPI family (calls and service, handling times, agents, monthly
//! facts) adds its KPIs per scope.

use std::collections::BTreeSet;

use super::month::{Computed, MonthData, Sink};
use super::sums::Sums;
use super::{agents, calls, facts_kpis, handling};
use super::{AuditOptions, Scope};

/// Every KPI of the month except the forecast family: scope `all` first, then each of
/// `queues` (actuals-based families only).
pub(crate) fn month_kpis(
    data: &MonthData<'_>,
    queues: &BTreeSet<String>,
    options: &AuditOptions,
) -> Vec<Computed> {
    let mut out = Vec::new();
    let scopes = std::iter::once(Scope::All).chain(queues.iter().cloned().map(Scope::Queue));
    for scope in scopes {
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
