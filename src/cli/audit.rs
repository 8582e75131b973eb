//! `wfm audit`.

use std::process::ExitCode;

/// Arguments of `wfm audit`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wfm audit` is not available yet")
}
