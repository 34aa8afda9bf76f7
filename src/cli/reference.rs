//! `ghcr-doctor ref IMAGE...`: validate and normalise image references.

use std::process::ExitCode;

use super::output::{self, GlobalArgs};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Image references to check, e.g. `ghcr.io/owner/app:1.0`.
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<String>,
}

pub(crate) fn run(args: Args, global: &GlobalArgs) -> ExitCode {
    let report = ghcr_doctor::reference::report(&args.images);
    output::emit(&report, global)
}
