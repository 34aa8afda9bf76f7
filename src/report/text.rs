//! Text output: a checklist, one line per finding, with the fix under each failure.
//!
//! `✓` pass, `✗` fail, `!` warning, `i` note, `–` skipped. Colour only when [`Style::color`]
//! is set (the CLI sets it for terminals without `NO_COLOR`).

use std::io::{self, Write};

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
    let check = paint(style, "1", &f.check);
    let mut line = format!("{mark} {check}");
    if !f.target.is_empty() {
        line.push_str(&format!(" [{}]", f.target));
    }
    if let Some(loc) = location(f) {
        line.push_str(&format!(" {loc}"));
    }
    line.push_str(&format!(": {}", f.message));
    if let Some(cause) = &f.cause {
        line.push_str(&paint(style, "2", &format!(" ({cause})")));
    }
    writeln!(out, "{line}")?;
    if matches!(f.status, Status::Fail | Status::Warn) && !f.fix.is_empty() {
        let heading = t!("report.fix-heading");
        for step in &f.fix {
            writeln!(
                out,
                "    {} {step}",
                paint(style, "36", &format!("{heading}:"))
            )?;
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
    let summary = t!(
        "report.summary",
        pass = report.count(Status::Pass),
        fail = report.count(Status::Fail),
        warn = report.count(Status::Warn),
        info = report.count(Status::Info),
        skip = report.count(Status::Skip)
    );
    writeln!(out)?;
    writeln!(out, "{summary}")
}
