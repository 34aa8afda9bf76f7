//! The `ref` command's findings: one `reference-valid` finding per input, and the
//! `references` field of the JSON report.

use serde_json::{Value, json};

use super::{Reference, ReferenceError, Span};
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Report, Status};
use crate::{t, tl};

crate::finding::check_meta!(
/// The check id of every finding this module makes.
    pub CHECK = "reference-valid", docs: "reference.md", messages: "reference");

/// The `ref` command: one `reference-valid` finding per input, plus the `references` field.
pub fn report(inputs: &[String]) -> Report {
    let mut report = Report::new("ref");
    let mut rows = Vec::new();
    for input in inputs {
        let target = display_target(input);
        match Reference::parse(input) {
            Ok(r) => {
                rows.push(json!({
                    "input": input, "valid": true, "normalized": r.to_string(),
                    "domain": r.domain(), "repository": r.repository(),
                    "tag": r.tag(), "digest": r.digest(), "cause": null,
                }));
                report.push(valid_finding(input, target, &r));
            }
            Err(e) => {
                rows.push(json!({
                    "input": input, "valid": false, "normalized": null, "domain": null,
                    "repository": null, "tag": null, "digest": null, "cause": e.cause,
                }));
                report.push(invalid_finding(input, target, &e));
            }
        }
    }
    report.extra.insert("references".into(), Value::Array(rows));
    report
}

fn valid_finding(input: &str, target: String, r: &Reference) -> Finding {
    let mut parts = String::new();
    if let Some(tag) = r.tag() {
        parts.push_str(&t!("reference.valid-tag", tag = tag));
    }
    if let Some(digest) = r.digest() {
        parts.push_str(&t!("reference.valid-digest", digest = digest));
    }
    let message = t!(
        "reference.valid",
        normalized = r,
        domain = r.domain(),
        repository = r.repository(),
        parts = parts
    );
    let mut finding = Finding::new(&CHECK, Outcome::Pass, target, message)
        .with_evidence(Fact::normalized(r.to_string()))
        .with_evidence(Fact::domain(r.domain()))
        .with_evidence(Fact::repository(r.repository()))
        .with_evidence(Fact::tag(r.tag().map(str::to_owned)))
        .with_evidence(Fact::digest(r.digest().map(str::to_owned)))
        .with_evidence(Fact::familiar(r.familiar()));
    if let Some(lower) = uppercase_namespace(input, r) {
        // docker reads a capitalised first component as a registry host (`MyOrg/app` is the
        // host `MyOrg`), which is almost never what the user meant.
        finding.status = Status::Warn;
        finding.message = t!(
            "reference.uppercase-namespace",
            domain = r.domain(),
            normalized = r
        );
        finding.fix = vec![t!("reference.fix.suggestion", suggestion = lower)];
        finding = finding.with_evidence(Fact::suggestion(lower));
    }
    warn_host(finding, r)
}

/// Turns a valid reference's finding into a warning when its registry host is a near miss of
/// a well-known registry (`registry-host-typo`, naming the likely host) or a retired one
/// (`registry-retired`, naming where the images went). Both come from the host model.
pub fn warn_host(finding: Finding, r: &Reference) -> Finding {
    let host = r.host();
    let domain = r.domain();
    let (cause, message, mut fix, finding) = if let Some(likely) = host.likely_typo_of() {
        let mut suggestion = format!("{likely}/{}", r.repository());
        if let Some(tag) = r.tag() {
            suggestion.push(':');
            suggestion.push_str(tag);
        }
        if let Some(digest) = r.digest() {
            suggestion.push('@');
            suggestion.push_str(digest);
        }
        (
            CauseId::RegistryHostTypo,
            t!("reference.host.typo", domain = domain, likely = likely),
            vec![t!("reference.fix.suggestion", suggestion = suggestion)],
            finding
                .with_evidence(Fact::likely_host(likely))
                .with_evidence(Fact::suggestion(suggestion)),
        )
    } else if let Some(moved) = host.moved_to() {
        (
            CauseId::RegistryRetired,
            t!("reference.host.retired", domain = domain, moved = moved),
            Vec::new(),
            finding.with_evidence(Fact::moved_to(moved)),
        )
    } else {
        return finding;
    };
    fix.extend(cause.fix());
    let mut finding = finding.with_cause(cause);
    finding.status = Status::Warn;
    finding.message = message;
    finding.fix = fix;
    finding
}

/// The lowercase Docker Hub form when the domain is a capitalised first component that is
/// not a host name at all.
fn uppercase_namespace(input: &str, r: &Reference) -> Option<String> {
    let domain = r.domain();
    let capitalised_word = domain.bytes().any(|b| b.is_ascii_uppercase())
        && !domain.contains(['.', ':', '['])
        && domain != "localhost";
    if !capitalised_word || !input.starts_with(domain) {
        return None;
    }
    let lower = format!("{}{}", domain.to_ascii_lowercase(), &input[domain.len()..]);
    Reference::parse(&lower).is_ok().then_some(lower)
}

fn invalid_finding(input: &str, target: String, e: &ReferenceError) -> Finding {
    let mut fix = Vec::new();
    if let Some(s) = &e.suggestion {
        fix.push(t!("reference.fix.suggestion", suggestion = s));
    }
    let key = format!("reference.fix.{}", e.reason.id());
    if crate::message::exists(&key) {
        fix.extend(crate::message::lines(&key, &[]));
    } else if e.reason == super::Reason::Uppercase {
        fix.extend(e.cause.fix());
    }
    if fix.is_empty() {
        fix = tl!("reference.fix.generic");
    }
    let mut finding = Finding::new(&CHECK, Outcome::Fail(e.cause), target, e.message.clone())
        .with_fix(fix)
        .with_evidence(Fact::reason(e.reason.id()));
    if let Some(span) = e.span {
        let caret = pointer(input, span);
        // Control characters would break the two-line picture; the pointer alone stays.
        let snippet = (!input.chars().any(char::is_control)).then(|| format!("{input}\n{caret}"));
        finding = finding
            .with_evidence(Fact::span([span.0, span.1]))
            .with_evidence(Fact::pointer(caret));
        if let Some(snippet) = snippet {
            finding = finding.with_evidence(Fact::snippet(snippet));
        }
    }
    if let Some(s) = &e.suggestion {
        finding = finding.with_evidence(Fact::suggestion(s.as_str()));
    }
    finding
}

/// How many columns a character takes in [`display_target`].
fn width(c: char) -> usize {
    if c.is_control() {
        c.escape_debug().count()
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
    }
}

/// The input as shown in a report line: control characters (a pasted newline) escaped so
/// the line stays one line.
pub fn display_target(input: &str) -> String {
    input
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A caret line that sits under [`display_target`]`(input)` and marks `span`
/// (`        ^^^^^^^^^`); an empty span gets one caret.
pub fn pointer(input: &str, span: Span) -> String {
    let start = span.0.min(input.len());
    let end = span.1.clamp(start, input.len());
    let (Some(before), Some(marked)) = (input.get(..start), input.get(start..end)) else {
        return String::new();
    };
    let lead: usize = before.chars().map(width).sum();
    let marks: usize = marked.chars().map(width).sum::<usize>().max(1);
    format!("{}{}", " ".repeat(lead), "^".repeat(marks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pointer_counts_display_columns() {
        // `镜像` is two characters of two columns each; the caret goes under `App`.
        let input = "ghcr.io/镜像/App";
        let start = input.find("App").expect("App");
        assert_eq!(
            pointer(input, (start, start + 3)),
            format!("{}^^^", " ".repeat(13))
        );
        let start = input.find('镜').expect("镜");
        assert_eq!(
            pointer(input, (start, start + '镜'.len_utf8())),
            format!("{}^^", " ".repeat(8))
        );
    }
}
