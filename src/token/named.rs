//! Values named for what they are when they are not a usable token: a masked value, an
//! expression or variable never expanded, base64 of a token, another service's token, an
//! account password, a GitHub token whose case was changed. Shapes come from the secret
//! policy ([`crate::secret::shape`]); registries from the host model ([`crate::host`]).
//!
//! `secret-masked` and `secret-unexpanded` fail everywhere. The others fail for GitHub's
//! registries, which can never accept them, and are notes for other registries, where a
//! password is normal (a password there is not named at all).

use base64::Engine as _;

use super::TokenKind;
use crate::finding::Status;
use crate::host::Host;
use crate::secret::Service;
use crate::secret::shape::service_of;

/// What is inside a base64-encoded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inside {
    GitHub(TokenKind),
    Service(Service),
}

impl Inside {
    /// The stable name for evidence (`classic-pat`, `docker-hub`).
    pub fn as_str(self) -> &'static str {
        match self {
            Inside::GitHub(kind) => kind.as_str(),
            Inside::Service(service) => service.as_str(),
        }
    }
}

/// How the case of a GitHub token was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseChange {
    /// `GHP_…`: the prefix in capitals.
    Prefix,
    /// The whole token in lower case.
    Lower,
    /// The whole token in upper case.
    Upper,
}

impl CaseChange {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseChange::Prefix => "prefix",
            CaseChange::Lower => "lower",
            CaseChange::Upper => "upper",
        }
    }
}

/// The form of an unexpanded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unexpanded {
    /// `${{ … }}`.
    Expression,
    /// `$NAME`, `${NAME}`.
    Shell,
    /// `%NAME%`.
    Cmd,
}

impl Unexpanded {
    pub fn as_str(self) -> &'static str {
        match self {
            Unexpanded::Expression => "expression",
            Unexpanded::Shell => "shell",
            Unexpanded::Cmd => "cmd",
        }
    }
}

/// A value named for what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Masked,
    Unexpanded(Unexpanded),
    Encoded { inside: Inside, with_user: bool },
    Foreign(Service),
    Password,
    CaseChanged { kind: TokenKind, how: CaseChange },
}

impl Named {
    /// The cause id in the catalog.
    pub fn cause(self) -> &'static str {
        match self {
            Named::Masked => "secret-masked",
            Named::Unexpanded(_) => "secret-unexpanded",
            Named::Encoded { .. } => "token-encoded",
            Named::Foreign(_) => "token-foreign",
            Named::Password => "secret-password",
            Named::CaseChanged { .. } => "token-malformed",
        }
    }

    /// Fail everywhere for a value that is no credential at all; for the others, fail for
    /// GitHub's registries and a note elsewhere.
    pub fn status(self, registry: &Host) -> Status {
        match self {
            Named::Masked | Named::Unexpanded(_) => Status::Fail,
            _ if registry.is_github() => Status::Fail,
            _ => Status::Info,
        }
    }
}

/// Passwords are shorter than this; tokens of every service are longer.
const PASSWORD_MAX: usize = 20;

impl Named {
    /// The name as it matters for `registry`: `None` for another service's token that
    /// belongs to it, and for a password sent to a registry that is not GitHub's.
    pub fn for_registry(self, registry: &Host) -> Option<Named> {
        match self {
            Named::Foreign(service) if service.belongs_to(registry) => None,
            Named::Password if !registry.is_github() => None,
            other => Some(other),
        }
    }
}

/// Names `value` (as supplied; surrounding whitespace and quotes ignored) for `registry`, or
/// `None` when it is a GitHub token of the right case, a value of another shape that belongs
/// to the registry, or a password for a registry that is not GitHub's.
pub fn name(value: &str, registry: &Host) -> Option<Named> {
    shape(value)?.for_registry(registry)
}

/// Names `value` whatever the registry (every other service's token is foreign, every short
/// value a password); [`Named::for_registry`] then drops what a registry accepts.
pub fn shape(value: &str) -> Option<Named> {
    let v = value
        .trim()
        .trim_matches(|c: char| c == '"' || c == '\'')
        .trim();
    if v.is_empty() {
        return None;
    }
    if v.chars().all(|c| c == '*') {
        return Some(Named::Masked);
    }
    if let Some(form) = unexpanded(v) {
        return Some(Named::Unexpanded(form));
    }
    if let Some(named) = case_changed(v) {
        return Some(named);
    }
    let kind = TokenKind::of(v);
    if kind.is_github() {
        return None;
    }
    if let Some(service) = service_of(v) {
        return Some(Named::Foreign(service));
    }
    if let Some(named) = encoded(v) {
        return Some(named);
    }
    (v.chars().count() < PASSWORD_MAX && !v.contains(char::is_whitespace))
        .then_some(Named::Password)
}

fn is_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn unexpanded(v: &str) -> Option<Unexpanded> {
    if v.starts_with("${{") && v.ends_with("}}") {
        return Some(Unexpanded::Expression);
    }
    if let Some(name) = v.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
        && is_name(name)
    {
        return Some(Unexpanded::Shell);
    }
    if let Some(name) = v.strip_prefix('$')
        && is_name(name)
    {
        return Some(Unexpanded::Shell);
    }
    if let Some(name) = v.strip_prefix('%').and_then(|r| r.strip_suffix('%'))
        && is_name(name)
    {
        return Some(Unexpanded::Cmd);
    }
    None
}

/// A GitHub prefix in the wrong case (`GHP_…`), or a 40-character GitHub token whose letters
/// are all one case (a real one mixes both, and its checksum then fails).
fn case_changed(v: &str) -> Option<Named> {
    let kind = TokenKind::of(v);
    if kind == TokenKind::Unknown {
        let lower = v.to_ascii_lowercase();
        let kind = TokenKind::of(&lower);
        let prefixed = !kind.prefix().is_empty() && v.len() > kind.prefix().len() + 8;
        return prefixed.then_some(Named::CaseChanged {
            kind,
            how: CaseChange::Prefix,
        });
    }
    if kind.prefix().is_empty() || kind == TokenKind::FineGrainedPat || v.len() != 40 {
        return None;
    }
    if super::checksum_matches(v) {
        return None;
    }
    let body = &v[kind.prefix().len()..];
    let letters = body.bytes().filter(u8::is_ascii_alphabetic).count();
    if letters < 10 {
        return None;
    }
    if !body.bytes().any(|b| b.is_ascii_uppercase()) {
        Some(Named::CaseChanged {
            kind,
            how: CaseChange::Lower,
        })
    } else if !body.bytes().any(|b| b.is_ascii_lowercase()) {
        Some(Named::CaseChanged {
            kind,
            how: CaseChange::Upper,
        })
    } else {
        None
    }
}

/// Base64 (standard or URL-safe, padded or not) of a token, or of `user:token`.
fn encoded(v: &str) -> Option<Named> {
    if v.len() < 16
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b))
    {
        return None;
    }
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let bytes = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|e| e.decode(v).ok())?;
    let text = String::from_utf8(bytes).ok()?;
    let text = text.trim();
    let (with_user, inner) = match text.split_once(':') {
        Some((user, rest)) if !user.is_empty() && !user.contains(char::is_whitespace) => {
            (true, rest.trim())
        }
        _ => (false, text),
    };
    let kind = TokenKind::of(inner);
    let inside = if kind.is_github() && kind != TokenKind::LegacyHex {
        Inside::GitHub(kind)
    } else {
        Inside::Service(service_of(inner)?)
    };
    Some(Named::Encoded { inside, with_user })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const CLASSIC: &str = "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";

    fn ghcr(v: &str) -> Option<Named> {
        name(v, &Host::parse("ghcr.io"))
    }

    #[test]
    fn every_row_is_named() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        assert_eq!(ghcr("***"), Some(Named::Masked));
        assert_eq!(ghcr("********"), Some(Named::Masked));
        for (v, form) in [
            ("${{ secrets.GHCR_TOKEN }}", Unexpanded::Expression),
            ("$GITHUB_TOKEN", Unexpanded::Shell),
            ("${GITHUB_TOKEN}", Unexpanded::Shell),
            ("%GHCR_TOKEN%", Unexpanded::Cmd),
            ("'$GHCR_TOKEN'", Unexpanded::Shell),
        ] {
            assert_eq!(ghcr(v), Some(Named::Unexpanded(form)), "{v}");
        }
        assert_eq!(
            ghcr(&b64(CLASSIC)),
            Some(Named::Encoded {
                inside: Inside::GitHub(TokenKind::ClassicPat),
                with_user: false
            })
        );
        assert_eq!(
            ghcr(&b64(&format!("octo:{CLASSIC}"))),
            Some(Named::Encoded {
                inside: Inside::GitHub(TokenKind::ClassicPat),
                with_user: true
            })
        );
        for (v, service) in [
            ("dckr_pat_2jK3vBx9LmQw8RtYz4NcP7sD1fG", Service::DockerHub),
            ("glpat-xK9vQ2mZ7pL4wR8tY3nB", Service::GitLab),
            ("AKIAIOSFODNN7EXAMPLE", Service::Aws),
            ("npm_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5", Service::Npm),
            (
                "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjM0NSJ9.c2lnbmF0dXJlLXBhcnQ",
                Service::Jwt,
            ),
        ] {
            assert_eq!(ghcr(v), Some(Named::Foreign(service)), "{v}");
        }
        assert_eq!(ghcr("hunter2"), Some(Named::Password));
        assert_eq!(
            ghcr(&CLASSIC.replacen("ghp_", "GHP_", 1)),
            Some(Named::CaseChanged {
                kind: TokenKind::ClassicPat,
                how: CaseChange::Prefix
            })
        );
        assert_eq!(
            ghcr(&CLASSIC.to_ascii_lowercase()),
            Some(Named::CaseChanged {
                kind: TokenKind::ClassicPat,
                how: CaseChange::Lower
            })
        );
        assert_eq!(
            ghcr(&format!("ghp_{}", CLASSIC[4..].to_ascii_uppercase())),
            Some(Named::CaseChanged {
                kind: TokenKind::ClassicPat,
                how: CaseChange::Upper
            })
        );
    }

    #[test]
    fn usable_values_are_not_named() {
        assert_eq!(ghcr(CLASSIC), None);
        assert_eq!(ghcr("0123456789abcdef0123456789abcdef01234567"), None);
        let hub = Host::parse("docker.io");
        assert_eq!(name("dckr_pat_2jK3vBx9LmQw8RtYz4NcP7sD1fG", &hub), None);
        assert_eq!(name("hunter2", &hub), None);
        assert_eq!(name("", &hub), None);
        // A long password with no known shape sent to ghcr.io is not called a password.
        assert_eq!(ghcr("correct-horse-battery-staple-long"), None);
    }

    #[test]
    fn masked_and_unexpanded_fail_everywhere_the_others_only_on_github() {
        let quay = Host::parse("quay.io");
        let ghcr = Host::parse("ghcr.io");
        assert_eq!(Named::Masked.status(&quay), Status::Fail);
        assert_eq!(
            Named::Unexpanded(Unexpanded::Shell).status(&quay),
            Status::Fail
        );
        assert_eq!(Named::Foreign(Service::Npm).status(&quay), Status::Info);
        assert_eq!(Named::Foreign(Service::Npm).status(&ghcr), Status::Fail);
        assert_eq!(Named::Password.status(&ghcr), Status::Fail);
    }
}
