//! The token request a client makes to the realm a registry's challenge names.
//!
//! A registry answers `401` with `WWW-Authenticate: Bearer realm="URL",service=...`; the client
//! then asks that URL for a token (`GET URL?scope=...&service=...`, Harbor's and docker's
//! `?account=...&client_id=docker&offline_token=true&service=...`) inside the request that was
//! refused, and reports a failure of the token request under the first request's URL (`Head
//! "https://HOST/v2/NAME/manifests/TAG": ...`, or Go's nested `Get "https://HOST/v2/": Get
//! "REALM?...": ...`). A scheme that does not match its port there (a plain-HTTP realm on the
//! HTTPS port, an HTTPS realm on a plain-HTTP port) is the realm the registry advertises, not
//! the client's setting.

use crate::explain::scan::starts_with_ignore_case;

/// True when the literal at `start..end` of `raw` shows the token request: a query key of the
/// token protocol inside an `http://` or `https://` URL, or an HTML page in the error of an
/// HTTPS `HEAD` (a `HEAD` is answered without a body, so the page answered the token request
/// the client made inside it).
pub(crate) fn shows_token_request(raw: &[u8], start: usize, end: usize) -> bool {
    let literal = raw.get(start..end).unwrap_or_default();
    if literal.starts_with(b":") {
        return heads_over_https(raw.get(..start).unwrap_or_default());
    }
    in_url(raw, start)
}

/// True when the text before `at` ends in a URL that starts with `http://` or `https://`.
fn in_url(raw: &[u8], at: usize) -> bool {
    let before = raw.get(..at).unwrap_or_default();
    let word_start = before
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'(' | b'[' | b'<'))
        .map_or(0, |i| i + 1);
    let word = &before[word_start..];
    starts_with_ignore_case(word, b"https://") || starts_with_ignore_case(word, b"http://")
}

/// True when `before` (the error up to the HTML page) names an HTTPS `HEAD` request (`Head
/// "https://...`, older clients without the quotes).
fn heads_over_https(before: &[u8]) -> bool {
    before.windows(5).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(b"head ") && (i == 0 || !before[i - 1].is_ascii_alphanumeric()) && {
            let rest = &before[i + 5..];
            let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
            starts_with_ignore_case(rest, b"https://")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shows(line: &str, literal: &str) -> bool {
        let lower = line.to_ascii_lowercase();
        let start = lower.find(literal).expect("literal on the line");
        shows_token_request(line.as_bytes(), start, start + literal.len())
    }

    #[test]
    fn a_token_query_inside_a_url_is_the_token_request() {
        assert!(shows(
            r#"Get "https://registry.example.com:5001/auth?account=ci&client_id=docker&service=registry":"#,
            "?account="
        ));
        assert!(shows(
            "GET https://auth.example.com/token?scope=repository%3Aexample%2Fapp%3Apull&service=registry.example.com",
            "&service="
        ));
        // A query key outside a URL is not a request.
        assert!(!shows("see docs?service=registry for details", "?service="));
        assert!(!shows(
            "add ?scope=repository:example/app:pull by hand",
            "?scope="
        ));
    }

    #[test]
    fn an_html_page_is_the_token_requests_only_in_an_https_heads_error() {
        assert!(shows(
            r#"Error response from daemon: Head "https://registry.example.com/v2/example/app/manifests/1.0": unknown: <html>"#,
            ": unknown: <html"
        ));
        assert!(shows(
            "Head https://registry.example.com/v2/example/app/manifests/1.0: unknown: <html>",
            ": unknown: <html"
        ));
        assert!(!shows(
            r#"Error response from daemon: Head "http://registry.example.com:443/v2/example/app/manifests/1.0": unknown: <html>"#,
            ": unknown: <html"
        ));
        assert!(!shows(
            r#"Get "https://registry.example.com/v2/": unknown: <html>"#,
            ": unknown: <html"
        ));
    }
}
