//! Shift planning: optimise shifts and breaks against the staffing requirement, then roster named agents.

/// Errors of the `schedule` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
}
