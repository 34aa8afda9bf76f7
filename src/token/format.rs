//! The format of a token for its kind: alphabet, length, separators and, for the
//! 40-character `gh?_` kinds, the CRC32 checksum in the last six characters.

use super::TokenKind;

/// The result of the format check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The value has the shape of its kind; `checksum` is true when a checksum was verified.
    Valid { checksum: bool },
    /// The value has a GitHub prefix but not the shape of its kind.
    Invalid(FormatProblem),
    /// Not a GitHub token: there is no format to check.
    NotChecked,
}

/// Why a token does not have the shape of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatProblem {
    /// The value has `actual` characters where its kind has `expected`.
    Length { expected: usize, actual: usize },
    /// The character at this 1-based position is outside the kind's alphabet.
    Character { position: usize },
    /// The last six characters are not the checksum of the thirty before them.
    Checksum,
    /// A fine-grained token without its `_` separator after 22 characters.
    FineGrainedShape,
    /// A `ghs_<app id>_<JWT>` installation token whose JWT does not have three parts.
    JwtShape,
}

impl FormatProblem {
    /// A stable kebab-case name for the evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            FormatProblem::Length { .. } => "length",
            FormatProblem::Character { .. } => "character",
            FormatProblem::Checksum => "checksum",
            FormatProblem::FineGrainedShape => "fine-grained-shape",
            FormatProblem::JwtShape => "jwt-shape",
        }
    }
}

/// 40 characters: a 4-character prefix, 30 random characters and a 6-character checksum.
const SHORT_LEN: usize = 40;
/// `github_pat_` + 22 + `_` + 59.
const FINE_GRAINED_LEN: usize = 93;
const FINE_GRAINED_SEPARATOR: usize = 11 + 22;
/// GitHub's own matcher for installation tokens, old and new, is `ghs_[A-Za-z0-9._]{36,}`.
const MIN_INSTALLATION_BODY: usize = 36;

/// Checks the shape of `token` (already cleaned of pasting defects) for `kind`.
pub(super) fn check(kind: TokenKind, token: &str) -> Format {
    match kind {
        TokenKind::ClassicPat | TokenKind::Oauth | TokenKind::UserToServer | TokenKind::Refresh => {
            short(token)
        }
        TokenKind::Installation if token.contains('.') => installation_jwt(token),
        TokenKind::Installation => short(token),
        TokenKind::FineGrainedPat => fine_grained(token),
        // A legacy token is recognised by being 40 hexadecimal characters: nothing more to check.
        TokenKind::LegacyHex => Format::Valid { checksum: false },
        TokenKind::Unknown => Format::NotChecked,
    }
}

/// The first character (1-based position) of `token` from `start` on that `allowed` rejects.
fn bad_character(token: &str, start: usize, allowed: impl Fn(char) -> bool) -> Option<usize> {
    token
        .chars()
        .enumerate()
        .skip(start)
        .find(|(_, c)| !allowed(*c))
        .map(|(i, _)| i + 1)
}

fn short(token: &str) -> Format {
    if let Some(position) = bad_character(token, 4, |c| c.is_ascii_alphanumeric()) {
        return Format::Invalid(FormatProblem::Character { position });
    }
    if token.len() != SHORT_LEN {
        return Format::Invalid(FormatProblem::Length {
            expected: SHORT_LEN,
            actual: token.chars().count(),
        });
    }
    if checksum_matches(token) {
        Format::Valid { checksum: true }
    } else {
        Format::Invalid(FormatProblem::Checksum)
    }
}

fn fine_grained(token: &str) -> Format {
    if let Some(position) = bad_character(token, 11, |c| c.is_ascii_alphanumeric() || c == '_') {
        return Format::Invalid(FormatProblem::Character { position });
    }
    if token.len() != FINE_GRAINED_LEN {
        return Format::Invalid(FormatProblem::Length {
            expected: FINE_GRAINED_LEN,
            actual: token.chars().count(),
        });
    }
    let separators: Vec<usize> = token
        .bytes()
        .enumerate()
        .skip(11)
        .filter(|(_, b)| *b == b'_')
        .map(|(i, _)| i)
        .collect();
    if separators == [FINE_GRAINED_SEPARATOR] {
        Format::Valid { checksum: false }
    } else {
        Format::Invalid(FormatProblem::FineGrainedShape)
    }
}

/// The 2026 stateless form `ghs_<app id>_<JWT>`: about 520 characters, variable length, never
/// checksummed. Only the alphabet and a plausible JWT (three non-empty parts) are checked.
fn installation_jwt(token: &str) -> Format {
    if let Some(position) = bad_character(token, 4, |c| {
        c.is_ascii_alphanumeric() || c == '.' || c == '_'
    }) {
        return Format::Invalid(FormatProblem::Character { position });
    }
    let body = &token[4..];
    let Some((app, jwt)) = body.split_once('_') else {
        return Format::Invalid(FormatProblem::JwtShape);
    };
    let parts: Vec<&str> = jwt.split('.').collect();
    let plausible = !app.is_empty()
        && !app.contains('.')
        && parts.len() == 3
        && parts.iter().all(|p| !p.is_empty())
        && body.len() >= MIN_INSTALLATION_BODY;
    if plausible {
        Format::Valid { checksum: false }
    } else {
        Format::Invalid(FormatProblem::JwtShape)
    }
}

/// True when the last six characters of a 40-character `gh?_` token are the base62 encoding
/// of the CRC32 of the thirty characters between the prefix and them.
///
/// NOTE: compared as numbers, not strings, so that a checksum written with or without
/// leading zeros both match (whether GitHub pads is not documented).
pub fn checksum_matches(token: &str) -> bool {
    if token.len() != SHORT_LEN || !token.is_ascii() {
        return false;
    }
    let (random, check) = (&token[4..34], &token[34..]);
    base62_decode(check) == Some(u64::from(crc32fast::hash(random.as_bytes())))
}

fn base62_decode(digits: &str) -> Option<u64> {
    digits.bytes().try_fold(0u64, |acc, b| {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return None,
        };
        acc.checked_mul(62)?.checked_add(u64::from(d))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: [&str; 4] = [
        "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",
        "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",
        "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",
        "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",
    ];

    #[test]
    fn published_vectors_pass_the_checksum() {
        for t in VALID {
            assert!(checksum_matches(t), "{t}");
            assert_eq!(
                check(TokenKind::ClassicPat, t),
                Format::Valid { checksum: true }
            );
        }
    }

    #[test]
    fn a_changed_last_character_fails_the_checksum() {
        let t = "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3";
        assert_eq!(
            check(TokenKind::ClassicPat, t),
            Format::Invalid(FormatProblem::Checksum)
        );
    }

    #[test]
    fn the_documentation_placeholder_fails_the_checksum() {
        let t = "gho_16C7e42F292c6912E7710c838347Ae178B4a";
        assert_eq!(
            check(TokenKind::Oauth, t),
            Format::Invalid(FormatProblem::Checksum)
        );
    }

    #[test]
    fn non_ascii_and_non_base62_characters_are_named_by_position() {
        assert_eq!(
            check(
                TokenKind::ClassicPat,
                "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4Vñ"
            ),
            Format::Invalid(FormatProblem::Character { position: 40 })
        );
        assert_eq!(
            check(
                TokenKind::ClassicPat,
                "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V/"
            ),
            Format::Invalid(FormatProblem::Character { position: 40 })
        );
        assert!(!checksum_matches(
            "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V/"
        ));
    }

    #[test]
    fn a_truncated_token_fails_on_length() {
        assert_eq!(
            check(
                TokenKind::ClassicPat,
                "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V"
            ),
            Format::Invalid(FormatProblem::Length {
                expected: 40,
                actual: 39
            })
        );
        assert_eq!(
            check(TokenKind::ClassicPat, "ghp_"),
            Format::Invalid(FormatProblem::Length {
                expected: 40,
                actual: 4
            })
        );
    }

    #[test]
    fn checksum_ignores_zero_padding() {
        // Build a token whose CRC is small enough to need padding, by search over a counter.
        let found = (0u32..2_000_000).find_map(|n| {
            let random = format!("{n:0>30}");
            let crc = crc32fast::hash(random.as_bytes());
            (u64::from(crc) < 62u64.pow(5)).then_some((random, crc))
        });
        let (random, crc) = found.expect("a CRC below 62^5 exists in the first 2M counters");
        let mut digits = String::new();
        let mut v = u64::from(crc);
        let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        while v > 0 {
            digits.insert(0, char::from(alphabet[(v % 62) as usize]));
            v /= 62;
        }
        assert!(digits.len() < 6, "needs padding: {digits}");
        let padded = format!("ghp_{random}{digits:0>6}");
        assert!(checksum_matches(&padded), "{padded}");
    }

    #[test]
    fn fine_grained_format() {
        let good = format!("github_pat_{}_{}", "A".repeat(22), "b1".repeat(29) + "c");
        assert_eq!(good.len(), 93);
        assert_eq!(
            check(TokenKind::FineGrainedPat, &good),
            Format::Valid { checksum: false }
        );
        let moved = format!("github_pat_{}_{}", "A".repeat(21), "b1".repeat(30));
        assert_eq!(
            check(TokenKind::FineGrainedPat, &moved),
            Format::Invalid(FormatProblem::FineGrainedShape)
        );
        assert_eq!(
            check(TokenKind::FineGrainedPat, &good[..80]),
            Format::Invalid(FormatProblem::Length {
                expected: 93,
                actual: 80
            })
        );
        let dash = good.replacen("b1", "-1", 1);
        assert!(matches!(
            check(TokenKind::FineGrainedPat, &dash),
            Format::Invalid(FormatProblem::Character { .. })
        ));
    }

    fn jwt_installation() -> String {
        let header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";
        let payload = "eyJpc3MiOjEyMzQ1LCJleHAiOjE3ODAwMDAwMDB9".repeat(8);
        let signature = "c2lnbmF0dXJlX3NpZ25hdHVyZQ".repeat(10);
        format!("ghs_123456_{header}.{payload}.{signature}")
    }

    #[test]
    fn the_long_installation_form_is_not_length_checked_or_checksummed() {
        let t = jwt_installation();
        assert!(t.len() > 500, "{}", t.len());
        assert_eq!(
            check(TokenKind::Installation, &t),
            Format::Valid { checksum: false }
        );
        // Also at other lengths: the form has no fixed length.
        let shorter = t.replacen("c2lnbmF0dXJlX3NpZ25hdHVyZQ", "", 5);
        assert_eq!(
            check(TokenKind::Installation, &shorter),
            Format::Valid { checksum: false }
        );
    }

    #[test]
    fn the_long_installation_form_needs_its_alphabet_and_three_jwt_parts() {
        let t = jwt_installation();
        let two_parts = t
            .rsplit_once('.')
            .map(|(a, _)| a.to_owned())
            .unwrap_or_default();
        assert_eq!(
            check(TokenKind::Installation, &two_parts),
            Format::Invalid(FormatProblem::JwtShape)
        );
        let empty_part = t.replacen('.', "..", 1);
        assert_eq!(
            check(TokenKind::Installation, &empty_part),
            Format::Invalid(FormatProblem::JwtShape)
        );
        let dash = t.replacen('J', "-", 1);
        assert!(matches!(
            check(TokenKind::Installation, &dash),
            Format::Invalid(FormatProblem::Character { .. })
        ));
    }

    #[test]
    fn the_short_installation_form_is_checksummed() {
        let t = VALID[0].replacen("ghp_", "ghs_", 1);
        assert_eq!(
            check(TokenKind::Installation, &t),
            Format::Valid { checksum: true }
        );
        let bad = t.replacen("T4V4", "T4V5", 1);
        assert_eq!(
            check(TokenKind::Installation, &bad),
            Format::Invalid(FormatProblem::Checksum)
        );
    }

    #[test]
    fn base62_overflow_is_not_a_panic() {
        assert_eq!(base62_decode("zzzzzzzzzzzzzzzzzzzzzzzz"), None);
        assert_eq!(base62_decode("10"), Some(62));
    }
}
