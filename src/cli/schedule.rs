//! `wfm schedule`.

use std::process::ExitCode;

/// Arguments of `wfm schedule`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wfm schedule` is not available yet")
}
