//! `credential-source`: the credential discovery chose for a registry (its source, kind and
//! length, never its value), that none was found, or one passed over for it.

use super::{Credential, display_username};
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome};
use crate::t;

crate::finding::check_meta!(pub CHECK = "credential-source", docs: "credentials.md", messages: "credentials");

/// The credential in use.
pub(super) fn found(c: &Credential, registry: &str) -> Finding {
    // The kind of the value with pasting defects removed, as `token` reports it.
    let kind = crate::token::inspect(c.secret.expose()).kind;
    let user = c
        .username
        .as_deref()
        .map(display_username)
        .unwrap_or_else(|| t!("credentials.no-username"));
    let mut f = Finding::new(
        &CHECK,
        Outcome::Pass,
        registry,
        t!(
            "credentials.found",
            source = c.source,
            username = user,
            kind = kind.as_str(),
            length = c.secret.expose().chars().count()
        ),
    )
    .with_evidence(Fact::source(c.source.as_str()))
    .with_evidence(Fact::kind(kind.as_str()))
    .with_evidence(Fact::length(c.secret.expose().chars().count()))
    .with_evidence(Fact::identity_token(c.identity_token));
    if let Some(u) = &c.username {
        f = f.with_evidence(Fact::username(display_username(u)));
    }
    f
}

/// No source gave a credential for `registry`.
pub(super) fn none(registry: &str, names: &[String]) -> Finding {
    Finding::new(
        &CHECK,
        Outcome::Fail(CauseId::NoCredentials),
        registry,
        t!(
            "credentials.none",
            registry = registry,
            names = names.join(", ")
        ),
    )
}

/// A credential in a later file, passed over for the one in use.
pub(super) fn passed_over(file: &str, key: &str, used: &Credential) -> Finding {
    Finding::new(
        &CHECK,
        Outcome::Info,
        file,
        t!("credentials.passed-over", key = key, used = used.source),
    )
    .with_evidence(Fact::file(file))
    .with_evidence(Fact::config_key(key))
}
