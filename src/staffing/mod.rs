//! Staffing: Erlang B/C/A, required agents for service targets, shrinkage, concurrency.
//!
//! Glossary: AHT = average handle time, ASA = average speed of answer, SL = service level,
//! P(wait) = probability that a call has to queue, FTE = full-time equivalent.
//!
//! # Metric definitions
//! Tools in the field disagree on these, so every number this module returns follows one rule:
//! - **SL(t)** = calls answered within `t` seconds ÷ **offered** calls. Under Erlang A abandoned
//!   calls count against SL (also those abandoning before `t`). Under Erlang C nobody abandons.
//! - **ASA** = mean wait of **answered** calls (abandoners excluded; under Erlang A their mean
//!   wait is reported separately).
//! - **P(wait)** = probability that an arriving call finds every agent busy.
//! - **Occupancy** = carried load ÷ agents (`A / N` under Erlang C; `A·(1 − P(ab)) / N` under
//!   Erlang A, since abandoned calls use no agent time).
//! - **abandon_rate** = abandoned ÷ offered (Erlang A only).
//!
//! Modules: [`erlang_b`] (the stable recursion), [`erlang_c`], [`erlang_a`], [`requirement`]
//! (smallest agent count meeting every target) and [`workforce`] (shrinkage, FTE, concurrency,
//! async work, patience estimation).

use crate::io::Location;

pub mod availability;
pub mod config;
pub mod erlang_a;
pub mod erlang_a_transient;
pub mod erlang_b;
pub mod erlang_c;
pub mod evaluate;
pub mod limits;
pub mod multiskill;
pub mod plan;
pub mod requirement;
pub mod risk;
pub mod scenario;
pub mod scope;
pub mod workforce;

pub use requirement::{required_agents, Binding, Model, Requirement, Targets};

/// Queue performance for one staffing level (see the module docs for the definitions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueMetrics {
    /// P(wait): probability that an arriving call finds all agents busy, in `[0, 1]`.
    pub p_wait: f64,
    /// Service level: answered within the threshold ÷ offered, in `[0, 1]`.
    pub service_level: f64,
    /// Average speed of answer: mean wait of answered calls, seconds.
    pub asa_secs: f64,
    /// Occupancy: carried load ÷ agents, in `[0, 1]`.
    pub occupancy: f64,
    /// Abandoned ÷ offered (Erlang A); `None` under Erlang C, which has no abandonment.
    pub abandon_rate: Option<f64>,
    /// Mean wait of abandoning calls, seconds (Erlang A); `None` under Erlang C.
    pub abandon_wait_secs: Option<f64>,
}

impl QueueMetrics {
    /// The metrics of a queue with no traffic: nobody waits, SL 1, ASA 0, occupancy 0.
    pub fn idle() -> Self {
        QueueMetrics {
            p_wait: 0.0,
            service_level: 1.0,
            asa_secs: 0.0,
            occupancy: 0.0,
            abandon_rate: None,
            abandon_wait_secs: None,
        }
    }
}

/// Errors of the `staffing` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StaffingError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// Erlang C needs more agents than the offered load, or the queue grows without bound.
    #[error("unstable queue: {agents} agents for an offered load of {load_erlangs:.4} Erlangs (Erlang C needs agents > load)")]
    Unstable {
        /// Agents given.
        agents: u32,
        /// Offered load.
        load_erlangs: f64,
    },
    /// A parameter is outside its domain.
    #[error("{name}: expected a value in {range}, got {}", crate::units::Shown(*.value))]
    InvalidParameter {
        /// Which parameter.
        name: &'static str,
        /// The offending value.
        value: f64,
        /// The allowed range.
        range: &'static str,
    },
    /// No agent count up to the search limit meets every target.
    #[error("no staffing up to {limit} agents meets the targets for {load_erlangs:.4} Erlangs (target `{target}` unreachable)")]
    Infeasible {
        /// Offered load.
        load_erlangs: f64,
        /// The largest agent count tried.
        limit: u32,
        /// The target that could not be met.
        target: Binding,
    },
    /// A value in an input row is invalid for staffing.
    #[error("{at}: {reason}, got {}", crate::units::Shown(*.value))]
    BadInput {
        /// Where.
        at: Location,
        /// The offending value.
        value: f64,
        /// What was expected.
        reason: &'static str,
    },
    /// The interval length could not be inferred from the timestamps.
    #[error("{file}: cannot infer the interval length from the timestamps (need two distinct starts {detail}); pass --interval")]
    IntervalUnknown {
        /// The input file.
        file: String,
        /// Why.
        detail: &'static str,
    },
    /// A unit value was invalid.
    #[error(transparent)]
    Unit(#[from] crate::units::UnitError),
    /// A configuration value is out of range.
    #[error("{}: `{key}`: expected a value in {range}, got {}", file.display(), crate::units::Shown(*.value))]
    Config {
        /// The configuration file.
        file: std::path::PathBuf,
        /// The key (`section.name`).
        key: String,
        /// The offending value (NaN when it is not a number).
        value: f64,
        /// The allowed range.
        range: &'static str,
    },
    /// Erlang A was asked for but no patience is known for a queue.
    #[error("queue `{queue}`: Erlang A needs a mean patience: pass --patience-seconds, set `patience_seconds` in the config, or give a history with `abandoned`, `sum_wait_abandoned_s` and `sum_wait_answered_s` (or `asa_seconds` and `answered`) columns, e.g. `wfm ingest` output, with at least one abandon")]
    PatienceUnknown {
        /// The queue.
        queue: String,
    },
    /// A computation failed for one input row.
    #[error("{at}: {source}")]
    Row {
        /// Where.
        at: Location,
        /// What failed.
        source: Box<StaffingError>,
    },
    /// A row is off the interval grid of the input (e.g. one 15-min row in a 30-min file).
    #[error("{at}: {source}{hint}")]
    Grid {
        /// Where.
        at: Location,
        /// What is wrong with the row's start.
        source: Box<crate::model::GridError>,
        /// What to do about it.
        hint: &'static str,
    },
    /// A what-if cannot be applied to the input (its scope names no queue or interval of it).
    #[error("scenario `{name}`: {reason}")]
    Scenario {
        /// The scenario's name.
        name: String,
        /// Why, in the planner's terms.
        reason: String,
    },
    /// The same queue and interval appear twice.
    #[error(
        "{at}: duplicate interval {start} for queue `{queue}` (first seen on line {first_line})"
    )]
    Duplicate {
        /// Where the second copy is.
        at: Location,
        /// The queue.
        queue: String,
        /// The interval start.
        start: String,
        /// The line of the first copy.
        first_line: u64,
    },
}
