//! `token-format`: the credential that will be sent, judged offline (kind, length, pasting
//! defects) before any request. It names the source and never the value.

use crate::credentials::Credential;
use crate::finding::{Finding, Status};
use crate::registry::host;
use crate::token::TokenKind;

pub const ID: &str = "token-format";

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
                ID,
                Status::Info,
                registry,
                crate::t!("check.token-format.anonymous", registry = registry),
            );
        }
        Sent::Nothing => {
            return Finding::new(
                ID,
                Status::Info,
                registry,
                crate::t!("check.token-format.none", registry = registry),
            )
            .with_cause("no-credentials");
        }
        Sent::Credential(c) => c,
    };
    let raw = c.secret.expose();
    let kind = TokenKind::of(raw);
    let username = c.username.as_deref().unwrap_or("-");
    let base = |status, message: String| {
        Finding::new(ID, status, c.source.as_str(), message)
            .with_evidence("registry", registry)
            .with_evidence("kind", kind.as_str())
            .with_evidence("length", c.secret.len())
            .with_evidence("username", username)
    };
    if raw.trim().is_empty() {
        return base(
            Status::Fail,
            crate::t!("check.token-format.empty", source = c.source),
        )
        .with_cause("secret-empty");
    }
    if raw.trim() != raw || raw.contains(['\n', '\r']) {
        return base(
            Status::Warn,
            crate::t!("check.token-format.whitespace", source = c.source),
        )
        .with_cause("secret-whitespace");
    }
    if kind == TokenKind::FineGrainedPat && host::is_github(registry) {
        return base(
            Status::Warn,
            crate::t!(
                "check.token-format.fine-grained",
                source = c.source,
                registry = registry
            ),
        )
        .with_cause("token-fine-grained-unsupported");
    }
    if kind == TokenKind::Refresh {
        return base(
            Status::Fail,
            crate::t!("check.token-format.refresh", source = c.source),
        )
        .with_cause("token-malformed");
    }
    base(
        Status::Pass,
        crate::t!(
            "check.token-format.pass",
            source = c.source,
            kind = kind.as_str(),
            length = c.secret.len(),
            username = username
        ),
    )
}
