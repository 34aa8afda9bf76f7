//! `ghcr-doctor check IMAGE...`: can this credential pull and push these images?

use std::process::ExitCode;
use std::time::Duration;

use ghcr_doctor::check::{self, Credentials};
use ghcr_doctor::credentials::Env;

use super::access::{self, CredentialArgs, NetworkArgs};
use super::output::{self, GlobalArgs};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Images to check, e.g. `ghcr.io/owner/app:1.0` (all are checked concurrently).
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<String>,

    /// Probe without any credential (public images).
    #[arg(long, conflicts_with_all = ["username", "password_stdin", "token_env"], help_heading = "Credential")]
    anonymous: bool,

    #[command(flatten)]
    credential: CredentialArgs,

    /// Skip the push probe.
    #[arg(long, help_heading = "Checks")]
    pull_only: bool,

    /// The light check: reference, token format, login and push only.
    #[arg(long, help_heading = "Checks")]
    quick: bool,

    #[command(flatten)]
    network: NetworkArgs,

    /// Seconds allowed for each request.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600), help_heading = "Network")]
    timeout: u64,
}

pub(crate) fn run(args: Args, global: &GlobalArgs) -> ExitCode {
    let env = Env::from_process();
    let credentials = if args.anonymous {
        Credentials::Anonymous
    } else {
        match args.credential.discovery(env.clone()) {
            Ok(o) => Credentials::Discover(o),
            Err(e) => return output::usage_error(&e),
        }
    };
    let options = check::Options {
        pull_only: args.pull_only,
        quick: args.quick,
        ..check::Options::default()
    };
    let ctx = match access::context(
        args.network,
        Duration::from_secs(args.timeout),
        &env,
        credentials,
        options,
    ) {
        Ok(c) => c,
        Err(e) => return output::usage_error(&e),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return output::usage_error(&e.to_string()),
    };
    let report = runtime.block_on(check::run(&ctx, &args.images));
    output::emit(&report, global)
}
