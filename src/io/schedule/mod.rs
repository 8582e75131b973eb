//! The schedule stage's files (`wfm schedule`): shift rules from TOML, the staffing
//! requirement from CSV, and the plan, coverage and summary tables. The stage itself
//! ([`crate::schedule`]) takes and returns model types only.
//!
//! The readers are the constructors [`crate::schedule::ShiftRules::from_path`],
//! [`crate::schedule::ShiftRules::from_toml_str`] and
//! [`crate::schedule::Requirement::from_csv`]; the writers are the `*_table` methods of
//! [`crate::schedule::Schedule`].

mod output;
mod requirement;
mod roster;
mod rules;

pub use roster::read_agents;
