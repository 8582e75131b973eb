//! `wfm forecast`.

use std::process::ExitCode;

/// Arguments of `wfm forecast`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wfm forecast` is not available yet")
}
