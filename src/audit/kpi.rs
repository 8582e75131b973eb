//! One KPI's result: value or what it needs, previous month, 4-month mean, trend, target.

pub use super::catalogue::{definition, Better, KpiDef, KpiKey, KpiUnit, KPI_DEFINITIONS};
use super::targets::{Status, Target};
use super::{Period, Scope};

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

/// A mean of monthly values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mean {
    /// The mean, stored units.
    pub value: f64,
    /// How many months it averages (the period and up to 3 before it that have a value).
    pub months: usize,
}

/// One KPI for one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    /// Which KPI.
    pub key: KpiKey,
    /// Its definition.
    pub def: &'static KpiDef,
    /// The whole center or one queue.
    pub scope: Scope,
    /// The value for the period.
    pub value: KpiValue,
    /// The value of the previous period, when the inputs hold it.
    pub previous: Option<f64>,
    /// The handbooks' period rule: the mean of the last four monthly values (handbook KPIs).
    pub mean_4m: Option<Mean>,
    /// Monthly values, oldest first, up to 13 months ending with the period.
    pub trend: Vec<(Period, f64)>,
    /// The input the value was computed from.
    pub source: String,
    /// The target, when one is set.
    pub target: Option<Target>,
    /// Where "no target" was said explicitly for this KPI and scope (e.g. a queue whose
    /// staffing config sets `sl_target = 0`), so that the report shows "no target" rather than
    /// the center's.
    pub no_target: Option<String>,
}

impl Kpi {
    /// Month-over-month change in stored units.
    pub fn change(&self) -> Option<f64> {
        Some(self.value.value()? - self.previous?)
    }
    /// Met / near / missed, when the KPI has a value and a target.
    pub fn status(&self) -> Option<Status> {
        Some(self.target.as_ref()?.status(self.value.value()?))
    }
}
