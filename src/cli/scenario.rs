//! `wfm scenario`.

use std::process::ExitCode;

/// Arguments of `wfm scenario`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wfm scenario` is not available yet")
}
