//! `login-candidate`: one finding per candidate variable: skipped (unset), a note (empty),
//! failed (with the registry's or the offline inspection's cause) or proven.

use crate::credentials;
use crate::evidence::{Detail, Fact};
use crate::finding::{self, CauseId, Finding, Status};
use crate::t;
use crate::token::TokenKind;

crate::finding::check_meta!(pub CHECK = "login-candidate", docs: "login.md", messages: "login.candidate-");

/// The variable is not set.
pub(super) fn unset(target: String, name: &str) -> Finding {
    Finding::new(
        &CHECK,
        finding::Outcome::Skip,
        target,
        t!("login.candidate-unset", name = name),
    )
}

/// The variable is empty. A note, not a warning: the action passes an unset secret as "",
/// so every run without a `GHCR_TOKEN` secret meets this.
pub(super) fn empty(target: String, name: &str) -> Finding {
    Finding::new(
        &CHECK,
        finding::Outcome::Info,
        target,
        t!("login.candidate-empty", name = name),
    )
    .with_cause(CauseId::SecretEmpty)
}

/// The value is named for what it is and unusable here (`named`: the failing
/// `token-format` finding).
pub(super) fn named(target: String, name: &str, kind: TokenKind, named: &Finding) -> Finding {
    // A failing inspection finding always names its cause.
    let cause = named.cause.unwrap_or(CauseId::TokenMalformed);
    Finding::new(
        &CHECK,
        finding::Outcome::Fail(cause),
        target,
        t!(
            "login.candidate-failed",
            name = name,
            reason = named.message
        ),
    )
    .with_fix(named.fix.clone())
    .with_evidence(Fact::token_kind(kind.as_str()))
    .with_evidence(Fact::failed_check(named.check.clone()))
    .with_evidence(Fact::details(details_evidence(std::slice::from_ref(named))))
}

/// No user name could be found for the token (`message` says why).
pub(super) fn no_username(target: String, name: &str, kind: TokenKind, message: &str) -> Finding {
    Finding::new(
        &CHECK,
        finding::Outcome::Fail(CauseId::LoginUsernameUnknown),
        target,
        t!("login.candidate-failed", name = name, reason = message),
    )
    .with_fix(crate::tl!("login.fix.username"))
    .with_evidence(Fact::token_kind(kind.as_str()))
}

/// The proof failed: `first` is the first failing probe of `details`, `verdict` the
/// finding whose cause and fix steps are the final ones (the diagnosis, else `first`).
pub(super) fn refused(
    target: String,
    name: &str,
    kind: TokenKind,
    details: &[Finding],
    first: &Finding,
    verdict: &Finding,
) -> Finding {
    let mut reason = format!("{} ({}): {}", first.check, first.target, first.message);
    // A warning on the way (a pasted line break) is often the real reason the
    // registry refused: it goes with the refusal.
    // So do the other failures (an offline token-format failure and the
    // registry's refusal both say something).
    let warned: Vec<&Finding> = details
        .iter()
        .filter(|f| {
            !std::ptr::eq(*f, first)
                && f.check != "diagnosis"
                && matches!(f.status, Status::Warn | Status::Fail)
                && f.cause.is_some()
        })
        .collect();
    for w in &warned {
        reason.push_str(&format!("; {}: {}", w.check, w.message));
    }
    // A failing finding always names its cause.
    let cause = verdict.cause.unwrap_or(CauseId::RegistryAnswerInvalid);
    let mut f = Finding::new(
        &CHECK,
        finding::Outcome::Fail(cause),
        target,
        t!("login.candidate-failed", name = name, reason = reason),
    )
    .with_evidence(Fact::token_kind(kind.as_str()))
    .with_evidence(Fact::failed_check(first.check.clone()))
    .with_evidence(Fact::details(details_evidence(details)));
    let related: Vec<String> = warned
        .iter()
        .filter_map(|w| w.cause.map(|c| c.to_string()))
        .collect();
    if !related.is_empty() {
        f = f.with_evidence(Fact::related_causes(related));
    }
    f.fix = verdict.fix.clone();
    f
}

/// What a proven candidate's finding says.
pub(super) struct Proven<'a> {
    pub target: String,
    pub name: &'a str,
    pub registry: &'a str,
    /// The number of `--for-push` images proven.
    pub for_push: usize,
    pub kind: TokenKind,
    pub username: &'a str,
    pub username_source: String,
}

/// The candidate is proven by `details`.
pub(super) fn proven(p: Proven<'_>, details: &[Finding]) -> Finding {
    let message = if p.for_push == 0 {
        t!(
            "login.candidate-proven",
            name = p.name,
            registry = p.registry
        )
    } else {
        t!(
            "login.candidate-proven-push",
            name = p.name,
            count = p.for_push
        )
    };
    Finding::new(&CHECK, finding::Outcome::Pass, p.target, message)
        .with_evidence(Fact::token_kind(p.kind.as_str()))
        .with_evidence(Fact::username(credentials::display_username(p.username)))
        .with_evidence(Fact::username_source(p.username_source))
        .with_evidence(Fact::details(details_evidence(details)))
}

/// A short record of the probes behind a verdict (check, status, target, cause, message).
fn details_evidence(details: &[Finding]) -> Vec<Detail> {
    details
        .iter()
        .map(|f| Detail {
            check: f.check.clone(),
            status: f.status.as_str().to_owned(),
            target: f.target.clone(),
            cause: f.cause,
            message: f.message.clone(),
        })
        .collect()
}

/// The failing `token-format` finding of a value named for what it is (`secret-masked`,
/// `secret-unexpanded`, and for GitHub's registries `token-encoded`, `token-foreign`,
/// `secret-password`, `token-malformed`), as `token` and `check` give it.
pub(super) fn named_failure(
    secret: &crate::secret::Secret,
    registry: &str,
    target: &str,
) -> Option<Finding> {
    let inspection = crate::token::inspect(secret.expose());
    let named = inspection
        .named?
        .for_registry(&crate::host::Host::parse(registry))?;
    inspection.findings(target, registry).into_iter().find(|f| {
        f.check == crate::token::token_format::CHECK
            && f.status == Status::Fail
            && f.cause.as_deref() == Some(named.cause())
    })
}
