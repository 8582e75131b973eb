//! `wfm staff`.

use std::process::ExitCode;

/// Arguments of `wfm staff`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wfm staff` is not available yet")
}
