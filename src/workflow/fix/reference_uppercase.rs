//! Fix for `reference-uppercase` (safe): lowercase the image name where it is built.
//! Literal capitals are written in lowercase. A name built from `github.repository`,
//! `github.repository_owner`, `github.actor` or `github.triggering_actor` (directly or
//! through an `env:` value) gets one step that writes the lowercased value to `$GITHUB_ENV`
//! (`${GITHUB_REPOSITORY,,}`), and the refs use that variable; in a bash script the shell
//! variable is lowercased in place. The tags stay as they were: docker/metadata-action's
//! `tags` output would name the tags by its own rules, which is not this fix's call.

use std::sync::OnceLock;

use regex::Regex;

use crate::evidence::Key;
use crate::finding::Finding;
use crate::t;
use crate::workflow::rules::reference_uppercase::lowercase_outside_expressions as lowercase_path;
use crate::workflow::yaml::{Node, Pos};

use super::doc::Doc;
use super::{Answer, Edit, Options, Plan, at, by_job, line, plan, refuse};

const ID: &str = "reference-uppercase";

/// Context → (shell variable, variable the fix writes).
const CONTEXTS: &[(&str, &str, &str)] = &[
    (
        "github.repository_owner",
        "GITHUB_REPOSITORY_OWNER",
        "REPOSITORY_OWNER_LC",
    ),
    ("github.repository", "GITHUB_REPOSITORY", "REPOSITORY_LC"),
    (
        "github.triggering_actor",
        "GITHUB_TRIGGERING_ACTOR",
        "TRIGGERING_ACTOR_LC",
    ),
    ("github.actor", "GITHUB_ACTOR", "ACTOR_LC"),
];

fn context_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"\$\{\{\s*(github\.(?:repository_owner|repository|triggering_actor|actor))\s*\}\}",
        )
        .ok()
    })
    .as_ref()
}

fn env_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}").ok())
        .as_ref()
}

fn shell_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"\$(?:\{(GITHUB_REPOSITORY_OWNER|GITHUB_REPOSITORY|GITHUB_TRIGGERING_ACTOR|GITHUB_ACTOR)\}|(GITHUB_REPOSITORY_OWNER|GITHUB_REPOSITORY|GITHUB_TRIGGERING_ACTOR|GITHUB_ACTOR)\b)",
        )
        .ok()
    })
    .as_ref()
}

/// A variable the lowercasing step writes: name and the shell text of its value.
type Var = (String, String);

pub(super) fn fix(doc: &Doc<'_>, findings: &[&Finding], _: &Options) -> Vec<(String, Answer)> {
    let mut out = Vec::new();
    for (job_id, fs) in by_job(findings) {
        let job = doc.job(&job_id).map(|(_, j)| j);
        let mut edits: Vec<Edit> = Vec::new();
        let mut vars: Vec<Var> = Vec::new();
        let mut first_step: Option<&Node> = None;
        let mut fixed: Vec<&Finding> = Vec::new();
        for f in fs {
            let Some((line, col, end)) = at(f) else {
                out.push(refuse(f, t!("workflow.fix.refuse.no-location")));
                continue;
            };
            let from = doc.offset(Pos { line, col });
            let to = doc.offset(Pos { line, col: end });
            let slice = &doc.text[from..to];
            if slice.to_ascii_lowercase().starts_with("tolower(") {
                out.push(refuse(f, t!("workflow.fix.uppercase.to-lower")));
                continue;
            }
            if doc.has_alias(from, to) {
                out.push(refuse(
                    f,
                    t!(
                        "workflow.fix.refuse.alias",
                        what = t!("workflow.fix.what.image")
                    ),
                ));
                continue;
            }
            if !f.evidence.contains(Key::Context) {
                out.push(literal(f, from, slice));
                continue;
            }
            let Some(job) = job else {
                out.push(refuse(f, t!("workflow.fix.refuse.no-job", job = job_id)));
                continue;
            };
            let Some(step) = doc.step_at(job, line) else {
                out.push(refuse(f, t!("workflow.fix.uppercase.not-in-step")));
                continue;
            };
            let (a, b) = (
                doc.offset(step.span.start),
                doc.line_end(doc.last_line(step)),
            );
            if doc.has_alias(a, b) {
                let what = t!("workflow.fix.what.image");
                out.push(refuse(f, t!("workflow.fix.refuse.alias", what = what)));
                continue;
            }
            match built(doc, doc.root, job, step, line, from, slice) {
                Ok((mine, needed)) if !mine.is_empty() => {
                    for e in mine {
                        if !edits.iter().any(|x| x.start == e.start && x.end == e.end) {
                            edits.push(e);
                        }
                    }
                    if !needed.is_empty()
                        && first_step.is_none_or(|s| step.span.start < s.span.start)
                    {
                        first_step = Some(step);
                    }
                    for v in needed {
                        if !vars.contains(&v) {
                            vars.push(v);
                        }
                    }
                    fixed.push(f);
                }
                Ok(_) => out.push(refuse(f, t!("workflow.fix.uppercase.elsewhere"))),
                Err(reason) => out.push(refuse(f, reason)),
            }
        }
        let Some(f) = fixed.first() else { continue };
        if let Some(step) = first_step {
            match lowercase_step(doc, step, &vars) {
                Ok(e) => edits.push(e),
                Err(reason) => {
                    out.extend(fixed.iter().map(|f| refuse(f, reason.clone())));
                    continue;
                }
            }
        }
        let names: Vec<String> = vars.iter().map(|(n, _)| format!("`{n}`")).collect();
        let message = if names.is_empty() {
            t!(
                "workflow.fix.uppercase.shell",
                job = job_id,
                count = fixed.len()
            )
        } else {
            t!(
                "workflow.fix.uppercase.step",
                job = job_id,
                count = fixed.len(),
                vars = names.join(", ")
            )
        };
        out.push((
            f.target.clone(),
            Answer::Fix(Plan {
                rule: ID,
                target: f.target.clone(),
                line: line(f),
                message,
                edits,
            }),
        ));
    }
    out
}

/// Literal capitals: the repository path written in lowercase, expressions and tag kept.
fn literal(f: &Finding, from: usize, slice: &str) -> (String, Answer) {
    let lower = lowercase_path(slice);
    if lower == slice {
        return refuse(f, t!("workflow.fix.uppercase.elsewhere"));
    }
    plan(
        ID,
        f,
        t!("workflow.fix.uppercase.literal", from = slice, to = lower),
        vec![Edit {
            start: from,
            end: from + slice.len(),
            text: lower,
        }],
    )
}

/// The edits that make a ref use lowercased values, and the variables the step must write.
fn built(
    doc: &Doc<'_>,
    root: &Node,
    job: &Node,
    step: &Node,
    line: usize,
    from: usize,
    slice: &str,
) -> Result<(Vec<Edit>, Vec<Var>), String> {
    let (Some(ctx), Some(env), Some(shell)) = (context_re(), env_re(), shell_re()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut edits = Vec::new();
    let mut vars = Vec::new();
    for c in ctx.captures_iter(slice) {
        let (Some(all), Some(name)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let Some((_, shell_var, var)) = CONTEXTS.iter().find(|(n, _, _)| *n == name.as_str())
        else {
            continue;
        };
        edits.push(Edit {
            start: from + all.start(),
            end: from + all.end(),
            text: format!("${{{{ env.{var} }}}}"),
        });
        vars.push(((*var).to_owned(), format!("${{{shell_var},,}}")));
    }
    for c in env.captures_iter(slice) {
        let (Some(all), Some(name)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let value = [step, job, root]
            .iter()
            .find_map(|n| n.get("env").and_then(|e| e.get(name.as_str())))
            .and_then(Node::as_str);
        let Some(value) = value else { continue };
        if !ctx.is_match(value) {
            continue;
        }
        let shell_value = ctx.replace_all(value, |c: &regex::Captures<'_>| {
            let name = c.get(1).map_or("", |m| m.as_str());
            CONTEXTS
                .iter()
                .find(|(n, _, _)| *n == name)
                .map_or_else(String::new, |(_, v, _)| format!("${{{v},,}}"))
        });
        let outside: String = env_re()
            .map(|r| r.replace_all(&shell_value, "").into_owned())
            .unwrap_or_default();
        let bare = outside.replace(",,}", "");
        if bare.contains(['"', '`', '\\', '\n']) || bare.replace("${GITHUB_", "").contains('$') {
            return Err(t!("workflow.fix.uppercase.env-value", name = name.as_str()));
        }
        let var = format!("{}_LC", name.as_str());
        edits.push(Edit {
            start: from + all.start(),
            end: from + all.end(),
            text: format!("${{{{ env.{var} }}}}"),
        });
        vars.push((var, shell_value.into_owned()));
    }
    // In a bash script, `$GITHUB_REPOSITORY` is lowercased where it stands.
    if let Some(run) = step.get("run")
        && run.span.start.line <= line
        && line <= doc.last_line(run)
        && step
            .get("shell")
            .and_then(Node::as_str)
            .is_none_or(|s| s.trim().starts_with("bash"))
    {
        for c in shell.captures_iter(slice) {
            let (Some(all), Some(name)) = (c.get(0), c.get(1).or(c.get(2))) else {
                continue;
            };
            edits.push(Edit {
                start: from + all.start(),
                end: from + all.end(),
                text: format!("${{{},,}}", name.as_str()),
            });
        }
    }
    Ok((edits, vars))
}

/// A step before `step` that writes `vars` to `$GITHUB_ENV`.
fn lowercase_step(doc: &Doc<'_>, step: &Node, vars: &[Var]) -> Result<Edit, String> {
    let Some(item) = doc.item_prefix(step) else {
        return Err(t!(
            "workflow.fix.refuse.layout",
            what = t!("workflow.fix.what.steps")
        ));
    };
    let content = step.span.start.col - 1;
    let pad = " ".repeat(content);
    let mut lines = vec![
        format!("{item}name: {}", t!("workflow.fix.uppercase.step-name")),
        format!("{pad}shell: bash"),
        format!("{pad}run: |"),
    ];
    for (name, value) in vars {
        lines.push(format!(
            "{}echo \"{name}={value}\" >> \"$GITHUB_ENV\"",
            doc.pad(content, 1)
        ));
    }
    let at = doc.line_start(step.span.start.line);
    Ok(Edit::insert(at, doc.lines(&lines)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_repository_path_is_lowercased() {
        assert_eq!(
            lowercase_path("ghcr.io/MyOrg/MyApp:${{ github.sha }}"),
            "ghcr.io/myorg/myapp:${{ github.sha }}"
        );
        assert_eq!(
            lowercase_path("ghcr.io/Octo/${{ matrix.Name }}:V1"),
            "ghcr.io/octo/${{ matrix.Name }}:V1"
        );
        assert_eq!(lowercase_path("Owner/App@sha256:AB"), "owner/app@sha256:AB");
    }
}
