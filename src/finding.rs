//! Findings: what one check found about one target, as data.
//!
//! Every command returns findings; renderers in [`crate::report`] turn them into text, JSON,
//! Markdown, SARIF or GitHub annotations. A finding never holds a secret: evidence carries
//! kinds, lengths, status codes and messages from servers, never a token.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog;

/// The outcome of one check on one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The check ran and found nothing wrong.
    Pass,
    /// Something a user should know that does not stop the work (advice, context).
    Info,
    /// Something likely to break later, or that could not be decided.
    Warn,
    /// The check ran and found a problem: the command exits 1.
    Fail,
    /// The check did not run; the message says why.
    Skip,
}

impl Status {
    /// The stable lowercase name used in JSON and SARIF.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Info => "info",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

/// Where in a file a finding points (workflow files, logs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The end of the span on the same line, when known (exclusive column).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<usize>,
}

impl Location {
    pub fn line(file: Option<String>, line: usize) -> Self {
        Location {
            file,
            line: Some(line),
            column: None,
            end_column: None,
        }
    }
}

/// One result of one check on one target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The check id, kebab-case and stable (`token-format`, `registry-push`).
    pub check: String,
    pub status: Status,
    /// What was checked: an image reference, `env:GHCR_TOKEN`, a file.
    pub target: String,
    /// The cause id from the catalog when the finding names a cause.
    pub cause: Option<String>,
    /// One sentence for the user, already in the user's language.
    pub message: String,
    /// Steps that fix the problem, in order.
    pub fix: Vec<String>,
    /// Facts behind the verdict (status codes, server messages, kinds, lengths). Never secrets.
    pub evidence: Map<String, Value>,
    pub location: Option<Location>,
}

impl Finding {
    /// Starts a finding for `check` about `target`.
    pub fn new(
        check: impl Into<String>,
        status: Status,
        target: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            check: check.into(),
            status,
            target: target.into(),
            cause: None,
            message: message.into(),
            fix: Vec::new(),
            evidence: Map::new(),
            location: None,
        }
    }

    /// Names the cause and, unless fix steps were already given, takes the catalog's fix steps.
    pub fn with_cause(mut self, cause: &str) -> Self {
        if self.fix.is_empty()
            && let Some(entry) = catalog::cause(cause)
        {
            self.fix = entry.fix_text().to_vec();
        }
        self.cause = Some(cause.to_owned());
        self
    }

    /// Replaces the fix steps.
    pub fn with_fix<I, S>(mut self, fix: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fix = fix.into_iter().map(Into::into).collect();
        self
    }

    /// Adds one piece of evidence. Never pass a secret here.
    pub fn with_evidence(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.evidence.insert(key.to_owned(), value.into());
        self
    }

    pub fn with_location(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn is_failure(&self) -> bool {
        self.status == Status::Fail
    }
}
