//! `workflow-missing-packages-write`: a job that pushes to ghcr.io must get `packages: write`
//! from its permissions block, or from its caller when it is a reusable workflow.

use crate::finding::{Finding, Status};
use crate::workflow::model::{Level, Permissions};
use crate::workflow::rules::{finding, job_target};
use crate::workflow::{Analysis, Repo};
use crate::{t, tl};

crate::finding::check_meta!(pub(crate) CHECK = "workflow-missing-packages-write", docs: "workflow.md", messages: "workflow.packages-write");
/// The rule's cause has the rule's id.
const CAUSE: crate::catalog::CauseId = crate::catalog::CauseId::WorkflowMissingPackagesWrite;

fn block_value(p: &Permissions<'_>) -> String {
    p.value
        .as_str()
        .map_or_else(|| "{}".to_owned(), str::to_owned)
}

pub(super) fn check(an: &Analysis<'_>, repo: &Repo<'_>, out: &mut Vec<Finding>) {
    let wf = &an.wf;
    for (job, scan) in wf.jobs.iter().zip(&an.scans) {
        if let Some((uses, _)) = job.uses {
            caller(an, repo, job, uses, out);
            continue;
        }
        if !scan.pushes_ghcr() {
            continue;
        }
        let line = job.key.span.start.line;
        match (job.permissions, wf.permissions) {
            (Some(p), _) if p.packages == Level::Write => {}
            (None, Some(p)) if p.packages == Level::Write => {}
            (Some(p), _) => {
                let at = p.key.span.start.line;
                let fix = if p.is_mapping {
                    t!(
                        "workflow.packages-write.fix-add-job",
                        job = job.id,
                        line = at
                    )
                } else {
                    t!(
                        "workflow.packages-write.fix-replace-job",
                        value = block_value(&p),
                        job = job.id,
                        line = at
                    )
                };
                out.push(
                    finding(
                        an,
                        (&CHECK, CAUSE),
                        Status::Fail,
                        job_target(job.id),
                        wf.source.mark_span(p.key.span),
                        t!(
                            "workflow.packages-write.job-block",
                            job = job.id,
                            level = p.packages.as_str()
                        ),
                        false,
                    )
                    .with_fix([fix]),
                );
            }
            (None, Some(p)) => {
                let at = p.key.span.start.line;
                let fix = if p.is_mapping {
                    t!(
                        "workflow.packages-write.fix-add-workflow",
                        job = job.id,
                        line = at
                    )
                } else {
                    t!(
                        "workflow.packages-write.fix-replace-workflow",
                        value = block_value(&p),
                        job = job.id,
                        line = at
                    )
                };
                out.push(
                    finding(
                        an,
                        (&CHECK, CAUSE),
                        Status::Fail,
                        job_target(job.id),
                        wf.source.mark_span(p.key.span),
                        t!(
                            "workflow.packages-write.workflow-block",
                            job = job.id,
                            level = p.packages.as_str()
                        ),
                        false,
                    )
                    .with_fix([fix]),
                );
            }
            (None, None) => {
                // A reusable workflow gets its token from the caller; the caller is checked.
                if wf.is_reusable_only() {
                    continue;
                }
                let mut fix = tl!(
                    "workflow.packages-write.fix-new-block",
                    job = job.id,
                    line = line
                );
                fix.extend(tl!("workflow.packages-write.fix-default"));
                out.push(
                    finding(
                        an,
                        (&CHECK, CAUSE),
                        Status::Warn,
                        job_target(job.id),
                        wf.source.mark_span(job.key.span),
                        t!("workflow.packages-write.no-block", job = job.id),
                        false,
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

/// A job that calls a local reusable workflow must grant what the called jobs need.
fn caller(
    an: &Analysis<'_>,
    repo: &Repo<'_>,
    job: &crate::workflow::model::Job<'_>,
    uses: &str,
    out: &mut Vec<Finding>,
) {
    let Some(callee) = repo.callee(an, uses) else {
        return;
    };
    // Jobs of the callee that push and take `packages` from the caller: those whose own
    // block grants write (the caller caps it) or that have no block at all. A callee block
    // without write is reported in the callee's file.
    let nested: Vec<&str> = callee
        .wf
        .jobs
        .iter()
        .zip(&callee.scans)
        .filter(|(j, s)| {
            s.pushes_ghcr()
                && j.effective_permissions(&callee.wf)
                    .is_none_or(|p| p.packages == Level::Write)
        })
        .map(|(j, _)| j.id)
        .collect();
    let Some(first) = nested.first() else {
        return;
    };
    let wf = &an.wf;
    let callee_name = format!("`{uses}`");
    match job.effective_permissions(wf) {
        Some(p) if p.packages == Level::Write => {}
        Some(p) => {
            let at = p.key.span.start.line;
            let fix = if job.permissions.is_some() {
                t!(
                    "workflow.packages-write.fix-caller-add",
                    job = job.id,
                    line = at,
                    callee = callee_name
                )
            } else if p.is_mapping {
                t!(
                    "workflow.packages-write.fix-add-workflow",
                    job = job.id,
                    line = at
                )
            } else {
                t!(
                    "workflow.packages-write.fix-replace-workflow",
                    value = block_value(&p),
                    job = job.id,
                    line = at
                )
            };
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Fail,
                    job_target(job.id),
                    wf.source.mark_span(p.key.span),
                    t!(
                        "workflow.packages-write.caller-block",
                        job = job.id,
                        callee = callee_name,
                        nested = first,
                        level = p.packages.as_str()
                    ),
                    false,
                )
                .with_fix([fix]),
            );
        }
        None => {
            let mut fix = tl!(
                "workflow.packages-write.fix-new-block",
                job = job.id,
                line = job.key.span.start.line
            );
            fix.extend(tl!("workflow.packages-write.fix-default"));
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Warn,
                    job_target(job.id),
                    wf.source.mark_span(job.key.span),
                    t!(
                        "workflow.packages-write.caller-no-block",
                        job = job.id,
                        callee = callee_name,
                        nested = first
                    ),
                    false,
                )
                .with_fix(fix),
            );
        }
    }
}
