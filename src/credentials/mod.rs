//! Credential discovery: which user name and secret would be used for a registry, and where
//! they come from (`env:GHCR_TOKEN`, `docker-config:auths`, `helper:desktop`, ...).
//!
//! Order: `--password-stdin`, then the token variables (`GHCR_TOKEN`, then `GITHUB_TOKEN`, or
//! `--token-env`), then the docker config (`$DOCKER_CONFIG/config.json` or
//! `~/.docker/config.json`: `credHelpers`, then `credsStore`, then `auths`), then podman's
//! `auth.json` (`REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`,
//! `~/.config/containers/auth.json`). The first source that yields a credential wins; every
//! problem met on the way is a finding, so a user learns why an earlier source was passed
//! over.

use std::path::PathBuf;
use std::time::Duration;

use crate::finding::{Finding, Status};
use crate::secret::Secret;

mod config;
pub use config::{MAX_CONFIG_BYTES, exposed_mode};
pub mod credential_config;
pub mod credential_env;
pub mod credential_helper;
pub mod credential_source;
mod env;
pub use crate::environment::Env;
pub mod helper;
pub mod host;

use config::{Entry, Flavor, Load};
use credential_config::empty_entry;
use credential_env::{from_env, from_stdin};
use credential_helper::helper_finding;
pub use env::{
    Candidate, CandidateState, display_username, docker_config_path, env_candidates,
    podman_auth_paths, stdin_password, token_env_names, username,
};

/// The variables tried, in order, when `--token-env` is not given.
pub const DEFAULT_TOKEN_ENV: [&str; 2] = ["GHCR_TOKEN", "GITHUB_TOKEN"];

/// The variables tried, in order, for the user name when `--username` is not given.
pub const USERNAME_ENV: [&str; 2] = ["GHCR_USERNAME", "GITHUB_ACTOR"];

/// A credential for one registry, with where it came from.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The user name for HTTP Basic; `None` when only a token is known.
    pub username: Option<String>,
    pub secret: Secret,
    /// Where it came from: `stdin`, `env:GHCR_TOKEN`, `docker-config:auths`,
    /// `docker-config:identitytoken`, `helper:NAME`, `podman:auth.json`.
    pub source: String,
    /// True when the secret is an OAuth2 identity (refresh) token rather than a password.
    pub identity_token: bool,
}

/// What discovery is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The registry host (`ghcr.io`, `docker.io`, `127.0.0.1:5000`).
    pub registry: String,
    /// The variables to try instead of [`DEFAULT_TOKEN_ENV`].
    pub token_env: Option<Vec<String>>,
    /// `--username`.
    pub username: Option<String>,
    /// The secret read from standard input (`--password-stdin`) or a file (`--token-file`).
    pub stdin_secret: Option<Secret>,
    /// Where [`Options::stdin_secret`] came from, as findings name it (`file:PATH`);
    /// `stdin` when `None`.
    pub stdin_source: Option<String>,
    pub env: Env,
    /// How long a credential helper may run; [`helper::DEFAULT_TIMEOUT`] when `None`.
    pub helper_timeout: Option<Duration>,
}

/// The outcome: the credential to use (if any) and findings about every source looked at.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub credential: Option<Credential>,
    pub findings: Vec<Finding>,
}
/// Finds the credential for `options.registry`.
///
/// Config files after the winning source are still read (never their helpers run), so a
/// stale or broken entry that `docker pull` in the same job would trip over is reported, and
/// so is a credential that exists but is not the one used.
pub async fn discover(options: &Options) -> Discovery {
    let mut d = Discovery::default();
    let registry = host::canonical(&options.registry);
    let mut found = from_stdin(options, &mut d).or_else(|| from_env(options, &mut d));
    for (path, flavor) in config_files(&options.env) {
        tracing::debug!(file = %path.display(), "reading registry configuration");
        let file = match config::load(&path, flavor) {
            Load::Missing => {
                if flavor == Flavor::Docker && options.env.non_empty("DOCKER_CONFIG").is_some() {
                    d.findings
                        .push(credential_config::docker_config_missing(&path));
                }
                continue;
            }
            Load::Broken(f) => {
                d.findings.push(f);
                continue;
            }
            Load::Loaded(file) => file,
        };
        if file.holds_credentials()
            && let Some(mode) = config::exposed_mode(&path)
        {
            d.findings.push(credential_config::exposed(&path, mode));
        }
        match &found {
            None => found = from_file(options, &registry, &file, &mut d).await,
            Some(used) => shadowed(&registry, &file, used, &options.env, &mut d),
        }
    }
    match found {
        Some(credential) => {
            d.findings
                .push(credential_source::found(&credential, &registry));
            d.credential = Some(credential);
        }
        None => d.findings.push(credential_source::none(
            &registry,
            &token_env_names(options),
        )),
    }
    d
}

/// The configuration files, in the order they are consulted.
fn config_files(env: &Env) -> Vec<(PathBuf, Flavor)> {
    docker_config_path(env)
        .map(|p| (p, Flavor::Docker))
        .into_iter()
        .chain(
            podman_auth_paths(env)
                .into_iter()
                .map(|p| (p, Flavor::Podman)),
        )
        .collect()
}

/// A file that comes after the credential in use: its problems, checked without running
/// helpers (a helper missing from PATH still breaks `docker pull` and `docker login` in the
/// same job, so it is a warning), and any credential in it that is passed over.
fn shadowed(
    registry: &str,
    file: &config::ConfigFile,
    used: &Credential,
    env: &Env,
    d: &mut Discovery,
) {
    let display = file.path.display().to_string();
    d.findings.extend(file.type_problems());
    let helper = file.helper_for(registry);
    if let Some((name, via)) = &helper {
        let program = helper::program(name);
        if helper::find(&program, env).is_none() {
            let mut f = helper_finding(
                &helper::HelperError::NotOnPath { program },
                name,
                via,
                &display,
            );
            f.status = Status::Warn;
            d.findings.push(f);
        }
        // The helper decides; the file's entries do not matter to docker.
        return;
    }
    match file.entry_for(registry) {
        Some((key, Entry::Empty)) => d.findings.push(empty_entry(&display, &key, registry, None)),
        Some((_, Entry::Broken(f))) => d.findings.push(*f),
        Some((key, Entry::Password { .. } | Entry::IdentityToken { .. })) => d
            .findings
            .push(credential_source::passed_over(&display, &key, used)),
        None => {}
    }
}
/// The credential one config file gives for `registry`, as docker (or podman) would use it.
async fn from_file(
    options: &Options,
    registry: &str,
    file: &config::ConfigFile,
    d: &mut Discovery,
) -> Option<Credential> {
    let display = file.path.display().to_string();
    d.findings.extend(file.type_problems());
    let entry = file.entry_for(registry);
    let (entry_source, identity_source) = match file.flavor {
        Flavor::Docker => ("docker-config:auths", "docker-config:identitytoken"),
        Flavor::Podman => ("podman:auth.json", "podman:auth.json"),
    };
    if let Some((helper_name, via)) = file.helper_for(registry) {
        let timeout = options.helper_timeout.unwrap_or(helper::DEFAULT_TIMEOUT);
        let server = host::server_address(registry);
        match helper::get(&helper_name, &server, &options.env, timeout).await {
            Ok(helper::Answer::Found {
                username,
                secret,
                identity_token,
            }) => {
                return Some(Credential {
                    username,
                    secret,
                    source: format!("helper:{helper_name}"),
                    identity_token,
                });
            }
            Ok(helper::Answer::NotFound) => {
                if let Some((key, Entry::Empty)) = &entry {
                    d.findings
                        .push(empty_entry(&display, key, registry, Some(&helper_name)));
                }
            }
            Err(e) => d
                .findings
                .push(helper_finding(&e, &helper_name, via, &display)),
        }
        // docker never falls back from a configured helper to the file's own entries.
        if let Some((key, Entry::Password { .. } | Entry::IdentityToken { .. })) = &entry {
            d.findings.push(credential_config::entry_ignored(
                &display,
                key,
                &helper_name,
            ));
        }
        return None;
    }
    let (key, entry) = entry?;
    match entry {
        Entry::Password { username, secret } => Some(Credential {
            username,
            secret,
            source: entry_source.into(),
            identity_token: false,
        }),
        Entry::IdentityToken { username, secret } => Some(Credential {
            username,
            secret,
            source: identity_source.into(),
            identity_token: true,
        }),
        Entry::Empty => {
            d.findings.push(empty_entry(&display, &key, registry, None));
            None
        }
        Entry::Broken(f) => {
            d.findings.push(*f);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> Options {
        Options {
            registry: "ghcr.io".into(),
            env: Env::from_pairs(pairs.iter().copied()),
            ..Options::default()
        }
    }

    #[test]
    fn candidates_are_ordered_and_say_why_they_are_skipped() {
        let o = opts(&[("GHCR_TOKEN", "  "), ("GITHUB_TOKEN", "ghs_x")]);
        let c = env_candidates(&o);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "GHCR_TOKEN");
        assert!(matches!(c[0].state, CandidateState::Empty));
        assert!(matches!(&c[1].state, CandidateState::Usable(s) if s.expose() == "ghs_x"));
        let c = env_candidates(&opts(&[]));
        assert!(c.iter().all(|c| matches!(c.state, CandidateState::Unset)));
    }

    #[test]
    fn stdin_password_drops_exactly_one_newline() {
        let read = |s: &str| {
            stdin_password(&mut s.as_bytes().to_vec())
                .expose()
                .to_owned()
        };
        assert_eq!(read("tok\n"), "tok");
        assert_eq!(read("tok\r\n"), "tok");
        assert_eq!(read("tok\n\n"), "tok\n");
        assert_eq!(read("tok "), "tok ");
        assert_eq!(read("tok"), "tok");
        let mut bytes = b"tok\n".to_vec();
        let _ = stdin_password(&mut bytes);
        assert!(bytes.is_empty() || bytes.iter().all(|b| *b == 0));
    }

    #[test]
    fn username_order() {
        let mut o = opts(&[("GHCR_USERNAME", "a"), ("GITHUB_ACTOR", "b")]);
        assert_eq!(username(&o).as_deref(), Some("a"));
        o.username = Some("c".into());
        assert_eq!(username(&o).as_deref(), Some("c"));
        assert_eq!(
            username(&opts(&[("GITHUB_ACTOR", "b")])).as_deref(),
            Some("b")
        );
        assert_eq!(username(&opts(&[("GHCR_USERNAME", "")])), None);
    }

    #[test]
    fn a_token_in_the_username_is_not_shown() {
        assert_eq!(
            display_username("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"),
            crate::secret::REDACTED
        );
        assert_eq!(display_username("octocat"), "octocat");
    }

    #[test]
    fn config_paths_come_from_env() {
        let e = Env::from_pairs([("HOME", "/h")]);
        assert_eq!(
            docker_config_path(&e),
            Some(PathBuf::from("/h/.docker/config.json"))
        );
        let e = Env::from_pairs([("HOME", "/h"), ("DOCKER_CONFIG", "/d")]);
        assert_eq!(
            docker_config_path(&e),
            Some(PathBuf::from("/d/config.json"))
        );
        let e = Env::from_pairs([("HOME", "/h"), ("XDG_RUNTIME_DIR", "/run/user/1")]);
        assert_eq!(
            podman_auth_paths(&e),
            vec![
                PathBuf::from("/run/user/1/containers/auth.json"),
                PathBuf::from("/h/.config/containers/auth.json")
            ]
        );
        let e = Env::from_pairs([("REGISTRY_AUTH_FILE", "/a.json"), ("XDG_RUNTIME_DIR", "/r")]);
        assert_eq!(podman_auth_paths(&e), vec![PathBuf::from("/a.json")]);
    }
}
