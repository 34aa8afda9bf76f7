//! `ghcr-doctor workflow`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::output::{self, GlobalArgs};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Workflow files or folders to check (a folder means its *.yml and *.yaml files).
    /// Default: .github/workflows.
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: Args, global: &GlobalArgs) -> ExitCode {
    match ghcr_doctor::workflow::check(&args.paths) {
        Ok(report) => output::emit(&report, global),
        Err(e) => output::usage_error(&e.to_string()),
    }
}
