//! `ghcr-doctor login [REGISTRY] [--for-push IMAGE...]`: choose a credential, prove it, write
//! it to docker's config.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use ghcr_doctor::credentials::Env;
use ghcr_doctor::http::{self, ProxyConfig};
use ghcr_doctor::login;
use ghcr_doctor::report::Format;

use super::output::{self, GlobalArgs};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The registry to log in to.
    #[arg(default_value = "ghcr.io", value_name = "REGISTRY")]
    registry: String,

    /// Prove that the credential may push to these images too (an empty upload session is
    /// opened and cancelled; nothing is written).
    #[arg(long, num_args = 1.., value_name = "IMAGE")]
    for_push: Vec<String>,

    /// The variables to try, in order, instead of GHCR_TOKEN,GITHUB_TOKEN.
    #[arg(
        long,
        value_name = "A,B",
        value_delimiter = ',',
        help_heading = "Credential"
    )]
    token_env: Option<Vec<String>>,

    /// Read the token or password from standard input (one trailing newline is removed);
    /// tried before the variables.
    #[arg(long, conflicts_with = "token_file", help_heading = "Credential")]
    password_stdin: bool,

    /// Read the token or password from this file (one trailing newline is removed); tried
    /// before the variables.
    #[arg(long, value_name = "PATH", help_heading = "Credential")]
    token_file: Option<PathBuf>,

    /// The user name (default: GHCR_USERNAME, then GITHUB_ACTOR, then the token's login from
    /// the GitHub API).
    #[arg(long, value_name = "NAME", help_heading = "Credential")]
    username: Option<String>,

    /// Prove the credential, but write nothing.
    #[arg(long)]
    dry_run: bool,

    /// Use plain HTTP for the registry (loopback registries use it anyway). Credentials then
    /// travel unencrypted.
    #[arg(long, help_heading = "Network")]
    plain_http: bool,

    /// Trust the CA certificates in this PEM file besides the system's.
    #[arg(long, value_name = "PEM", help_heading = "Network")]
    ca_file: Option<PathBuf>,

    /// Seconds allowed for each request.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600), help_heading = "Network")]
    timeout: u64,

    /// The GitHub API base, to look up the token's login (default: GITHUB_API_URL, else
    /// https://api.github.com).
    #[arg(long, value_name = "URL", help_heading = "Network")]
    github_api_url: Option<String>,

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
    let token_env = args.token_env.map(|names| {
        names
            .into_iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
    });
    let given = if let Some(path) = &args.token_file {
        match super::access::read_token_file(path) {
            Ok((secret, name)) => Some((name, secret)),
            Err(e) => return output::usage_error(&e),
        }
    } else if args.password_stdin {
        match super::access::read_stdin_secret() {
            Ok(secret) => Some(("stdin".to_owned(), secret)),
            Err(e) => return output::usage_error(&e),
        }
    } else {
        None
    };
    let mut options = login::Options {
        registry: args.registry,
        for_push: args.for_push,
        token_env,
        username: args.username,
        given,
        dry_run: args.dry_run,
        github_api_url: args.github_api_url,
        config_path: None,
        env: env.clone(),
        check: Default::default(),
    };
    // Before anything else reaches the log: the runner hides these from every later line.
    let secrets = login::secrets(&options);
    output::mask_secrets(global, &secrets.iter().collect::<Vec<_>>());
    crate::test_panic_point(&secrets.iter().collect::<Vec<_>>());

    if options.token_env.as_ref().is_some_and(Vec::is_empty) {
        return output::usage_error(&ghcr_doctor::t!("login.cli.no-candidate-names"));
    }
    let endpoints = match output::parse_endpoints(args.registry_endpoints.as_deref()) {
        Ok(e) => e,
        Err(e) => return output::usage_error(&e),
    };
    options.check = ghcr_doctor::check::Options {
        quick: true,
        http: http::Options {
            timeout: Duration::from_secs(args.timeout),
            plain_http: args.plain_http,
            ca_file: args.ca_file,
            proxy: ProxyConfig::from_env(|k| env.get(k).map(str::to_owned)),
            ..http::Options::default()
        },
        endpoints,
        ..ghcr_doctor::check::Options::default()
    };
    if let Err(e) = login::validate(&options) {
        return output::usage_error(&e.to_string());
    }
    let client = match http::Client::new(options.check.http.clone()) {
        Ok(c) => c,
        Err(e) => return output::usage_error(&e.to_string()),
    };
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let outcome = match runtime.block_on(login::run(&options, &client)) {
        Ok(o) => o,
        Err(e) => return output::usage_error(&e.to_string()),
    };
    let code = output::emit(&outcome.report, global);
    // The line CI logs are searched for; JSON carries it as `auth_method`.
    if let Some(chosen) = &outcome.chosen
        && matches!(global.format(), Format::Text | Format::Github)
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "{}",
            ghcr_doctor::report::sanitize::line(&ghcr_doctor::t!(
                "login.auth-method",
                name = chosen.name
            ))
        );
        let _ = out.flush();
    }
    code
}
