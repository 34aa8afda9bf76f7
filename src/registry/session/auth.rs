//! Authentication: the login for a set of scopes, bearer tokens per scope (renewed when
//! they expire), and the one re-authentication after a 401 that asks for a new scope.

use crate::catalog::CauseId;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Deserialize;
use url::Url;

use super::{DEFAULT_USERNAME, MAX_SCOPES_PER_REQUEST, Session, api_url};
use crate::credentials::Credential;
use crate::http::{self, Auth, BodyLimit, Request};
use crate::registry::challenge::{self, Bearer};
use crate::registry::host::Endpoint;
use crate::registry::scope::Scope;
use crate::registry::{AuthScheme, Error, Login, Refusal, jwt_access};
use crate::secret::Secret;

/// How long a token lives when the server does not say (distribution's default).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub(super) struct Grant {
    token: Secret,
    scopes: Vec<Scope>,
    obtained: Instant,
    lifetime: Duration,
}

impl Grant {
    fn covers(&self, scope: &Scope) -> bool {
        self.scopes.iter().any(|s| s.covers(scope))
    }

    fn fresh(&self) -> bool {
        // Renew a little early so a request never carries a token that expires in flight.
        self.obtained.elapsed() + Duration::from_secs(5) < self.lifetime
    }
}

#[derive(Debug, Clone)]
pub(super) struct Basic {
    username: String,
    password: Secret,
    /// The secret is an OAuth2 refresh token (docker's `identitytoken`), exchanged with a
    /// `POST` to the realm instead of Basic auth.
    identity_token: bool,
}

impl Basic {
    fn auth(&self) -> Auth {
        Auth::Basic {
            username: self.username.clone(),
            password: self.password.clone(),
        }
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl Session {
    /// Proves the credential (or anonymous access) for `scopes`: one token request carrying
    /// every scope for Bearer registries, `GET /v2/` with the credential for Basic ones,
    /// nothing when the registry needs no authentication.
    pub async fn login(
        &mut self,
        credential: Option<&Credential>,
        scopes: &[Scope],
    ) -> Result<Login, Error> {
        self.basic = credential.map(|c| Basic {
            username: c
                .username
                .clone()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| DEFAULT_USERNAME.to_owned()),
            password: c.secret.clone(),
            identity_token: c.identity_token,
        });
        let requested: Vec<String> = scopes.iter().map(Scope::to_string).collect();
        let mut login = Login {
            scheme: self.scheme.as_str(),
            anonymous: self.basic.is_none(),
            requested,
            ..Login::default()
        };
        match self.scheme.clone() {
            AuthScheme::None => Ok(login),
            AuthScheme::Basic => {
                let Some(basic) = &self.basic else {
                    return Ok(login);
                };
                let url = api_url(&self.endpoint, "v2/")?;
                let response = self
                    .http
                    .send(Request::get(url).auth(basic.auth()), BodyLimit::ERROR)
                    .await?;
                login.attempts = response.attempts;
                login.token_requests = 1;
                login.rounds = 1;
                if response.status.is_success() {
                    Ok(login)
                } else {
                    Err(Error::refused(&Method::GET, &response))
                }
            }
            AuthScheme::Bearer(bearer) => {
                login.realm = bearer.realm.clone();
                login.service = bearer.service.clone();
                // Long query strings break some servers (8 KiB request lines are common):
                // at most MAX_SCOPES_PER_REQUEST scopes per request, the requests at once.
                let this = &*self;
                // No scope at all (`login` without images) is one request without `scope=`,
                // as `docker login` sends: it proves the credential alone.
                let chunks: Vec<&[Scope]> = if scopes.is_empty() {
                    vec![&[]]
                } else {
                    scopes.chunks(MAX_SCOPES_PER_REQUEST).collect()
                };
                let chunks = chunks.into_iter().map(|chunk| {
                    let mut l = login.clone();
                    let bearer = &bearer;
                    async move {
                        let g = this.fetch_token(bearer, chunk, &mut l).await;
                        (g, l, chunk)
                    }
                });
                let results = futures_util::future::join_all(chunks).await;
                let mut first_error = None;
                let mut refused = Vec::new();
                let mut grants = Vec::new();
                for (g, mut l, chunk) in results {
                    login.token_requests += l.token_requests;
                    login.rounds = login.rounds.max(l.rounds);
                    refused.append(&mut l.refused);
                    login.absorb(l, g.is_ok());
                    match g {
                        Ok(g) => grants.push(g),
                        Err(Error::Refused(r)) => {
                            refused.extend(chunk.iter().map(|s| (s.clone(), (*r).clone())));
                            first_error.get_or_insert(Error::Refused(r));
                        }
                        Err(e) => return Err(e),
                    }
                }
                if grants.is_empty() {
                    return Err(first_error.unwrap_or_else(|| Error::BadAnswer {
                        url: bearer.realm.clone().unwrap_or_default(),
                        status: 0,
                        detail: "no scope to ask a token for".into(),
                        cause: CauseId::RegistryAnswerInvalid,
                    }));
                }
                login.refused = refused;
                self.grants.get_mut().extend(grants);
                Ok(login)
            }
        }
    }

    /// One token request for all `scopes`; if the realm refuses several scopes at once
    /// (400/404/405), one request per scope, concurrently, merged into one grant per scope.
    async fn fetch_token(
        &self,
        bearer: &Bearer,
        scopes: &[Scope],
        login: &mut Login,
    ) -> Result<Grant, Error> {
        match self.token_request(bearer, scopes, login).await {
            Err(Error::Refused(r)) if scopes.len() > 1 && self.retry_per_scope(&r) => {
                // NOTE: the realm refused the batch: it may not take several `scope=` at once
                // (400/404/405), or one scope spoils the lot (a 403, or an anonymous request
                // naming a private repository). One request per scope, concurrently, tells
                // which repositories are refused; the others go on.
                let tasks = scopes.iter().map(|s| {
                    let mut l = login.clone();
                    async move {
                        let g = self
                            .token_request(bearer, std::slice::from_ref(s), &mut l)
                            .await;
                        (g, l)
                    }
                });
                let results = futures_util::future::join_all(tasks).await;
                let mut grants = Vec::new();
                let mut refused = Vec::new();
                login.rounds = 2;
                for ((g, l), scope) in results.into_iter().zip(scopes) {
                    login.token_requests += 1;
                    login.absorb(l, g.is_ok());
                    match g {
                        Ok(g) => grants.push(g),
                        Err(Error::Refused(one)) => refused.push((scope.clone(), *one)),
                        Err(e) => return Err(e),
                    }
                }
                if grants.is_empty() {
                    // Every scope refused on its own: the first answer speaks for all.
                    let first = refused
                        .into_iter()
                        .next()
                        .map_or(r, |(_, one)| Box::new(one));
                    return Err(Error::Refused(first));
                }
                login.refused = refused;
                let first = grants.remove(0);
                if !grants.is_empty() {
                    self.grants.lock().await.extend(grants);
                }
                Ok(first)
            }
            other => other,
        }
    }

    /// True when a refused batch token request is worth retrying one scope at a time. A 401
    /// to a credential means the credential is wrong for every scope: no retry.
    fn retry_per_scope(&self, refusal: &Refusal) -> bool {
        matches!(refusal.status, 400 | 403 | 404 | 405)
            || (refusal.status == 401 && self.basic.is_none())
    }

    async fn token_request(
        &self,
        bearer: &Bearer,
        scopes: &[Scope],
        login: &mut Login,
    ) -> Result<Grant, Error> {
        let realm = bearer.realm.as_deref().unwrap_or_default();
        let mut url = Url::parse(realm)
            .or_else(|_| self.endpoint.base.join(realm))
            .map_err(|e| Error::BadAnswer {
                url: http::redact_url(&self.endpoint.base),
                status: 401,
                detail: format!("the challenge's realm `{realm}` is not a URL: {e}"),
                cause: CauseId::RegistryChallengeInvalid,
            })?;
        if self.basic.is_some() {
            login.foreign_realm = foreign_realm_host(&self.endpoint, &url);
        }
        let request = match &self.basic {
            Some(b) if b.identity_token => {
                // OAuth2 refresh-token grant (distribution's token spec, `oauth.md`): scopes
                // are space-separated in one field, the secret travels in the body.
                let scope = scopes
                    .iter()
                    .map(Scope::to_string)
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                form.append_pair("grant_type", "refresh_token")
                    .append_pair("client_id", "ghcr-doctor")
                    .append_pair("refresh_token", b.password.expose())
                    .append_pair("scope", &scope);
                if let Some(service) = &bearer.service {
                    form.append_pair("service", service);
                }
                let body = Secret::new(form.finish());
                if !self.http.may_send_credentials(&url) {
                    return Err(Error::Http(http::Error::InsecureCredentials {
                        url: http::redact_url(&url),
                    }));
                }
                let mut r = Request::new(Method::POST, url).header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                );
                r.body = Some(body.expose().as_bytes().to_vec());
                r
            }
            basic => {
                {
                    let mut q = url.query_pairs_mut();
                    if let Some(service) = &bearer.service {
                        q.append_pair("service", service);
                    }
                    for s in scopes {
                        q.append_pair("scope", &s.to_string());
                    }
                }
                let mut r = Request::get(url);
                if let Some(b) = basic {
                    r = r.auth(b.auth());
                }
                r
            }
        };
        let response = self.http.send(request, BodyLimit::JSON).await?;
        login.token_requests += 1;
        login.rounds = login.rounds.max(1);
        login.attempts = response.attempts;
        if !response.status.is_success() {
            let mut refusal = Refusal::from_response(&Method::GET, &response);
            // A realm that echoes what it was sent must not put the secret in a report.
            if let Some(b) = &self.basic {
                refusal.scrub(b.password.expose());
            }
            return Err(Error::Refused(Box::new(refusal)));
        }
        let bad = |detail: String| Error::BadAnswer {
            url: http::redact_url(&response.url),
            status: response.status.as_u16(),
            detail,
            cause: CauseId::RegistryAnswerInvalid,
        };
        let answer: TokenAnswer = serde_json::from_slice(&response.body).map_err(|e| {
            if e.is_eof() {
                Error::Truncated {
                    url: http::redact_url(&response.url),
                    status: response.status.as_u16(),
                    detail: e.to_string(),
                }
            } else {
                bad(e.to_string())
            }
        })?;
        let mut fields = Vec::new();
        if answer.token.as_deref().is_some_and(|t| !t.is_empty()) {
            fields.push("token");
        }
        if answer
            .access_token
            .as_deref()
            .is_some_and(|t| !t.is_empty())
        {
            fields.push("access_token");
        }
        // Either field may carry the token (ghcr.io sends `token`; the spec allows both).
        let token = answer
            .token
            .filter(|t| !t.is_empty())
            .or(answer.access_token.filter(|t| !t.is_empty()))
            .map(Secret::new)
            .ok_or_else(|| bad("neither `token` nor `access_token` is present".into()))?;
        login.granted = jwt_access(&token);
        login.token_fields = fields;
        login.expires_in = answer.expires_in;
        Ok(Grant {
            token,
            scopes: scopes.to_vec(),
            obtained: Instant::now(),
            lifetime: answer
                .expires_in
                .map_or(DEFAULT_TOKEN_LIFETIME, |s| Duration::from_secs(s.max(60))),
        })
    }

    /// The credentials for an operation needing `scope`.
    pub(super) async fn auth_for(&self, scope: &Scope) -> Result<Auth, Error> {
        match &self.scheme {
            AuthScheme::None => Ok(Auth::None),
            AuthScheme::Basic => Ok(self.basic.as_ref().map_or(Auth::None, Basic::auth)),
            AuthScheme::Bearer(bearer) => {
                let mut grants = self.grants.lock().await;
                if let Some(g) = grants.iter().find(|g| g.covers(scope) && g.fresh()) {
                    return Ok(Auth::Bearer(g.token.clone()));
                }
                // Not requested yet, or expired: ask for it now (ghcr.io sends no expiry,
                // so a long run renews its 60-second tokens here).
                let wanted = Scope {
                    actions: scope.actions.clone(),
                    ..scope.clone()
                };
                let mut scratch = login_scratch();
                let grant = self.fetch_token(bearer, &[wanted], &mut scratch).await?;
                let token = grant.token.clone();
                grants.push(grant);
                Ok(Auth::Bearer(token))
            }
        }
    }

    /// After a 401: a token for the scopes its challenge asks for, when the session never
    /// requested them. `None` when they were requested and not granted: that is the answer,
    /// not a reason to ask again.
    pub(super) async fn token_for_challenge(
        &self,
        headers: &reqwest::header::HeaderMap,
    ) -> Result<Option<Secret>, Error> {
        let AuthScheme::Bearer(bearer) = &self.scheme else {
            return Ok(None);
        };
        let challenges = challenge::parse_all(
            headers
                .get_all("www-authenticate")
                .iter()
                .filter_map(|v| v.to_str().ok()),
        );
        let Some(asked) = challenge::first_bearer(&challenges) else {
            return Ok(None);
        };
        let wanted: Vec<Scope> = asked.scope.iter().filter_map(|s| Scope::parse(s)).collect();
        let new_scope = {
            let grants = self.grants.lock().await;
            !wanted.is_empty()
                && wanted
                    .iter()
                    .any(|w| !grants.iter().any(|g| g.scopes.iter().any(|s| s.covers(w))))
        };
        if !new_scope {
            return Ok(None);
        }
        // A credential goes only to the realm the registry announced when the session
        // began (the one `check` reports and warns about), not to one a later answer names.
        let realm = if self.basic.is_some() {
            bearer.realm.clone().or_else(|| asked.realm.clone())
        } else {
            asked.realm.clone().or_else(|| bearer.realm.clone())
        };
        let bearer = Bearer {
            realm,
            service: asked.service.clone().or_else(|| bearer.service.clone()),
            ..Bearer::default()
        };
        let mut scratch = login_scratch();
        let grant = self.fetch_token(&bearer, &wanted, &mut scratch).await?;
        let token = grant.token.clone();
        self.grants.lock().await.push(grant);
        Ok(Some(token))
    }
}

fn login_scratch() -> Login {
    Login {
        scheme: "bearer",
        ..Login::default()
    }
}

/// The realm's host when it belongs neither to the registry (its reference domain, its API
/// host, a token service the host model knows for it; ports aside): a credential sent there
/// deserves a warning.
pub fn foreign_realm_host(endpoint: &Endpoint, realm: &Url) -> Option<String> {
    let realm_host = realm.host_str()?.to_ascii_lowercase();
    let api_host = endpoint.base.host_str().unwrap_or_default();
    let known = crate::host::Host::parse(&endpoint.domain).owns_realm(&realm_host)
        || crate::host::Host::parse(api_host).owns_realm(&realm_host);
    (!known).then_some(realm_host)
}

impl Login {
    /// Takes in what one of several concurrent token requests learnt: its attempts and a
    /// foreign realm; when it was granted, also the answer's fields, lifetime and granted
    /// scopes.
    fn absorb(&mut self, l: Login, granted: bool) {
        self.attempts = self.attempts.max(l.attempts);
        if l.foreign_realm.is_some() {
            self.foreign_realm = l.foreign_realm;
        }
        if granted {
            self.token_fields = l.token_fields;
            self.expires_in = l.expires_in;
            if let Some(scopes) = l.granted {
                self.granted.get_or_insert_with(Vec::new).extend(scopes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn foreign(domain: &str, realm: &str) -> Option<String> {
        let endpoint = Endpoint::for_domain(domain, false).expect("endpoint");
        foreign_realm_host(&endpoint, &Url::parse(realm).expect("realm url"))
    }

    #[test]
    fn known_realm_hosts_are_not_foreign() {
        assert_eq!(foreign("ghcr.io", "https://ghcr.io/token"), None);
        assert_eq!(foreign("docker.io", "https://auth.docker.io/token"), None);
        assert_eq!(
            foreign("registry-1.docker.io", "https://auth.docker.io/token"),
            None
        );
        assert_eq!(
            foreign("registry.gitlab.com", "https://gitlab.com/jwt/auth"),
            None
        );
        assert_eq!(foreign("quay.io", "https://quay.io/v2/auth"), None);
        // The port does not make another host: a token service beside the registry.
        assert_eq!(
            foreign("127.0.0.1:5000", "http://127.0.0.1:5001/token"),
            None
        );
    }

    #[test]
    fn other_realm_hosts_are_foreign() {
        assert_eq!(
            foreign("ghcr.io", "https://evil.example/token").as_deref(),
            Some("evil.example")
        );
        // A pair holds in one direction only, and for its own registry.
        assert_eq!(
            foreign("quay.io", "https://auth.docker.io/token").as_deref(),
            Some("auth.docker.io")
        );
        assert_eq!(
            foreign("127.0.0.1:5000", "http://localhost:5001/token").as_deref(),
            Some("localhost")
        );
    }
}
