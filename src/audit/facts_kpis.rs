//! KPI family "monthly facts" (scope `all`): the handbook KPIs whose inputs are monthly facts
//! (`--facts`), some combined with the actuals — connection, transfer, first-contact
//! resolution, self-service, non-call work, cost, staff (attrition, training, promotion,
//! satisfaction), quality (exam, QA, performance, errors, complaints) and marketing revenue.

use super::formulas as f;
use super::input::Facts;
use super::kpi::KpiKey as K;
use super::month::{zero, Sink};
use super::sums::Sums;

/// A KPI, its numerator and denominator facts (value, name) and the formula.
type FactRatio<'a> = (
    K,
    (Option<f64>, &'a str),
    (Option<f64>, &'a str),
    fn(f64, f64) -> Option<f64>,
);

fn fact(v: Option<f64>, name: &str) -> Result<f64, String> {
    v.ok_or_else(|| format!("`{name}` in --facts"))
}

/// `num ÷ den` from two facts, or what is missing.
fn ratio_of(
    num: (Option<f64>, &str),
    den: (Option<f64>, &str),
    ratio: fn(f64, f64) -> Option<f64>,
) -> Result<f64, String> {
    let (a, b) = (fact(num.0, num.1)?, fact(den.0, den.1)?);
    ratio(a, b).ok_or_else(|| zero(den.1))
}

/// Adds the family's KPIs (scope `all`).
pub(crate) fn kpis(s: &Sums, facts: Option<&Facts>, sink: &mut Sink<'_>) {
    let none = Facts::default();
    let fx = facts.unwrap_or(&none);
    with_actuals(s, fx, sink);
    let src = "facts";
    let pairs: [FactRatio<'_>; 15] = [
        (
            K::FirstContactResolution,
            (fx.resolved_first_contact, "resolved_first_contact"),
            (fx.requests, "requests"),
            f::first_contact_resolution,
        ),
        (
            K::SelfServiceRatio,
            (fx.self_service_requests, "self_service_requests"),
            (fx.requests, "requests"),
            f::self_service_ratio,
        ),
        (
            K::AsyncHandlingRate,
            (fx.async_handled, "async_handled"),
            (fx.async_received, "async_received"),
            f::async_handling_rate,
        ),
        (
            K::AsyncOnTimeRate,
            (fx.async_on_time, "async_on_time"),
            (fx.async_received, "async_received"),
            f::async_on_time_rate,
        ),
        (
            K::Attrition,
            (fx.leavers_12m, "leavers_12m"),
            (
                fx.average_monthly_headcount_12m,
                "average_monthly_headcount_12m",
            ),
            f::attrition,
        ),
        (
            K::TrainingHoursPerHead,
            (fx.training_hours_12m, "training_hours_12m"),
            (fx.headcount, "headcount"),
            f::training_hours_per_head,
        ),
        (
            K::TrainingHoursPerHeadMonth,
            (fx.training_hours, "training_hours"),
            (fx.headcount, "headcount"),
            f::training_hours_per_head,
        ),
        (
            K::AssistedMarketingRevenueRatio,
            (fx.assisted_marketing_revenue, "assisted_marketing_revenue"),
            (fx.total_revenue, "total_revenue"),
            f::revenue_share,
        ),
        (
            K::ActiveMarketingRevenueRatio,
            (fx.active_marketing_revenue, "active_marketing_revenue"),
            (fx.total_revenue, "total_revenue"),
            f::revenue_share,
        ),
        (
            K::CustomerSatisfaction,
            (fx.customer_survey_satisfied, "customer_survey_satisfied"),
            (fx.customer_survey_responses, "customer_survey_responses"),
            f::satisfaction,
        ),
        (
            K::EmployeeSatisfaction,
            (fx.employee_survey_satisfied, "employee_survey_satisfied"),
            (fx.employee_survey_responses, "employee_survey_responses"),
            f::satisfaction,
        ),
        (
            K::InternalPromotionRate,
            (fx.internal_promotions, "internal_promotions"),
            (fx.promoted_posts, "promoted_posts"),
            f::internal_promotion_rate,
        ),
        (
            K::BusinessErrorRate,
            (fx.erroneous_transactions, "erroneous_transactions"),
            (fx.transactions, "transactions"),
            f::business_error_rate,
        ),
        (
            K::FollowUpCompletionRate,
            (fx.follow_ups_made, "follow_ups_made"),
            (fx.follow_ups_due, "follow_ups_due"),
            f::follow_up_completion_rate,
        ),
        (
            K::ComplaintRate,
            (fx.complaints, "complaints"),
            (fx.customer_contacts, "customer_contacts"),
            f::complaint_rate,
        ),
    ];
    for (key, num, den, ratio) in pairs {
        sink.put(key, ratio_of(num, den, ratio), src);
    }
    for (key, v, name) in [
        (K::ExamAverage, fx.exam_average, "exam_average"),
        (K::QaAverage, fx.qa_average, "qa_average"),
        (
            K::PerformanceAverage,
            fx.performance_average,
            "performance_average",
        ),
        (K::MajorComplaints, fx.major_complaints, "major_complaints"),
        (K::ReportErrors, fx.report_errors, "report_errors"),
    ] {
        sink.put(key, fact(v, name), src);
    }
}

/// The facts KPIs that also need the actuals.
fn with_actuals(s: &Sums, fx: &Facts, sink: &mut Sink<'_>) {
    let entering = match (fx.calls_entering, &s.vru_only) {
        (Some(e), _) => Ok(e),
        (None, Ok(v)) => Ok(s.offered + v),
        (None, Err(e)) => Err(format!("`calls_entering` in --facts or {e}")),
    };
    sink.put(
        K::ConnectionRate,
        fact(fx.ivr_completed, "ivr_completed").and_then(|ivr| {
            f::connection_rate(ivr, s.answered, entering?).ok_or_else(|| zero("calls entering"))
        }),
        "facts + actuals",
    );
    let transferred = match (&s.transferred, fx.transferred) {
        (Ok(v), _) => Ok(*v),
        (Err(_), Some(v)) => Ok(v),
        (Err(e), None) => Err(format!("`transferred` in --facts or {e}")),
    };
    sink.put(
        K::TransferRate,
        transferred.and_then(|t| f::transfer_rate(t, s.answered).ok_or_else(|| zero("answered"))),
        "facts/actuals",
    );
    sink.put(
        K::CostPerCall,
        fact(fx.total_cost, "total_cost")
            .and_then(|c| f::cost_per_call(c, s.answered).ok_or_else(|| zero("answered"))),
        "facts + actuals",
    );
}
