//! The assessment: every GitHub request at once, then one finding per check id (and per
//! package), plus the facts that [`super::combine_denial`] needs.

use std::future::Future;

use futures_util::future::join_all;
use serde::Serialize;

use super::headers::{ApiHeaders, Expiry};
use super::repo_locator::{LocatedRepo, RepoSource};
use super::scopes::{READ_PACKAGES, Scopes, WRITE_PACKAGES};
use super::{Api, ApiError, Failure, ImageRepo, OwnerKind, Package, Reply, web_host};
use crate::credentials::Credential;
use crate::finding::{Finding, Status};
use crate::http;
use crate::token::TokenKind;
use crate::{t, tl};

/// `GET /user`: is the token valid, whose is it, when does it expire.
pub const TOKEN_VALID: &str = "github-token-valid";
/// `X-OAuth-Scopes`: does a classic token have the package scope the operation needs.
pub const TOKEN_SCOPES: &str = "github-token-scopes";
/// `GET /repos/OWNER/REPO`: can the token see the repository, may it push.
pub const REPO_ACCESS: &str = "github-repo-access";
/// The container package: exists, visibility, linked repository.
pub const PACKAGE: &str = "github-package";
/// The repository's default GITHUB_TOKEN permissions.
pub const WORKFLOW_PERMISSIONS: &str = "github-workflow-permissions";

/// Every check id this module reports, in report order.
pub const CHECK_IDS: [&str; 5] = [
    TOKEN_VALID,
    TOKEN_SCOPES,
    REPO_ACCESS,
    PACKAGE,
    WORKFLOW_PERMISSIONS,
];

/// Tokens expiring sooner than this many days get a warning.
const EXPIRY_WARNING_DAYS: i64 = 7;

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

type Answer<T> = Result<Reply<T>, http::Error>;

/// Asks GitHub about the token, the repository, the packages and the workflow permissions,
/// all requests at once (one round trip, plus redirects), and judges the answers.
pub async fn assess(client: &http::Client, inputs: &Inputs<'_>) -> GithubAssessment {
    let mut facts = GithubFacts {
        api_url: inputs.api_url.to_owned(),
        kind: inputs.kind,
        consulted: false,
        login: None,
        token_accepted: None,
        scopes: None,
        expiry: None,
        expired: false,
        installation: inputs.kind == TokenKind::Installation,
        fine_grained: inputs.kind == TokenKind::FineGrainedPat,
        sso_required: false,
        sso_url: None,
        rate_limited: false,
        repo: None,
        packages: Vec::new(),
        default_workflow_permissions: None,
    };
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
    let (user, repo_reply, workflow_reply, package_replies) = tokio::join!(
        api.user(),
        maybe(repo.map(|r| api.repo(r))),
        maybe(repo.map(|r| api.workflow_permissions(r))),
        join_all(packages.iter().map(|(owner, name)| async {
            tokio::join!(
                api.package(OwnerKind::Organization, owner, name),
                api.package(OwnerKind::User, owner, name),
            )
        })),
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
        findings.push(judge.skip(PACKAGE, &judge.token_target(), t!("github.skip.no-images")));
    }
    for ((owner, name), (org, usr)) in packages.iter().zip(&package_replies) {
        let (finding, state) = judge.package(owner, name, org, usr, &facts);
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
            Finding::new(*id, Status::Skip, &inputs.credential.source, message)
                .with_evidence("token_kind", inputs.kind.as_str())
        })
        .collect();
    GithubAssessment { findings, facts }
}

/// Turns answers into findings for one set of inputs.
struct Judge<'a> {
    inputs: &'a Inputs<'a>,
    /// The web host for settings URLs (`github.com`).
    web: String,
}

impl Judge<'_> {
    fn token_target(&self) -> String {
        self.inputs.credential.source.clone()
    }

    fn finding(&self, check: &str, status: Status, target: &str, message: String) -> Finding {
        Finding::new(check, status, target, message)
            .with_evidence("api_url", self.inputs.api_url)
            .with_evidence("token_kind", self.inputs.kind.as_str())
    }

    fn skip(&self, check: &str, target: &str, message: String) -> Finding {
        self.finding(check, Status::Skip, target, message)
    }

    /// The skip (or SSO failure) for an answer that says nothing about the check itself.
    fn not_judged(&self, check: &str, target: &str, status: u16, failure: &Failure) -> Finding {
        match failure {
            Failure::RateLimited {
                reset, retry_after, ..
            } => {
                let message = match (retry_after, reset) {
                    (Some(seconds), _) => {
                        t!("github.skip.rate-limited-retry", seconds = seconds)
                    }
                    (None, Some(reset)) => t!(
                        "github.skip.rate-limited-reset",
                        reset = Expiry {
                            unix: i64::try_from(*reset).unwrap_or(i64::MAX)
                        }
                        .display()
                    ),
                    (None, None) => t!("github.skip.rate-limited"),
                };
                self.skip(check, target, message)
                    .with_fix(tl!("github.fix.rate-limited"))
                    .with_cause("rate-limited")
                    .with_evidence("status", status)
            }
            Failure::SsoRequired { url } => self.sso(check, target, url.as_deref()),
            Failure::BadCredentials { .. } => {
                self.skip(check, target, t!("github.skip.token-rejected"))
            }
            Failure::NotFound => self.skip(
                check,
                target,
                t!(
                    "github.skip.unexpected",
                    status = status,
                    message = "Not Found"
                ),
            ),
            Failure::NotAccessible { message, .. }
            | Failure::Forbidden { message }
            | Failure::Unexpected { message, .. } => self
                .skip(
                    check,
                    target,
                    t!("github.skip.unexpected", status = status, message = message),
                )
                .with_evidence("status", status),
        }
    }

    fn network(&self, check: &str, target: &str, error: &http::Error) -> Finding {
        self.skip(
            check,
            target,
            t!(
                "github.skip.network",
                api = self.inputs.api_url,
                error = error
            ),
        )
        .with_cause(error.cause())
    }

    fn sso(&self, check: &str, target: &str, url: Option<&str>) -> Finding {
        let message = match url {
            Some(url) => t!("github.sso-required", target = target, url = url),
            None => t!(
                "github.sso-required-no-url",
                target = target,
                web = self.web
            ),
        };
        let mut f = self
            .finding(check, Status::Fail, target, message)
            .with_cause("sso-not-authorized");
        if let Some(url) = url {
            f = f.with_evidence("sso_url", url);
        }
        f
    }

    fn token_valid(&self, user: &Answer<super::User>, facts: &GithubFacts) -> Finding {
        let target = self.token_target();
        let reply = match user {
            Ok(reply) => reply,
            Err(e) => return self.network(TOKEN_VALID, &target, e),
        };
        let expiry = facts.expiry;
        if let Some(e) = expiry.filter(|_| facts.expired) {
            return self
                .finding(
                    TOKEN_VALID,
                    Status::Fail,
                    &target,
                    t!("github.token-valid.expired", date = e.display()),
                )
                .with_cause("token-expired")
                .with_evidence("status", reply.status)
                .with_evidence("expires", e.display());
        }
        match &reply.result {
            Ok(u) => {
                let mut f = match expiry {
                    Some(e) if e.days_left(self.inputs.now) < EXPIRY_WARNING_DAYS => self
                        .finding(
                            TOKEN_VALID,
                            Status::Warn,
                            &target,
                            t!(
                                "github.token-valid.expiring",
                                login = u.login,
                                date = e.display(),
                                days = e.days_left(self.inputs.now)
                            ),
                        )
                        .with_fix(tl!("github.fix.renew-token", web = self.web)),
                    Some(e) => self.finding(
                        TOKEN_VALID,
                        Status::Pass,
                        &target,
                        t!(
                            "github.token-valid.user-expires",
                            login = u.login,
                            date = e.display()
                        ),
                    ),
                    None => self.finding(
                        TOKEN_VALID,
                        Status::Pass,
                        &target,
                        t!("github.token-valid.user", login = u.login),
                    ),
                };
                f = f.with_evidence("login", u.login.as_str());
                if let Some(e) = expiry {
                    f = f.with_evidence("expires", e.display());
                }
                f
            }
            Err(Failure::BadCredentials { message }) => self
                .finding(
                    TOKEN_VALID,
                    Status::Fail,
                    &target,
                    t!("github.token-valid.invalid", message = message),
                )
                .with_cause("token-invalid")
                .with_evidence("status", reply.status),
            Err(Failure::NotAccessible {
                integration: true, ..
            }) => self
                .finding(
                    TOKEN_VALID,
                    Status::Pass,
                    &target,
                    t!("github.token-valid.installation"),
                )
                .with_evidence("status", reply.status),
            Err(Failure::NotAccessible { .. }) => self.finding(
                TOKEN_VALID,
                Status::Pass,
                &target,
                t!("github.token-valid.accepted"),
            ),
            Err(other) => self.not_judged(TOKEN_VALID, &target, reply.status, other),
        }
    }

    fn token_scopes(&self, user: &Answer<super::User>, facts: &GithubFacts) -> Finding {
        let target = self.token_target();
        let (scope, operation) = if self.inputs.need_push {
            (WRITE_PACKAGES, t!("github.operation.push"))
        } else {
            (READ_PACKAGES, t!("github.operation.pull"))
        };
        if facts.fine_grained {
            let status = if self.inputs.registry.eq_ignore_ascii_case("ghcr.io") {
                Status::Fail
            } else {
                Status::Warn
            };
            return self
                .finding(
                    TOKEN_SCOPES,
                    status,
                    &target,
                    t!("github.token-scopes.fine-grained"),
                )
                .with_cause("token-fine-grained-unsupported");
        }
        if facts.installation {
            return self.skip(
                TOKEN_SCOPES,
                &target,
                t!("github.token-scopes.installation"),
            );
        }
        if self.inputs.kind == TokenKind::UserToServer {
            return self.skip(TOKEN_SCOPES, &target, t!("github.token-scopes.app-user"));
        }
        if facts.token_accepted == Some(false) {
            return self.skip(TOKEN_SCOPES, &target, t!("github.skip.token-rejected"));
        }
        if let Some(scopes) = &facts.scopes {
            let listed = if scopes.is_empty() {
                t!("github.token-scopes.none")
            } else {
                scopes.to_string()
            };
            if scopes.grants(scope) {
                return self
                    .finding(
                        TOKEN_SCOPES,
                        Status::Pass,
                        &target,
                        t!(
                            "github.token-scopes.ok",
                            scope = scope,
                            operation = operation,
                            scopes = listed
                        ),
                    )
                    .with_evidence("scopes", scopes.as_slice().to_vec());
            }
            let message = if scopes.grants("repo") {
                t!(
                    "github.token-scopes.missing-repo-only",
                    scope = scope,
                    operation = operation,
                    scopes = listed
                )
            } else {
                t!(
                    "github.token-scopes.missing",
                    scope = scope,
                    operation = operation,
                    scopes = listed
                )
            };
            let fix = if self.inputs.kind == TokenKind::Oauth {
                tl!("github.fix.add-scope-oauth", scope = scope, host = self.web)
            } else {
                tl!(
                    "github.fix.add-scope-classic",
                    scope = scope,
                    web = self.web
                )
            };
            return self
                .finding(TOKEN_SCOPES, Status::Fail, &target, message)
                .with_fix(fix)
                .with_cause("token-missing-scope")
                .with_evidence("scopes", scopes.as_slice().to_vec())
                .with_evidence("missing_scope", scope);
        }
        match user {
            Err(e) => self.network(TOKEN_SCOPES, &target, e),
            Ok(reply) => match &reply.result {
                Err(f @ Failure::RateLimited { .. }) => {
                    self.not_judged(TOKEN_SCOPES, &target, reply.status, f)
                }
                _ => self.skip(TOKEN_SCOPES, &target, t!("github.token-scopes.no-header")),
            },
        }
    }

    fn repo_access(&self, reply: Option<&Answer<super::Repo>>, facts: &mut GithubFacts) -> Finding {
        let (Some(located), Some(reply)) = (self.inputs.repo, reply) else {
            return self.skip(REPO_ACCESS, &self.token_target(), t!("github.skip.no-repo"));
        };
        let target = located.repo.to_string();
        let reply = match reply {
            Ok(r) => r,
            Err(e) => return self.network(REPO_ACCESS, &target, e),
        };
        let with_source = |f: Finding| f.with_evidence("repo_source", located.source.as_str());
        match &reply.result {
            Ok(repo) => {
                let push = repo.permissions.map(|p| p.push);
                let visibility = repo.visibility.clone().or_else(|| {
                    repo.private
                        .map(|p| if p { "private" } else { "public" }.to_owned())
                });
                facts.repo = Some(RepoFacts {
                    full_name: repo.full_name.clone(),
                    push,
                    visibility: visibility.clone(),
                });
                let push_text = match push {
                    Some(true) => t!("github.value.yes"),
                    Some(false) => t!("github.value.no"),
                    None => t!("github.value.unknown"),
                };
                let visibility = visibility.unwrap_or_else(|| t!("github.value.unknown"));
                let f = if !located.repo.same_as(&repo.full_name) {
                    self.finding(
                        REPO_ACCESS,
                        Status::Warn,
                        &target,
                        t!(
                            "github.repo-access.renamed",
                            requested = target,
                            actual = repo.full_name
                        ),
                    )
                } else if self.inputs.need_push && push == Some(false) {
                    self.finding(
                        REPO_ACCESS,
                        Status::Warn,
                        &target,
                        t!(
                            "github.repo-access.no-push",
                            repo = repo.full_name,
                            login = facts.login.clone().unwrap_or_default()
                        ),
                    )
                } else {
                    self.finding(
                        REPO_ACCESS,
                        Status::Pass,
                        &target,
                        t!(
                            "github.repo-access.ok",
                            repo = repo.full_name,
                            visibility = visibility,
                            push = push_text
                        ),
                    )
                };
                let mut f = with_source(f).with_evidence("full_name", repo.full_name.as_str());
                if let Some(push) = push {
                    f = f.with_evidence("push", push);
                }
                f
            }
            Err(Failure::NotFound) => {
                let (status, key_message) = match (&located.source, facts.installation) {
                    (RepoSource::Image { .. }, _) => (
                        Status::Info,
                        t!("github.repo-access.not-found-guess", repo = target),
                    ),
                    (_, true) => (
                        Status::Warn,
                        t!("github.repo-access.not-found-installation", repo = target),
                    ),
                    (_, false) => (
                        Status::Warn,
                        t!("github.repo-access.not-found", repo = target),
                    ),
                };
                with_source(self.finding(REPO_ACCESS, status, &target, key_message))
                    .with_evidence("status", reply.status)
            }
            Err(Failure::NotAccessible { message, .. }) => with_source(self.finding(
                REPO_ACCESS,
                Status::Warn,
                &target,
                t!(
                    "github.repo-access.not-accessible",
                    repo = target,
                    message = message
                ),
            ))
            .with_evidence("status", reply.status),
            Err(other) => self.not_judged(REPO_ACCESS, &target, reply.status, other),
        }
    }

    fn package(
        &self,
        owner: &str,
        name: &str,
        org: &Answer<Package>,
        user: &Answer<Package>,
        facts: &GithubFacts,
    ) -> (Finding, PackageState) {
        let target = format!("{}/{owner}/{name}", self.inputs.registry);
        let unknown = |f: Finding| (f, PackageState::Unknown);
        if facts.fine_grained {
            return unknown(self.skip(
                PACKAGE,
                &target,
                t!("github.package.fine-grained-cannot-look"),
            ));
        }
        if let Some(scopes) = &facts.scopes
            && !scopes.grants(READ_PACKAGES)
        {
            return unknown(self.skip(
                PACKAGE,
                &target,
                t!("github.package.no-read-scope", scope = READ_PACKAGES),
            ));
        }
        if facts.token_accepted == Some(false) {
            return unknown(self.skip(PACKAGE, &target, t!("github.skip.token-rejected")));
        }
        let answers = [(OwnerKind::Organization, org), (OwnerKind::User, user)];
        for (kind, answer) in &answers {
            if let Ok(Reply {
                result: Ok(package),
                ..
            }) = answer
            {
                return self.package_found(&target, owner, name, *kind, package, facts);
            }
        }
        let replies: Vec<&Reply<Package>> = answers
            .iter()
            .filter_map(|(_, a)| a.as_ref().ok())
            .collect();
        let Some(first) = replies.first() else {
            let error = answers
                .iter()
                .find_map(|(_, a)| a.as_ref().err())
                .map(|e| self.network(PACKAGE, &target, e));
            return unknown(error.unwrap_or_else(|| {
                self.skip(
                    PACKAGE,
                    &target,
                    t!("github.skip.unexpected", status = 0, message = ""),
                )
            }));
        };
        // The most telling failure of the two answers decides.
        for reply in &replies {
            if let Err(f @ (Failure::SsoRequired { .. } | Failure::RateLimited { .. })) =
                &reply.result
            {
                return unknown(self.not_judged(PACKAGE, &target, reply.status, f));
            }
        }
        let invisible = replies.iter().all(|r| {
            matches!(
                r.result,
                Err(Failure::NotFound | Failure::NotAccessible { .. } | Failure::Forbidden { .. })
            )
        });
        if !invisible {
            let reply = replies
                .iter()
                .find(|r| !matches!(r.result, Err(Failure::NotFound)))
                .unwrap_or(first);
            return match &reply.result {
                Err(f) => unknown(self.not_judged(PACKAGE, &target, reply.status, f)),
                Ok(_) => unknown(self.skip(
                    PACKAGE,
                    &target,
                    t!(
                        "github.skip.unexpected",
                        status = reply.status,
                        message = ""
                    ),
                )),
            };
        }
        if facts.installation {
            let repo = self.inputs.repo.map_or_else(
                || t!("github.value.this-repository"),
                |r| r.repo.to_string(),
            );
            return unknown(self.finding(
                PACKAGE,
                Status::Info,
                &target,
                t!(
                    "github.package.installation-cannot-see",
                    package = format!("{owner}/{name}"),
                    repo = repo
                ),
            ));
        }
        (
            self.finding(
                PACKAGE,
                Status::Info,
                &target,
                t!(
                    "github.package.not-found",
                    package = format!("{owner}/{name}"),
                    owner = owner
                ),
            ),
            PackageState::NotFound,
        )
    }

    fn package_found(
        &self,
        target: &str,
        owner: &str,
        name: &str,
        kind: OwnerKind,
        package: &Package,
        facts: &GithubFacts,
    ) -> (Finding, PackageState) {
        let linked = package.repository.as_ref().map(|r| r.full_name.clone());
        let visibility = package.visibility.clone();
        let state = PackageState::Found {
            owner_kind: kind.as_str(),
            visibility: visibility.clone(),
            linked_repository: linked.clone(),
        };
        let shown = format!("{owner}/{name}");
        let visibility_text = visibility
            .clone()
            .unwrap_or_else(|| t!("github.value.unknown"));
        let mismatch = self
            .inputs
            .repo
            .filter(|r| linked.as_deref().is_none_or(|l| !r.repo.same_as(l)));
        let mut f = if let Some(repo) = mismatch {
            let in_job = self.inputs.in_actions || facts.installation;
            let status = if in_job { Status::Warn } else { Status::Info };
            let message = match &linked {
                Some(l) => t!(
                    "github.package.other-repository",
                    package = shown,
                    linked = l,
                    repo = repo.repo
                ),
                None => t!("github.package.unlinked", package = shown, repo = repo.repo),
            };
            let encoded = name.replace('/', "%2F");
            let settings = match kind {
                OwnerKind::Organization => format!(
                    "https://{}/orgs/{owner}/packages/container/{encoded}/settings",
                    self.web
                ),
                OwnerKind::User => format!(
                    "https://{}/users/{owner}/packages/container/{encoded}/settings",
                    self.web
                ),
            };
            self.finding(PACKAGE, status, target, message)
                .with_fix(tl!(
                    "github.fix.manage-actions-access",
                    url = settings,
                    repo = repo.repo
                ))
                .with_cause("package-access-not-granted")
                .with_evidence("settings_url", settings)
        } else {
            let message = match &linked {
                Some(l) => t!(
                    "github.package.found-linked",
                    package = shown,
                    visibility = visibility_text,
                    linked = l
                ),
                None => t!(
                    "github.package.found-unlinked",
                    package = shown,
                    visibility = visibility_text
                ),
            };
            self.finding(PACKAGE, Status::Pass, target, message)
        };
        f = f.with_evidence("owner_kind", kind.as_str());
        if let Some(v) = visibility {
            f = f.with_evidence("visibility", v);
        }
        if let Some(l) = linked {
            f = f.with_evidence("linked_repository", l);
        }
        (f, state)
    }

    fn workflow_permissions(
        &self,
        reply: Option<&Answer<super::WorkflowPermissions>>,
        facts: &mut GithubFacts,
    ) -> Finding {
        let (Some(located), Some(reply)) = (self.inputs.repo, reply) else {
            return self.skip(
                WORKFLOW_PERMISSIONS,
                &self.token_target(),
                t!("github.skip.no-repo"),
            );
        };
        let target = located.repo.to_string();
        let reply = match reply {
            Ok(r) => r,
            Err(e) => return self.network(WORKFLOW_PERMISSIONS, &target, e),
        };
        match &reply.result {
            Ok(wp) => {
                facts.default_workflow_permissions = Some(wp.default_workflow_permissions.clone());
                let read_only = wp.default_workflow_permissions.eq_ignore_ascii_case("read");
                let f = if read_only && self.inputs.need_push {
                    self.finding(
                        WORKFLOW_PERMISSIONS,
                        Status::Warn,
                        &target,
                        t!("github.workflow-permissions.read-default", repo = target),
                    )
                    .with_cause("workflow-missing-packages-write")
                } else if read_only {
                    self.finding(
                        WORKFLOW_PERMISSIONS,
                        Status::Pass,
                        &target,
                        t!(
                            "github.workflow-permissions.read-default-pull",
                            repo = target
                        ),
                    )
                } else {
                    self.finding(
                        WORKFLOW_PERMISSIONS,
                        Status::Pass,
                        &target,
                        t!("github.workflow-permissions.write-default", repo = target),
                    )
                };
                f.with_evidence(
                    "default_workflow_permissions",
                    wp.default_workflow_permissions.as_str(),
                )
            }
            Err(Failure::NotAccessible { .. } | Failure::Forbidden { .. } | Failure::NotFound) => {
                let message = if facts.installation {
                    t!(
                        "github.workflow-permissions.cannot-read-installation",
                        repo = target
                    )
                } else {
                    t!("github.workflow-permissions.cannot-read", repo = target)
                };
                self.skip(WORKFLOW_PERMISSIONS, &target, message)
                    .with_evidence("status", reply.status)
            }
            Err(Failure::SsoRequired { .. }) => {
                self.skip(WORKFLOW_PERMISSIONS, &target, t!("github.skip.sso"))
            }
            Err(other) => self.not_judged(WORKFLOW_PERMISSIONS, &target, reply.status, other),
        }
    }
}
