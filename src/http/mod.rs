//! The HTTP layer: one pooled client with the project's safety rules built in.
//!
//! - Credentials ([`Auth`]) are attached only to HTTPS URLs or loopback hosts, unless the
//!   caller allowed plain HTTP explicitly (`--plain-http`).
//! - Redirects are followed here, not by reqwest, so that credentials are re-attached only
//!   when the redirect stays on the same scheme, host and port (blob downloads redirect to
//!   storage hosts), and an HTTPS → HTTP downgrade is refused.
//! - Bodies are read with a cap; error bodies and manifests can never exhaust memory.
//! - 429, 502, 503 and 504 are retried at most [`Options::retries`] times, honouring
//!   `Retry-After` (capped), and every response says how many attempts it took.
//! - Network failures are classified into the catalog's cause ids (`network-dns`, ...).
//! - Traces (`-vv`, `RUST_LOG=ghcr_doctor=trace`) show method, URL, status and headers with
//!   `Authorization` and cookies as `<redacted>`; bodies are never traced.
//!
//! The proxy rules are in [`proxy`], retries in [`retry`], and what traces and messages may
//! show of a URL or a header in [`redact`].

mod proxy;
mod redact;
mod retry;

pub use proxy::{ProxyConfig, display_proxy};
pub use redact::redact_url;

use crate::catalog::CauseId;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use url::Url;

use crate::secret::Secret;
use redact::{redacted_headers, trace_request, trace_response};

/// Connection and request settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Limit for one request, from connecting to the last byte of the body.
    pub timeout: Duration,
    /// Send credentials over plain HTTP to hosts that are not loopback.
    pub plain_http: bool,
    /// Extra CA certificates (PEM bundle) trusted besides the system's.
    pub ca_file: Option<PathBuf>,
    /// How many times 429/502/503/504 are retried (attempts = retries + 1).
    pub retries: u32,
    /// The longest wait honoured from `Retry-After`.
    pub max_retry_wait: Duration,
    /// The most redirects followed for one request.
    pub max_redirects: u32,
    /// Proxy settings, normally read from the environment.
    pub proxy: ProxyConfig,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(10),
            plain_http: false,
            ca_file: None,
            retries: 3,
            max_retry_wait: Duration::from_secs(10),
            max_redirects: 5,
            proxy: ProxyConfig::default(),
        }
    }
}

/// True for `localhost`, 127.0.0.0/8 and ::1.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Credentials for one request.
#[derive(Debug, Clone, Default)]
pub enum Auth {
    #[default]
    None,
    Basic {
        username: String,
        password: Secret,
    },
    Bearer(Secret),
}

impl Auth {
    pub fn is_none(&self) -> bool {
        matches!(self, Auth::None)
    }

    fn header_value(&self) -> Option<HeaderValue> {
        use base64::Engine as _;
        let raw = match self {
            Auth::None => return None,
            Auth::Basic { username, password } => {
                let pair = Secret::new(format!("{username}:{}", password.expose()));
                let encoded = Secret::new(
                    base64::engine::general_purpose::STANDARD.encode(pair.expose().as_bytes()),
                );
                Secret::new(format!("Basic {}", encoded.expose()))
            }
            Auth::Bearer(token) => Secret::new(format!("Bearer {}", token.expose())),
        };
        let mut value = HeaderValue::from_str(raw.expose()).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

/// One request. Its `Debug` shows the body's length only: a body may carry a secret (an
/// OAuth2 refresh token).
#[derive(Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub auth: Auth,
    pub body: Option<Vec<u8>>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field("headers", &redacted_headers(&self.headers))
            .field("auth", &self.auth)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .finish()
    }
}

impl Request {
    pub fn new(method: Method, url: Url) -> Self {
        Request {
            method,
            url,
            headers: HeaderMap::new(),
            auth: Auth::None,
            body: None,
        }
    }

    pub fn get(url: Url) -> Self {
        Self::new(Method::GET, url)
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(name, v);
        }
        self
    }

    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }
}

/// What to do when a body is longer than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// Keep the first `limit` bytes and mark the response truncated (error bodies).
    Truncate,
    /// Fail with [`Error::BodyTooLarge`] (manifests, token responses).
    Fail,
}

/// How much of a body to read.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit {
    pub bytes: usize,
    pub overflow: Overflow,
}

impl BodyLimit {
    /// Error bodies: 64 KiB, truncated.
    pub const ERROR: BodyLimit = BodyLimit {
        bytes: 64 * 1024,
        overflow: Overflow::Truncate,
    };
    /// Manifests and indexes: 4 MiB, larger is an error.
    pub const MANIFEST: BodyLimit = BodyLimit {
        bytes: 4 * 1024 * 1024,
        overflow: Overflow::Fail,
    };
    /// Token and API answers: 1 MiB, larger is an error.
    pub const JSON: BodyLimit = BodyLimit {
        bytes: 1024 * 1024,
        overflow: Overflow::Fail,
    };
    /// Read no body (HEAD, or when only headers matter).
    pub const NONE: BodyLimit = BodyLimit {
        bytes: 0,
        overflow: Overflow::Truncate,
    };
}

/// One response, body read up to its limit.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// True when the body was cut at the limit.
    pub truncated: bool,
    /// The URL that answered (after redirects).
    pub url: Url,
    /// How many attempts it took (1 without retries).
    pub attempts: u32,
    /// The statuses of the attempts that were retried.
    pub retried: Vec<u16>,
    /// True when the answer came over HTTP/2, where every request in flight shares one
    /// connection (over HTTP/1.1 each holds its own).
    pub http2: bool,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header (a response may carry several `WWW-Authenticate`).
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    /// The body as text, lossily.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A response whose body is read chunk by chunk.
#[derive(Debug)]
pub struct Streaming {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The URL that answered (after redirects).
    pub url: Url,
    pub attempts: u32,
    pub retried: Vec<u16>,
    /// True when the answer came over HTTP/2.
    pub http2: bool,
    inner: reqwest::Response,
    client: Client,
}

impl Streaming {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The next piece of the body; `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Error> {
        match self.inner.chunk().await {
            Ok(c) => Ok(c.map(|b| b.to_vec())),
            Err(e) => Err(self.client.classify(&self.url, &e)),
        }
    }

    /// The rest of the body as a [`Response`], read up to `limit` (error answers).
    pub async fn into_response(self, limit: BodyLimit) -> Result<Response, Error> {
        let (body, truncated) = read_body(self.inner, limit, &self.url, &self.client).await?;
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body,
            truncated,
            url: self.url,
            attempts: self.attempts,
            retried: self.retried,
            http2: self.http2,
        })
    }
}

/// Why a request got no HTTP answer. Each variant maps to a cause id.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("{}", crate::t!("registry.error.dns", host = host, detail = detail))]
    Dns { host: String, detail: String },
    #[error("{}", crate::t!("registry.error.refused", host = host))]
    Refused { host: String },
    #[error("{}", crate::t!("registry.error.timeout", host = host, seconds = seconds))]
    Timeout { host: String, seconds: u64 },
    #[error("{}", crate::t!("registry.error.tls", host = host, detail = detail))]
    Tls { host: String, detail: String },
    #[error("{}", crate::t!("registry.error.proxy-failed", proxy = proxy, host = host, detail = detail))]
    Proxy {
        proxy: String,
        host: String,
        detail: String,
    },
    #[error("{}", crate::t!("registry.error.connection", host = host, detail = detail))]
    Connection { host: String, detail: String },
    #[error("{}", crate::t!("registry.error.insecure-loopback", url = url))]
    InsecureCredentials { url: String },
    #[error("{}", crate::t!("registry.error.redirect", from = from, to = to, reason = reason))]
    Redirect {
        from: String,
        to: String,
        reason: String,
    },
    #[error("{}", crate::t!("registry.error.too-large", url = url, limit = limit))]
    BodyTooLarge { url: String, limit: usize },
    /// The body ended before its `Content-Length`: the connection was cut mid-answer.
    #[error("{}", crate::t!("common.body-truncated", url = url, received = received, expected = expected.map_or_else(|| "?".to_owned(), |n| n.to_string())))]
    Truncated {
        url: String,
        received: usize,
        expected: Option<u64>,
    },
    #[error("{}", crate::t!("registry.error.invalid", detail = detail))]
    Invalid { detail: String },
}

impl Error {
    /// The catalog cause id for this failure.
    pub fn cause(&self) -> CauseId {
        match self {
            Error::Dns { .. } => CauseId::NetworkDns,
            Error::Refused { .. } => CauseId::NetworkRefused,
            Error::Timeout { .. } => CauseId::NetworkTimeout,
            Error::Tls { .. } => CauseId::NetworkTls,
            Error::Proxy { .. } => CauseId::NetworkProxy,
            Error::Connection { .. } => CauseId::NetworkRefused,
            Error::Truncated { .. } => CauseId::NetworkTruncated,
            Error::InsecureCredentials { .. } => CauseId::NetworkTls,
            Error::Redirect { .. } | Error::BodyTooLarge { .. } | Error::Invalid { .. } => {
                CauseId::RegistryDenied
            }
        }
    }
}

/// The shared client. Cheap to clone; clones share the connection pool.
#[derive(Debug, Clone)]
pub struct Client {
    inner: reqwest::Client,
    options: Options,
    /// Requests sent on the wire (every attempt and redirect hop), shared by clones.
    sent: Arc<AtomicU64>,
}

impl Client {
    pub fn new(options: Options) -> Result<Client, Error> {
        let proxy_config = options.proxy.clone();
        let proxy = reqwest::Proxy::custom(move |url: &reqwest::Url| {
            proxy_config.proxy_for(url).and_then(|p| Url::parse(p).ok())
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("ghcr-doctor/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .proxy(proxy)
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .pool_max_idle_per_host(32);
        if let Some(path) = &options.ca_file {
            let pem = std::fs::read(path).map_err(|e| Error::Invalid {
                detail: format!("cannot read CA file {}: {e}", path.display()),
            })?;
            let certs =
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| Error::Invalid {
                    detail: format!("CA file {} holds no PEM certificate: {e}", path.display()),
                })?;
            if certs.is_empty() {
                return Err(Error::Invalid {
                    detail: format!("CA file {} holds no PEM certificate", path.display()),
                });
            }
            builder = builder.tls_certs_merge(certs);
        }
        let inner = builder.build().map_err(|e| Error::Invalid {
            detail: e.to_string(),
        })?;
        Ok(Client {
            inner,
            options,
            sent: Arc::new(AtomicU64::new(0)),
        })
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// A client sharing this one's connection pool that retries `retries` times instead.
    /// GitHub's API asks clients not to retry a secondary rate limit before `Retry-After`
    /// has passed, which can be minutes; its client uses no retries and reports the limit.
    pub fn with_retries(&self, retries: u32) -> Client {
        let mut client = self.clone();
        client.options.retries = retries;
        client
    }

    /// How many requests this client and its clones have sent (retries and redirect hops
    /// included). Benchmarks and tests use it to show that round trips do not grow.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// True when credentials may be sent to `url`.
    pub fn may_send_credentials(&self, url: &Url) -> bool {
        url.scheme() == "https"
            || url.host_str().is_some_and(is_loopback_host)
            || self.options.plain_http
    }

    /// Sends `request`, following same-origin-safe redirects and retrying transient
    /// statuses, and reads the body up to `limit`.
    pub async fn send(&self, request: Request, limit: BodyLimit) -> Result<Response, Error> {
        let (response, url, attempts, retried) = self.send_with_retries(&request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let http2 = response.version() == reqwest::Version::HTTP_2;
        let (body, truncated) = read_body(response, limit, &url, self).await?;
        Ok(Response {
            status,
            headers,
            body,
            truncated,
            url,
            attempts,
            retried,
            http2,
        })
    }

    /// Like [`Client::send`], but hands back the body as a stream (blob downloads of any
    /// size; the caller hashes or counts it chunk by chunk).
    pub async fn send_streaming(&self, request: Request) -> Result<Streaming, Error> {
        let (inner, url, attempts, retried) = self.send_with_retries(&request).await?;
        Ok(Streaming {
            status: inner.status(),
            headers: inner.headers().clone(),
            url,
            attempts,
            retried,
            http2: inner.version() == reqwest::Version::HTTP_2,
            inner,
            client: self.clone(),
        })
    }

    /// Sends one attempt, following redirects; returns the final answer with its body
    /// unread, and the URL that gave it.
    async fn send_following_redirects(
        &self,
        request: &Request,
    ) -> Result<(reqwest::Response, Url), Error> {
        let mut url = request.url.clone();
        let mut method = request.method.clone();
        let mut auth_allowed = true;
        for _ in 0..=self.options.max_redirects {
            let mut builder = self.inner.request(method.clone(), url.clone());
            let mut headers = request.headers.clone();
            if auth_allowed && let Some(value) = request.auth.header_value() {
                headers.insert(header::AUTHORIZATION, value);
            }
            trace_request(&method, &url, &headers);
            self.sent.fetch_add(1, Ordering::Relaxed);
            builder = builder.headers(headers);
            if let Some(body) = &request.body {
                builder = builder.body(body.clone());
            }
            let response = builder.send().await.map_err(|e| self.classify(&url, &e))?;
            let status = response.status();
            trace_response(&url, status, response.version(), response.headers());
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
                    // A request body may hold a secret (an OAuth2 refresh grant): it is never
                    // sent on to another host.
                    if request.body.is_some() {
                        return Err(Error::Redirect {
                            from: redact_url(&url),
                            to: redact_url(&next),
                            reason: "a request with a body is not forwarded to another host".into(),
                        });
                    }
                    // Storage hosts get no credentials: the redirect URL carries its own
                    // signature.
                    auth_allowed = false;
                }
                if status == StatusCode::SEE_OTHER {
                    method = Method::GET;
                }
                url = next;
                continue;
            }
            return Ok((response, url));
        }
        Err(Error::Redirect {
            from: redact_url(&request.url),
            to: redact_url(&url),
            reason: format!("more than {} redirects", self.options.max_redirects),
        })
    }

    /// Turns a transport error into a classified [`Error`].
    fn classify(&self, url: &Url, error: &reqwest::Error) -> Error {
        let host = url
            .host_str()
            .map(|h| match url.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_owned(),
            })
            .unwrap_or_default();
        let chain = error_chain(error);
        let lower = chain.to_ascii_lowercase();
        if error.is_timeout() || lower.contains("timed out") {
            return Error::Timeout {
                host,
                seconds: self.options.timeout.as_secs().max(1),
            };
        }
        if let Some(proxy) = self.options.proxy.proxy_for(url) {
            return Error::Proxy {
                proxy: display_proxy(proxy),
                host,
                detail: chain,
            };
        }
        if lower.contains("dns error")
            || lower.contains("failed to lookup address")
            || lower.contains("name or service not known")
            || lower.contains("no address associated")
        {
            return Error::Dns {
                host,
                detail: chain,
            };
        }
        if lower.contains("connection refused") {
            return Error::Refused { host };
        }
        if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake")
            || lower.contains("unknownissuer")
        {
            return Error::Tls {
                host,
                detail: chain,
            };
        }
        Error::Connection {
            host,
            detail: chain,
        }
    }
}

async fn read_body(
    mut response: reqwest::Response,
    limit: BodyLimit,
    url: &Url,
    client: &Client,
) -> Result<(Vec<u8>, bool), Error> {
    let mut body = Vec::new();
    if limit.bytes == 0 {
        return Ok((body, false));
    }
    let announced = response.content_length();
    loop {
        // A body cut short (fewer bytes than its Content-Length, or a failure mid-body) is
        // its own cause, not a refused connection.
        let chunk = response.chunk().await.map_err(|e| {
            let short =
                e.is_body() || e.is_decode() || announced.is_some_and(|n| (body.len() as u64) < n);
            // A timeout stays a timeout (a trickling server), even mid-body.
            let classified = client.classify(url, &e);
            if short && !matches!(classified, Error::Timeout { .. }) {
                Error::Truncated {
                    url: redact_url(url),
                    received: body.len(),
                    expected: announced,
                }
            } else {
                classified
            }
        })?;
        let Some(chunk) = chunk else { break };
        if body.len() + chunk.len() > limit.bytes {
            match limit.overflow {
                Overflow::Truncate => {
                    let room = limit.bytes - body.len();
                    body.extend_from_slice(&chunk[..room]);
                    return Ok((body, true));
                }
                Overflow::Fail => {
                    return Err(Error::BodyTooLarge {
                        url: redact_url(url),
                        limit: limit.bytes,
                    });
                }
            }
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

/// The error and its sources as one line.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let s = e.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        source = e.source();
    }
    parts.join(": ")
}

/// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm), for the dates GitHub
/// writes in its own headers (not HTTP dates).
pub fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).saturating_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test url")
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "127.0.0.1",
            "127.8.9.10",
            "[::1]",
            "::1",
            "a.localhost",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in ["ghcr.io", "10.0.0.1", "localhost.example.com", "[::2]"] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }

    #[test]
    fn credentials_only_over_https_or_loopback() {
        let client = Client::new(Options::default()).expect("client");
        assert!(client.may_send_credentials(&url("https://ghcr.io/token")));
        assert!(client.may_send_credentials(&url("http://127.0.0.1:5000/v2/")));
        assert!(!client.may_send_credentials(&url("http://registry.example/v2/")));
    }
}
