//! Verifying several images at once: grouped per registry, each registry read through one
//! session (one anonymous ping, one token request for the pull scope of all its images),
//! the registries and the images side by side.
//!
//! The chain per registry is the one `check` uses (ping → token → probes), with the same
//! [`Access`] context: endpoints, credential discovery and the pooled HTTP client.

use std::collections::BTreeMap;

use super::source::{SessionSource, Source, SourceError};
use super::verify::{Options, VerifiedImage, verify};
use crate::access::{Access, Credentials};
use crate::catalog::CauseId;
use crate::credentials::{self, Credential};
use crate::finding::{Finding, Status};
use crate::http;
use crate::reference::Reference;
use crate::registry;

/// One image to verify, with its own expectations (digests from a metadata file differ per
/// image). `options.credential` is filled in from the registry's credential.
#[derive(Clone)]
pub struct Job {
    pub input: String,
    pub options: Options,
}

/// What a batch found.
pub struct Batch {
    /// One per job, in the jobs' order.
    pub images: Vec<VerifiedImage>,
    /// Problems credential discovery met on the way (an empty variable, a broken docker
    /// config), as warnings: verify goes on with what it found, or anonymously.
    pub notes: Vec<Finding>,
    /// Requests sent (retries and redirect hops included).
    pub requests: u64,
    /// Round trips waited on one after the other, by construction (retries not counted):
    /// for the slowest registry, opening its session(s), its deepest manifest walk, and its
    /// blob requests in waves of `concurrency`.
    pub sequential_steps: u32,
}

/// Verifies every job. At most `concurrency` requests are in flight per registry (`None`:
/// chosen per registry from its connection, see [`super::source::default_concurrency`]); with
/// `anonymous_pull`, each registry also gets an anonymous session (pinged and logged in
/// alongside the other, so it adds no round trip) to prove the images are public.
pub async fn verify_all(
    ctx: &Access,
    jobs: &[Job],
    concurrency: Option<usize>,
    anonymous_pull: bool,
) -> Batch {
    let requests_before = ctx.http.requests_sent();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, job) in jobs.iter().enumerate() {
        // An invalid reference lands in the "" group; verify reports it before any request.
        let domain = Reference::parse(&job.input)
            .map(|r| r.domain().to_owned())
            .unwrap_or_default();
        groups.entry(domain).or_default().push(i);
    }
    let registries = groups.into_iter().map(|(domain, indexes)| async move {
        let repositories: Vec<String> = indexes
            .iter()
            .filter_map(|&i| Reference::parse(&jobs[i].input).ok())
            .map(|r| r.repository().to_owned())
            .collect();
        let repositories: Vec<&str> = repositories.iter().map(String::as_str).collect();
        let (credential, mut notes) = credential_for(ctx, &domain).await;
        let (source, anonymous) = match ctx.endpoint(&domain).filter(|_| !domain.is_empty()) {
            None => {
                let failed = || SessionSource::failed(bad_domain(&domain));
                (failed(), anonymous_pull.then(failed))
            }
            Some(endpoint) => {
                if endpoint.plain_http
                    && !endpoint.base.host_str().is_some_and(http::is_loopback_host)
                    && credential.is_some()
                {
                    // As `check` says it: the credential travels unencrypted.
                    notes.push(crate::check::plain_http::finding(
                        domain.as_str(),
                        &endpoint,
                    ));
                }
                let open = SessionSource::open(
                    ctx.http.clone(),
                    endpoint.clone(),
                    credential.as_ref(),
                    &repositories,
                    concurrency,
                );
                let open_anonymous = async {
                    if anonymous_pull {
                        Some(
                            SessionSource::open(
                                ctx.http.clone(),
                                endpoint.clone(),
                                None,
                                &repositories,
                                concurrency,
                            )
                            .await,
                        )
                    } else {
                        None
                    }
                };
                tokio::join!(open, open_anonymous)
            }
        };
        let method = credential.map_or_else(|| "anonymous".to_owned(), |c| c.source);
        let (source, anonymous) = (&source, anonymous.as_ref());
        let images = futures_util::future::join_all(indexes.iter().map(|&i| {
            let job = &jobs[i];
            let options = Options {
                credential: method.clone(),
                ..job.options.clone()
            };
            async move { (i, verify(source, anonymous, &job.input, &options).await) }
        }))
        .await;
        let opening = source
            .steps()
            .max(anonymous.map_or(0, SessionSource::steps));
        let manifests = images.iter().map(|(_, i)| i.manifest_steps).max();
        let blobs: usize = images.iter().map(|(_, i)| i.blob_count).sum();
        let bound = source.concurrency().unwrap_or(1).max(1);
        let steps = opening + manifests.unwrap_or(0) + blobs.div_ceil(bound) as u32;
        (images, notes, steps)
    });
    let mut done: Vec<(usize, VerifiedImage)> = Vec::with_capacity(jobs.len());
    let mut notes = Vec::new();
    let mut sequential_steps = 0;
    for (images, n, steps) in futures_util::future::join_all(registries).await {
        done.extend(images);
        notes.extend(n);
        sequential_steps = sequential_steps.max(steps);
    }
    done.sort_by_key(|(i, _)| *i);
    Batch {
        images: done.into_iter().map(|(_, image)| image).collect(),
        notes,
        requests: ctx.http.requests_sent() - requests_before,
        sequential_steps,
    }
}

/// The credential for `domain`, and discovery's problems as warnings. Finding none is not
/// one: verify then reads anonymously, which a public image allows.
async fn credential_for(ctx: &Access, domain: &str) -> (Option<Credential>, Vec<Finding>) {
    match &ctx.credentials {
        Credentials::Anonymous => (None, Vec::new()),
        Credentials::Fixed(_) => (ctx.discover(domain).await.credential, Vec::new()),
        Credentials::Discover(_) if !domain.is_empty() => {
            let found = ctx.discover(domain).await;
            let notes = found
                .findings
                .into_iter()
                .filter(|f| matches!(f.status, Status::Warn | Status::Fail))
                .filter(|f| f.check != credentials::credential_source::CHECK.id)
                .map(|mut f| {
                    f.status = Status::Warn;
                    f
                })
                .collect();
            (found.credential, notes)
        }
        Credentials::Discover(_) => (None, Vec::new()),
    }
}

fn bad_domain(domain: &str) -> SourceError {
    SourceError {
        error: registry::Error::BadAnswer {
            url: domain.to_owned(),
            status: 0,
            detail: crate::t!("check.bad-domain", registry = domain),
            cause: CauseId::ReferenceInvalid,
        },
        cause: CauseId::ReferenceInvalid,
    }
}
