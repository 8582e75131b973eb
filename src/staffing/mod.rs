//! Staffing: Erlang B/C/A, required agents for service targets, shrinkage, concurrency.

/// Errors of the `staffing` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StaffingError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
}
