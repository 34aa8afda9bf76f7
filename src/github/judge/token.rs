//! `github-token-valid` and `github-token-scopes`: `GET /user` and `X-OAuth-Scopes`.

use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::github::facts::GithubFacts;
use crate::github::scopes::{READ_PACKAGES, WRITE_PACKAGES};
use crate::github::{Failure, User};
use crate::token::TokenKind;
use crate::{t, tl};

use super::{Answer, Judge};

crate::register::check_meta!(
/// `GET /user`: is the token valid, whose is it, when does it expire.
    pub TOKEN_VALID = "github-token-valid", docs: "github.md", messages: "github.token-valid");
crate::register::check_meta!(
/// `X-OAuth-Scopes`: does a classic token have the package scope the operation needs.
    pub TOKEN_SCOPES = "github-token-scopes", docs: "github.md", messages: "github.token-scopes");

/// Tokens expiring sooner than this many days get a warning.
const EXPIRY_WARNING_DAYS: i64 = 7;

impl Judge<'_> {
    pub(crate) fn token_valid(&self, user: &Answer<User>, facts: &GithubFacts) -> Finding {
        let target = self.token_target();
        let reply = match user {
            Ok(reply) => reply,
            Err(e) => return self.network(&TOKEN_VALID, &target, e),
        };
        let expiry = facts.expiry;
        if let Some(e) = expiry.filter(|_| facts.expired) {
            return self
                .finding(
                    &TOKEN_VALID,
                    Outcome::Fail(CauseId::TokenExpired),
                    &target,
                    t!("github.token-valid.expired", date = e.display()),
                )
                .with_evidence("status", reply.status)
                .with_evidence("expires", e.display());
        }
        match &reply.result {
            Ok(u) => {
                let mut f = match expiry {
                    Some(e) if e.days_left(self.inputs.now) < EXPIRY_WARNING_DAYS => self
                        .finding(
                            &TOKEN_VALID,
                            Outcome::Warn,
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
                        &TOKEN_VALID,
                        Outcome::Pass,
                        &target,
                        t!(
                            "github.token-valid.user-expires",
                            login = u.login,
                            date = e.display()
                        ),
                    ),
                    None => self.finding(
                        &TOKEN_VALID,
                        Outcome::Pass,
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
                    &TOKEN_VALID,
                    Outcome::Fail(CauseId::TokenInvalid),
                    &target,
                    t!("github.token-valid.invalid", message = message),
                )
                .with_evidence("status", reply.status),
            Err(Failure::NotAccessible {
                integration: true, ..
            }) => self
                .finding(
                    &TOKEN_VALID,
                    Outcome::Pass,
                    &target,
                    t!("github.token-valid.installation"),
                )
                .with_evidence("status", reply.status),
            Err(Failure::NotAccessible { .. }) => self.finding(
                &TOKEN_VALID,
                Outcome::Pass,
                &target,
                t!("github.token-valid.accepted"),
            ),
            Err(other) => self.not_judged(&TOKEN_VALID, &target, reply.status, other),
        }
    }

    pub(crate) fn token_scopes(&self, user: &Answer<User>, facts: &GithubFacts) -> Finding {
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
                    &TOKEN_SCOPES,
                    Outcome::of(status, CauseId::TokenFineGrainedUnsupported),
                    &target,
                    t!("github.token-scopes.fine-grained"),
                )
                .with_cause(CauseId::TokenFineGrainedUnsupported);
        }
        if facts.installation {
            return self.skip(
                &TOKEN_SCOPES,
                &target,
                t!("github.token-scopes.installation"),
            );
        }
        if self.inputs.kind == TokenKind::UserToServer {
            return self.skip(&TOKEN_SCOPES, &target, t!("github.token-scopes.app-user"));
        }
        if facts.token_accepted == Some(false) {
            return self.skip(&TOKEN_SCOPES, &target, t!("github.skip.token-rejected"));
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
                        &TOKEN_SCOPES,
                        Outcome::Pass,
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
            // `repo` is the scope people expect to cover packages; say that it does not.
            let message = if scopes.grants("repo") && !scopes.grants(READ_PACKAGES) {
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
                .finding(
                    &TOKEN_SCOPES,
                    Outcome::Fail(CauseId::TokenMissingScope),
                    &target,
                    message,
                )
                .with_fix(fix)
                .with_evidence("scopes", scopes.as_slice().to_vec())
                .with_evidence("missing_scope", scope);
        }
        match user {
            Err(e) => self.network(&TOKEN_SCOPES, &target, e),
            Ok(reply) => match &reply.result {
                Err(f @ Failure::RateLimited { .. }) => {
                    self.not_judged(&TOKEN_SCOPES, &target, reply.status, f)
                }
                _ => self.skip(&TOKEN_SCOPES, &target, t!("github.token-scopes.no-header")),
            },
        }
    }
}
