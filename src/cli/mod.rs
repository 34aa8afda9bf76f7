//! The command line: clap definitions and dispatch. One file per subcommand; each parses its
//! arguments, calls one library function and hands the report to [`output::emit`].
//!
//! Exit codes: 0 nothing failed (warnings allowed); 1 a check failed or an input is invalid;
//! 2 the tool could not run (usage error, unreadable file).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod access;
mod auto;
mod check;
mod explain;
mod help;
mod login;
pub(crate) mod output;
mod reference;
mod token;
mod verify;
mod workflow;

/// Exit code: the tool could not run.
pub(crate) const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "ghcr-doctor",
    version,
    about = "Find out why a CI job cannot push to or pull from ghcr.io, and prove a pushed image is complete.",
    long_about = None,
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: output::GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Can this credential pull and push these images? (login, pull and push probes)
    #[command(after_help = "Example:\n  ghcr-doctor check ghcr.io/octo-org/app:latest")]
    Check(check::Args),
    /// Inspect a token offline: kind, format, checksum, pasting defects.
    #[command(
        after_help = "Examples:\n  ghcr-doctor token                 # GHCR_TOKEN, then GITHUB_TOKEN\n  printf '%s' \"$TOKEN\" | ghcr-doctor token --password-stdin"
    )]
    Token(token::Args),
    /// Validate and normalise image references.
    #[command(
        name = "ref",
        after_help = "Example:\n  ghcr-doctor ref ghcr.io/MyOrg/App:1.0"
    )]
    Ref(reference::Args),
    /// Name the cause of every registry error in a message or a CI log.
    #[command(
        after_help = "Examples:\n  ghcr-doctor explain build.log\n  ghcr-doctor explain https://github.com/OWNER/REPO/actions/runs/ID\n  ghcr-doctor explain --run \"$GITHUB_RUN_ID\"      # in a workflow step with if: failure()"
    )]
    Explain(explain::Args),
    /// Lint GitHub Actions workflows for mistakes that break pushes to ghcr.io.
    #[command(after_help = "Example:\n  ghcr-doctor workflow .github/workflows")]
    Workflow(workflow::Args),
    /// Prove that a pushed image is there and complete, without downloading it.
    #[command(after_help = "Example:\n  ghcr-doctor verify ghcr.io/octo-org/app:latest")]
    Verify(verify::Args),
    /// Choose a credential, prove it, and write it to docker's config.
    #[command(
        after_help = "Example:\n  ghcr-doctor login ghcr.io --for-push ghcr.io/octo-org/app:latest"
    )]
    Login(login::Args),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Example:\n  ghcr-doctor completions bash > /etc/bash_completion.d/ghcr-doctor"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// The process's one tokio runtime, built by the command that needs it (`check`, `verify`,
/// `login`, `explain --run`, `token --registry`, and `check` under the no-argument run).
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| output::usage_error(&e.to_string()))
}

pub(crate) fn main() -> ExitCode {
    // The language is chosen before parsing, so that clap's help (and the refusal of a
    // token-shaped argument) is already in it. Choosing it never echoes an argument.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    ghcr_doctor::message::set_language(&ghcr_doctor::message::choose_language(
        help::lang_argument(&args).as_deref(),
        |name| std::env::var(name).ok(),
    ));
    if let Some(code) = refuse_secret_arguments() {
        return code;
    }
    let parsed = help::localize(<Cli as clap::CommandFactory>::command())
        .try_get_matches_from(&args)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    output::init(&cli.global);
    let Some(command) = cli.command else {
        return auto::run(&cli.global);
    };
    match command {
        Command::Check(args) => check::run(args, &cli.global),
        Command::Token(args) => token::run(args, &cli.global),
        Command::Ref(args) => reference::run(args, &cli.global),
        Command::Explain(args) => explain::run(args, &cli.global),
        Command::Workflow(args) => workflow::run(args, &cli.global),
        Command::Verify(args) => verify::run(args, &cli.global),
        Command::Login(args) => login::run(args, &cli.global),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "ghcr-doctor", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// Refuses a command line that holds a secret-shaped argument (`check --token-env ghp_…`,
/// `ref ghp_…`), before clap could echo it in an error: the argument is never shown, and in
/// GitHub Actions mode it is masked first, so the runner hides it in the step's log too.
fn refuse_secret_arguments() -> Option<ExitCode> {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let found: Vec<(usize, &str)> = args
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            ghcr_doctor::token::secret_argument(a)
                .into_iter()
                .map(move |s| (i + 1, s))
        })
        .collect();
    let (position, _) = *found.first()?;
    // Actions mode as `GlobalArgs::runner` decides it, read before parsing: the last of
    // `--github-actions` / `--no-github-actions`, else `GITHUB_ACTIONS=true`.
    let forced = args.iter().rev().find_map(|a| match a.as_str() {
        "--github-actions" => Some(true),
        "--no-github-actions" => Some(false),
        _ => None,
    });
    let env = ghcr_doctor::credentials::Env::from_process();
    if ghcr_doctor::actions::Runner::from_env(&env, forced).active {
        let secrets: Vec<ghcr_doctor::secret::Secret> = found
            .iter()
            .map(|(_, s)| ghcr_doctor::secret::Secret::new(*s))
            .collect();
        output::write_masks(&secrets.iter().collect::<Vec<_>>());
    }
    ghcr_doctor::message::set_language(&ghcr_doctor::message::language_from_env());
    Some(output::usage_error(&ghcr_doctor::t!(
        "common.secret-argument",
        position = position
    )))
}
