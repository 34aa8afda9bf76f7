//! One diagnosis per failed job: the cause from its log (the same engine as `explain FILE`),
//! refined by what the run says (event, actor, a fork's head repository) and by the lint of
//! the workflow file at the run's commit, pointing at both places: the log line and the
//! workflow line to change.

use std::io::Cursor;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::api::{Job, Log, Run, RunError};
use super::locate::RunRef;
use crate::evidence::{self, Fact, Key, WorkflowAt};
use crate::explain::{self, Explanation, Signal};
use crate::finding::{Finding, Location, Outcome, Report, Status};
use crate::github::RepoName;
use crate::t;
use crate::workflow::{self, source::Source, yaml};

crate::finding::check_meta!(
    /// The check of run-level findings (a failed job whose log names no registry error, a
    /// log or workflow file that could not be read).
    pub CHECK = "explain-run", docs: "explain.md", messages: "run"
);

/// Causes that, on a fork pull request or a Dependabot run, come from the read-only token
/// and the empty secrets GitHub gives those runs.
const READ_ONLY_SYMPTOMS: &[&str] = &[
    "registry-denied",
    "registry-unauthorized",
    "workflow-missing-packages-write",
    "secret-empty",
    "no-credentials",
    "login-non-interactive",
    "token-missing-scope",
    "package-access-not-granted",
    "fork-or-dependabot-readonly",
];

/// Causes a job without `packages: write` produces, when the workflow shows the job lacks it.
const PACKAGES_WRITE_SYMPTOMS: &[&str] = &[
    "registry-denied",
    "registry-unauthorized",
    "token-missing-scope",
    "package-access-not-granted",
    "workflow-missing-packages-write",
];

const READ_ONLY: &str = "fork-or-dependabot-readonly";
const PACKAGES_WRITE: &str = "workflow-missing-packages-write";

/// What the run says about its token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunContext {
    pub event: String,
    pub actor: String,
    /// A pull request from another repository (a fork).
    pub fork: bool,
    /// Triggered by Dependabot.
    pub dependabot: bool,
}

impl RunContext {
    pub fn of(run: &Run, repo: &RepoName) -> RunContext {
        let actor = run
            .actor
            .as_ref()
            .map(|a| a.login.clone())
            .unwrap_or_default();
        let triggering = run
            .triggering_actor
            .as_ref()
            .map(|a| a.login.as_str())
            .unwrap_or_default();
        let base = run
            .repository
            .as_ref()
            .map(|r| r.full_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| repo.to_string());
        let head = run
            .head_repository
            .as_ref()
            .map(|r| r.full_name.as_str())
            .unwrap_or_default();
        let pr = run.event.starts_with("pull_request") && run.event != "pull_request_target";
        let fork = pr && !head.is_empty() && !head.eq_ignore_ascii_case(&base);
        let dependabot = [actor.as_str(), triggering]
            .iter()
            .any(|a| a.eq_ignore_ascii_case("dependabot[bot]"))
            || (pr
                && run
                    .head_branch
                    .as_deref()
                    .is_some_and(|b| b.starts_with("dependabot/")));
        RunContext {
            event: run.event.clone(),
            actor,
            fork,
            dependabot,
        }
    }

    /// True when GitHub gave the run a read-only token and no secrets.
    pub fn read_only(&self) -> bool {
        self.fork || self.dependabot
    }
}

/// One job of the workflow file, where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowJob {
    pub id: String,
    pub name: Option<String>,
    pub line: usize,
    pub column: usize,
}

/// The workflow file at the run's commit, linted.
#[derive(Debug, Clone)]
pub struct WorkflowLint {
    /// The path in the repository (`.github/workflows/ci.yml`).
    pub file: String,
    pub jobs: Vec<WorkflowJob>,
    pub findings: Vec<Finding>,
}

impl WorkflowLint {
    /// Lints `text` as the repository's `path`. The file is written to a private temporary
    /// repository so that the lint sees it where GitHub does.
    pub fn new(path: &str, text: &str) -> Result<WorkflowLint, String> {
        let file = path.trim_start_matches("./").to_owned();
        let name = std::path::Path::new(&file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| t!("run.workflow.no-file-name", path = path))?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let workflows = dir.path().join(".github").join("workflows");
        std::fs::create_dir_all(&workflows).map_err(|e| e.to_string())?;
        let on_disk: PathBuf = workflows.join(&name);
        std::fs::write(&on_disk, text).map_err(|e| e.to_string())?;
        let report = workflow::check(std::slice::from_ref(&on_disk)).map_err(|e| e.to_string())?;
        let shown = format!(".github/workflows/{name}");
        let findings = report
            .findings
            .into_iter()
            .map(|mut f| {
                if let Some(loc) = f.location.as_mut()
                    && loc.file.as_deref() == Some(shown.as_str())
                {
                    loc.file = Some(file.clone());
                }
                if f.target == shown {
                    f.target = file.clone();
                }
                f
            })
            .collect();
        Ok(WorkflowLint {
            jobs: jobs_of(text),
            file,
            findings,
        })
    }

    /// The workflow job an API job name stands for: its `name:` or id, without the matrix
    /// suffix (`build (ubuntu-latest, 20)`) or the called workflow's part (`caller / job`).
    pub fn job(&self, api_name: &str) -> Option<&WorkflowJob> {
        let head = api_name.split(" / ").next().unwrap_or(api_name).trim();
        let find = |n: &str| {
            self.jobs
                .iter()
                .find(|j| j.name.as_deref() == Some(n))
                .or_else(|| self.jobs.iter().find(|j| j.id == n))
        };
        find(head).or_else(|| {
            let base = head.rsplit_once(" (").map(|(b, _)| b)?;
            find(base.trim())
        })
    }

    /// The lint's failing finding with `cause` for job `id`.
    fn finding_for(&self, id: &str, cause: &str) -> Option<&Finding> {
        let target = format!("jobs.{id}");
        self.findings.iter().find(|f| {
            f.status == Status::Fail && f.cause.as_deref() == Some(cause) && f.target == target
        })
    }
}

/// Every job of a workflow text with where its key is.
fn jobs_of(text: &str) -> Vec<WorkflowJob> {
    let Ok(docs) = yaml::parse(text) else {
        return Vec::new();
    };
    let source = Source::new(text.to_owned());
    let Some(jobs) = docs.first().and_then(|d| d.get("jobs")) else {
        return Vec::new();
    };
    jobs.map()
        .iter()
        .filter_map(|(k, v)| {
            let id = k.as_str()?.to_owned();
            let mark = source.mark_pos(k.span.start);
            Some(WorkflowJob {
                id,
                name: v
                    .get("name")
                    .and_then(yaml::Node::as_str)
                    .map(str::to_owned),
                line: mark.line,
                column: mark.col,
            })
        })
        .collect()
}

/// Everything read about one run.
#[derive(Debug)]
pub struct RunData {
    pub run_ref: RunRef,
    pub run: Run,
    pub jobs: Vec<Job>,
    /// The logs of the failed jobs, by job id.
    pub logs: Vec<(u64, Result<Log, RunError>)>,
    /// The workflow file, linted; `None` when the run names none (GitHub's dynamic runs).
    pub workflow: Option<Result<WorkflowLint, String>>,
}

/// The report for a run: one finding per failed job, plus notes for what could not be read.
pub fn report(data: &RunData) -> Report {
    let ctx = RunContext::of(&data.run, &data.run_ref.repo);
    let mut report = Report::new(explain::CHECK);
    let lint = data.workflow.as_ref().and_then(|w| w.as_ref().ok());
    let run_label = t!("run.label", id = data.run.id);
    if let Some(Err(e)) = &data.workflow {
        report.push(Finding::new(
            &CHECK,
            Outcome::Warn,
            run_label.clone(),
            t!(
                "run.workflow.unreadable",
                path = data.run.path.as_deref().unwrap_or_default(),
                error = e
            ),
        ));
    }
    let failed: Vec<&Job> = data.jobs.iter().filter(|j| j.failed()).collect();
    if failed.is_empty() {
        report.push(Finding::new(
            &CHECK,
            Outcome::Info,
            run_label.clone(),
            t!("run.no-failed-jobs", count = data.jobs.len()),
        ));
    }
    for job in failed {
        let log = data
            .logs
            .iter()
            .find(|(id, _)| *id == job.id)
            .map(|(_, l)| l);
        for f in job_findings(data, &ctx, lint, job, log) {
            report.push(f);
        }
    }
    report.extra.insert("run".into(), run_json(data, &ctx));
    report
}

fn run_json(data: &RunData, ctx: &RunContext) -> Value {
    let run = &data.run;
    let jobs: Vec<Value> = data
        .jobs
        .iter()
        .map(|j| {
            json!({
                "id": j.id,
                "name": j.name,
                "status": j.status,
                "conclusion": j.conclusion,
                "log_read": data.logs.iter().any(|(id, l)| *id == j.id && l.is_ok()),
            })
        })
        .collect();
    json!({
        "id": run.id,
        "repository": data.run_ref.repo.to_string(),
        "attempt": data.run_ref.attempt.or(run.run_attempt),
        "url": run.html_url,
        "workflow": run.path,
        "head_commit": short_sha(&run.head_sha),
        "head_branch": run.head_branch,
        "event": run.event,
        "actor": ctx.actor,
        "fork": ctx.fork,
        "dependabot": ctx.dependabot,
        "jobs": jobs,
    })
}

/// The findings for one failed job.
fn job_findings(
    data: &RunData,
    ctx: &RunContext,
    lint: Option<&WorkflowLint>,
    job: &Job,
    log: Option<&Result<Log, RunError>>,
) -> Vec<Finding> {
    let target = t!("run.job-target", run = data.run.id, job = job.name);
    let step = job.failed_step().map(|s| s.name.clone());
    let log = match log {
        Some(Ok(log)) => log,
        Some(Err(e)) => {
            return vec![
                Finding::new(
                    &CHECK,
                    Outcome::Warn,
                    target,
                    t!("run.log-unreadable", job = job.name, error = e),
                )
                .with_evidence(Fact::job_id(job.id)),
            ];
        }
        None => return Vec::new(),
    };
    let scan = match explain::scan(Cursor::new(&log.bytes)) {
        Ok(scan) => scan,
        Err(e) => {
            return vec![Finding::new(
                &CHECK,
                Outcome::Warn,
                target,
                t!("run.log-unreadable", job = job.name, error = e),
            )];
        }
    };
    let wf_job = lint.and_then(|l| l.job(&job.name));
    let Some(first) = scan.explanations.first() else {
        let mut f = Finding::new(
            &CHECK,
            Outcome::Info,
            target.clone(),
            match &step {
                Some(step) => t!("run.no-cause-step", job = job.name, step = step),
                None => t!("run.no-cause", job = job.name),
            },
        )
        .with_evidence(Fact::log(log_json(job, None, log)));
        if let (Some(l), Some(j)) = (lint, wf_job) {
            f = f.with_location(job_location(l, j));
        }
        let mut out = vec![f];
        out.extend(recovered_findings(&scan, &target));
        return out;
    };
    let mut out = Vec::new();
    for (i, e) in scan.explanations.iter().enumerate() {
        let (decided, decided_by) = if i == 0 {
            refine(first, ctx, lint, wf_job)
        } else {
            (e.clone(), Vec::new())
        };
        let mut f = explain::finding(&decided, Some(&target));
        f.target = target.clone();
        f.message = t!(
            "run.finding",
            job = job.name,
            line = decided.line,
            message = f.message
        );
        if let Some(step) = &step {
            f = f.with_evidence(Fact::step(step.clone()));
        }
        f = f.with_evidence(Fact::log(log_json(job, Some(&decided), log)));
        if !decided_by.is_empty() {
            f = f.with_evidence(Fact::decided_by(decided_by));
        }
        // Where to change: the lint's finding for this cause and job, else the job itself.
        let lint_finding = lint
            .zip(wf_job)
            .and_then(|(l, j)| l.finding_for(&j.id, &decided.cause));
        match (lint, wf_job, lint_finding) {
            (_, _, Some(lf)) => {
                if let Some(loc) = lf.location.clone() {
                    f = f.with_location(loc);
                }
                let mut fix = lf.fix.clone();
                for step in &f.fix {
                    if !fix.contains(step) {
                        fix.push(step.clone());
                    }
                }
                f.fix = fix;
                if let Some(snippet) = lf.evidence.get(Key::Snippet) {
                    f = f.with_evidence(snippet.clone());
                }
            }
            (Some(l), Some(j), None) => f = f.with_location(job_location(l, j)),
            _ => f.location = None,
        }
        if let Some(l) = lint {
            f = f.with_evidence(Fact::workflow(workflow_json(l, wf_job, &data.run.head_sha)));
        }
        out.push(f);
    }
    out.extend(recovered_findings(&scan, &target));
    out
}

/// The job's failures that a later retry recovered: `info` findings after its causes, as
/// `explain` shows them for a log (they name no cause).
fn recovered_findings<'a>(
    scan: &'a explain::Scan,
    target: &'a str,
) -> impl Iterator<Item = Finding> + 'a {
    scan.recovered.iter().map(move |r| {
        let mut f = r.finding(None);
        f.target = target.to_owned();
        f.location = None;
        f
    })
}

/// The first cause, refined by the run and the workflow; also says what decided it.
fn refine(
    e: &Explanation,
    ctx: &RunContext,
    lint: Option<&WorkflowLint>,
    job: Option<&WorkflowJob>,
) -> (Explanation, Vec<String>) {
    let mut e = e.clone();
    let mut decided_by = Vec::new();
    let promote = |e: &mut Explanation, cause: &str| {
        if e.cause == cause {
            return;
        }
        let previous = std::mem::replace(&mut e.cause, cause.to_owned());
        e.alternatives.retain(|a| a != cause);
        e.alternatives.insert(0, previous);
    };
    if ctx.read_only() && READ_ONLY_SYMPTOMS.contains(&e.cause.as_str()) {
        promote(&mut e, READ_ONLY);
        if ctx.dependabot {
            decided_by.push(format!("run:actor={}", ctx.actor));
            if !e.ranked_by.contains(&Signal::Dependabot) {
                e.ranked_by.push(Signal::Dependabot);
            }
        }
        if ctx.fork {
            decided_by.push(format!("run:event={} from a fork", ctx.event));
            if !e.ranked_by.contains(&Signal::PullRequest) {
                e.ranked_by.push(Signal::PullRequest);
            }
        }
        return (e, decided_by);
    }
    if PACKAGES_WRITE_SYMPTOMS.contains(&e.cause.as_str())
        && let (Some(l), Some(j)) = (lint, job)
        && l.finding_for(&j.id, PACKAGES_WRITE).is_some()
    {
        promote(&mut e, PACKAGES_WRITE);
        decided_by.push(format!("workflow:{PACKAGES_WRITE}"));
    }
    (e, decided_by)
}

/// The first 12 characters of a commit id: enough to name it, and never mistaken for a
/// 40-character token of GitHub's old format by the secret policy.
fn short_sha(sha: &str) -> String {
    sha.chars().take(12).collect()
}

fn job_location(lint: &WorkflowLint, job: &WorkflowJob) -> Location {
    Location {
        file: Some(lint.file.clone()),
        line: Some(job.line),
        column: Some(job.column),
        end_column: Some(job.column + job.id.chars().count()),
    }
}

fn log_json(job: &Job, e: Option<&Explanation>, log: &Log) -> evidence::Log {
    evidence::Log {
        job: job.name.clone(),
        job_id: job.id,
        line: e.map(|e| e.line),
        lines: e.map(|e| e.lines.clone()),
        url: job.html_url.clone(),
        bytes: log.bytes.len(),
        truncated: log.truncated,
    }
}

fn workflow_json(lint: &WorkflowLint, job: Option<&WorkflowJob>, sha: &str) -> WorkflowAt {
    WorkflowAt {
        file: lint.file.clone(),
        git_ref: short_sha(sha).to_owned(),
        job: job.map(|j| j.id.clone()),
        line: job.map(|j| j.line),
        column: job.map(|j| j.column),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::api::{Actor, RepoRef};

    fn repo() -> RepoName {
        RepoName::parse("acme/app").expect("repo")
    }

    #[test]
    fn context_from_the_run() {
        let mut run = Run {
            event: "push".into(),
            actor: Some(Actor {
                login: "octocat".into(),
            }),
            ..Run::default()
        };
        assert!(!RunContext::of(&run, &repo()).read_only());
        run.actor = Some(Actor {
            login: "dependabot[bot]".into(),
        });
        assert!(RunContext::of(&run, &repo()).dependabot);
        run.actor = None;
        run.event = "pull_request".into();
        run.repository = Some(RepoRef {
            full_name: "acme/app".into(),
        });
        run.head_repository = Some(RepoRef {
            full_name: "mallory/app".into(),
        });
        let ctx = RunContext::of(&run, &repo());
        assert!(ctx.fork && !ctx.dependabot);
        run.head_repository = Some(RepoRef {
            full_name: "Acme/App".into(),
        });
        assert!(!RunContext::of(&run, &repo()).fork);
        // pull_request_target runs with the base repository's token and secrets.
        run.event = "pull_request_target".into();
        run.head_repository = Some(RepoRef {
            full_name: "mallory/app".into(),
        });
        assert!(!RunContext::of(&run, &repo()).read_only());
    }

    #[test]
    fn api_job_names_map_to_workflow_jobs() {
        let text = "on: push\njobs:\n  build:\n    runs-on: x\n    steps: []\n  publish:\n    name: Publish image\n    runs-on: x\n    steps: []\n";
        let lint = WorkflowLint {
            file: ".github/workflows/ci.yml".into(),
            jobs: jobs_of(text),
            findings: Vec::new(),
        };
        assert_eq!(lint.job("build").map(|j| j.line), Some(3));
        assert_eq!(
            lint.job("build (ubuntu-latest, 20)").map(|j| j.id.as_str()),
            Some("build")
        );
        assert_eq!(
            lint.job("Publish image").map(|j| (j.id.as_str(), j.line)),
            Some(("publish", 6))
        );
        assert_eq!(
            lint.job("Publish image / push").map(|j| j.id.as_str()),
            Some("publish")
        );
        assert!(lint.job("deploy").is_none());
    }
}
