//! Staffing at the edge: the input table ([`input`]), the configuration and scenario files
//! ([`config`], [`scenario`]) and the output tables ([`plan`], [`scenario`]). The staffing
//! stage itself ([`crate::staffing`]) takes and returns model types only.

pub mod config;
pub mod input;
pub mod plan;
pub mod scenario;

pub use input::{read_patience, ReadOptions};
pub use plan::{definitions, number, totals_to_table, COLUMNS, TOTAL_COLUMNS};
pub use scenario::{read_scenarios, schedule_hits_table};
