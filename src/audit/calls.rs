//! KPI family "calls and service": volumes, answer rate, service level (three conventions),
//! abandonment, ASA and the daily average — from the actuals, for every scope.

use super::formulas::{self as f, SlConvention};
use super::kpi::KpiKey as K;
use super::month::{zero, Sink};
use super::sums::Sums;
use super::AuditOptions;

/// The service level of `s` under `conv`, or what it needs.
pub(crate) fn service_level(s: &Sums, conv: SlConvention) -> Result<f64, String> {
    let aw = s.answered_within.clone()?;
    let abw = match conv {
        SlConvention::ExcludeShortAbandons => Some(s.abandoned_within.clone()?),
        _ => None,
    };
    f::service_level(conv, aw, s.offered, s.answered, abw).ok_or_else(|| zero("the denominator"))
}

/// Adds the family's KPIs for the sink's scope.
pub(crate) fn kpis(s: &Sums, options: &AuditOptions, sink: &mut Sink<'_>) {
    let src = "actuals";
    sink.put(K::Offered, Ok(s.offered), src);
    sink.put(K::Answered, Ok(s.answered), src);
    sink.put(K::Abandoned, Ok(s.abandoned), src);
    sink.put(
        K::AnswerRate,
        f::answer_rate(s.answered, s.offered).ok_or_else(|| zero("offered")),
        src,
    );
    let th = options.threshold_secs;
    sink.put(
        K::ServiceLevel,
        service_level(s, options.sl_convention),
        &format!(
            "actuals, X = {th} s, convention {}",
            options.sl_convention.name()
        ),
    );
    for (key, conv) in [
        (K::SlOffered, SlConvention::Offered),
        (K::SlAnswered, SlConvention::Answered),
        (
            K::SlExcludeShortAbandons,
            SlConvention::ExcludeShortAbandons,
        ),
    ] {
        sink.put(key, service_level(s, conv), &format!("actuals, X = {th} s"));
    }
    sink.put(
        K::AbandonRate,
        f::abandon_rate(s.abandoned, s.answered).ok_or_else(|| zero("answered + abandoned")),
        src,
    );
    sink.put(
        K::AverageTimeToAbandon,
        s.wait_abandoned.clone().and_then(|w| {
            f::average_time_to_abandon(w, s.abandoned).ok_or_else(|| zero("abandoned"))
        }),
        src,
    );
    sink.put(
        K::Asa,
        s.wait_answered.clone().and_then(|w| {
            f::average_speed_of_answer(w, s.answered).ok_or_else(|| zero("answered"))
        }),
        src,
    );
    sink.put(
        K::DailyAverageAnswered,
        f::daily_average_answered(s.answered, s.days.len() as f64).ok_or_else(|| zero("days")),
        src,
    );
}
