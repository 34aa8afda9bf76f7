//! Findings: what one check found about one target, as data.
//!
//! Every command returns findings; renderers in [`crate::report`] turn them into text, JSON,
//! Markdown, SARIF or GitHub annotations. A finding never holds a secret: evidence carries
//! kinds, lengths, status codes and messages from servers, never a token.

use serde::Serialize;

pub use crate::evidence::{Evidence, Fact, Key};

pub use crate::catalog::CauseId;
pub use crate::register::Check;

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

/// What a check concluded, as a finding is built: a failure always names its cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Info,
    Warn,
    /// A problem the user must fix, and its cause in the catalog.
    Fail(CauseId),
    Skip,
}

impl Outcome {
    /// `status`, with `cause` named if (and only if) it is a failure.
    pub fn of(status: Status, cause: CauseId) -> Outcome {
        match status {
            Status::Pass => Outcome::Pass,
            Status::Info => Outcome::Info,
            Status::Warn => Outcome::Warn,
            Status::Fail => Outcome::Fail(cause),
            Status::Skip => Outcome::Skip,
        }
    }

    pub fn status(self) -> Status {
        match self {
            Outcome::Pass => Status::Pass,
            Outcome::Info => Status::Info,
            Outcome::Warn => Status::Warn,
            Outcome::Fail(_) => Status::Fail,
            Outcome::Skip => Status::Skip,
        }
    }

    pub fn cause(self) -> Option<CauseId> {
        match self {
            Outcome::Fail(c) => Some(c),
            _ => None,
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
    /// The cause id from the catalog when the finding names a cause; always set on a
    /// failure (see [`Outcome::Fail`]). Status changes after construction only soften a
    /// verdict (`fail` → `warn`).
    pub cause: Option<CauseId>,
    /// One sentence for the user, already in the user's language.
    pub message: String,
    /// Steps that fix the problem, in order.
    pub fix: Vec<String>,
    /// Facts behind the verdict (status codes, server messages, kinds, lengths), typed and
    /// serialised only by the renderers ([`crate::evidence`]). Never secrets.
    pub evidence: Evidence,
    pub location: Option<Location>,
    /// The typed facts of a registry refusal, for the cause decision once GitHub's side is
    /// known ([`crate::denial::decide`]); never serialised.
    #[serde(skip)]
    pub denial: Option<Box<crate::denial::Denial>>,
}

impl Finding {
    /// Starts a finding of the registered `check` about `target`. A failing verdict carries
    /// its cause, whose catalog fix steps become the finding's.
    pub fn new(
        check: &Check,
        verdict: Outcome,
        target: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let f = Finding {
            check: check.id.to_owned(),
            status: verdict.status(),
            target: target.into(),
            cause: None,
            message: message.into(),
            fix: Vec::new(),
            evidence: Evidence::new(),
            location: None,
            denial: None,
        };
        match verdict.cause() {
            Some(c) => f.with_cause(c),
            None => f,
        }
    }

    /// A finding of any status that names its cause (workflow rules, whose id is their
    /// cause's, report the same cause as a failure or a warning).
    pub fn caused(
        check: &Check,
        status: Status,
        cause: CauseId,
        target: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding::new(check, Outcome::of(status, cause), target, message).with_cause(cause)
    }

    /// A finding of `check` that restates `source`'s verdict (status, cause, fix steps) in
    /// its own words: `check`'s `token-format` speaks for the token inspection's worst
    /// finding.
    pub fn restating(
        check: &Check,
        source: &Finding,
        target: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            check: check.id.to_owned(),
            status: source.status,
            target: target.into(),
            cause: source.cause,
            message: message.into(),
            fix: source.fix.clone(),
            evidence: Evidence::new(),
            location: None,
            denial: None,
        }
    }

    /// Names the cause and, unless fix steps were already given, takes the catalog's fix steps.
    pub fn with_cause(mut self, cause: CauseId) -> Self {
        if self.fix.is_empty() {
            self.fix = cause.fix();
        }
        self.cause = Some(cause);
        self
    }

    /// Replaces the cause and its fix steps (a later, better-informed verdict).
    pub fn recause(&mut self, cause: CauseId) {
        self.cause = Some(cause);
        self.fix = cause.fix();
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

    /// Adds one fact to the evidence (replacing a fact of the same key). Never a secret.
    pub fn with_evidence(mut self, fact: Fact) -> Self {
        self.evidence.insert(fact);
        self
    }

    /// Keeps the refusal's typed facts for the final decision; the fix steps name where
    /// the refused credential came from.
    pub fn with_denial(mut self, denial: crate::denial::Denial) -> Self {
        if let Some(cause) = self.cause {
            self.fix = denial.fix(cause);
        }
        self.denial = Some(Box::new(denial));
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
