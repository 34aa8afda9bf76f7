//! The report of one command run, and its renderers.
//!
//! A [`Report`] is data: the command's findings plus command-specific fields. Each output
//! format is its own module with a pure function from the report to a writer, so a format
//! never changes what was found.

use std::io::{self, Write};

use serde_json::{Map, Value};

use crate::finding::{Finding, Status};

pub mod github;
pub mod json;
pub mod markdown;
pub mod sanitize;
pub mod sarif;
pub mod text;

/// The output formats. Not every command supports every format yet; [`render`] says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Sarif,
    Github,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }
}

/// How renderers draw (colour only on a terminal and when `NO_COLOR` is unset).
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    /// How much the text report shows.
    pub detail: Detail,
}

/// How much the text report shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Detail {
    /// Failures and warnings with their fixes, and the summary line (`--quiet`).
    Quiet,
    /// Per subject: the verdict, the problems with their fixes, one folded line for the
    /// passes and skips.
    #[default]
    Normal,
    /// Every finding, one line each (`-v`).
    Verbose,
}

/// What one command found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The subcommand (`check`, `token`, `ref`, ...).
    pub command: String,
    pub findings: Vec<Finding>,
    /// Command-specific top-level JSON fields (`token`, `references`, ...).
    pub extra: Map<String, Value>,
    /// Step outputs for GitHub Actions (`auth-method`, `username`, `digest`); `ok` is added
    /// by the caller from [`Report::ok`].
    pub outputs: Vec<(String, String)>,
    /// The command's own Markdown document, rendered instead of the generic findings table
    /// (verify's build report); `None` for the generic one.
    pub markdown: Option<String>,
}

impl Report {
    pub fn new(command: impl Into<String>) -> Self {
        Report {
            command: command.into(),
            findings: Vec::new(),
            extra: Map::new(),
            outputs: Vec::new(),
            markdown: None,
        }
    }

    pub fn push(&mut self, finding: Finding) {
        // Built through `Outcome::Fail(cause)`, a failure names its cause; only a later
        // status change could break that, and none may.
        debug_assert!(
            !finding.is_failure() || finding.cause.is_some(),
            "a failing finding of {} without a cause",
            finding.check
        );
        self.findings.push(finding);
    }

    /// True when no finding failed (warnings, notes and skips allowed).
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(Finding::is_failure)
    }

    /// How many findings have this status.
    pub fn count(&self, status: Status) -> usize {
        self.findings.iter().filter(|f| f.status == status).count()
    }

    /// The one-line count of findings per status that closes the text and Markdown reports.
    pub fn summary_line(&self) -> String {
        crate::t!(
            "report.summary",
            pass = self.count(Status::Pass),
            fail = self.count(Status::Fail),
            warn = self.count(Status::Warn),
            info = self.count(Status::Info),
            skip = self.count(Status::Skip)
        )
    }

    /// The report with everything the secret policy takes for a secret replaced by
    /// `<redacted>`, in every text it shows: targets, messages, fixes, evidence, the
    /// command's fields, step outputs and its own document. Every renderer sees only this.
    pub fn redacted(&self) -> Report {
        use crate::secret::redact;
        let mut r = self.clone();
        for f in &mut r.findings {
            f.target = redact(&f.target);
            f.message = redact(&f.message);
            for line in &mut f.fix {
                *line = redact(line);
            }
            f.evidence.redact();
        }
        for v in r.extra.values_mut() {
            redact_value(v);
        }
        for (_, v) in &mut r.outputs {
            *v = redact(v);
        }
        if let Some(md) = &mut r.markdown {
            *md = redact(md);
        }
        r
    }

    /// The process exit code for this report: 0 when nothing failed, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.ok() { 0 } else { 1 }
    }
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{}", crate::t!("report.unsupported-format", format = format, command = command))]
    Unsupported {
        format: &'static str,
        command: String,
    },
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Renders `report` in `format` to `out`, after the secret policy hid what looks like a
/// secret ([`Report::redacted`]).
pub fn render(
    report: &Report,
    format: Format,
    style: Style,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let report = &report.redacted();
    match format {
        Format::Text => text::render(report, style, out)?,
        Format::Json => json::render(report, out)?,
        Format::Sarif => sarif::render(report, out)?,
        Format::Github => github::render(report, out)?,
        Format::Markdown => markdown::render(report, out)?,
    }
    Ok(())
}

fn redact_value(v: &mut Value) {
    match v {
        Value::String(s) => *s = crate::secret::redact(s),
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::Object(map) => map.values_mut().for_each(redact_value),
        _ => {}
    }
}

/// Findings built by hand for the renderers' unit tests.
#[cfg(test)]
pub(crate) mod test_findings {
    use crate::finding::{CauseId, Finding, Status};

    /// A finding of any check id, as the renderers see it.
    pub(crate) fn found(
        check: &str,
        status: Status,
        target: &str,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            check: check.into(),
            status,
            target: target.into(),
            cause: None,
            message: message.into(),
            fix: Vec::new(),
            evidence: Default::default(),
            location: None,
            denial: None,
        }
    }

    pub(crate) fn cause(id: &str) -> CauseId {
        CauseId::from_id(id).expect("cause id")
    }
}
