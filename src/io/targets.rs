//! The targets file (`wfm audit --targets`, TOML) as written: the audit validates it
//! (`wfm::audit::targets`).

use std::path::Path;

use serde::Deserialize;

use super::table::{read_toml, TableError};

/// The targets file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTargets {
    /// Schema version, `1`.
    pub schema_version: u32,
    /// Relative band of "near" (fraction of the target).
    pub near_band: Option<f64>,
    /// The targets, in file order.
    #[serde(default, rename = "target")]
    pub targets: Vec<RawTarget>,
}

/// One `[[target]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    /// KPI key.
    pub kpi: String,
    /// Target value in the KPI's display unit.
    pub value: f64,
    /// The queue, for a queue target.
    pub queue: Option<String>,
    /// `higher`, `lower` or `closer`.
    pub better: Option<String>,
    /// Absolute band of "near", display units.
    pub near: Option<f64>,
}

/// Reads a targets file.
///
/// # Errors
/// [`TableError`] for I/O and TOML syntax (with line and column) or unknown keys.
pub fn read_targets(path: &Path) -> Result<RawTargets, TableError> {
    read_toml(path)
}
