//! The pieces of the distribution reference grammar, each checked by hand so that a failure
//! names the offending part and its byte span.
//!
//! ```text
//! reference      := name [ ":" tag ] [ "@" digest ]
//! name           := [ domain "/" ] path
//! domain         := host [ ":" port ]
//! host           := domain-name | "[" ipv6 "]"
//! domain-name    := label ( "." label )*          label := [a-zA-Z0-9] ( [a-zA-Z0-9-]* [a-zA-Z0-9] )?
//! path           := component ( "/" component )*
//! component      := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//! tag            := [\w] [\w.-]{0,127}
//! digest         := algorithm ":" [0-9a-fA-F]{32,}, then the algorithm's own rule
//! ```
//!
//! Uppercase letters in a path are a "soft" fault: the component is otherwise checked as if
//! they were lowercase, so that the caller can report "must be lowercase" only when nothing
//! else is wrong (docker's rule: the uppercase error is given only when the lowercased
//! reference parses).

use super::{Reason, ReferenceError, Span};
use crate::t;

/// The longest repository path distribution accepts.
pub const PATH_MAX: usize = 255;

/// The longest tag distribution accepts.
pub const TAG_MAX: usize = 128;

/// Where the name, tag and digest sit in the input.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    pub name: Span,
    pub tag: Option<Span>,
    pub digest: Option<Span>,
}

/// Splits `s[start..]` into name, tag and digest at the separators, without checking the parts.
///
/// NOTE: a tag and a digest can contain neither `/` nor `@`, and a digest holds exactly one
/// `:`, so the tag separator is the last `:` after the last `/` of the part before the first
/// `@`. A `:` before the last `/` belongs to the registry's port.
pub(super) fn layout(s: &str, start: usize) -> Result<Layout, ReferenceError> {
    let end = s.len();
    let (name_tag_end, digest) = match s[start..].find('@') {
        Some(i) => {
            let at = start + i;
            if at + 1 == end {
                return Err(ReferenceError::new(
                    Reason::TrailingAt,
                    (at, end),
                    t!("reference.error.trailing-at"),
                ));
            }
            (at, Some((at + 1, end)))
        }
        None => (end, None),
    };
    let part = &s[start..name_tag_end];
    let last_slash = part.rfind('/');
    let (name_end, tag) = match part.rfind(':') {
        Some(c) if last_slash.is_none_or(|sl| c > sl) => {
            let colon = start + c;
            if colon + 1 == name_tag_end {
                let reason = if digest.is_some() {
                    t!("reference.error.empty-tag")
                } else {
                    t!("reference.error.trailing-colon")
                };
                return Err(ReferenceError::new(
                    Reason::TrailingColon,
                    (colon, colon + 1),
                    reason,
                ));
            }
            (colon, Some((colon + 1, name_tag_end)))
        }
        _ => (name_tag_end, None),
    };
    if name_end == start && start == 0 {
        let sep = &s[name_end..(name_end + 1).min(end)];
        return Err(ReferenceError::new(
            Reason::MissingName,
            (0, (name_end + 1).min(end)),
            t!("reference.error.missing-name", sep = sep),
        ));
    }
    Ok(Layout {
        name: (start, name_end),
        tag,
        digest,
    })
}

/// True when `host[:port]` matches distribution's domain grammar (no range check on the port,
/// as in distribution: `192.168.1.1:750050` matches).
pub fn is_valid_domain(domain: &str) -> bool {
    check_domain(domain, (0, domain.len())).is_ok()
}

/// True for a 64-character lowercase hex string, which docker reads as an image ID.
pub fn is_identifier(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn first_char(s: &str) -> String {
    s.chars().next().map(String::from).unwrap_or_default()
}

/// Checks the registry part `s[span]`.
pub(super) fn check_domain(s: &str, span: Span) -> Result<(), ReferenceError> {
    let (start, end) = span;
    let domain = &s[start..end];
    let bad =
        |reason: Reason, at: Span, message: String| Err(ReferenceError::new(reason, at, message));
    if domain.is_empty() {
        return bad(
            Reason::InvalidDomain,
            span,
            t!("reference.error.domain-empty"),
        );
    }
    let (host_end, port) = if domain.starts_with('[') {
        let Some(close) = domain.find(']') else {
            return bad(
                Reason::InvalidDomain,
                span,
                t!("reference.error.ipv6", domain = domain),
            );
        };
        let inner = &domain[1..close];
        if let Some(p) = inner.find('%') {
            return bad(
                Reason::InvalidDomain,
                (start + 1 + p, start + close),
                t!("reference.error.ipv6-zone", zone = &inner[p..]),
            );
        }
        if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return bad(
                Reason::InvalidDomain,
                (start, start + close + 1),
                t!("reference.error.ipv6", domain = &domain[..=close]),
            );
        }
        let after = &domain[close + 1..];
        if after.is_empty() {
            (close + 1, None)
        } else if let Some(port) = after.strip_prefix(':') {
            (close + 1, Some((start + close + 2, end, port)))
        } else {
            return bad(
                Reason::InvalidDomain,
                (start + close + 1, end),
                t!("reference.error.ipv6-port", domain = domain),
            );
        }
    } else {
        match domain.find(':') {
            Some(c) => (c, Some((start + c + 1, end, &domain[c + 1..]))),
            None => (domain.len(), None),
        }
    };
    if let Some((p_start, p_end, port)) = port
        && (port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return bad(
            Reason::InvalidDomain,
            (p_start - 1, p_end),
            t!("reference.error.port", port = port, domain = domain),
        );
    }
    if domain.starts_with('[') {
        return Ok(());
    }
    let host = &domain[..host_end];
    let mut label_start = 0;
    for label in host.split('.') {
        let at = (start + label_start, start + label_start + label.len());
        label_start += label.len() + 1;
        if let Some((i, c)) = label
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return bad(
                Reason::InvalidDomain,
                (at.0 + i, at.0 + i + c.len_utf8()),
                t!("reference.error.domain-char", char = c, domain = host),
            );
        }
        if label.is_empty() {
            // Point at the dot next to the missing part (`ghcr..io`, `.ghcr.io`, `ghcr.io.`).
            let dot = if at.0 > start { at.0 - 1 } else { at.0 };
            return bad(
                Reason::InvalidDomain,
                (dot, (dot + 1).min(end)),
                t!("reference.error.domain-empty-label", domain = host),
            );
        }
        if label.starts_with('-') || label.ends_with('-') {
            return bad(
                Reason::InvalidDomain,
                at,
                t!("reference.error.domain-label", label = label, domain = host),
            );
        }
    }
    Ok(())
}

/// Checks the repository path `s[span]` component by component. Returns whether it holds
/// uppercase letters (the soft fault); every other fault is an error.
pub(super) fn check_path(s: &str, span: Span) -> Result<bool, ReferenceError> {
    let (start, end) = span;
    let path = &s[start..end];
    let mut upper = false;
    let mut offset = start;
    let count = path.split('/').count();
    for (index, component) in path.split('/').enumerate() {
        let at = (offset, offset + component.len());
        offset += component.len() + 1;
        if component.is_empty() {
            let (key_span, message) = if count == 1 {
                (
                    (start.saturating_sub(1), start),
                    t!("reference.error.empty-path"),
                )
            } else if index == 0 && start > 0 && s.as_bytes()[start - 1] == b'/' {
                // `ghcr.io//app`: the slash after the registry and this one make `//`.
                (
                    (start - 1, start + 1),
                    t!("reference.error.empty-component-double"),
                )
            } else if index == 0 {
                (
                    (at.0, at.0 + 1),
                    t!("reference.error.empty-component-leading"),
                )
            } else if index + 1 == count {
                (
                    (at.0 - 1, at.0),
                    t!("reference.error.empty-component-trailing"),
                )
            } else {
                (
                    (at.0 - 1, at.0 + 1),
                    t!("reference.error.empty-component-double"),
                )
            };
            return Err(ReferenceError::new(
                Reason::EmptyComponent,
                key_span,
                message,
            ));
        }
        upper |= check_component(component, at)?;
    }
    Ok(upper)
}

fn is_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c.is_ascii_uppercase()
}

/// One path component; `at` is its span in the input.
fn check_component(component: &str, at: Span) -> Result<bool, ReferenceError> {
    let bad = |span: Span, message: String| {
        Err(ReferenceError::new(Reason::InvalidComponent, span, message))
    };
    if let Some((i, c)) = component
        .char_indices()
        .find(|(_, c)| !(is_alnum(*c) || matches!(c, '.' | '_' | '-')))
    {
        return bad(
            (at.0 + i, at.0 + i + c.len_utf8()),
            t!(
                "reference.error.component-char",
                char = c,
                component = component
            ),
        );
    }
    // Only ASCII is left, so byte indexing is safe from here on.
    let bytes = component.as_bytes();
    if !is_alnum(bytes[0] as char) {
        return bad(
            (at.0, at.0 + 1),
            t!("reference.error.component-start", component = component),
        );
    }
    if !is_alnum(bytes[bytes.len() - 1] as char) {
        return bad(
            (at.1 - 1, at.1),
            t!("reference.error.component-end", component = component),
        );
    }
    let mut i = 0;
    while i < bytes.len() {
        if is_alnum(bytes[i] as char) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < bytes.len() && !is_alnum(bytes[i] as char) {
            i += 1;
        }
        let run = &component[run_start..i];
        let ok = run == "." || run == "_" || run == "__" || run.bytes().all(|b| b == b'-');
        if !ok {
            return bad(
                (at.0 + run_start, at.0 + i),
                t!(
                    "reference.error.component-separator",
                    sep = run,
                    component = component
                ),
            );
        }
    }
    Ok(component.bytes().any(|b| b.is_ascii_uppercase()))
}

/// Checks the tag `s[span]`.
pub(super) fn check_tag(s: &str, span: Span) -> Result<(), ReferenceError> {
    let tag = &s[span.0..span.1];
    let bad =
        |reason: Reason, at: Span, message: String| Err(ReferenceError::new(reason, at, message));
    if let Some((i, c)) = tag
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return bad(
            Reason::InvalidTag,
            (span.0 + i, span.0 + i + c.len_utf8()),
            t!("reference.error.tag-char", char = c, tag = tag),
        );
    }
    if tag.starts_with(['.', '-']) {
        return bad(
            Reason::InvalidTag,
            (span.0, span.0 + 1),
            t!(
                "reference.error.tag-start",
                tag = tag,
                char = first_char(tag)
            ),
        );
    }
    if tag.len() > TAG_MAX {
        return bad(
            Reason::TagTooLong,
            (span.0 + TAG_MAX, span.1),
            t!(
                "reference.error.tag-too-long",
                length = tag.len(),
                max = TAG_MAX
            ),
        );
    }
    Ok(())
}

/// The algorithms registries verify, with the length of their lowercase hex encoding
/// (distribution/go-digest registers exactly these).
const ALGORITHMS: [(&str, usize); 3] = [("sha256", 64), ("sha384", 96), ("sha512", 128)];

fn is_algorithm_component(c: &str) -> bool {
    let mut chars = c.chars();
    chars.next().is_some_and(|f| f.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Checks the digest `s[span]`: the reference grammar first, then the algorithm's own rule.
/// Returns a lowercase-hex fix when the only fault is uppercase hex.
pub(super) fn check_digest(s: &str, span: Span) -> Result<(), ReferenceError> {
    let digest = &s[span.0..span.1];
    let bad =
        |reason: Reason, at: Span, message: String| Err(ReferenceError::new(reason, at, message));
    if let Some(i) = digest.find('@') {
        return bad(
            Reason::DigestFormat,
            (span.0 + i, span.0 + i + 1),
            t!("reference.error.digest-second-at"),
        );
    }
    let Some(colon) = digest.find(':') else {
        return bad(
            Reason::DigestFormat,
            span,
            t!("reference.error.digest-no-algorithm", digest = digest),
        );
    };
    let algorithm = &digest[..colon];
    let encoded = &digest[colon + 1..];
    let alg_span = (span.0, span.0 + colon);
    let enc_span = (span.0 + colon + 1, span.1);
    if algorithm.is_empty()
        || !algorithm
            .split(['-', '_', '+', '.'])
            .all(is_algorithm_component)
    {
        return bad(
            Reason::DigestAlgorithm,
            if algorithm.is_empty() {
                (span.0, span.0 + 1)
            } else {
                alg_span
            },
            t!("reference.error.digest-algorithm", algorithm = algorithm),
        );
    }
    if encoded.is_empty() {
        return bad(
            Reason::DigestLength,
            (span.0 + colon, span.1),
            t!("reference.error.digest-empty", algorithm = algorithm),
        );
    }
    if let Some((i, c)) = encoded.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return bad(
            Reason::DigestEncoding,
            (enc_span.0 + i, enc_span.0 + i + c.len_utf8()),
            t!("reference.error.digest-char", char = c),
        );
    }
    let Some((_, expected)) = ALGORITHMS.iter().find(|(name, _)| *name == algorithm) else {
        let key_message = if ALGORITHMS
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(algorithm))
        {
            t!(
                "reference.error.digest-algorithm-case",
                algorithm = algorithm,
                lower = algorithm.to_ascii_lowercase()
            )
        } else {
            t!("reference.error.digest-unsupported", algorithm = algorithm)
        };
        return bad(Reason::DigestAlgorithm, alg_span, key_message);
    };
    if encoded.len() != *expected {
        return bad(
            Reason::DigestLength,
            enc_span,
            t!(
                "reference.error.digest-length",
                algorithm = algorithm,
                length = encoded.len(),
                expected = expected
            ),
        );
    }
    if let Some(i) = encoded.find(|c: char| c.is_ascii_uppercase()) {
        let last = encoded.rfind(|c: char| c.is_ascii_uppercase()).unwrap_or(i);
        return bad(
            Reason::DigestUppercase,
            (enc_span.0 + i, enc_span.0 + last + 1),
            t!("reference.error.digest-uppercase", algorithm = algorithm),
        );
    }
    Ok(())
}
