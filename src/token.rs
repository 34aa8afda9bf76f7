//! Token inspection, offline: kind by prefix, format and checksum, pasting defects, and the
//! verdict for ghcr.io. Never reveals the value beyond the kind's own prefix.
//!
//! NOTE: interface first; the full inspection lands with the foundation work.

use serde::Serialize;

/// What kind of credential a token is, from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    /// `ghp_`: personal access token (classic).
    ClassicPat,
    /// `github_pat_`: fine-grained personal access token (not accepted by ghcr.io).
    FineGrainedPat,
    /// `gho_`: OAuth access token (for example from `gh auth token`).
    Oauth,
    /// `ghu_`: GitHub App user-to-server token.
    UserToServer,
    /// `ghs_`: GitHub App installation token; GITHUB_TOKEN in Actions.
    Installation,
    /// `ghr_`: GitHub App refresh token (cannot authenticate).
    Refresh,
    /// 40 hexadecimal characters: a token in GitHub's pre-2021 format.
    LegacyHex,
    /// Anything else: a password or token for another registry.
    Unknown,
}

impl TokenKind {
    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::ClassicPat => "classic-pat",
            TokenKind::FineGrainedPat => "fine-grained-pat",
            TokenKind::Oauth => "oauth",
            TokenKind::UserToServer => "user-to-server",
            TokenKind::Installation => "installation",
            TokenKind::Refresh => "refresh",
            TokenKind::LegacyHex => "legacy-hex",
            TokenKind::Unknown => "unknown",
        }
    }

    /// True for the kinds GitHub issues (everything but `Unknown`).
    pub fn is_github(self) -> bool {
        self != TokenKind::Unknown
    }

    /// The kind of `token` judged by its prefix alone (surrounding whitespace ignored).
    pub fn of(token: &str) -> TokenKind {
        let t = token.trim();
        if t.starts_with("github_pat_") {
            TokenKind::FineGrainedPat
        } else if t.starts_with("ghp_") {
            TokenKind::ClassicPat
        } else if t.starts_with("gho_") {
            TokenKind::Oauth
        } else if t.starts_with("ghu_") {
            TokenKind::UserToServer
        } else if t.starts_with("ghs_") {
            TokenKind::Installation
        } else if t.starts_with("ghr_") {
            TokenKind::Refresh
        } else if t.len() == 40 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            TokenKind::LegacyHex
        } else {
            TokenKind::Unknown
        }
    }
}
