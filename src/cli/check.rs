//! `ghcr-doctor check IMAGE...`: can this credential pull and push these images?

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use ghcr_doctor::check::{self, Context, Credentials};
use ghcr_doctor::credentials::{self, Env};
use ghcr_doctor::http::{self, ProxyConfig};
use ghcr_doctor::secret::Secret;

use super::output::{self, GlobalArgs};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Images to check, e.g. `ghcr.io/owner/app:1.0` (all are checked concurrently).
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<String>,

    /// Probe without any credential (public images).
    #[arg(long, conflicts_with_all = ["username", "password_stdin", "token_env"], help_heading = "Credential")]
    anonymous: bool,

    /// The user name for the registry (default: GHCR_USERNAME, then GITHUB_ACTOR).
    #[arg(long, value_name = "NAME", help_heading = "Credential")]
    username: Option<String>,

    /// Read the token or password from standard input (one trailing newline is removed).
    #[arg(long, help_heading = "Credential")]
    password_stdin: bool,

    /// Read the token from this environment variable instead of GHCR_TOKEN, GITHUB_TOKEN.
    #[arg(long, value_name = "NAME", help_heading = "Credential")]
    token_env: Option<String>,

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

    /// Use plain HTTP for every registry (loopback registries use it anyway). Credentials
    /// then travel unencrypted.
    #[arg(long, help_heading = "Network")]
    plain_http: bool,

    /// Trust the CA certificates in this PEM file besides the system's.
    #[arg(long, value_name = "PEM", help_heading = "Network")]
    ca_file: Option<PathBuf>,

    /// Seconds allowed for each request.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600), help_heading = "Network")]
    timeout: u64,

    /// Registry API base URLs that replace the ones derived from the domains, as
    /// `DOMAIN=URL[,DOMAIN=URL...]` (mirrors, test fakes).
    #[arg(
        long,
        env = "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
        hide = true,
        value_name = "DOMAIN=URL,..."
    )]
    registry_endpoints: Option<String>,
}

pub(crate) fn run(args: Args, global: &GlobalArgs) -> ExitCode {
    let env = Env::from_process();
    let proxy = ProxyConfig::from_env(|k| env.get(k).map(str::to_owned));
    let mut endpoints = BTreeMap::new();
    for pair in args
        .registry_endpoints
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.trim().is_empty())
    {
        let Some((domain, url)) = pair.split_once('=') else {
            return output::usage_error(&format!(
                "--registry-endpoints: `{pair}` is not DOMAIN=URL"
            ));
        };
        match url::Url::parse(url.trim()) {
            Ok(u) => {
                endpoints.insert(domain.trim().to_owned(), u);
            }
            Err(e) => {
                return output::usage_error(&ghcr_doctor::t!(
                    "check.cli.endpoint-url",
                    url = url,
                    error = e
                ));
            }
        }
    }
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
            return output::usage_error(&e.message());
        }
        Some(g)
    };
    let options = check::Options {
        pull_only: args.pull_only,
        quick: args.quick,
        http: http::Options {
            timeout: Duration::from_secs(args.timeout),
            plain_http: args.plain_http,
            ca_file: args.ca_file,
            proxy,
            ..http::Options::default()
        },
        endpoints,
        concurrency: 0,
        github,
    };
    // The secrets known before any request: masked in Actions before anything is printed.
    let mut known_secrets: Vec<Secret> = Vec::new();
    let credentials = if args.anonymous {
        Credentials::Anonymous
    } else {
        let stdin_secret = if args.password_stdin {
            let mut buf = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut buf) {
                return output::usage_error(&ghcr_doctor::t!("check.cli.stdin", error = e));
            }
            // As `docker login --password-stdin` does: one trailing newline is not part of
            // the secret. Anything else is kept, so token-format can point at it.
            let trimmed = buf
                .strip_suffix('\n')
                .map(|s| s.strip_suffix('\r').unwrap_or(s))
                .unwrap_or(&buf);
            Some(Secret::new(trimmed))
        } else {
            None
        };
        if let Some(s) = &stdin_secret {
            known_secrets.push(s.clone());
        }
        let names = args.token_env.clone().map_or_else(
            || vec!["GHCR_TOKEN".to_owned(), "GITHUB_TOKEN".to_owned()],
            |n| vec![n],
        );
        known_secrets.extend(
            names
                .iter()
                .filter_map(|n| env.get(n))
                .filter(|v| !v.trim().is_empty())
                .map(Secret::new),
        );
        Credentials::Discover(credentials::Options {
            registry: String::new(),
            token_env: args.token_env.map(|n| vec![n]),
            username: args.username,
            stdin_secret,
            env,
            ..credentials::Options::default()
        })
    };
    output::mask_secrets(global, &known_secrets.iter().collect::<Vec<_>>());
    crate::test_panic_point(&known_secrets.iter().collect::<Vec<_>>());
    let ctx = match Context::new(options, credentials) {
        Ok(c) => c,
        Err(e) => return output::usage_error(&e.to_string()),
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
