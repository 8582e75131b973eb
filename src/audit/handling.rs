//! KPI family "handling times": talk (the seed's pick-up to hang-up, hold included, and the
//! hold-excluded variant), hold, ACW and AHT — from the actuals' columns, else (scope `all`)
//! from the agent states ÷ `calls_handled`.

use super::formulas as f;
use super::kpi::KpiKey as K;
use super::month::{zero, MonthData, Sink};
use super::sums::{agent_sums, Sums};
use super::Scope;

/// A per-call mean: the actuals' sum ÷ answered, else the agent states' sum ÷ calls handled.
fn per_call(
    sum: &Result<f64, String>,
    s: &Sums,
    agent_sum: Option<f64>,
    data: &MonthData<'_>,
    scope: &Scope,
    what: &str,
) -> (Result<f64, String>, &'static str) {
    match (sum, agent_sum, &data.agents) {
        (Ok(v), _, _) => (
            f::ratio(*v, s.answered).ok_or_else(|| zero("answered")),
            "actuals",
        ),
        (Err(_), Some(a), Some(rows)) if data.has_calls && *scope == Scope::All => {
            let calls: f64 = rows.iter().filter_map(|r| r.calls_handled).sum();
            (
                f::ratio(a, calls).ok_or_else(|| zero("calls_handled")),
                "agent states",
            )
        }
        (Err(e), _, _) => (
            Err(format!(
                "{e}, or {what} with `calls_handled` in --agent-states"
            )),
            "actuals",
        ),
    }
}

/// Adds the family's KPIs for the sink's scope.
pub(crate) fn kpis(s: &Sums, data: &MonthData<'_>, sink: &mut Sink<'_>) {
    let ag = data
        .agents
        .as_ref()
        .map(|rows| agent_sums(rows.iter().copied(), data.has_calls));
    let scope = sink.scope.clone();
    let pc = |sum: &Result<f64, String>, a: Option<f64>, what: &str| {
        per_call(sum, s, a, data, &scope, what)
    };
    let (talk, src_t) = pc(&s.talk, ag.as_ref().map(|a| a.talk), "talk_seconds");
    let (hold, src_h) = pc(&s.hold, ag.as_ref().map(|a| a.hold), "hold_seconds");
    let (acw, src_a) = pc(&s.acw, ag.as_ref().map(|a| a.acw), "acw_seconds");
    let talk_with_hold = match (&talk, &hold) {
        (Ok(t), Ok(h)) => Ok(t + h),
        (Err(e), _) | (_, Err(e)) => Err(e.clone()),
    };
    let src_th = if src_t == src_h {
        src_t.to_string()
    } else {
        format!("talk: {src_t}, hold: {src_h}")
    };
    sink.put(K::AverageTalkTime, talk_with_hold, &src_th);
    sink.put(K::AverageTalkTimeExclHold, talk.clone(), src_t);
    sink.put(K::AverageHoldTime, hold.clone(), src_h);
    sink.put(K::AverageAcw, acw.clone(), src_a);
    // AHT: the handle time the actuals report wins (one source for both months); the sum of
    // the parts only when the actuals have no handle time.
    match (&s.handle, &talk, &hold, &acw) {
        (Ok(h), _, _, _) => sink.put(
            K::Aht,
            f::ratio(*h, s.answered).ok_or_else(|| zero("answered")),
            "actuals (aht_seconds / sum_service_s as exported)",
        ),
        (Err(_), Ok(t), Ok(h), Ok(a)) => sink.put(
            K::Aht,
            Ok(f::average_handle_time(*t, *h, *a)),
            &format!("talk + hold + ACW ({src_t})"),
        ),
        (Err(e), _, _, _) => sink.put(K::Aht, Err(e.clone()), "actuals"),
    }
}
