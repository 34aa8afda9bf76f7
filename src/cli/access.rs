//! Arguments shared by the commands that talk to registries (`check`, `verify`): the
//! credential and the network, turned into the library's [`Context`] in one place.

use std::io::Read as _;
use std::path::PathBuf;
use std::time::Duration;

use ghcr_doctor::check::{self, Context, Credentials};
use ghcr_doctor::credentials::{self, Env};
use ghcr_doctor::http::{self, ProxyConfig};
use ghcr_doctor::registry::host;
use ghcr_doctor::secret::Secret;

#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Credential")]
pub(crate) struct CredentialArgs {
    /// The user name for the registry (default: GHCR_USERNAME, then GITHUB_ACTOR).
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,

    /// Read the token or password from standard input (one trailing newline is removed).
    #[arg(long, conflicts_with = "token_file")]
    pub password_stdin: bool,

    /// Read the token from this environment variable instead of GHCR_TOKEN, GITHUB_TOKEN.
    #[arg(long, value_name = "NAME")]
    pub token_env: Option<String>,

    /// Read the token or password from this file (one trailing newline is removed).
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
}

/// Reads the secret on standard input; as `docker login --password-stdin` does, one trailing
/// newline is not part of it. Anything else is kept, so token-format can point at it.
pub(crate) fn read_stdin_secret() -> Result<Secret, String> {
    let mut buf = String::new();
    std::io::stdin()
        .read_to_string(&mut buf)
        .map_err(|e| ghcr_doctor::t!("check.cli.stdin", error = e))?;
    let trimmed = buf
        .strip_suffix('\n')
        .map(|s| s.strip_suffix('\r').unwrap_or(s))
        .unwrap_or(&buf);
    Ok(Secret::new(trimmed))
}

/// The most a token file may hold: more means the wrong file, refused rather than read.
const MAX_TOKEN_FILE: u64 = 64 * 1024;

/// Reads the secret in `path`, one trailing newline dropped, and the name findings give it.
pub(crate) fn read_token_file(path: &std::path::Path) -> Result<(Secret, String), String> {
    // A path is shown, unless it looks like a token typed in the wrong place.
    let shown = ghcr_doctor::secret::redact(&path.display().to_string());
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_TOKEN_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| {
            if ghcr_doctor::token::TokenKind::of(&path.display().to_string()).is_github() {
                ghcr_doctor::t!("token.cli.file-looks-like-token")
            } else {
                ghcr_doctor::t!("common.input-unreadable", path = shown, error = e)
            }
        })?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        zeroize::Zeroize::zeroize(&mut bytes);
        return Err(ghcr_doctor::t!("token.cli.too-large", source = shown));
    }
    let secret = credentials::stdin_password(&mut bytes);
    Ok((secret, format!("file:{shown}")))
}

#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Network")]
pub(crate) struct NetworkArgs {
    /// Use plain HTTP for every registry (loopback registries use it anyway). Credentials
    /// then travel unencrypted.
    #[arg(long)]
    pub plain_http: bool,

    /// Trust the CA certificates in this PEM file besides the system's.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,

    /// Registry API base URLs that replace the ones derived from the domains, as
    /// `DOMAIN=URL[,DOMAIN=URL...]` (mirrors, test fakes).
    #[arg(
        long,
        env = "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
        hide = true,
        value_name = "DOMAIN=URL,..."
    )]
    pub registry_endpoints: Option<String>,
}

impl CredentialArgs {
    /// Discovery options: `--password-stdin` or `--token-file` (read now), `--token-env`,
    /// `--username`, and
    /// the process environment. The registry is filled in per registry by the library.
    pub(crate) fn discovery(self, env: Env) -> Result<credentials::Options, String> {
        let mut stdin_source = None;
        let stdin_secret = if let Some(path) = &self.token_file {
            let (secret, source) = read_token_file(path)?;
            stdin_source = Some(source);
            Some(secret)
        } else if self.password_stdin {
            Some(read_stdin_secret()?)
        } else {
            None
        };
        Ok(credentials::Options {
            registry: String::new(),
            token_env: self.token_env.map(|n| vec![n]),
            username: self.username,
            stdin_secret,
            stdin_source,
            env,
            ..credentials::Options::default()
        })
    }
}

/// The context for a registry command: HTTP options from the network arguments (proxies
/// from the environment), endpoint overrides, and the credentials.
pub(crate) fn context(
    network: NetworkArgs,
    timeout: Duration,
    env: &Env,
    credentials: Credentials,
    options: check::Options,
) -> Result<Context, String> {
    let endpoints =
        host::parse_overrides(network.registry_endpoints.as_deref().unwrap_or_default())
            .map_err(|e| e.to_string())?;
    let options = check::Options {
        http: http::Options {
            timeout,
            plain_http: network.plain_http,
            ca_file: network.ca_file,
            proxy: ProxyConfig::from_env(|k| env.get(k).map(str::to_owned)),
            ..http::Options::default()
        },
        endpoints,
        ..options
    };
    Context::new(options, credentials).map_err(|e| e.to_string())
}
