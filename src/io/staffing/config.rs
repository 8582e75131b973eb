//! The staffing configuration file (`models/staffing.toml`) as text.

use std::path::Path;

use crate::io::table::read_toml;
use crate::staffing::config::{RawFile, StaffConfig};
use crate::staffing::StaffingError;

impl StaffConfig {
    /// Reads a `models/staffing.toml`-style file.
    ///
    /// # Errors
    /// [`StaffingError::Table`] for TOML syntax (with line and column), [`StaffingError::Config`]
    /// for a value out of range (naming the file and key).
    pub fn from_toml(path: &Path) -> Result<Self, StaffingError> {
        let raw: RawFile = read_toml(path)?;
        StaffConfig::from_raw(raw, path)
    }
}
