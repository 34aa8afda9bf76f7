//! Fix for `workflow-missing-packages-write` (safe): give the pushing job `packages: write`,
//! in its own `permissions:` block when it has one, else in a new block for that job alone.
//! `read-all` is never widened silently: it becomes its scopes at `read`, plus
//! `packages: write`, and the note says so.

use crate::finding::Finding;
use crate::t;
use crate::workflow::yaml::{Node, Value};

use super::doc::{Doc, quoted};
use super::{Answer, Edit, Options, by_job, plan, refuse};

const ID: &str = "workflow-missing-packages-write";

/// The scopes `read-all` grants at `read` (GitHub's documented `permissions` keys that take
/// `read`); `packages` is left out, it gets `write`.
const READ_ALL: &[&str] = &[
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "issues",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
];

pub(super) fn fix(doc: &Doc<'_>, findings: &[&Finding], _: &Options) -> Vec<(String, Answer)> {
    let mut out = Vec::new();
    for (job, fs) in by_job(findings) {
        let Some(f) = fs.first() else { continue };
        out.push(fix_job(doc, &job, f));
    }
    out
}

fn fix_job(doc: &Doc<'_>, id: &str, f: &Finding) -> (String, Answer) {
    let Some((job_key, job)) = doc.job(id) else {
        return refuse(f, t!("workflow.fix.refuse.no-job", job = id));
    };
    if doc.borrowed(job_key, job) {
        let what = t!("workflow.fix.what.job");
        return refuse(f, t!("workflow.fix.refuse.alias", what = what));
    }
    if let Some((key, value)) = job.entry("permissions") {
        return own_block(doc, id, f, key, value);
    }
    let scopes: Vec<(String, String)> = match doc.root.entry("permissions") {
        None => vec![
            ("contents".into(), "read".into()),
            ("packages".into(), "write".into()),
        ],
        Some((key, value)) => match inherited(doc, key, value) {
            Ok(scopes) => scopes,
            Err(reason) => return refuse(f, reason),
        },
    };
    let message = match doc.root.entry("permissions") {
        None => t!("workflow.fix.packages.new-block", job = id),
        Some((_, v)) if v.as_str() == Some("read-all") => {
            t!("workflow.fix.packages.read-all-workflow", job = id)
        }
        Some(_) => t!("workflow.fix.packages.copied-block", job = id),
    };
    match new_block(doc, job_key, job, &scopes) {
        Ok(edit) => plan(ID, f, message, vec![edit]),
        Err(reason) => refuse(f, reason),
    }
}

/// The job's own block gets `packages: write`.
fn own_block(doc: &Doc<'_>, id: &str, f: &Finding, key: &Node, value: &Node) -> (String, Answer) {
    let from = doc.offset(key.span.start);
    let to = doc.line_end(doc.last_line(value));
    let what = t!("workflow.fix.what.permissions", job = id);
    if doc.is_alias(key, value) || doc.has_alias(from, to) {
        return refuse(f, t!("workflow.fix.refuse.alias", what = what));
    }
    match &value.value {
        Value::Scalar(s) if s.trim() == "read-all" => {
            let Some(text) = doc.scalar(value) else {
                return refuse(f, t!("workflow.fix.refuse.layout", what = what));
            };
            // `permissions: read-all` becomes `permissions:` (a comment after it stays) and
            // one line per scope under it.
            let Some(colon) = doc.text[..text.start].rfind(':') else {
                return refuse(f, t!("workflow.fix.refuse.layout", what = what));
            };
            if doc.line_of(colon) != doc.line_of(text.start) {
                return refuse(f, t!("workflow.fix.refuse.layout", what = what));
            }
            let base = key.span.start.col - 1;
            let lines: Vec<String> = read_all()
                .iter()
                .map(|(k, v)| format!("{}{k}: {v}", doc.pad(base, 1)))
                .collect();
            let (at, lead) = doc.after_line(doc.line_of(text.start));
            plan(
                ID,
                f,
                t!("workflow.fix.packages.read-all", job = id),
                vec![
                    Edit {
                        start: colon + 1,
                        end: text.end,
                        text: String::new(),
                    },
                    Edit::insert(at, format!("{lead}{}", doc.lines(&lines))),
                ],
            )
        }
        Value::Scalar(s) if s.contains("${{") => {
            refuse(f, t!("workflow.fix.refuse.expression", what = what))
        }
        Value::Scalar(s) => refuse(
            f,
            t!("workflow.fix.refuse.permissions-value", value = s.trim()),
        ),
        Value::Null | Value::Seq(_) => refuse(f, t!("workflow.fix.refuse.layout", what = what)),
        Value::Map(entries) => {
            if let Some((_, current)) = entries.iter().find(|(k, _)| k.as_str() == Some("packages"))
            {
                let Some(text) = doc.scalar(current) else {
                    return refuse(f, t!("workflow.fix.refuse.layout", what = what));
                };
                return plan(
                    ID,
                    f,
                    t!(
                        "workflow.fix.packages.raised",
                        job = id,
                        from = current.as_str().unwrap_or_default()
                    ),
                    vec![Edit {
                        start: text.start,
                        end: text.end,
                        text: quoted("write", text.style),
                    }],
                );
            }
            let message = t!("workflow.fix.packages.added", job = id);
            if doc.is_flow(value) {
                if value.span.start.line != value.span.end.line {
                    return refuse(f, t!("workflow.fix.refuse.flow-multiline", what = what));
                }
                let close = doc.offset(value.span.end);
                if doc.text.get(close..close + 1) != Some("}") {
                    return refuse(f, t!("workflow.fix.refuse.layout", what = what));
                }
                let text = if entries.is_empty() {
                    "packages: write"
                } else {
                    ", packages: write"
                };
                return plan(
                    ID,
                    f,
                    message,
                    vec![Edit {
                        start: close,
                        end: close,
                        text: text.into(),
                    }],
                );
            }
            let Some((first, _)) = entries.first() else {
                return refuse(f, t!("workflow.fix.refuse.layout", what = what));
            };
            if doc.indent(first.span.start.line) != first.span.start.col - 1 {
                return refuse(f, t!("workflow.fix.refuse.layout", what = what));
            }
            let (at, lead) = doc.after_line(doc.last_line(value));
            let line = format!("{}packages: write", " ".repeat(first.span.start.col - 1));
            plan(
                ID,
                f,
                message,
                vec![Edit::insert(at, format!("{lead}{}", doc.lines(&[line])))],
            )
        }
    }
}

fn read_all() -> Vec<(String, String)> {
    let mut scopes: Vec<(String, String)> = READ_ALL
        .iter()
        .map(|s| ((*s).to_owned(), "read".to_owned()))
        .collect();
    let at = scopes
        .iter()
        .position(|(k, _)| k.as_str() > "packages")
        .unwrap_or(scopes.len());
    scopes.insert(at, ("packages".into(), "write".into()));
    scopes
}

/// The scopes a new job block copies from the workflow's block, with `packages: write`.
fn inherited(doc: &Doc<'_>, key: &Node, value: &Node) -> Result<Vec<(String, String)>, String> {
    let what = t!("workflow.fix.what.workflow-permissions");
    let from = doc.offset(key.span.start);
    let to = doc.line_end(doc.last_line(value));
    if doc.is_alias(key, value) || doc.has_alias(from, to) {
        return Err(t!("workflow.fix.refuse.alias", what = what));
    }
    match &value.value {
        Value::Scalar(s) if s.trim() == "read-all" => Ok(read_all()),
        Value::Scalar(s) if s.contains("${{") => {
            Err(t!("workflow.fix.refuse.expression", what = what))
        }
        Value::Scalar(s) => Err(t!(
            "workflow.fix.refuse.permissions-value",
            value = s.trim()
        )),
        Value::Map(entries) => {
            if doc.is_flow(value) && value.span.start.line != value.span.end.line {
                return Err(t!("workflow.fix.refuse.flow-multiline", what = what));
            }
            let mut scopes = Vec::new();
            for (k, v) in entries {
                let (Some(name), Some(text)) = (k.as_str(), doc.scalar(v)) else {
                    return Err(t!("workflow.fix.refuse.layout", what = what));
                };
                let written = if name == "packages" {
                    "write".to_owned()
                } else {
                    doc.text[text.start..text.end].to_owned()
                };
                scopes.push((name.to_owned(), written));
            }
            if !scopes.iter().any(|(k, _)| k == "packages") {
                scopes.push(("packages".into(), "write".into()));
            }
            Ok(scopes)
        }
        Value::Null | Value::Seq(_) => Err(t!("workflow.fix.refuse.layout", what = what)),
    }
}

/// Inserts `permissions:` with `scopes` into a job: after its `runs-on:` line when that is
/// one line, else before its first key.
fn new_block(
    doc: &Doc<'_>,
    job_key: &Node,
    job: &Node,
    scopes: &[(String, String)],
) -> Result<Edit, String> {
    let what = t!("workflow.fix.what.job");
    let Some((first, _)) = job.map().first() else {
        return Err(t!("workflow.fix.refuse.layout", what = what));
    };
    if doc.is_flow(job) || doc.indent(first.span.start.line) != first.span.start.col - 1 {
        return Err(t!("workflow.fix.refuse.layout", what = what));
    }
    let base = first.span.start.col - 1;
    let mut lines = vec![format!("{}permissions:", " ".repeat(base))];
    lines.extend(scopes.iter().map(|(k, v)| {
        format!(
            "{}{k}: {v}",
            " ".repeat(base + doc.unit_below(job_key, first))
        )
    }));
    let text = doc.lines(&lines);
    let runs_on = job
        .entry("runs-on")
        .filter(|(k, v)| doc.last_line(v) == k.span.start.line && !v.is_null());
    Ok(match runs_on {
        Some((k, _)) => {
            let (at, lead) = doc.after_line(k.span.start.line);
            Edit::insert(at, format!("{lead}{text}"))
        }
        None => {
            let at = doc.line_start(first.span.start.line);
            Edit::insert(at, text)
        }
    })
}
