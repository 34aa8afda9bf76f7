//! Text output: a checklist, one line per finding, with the fix under each problem.
//!
//! `✓` pass, `✗` fail, `!` warning, `i` note, `–` skipped; failures, warnings and notes get
//! their fix steps. Colour only when [`Style::color`] is set (the CLI sets it for terminals
//! without `NO_COLOR`). A finding whose evidence has a `snippet` (a source line with a caret
//! underline) gets it printed under its line.

use std::io::{self, Write};

use super::sanitize::line as safe;
use super::{Report, Style};
use crate::finding::{Finding, Status};
use crate::t;

pub(crate) fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Warn => "!",
        Status::Info => "i",
        Status::Skip => "–",
    }
}

fn color_code(status: Status) -> &'static str {
    match status {
        Status::Pass => "32",
        Status::Fail => "31",
        Status::Warn => "33",
        Status::Info => "36",
        Status::Skip => "2",
    }
}

fn paint(style: Style, code: &str, s: &str) -> String {
    if style.color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

fn location(f: &Finding) -> Option<String> {
    let loc = f.location.as_ref()?;
    let mut s = loc.file.clone().unwrap_or_default();
    if let Some(line) = loc.line {
        if !s.is_empty() {
            s.push(':');
        }
        s.push_str(&line.to_string());
        if let Some(col) = loc.column {
            s.push(':');
            s.push_str(&col.to_string());
        }
    }
    (!s.is_empty()).then_some(s)
}

/// Renders one finding (the checklist line and its fix steps).
pub fn render_finding(f: &Finding, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let mark = paint(style, color_code(f.status), mark(f.status));
    // Every string shown goes through the sanitiser: it may come from a workflow, a
    // registry or a helper, and must not move the cursor or start a workflow command.
    let check = paint(style, "1", &safe(&f.check));
    let mut line = format!("{mark} {check}");
    // A file finding's target is usually its file, already shown by the location.
    let target_is_file = f
        .location
        .as_ref()
        .and_then(|l| l.file.as_deref())
        .is_some_and(|file| file == f.target);
    if !f.target.is_empty() && !target_is_file {
        line.push_str(&format!(" [{}]", safe(&f.target)));
    }
    if let Some(loc) = location(f) {
        line.push_str(&format!(" {}", safe(&loc)));
    }
    line.push_str(&format!(": {}", safe(&f.message)));
    if let Some(cause) = &f.cause {
        line.push_str(&paint(style, "2", &format!(" ({})", safe(cause))));
    }
    writeln!(out, "{line}")?;
    // A source snippet (the line and a caret underline) shows where a file finding points.
    if let Some(snippet) = f.evidence.get("snippet").and_then(|v| v.as_str()) {
        for l in snippet.lines() {
            writeln!(out, "    {}", paint(style, "2", &safe(l)))?;
        }
    }
    if matches!(f.status, Status::Fail | Status::Warn | Status::Info) && !f.fix.is_empty() {
        let label = t!("report.fix-label");
        for step in &f.fix {
            writeln!(out, "    {}{}", paint(style, "36", &label), safe(step))?;
        }
    }
    Ok(())
}

pub fn render(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    if report.findings.is_empty() {
        writeln!(out, "{}", t!("report.no-findings"))?;
        return Ok(());
    }
    for f in &report.findings {
        render_finding(f, style, out)?;
    }
    let summary = report.summary_line();
    writeln!(out)?;
    writeln!(out, "{summary}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use crate::finding::Outcome;

    #[test]
    fn snippets_and_note_fixes_are_printed_under_the_finding() {
        let f = Finding::new(
            &crate::workflow::rules::secret_fallback::CHECK,
            Outcome::Info,
            "ci.yml",
            "falls back",
        )
        .with_location(Location {
            file: Some("ci.yml".into()),
            line: Some(3),
            column: Some(5),
            end_column: Some(7),
        })
        .with_evidence("snippet", "3 | a: b\n  |     ^^")
        .with_fix(["use one secret"]);
        let mut out = Vec::new();
        render_finding(&f, Style::default(), &mut out).expect("render");
        let text = String::from_utf8(out).expect("utf8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "i secret-fallback ci.yml:3:5: falls back");
        assert_eq!(lines[1], "    3 | a: b");
        assert_eq!(lines[2], "      |     ^^");
        assert!(lines[3].contains("use one secret"), "{text}");
    }
}
