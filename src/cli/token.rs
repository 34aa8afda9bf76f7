//! `ghcr-doctor token`: inspect a token offline, or (`--registry`) show what credential
//! discovery would use for a registry.
//!
//! The token comes from standard input, an environment variable or a file, never from the
//! command line: no option takes its value, and a stray argument is refused without being
//! echoed (it may be a token).

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use ghcr_doctor::commands;
use ghcr_doctor::credentials::{self, Env, Options};
use ghcr_doctor::secret::Secret;
use ghcr_doctor::t;
use ghcr_doctor::token::TokenKind;

use super::output::{self, GlobalArgs};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Read the token from standard input. One trailing newline is ignored, as
    /// `docker login --password-stdin` does.
    #[arg(long = "password-stdin", alias = "stdin", conflicts_with_all = ["token_env", "token_file"])]
    password_stdin: bool,

    /// Read the token from this environment variable [default: GHCR_TOKEN, then GITHUB_TOKEN].
    #[arg(
        long,
        alias = "from-env",
        value_name = "NAME",
        conflicts_with = "token_file"
    )]
    token_env: Option<String>,

    /// Read the token from this file. One trailing newline is ignored.
    #[arg(long, alias = "from-file", value_name = "PATH")]
    token_file: Option<PathBuf>,

    /// Show what credential discovery would use for this registry (standard input, token
    /// variables, docker and podman configuration, credential helpers).
    #[arg(long, value_name = "HOST", conflicts_with = "token_file")]
    registry: Option<String>,

    /// With --registry: the user name to pair with a token from standard input or the
    /// environment [default: GHCR_USERNAME, then GITHUB_ACTOR].
    #[arg(long, value_name = "USER", requires = "registry")]
    username: Option<String>,

    /// Catches stray arguments so that a token typed here is refused without being echoed.
    #[arg(hide = true, num_args = 0.., allow_hyphen_values = true)]
    stray: Vec<String>,
}

/// A variable name as a shell would accept it.
fn is_variable_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !TokenKind::of(name).is_github()
        && !ghcr_doctor::secret::looks_secret(name)
}

/// The most a token source may hold: tokens are at most a few hundred characters, so more
/// means the wrong file or stream, which is refused rather than read whole.
const MAX_TOKEN_BYTES: u64 = 64 * 1024;

/// Reads at most [`MAX_TOKEN_BYTES`] (one more to notice an overflow).
fn read_limited(from: impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    from.take(MAX_TOKEN_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TOKEN_BYTES {
        zeroize::Zeroize::zeroize(&mut bytes);
        return Ok(None);
    }
    Ok(Some(bytes))
}

fn read_stdin() -> Result<Secret, String> {
    match read_limited(std::io::stdin().lock()) {
        Ok(Some(mut bytes)) => Ok(credentials::stdin_password(&mut bytes)),
        Ok(None) => Err(t!("token.cli.too-large", source = "stdin")),
        Err(e) => Err(t!("token.cli.stdin-unreadable", error = e)),
    }
}

pub(crate) fn run(args: Args, global: &GlobalArgs) -> ExitCode {
    if !args.stray.is_empty() {
        return output::usage_error(&t!("token.cli.argument-refused"));
    }
    if let Some(name) = &args.token_env
        && !is_variable_name(name)
    {
        return output::usage_error(&t!("token.cli.env-name-invalid"));
    }
    if let Some(registry) = &args.registry {
        if !credentials::host::is_plausible(registry) {
            return output::usage_error(&t!("token.cli.registry-invalid"));
        }
        let stdin_secret = if args.password_stdin {
            match read_stdin() {
                Ok(s) => Some(s),
                Err(e) => return output::usage_error(&e),
            }
        } else {
            None
        };
        let options = Options {
            registry: registry.clone(),
            token_env: args.token_env.map(|n| vec![n]),
            username: args.username,
            stdin_secret,
            stdin_source: None,
            env: Env::from_process(),
            helper_timeout: None,
        };
        let runtime = match super::runtime() {
            Ok(r) => r,
            Err(code) => return code,
        };
        return output::emit(
            &runtime.block_on(commands::token::report_registry(&options)),
            global,
        );
    }
    let report = if args.password_stdin {
        match read_stdin() {
            Ok(secret) => commands::token::report_value("stdin", secret.expose()),
            Err(e) => return output::usage_error(&e),
        }
    } else if let Some(path) = &args.token_file {
        // A path is shown, unless it looks like a token typed in the wrong place.
        let shown = ghcr_doctor::secret::redact(&path.display().to_string());
        match std::fs::File::open(path).and_then(read_limited) {
            Ok(None) => {
                return output::usage_error(&t!("token.cli.too-large", source = shown));
            }
            Ok(Some(mut bytes)) => {
                // A file written by `echo` or an editor ends with one newline, which
                // `docker login --password-stdin < FILE` drops too.
                let secret = credentials::stdin_password(&mut bytes);
                commands::token::report_value(&format!("file:{shown}"), secret.expose())
            }
            // A path that is really a token must not be echoed in the error.
            Err(_) if TokenKind::of(&path.display().to_string()).is_github() => {
                return output::usage_error(&t!("token.cli.file-looks-like-token"));
            }
            Err(e) => {
                return output::usage_error(&t!(
                    "common.input-unreadable",
                    path = shown,
                    error = e
                ));
            }
        }
    } else {
        commands::token::report_env(&Env::from_process(), args.token_env.map(|n| vec![n]))
    };
    output::emit(&report, global)
}
