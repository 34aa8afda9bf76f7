//! Where verification reads an image from: a small trait, and the one adapter that talks to
//! a registry over [`crate::http::Client`].
//!
//! THE SEAM: [`RegistrySource`] speaks the distribution API with no credential or with HTTP
//! Basic only, which is what a registry with htpasswd auth (and the test registry) needs. A
//! registry that wants a bearer token (ghcr.io) answers 401 here; the token-authenticated
//! registry session implements [`Source`] in its place, and nothing else in `image` changes.

use std::future::Future;

use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use url::Url;

use super::manifest::{self, Digest};
use crate::http::{self, BodyLimit, Request};

/// A manifest as the registry sent it.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    pub bytes: Vec<u8>,
    /// The `Content-Type` header.
    pub media_type: Option<String>,
    /// The `Docker-Content-Digest` header.
    pub docker_content_digest: Option<String>,
}

/// Why the registry did not give what was asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SourceError {
    /// No HTTP answer (DNS, refused, TLS, timeout, ...).
    #[error(transparent)]
    Network(#[from] http::Error),
    /// An HTTP answer other than success or 404.
    #[error("{url} answered {status}")]
    Status {
        status: u16,
        url: String,
        /// The registry's error code (`UNAUTHORIZED`, `DENIED`, ...), when the body has one.
        code: Option<String>,
    },
}

impl SourceError {
    /// The catalog cause id.
    pub fn cause(&self) -> &'static str {
        match self {
            SourceError::Network(e) => e.cause(),
            SourceError::Status { status: 401, .. } => "registry-unauthorized",
            SourceError::Status { status: 429, .. } => "rate-limited",
            SourceError::Status { .. } => "registry-denied",
        }
    }
}

/// Read access to an image's manifests and blobs.
pub trait Source: Sync {
    /// The manifest under `reference` (a tag or a digest); `None` when it does not exist.
    fn get_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> impl Future<Output = Result<Option<FetchedManifest>, SourceError>> + Send;

    /// The size the registry reports for a blob; `Ok(None)` when the blob is missing.
    /// The inner `None` means the registry sent no length.
    fn head_blob(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> impl Future<Output = Result<Option<Option<u64>>, SourceError>> + Send;

    /// Streams a blob's bytes into `sink` chunk by chunk; `Ok(false)` when it is missing.
    /// Stops once more than `size` bytes came (the descriptor's size), so a body that never
    /// ends cannot keep the download going.
    fn get_blob(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        sink: &mut (dyn FnMut(&[u8]) + Send),
    ) -> impl Future<Output = Result<bool, SourceError>> + Send;
}

/// A registry reached over HTTP(S), anonymously or with HTTP Basic.
#[derive(Debug, Clone)]
pub struct RegistrySource {
    client: http::Client,
    base: Result<Url, String>,
    auth: http::Auth,
}

impl RegistrySource {
    /// `domain` as in a reference (`ghcr.io`, `127.0.0.1:5000`); `plain_http` picks `http://`.
    /// A domain that makes no URL gives an error on every request, not here.
    pub fn new(client: http::Client, domain: &str, plain_http: bool, auth: http::Auth) -> Self {
        // docker.io is the name; the API lives on registry-1.docker.io.
        let host = if domain == crate::reference::DOCKER_HUB {
            "registry-1.docker.io"
        } else {
            domain
        };
        let scheme = if plain_http { "http" } else { "https" };
        let base = Url::parse(&format!("{scheme}://{host}/")).map_err(|e| format!("{host}: {e}"));
        RegistrySource { client, base, auth }
    }

    fn url(&self, repository: &str, kind: &str, reference: &str) -> Result<Url, SourceError> {
        let invalid = |detail: String| SourceError::Network(http::Error::Invalid { detail });
        self.base
            .as_ref()
            .map_err(|e| invalid(e.clone()))?
            .join(&format!("v2/{repository}/{kind}/{reference}"))
            .map_err(|e| invalid(e.to_string()))
    }

    fn status_error(response: &http::Response) -> SourceError {
        #[derive(serde::Deserialize)]
        struct Envelope {
            errors: Vec<Entry>,
        }
        #[derive(serde::Deserialize)]
        struct Entry {
            code: String,
        }
        let code = serde_json::from_slice::<Envelope>(&response.body)
            .ok()
            .and_then(|e| e.errors.into_iter().next())
            .map(|e| e.code);
        SourceError::Status {
            status: response.status.as_u16(),
            url: http::redact_url(&response.url),
            code,
        }
    }
}

impl Source for RegistrySource {
    async fn get_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<Option<FetchedManifest>, SourceError> {
        let url = self.url(repository, "manifests", reference)?;
        let request = Request::get(url)
            .header(ACCEPT, manifest::ACCEPT)
            .auth(self.auth.clone());
        let response = self.client.send(request, BodyLimit::MANIFEST).await?;
        match response.status.as_u16() {
            200 => Ok(Some(FetchedManifest {
                media_type: response.header(CONTENT_TYPE.as_str()).map(str::to_owned),
                docker_content_digest: response.header("docker-content-digest").map(str::to_owned),
                bytes: response.body,
            })),
            404 => Ok(None),
            _ => Err(Self::status_error(&response)),
        }
    }

    async fn head_blob(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<Option<Option<u64>>, SourceError> {
        let url = self.url(repository, "blobs", digest.as_str())?;
        let request = Request::new(Method::HEAD, url).auth(self.auth.clone());
        let response = self.client.send(request, BodyLimit::NONE).await?;
        match response.status.as_u16() {
            200 => Ok(Some(
                response
                    .header(CONTENT_LENGTH.as_str())
                    .and_then(|v| v.trim().parse().ok()),
            )),
            404 => Ok(None),
            _ => Err(Self::status_error(&response)),
        }
    }

    async fn get_blob(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        sink: &mut (dyn FnMut(&[u8]) + Send),
    ) -> Result<bool, SourceError> {
        let url = self.url(repository, "blobs", digest.as_str())?;
        let request = Request::get(url).auth(self.auth.clone());
        let mut response = self.client.send_streaming(request).await?;
        match response.status.as_u16() {
            200 => {}
            404 => return Ok(false),
            status => {
                return Err(SourceError::Status {
                    status,
                    url: http::redact_url(&response.url),
                    code: None,
                });
            }
        }
        // Chunks are handed on as they arrive: memory stays at one chunk, whatever the size.
        let mut seen = 0u64;
        while let Some(chunk) = response.chunk().await? {
            sink(&chunk);
            seen += chunk.len() as u64;
            if seen > size {
                break;
            }
        }
        Ok(true)
    }
}
