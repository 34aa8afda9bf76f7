//! Markdown output, for `$GITHUB_STEP_SUMMARY` and pull-request comments: a heading for the
//! command, a table of every finding with its status, and the fix steps of each failure and
//! warning (each fix step once per report), each linked to its cause in the project's
//! `docs/causes.md` by an absolute URL ([`crate::home`]): a step summary has no base for
//! relative links. A finding from a CI log also names the job and line of the log.
//!
//! GitHub refuses a step summary over 1 MiB, so the output is cut at [`MAX_BYTES`] with a
//! note saying how much was left out. Text from logs, servers and workflows (job names,
//! registry messages) is escaped so it cannot break the table, inject HTML, or become a
//! link, an image or emphasis; code spans are kept as code spans, never HTML-escaped.

use std::io::{self, Write};

use super::Report;
use crate::evidence::{Fact, Key};
use crate::finding::{Finding, Status};
use crate::t;

/// The largest document written (GitHub's limit for one step summary).
pub const MAX_BYTES: usize = 1024 * 1024;

/// Room kept for the truncation note.
const NOTE_RESERVE: usize = 1024;

/// The longest table cell, in characters.
const MAX_CELL: usize = 1000;

fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅",
        Status::Fail => "❌",
        Status::Warn => "⚠️",
        Status::Info => "ℹ️",
        Status::Skip => "⏭️",
    }
}

/// Escapes text for a table cell or a list item: no HTML, no cell breaks, one line, and
/// nothing that Markdown would turn into a link, an image, emphasis or a heading. Code spans
/// (`` `...` ``) stay code spans, their content as it is (a code span shows text literally);
/// a URL outside one becomes a code span, so no text from a log or a server can become a
/// link.
fn escape(text: &str) -> String {
    escape_in(text, false)
}

/// [`escape`] for a table cell: `|` is escaped inside code spans too (GitHub's tables take
/// `\|` there; elsewhere it would show the backslash).
fn cell(text: &str) -> String {
    escape_in(text, true)
}

fn escape_in(text: &str, table: bool) -> String {
    let text: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    let (text, cut) = match text.char_indices().nth(MAX_CELL) {
        Some((i, _)) => (&text[..i], true),
        None => (text.as_str(), false),
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // A code span: a backtick, text, and a closing backtick.
        if let Some(body) = rest.strip_prefix('`')
            && let Some(end) = body.find('`')
            && end > 0
        {
            out.push_str(&code_in(&body[..end], table));
            rest = &body[end + 1..];
            continue;
        }
        let word_end = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || *c == '`')
            .map_or(rest.len(), |(i, c)| if i == 0 { c.len_utf8() } else { i });
        let word = &rest[..word_end];
        if is_url_like(word) {
            out.push_str(&code_in(word, table));
        } else {
            for c in word.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '|' | '\\' | '[' | ']' | '!' | '*' | '_' | '`' | '#' | '~' => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
        }
        rest = &rest[word_end..];
    }
    if cut {
        out.push('…');
    }
    out
}

/// A word that GitHub would link on its own (`https://…`, `www.…`, `mailto:…`).
fn is_url_like(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower.contains("://") || lower.contains("www.") || lower.contains("mailto:")
}

/// Text as a code span in a table cell, shown literally: a fence longer than any run of
/// backticks inside, `|` escaped, one line.
fn code(text: &str) -> String {
    code_in(text, true)
}

fn code_in(text: &str, table: bool) -> String {
    let mut text: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    if table {
        text = text.replace('|', "\\|");
    }
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A link to the project's documentation of a cause (absolute: a step summary has no base).
fn cause_link(cause: &str) -> String {
    format!("[{}]({})", code(cause), crate::home::cause_doc(cause))
}

/// Where in a CI log the finding was seen (`evidence.log` of `explain --run`): the job and
/// line, linked to the job's log when its address is a GitHub https URL.
fn log_place(f: &Finding) -> Option<String> {
    let Some(Fact::Log(log)) = f.evidence.get(Key::Log) else {
        return None;
    };
    let job = log.job.as_str();
    let text = match log.line {
        Some(line) => t!("markdown.log-line", job = job, line = line),
        None => t!("markdown.log-job", job = job),
    };
    let text = cell(&text);
    let url = log
        .url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .filter(|u| u.scheme() == "https");
    Some(match url {
        // A parsed URL has no spaces; parentheses are encoded so the link cannot end early.
        Some(u) => format!(
            "[{text}]({})",
            u.as_str().replace('(', "%28").replace(')', "%29")
        ),
        None => text,
    })
}

fn location(f: &Finding) -> String {
    let Some(loc) = &f.location else {
        return String::new();
    };
    let mut s = loc.file.as_deref().map(cell).unwrap_or_default();
    if let Some(line) = loc.line {
        if !s.is_empty() {
            s.push(':');
        }
        s.push_str(&line.to_string());
    }
    s
}

/// The location cell: the place to change and, for a finding from a CI log, where the log
/// showed it.
fn places(f: &Finding) -> String {
    let mut s = location(f);
    if let Some(log) = log_place(f) {
        if !s.is_empty() {
            s.push_str(" · ");
        }
        s.push_str(&log);
    }
    s
}

fn row(f: &Finding) -> String {
    format!(
        "| {} {} | {} | {} | {} | {} | {} |\n",
        mark(f.status),
        f.status.as_str(),
        code(&f.check),
        cell(&f.target),
        places(f),
        cell(&f.message),
        f.cause.as_deref().map(cause_link).unwrap_or_default(),
    )
}

/// The section of one problem; fix steps already shown in an earlier section are left out
/// (`shown` collects them), so the report gives each fix once.
fn fix_section(f: &Finding, shown: &mut Vec<String>) -> String {
    let mut s = format!("#### {} {}", mark(f.status), code(&f.check));
    let loc = places(f);
    if !loc.is_empty() {
        s.push_str(&format!(" {loc}"));
    } else if !f.target.is_empty() {
        s.push_str(&format!(" {}", escape(&f.target)));
    }
    s.push_str("\n\n");
    s.push_str(&escape(&f.message));
    s.push_str("\n\n");
    if let Some(cause) = &f.cause {
        let entry = crate::catalog::cause(cause);
        s.push_str(&format!(
            "{}: {} {}\n\n",
            t!("markdown.cause"),
            cause_link(cause),
            escape(entry.map_or("", |c| c.title_text()))
        ));
        // Why it happens, from the catalog, so the summary reads on its own.
        if let Some(c) = entry {
            s.push_str(&escape(c.explanation_text()));
            s.push_str("\n\n");
        }
    }
    if let Some(Fact::Text(text)) = f.evidence.get(Key::Text) {
        s.push_str(&format!("> {}\n\n", code_in(text, false)));
    }
    let mut n = 0;
    for step in &f.fix {
        if shown.contains(step) {
            continue;
        }
        shown.push(step.clone());
        n += 1;
        s.push_str(&format!("{n}. {}\n", escape(step)));
    }
    s.push('\n');
    s
}

/// The document, at most `limit` bytes long.
pub fn to_string(report: &Report, limit: usize) -> String {
    if let Some(own) = &report.markdown {
        // The command rendered its own document (within GitHub's limit); cut it only if a
        // smaller limit was asked for.
        return crate::actions::truncate_markdown(own, limit);
    }
    let mut out = format!(
        "## {}\n\n",
        escape(&t!("markdown.heading", command = report.command))
    );
    if report.findings.is_empty() {
        out.push_str(&t!("report.no-findings"));
        out.push('\n');
        return out;
    }
    out.push_str(&report.summary_line());
    out.push_str("\n\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} |\n|---|---|---|---|---|---|\n",
        t!("markdown.status"),
        t!("markdown.check"),
        t!("markdown.target"),
        t!("markdown.location"),
        t!("markdown.message"),
        t!("markdown.cause"),
    ));
    let budget = limit.saturating_sub(NOTE_RESERVE);
    let mut left_out = 0usize;
    for f in &report.findings {
        let r = row(f);
        if out.len() + r.len() > budget {
            left_out += 1;
        } else {
            out.push_str(&r);
        }
    }
    let with_fix: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn) && !f.fix.is_empty())
        .collect();
    if !with_fix.is_empty() {
        let heading = format!("\n### {}\n\n", t!("markdown.fix-heading"));
        if out.len() + heading.len() <= budget {
            out.push_str(&heading);
        }
        let mut shown = Vec::new();
        for f in with_fix {
            let before = shown.len();
            let section = fix_section(f, &mut shown);
            if out.len() + section.len() > budget {
                shown.truncate(before);
                left_out += 1;
            } else {
                out.push_str(&section);
            }
        }
    }
    if left_out > 0 {
        out.push_str(&format!(
            "\n> {}\n",
            t!("markdown.truncated", count = left_out, limit = limit / 1024)
        ));
    }
    out
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(to_string(report, MAX_BYTES).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Fact, Log};

    use crate::finding::Location;
    use crate::report::test_findings::{cause, found};

    fn failing(message: &str) -> Finding {
        found("explain", Status::Fail, "build.log", message)
            .with_cause(cause("workflow-missing-packages-write"))
            .with_location(Location::line(Some("build.log".into()), 12))
            .with_evidence(Fact::text("denied: <b>x</b> | y"))
    }

    #[test]
    fn a_report_with_its_own_document_renders_that_document_within_the_limit() {
        let mut r = Report::new("verify");
        r.push(failing("not shown in the generic table"));
        r.markdown = Some("## Build report\n\n| a | b |\n|---|---|\n".repeat(100));
        let md = to_string(&r, MAX_BYTES);
        assert_eq!(Some(md.as_str()), r.markdown.as_deref());
        assert!(!md.contains("not shown"));
        let cut = to_string(&r, 200);
        assert!(cut.len() <= 200, "{}", cut.len());
        assert!(cut.starts_with("## Build report"));
    }

    #[test]
    fn table_row_links_the_cause_and_fix_steps_follow() {
        let mut r = Report::new("explain");
        r.push(failing("the push was denied"));
        r.push(found("token-format", Status::Pass, "env:GHCR_TOKEN", "ok"));
        let md = to_string(&r, MAX_BYTES);
        assert!(md.starts_with("## "), "{md}");
        let link = crate::home::cause_doc("workflow-missing-packages-write");
        assert!(link.starts_with("https://"), "{link}");
        assert!(md.contains(&format!("| ❌ fail | `explain` | build.log | build.log:12 | the push was denied | [`workflow-missing-packages-write`]({link}) |")), "{md}");
        assert!(md.contains("| ✅ pass | `token-format` |"), "{md}");
        assert!(md.contains("1. Add to the pushing job"), "{md}");
        let why = crate::catalog::cause("workflow-missing-packages-write")
            .expect("cause")
            .explanation
            .clone();
        assert!(md.contains(&escape(why.trim())), "explanation: {md}");
        // Evidence text is a code span: shown literally, never HTML-escaped.
        assert!(md.contains("> `denied: <b>x</b> | y`"), "{md}");
        assert!(!md.contains("&lt;"), "{md}");
    }

    /// Every `[`, `]` and `!` outside code spans is escaped, and every URL is in a code span:
    /// checks that no link or image can come out of `md` other than `allowed` ones.
    fn links(md: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut in_code = false;
        let chars: Vec<char> = md.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' {
                i += 2;
                continue;
            }
            if c == '`' {
                in_code = !in_code;
            } else if !in_code && c == ']' && chars.get(i + 1) == Some(&'(') {
                let rest: String = chars[i + 2..].iter().take_while(|c| **c != ')').collect();
                found.push(rest);
            } else if !in_code && c == '<' {
                found.push("raw <".into());
            }
            i += 1;
        }
        found
    }

    #[test]
    fn hostile_job_names_and_registry_messages_cannot_become_links_or_images() {
        let job = "build ![x](https://evil.example/p.png) [click](https://evil.example) <img src=x> **b** `code | with pipe`";
        let registry = "denied: see https://evil.example/login and www.evil.example <script>alert(1)</script> [a]: https://evil.example";
        let mut r = Report::new("explain");
        r.push(
            found(
                "explain",
                Status::Fail,
                job,
                format!("job {job}: {registry}"),
            )
            .with_cause(cause("workflow-missing-packages-write"))
            .with_location(Location::line(Some(".github/workflows/ci.yml".into()), 9))
            .with_evidence(Fact::log(Log {
                job: job.into(),
                job_id: 7,
                line: Some(42),
                lines: None,
                url: Some("https://github.com/o/r/actions/runs/1/job/7".into()),
                bytes: 0,
                truncated: false,
            }))
            .with_evidence(Fact::text(registry))
            .with_fix([
                format!("rename the job `{job}`"),
                "Add `permissions: packages: write` to the job".to_owned(),
            ]),
        );
        r.push(
            found("registry-push", Status::Fail, "ghcr.io/o/r", registry)
                .with_cause(cause("workflow-missing-packages-write"))
                .with_fix(["Add `permissions: packages: write` to the job"]),
        );
        let md = to_string(&r, MAX_BYTES);
        let cause = crate::home::cause_doc("workflow-missing-packages-write");
        let log = "https://github.com/o/r/actions/runs/1/job/7";
        for link in links(&md) {
            assert!(
                link == cause || link == log,
                "unexpected link {link:?} in {md}"
            );
        }
        // Code spans stay code spans with their text as it is.
        assert!(md.contains("`permissions: packages: write`"), "{md}");
        assert!(md.contains("code \\| with pipe"), "{md}");
        // The job's log place is shown with its link; the workflow line too.
        assert!(md.contains(".github/workflows/ci.yml:9 · ["), "{md}");
        assert!(md.contains(&format!("]({log})")), "{md}");
        // The same fix step appears once.
        assert_eq!(
            md.matches("Add `permissions: packages: write` to the job")
                .count(),
            1,
            "{md}"
        );
        // Table rows stay one line with the right number of cells.
        for line in md.lines().filter(|l| l.starts_with("| ❌")) {
            let cells = line.replace("\\|", "").matches('|').count();
            assert_eq!(cells, 7, "{line}");
        }
    }

    #[test]
    fn output_is_cut_to_the_limit_with_a_note() {
        let mut r = Report::new("explain");
        for i in 0..5000 {
            r.push(failing(&format!("message {i} {}", "x".repeat(300))));
        }
        let md = to_string(&r, MAX_BYTES);
        assert!(md.len() <= MAX_BYTES, "{} bytes", md.len());
        let last = md.trim_end().lines().last().unwrap_or_default();
        assert!(
            last.starts_with("> ") && last.contains("1024"),
            "no truncation note: {last}"
        );
        assert!(md.contains("message 0 "));
    }

    #[test]
    fn empty_report_says_so() {
        let md = to_string(&Report::new("explain"), MAX_BYTES);
        assert!(md.contains(&t!("report.no-findings")));
    }
}
