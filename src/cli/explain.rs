//! `ghcr-doctor explain`.

use std::process::ExitCode;

use super::output::{self, GlobalArgs};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Arguments (not implemented yet).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

pub(crate) fn run(_args: Args, _global: &GlobalArgs) -> ExitCode {
    output::not_implemented("explain")
}
