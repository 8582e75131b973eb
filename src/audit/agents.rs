//! KPI family "agents" (scope `all`): occupancy, utilization, productivity, the seed's actual
//! work rate (实际工作率) and its capped variant, conformance, schedule accuracy and calls per
//! agent-shift — from per-agent states, or the pooled staffing proxy where it suffices.

use std::collections::BTreeMap;

use super::formulas as f;
use super::kpi::KpiKey as K;
use super::month::{zero, MonthData, Sink};
use super::sums::{agent_sums, AgentSums, Sums};
use crate::model::LocalStamp;

const NEEDS_AGENT_STATES: &str = "--agent-states (per agent × interval)";

/// Adds the family's KPIs (scope `all`).
pub(crate) fn kpis(s: &Sums, data: &MonthData<'_>, sink: &mut Sink<'_>) {
    let ag = data
        .agents
        .as_ref()
        .map(|rows| agent_sums(rows.iter().copied(), data.has_calls));
    match &ag {
        Some(a) => states(a, sink),
        None => proxy(data, sink),
    }
    schedule_accuracy(data, sink);
    let shifts = match (&ag, data.facts.and_then(|x| x.agent_shifts)) {
        (Some(a), _) => Ok(a.shifts),
        (None, Some(v)) => Ok(v),
        (None, None) => Err(format!("{NEEDS_AGENT_STATES} or `agent_shifts` in --facts")),
    };
    sink.put(
        K::CallsPerAgentShift,
        shifts.and_then(|sh| {
            f::calls_per_agent_shift(s.answered, sh).ok_or_else(|| zero("agent-shifts"))
        }),
        if ag.is_some() {
            "actuals + agent states"
        } else {
            "actuals + facts"
        },
    );
}

fn states(a: &AgentSums, sink: &mut Sink<'_>) {
    let src = "agent states";
    sink.put(
        K::Occupancy,
        f::occupancy(a.handle, a.ready).ok_or_else(|| zero("handle + ready")),
        src,
    );
    sink.put(
        K::Utilization,
        f::utilization(a.handle, a.ready, a.brk).ok_or_else(|| zero("signed-in time")),
        src,
    );
    sink.put(
        K::Productivity,
        f::productivity(a.handle, a.ready, a.brk).ok_or_else(|| zero("signed-in time")),
        src,
    );
    sink.put(
        K::Adherence,
        f::actual_work_rate(a.handle + a.ready, a.scheduled).ok_or_else(|| zero("scheduled time")),
        src,
    );
    sink.put(
        K::AdherenceCapped,
        f::adherence(a.available_within_schedule, a.scheduled)
            .ok_or_else(|| zero("scheduled time")),
        src,
    );
    sink.put(
        K::Conformance,
        f::conformance(a.logged_in, a.scheduled).ok_or_else(|| zero("scheduled time")),
        src,
    );
}

fn proxy(data: &MonthData<'_>, sink: &mut Sink<'_>) {
    match &data.proxy {
        Some(p) => {
            let busy: f64 = p.iter().map(|r| r.busy_agents_equiv).sum();
            let on: f64 = p.iter().map(|r| r.distinct_named_agents).sum();
            // busy = handle ÷ interval; distinct named agents bound handle + ready.
            sink.put(
                K::Occupancy,
                f::ratio(busy, on).ok_or_else(|| zero("distinct_named_agents")),
                "staffing proxy: busy_agents_equiv ÷ distinct_named_agents (a lower bound)",
            );
        }
        None => sink.put(K::Occupancy, Err(NEEDS_AGENT_STATES.to_string()), "-"),
    }
    for k in [
        K::Utilization,
        K::Productivity,
        K::Adherence,
        K::AdherenceCapped,
        K::Conformance,
    ] {
        sink.put(k, Err(NEEDS_AGENT_STATES.to_string()), "-");
    }
}

/// Agents per interval of the month: actual on duty (agent states or proxy) and scheduled
/// (the planned file's `scheduled`, else the agent states' scheduled seconds ÷ interval).
type PerInterval = BTreeMap<LocalStamp, f64>;

fn actual_by(data: &MonthData<'_>) -> Option<PerInterval> {
    let ivl = f64::from(data.interval_secs);
    match (&data.agents, &data.proxy) {
        (Some(rows), _) => {
            let mut m = BTreeMap::new();
            for r in rows {
                *m.entry(r.interval_start).or_insert(0.0) += r.logged_in_secs / ivl;
            }
            Some(m)
        }
        (None, Some(p)) => Some(
            p.iter()
                .map(|r| (r.interval_start, r.distinct_named_agents))
                .collect(),
        ),
        (None, None) => None,
    }
}

fn scheduled_by(data: &MonthData<'_>) -> (Option<PerInterval>, &'static str) {
    let planned: PerInterval = data
        .planned
        .as_ref()
        .map(|pl| {
            pl.iter()
                .filter_map(|p| p.scheduled.map(|s| (p.interval_start, s)))
                .collect()
        })
        .unwrap_or_default();
    if !planned.is_empty() {
        return (Some(planned), "planned");
    }
    match &data.agents {
        Some(rows) => {
            let mut m = BTreeMap::new();
            for r in rows {
                *m.entry(r.interval_start).or_insert(0.0) +=
                    r.scheduled_secs / f64::from(data.interval_secs);
            }
            (Some(m), "agent states (scheduled_seconds)")
        }
        None => (None, ""),
    }
}

fn schedule_accuracy(data: &MonthData<'_>, sink: &mut Sink<'_>) {
    let (sched, sched_src) = scheduled_by(data);
    let v = match (&sched, &actual_by(data)) {
        (None, _) => {
            Err("scheduled agents (`scheduled` in --planned, or --agent-states)".to_string())
        }
        (_, None) => Err("actual agents in --agent-states".to_string()),
        (Some(sch), Some(act)) => {
            let (mut a, mut s) = (0.0, 0.0);
            for (ts, v) in sch {
                if let Some(x) = act.get(ts) {
                    a += x;
                    s += v;
                }
            }
            f::schedule_accuracy(a, s)
                .ok_or_else(|| zero("scheduled agents in intervals with actuals"))
        }
    };
    let actual_src = if data.agents.is_some() {
        "agent states"
    } else {
        "staffing proxy (distinct named agents)"
    };
    sink.put(
        K::ScheduleAccuracy,
        v,
        &format!("{sched_src} + {actual_src}"),
    );
}
