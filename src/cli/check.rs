//! `ghcr-doctor check IMAGE...`: can this credential pull and push these images?

use std::process::ExitCode;
use std::time::Duration;

use ghcr_doctor::check::{self, Credentials};
use ghcr_doctor::credentials::Env;
use ghcr_doctor::report::Report;

use super::access::{self, CredentialArgs, NetworkArgs};
use super::output::{self, GlobalArgs};

/// From this many images on, a progress line is shown on a terminal.
const PROGRESS_IMAGES: usize = 3;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Images to check, e.g. `ghcr.io/owner/app:1.0` (all are checked concurrently).
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<String>,

    /// Probe without any credential (public images).
    #[arg(long, conflicts_with_all = ["username", "password_stdin", "token_env", "token_file"], help_heading = "Credential")]
    anonymous: bool,

    #[command(flatten)]
    credential: CredentialArgs,

    /// Skip the push probe.
    #[arg(long, help_heading = "Checks")]
    pull_only: bool,

    /// The light check: reference, token format, login and push only.
    #[arg(long, help_heading = "Checks")]
    quick: bool,

    /// Ask GitHub's REST API for every registry, not only ghcr.io (a GHES registry, a mirror).
    #[arg(long, conflicts_with = "no_github", help_heading = "GitHub")]
    github: bool,

    /// Never ask GitHub's REST API (the registry probes alone).
    #[arg(long, help_heading = "GitHub")]
    no_github: bool,

    /// GitHub's REST API base [default: GITHUB_API_URL, else https://api.github.com].
    #[arg(long, value_name = "URL", help_heading = "GitHub")]
    github_api_url: Option<String>,

    /// The repository the images belong to [default: GITHUB_REPOSITORY, else the git
    /// `origin` remote, else ghcr.io/OWNER/REPO of the image].
    #[arg(long, value_name = "OWNER/NAME", help_heading = "GitHub")]
    repo: Option<String>,

    #[command(flatten)]
    network: NetworkArgs,

    /// Seconds allowed for each request.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600), help_heading = "Network")]
    timeout: u64,
}

impl Args {
    /// The arguments `ghcr-doctor check IMAGE...` would have, every option at its default
    /// (and from its environment variable where it has one): the zero-configuration run.
    pub(crate) fn for_images(images: &[String]) -> Result<Args, clap::Error> {
        use clap::{Args as _, FromArgMatches as _};
        let command = Args::augment_args(clap::Command::new("check"));
        let argv = std::iter::once("check".to_owned()).chain(images.iter().cloned());
        Args::from_arg_matches(&command.try_get_matches_from(argv)?)
    }
}

pub(crate) fn run(args: Args, global: &GlobalArgs) -> ExitCode {
    match report(args, global) {
        Ok(report) => output::emit(&report, global),
        Err(code) => code,
    }
}

/// Runs the checks and returns the report; an `Err` is the exit code of a usage error
/// already printed.
pub(crate) fn report(args: Args, global: &GlobalArgs) -> Result<Report, ExitCode> {
    let env = Env::from_process();
    let github = if args.no_github {
        None
    } else {
        let g = check::GithubOptions {
            forced: args.github,
            api_url: args.github_api_url,
            repo: args.repo,
            env: env.clone(),
            dir: std::env::current_dir().ok(),
        };
        if let Err(e) = g.validate() {
            return Err(output::usage_error(&e.message()));
        }
        Some(g)
    };
    let credentials = if args.anonymous {
        Credentials::Anonymous
    } else {
        match args.credential.discovery(env.clone()) {
            Ok(o) => {
                output::mask_discovery_secrets(global, &o);
                Credentials::Discover(o)
            }
            Err(e) => return Err(output::usage_error(&e)),
        }
    };
    let options = check::Options {
        pull_only: args.pull_only,
        quick: args.quick,
        github,
        ..check::Options::default()
    };
    let mut ctx = access::context(
        args.network,
        Duration::from_secs(args.timeout),
        &env,
        credentials,
        options,
    )
    .map_err(|e| output::usage_error(&e))?;
    ctx.observer = output::mask_observer(global);
    let runtime = super::runtime()?;
    // Several images take a while: say so on a terminal.
    let _progress = (args.images.len() >= PROGRESS_IMAGES).then(|| {
        output::Spinner::start(
            global,
            ghcr_doctor::t!("check.cli.progress", count = args.images.len()),
        )
    });
    Ok(runtime.block_on(check::run(&ctx, &args.images)))
}
