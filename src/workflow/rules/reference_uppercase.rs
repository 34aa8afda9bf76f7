//! `reference-uppercase`: image names must be lowercase. Flags literal capitals (fail),
//! names built from context fields that keep the owner's capitals without lowercasing
//! (warning: it breaks only for owners with capitals), and `toLower(`, which GitHub
//! expressions do not have (fail).

use std::collections::HashSet;

use crate::evidence::Fact;
use crate::finding::{Finding, Status};
use crate::workflow::expr;
use crate::workflow::push::ImageRef;
use crate::workflow::rules::{finding, job_target};
use crate::workflow::yaml::{Node, Value};
use crate::workflow::{Analysis, Repo};
use crate::{t, tl};

crate::finding::check_meta!(pub(crate) CHECK = "reference-uppercase", docs: "workflow.md", messages: "workflow.uppercase");
/// The rule's cause has the rule's id.
const CAUSE: crate::catalog::CauseId = crate::catalog::CauseId::ReferenceUppercase;

pub(super) fn check(an: &Analysis<'_>, _repo: &Repo<'_>, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for (job, scan) in an.wf.jobs.iter().zip(&an.scans) {
        for r in &scan.refs {
            if r.lowercased_by_tool || expr::lowercases(&r.raw) {
                continue;
            }
            if !seen.insert((r.mark.line, r.mark.col, r.raw.clone())) {
                continue;
            }
            if let Some(f) = reference(an, job.id, r) {
                out.push(f);
            }
        }
    }
    to_lower(an, an.wf.root, None, out);
}

fn reference(an: &Analysis<'_>, job: &str, r: &ImageRef) -> Option<Finding> {
    let path = repository_path(&r.raw);
    let literal: String = strip_expressions(path);
    if literal.chars().any(|c| c.is_ascii_uppercase()) {
        let lower = lowercase_outside_expressions(&r.raw);
        return Some(
            finding(
                an,
                (&CHECK, CAUSE),
                Status::Fail,
                job_target(job),
                r.mark,
                t!("workflow.uppercase.literal", image = r.raw),
                false,
            )
            .with_fix([t!("workflow.uppercase.fix-literal", lower = lower)]),
        );
    }
    let context = expr::cased_context(path)?;
    let mut fix = tl!(
        "workflow.uppercase.fix-metadata",
        image = image_name(&r.raw)
    );
    fix.extend(tl!("workflow.uppercase.fix-shell"));
    Some(
        finding(
            an,
            (&CHECK, CAUSE),
            Status::Warn,
            job_target(job),
            r.mark,
            t!(
                "workflow.uppercase.context",
                image = r.raw,
                context = context
            ),
            false,
        )
        .with_fix(fix)
        .with_evidence(Fact::context(context)),
    )
}

/// Byte ranges of `${{ ... }}`, `${...}`, `$(...)` and `$NAME` in `s`.
fn expression_ranges(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let start = i;
        let end = if s[i..].starts_with("${{") {
            s[i..].find("}}").map_or(b.len(), |e| i + e + 2)
        } else if s[i..].starts_with("${") {
            s[i..].find('}').map_or(b.len(), |e| i + e + 1)
        } else if s[i..].starts_with("$(") {
            s[i..].find(')').map_or(b.len(), |e| i + e + 1)
        } else {
            let mut e = i + 1;
            while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
                e += 1;
            }
            e
        };
        out.push((start, end));
        i = end.max(start + 1);
    }
    out
}

fn inside(ranges: &[(usize, usize)], i: usize) -> bool {
    ranges.iter().any(|(a, b)| (*a..*b).contains(&i))
}

/// The byte range of the repository path in a reference: without transport, registry host,
/// tag or digest.
fn path_range(raw: &str) -> (usize, usize) {
    let lead = raw.len() - raw.trim_start().len();
    let trimmed = raw.trim();
    let prefix = ["docker://", "oci://"]
        .iter()
        .find(|p| trimmed.starts_with(**p))
        .map_or(0, |p| p.len());
    let base = lead + prefix;
    let s = &trimmed[prefix..];
    let ranges = expression_ranges(s);
    let slashes: Vec<usize> = s
        .match_indices('/')
        .map(|(i, _)| i)
        .filter(|i| !inside(&ranges, *i))
        .collect();
    let mut start = 0;
    if let Some(&first) = slashes.first() {
        let host = &s[..first];
        if host.contains('.') || host.contains(':') || host == "localhost" || host.starts_with('$')
        {
            start = first + 1;
        }
    }
    let last_slash = slashes.last().copied().unwrap_or(0);
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        if i >= start && (c == '@' || (c == ':' && i > last_slash)) && !inside(&ranges, i) {
            end = i;
            break;
        }
    }
    (base + start.min(end), base + end)
}

fn repository_path(raw: &str) -> &str {
    let (a, b) = path_range(raw);
    raw.get(a..b).unwrap_or_default()
}

/// The reference without its tag or digest (what metadata-action's `images:` takes).
fn image_name(raw: &str) -> &str {
    let (_, end) = path_range(raw);
    raw.get(..end).unwrap_or(raw)
}

fn strip_expressions(s: &str) -> String {
    let ranges = expression_ranges(s);
    s.char_indices()
        .filter(|(i, _)| !inside(&ranges, *i))
        .map(|(_, c)| c)
        .collect()
}

/// Lowercases the repository path of a reference (not its transport, registry host, tag,
/// digest or expressions).
pub(crate) fn lowercase_outside_expressions(s: &str) -> String {
    let ranges = expression_ranges(s);
    let (start, end) = path_range(s);
    s.char_indices()
        .map(|(i, c)| {
            if i >= start && i < end && !inside(&ranges, i) {
                c.to_ascii_lowercase()
            } else {
                c
            }
        })
        .collect()
}

/// Finds `toLower(` in expressions (`${{ }}` anywhere, and whole `if:` values).
fn to_lower(an: &Analysis<'_>, node: &Node, key: Option<&str>, out: &mut Vec<Finding>) {
    match &node.value {
        Value::Scalar(s) => {
            let lower = s.to_ascii_lowercase();
            let Some(i) = lower.find("tolower(") else {
                return;
            };
            let in_expression = key == Some("if")
                || lower[..i]
                    .rfind("${{")
                    .is_some_and(|o| lower[..i].rfind("}}").is_none_or(|c| c < o));
            if !in_expression {
                return;
            }
            let text = &s[i..i + "tolower(".len()];
            let mark = an.wf.source.locate(node.span, node.span.start.line, text);
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Fail,
                    an.wf.file.to_owned(),
                    mark,
                    t!("workflow.uppercase.to-lower"),
                    false,
                )
                .with_fix(tl!("workflow.uppercase.fix-to-lower")),
            );
        }
        Value::Seq(items) => items.iter().for_each(|n| to_lower(an, n, key, out)),
        Value::Map(entries) => entries
            .iter()
            .for_each(|(k, v)| to_lower(an, v, k.as_str(), out)),
        Value::Null => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_paths() {
        assert_eq!(repository_path("ghcr.io/Owner/App:V1"), "Owner/App");
        assert_eq!(repository_path("Owner/app@sha256:abc"), "Owner/app");
        assert_eq!(
            repository_path("ghcr.io/${{ github.repository }}:${{ github.sha }}"),
            "${{ github.repository }}"
        );
        assert_eq!(repository_path("${{ env.R }}/o/n:t"), "o/n");
        assert_eq!(repository_path("localhost:5000/n:t"), "n");
        assert_eq!(
            image_name("ghcr.io/${{ github.repository }}:latest"),
            "ghcr.io/${{ github.repository }}"
        );
    }

    #[test]
    fn literal_capitals_ignore_expressions_and_tags() {
        assert_eq!(
            strip_expressions("ghcr.io/${{ github.repository }}"),
            "ghcr.io/"
        );
        assert_eq!(
            lowercase_outside_expressions("ghcr.io/Octo/${{ matrix.Name }}:V1"),
            "ghcr.io/octo/${{ matrix.Name }}:V1"
        );
    }
}
