//! The `ghcr-doctor` binary: parses arguments, calls the library, renders the report.
//! All logic lives in the library; see `src/cli/` for one file per subcommand.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
