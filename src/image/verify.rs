//! The proof that a pushed image is complete: walk it level by level (root manifest, then
//! every child manifest concurrently, then every blob concurrently) and turn what the
//! registry answers into findings.
//!
//! Round trips are what a CI runner far from the registry pays for, so each level is one
//! batch of concurrent requests (bounded by [`Options::concurrency`]) and blobs shared
//! between platforms are asked for once.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use serde_json::{Value, json};

use super::manifest::{self, Descriptor, Digest, Hasher, ImageManifest, Manifest, Platform};
use super::source::{Source, SourceError};
use crate::finding::{Finding, Status};
use crate::reference::Reference;
use crate::{t, tl};

pub const CHECK_MANIFEST: &str = "image-manifest";
pub const CHECK_DIGEST: &str = "image-digest";
pub const CHECK_PLATFORMS: &str = "image-platforms";
pub const CHECK_BLOBS: &str = "image-blobs";
pub const CHECK_ANONYMOUS: &str = "image-anonymous-pull";

/// Every check id, in run order.
pub const CHECKS: [&str; 5] = [
    CHECK_MANIFEST,
    CHECK_DIGEST,
    CHECK_PLATFORMS,
    CHECK_BLOBS,
    CHECK_ANONYMOUS,
];

/// How deep indexes may nest (an index of indexes is legal but rare; this stops loops).
const MAX_DEPTH: usize = 4;
/// The most of a config blob kept in memory to read its platform.
const CONFIG_LIMIT: usize = 4 * 1024 * 1024;

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
    /// also bounds its registry as a whole).
    pub concurrency: usize,
    /// Platforms that must be present (`--platform`).
    pub platforms: Vec<Platform>,
    pub expected: Vec<Expected>,
    /// Download every blob and hash it, instead of `HEAD`.
    pub pull: bool,
    pub progress: Option<Arc<dyn Progress>>,
    /// Where the credential came from (`env:GHCR_TOKEN`), or `anonymous`.
    pub credential: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            concurrency: 16,
            platforms: Vec::new(),
            expected: Vec::new(),
            pull: false,
            progress: None,
            credential: "anonymous".into(),
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

fn descriptor_json(d: &Descriptor) -> Value {
    let mut v = json!({"mediaType": d.media_type, "digest": d.digest.as_str(), "size": d.size});
    if let (Some(p), Some(obj)) = (&d.platform, v.as_object_mut()) {
        obj.insert("platform".into(), Value::from(p.to_string()));
    }
    v
}

/// One image manifest found while walking, with what it is.
struct Node {
    digest: Digest,
    manifest: ImageManifest,
    platform: Option<Platform>,
    attestation: bool,
}

impl Node {
    /// How findings name this manifest: its platform, or its digest.
    fn label(&self) -> String {
        match (&self.platform, self.attestation) {
            (_, true) => t!("verify.label.attestation", digest = self.digest),
            (Some(p), false) => p.to_string(),
            (None, false) => self.digest.to_string(),
        }
    }
}

/// One blob to check, with the manifests that use it.
struct BlobTask {
    descriptor: Descriptor,
    owners: Vec<String>,
    /// Used only by attestation manifests: problems are warnings.
    attestation: bool,
    is_layer: bool,
    /// Download it to read the platform (config of a single-manifest image).
    read_config: bool,
}

enum BlobOutcome {
    Present,
    /// Present, with the bytes kept (configs read for their platform).
    Config(Vec<u8>),
    Missing,
    SizeMismatch {
        actual: u64,
    },
    /// The download ran past the descriptor's size (and was stopped there).
    TooLarge,
    DigestMismatch {
        actual: Digest,
    },
    Failed(SourceError),
}

/// Verifies the image `input` through `source`; with `anonymous`, also that it can be
/// pulled without credentials.
pub async fn verify<S: Source, A: Source>(
    source: &S,
    anonymous: Option<&A>,
    input: &str,
    options: &Options,
) -> VerifiedImage {
    let mut image = VerifiedImage {
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
    };
    // Once the root manifest is unreadable, the checks after `from` are reported as skipped.
    let stop = |mut image: VerifiedImage, from: usize| {
        for check in &CHECKS[from..] {
            if *check != CHECK_ANONYMOUS || anonymous.is_some() {
                image.findings.push(Finding::new(
                    *check,
                    Status::Skip,
                    input,
                    t!("verify.skipped-no-manifest"),
                ));
            }
        }
        image
    };

    let reference = match Reference::parse(input) {
        Ok(r) => r,
        Err(e) => {
            let mut f = Finding::new(CHECK_MANIFEST, Status::Fail, input, e.message.clone())
                .with_cause(e.cause);
            if let Some(s) = &e.suggestion {
                f = f.with_evidence("suggestion", s.as_str());
            }
            image.findings.push(f);
            return stop(image, 1);
        }
    };
    let repo = reference.repository();

    // Level 1: the root manifest.
    image.manifest_steps = 1;
    let fetched = match source
        .get_manifest(repo, reference.manifest_reference())
        .await
    {
        Ok(Some(f)) => f,
        Ok(None) => {
            image.findings.push(
                Finding::new(
                    CHECK_MANIFEST,
                    Status::Fail,
                    input,
                    t!("verify.manifest.not-found", reference = input),
                )
                .with_cause("image-not-found"),
            );
            return stop(image, 1);
        }
        Err(e) => {
            image
                .findings
                .push(source_failure(CHECK_MANIFEST, input, &e));
            return stop(image, 1);
        }
    };
    let actual = Digest::sha256(&fetched.bytes);
    image.digest = Some(actual.to_string());
    let digest_checked = digest_finding(
        input,
        &fetched.bytes,
        fetched.docker_content_digest.as_deref(),
        &reference,
        &options.expected,
    );
    let root = match manifest::parse(&fetched.bytes, fetched.media_type.as_deref()) {
        Ok(m) => m,
        Err(e) => {
            let mut f = Finding::new(
                CHECK_MANIFEST,
                Status::Fail,
                input,
                t!("verify.manifest.unreadable", digest = actual, reason = e),
            );
            if e == manifest::ManifestError::Schema1 {
                f = f.with_fix(tl!("verify.manifest.schema1-fix"));
            }
            if let Some(cause) = e.cause() {
                f = f.with_cause(cause);
            }
            image.findings.push(f);
            image.findings.push(digest_checked);
            return stop(image, 2);
        }
    };
    image.media_type = Some(root.media_type().to_owned());

    // Level 2 and deeper: child manifests.
    let walk = walk(source, repo, input, &actual, root, options).await;
    image.manifest_steps += walk.waves;
    if !walk.problems.iter().any(Finding::is_failure) {
        image.findings.push(Finding::new(
            CHECK_MANIFEST,
            Status::Pass,
            input,
            t!(
                "verify.manifest.ok",
                media_type = image.media_type.as_deref().unwrap_or_default(),
                children = walk.children
            ),
        ));
    }
    image.findings.extend(walk.problems);
    image.findings.push(digest_checked);
    let nodes = walk.nodes;
    image.attestations = nodes
        .iter()
        .filter(|n| n.attestation)
        .map(|n| n.digest.to_string())
        .collect();

    // Last level: every blob of every manifest, once each.
    let single = matches!(nodes.as_slice(), [n] if n.platform.is_none() && !n.attestation);
    let plan = plan_blobs(&nodes, single, input);
    let mut blob_problems = plan.problems;
    if let Some(p) = &options.progress
        && options.pull
    {
        p.add_total(plan.tasks.iter().map(|t| t.descriptor.size).sum());
    }
    // The anonymous pull runs alongside the blob level: it needs only the root digest and
    // one blob, so it adds no round trip of its own.
    let first_blob = plan
        .tasks
        .iter()
        .find(|t| !t.attestation)
        .map(|t| &t.descriptor.digest);
    let blobs = stream::iter(plan.tasks.iter().enumerate())
        .map(|(i, task)| async move { (i, check_blob(source, repo, task, options).await) })
        .buffer_unordered(options.concurrency.max(1))
        .collect::<Vec<(usize, BlobOutcome)>>();
    let anonymous_pull = async {
        match anonymous {
            Some(anon) => Some(anonymous_finding(anon, repo, &actual, first_blob, input).await),
            None => None,
        }
    };
    let (outcomes, anonymous_pull) = futures_util::join!(blobs, anonymous_pull);
    if let Some(p) = &options.progress {
        p.finish();
    }
    let mut config_platform = None;
    let mut outcomes = outcomes;
    outcomes.sort_by_key(|(i, _)| *i);
    for (i, outcome) in outcomes {
        match outcome {
            BlobOutcome::Config(bytes) => config_platform = manifest::config_platform(&bytes),
            other => blob_problems.extend(blob_finding(input, &plan.tasks[i], other)),
        }
    }

    // Facts for the report.
    let present: Vec<Platform> = nodes
        .iter()
        .filter(|n| !n.attestation)
        .filter_map(|n| n.platform.clone().or_else(|| config_platform.clone()))
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

    if !blob_problems.iter().any(Finding::is_failure) {
        let how = if options.pull {
            t!("verify.blobs.mode-pull")
        } else {
            t!("verify.blobs.mode-head")
        };
        image.findings.push(
            Finding::new(
                CHECK_BLOBS,
                Status::Pass,
                input,
                t!(
                    "verify.blobs.ok",
                    count = plan.tasks.len(),
                    size = human_size(image.total_size),
                    how = how
                ),
            )
            .with_evidence("blobs", plan.tasks.len())
            .with_evidence("total_size", image.total_size),
        );
    }
    image.findings.extend(blob_problems);
    image.findings.extend(plan.notes);

    image.findings.extend(anonymous_pull);
    image
}

/// The image manifests below the root, and what went wrong reaching them.
struct Walk {
    nodes: Vec<Node>,
    problems: Vec<Finding>,
    /// Child manifests asked for.
    children: usize,
    /// Batches of child manifests waited on one after the other.
    waves: u32,
}

/// Fetches child manifests level by level, each level as one concurrent batch, and checks
/// each against its descriptor.
async fn walk<S: Source>(
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
        walk.waves += level.len().div_ceil(options.concurrency.max(1)) as u32;
        let mut fetched: Vec<_> = stream::iter(level.into_iter().enumerate())
            .map(|(i, d)| async move {
                let r = source.get_manifest(repo, d.digest.as_str()).await;
                (i, d, r)
            })
            .buffer_unordered(options.concurrency.max(1))
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

/// The blobs to check, deduplicated, and what is already known about them.
struct Plan {
    tasks: Vec<BlobTask>,
    problems: Vec<Finding>,
    notes: Vec<Finding>,
}

fn plan_blobs(nodes: &[Node], single: bool, input: &str) -> Plan {
    let mut plan = Plan {
        tasks: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
    };
    let mut by_digest: HashMap<Digest, usize> = HashMap::new();
    for node in nodes {
        let label = node.label();
        let config = std::iter::once((&node.manifest.config, false));
        for (d, is_layer) in config.chain(node.manifest.layers.iter().map(|l| (l, true))) {
            if d.is_non_distributable() {
                plan.notes.push(
                    Finding::new(
                        CHECK_BLOBS,
                        Status::Info,
                        input,
                        t!(
                            "verify.blobs.non-distributable",
                            digest = d.digest,
                            media_type = d.media_type,
                            owner = label
                        ),
                    )
                    .with_evidence("descriptor", descriptor_json(d)),
                );
                continue;
            }
            if let Some(&i) = by_digest.get(&d.digest) {
                let task = &mut plan.tasks[i];
                if task.descriptor.size != d.size {
                    plan.problems.push(
                        Finding::new(
                            CHECK_BLOBS,
                            Status::Fail,
                            input,
                            t!(
                                "verify.blobs.size-disagrees",
                                digest = d.digest,
                                size = d.size,
                                other = task.descriptor.size
                            ),
                        )
                        .with_evidence("descriptor", descriptor_json(d))
                        .with_cause("image-incomplete"),
                    );
                }
                task.owners.push(label.clone());
                task.attestation &= node.attestation;
                task.is_layer |= is_layer;
                continue;
            }
            by_digest.insert(d.digest.clone(), plan.tasks.len());
            plan.tasks.push(BlobTask {
                descriptor: d.clone(),
                owners: vec![label.clone()],
                attestation: node.attestation,
                is_layer,
                read_config: single && !is_layer,
            });
        }
    }
    plan
}

/// The finding for a blob that is not as its descriptor says, if any.
fn blob_finding(input: &str, task: &BlobTask, outcome: BlobOutcome) -> Option<Finding> {
    let d = &task.descriptor;
    // Blobs only attestations use are never failures.
    let status = if task.attestation {
        Status::Warn
    } else {
        Status::Fail
    };
    let owner = task.owners.join(", ");
    let problem = |message: String| {
        Finding::new(CHECK_BLOBS, status, input, message)
            .with_evidence("descriptor", descriptor_json(d))
            .with_evidence("used_by", task.owners.clone())
            .with_cause("image-incomplete")
    };
    let f = match outcome {
        BlobOutcome::Present | BlobOutcome::Config(_) => return None,
        BlobOutcome::Missing => problem(t!(
            "verify.blobs.missing",
            digest = d.digest,
            size = d.size,
            media_type = d.media_type,
            owner = owner
        )),
        BlobOutcome::SizeMismatch { actual } => problem(t!(
            "verify.blobs.size-mismatch",
            digest = d.digest,
            size = d.size,
            actual = actual,
            owner = owner
        ))
        .with_evidence("actual_size", actual),
        BlobOutcome::TooLarge => problem(t!(
            "verify.blobs.too-large",
            digest = d.digest,
            size = d.size,
            owner = owner
        )),
        BlobOutcome::DigestMismatch { actual } => problem(t!(
            "verify.blobs.digest-mismatch",
            digest = d.digest,
            actual = actual,
            owner = owner
        ))
        .with_evidence("actual_digest", actual.as_str()),
        BlobOutcome::Failed(e) => {
            let mut f = source_failure(CHECK_BLOBS, input, &e)
                .with_evidence("descriptor", descriptor_json(d));
            f.status = status;
            f
        }
    };
    Some(f)
}

/// `image-platforms`: the requested platforms against the present ones, and a note listing
/// attestation manifests.
fn platform_findings(
    input: &str,
    present: &[Platform],
    attestations: &[String],
    wanted: &[Platform],
    single: bool,
) -> Vec<Finding> {
    let present_list = if present.is_empty() {
        t!("verify.platforms.none")
    } else {
        join(present)
    };
    let missing: Vec<String> = wanted
        .iter()
        .filter(|want| !present.iter().any(|p| want.satisfied_by(p)))
        .map(ToString::to_string)
        .collect();
    let main = if !missing.is_empty() && present.is_empty() && single {
        Finding::new(
            CHECK_PLATFORMS,
            Status::Warn,
            input,
            t!("verify.platforms.unknown", wanted = missing.join(", ")),
        )
    } else if !missing.is_empty() {
        let all: Vec<String> = wanted.iter().map(ToString::to_string).collect();
        Finding::new(
            CHECK_PLATFORMS,
            Status::Fail,
            input,
            t!(
                "verify.platforms.missing",
                missing = missing.join(", "),
                present = present_list
            ),
        )
        .with_evidence("missing", missing.clone())
        .with_cause("image-platform-missing")
        // The catalog's steps, with this image's platforms filled in.
        .with_fix(tl!(
            "verify.platforms.missing-fix",
            platforms = all.join(",")
        ))
    } else {
        Finding::new(
            CHECK_PLATFORMS,
            Status::Pass,
            input,
            t!("verify.platforms.ok", present = present_list),
        )
    };
    let present_names: Vec<String> = present.iter().map(ToString::to_string).collect();
    let mut out = vec![
        main.with_evidence("present", present_names)
            .with_evidence("attestations", attestations.to_vec()),
    ];
    if !attestations.is_empty() {
        out.push(
            Finding::new(
                CHECK_PLATFORMS,
                Status::Info,
                input,
                t!("verify.platforms.attestations", count = attestations.len()),
            )
            .with_evidence("attestations", attestations.to_vec()),
        );
    }
    out
}

fn join(platforms: &[Platform]) -> String {
    platforms
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

async fn check_blob<S: Source>(
    source: &S,
    repo: &str,
    task: &BlobTask,
    options: &Options,
) -> BlobOutcome {
    let d = &task.descriptor;
    if !options.pull && !task.read_config {
        return match source.head_blob(repo, &d.digest).await {
            Ok(None) => BlobOutcome::Missing,
            Ok(Some(Some(size))) if size != d.size => BlobOutcome::SizeMismatch { actual: size },
            Ok(Some(_)) => BlobOutcome::Present,
            Err(e) => BlobOutcome::Failed(e),
        };
    }
    let mut hasher = Hasher::for_digest(&d.digest);
    let mut count = 0u64;
    let mut kept = Vec::new();
    let keep = task.read_config;
    let progress = options.progress.clone().filter(|_| options.pull);
    let mut sink = |chunk: &[u8]| {
        hasher.update(chunk);
        count += chunk.len() as u64;
        if keep && kept.len() + chunk.len() <= CONFIG_LIMIT {
            kept.extend_from_slice(chunk);
        }
        if let Some(p) = &progress {
            p.advance(chunk.len() as u64);
        }
    };
    match source.get_blob(repo, &d.digest, d.size, &mut sink).await {
        Ok(false) => return BlobOutcome::Missing,
        Ok(true) => {}
        Err(e) => return BlobOutcome::Failed(e),
    }
    if count > d.size {
        return BlobOutcome::TooLarge;
    }
    if count < d.size {
        return BlobOutcome::SizeMismatch { actual: count };
    }
    let actual = hasher.finish();
    if actual != d.digest {
        return BlobOutcome::DigestMismatch { actual };
    }
    if keep {
        BlobOutcome::Config(kept)
    } else {
        BlobOutcome::Present
    }
}

fn digest_finding(
    input: &str,
    bytes: &[u8],
    header: Option<&str>,
    reference: &Reference,
    expected: &[Expected],
) -> Finding {
    let actual = &Digest::sha256(bytes);
    let mut problems = Vec::new();
    let mut evidence = serde_json::Map::new();
    evidence.insert("digest".into(), Value::from(actual.as_str()));
    match header {
        Some(h) => {
            evidence.insert("docker_content_digest".into(), Value::from(h));
            let h = h.trim();
            let computed = Digest::parse(h).map(|d| Digest::matching(&d, bytes));
            match computed {
                Ok(c) if c.as_str() == h => {}
                Ok(c) => problems.push(t!("verify.digest.header-mismatch", header = h, actual = c)),
                Err(e) => problems.push(e.to_string()),
            }
        }
        None => {
            evidence.insert("docker_content_digest".into(), Value::Null);
        }
    }
    let mut all: Vec<Expected> = expected.to_vec();
    if let Some(d) = reference.digest().and_then(|d| Digest::parse(d).ok()) {
        all.push(Expected {
            digest: d,
            source: t!("verify.digest.source-reference"),
        });
    }
    let mut sources = Vec::new();
    for e in &all {
        sources.push(e.source.clone());
        let computed = Digest::matching(&e.digest, bytes);
        if computed != e.digest {
            problems.push(t!(
                "verify.digest.mismatch",
                source = e.source,
                expected = e.digest,
                actual = computed
            ));
        }
    }
    evidence.insert(
        "expected".into(),
        Value::from(
            all.iter()
                .map(|e| json!({"digest": e.digest.as_str(), "source": e.source}))
                .collect::<Vec<_>>(),
        ),
    );
    let mut f = if !problems.is_empty() {
        Finding::new(
            CHECK_DIGEST,
            Status::Fail,
            input,
            problems.join(&t!("common.clause-separator")),
        )
        .with_cause("image-digest-mismatch")
    } else if all.is_empty() {
        Finding::new(
            CHECK_DIGEST,
            Status::Pass,
            input,
            t!("verify.digest.ok-unexpected", digest = actual),
        )
    } else {
        Finding::new(
            CHECK_DIGEST,
            Status::Pass,
            input,
            t!(
                "verify.digest.ok",
                digest = actual,
                sources = sources.join(&t!("common.list-separator"))
            ),
        )
    };
    f.evidence = evidence;
    f
}

async fn anonymous_finding<A: Source>(
    anon: &A,
    repo: &str,
    digest: &Digest,
    blob: Option<&Digest>,
    input: &str,
) -> Finding {
    // A refusal (or a 404: the registry hides what an anonymous client may not see) means
    // the image is not public; no answer at all is a network failure like any other.
    let refused = |message: String, e: Option<&SourceError>| {
        let mut f = Finding::new(CHECK_ANONYMOUS, Status::Fail, input, message)
            .with_cause("image-not-public");
        if let Some(e) = e {
            f = with_answer(f, e);
        }
        f
    };
    match anon.get_manifest(repo, digest.as_str()).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            return refused(t!("verify.anonymous.manifest-denied", status = 404), None)
                .with_evidence("status", 404);
        }
        Err(e) => match e.status() {
            Some(status) => {
                return refused(
                    t!("verify.anonymous.manifest-denied", status = status),
                    Some(&e),
                );
            }
            None => return source_failure(CHECK_ANONYMOUS, input, &e),
        },
    }
    if let Some(b) = blob {
        match anon.head_blob(repo, b).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                return refused(
                    t!("verify.anonymous.blob-denied", digest = b, status = 404),
                    None,
                )
                .with_evidence("status", 404);
            }
            Err(e) => match e.status() {
                Some(status) => {
                    return refused(
                        t!("verify.anonymous.blob-denied", digest = b, status = status),
                        Some(&e),
                    );
                }
                None => return source_failure(CHECK_ANONYMOUS, input, &e),
            },
        }
    }
    Finding::new(
        CHECK_ANONYMOUS,
        Status::Pass,
        input,
        t!("verify.anonymous.ok"),
    )
}

/// The registry's answer as evidence: status, error code, its own words.
fn with_answer(mut f: Finding, e: &SourceError) -> Finding {
    if let Some(status) = e.status() {
        f = f.with_evidence("status", status);
    }
    if let Some(code) = e.code() {
        f = f.with_evidence("code", code);
    }
    if let Some(answer) = e.answer() {
        f = f.with_evidence("answer", answer);
    }
    if let Some(bearer) = e.error.refusal().and_then(|r| r.bearer_error()) {
        f = f.with_evidence("bearer_error", bearer);
    }
    f
}

/// A finding for a request that got no usable answer.
fn source_failure(check: &str, input: &str, e: &SourceError) -> Finding {
    let f = Finding::new(
        check,
        Status::Fail,
        input,
        t!("verify.request-failed", error = e),
    )
    .with_cause(e.cause);
    with_answer(f, e)
}

fn platform_label(d: &Descriptor) -> String {
    d.platform
        .as_ref()
        .map_or_else(|| t!("verify.platforms.none"), ToString::to_string)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An in-memory registry for paths a real one cannot produce (a lying
    /// `Docker-Content-Digest`, schema 1, foreign layers).
    #[derive(Default)]
    struct Memory {
        manifests: HashMap<String, (Vec<u8>, String, Option<String>)>,
        blobs: HashMap<String, Vec<u8>>,
        /// Sizes `HEAD` reports instead of the real ones.
        head_sizes: HashMap<String, u64>,
    }

    impl Memory {
        fn manifest(
            &mut self,
            reference: &str,
            body: serde_json::Value,
            media_type: &str,
        ) -> Digest {
            let bytes = serde_json::to_vec(&body).expect("json");
            let digest = Digest::sha256(&bytes);
            let entry = (bytes, media_type.to_owned(), Some(digest.to_string()));
            self.manifests.insert(digest.to_string(), entry.clone());
            self.manifests.insert(reference.to_owned(), entry);
            digest
        }

        fn blob(&mut self, bytes: &[u8], media_type: &str) -> Value {
            let digest = Digest::sha256(bytes);
            self.blobs.insert(digest.to_string(), bytes.to_vec());
            json!({"mediaType": media_type, "digest": digest.as_str(), "size": bytes.len()})
        }
    }

    impl Source for Memory {
        async fn get_manifest(
            &self,
            _repository: &str,
            reference: &str,
        ) -> Result<Option<super::super::source::FetchedManifest>, SourceError> {
            Ok(self
                .manifests
                .get(reference)
                .map(
                    |(bytes, media_type, header)| super::super::source::FetchedManifest {
                        bytes: bytes.clone(),
                        media_type: Some(media_type.clone()),
                        docker_content_digest: header.clone(),
                    },
                ))
        }

        async fn head_blob(
            &self,
            _repository: &str,
            digest: &Digest,
        ) -> Result<Option<Option<u64>>, SourceError> {
            Ok(self.blobs.get(digest.as_str()).map(|b| {
                Some(
                    self.head_sizes
                        .get(digest.as_str())
                        .copied()
                        .unwrap_or(b.len() as u64),
                )
            }))
        }

        async fn get_blob(
            &self,
            _repository: &str,
            digest: &Digest,
            _size: u64,
            sink: &mut (dyn FnMut(&[u8]) + Send),
        ) -> Result<bool, SourceError> {
            match self.blobs.get(digest.as_str()) {
                Some(b) => {
                    for chunk in b.chunks(3) {
                        sink(chunk);
                    }
                    Ok(true)
                }
                None => Ok(false),
            }
        }
    }

    fn run(source: &Memory, input: &str, options: &Options) -> VerifiedImage {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        rt.block_on(verify::<Memory, Memory>(source, None, input, options))
    }

    fn statuses(image: &VerifiedImage, check: &str) -> Vec<Status> {
        image
            .findings
            .iter()
            .filter(|f| f.check == check)
            .map(|f| f.status)
            .collect()
    }

    fn simple(memory: &mut Memory, layers: Vec<Value>) -> Digest {
        let config = memory.blob(
            br#"{"os":"linux","architecture":"riscv64"}"#,
            "application/vnd.oci.image.config.v1+json",
        );
        memory.manifest(
            "v1",
            json!({"schemaVersion": 2, "mediaType": manifest::OCI_MANIFEST, "config": config, "layers": layers}),
            manifest::OCI_MANIFEST,
        )
    }

    #[test]
    fn a_lying_docker_content_digest_fails() {
        let mut m = Memory::default();
        let layer = m.blob(b"layer", "application/vnd.oci.image.layer.v1.tar+gzip");
        simple(&mut m, vec![layer]);
        if let Some(entry) = m.manifests.get_mut("v1") {
            entry.2 = Some(Digest::sha256(b"other").to_string());
        }
        let image = run(&m, "r.example/o/a:v1", &Options::default());
        assert_eq!(statuses(&image, CHECK_DIGEST), vec![Status::Fail]);
        assert_eq!(statuses(&image, CHECK_BLOBS), vec![Status::Pass]);
        assert_eq!(image.platforms, vec!["linux/riscv64"]);
    }

    #[test]
    fn schema1_root_is_refused_with_a_fix_and_the_rest_skipped() {
        let mut m = Memory::default();
        m.manifest(
            "v1",
            json!({"schemaVersion": 1, "name": "o/a", "tag": "v1", "fsLayers": [], "history": []}),
            manifest::DOCKER_SCHEMA1_SIGNED,
        );
        let image = run(&m, "r.example/o/a:v1", &Options::default());
        let f = image
            .findings
            .iter()
            .find(|f| f.check == CHECK_MANIFEST)
            .expect("manifest finding");
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("schema 1"), "{}", f.message);
        assert!(!f.fix.is_empty());
        assert_eq!(statuses(&image, CHECK_BLOBS), vec![Status::Skip]);
        assert_eq!(statuses(&image, CHECK_PLATFORMS), vec![Status::Skip]);
    }

    #[test]
    fn foreign_layers_are_skipped_with_a_note_and_head_size_mismatch_fails() {
        let mut m = Memory::default();
        let good = m.blob(b"layer one", "application/vnd.oci.image.layer.v1.tar+gzip");
        let foreign = json!({
            "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
            "digest": Digest::sha256(b"windows base").as_str(),
            "size": 12,
            "urls": ["https://mcr.example/base"],
        });
        let digest = good["digest"].as_str().expect("digest").to_owned();
        m.head_sizes.insert(digest.clone(), 3);
        simple(&mut m, vec![good, foreign]);
        let image = run(&m, "r.example/o/a:v1", &Options::default());
        assert_eq!(
            statuses(&image, CHECK_BLOBS),
            vec![Status::Fail, Status::Info]
        );
        let fail = image
            .findings
            .iter()
            .find(|f| f.check == CHECK_BLOBS && f.status == Status::Fail)
            .expect("fail");
        assert!(
            fail.message.contains(&digest) && fail.message.contains('3'),
            "{}",
            fail.message
        );
        assert_eq!(fail.evidence["actual_size"], 3);
        // The foreign layer is not counted as something the registry holds.
        assert_eq!(image.blob_count, 2);
    }

    #[test]
    fn shared_blobs_are_checked_once_and_progress_counts_every_byte() {
        use std::sync::atomic::{AtomicU64, Ordering};
        #[derive(Default)]
        struct Count {
            total: AtomicU64,
            done: AtomicU64,
        }
        impl Progress for Count {
            fn add_total(&self, bytes: u64) {
                self.total.fetch_add(bytes, Ordering::SeqCst);
            }
            fn advance(&self, bytes: u64) {
                self.done.fetch_add(bytes, Ordering::SeqCst);
            }
            fn finish(&self) {}
        }
        let mut m = Memory::default();
        let shared = m.blob(
            b"shared base layer",
            "application/vnd.oci.image.layer.v1.tar+gzip",
        );
        let mut children = Vec::new();
        for arch in ["amd64", "arm64"] {
            let config = m.blob(
                format!("{{\"architecture\":\"{arch}\"}}").as_bytes(),
                "application/vnd.oci.image.config.v1+json",
            );
            let own = m.blob(
                arch.as_bytes(),
                "application/vnd.oci.image.layer.v1.tar+gzip",
            );
            let body = json!({"schemaVersion": 2, "mediaType": manifest::OCI_MANIFEST, "config": config, "layers": [shared.clone(), own]});
            let bytes = serde_json::to_vec(&body).expect("json");
            let d = m.manifest(arch, body, manifest::OCI_MANIFEST);
            children.push(json!({"mediaType": manifest::OCI_MANIFEST, "digest": d.as_str(), "size": bytes.len(),
                                 "platform": {"os": "linux", "architecture": arch}}));
        }
        m.manifest(
            "v1",
            json!({"schemaVersion": 2, "mediaType": manifest::OCI_INDEX, "manifests": children}),
            manifest::OCI_INDEX,
        );
        let count = Arc::new(Count::default());
        let options = Options {
            pull: true,
            progress: Some(count.clone()),
            platforms: vec![Platform::parse("linux/arm64").expect("platform")],
            ..Options::default()
        };
        let image = run(&m, "r.example/o/a:v1", &options);
        assert!(image.ok(), "{:#?}", image.findings);
        assert_eq!(image.blob_count, 5);
        assert_eq!(image.layer_count, 3);
        let total = count.total.load(Ordering::SeqCst);
        assert_eq!(total, image.total_size);
        assert_eq!(count.done.load(Ordering::SeqCst), total);
    }

    fn index_of(m: &mut Memory, reference: &str, children: Vec<Value>) -> Digest {
        m.manifest(
            reference,
            json!({"schemaVersion": 2, "mediaType": manifest::OCI_INDEX, "manifests": children}),
            manifest::OCI_INDEX,
        )
    }

    fn child(digest: &str, size: usize, platform: Value, annotations: Value) -> Value {
        json!({"mediaType": manifest::OCI_MANIFEST, "digest": digest, "size": size,
               "platform": platform, "annotations": annotations})
    }

    #[test]
    fn a_child_with_other_content_fails_and_a_missing_attestation_only_warns() {
        let mut m = Memory::default();
        let config = m.blob(b"{}", "application/vnd.oci.image.config.v1+json");
        let body = json!({"schemaVersion": 2, "mediaType": manifest::OCI_MANIFEST, "config": config, "layers": []});
        let bytes = serde_json::to_vec(&body).expect("json");
        let claimed = Digest::sha256(b"what the index promised");
        // The registry answers the promised digest with other bytes.
        m.manifests.insert(
            claimed.to_string(),
            (bytes.clone(), manifest::OCI_MANIFEST.into(), None),
        );
        let lost_attestation = Digest::sha256(b"attestation");
        index_of(
            &mut m,
            "v1",
            vec![
                child(
                    claimed.as_str(),
                    bytes.len(),
                    json!({"os": "linux", "architecture": "amd64"}),
                    json!({}),
                ),
                child(
                    lost_attestation.as_str(),
                    10,
                    json!({"os": "unknown", "architecture": "unknown"}),
                    json!({"vnd.docker.reference.type": "attestation-manifest"}),
                ),
            ],
        );
        let image = run(&m, "r.example/o/a:v1", &Options::default());
        assert_eq!(
            statuses(&image, CHECK_MANIFEST),
            vec![Status::Fail, Status::Warn]
        );
        let fail = &image.findings[0];
        assert!(fail.message.contains(claimed.as_str()), "{}", fail.message);
        assert!(image.attestations.is_empty());
    }

    #[test]
    fn nesting_is_followed_but_bounded() {
        let mut m = Memory::default();
        let config = m.blob(b"{}", "application/vnd.oci.image.config.v1+json");
        let leaf = m.manifest(
            "leaf",
            json!({"schemaVersion": 2, "mediaType": manifest::OCI_MANIFEST, "config": config, "layers": []}),
            manifest::OCI_MANIFEST,
        );
        let leaf_size = m.manifests["leaf"].0.len();
        let mut inner = child(
            leaf.as_str(),
            leaf_size,
            json!({"os": "linux", "architecture": "amd64"}),
            json!({}),
        );
        for depth in 0..6 {
            let d = index_of(&mut m, &format!("level{depth}"), vec![inner.clone()]);
            let size = m.manifests[d.as_str()].0.len();
            inner = json!({"mediaType": manifest::OCI_INDEX, "digest": d.as_str(), "size": size});
            if depth == 1 {
                // Two levels of nesting: followed.
                m.manifests
                    .insert("shallow".into(), m.manifests[d.as_str()].clone());
            }
        }
        let shallow = run(&m, "r.example/o/a:shallow", &Options::default());
        assert!(shallow.ok(), "{:#?}", shallow.findings);
        assert_eq!(shallow.platforms, vec!["linux/amd64"]);
        m.manifests
            .insert("deep".into(), m.manifests["level5"].clone());
        let deep = run(&m, "r.example/o/a:deep", &Options::default());
        assert_eq!(statuses(&deep, CHECK_MANIFEST), vec![Status::Fail]);
    }

    #[test]
    fn the_platform_fix_names_every_requested_platform() {
        let f = platform_findings(
            "r",
            &[Platform::parse("linux/amd64").expect("p")],
            &[],
            &[
                Platform::parse("linux/amd64").expect("p"),
                Platform::parse("linux/arm64").expect("p"),
            ],
            false,
        );
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].fix[0].contains("linux/amd64,linux/arm64"),
            "{:?}",
            f[0].fix
        );
        assert_eq!(f[0].evidence["missing"], json!(["linux/arm64"]));
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MiB");
    }

    #[test]
    fn digest_check_names_every_source_that_disagrees() {
        let bytes = b"x";
        let actual = Digest::sha256(bytes);
        let other = Digest::sha256(b"y");
        let reference = Reference::parse("ghcr.io/o/a:1").expect("reference");
        let f = digest_finding(
            "ghcr.io/o/a:1",
            bytes,
            Some(other.as_str()),
            &reference,
            &[Expected {
                digest: other.clone(),
                source: "--expect-digest".into(),
            }],
        );
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("--expect-digest"), "{}", f.message);
        assert!(f.message.contains(other.as_str()) && f.message.contains(actual.as_str()));
        let ok = digest_finding("r", bytes, Some(actual.as_str()), &reference, &[]);
        assert_eq!(ok.status, Status::Pass);
        let sha512 = Digest::matching(
            &Digest::parse(&format!("sha512:{}", "0".repeat(128))).expect("sha512"),
            bytes,
        );
        let ok = digest_finding(
            "r",
            bytes,
            Some(sha512.as_str()),
            &reference,
            &[Expected {
                digest: sha512.clone(),
                source: "--expect-digest".into(),
            }],
        );
        assert_eq!(ok.status, Status::Pass);
    }
}
