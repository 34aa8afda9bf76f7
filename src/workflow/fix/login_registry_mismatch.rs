//! Fix for `login-registry-mismatch` (safe): the login step gets the `registry:` the job
//! pushes to (docker/login-action without one logs in to Docker Hub; `docker login` without
//! a server too), a login with `secrets.GITHUB_TOKEN` is pointed at ghcr.io (the only
//! registry that token opens), and a push to a misspelt ghcr.io host is pointed at ghcr.io.
//! Any other mismatch is a choice between two registries, so the file is left alone.

use crate::evidence::{Fact, Key};
use crate::finding::Finding;
use crate::t;
use crate::workflow::push::GHCR;
use crate::workflow::yaml::{Node, Pos};

use super::doc::{Doc, quoted};
use super::{Answer, Edit, Options, at, plan, refuse};

const ID: &str = "login-registry-mismatch";

pub(super) fn fix(doc: &Doc<'_>, findings: &[&Finding], _: &Options) -> Vec<(String, Answer)> {
    findings.iter().map(|f| one(doc, f)).collect()
}

fn one(doc: &Doc<'_>, f: &Finding) -> (String, Answer) {
    let Some(Fact::Registry(pushed)) = f.evidence.get(Key::Registry) else {
        return refuse(f, t!("workflow.fix.mismatch.unknown"));
    };
    let job_id = f.target.strip_prefix("jobs.").unwrap_or(&f.target);
    let Some((_, job)) = doc.job(job_id) else {
        return refuse(f, t!("workflow.fix.refuse.no-job", job = job_id));
    };
    let Some((line, col, _)) = at(f) else {
        return refuse(f, t!("workflow.fix.refuse.no-location"));
    };
    let Some(step) = doc.step_at(job, line) else {
        return refuse(f, t!("workflow.fix.mismatch.unknown"));
    };
    let from = doc.offset(step.span.start);
    let to = doc.line_end(doc.last_line(step));
    let with_alias = step.entry("with").is_some_and(|(k, w)| doc.borrowed(k, w));
    if with_alias || doc.has_alias(from, to) {
        let what = t!("workflow.fix.what.login");
        return refuse(f, t!("workflow.fix.refuse.alias", what = what));
    }
    let uses = step.get("uses").and_then(Node::as_str).unwrap_or_default();
    if uses
        .trim()
        .to_ascii_lowercase()
        .starts_with("docker/login-action")
    {
        return login_action(doc, f, step, pushed);
    }
    if step.get("run").is_some() {
        return login_command(doc, f, line, col, pushed);
    }
    refuse(f, t!("workflow.fix.mismatch.unknown"))
}

fn login_action(doc: &Doc<'_>, f: &Finding, step: &Node, pushed: &str) -> (String, Answer) {
    let with = step.get("with");
    let registry = with.and_then(|w| w.entry("registry"));
    let Some((_, value)) = registry else {
        return add_registry(doc, f, step, with, pushed);
    };
    let current = value.as_str().unwrap_or_default().trim();
    if current.contains("${{") {
        return refuse(f, t!("workflow.fix.mismatch.expression"));
    }
    let Some(text) = doc.scalar(value) else {
        return refuse(
            f,
            t!(
                "workflow.fix.refuse.layout",
                what = t!("workflow.fix.what.login")
            ),
        );
    };
    let password = with
        .and_then(|w| w.get("password"))
        .and_then(Node::as_str)
        .unwrap_or_default();
    let token = password.contains("secrets.GITHUB_TOKEN") || password.contains("github.token");
    if pushed == GHCR && token && !password.contains("||") {
        return plan(
            ID,
            f,
            t!("workflow.fix.mismatch.corrected", from = current, to = GHCR),
            vec![Edit {
                start: text.start,
                end: text.end,
                text: quoted(GHCR, text.style),
            }],
        );
    }
    if current == GHCR && near(pushed, GHCR) {
        return retarget_push(doc, f, pushed);
    }
    refuse(
        f,
        t!(
            "workflow.fix.mismatch.choice",
            login = current,
            registry = pushed
        ),
    )
}

/// docker/login-action without `registry:` gets one, as the first input.
fn add_registry(
    doc: &Doc<'_>,
    f: &Finding,
    step: &Node,
    with: Option<&Node>,
    pushed: &str,
) -> (String, Answer) {
    let message = t!("workflow.fix.mismatch.added", registry = pushed);
    let layout = || {
        t!(
            "workflow.fix.refuse.layout",
            what = t!("workflow.fix.what.login")
        )
    };
    let Some(with) = with.filter(|w| !w.is_null()) else {
        // No inputs at all: `with:` and `registry:` after the step's last line.
        let Some((first, _)) = step.map().first() else {
            return refuse(f, layout());
        };
        let base = first.span.start.col - 1;
        let (at, lead) = doc.after_line(doc.last_line(step));
        let lines = [
            format!("{}with:", " ".repeat(base)),
            format!("{}registry: {pushed}", doc.pad(base, 1)),
        ];
        let text = format!("{lead}{}", doc.lines(&lines));
        return plan(ID, f, message, vec![Edit::insert(at, text)]);
    };
    if doc.is_flow(with) {
        if with.span.start.line != with.span.end.line {
            return refuse(
                f,
                t!(
                    "workflow.fix.refuse.flow-multiline",
                    what = t!("workflow.fix.what.login")
                ),
            );
        }
        let open = doc.offset(with.span.start) + 1;
        let text = if with.map().is_empty() {
            format!("registry: {pushed}")
        } else {
            format!("registry: {pushed}, ")
        };
        return plan(
            ID,
            f,
            message,
            vec![Edit {
                start: open,
                end: open,
                text,
            }],
        );
    }
    let Some((first, _)) = with.map().first() else {
        return refuse(f, layout());
    };
    let line = first.span.start.line;
    if doc.indent(line) != first.span.start.col - 1 {
        return refuse(f, layout());
    }
    let at = doc.line_start(line);
    let text = doc.lines(&[format!(
        "{}registry: {pushed}",
        " ".repeat(first.span.start.col - 1)
    )]);
    plan(ID, f, message, vec![Edit::insert(at, text)])
}

/// `docker login` (or podman, buildah) without a server gets the pushed registry.
fn login_command(
    doc: &Doc<'_>,
    f: &Finding,
    line: usize,
    col: usize,
    pushed: &str,
) -> (String, Answer) {
    let from = doc.offset(Pos { line, col });
    let rest = &doc.text[from..doc.line_end(line)];
    let words: Vec<&str> = rest.split_whitespace().collect();
    let is_login = words.len() >= 2
        && matches!(words[0], "docker" | "podman" | "buildah")
        && words[1] == "login";
    if !is_login {
        return refuse(f, t!("workflow.fix.mismatch.unknown"));
    }
    // Flags that take a value; anything else that is not a flag is the server.
    let mut i = 2;
    while i < words.len() {
        let w = words[i];
        if matches!(w, "|" | "&&" | "||" | ";" | "\\") || w.starts_with('#') {
            break;
        }
        if matches!(w, "-u" | "--username" | "-p" | "--password") {
            i += 2;
            continue;
        }
        if !w.starts_with('-') {
            return refuse(
                f,
                t!("workflow.fix.mismatch.choice", login = w, registry = pushed),
            );
        }
        i += 1;
    }
    let Some(login) = rest.find(" login").map(|i| from + i + " login".len()) else {
        return refuse(f, t!("workflow.fix.mismatch.unknown"));
    };
    plan(
        ID,
        f,
        t!("workflow.fix.mismatch.added", registry = pushed),
        vec![Edit {
            start: login,
            end: login,
            text: format!(" {pushed}"),
        }],
    )
}

/// The push on `push_line` names a misspelt host: write the login's registry instead.
fn retarget_push(doc: &Doc<'_>, f: &Finding, pushed: &str) -> (String, Answer) {
    let Some(&Fact::PushLine(push_line)) = f.evidence.get(Key::PushLine) else {
        return refuse(f, t!("workflow.fix.mismatch.unknown"));
    };
    let start = doc.line_start(push_line);
    let text = doc.line(push_line);
    let edits: Vec<Edit> = text
        .match_indices(&format!("{pushed}/"))
        .map(|(i, _)| Edit {
            start: start + i,
            end: start + i + pushed.len(),
            text: GHCR.into(),
        })
        .collect();
    if edits.is_empty() {
        return refuse(f, t!("workflow.fix.mismatch.unknown"));
    }
    plan(
        ID,
        f,
        t!(
            "workflow.fix.mismatch.retargeted",
            from = pushed,
            to = GHCR,
            line = push_line
        ),
        edits,
    )
}

/// True when `a` is `b` with one or two letters changed, added, dropped or swapped.
fn near(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut before: Vec<usize> = prev.clone();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()] <= 2
}

#[cfg(test)]
mod tests {
    use super::near;

    #[test]
    fn misspelt_hosts_are_near() {
        assert!(near("ghrc.io", "ghcr.io"));
        assert!(near("gchr.io", "ghcr.io"));
        assert!(near("ghcr.co", "ghcr.io"));
        assert!(!near("docker.io", "ghcr.io"));
        assert!(!near("ghcr.io", "ghcr.io"));
    }
}
