//! Monthly audit: the handbook KPIs against actuals and a weighted KPI scorecard.

/// Errors of the `audit` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
}
