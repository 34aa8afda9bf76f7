//! Unit tests of the walk against an in-memory registry.

use std::collections::HashMap;

use super::image_digest::digest_finding;
use super::image_platforms::platform_findings;
use super::*;
use crate::finding::Status;
use crate::image::manifest;
use crate::reference::Reference;
use serde_json::{Value, json};

/// An in-memory registry for paths a real one cannot produce (a lying
/// `Docker-Content-Digest`, schema 1, foreign layers).
#[derive(Default)]
struct Memory {
    manifests: HashMap<String, (Vec<u8>, String, Option<String>)>,
    blobs: HashMap<String, Vec<u8>>,
    /// Sizes `HEAD` reports instead of the real ones.
    head_sizes: HashMap<String, u64>,
    /// Manifest requests answered.
    manifest_reads: std::sync::atomic::AtomicUsize,
}

impl Memory {
    fn manifest(&mut self, reference: &str, body: serde_json::Value, media_type: &str) -> Digest {
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
        self.manifest_reads
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
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

fn statuses(image: &VerifiedImage, check: Check) -> Vec<Status> {
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
fn an_absent_docker_content_digest_is_never_said_to_match() {
    let mut m = Memory::default();
    let layer = m.blob(b"layer", "application/vnd.oci.image.layer.v1.tar+gzip");
    let digest = simple(&mut m, vec![layer]);
    for entry in m.manifests.values_mut() {
        entry.2 = None;
    }
    let image = run(&m, "r.example/o/a:v1", &Options::default());
    let f = image
        .findings
        .iter()
        .find(|f| f.check == image_digest::CHECK)
        .expect("digest finding");
    assert_eq!(f.status, Status::Info, "{}", f.message);
    assert!(!f.message.contains("matches"), "{}", f.message);
    assert!(
        f.message.contains("no Docker-Content-Digest"),
        "{}",
        f.message
    );
    // With an expected digest it passes, still without claiming the header matched.
    let pinned = run(&m, &format!("r.example/o/a@{digest}"), &Options::default());
    let f = pinned
        .findings
        .iter()
        .find(|f| f.check == image_digest::CHECK)
        .expect("digest finding");
    assert!(!f.message.contains("matches the registry"), "{}", f.message);
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
    assert_eq!(statuses(&image, image_digest::CHECK), vec![Status::Fail]);
    assert_eq!(statuses(&image, image_blobs::CHECK), vec![Status::Pass]);
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
        .find(|f| f.check == image_manifest::CHECK)
        .expect("manifest finding");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("schema 1"), "{}", f.message);
    assert!(!f.fix.is_empty());
    assert_eq!(statuses(&image, image_blobs::CHECK), vec![Status::Skip]);
    assert_eq!(statuses(&image, image_platforms::CHECK), vec![Status::Skip]);
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
        statuses(&image, image_blobs::CHECK),
        vec![Status::Fail, Status::Info]
    );
    let fail = image
        .findings
        .iter()
        .find(|f| f.check == image_blobs::CHECK && f.status == Status::Fail)
        .expect("fail");
    assert!(
        fail.message.contains(&digest) && fail.message.contains('3'),
        "{}",
        fail.message
    );
    assert_eq!(fail.evidence.json(crate::evidence::Key::ActualSize), 3);
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
        children.push(
            json!({"mediaType": manifest::OCI_MANIFEST, "digest": d.as_str(), "size": bytes.len(),
                             "platform": {"os": "linux", "architecture": arch}}),
        );
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
        statuses(&image, image_manifest::CHECK),
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
    assert_eq!(statuses(&deep, image_manifest::CHECK), vec![Status::Fail]);
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
    assert_eq!(
        f[0].evidence.json(crate::evidence::Key::Missing),
        json!(["linux/arm64"])
    );
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

/// An index listing `times` times each of `children` (amd64 images of `layers` layers each).
fn repeated_index(m: &mut Memory, children: usize, layers: usize, times: usize) {
    let mut entries = Vec::new();
    for c in 0..children {
        let config = m.blob(
            format!("{{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":{c}}}").as_bytes(),
            "application/vnd.oci.image.config.v1+json",
        );
        let layers: Vec<Value> = (0..layers)
            .map(|l| {
                m.blob(
                    format!("layer {c} {l}").as_bytes(),
                    "application/vnd.oci.image.layer.v1.tar+gzip",
                )
            })
            .collect();
        let body = json!({"schemaVersion": 2, "mediaType": manifest::OCI_MANIFEST, "config": config, "layers": layers});
        let size = serde_json::to_vec(&body).expect("json").len();
        let d = m.manifest(&format!("child{c}"), body, manifest::OCI_MANIFEST);
        entries.push(child(
            d.as_str(),
            size,
            json!({"os": "linux", "architecture": "amd64"}),
            json!({}),
        ));
    }
    let listed: Vec<Value> = (0..times).flat_map(|_| entries.clone()).collect();
    index_of(m, "v1", listed);
}

#[test]
fn a_child_listed_thousands_of_times_is_read_once() {
    let mut m = Memory::default();
    repeated_index(&mut m, 1, 20, 8_000);
    let image = run(&m, "r.example/o/a:v1", &Options::default());
    assert!(image.ok(), "{:#?}", image.findings);
    // The index, then its one distinct child: not 8,000 reads.
    assert_eq!(
        m.manifest_reads.load(std::sync::atomic::Ordering::SeqCst),
        2
    );
    assert_eq!(image.platforms, vec!["linux/amd64"]);
    assert_eq!(image.blob_count, 21);
}

fn bound_findings(image: &VerifiedImage) -> Vec<&Finding> {
    image
        .findings
        .iter()
        .filter(|f| f.cause.as_deref() == Some("image-beyond-bounds"))
        .collect()
}

#[test]
fn each_bound_stops_verify_with_a_finding_that_names_it() {
    let mut m = Memory::default();
    repeated_index(&mut m, 3, 4, 2);
    let limited = |limits: Limits| Options {
        limits,
        ..Options::default()
    };
    let cases = [
        (
            Limits {
                children: 2,
                ..Limits::default()
            },
            image_manifest::CHECK,
            "2 distinct child manifests",
        ),
        (
            Limits {
                manifest_bytes: 100,
                ..Limits::default()
            },
            image_manifest::CHECK,
            "100 B",
        ),
        (
            Limits {
                blobs: 7,
                ..Limits::default()
            },
            image_blobs::CHECK,
            "7 distinct blobs",
        ),
        (
            Limits {
                time: std::time::Duration::ZERO,
                ..Limits::default()
            },
            image_manifest::CHECK,
            "0 s",
        ),
    ];
    for (limits, check, named) in cases {
        let image = run(&m, "r.example/o/a:v1", &limited(limits));
        assert!(!image.ok(), "{named}");
        let found = bound_findings(&image);
        assert_eq!(found.len(), 1, "{named}: {:#?}", image.findings);
        assert_eq!(found[0].check, check, "{named}");
        assert_eq!(found[0].status, Status::Fail, "{named}");
        assert!(found[0].message.contains(named), "{}", found[0].message);
    }
    // Within the bounds the same image passes.
    let image = run(&m, "r.example/o/a:v1", &Options::default());
    assert!(image.ok(), "{:#?}", image.findings);
    assert!(bound_findings(&image).is_empty());
}
