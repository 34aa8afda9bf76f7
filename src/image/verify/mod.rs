//! The proof that a pushed image is complete: walk it level by level (root manifest, then
//! every child manifest concurrently, then every blob concurrently) and turn what the
//! registry answers into findings.
//!
//! Round trips are what a CI runner far from the registry pays for, so each level is one
//! batch of concurrent requests (bounded by [`Options::concurrency`] or the source's bound) and blobs shared
//! between platforms are asked for once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::manifest::{Descriptor, Digest, Platform};
use super::source::{Source, SourceError};
use crate::evidence::Fact;
use crate::finding::{Check, Finding, Outcome};
use crate::t;

/// Every check id, in run order.
pub const CHECKS: [Check; 5] = [
    image_manifest::CHECK,
    image_digest::CHECK,
    image_platforms::CHECK,
    image_blobs::CHECK,
    image_anonymous_pull::CHECK,
];

pub mod image_anonymous_pull;
pub mod image_blobs;
pub mod image_digest;
pub mod image_manifest;
pub mod image_platforms;
#[cfg(test)]
mod tests;
mod walk;

use image_anonymous_pull::anonymous_finding;
use image_blobs::plan_blobs;
use image_manifest::{manifest_passed, read_root};
use image_platforms::platform_findings;
use walk::walk;

/// Reports download progress for `--pull`. The CLI draws a bar; the library only counts.
pub trait Progress: Send + Sync {
    fn add_total(&self, bytes: u64);
    fn advance(&self, bytes: u64);
    fn finish(&self);
}

/// A digest the image must have, and who said so (`--expect-digest`, a metadata file, the
/// reference itself).
#[derive(Debug, Clone)]
pub struct Expected {
    pub digest: Digest,
    pub source: String,
}

/// What to verify and how.
#[derive(Clone)]
pub struct Options {
    /// Requests in flight at once per level of one image (a [`super::source::SessionSource`]
    /// also bounds its registry as a whole). `None`: the source's bound, which a
    /// [`super::source::SessionSource`] chooses from its connection.
    pub concurrency: Option<usize>,
    /// Platforms that must be present (`--platform`).
    pub platforms: Vec<Platform>,
    pub expected: Vec<Expected>,
    /// Download every blob and hash it, instead of `HEAD`.
    pub pull: bool,
    pub progress: Option<Arc<dyn Progress>>,
    /// Where the credential came from (`env:GHCR_TOKEN`), or `anonymous`.
    pub credential: String,
    /// What one image's verify may cost at most.
    pub limits: Limits,
}

/// What verifying one image may cost, whatever its index says. Each bound reached is a
/// failing finding (cause `image-beyond-bounds`) that names it; `docs/reliability.md` says
/// why each is where it is.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Distinct child manifests read (nested indexes included).
    pub children: usize,
    /// Distinct blobs checked.
    pub blobs: usize,
    /// Bytes of child manifests read, by their descriptors' sizes (each answer is also
    /// checked against its size and parsed as it arrives).
    pub manifest_bytes: u64,
    /// Time for the whole image: no request starts after it.
    pub time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            children: 1_000,
            blobs: 10_000,
            manifest_bytes: 64 * 1024 * 1024,
            time: Duration::from_secs(15 * 60),
        }
    }
}

impl Options {
    /// The requests in flight at once for one level of an image read through `source`.
    fn bound<S: Source>(&self, source: &S) -> usize {
        self.concurrency
            .or_else(|| source.concurrency())
            .unwrap_or(super::source::HTTP1_CONCURRENCY)
            .max(1)
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            concurrency: None,
            platforms: Vec::new(),
            expected: Vec::new(),
            pull: false,
            progress: None,
            credential: "anonymous".into(),
            limits: Limits::default(),
        }
    }
}

/// The facts about one verified image, and its findings.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedImage {
    /// The reference as given.
    pub reference: String,
    /// The sha256 of the root manifest's bytes, when it was fetched.
    pub digest: Option<String>,
    pub media_type: Option<String>,
    /// `os/arch[/variant]` of every image (not attestations).
    pub platforms: Vec<String>,
    /// Digests of attestation manifests (provenance, SBOM).
    pub attestations: Vec<String>,
    /// Bytes of the unique config and layer blobs of the platform images.
    pub total_size: u64,
    /// Unique layers of the platform images.
    pub layer_count: usize,
    /// Unique blobs checked, attestations included.
    pub blob_count: usize,
    /// Where the credential came from, or `anonymous`.
    pub credential: String,
    /// True when blobs were downloaded and hashed (`--pull`), not only `HEAD`ed.
    pub pulled: bool,
    /// Manifest levels waited on one after the other: the root, then each wave of child
    /// manifests (the blob level comes after, shared with the registry's other images).
    #[serde(skip)]
    pub manifest_steps: u32,
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

impl VerifiedImage {
    /// True when no finding failed.
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(Finding::is_failure)
    }
}

/// A descriptor as evidence.
pub(super) fn descriptor_json(d: &Descriptor) -> crate::evidence::Descriptor {
    crate::evidence::Descriptor {
        media_type: d.media_type.clone(),
        digest: d.digest.to_string(),
        size: d.size,
        platform: d.platform.as_ref().map(ToString::to_string),
    }
}

/// Verifies the image `input` through `source`; with `anonymous`, also that it can be
/// pulled without credentials.
///
/// The checks run level by level: the root manifest (`image-manifest`, `image-digest`),
/// the child manifests ([`walk`]), then the blobs ([`image_blobs`]) with the anonymous pull
/// alongside, and last the platforms, which need the manifests and, for a single image,
/// its config.
pub async fn verify<S: Source, A: Source>(
    source: &S,
    anonymous: Option<&A>,
    input: &str,
    options: &Options,
) -> VerifiedImage {
    let deadline = Instant::now() + options.limits.time;
    let mut image = VerifiedImage::new(input, options);
    let Some((reference, actual, root)) = read_root(source, input, options, &mut image).await
    else {
        return image.skip_rest(anonymous.is_some());
    };
    let repo = reference.repository();
    let digest_checked = image.findings.pop();
    image.media_type = Some(root.media_type().to_owned());

    // Level 2 and deeper: child manifests.
    let walk = walk(source, repo, input, &actual, root, options, deadline).await;
    image.manifest_steps += walk.waves;
    if !walk.problems.iter().any(Finding::is_failure) {
        image.findings.push(manifest_passed(
            input,
            image.media_type.as_deref().unwrap_or_default(),
            walk.children,
        ));
    }
    image.findings.extend(walk.problems);
    image.findings.extend(digest_checked);
    let nodes = walk.nodes;
    image.attestations = nodes
        .iter()
        .filter(|n| n.attestation)
        .map(|n| n.digest.to_string())
        .collect();

    // Last level: every blob of every manifest, once each. The anonymous pull runs
    // alongside: it needs only the root digest and one blob, so it adds no round trip.
    let single = matches!(nodes.as_slice(), [n] if n.platform.is_none() && !n.attestation);
    let plan = plan_blobs(&nodes, single, input, options.limits.blobs);
    let first_blob = plan
        .tasks
        .iter()
        .find(|t| !t.attestation)
        .map(|t| &t.descriptor.digest);
    let anonymous_pull = async {
        match anonymous {
            Some(anon) => Some(anonymous_finding(anon, repo, &actual, first_blob, input).await),
            None => None,
        }
    };
    let (checked, anonymous_pull) = futures_util::join!(
        image_blobs::check_all(source, repo, input, &plan, options, deadline),
        anonymous_pull
    );

    // Facts for the report.
    let present: Vec<Platform> = nodes
        .iter()
        .filter(|n| !n.attestation)
        .filter_map(|n| {
            n.platform
                .clone()
                .or_else(|| checked.config_platform.clone())
        })
        .collect();
    image.platforms = present.iter().map(ToString::to_string).collect();
    for task in plan.tasks.iter().filter(|t| !t.attestation) {
        image.total_size += task.descriptor.size;
        image.layer_count += usize::from(task.is_layer);
    }
    image.blob_count = plan.tasks.len();

    image.findings.extend(platform_findings(
        input,
        &present,
        &image.attestations,
        &options.platforms,
        single,
    ));
    image.findings.extend(image_blobs::findings(
        input,
        plan,
        checked.problems,
        image.total_size,
        options.pull,
    ));
    image.findings.extend(anonymous_pull);
    image
}

impl VerifiedImage {
    fn new(input: &str, options: &Options) -> VerifiedImage {
        VerifiedImage {
            reference: input.to_owned(),
            digest: None,
            media_type: None,
            platforms: Vec::new(),
            attestations: Vec::new(),
            total_size: 0,
            layer_count: 0,
            blob_count: 0,
            credential: options.credential.clone(),
            pulled: options.pull,
            manifest_steps: 0,
            findings: Vec::new(),
        }
    }

    /// Once the root manifest is unreadable, every check without a finding yet is reported
    /// as skipped.
    fn skip_rest(mut self, anonymous: bool) -> VerifiedImage {
        for check in CHECKS {
            let done = self.findings.iter().any(|f| f.check == check);
            if !done && (check != image_anonymous_pull::CHECK || anonymous) {
                self.findings.push(Finding::new(
                    &check,
                    Outcome::Skip,
                    self.reference.as_str(),
                    t!("verify.skipped-no-manifest"),
                ));
            }
        }
        self
    }
}

/// The registry's answer as evidence: status, error code, its own words.
pub(super) fn with_answer(mut f: Finding, e: &SourceError) -> Finding {
    if let Some(status) = e.status() {
        f = f.with_evidence(Fact::status(status));
    }
    if let Some(code) = e.code() {
        f = f.with_evidence(Fact::code(code));
    }
    if let Some(answer) = e.answer() {
        f = f.with_evidence(Fact::answer(answer));
    }
    if let Some(bearer) = e.error.refusal().and_then(|r| r.bearer_error()) {
        f = f.with_evidence(Fact::bearer_error(bearer));
    }
    f
}

/// A finding for a request that got no usable answer.
pub(super) fn source_failure(check: &Check, input: &str, e: &SourceError) -> Finding {
    let f = Finding::new(
        check,
        Outcome::Fail(e.cause),
        input,
        t!("verify.request-failed", error = e),
    );
    with_answer(f, e)
}

/// `1.5 MiB` style sizes for messages and the build report.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
