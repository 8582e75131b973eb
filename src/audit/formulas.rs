//! The seed formulas of the handbook KPIs, one pure function each, on period totals.
//!
//! Every function returns `None` when its denominator is zero (a rate of nothing is not 0 %).
//! Handbook names are those of the Chinese banking-industry contact-center KPI definitions the
//! issue is built from; the English names and the conventions where the field disagrees follow
//! Gans, Koole and Mandelbaum (2003), "Telephone call centers: tutorial, review and research
//! prospects", *M&SOM* 5(2), §2 (service level, ASA, abandonment), and Cleveland, B. (2019),
//! *Call Center Management on Fast Forward*, 4th ed., ch. 3 and 11 (occupancy, adherence,
//! conformance, forecast accuracy).

/// `num ÷ den`, `None` when `den = 0`.
pub fn ratio(num: f64, den: f64) -> Option<f64> {
    (den != 0.0).then(|| num / den)
}

/// How abandoned calls enter the service level (服务水平).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SlConvention {
    /// `answered ≤ X ÷ offered`: every abandon counts against the service level (the anonbank
    /// `sl_20s` definition and Erlang A's).
    #[default]
    Offered,
    /// `answered ≤ X ÷ answered`: abandons are ignored.
    Answered,
    /// `answered ≤ X ÷ (offered − abandoned ≤ X)`: short abandons (within X) are excluded, later
    /// abandons count against.
    ExcludeShortAbandons,
}

impl SlConvention {
    /// Every convention, in output order.
    pub const ALL: [SlConvention; 3] = [
        SlConvention::Offered,
        SlConvention::Answered,
        SlConvention::ExcludeShortAbandons,
    ];
    /// The name used in `--sl-convention` and in KPI keys.
    pub fn name(self) -> &'static str {
        match self {
            SlConvention::Offered => "offered",
            SlConvention::Answered => "answered",
            SlConvention::ExcludeShortAbandons => "exclude-short-abandons",
        }
    }
}

/// Service level (服务水平) at threshold X.
///
/// # Formula
/// - [`SlConvention::Offered`]: `SL = answered≤X ÷ offered`
/// - [`SlConvention::Answered`]: `SL = answered≤X ÷ answered`
/// - [`SlConvention::ExcludeShortAbandons`]: `SL = answered≤X ÷ (offered − abandoned≤X)`
///
/// `abandoned_within` is needed only by the last convention.
///
/// # References
/// Gans, Koole and Mandelbaum (2003), §2.1 (the TSF and its abandonment variants).
///
/// # Examples
/// ```
/// use wfm::audit::formulas::{service_level, SlConvention};
/// assert_eq!(service_level(SlConvention::Offered, 80.0, 100.0, 90.0, Some(4.0)), Some(0.8));
/// assert_eq!(service_level(SlConvention::ExcludeShortAbandons, 80.0, 100.0, 90.0, Some(4.0)), Some(80.0 / 96.0));
/// ```
pub fn service_level(
    convention: SlConvention,
    answered_within: f64,
    offered: f64,
    answered: f64,
    abandoned_within: Option<f64>,
) -> Option<f64> {
    match convention {
        SlConvention::Offered => ratio(answered_within, offered),
        SlConvention::Answered => ratio(answered_within, answered),
        SlConvention::ExcludeShortAbandons => ratio(answered_within, offered - abandoned_within?),
    }
}

/// Answer rate (受话业务接通率): `answered ÷ offered`.
pub fn answer_rate(answered: f64, offered: f64) -> Option<f64> {
    ratio(answered, offered)
}

/// Abandon rate (电话放弃率): `abandoned ÷ (answered + abandoned)`.
///
/// # Examples
/// ```
/// assert_eq!(wfm::audit::formulas::abandon_rate(10.0, 90.0), Some(0.1));
/// ```
pub fn abandon_rate(abandoned: f64, answered: f64) -> Option<f64> {
    ratio(abandoned, answered + abandoned)
}

/// Average time to abandon (平均放弃时间): `Σ wait of abandoned calls ÷ abandoned`, seconds.
pub fn average_time_to_abandon(sum_wait_abandoned_secs: f64, abandoned: f64) -> Option<f64> {
    ratio(sum_wait_abandoned_secs, abandoned)
}

/// Connection rate (接通率): `(calls completed in the IVR + calls answered by agents) ÷ all calls
/// entering`.
pub fn connection_rate(ivr_completed: f64, answered: f64, calls_entering: f64) -> Option<f64> {
    ratio(ivr_completed + answered, calls_entering)
}

/// ASA (平均应答速度): `Σ wait of answered calls ÷ answered`, immediate answers (wait 0) included.
pub fn average_speed_of_answer(sum_wait_answered_secs: f64, answered: f64) -> Option<f64> {
    ratio(sum_wait_answered_secs, answered)
}

/// AHT (平均处理时长) from its parts: `talk + hold + ACW` (means per answered call, seconds).
pub fn average_handle_time(talk_secs: f64, hold_secs: f64, acw_secs: f64) -> f64 {
    talk_secs + hold_secs + acw_secs
}

/// Occupancy (坐席占用率): `handle ÷ (handle + ready)`, handle = talk + hold + ACW.
pub fn occupancy(handle_secs: f64, ready_secs: f64) -> Option<f64> {
    ratio(handle_secs, handle_secs + ready_secs)
}

/// Utilization (坐席利用率): `(handle + ready) ÷ (handle + ready + break)`.
pub fn utilization(handle_secs: f64, ready_secs: f64, break_secs: f64) -> Option<f64> {
    ratio(
        handle_secs + ready_secs,
        handle_secs + ready_secs + break_secs,
    )
}

/// Productivity (坐席生产率): `handle ÷ (handle + ready + break)`.
pub fn productivity(handle_secs: f64, ready_secs: f64, break_secs: f64) -> Option<f64> {
    ratio(handle_secs, handle_secs + ready_secs + break_secs)
}

/// Adherence (实际工作率): `time signed in and ready to answer (talk + hold + ACW + ready),
/// counted up to the scheduled time of each agent-interval ÷ scheduled answering time`.
/// The caller caps each agent-interval at its scheduled seconds, so adherence ≤ 100 %.
pub fn adherence(available_within_schedule_secs: f64, scheduled_secs: f64) -> Option<f64> {
    ratio(available_within_schedule_secs, scheduled_secs)
}

/// Conformance: `time on queue (signed in) ÷ scheduled time on queue`; can exceed 100 %.
pub fn conformance(on_queue_secs: f64, scheduled_secs: f64) -> Option<f64> {
    ratio(on_queue_secs, scheduled_secs)
}

/// Schedule accuracy (人员排班准确率): `actual agents on duty ÷ scheduled agents` (summed over the
/// intervals of the scope: agent-intervals ÷ agent-intervals).
pub fn schedule_accuracy(actual_agents: f64, scheduled_agents: f64) -> Option<f64> {
    ratio(actual_agents, scheduled_agents)
}

/// Calls per agent per shift (人均班次电话处理量): `answered ÷ agent-shifts worked`.
pub fn calls_per_agent_shift(answered: f64, agent_shifts: f64) -> Option<f64> {
    ratio(answered, agent_shifts)
}

/// Daily average answered (呼叫中心日均接听量): `answered ÷ days in the period with data`.
pub fn daily_average_answered(answered: f64, days: f64) -> Option<f64> {
    ratio(answered, days)
}

/// Transfer rate (电话转接率): `transferred ÷ answered`.
pub fn transfer_rate(transferred: f64, answered: f64) -> Option<f64> {
    ratio(transferred, answered)
}

/// First-contact resolution (一次问题解决率): `resolved at first contact ÷ requests`.
pub fn first_contact_resolution(resolved_first: f64, requests: f64) -> Option<f64> {
    ratio(resolved_first, requests)
}

/// Self-service ratio (自助服务比例): `self-service requests ÷ all requests`.
pub fn self_service_ratio(self_service: f64, requests: f64) -> Option<f64> {
    ratio(self_service, requests)
}

/// On-time rate of async work (非实时业务处理准时率): `items handled within their SLA ÷ items
/// received` (an item not handled is late).
pub fn async_on_time_rate(on_time: f64, received: f64) -> Option<f64> {
    ratio(on_time, received)
}

/// Non-call work handling rate (非话务工作处理率): `items handled ÷ items received`.
pub fn async_handling_rate(handled: f64, received: f64) -> Option<f64> {
    ratio(handled, received)
}

/// Cost per call (单呼成本): `total cost ÷ calls answered`.
pub fn cost_per_call(total_cost: f64, answered: f64) -> Option<f64> {
    ratio(total_cost, answered)
}

/// Attrition (员工流失率): `leavers in the year ÷ average monthly headcount`.
pub fn attrition(leavers_12m: f64, average_monthly_headcount: f64) -> Option<f64> {
    ratio(leavers_12m, average_monthly_headcount)
}

/// Training hours per head (人均年度培训时长, per year in the handbook):
/// `training hours ÷ headcount` (pass the last 12 months' hours for the handbook's figure).
pub fn training_hours_per_head(training_hours: f64, headcount: f64) -> Option<f64> {
    ratio(training_hours, headcount)
}

/// Actual work rate (实际工作率) as the handbook writes it: `time signed in and able to answer
/// (talk + hold + ACW + ready) ÷ scheduled time`, a plain ratio of the month's sums (it may
/// exceed 100 % when agents work beyond their schedule; [`adherence`] is the capped variant).
pub fn actual_work_rate(available_secs: f64, scheduled_secs: f64) -> Option<f64> {
    ratio(available_secs, scheduled_secs)
}

/// Marketing revenue ratio (辅助营销收入比 / 主动营销收入比): `marketing revenue ÷ total revenue`.
pub fn revenue_share(marketing_revenue: f64, total_revenue: f64) -> Option<f64> {
    ratio(marketing_revenue, total_revenue)
}

/// Satisfaction (客户综合满意度 / 员工满意度): `satisfied answers ÷ survey answers`.
pub fn satisfaction(satisfied: f64, responses: f64) -> Option<f64> {
    ratio(satisfied, responses)
}

/// Internal promotion rate (内部员工提升率): `posts filled by internal promotion ÷ posts filled
/// by promotion`.
pub fn internal_promotion_rate(internal: f64, posts: f64) -> Option<f64> {
    ratio(internal, posts)
}

/// Business error rate (业务差错率): `erroneous transactions ÷ transactions`.
pub fn business_error_rate(errors: f64, transactions: f64) -> Option<f64> {
    ratio(errors, transactions)
}

/// Follow-up completion rate (回访完成率): `follow-ups made ÷ follow-ups due`.
pub fn follow_up_completion_rate(made: f64, due: f64) -> Option<f64> {
    ratio(made, due)
}

/// Customer complaint rate (客户投诉率): `complaints ÷ customer contacts`.
pub fn complaint_rate(complaints: f64, contacts: f64) -> Option<f64> {
    ratio(complaints, contacts)
}

/// Error measures of one set of (actual, forecast) pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErrorMeasures {
    /// Number of pairs.
    pub n: usize,
    /// `Σ w·a`.
    pub actual: f64,
    /// `Σ w·f`.
    pub forecast: f64,
    /// Forecast accuracy (业务量预测准确率) `Σ w·a ÷ Σ w·f`.
    pub ratio: Option<f64>,
    /// WAPE `Σ w·|a − f| ÷ Σ w·a`.
    pub wape: Option<f64>,
    /// MAPE over pairs with `a ≠ 0` and `w > 0`: `mean |a − f| ÷ a`.
    pub mape: Option<f64>,
    /// Bias `Σ w·(f − a) ÷ Σ w·a` (positive = over-forecast).
    pub bias: Option<f64>,
    /// Interval accuracy `1 − WAPE`.
    pub accuracy: Option<f64>,
}

/// Forecast error measures of weighted pairs `(w, a, f)`.
///
/// # Formula
/// For volume `w = 1`; for AHT `w` = answered calls of the interval, so that the measures are
/// shares of the actual handle time. Ratio (the handbook's 业务量预测准确率) `= Σwa ÷ Σwf`;
/// `WAPE = Σw|a−f| ÷ Σwa`; `MAPE = mean_{a≠0, w>0} |a−f|/a`; `bias = Σw(f−a) ÷ Σwa`; interval
/// accuracy `= 1 − WAPE`.
///
/// # References
/// Hyndman, R. J. and Athanasopoulos, G. (2021), *Forecasting: Principles and Practice*, 3rd ed.,
/// §5.8 (percentage errors; MAPE undefined at zero actuals); Kolassa, S. and Schütz, W. (2007),
/// "Advantages of the MAD/mean ratio over the MAPE", *Foresight* 6 (WAPE).
///
/// # Examples
/// ```
/// let m = wfm::audit::formulas::error_measures([(1.0, 10.0, 12.0), (1.0, 0.0, 2.0), (1.0, 30.0, 24.0)]);
/// assert_eq!(m.wape, Some(0.25));                 // (2 + 2 + 6) / 40
/// assert!((m.mape.unwrap() - 0.2).abs() < 1e-12);   // the zero actual is skipped
/// assert_eq!(m.bias, Some(-0.05));                  // (2 + 2 − 6) / 40
/// ```
pub fn error_measures(pairs: impl IntoIterator<Item = (f64, f64, f64)>) -> ErrorMeasures {
    let (mut n, mut sa, mut sf, mut sabs, mut sdiff) = (0usize, 0.0, 0.0, 0.0, 0.0);
    let (mut ape, mut n_ape) = (0.0, 0usize);
    for (w, a, f) in pairs {
        n += 1;
        sa += w * a;
        sf += w * f;
        sabs += w * (a - f).abs();
        sdiff += w * (f - a);
        if w > 0.0 && a != 0.0 {
            ape += ((a - f) / a).abs();
            n_ape += 1;
        }
    }
    let wape = ratio(sabs, sa);
    ErrorMeasures {
        n,
        actual: sa,
        forecast: sf,
        ratio: ratio(sa, sf),
        wape,
        mape: (n_ape > 0).then(|| ape / n_ape as f64),
        bias: ratio(sdiff, sa),
        accuracy: wape.map(|w| 1.0 - w),
    }
}
