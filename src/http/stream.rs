//! Streamed responses: the body is handed over chunk by chunk, for blob downloads that must
//! not be held in memory.
//!
//! The same rules as [`Client::send`] apply: credentials only where allowed, redirects
//! followed here with credentials dropped across origins, HTTPS never downgraded, and
//! transient statuses retried before any body is read.

use std::time::Duration;

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use url::Url;

use super::{Client, Error, Request, redact_url, retry_after, same_origin};

/// A response whose body has not been read yet.
#[derive(Debug)]
pub struct StreamResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The URL that answered (after redirects).
    pub url: Url,
    inner: reqwest::Response,
    client: Client,
}

impl StreamResponse {
    /// The next chunk of the body, or `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<impl std::ops::Deref<Target = [u8]>>, Error> {
        let url = self.url.clone();
        self.inner
            .chunk()
            .await
            .map_err(|e| self.client.classify(&url, &e))
    }
}

impl Client {
    /// Sends `request` and returns the response with its body unread.
    pub async fn send_streaming(&self, request: Request) -> Result<StreamResponse, Error> {
        if !request.auth.is_none() && !self.may_send_credentials(&request.url) {
            return Err(Error::InsecureCredentials {
                url: request.url.to_string(),
            });
        }
        let mut attempts = 0;
        loop {
            attempts += 1;
            let response = self.stream_following_redirects(&request).await?;
            let transient = matches!(response.status.as_u16(), 429 | 502 | 503 | 504);
            if transient && attempts <= self.options.retries {
                let wait = retry_after(&response.headers)
                    .unwrap_or_else(|| Duration::from_millis(200 * (1 << (attempts - 1))))
                    .min(self.options.max_retry_wait);
                tokio::time::sleep(wait).await;
                continue;
            }
            return Ok(response);
        }
    }

    async fn stream_following_redirects(&self, request: &Request) -> Result<StreamResponse, Error> {
        let mut url = request.url.clone();
        let mut method = request.method.clone();
        let mut auth_allowed = true;
        for _ in 0..=self.options.max_redirects {
            let mut headers = request.headers.clone();
            if auth_allowed && let Some(value) = request.auth.header_value() {
                headers.insert(header::AUTHORIZATION, value);
            }
            super::trace_request(&method, &url, &headers);
            let response = self
                .inner
                .request(method.clone(), url.clone())
                .headers(headers)
                .send()
                .await
                .map_err(|e| self.classify(&url, &e))?;
            let status = response.status();
            super::trace_response(&url, status, response.headers());
            if status.is_redirection()
                && let Some(location) = response.headers().get(header::LOCATION)
            {
                let location = location.to_str().unwrap_or_default();
                let next = url.join(location).map_err(|e| Error::Redirect {
                    from: redact_url(&url),
                    to: location.chars().take(200).collect(),
                    reason: e.to_string(),
                })?;
                if url.scheme() == "https" && next.scheme() != "https" {
                    return Err(Error::Redirect {
                        from: redact_url(&url),
                        to: redact_url(&next),
                        reason: "it downgrades HTTPS to plain HTTP".into(),
                    });
                }
                if !same_origin(&url, &next) {
                    auth_allowed = false;
                }
                if status == StatusCode::SEE_OTHER {
                    method = Method::GET;
                }
                url = next;
                continue;
            }
            return Ok(StreamResponse {
                status,
                headers: response.headers().clone(),
                url,
                inner: response,
                client: self.clone(),
            });
        }
        Err(Error::Redirect {
            from: redact_url(&request.url),
            to: redact_url(&url),
            reason: format!("more than {} redirects", self.options.max_redirects),
        })
    }
}
