//! Ingestion: raw ACD call logs and interval exports → validated per-queue interval KPIs, with every input row accounted for.

/// Errors of the `data` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
}
