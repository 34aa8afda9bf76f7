//! Pasting defects: what copying a token into a secret, a variable or a file adds to it
//! (whitespace, newlines, carriage returns, quotes, `Bearer `/`token `/`NAME=` prefixes,
//! invisible or non-ASCII characters), and the value with them removed.

use crate::secret::Secret;

/// One pasting defect. Positions are 1-based character positions in the cleaned value, so
/// the user can find the spot in the token they meant to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Defect {
    /// Spaces, tabs or newlines before the token.
    LeadingWhitespace,
    /// Spaces or tabs after the token.
    TrailingWhitespace,
    /// Newlines after the token (`echo` into a file, a heredoc, an editor).
    TrailingNewline { count: usize },
    /// A carriage return anywhere (a file saved with Windows line ends).
    CarriageReturn,
    /// Quotes around the token, stored as part of it.
    Quotes,
    /// `Bearer ` before the token (copied from an HTTP header).
    BearerPrefix,
    /// `token ` before the token (copied from an HTTP header).
    TokenPrefix,
    /// `NAME=` before the token (copied from a shell or `.env` line).
    AssignmentPrefix { name: String },
    /// A space, tab or newline inside the token.
    InnerWhitespace { position: usize },
    /// A character outside ASCII inside the token (zero-width space, byte order mark, a
    /// look-alike letter). `codepoint` is given only for invisible characters, which cannot
    /// be part of any token, so showing them reveals nothing.
    NonAscii {
        position: usize,
        codepoint: Option<u32>,
    },
    /// An ASCII control character (NUL, ESC, ...) inside the token: binary junk or a
    /// terminal escape copied along.
    ControlCharacter { position: usize, codepoint: u32 },
}

impl Defect {
    /// The stable kebab-case name used in evidence and message keys.
    pub fn as_str(&self) -> &'static str {
        match self {
            Defect::LeadingWhitespace => "leading-whitespace",
            Defect::TrailingWhitespace => "trailing-whitespace",
            Defect::TrailingNewline { .. } => "trailing-newline",
            Defect::CarriageReturn => "carriage-return",
            Defect::Quotes => "quotes",
            Defect::BearerPrefix => "bearer-prefix",
            Defect::TokenPrefix => "token-prefix",
            Defect::AssignmentPrefix { .. } => "assignment-prefix",
            Defect::InnerWhitespace { .. } => "inner-whitespace",
            Defect::NonAscii { .. } => "non-ascii",
            Defect::ControlCharacter { .. } => "control-character",
        }
    }

    /// True for the defects a password for another registry may legitimately contain
    /// (inner spaces, quote characters, non-ASCII letters).
    pub fn may_be_content(&self) -> bool {
        matches!(
            self,
            Defect::Quotes | Defect::InnerWhitespace { .. } | Defect::NonAscii { .. }
        )
    }
}

/// A value with its pasting defects removed.
#[derive(Debug, Clone)]
pub struct Cleaned {
    pub value: Secret,
    pub defects: Vec<Defect>,
}

/// Characters that take no room on screen; they can only come from a copy.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '`' | '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}'
    )
}

/// Records `defect` once (the first occurrence wins).
fn note(defects: &mut Vec<Defect>, defect: Defect) {
    if !defects.iter().any(|d| d.as_str() == defect.as_str()) {
        defects.push(defect);
    }
}

/// Strips `Bearer ` or `token ` (any case, any whitespace after it).
fn strip_scheme(s: &str) -> Option<(Defect, &str)> {
    let (word, rest) = s.split_once(|c: char| c.is_whitespace())?;
    let rest = rest.trim_start();
    if rest.is_empty() {
        return None;
    }
    if word.eq_ignore_ascii_case("bearer") {
        Some((Defect::BearerPrefix, rest))
    } else if word.eq_ignore_ascii_case("token") {
        Some((Defect::TokenPrefix, rest))
    } else {
        None
    }
}

/// Strips `NAME=` or `export NAME=` when it is plainly a variable assignment: an upper-case
/// name, or any name followed by a GitHub token. A password for another registry may contain
/// `=`; `abc=def` is left alone.
fn strip_assignment(s: &str) -> Option<(Defect, &str)> {
    let s2 = s.strip_prefix("export ").map_or(s, str::trim_start);
    let (name, rest) = s2.split_once('=')?;
    let ident = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ident || rest.trim().is_empty() {
        return None;
    }
    let shouty = name.len() >= 2
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let token_follows =
        super::TokenKind::of(rest.trim_matches(|c: char| is_quote(c) || is_blank(c))).is_github();
    (shouty || token_follows).then(|| {
        (
            Defect::AssignmentPrefix {
                name: name.to_owned(),
            },
            rest,
        )
    })
}

/// Finds the pasting defects of `raw` and removes them, so the kind and format can be judged
/// on the token the user meant.
pub fn clean(raw: &str) -> Cleaned {
    let mut defects = Vec::new();
    if raw.contains('\r') {
        note(&mut defects, Defect::CarriageReturn);
    }
    let mut s = raw;
    loop {
        let before = s.len();
        let trimmed = s.trim_end_matches(is_blank);
        let tail = &s[trimmed.len()..];
        let newlines = tail.matches('\n').count();
        if newlines > 0 {
            note(&mut defects, Defect::TrailingNewline { count: newlines });
        }
        if tail.chars().any(|c| c != '\n' && c != '\r') {
            note(&mut defects, Defect::TrailingWhitespace);
        }
        s = trimmed;
        let trimmed = s.trim_start_matches(is_blank);
        if trimmed.len() != s.len() {
            note(&mut defects, Defect::LeadingWhitespace);
        }
        s = trimmed;
        let unquoted = s.strip_prefix(is_quote).unwrap_or(s);
        let unquoted = unquoted.strip_suffix(is_quote).unwrap_or(unquoted);
        if unquoted.len() != s.len() {
            note(&mut defects, Defect::Quotes);
        }
        s = unquoted;
        if let Some((defect, rest)) = strip_scheme(s).or_else(|| strip_assignment(s)) {
            note(&mut defects, defect);
            s = rest;
        }
        if s.len() == before || s.is_empty() {
            break;
        }
    }
    let mut value = String::with_capacity(s.len());
    let mut chars = s.chars().enumerate().peekable();
    while let Some((index, c)) = chars.next() {
        let position = index + 1;
        if c == '\r' {
            continue;
        }
        if c.is_whitespace() {
            note(&mut defects, Defect::InnerWhitespace { position });
            continue;
        }
        if c.is_ascii_control() {
            note(
                &mut defects,
                Defect::ControlCharacter {
                    position,
                    codepoint: u32::from(c),
                },
            );
            // A terminal colour code (`ESC [ 0 m`, copied from a CI log) goes as a whole.
            if c == '\u{1b}' && chars.next_if(|(_, c)| *c == '[').is_some() {
                while chars.next_if(|(_, c)| !('@'..='~').contains(c)).is_some() {}
                chars.next();
            }
            continue;
        }
        if !c.is_ascii() {
            let invisible = is_invisible(c);
            note(
                &mut defects,
                Defect::NonAscii {
                    position,
                    codepoint: invisible.then_some(u32::from(c)),
                },
            );
            if invisible {
                continue;
            }
        }
        value.push(c);
    }
    // Removing a colour code or an inner blank can uncover more wrapping (`ESC[0m"ghp_…"`
    // leaves the quotes): clean the rest again, keeping the defects found first. Each round
    // only removes characters, so this ends.
    if value != s {
        let again = clean(&value);
        for d in again.defects {
            note(&mut defects, d);
        }
        value = again.value.expose().to_owned();
    }
    Cleaned {
        value: Secret::new(value),
        defects,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "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";

    fn ids(raw: &str) -> Vec<&'static str> {
        clean(raw).defects.iter().map(Defect::as_str).collect()
    }

    fn cleaned(raw: &str) -> String {
        clean(raw).value.expose().to_owned()
    }

    #[test]
    fn wrapping_behind_a_colour_code_is_cleaned_in_one_pass() {
        // Found by the `cleaning_is_idempotent` property: the quotes after a colour code
        // survived the first pass, so the kind was judged on `"ghp_…"`.
        let raw = format!("\u{1b}[0m\"{T}\"\u{1b}[0m");
        assert_eq!(cleaned(&raw), T);
        assert_eq!(ids(&raw), vec!["control-character", "quotes"]);
        assert_eq!(cleaned(&cleaned(&raw)), cleaned(&raw));
        assert_eq!(cleaned("\u{1b}[0m\"\u{1b}[0m"), "");
    }

    #[test]
    fn a_clean_token_has_no_defects() {
        assert!(ids(T).is_empty());
        assert_eq!(cleaned(T), T);
    }

    #[test]
    fn each_defect_is_named_and_removed() {
        let cases: Vec<(String, &str)> = vec![
            (format!("  {T}"), "leading-whitespace"),
            (format!("{T}  "), "trailing-whitespace"),
            (format!("{T}\n"), "trailing-newline"),
            (format!("{T}\r"), "carriage-return"),
            (format!("\"{T}\""), "quotes"),
            (format!("'{T}'"), "quotes"),
            (format!("Bearer {T}"), "bearer-prefix"),
            (format!("token {T}"), "token-prefix"),
            (format!("GHCR_TOKEN={T}"), "assignment-prefix"),
            (format!("export GHCR_TOKEN={T}"), "assignment-prefix"),
            (format!("{}\u{200B}{}", &T[..10], &T[10..]), "non-ascii"),
            (format!("\u{FEFF}{T}"), "leading-whitespace"),
            (format!("{T}\0"), "control-character"),
            (format!("\u{1b}[0m{T}"), "control-character"),
        ];
        for (raw, id) in cases {
            assert_eq!(ids(&raw), vec![id], "{raw:?}");
            assert_eq!(cleaned(&raw), T, "{raw:?}");
        }
    }

    #[test]
    fn inner_whitespace_is_named_with_its_position_and_removed() {
        let raw = format!("{} {}", &T[..20], &T[20..]);
        let c = clean(&raw);
        assert_eq!(c.defects, vec![Defect::InnerWhitespace { position: 21 }]);
        assert_eq!(c.value.expose(), T);
        let raw = format!("{}\t{}", &T[..5], &T[5..]);
        assert_eq!(ids(&raw), vec!["inner-whitespace"]);
    }

    #[test]
    fn newlines_are_counted() {
        let c = clean(&format!("{T}\n\n"));
        assert_eq!(c.defects, vec![Defect::TrailingNewline { count: 2 }]);
    }

    #[test]
    fn windows_line_end_is_both_a_carriage_return_and_a_newline() {
        assert_eq!(
            ids(&format!("{T}\r\n")),
            vec!["carriage-return", "trailing-newline"]
        );
    }

    #[test]
    fn layered_defects_are_all_found() {
        let raw = format!("  GHCR_TOKEN=\"{T}\"\r\n");
        assert_eq!(
            ids(&raw),
            vec![
                "carriage-return",
                "trailing-newline",
                "leading-whitespace",
                "quotes",
                "assignment-prefix"
            ]
        );
        assert_eq!(cleaned(&raw), T);
    }

    #[test]
    fn visible_non_ascii_stays_and_hides_its_codepoint() {
        let raw = format!("{}ñ", &T[..39]);
        let c = clean(&raw);
        assert_eq!(
            c.defects,
            vec![Defect::NonAscii {
                position: 40,
                codepoint: None
            }]
        );
        assert_eq!(c.value.expose(), raw);
    }

    #[test]
    fn a_password_with_an_equals_sign_is_not_an_assignment() {
        assert!(ids("abc=def").is_empty());
        assert!(ids("dXNlcjpwYXNz==").is_empty());
    }

    #[test]
    fn whitespace_only_cleans_to_empty() {
        assert_eq!(cleaned(" \n\t"), "");
        assert_eq!(cleaned("\"\""), "");
    }
}
