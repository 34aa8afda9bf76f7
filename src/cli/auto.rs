//! `ghcr-doctor` with no arguments. Inside a git repository: what the repository's workflows
//! push, checked (see `ghcr_doctor::commands::auto`). Outside a repository: a short usage
//! with examples.

use std::process::ExitCode;

use ghcr_doctor::commands::auto;
use ghcr_doctor::credentials::Env;
use ghcr_doctor::{project, t};

use super::output::{self, GlobalArgs};

pub(crate) fn run(global: &GlobalArgs) -> ExitCode {
    let Ok(cwd) = std::env::current_dir() else {
        return usage();
    };
    let Some(root) = project::git_root(&cwd) else {
        return usage();
    };
    let env = Env::from_process();
    let auto::Project { mut report, images } = match auto::project(&root, &env) {
        Ok(p) => p,
        Err(e) => return output::usage_error(&e.to_string()),
    };
    if !images.is_empty() {
        let args = match super::check::Args::for_images(&images) {
            Ok(a) => a,
            Err(e) => return output::usage_error(&e.to_string()),
        };
        match super::check::report(args, global) {
            Ok(checked) => auto::merge(&mut report, checked),
            Err(code) => return code,
        }
    }
    output::emit(&report, global)
}

/// Outside a repository: what the tool does and how to start.
fn usage() -> ExitCode {
    println!("{}", t!("auto.usage"));
    ExitCode::from(super::EXIT_ERROR)
}
