//! Fix for `secret-fallback` (changes behaviour, `--fix=all`): a docker/login-action step to
//! ghcr.io whose password is `${{ secrets.A || secrets.B }}` becomes this project's own
//! login step, which tries `A` and falls back to `B` when `A` is empty *or* fails, and proves
//! the credential it keeps. The action's reference is the one the file already uses, else
//! the one given with `--action`.

use std::sync::OnceLock;

use regex::Regex;

use crate::finding::Finding;
use crate::t;
use crate::workflow::yaml::Node;

use super::doc::Doc;
use super::{Answer, Edit, Options, at, plan, refuse};

const ID: &str = "secret-fallback";

fn fallback_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\|\|\s*(secrets\.[A-Za-z_][A-Za-z0-9_]*|github\.token)\s*\}\}$").ok()
    })
    .as_ref()
}

fn action_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?m)^\s*-?\s*uses:\s*['"]?([A-Za-z0-9_.-]+/ghcr-doctor@[A-Za-z0-9_./-]+)"#)
            .ok()
    })
    .as_ref()
}

pub(super) fn fix(
    doc: &Doc<'_>,
    findings: &[&Finding],
    options: &Options,
) -> Vec<(String, Answer)> {
    findings.iter().map(|f| one(doc, f, options)).collect()
}

/// The step of any job whose text holds `line`.
fn step_at<'a>(doc: &Doc<'a>, line: usize) -> Option<&'a Node> {
    doc.root
        .get("jobs")?
        .map()
        .iter()
        .find_map(|(_, job)| doc.step_at(job, line).filter(|s| s.span.start.line <= line))
}

fn one(doc: &Doc<'_>, f: &Finding, options: &Options) -> (String, Answer) {
    let Some((line, _, _)) = at(f) else {
        return refuse(f, t!("workflow.fix.refuse.no-location"));
    };
    let Some(step) = step_at(doc, line) else {
        return refuse(f, t!("workflow.fix.fallback.not-login"));
    };
    let uses = step.get("uses");
    let action = uses.and_then(Node::as_str).unwrap_or_default().trim();
    let with = step.get("with");
    if !action
        .to_ascii_lowercase()
        .starts_with("docker/login-action")
        || with.is_none()
    {
        return refuse(f, t!("workflow.fix.fallback.not-login"));
    }
    let Some(with) = with else {
        return refuse(f, t!("workflow.fix.fallback.not-login"));
    };
    let what = t!("workflow.fix.what.login");
    let from = doc.offset(step.span.start);
    let to = doc.line_end(doc.last_line(step));
    let with_alias = step.entry("with").is_some_and(|(k, w)| doc.borrowed(k, w));
    if with_alias || doc.has_alias(from, to) {
        return refuse(f, t!("workflow.fix.refuse.alias", what = what));
    }
    if doc.is_flow(with) {
        return refuse(f, t!("workflow.fix.refuse.layout", what = what));
    }
    let registry = with.get("registry").and_then(Node::as_str).map(str::trim);
    if registry != Some("ghcr.io") {
        return refuse(f, t!("workflow.fix.fallback.not-ghcr"));
    }
    let password = with.entry("password");
    let caps = password
        .and_then(|(_, v)| v.as_str())
        .and_then(|p| fallback_re().and_then(|re| re.captures(p.trim())));
    let (Some((pkey, pvalue)), Some(caps)) = (password, caps) else {
        return refuse(f, t!("workflow.fix.fallback.not-login"));
    };
    let (Some(first), Some(second)) = (caps.get(1), caps.get(2)) else {
        return refuse(f, t!("workflow.fix.fallback.not-login"));
    };
    if let Some((k, _)) = with
        .map()
        .iter()
        .find(|(k, _)| !matches!(k.as_str(), Some("registry" | "username" | "password")))
    {
        return refuse(
            f,
            t!(
                "workflow.fix.fallback.other-input",
                input = k.as_str().unwrap_or_default()
            ),
        );
    }
    let file_ref = action_re()
        .and_then(|re| re.captures(doc.text))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_owned());
    let Some(reference) = file_ref.or_else(|| options.action.clone()) else {
        return refuse(f, t!("workflow.fix.fallback.no-action"));
    };
    let Some(uses_text) = uses.and_then(|u| doc.scalar(u)) else {
        return refuse(f, t!("workflow.fix.refuse.layout", what = what));
    };
    let mut edits = vec![Edit {
        start: uses_text.start,
        end: uses_text.end,
        text: reference.clone(),
    }];
    // `registry:` and `username:` go (the step logs in to ghcr.io as the token's owner);
    // `password:` becomes `command`, `token` and `github-token`.
    for (k, v) in with.map() {
        let l = k.span.start.line;
        if doc.last_line(v) != l || doc.indent(l) != k.span.start.col - 1 {
            return refuse(f, t!("workflow.fix.refuse.layout", what = what));
        }
        if k.as_str() == Some("password") {
            continue;
        }
        edits.push(Edit {
            start: doc.line_start(l),
            end: doc.line_start(l + 1),
            text: String::new(),
        });
    }
    let pad = " ".repeat(pkey.span.start.col - 1);
    let fallback = if second.as_str() == "github.token" {
        "github.token".to_owned()
    } else {
        second.as_str().to_owned()
    };
    let start = doc.offset(pkey.span.start);
    let end = doc
        .scalar(pvalue)
        .map_or_else(|| doc.line_end(pkey.span.start.line), |s| s.end);
    let text = [
        "command: login".to_owned(),
        format!("{pad}token: ${{{{ secrets.{} }}}}", first.as_str()),
        format!("{pad}github-token: ${{{{ {fallback} }}}}"),
    ]
    .join(doc.eol);
    edits.push(Edit { start, end, text });
    plan(
        ID,
        f,
        t!(
            "workflow.fix.fallback.replaced",
            action = reference,
            first = first.as_str(),
            second = fallback
        ),
        edits,
    )
}
