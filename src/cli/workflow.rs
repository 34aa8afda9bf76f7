//! `ghcr-doctor workflow`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use ghcr_doctor::report::{self, Style};
use ghcr_doctor::workflow::fix::{self, Level};

use super::output::{self, GlobalArgs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CliFixLevel {
    /// Only fixes that make a correct workflow work.
    Safe,
    /// Also fixes that change what the workflow does.
    All,
}

impl From<CliFixLevel> for Level {
    fn from(l: CliFixLevel) -> Self {
        match l {
            CliFixLevel::Safe => Level::Safe,
            CliFixLevel::All => Level::All,
        }
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Workflow files or folders to check (a folder means its *.yml and *.yaml files).
    /// Default: .github/workflows.
    paths: Vec<PathBuf>,

    /// Fix the files in place, then report what is left. `safe` (bare --fix) only makes a
    /// correct workflow work; `all` also applies fixes that change what it does.
    #[arg(
        long,
        value_enum,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "safe",
        value_name = "LEVEL"
    )]
    fix: Option<CliFixLevel>,

    /// Print the fixes as a unified diff on standard output and write nothing; the report of
    /// what would be left goes to standard error. Uses --fix's level (safe by default).
    #[arg(long)]
    diff: bool,

    /// This project's action, OWNER/ghcr-doctor@COMMIT_SHA, for the secret-fallback fix when
    /// the file does not use it yet.
    #[arg(long, value_name = "REF")]
    action: Option<String>,
}

pub(crate) fn run(args: Args, global: &GlobalArgs) -> ExitCode {
    if args.fix.is_none() && !args.diff {
        return match ghcr_doctor::workflow::check(&args.paths) {
            Ok(report) => output::emit(&report, global),
            Err(e) => output::usage_error(&e.to_string()),
        };
    }
    let options = fix::Options {
        level: args.fix.map_or(Level::Safe, Level::from),
        action: args.action,
    };
    let outcome = match fix::fix(&args.paths, &options) {
        Ok(o) => o,
        Err(e) => return output::usage_error(&e.to_string()),
    };
    if !args.diff {
        if let Err(e) = fix::write(&outcome) {
            return output::usage_error(&e.to_string());
        }
        return output::emit(&outcome.report, global);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = out.write_all(outcome.diff().as_bytes());
    let _ = out.flush();
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    if let Err(e) = report::render(&outcome.report, global.format(), Style::default(), &mut err) {
        return output::usage_error(&e.to_string());
    }
    ExitCode::from(outcome.report.exit_code())
}
