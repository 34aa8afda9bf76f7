//! What GitHub said, as typed facts: the assessment's inputs, and the facts about the
//! token, the repository and the packages that the judges record and
//! `denial::decide` reads.

use serde::Serialize;

use super::ImageRepo;
use super::headers::Expiry;
use super::repo_locator::LocatedRepo;
use super::scopes::Scopes;
use crate::credentials::Credential;
use crate::token::TokenKind;

/// What the assessment needs from `check`.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    /// The API base ([`super::api_url`]).
    pub api_url: &'a str,
    pub credential: &'a Credential,
    /// The token's kind ([`TokenKind::of`] on the secret).
    pub kind: TokenKind,
    /// The registry host the images live on (`ghcr.io`).
    pub registry: &'a str,
    pub images: &'a [ImageRepo],
    pub repo: Option<&'a LocatedRepo>,
    /// True when the run will push (needs `write:packages`); false for pulls.
    pub need_push: bool,
    /// True inside a GitHub Actions job (`GITHUB_ACTIONS=true`).
    pub in_actions: bool,
    /// The current time in Unix seconds (tests fix it).
    pub now: i64,
}

impl<'a> Inputs<'a> {
    /// Inputs for `credential` with the kind judged from the secret and the clock read now.
    pub fn new(api_url: &'a str, credential: &'a Credential, registry: &'a str) -> Self {
        Inputs {
            api_url,
            credential,
            kind: TokenKind::of(credential.secret.expose()),
            registry,
            images: &[],
            repo: None,
            need_push: false,
            in_actions: false,
            now: now_unix(),
        }
    }
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// What GitHub said, for the final-cause combination and for the report.
#[derive(Debug, Clone, Serialize)]
pub struct GithubFacts {
    pub api_url: String,
    pub kind: TokenKind,
    /// False when GitHub was not asked at all (not a GitHub token, unusable API URL).
    pub consulted: bool,
    pub login: Option<String>,
    /// `Some(false)` after a 401; `None` when GitHub could not tell.
    pub token_accepted: Option<bool>,
    /// `X-OAuth-Scopes`, for classic and OAuth tokens.
    #[serde(serialize_with = "scopes_as_list")]
    pub scopes: Option<Scopes>,
    #[serde(serialize_with = "expiry_as_text")]
    pub expiry: Option<Expiry>,
    pub expired: bool,
    /// An installation token (GITHUB_TOKEN or a GitHub App token).
    pub installation: bool,
    /// A fine-grained personal access token (by prefix, or no `X-OAuth-Scopes` on `/user`).
    pub fine_grained: bool,
    /// `X-GitHub-SSO: required` was seen; the URL when GitHub gave one.
    pub sso_required: bool,
    pub sso_url: Option<String>,
    pub rate_limited: bool,
    pub repo: Option<RepoFacts>,
    pub packages: Vec<PackageFacts>,
    /// `read` or `write`, when the token could read it.
    pub default_workflow_permissions: Option<String>,
}

impl GithubFacts {
    /// Facts before GitHub is asked anything: only what the token's kind tells.
    pub fn unconsulted(api_url: &str, kind: TokenKind) -> Self {
        GithubFacts {
            api_url: api_url.to_owned(),
            kind,
            consulted: false,
            login: None,
            token_accepted: None,
            scopes: None,
            expiry: None,
            expired: false,
            installation: kind == TokenKind::Installation,
            fine_grained: kind == TokenKind::FineGrainedPat,
            sso_required: false,
            sso_url: None,
            rate_limited: false,
            repo: None,
            packages: Vec::new(),
            default_workflow_permissions: None,
        }
    }
}

fn scopes_as_list<S: serde::Serializer>(s: &Option<Scopes>, ser: S) -> Result<S::Ok, S::Error> {
    s.as_ref().map(|s| s.as_slice().to_vec()).serialize(ser)
}

fn expiry_as_text<S: serde::Serializer>(e: &Option<Expiry>, ser: S) -> Result<S::Ok, S::Error> {
    e.map(Expiry::display).serialize(ser)
}

/// What GitHub said about the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepoFacts {
    /// The canonical name (after renames).
    pub full_name: String,
    /// The token user's push permission; `None` for installation tokens.
    pub push: Option<bool>,
    pub visibility: Option<String>,
}

/// What GitHub said about one container package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageFacts {
    pub owner: String,
    pub name: String,
    pub state: PackageState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum PackageState {
    Found {
        owner_kind: &'static str,
        visibility: Option<String>,
        linked_repository: Option<String>,
    },
    /// Not found by a token that could have seen it: the first push creates it.
    NotFound,
    /// GitHub could not be asked or could not tell.
    Unknown,
}
