//! The assessment: every GitHub request at once, then one finding per check id (and per
//! package), plus the facts that [`super::combine_denial`] needs.

use std::future::Future;

use futures_util::future::join_all;
use serde::Serialize;

use super::headers::{ApiHeaders, Expiry};
use super::judge::{Answer, Judge};
use super::repo_locator::LocatedRepo;
use super::scopes::Scopes;
use super::{Api, ApiError, Failure, ImageRepo, OwnerKind, web_host};
use crate::credentials::Credential;
use crate::finding::{Finding, Outcome};
use crate::http;
use crate::t;
use crate::token::TokenKind;

crate::register::check_meta!(
/// `GET /user`: is the token valid, whose is it, when does it expire.
    pub TOKEN_VALID = "github-token-valid", docs: "github.md", messages: "github.token-valid");
crate::register::check_meta!(
/// `X-OAuth-Scopes`: does a classic token have the package scope the operation needs.
    pub TOKEN_SCOPES = "github-token-scopes", docs: "github.md", messages: "github.token-scopes");
crate::register::check_meta!(
/// `GET /repos/OWNER/REPO`: can the token see the repository, may it push.
    pub REPO_ACCESS = "github-repo-access", docs: "github.md", messages: "github.repo-access");
crate::register::check_meta!(
/// The container package: exists, visibility, linked repository.
    pub PACKAGE = "github-package", docs: "github.md", messages: "github.package");
crate::register::check_meta!(
/// The repository's default GITHUB_TOKEN permissions.
    pub WORKFLOW_PERMISSIONS = "github-workflow-permissions", docs: "github.md", messages: "github.workflow-permissions");

/// Every check id this module reports, in report order.
pub const CHECK_IDS: [crate::register::Check; 5] = [
    TOKEN_VALID,
    TOKEN_SCOPES,
    REPO_ACCESS,
    PACKAGE,
    WORKFLOW_PERMISSIONS,
];

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

/// The findings and the facts behind them.
#[derive(Debug, Clone, Serialize)]
pub struct GithubAssessment {
    pub findings: Vec<Finding>,
    pub facts: GithubFacts,
}

/// Asks GitHub about the token, the repository, the packages and the workflow permissions,
/// all requests at once (one round trip, plus redirects), and judges the answers.
pub async fn assess(client: &http::Client, inputs: &Inputs<'_>) -> GithubAssessment {
    let mut facts = GithubFacts::unconsulted(inputs.api_url, inputs.kind);
    if !inputs.kind.is_github() {
        let message = t!(
            "github.skip.not-github-token",
            source = inputs.credential.source,
        );
        return skip_all(inputs, facts, &message);
    }
    let api = match Api::new(client, inputs.api_url, inputs.credential.secret.clone()) {
        Ok(api) => api,
        Err(e) => {
            let message = match &e {
                ApiError::InvalidUrl { url, detail } => {
                    t!("github.skip.api-url-invalid", url = url, detail = detail)
                }
                ApiError::Insecure { url } => t!("github.skip.api-url-insecure", url = url),
            };
            return skip_all(inputs, facts, &message);
        }
    };
    facts.consulted = true;

    let mut packages: Vec<(&str, &str)> = Vec::new();
    for image in inputs.images {
        if let Some(p) = image.package()
            && !packages.contains(&p)
        {
            packages.push(p);
        }
    }
    let repo = inputs.repo.map(|r| &r.repo);
    let ask_packages = inputs.kind != TokenKind::FineGrainedPat;
    let (user, repo_reply, workflow_reply, package_replies) = tokio::join!(
        api.user(),
        maybe(repo.map(|r| api.repo(r))),
        // A GITHUB_TOKEN can never read this setting; not asking saves its small quota.
        maybe(
            repo.filter(|_| inputs.kind != TokenKind::Installation)
                .map(|r| api.workflow_permissions(r))
        ),
        // GitHub's packages API refuses fine-grained tokens.
        join_all(
            packages
                .iter()
                .filter(|_| ask_packages)
                .map(|(owner, name)| async {
                    tokio::join!(
                        api.package(OwnerKind::Organization, owner, name),
                        api.package(OwnerKind::User, owner, name),
                    )
                })
        ),
    );

    // Facts carried by the headers of any answer.
    fn headers<T>(answer: &Answer<T>) -> Option<&ApiHeaders> {
        answer.as_ref().ok().map(|r| &r.headers)
    }
    let mut all_headers: Vec<&ApiHeaders> = Vec::new();
    all_headers.extend(headers(&user));
    all_headers.extend(repo_reply.as_ref().and_then(headers));
    all_headers.extend(workflow_reply.as_ref().and_then(headers));
    for (org, usr) in &package_replies {
        all_headers.extend(headers(org));
        all_headers.extend(headers(usr));
    }
    facts.expiry = all_headers.iter().find_map(|h| h.expiration);
    facts.expired = facts.expiry.is_some_and(|e| e.is_past(inputs.now));
    facts.scopes = all_headers.iter().find_map(|h| h.oauth_scopes.clone());
    let failures = std::iter::once(failure_of(&user))
        .chain(repo_reply.as_ref().map(failure_of))
        .chain(workflow_reply.as_ref().map(failure_of))
        .chain(
            package_replies
                .iter()
                .flat_map(|(o, u)| [failure_of(o), failure_of(u)]),
        )
        .flatten();
    for failure in failures {
        match failure {
            Failure::RateLimited { .. } => facts.rate_limited = true,
            Failure::SsoRequired { url } => {
                facts.sso_required = true;
                facts.sso_url = facts.sso_url.take().or_else(|| url.clone());
            }
            _ => {}
        }
    }
    if let Ok(reply) = &user {
        match &reply.result {
            Ok(u) => {
                facts.login = Some(u.login.clone());
                facts.token_accepted = Some(true);
                if reply.headers.oauth_scopes.is_none()
                    && matches!(inputs.kind, TokenKind::LegacyHex | TokenKind::Unknown)
                {
                    facts.fine_grained = true;
                }
            }
            Err(Failure::BadCredentials { .. }) => facts.token_accepted = Some(false),
            Err(Failure::NotAccessible { integration, .. }) => {
                facts.token_accepted = Some(true);
                facts.installation |= *integration;
            }
            Err(_) => {}
        }
    }

    let judge = Judge {
        inputs,
        web: web_host(inputs.api_url).unwrap_or_else(|| "github.com".into()),
    };
    let mut findings = vec![
        judge.token_valid(&user, &facts),
        judge.token_scopes(&user, &facts),
        judge.repo_access(repo_reply.as_ref(), &mut facts),
    ];
    if packages.is_empty() {
        findings.push(judge.skip(&PACKAGE, &judge.token_target(), t!("github.skip.no-images")));
    }
    for (i, (owner, name)) in packages.iter().enumerate() {
        let replies = package_replies.get(i).map(|(org, usr)| (org, usr));
        let (finding, state) = judge.package(owner, name, replies, &facts);
        facts.packages.push(PackageFacts {
            owner: (*owner).to_owned(),
            name: (*name).to_owned(),
            state,
        });
        findings.push(finding);
    }
    findings.push(judge.workflow_permissions(workflow_reply.as_ref(), &mut facts));
    GithubAssessment { findings, facts }
}

async fn maybe<F: Future>(future: Option<F>) -> Option<F::Output> {
    match future {
        Some(f) => Some(f.await),
        None => None,
    }
}

fn failure_of<T>(answer: &Answer<T>) -> Option<&Failure> {
    answer.as_ref().ok().and_then(|r| r.result.as_ref().err())
}

fn skip_all(inputs: &Inputs<'_>, facts: GithubFacts, message: &str) -> GithubAssessment {
    let findings = CHECK_IDS
        .iter()
        .map(|id| {
            Finding::new(id, Outcome::Skip, &inputs.credential.source, message)
                .with_evidence("token_kind", inputs.kind.as_str())
        })
        .collect();
    GithubAssessment { findings, facts }
}
