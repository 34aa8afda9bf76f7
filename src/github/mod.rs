//! GitHub's REST API as `check` consults it: what GitHub says about the token, the
//! repository and the package, asked beside the registry probes.
//!
//! [`Api`] is the client: every request goes to the configured API base through
//! [`crate::http::Client`] (HTTPS or loopback only, capped JSON bodies), with the token as
//! `Authorization: Bearer` and GitHub's versioned media type. Each answer is a [`Reply`]: the
//! status, what the headers say about the token ([`ApiHeaders`]) and either the typed body or
//! a classified [`Failure`]. [`assess`] runs every request at once and turns the replies into
//! findings and the typed [`GithubFacts`] that `denial::decide` reads.

pub mod assess;
pub mod facts;
pub mod headers;
pub(crate) mod judge;
pub mod repo_locator;
pub mod scopes;

use reqwest::header::{ACCEPT, HeaderName};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::credentials::Env;
use crate::http::{self, BodyLimit, Request};
use crate::secret::Secret;

pub use assess::{
    CHECK_IDS, GithubAssessment, GithubFacts, Inputs, PackageFacts, PackageState, RepoFacts, assess,
};
pub use headers::{ApiHeaders, Expiry, RateLimit, Sso};
pub use repo_locator::{LocatedRepo, RepoName, RepoSource};
pub use scopes::Scopes;

/// The API base when neither `--github-api-url` nor `GITHUB_API_URL` is set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// The REST API version every request asks for.
pub const API_VERSION: &str = "2022-11-28";
/// GitHub's JSON media type.
pub const MEDIA_TYPE: &str = "application/vnd.github+json";

/// The API base: `--github-api-url`, else `GITHUB_API_URL` (set in Actions and on GitHub
/// Enterprise Server), else [`DEFAULT_API_URL`].
pub fn api_url(flag: Option<&str>, env: &Env) -> String {
    flag.map(str::trim)
        .filter(|v| !v.is_empty())
        .or_else(|| env.get("GITHUB_API_URL").map(str::trim))
        .filter(|v| !v.is_empty())
        .unwrap_or(DEFAULT_API_URL)
        .trim_end_matches('/')
        .to_owned()
}

/// The web host that goes with an API base: `api.github.com` → `github.com`, a GitHub
/// Enterprise Server's `ghe.example.com/api/v3` → `ghe.example.com`.
pub fn web_host(api_url: &str) -> Option<String> {
    let url = Url::parse(api_url).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("api.").map(str::to_owned).unwrap_or(host);
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Whether `check` consults GitHub: the registry is ghcr.io, or `--github` was given.
/// (The token kind is judged by [`assess`], which skips with a reason for other tokens.)
pub fn applies(registry_host: &str, forced: bool) -> bool {
    forced || crate::host::Host::parse(registry_host).is_ghcr()
}

/// One image the run is about: its registry and repository path (`acme/app/web`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRepo {
    pub registry: String,
    pub repository: String,
}

impl ImageRepo {
    pub fn new(registry: impl Into<String>, repository: impl Into<String>) -> Self {
        ImageRepo {
            registry: registry.into(),
            repository: repository.into(),
        }
    }

    /// The container package the image lives in: the first path component is the owner,
    /// the rest the package name (`acme/app/web` → `acme`, `app/web`).
    pub fn package(&self) -> Option<(&str, &str)> {
        self.repository
            .split_once('/')
            .filter(|(owner, name)| !owner.is_empty() && !name.is_empty())
    }
}

impl std::fmt::Display for ImageRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)
    }
}

/// Why the API base cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("`{url}` is not a URL: {detail}")]
    InvalidUrl { url: String, detail: String },
    #[error("`{url}` uses plain HTTP to a host that is not loopback")]
    Insecure { url: String },
}

/// A classified unsuccessful answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// 401: the token is expired, revoked or mistyped.
    BadCredentials { message: String },
    /// 403 "Resource not accessible by integration" (installation tokens) or "... by
    /// personal access token" (fine-grained tokens): the token is valid, the endpoint is not
    /// among its permissions.
    NotAccessible { integration: bool, message: String },
    /// 403 with `X-GitHub-SSO: required`: the token is not authorised for the organisation.
    SsoRequired { url: Option<String> },
    /// The primary limit is used up (`X-RateLimit-Remaining: 0`) or a secondary limit hit.
    RateLimited {
        reset: Option<u64>,
        retry_after: Option<u64>,
        secondary: bool,
    },
    /// 404: missing, or invisible to this token.
    NotFound,
    /// Another 403.
    Forbidden { message: String },
    /// Anything else: a 5xx, an unexpected status, a body that is not the documented JSON.
    Unexpected { status: u16, message: String },
}

/// One answer: status, token headers, and the typed body or the failure.
#[derive(Debug, Clone)]
pub struct Reply<T> {
    pub status: u16,
    pub headers: ApiHeaders,
    pub result: Result<T, Failure>,
}

/// `GET /user`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct User {
    pub login: String,
    #[serde(rename = "type", default)]
    pub account_type: Option<String>,
}

/// An account as repositories and packages name it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Account {
    pub login: String,
    #[serde(rename = "type", default)]
    pub account_type: Option<String>,
}

/// `GET /repos/{owner}/{repo}`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Repo {
    pub full_name: String,
    #[serde(default)]
    pub private: Option<bool>,
    #[serde(default)]
    pub visibility: Option<String>,
    /// Present for user tokens; absent for installation tokens.
    #[serde(default)]
    pub permissions: Option<RepoPermissions>,
    #[serde(default)]
    pub owner: Option<Account>,
}

/// The token user's role on a repository.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub struct RepoPermissions {
    #[serde(default)]
    pub admin: bool,
    #[serde(default)]
    pub push: bool,
    #[serde(default)]
    pub pull: bool,
}

/// `GET /{orgs|users}/{owner}/packages/container/{name}`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    #[serde(default)]
    pub visibility: Option<String>,
    /// The linked repository; absent for an unlinked package.
    #[serde(default)]
    pub repository: Option<LinkedRepository>,
    #[serde(default)]
    pub owner: Option<Account>,
    #[serde(default)]
    pub html_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct LinkedRepository {
    pub full_name: String,
}

/// `GET /repos/{owner}/{repo}/actions/permissions/workflow`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct WorkflowPermissions {
    /// `read` or `write`.
    pub default_workflow_permissions: String,
    #[serde(default)]
    pub can_approve_pull_request_reviews: Option<bool>,
}

/// Whose namespace a package lives in; the two have different endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwnerKind {
    Organization,
    User,
}

impl OwnerKind {
    fn segment(self) -> &'static str {
        match self {
            OwnerKind::Organization => "orgs",
            OwnerKind::User => "users",
        }
    }

    /// The stable name used in evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::Organization => "organization",
            OwnerKind::User => "user",
        }
    }
}

/// GitHub's error body.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub(crate) message: String,
}

/// The URL of `segments` under an API base; each segment is percent-encoded whole, so no
/// input can change the host or climb out of the base.
pub(crate) fn url_under(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        path.extend(segments);
    }
    url
}

/// The REST client. The token goes only to the API base's origin.
#[derive(Debug, Clone)]
pub struct Api {
    http: http::Client,
    base: Url,
    token: Secret,
}

impl Api {
    /// A client for `base` (`https://api.github.com`, `https://ghe.example.com/api/v3`, or a
    /// loopback fake). Refuses plain HTTP to other hosts: the token would travel in clear.
    pub fn new(client: &http::Client, base: &str, token: Secret) -> Result<Api, ApiError> {
        let url = Url::parse(base.trim()).map_err(|e| ApiError::InvalidUrl {
            url: base.to_owned(),
            detail: e.to_string(),
        })?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            return Err(ApiError::InvalidUrl {
                url: base.to_owned(),
                detail: "not an http(s) URL with a host".into(),
            });
        }
        if !client.may_send_credentials(&url) {
            return Err(ApiError::Insecure {
                url: http::redact_url(&url),
            });
        }
        Ok(Api {
            // GitHub asks clients not to retry rate limits early; one answer is enough here.
            http: client.with_retries(0),
            base: url,
            token,
        })
    }

    /// The API base.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The URL of `segments` under the base; each segment is percent-encoded whole, so a
    /// package name `app/web` becomes `app%2Fweb` and no input can change the host.
    pub fn url(&self, segments: &[&str]) -> Url {
        url_under(&self.base, segments)
    }

    /// `GET /user`: the login and, in the headers, scopes and expiry.
    pub async fn user(&self) -> Result<Reply<User>, http::Error> {
        self.get(&["user"]).await
    }

    /// `GET /repos/{owner}/{repo}`.
    pub async fn repo(&self, repo: &RepoName) -> Result<Reply<Repo>, http::Error> {
        self.get(&["repos", repo.owner(), repo.name()]).await
    }

    /// `GET /{orgs|users}/{owner}/packages/container/{name}`.
    pub async fn package(
        &self,
        kind: OwnerKind,
        owner: &str,
        name: &str,
    ) -> Result<Reply<Package>, http::Error> {
        self.get(&[kind.segment(), owner, "packages", "container", name])
            .await
    }

    /// `GET /repos/{owner}/{repo}/actions/permissions/workflow`.
    pub async fn workflow_permissions(
        &self,
        repo: &RepoName,
    ) -> Result<Reply<WorkflowPermissions>, http::Error> {
        self.get(&[
            "repos",
            repo.owner(),
            repo.name(),
            "actions",
            "permissions",
            "workflow",
        ])
        .await
    }

    async fn get<T: DeserializeOwned>(&self, segments: &[&str]) -> Result<Reply<T>, http::Error> {
        let url = self.url(segments);
        let request = Request::get(url)
            .header(ACCEPT, MEDIA_TYPE)
            .header(HeaderName::from_static("x-github-api-version"), API_VERSION)
            .auth(http::Auth::Bearer(self.token.clone()));
        let response = self.http.send(request, BodyLimit::JSON).await?;
        Ok(classify(&response))
    }
}

/// Turns a response into a [`Reply`].
fn classify<T: DeserializeOwned>(response: &http::Response) -> Reply<T> {
    let status = response.status.as_u16();
    let headers = ApiHeaders::from_response(response);
    let result = if response.status.is_success() {
        serde_json::from_slice::<T>(&response.body).map_err(|e| Failure::Unexpected {
            status,
            message: format!("not the documented JSON: {e}"),
        })
    } else {
        Err(failure(status, &headers, &response.body))
    };
    Reply {
        status,
        headers,
        result,
    }
}

fn failure(status: u16, headers: &ApiHeaders, body: &[u8]) -> Failure {
    let message: String = serde_json::from_slice::<ErrorBody>(body)
        .unwrap_or_default()
        .message
        .chars()
        .take(300)
        .collect();
    let lower = message.to_ascii_lowercase();
    let rate_limited = matches!(status, 403 | 429)
        && (headers.rate_limit.exhausted()
            || headers.retry_after.is_some()
            || lower.contains("rate limit"));
    if rate_limited {
        return Failure::RateLimited {
            reset: headers.rate_limit.reset,
            retry_after: headers.retry_after,
            secondary: !headers.rate_limit.exhausted() || lower.contains("secondary"),
        };
    }
    match status {
        401 => Failure::BadCredentials { message },
        403 => {
            if let Some(Sso::Required { url }) = &headers.sso {
                Failure::SsoRequired { url: url.clone() }
            } else if lower.contains("saml enforcement") {
                Failure::SsoRequired { url: None }
            } else if lower.starts_with("resource not accessible by") {
                Failure::NotAccessible {
                    integration: lower.contains("integration"),
                    message,
                }
            } else {
                Failure::Forbidden { message }
            }
        }
        404 => Failure::NotFound,
        _ => Failure::Unexpected { status, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn api_url_order() {
        assert_eq!(api_url(None, &env(&[])), DEFAULT_API_URL);
        assert_eq!(
            api_url(
                None,
                &env(&[("GITHUB_API_URL", "https://ghe.example/api/v3/")])
            ),
            "https://ghe.example/api/v3"
        );
        assert_eq!(
            api_url(
                Some("http://127.0.0.1:9"),
                &env(&[("GITHUB_API_URL", "https://x")])
            ),
            "http://127.0.0.1:9"
        );
        assert_eq!(
            api_url(Some(" "), &env(&[("GITHUB_API_URL", "")])),
            DEFAULT_API_URL
        );
    }

    #[test]
    fn web_hosts() {
        assert_eq!(
            web_host("https://api.github.com").as_deref(),
            Some("github.com")
        );
        assert_eq!(
            web_host("https://ghe.example.com/api/v3").as_deref(),
            Some("ghe.example.com")
        );
        assert_eq!(
            web_host("http://127.0.0.1:8080").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(web_host("not a url"), None);
    }

    #[test]
    fn applies_to_ghcr_or_when_forced() {
        assert!(applies("ghcr.io", false));
        assert!(applies("GHCR.IO", false));
        assert!(!applies("docker.io", false));
        assert!(applies("containers.ghe.example", true));
    }

    fn api(base: &str) -> Result<Api, ApiError> {
        let client = http::Client::new(http::Options::default()).expect("client");
        Api::new(&client, base, Secret::new("ghp_x"))
    }

    #[test]
    fn urls_stay_under_the_base_and_encode_segments() {
        let a = api("https://ghe.example.com/api/v3/").expect("api");
        assert_eq!(
            a.url(&["orgs", "acme", "packages", "container", "app/web"])
                .as_str(),
            "https://ghe.example.com/api/v3/orgs/acme/packages/container/app%2Fweb"
        );
        let hostile = a.url(&["repos", "..", "//evil.example", "x?y#z"]);
        assert_eq!(hostile.host_str(), Some("ghe.example.com"));
        assert!(hostile.path().starts_with("/api/v3/repos/"), "{hostile}");
        assert_eq!(hostile.query(), None);
    }

    #[test]
    fn plain_http_base_is_refused_unless_loopback() {
        assert!(matches!(
            api("http://api.example.com"),
            Err(ApiError::Insecure { .. })
        ));
        assert!(api("http://127.0.0.1:1234").is_ok());
        assert!(matches!(api("ftp://x"), Err(ApiError::InvalidUrl { .. })));
        assert!(matches!(api("::"), Err(ApiError::InvalidUrl { .. })));
    }

    fn headers(pairs: &[(&str, &str)]) -> ApiHeaders {
        let mut h = ApiHeaders::default();
        for (k, v) in pairs {
            match *k {
                "remaining" => h.rate_limit.remaining = v.parse().ok(),
                "retry-after" => h.retry_after = v.parse().ok(),
                "sso" => h.sso = Sso::parse(v),
                _ => {}
            }
        }
        h
    }

    #[test]
    fn failures_are_classified() {
        let body = |m: &str| serde_json::json!({ "message": m }).to_string().into_bytes();
        assert!(matches!(
            failure(401, &headers(&[]), &body("Bad credentials")),
            Failure::BadCredentials { .. }
        ));
        assert_eq!(
            failure(
                403,
                &headers(&[]),
                &body("Resource not accessible by integration")
            ),
            Failure::NotAccessible {
                integration: true,
                message: "Resource not accessible by integration".into()
            }
        );
        assert!(matches!(
            failure(
                403,
                &headers(&[]),
                &body("Resource not accessible by personal access token")
            ),
            Failure::NotAccessible {
                integration: false,
                ..
            }
        ));
        assert_eq!(
            failure(
                403,
                &headers(&[("sso", "required; url=https://github.com/orgs/a/sso")]),
                &body("Resource protected by organization SAML enforcement.")
            ),
            Failure::SsoRequired {
                url: Some("https://github.com/orgs/a/sso".into())
            }
        );
        assert!(matches!(
            failure(
                403,
                &headers(&[("remaining", "0")]),
                &body("API rate limit exceeded")
            ),
            Failure::RateLimited {
                secondary: false,
                ..
            }
        ));
        assert!(matches!(
            failure(
                429,
                &headers(&[("retry-after", "60")]),
                &body("You have exceeded a secondary rate limit.")
            ),
            Failure::RateLimited {
                secondary: true,
                retry_after: Some(60),
                ..
            }
        ));
        assert_eq!(failure(404, &headers(&[]), b"not json"), Failure::NotFound);
        assert!(matches!(
            failure(403, &headers(&[]), &body("Must have admin rights")),
            Failure::Forbidden { .. }
        ));
        assert!(matches!(
            failure(502, &headers(&[]), b"<html>"),
            Failure::Unexpected { status: 502, .. }
        ));
    }
}
