//! `token-format`: the credential that will be sent, judged offline before any request by
//! [`token::inspect`] (kind, pasting defects, format and checksum, the verdict for the
//! registry), as `ghcr-doctor token` judges it. It names the source and never the value.

use crate::credentials::Credential;
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::token;

/// Declared with `ghcr-doctor token`'s findings: one check in both commands.
pub use crate::token::token_format::CHECK;
pub const ID: &str = CHECK.id;

/// What the run sends to one registry.
#[derive(Debug, Clone, Copy)]
pub enum Sent<'a> {
    /// `--anonymous`.
    Anonymous,
    /// Discovery found nothing.
    Nothing,
    Credential(&'a Credential),
}

/// One finding about the credential for `registry`; `target` is the credential's source.
pub fn check(registry: &str, sent: Sent<'_>) -> Finding {
    let c = match sent {
        Sent::Anonymous => {
            return Finding::new(
                &CHECK,
                Outcome::Info,
                registry,
                crate::t!("check.token-format.anonymous", registry = registry),
            );
        }
        Sent::Nothing => {
            return Finding::new(
                &CHECK,
                Outcome::Info,
                registry,
                crate::t!("check.token-format.none", registry = registry),
            )
            .with_cause(CauseId::NoCredentials);
        }
        Sent::Credential(c) => c,
    };
    // The same inspection as `ghcr-doctor token`, so both commands say the same thing.
    let inspection = token::inspect(c.secret.expose());
    let kind = inspection.kind;
    let username = c.username.as_deref().unwrap_or("-");
    let evidence = |f: Finding| {
        f.with_evidence(Fact::registry(registry))
            .with_evidence(Fact::kind(kind.as_str()))
            .with_evidence(Fact::length(c.secret.len()))
            .with_evidence(Fact::username(username))
    };
    let findings = inspection.findings(&c.source, registry);
    // The most serious of the inspection's findings speaks for the credential; passes and
    // skips (no format to check for a password) leave the summary below.
    let worst = findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Info))
        .max_by_key(|f| match f.status {
            Status::Fail => 3,
            Status::Warn => 2,
            _ => 1,
        });
    if let Some(w) = worst {
        let mut f = evidence(Finding::restating(
            &CHECK,
            w,
            c.source.as_str(),
            w.message.clone(),
        ))
        .with_evidence(Fact::token_check(w.check.as_str()));
        for fact in w.evidence.iter() {
            if !f.evidence.contains(fact.key()) {
                f.evidence.insert(fact.clone());
            }
        }
        return f;
    }
    let mut f = evidence(Finding::new(
        &CHECK,
        Outcome::Pass,
        c.source.as_str(),
        crate::t!(
            "check.token-format.pass",
            source = c.source,
            kind = kind.as_str(),
            length = c.secret.len(),
            username = username
        ),
    ));
    if let Some(v) = inspection.verdict(registry) {
        f = f.with_evidence(Fact::verdict(v.as_str()));
    }
    f
}
