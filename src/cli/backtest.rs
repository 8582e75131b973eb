//! `wfm backtest`.

use std::process::ExitCode;

/// Arguments of `wfm backtest`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wfm backtest` is not available yet")
}
