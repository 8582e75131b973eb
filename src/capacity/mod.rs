//! Long-range capacity planning (issue #15): how many people to hire, and when, so that the
//! floor meets next year's weekly requirement given attrition, training and ramp-up.
//!
//! - [`CapacityInput`] ([`input`]): the validated plan on a weekly [`TimeGrid`](crate::model::TimeGrid);
//! - [`plan_capacity`]: the optimal hiring plan of the exact weekly model, by a dynamic program
//!   over class starts ([`dp`]) or the weekly MIP ([`mip`], solved with the project's MIP solver:
//!   CBC, or microlp without the `cbc` feature) where the DP does not apply, reporting status,
//!   objective, bound and gap, and — when no plan can meet the hard limits — the first week that
//!   cannot be covered;
//! - [`evaluate()`]: the recurrences of the model evaluated forward from a hiring decision, which
//!   produce the weekly rows ([`WeekRow`]) of every plan;
//! - [`PlanScenario`]: what-ifs on a plan (attrition, volume, AHT, training, ramp, class sizes,
//!   a hiring freeze), each solved afresh and compared with the plan;
//!
//! Plan files are read by [`crate::io::capacity`]; this module sees no text.

pub mod demand;
mod dp;
mod evaluate;
mod input;
pub mod long_range;
mod mip;
pub mod outlook;
mod pwl;
pub mod requirement;
mod solve;
mod whatif;

pub use evaluate::{evaluate, WeekRow};
pub use input::{Attrition, Budget, CapacityInput, CapacitySpec, Costs, Hiring, Training, Weekly};
pub use solve::{
    plan_capacity, CapacityPlan, Method, PlanStatus, SolveOptions, Totals, Uncoverable,
};
pub use whatif::PlanScenario;

use chrono::NaiveDate;

/// Errors of the capacity planner: inputs outside their domain.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CapacityError {
    /// A scalar input is outside its domain.
    #[error("`{field}`: expected {expected}, got {value}")]
    Invalid {
        /// The input (plan-file key).
        field: &'static str,
        /// The value given.
        value: String,
        /// The domain.
        expected: &'static str,
    },
    /// A per-week input is outside its domain in one week.
    #[error("`{field}` in week {week} ({week_start}): expected {expected}, got {}", crate::units::Shown(*.value))]
    InvalidWeek {
        /// The input.
        field: &'static str,
        /// The week index.
        week: usize,
        /// Its first day.
        week_start: NaiveDate,
        /// The value given.
        value: f64,
        /// The domain.
        expected: &'static str,
    },
    /// A per-week input does not have one value per week of the horizon.
    #[error("`{field}`: {got} weekly value(s) for a horizon of {weeks} week(s)")]
    Length {
        /// The input.
        field: &'static str,
        /// Values given.
        got: usize,
        /// Weeks in the horizon.
        weeks: usize,
    },
    /// The weekly grid cannot be built (e.g. the start is not a midnight).
    #[error("weekly grid: {0}")]
    Grid(String),
}
