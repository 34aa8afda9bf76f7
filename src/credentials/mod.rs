//! Credential discovery: which user name and secret would be used for a registry, and where
//! they come from (`env:GHCR_TOKEN`, `docker-config:auths`, `helper:desktop`, ...).
//!
//! Order: `--password-stdin`, then the token variables (`GHCR_TOKEN`, then `GITHUB_TOKEN`, or
//! `--token-env`), then the docker config (`$DOCKER_CONFIG/config.json` or
//! `~/.docker/config.json`: `credHelpers`, `credsStore`, `auths`), then podman's `auth.json`.
//!
//! NOTE: interface first; config files and helpers land with the foundation work.

use std::collections::HashMap;

use crate::finding::Finding;
use crate::secret::Secret;

/// The variables tried, in order, when `--token-env` is not given.
pub const DEFAULT_TOKEN_ENV: [&str; 2] = ["GHCR_TOKEN", "GITHUB_TOKEN"];

/// A snapshot of the environment variables discovery may read (tests build their own).
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl Env {
    /// The current process's environment.
    pub fn from_process() -> Self {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(name.into(), value.into());
    }
}

/// A credential for one registry, with where it came from.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The user name for HTTP Basic; `None` when only a token is known.
    pub username: Option<String>,
    pub secret: Secret,
    /// Where it came from: `stdin`, `env:GHCR_TOKEN`, `docker-config:auths`, `helper:NAME`,
    /// `podman:auth.json`.
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
    /// The secret read from standard input (`--password-stdin`).
    pub stdin_secret: Option<Secret>,
    pub env: Env,
}

/// The outcome: the credential to use (if any) and findings about every source looked at.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub credential: Option<Credential>,
    pub findings: Vec<Finding>,
}

/// Finds the credential for `options.registry`.
pub fn discover(options: &Options) -> Discovery {
    let username = options
        .username
        .clone()
        .or_else(|| options.env.get("GHCR_USERNAME").map(str::to_owned))
        .or_else(|| options.env.get("GITHUB_ACTOR").map(str::to_owned));
    if let Some(secret) = &options.stdin_secret {
        return Discovery {
            credential: Some(Credential {
                username,
                secret: secret.clone(),
                source: "stdin".into(),
                identity_token: false,
            }),
            findings: Vec::new(),
        };
    }
    let names: Vec<String> = options
        .token_env
        .clone()
        .unwrap_or_else(|| DEFAULT_TOKEN_ENV.iter().map(|s| (*s).to_owned()).collect());
    for name in names {
        if let Some(value) = options.env.get(&name).filter(|v| !v.trim().is_empty()) {
            return Discovery {
                credential: Some(Credential {
                    username,
                    secret: Secret::new(value),
                    source: format!("env:{name}"),
                    identity_token: false,
                }),
                findings: Vec::new(),
            };
        }
    }
    Discovery::default()
}
