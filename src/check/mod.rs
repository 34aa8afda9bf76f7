//! `check`: can this credential pull and push these images? Offline checks first, then per
//! registry one chain of round trips that does not grow with the number of images.
//!
//! Run order (also the order of findings for one image): `reference-valid` (offline),
//! `token-format` (offline, once per registry), `registry-reachable` (anonymous `GET /v2/`),
//! `registry-login` (one token request for every image's scope), `registry-pull`
//! (`HEAD` manifest) and `registry-push` (open and cancel an empty upload session).
//!
//! Per registry the chain is: ping → token → every probe of every image at once (bounded) →
//! every cancel at once. Registries run concurrently with each other, with GitHub's API side
//! ([`github`], when [`Options::github`] is set and the registry is ghcr.io or forced) and
//! with the optional extra checks given to [`run_with`], whose findings are merged by
//! [`diagnosis::relate`]. A denied login, pull or push then gets its final cause from both
//! sides ([`crate::denial::decide`] on the refusal's typed facts), and the report starts with
//! one [`diagnosis`] finding per distinct cause.

mod chain;
pub mod diagnosis;
pub mod github;
pub mod plain_http;
pub mod reference_valid;
pub mod registry_login;
pub mod registry_pull;
pub mod registry_push;
pub mod registry_reachable;
pub mod token_format;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use serde_json::json;
use url::Url;

use crate::denial::{self, Denial, Operation};
use crate::finding::{CauseId, Check, Finding, Outcome, Report};
use crate::http::{self, ProxyConfig};
use crate::reference::Reference;
use crate::registry::Refusal;
use crate::registry::host::Endpoint;
use crate::token::TokenKind;

pub use github::GithubOptions;

/// How many probes run at once against one registry: both probes of 50 images in one wave,
/// so that 50 images still cost one round trip of probes. Over HTTPS, ghcr.io and Docker
/// Hub speak HTTP/2 and these share one connection.
pub const DEFAULT_CONCURRENCY: usize = 100;

/// What the run is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Skip the push probe.
    pub pull_only: bool,
    /// The light check: reference, token format, login and push only.
    pub quick: bool,
    /// Timeout, `--plain-http`, `--ca-file`, proxies, retries.
    pub http: http::Options,
    /// Registry domain → API base URL, replacing the one derived from the domain (mirrors,
    /// and the in-process fakes of the tests).
    pub endpoints: BTreeMap<String, Url>,
    /// Probes at once per registry; 0 means [`DEFAULT_CONCURRENCY`].
    pub concurrency: usize,
    /// GitHub's REST API, asked beside the registry chains for ghcr.io (or every registry
    /// with [`GithubOptions::forced`]); `None`: never asked.
    pub github: Option<GithubOptions>,
}

pub use crate::access::{Access, CredentialObserver, Credentials};

/// Everything a check needs, built once: the run's options and the [`Access`] context
/// (credentials, endpoints, the pooled client) that `verify` and `login` share; the
/// context's fields and methods are reached through it (`ctx.http`, `ctx.discover(..)`).
#[derive(Debug, Clone)]
pub struct Context {
    pub options: Options,
    pub access: Access,
}

impl std::ops::Deref for Context {
    type Target = Access;

    fn deref(&self) -> &Access {
        &self.access
    }
}

impl std::ops::DerefMut for Context {
    fn deref_mut(&mut self) -> &mut Access {
        &mut self.access
    }
}

impl Context {
    pub fn new(options: Options, credentials: Credentials) -> Result<Context, http::Error> {
        let access = Access::new(&options.http, options.endpoints.clone(), credentials)?;
        Ok(Context { options, access })
    }

    fn concurrency(&self) -> usize {
        if self.options.concurrency == 0 {
            DEFAULT_CONCURRENCY
        } else {
            self.options.concurrency
        }
    }
}

/// What one probe's finding needs to know besides the answer.
#[derive(Debug, Clone, Copy)]
pub struct Probe<'a> {
    /// The image as the user wrote it.
    pub target: &'a str,
    pub endpoint: &'a Endpoint,
    pub proxy: &'a ProxyConfig,
    /// `None` when the request was anonymous.
    pub token_kind: Option<TokenKind>,
    pub credential_source: Option<&'a str>,
    /// The run pushes (a refused login is judged for the push).
    pub for_push: bool,
}

impl Probe<'_> {
    /// The typed facts of a refusal of `operation` by this probe's registry, for this
    /// credential, and the cause the registry's side names (GitHub's facts come later).
    pub fn refusal(&self, operation: Operation, r: &Refusal) -> (Denial, CauseId) {
        let denial = Denial {
            for_push: self.for_push,
            token_kind: self.token_kind,
            credential_source: self.credential_source.map(str::to_owned),
            github: self.endpoint.is_github(),
            registry: self.endpoint.domain.clone(),
            ..Denial::of(operation, r)
        };
        let cause = denial::decide(&denial, None).cause;
        (denial, cause)
    }
}

/// A probe's finding and, when the registry refused, the refusal's typed facts, kept for
/// the final cause once GitHub's side is known ([`diagnosis::settle`]); only the finding is
/// reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Probed {
    pub finding: Finding,
    pub denial: Option<Denial>,
}

impl Probed {
    /// A refused probe's finding with the refusal's facts; its fix steps name where the
    /// refused credential came from.
    pub fn refused(mut finding: Finding, denial: Denial) -> Probed {
        if let Some(cause) = finding.cause {
            finding.fix = denial.fix(cause);
        }
        Probed {
            finding,
            denial: Some(denial),
        }
    }
}

impl From<Finding> for Probed {
    fn from(finding: Finding) -> Probed {
        Probed {
            finding,
            denial: None,
        }
    }
}

/// Checks that run beside the registry chains (the GitHub API side); their findings are
/// merged into the report by [`diagnosis::relate`].
pub type Extra<'a> = Pin<Box<dyn Future<Output = Vec<Finding>> + Send + 'a>>;

/// Runs every check for `images`.
pub async fn run(ctx: &Context, images: &[String]) -> Report {
    run_with(ctx, images, None).await
}

/// Runs every check for `images`, and `extra` concurrently with the registry chains.
pub async fn run_with(ctx: &Context, images: &[String], extra: Option<Extra<'_>>) -> Report {
    let requests_before = ctx.http.requests_sent();
    let mut report = Report::new("check");
    let mut parsed: Vec<Option<Reference>> = Vec::with_capacity(images.len());
    for input in images {
        let (finding, reference) = reference_valid::check(input);
        report.push(finding);
        parsed.push(reference);
    }
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in parsed.iter().enumerate() {
        if let Some(r) = r {
            groups.entry(r.domain().to_owned()).or_default().push(i);
        }
    }
    // Credentials first (offline), so the GitHub side uses the one each registry gets.
    let resolved: BTreeMap<&str, chain::Resolved> = futures_util::future::join_all(
        groups
            .keys()
            .map(|domain| async move { (domain.as_str(), chain::resolve(ctx, domain).await) }),
    )
    .await
    .into_iter()
    .collect();
    let chains = groups.iter().map(|(domain, indexes)| {
        let items: Vec<chain::Item<'_>> = indexes
            .iter()
            .filter_map(|&i| {
                parsed[i].as_ref().map(|r| chain::Item {
                    index: i,
                    input: images[i].as_str(),
                    reference: r,
                })
            })
            .collect();
        let r = resolved.get(domain.as_str()).cloned().unwrap_or_default();
        chain::run(ctx, domain, items, r)
    });
    // The GitHub side, one assessment per registry it applies to, at the same time.
    let assessments = groups
        .iter()
        .filter_map(|(domain, indexes)| {
            let options = ctx.options.github.as_ref()?;
            if !crate::github::applies(domain, options.forced) {
                return None;
            }
            let references: Vec<&Reference> =
                indexes.iter().filter_map(|&i| parsed[i].as_ref()).collect();
            let credential = resolved
                .get(domain.as_str())
                .and_then(|r| r.credential.as_ref());
            Some(async move {
                let a = github::assess(ctx, options, domain, credential, &references).await;
                (domain.clone(), a)
            })
        })
        .collect::<Vec<_>>();
    let (outs, github_out, extra_findings) = tokio::join!(
        futures_util::future::join_all(chains),
        futures_util::future::join_all(assessments),
        async {
            match extra {
                Some(f) => f.await,
                None => Vec::new(),
            }
        }
    );
    let facts: BTreeMap<String, crate::github::GithubFacts> = github_out
        .iter()
        .map(|(d, a)| (d.clone(), a.facts.clone()))
        .collect();

    let mut per_image: Vec<Vec<Probed>> = vec![Vec::new(); images.len()];
    let mut steps = 0;
    for out in &outs {
        steps = steps.max(out.steps);
        for f in &out.registry_findings {
            report.push(f.clone());
        }
    }
    for out in outs {
        for (i, fs) in out.per_image {
            per_image[i].extend(fs);
        }
    }
    for (i, r) in parsed.iter().enumerate() {
        if r.is_none() {
            for check in network_checks(&ctx.options) {
                report.push(Finding::new(
                    check,
                    Outcome::Skip,
                    images[i].as_str(),
                    crate::t!("check.skipped-reference", check = check.id),
                ));
            }
        }
    }
    for (i, fs) in per_image.into_iter().enumerate() {
        let image_facts = parsed[i].as_ref().and_then(|r| facts.get(r.domain()));
        for mut p in fs {
            if let Some(facts) = image_facts {
                diagnosis::settle(&mut p, facts);
            }
            report.push(p.finding);
        }
    }
    for (_, a) in github_out {
        report.findings.extend(a.findings);
    }
    diagnosis::relate(&mut report.findings, extra_findings);
    // The text output leads with the final cause of every denial and its fix.
    let lead = diagnosis::leading(&report.findings);
    report.findings.splice(0..0, lead);
    if !facts.is_empty() {
        report.extra.insert("github".into(), json!(facts));
    }
    report.extra.insert(
        "stats".into(),
        json!({
            "images": images.len(),
            "registries": groups.len(),
            "requests": ctx.http.requests_sent() - requests_before,
            "sequential_steps": steps,
        }),
    );
    report
}

/// The network checks this run does, in order.
fn network_checks(options: &Options) -> Vec<&'static Check> {
    let mut v = Vec::new();
    if !options.quick {
        v.push(&registry_reachable::CHECK);
    }
    v.push(&registry_login::CHECK);
    if !options.quick {
        v.push(&registry_pull::CHECK);
    }
    if !options.pull_only {
        v.push(&registry_push::CHECK);
    }
    v
}
