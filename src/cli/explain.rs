//! `ghcr-doctor explain [FILE|-]`: name the cause of every registry error in a log.

use std::fs::File;
use std::io::IsTerminal;
use std::process::ExitCode;

use ghcr_doctor::report::Format;

use super::output::{self, GlobalArgs};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A pasted error or a whole CI log; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    file: Option<String>,
    /// Exit 0 even when a cause was found (for callers that only want the report).
    #[arg(long)]
    exit_zero: bool,
}

/// Exit 1 when a cause was found, 0 when none (or with `--exit-zero`); 2 when the input
/// cannot be read or the report cannot be written.
pub(crate) fn run(args: Args, global: &GlobalArgs) -> ExitCode {
    let name = args.file.as_deref().filter(|f| *f != "-");
    let scanned = match name {
        Some(path) => match File::open(path) {
            Ok(file) => ghcr_doctor::explain::scan(file),
            Err(e) => Err(e),
        },
        None => {
            let stdin = std::io::stdin();
            // Without a pipe the command would seem to hang: say what it waits for.
            if stdin.is_terminal() {
                eprintln!("{}", ghcr_doctor::t!("explain.reading-stdin"));
            }
            ghcr_doctor::explain::scan(stdin.lock())
        }
    };
    let scan = match scanned {
        Ok(scan) => scan,
        Err(e) => {
            return output::usage_error(&ghcr_doctor::t!(
                "common.input-unreadable",
                path = name.unwrap_or("stdin"),
                error = e
            ));
        }
    };
    if scan.explanations.is_empty() && global.format() == Format::Text {
        println!("{}", ghcr_doctor::explain::nothing_found(&scan.stats));
        return ExitCode::SUCCESS;
    }
    let report = ghcr_doctor::explain::report(&scan, name);
    let code = output::emit(&report, global);
    if code == ExitCode::from(super::EXIT_ERROR) || !args.exit_zero {
        return code;
    }
    ExitCode::SUCCESS
}
