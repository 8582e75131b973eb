//! Reports: SVG plots and the self-contained HTML audit report.

/// Errors of the `report` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
}
