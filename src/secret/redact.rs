//! Finding secrets in text and hiding them: the one detector every reader and renderer uses
//! (log evidence, a credential helper's errors, HTTP traces, workflow snippets, reports).
//!
//! A secret is:
//! - a token of a known shape ([`super::shape`]): GitHub's, Docker Hub's, GitLab's, AWS
//!   keys, npm, PyPI, Slack, a JSON Web Token;
//! - an `Authorization` value after `Basic`, `Bearer` or `token`;
//! - a run of 20 or more letters, digits, `+` and `=` mixing letters and digits that is not
//!   lower-case hexadecimal: a token's body without its prefix, a password, base64. Digests
//!   and commit ids (hexadecimal), paths, words joined by `-`, `_` or `.`, and sentences do
//!   not match. A GitHub token of the pre-2021 format (40 hexadecimal characters) cannot be
//!   told from a commit id, which reports show; it is hidden after `token`, `Bearer` or
//!   `Basic`, and `Secret` never prints it.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::REDACTED;
use super::shape;

/// The shortest run of random-looking characters taken for a secret.
pub const MIN_RUN: usize = 20;

fn patterns() -> Option<&'static (Regex, Regex)> {
    static RE: OnceLock<Option<(Regex, Regex)>> = OnceLock::new();
    RE.get_or_init(|| {
        let scheme =
            Regex::new(r"(?i)\b(?:basic|bearer|token)\s+([A-Za-z0-9+/=._~-]{16,})").ok()?;
        let run = Regex::new(r"[A-Za-z0-9+=]{20,}").ok()?;
        Some((scheme, run))
    })
    .as_ref()
}

fn random_run(run: &str) -> bool {
    let digit = run.bytes().any(|b| b.is_ascii_digit());
    let letter = run.bytes().any(|b| b.is_ascii_alphabetic());
    let lower_hex = run
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    run.len() >= MIN_RUN && digit && letter && !lower_hex
}

/// Where secrets sit in `text`, sorted and merged; `None` if a pattern failed to compile
/// (then no text can be trusted).
pub fn secret_ranges(text: &str) -> Option<Vec<Range<usize>>> {
    let (scheme, run) = patterns()?;
    shape::shapes()?;
    let mut ranges: Vec<Range<usize>> = shape::tokens_in(text)
        .into_iter()
        .map(|(r, _)| r)
        .chain(
            scheme
                .captures_iter(text)
                .filter_map(|c| c.get(1))
                .filter(|m| m.as_str().bytes().any(|b| b.is_ascii_digit()))
                .map(|m| m.range()),
        )
        .chain(
            run.find_iter(text)
                .filter(|m| random_run(m.as_str()))
                .map(|m| m.range()),
        )
        .collect();
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    Some(merged)
}

/// `text` with every secret replaced by `<redacted>`. If the patterns cannot be compiled,
/// nothing of `text` is shown.
pub fn redact(text: &str) -> String {
    redact_at(text, 0).0
}

/// `text` with its secrets replaced, and where byte `at` of `text` ended up.
pub fn redact_at(text: &str, at: usize) -> (String, usize) {
    let Some(ranges) = secret_ranges(text) else {
        return (String::new(), 0);
    };
    if ranges.is_empty() {
        return (text.to_owned(), at.min(text.len()));
    }
    let mut out = String::with_capacity(text.len());
    let mut new_at = None;
    let mut from = 0;
    for r in ranges {
        if new_at.is_none() && at < r.end {
            new_at = Some(out.len() + at.saturating_sub(from).min(r.start - from));
        }
        out.push_str(&text[from..r.start]);
        out.push_str(REDACTED);
        from = r.end;
    }
    let new_at = new_at.unwrap_or(out.len() + at.saturating_sub(from));
    out.push_str(&text[from..]);
    let new_at = new_at.min(out.len());
    (out, new_at)
}

/// True when `text` holds something that looks like a secret.
pub fn looks_secret(text: &str) -> bool {
    secret_ranges(text).is_none_or(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_random_runs_are_hidden_but_prose_is_kept() {
        let line = "error: bad token 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 for user octo";
        let s = redact(line);
        assert!(!s.contains("M7H4"), "{s}");
        assert!(s.contains("error: bad token"), "{s}");
        assert!(s.contains("for user octo"), "{s}");
        for secret in [
            "dGhpcyBpcyBhIHZlcnkgc2VjcmV0IHBhc3N3b3Jk",
            "Xk9vQ2mZ7pL4wR8tY3nB6cD1fG5h",
            "token 0123456789abcdef0123456789abcdef01234567",
            "Basic b2N0bzpnaHBfc2VjcmV0c2VjcmV0c2VjcmV0",
        ] {
            assert!(looks_secret(secret), "{secret}");
            assert!(
                !redact(&format!("x={secret};")).contains(&secret[10..]),
                "{secret}"
            );
        }
        for plain in [
            "exec: not found in /usr/local/bin/docker-credential-desktop",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "commit 5f3c0ffee5f3c0ffee5f3c0ffee5f3c0ffee5f3c",
            "docker_buildx_build_push_action_step_v5",
            "https://ghcr.io/v2/MyOrg/App/manifests/Latest1",
            "the token exchange was skipped: registry-token-exchange-skipped",
            "hunter2",
        ] {
            assert_eq!(redact(plain), plain);
            assert!(!looks_secret(plain), "{plain}");
        }
    }

    #[test]
    fn the_position_follows_the_redaction() {
        let text = "a 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 denied";
        let at = text.find("denied").unwrap_or_default();
        let (out, new_at) = redact_at(text, at);
        assert_eq!(&out[new_at..], "denied");
    }
}
