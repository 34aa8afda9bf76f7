//! The GitHub Actions runner: workflow commands (masks, annotations, groups), step outputs and
//! the step summary.
//!
//! See "Workflow commands for GitHub Actions": `::add-mask::`, `::error file=,line=,title=::`,
//! `::group::`/`::endgroup::`, and the files named by `GITHUB_OUTPUT` and
//! `GITHUB_STEP_SUMMARY`. The summary accepts up to 1 MiB per step.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::PathBuf;

use crate::environment::Env;
use crate::secret::Secret;

/// The most a step summary may hold.
pub const SUMMARY_LIMIT: usize = 1024 * 1024;

/// Where the runner wants outputs and the summary, and whether we run inside Actions.
#[derive(Debug, Clone, Default)]
pub struct Runner {
    /// True inside GitHub Actions (`GITHUB_ACTIONS=true`) or when forced.
    pub active: bool,
    pub output_file: Option<PathBuf>,
    pub summary_file: Option<PathBuf>,
}

impl Runner {
    /// Reads `GITHUB_ACTIONS`, `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`; `force` overrides
    /// the detection (`--github-actions` / `--no-github-actions`).
    pub fn from_env(env: &Env, force: Option<bool>) -> Runner {
        let detected = env.get("GITHUB_ACTIONS") == Some("true");
        let path = |name: &str| {
            env.get(name)
                .filter(|v| !v.trim().is_empty())
                .map(PathBuf::from)
        };
        Runner {
            active: force.unwrap_or(detected),
            output_file: path("GITHUB_OUTPUT"),
            summary_file: path("GITHUB_STEP_SUMMARY"),
        }
    }

    /// Appends `name=value` to `$GITHUB_OUTPUT` (heredoc form for multi-line values).
    /// Does nothing outside Actions or without the file.
    pub fn set_output(&self, name: &str, value: &str) -> io::Result<()> {
        let Some(path) = self.output_file.as_ref().filter(|_| self.active) else {
            return Ok(());
        };
        let mut file = OpenOptions::new().create(true).append(true).open(path)?;
        if value.contains('\n') || value.contains('\r') {
            let delimiter = heredoc_delimiter(value);
            writeln!(file, "{name}<<{delimiter}\n{value}\n{delimiter}")
        } else {
            writeln!(file, "{name}={value}")
        }
    }

    /// Appends Markdown to `$GITHUB_STEP_SUMMARY`, cut to stay under the 1 MiB limit.
    pub fn append_summary(&self, markdown: &str) -> io::Result<()> {
        let Some(path) = self.summary_file.as_ref().filter(|_| self.active) else {
            return Ok(());
        };
        let existing = std::fs::metadata(path)
            .map(|m| m.len() as usize)
            .unwrap_or(0);
        let room = SUMMARY_LIMIT.saturating_sub(existing);
        let mut file = OpenOptions::new().create(true).append(true).open(path)?;
        file.write_all(truncate_markdown(markdown, room).as_bytes())
    }
}

/// A heredoc delimiter that does not occur in `value`.
fn heredoc_delimiter(value: &str) -> String {
    let mut n = 0u32;
    loop {
        let d = format!("ghcr_doctor_EOF_{n}");
        if !value.contains(&d) {
            return d;
        }
        n += 1;
    }
}

/// Cuts `markdown` to at most `limit` bytes on a line boundary, with a note when cut.
pub fn truncate_markdown(markdown: &str, limit: usize) -> String {
    if markdown.len() <= limit {
        return markdown.to_owned();
    }
    let note = format!("\n\n{}\n", crate::t!("report.truncated"));
    let budget = limit.saturating_sub(note.len());
    let mut cut = budget.min(markdown.len());
    while cut > 0 && !markdown.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &markdown[..cut];
    let head = head.rfind('\n').map_or(head, |i| &head[..i]);
    if budget == 0 {
        return String::new();
    }
    format!("{head}{note}")
}

/// `::add-mask::` for a secret, so the runner hides it in every later log line. This is the
/// one place a secret is written out, by design, and only to standard error: the runner
/// consumes the line from either stream, and standard output keeps only the report.
pub fn mask_command(secret: &Secret) -> Option<String> {
    let value = secret.expose();
    if value.trim().is_empty() {
        return None;
    }
    Some(format!("::add-mask::{}", escape_data(value)))
}

/// Escapes the message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`) of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::group::title`.
pub fn group_start(title: &str) -> String {
    format!("::group::{}", escape_data(title))
}

/// `::endgroup::`.
pub fn group_end() -> &'static str {
    "::endgroup::"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn outputs_and_summary_are_written_only_in_actions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let sum = dir.path().join("sum");
        let env = Env::from_pairs([
            ("GITHUB_OUTPUT", out.display().to_string()),
            ("GITHUB_STEP_SUMMARY", sum.display().to_string()),
        ]);
        let idle = Runner::from_env(&env, None);
        assert!(!idle.active);
        idle.set_output("ok", "true").expect("no-op");
        assert!(!out.exists());

        let runner = Runner::from_env(&env, Some(true));
        runner.set_output("ok", "true").expect("output");
        runner
            .set_output("notes", "a\nb")
            .expect("multi-line output");
        runner.append_summary("# Report\n").expect("summary");
        let written = std::fs::read_to_string(&out).expect("read output");
        assert!(written.starts_with("ok=true\n"), "{written}");
        assert!(written.contains("notes<<ghcr_doctor_EOF_0\na\nb\nghcr_doctor_EOF_0\n"));
        assert_eq!(
            std::fs::read_to_string(&sum).expect("read summary"),
            "# Report\n"
        );
    }

    #[test]
    fn summary_is_cut_under_the_limit_on_a_line_boundary() {
        let md = "| a | b |\n".repeat(200);
        let cut = truncate_markdown(&md, 500);
        assert!(cut.len() <= 500, "{}", cut.len());
        assert!(
            cut.lines()
                .filter(|l| l.starts_with('|'))
                .all(|l| l == "| a | b |")
        );
        assert_eq!(truncate_markdown("short", 500), "short");
    }

    #[test]
    fn mask_needs_a_value() {
        assert_eq!(mask_command(&Secret::new("  ")), None);
        assert_eq!(
            mask_command(&Secret::new("ab%c")).as_deref(),
            Some("::add-mask::ab%25c")
        );
    }
}
