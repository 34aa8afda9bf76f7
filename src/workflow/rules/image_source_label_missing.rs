//! `image-source-label-missing`: a job that builds and pushes to ghcr.io without
//! docker/metadata-action or an `org.opencontainers.image.source` label (in the workflow, or
//! in the Dockerfile it builds when the repository is at hand); the first push then creates a
//! package that is not linked to the repository.

use crate::finding::{Finding, Status};
use crate::workflow::rules::{finding, job_target};
use crate::workflow::{Analysis, Repo};
use crate::{t, tl};

crate::finding::check_meta!(pub(crate) CHECK = "image-source-label-missing", docs: "workflow.md", messages: "workflow.label");
/// The rule's cause has the rule's id.
const CAUSE: crate::catalog::CauseId = crate::catalog::CauseId::ImageSourceLabelMissing;
const LABEL: &str = "org.opencontainers.image.source";

pub(super) fn check(an: &Analysis<'_>, _repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for (job, scan) in an.wf.jobs.iter().zip(&an.scans) {
        if !scan.builds || scan.metadata || !scan.pushes_ghcr() {
            continue;
        }
        let mut labelled = false;
        job.node
            .walk_scalars(&mut |_, text| labelled |= text.contains(LABEL));
        let env_labelled = an
            .wf
            .env
            .iter()
            .chain(job.env.iter())
            .any(|(_, v)| v.as_str().is_some_and(|s| s.contains(LABEL)));
        if labelled || env_labelled || dockerfile_labelled(an, &scan.dockerfiles) {
            continue;
        }
        out.push(
            finding(
                an,
                (&CHECK, CAUSE),
                Status::Info,
                job_target(job.id),
                an.wf.source.mark_span(job.key.span),
                t!("workflow.label.missing", job = job.id),
                false,
            )
            .with_fix(tl!("workflow.label.fix")),
        );
    }
}

/// True when one of the Dockerfiles the job builds sets the label. Read only when the
/// workflow sits in a repository and the rule would otherwise report.
fn dockerfile_labelled(an: &Analysis<'_>, files: &[String]) -> bool {
    let Some(root) = an.root else {
        return false;
    };
    files.iter().any(|f| {
        // A LABEL instruction may span lines; finding both words is close enough.
        // Only a regular file inside the repository, bounded (a FIFO or device named by the
        // workflow never blocks the run).
        let path = root.join(f);
        let inside = std::fs::canonicalize(&path)
            .ok()
            .zip(std::fs::canonicalize(root).ok())
            .is_some_and(|(p, r)| p.starts_with(r));
        inside
            && crate::local_file::read_to_string(&path, crate::workflow::MAX_WORKFLOW_BYTES)
                .is_ok_and(|text| {
                    text.contains(LABEL) && text.to_ascii_uppercase().contains("LABEL")
                })
    })
}
