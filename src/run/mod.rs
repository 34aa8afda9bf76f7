//! A GitHub Actions run as `explain` reads it: from a run, run attempt or job URL (or a run
//! id and a repository) to one diagnosis per failed job, each pointing at the log line and
//! at the workflow line to change.
//!
//! Requests go in three concurrent rounds: the run and its jobs (every page, or the one job
//! of a job URL); then the logs of the **failed** jobs and the workflow file at the run's
//! commit. The logs endpoint answers with a redirect to a short-lived download on another
//! host; [`crate::http`] follows it without the token.

mod api;
pub(crate) mod diagnose;
mod locate;
pub mod token;

use futures_util::future::join_all;

pub use api::{Job, Log, Resource, Run, RunApi, RunError, Step};
pub use diagnose::{CHECK, RunContext, RunData, WorkflowJob, WorkflowLint, report};
pub use locate::{RunRef, RunRefError, looks_like_url, parse_id};

use crate::finding::Report;

/// Reads the run, its failed jobs' logs and its workflow file, and diagnoses each failed
/// job. An error means the run itself could not be read (exit 2); a log or workflow file
/// that cannot be read becomes a note in the report.
pub async fn explain(api: &RunApi, run_ref: &RunRef) -> Result<Report, RunError> {
    let repo = &run_ref.repo;
    let jobs = async {
        match run_ref.job_id {
            Some(id) => api.job(repo, id).await.map(|j| vec![j]),
            None => api.jobs(repo, run_ref.run_id, run_ref.attempt).await,
        }
    };
    let (run, jobs) = futures_util::join!(api.run(repo, run_ref.run_id), jobs);
    let (run, jobs) = (run?, jobs?);

    let failed: Vec<u64> = jobs.iter().filter(|j| j.failed()).map(|j| j.id).collect();
    let logs = join_all(
        failed
            .iter()
            .map(|id| async move { (*id, api.log(repo, *id).await) }),
    );
    let workflow_path = run
        .path
        .as_deref()
        .map(|p| p.split('@').next().unwrap_or(p).to_owned())
        .filter(|p| p.starts_with(".github/workflows/"));
    let workflow = async {
        match (&workflow_path, failed.is_empty()) {
            (Some(path), false) => Some(
                api.workflow_file(repo, path, &run.head_sha)
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|text| WorkflowLint::new(path, &text)),
            ),
            _ => None,
        }
    };
    let (logs, workflow) = futures_util::join!(logs, workflow);
    Ok(report(&RunData {
        run_ref: run_ref.clone(),
        run,
        jobs,
        logs,
        workflow,
    }))
}
