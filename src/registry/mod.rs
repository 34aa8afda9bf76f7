//! The registry client: one session per registry that pings anonymously, reads the
//! challenge, exchanges a credential for a bearer token covering several repositories at
//! once, and then reads manifests and blobs and opens (and cancels) upload sessions.
//!
//! The protocol steps are separate calls so that a caller can name the step that failed:
//! [`Session::ping`] (`GET /v2/`, always anonymous: ghcr.io answers a first request that
//! carries Basic auth with 403 and no challenge), [`Session::login`] (one token request with
//! `scope=` repeated), then the operations. An operation that gets a 401 asking for a scope
//! the session never requested fetches a token for it and retries once.
//!
//! Nothing here writes to a registry: the only state-changing call is
//! [`Session::start_upload`], whose session holds no data and is cancelled (or expires).

pub mod challenge;
pub mod envelope;
pub mod host;
pub mod scope;
mod session;

use crate::catalog::CauseId;
use reqwest::{Method, StatusCode};
use url::Url;

use crate::http::{self, Response};
use crate::secret::Secret;
use challenge::{Bearer, Challenge};
use envelope::Envelope;
use scope::Scope;

pub use session::{DEFAULT_USERNAME, Session};

/// Every manifest type a pull accepts, in the order docker sends them. Without the OCI
/// types distribution answers `MANIFEST_UNKNOWN` for OCI images, and without the Docker
/// types it down-converts schema 2 to schema 1 (changing the digest).
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
    application/vnd.oci.image.manifest.v1+json, \
    application/vnd.docker.distribution.manifest.list.v2+json, \
    application/vnd.docker.distribution.manifest.v2+json";

/// Why an operation did not succeed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// No HTTP answer (DNS, refused, timeout, TLS, proxy, ...).
    #[error(transparent)]
    Http(#[from] http::Error),
    /// The registry answered, but not with success.
    #[error("{0}")]
    Refused(Box<Refusal>),
    /// The registry answered success with something unusable.
    #[error("{}", crate::t!("registry.error.bad-answer", url = url, status = status, detail = detail))]
    BadAnswer {
        url: String,
        status: u16,
        detail: String,
        /// `registry-challenge-invalid` for a challenge the tool cannot follow, else
        /// `registry-answer-invalid`.
        cause: CauseId,
    },
    /// The registry's success answer ended mid-way (truncated JSON): a failing registry or
    /// proxy, not a credential problem.
    #[error("{}", crate::t!("registry.error.truncated", url = url, status = status, detail = detail))]
    Truncated {
        url: String,
        status: u16,
        detail: String,
    },
}

impl Error {
    /// The registry refused `method`: its answer, as the error.
    fn refused(method: &Method, response: &Response) -> Error {
        Error::Refused(Box::new(Refusal::from_response(method, response)))
    }

    /// The refusal, when the registry answered.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Error::Refused(r) => Some(r),
            _ => None,
        }
    }
}

/// A registry answer that was not the expected success, with what the diagnosis needs.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub method: String,
    /// The URL, redacted.
    pub url: String,
    pub status: u16,
    pub envelope: Option<Envelope>,
    pub challenges: Vec<Challenge>,
    /// The start of a non-envelope body (HTML error pages), for the evidence.
    pub body_excerpt: String,
    pub attempts: u32,
    pub retried: Vec<u16>,
}

impl Refusal {
    /// Replaces every occurrence of `secret` in the server's words with `<redacted>`.
    pub fn scrub(&mut self, secret: &str) {
        if secret.len() < 4 {
            // Too short to tell apart from ordinary words in the message (and no token is
            // that short).
            return;
        }
        let redact = |s: &mut String| {
            if s.contains(secret) {
                *s = s.replace(secret, crate::secret::REDACTED);
            }
        };
        redact(&mut self.body_excerpt);
        if let Some(env) = &mut self.envelope {
            for e in &mut env.errors {
                redact(&mut e.message);
                if let Some(d) = &e.detail {
                    let text = d.to_string();
                    if text.contains(secret) {
                        e.detail = Some(serde_json::Value::String(crate::secret::REDACTED.into()));
                    }
                }
            }
        }
    }

    fn from_response(method: &Method, response: &Response) -> Refusal {
        let envelope = Envelope::parse(&response.body);
        let body_excerpt = if envelope.is_some() {
            String::new()
        } else {
            response.text().chars().take(300).collect()
        };
        Refusal {
            method: method.to_string(),
            url: http::redact_url(&response.url),
            status: response.status.as_u16(),
            envelope,
            challenges: challenge::parse_all(response.header_all("www-authenticate")),
            body_excerpt,
            attempts: response.attempts,
            retried: response.retried.clone(),
        }
    }

    /// `error=` of the Bearer challenge, if any.
    pub fn bearer_error(&self) -> Option<&str> {
        challenge::first_bearer(&self.challenges).and_then(|b| b.error.as_deref())
    }

    /// The registry's words: `denied: permission_denied: write_package`, or the body excerpt.
    pub fn message(&self) -> String {
        let words = match &self.envelope {
            Some(e) => e.display(),
            None => self.body_excerpt.trim().to_owned(),
        };
        if words.is_empty() {
            // HEAD answers have no body: the status line is all there is.
            let reason = StatusCode::from_u16(self.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or_default();
            format!("HTTP {} {reason}", self.status)
                .trim_end()
                .to_owned()
        } else {
            words
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The query (a token request's scopes) stays in the evidence; the sentence is shorter
        // without it.
        let url = self.url.split('?').next().unwrap_or_default();
        write!(f, "{} {url} answered {}", self.method, self.status)?;
        if self.envelope.is_some() || !self.body_excerpt.trim().is_empty() {
            write!(f, ": {}", self.message())?;
        }
        Ok(())
    }
}

/// How the registry wants clients to authenticate, from the anonymous ping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    /// `/v2/` answered 200: no authentication.
    None,
    /// Basic credentials on every request.
    Basic,
    /// A token from the realm.
    Bearer(Bearer),
}

impl AuthScheme {
    pub fn as_str(&self) -> &'static str {
        match self {
            AuthScheme::None => "none",
            AuthScheme::Basic => "basic",
            AuthScheme::Bearer(_) => "bearer",
        }
    }
}

/// The answer to `GET /v2/`.
#[derive(Debug, Clone)]
pub struct Ping {
    pub status: u16,
    pub scheme: AuthScheme,
    pub challenges: Vec<Challenge>,
    /// `Docker-Distribution-API-Version`, when sent.
    pub api_version: Option<String>,
    pub attempts: u32,
    pub retried: Vec<u16>,
}

/// What the login step did.
#[derive(Debug, Clone, Default)]
pub struct Login {
    pub scheme: &'static str,
    pub anonymous: bool,
    /// The token realm (Bearer), redacted.
    pub realm: Option<String>,
    pub service: Option<String>,
    /// The scopes asked for.
    pub requested: Vec<String>,
    /// The scopes the token says it grants (JWT `access` claim), when readable.
    pub granted: Option<Vec<Scope>>,
    /// Which of `token` and `access_token` the answer held.
    pub token_fields: Vec<&'static str>,
    pub expires_in: Option<u64>,
    /// Token requests sent (1 per 50 scopes, and one per scope when the realm refused a
    /// batch).
    pub token_requests: usize,
    /// Token requests waited on one after the other: 0 (Basic or no auth), 1, or 2 when a
    /// refused batch was retried per scope.
    pub rounds: u32,
    pub attempts: u32,
    /// Scopes the realm refused one by one while granting others (after a refused batch).
    /// Their repositories cannot be probed; the rest can.
    pub refused: Vec<(Scope, Refusal)>,
    /// The realm's host, when a credential was sent to a token service on another host than
    /// the registry's that is not a known pair (`docker.io` → `auth.docker.io`).
    pub foreign_realm: Option<String>,
}

/// The answer to a manifest `HEAD`.
#[derive(Debug, Clone)]
pub struct ManifestHead {
    pub digest: Option<String>,
    pub media_type: Option<String>,
    pub size: Option<u64>,
    pub attempts: u32,
}

/// A manifest, as bytes with its type and the digest the registry claims.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub bytes: Vec<u8>,
    pub media_type: Option<String>,
    pub digest: Option<String>,
    pub attempts: u32,
}

/// The answer to a blob `HEAD`.
#[derive(Debug, Clone)]
pub struct BlobHead {
    pub size: Option<u64>,
    pub digest: Option<String>,
    pub attempts: u32,
}

/// A blob being downloaded.
#[derive(Debug)]
pub struct BlobStream {
    /// `Content-Length`, when sent.
    pub size: Option<u64>,
    /// `Docker-Content-Digest`, when sent.
    pub digest: Option<String>,
    pub attempts: u32,
    inner: http::Streaming,
}

impl BlobStream {
    /// The next piece of the blob; `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Error> {
        self.inner.chunk().await.map_err(Error::from)
    }
}

/// An open upload session (from `POST /v2/NAME/blobs/uploads/`).
#[derive(Debug, Clone)]
pub struct Upload {
    pub repository: String,
    /// Where the session lives; opaque, absolute. `None` when the registry sent no usable
    /// `Location` (the session then cannot be cancelled and expires).
    pub location: Option<Url>,
    pub uuid: Option<String>,
    pub status: u16,
    pub attempts: u32,
}

/// The answer to the `DELETE` of an upload session.
#[derive(Debug, Clone)]
pub struct Cancel {
    pub status: u16,
    /// True when the registry confirmed the cancel (2xx). Otherwise the empty session
    /// expires on the server (distribution needs the `delete` action; ghcr.io answers 405).
    pub cancelled: bool,
    pub attempts: u32,
}

/// The `access` claim of a JWT bearer token, as scopes: what the token server granted.
/// Only the payload is decoded (never the signature, never shown).
pub fn jwt_access(token: &Secret) -> Option<Vec<Scope>> {
    use base64::Engine as _;
    let payload = token.expose().split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let access = claims.get("access")?.as_array()?;
    Some(
        access
            .iter()
            .filter_map(|a| {
                Some(Scope {
                    resource_type: a.get("type")?.as_str()?.to_owned(),
                    name: a.get("name")?.as_str()?.to_owned(),
                    actions: a
                        .get("actions")?
                        .as_array()?
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect(),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_access_reads_the_claim_only() {
        use base64::Engine as _;
        let enc = |v: serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        let token = format!(
            "{}.{}.sig",
            enc(serde_json::json!({"alg": "ES256"})),
            enc(
                serde_json::json!({"access": [{"type": "repository", "name": "a/b", "actions": ["pull"]}]})
            )
        );
        let scopes = jwt_access(&Secret::new(token)).expect("claims");
        assert_eq!(scopes, vec![Scope::repository("a/b", &["pull"])]);
        assert_eq!(jwt_access(&Secret::new("opaque-token")), None);
    }
}
