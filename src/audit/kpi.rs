//! The KPI catalogue: every KPI the audit reports, with its handbook name, formula and unit.

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

/// The definition of one KPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KpiDef {
    /// Stable key (output, scorecard `source`).
    pub key: &'static str,
    /// English name.
    pub name: &'static str,
    /// The handbook's name ("—" where the handbooks have none).
    pub handbook: &'static str,
    /// The formula as computed.
    pub formula: &'static str,
    /// Unit of the value.
    pub unit: KpiUnit,
}

macro_rules! defs {
    ($( $key:literal, $name:literal, $hb:literal, $unit:ident, $formula:literal; )*) => {
        /// Every KPI of the audit, in output order.
        pub const KPI_DEFINITIONS: &[KpiDef] = &[
            $( KpiDef { key: $key, name: $name, handbook: $hb, formula: $formula, unit: KpiUnit::$unit }, )*
        ];
    };
}

defs! {
    "offered", "calls offered", "人工呼入量", Calls, "Σ offered";
    "answered", "calls answered", "人工接听量", Calls, "Σ answered";
    "abandoned", "calls abandoned", "放弃量", Calls, "Σ abandoned";
    "answer_rate", "answer rate", "人工接通率", Fraction, "answered ÷ offered";
    "service_level", "service level (configured convention)", "服务水平", Fraction, "answered≤X ÷ denominator of --sl-convention";
    "sl_offered", "service level, abandons count against", "服务水平", Fraction, "answered≤X ÷ offered";
    "sl_answered", "service level, abandons ignored", "服务水平", Fraction, "answered≤X ÷ answered";
    "sl_exclude_short_abandons", "service level, short abandons excluded", "服务水平", Fraction, "answered≤X ÷ (offered − abandoned≤X)";
    "abandon_rate", "abandon rate", "电话放弃率", Fraction, "abandoned ÷ (answered + abandoned)";
    "average_time_to_abandon", "average time to abandon", "平均放弃时间", Seconds, "Σ wait of abandoned calls ÷ abandoned";
    "connection_rate", "connection rate", "接通率", Fraction, "(IVR completed + answered) ÷ calls entering";
    "asa", "average speed of answer", "平均应答速度", Seconds, "Σ wait of answered calls ÷ answered (immediate answers included)";
    "average_talk_time", "average talk time", "平均通话时长", Seconds, "Σ talk ÷ answered";
    "average_hold_time", "average hold time", "平均保持时长", Seconds, "Σ hold ÷ answered";
    "average_acw", "after-call work", "话后处理时长", Seconds, "Σ ACW ÷ answered";
    "aht", "average handle time", "平均处理时长", Seconds, "talk + hold + ACW (Σ handle ÷ answered)";
    "occupancy", "occupancy", "坐席占用率", Fraction, "handle ÷ (handle + ready)";
    "utilization", "utilization", "坐席利用率", Fraction, "(handle + ready) ÷ (handle + ready + break)";
    "productivity", "productivity", "坐席生产率", Fraction, "handle ÷ (handle + ready + break)";
    "adherence", "adherence (actual work rate)", "实际工作率", Fraction, "Σ min(handle + ready, scheduled) ÷ Σ scheduled, per agent-interval";
    "conformance", "conformance", "—", Ratio, "Σ signed-in time ÷ Σ scheduled time (may exceed 100 %)";
    "schedule_accuracy", "schedule accuracy", "人员排班准确率", Ratio, "Σ actual agents on duty ÷ Σ scheduled agents, over intervals with both";
    "calls_per_agent_shift", "calls per agent-shift", "人均班次电话处理量", CallsPerShift, "answered ÷ agent-shifts (agent × day signed in)";
    "daily_average_answered", "daily average answered", "呼叫中心日均接听量", CallsPerDay, "answered ÷ days of the period in the data";
    "transfer_rate", "transfer rate", "电话转接率", Fraction, "transferred ÷ answered";
    "first_contact_resolution", "first-contact resolution", "一次问题解决率", Fraction, "resolved at first contact ÷ requests";
    "self_service_ratio", "self-service ratio", "自助服务比例", Fraction, "self-service requests ÷ all requests";
    "async_handling_rate", "non-call work handling rate", "非话务工作处理率", Fraction, "async items handled ÷ received";
    "async_on_time_rate", "async on-time rate", "非实时业务处理准时率", Fraction, "async items handled within SLA ÷ received";
    "cost_per_call", "cost per call", "单呼成本", CostPerCall, "total cost ÷ answered";
    "attrition", "attrition", "员工流失率", Ratio, "leavers in the last 12 months ÷ average monthly headcount";
    "training_hours_per_head", "training hours per head", "人均培训时长", HoursPerHead, "training hours ÷ headcount";
    "exam_average", "exam average", "考试平均分", Points, "fact";
    "qa_average", "QA average", "质检平均分", Points, "fact";
    "performance_average", "performance average", "绩效平均分", Points, "fact";
    "major_complaints", "major complaints", "重大投诉", Count, "fact";
    "report_errors", "report errors", "报表差错", Count, "fact";
    "forecast_accuracy", "volume forecast accuracy", "业务量预测准确率", Ratio, "Σ actual ÷ Σ forecast";
    "forecast_accuracy_4m", "volume forecast accuracy, mean of the last 4 months", "业务量预测准确率", Ratio, "mean of the monthly Σ actual ÷ Σ forecast over the period and up to 3 months before it that the forecast covers";
    "forecast_wape", "volume WAPE", "—", Fraction, "Σ|A − F| ÷ Σ A over queue × interval";
    "forecast_mape", "volume MAPE (non-zero actuals)", "—", Fraction, "mean |A − F| ÷ A over queue × interval with A > 0";
    "forecast_bias", "volume bias", "—", Ratio, "(Σ F − Σ A) ÷ Σ A (positive = over-forecast)";
    "forecast_interval_accuracy", "volume interval accuracy", "—", Fraction, "1 − WAPE";
    "aht_forecast_accuracy", "AHT forecast accuracy", "—", Ratio, "actual AHT ÷ forecast AHT (weights: answered)";
    "aht_forecast_wape", "AHT WAPE", "—", Fraction, "Σ n·|a − f| ÷ Σ n·a, n = answered";
    "aht_forecast_mape", "AHT MAPE", "—", Fraction, "mean |a − f| ÷ a over intervals with answered > 0";
    "aht_forecast_bias", "AHT bias", "—", Ratio, "Σ n·(f − a) ÷ Σ n·a";
    "aht_forecast_interval_accuracy", "AHT interval accuracy", "—", Fraction, "1 − AHT WAPE";
}

/// The definition of `key`.
pub fn definition(key: &str) -> Option<&'static KpiDef> {
    KPI_DEFINITIONS.iter().find(|d| d.key == key)
}

/// A KPI's value, or why it cannot be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum KpiValue {
    /// The value in stored units (fractions as `0..1`).
    Value(f64),
    /// The inputs lack what the KPI needs.
    NotComputable {
        /// What is missing, e.g. "column `sum_wait_abandoned_s` in --actuals".
        needs: String,
    },
}

impl KpiValue {
    /// The value, if computable.
    pub fn value(&self) -> Option<f64> {
        match self {
            KpiValue::Value(v) => Some(*v),
            KpiValue::NotComputable { .. } => None,
        }
    }
}

/// One KPI for one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    /// Its definition.
    pub def: &'static KpiDef,
    /// `all` or a queue name.
    pub scope: String,
    /// The value for the period.
    pub value: KpiValue,
    /// The value of the previous period, when the inputs hold it.
    pub previous: Option<f64>,
    /// The input the value was computed from.
    pub source: String,
}

impl Kpi {
    /// Month-over-month change in stored units.
    pub fn change(&self) -> Option<f64> {
        Some(self.value.value()? - self.previous?)
    }
}
