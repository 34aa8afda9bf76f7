//! `github-token-scopes`: `X-OAuth-Scopes`: does a classic token have the package scope the
//! operation needs.

use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::github::facts::GithubFacts;
use crate::github::scopes::{READ_PACKAGES, WRITE_PACKAGES};
use crate::github::{Failure, User};
use crate::token::TokenKind;
use crate::{t, tl};

use super::{Answer, Judge};

crate::finding::check_meta!(pub CHECK = "github-token-scopes", docs: "github.md", messages: "github.token-scopes");

impl Judge<'_> {
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
                    &CHECK,
                    Outcome::of(status, CauseId::TokenFineGrainedUnsupported),
                    &target,
                    t!("github.token-scopes.fine-grained"),
                )
                .with_cause(CauseId::TokenFineGrainedUnsupported);
        }
        if facts.installation {
            return self.skip(&CHECK, &target, t!("github.token-scopes.installation"));
        }
        if self.inputs.kind == TokenKind::UserToServer {
            return self.skip(&CHECK, &target, t!("github.token-scopes.app-user"));
        }
        if facts.token_accepted == Some(false) {
            return self.skip(&CHECK, &target, t!("github.skip.token-rejected"));
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
                        &CHECK,
                        Outcome::Pass,
                        &target,
                        t!(
                            "github.token-scopes.ok",
                            scope = scope,
                            operation = operation,
                            scopes = listed
                        ),
                    )
                    .with_evidence(Fact::scopes(scopes.as_slice().to_vec()));
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
                    &CHECK,
                    Outcome::Fail(CauseId::TokenMissingScope),
                    &target,
                    message,
                )
                .with_fix(fix)
                .with_evidence(Fact::scopes(scopes.as_slice().to_vec()))
                .with_evidence(Fact::missing_scope(scope));
        }
        match user {
            Err(e) => self.network(&CHECK, &target, e),
            Ok(reply) => match &reply.result {
                Err(f @ Failure::RateLimited { .. }) => {
                    self.not_judged(&CHECK, &target, reply.status, f)
                }
                _ => self.skip(&CHECK, &target, t!("github.token-scopes.no-header")),
            },
        }
    }
}
