//! `github-repo-access` and `github-workflow-permissions`: the repository and its default
//! GITHUB_TOKEN permissions.

use crate::finding::{CauseId, Finding, Outcome};
use crate::github::facts::{GithubFacts, RepoFacts};
use crate::github::repo_locator::RepoSource;
use crate::github::{Failure, Repo, WorkflowPermissions};
use crate::t;

use super::{Answer, Judge};

crate::register::check_meta!(
/// `GET /repos/OWNER/REPO`: can the token see the repository, may it push.
    pub REPO_ACCESS = "github-repo-access", docs: "github.md", messages: "github.repo-access");
crate::register::check_meta!(
/// The repository's default GITHUB_TOKEN permissions.
    pub WORKFLOW_PERMISSIONS = "github-workflow-permissions", docs: "github.md", messages: "github.workflow-permissions");

impl Judge<'_> {
    pub(crate) fn repo_access(
        &self,
        reply: Option<&Answer<Repo>>,
        facts: &mut GithubFacts,
    ) -> Finding {
        let (Some(located), Some(reply)) = (self.inputs.repo, reply) else {
            return self.skip(
                &REPO_ACCESS,
                &self.token_target(),
                t!("github.skip.no-repo"),
            );
        };
        let target = located.repo.to_string();
        let reply = match reply {
            Ok(r) => r,
            Err(e) => return self.network(&REPO_ACCESS, &target, e),
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
                        &REPO_ACCESS,
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
                        &REPO_ACCESS,
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
                        &REPO_ACCESS,
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
                let mut f = with_source(f).with_evidence("full_name", repo.full_name.as_str());
                if let Some(push) = push {
                    f = f.with_evidence("push", push);
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
                with_source(self.finding(&REPO_ACCESS, status, &target, key_message))
                    .with_evidence("status", reply.status)
            }
            Err(Failure::NotAccessible { message, .. }) => with_source(self.finding(
                &REPO_ACCESS,
                Outcome::Warn,
                &target,
                t!(
                    "github.repo-access.not-accessible",
                    repo = target,
                    message = message
                ),
            ))
            .with_evidence("status", reply.status),
            Err(other) => self.not_judged(&REPO_ACCESS, &target, reply.status, other),
        }
    }

    pub(crate) fn workflow_permissions(
        &self,
        reply: Option<&Answer<WorkflowPermissions>>,
        facts: &mut GithubFacts,
    ) -> Finding {
        let Some(located) = self.inputs.repo else {
            return self.skip(
                &WORKFLOW_PERMISSIONS,
                &self.token_target(),
                t!("github.skip.no-repo"),
            );
        };
        let target = located.repo.to_string();
        // Not asked: the token is an installation token, which can never read it.
        let Some(reply) = reply else {
            return self.skip(
                &WORKFLOW_PERMISSIONS,
                &target,
                t!(
                    "github.workflow-permissions.cannot-read-installation",
                    repo = target
                ),
            );
        };
        let reply = match reply {
            Ok(r) => r,
            Err(e) => return self.network(&WORKFLOW_PERMISSIONS, &target, e),
        };
        match &reply.result {
            Ok(wp) => {
                facts.default_workflow_permissions = Some(wp.default_workflow_permissions.clone());
                let read_only = wp.default_workflow_permissions.eq_ignore_ascii_case("read");
                let f = if read_only && self.inputs.need_push {
                    self.finding(
                        &WORKFLOW_PERMISSIONS,
                        Outcome::Warn,
                        &target,
                        t!("github.workflow-permissions.read-default", repo = target),
                    )
                    .with_cause(CauseId::WorkflowMissingPackagesWrite)
                } else if read_only {
                    self.finding(
                        &WORKFLOW_PERMISSIONS,
                        Outcome::Pass,
                        &target,
                        t!(
                            "github.workflow-permissions.read-default-pull",
                            repo = target
                        ),
                    )
                } else {
                    self.finding(
                        &WORKFLOW_PERMISSIONS,
                        Outcome::Pass,
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
                self.skip(&WORKFLOW_PERMISSIONS, &target, message)
                    .with_evidence("status", reply.status)
            }
            Err(Failure::SsoRequired { .. }) => {
                self.skip(&WORKFLOW_PERMISSIONS, &target, t!("github.skip.sso"))
            }
            Err(other) => self.not_judged(&WORKFLOW_PERMISSIONS, &target, reply.status, other),
        }
    }
}
