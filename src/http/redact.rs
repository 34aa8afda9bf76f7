//! What traces and messages may show of a request: URLs without user information or
//! signatures, headers without credentials or cookies. Bodies are never traced.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use url::Url;

use crate::secret::REDACTED;

/// A URL safe to show: user information and the query's signature-like parameters removed.
pub fn redact_url(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    if u.query().is_some() {
        let kept: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let sensitive = [
                    "sig",
                    "signature",
                    "token",
                    "x-amz-signature",
                    "x-goog-signature",
                    "key",
                ]
                .iter()
                .any(|s| k.to_ascii_lowercase().contains(s));
                let v = if sensitive || crate::secret::looks_secret(&v) {
                    REDACTED.to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(kept);
    }
    u.to_string()
}

pub(super) fn redacted_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let sensitive = matches!(
                name.as_str(),
                "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
            ) || value.is_sensitive();
            let shown = if sensitive {
                REDACTED.to_owned()
            } else {
                let shown: String = value
                    .to_str()
                    .unwrap_or("<binary>")
                    .chars()
                    .take(300)
                    .collect();
                crate::secret::redact(&shown)
            };
            (name.as_str().to_owned(), shown)
        })
        .collect()
}

pub(super) fn trace_request(method: &Method, url: &Url, headers: &HeaderMap) {
    if tracing::enabled!(tracing::Level::TRACE) {
        tracing::trace!(
            "> {method} {} {:?}",
            redact_url(url),
            redacted_headers(headers)
        );
    } else {
        tracing::debug!("> {method} {}", redact_url(url));
    }
}

/// The protocol version is in the trace: whether requests share one HTTP/2 connection or
/// each holds an HTTP/1.1 one decides what concurrency costs.
pub(super) fn trace_response(
    url: &Url,
    status: StatusCode,
    version: reqwest::Version,
    headers: &HeaderMap,
) {
    if tracing::enabled!(tracing::Level::TRACE) {
        tracing::trace!(
            "< {} {} {version:?} {:?}",
            status.as_u16(),
            redact_url(url),
            redacted_headers(headers)
        );
    } else {
        tracing::debug!("< {} {} {version:?}", status.as_u16(), redact_url(url));
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header;

    use super::*;
    use crate::http::Auth;
    use crate::secret::Secret;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test url")
    }

    #[test]
    fn redacted_url_hides_signatures_and_userinfo() {
        let u = url("https://u:p@storage.example/blob?X-Amz-Signature=abc&expires=5");
        let s = redact_url(&u);
        assert!(!s.contains("abc") && !s.contains("u:p"), "{s}");
        assert!(s.contains("expires=5"));
    }

    #[test]
    fn basic_header_is_sensitive_and_traces_redact_it() {
        let auth = Auth::Basic {
            username: "me".into(),
            password: Secret::new("ghp_secret"),
        };
        let value = auth.header_value().expect("header");
        assert!(value.is_sensitive());
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, value);
        let shown = format!("{:?}", redacted_headers(&headers));
        assert!(
            shown.contains(REDACTED) && !shown.contains("Basic"),
            "{shown}"
        );
    }
}

#[cfg(test)]
mod policy_tests {
    use reqwest::header::{HeaderName, HeaderValue};

    use super::*;

    #[test]
    fn traces_hide_what_the_secret_policy_takes_for_a_secret() {
        let token = "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";
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_static("x-echo"),
            HeaderValue::from_str(&format!("seen {token}")).expect("value"),
        );
        let shown = format!("{:?}", redacted_headers(&headers));
        assert!(!shown.contains("M7H4") && shown.contains("seen"), "{shown}");
        let url = Url::parse(&format!("https://h.example/x?state={token}&n=1")).expect("url");
        let s = redact_url(&url);
        assert!(!s.contains("M7H4") && s.contains("n=1"), "{s}");
    }
}
