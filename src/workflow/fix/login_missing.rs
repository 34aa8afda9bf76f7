//! Fix for `login-missing` (changes behaviour, `--fix=all`): a docker/login-action step for
//! ghcr.io with `github.actor` and `secrets.GITHUB_TOKEN`, just before the step that pushes.

use crate::finding::Finding;
use crate::t;

use super::doc::Doc;
use super::{Answer, Edit, Options, at, plan, refuse};

const ID: &str = "login-missing";

pub(super) fn fix(doc: &Doc<'_>, findings: &[&Finding], _: &Options) -> Vec<(String, Answer)> {
    findings.iter().map(|f| one(doc, f)).collect()
}

fn one(doc: &Doc<'_>, f: &Finding) -> (String, Answer) {
    let job_id = f.target.strip_prefix("jobs.").unwrap_or(&f.target);
    let Some((_, job)) = doc.job(job_id) else {
        return refuse(f, t!("workflow.fix.refuse.no-job", job = job_id));
    };
    let Some((line, _, _)) = at(f) else {
        return refuse(f, t!("workflow.fix.refuse.no-location"));
    };
    let what = t!("workflow.fix.what.steps");
    let Some(step) = doc.step_at(job, line) else {
        return refuse(f, t!("workflow.fix.refuse.layout", what = what));
    };
    let Some(item) = doc.item_prefix(step) else {
        return refuse(f, t!("workflow.fix.refuse.layout", what = what));
    };
    let content = step.span.start.col - 1;
    let pad = " ".repeat(content);
    let inner = doc.pad(content, 1);
    let lines = [
        format!("{item}uses: docker/login-action@v3"),
        format!("{pad}with:"),
        format!("{inner}registry: ghcr.io"),
        format!("{inner}username: ${{{{ github.actor }}}}"),
        format!("{inner}password: ${{{{ secrets.GITHUB_TOKEN }}}}"),
    ];
    let at = doc.line_start(step.span.start.line);
    plan(
        ID,
        f,
        t!(
            "workflow.fix.login.added",
            job = job_id,
            line = step.span.start.line
        ),
        vec![Edit::insert(at, doc.lines(&lines))],
    )
}
