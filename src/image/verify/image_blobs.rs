//! The blob level of verify: every config and layer of every manifest, once each, `HEAD`ed
//! or downloaded and hashed (`image-blobs`).

use std::collections::HashMap;
use std::time::Instant;

use futures_util::stream::{self, StreamExt};

use super::walk::{Node, bound};
use super::{Options, descriptor_json, human_size, source_failure};
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::image::manifest::{self, Descriptor, Digest, Hasher, Platform};
use crate::image::source::{Source, SourceError};
use crate::t;

crate::finding::check_meta!(pub CHECK = "image-blobs", docs: "verify.md", messages: "verify.blobs");

/// The most of a config blob kept in memory to read its platform.
const CONFIG_LIMIT: usize = 4 * 1024 * 1024;

/// One blob to check, with the manifests that use it.
pub(super) struct BlobTask {
    pub(super) descriptor: Descriptor,
    pub(super) owners: Vec<String>,
    /// Used only by attestation manifests: problems are warnings.
    pub(super) attestation: bool,
    pub(super) is_layer: bool,
    /// Download it to read the platform (config of a single-manifest image).
    pub(super) read_config: bool,
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
    /// Not asked for: the image's time was up.
    Late,
}

/// The blobs to check, deduplicated, and what is already known about them.
pub(super) struct Plan {
    pub(super) tasks: Vec<BlobTask>,
    pub(super) problems: Vec<Finding>,
    pub(super) notes: Vec<Finding>,
}

pub(super) fn plan_blobs(nodes: &[Node], single: bool, input: &str, limit: usize) -> Plan {
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
                        &CHECK,
                        Outcome::Info,
                        input,
                        t!(
                            "verify.blobs.non-distributable",
                            digest = d.digest,
                            media_type = d.media_type,
                            owner = label
                        ),
                    )
                    .with_evidence(Fact::descriptor(descriptor_json(d))),
                );
                continue;
            }
            if let Some(&i) = by_digest.get(&d.digest) {
                let task = &mut plan.tasks[i];
                if task.descriptor.size != d.size {
                    plan.problems.push(
                        Finding::new(
                            &CHECK,
                            Outcome::Fail(CauseId::ImageIncomplete),
                            input,
                            t!(
                                "verify.blobs.size-disagrees",
                                digest = d.digest,
                                size = d.size,
                                other = task.descriptor.size
                            ),
                        )
                        .with_evidence(Fact::descriptor(descriptor_json(d))),
                    );
                }
                task.owners.push(label.clone());
                task.attestation &= node.attestation;
                task.is_layer |= is_layer;
                continue;
            }
            if plan.tasks.len() >= limit {
                plan.problems.push(bound(
                    input,
                    &CHECK,
                    t!("verify.bounds.blobs", limit = limit),
                ));
                return plan;
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
        Finding::caused(&CHECK, status, CauseId::ImageIncomplete, input, message)
            .with_evidence(Fact::descriptor(descriptor_json(d)))
            .with_evidence(Fact::used_by(task.owners.clone()))
    };
    let f = match outcome {
        BlobOutcome::Present | BlobOutcome::Config(_) | BlobOutcome::Late => return None,
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
        .with_evidence(Fact::actual_size(actual)),
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
        .with_evidence(Fact::actual_digest(actual.as_str())),
        BlobOutcome::Failed(e) => {
            let mut f = source_failure(&CHECK, input, &e)
                .with_evidence(Fact::descriptor(descriptor_json(d)));
            f.status = status;
            f
        }
    };
    Some(f)
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

/// What the blob level found.
pub(super) struct Checked {
    pub(super) problems: Vec<Finding>,
    /// The platform read from the config of a single-manifest image.
    pub(super) config_platform: Option<Platform>,
}

/// Checks every planned blob, at most the options' bound at once.
pub(super) async fn check_all<S: Source>(
    source: &S,
    repo: &str,
    input: &str,
    plan: &Plan,
    options: &Options,
    deadline: Instant,
) -> Checked {
    if let Some(p) = &options.progress
        && options.pull
    {
        p.add_total(plan.tasks.iter().map(|t| t.descriptor.size).sum());
    }
    let mut outcomes = stream::iter(plan.tasks.iter().enumerate())
        .map(|(i, task)| async move {
            if Instant::now() >= deadline {
                return (i, BlobOutcome::Late);
            }
            (i, check_blob(source, repo, task, options).await)
        })
        .buffer_unordered(options.bound(source))
        .collect::<Vec<(usize, BlobOutcome)>>()
        .await;
    if let Some(p) = &options.progress {
        p.finish();
    }
    outcomes.sort_by_key(|(i, _)| *i);
    let mut checked = Checked {
        problems: Vec::new(),
        config_platform: None,
    };
    let late = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, BlobOutcome::Late))
        .count();
    if late > 0 {
        checked.problems.push(
            bound(
                input,
                &CHECK,
                t!("verify.bounds.time", limit = options.limits.time.as_secs()),
            )
            .with_evidence(Fact::unchecked_blobs(late)),
        );
    }
    for (i, outcome) in outcomes {
        match outcome {
            BlobOutcome::Config(bytes) => {
                checked.config_platform = manifest::config_platform(&bytes);
            }
            other => checked
                .problems
                .extend(blob_finding(input, &plan.tasks[i], other)),
        }
    }
    checked
}

/// The `image-blobs` findings: a pass when nothing failed, then the plan's and the level's
/// problems, then the notes (foreign layers).
pub(super) fn findings(
    input: &str,
    plan: Plan,
    problems: Vec<Finding>,
    total_size: u64,
    pull: bool,
) -> Vec<Finding> {
    let mut all = plan.problems;
    all.extend(problems);
    let mut out = Vec::new();
    if !all.iter().any(Finding::is_failure) {
        let how = if pull {
            t!("verify.blobs.mode-pull")
        } else {
            t!("verify.blobs.mode-head")
        };
        out.push(
            Finding::new(
                &CHECK,
                Outcome::Pass,
                input,
                t!(
                    "verify.blobs.ok",
                    count = plan.tasks.len(),
                    size = human_size(total_size),
                    how = how
                ),
            )
            .with_evidence(Fact::blobs(plan.tasks.len()))
            .with_evidence(Fact::total_size(total_size)),
        );
    }
    out.extend(all);
    out.extend(plan.notes);
    out
}
