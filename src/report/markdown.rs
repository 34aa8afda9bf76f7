//! Markdown output, for `$GITHUB_STEP_SUMMARY` and pull-request comments: a heading for the
//! command, a table of every finding with its status, and the fix steps of each failure and
//! warning, each linked to its cause in `docs/causes.md` (of this version, in the project's
//! repository: [`crate::home::cause_doc`]).
//!
//! GitHub refuses a step summary over 1 MiB, so the output is cut at [`MAX_BYTES`] with a
//! note saying how much was left out. Text from logs and servers is escaped so it cannot
//! break the table, inject HTML or become a link or an image (`[`, `]` escaped).

use std::io::{self, Write};

use super::Report;
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

/// Escapes text for a table cell or a list item: no HTML, no cell breaks, one line.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (count, ch) in text.chars().enumerate() {
        if count >= MAX_CELL {
            out.push('…');
            break;
        }
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            // `[..](url)` and `![..](url)` from a job name or a server must not become a
            // link or an image.
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text inside a code span: backticks cannot be escaped there, so they become quotes.
fn code(text: &str) -> String {
    // Inside a code span nothing is a link, and a backslash would show.
    format!(
        "`{}`",
        escape(text)
            .replace("\\[", "[")
            .replace("\\]", "]")
            .replace('`', "'")
    )
}

fn cause_link(cause: &str) -> String {
    format!("[`{cause}`]({})", crate::home::cause_doc(cause))
}

fn location(f: &Finding) -> String {
    let Some(loc) = &f.location else {
        return String::new();
    };
    let mut s = loc.file.as_deref().map(escape).unwrap_or_default();
    if let Some(line) = loc.line {
        if !s.is_empty() {
            s.push(':');
        }
        s.push_str(&line.to_string());
    }
    s
}

fn row(f: &Finding) -> String {
    format!(
        "| {} {} | {} | {} | {} | {} | {} |\n",
        mark(f.status),
        f.status.as_str(),
        code(&f.check),
        escape(&f.target),
        location(f),
        escape(&f.message),
        f.cause.as_deref().map(cause_link).unwrap_or_default(),
    )
}

fn fix_section(f: &Finding) -> String {
    let mut s = format!("#### {} {}", mark(f.status), code(&f.check));
    let loc = location(f);
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
    if let Some(text) = f.evidence.get("text").and_then(|v| v.as_str()) {
        s.push_str(&format!("> {}\n\n", code(text)));
    }
    for (i, step) in f.fix.iter().enumerate() {
        s.push_str(&format!("{}. {}\n", i + 1, escape(step)));
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
        for f in with_fix {
            let section = fix_section(f);
            if out.len() + section.len() > budget {
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
    use crate::finding::Location;
    use crate::finding::{CauseId, Outcome};

    fn failing(message: &str) -> Finding {
        Finding::new(
            &crate::explain::CHECK,
            Outcome::Fail(CauseId::WorkflowMissingPackagesWrite),
            "build.log",
            message,
        )
        .with_location(Location::line(Some("build.log".into()), 12))
        .with_evidence("text", "denied: <b>x</b> | y")
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
        r.push(Finding::new(
            &crate::token::CHECK_FORMAT,
            Outcome::Pass,
            "env:GHCR_TOKEN",
            "ok",
        ));
        let md = to_string(&r, MAX_BYTES);
        assert!(md.starts_with("## "), "{md}");
        assert!(md.contains(&format!("| ❌ fail | `explain` | build.log | build.log:12 | the push was denied | [`workflow-missing-packages-write`]({}) |", crate::home::cause_doc("workflow-missing-packages-write"))), "{md}");
        assert!(md.contains("| ✅ pass | `token-format` |"), "{md}");
        assert!(md.contains("1. Add to the pushing job"), "{md}");
        let why = crate::catalog::cause("workflow-missing-packages-write")
            .expect("cause")
            .explanation
            .clone();
        assert!(md.contains(&escape(why.trim())), "explanation: {md}");
        assert!(md.contains("&lt;b&gt;x&lt;/b&gt; \\| y"), "{md}");
        assert!(!md.contains("<b>"), "{md}");
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
