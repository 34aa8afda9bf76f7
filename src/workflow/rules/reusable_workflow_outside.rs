//! `reusable-workflow-outside`: a job calls a local reusable workflow (`uses: ./...`) that is
//! not in the repository's own `.github/workflows/`. GitHub refuses such a call; the tool
//! does not follow it either, so a path like `./../../proc/self/environ` is never read.

use crate::finding::{Finding, Status};
use crate::workflow::rules::{finding, job_target};
use crate::workflow::{Analysis, Repo};
use crate::{t, tl};

crate::finding::check_meta!(pub(crate) CHECK = "reusable-workflow-outside", docs: "workflow.md", messages: "workflow.outside");
/// The rule's cause has the rule's id.
const CAUSE: crate::catalog::CauseId = crate::catalog::CauseId::ReusableWorkflowOutside;

pub(super) fn check(an: &Analysis<'_>, repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for job in &an.wf.jobs {
        let Some((uses, node)) = job.uses else {
            continue;
        };
        if !repo.call_refused(an, uses) {
            continue;
        }
        out.push(
            finding(
                an,
                (&CHECK, CAUSE),
                Status::Fail,
                job_target(job.id),
                an.wf.source.mark_span(node.span),
                t!("workflow.outside.message", job = job.id, uses = uses.trim()),
                false,
            )
            .with_fix(tl!("workflow.outside.fix")),
        );
    }
}
