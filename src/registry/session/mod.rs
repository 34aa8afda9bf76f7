//! The session: one registry, pinged anonymously, with its credential and bearer tokens,
//! and the operations that use them.
//!
//! Authentication (the login, tokens per scope, the re-authentication after a 401) is in
//! [`auth`]; the manifest, blob and upload operations are in [`ops`].

mod auth;
mod ops;

use crate::catalog::CauseId;
use auth::{Basic, Grant};

use reqwest::Method;
use tokio::sync::Mutex;
use url::Url;

use super::challenge::{self, Challenge};
use super::host::Endpoint;
use super::{AuthScheme, Error, Ping};
use crate::http::{self, BodyLimit, Request};

/// The user name sent with a token that came without one. ghcr.io ignores it for tokens;
/// `x-access-token` is what GitHub uses for installation tokens.
pub const DEFAULT_USERNAME: &str = "x-access-token";

/// The most scopes in one token request (a request line of about 4 KiB).
pub const MAX_SCOPES_PER_REQUEST: usize = 50;

/// One registry, pinged, with its credential and tokens.
#[derive(Debug)]
pub struct Session {
    http: http::Client,
    endpoint: Endpoint,
    scheme: AuthScheme,
    basic: Option<Basic>,
    grants: Mutex<Vec<Grant>>,
    /// The ping came back over HTTP/2.
    multiplexed: bool,
}

impl Session {
    /// `GET /v2/` without credentials, and a session for what it says.
    pub async fn ping(http: http::Client, endpoint: Endpoint) -> Result<(Session, Ping), Error> {
        let url = api_url(&endpoint, "v2/")?;
        let response = http.send(Request::get(url), BodyLimit::ERROR).await?;
        let challenges = challenge::parse_all(response.header_all("www-authenticate"));
        let scheme = match response.status.as_u16() {
            200..=299 => AuthScheme::None,
            401 => {
                if let Some(b) = challenge::first_bearer(&challenges) {
                    AuthScheme::Bearer(b.clone())
                } else if challenges
                    .iter()
                    .any(|c| matches!(c, Challenge::Basic { .. }))
                {
                    AuthScheme::Basic
                } else {
                    return Err(Error::refused(&Method::GET, &response));
                }
            }
            _ => {
                return Err(Error::refused(&Method::GET, &response));
            }
        };
        let ping = Ping {
            status: response.status.as_u16(),
            scheme: scheme.clone(),
            challenges,
            api_version: response
                .header("docker-distribution-api-version")
                .map(str::to_owned),
            attempts: response.attempts,
            retried: response.retried.clone(),
        };
        Ok((
            Session {
                http,
                endpoint,
                scheme,
                basic: None,
                grants: Mutex::new(Vec::new()),
                multiplexed: response.http2,
            },
            ping,
        ))
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn scheme(&self) -> &AuthScheme {
        &self.scheme
    }

    /// True when the registry answered the ping over HTTP/2: requests in flight share one
    /// connection, so many of them cost no more connections.
    pub fn multiplexed(&self) -> bool {
        self.multiplexed
    }

    fn repo_url(&self, repository: &str, tail: &str) -> Result<Url, Error> {
        api_url(&self.endpoint, &format!("v2/{repository}/{tail}"))
    }
}

fn api_url(endpoint: &Endpoint, path: &str) -> Result<Url, Error> {
    endpoint.url(path).ok_or_else(|| Error::BadAnswer {
        url: endpoint.base.to_string(),
        status: 0,
        detail: format!("cannot build a URL for `{path}`"),
        cause: CauseId::ReferenceInvalid,
    })
}
