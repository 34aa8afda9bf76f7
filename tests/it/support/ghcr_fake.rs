//! An in-process fake of ghcr.io, for what the real registry cannot show: GitHub's denial
//! texts, its deviations, and token kinds.
//!
//! Route table (base `http://127.0.0.1:PORT`, registered as the `ghcr.io` endpoint):
//! - `GET /v2/`: no Authorization → 401 `Bearer realm="BASE/token",service="ghcr.io",
//!   scope="repository:user/image:pull"`; Basic → **403 DENIED without a challenge** (ghcr's
//!   deviation); a known Bearer token → 200.
//! - `GET /token?service=ghcr.io&scope=…` (scope repeated): Basic `user:secret` of a known
//!   account → 200 `{"token": …}` (no `expires_in`, like ghcr.io; `access_token` too when
//!   the account says so); with `strict_anonymous`, an anonymous request naming a
//!   non-public repository → 401; an account with `login_denied` → 403 `DENIED denied`; an unknown
//!   secret → 401 `UNAUTHORIZED unauthenticated: User cannot be authenticated with the token
//!   provided.`; no credentials → an anonymous token.
//! - `HEAD /v2/NAME/manifests/REF`: no token → 401 with challenge; an anonymous token on a
//!   private repository → 401; an account with `pull_denied` → 403 with that message; a
//!   known tag → 200 with `Docker-Content-Digest`; else 404 `MANIFEST_UNKNOWN`.
//! - `POST /v2/NAME/blobs/uploads/`: the account's `push` answer: 202 with a relative
//!   `Location`, or 403 `DENIED` with the account's message.
//! - `DELETE /v2/NAME/blobs/uploads/ID` → 405 `UNSUPPORTED` (ghcr.io cannot cancel).

use std::sync::Arc;

use super::http_server::{Req, Resp, Server};

/// One credential the fake knows.
#[derive(Debug, Clone)]
pub struct Account {
    pub secret: String,
    /// `None`: may push; `Some(message)`: 403 DENIED with this message on the upload POST.
    pub push_denied: Option<String>,
    /// `Some(message)`: 403 DENIED with this message on manifest HEADs.
    pub pull_denied: Option<String>,
    /// The token exchange answers 403 `denied: denied` (stale or revoked credentials).
    pub login_denied: bool,
    /// Send the token as `access_token` too.
    pub access_token_field: bool,
}

impl Account {
    pub fn writer(secret: &str) -> Account {
        Account {
            secret: secret.to_owned(),
            push_denied: None,
            pull_denied: None,
            login_denied: false,
            access_token_field: false,
        }
    }

    pub fn push_denied(secret: &str, message: &str) -> Account {
        Account {
            push_denied: Some(message.to_owned()),
            ..Account::writer(secret)
        }
    }
}

/// What the fake holds.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub accounts: Vec<Account>,
    /// Repositories anonymous tokens may pull.
    pub public: Vec<String>,
    /// `(repository, tag)` that exist.
    pub tags: Vec<(String, String)>,
    /// Refuse (401) an anonymous token request that names any non-public repository, even
    /// alongside public ones.
    pub strict_anonymous: bool,
    /// Every answer waits this long (a distant registry), for the concurrency tests.
    pub delay: Option<std::time::Duration>,
}

pub const DIGEST: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

/// Starts the fake.
pub fn start(config: Config) -> Server {
    let config = Arc::new(config);
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let base2 = base.clone();
    let server = Server::start(Arc::new(move |req: &Req| {
        let mut resp = handle(
            &config,
            base2.get().map(String::as_str).unwrap_or_default(),
            req,
        );
        resp.delay = config.delay;
        resp
    }));
    let _ = base.set(server.url());
    server
}

/// Who a bearer token belongs to: `Some(Some(i))` account i, `Some(None)` anonymous.
fn who(req: &Req) -> Option<Option<usize>> {
    let t = req.bearer()?;
    if t == "ghcr-anon-token" {
        return Some(None);
    }
    t.strip_prefix("ghcr-token-")?.parse().ok().map(Some)
}

fn challenge(base: &str, scope: &str) -> String {
    format!(r#"Bearer realm="{base}/token",service="ghcr.io",scope="{scope}""#)
}

fn handle(config: &Config, base: &str, req: &Req) -> Resp {
    let path = req.path().to_owned();
    if path == "/token" {
        return token(config, req);
    }
    if path == "/v2/" {
        if req.basic().is_some() {
            // ghcr.io: Authorization on the first request → 403, no challenge.
            return Resp::error(403, "DENIED", "invalid token");
        }
        return match who(req) {
            Some(_) => Resp::new(200).json(serde_json::json!({})),
            None => Resp::error(401, "UNAUTHORIZED", "authentication required").header(
                "www-authenticate",
                &challenge(base, "repository:user/image:pull"),
            ),
        };
    }
    let Some(rest) = path.strip_prefix("/v2/") else {
        return Resp::error(404, "NOT_FOUND", "no route");
    };
    let (name, action) = if let Some(i) = rest.find("/manifests/") {
        (&rest[..i], "manifest")
    } else if let Some(i) = rest.find("/blobs/uploads/") {
        (&rest[..i], "upload")
    } else {
        return Resp::error(404, "NOT_FOUND", "no route");
    };
    if req.basic().is_some() {
        return Resp::error(403, "DENIED", "invalid token");
    }
    let Some(caller) = who(req) else {
        let actions = if action == "upload" {
            "pull,push"
        } else {
            "pull"
        };
        return Resp::error(401, "UNAUTHORIZED", "authentication required").header(
            "www-authenticate",
            &challenge(base, &format!("repository:{name}:{actions}")),
        );
    };
    let account = caller.and_then(|i| config.accounts.get(i));
    match (req.method.as_str(), action) {
        ("HEAD" | "GET", "manifest") => {
            let reference = rest.rsplit('/').next().unwrap_or_default();
            if account.is_none() && !config.public.iter().any(|p| p == name) {
                return Resp::error(401, "UNAUTHORIZED", "authentication required").header(
                    "www-authenticate",
                    &challenge(base, &format!("repository:{name}:pull")),
                );
            }
            if let Some(msg) = account.and_then(|a| a.pull_denied.as_deref()) {
                return Resp::error(403, "DENIED", msg);
            }
            if config.tags.iter().any(|(r, t)| r == name && t == reference) {
                Resp::new(200)
                    .header("docker-content-digest", DIGEST)
                    .header("content-type", "application/vnd.oci.image.index.v1+json")
            } else {
                Resp::error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            }
        }
        ("POST", "upload") => {
            let Some(account) = account else {
                return Resp::error(401, "UNAUTHORIZED", "authentication required").header(
                    "www-authenticate",
                    &challenge(base, &format!("repository:{name}:pull,push")),
                );
            };
            match &account.push_denied {
                Some(msg) => Resp::error(403, "DENIED", msg),
                None => Resp::new(202)
                    .header(
                        "location",
                        &format!("/v2/{name}/blobs/uploads/3f1c9a2e-upload"),
                    )
                    .header("docker-upload-uuid", "3f1c9a2e-upload")
                    .header("range", "0-0"),
            }
        }
        ("DELETE", "upload") => Resp::error(405, "UNSUPPORTED", "the operation is unsupported"),
        _ => Resp::error(405, "UNSUPPORTED", "the operation is unsupported"),
    }
}

fn token(config: &Config, req: &Req) -> Resp {
    let Some((_, secret)) = req.basic() else {
        let private = req.query_all("scope").iter().any(|s| {
            let name = s.split(':').nth(1).unwrap_or_default();
            !config.public.iter().any(|p| p == name)
        });
        if config.strict_anonymous && private {
            return Resp::error(401, "UNAUTHORIZED", "authentication required");
        }
        return Resp::new(200).json(serde_json::json!({"token": "ghcr-anon-token"}));
    };
    let Some((i, account)) = config
        .accounts
        .iter()
        .enumerate()
        .find(|(_, a)| a.secret == secret)
    else {
        return Resp::error(
            401,
            "UNAUTHORIZED",
            "unauthenticated: User cannot be authenticated with the token provided.",
        );
    };
    if account.login_denied {
        return Resp::error(403, "DENIED", "denied");
    }
    let token = format!("ghcr-token-{i}");
    if account.access_token_field {
        Resp::new(200).json(serde_json::json!({"access_token": token}))
    } else {
        Resp::new(200).json(serde_json::json!({"token": token}))
    }
}
