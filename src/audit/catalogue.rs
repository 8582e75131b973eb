//! The KPI catalogue: every KPI the audit reports, with its handbook name, formula, unit and
//! which way is better; [`KpiKey`] names each.

/// The unit of a KPI value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiUnit {
    /// Calls (a count).
    Calls,
    /// A share in `[0, 1]` (rendered as percent).
    Fraction,
    /// A ratio that may exceed 1 (rendered as percent).
    Ratio,
    /// Seconds.
    Seconds,
    /// Calls per agent-shift.
    CallsPerShift,
    /// Calls per day.
    CallsPerDay,
    /// Currency units per call.
    CostPerCall,
    /// Hours per head.
    HoursPerHead,
    /// Points of a score.
    Points,
    /// A count of events.
    Count,
    /// Agents.
    Agents,
}

impl KpiUnit {
    /// The label printed next to a value in display units.
    pub fn label(self) -> &'static str {
        match self {
            KpiUnit::Calls => "calls",
            KpiUnit::Fraction | KpiUnit::Ratio => "%",
            KpiUnit::Seconds => "s",
            KpiUnit::CallsPerShift => "calls/shift",
            KpiUnit::CallsPerDay => "calls/day",
            KpiUnit::CostPerCall => "cost/call",
            KpiUnit::HoursPerHead => "h/head",
            KpiUnit::Points => "points",
            KpiUnit::Count => "count",
            KpiUnit::Agents => "agents",
        }
    }
    /// Factor from the stored value to display units (fractions → percent).
    pub fn display_factor(self) -> f64 {
        match self {
            KpiUnit::Fraction | KpiUnit::Ratio => 100.0,
            _ => 1.0,
        }
    }
    /// Decimals used when rendering.
    pub fn decimals(self) -> usize {
        match self {
            KpiUnit::Calls | KpiUnit::Count => 0,
            KpiUnit::Fraction | KpiUnit::Ratio => 2,
            _ => 2,
        }
    }
}

/// Which way a KPI is better (used for the status of a target and the colour of a change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Higher is better (service level, answer rate, …).
    Higher,
    /// Lower is better (abandon rate, ASA, errors, …).
    Lower,
    /// Closer to the target is better (occupancy, forecast accuracy as actual ÷ forecast, …).
    Closer,
}

/// The definition of one KPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KpiDef {
    /// Stable key (output, scorecard `source`, targets file).
    pub key: &'static str,
    /// English name.
    pub name: &'static str,
    /// The handbook's name ("—" where the handbooks have none).
    pub handbook: &'static str,
    /// The formula as computed.
    pub formula: &'static str,
    /// Unit of the value.
    pub unit: KpiUnit,
    /// Which way is better.
    pub better: Better,
}

macro_rules! defs {
    ($( $variant:ident $key:literal, $name:literal, $hb:literal, $unit:ident, $formula:literal, $better:ident; )*) => {
        /// Every KPI of the audit, one variant each (in output order).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(missing_docs)]
        pub enum KpiKey {
            $( $variant, )*
        }

        /// Every KPI of the audit, in output order (index = `KpiKey as usize`).
        pub const KPI_DEFINITIONS: &[KpiDef] = &[
            $( KpiDef { key: $key, name: $name, handbook: $hb, formula: $formula, unit: KpiUnit::$unit, better: better!($better) }, )*
        ];

        impl KpiKey {
            /// Every key, in output order.
            pub const ALL: &'static [KpiKey] = &[ $( KpiKey::$variant, )* ];
        }
    };
}

macro_rules! better {
    (Up) => {
        Better::Higher
    };
    (Down) => {
        Better::Lower
    };
    (Neutral) => {
        Better::Closer
    };
}

defs! {
    Offered "offered", "calls offered", "人工呼入量", Calls, "Σ offered", Neutral;
    Answered "answered", "calls answered", "人工接听量", Calls, "Σ answered", Neutral;
    Abandoned "abandoned", "calls abandoned", "放弃量", Calls, "Σ abandoned", Down;
    AnswerRate "answer_rate", "answer rate", "受话业务接通率", Fraction, "answered ÷ offered", Up;
    ServiceLevel "service_level", "service level (configured convention)", "服务水平", Fraction, "answered≤X ÷ denominator of --sl-convention", Up;
    SlOffered "sl_offered", "service level, abandons count against", "服务水平", Fraction, "answered≤X ÷ offered", Up;
    SlAnswered "sl_answered", "service level, abandons ignored", "服务水平", Fraction, "answered≤X ÷ answered", Up;
    SlExcludeShortAbandons "sl_exclude_short_abandons", "service level, short abandons excluded", "服务水平", Fraction, "answered≤X ÷ (offered − abandoned≤X)", Up;
    AbandonRate "abandon_rate", "abandon rate", "电话放弃率", Fraction, "abandoned ÷ (answered + abandoned)", Down;
    AverageTimeToAbandon "average_time_to_abandon", "average time to abandon", "平均放弃时间", Seconds, "Σ wait of abandoned calls ÷ abandoned", Neutral;
    ConnectionRate "connection_rate", "connection rate", "接通率", Fraction, "(IVR completed + answered) ÷ calls entering", Up;
    Asa "asa", "average speed of answer", "平均应答速度", Seconds, "Σ wait of answered calls ÷ answered (immediate answers included)", Down;
    AverageTalkTime "average_talk_time", "average talk time, pick-up to hang-up (hold included)", "平均通话时长", Seconds, "Σ (talk + hold) ÷ answered", Down;
    AverageTalkTimeExclHold "average_talk_time_excl_hold", "average talk time, hold excluded", "—", Seconds, "Σ talk ÷ answered", Down;
    AverageHoldTime "average_hold_time", "average hold time", "平均保持时长", Seconds, "Σ hold ÷ answered", Down;
    AverageAcw "average_acw", "after-call work", "话后处理时长", Seconds, "Σ ACW ÷ answered", Down;
    Aht "aht", "average handle time", "平均处理时长", Seconds, "talk + hold + ACW (Σ handle ÷ answered)", Down;
    Occupancy "occupancy", "occupancy", "坐席占用率", Fraction, "handle ÷ (handle + ready)", Neutral;
    Utilization "utilization", "utilization", "坐席利用率", Fraction, "(handle + ready) ÷ (handle + ready + break)", Up;
    Productivity "productivity", "productivity", "坐席生产率", Fraction, "handle ÷ (handle + ready + break)", Up;
    Adherence "adherence", "actual work rate (adherence)", "实际工作率", Ratio, "Σ (handle + ready) ÷ Σ scheduled", Up;
    AdherenceCapped "adherence_capped", "adherence, capped per agent-interval", "—", Fraction, "Σ min(handle + ready, scheduled) ÷ Σ scheduled, per agent-interval", Up;
    Conformance "conformance", "conformance", "—", Ratio, "Σ signed-in time ÷ Σ scheduled time (may exceed 100 %)", Neutral;
    ScheduleAccuracy "schedule_accuracy", "schedule accuracy", "人员排班准确率", Ratio, "Σ actual agents on duty ÷ Σ scheduled agents, over intervals with both", Neutral;
    CallsPerAgentShift "calls_per_agent_shift", "calls per agent-shift", "人均班次电话处理量", CallsPerShift, "answered ÷ agent-shifts (agent × day signed in)", Up;
    DailyAverageAnswered "daily_average_answered", "daily average answered", "呼叫中心日均接听量", CallsPerDay, "answered ÷ days of the period in the data", Neutral;
    TransferRate "transfer_rate", "transfer rate", "电话转接率", Fraction, "transferred ÷ answered", Down;
    FirstContactResolution "first_contact_resolution", "first-contact resolution", "一次问题解决率", Fraction, "resolved at first contact ÷ requests", Up;
    SelfServiceRatio "self_service_ratio", "self-service ratio", "自助服务比例", Fraction, "self-service requests ÷ all requests", Up;
    AsyncHandlingRate "async_handling_rate", "non-call work handling rate", "非受话业务处理率", Fraction, "async items handled ÷ received", Up;
    AsyncOnTimeRate "async_on_time_rate", "async on-time rate", "非实时业务处理准时率", Fraction, "async items handled within SLA ÷ received", Up;
    CostPerCall "cost_per_call", "cost per call", "单呼成本", CostPerCall, "total cost ÷ answered", Down;
    Attrition "attrition", "attrition", "员工流失率", Ratio, "leavers in the last 12 months ÷ average monthly headcount", Down;
    TrainingHoursPerHead "training_hours_per_head", "training hours per head per year", "人均年度培训时长", HoursPerHead, "training hours of the last 12 months ÷ headcount", Up;
    TrainingHoursPerHeadMonth "training_hours_per_head_month", "training hours per head, this month", "—", HoursPerHead, "training hours of the month ÷ headcount", Up;
    ExamAverage "exam_average", "exam average", "考试平均分", Points, "fact", Up;
    QaAverage "qa_average", "QA average", "质检平均分", Points, "fact", Up;
    PerformanceAverage "performance_average", "performance average", "绩效平均分", Points, "fact", Up;
    MajorComplaints "major_complaints", "major complaints", "重大投诉", Count, "fact", Down;
    ReportErrors "report_errors", "report errors", "报表差错", Count, "fact", Down;
    AssistedMarketingRevenueRatio "assisted_marketing_revenue_ratio", "assisted marketing revenue ratio", "辅助营销收入比", Fraction, "assisted marketing revenue ÷ total revenue", Up;
    ActiveMarketingRevenueRatio "active_marketing_revenue_ratio", "active marketing revenue ratio", "主动营销收入比", Fraction, "active (outbound) marketing revenue ÷ total revenue", Up;
    CustomerSatisfaction "customer_satisfaction", "customer overall satisfaction", "客户综合满意度", Fraction, "satisfied survey answers ÷ survey answers", Up;
    EmployeeSatisfaction "employee_satisfaction", "employee satisfaction", "员工满意度", Fraction, "satisfied employee-survey answers ÷ employee-survey answers", Up;
    InternalPromotionRate "internal_promotion_rate", "internal promotion rate", "内部员工提升率", Fraction, "posts filled by internal promotion ÷ posts filled by promotion", Up;
    BusinessErrorRate "business_error_rate", "business error rate", "业务差错率", Fraction, "erroneous transactions ÷ transactions", Down;
    FollowUpCompletionRate "follow_up_completion_rate", "follow-up completion rate", "回访完成率", Fraction, "follow-ups made ÷ follow-ups due", Up;
    ComplaintRate "complaint_rate", "customer complaint rate", "客户投诉率", Fraction, "complaints ÷ customer contacts", Down;
    ForecastAccuracy "forecast_accuracy", "volume forecast accuracy", "业务量预测准确率", Ratio, "Σ actual ÷ Σ forecast", Neutral;
    ForecastAccuracy4m "forecast_accuracy_4m", "volume forecast accuracy, mean of the last 4 months", "业务量预测准确率", Ratio, "mean of the monthly Σ actual ÷ Σ forecast over the period and up to 3 months before it that the forecast covers", Neutral;
    ForecastWape "forecast_wape", "volume WAPE", "—", Fraction, "Σ|A − F| ÷ Σ A over queue × interval", Down;
    ForecastMape "forecast_mape", "volume MAPE (non-zero actuals)", "—", Fraction, "mean |A − F| ÷ A over queue × interval with A > 0", Down;
    ForecastBias "forecast_bias", "volume bias", "—", Ratio, "(Σ F − Σ A) ÷ Σ A (positive = over-forecast)", Neutral;
    ForecastIntervalAccuracy "forecast_interval_accuracy", "volume interval accuracy", "—", Fraction, "1 − WAPE", Up;
    AhtForecastAccuracy "aht_forecast_accuracy", "AHT forecast accuracy", "—", Ratio, "actual AHT ÷ forecast AHT (weights: answered)", Neutral;
    AhtForecastWape "aht_forecast_wape", "AHT WAPE", "—", Fraction, "Σ n·|a − f| ÷ Σ n·a, n = answered", Down;
    AhtForecastMape "aht_forecast_mape", "AHT MAPE", "—", Fraction, "mean |a − f| ÷ a over intervals with answered > 0", Down;
    AhtForecastBias "aht_forecast_bias", "AHT bias", "—", Ratio, "Σ n·(f − a) ÷ Σ n·a", Neutral;
    AhtForecastIntervalAccuracy "aht_forecast_interval_accuracy", "AHT interval accuracy", "—", Fraction, "1 − AHT WAPE", Up;
}

impl KpiKey {
    /// The definition.
    pub fn def(self) -> &'static KpiDef {
        &KPI_DEFINITIONS[self as usize]
    }
    /// The stable text key.
    pub fn as_str(self) -> &'static str {
        self.def().key
    }
    /// The key named `text`, if any.
    pub fn parse(text: &str) -> Option<KpiKey> {
        KpiKey::ALL.iter().copied().find(|k| k.as_str() == text)
    }
    /// Whether the handbooks define this KPI (it has a handbook name).
    pub fn in_handbook(self) -> bool {
        self.def().handbook != "—"
    }
}

impl std::fmt::Display for KpiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for KpiKey {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The definition of `key`.
pub fn definition(key: &str) -> Option<&'static KpiDef> {
    KpiKey::parse(key).map(KpiKey::def)
}
