//! The crate-wide error type.
//!
//! Every module owns one error enum (see the module's docs); they all convert into [`Error`]
//! so that library callers can use one `Result` alias. Errors about input data carry the file,
//! the 1-based line (as an editor shows it, header = line 1) and the column name.

use std::path::PathBuf;

pub use crate::io::Location;

/// Errors raised by the `wfm` library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A table (CSV/TOML) could not be read or is invalid.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// A unit value was out of its domain.
    #[error(transparent)]
    Unit(#[from] crate::units::UnitError),
    /// Ingestion of call logs or interval exports failed.
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    /// Forecasting failed.
    #[error(transparent)]
    Forecast(#[from] crate::forecast::ForecastError),
    /// Staffing computations failed.
    #[error(transparent)]
    Staffing(#[from] crate::staffing::StaffingError),
    /// Scheduling failed.
    #[error(transparent)]
    Schedule(#[from] crate::schedule::ScheduleError),
    /// The audit failed.
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    /// Rendering a report failed.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
