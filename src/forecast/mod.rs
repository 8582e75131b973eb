//! Forecasting of call volume and AHT per queue × interval.

/// Errors of the `forecast` module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
}
