//! Login: choose a credential (GHCR_TOKEN, else GITHUB_TOKEN), prove it against the registry,
//! and write it to docker's config.
//!
//! Candidates are tried one after the other, because a fallback needs the verdict of the
//! candidate before it. One candidate is proven by the registry's login (a token request for
//! the `--for-push` images' `pull,push` scopes, or a plain login without them) and, with
//! `--for-push`, by `check`'s push probe, which opens and cancels an empty upload session:
//! nothing is written to the registry. The first candidate that passes is written to docker's
//! config by [`config_file::write_login`].

pub mod config_file;
pub mod login_candidate;
pub mod login_write;

use std::path::PathBuf;

use crate::access::{Access, Credentials};
use crate::check::{self, Probe, registry_login, registry_reachable, token_format};
use crate::credentials::{self, CandidateState, Credential, Env};
use crate::finding::{self, CauseId, Finding, Report, Status};
use crate::github;
use crate::http;
use crate::reference::Reference;
use crate::registry::{DEFAULT_USERNAME, Session};
use crate::secret::Secret;
use crate::t;
use crate::token::TokenKind;

/// What `login` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The registry host (`ghcr.io`).
    pub registry: String,
    /// Images the credential must be able to push to (`--for-push`).
    pub for_push: Vec<String>,
    /// The variables to try instead of `GHCR_TOKEN`, `GITHUB_TOKEN`.
    pub token_env: Option<Vec<String>>,
    /// `--username`.
    pub username: Option<String>,
    /// The secret given with `--password-stdin` or `--token-file`, and its name (`stdin`,
    /// `file:PATH`): the first candidate, before the variables.
    pub given: Option<(String, Secret)>,
    /// Prove, but write nothing.
    pub dry_run: bool,
    /// `--github-api-url` (else `GITHUB_API_URL`, else api.github.com).
    pub github_api_url: Option<String>,
    /// Where to write; `None`: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
    pub config_path: Option<PathBuf>,
    pub env: Env,
    /// Timeout, `--plain-http`, `--ca-file`, and endpoint overrides for the probes.
    pub check: check::Options,
}

impl Options {
    fn credential_options(&self) -> credentials::Options {
        credentials::Options {
            registry: self.registry.clone(),
            token_env: self.token_env.clone(),
            username: self.username.clone(),
            env: self.env.clone(),
            ..credentials::Options::default()
        }
    }
}

/// Why `login` could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", crate::t!("login.cli.bad-image", image = image, detail = detail))]
    Reference { image: String, detail: String },
    #[error("{}", crate::t!("login.cli.other-registry", image = image, domain = domain, registry = registry))]
    OtherRegistry {
        image: String,
        domain: String,
        registry: String,
    },
    /// Not echoed: a token pasted in the wrong place must not be printed.
    #[error("{}", crate::t!("login.cli.bad-registry"))]
    Registry,
}

/// What happened to one candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The variable is not set.
    Unset,
    /// Set to an empty or whitespace-only value (`secret-empty`).
    Empty,
    /// Refused; `cause` is the catalog id, `message` the full sentence with the registry's
    /// answer.
    Failed {
        cause: Option<String>,
        message: String,
    },
    /// Logged in (and, with `--for-push`, allowed to push).
    Proven,
    /// Not tried, because an earlier candidate was proven.
    NotTried,
}

/// One candidate and its verdict.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub name: String,
    pub verdict: Verdict,
}

/// The credential chosen.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// The variable it came from (`GHCR_TOKEN`).
    pub name: String,
    pub username: String,
    pub secret: Secret,
}

/// The outcome: the report (findings and step outputs), the credential chosen, and every
/// candidate's verdict in order.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub report: Report,
    pub chosen: Option<Chosen>,
    pub attempts: Vec<Attempt>,
}

/// The candidates in order: the given secret, then the variables.
fn candidates(options: &Options) -> Vec<credentials::Candidate> {
    let mut all = Vec::new();
    if let Some((name, secret)) = &options.given {
        let state = if secret.expose().trim().is_empty() {
            CandidateState::Empty
        } else {
            CandidateState::Usable(secret.clone())
        };
        all.push(credentials::Candidate {
            name: name.clone(),
            state,
        });
    }
    all.extend(credentials::env_candidates(&options.credential_options()));
    all
}

/// How findings name a candidate: `env:NAME` for a variable, else its own name.
fn candidate_target(options: &Options, name: &str) -> String {
    match &options.given {
        Some((given, _)) if given == name => name.to_owned(),
        _ => format!("env:{name}"),
    }
}

/// Every secret `login` may use, so the caller can mask them before printing anything.
pub fn secrets(options: &Options) -> Vec<Secret> {
    candidates(options)
        .into_iter()
        .filter_map(|c| match c.state {
            CandidateState::Usable(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// Checks the images against the registry before anything is sent.
pub fn validate(options: &Options) -> Result<(), Error> {
    let registry = credentials::host::canonical(&options.registry);
    if !credentials::host::is_plausible(&registry) {
        return Err(Error::Registry);
    }
    for image in &options.for_push {
        let r = Reference::parse(image).map_err(|e| Error::Reference {
            image: image.clone(),
            detail: e.to_string(),
        })?;
        if credentials::host::canonical(r.domain()) != registry {
            return Err(Error::OtherRegistry {
                image: image.clone(),
                domain: r.domain().to_owned(),
                registry,
            });
        }
    }
    Ok(())
}

/// Tries every candidate in order, writes the first that works, and reports on each.
pub async fn run(options: &Options, client: &http::Client) -> Result<Outcome, Error> {
    validate(options)?;
    let registry = credentials::host::canonical(&options.registry);
    let mut report = Report::new("login");
    let mut attempts = Vec::new();
    let mut chosen: Option<Chosen> = None;
    let mut failed: Vec<Finding> = Vec::new();

    for candidate in candidates(options) {
        let name = candidate.name;
        let target = candidate_target(options, &name);
        if chosen.is_some() {
            attempts.push(Attempt {
                name,
                verdict: Verdict::NotTried,
            });
            continue;
        }
        let secret = match candidate.state {
            CandidateState::Unset => {
                report.push(login_candidate::unset(target, &name));
                attempts.push(Attempt {
                    name,
                    verdict: Verdict::Unset,
                });
                continue;
            }
            CandidateState::Empty => {
                report.push(login_candidate::empty(target, &name));
                attempts.push(Attempt {
                    name,
                    verdict: Verdict::Empty,
                });
                continue;
            }
            CandidateState::Usable(s) => s,
        };
        let kind = TokenKind::of(secret.expose());
        // A value named for what it is and unusable here (a masked value, an unexpanded
        // variable; for ghcr.io also base64, another service's token, a password, a changed
        // case) fails without asking anyone: the registry would only refuse it.
        if let Some(named) = login_candidate::named_failure(&secret, &registry, &target) {
            let f = login_candidate::named(target, &name, kind, &named);
            attempts.push(Attempt {
                name,
                verdict: Verdict::Failed {
                    cause: f.cause.map(|c| c.to_string()),
                    message: f.message.clone(),
                },
            });
            failed.push(f);
            continue;
        }
        let (username, username_source) =
            match resolve_username(options, client, &secret, kind).await {
                Ok(u) => u,
                Err(message) => {
                    let f = login_candidate::no_username(target, &name, kind, &message);
                    attempts.push(Attempt {
                        name,
                        verdict: Verdict::Failed {
                            cause: None,
                            message: f.message.clone(),
                        },
                    });
                    failed.push(f);
                    continue;
                }
            };
        let credential = Credential {
            username: Some(username.clone()),
            secret: secret.clone(),
            source: target.clone(),
            identity_token: false,
        };
        let details = prove(options, client, &registry, &credential).await;
        // `check` leads a denial with a `diagnosis` finding naming the final cause; the
        // refusal itself is the first failing probe, and the cause is the diagnosis's.
        let diagnosis = details
            .iter()
            .find(|f| f.check == "diagnosis" && f.is_failure());
        match details
            .iter()
            .find(|f| f.is_failure() && f.check != "diagnosis")
            .map(|first| (first, diagnosis.unwrap_or(first)))
        {
            Some((first, verdict)) => {
                let f = login_candidate::refused(target, &name, kind, &details, first, verdict);
                attempts.push(Attempt {
                    name,
                    verdict: Verdict::Failed {
                        cause: first.cause.map(|c| c.to_string()),
                        message: f.message.clone(),
                    },
                });
                failed.push(f);
            }
            None => {
                // Failures of earlier candidates came first; they stay visible as warnings:
                // the job works, but the better credential is broken.
                for mut f in failed.drain(..) {
                    f.status = Status::Warn;
                    report.push(f);
                }
                report.push(login_candidate::proven(
                    login_candidate::Proven {
                        target,
                        name: &name,
                        registry: &registry,
                        for_push: options.for_push.len(),
                        kind,
                        username: &username,
                        username_source,
                    },
                    &details,
                ));
                attempts.push(Attempt {
                    name: name.clone(),
                    verdict: Verdict::Proven,
                });
                chosen = Some(Chosen {
                    name,
                    username,
                    secret,
                });
            }
        }
    }
    // Keep the order the candidates were tried in when nothing worked.
    for f in failed {
        report.push(f);
    }

    match &chosen {
        Some(c) => {
            report.push(login_write::write(options, &registry, c));
            report.outputs.push(("auth-method".into(), c.name.clone()));
            report.outputs.push((
                "username".into(),
                credentials::display_username(&c.username),
            ));
            report
                .extra
                .insert("auth_method".into(), c.name.clone().into());
        }
        None => {
            report.push(login_write::none_works(&registry, &attempts));
            report
                .extra
                .insert("auth_method".into(), serde_json::Value::Null);
        }
    }
    Ok(Outcome {
        report,
        chosen,
        attempts,
    })
}

/// The user name: `--username`, `GHCR_USERNAME`, `GITHUB_ACTOR`, else the token's own login
/// from `GET /user`; an installation token cannot read `/user` and logs in as
/// `x-access-token`. `Err` holds the sentence saying why none was found.
async fn resolve_username(
    options: &Options,
    client: &http::Client,
    secret: &Secret,
    kind: TokenKind,
) -> Result<(String, String), String> {
    if let Some(u) = options.username.as_deref().filter(|u| !u.trim().is_empty()) {
        return Ok((u.to_owned(), "--username".into()));
    }
    for name in credentials::USERNAME_ENV {
        if let Some(u) = options.env.get(name).filter(|u| !u.trim().is_empty()) {
            return Ok((u.to_owned(), format!("env:{name}")));
        }
    }
    match kind {
        TokenKind::Installation => Ok((DEFAULT_USERNAME.into(), "installation-token".into())),
        k if k.is_github() => {
            let base = github::api_url(options.github_api_url.as_deref(), &options.env);
            let api = github::Api::new(client, &base, secret.clone()).map_err(|e| {
                t!(
                    "login.username-api-failed",
                    url = base,
                    error = e.to_string()
                )
            })?;
            match api.user().await {
                Ok(reply) => match reply.result {
                    Ok(user) => Ok((user.login, "github-api".into())),
                    Err(failure) => {
                        // The status and GitHub's own words, when it gave some.
                        let said = match &failure {
                            github::Failure::BadCredentials { message }
                            | github::Failure::NotAccessible { message, .. }
                            | github::Failure::Forbidden { message }
                            | github::Failure::Unexpected { message, .. } => message.as_str(),
                            _ => "",
                        };
                        let error = if said.is_empty() {
                            reply.status.to_string()
                        } else {
                            format!("{} {said}", reply.status)
                        };
                        Err(t!("login.username-api-failed", url = base, error = error))
                    }
                },
                Err(e) => Err(t!(
                    "login.username-api-failed",
                    url = base,
                    error = e.to_string()
                )),
            }
        }
        _ => Err(t!("login.username-unknown")),
    }
}

/// The findings that prove (or refute) one credential: `check`'s quick run (login and push
/// probe) for the `--for-push` images, else the registry's login alone.
async fn prove(
    options: &Options,
    client: &http::Client,
    registry: &str,
    credential: &Credential,
) -> Vec<Finding> {
    // login masks every candidate itself before anything is printed: no observer.
    let access = Access::with_client(
        client.clone(),
        options.check.endpoints.clone(),
        Credentials::Fixed(credential.clone()),
    );
    let ctx = check::Context {
        options: check::Options {
            quick: true,
            pull_only: false,
            ..options.check.clone()
        },
        access,
    };
    if !options.for_push.is_empty() {
        return check::run(&ctx, &options.for_push).await.findings;
    }
    let Some(endpoint) = ctx.endpoint(registry) else {
        return vec![Finding::new(
            &registry_login::CHECK,
            finding::Outcome::Fail(CauseId::ReferenceInvalid),
            registry,
            t!("check.bad-domain", registry = registry),
        )];
    };
    // Offline first, as `check` does: a pasted newline or a truncated token is named as
    // such rather than as whatever the registry makes of it.
    let format = token_format::check(registry, token_format::Sent::Credential(credential));
    let probe = Probe {
        target: registry,
        endpoint: &endpoint,
        proxy: &ctx.options.http.proxy,
        token_kind: Some(TokenKind::of(credential.secret.expose())),
        credential_source: Some(&credential.source),
        // Reached only without `--for-push`: the login alone is proven.
        for_push: false,
    };
    let login = match Session::ping(client.clone(), endpoint.clone()).await {
        Err(e) => registry_reachable::failure(
            &registry_login::CHECK,
            registry,
            &endpoint,
            probe.proxy,
            &e,
        ),
        Ok((mut session, _)) => {
            let login = session.login(Some(credential), &[]).await;
            registry_login::finding(&probe, "", &login).finding
        }
    };
    vec![format, login]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(registry: &str, images: &[&str]) -> Options {
        Options {
            registry: registry.into(),
            for_push: images.iter().map(|s| (*s).to_owned()).collect(),
            ..Options::default()
        }
    }

    #[test]
    fn images_must_be_valid_and_on_the_registry() {
        assert!(validate(&options("ghcr.io", &["ghcr.io/octo/app:1"])).is_ok());
        assert!(matches!(
            validate(&options("ghcr.io", &["docker.io/library/app:1"])),
            Err(Error::OtherRegistry { .. })
        ));
        assert!(matches!(
            validate(&options("ghcr.io", &["ghcr.io/Octo/App"])),
            Err(Error::Reference { .. })
        ));
        let pasted = "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let err = validate(&options(pasted, &[])).expect_err("not a host");
        assert!(!err.to_string().contains(pasted));
    }

    #[test]
    fn secrets_are_the_usable_candidates_in_order() {
        let mut o = options("ghcr.io", &[]);
        o.env = Env::from_pairs([("GHCR_TOKEN", " "), ("GITHUB_TOKEN", "ghs_x"), ("B", "b")]);
        let got: Vec<String> = secrets(&o).iter().map(|s| s.expose().to_owned()).collect();
        assert_eq!(got, ["ghs_x"]);
        o.token_env = Some(vec!["B".into(), "GITHUB_TOKEN".into()]);
        let got: Vec<String> = secrets(&o).iter().map(|s| s.expose().to_owned()).collect();
        assert_eq!(got, ["b", "ghs_x"]);
    }
}
