//! Findings: what one check found about one target, as data: the registered [`Check`] that
//! found it (declared with `check_meta!`), the [`Finding`] and the [`Report`] of one
//! command. This module sits below every check and command, so all of them can build
//! findings and reports while only `register` lists the checks.
//!
//! Every command returns findings; renderers in `report` turn them into text, JSON,
//! Markdown, SARIF or GitHub annotations. A finding never holds a secret: evidence carries
//! kinds, lengths, status codes and messages from servers, never a token.

use serde::Serialize;
use serde_json::{Map, Value};

pub use crate::evidence::{Evidence, Fact, Key};

pub use crate::catalog::CauseId;

/// A registered check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// The stable kebab-case id (`registry-push`).
    pub id: &'static str,
    /// The documentation section, `docs/checks/<file>.md#<id>`.
    pub docs: &'static str,
    /// The prefix of the check's message keys in `i18n/<lang>/*.toml` (`check.registry-push`).
    pub messages: &'static str,
}

impl Check {
    /// The documentation file, relative to the repository root.
    pub fn docs_file(&self) -> &'static str {
        self.docs.split('#').next().unwrap_or(self.docs)
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// A finding's `check` field compares with the registered check (`f.check == CHECK`).
impl PartialEq<Check> for String {
    fn eq(&self, other: &Check) -> bool {
        self == other.id
    }
}

impl PartialEq<Check> for &str {
    fn eq(&self, other: &Check) -> bool {
        *self == other.id
    }
}

impl From<Check> for String {
    fn from(c: Check) -> String {
        c.id.to_owned()
    }
}

/// Declares a check: `check_meta!(pub CHECK = "registry-push", docs: "registry.md",
/// messages: "check.registry-push");` (as zizmor's `audit_meta!`). The docs anchor is
/// derived from the id.
macro_rules! check_meta {
    ($(#[$m:meta])* $vis:vis $name:ident = $id:literal, docs: $doc:literal, messages: $msg:literal) => {
        $(#[$m])*
        $vis const $name: $crate::finding::Check = $crate::finding::Check {
            id: $id,
            docs: concat!("docs/checks/", $doc, "#", $id),
            messages: $msg,
        };
    };
}
pub(crate) use check_meta;

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
    /// The one-character mark the text report and verify's build report show.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Pass => "✓",
            Status::Fail => "✗",
            Status::Warn => "!",
            Status::Info => "i",
            Status::Skip => "–",
        }
    }

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

    pub fn with_location(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn is_failure(&self) -> bool {
        self.status == Status::Fail
    }
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

fn redact_value(v: &mut Value) {
    match v {
        Value::String(s) => *s = crate::secret::redact(s),
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::Object(map) => map.values_mut().for_each(redact_value),
        _ => {}
    }
}
