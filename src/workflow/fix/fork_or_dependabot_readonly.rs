//! Fix for `fork-or-dependabot-readonly` (changes behaviour, `--fix=all`): pushes stop on
//! pull requests from forks and from Dependabot. docker/build-push-action and bake-action
//! with `push: true` get `push: ${{ GUARD }}` (the build still runs); other push steps get
//! `if: GUARD`; login steps that use other secrets than the workflow token get the same
//! `if:` (forks and Dependabot get no secrets); a job that calls a reusable workflow gets a
//! job `if:`. Steps and jobs with an `if:` of their own are left alone: joining two
//! conditions is a choice.

use crate::evidence::{Fact, Key};
use crate::finding::Finding;
use crate::t;
use crate::workflow::yaml::Node;

use super::doc::Doc;
use super::{Answer, Edit, Options, at, plan, refuse};

const ID: &str = "fork-or-dependabot-readonly";

/// False for pull requests from forks and from Dependabot, true otherwise.
pub(crate) const GUARD: &str = "github.event_name != 'pull_request' || (github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]')";

pub(super) fn fix(doc: &Doc<'_>, findings: &[&Finding], _: &Options) -> Vec<(String, Answer)> {
    findings.iter().map(|f| one(doc, f)).collect()
}

fn one(doc: &Doc<'_>, f: &Finding) -> (String, Answer) {
    if matches!(f.evidence.get(Key::Security), Some(Fact::Security(true))) {
        return refuse(f, t!("workflow.fix.fork.target"));
    }
    let job_id = f.target.strip_prefix("jobs.").unwrap_or(&f.target);
    let Some((key, job)) = doc.job(job_id) else {
        return refuse(f, t!("workflow.fix.refuse.no-job", job = job_id));
    };
    let Some((line, _, _)) = at(f) else {
        return refuse(f, t!("workflow.fix.refuse.no-location"));
    };
    let what = t!("workflow.fix.what.job");
    if doc.is_flow(job) {
        return refuse(f, t!("workflow.fix.refuse.layout", what = what));
    }
    let from = doc.offset(job.span.start);
    let to = doc.line_end(doc.last_line(job));
    if doc.borrowed(key, job) || doc.has_alias(from, to) {
        return refuse(f, t!("workflow.fix.refuse.alias", what = what));
    }
    if job.get("uses").is_some() {
        if job.get("if").is_some() {
            return refuse(f, t!("workflow.fix.fork.has-if", line = line));
        }
        return match add_if(doc, job) {
            Some(e) => plan(ID, f, t!("workflow.fix.fork.job-if", job = job_id), vec![e]),
            None => refuse(f, t!("workflow.fix.refuse.layout", what = what)),
        };
    }
    let Some(step) = doc.step_at(job, line) else {
        return refuse(f, t!("workflow.fix.refuse.layout", what = what));
    };
    let mut edits = Vec::new();
    let uses = step.get("uses").and_then(Node::as_str).unwrap_or_default();
    let action = uses.trim().to_ascii_lowercase();
    let push = step.get("with").and_then(|w| w.get("push"));
    let message;
    let mut step_line = None;
    if (action.starts_with("docker/build-push-action") || action.starts_with("docker/bake-action"))
        && let Some(push) = push
        && push.as_str() == Some("true")
        && let Some(text) = doc.scalar(push)
    {
        edits.push(Edit {
            start: text.start,
            end: text.end,
            text: format!("${{{{ {GUARD} }}}}"),
        });
        message = t!("workflow.fix.fork.push", line = push.span.start.line);
    } else {
        if step.get("if").is_some() {
            return refuse(
                f,
                t!("workflow.fix.fork.has-if", line = step.span.start.line),
            );
        }
        let Some(e) = add_if(doc, step) else {
            return refuse(f, t!("workflow.fix.refuse.layout", what = what));
        };
        edits.push(e);
        message = t!("workflow.fix.fork.step-if", line = step.span.start.line);
        step_line = Some(step.span.start.line);
    }
    // Logins before the push that need secrets forks do not get.
    let mut logins = 0;
    for s in job.get("steps").map(Node::seq).unwrap_or_default() {
        if s.span.start >= step.span.start {
            break;
        }
        if needs_secrets(s)
            && s.get("if").is_none()
            && let Some(e) = add_if(doc, s)
        {
            edits.push(e);
            logins += 1;
        }
    }
    let message = match (logins, step_line) {
        (0, _) => message,
        (count, Some(line)) => t!(
            "workflow.fix.fork.step-if-logins",
            line = line,
            count = count
        ),
        (count, None) => format!(
            "{message} ({})",
            t!("workflow.fix.fork.logins", count = count)
        ),
    };
    plan(ID, f, message, edits)
}

/// A login step whose credentials come from secrets other than the workflow token.
fn needs_secrets(step: &Node) -> bool {
    let uses = step.get("uses").and_then(Node::as_str).unwrap_or_default();
    let run = step.get("run").and_then(Node::as_str).unwrap_or_default();
    let login = uses.to_ascii_lowercase().contains("login") || run.contains(" login");
    if !login {
        return false;
    }
    let mut secret = false;
    step.walk_scalars(&mut |_, s| {
        let rest = s.replace("secrets.GITHUB_TOKEN", "");
        secret |= rest.contains("secrets.");
    });
    secret
}

/// `if: GUARD` as a new line of a block mapping (a job or a step), after its first entry.
fn add_if(doc: &Doc<'_>, node: &Node) -> Option<Edit> {
    if doc.is_flow(node) {
        return None;
    }
    let (first, value) = node.map().first()?;
    let col = first.span.start.col - 1;
    let last = if value.is_null() {
        first.span.start.line
    } else {
        doc.last_line(value)
    };
    let (at, lead) = doc.after_line(last);
    Some(Edit::insert(
        at,
        format!(
            "{lead}{}",
            doc.lines(&[format!("{}if: {GUARD}", " ".repeat(col))])
        ),
    ))
}
