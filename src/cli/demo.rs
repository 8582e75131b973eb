//! `wfm demo`.

use std::process::ExitCode;

/// Arguments of `wfm demo`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`wfm demo` is not available yet")
}
