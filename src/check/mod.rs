//! `check`: can this credential pull and push these images? Offline checks first, then per
//! registry one chain of round trips that does not grow with the number of images.
//!
//! Run order (also the order of findings for one image): `reference-valid` (offline),
//! `token-format` (offline, once per registry), `registry-reachable` (anonymous `GET /v2/`),
//! `registry-login` (one token request for every image's scope), `registry-pull`
//! (`HEAD` manifest) and `registry-push` (open and cancel an empty upload session).
//!
//! Per registry the chain is: ping → token → every probe of every image at once (bounded) →
//! every cancel at once. Registries run concurrently with each other, and with the optional
//! extra checks given to [`run_with`] (the GitHub API side), whose findings are merged by
//! [`combine`].

pub mod reference_valid;
pub mod registry_login;
pub mod registry_pull;
pub mod registry_push;
pub mod registry_reachable;
pub mod token_format;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use futures_util::StreamExt as _;
use serde_json::json;
use url::Url;

use crate::credentials::{self, Credential};
use crate::finding::{Finding, Status};
use crate::http::{self, ProxyConfig};
use crate::reference::Reference;
use crate::registry::host::Endpoint;
use crate::registry::scope::Scope;
use crate::registry::{self, Session};
use crate::report::Report;
use crate::token::TokenKind;

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
}

/// Which credential each registry gets.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// `--anonymous`: nothing is sent.
    Anonymous,
    /// This credential for every registry.
    Fixed(Credential),
    /// Discovery per registry (`--password-stdin`, `--token-env`, docker config, ...); the
    /// `registry` field is filled in for each registry.
    Discover(credentials::Options),
}

/// Everything a check needs, built once.
#[derive(Debug, Clone)]
pub struct Context {
    pub options: Options,
    pub credentials: Credentials,
    /// The one pooled client.
    pub http: http::Client,
}

impl Context {
    pub fn new(options: Options, credentials: Credentials) -> Result<Context, http::Error> {
        let http = http::Client::new(options.http.clone())?;
        Ok(Context {
            options,
            credentials,
            http,
        })
    }

    /// Where `domain`'s API answers.
    pub fn endpoint(&self, domain: &str) -> Option<Endpoint> {
        match self.options.endpoints.get(domain) {
            Some(base) => Some(Endpoint::at(domain, base.clone())),
            None => Endpoint::for_domain(domain, self.options.http.plain_http),
        }
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
}

/// Checks that run beside the registry chains (the GitHub API side); their findings are
/// merged into the report by [`combine`].
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
    let chains = groups.iter().map(|(domain, indexes)| {
        let items: Vec<Item<'_>> = indexes
            .iter()
            .filter_map(|&i| {
                parsed[i].as_ref().map(|r| Item {
                    index: i,
                    input: images[i].as_str(),
                    reference: r,
                })
            })
            .collect();
        chain(ctx, domain, items)
    });
    let (outs, extra_findings) = tokio::join!(futures_util::future::join_all(chains), async {
        match extra {
            Some(f) => f.await,
            None => Vec::new(),
        }
    });

    let mut per_image: Vec<Vec<Finding>> = vec![Vec::new(); images.len()];
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
                    Status::Skip,
                    images[i].as_str(),
                    crate::t!("check.skipped-reference", check = check),
                ));
            }
        }
    }
    for fs in per_image {
        for f in fs {
            report.push(f);
        }
    }
    combine(&mut report.findings, extra_findings);
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
fn network_checks(options: &Options) -> Vec<&'static str> {
    let mut v = Vec::new();
    if !options.quick {
        v.push(registry_reachable::ID);
    }
    v.push(registry_login::ID);
    if !options.quick {
        v.push(registry_pull::ID);
    }
    if !options.pull_only {
        v.push(registry_push::ID);
    }
    v
}

/// Merges the extra findings (the GitHub API side) into the registry's, and combines causes:
/// a registry probe that failed keeps the registry's cause (its own words are the best
/// evidence), and lists in `related_causes` the causes the extra checks found for the same
/// image, so the reader sees both sides of one failure together.
pub fn combine(findings: &mut Vec<Finding>, extra: Vec<Finding>) {
    for f in findings.iter_mut() {
        if f.status != Status::Fail
            || !(f.check == registry_push::ID || f.check == registry_pull::ID)
        {
            continue;
        }
        let related: Vec<String> = extra
            .iter()
            .filter(|e| e.status == Status::Fail && e.target == f.target)
            .filter_map(|e| e.cause.clone())
            .filter(|c| Some(c) != f.cause.as_ref())
            .collect();
        if !related.is_empty() {
            f.evidence.insert("related_causes".into(), json!(related));
        }
    }
    findings.extend(extra);
}

struct Item<'a> {
    index: usize,
    input: &'a str,
    reference: &'a Reference,
}

#[derive(Default)]
struct ChainOut {
    registry_findings: Vec<Finding>,
    per_image: Vec<(usize, Vec<Finding>)>,
    /// Round trips the chain waited on one after the other (retries not counted).
    steps: u32,
}

enum Op {
    Pull(usize),
    Push(usize),
}

enum OpResult {
    Pull(usize, Result<registry::ManifestHead, registry::Error>),
    Push(usize, Result<registry::Upload, registry::Error>),
}

/// The chain for one registry: ping, login, probes, cancels.
async fn chain(ctx: &Context, domain: &str, items: Vec<Item<'_>>) -> ChainOut {
    let mut out = ChainOut::default();
    let opts = &ctx.options;
    let proxy = &opts.http.proxy;
    let skip_rest = |out: &mut ChainOut, from: &[&'static str], reason: String| {
        for item in &items {
            let fs = from
                .iter()
                .map(|c| Finding::new(*c, Status::Skip, item.input, reason.clone()))
                .collect();
            out.per_image.push((item.index, fs));
        }
    };
    let Some(endpoint) = ctx.endpoint(domain) else {
        let reason = crate::t!("check.bad-domain", registry = domain);
        for item in &items {
            let f = Finding::new(
                network_checks(opts)[0],
                Status::Fail,
                item.input,
                reason.clone(),
            )
            .with_cause("reference-invalid");
            out.per_image.push((item.index, vec![f]));
        }
        return out;
    };

    // The credential for this registry, with what discovery found on the way.
    let credential: Option<Credential> = match &ctx.credentials {
        Credentials::Anonymous => None,
        Credentials::Fixed(c) => Some(c.clone()),
        Credentials::Discover(o) => {
            let mut o = o.clone();
            o.registry = domain.to_owned();
            let found = credentials::discover(&o);
            out.registry_findings.extend(found.findings);
            found.credential
        }
    };
    let sent = match (&ctx.credentials, &credential) {
        (Credentials::Anonymous, _) => token_format::Sent::Anonymous,
        (_, Some(c)) => token_format::Sent::Credential(c),
        (_, None) => token_format::Sent::Nothing,
    };
    out.registry_findings
        .push(token_format::check(domain, sent));
    if endpoint.plain_http
        && !endpoint.base.host_str().is_some_and(http::is_loopback_host)
        && credential.is_some()
    {
        out.registry_findings.push(
            Finding::new(
                "plain-http",
                Status::Warn,
                domain,
                crate::t!("check.plain-http", registry = domain),
            )
            .with_evidence("url", endpoint.base.as_str()),
        );
    }
    let token_kind = credential
        .as_ref()
        .map(|c| TokenKind::of(c.secret.expose()));
    let source = credential.as_ref().map(|c| c.source.clone());

    // 1. Ping, anonymously.
    out.steps += 1;
    let ping = Session::ping(ctx.http.clone(), endpoint.clone()).await;
    let mut session = match ping {
        Ok((session, ping)) => {
            if !opts.quick {
                for item in &items {
                    let f = registry_reachable::finding(
                        item.input,
                        &endpoint,
                        proxy,
                        &Ok(ping.clone()),
                    );
                    out.per_image.push((item.index, vec![f]));
                }
            }
            session
        }
        Err(e) => {
            let first = network_checks(opts)[0];
            for item in &items {
                let f = registry_reachable::failure(first, item.input, &endpoint, proxy, &e);
                let mut fs = vec![f];
                for c in network_checks(opts).into_iter().skip(1) {
                    fs.push(Finding::new(
                        c,
                        Status::Skip,
                        item.input,
                        crate::t!("check.skipped-unreachable", registry = domain),
                    ));
                }
                out.per_image.push((item.index, fs));
            }
            return out;
        }
    };

    // 2. One token request for every image's scope.
    let actions: &[&str] = if opts.pull_only {
        &["pull"]
    } else {
        &["pull", "push"]
    };
    let mut scopes: Vec<Scope> = Vec::new();
    for item in &items {
        let s = Scope::repository(item.reference.repository(), actions);
        if !scopes.contains(&s) {
            scopes.push(s);
        }
    }
    let login = session.login(credential.as_ref(), &scopes).await;
    if let Ok(l) = &login {
        out.steps += u32::from(l.token_requests > 0);
    } else {
        out.steps += 1;
    }
    for item in &items {
        let p = Probe {
            target: item.input,
            endpoint: &endpoint,
            proxy,
            token_kind,
            credential_source: source.as_deref(),
        };
        let f = registry_login::finding(&p, item.reference.repository(), &login);
        out.per_image.push((item.index, vec![f]));
    }
    if login.is_err() {
        let mut rest = Vec::new();
        if !opts.quick {
            rest.push(registry_pull::ID);
        }
        if !opts.pull_only {
            rest.push(registry_push::ID);
        }
        skip_rest(
            &mut out,
            &rest,
            crate::t!("check.skipped-login", registry = domain),
        );
        return out;
    }
    let session = &session;

    // 3. Every probe of every image at once (bounded).
    let mut ops = Vec::new();
    for k in 0..items.len() {
        if !opts.quick {
            ops.push(Op::Pull(k));
        }
        if !opts.pull_only {
            ops.push(Op::Push(k));
        }
    }
    // One round trip per wave of at most `concurrency` probes.
    out.steps += ops.len().div_ceil(ctx.concurrency()) as u32;
    let results: Vec<OpResult> = futures_util::stream::iter(ops.into_iter().map(|op| {
        let items = &items;
        async move {
            match op {
                Op::Pull(k) => {
                    OpResult::Pull(k, registry_pull::probe(session, items[k].reference).await)
                }
                Op::Push(k) => OpResult::Push(
                    k,
                    session.start_upload(items[k].reference.repository()).await,
                ),
            }
        }
    }))
    .buffer_unordered(ctx.concurrency())
    .collect()
    .await;
    let mut pulls: BTreeMap<usize, Result<registry::ManifestHead, registry::Error>> =
        BTreeMap::new();
    let mut pushes: BTreeMap<usize, Result<registry::Upload, registry::Error>> = BTreeMap::new();
    for r in results {
        match r {
            OpResult::Pull(k, r) => {
                pulls.insert(k, r);
            }
            OpResult::Push(k, r) => {
                pushes.insert(k, r);
            }
        }
    }

    // 4. Every cancel at once.
    let opened: Vec<(usize, &registry::Upload)> = pushes
        .iter()
        .filter_map(|(k, r)| r.as_ref().ok().map(|u| (*k, u)))
        .collect();
    out.steps += opened.len().div_ceil(ctx.concurrency()) as u32;
    let cancels: BTreeMap<usize, Result<registry::Cancel, registry::Error>> =
        futures_util::stream::iter(
            opened
                .into_iter()
                .map(|(k, u)| async move { (k, session.cancel_upload(u).await) }),
        )
        .buffer_unordered(ctx.concurrency())
        .collect()
        .await;

    for (k, item) in items.iter().enumerate() {
        let p = Probe {
            target: item.input,
            endpoint: &endpoint,
            proxy,
            token_kind,
            credential_source: source.as_deref(),
        };
        let mut fs = Vec::new();
        if let Some(r) = pulls.get(&k) {
            fs.push(registry_pull::finding(&p, item.reference, r));
        }
        if let Some(r) = pushes.get(&k) {
            fs.push(registry_push::finding(
                &p,
                item.reference,
                r,
                cancels.get(&k),
            ));
        }
        out.per_image.push((item.index, fs));
    }
    out
}

/// A network failure in the user's words, with the host, and the proxy when one was used.
pub fn describe_http_error(e: &http::Error, proxy: &ProxyConfig) -> String {
    match e {
        http::Error::Dns { host, detail } => {
            crate::t!("registry.error.dns", host = host, detail = detail)
        }
        http::Error::Refused { host } => crate::t!("registry.error.refused", host = host),
        http::Error::Timeout { host, seconds } => {
            crate::t!("registry.error.timeout", host = host, seconds = seconds)
        }
        http::Error::Tls { host, detail } => {
            crate::t!("registry.error.tls", host = host, detail = detail)
        }
        http::Error::Proxy {
            proxy: p,
            host,
            detail,
        } => crate::t!(
            "registry.error.proxy",
            proxy = p,
            host = host,
            detail = detail,
            no_proxy = if proxy.no_proxy.is_empty() {
                "-".to_owned()
            } else {
                proxy.no_proxy.join(",")
            }
        ),
        http::Error::Connection { host, detail } => {
            crate::t!("registry.error.connection", host = host, detail = detail)
        }
        http::Error::InsecureCredentials { url } => {
            crate::t!("registry.error.insecure", url = url)
        }
        http::Error::Redirect { from, to, reason } => {
            crate::t!(
                "registry.error.redirect",
                from = from,
                to = to,
                reason = reason
            )
        }
        http::Error::BodyTooLarge { url, limit } => {
            crate::t!("registry.error.too-large", url = url, limit = limit)
        }
        http::Error::Invalid { detail } => crate::t!("registry.error.invalid", detail = detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combine_lists_related_causes_on_the_failed_probe() {
        let mut findings = vec![
            Finding::new(registry_push::ID, Status::Fail, "ghcr.io/o/a", "x")
                .with_cause("token-missing-scope"),
            Finding::new(registry_push::ID, Status::Fail, "ghcr.io/o/b", "x")
                .with_cause("token-missing-scope"),
        ];
        let extra = vec![
            Finding::new("github-token-scopes", Status::Fail, "ghcr.io/o/a", "y")
                .with_cause("sso-not-authorized"),
            Finding::new("github-token-scopes", Status::Pass, "ghcr.io/o/b", "y"),
        ];
        combine(&mut findings, extra);
        assert_eq!(findings.len(), 4);
        assert_eq!(
            findings[0].evidence.get("related_causes"),
            Some(&json!(["sso-not-authorized"]))
        );
        assert!(!findings[1].evidence.contains_key("related_causes"));
    }
}
