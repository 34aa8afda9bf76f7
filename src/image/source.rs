//! Where verification reads an image from: a small trait, and [`SessionSource`], which reads
//! through a [`registry::Session`] (anonymous ping, one token exchange for every repository
//! of the registry, re-authentication on a new scope, streaming downloads).

use crate::catalog::CauseId;
use std::future::Future;

use tokio::sync::Semaphore;

use super::manifest::Digest;
use crate::credentials::Credential;
use crate::denial::{self, Denial, Operation};
use crate::http;
use crate::registry::host::Endpoint;
use crate::registry::scope::Scope;
use crate::registry::{self, Session};
use crate::token::TokenKind;

/// A manifest as the registry sent it.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    pub bytes: Vec<u8>,
    /// The `Content-Type` header.
    pub media_type: Option<String>,
    /// The `Docker-Content-Digest` header.
    pub docker_content_digest: Option<String>,
}

/// Why the registry did not give what was asked, with the cause the source names for it
/// (the source knows the registry and the credential, which the cause depends on).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{error}")]
pub struct SourceError {
    pub error: registry::Error,
    /// The catalog cause id.
    pub cause: CauseId,
}

impl SourceError {
    /// The HTTP status, when the registry answered.
    pub fn status(&self) -> Option<u16> {
        self.error.refusal().map(|r| r.status)
    }

    /// The registry's error code (`UNAUTHORIZED`, `DENIED`, ...), when the body has one.
    pub fn code(&self) -> Option<String> {
        self.error
            .refusal()
            .and_then(|r| r.envelope.as_ref())
            .and_then(|e| e.errors.first())
            .map(|e| e.code.as_str().to_owned())
            .filter(|c| !c.is_empty())
    }

    /// The registry's own words (`denied: ...`, `HTTP 401 Unauthorized`), when it answered.
    pub fn answer(&self) -> Option<String> {
        self.error.refusal().map(registry::Refusal::message)
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

    /// The requests this source lets be in flight at once, when it bounds them itself.
    fn concurrency(&self) -> Option<usize> {
        None
    }
}

/// Requests in flight at once per registry when the registry speaks HTTP/2: they share one
/// connection, and the server's own stream limit queues the rest.
pub const HTTP2_CONCURRENCY: usize = 256;
/// Requests in flight at once per registry over HTTP/1.1, where each holds a connection: a
/// bounded pool, large enough for a 2-platform × 50-layer image's blobs in one wave.
pub const HTTP1_CONCURRENCY: usize = 128;

/// The default bound for a registry, from what its connection allows.
pub fn default_concurrency(multiplexed: bool) -> usize {
    if multiplexed {
        HTTP2_CONCURRENCY
    } else {
        HTTP1_CONCURRENCY
    }
}

/// What a cause depends on besides the answer: the registry and the credential.
#[derive(Debug, Clone)]
struct Judge {
    github: bool,
    token_kind: Option<TokenKind>,
    credential_source: Option<String>,
}

impl Judge {
    fn error(&self, error: registry::Error, operation: Operation) -> SourceError {
        let cause = match &error {
            registry::Error::Http(e) => e.cause(),
            registry::Error::Refused(r) => {
                let denial = Denial {
                    token_kind: self.token_kind,
                    credential_source: self.credential_source.clone(),
                    github: self.github,
                    ..Denial::of(operation, r)
                };
                denial::decide(&denial, None).cause
            }
            registry::Error::BadAnswer { cause, .. } => *cause,
            registry::Error::Truncated { .. } => CauseId::RegistryUnavailable,
        };
        SourceError { error, cause }
    }
}

/// One registry, read through a [`Session`]: pinged anonymously and logged in once for the
/// pull scope of every repository that will be read, with at most `concurrency` requests in
/// flight at once (a bound shared by every image of the registry; by default chosen from the
/// connection, see [`default_concurrency`]).
#[derive(Debug)]
pub struct SessionSource {
    /// The session, or why there is none (ping failed, or the domain makes no URL).
    session: Result<Session, SourceError>,
    /// The login refused every scope: every read answers this.
    login_error: Option<SourceError>,
    /// Repositories whose scope the realm refused while granting others.
    refused: Vec<(String, SourceError)>,
    judge: Judge,
    permits: Semaphore,
    /// The bound `permits` enforces.
    concurrency: usize,
    /// Round trips opening took one after the other: the ping, then the token request(s).
    steps: u32,
}

impl SessionSource {
    /// Pings `endpoint` and logs in with `credential` (`None`: anonymously, with an anonymous
    /// token where the registry hands them out) for `pull` on every one of `repositories`,
    /// in one token request. Failures are kept and answered by every read, so that each
    /// image reports them as its own finding.
    pub async fn open(
        http: http::Client,
        endpoint: Endpoint,
        credential: Option<&Credential>,
        repositories: &[&str],
        concurrency: Option<usize>,
    ) -> SessionSource {
        let judge = Judge {
            github: endpoint.is_github(),
            token_kind: credential.map(|c| TokenKind::of(c.secret.expose())),
            credential_source: credential.map(|c| c.source.clone()),
        };
        let mut session = match Session::ping(http, endpoint).await {
            Ok((session, _)) => session,
            Err(e) => {
                return SessionSource {
                    session: Err(judge.error(e, Operation::Login)),
                    login_error: None,
                    refused: Vec::new(),
                    judge,
                    permits: Semaphore::new(1),
                    concurrency: 1,
                    steps: 1,
                };
            }
        };
        let concurrency = concurrency
            .unwrap_or_else(|| default_concurrency(session.multiplexed()))
            .max(1);
        let permits = Semaphore::new(concurrency);
        let mut scopes: Vec<Scope> = Vec::new();
        for repository in repositories {
            let scope = Scope::repository(repository, &["pull"]);
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        let mut login_error = None;
        let mut refused = Vec::new();
        let mut steps = 1;
        if !scopes.is_empty() {
            match session.login(credential, &scopes).await {
                Ok(login) => {
                    steps += login.rounds;
                    refused = login
                        .refused
                        .into_iter()
                        .map(|(scope, refusal)| {
                            let e = registry::Error::Refused(Box::new(refusal));
                            (scope.name, judge.error(e, Operation::Login))
                        })
                        .collect();
                }
                Err(e) => {
                    steps += 1;
                    login_error = Some(judge.error(e, Operation::Login));
                }
            }
        }
        SessionSource {
            session: Ok(session),
            login_error,
            refused,
            judge,
            permits,
            concurrency,
            steps,
        }
    }

    /// A source that answers `error` to every read (a registry that cannot be reached).
    pub fn failed(error: SourceError) -> SessionSource {
        SessionSource {
            session: Err(error),
            login_error: None,
            refused: Vec::new(),
            judge: Judge {
                github: false,
                token_kind: None,
                credential_source: None,
            },
            permits: Semaphore::new(1),
            concurrency: 1,
            steps: 0,
        }
    }

    /// Round trips opening the source took one after the other (ping, token requests).
    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// The session for reading `repository`, or the error that stops it.
    fn session_for(&self, repository: &str) -> Result<&Session, SourceError> {
        let session = self.session.as_ref().map_err(Clone::clone)?;
        if let Some(e) = &self.login_error {
            return Err(e.clone());
        }
        if let Some((_, e)) = self.refused.iter().find(|(r, _)| r == repository) {
            return Err(e.clone());
        }
        Ok(session)
    }

    fn pull_error(&self, error: registry::Error) -> SourceError {
        self.judge.error(error, Operation::Pull)
    }
}

/// True when the registry says the thing does not exist.
fn not_found(error: &registry::Error) -> bool {
    error.refusal().is_some_and(|r| r.status == 404)
}

impl Source for SessionSource {
    fn concurrency(&self) -> Option<usize> {
        Some(self.concurrency)
    }

    async fn get_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<Option<FetchedManifest>, SourceError> {
        let session = self.session_for(repository)?;
        let _permit = self.permits.acquire().await;
        match session.get_manifest(repository, reference).await {
            Ok(m) => Ok(Some(FetchedManifest {
                bytes: m.bytes,
                media_type: m.media_type,
                docker_content_digest: m.digest,
            })),
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(self.pull_error(e)),
        }
    }

    async fn head_blob(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<Option<Option<u64>>, SourceError> {
        let session = self.session_for(repository)?;
        let _permit = self.permits.acquire().await;
        match session.head_blob(repository, digest.as_str()).await {
            Ok(head) => Ok(Some(head.size)),
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(self.pull_error(e)),
        }
    }

    async fn get_blob(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        sink: &mut (dyn FnMut(&[u8]) + Send),
    ) -> Result<bool, SourceError> {
        let session = self.session_for(repository)?;
        // The permit is held for the whole download: the bound is on transfers, not only on
        // requests.
        let _permit = self.permits.acquire().await;
        let mut stream = match session.get_blob_stream(repository, digest.as_str()).await {
            Ok(s) => s,
            Err(e) if not_found(&e) => return Ok(false),
            Err(e) => return Err(self.pull_error(e)),
        };
        // Chunks are handed on as they arrive: memory stays at one chunk, whatever the size.
        let mut seen = 0u64;
        while let Some(chunk) = stream.chunk().await.map_err(|e| self.pull_error(e))? {
            sink(&chunk);
            seen += chunk.len() as u64;
            if seen > size {
                break;
            }
        }
        Ok(true)
    }
}
