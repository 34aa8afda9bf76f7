//! The manifest levels of verify: child manifests fetched level by level, each level as one
//! concurrent batch, each checked against its descriptor (`image-manifest`).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use futures_util::stream::{self, StreamExt};

#[cfg(doc)]
use super::Limits;
use super::image_manifest;
use super::image_platforms::platform_label;
use super::{Options, descriptor_json, human_size, source_failure};
use crate::evidence::Fact;
use crate::finding::{CauseId, Check, Finding, Outcome, Status};
use crate::image::manifest::{self, Descriptor, Digest, ImageManifest, Manifest, Platform};
use crate::image::source::{FetchedManifest, Source, SourceError};
use crate::t;

/// How deep indexes may nest (an index of indexes is legal but rare; this stops loops).
const MAX_DEPTH: usize = 4;

/// One image manifest found while walking, with what it is.
pub(super) struct Node {
    pub(super) digest: Digest,
    pub(super) manifest: ImageManifest,
    pub(super) platform: Option<Platform>,
    pub(super) attestation: bool,
}

impl Node {
    /// How findings name this manifest: its platform, or its digest.
    pub(super) fn label(&self) -> String {
        match (&self.platform, self.attestation) {
            (_, true) => t!("verify.label.attestation", digest = self.digest),
            (Some(p), false) => p.to_string(),
            (None, false) => self.digest.to_string(),
        }
    }
}

/// The image manifests below the root, and what went wrong reaching them.
pub(super) struct Walk {
    pub(super) nodes: Vec<Node>,
    pub(super) problems: Vec<Finding>,
    /// Distinct child manifests asked for.
    pub(super) children: usize,
    /// Batches of child manifests waited on one after the other.
    pub(super) waves: u32,
}

/// Fetches child manifests level by level, each level as one concurrent batch, and checks
/// each against its descriptor.
///
/// What it costs follows the image, not the index: a digest listed many times (in one
/// index or across nested ones) is fetched once and kept once per platform, and the walk
/// stops at [`Limits::children`] distinct children, [`Limits::manifest_bytes`] bytes of
/// manifests and the deadline, each with a finding that names the bound.
pub(super) async fn walk<S: Source>(
    source: &S,
    repo: &str,
    input: &str,
    root_digest: &Digest,
    root: Manifest,
    options: &Options,
    deadline: Instant,
) -> Walk {
    let mut walk = Walk {
        nodes: Vec::new(),
        problems: Vec::new(),
        children: 0,
        waves: 0,
    };
    let mut level: Vec<Descriptor> = match root {
        Manifest::Image(m) => {
            walk.nodes.push(Node {
                digest: root_digest.clone(),
                manifest: m,
                platform: None,
                attestation: false,
            });
            return walk;
        }
        Manifest::Index(index) => index.manifests,
    };
    let limits = &options.limits;
    let mut fetched_digests: HashSet<Digest> = HashSet::from([root_digest.clone()]);
    let mut kept_nodes: HashSet<(Digest, Option<String>, bool)> = HashSet::new();
    let mut bytes = 0u64;
    let mut depth = 0;
    while !level.is_empty() {
        depth += 1;
        if depth > MAX_DEPTH {
            walk.problems.push(Finding::new(
                &image_manifest::CHECK,
                Outcome::Fail(CauseId::ImageManifestInvalid),
                input,
                t!("verify.manifest.too-deep", depth = MAX_DEPTH),
            ));
            break;
        }
        // Each digest once: the first descriptor naming it is fetched; later ones with
        // another platform only add a node when the manifest is an image.
        let mut distinct: Vec<Descriptor> = Vec::new();
        let mut again: Vec<Descriptor> = Vec::new();
        for d in level {
            if fetched_digests.insert(d.digest.clone()) {
                distinct.push(d);
            } else {
                again.push(d);
            }
        }
        if walk.children + distinct.len() > limits.children {
            walk.problems.push(bound(
                input,
                &image_manifest::CHECK,
                t!("verify.bounds.children", limit = limits.children),
            ));
            break;
        }
        let declared: u64 = distinct.iter().map(|d| d.size).sum();
        if bytes.saturating_add(declared) > limits.manifest_bytes {
            walk.problems.push(bound(
                input,
                &image_manifest::CHECK,
                t!(
                    "verify.bounds.bytes",
                    limit = human_size(limits.manifest_bytes)
                ),
            ));
            break;
        }
        if Instant::now() >= deadline {
            walk.problems.push(bound(
                input,
                &image_manifest::CHECK,
                t!("verify.bounds.time", limit = limits.time.as_secs()),
            ));
            break;
        }
        bytes += declared;
        walk.children += distinct.len();
        walk.waves += distinct.len().div_ceil(options.bound(source)) as u32;
        // Each answer is checked and parsed as it arrives: its bytes are not kept.
        let mut checked: Vec<_> = stream::iter(distinct.into_iter().enumerate())
            .map(|(i, d)| async move {
                let r = source.get_manifest(repo, d.digest.as_str()).await;
                let r = child(&d, r);
                (i, d, r)
            })
            .buffer_unordered(options.bound(source))
            .collect()
            .await;
        checked.sort_by_key(|(i, ..)| *i);
        let mut next = Vec::new();
        let mut images: HashMap<Digest, ImageManifest> = HashMap::new();
        for (_, d, result) in checked {
            let attestation = d.is_attestation();
            match result {
                Child::Index(manifests) => next.extend(manifests),
                Child::Image(m) => {
                    let key = (
                        d.digest.clone(),
                        d.platform.as_ref().map(ToString::to_string),
                        attestation,
                    );
                    if kept_nodes.insert(key) {
                        images.insert(d.digest.clone(), m.clone());
                        walk.nodes.push(Node {
                            digest: d.digest.clone(),
                            manifest: m,
                            platform: d.platform.clone(),
                            attestation,
                        });
                    }
                }
                problem => walk.problems.extend(problem.finding(input, &d)),
            }
        }
        // A digest listed again under another platform: the same image, one more node.
        for d in again {
            let attestation = d.is_attestation();
            let key = (
                d.digest.clone(),
                d.platform.as_ref().map(ToString::to_string),
                attestation,
            );
            let known = walk
                .nodes
                .iter()
                .find(|n| n.digest == d.digest)
                .map(|n| n.manifest.clone())
                .or_else(|| images.get(&d.digest).cloned());
            if let Some(m) = known
                && kept_nodes.insert(key)
            {
                walk.nodes.push(Node {
                    digest: d.digest.clone(),
                    manifest: m,
                    platform: d.platform.clone(),
                    attestation,
                });
            }
        }
        level = next;
    }
    walk
}

/// Attestations are never failures.
fn status_of(attestation: bool) -> Status {
    if attestation {
        Status::Warn
    } else {
        Status::Fail
    }
}

/// A finding naming the bound that stopped verify.
pub(super) fn bound(input: &str, check: &Check, message: String) -> Finding {
    Finding::new(
        check,
        Outcome::Fail(CauseId::ImageBeyondBounds),
        input,
        message,
    )
}

/// A child manifest read and checked against its descriptor.
enum Child {
    Image(ImageManifest),
    Index(Vec<Descriptor>),
    /// Not as its descriptor says (`image-incomplete`).
    Incomplete(String),
    /// No usable answer.
    Failed(SourceError),
}

impl Child {
    /// The finding for a child that is not usable; a warning for attestations.
    fn finding(self, input: &str, d: &Descriptor) -> Option<Finding> {
        let status = status_of(d.is_attestation());
        let f = match self {
            Child::Image(_) | Child::Index(_) => return None,
            Child::Incomplete(message) => Finding::caused(
                &image_manifest::CHECK,
                status,
                CauseId::ImageIncomplete,
                input,
                message,
            )
            .with_evidence(Fact::descriptor(descriptor_json(d))),
            Child::Failed(e) => {
                let mut f = source_failure(&image_manifest::CHECK, input, &e)
                    .with_evidence(Fact::descriptor(descriptor_json(d)));
                f.status = status;
                f
            }
        };
        Some(f)
    }
}

fn child(d: &Descriptor, result: Result<Option<FetchedManifest>, SourceError>) -> Child {
    let problem = Child::Incomplete;
    let got = match result {
        Ok(Some(got)) => got,
        Ok(None) => {
            return problem(t!(
                "verify.manifest.child-missing",
                digest = d.digest,
                platform = platform_label(d)
            ));
        }
        Err(e) => return Child::Failed(e),
    };
    let child_digest = Digest::matching(&d.digest, &got.bytes);
    if child_digest != d.digest {
        return problem(t!(
            "verify.manifest.child-digest",
            digest = d.digest,
            actual = child_digest
        ));
    }
    if got.bytes.len() as u64 != d.size {
        return problem(t!(
            "verify.manifest.child-size",
            digest = d.digest,
            size = d.size,
            actual = got.bytes.len()
        ));
    }
    let media_type = Some(d.media_type.as_str()).filter(|m| !m.is_empty());
    match manifest::parse(&got.bytes, media_type) {
        Ok(Manifest::Image(m)) => Child::Image(m),
        Ok(Manifest::Index(i)) => Child::Index(i.manifests),
        Err(e) => problem(t!(
            "verify.manifest.unreadable",
            digest = d.digest,
            reason = e
        )),
    }
}
