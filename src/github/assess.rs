//! The assessment: every GitHub request at once, then one finding per check id (and per
//! package), plus the facts that `denial::decide` needs.

use std::future::Future;

use futures_util::future::join_all;
use serde::Serialize;

use super::headers::ApiHeaders;
use super::judge::{self, Answer, Judge};
use super::{Api, ApiError, Failure, OwnerKind, web_host};
use crate::evidence::Fact;
use crate::finding::{Finding, Outcome};
use crate::http;
use crate::t;
use crate::token::TokenKind;

/// Every check id this module reports, in report order.
pub const CHECK_IDS: [crate::finding::Check; 5] = [
    judge::github_token_valid::CHECK,
    judge::github_token_scopes::CHECK,
    judge::github_repo_access::CHECK,
    judge::github_package::CHECK,
    judge::github_workflow_permissions::CHECK,
];

pub use super::facts::{GithubFacts, Inputs, PackageFacts, PackageState, RepoFacts};

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
        findings.push(judge.skip(
            &judge::github_package::CHECK,
            &judge.token_target(),
            t!("github.skip.no-images"),
        ));
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
                .with_evidence(Fact::token_kind(inputs.kind.as_str()))
        })
        .collect();
    GithubAssessment { findings, facts }
}
