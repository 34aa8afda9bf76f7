//! `ghcr-doctor` with no arguments, inside a git repository: lint `.github/workflows`, find
//! the ghcr.io images those workflows push (expressions resolved from the repository and
//! lowercased), and merge `check`'s report on them into one report.

use std::path::Path;

use serde_json::{Value, json};

use crate::catalog::CauseId;
use crate::credentials::Env;
use crate::finding::{Finding, Location, Outcome, Report, Status};
use crate::github::{self, repo_locator};
use crate::reference::Reference;
use crate::{project, t, tl, workflow};

/// The check of the findings about what was found in the repository.
pub use crate::project::CHECK;

/// What the repository at `root` pushes: the report so far (the workflow lint, what was
/// found and what could not be resolved) and the images to check.
pub struct Project {
    pub report: Report,
    pub images: Vec<String>,
}

/// Lints the repository's workflows and resolves the images they push.
pub fn project(root: &Path, env: &Env) -> Result<Project, workflow::WorkflowError> {
    let mut report = Report::new("auto");
    let workflows = root.join(project::WORKFLOWS);
    let mut pushed = Vec::new();
    if workflows.is_dir() {
        let paths = [workflows.clone()];
        let lint = workflow::check(&paths)?;
        report.findings.extend(lint.findings);
        pushed = workflow::pushed_images(&paths)?;
    } else {
        report.push(Finding::new(
            &CHECK,
            Outcome::Skip,
            root.display().to_string(),
            t!("auto.no-workflows", path = workflows.display()),
        ));
    }
    let api = github::api_url(None, env);
    let web_host = github::web_host(&api).unwrap_or_else(|| "github.com".to_owned());
    let located = repo_locator::locate(&repo_locator::Sources {
        env: Some(env),
        dir: Some(root),
        web_host: &web_host,
        ..repo_locator::Sources::default()
    })
    .ok()
    .flatten();
    let repo = located.as_ref().map(|l| &l.repo);
    // The lines whose image keeps the repository's capitals: the workflow rule's warnings
    // there become one failure per image below.
    let cased_lines: Vec<(String, usize)> = pushed
        .iter()
        .filter(|p| {
            project::resolve_cased(&p.raw, repo, p.lowercased).is_some_and(|i| {
                Reference::parse(&i).is_err_and(|e| e.cause == CauseId::ReferenceUppercase)
            })
        })
        .map(|p| (p.file.clone(), p.line))
        .collect();
    let resolved = project::resolve_all(pushed, repo);
    let mut images = Vec::new();
    let mut rows = Vec::new();
    // A name the repository's capitals make invalid is what the workflow really pushes: it
    // fails at the workflow line, and no lowercased stand-in is probed.
    let uppercase = crate::register::check(CauseId::ReferenceUppercase.as_str());
    for r in &resolved {
        rows.push(json!({
            "file": r.pushed.file, "line": r.pushed.line, "job": r.pushed.job,
            "raw": r.pushed.raw, "image": r.image,
        }));
        let cased = r.image.as_deref().and_then(|i| match Reference::parse(i) {
            Err(e) if e.cause == CauseId::ReferenceUppercase => Some(i),
            _ => None,
        });
        if let (Some(image), Some(check)) = (cased, uppercase) {
            // The workflow rule's warnings about the same image become this failure.
            report.findings.retain(|f| {
                !(f.check == check.id
                    && f.status != Status::Fail
                    && f.location.as_ref().is_some_and(|l| {
                        cased_lines.iter().any(|(file, line)| {
                            l.file.as_deref() == Some(file.as_str()) && l.line == Some(*line)
                        })
                    }))
            });
            report.push(
                Finding::new(
                    check,
                    Outcome::Fail(CauseId::ReferenceUppercase),
                    image,
                    t!(
                        "auto.uppercase",
                        job = r.pushed.job,
                        image = image,
                        raw = r.pushed.raw,
                        repo = repo.map_or_else(|| t!("auto.repo-unknown"), ToString::to_string)
                    ),
                )
                .with_fix(tl!("auto.uppercase-fix"))
                .with_location(Location {
                    file: Some(r.pushed.file.clone()),
                    line: Some(r.pushed.line),
                    column: None,
                    end_column: None,
                }),
            );
            continue;
        }
        match &r.image {
            Some(image) => images.push(image.clone()),
            None => report.push(
                Finding::new(
                    &CHECK,
                    Outcome::Skip,
                    r.pushed.raw.as_str(),
                    t!("auto.unresolved", raw = r.pushed.raw, job = r.pushed.job),
                )
                .with_location(Location {
                    file: Some(r.pushed.file.clone()),
                    line: Some(r.pushed.line),
                    column: None,
                    end_column: None,
                }),
            ),
        }
    }
    let summary = if images.is_empty() {
        Finding::new(
            &CHECK,
            Outcome::Skip,
            root.display().to_string(),
            t!("auto.none-found"),
        )
        .with_fix(tl!("auto.none-found-fix"))
    } else {
        Finding::new(
            &CHECK,
            Outcome::Info,
            root.display().to_string(),
            t!(
                "auto.found",
                count = images.len(),
                images = images.join(", "),
                repo = repo.map_or_else(|| t!("auto.repo-unknown"), ToString::to_string)
            ),
        )
    };
    report.findings.insert(0, summary);
    report.extra.insert("images".into(), Value::Array(rows));

    Ok(Project { report, images })
}

/// Adds `check`'s report on the images to the project's report.
pub fn merge(report: &mut Report, checked: Report) {
    report.findings.extend(checked.findings);
    for (k, v) in checked.extra {
        report.extra.entry(k).or_insert(v);
    }
    report.outputs.extend(checked.outputs);
}
