//! `github-token-valid`: `GET /user`: is the token valid, whose is it, when does it expire.

use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome};
use crate::github::facts::GithubFacts;
use crate::github::{Failure, User};
use crate::{t, tl};

use super::{Answer, Judge};

crate::finding::check_meta!(pub CHECK = "github-token-valid", docs: "github.md", messages: "github.token-valid");

/// Tokens expiring sooner than this many days get a warning.
const EXPIRY_WARNING_DAYS: i64 = 7;

impl Judge<'_> {
    pub(crate) fn token_valid(&self, user: &Answer<User>, facts: &GithubFacts) -> Finding {
        let target = self.token_target();
        let reply = match user {
            Ok(reply) => reply,
            Err(e) => return self.network(&CHECK, &target, e),
        };
        let expiry = facts.expiry;
        if let Some(e) = expiry.filter(|_| facts.expired) {
            return self
                .finding(
                    &CHECK,
                    Outcome::Fail(CauseId::TokenExpired),
                    &target,
                    t!("github.token-valid.expired", date = e.display()),
                )
                .with_evidence(Fact::status(reply.status))
                .with_evidence(Fact::expires(e.display()));
        }
        match &reply.result {
            Ok(u) => {
                let mut f = match expiry {
                    Some(e) if e.days_left(self.inputs.now) < EXPIRY_WARNING_DAYS => self
                        .finding(
                            &CHECK,
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
                        &CHECK,
                        Outcome::Pass,
                        &target,
                        t!(
                            "github.token-valid.user-expires",
                            login = u.login,
                            date = e.display()
                        ),
                    ),
                    None => self.finding(
                        &CHECK,
                        Outcome::Pass,
                        &target,
                        t!("github.token-valid.user", login = u.login),
                    ),
                };
                f = f.with_evidence(Fact::login(u.login.as_str()));
                if let Some(e) = expiry {
                    f = f.with_evidence(Fact::expires(e.display()));
                }
                f
            }
            Err(Failure::BadCredentials { message }) => self
                .finding(
                    &CHECK,
                    Outcome::Fail(CauseId::TokenInvalid),
                    &target,
                    t!("github.token-valid.invalid", message = message),
                )
                .with_evidence(Fact::status(reply.status)),
            Err(Failure::NotAccessible {
                integration: true, ..
            }) => self
                .finding(
                    &CHECK,
                    Outcome::Pass,
                    &target,
                    t!("github.token-valid.installation"),
                )
                .with_evidence(Fact::status(reply.status)),
            Err(Failure::NotAccessible { .. }) => self.finding(
                &CHECK,
                Outcome::Pass,
                &target,
                t!("github.token-valid.accepted"),
            ),
            Err(other) => self.not_judged(&CHECK, &target, reply.status, other),
        }
    }
}
