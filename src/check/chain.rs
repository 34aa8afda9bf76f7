//! The chain of round trips for one registry: ping, one token request for every image,
//! every probe at once, every cancel at once. Findings come back per image.

use std::collections::BTreeMap;

use futures_util::StreamExt as _;

use super::{
    Context, Credentials, Probe, Probed, network_checks, registry_login, registry_pull,
    registry_push, registry_reachable, token_format,
};
use crate::credentials::Credential;
use crate::evidence::Fact;
use crate::finding::{CauseId, Check, Finding, Outcome, Status};
use crate::http;
use crate::reference::Reference;
use crate::registry::scope::Scope;
use crate::registry::{self, Session};

pub(super) struct Item<'a> {
    pub index: usize,
    pub input: &'a str,
    pub reference: &'a Reference,
}

#[derive(Default)]
pub(super) struct ChainOut {
    pub registry_findings: Vec<Finding>,
    pub per_image: Vec<(usize, Vec<Probed>)>,
    /// Round trips the chain waited on one after the other (retries not counted).
    pub steps: u32,
}

enum Op {
    Pull(usize),
    Push(usize),
}

enum OpResult {
    Pull(usize, Result<registry::ManifestHead, registry::Error>),
    Push(usize, Result<registry::Upload, registry::Error>),
}

/// The credential a registry gets, with what discovery found on the way; resolved before
/// the chains start, so the GitHub API side can use the same credential at the same time.
#[derive(Debug, Clone, Default)]
pub(super) struct Resolved {
    pub credential: Option<Credential>,
    pub findings: Vec<Finding>,
}

/// The credential for `domain` (discovery runs once per registry).
pub(super) async fn resolve(ctx: &Context, domain: &str) -> Resolved {
    let found = ctx.discover(domain).await;
    Resolved {
        credential: found.credential,
        findings: found.findings,
    }
}

/// The chain for one registry: ping, login, probes, cancels.
pub(super) async fn run(
    ctx: &Context,
    domain: &str,
    items: Vec<Item<'_>>,
    resolved: Resolved,
) -> ChainOut {
    // A credential helper that failed or hung sent nothing: the registry's refusal of the
    // anonymous requests that follow is the missing credential, not a rejected one.
    let helper_failed = resolved.credential.is_none()
        && resolved
            .findings
            .iter()
            .any(|f| f.check == crate::credentials::credential_helper::CHECK && f.is_failure());
    let mut out = run_chain(ctx, domain, items, resolved).await;
    if helper_failed {
        for p in out.per_image.iter_mut().flat_map(|(_, ps)| ps.iter_mut()) {
            let f = &mut p.finding;
            if f.cause.as_deref() == Some("registry-unauthorized") {
                f.cause = Some(CauseId::NoCredentials);
            }
        }
    }
    out
}

async fn run_chain(
    ctx: &Context,
    domain: &str,
    items: Vec<Item<'_>>,
    resolved: Resolved,
) -> ChainOut {
    let mut out = ChainOut::default();
    let opts = &ctx.options;
    let proxy = &opts.http.proxy;
    let Some(endpoint) = ctx.endpoint(domain) else {
        let reason = crate::t!("check.bad-domain", registry = domain);
        for item in &items {
            let f = Finding::new(
                network_checks(opts)[0],
                Outcome::Fail(CauseId::ReferenceInvalid),
                item.input,
                reason.clone(),
            );
            out.per_image.push((item.index, vec![f.into()]));
        }
        return out;
    };

    let credential = resolved.credential;
    out.registry_findings.extend(resolved.findings);
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
        out.registry_findings
            .push(super::plain_http::finding(domain, &endpoint));
    }
    let token_kind = credential
        .as_ref()
        .map(|c| crate::token::inspect(c.secret.expose()).kind);
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
                    out.per_image.push((item.index, vec![f.into()]));
                }
            }
            session
        }
        Err(e) => {
            let first = network_checks(opts)[0];
            for item in &items {
                let f = registry_reachable::failure(first, item.input, &endpoint, proxy, &e);
                let mut fs = vec![Probed::from(f)];
                for c in network_checks(opts).into_iter().skip(1) {
                    fs.push(
                        Finding::new(
                            c,
                            Outcome::Skip,
                            item.input,
                            crate::t!("check.skipped-unreachable", registry = domain),
                        )
                        .into(),
                    );
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
    out.steps += match &login {
        // A refused batch retried one scope at a time costs a second round trip.
        Ok(l) => l.rounds,
        Err(_) => 1,
    };
    let probes_after_login: Vec<&'static Check> = network_checks(opts)
        .into_iter()
        .filter(|c| c.id == registry_pull::ID || c.id == registry_push::ID)
        .collect();
    // One image's view of this registry, for the findings of both probe rounds.
    let probe = |target| Probe {
        target,
        endpoint: &endpoint,
        proxy,
        token_kind,
        credential_source: source.as_deref(),
        for_push: !opts.pull_only,
    };
    let mut blocked = vec![false; items.len()];
    for (k, item) in items.iter().enumerate() {
        let p = probe(item.input);
        let repository = item.reference.repository();
        // The realm may have refused this repository alone while granting the others.
        let refused = login.as_ref().ok().and_then(|l| {
            l.refused
                .iter()
                .find(|(s, _)| s.name == repository)
                .map(|(_, r)| r.clone())
        });
        let result = match refused {
            Some(r) => Err(registry::Error::Refused(Box::new(r))),
            None => login.clone(),
        };
        let mut fs = vec![registry_login::finding(&p, repository, &result)];
        if result.is_err() {
            blocked[k] = true;
            let reason = crate::t!("check.skipped-login", registry = domain);
            fs.extend(
                probes_after_login
                    .iter()
                    .map(|c| Finding::new(c, Outcome::Skip, item.input, reason.clone()).into()),
            );
        }
        out.per_image.push((item.index, fs));
    }
    let session = &session;

    // 3. Every probe of every image at once (bounded).
    let mut ops = Vec::new();
    for k in (0..items.len()).filter(|k| !blocked[*k]) {
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
        let p = probe(item.input);
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
    soften_when_every_probe_passed(&mut out, credential.is_some());
    out
}

/// No false failure: exit 1 means something the user must fix. When the registry allowed
/// every probe, a missing credential is a note (an open registry, a public image with
/// `--pull-only`), and a problem found offline in the credential it accepted, or in the
/// discovery of one it did not need, is a warning.
fn soften_when_every_probe_passed(out: &mut ChainOut, sent_credential: bool) {
    let probes: Vec<&Finding> = out
        .per_image
        .iter()
        .flat_map(|(_, ps)| ps.iter().map(|p| &p.finding))
        .collect();
    let every_probe_passed = probes
        .iter()
        .any(|f| f.check == registry_login::ID && f.status == Status::Pass)
        && probes.iter().all(|f| f.status != Status::Fail);
    if !every_probe_passed {
        return;
    }
    for f in out
        .registry_findings
        .iter_mut()
        .filter(|f| f.status == Status::Fail)
    {
        if f.cause == Some(CauseId::NoCredentials) && !sent_credential {
            f.status = Status::Info;
            f.fix.clear();
            f.evidence.insert(Fact::every_probe_passed(true));
        } else if f.check == token_format::ID || f.check.starts_with("credential-") {
            f.status = Status::Warn;
            f.evidence.insert(Fact::every_probe_passed(true));
        }
    }
}
