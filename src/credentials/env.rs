//! The environment discovery reads: the variable snapshot ([`Env`], from
//! [`crate::environment`]), the token and
//! user-name variables, standard input, and the configuration files the variables point to.

use std::path::PathBuf;

use super::{DEFAULT_TOKEN_ENV, Options, USERNAME_ENV};
use crate::environment::Env;
use crate::secret::Secret;
use crate::token::TokenKind;

/// One token variable, in the order tried, with its secret or why it was passed over.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub name: String,
    pub state: CandidateState,
}

#[derive(Debug, Clone)]
pub enum CandidateState {
    /// Set and not blank (it may still carry pasting defects: inspect it).
    Usable(Secret),
    /// Not set.
    Unset,
    /// Set to an empty or whitespace-only value (what a missing GitHub secret expands to).
    Empty,
}

/// The password read from standard input, as `docker login --password-stdin` reads it:
/// exactly one trailing newline (and then one carriage return) is dropped, so
/// `echo "$TOKEN" |` works; anything else is kept for inspection to report. Bytes that are
/// not UTF-8 become U+FFFD, which inspection reports as non-ASCII. The buffer is zeroed.
pub fn stdin_password(bytes: &mut Vec<u8>) -> Secret {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    zeroize::Zeroize::zeroize(bytes);
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Secret::new(text)
}

/// The variable names tried for the token, in order.
pub fn token_env_names(options: &Options) -> Vec<String> {
    options
        .token_env
        .clone()
        .unwrap_or_else(|| DEFAULT_TOKEN_ENV.iter().map(|s| (*s).to_owned()).collect())
}

/// Every token variable in order, with its secret or why it is skipped (for `login`, which
/// may try more than one).
pub fn env_candidates(options: &Options) -> Vec<Candidate> {
    token_env_names(options)
        .into_iter()
        .map(|name| {
            let state = match options.env.get(&name) {
                None => CandidateState::Unset,
                Some(v) if v.trim().is_empty() => CandidateState::Empty,
                Some(v) => CandidateState::Usable(Secret::new(v)),
            };
            Candidate { name, state }
        })
        .collect()
}

/// The user name for credentials that do not carry one: `--username`, then `GHCR_USERNAME`,
/// then `GITHUB_ACTOR`.
pub fn username(options: &Options) -> Option<String> {
    options
        .username
        .clone()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| {
            USERNAME_ENV
                .iter()
                .find_map(|n| options.env.non_empty(n).map(str::to_owned))
        })
}

/// A user name fit for output: one that looks like a token or a generated password (pasted
/// into the wrong field) is replaced by `<redacted>`.
pub fn display_username(username: &str) -> String {
    if TokenKind::of(username).is_github() || crate::secret::looks_secret(username) {
        crate::secret::REDACTED.to_owned()
    } else {
        username.to_owned()
    }
}

/// Where docker reads its configuration: `$DOCKER_CONFIG/config.json`, else
/// `$HOME/.docker/config.json`.
pub fn docker_config_path(env: &Env) -> Option<PathBuf> {
    if let Some(dir) = env.non_empty("DOCKER_CONFIG") {
        return Some(PathBuf::from(dir).join("config.json"));
    }
    env.non_empty("HOME")
        .map(|home| PathBuf::from(home).join(".docker").join("config.json"))
}

/// Where podman looks for `auth.json`, in order.
pub fn podman_auth_paths(env: &Env) -> Vec<PathBuf> {
    if let Some(file) = env.non_empty("REGISTRY_AUTH_FILE") {
        return vec![PathBuf::from(file)];
    }
    let mut out = Vec::new();
    if let Some(dir) = env.non_empty("XDG_RUNTIME_DIR") {
        out.push(PathBuf::from(dir).join("containers").join("auth.json"));
    }
    if let Some(dir) = env.non_empty("XDG_CONFIG_HOME") {
        out.push(PathBuf::from(dir).join("containers").join("auth.json"));
    } else if let Some(home) = env.non_empty("HOME") {
        out.push(
            PathBuf::from(home)
                .join(".config")
                .join("containers")
                .join("auth.json"),
        );
    }
    out
}
