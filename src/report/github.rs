//! GitHub Actions annotations: one workflow command per finding, so a CI log shows each
//! problem on the file and line it names.
//!
//! `::error` for failures, `::warning` for warnings, `::notice` for notes; passes and skips
//! are plain lines folded in one `::group::` per target. Every string shown goes through
//! `report::sanitize` first (no control character, no line break of its own, so a job id
//! holding `\n::error ...` never becomes a command, inside a group included); then escaping
//! follows the workflow-command rules (`crate::actions`): in the message `%`, CR and LF are
//! percent-encoded; in properties also `:` and `,`. A finding without a location gets
//! no `file`/`line` properties.

use std::io::{self, Write};

use super::sanitize::line as safe;
use super::{Report, Style, text};
use crate::actions::{escape_data, escape_property, group_end, group_start};
use crate::finding::{Finding, Status};
use crate::t;

/// The workflow command of a status, when it has one.
fn command(status: Status) -> Option<&'static str> {
    match status {
        Status::Fail => Some("error"),
        Status::Warn => Some("warning"),
        Status::Info => Some("notice"),
        Status::Pass | Status::Skip => None,
    }
}

fn annotation(f: &Finding, cmd: &str) -> String {
    let mut props = Vec::new();
    if let Some(loc) = &f.location
        && let Some(file) = &loc.file
    {
        props.push(format!("file={}", escape_property(&safe(file))));
        if let Some(line) = loc.line {
            props.push(format!("line={line}"));
            if let Some(col) = loc.column {
                props.push(format!("col={col}"));
                if let Some(end) = loc.end_column {
                    props.push(format!("endColumn={end}"));
                }
            }
        }
    }
    props.push(format!("title={}", escape_property(&safe(&f.check))));
    // Each part is sanitised (one line, no control characters); the only line breaks are
    // the ones put here between the message and its fix steps.
    let mut message = safe(&f.message).into_owned();
    if !f.target.is_empty() {
        message = format!("[{}] {message}", safe(&f.target));
    }
    let label = t!("report.fix-label");
    for step in &f.fix {
        message.push_str(&format!("\n{label}{}", safe(step)));
    }
    format!("::{cmd} {}::{}", props.join(","), escape_data(&message))
}

/// Problems first, as annotations (they must stay visible: a group hides its lines); then
/// the passes and skips, folded in one `::group::` per target in order of first appearance.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.findings.is_empty() {
        return writeln!(out, "{}", t!("report.no-findings"));
    }
    let mut groups: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for f in &report.findings {
        match command(f.status) {
            Some(cmd) => writeln!(out, "{}", annotation(f, cmd))?,
            None => match groups.iter_mut().find(|(t, _)| *t == f.target) {
                Some((_, fs)) => fs.push(f),
                None => groups.push((f.target.as_str(), vec![f])),
            },
        }
    }
    for (target, fs) in groups {
        let title = if target.is_empty() {
            report.command.as_str()
        } else {
            target
        };
        writeln!(out, "{}", group_start(&safe(title)))?;
        for f in fs {
            text::render_finding(f, Style::default(), out)?;
        }
        writeln!(out, "{}", group_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use crate::finding::Outcome;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn one_annotation_per_problem_and_plain_passes() {
        let mut r = Report::new("workflow");
        r.push(
            Finding::new(
                &crate::workflow::rules::login_missing::CHECK,
                Outcome::Fail(crate::catalog::CauseId::LoginMissing),
                "jobs.build",
                "no login, here",
            )
            .with_location(Location {
                file: Some("dir,x/ci.yml".into()),
                line: Some(3),
                column: Some(5),
                end_column: Some(9),
            })
            .with_fix(["log in:\nfirst"]),
        );
        r.push(Finding::new(
            &crate::workflow::rules::secret_fallback::CHECK,
            Outcome::Info,
            "",
            "note",
        ));
        r.push(Finding::new(
            &crate::workflow::YAML_CHECK,
            Outcome::Pass,
            "f.yml",
            "read",
        ));
        let mut out = Vec::new();
        render(&r, &mut out).expect("render");
        let text = String::from_utf8(out).expect("utf8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "::error file=dir%2Cx/ci.yml,line=3,col=5,endColumn=9,title=login-missing::[jobs.build] no login, here%0Afix: log in:\\nfirst"
        );
        assert_eq!(lines[1], "::notice title=secret-fallback::note");
        assert_eq!(lines[2], "::group::f.yml");
        assert!(lines[3].contains("workflow-yaml") && !lines[3].starts_with("::"));
        assert_eq!(lines[4], "::endgroup::");
        assert_eq!(lines.len(), 5);
    }
}
