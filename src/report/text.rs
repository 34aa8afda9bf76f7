//! Text output: per subject (image, or file), the verdict, the problems with their fixes, and
//! one folded line for the passes and skips; `--quiet` keeps the problems only, `-v` shows a
//! checklist of every finding. A fix step is printed once per report.
//!
//! `✓` pass, `✗` fail, `!` warning, `i` note, `–` skipped; failures, warnings and notes get
//! their fix steps. Colour only when [`Style::color`] is set (the CLI sets it for terminals
//! without `NO_COLOR`). A finding whose evidence has a `snippet` (a source line with a caret
//! underline) gets it printed under its line.

use std::io::{self, Write};

use super::sanitize::line as safe;
use super::{Detail, Report, Style};
use crate::check::{diagnosis, registry_pull, registry_push};
use crate::evidence::{Fact, Key};
use crate::finding::{Finding, Status};
use crate::t;

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
    render_line(f, style, true, &mut Vec::new(), out)
}

/// Renders one finding; `show_target` names its target on the line (off under a heading
/// that names it). Fix steps already in `shown` are left out and the new ones added, so a
/// report gives each fix once.
fn render_line(
    f: &Finding,
    style: Style,
    show_target: bool,
    shown: &mut Vec<String>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mark = paint(style, color_code(f.status), f.status.mark());
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
    if show_target && !f.target.is_empty() && !target_is_file {
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
    if let Some(Fact::Snippet(snippet)) = f.evidence.get(Key::Snippet) {
        for l in snippet.lines() {
            writeln!(out, "    {}", paint(style, "2", &safe(l)))?;
        }
    }
    if matches!(f.status, Status::Fail | Status::Warn | Status::Info) && !f.fix.is_empty() {
        let label = t!("report.fix-label");
        for step in &f.fix {
            if shown.contains(step) {
                continue;
            }
            shown.push(step.clone());
            writeln!(out, "    {}{}", paint(style, "36", &label), safe(step))?;
        }
    }
    Ok(())
}

/// What a group of findings is about: the file of a file finding, else its target.
fn subject(f: &Finding) -> Vec<String> {
    if f.check == diagnosis::ID
        && let Some(Fact::Images(images)) = f.evidence.get(Key::Images)
        && !images.is_empty()
    {
        return images.clone();
    }
    match f.location.as_ref().and_then(|l| l.file.clone()) {
        Some(file) => vec![file],
        None => vec![f.target.clone()],
    }
}

/// The findings grouped by subject, in order of first appearance (a diagnosis is in the
/// group of every image it names).
fn groups(report: &Report) -> Vec<(String, Vec<&Finding>)> {
    let mut groups: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in &report.findings {
        for s in subject(f) {
            match groups.iter_mut().find(|(g, _)| *g == s) {
                Some((_, fs)) => fs.push(f),
                None => groups.push((s, vec![f])),
            }
        }
    }
    groups
}

/// The order of problems in a group: the diagnosis, then failures, warnings and notes.
fn weight(f: &Finding) -> u8 {
    match f.status {
        Status::Fail if f.check == diagnosis::ID => 0,
        Status::Fail => 1,
        Status::Warn => 2,
        Status::Info => 3,
        Status::Pass | Status::Skip => 4,
    }
}

/// The verdict of a group without failures: what the registry probes proved, else that
/// nothing failed.
fn verdict(fs: &[&Finding]) -> String {
    let passed = |id: &str| fs.iter().any(|f| f.check == id && f.status == Status::Pass);
    if passed("image-blobs") {
        t!("report.verdict-complete")
    } else if passed(registry_push::ID) {
        t!("report.verdict-push")
    } else if passed(registry_pull::ID) {
        t!("report.verdict-pull")
    } else {
        t!("report.verdict-ok")
    }
}

/// The one line for a group's passes and skips (`5 passed, 3 skipped: why`) and the status
/// its mark shows.
fn folded(fs: &[&Finding]) -> Option<(Status, String)> {
    let passed = fs.iter().filter(|f| f.status == Status::Pass).count();
    let skipped: Vec<&&Finding> = fs.iter().filter(|f| f.status == Status::Skip).collect();
    if passed == 0 && skipped.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if passed > 0 {
        parts.push(t!("report.folded-passed", count = passed));
    }
    if !skipped.is_empty() {
        parts.push(t!("report.folded-skipped", count = skipped.len()));
    }
    let mut line = parts.join(", ");
    // Skip messages often start with the word the count already says.
    let prefix = t!("report.skip-prefix");
    let mut reasons: Vec<&str> = Vec::new();
    for f in &skipped {
        let reason = f
            .message
            .strip_prefix(prefix.as_str())
            .unwrap_or(&f.message);
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    if !reasons.is_empty() {
        let more = reasons.len() > 2;
        let mut why = reasons.into_iter().take(2).collect::<Vec<_>>().join("; ");
        if more {
            why.push_str("; …");
        }
        line.push_str(&format!(": {}", safe(&why)));
    }
    let status = if passed > 0 {
        Status::Pass
    } else {
        Status::Skip
    };
    Some((status, line))
}

/// Renders the report. Normal detail: one block per subject (image, or file for
/// `workflow`): a heading with the verdict, the problems with their fixes (the diagnosis
/// first, so it owns the fixes of the failures it explains), and one folded line for the
/// passes and skips. Quiet: the failures and warnings only. Verbose: every finding, one line
/// each. Every detail gives each fix step once and ends with the summary line. `ref` always
/// lists every reference: its passes are its answer.
pub fn render(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    if report.findings.is_empty() {
        writeln!(out, "{}", t!("report.no-findings"))?;
        return Ok(());
    }
    let mut shown = Vec::new();
    let detail = if report.command == "ref" {
        Detail::Verbose
    } else {
        style.detail
    };
    match detail {
        Detail::Verbose => {
            for f in &report.findings {
                render_line(f, style, true, &mut shown, out)?;
            }
        }
        Detail::Quiet => {
            let mut problems: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| matches!(f.status, Status::Fail | Status::Warn))
                .collect();
            problems.sort_by_key(|f| weight(f));
            for f in problems {
                render_line(f, style, true, &mut shown, out)?;
            }
        }
        Detail::Normal => {
            // A subject with nothing to act on takes one line; one with problems a block.
            let mut previous_block = false;
            for (i, (subject, mut fs)) in groups(report).into_iter().enumerate() {
                fs.sort_by_key(|f| weight(f));
                let block = fs.iter().any(|f| weight(f) < 4);
                if i > 0 && (block || previous_block) {
                    writeln!(out)?;
                }
                previous_block = block;
                let name = if subject.is_empty() {
                    safe(&report.command).into_owned()
                } else {
                    safe(&subject).into_owned()
                };
                let heading = paint(style, "1", &format!("{name}:"));
                let failed = fs.iter().any(|f| f.status == Status::Fail);
                let pass_mark = paint(style, color_code(Status::Pass), Status::Pass.mark());
                if !block {
                    match folded(&fs) {
                        Some((Status::Skip, line)) => {
                            let skip = paint(style, color_code(Status::Skip), Status::Skip.mark());
                            writeln!(out, "{heading} {skip} {line}")?;
                        }
                        Some((_, line)) => {
                            writeln!(out, "{heading} {pass_mark} {} · {line}", verdict(&fs))?;
                        }
                        None => writeln!(out, "{heading} {pass_mark} {}", verdict(&fs))?,
                    }
                    continue;
                }
                if failed {
                    writeln!(out, "{}", paint(style, "1", &name))?;
                } else {
                    writeln!(out, "{heading} {pass_mark} {}", verdict(&fs))?;
                }
                for f in fs.iter().filter(|f| weight(f) < 4) {
                    let mut line = Vec::new();
                    render_line(f, style, f.target != subject, &mut shown, &mut line)?;
                    for l in String::from_utf8_lossy(&line).lines() {
                        writeln!(out, "  {l}")?;
                    }
                }
                if let Some((status, line)) = folded(&fs) {
                    let mark = paint(style, color_code(status), status.mark());
                    writeln!(out, "  {mark} {line}")?;
                }
            }
        }
    }
    let summary = report.summary_line();
    writeln!(out)?;
    writeln!(out, "{summary}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Fact;
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
        .with_evidence(Fact::snippet("3 | a: b\n  |     ^^"))
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
