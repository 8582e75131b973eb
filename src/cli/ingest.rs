//! `wfm ingest calls|intervals`.

use std::process::ExitCode;

/// The `ingest` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum IngestCommand {
    /// Raw call logs (one record per call) → interval KPIs per queue.
    Calls {},
    /// Interval exports → the normalized interval KPI table.
    Intervals {},
}

pub(crate) fn run(_cmd: IngestCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wfm ingest` is not available yet")
}
