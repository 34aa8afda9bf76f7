//! The conformance exchanges with ghcr.io and GitHub's API, and the *shape* of each answer:
//! status, the names of the headers the tool reads, the challenge, error codes and messages,
//! the body fields the tool reads. Never a token or a header value that could hold one.
//!
//! Shared by the live suite (`tests/live/main.rs`, against the real services) and the normal
//! test that asks the in-process fakes the same questions (`tests/it/conformance.rs`); both
//! compare what they see with the recordings in `tests/data/live/`. Every request goes over
//! HTTP, so the fakes are compared as black boxes.

#![allow(dead_code)]

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// Whose credential a request carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// The workflow's token (`packages: write` on the scratch package).
    Writer,
    /// A classic personal access token without `write:packages`.
    Reader,
}

/// How a request authenticates.
#[derive(Clone, Copy, Debug)]
pub enum Auth {
    None,
    /// `Authorization: Basic user:secret`.
    Basic(Who),
    /// A registry token from the token endpoint for these scopes (anonymous when `None`),
    /// then `Authorization: Bearer`.
    Token(Option<Who>, &'static [&'static str]),
    /// GitHub's API: `Authorization: Bearer <credential>`.
    Api(Who),
}

/// One question asked of a service.
#[derive(Clone, Copy, Debug)]
pub struct Exchange {
    pub name: &'static str,
    pub method: &'static str,
    /// With placeholders (`{scratch}`, `{owner}`, ...); `{location:NAME}` is the `Location`
    /// the exchange NAME answered.
    pub path: &'static str,
    pub auth: Auth,
    pub accept: Option<&'static str>,
    /// Whether the in-process fake claims this answer (false: observed live only, recorded so
    /// a fake can be built from it).
    pub faked: bool,
}

/// The manifest types the tool sends in `Accept` (as `registry::session` does).
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

const PULL_SCRATCH: &[&str] = &["repository:{scratch}:pull"];
const PUSH_SCRATCH: &[&str] = &["repository:{scratch}:pull,push"];
const PULL_PUBLIC: &[&str] = &["repository:{public}:pull"];
const SEVERAL: &[&str] = &["repository:{scratch}:pull,push", "repository:{public}:pull"];

const fn ex(
    name: &'static str,
    method: &'static str,
    path: &'static str,
    auth: Auth,
    accept: Option<&'static str>,
    faked: bool,
) -> Exchange {
    Exchange {
        name,
        method,
        path,
        auth,
        accept,
        faked,
    }
}

/// The registry exchanges, in order (an exchange may use an earlier one's `Location`).
pub const GHCR: &[Exchange] = &[
    ex("ping-anonymous", "GET", "/v2/", Auth::None, None, true),
    ex(
        "ping-basic",
        "GET",
        "/v2/",
        Auth::Basic(Who::Writer),
        None,
        true,
    ),
    ex(
        "token-writer-push-scope",
        "GET",
        "/token?service={service}&scope=repository:{scratch}:pull,push",
        Auth::Basic(Who::Writer),
        None,
        true,
    ),
    ex(
        "token-several-scopes",
        "GET",
        "/token?service={service}&scope=repository:{scratch}:pull,push&scope=repository:{public}:pull",
        Auth::Basic(Who::Writer),
        None,
        true,
    ),
    ex(
        "token-anonymous-public",
        "GET",
        "/token?service={service}&scope=repository:{public}:pull",
        Auth::None,
        None,
        true,
    ),
    ex(
        "token-reader-push-scope",
        "GET",
        "/token?service={service}&scope=repository:{scratch}:pull,push",
        Auth::Basic(Who::Reader),
        None,
        true,
    ),
    ex(
        "upload-start-reader",
        "POST",
        "/v2/{scratch}/blobs/uploads/",
        Auth::Token(Some(Who::Reader), PUSH_SCRATCH),
        None,
        true,
    ),
    ex(
        "manifest-head-no-token",
        "HEAD",
        "/v2/{scratch}/manifests/{tag}",
        Auth::None,
        Some(MANIFEST_ACCEPT),
        true,
    ),
    ex(
        "manifest-head-writer",
        "HEAD",
        "/v2/{scratch}/manifests/{tag}",
        Auth::Token(Some(Who::Writer), PULL_SCRATCH),
        Some(MANIFEST_ACCEPT),
        true,
    ),
    ex(
        "manifest-head-unknown-tag",
        "HEAD",
        "/v2/{scratch}/manifests/no-such-tag",
        Auth::Token(Some(Who::Writer), PULL_SCRATCH),
        Some(MANIFEST_ACCEPT),
        true,
    ),
    ex(
        "manifest-get-unknown-tag",
        "GET",
        "/v2/{scratch}/manifests/no-such-tag",
        Auth::Token(Some(Who::Writer), PULL_SCRATCH),
        Some(MANIFEST_ACCEPT),
        true,
    ),
    ex(
        "manifest-head-several-scopes-token",
        "HEAD",
        "/v2/{public}/manifests/{public_tag}",
        Auth::Token(Some(Who::Writer), SEVERAL),
        Some(MANIFEST_ACCEPT),
        true,
    ),
    ex(
        "manifest-head-anonymous-public",
        "HEAD",
        "/v2/{public}/manifests/{public_tag}",
        Auth::Token(None, PULL_PUBLIC),
        Some(MANIFEST_ACCEPT),
        true,
    ),
    // The scratch package is private.
    ex(
        "manifest-head-anonymous-private",
        "HEAD",
        "/v2/{scratch}/manifests/{tag}",
        Auth::Token(None, PULL_SCRATCH),
        Some(MANIFEST_ACCEPT),
        true,
    ),
    ex(
        "blob-head-writer",
        "HEAD",
        "/v2/{scratch}/blobs/{blob}",
        Auth::Token(Some(Who::Writer), PULL_SCRATCH),
        None,
        false,
    ),
    ex(
        "upload-start-writer",
        "POST",
        "/v2/{scratch}/blobs/uploads/",
        Auth::Token(Some(Who::Writer), PUSH_SCRATCH),
        None,
        true,
    ),
    ex(
        "upload-cancel",
        "DELETE",
        "{location:upload-start-writer}",
        Auth::Token(Some(Who::Writer), PUSH_SCRATCH),
        None,
        true,
    ),
    ex(
        "upload-start-no-token",
        "POST",
        "/v2/{scratch}/blobs/uploads/",
        Auth::None,
        None,
        true,
    ),
];

/// The GitHub API exchanges.
pub const GITHUB: &[Exchange] = &[
    ex(
        "user-writer",
        "GET",
        "/user",
        Auth::Api(Who::Writer),
        None,
        true,
    ),
    ex(
        "user-reader",
        "GET",
        "/user",
        Auth::Api(Who::Reader),
        None,
        true,
    ),
    ex(
        "repo-writer",
        "GET",
        "/repos/{owner}/{repo}",
        Auth::Api(Who::Writer),
        None,
        true,
    ),
    ex(
        "repo-reader",
        "GET",
        "/repos/{owner}/{repo}",
        Auth::Api(Who::Reader),
        None,
        true,
    ),
    ex(
        "package-reader",
        "GET",
        "/{owner_kind}/{owner}/packages/container/{package}",
        Auth::Api(Who::Reader),
        None,
        true,
    ),
    ex(
        "workflow-permissions-writer",
        "GET",
        "/repos/{owner}/{repo}/actions/permissions/workflow",
        Auth::Api(Who::Writer),
        None,
        true,
    ),
    ex(
        "run-writer",
        "GET",
        "/repos/{owner}/{repo}/actions/runs/{run_id}",
        Auth::Api(Who::Writer),
        None,
        true,
    ),
    ex(
        "run-jobs-writer",
        "GET",
        "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
        Auth::Api(Who::Writer),
        None,
        true,
    ),
    ex(
        "job-logs-writer",
        "GET",
        "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs",
        Auth::Api(Who::Writer),
        None,
        true,
    ),
];

/// The response headers the tool reads; only their names are recorded.
pub const HEADERS: &[&str] = &[
    "www-authenticate",
    "docker-content-digest",
    "docker-upload-uuid",
    "location",
    "range",
    "retry-after",
    "x-oauth-scopes",
    "x-accepted-oauth-scopes",
    "github-authentication-token-expiration",
    "x-github-sso",
];

/// The body fields the tool reads (JSON pointers); only their presence is recorded.
pub const FIELDS: &[&str] = &[
    "/token",
    "/access_token",
    "/expires_in",
    "/login",
    "/full_name",
    "/permissions/push",
    "/visibility",
    "/repository/full_name",
    "/default_workflow_permissions",
    "/head_sha",
    "/path",
    "/event",
    "/jobs",
];

/// Where and as whom the exchanges run.
pub struct Target {
    /// `https://ghcr.io` or `https://api.github.com` (or a fake's loopback URL).
    pub base: String,
    /// The registry's token endpoint (registry targets only).
    pub token_url: String,
    pub writer: Option<(String, String)>,
    pub reader: Option<(String, String)>,
    /// Placeholder → value, e.g. `scratch` → `owner/name/conformance` (a private package).
    pub names: BTreeMap<&'static str, String>,
}

impl Target {
    fn credential(&self, who: Who) -> Option<&(String, String)> {
        match who {
            Who::Writer => self.writer.as_ref(),
            Who::Reader => self.reader.as_ref(),
        }
    }

    /// Replaces every `{name}` with its value.
    pub fn expand(&self, template: &str) -> String {
        let mut s = template.to_owned();
        for (k, v) in &self.names {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// Replaces the values back with their placeholders (longest value first), so recorded
    /// messages do not depend on where the suite ran.
    pub fn generalise(&self, text: &str) -> String {
        let mut pairs: Vec<_> = self.names.iter().filter(|(_, v)| v.len() > 2).collect();
        pairs.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
        let mut s = text.to_owned();
        for (k, v) in pairs {
            s = s.replace(v.as_str(), &format!("{{{k}}}"));
        }
        s
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            "ghcr-doctor-conformance/",
            env!("CARGO_PKG_VERSION")
        ))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}

fn basic(req: reqwest::RequestBuilder, cred: &(String, String)) -> reqwest::RequestBuilder {
    req.basic_auth(&cred.0, Some(&cred.1))
}

/// A registry token for `scopes`, or the status the token endpoint answered.
async fn registry_token(
    client: &reqwest::Client,
    target: &Target,
    who: Option<Who>,
    scopes: &[&str],
) -> Result<String, u16> {
    let mut url = reqwest::Url::parse(&target.token_url).expect("token url");
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("service", &target.expand("{service}"));
        for s in scopes {
            q.append_pair("scope", &target.expand(s));
        }
    }
    let mut req = client.get(url);
    if let Some(cred) = who.and_then(|w| target.credential(w)) {
        req = basic(req, cred);
    }
    let resp = req.send().await.map_err(|_| 0u16)?;
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.map_err(|_| status)?;
    let body: Value = serde_json::from_slice(&bytes).map_err(|_| status)?;
    body.get("token")
        .or_else(|| body.get("access_token"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or(status)
}

/// Asks every exchange (in order) and returns their shapes by name. An exchange whose
/// credential the target lacks is recorded as skipped, with the reason.
pub async fn observe_all(target: &Target, exchanges: &[Exchange]) -> BTreeMap<String, Value> {
    let client = client();
    let mut locations: BTreeMap<&str, String> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for ex in exchanges {
        let shape = observe(&client, target, ex, &locations).await;
        let (shape, location) = shape;
        if let Some(l) = location {
            locations.insert(ex.name, l);
        }
        out.insert(ex.name.to_owned(), shape);
    }
    out
}

fn who_of(auth: Auth) -> Option<Who> {
    match auth {
        Auth::None | Auth::Token(None, _) => None,
        Auth::Basic(w) | Auth::Api(w) | Auth::Token(Some(w), _) => Some(w),
    }
}

async fn observe(
    client: &reqwest::Client,
    target: &Target,
    ex: &Exchange,
    locations: &BTreeMap<&str, String>,
) -> (Value, Option<String>) {
    let request = format!("{} {}", ex.method, ex.path);
    if let Some(who) = who_of(ex.auth)
        && target.credential(who).is_none()
    {
        return (
            json!({ "request": request, "skipped": format!("no {who:?} credential") }),
            None,
        );
    }
    let url = if let Some(name) = ex
        .path
        .strip_prefix("{location:")
        .and_then(|p| p.strip_suffix('}'))
    {
        let Some(location) = locations.get(name) else {
            return (
                json!({ "request": request, "skipped": format!("`{name}` gave no Location") }),
                None,
            );
        };
        reqwest::Url::parse(&target.base)
            .and_then(|b| b.join(location))
            .expect("location")
    } else {
        reqwest::Url::parse(&format!("{}{}", target.base, target.expand(ex.path))).expect("url")
    };
    let method = reqwest::Method::from_bytes(ex.method.as_bytes()).expect("method");
    let mut req = client.request(method, url.clone());
    if let Some(accept) = ex.accept {
        req = req.header("accept", accept);
    }
    match ex.auth {
        Auth::None => {}
        Auth::Basic(w) => req = basic(req, target.credential(w).expect("credential")),
        Auth::Api(w) => {
            req = req
                .bearer_auth(&target.credential(w).expect("credential").1)
                .header("accept", "application/vnd.github+json")
                .header("x-github-api-version", "2022-11-28");
        }
        Auth::Token(w, scopes) => match registry_token(client, target, w, scopes).await {
            Ok(token) => req = req.bearer_auth(token),
            Err(status) => {
                return (json!({ "request": request, "token_status": status }), None);
            }
        },
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => {
            return (
                json!({ "request": request, "error": e.without_url().to_string() }),
                None,
            );
        }
    };
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.unwrap_or_default();
    let mut shape = Map::new();
    shape.insert("request".into(), json!(request));
    shape.insert("status".into(), json!(status));
    let mut names: Vec<&str> = HEADERS
        .iter()
        .copied()
        .filter(|h| headers.contains_key(*h))
        .collect();
    names.sort_unstable();
    shape.insert("headers".into(), json!(names));
    if let Some(c) = headers
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
    {
        shape.insert("challenge".into(), challenge(target, c));
    }
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(l) = &location {
        let host = url.join(l).ok().map(|u| {
            if u.origin() == url.origin() {
                "same"
            } else {
                "other"
            }
        });
        shape.insert("location_host".into(), json!(host));
    }
    if let Ok(v) = serde_json::from_slice::<Value>(&body) {
        if let Some(errors) = v.get("errors").and_then(Value::as_array) {
            let errors: Vec<Value> = errors
                .iter()
                .map(|e| {
                    json!({
                        "code": e.get("code"),
                        "message": e.get("message").and_then(Value::as_str).map(|m| target.generalise(m)),
                    })
                })
                .collect();
            shape.insert("errors".into(), json!(errors));
        }
        if let Some(m) = v.get("message").and_then(Value::as_str) {
            shape.insert("message".into(), json!(target.generalise(m)));
        }
        let fields: Vec<&str> = FIELDS
            .iter()
            .copied()
            .filter(|p| v.pointer(p).is_some())
            .collect();
        shape.insert("fields".into(), json!(fields));
    }
    (Value::Object(shape), location)
}

/// The challenge's scheme, parameter names, realm path, service and scope (generalised).
fn challenge(target: &Target, header: &str) -> Value {
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    let re = regex::Regex::new(r#"([A-Za-z_]+)="([^"]*)""#).expect("regex");
    let mut params = Map::new();
    for c in re.captures_iter(rest) {
        let key = c[1].to_ascii_lowercase();
        let value = if key == "realm" {
            reqwest::Url::parse(&c[2])
                .map(|u| u.path().to_owned())
                .unwrap_or_else(|_| c[2].to_owned())
        } else {
            target.generalise(&c[2])
        };
        params.insert(key, json!(value));
    }
    json!({ "scheme": scheme.to_ascii_lowercase(), "params": params })
}

/// The differences between a recorded document's exchanges and observed shapes:
/// `FILE `NAME` (REQUEST): field `F`: recorded A, observed B`. Only exchanges in `names`.
pub fn compare(
    file: &str,
    recorded: &Value,
    observed: &BTreeMap<String, Value>,
    who: &str,
    names: &[&str],
) -> Vec<String> {
    let mut out = Vec::new();
    let exchanges = recorded["exchanges"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for name in names {
        let Some(rec) = exchanges.get(*name) else {
            out.push(format!("{file}: no recorded exchange `{name}`"));
            continue;
        };
        let Some(obs) = observed.get(*name) else {
            out.push(format!("{file} `{name}`: not observed"));
            continue;
        };
        if obs.get("skipped").is_some() {
            continue;
        }
        let request = rec["request"].as_str().unwrap_or_default();
        let rec = rec.as_object().cloned().unwrap_or_default();
        let obs = obs.as_object().cloned().unwrap_or_default();
        let mut keys: Vec<&String> = rec.keys().chain(obs.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            if key == "source" || key == "note" {
                continue;
            }
            let a = rec.get(key).unwrap_or(&Value::Null);
            let b = obs.get(key).unwrap_or(&Value::Null);
            if a != b {
                out.push(format!(
                    "{file} `{name}` ({request}): field `{key}`: recorded {a}, {who} {b}"
                ));
            }
        }
    }
    out
}
