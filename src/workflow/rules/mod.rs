//! The workflow rules, one file each; every rule id is also a cause id in the catalog.

use crate::evidence::Fact;
use crate::finding::{CauseId, Check, Finding, Location, Status};

use super::Analysis;
use super::Repo;
use super::source::Mark;

pub(crate) mod fork_or_dependabot_readonly;
pub(crate) mod hardcoded_credential;
pub(crate) mod image_source_label_missing;
pub(crate) mod login_missing;
pub(crate) mod login_registry_mismatch;
pub(crate) mod reference_uppercase;
pub(crate) mod reusable_workflow_outside;
pub(crate) mod secret_fallback;
pub(crate) mod workflow_missing_packages_write;

pub use fork_or_dependabot_readonly::is_fork_guard;

/// A rule: reads one analysed workflow (and, for reusable workflows, the repository) and
/// adds its findings.
type Rule = fn(&Analysis<'_>, &Repo<'_>, &mut Vec<Finding>);

/// Every rule, in the order its findings are listed.
pub const RULES: &[(Check, Rule)] = &[
    (
        workflow_missing_packages_write::CHECK,
        workflow_missing_packages_write::check,
    ),
    (
        fork_or_dependabot_readonly::CHECK,
        fork_or_dependabot_readonly::check,
    ),
    (login_missing::CHECK, login_missing::check),
    (
        login_registry_mismatch::CHECK,
        login_registry_mismatch::check,
    ),
    (reference_uppercase::CHECK, reference_uppercase::check),
    (hardcoded_credential::CHECK, hardcoded_credential::check),
    (secret_fallback::CHECK, secret_fallback::check),
    (
        reusable_workflow_outside::CHECK,
        reusable_workflow_outside::check,
    ),
    (
        image_source_label_missing::CHECK,
        image_source_label_missing::check,
    ),
];

/// Builds a finding of `check` at `mark`, with the cause of the same id and the source line
/// as a snippet (credentials on it masked; `mask` masks the marked text itself too).
pub(crate) fn finding(
    an: &Analysis<'_>,
    (check, cause): (&Check, CauseId),
    status: Status,
    target: String,
    mark: Mark,
    message: String,
    mask: bool,
) -> Finding {
    Finding::caused(check, status, cause, target, message)
        .with_location(Location {
            file: Some(an.wf.file.to_owned()),
            line: Some(mark.line),
            column: Some(mark.col),
            end_column: Some(mark.end_col),
        })
        .with_evidence(Fact::snippet({
            let mut secrets = an.secrets.clone();
            if mask {
                secrets.push(mark);
            }
            an.wf.source.snippet(mark, &secrets)
        }))
}

/// `jobs.<id>`, the target of a job's findings.
pub(crate) fn job_target(job: &str) -> String {
    format!("jobs.{job}")
}
