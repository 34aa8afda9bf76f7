//! `github-repo-access`: `GET /repos/OWNER/REPO`: can the token see the repository, may it
//! push.

use crate::evidence::Fact;
use crate::finding::{Finding, Outcome};
use crate::github::facts::{GithubFacts, RepoFacts};
use crate::github::repo_locator::RepoSource;
use crate::github::{Failure, Repo};
use crate::t;

use super::{Answer, Judge};

crate::finding::check_meta!(pub CHECK = "github-repo-access", docs: "github.md", messages: "github.repo-access");

impl Judge<'_> {
    pub(crate) fn repo_access(
        &self,
        reply: Option<&Answer<Repo>>,
        facts: &mut GithubFacts,
    ) -> Finding {
        let (Some(located), Some(reply)) = (self.inputs.repo, reply) else {
            return self.skip(&CHECK, &self.token_target(), t!("github.skip.no-repo"));
        };
        let target = located.repo.to_string();
        let reply = match reply {
            Ok(r) => r,
            Err(e) => return self.network(&CHECK, &target, e),
        };
        let with_source = |f: Finding| f.with_evidence(Fact::repo_source(located.source.as_str()));
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
                        &CHECK,
                        Outcome::Warn,
                        &target,
                        t!(
                            "github.repo-access.renamed",
                            requested = target,
                            actual = repo.full_name
                        ),
                    )
                } else if self.inputs.need_push && push == Some(false) {
                    self.finding(
                        &CHECK,
                        Outcome::Warn,
                        &target,
                        t!(
                            "github.repo-access.no-push",
                            repo = repo.full_name,
                            login = facts.login.clone().unwrap_or_default()
                        ),
                    )
                } else {
                    self.finding(
                        &CHECK,
                        Outcome::Pass,
                        &target,
                        t!(
                            "github.repo-access.ok",
                            repo = repo.full_name,
                            visibility = visibility,
                            push = push_text
                        ),
                    )
                };
                let mut f = with_source(f).with_evidence(Fact::full_name(repo.full_name.as_str()));
                if let Some(push) = push {
                    f = f.with_evidence(Fact::push(push));
                }
                f
            }
            Err(Failure::NotFound) => {
                let (status, key_message) = match (&located.source, facts.installation) {
                    (RepoSource::Image { .. }, _) => (
                        Outcome::Info,
                        t!("github.repo-access.not-found-guess", repo = target),
                    ),
                    (_, true) => (
                        Outcome::Warn,
                        t!("github.repo-access.not-found-installation", repo = target),
                    ),
                    (_, false) => (
                        Outcome::Warn,
                        t!("github.repo-access.not-found", repo = target),
                    ),
                };
                with_source(self.finding(&CHECK, status, &target, key_message))
                    .with_evidence(Fact::status(reply.status))
            }
            Err(Failure::NotAccessible { message, .. }) => with_source(self.finding(
                &CHECK,
                Outcome::Warn,
                &target,
                t!(
                    "github.repo-access.not-accessible",
                    repo = target,
                    message = message
                ),
            ))
            .with_evidence(Fact::status(reply.status)),
            Err(other) => self.not_judged(&CHECK, &target, reply.status, other),
        }
    }
}
