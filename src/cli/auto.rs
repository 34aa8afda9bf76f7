//! `ghcr-doctor` with no arguments. Inside a git repository: lint `.github/workflows`, find
//! the ghcr.io images those workflows push (expressions resolved from the repository and
//! lowercased), and run `check` on them with the discovered credential, as one report.
//! Outside a repository: a short usage with examples.

use std::process::ExitCode;

use ghcr_doctor::catalog::CauseId;
use ghcr_doctor::credentials::Env;
use ghcr_doctor::finding::{Finding, Outcome};
use ghcr_doctor::github::{self, repo_locator};
use ghcr_doctor::reference::Reference;
use ghcr_doctor::report::Report;
use ghcr_doctor::{project, t, tl, workflow};
use serde_json::{Value, json};

use super::output::{self, GlobalArgs};

/// The check id of the findings about what was found in the repository.
use ghcr_doctor::project::CHECK;

pub(crate) fn run(global: &GlobalArgs) -> ExitCode {
    let Ok(cwd) = std::env::current_dir() else {
        return usage();
    };
    let Some(root) = project::git_root(&cwd) else {
        return usage();
    };
    let env = Env::from_process();
    let mut report = Report::new("auto");
    let workflows = root.join(project::WORKFLOWS);
    let mut pushed = Vec::new();
    if workflows.is_dir() {
        let paths = [workflows.clone()];
        match workflow::check(&paths) {
            Ok(lint) => report.findings.extend(lint.findings),
            Err(e) => return output::usage_error(&e.to_string()),
        }
        match workflow::pushed_images(&paths) {
            Ok(p) => pushed = p,
            Err(e) => return output::usage_error(&e.to_string()),
        }
    } else {
        report.push(Finding::new(
            &CHECK,
            Outcome::Skip,
            root.display().to_string(),
            t!("auto.no-workflows", path = workflows.display()),
        ));
    }

    let api = github::api_url(None, &env);
    let web_host = github::web_host(&api).unwrap_or_else(|| "github.com".to_owned());
    let located = repo_locator::locate(&repo_locator::Sources {
        env: Some(&env),
        dir: Some(&root),
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
    let uppercase = ghcr_doctor::register::check(CauseId::ReferenceUppercase.as_str());
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
                    && f.status != ghcr_doctor::finding::Status::Fail
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
                .with_location(ghcr_doctor::finding::Location {
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
                .with_location(ghcr_doctor::finding::Location {
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

    if !images.is_empty() {
        let args = match super::check::Args::for_images(&images) {
            Ok(a) => a,
            Err(e) => return output::usage_error(&e.to_string()),
        };
        match super::check::report(args, global) {
            Ok(checked) => {
                report.findings.extend(checked.findings);
                for (k, v) in checked.extra {
                    report.extra.entry(k).or_insert(v);
                }
                report.outputs.extend(checked.outputs);
            }
            Err(code) => return code,
        }
    }
    output::emit(&report, global)
}

/// Outside a repository: what the tool does and how to start.
fn usage() -> ExitCode {
    println!("{}", t!("auto.usage"));
    ExitCode::from(super::EXIT_ERROR)
}
