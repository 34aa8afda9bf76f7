//! An in-process fake of GitHub's REST API on a loopback port, answering each token the way
//! GitHub documents it (status, body and the token headers). Every token has the format and
//! checksum of its kind, so `check`'s offline `token-format` step passes it. It runs on the
//! hand-written server of `http_server` (which records every request) with a route table:
//! a request matches a route by method, path and exact `Authorization: Bearer` value; the
//! lowest priority number wins, and among equals the route added first.
//!
//! Routes, per token (the `Authorization: Bearer` value decides):
//!
//! | token | `GET /user` | repos, packages, workflow permissions |
//! |---|---|---|
//! | [`CLASSIC_WRITE`] | 200, `X-OAuth-Scopes: repo, write:packages` | the data below |
//! | [`CLASSIC_READ`] | 200, `repo, read:packages` | the data below |
//! | [`CLASSIC_REPO_ONLY`] | 200, `repo, workflow` | repos; packages 403 (needs `read:packages`) |
//! | [`OAUTH_NO_PACKAGES`] | 200, `gist, read:org, repo` | repos; packages 403 |
//! | [`EXPIRING`] | 200, `write:packages`, expiry in 3 days | the data below |
//! | [`EXPIRED`] | 401 `Bad credentials`, expiry in the past | 401 |
//! | [`FINE_GRAINED`] | 200, no `X-OAuth-Scopes` | repos; packages and workflow 403 "by personal access token" |
//! | [`INSTALLATION`] | 403 `Resource not accessible by integration` | repo 200 without `permissions`; packages 404; workflow 403 |
//! | [`SSO`] | 200, `write:packages` | `acme` repos and org packages 403 + `X-GitHub-SSO: required; url=...` |
//! | [`RATE_LIMITED`] | 403 `API rate limit exceeded`, `X-RateLimit-Remaining: 0` | same |
//! | [`SECONDARY`] | 429 secondary rate limit, `Retry-After: 60` | same |
//! | [`BAD`] and any other token | 401 `Bad credentials` | 401 |
//!
//! Data: repository `acme/app` (push: true; default workflow permissions `read`),
//! `acme/readonly` (push: false), `acme/old-name` (301 to `/repositories/42`, which is
//! `acme/new-name`). Container packages: `orgs/acme/app` → `acme/app`,
//! `orgs/acme/tools/web` → `acme/other`, `orgs/acme/orphan` → unlinked,
//! `users/alice/blog` → `alice/blog`. Everything else is 404.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use regex::Regex;
use serde_json::{Value, json};

use super::http_server::{Req, Resp, Server};

pub const CLASSIC_WRITE: &str = "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";
pub const CLASSIC_READ: &str = "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";
pub const CLASSIC_REPO_ONLY: &str = "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";
pub const OAUTH_NO_PACKAGES: &str = "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";
pub const EXPIRING: &str = "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";
pub const EXPIRED: &str = "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";
pub const FINE_GRAINED: &str =
    "github_pat_11FAKEFAKE0fakefakefak_fakefakefakefakefakefakefakefakefakefakefakefakefakefakefak";
pub const INSTALLATION: &str = "ghs_fakeInstallationToken0000000002mQUHL";
pub const SSO: &str = "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";
pub const RATE_LIMITED: &str = "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";
pub const SECONDARY: &str = "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";
pub const BAD: &str = "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";

/// Every token the fake knows.
pub const ALL_TOKENS: [&str; 12] = [
    CLASSIC_WRITE,
    CLASSIC_READ,
    CLASSIC_REPO_ONLY,
    OAUTH_NO_PACKAGES,
    EXPIRING,
    EXPIRED,
    FINE_GRAINED,
    INSTALLATION,
    SSO,
    RATE_LIMITED,
    SECONDARY,
    BAD,
];

/// The SSO authorisation URL the fake hands out.
pub const SSO_URL: &str = "https://github.com/orgs/acme/sso?authorization_request=AbC123";

/// The login every user token belongs to.
pub const LOGIN: &str = "octocat";

const PACKAGES: [(&str, &str, &str, Option<&str>, &str); 4] = [
    ("orgs", "acme", "app", Some("acme/app"), "public"),
    ("orgs", "acme", "tools/web", Some("acme/other"), "private"),
    ("orgs", "acme", "orphan", None, "private"),
    ("users", "alice", "blog", Some("alice/blog"), "public"),
];

/// A running fake. It serves from a runtime of its own, so it answers both async tests and
/// synchronous tests that run the binary, and it may be dropped in either.
pub struct GithubFake {
    server: Server,
    routes: Arc<Mutex<Vec<Route>>>,
    /// The Unix time the fake took as "now" (expiry headers are relative to it).
    pub now: i64,
}

/// Which paths a route answers.
enum PathMatch {
    Any,
    Exact(String),
    Pattern(Regex),
}

impl PathMatch {
    fn matches(&self, path: &str) -> bool {
        match self {
            PathMatch::Any => true,
            PathMatch::Exact(p) => p == path,
            PathMatch::Pattern(re) => re.is_match(path),
        }
    }
}

type Answer = Arc<dyn Fn(&Req) -> Resp + Send + Sync>;

/// One entry of the route table: a request matches when its method, path and exact
/// `Authorization: Bearer` value all match (`None` matches any).
struct Route {
    /// The lowest number wins; among equals, the route added first.
    priority: u8,
    method: Option<&'static str>,
    path: PathMatch,
    token: Option<String>,
    answer: Answer,
}

impl Route {
    fn new(priority: u8, resp: Resp) -> Route {
        Route {
            priority,
            method: None,
            path: PathMatch::Any,
            token: None,
            answer: Arc::new(move |_: &Req| resp.clone()),
        }
    }

    fn get(mut self) -> Route {
        self.method = Some("GET");
        self
    }

    fn path(mut self, path: PathMatch) -> Route {
        self.path = path;
        self
    }

    fn token(mut self, token: &str) -> Route {
        self.token = Some(bearer(token));
        self
    }

    fn matches(&self, req: &Req) -> bool {
        self.method.is_none_or(|m| m == req.method)
            && self.path.matches(req.path())
            && self
                .token
                .as_deref()
                .is_none_or(|t| req.header("authorization") == Some(t))
    }
}

/// The answer of the best route for `req`; a request no route matches gets an empty 404.
fn dispatch(routes: &Mutex<Vec<Route>>, req: &Req) -> Resp {
    let answer = {
        let routes = routes.lock().expect("routes");
        routes
            .iter()
            .filter(|r| r.matches(req))
            .min_by_key(|r| r.priority)
            .map(|r| r.answer.clone())
    };
    match answer {
        Some(answer) => answer(req),
        None => Resp::new(404),
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .expect("clock after 1970")
}

/// `2021-10-07 19:07:53 UTC`, GitHub's form of the expiry header.
pub fn expiry_header(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil date from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A JSON answer with the headers GitHub puts on every answer.
fn answer(status: u16, body: Value) -> Resp {
    Resp::new(status)
        .body("application/json; charset=utf-8", body.to_string())
        .set_header("x-github-media-type", "github.v3; format=json")
        .set_header("x-ratelimit-limit", "5000")
        .set_header("x-ratelimit-remaining", "4990")
        .set_header("x-ratelimit-used", "10")
        .set_header("x-ratelimit-resource", "core")
}

fn error(status: u16, message: &str) -> Resp {
    answer(
        status,
        json!({
            "message": message,
            "documentation_url": "https://docs.github.com/rest",
            "status": status.to_string(),
        }),
    )
}
fn user_body() -> Value {
    json!({ "login": LOGIN, "id": 583231, "type": "User", "site_admin": false })
}

fn repo_body(full_name: &str, permissions: Option<bool>) -> Value {
    let (owner, name) = full_name.split_once('/').expect("owner/name");
    let mut body = json!({
        "id": 42,
        "name": name,
        "full_name": full_name,
        "private": false,
        "visibility": "public",
        "owner": { "login": owner, "type": "Organization" },
    });
    if let Some(push) = permissions {
        body["permissions"] =
            json!({ "admin": push, "maintain": push, "push": push, "triage": true, "pull": true });
    }
    body
}

fn package_body(kind: &str, owner: &str, name: &str, linked: Option<&str>, vis: &str) -> Value {
    let mut body = json!({
        "id": 7,
        "name": name,
        "package_type": "container",
        "owner": { "login": owner, "type": if kind == "orgs" { "Organization" } else { "User" } },
        "visibility": vis,
        "html_url": format!("https://github.com/{kind}/{owner}/packages/container/package/{}", name.replace('/', "%2F")),
    });
    if let Some(full_name) = linked {
        body["repository"] =
            json!({ "id": 42, "name": full_name.split('/').nth(1), "full_name": full_name });
    }
    body
}

impl GithubFake {
    pub fn start() -> GithubFake {
        let routes: Arc<Mutex<Vec<Route>>> = Arc::new(Mutex::new(Vec::new()));
        let table = routes.clone();
        let server = Server::start(Arc::new(move |req: &Req| dispatch(&table, req)));
        let fake = GithubFake {
            server,
            routes,
            now: unix_now(),
        };
        fake.mount_all();
        fake
    }

    /// The API base, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Req> {
        self.server.requests()
    }

    fn mount(&self, route: Route) {
        self.routes.lock().expect("routes").push(route);
    }

    /// Answers every request for `token` with `resp` (after the specific routes).
    fn fallback(&self, token: &str, resp: Resp) {
        self.mount(Route::new(9, resp).token(token));
    }

    fn route(&self, token: &str, p: &str, resp: Resp) {
        self.mount(
            Route::new(5, resp)
                .get()
                .path(PathMatch::Exact(p.to_owned()))
                .token(token),
        );
    }

    fn user(&self, token: &str, scopes: Option<&str>, expiry: Option<i64>) {
        let mut resp = answer(200, user_body());
        if let Some(s) = scopes {
            resp = resp
                .set_header("x-oauth-scopes", s)
                .set_header("x-accepted-oauth-scopes", "");
        }
        if let Some(e) = expiry {
            resp = resp.set_header("github-authentication-token-expiration", &expiry_header(e));
        }
        self.route(token, "/user", resp);
    }

    /// Repositories as a user token with `scopes` sees them.
    fn repos(&self, token: &str, scopes: Option<&str>) {
        let with_scopes = |r: Resp| match scopes {
            Some(s) => r.set_header("x-oauth-scopes", s),
            None => r,
        };
        self.route(
            token,
            "/repos/acme/app",
            with_scopes(answer(200, repo_body("acme/app", Some(true)))),
        );
        self.route(
            token,
            "/repos/acme/readonly",
            with_scopes(answer(200, repo_body("acme/readonly", Some(false)))),
        );
        self.route(
            token,
            "/repos/acme/old-name",
            Resp::new(301)
                .set_header("location", "/repositories/42")
                .body(
                    "application/json",
                    json!({ "message": "Moved Permanently", "url": "/repositories/42" })
                        .to_string(),
                ),
        );
        self.route(
            token,
            "/repositories/42",
            with_scopes(answer(200, repo_body("acme/new-name", Some(true)))),
        );
    }

    fn packages(&self, token: &str, scopes: &str) {
        for (kind, owner, name, linked, vis) in PACKAGES {
            let p = format!(
                "/{kind}/{owner}/packages/container/{}",
                name.replace('/', "%2F")
            );
            self.route(
                token,
                &p,
                answer(200, package_body(kind, owner, name, linked, vis))
                    .set_header("x-oauth-scopes", scopes),
            );
        }
    }

    fn workflow(&self, token: &str) {
        self.route(
            token,
            "/repos/acme/app/actions/permissions/workflow",
            answer(
                200,
                json!({ "default_workflow_permissions": "read", "can_approve_pull_request_reviews": false }),
            ),
        );
    }

    /// Packages endpoints refused for a classic token without `read:packages`.
    fn packages_need_scope(&self, token: &str, scopes: &str) {
        self.mount(
            Route::new(
                5,
                error(
                    403,
                    "You need at least read:packages scope to list packages.",
                )
                .set_header("x-oauth-scopes", scopes)
                .set_header("x-accepted-oauth-scopes", "read:packages"),
            )
            .get()
            .path(pattern(r"^/(orgs|users)/[^/]+/packages/"))
            .token(token),
        );
    }

    fn mount_all(&self) {
        // Full user tokens.
        for (token, scopes, expiry) in [
            (CLASSIC_WRITE, "repo, write:packages", None),
            (CLASSIC_READ, "repo, read:packages", None),
            (
                EXPIRING,
                "write:packages",
                Some(self.now + 3 * 86_400 + 3600),
            ),
        ] {
            self.user(token, Some(scopes), expiry);
            self.repos(token, Some(scopes));
            self.packages(token, scopes);
            self.workflow(token);
            self.fallback(token, error(404, "Not Found"));
        }
        for (token, scopes) in [
            (CLASSIC_REPO_ONLY, "repo, workflow"),
            (OAUTH_NO_PACKAGES, "gist, read:org, repo"),
        ] {
            self.user(token, Some(scopes), None);
            self.repos(token, Some(scopes));
            self.packages_need_scope(token, scopes);
            self.workflow(token);
            self.fallback(token, error(404, "Not Found"));
        }

        // Expired: refused everywhere, with the past expiry.
        self.fallback(
            EXPIRED,
            error(401, "Bad credentials").set_header(
                "github-authentication-token-expiration",
                &expiry_header(self.now - 2 * 86_400),
            ),
        );

        // Fine-grained: no scopes header; no packages API, no admin settings.
        self.user(FINE_GRAINED, None, None);
        self.repos(FINE_GRAINED, None);
        self.fallback(
            FINE_GRAINED,
            error(403, "Resource not accessible by personal access token"),
        );

        // Installation token (GITHUB_TOKEN of acme/app).
        self.route(
            INSTALLATION,
            "/user",
            error(403, "Resource not accessible by integration"),
        );
        self.route(
            INSTALLATION,
            "/repos/acme/app",
            answer(200, repo_body("acme/app", None)),
        );
        self.route(
            INSTALLATION,
            "/repos/acme/app/actions/permissions/workflow",
            error(403, "Resource not accessible by integration"),
        );
        self.fallback(INSTALLATION, error(404, "Not Found"));

        // SSO: the user is fine; the acme organisation is behind SAML.
        self.user(SSO, Some("repo, write:packages"), None);
        let sso = error(
            403,
            "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.",
        )
        .set_header("x-github-sso", &format!("required; url={SSO_URL}"))
        .set_header("x-oauth-scopes", "repo, write:packages");
        for prefix in [r"^/repos/acme/", r"^/orgs/acme/"] {
            self.mount(Route::new(5, sso.clone()).path(pattern(prefix)).token(SSO));
        }
        self.fallback(SSO, error(404, "Not Found"));

        // Primary rate limit used up.
        let reset = (self.now + 1800).to_string();
        self.fallback(
            RATE_LIMITED,
            error(403, "API rate limit exceeded for user ID 583231.")
                .set_header("x-ratelimit-remaining", "0")
                .set_header("x-ratelimit-used", "5000")
                .set_header("x-ratelimit-reset", &reset),
        );

        // Secondary rate limit.
        self.fallback(
            SECONDARY,
            error(
                429,
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            )
            .set_header("retry-after", "60"),
        );

        // Anything else, BAD included.
        self.mount(Route::new(10, error(401, "Bad credentials")).get());
    }

    /// Answers `GET p` for every token with a 301 to `location`.
    pub fn redirect(&self, p: &str, location: &str) {
        self.mount(
            Route::new(1, Resp::new(301).set_header("location", location))
                .get()
                .path(PathMatch::Exact(p.to_owned())),
        );
    }

    /// Delays every answer for `token` by `delay` (on top of the normal routes), and calls
    /// `on_request` as each request arrives (before the delay).
    pub fn slow_observed(
        &self,
        token: &str,
        delay: Duration,
        on_request: Arc<dyn Fn() + Send + Sync>,
    ) {
        let mut route = Route::new(1, Resp::new(404)).token(token);
        route.answer = Arc::new(move |_: &Req| {
            on_request();
            error(404, "Not Found").delay(delay)
        });
        self.mount(route);
    }

    /// Delays every answer for `token` by `delay` (on top of the normal routes).
    pub fn slow(&self, token: &str, delay: Duration) {
        self.mount(Route::new(1, error(404, "Not Found").delay(delay)).token(token));
    }
}

fn pattern(re: &str) -> PathMatch {
    PathMatch::Pattern(Regex::new(re).expect("route pattern"))
}
