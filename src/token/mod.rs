//! Token inspection, offline: kind by prefix, format and checksum, pasting defects, and the
//! verdict for ghcr.io. Never reveals the value beyond the kind's own prefix.
//!
//! [`inspect`] is pure: it takes the value as supplied and returns an [`Inspection`], which
//! holds only facts (kind, lengths, defects, format) and turns them into findings with
//! [`Inspection::findings`]. `ghcr-doctor token` and the offline step of `check` both use it.

use serde::Serialize;

use crate::finding::Finding;

mod findings;
mod format;
pub mod named;
mod pasting;
pub mod token_format;
pub mod token_ghcr_verdict;
pub mod token_pasting;
pub mod token_present;

pub use format::{Format, FormatProblem, checksum_matches};
pub use pasting::{Cleaned, Defect, clean};
pub use token_ghcr_verdict::Verdict;

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

    /// The prefix that names the kind (`ghp_`, `github_pat_`), empty for the kinds without
    /// one. This is the only part of a token the tool ever shows.
    pub fn prefix(self) -> &'static str {
        match self {
            TokenKind::ClassicPat => "ghp_",
            TokenKind::FineGrainedPat => "github_pat_",
            TokenKind::Oauth => "gho_",
            TokenKind::UserToServer => "ghu_",
            TokenKind::Installation => "ghs_",
            TokenKind::Refresh => "ghr_",
            TokenKind::LegacyHex | TokenKind::Unknown => "",
        }
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

/// The human name of a kind (`classic personal access token (ghp_)`).
pub(crate) fn kind_name(kind: TokenKind) -> String {
    crate::message::text(&format!("token.kind.{}", kind.as_str()), &[])
}

/// Everything [`inspect`] learned about a token. Holds no part of the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// The kind of the cleaned value (pasting defects removed), so a user with a quoted
    /// classic token learns both the defect and the kind.
    pub kind: TokenKind,
    /// The length of the value as supplied, in characters.
    pub length: usize,
    /// The length after removing the pasting defects, in characters.
    pub cleaned_length: usize,
    /// Empty or whitespace only: nothing else was judged.
    pub empty: bool,
    /// Pasting defects, in the order found.
    pub defects: Vec<Defect>,
    /// The format of the cleaned value for its kind.
    pub format: Format,
    /// What the value is when it is not a usable token (a masked value, an unexpanded
    /// variable, base64, another service's token, a password, a changed case), whatever
    /// the registry; [`named::Named::for_registry`] keeps what matters for one registry.
    pub named: Option<named::Named>,
}

/// Inspects a token as supplied (whitespace, quotes and prefixes included). Pure and offline.
pub fn inspect(raw: &str) -> Inspection {
    let length = raw.chars().count();
    let cleaned = clean(raw);
    let value = cleaned.value.expose();
    if value.is_empty() {
        return Inspection {
            kind: TokenKind::Unknown,
            length,
            cleaned_length: 0,
            empty: true,
            defects: Vec::new(),
            format: Format::NotChecked,
            named: None,
        };
    }
    let kind = TokenKind::of(value);
    Inspection {
        kind,
        length,
        cleaned_length: value.chars().count(),
        empty: false,
        format: format::check(kind, value),
        defects: cleaned.defects,
        // The value as supplied first (`${{ secrets.X }}` holds spaces that cleaning would
        // take for a pasting defect), then the cleaned one (a quoted or `Bearer` value).
        named: named::shape(raw).or_else(|| named::shape(value)),
    }
}

impl Inspection {
    /// The findings for this token, found at `target` (`env:GHCR_TOKEN`, `stdin`), judged
    /// for `registry` (`ghcr.io` unless discovery was asked about another registry).
    pub fn findings(&self, target: &str, registry: &str) -> Vec<Finding> {
        findings::all(self, target, registry)
    }

    /// The top-level `token` object of the JSON output: `{"kind", "length", "source"}`.
    pub fn summary(&self, source: &str) -> serde_json::Value {
        serde_json::json!({
            "kind": self.kind.as_str(),
            "length": self.length,
            "source": source,
        })
    }
}

/// The secret-shaped parts of one command-line argument, as the whole argument or as one of
/// its `=`/`,`-separated parts (`--opt=value`, `--token-env A,B`): whatever the secret
/// policy (`secret::shape`) recognises as a token of a known service (GitHub, Docker Hub,
/// GitLab, AWS, JWTs, ...). Commands never take a secret from the command line, so such an
/// argument is refused without being echoed, and masked in Actions mode.
///
/// The one detector for arguments. Hexadecimal values (commit SHAs in tags, digests) are
/// not token-shaped.
pub fn secret_argument(arg: &str) -> Vec<&str> {
    arg.split(|c: char| c == '=' || c == ',' || c.is_whitespace())
        .map(|p| p.trim_matches(|c: char| "\"'`<>()[]{};".contains(c)))
        .filter(|p| !p.is_empty() && crate::secret::shape::service_of(p).is_some())
        .collect()
}

/// True for hosts that accept GitHub tokens the way ghcr.io does (the host model's answer).
pub fn is_github_registry(registry: &str) -> bool {
    crate::host::Host::parse(registry).is_github()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_by_prefix() {
        assert_eq!(TokenKind::of("ghp_x"), TokenKind::ClassicPat);
        assert_eq!(TokenKind::of("github_pat_x"), TokenKind::FineGrainedPat);
        assert_eq!(TokenKind::of("gho_x"), TokenKind::Oauth);
        assert_eq!(TokenKind::of("ghu_x"), TokenKind::UserToServer);
        assert_eq!(TokenKind::of("ghs_x"), TokenKind::Installation);
        assert_eq!(TokenKind::of("ghr_x"), TokenKind::Refresh);
        assert_eq!(
            TokenKind::of("0123456789abcdef0123456789abcdef01234567"),
            TokenKind::LegacyHex
        );
        assert_eq!(TokenKind::of("hunter2"), TokenKind::Unknown);
        assert_eq!(
            TokenKind::of("ghpM7H4jxUDDWHP4kZ6A4dxl"),
            TokenKind::Unknown
        );
    }

    #[test]
    fn secret_arguments_are_recognised_in_every_shape() {
        let t = "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";
        for arg in [
            t.to_owned(),
            format!("--token-env={t}"),
            format!("GHCR_TOKEN,{t}"),
            format!("'{t}'"),
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnop".to_owned(),
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXZhbHVl".to_owned(),
        ] {
            assert_eq!(secret_argument(&arg).len(), 1, "{arg}");
        }
        for arg in [
            "ghcr.io/octo-org/app:latest",
            "ghcr.io/o/n@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef01234567",
            "GHCR_TOKEN,GITHUB_TOKEN",
            "--format=json",
            "ghp_",
            ".github/workflows",
        ] {
            assert!(secret_argument(arg).is_empty(), "{arg}");
        }
    }
}
