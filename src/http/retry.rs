//! Retries: 429, 502, 503 and 504 are tried again at most [`Options::retries`] times,
//! honouring `Retry-After` (seconds or an HTTP date, capped by
//! [`Options::max_retry_wait`]), with exponential back-off otherwise.

use std::time::{Duration, SystemTime};

use reqwest::header::{self, HeaderMap};
use url::Url;

#[cfg(doc)]
use super::Options;
use super::{Client, Error, Request};

impl Client {
    pub(super) async fn send_with_retries(
        &self,
        request: &Request,
    ) -> Result<(reqwest::Response, Url, u32, Vec<u16>), Error> {
        if !request.auth.is_none() && !self.may_send_credentials(&request.url) {
            return Err(Error::InsecureCredentials {
                url: request.url.to_string(),
            });
        }
        let mut attempts = 0;
        let mut retried = Vec::new();
        loop {
            attempts += 1;
            let (response, url) = self.send_following_redirects(request).await?;
            let status = response.status().as_u16();
            let transient = matches!(status, 429 | 502 | 503 | 504);
            if transient && attempts <= self.options.retries {
                retried.push(status);
                let wait = retry_after(response.headers())
                    .unwrap_or_else(|| Duration::from_millis(200 * (1 << (attempts - 1))))
                    .min(self.options.max_retry_wait);
                tracing::debug!(
                    status,
                    attempt = attempts,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                drop(response);
                tokio::time::sleep(wait).await;
                continue;
            }
            return Ok((response, url, attempts, retried));
        }
    }
}

/// `Retry-After` as seconds or an HTTP date (RFC 9110: IMF-fixdate, and the obsolete RFC 850
/// and asctime forms); a date in the past means no wait.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
        // RFC 850 and asctime dates are HTTP dates too.
        for old in ["Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            h.insert(header::RETRY_AFTER, HeaderValue::from_static(old));
            assert_eq!(retry_after(&h), Some(Duration::ZERO), "{old}");
        }
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        h.insert(
            header::RETRY_AFTER,
            HeaderValue::from_str(&later).expect("header"),
        );
        let wait = retry_after(&h).expect("a date in the future");
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
    }
}
