//! `github-workflow-permissions`: the repository's default `GITHUB_TOKEN` permissions.

use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome};
use crate::github::facts::GithubFacts;
use crate::github::{Failure, WorkflowPermissions};
use crate::t;

use super::{Answer, Judge};

crate::finding::check_meta!(pub CHECK = "github-workflow-permissions", docs: "github.md", messages: "github.workflow-permissions");

impl Judge<'_> {
    pub(crate) fn workflow_permissions(
        &self,
        reply: Option<&Answer<WorkflowPermissions>>,
        facts: &mut GithubFacts,
    ) -> Finding {
        let Some(located) = self.inputs.repo else {
            return self.skip(&CHECK, &self.token_target(), t!("github.skip.no-repo"));
        };
        let target = located.repo.to_string();
        // Not asked: the token is an installation token, which can never read it.
        let Some(reply) = reply else {
            return self.skip(
                &CHECK,
                &target,
                t!(
                    "github.workflow-permissions.cannot-read-installation",
                    repo = target
                ),
            );
        };
        let reply = match reply {
            Ok(r) => r,
            Err(e) => return self.network(&CHECK, &target, e),
        };
        match &reply.result {
            Ok(wp) => {
                facts.default_workflow_permissions = Some(wp.default_workflow_permissions.clone());
                let read_only = wp.default_workflow_permissions.eq_ignore_ascii_case("read");
                let f = if read_only && self.inputs.need_push {
                    self.finding(
                        &CHECK,
                        Outcome::Warn,
                        &target,
                        t!("github.workflow-permissions.read-default", repo = target),
                    )
                    .with_cause(CauseId::WorkflowMissingPackagesWrite)
                } else if read_only {
                    self.finding(
                        &CHECK,
                        Outcome::Pass,
                        &target,
                        t!(
                            "github.workflow-permissions.read-default-pull",
                            repo = target
                        ),
                    )
                } else {
                    self.finding(
                        &CHECK,
                        Outcome::Pass,
                        &target,
                        t!("github.workflow-permissions.write-default", repo = target),
                    )
                };
                f.with_evidence(Fact::default_workflow_permissions(
                    wp.default_workflow_permissions.as_str(),
                ))
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
                self.skip(&CHECK, &target, message)
                    .with_evidence(Fact::status(reply.status))
            }
            Err(Failure::SsoRequired { .. }) => self.skip(&CHECK, &target, t!("github.skip.sso")),
            Err(other) => self.not_judged(&CHECK, &target, reply.status, other),
        }
    }
}
