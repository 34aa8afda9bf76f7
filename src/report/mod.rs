//! The report of one command run, and its renderers.
//!
//! A [`Report`] is data ([`crate::finding::Report`], below every command that builds one):
//! the command's findings plus command-specific fields. Each output format is its own
//! module with a pure function from the report to a writer, so a format never changes what
//! was found.

use std::io::{self, Write};

pub use crate::finding::Report;

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
        }
    }

    pub(crate) fn cause(id: &str) -> CauseId {
        CauseId::from_id(id).expect("cause id")
    }
}
