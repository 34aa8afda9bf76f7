//! Judging GitHub's answers: one file per check turns replies into findings; this file
//! holds what they share (the finding stamp, skips, network errors, SSO).

pub mod github_package;
pub mod github_repo_access;
pub mod github_token_scopes;
pub mod github_token_valid;
pub mod github_workflow_permissions;

use crate::evidence::Fact;
use crate::finding::{CauseId, Check, Finding, Outcome};
use crate::github::headers::Expiry;
use crate::github::{Failure, Reply};
use crate::http;
use crate::{t, tl};

use super::facts::Inputs;

pub(crate) type Answer<T> = Result<Reply<T>, http::Error>;

/// Turns answers into findings for one set of inputs.
pub(crate) struct Judge<'a> {
    pub(crate) inputs: &'a Inputs<'a>,
    /// The web host for settings URLs (`github.com`).
    pub(crate) web: String,
}

impl Judge<'_> {
    pub(crate) fn token_target(&self) -> String {
        self.inputs.credential.source.clone()
    }

    pub(crate) fn finding(
        &self,
        check: &Check,
        outcome: Outcome,
        target: &str,
        message: String,
    ) -> Finding {
        Finding::new(check, outcome, target, message)
            .with_evidence(Fact::api_url(self.inputs.api_url))
            .with_evidence(Fact::token_kind(self.inputs.kind.as_str()))
    }

    pub(crate) fn skip(&self, check: &Check, target: &str, message: String) -> Finding {
        self.finding(check, Outcome::Skip, target, message)
    }

    /// The skip (or SSO failure) for an answer that says nothing about the check itself.
    pub(crate) fn not_judged(
        &self,
        check: &Check,
        target: &str,
        status: u16,
        failure: &Failure,
    ) -> Finding {
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
                    .with_cause(CauseId::RateLimited)
                    .with_evidence(Fact::status(status))
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
                .with_evidence(Fact::status(status)),
        }
    }

    /// A request that got no usable answer. Transport failures name their network cause;
    /// a refused redirect or an oversized body is GitHub's side misbehaving, which the
    /// registry-oriented causes would misdescribe, so those carry none.
    pub(crate) fn network(&self, check: &Check, target: &str, error: &http::Error) -> Finding {
        let f = self.skip(
            check,
            target,
            t!(
                "github.skip.network",
                api = self.inputs.api_url,
                error = error
            ),
        );
        match error {
            http::Error::Dns { .. }
            | http::Error::Refused { .. }
            | http::Error::Timeout { .. }
            | http::Error::Tls { .. }
            | http::Error::Proxy { .. }
            | http::Error::Connection { .. } => f.with_cause(error.cause()),
            _ => f,
        }
    }

    pub(crate) fn sso(&self, check: &Check, target: &str, url: Option<&str>) -> Finding {
        let message = match url {
            Some(url) => t!("github.sso-required", target = target, url = url),
            None => t!(
                "github.sso-required-no-url",
                target = target,
                web = self.web
            ),
        };
        let mut f = self.finding(
            check,
            Outcome::Fail(CauseId::SsoNotAuthorized),
            target,
            message,
        );
        if let Some(url) = url {
            f = f.with_evidence(Fact::sso_url(url));
        }
        f
    }
}
