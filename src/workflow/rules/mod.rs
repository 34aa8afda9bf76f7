//! The workflow rules, one file each; every rule id is also a cause id in the catalog.

use crate::finding::{Finding, Location, Status};

use super::Analysis;
use super::Repo;
use super::source::Mark;

mod fork_or_dependabot_readonly;
mod hardcoded_credential;
mod image_source_label_missing;
mod login_missing;
mod login_registry_mismatch;
mod reference_uppercase;
mod reusable_workflow_outside;
mod secret_fallback;
mod workflow_missing_packages_write;

pub use fork_or_dependabot_readonly::is_fork_guard;

/// A rule: reads one analysed workflow (and, for reusable workflows, the repository) and
/// adds its findings.
type Rule = fn(&Analysis<'_>, &Repo<'_>, &mut Vec<Finding>);

/// Every rule, in the order its findings are listed.
pub const RULES: &[(&str, Rule)] = &[
    (
        "workflow-missing-packages-write",
        workflow_missing_packages_write::check,
    ),
    (
        "fork-or-dependabot-readonly",
        fork_or_dependabot_readonly::check,
    ),
    ("login-missing", login_missing::check),
    ("login-registry-mismatch", login_registry_mismatch::check),
    ("reference-uppercase", reference_uppercase::check),
    ("hardcoded-credential", hardcoded_credential::check),
    ("secret-fallback", secret_fallback::check),
    (
        "reusable-workflow-outside",
        reusable_workflow_outside::check,
    ),
    (
        "image-source-label-missing",
        image_source_label_missing::check,
    ),
];

/// Builds a finding of `check` at `mark`, with the cause of the same id and the source line
/// as a snippet (credentials on it masked; `mask` masks the marked text itself too).
pub(crate) fn finding(
    an: &Analysis<'_>,
    check: &str,
    status: Status,
    target: String,
    mark: Mark,
    message: String,
    mask: bool,
) -> Finding {
    Finding::new(check, status, target, message)
        .with_cause(check)
        .with_location(Location {
            file: Some(an.wf.file.to_owned()),
            line: Some(mark.line),
            column: Some(mark.col),
            end_column: Some(mark.end_col),
        })
        .with_evidence("snippet", {
            let mut secrets = an.secrets.clone();
            if mask {
                secrets.push(mark);
            }
            an.wf.source.snippet(mark, &secrets)
        })
}

/// `jobs.<id>`, the target of a job's findings.
pub(crate) fn job_target(job: &str) -> String {
    format!("jobs.{job}")
}
