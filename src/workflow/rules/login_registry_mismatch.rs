//! `login-registry-mismatch`: the job logs in, but not to the registry it pushes to
//! (docker/login-action without `registry:` logs in to Docker Hub).

use std::collections::HashSet;

use crate::evidence::Fact;
use crate::finding::{Finding, Status};
use crate::t;
use crate::workflow::push::Registry;
use crate::workflow::rules::login_missing::needs_login;
use crate::workflow::rules::{finding, job_target};
use crate::workflow::{Analysis, Repo};

crate::finding::check_meta!(pub(crate) CHECK = "login-registry-mismatch", docs: "workflow.md", messages: "workflow.login");
/// The rule's cause has the rule's id.
const CAUSE: crate::catalog::CauseId = crate::catalog::CauseId::LoginRegistryMismatch;

pub(super) fn check(an: &Analysis<'_>, _repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for (job, scan) in an.wf.jobs.iter().zip(&an.scans) {
        let mut reported = HashSet::new();
        for push in &scan.pushes {
            if push.inline_credentials || !needs_login(&push.registry) {
                continue;
            }
            let earlier: Vec<_> = scan.logins.iter().filter(|l| l.seq < push.seq).collect();
            let matched = earlier
                .iter()
                .any(|l| l.registry == push.registry || l.registry == Registry::Unknown);
            if earlier.is_empty() || matched {
                continue;
            }
            let Registry::Known(registry) = &push.registry else {
                continue;
            };
            if !reported.insert(registry.clone()) {
                continue;
            }
            // Point at the login that looks meant for this push: a defaulted Docker Hub
            // login first, else the last one before the push.
            let login = earlier
                .iter()
                .find(|l| l.implicit_hub)
                .or(earlier.last())
                .copied();
            let Some(login) = login else { continue };
            let message = if login.implicit_hub {
                t!(
                    "workflow.login.mismatch-hub",
                    job = job.id,
                    registry = registry,
                    push = push.mark.line
                )
            } else {
                t!(
                    "workflow.login.mismatch",
                    job = job.id,
                    login = login.registry.display(),
                    tool = login.tool,
                    registry = registry,
                    push = push.mark.line
                )
            };
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Fail,
                    job_target(job.id),
                    login.mark,
                    message,
                    false,
                )
                .with_evidence(Fact::registry(registry.as_str()))
                .with_evidence(Fact::push_line(push.mark.line))
                .with_fix([t!(
                    "workflow.login.fix-mismatch",
                    registry = registry,
                    line = login.mark.line,
                    push = push.mark.line
                )]),
            );
        }
    }
}
