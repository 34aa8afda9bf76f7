//! `fork-or-dependabot-readonly`: a job that pushes on `pull_request` needs a condition that
//! skips forks (and Dependabot), whose runs get a read-only token and no secrets; a job on
//! `pull_request_target` must not push the pull request's own code.

use crate::evidence::Fact;
use crate::finding::{Finding, Status};
use crate::workflow::model::Job;
use crate::workflow::push::{JobScan, Push};
use crate::workflow::rules::{finding, job_target};
use crate::workflow::yaml::Node;
use crate::workflow::{Analysis, Repo};
use crate::{t, tl};

crate::finding::check_meta!(pub(crate) CHECK = "fork-or-dependabot-readonly", docs: "workflow.md", messages: "workflow.fork");
/// The rule's cause has the rule's id.
const CAUSE: crate::catalog::CauseId = crate::catalog::CauseId::ForkOrDependabotReadonly;

pub(super) fn check(an: &Analysis<'_>, repo: &Repo<'_>, out: &mut Vec<Finding>) {
    let wf = &an.wf;
    let on_pr = wf.has_trigger("pull_request");
    let on_target = wf.has_trigger("pull_request_target");
    for (job, scan) in wf.jobs.iter().zip(&an.scans) {
        if let Some((uses, _)) = job.uses {
            if on_pr && !cond_guards(job.cond) {
                called(an, repo, job, uses, out);
            }
            continue;
        }
        if on_pr && let Some(push) = first_unguarded(job, scan) {
            let line = job.key.span.start.line;
            let mut fix = tl!("workflow.fork.fix-if", job = job.id, line = line);
            if push.tool == "docker/build-push-action" || push.tool == "docker/bake-action" {
                fix.extend(tl!("workflow.fork.fix-push"));
            }
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Warn,
                    job_target(job.id),
                    push.mark,
                    t!(
                        "workflow.fork.pull-request",
                        job = job.id,
                        tool = push.tool,
                        line = push.mark.line
                    ),
                    false,
                )
                .with_fix(fix),
            );
        }
        if on_target
            && let Some(checkout) = scan.checkout_pr_head
            && scan.pushes_ghcr()
        {
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Warn,
                    job_target(job.id),
                    checkout,
                    t!(
                        "workflow.fork.target",
                        job = job.id,
                        checkout = checkout.line
                    ),
                    false,
                )
                .with_fix(tl!("workflow.fork.fix-target"))
                .with_evidence(Fact::security(true)),
            );
        }
    }
}

fn called(an: &Analysis<'_>, repo: &Repo<'_>, job: &Job<'_>, uses: &str, out: &mut Vec<Finding>) {
    let Some(callee) = repo.callee(an, uses) else {
        return;
    };
    let nested = callee
        .wf
        .jobs
        .iter()
        .zip(&callee.scans)
        .find(|(j, s)| first_unguarded(j, s).is_some());
    if let Some((nested, _)) = nested {
        out.push(
            finding(
                an,
                (&CHECK, CAUSE),
                Status::Warn,
                job_target(job.id),
                an.wf.source.mark_span(job.key.span),
                t!(
                    "workflow.fork.caller",
                    job = job.id,
                    callee = format!("`{uses}`"),
                    nested = nested.id
                ),
                false,
            )
            .with_fix(tl!(
                "workflow.fork.fix-if",
                job = job.id,
                line = job.key.span.start.line
            )),
        );
    }
}

/// The first push to ghcr.io that no job, step or `push:` condition keeps away from forks.
fn first_unguarded<'s>(job: &Job<'_>, scan: &'s JobScan) -> Option<&'s Push> {
    if cond_guards(job.cond) {
        return None;
    }
    scan.ghcr_pushes().find(|p| {
        let step_cond = job.steps.get(p.step).and_then(|s| s.cond);
        !cond_guards(step_cond) && !p.condition.as_deref().is_some_and(is_fork_guard)
    })
}

fn cond_guards(cond: Option<&Node>) -> bool {
    cond.and_then(Node::as_str).is_some_and(is_fork_guard)
}

/// True when the expression is false on pull requests from forks: every `||` branch holds a
/// test on the event name, the ref, or the head repository.
pub fn is_fork_guard(expr: &str) -> bool {
    let e: String = expr
        .replace("${{", "")
        .replace("}}", "")
        .replace('"', "'")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    guard(&e)
}

fn split_top(e: &str, op: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut cur = String::new();
    let bytes: Vec<char> = e.chars().collect();
    let op: Vec<char> = op.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == '\'' {
            quoted = !quoted;
        } else if !quoted && c == '(' {
            depth += 1;
        } else if !quoted && c == ')' {
            depth -= 1;
        } else if !quoted && depth == 0 && bytes[i..].starts_with(&op) {
            parts.push(std::mem::take(&mut cur));
            i += op.len();
            continue;
        }
        cur.push(c);
        i += 1;
    }
    parts.push(cur);
    parts
}

fn guard(e: &str) -> bool {
    split_top(e, "||")
        .iter()
        .all(|d| split_top(d, "&&").iter().any(|a| atom(a)))
}

/// True when the parentheses in `s` never close more than they opened (so `(s)` is one
/// group, not `(a) == (b)`).
fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

fn atom(a: &str) -> bool {
    if let Some(inner) = a.strip_prefix('(').and_then(|s| s.strip_suffix(')'))
        && balanced(inner)
    {
        return guard(inner);
    }
    if a.starts_with("!(") {
        return false;
    }
    const PATTERNS: &[&str] = &[
        "github.event_name!='pull_request'",
        "'pull_request'!=github.event_name",
        "head.repo.full_name==github.repository",
        "github.repository==github.event.pull_request.head.repo.full_name",
        "!github.event.pull_request.head.repo.fork",
        "github.event.pull_request.head.repo.fork==false",
        "github.event.pull_request.head.repo.fork!=true",
        "head.repo.owner.login==github.repository_owner",
        "startswith(github.ref,'refs/tags/",
        "startswith(github.ref,'refs/heads/",
        "github.ref=='refs/heads/",
        "github.ref=='refs/tags/",
        "github.ref_type=='tag'",
        "github.ref_type=='branch'",
        "contains(github.ref,'refs/tags",
        "github.ref_name=='",
        "github.event_name=='",
        "'==github.event_name",
    ];
    if !PATTERNS.iter().any(|p| a.contains(p)) {
        return false;
    }
    // `github.event_name == 'pull_request...'` runs on pull requests: no guard.
    !(a.contains("github.event_name=='pull_request")
        || a.contains("'pull_request'==github.event_name"))
}

#[cfg(test)]
mod tests {
    use super::is_fork_guard;

    #[test]
    fn guards() {
        for e in [
            "github.event_name != 'pull_request'",
            "${{ github.event_name != 'pull_request' }}",
            "github.event_name == 'push'",
            "github.event.pull_request.head.repo.full_name == github.repository",
            "github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository",
            "startsWith(github.ref, 'refs/tags/')",
            "github.ref == 'refs/heads/main' && success()",
            "!github.event.pull_request.head.repo.fork",
            "(github.event_name == 'push') || (github.event_name == 'release')",
        ] {
            assert!(is_fork_guard(e), "{e}");
        }
    }

    #[test]
    fn not_guards() {
        for e in [
            "success()",
            "github.actor != 'dependabot[bot]'",
            "github.event_name == 'pull_request'",
            "github.event_name == 'push' || github.event_name == 'pull_request'",
            "always()",
            "true",
            "(github.event_name == 'push') || (success())",
        ] {
            assert!(!is_fork_guard(e), "{e}");
        }
    }
}
