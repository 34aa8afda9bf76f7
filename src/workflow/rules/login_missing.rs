//! `login-missing`: a push to ghcr.io needs a login to ghcr.io earlier in the same job
//! (every job starts on a fresh runner with no credentials).

use crate::finding::{Finding, Status};
use crate::workflow::push::{GHCR, JobScan, Push, Registry};
use crate::workflow::rules::{finding, job_target};
use crate::workflow::{Analysis, Repo};
use crate::{t, tl};

crate::finding::check_meta!(pub(crate) CHECK = "login-missing", docs: "workflow.md", messages: "workflow.login");
/// The rule's cause has the rule's id.
const CAUSE: crate::catalog::CauseId = crate::catalog::CauseId::LoginMissing;

/// Registries that take pushes without a login (a local registry in a test job).
pub(super) fn needs_login(registry: &Registry) -> bool {
    match registry {
        Registry::Known(h) => {
            let host = h.split(':').next().unwrap_or_default();
            !matches!(host, "localhost" | "127.0.0.1" | "[::1]")
        }
        Registry::Unknown => false,
    }
}

/// The first push to ghcr.io with no login at all before it.
fn first_without_login(scan: &JobScan) -> Option<&Push> {
    scan.pushes.iter().find(|p| {
        p.registry.is(GHCR) && !p.inline_credentials && !scan.logins.iter().any(|l| l.seq < p.seq)
    })
}

pub(super) fn check(an: &Analysis<'_>, _repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for (job, scan) in an.wf.jobs.iter().zip(&an.scans) {
        if let Some(push) = first_without_login(scan) {
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Fail,
                    job_target(job.id),
                    push.mark,
                    t!(
                        "workflow.login.missing",
                        job = job.id,
                        registry = GHCR,
                        tool = push.tool,
                        line = push.mark.line
                    ),
                    false,
                )
                .with_fix(tl!(
                    "workflow.login.fix-missing",
                    line = push.mark.line,
                    job = job.id
                )),
            );
        }
    }
}
