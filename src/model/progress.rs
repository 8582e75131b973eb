//! Progress reporting for long work. The library never prints: stages report through this
//! trait, and the CLI renders it (a progress bar on stderr).

/// Receives progress of a long computation. Every method has a no-op default.
pub trait Progress: Sync {
    /// A stage of `total` units of work begins (`total` 0 when unknown).
    fn begin(&self, _stage: &str, _total: u64) {}
    /// `n` more units are done.
    fn advance(&self, _n: u64) {}
    /// A message about the current stage (e.g. a solver's incumbent).
    fn message(&self, _text: &str) {}
    /// The stage ended.
    fn end(&self) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
