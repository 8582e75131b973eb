//! Reading a scorecard definition (`--scorecard`, TOML; the format is documented in
//! [`crate::audit::scorecard`]).

use std::path::Path;

use crate::audit::{AuditError, Scorecard};
use crate::table::TableError;

impl Scorecard {
    /// Parses and validates a scorecard from TOML text; `path` is used in messages.
    ///
    /// # Errors
    /// [`AuditError::Scorecard`] naming the indicator and field; TOML errors with line/column.
    pub fn from_toml(path: &Path, text: &str) -> Result<Self, AuditError> {
        let s: Scorecard = toml::from_str(text).map_err(|e| {
            AuditError::Table(TableError::Toml {
                path: path.to_path_buf(),
                message: e.to_string(),
            })
        })?;
        s.validate(path)?;
        Ok(s)
    }

    /// Reads and validates a scorecard file.
    ///
    /// # Errors
    /// As [`Scorecard::from_toml`], plus I/O errors.
    pub fn read(path: &Path) -> Result<Self, AuditError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            AuditError::Table(TableError::Io {
                path: path.to_path_buf(),
                source,
            })
        })?;
        Self::from_toml(path, &text)
    }
}
