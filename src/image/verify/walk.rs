//! The manifest levels of verify: child manifests fetched level by level, each level as one
//! concurrent batch, each checked against its descriptor (`image-manifest`).

use futures_util::stream::{self, StreamExt};

use super::platforms::platform_label;
use super::{CHECK_MANIFEST, Options, descriptor_json, source_failure};
use crate::finding::{Finding, Status};
use crate::image::manifest::{self, Descriptor, Digest, ImageManifest, Manifest, Platform};
use crate::image::source::Source;
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
    /// Child manifests asked for.
    pub(super) children: usize,
    /// Batches of child manifests waited on one after the other.
    pub(super) waves: u32,
}

/// Fetches child manifests level by level, each level as one concurrent batch, and checks
/// each against its descriptor.
pub(super) async fn walk<S: Source>(
    source: &S,
    repo: &str,
    input: &str,
    root_digest: &Digest,
    root: Manifest,
    options: &Options,
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
    let mut depth = 0;
    while !level.is_empty() {
        depth += 1;
        if depth > MAX_DEPTH {
            walk.problems.push(Finding::new(
                CHECK_MANIFEST,
                Status::Fail,
                input,
                t!("verify.manifest.too-deep", depth = MAX_DEPTH),
            ));
            break;
        }
        walk.children += level.len();
        walk.waves += level.len().div_ceil(options.bound(source)) as u32;
        let mut fetched: Vec<_> = stream::iter(level.into_iter().enumerate())
            .map(|(i, d)| async move {
                let r = source.get_manifest(repo, d.digest.as_str()).await;
                (i, d, r)
            })
            .buffer_unordered(options.bound(source))
            .collect()
            .await;
        fetched.sort_by_key(|(i, ..)| *i);
        let mut next = Vec::new();
        for (_, d, result) in fetched {
            let attestation = d.is_attestation();
            // Attestations are never failures.
            let status = if attestation {
                Status::Warn
            } else {
                Status::Fail
            };
            let problem = |message: String| {
                Finding::new(CHECK_MANIFEST, status, input, message)
                    .with_evidence("descriptor", descriptor_json(&d))
                    .with_cause("image-incomplete")
            };
            let got = match result {
                Ok(Some(got)) => got,
                Ok(None) => {
                    walk.problems.push(problem(t!(
                        "verify.manifest.child-missing",
                        digest = d.digest,
                        platform = platform_label(&d)
                    )));
                    continue;
                }
                Err(e) => {
                    let mut f = source_failure(CHECK_MANIFEST, input, &e)
                        .with_evidence("descriptor", descriptor_json(&d));
                    f.status = status;
                    walk.problems.push(f);
                    continue;
                }
            };
            let child_digest = Digest::matching(&d.digest, &got.bytes);
            if child_digest != d.digest {
                walk.problems.push(problem(t!(
                    "verify.manifest.child-digest",
                    digest = d.digest,
                    actual = child_digest
                )));
                continue;
            }
            if got.bytes.len() as u64 != d.size {
                walk.problems.push(problem(t!(
                    "verify.manifest.child-size",
                    digest = d.digest,
                    size = d.size,
                    actual = got.bytes.len()
                )));
                continue;
            }
            let media_type = Some(d.media_type.as_str()).filter(|m| !m.is_empty());
            match manifest::parse(&got.bytes, media_type) {
                Ok(Manifest::Image(m)) => walk.nodes.push(Node {
                    digest: d.digest.clone(),
                    manifest: m,
                    platform: d.platform.clone(),
                    attestation,
                }),
                Ok(Manifest::Index(i)) => next.extend(i.manifests),
                Err(e) => walk.problems.push(problem(t!(
                    "verify.manifest.unreadable",
                    digest = d.digest,
                    reason = e
                ))),
            }
        }
        level = next;
    }
    walk
}
