//! `ghcr-doctor verify` against the real registry: complete images pass, and images broken
//! for real (a blob's data file deleted after the push, a digest that differs, a missing
//! platform) fail with the exact descriptor.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::support::image::{
    DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, Pusher, sha256,
};
use crate::support::registry::{Auth, Registry};
use crate::support::{ghcr_doctor, json, stderr, stdout};

mod token_auth;

const AMD64: (&str, &str, Option<&str>) = ("linux", "amd64", None);
const ARM64: (&str, &str, Option<&str>) = ("linux", "arm64", Some("v8"));

/// Runs `verify --plain-http --format json ARGS` with extra environment.
fn verify(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = ghcr_doctor(home);
    cmd.args(["verify", "--plain-http", "--format", "json"])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run ghcr-doctor verify")
}

fn findings<'a>(doc: &'a Value, check: &str, status: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == check && f["status"] == status)
        .collect()
}

fn assert_all_pass(doc: &Value) {
    assert_eq!(doc["ok"], true, "{doc:#}");
    for check in [
        "image-manifest",
        "image-digest",
        "image-platforms",
        "image-blobs",
    ] {
        assert_eq!(findings(doc, check, "pass").len(), 1, "{check}: {doc:#}");
    }
    assert!(findings(doc, "image-blobs", "fail").is_empty());
}

#[test]
fn single_arch_oci_image_is_complete() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let pushed =
        Pusher::new(&reg.url(), None).image("team/app", Some("v1"), OCI_MANIFEST, AMD64, &[], 3);
    let image = format!("{}/team/app:v1", reg.host());
    let out = verify(home.path(), &[&image], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let doc = json(&out);
    assert_all_pass(&doc);
    let facts = &doc["images"][0];
    assert_eq!(facts["reference"], image.as_str());
    assert_eq!(facts["digest"], pushed.manifest.digest.as_str());
    assert_eq!(facts["media_type"], OCI_MANIFEST);
    // A single manifest names no platform; it is read from the config blob.
    assert_eq!(facts["platforms"], serde_json::json!(["linux/amd64"]));
    assert_eq!(facts["layer_count"], 3);
    assert_eq!(facts["blob_count"], 4);
    let size: usize = pushed.config.size() + pushed.layers.iter().map(|l| l.size()).sum::<usize>();
    assert_eq!(facts["total_size"], size);
    assert_eq!(facts["credential"], "anonymous");
    assert_eq!(facts["attestations"], serde_json::json!([]));
}

#[test]
fn docker_schema2_image_is_complete_and_digest_pinned_by_reference() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let pushed = Pusher::new(&reg.url(), None).image(
        "team/legacy",
        Some("v2"),
        DOCKER_MANIFEST,
        AMD64,
        &[],
        2,
    );
    let by_digest = format!("{}/team/legacy@{}", reg.host(), pushed.manifest.digest);
    let out = verify(home.path(), &[&by_digest, "--platform", "linux/amd64"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_all_pass(&doc);
    assert_eq!(doc["images"][0]["media_type"], DOCKER_MANIFEST);
    let digest = &findings(&doc, "image-digest", "pass")[0];
    assert_eq!(
        digest["evidence"]["docker_content_digest"],
        pushed.manifest.digest.as_str()
    );
    assert_eq!(
        digest["evidence"]["expected"][0]["digest"],
        pushed.manifest.digest.as_str()
    );
}

#[test]
fn oci_index_with_attestation_lists_it_as_attestation_not_platform() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let (index, pushed) = Pusher::new(&reg.url(), None).multi_platform(
        "team/multi",
        "v1",
        OCI_INDEX,
        OCI_MANIFEST,
        &[AMD64, ARM64],
        true,
    );
    let image = format!("{}/team/multi:v1", reg.host());
    let out = verify(
        home.path(),
        &[
            &image,
            "--platform",
            "linux/amd64,linux/arm64",
            "--expect-digest",
            &index.digest,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_all_pass(&doc);
    let facts = &doc["images"][0];
    assert_eq!(facts["digest"], index.digest.as_str());
    assert_eq!(
        facts["platforms"],
        serde_json::json!(["linux/amd64", "linux/arm64/v8"])
    );
    assert_eq!(
        facts["attestations"],
        serde_json::json!([pushed[2].manifest.digest])
    );
    // The shared base layer is counted once: 1 shared + 2 per platform.
    assert_eq!(facts["layer_count"], 5);
    // 5 layers + 2 configs + the attestation's config and statement.
    assert_eq!(facts["blob_count"], 9);
    let notes = findings(&doc, "image-platforms", "info");
    assert_eq!(notes.len(), 1, "{doc:#}");
    assert!(
        notes[0]["message"]
            .as_str()
            .expect("message")
            .contains("attestation")
    );
}

#[test]
fn docker_manifest_list_with_attestation_is_complete() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    Pusher::new(&reg.url(), None).multi_platform(
        "team/list",
        "v1",
        DOCKER_LIST,
        DOCKER_MANIFEST,
        &[AMD64, ARM64],
        true,
    );
    let out = verify(
        home.path(),
        &[
            &format!("{}/team/list:v1", reg.host()),
            "--platform",
            "linux/arm64",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_all_pass(&doc);
    assert_eq!(doc["images"][0]["media_type"], DOCKER_LIST);
    assert_eq!(
        doc["images"][0]["attestations"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn image_of_fifty_layers_is_complete() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    Pusher::new(&reg.url(), None).image("team/big", Some("v1"), OCI_MANIFEST, AMD64, &[], 50);
    let out = verify(
        home.path(),
        &[&format!("{}/team/big:v1", reg.host()), "--concurrency", "8"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_all_pass(&doc);
    assert_eq!(doc["images"][0]["layer_count"], 50);
}

#[test]
fn a_layer_deleted_from_storage_after_the_push_fails_with_its_descriptor() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let (_, pushed) = Pusher::new(&reg.url(), None).multi_platform(
        "team/broken",
        "v1",
        OCI_INDEX,
        OCI_MANIFEST,
        &[AMD64, ARM64],
        false,
    );
    let lost = pushed[1].layers.last().expect("a layer").clone();
    std::fs::remove_file(reg.blob_data_path(&lost.digest)).expect("delete the layer's data file");
    let out = verify(
        home.path(),
        &[&format!("{}/team/broken:v1", reg.host())],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["ok"], false);
    let fails = findings(&doc, "image-blobs", "fail");
    assert_eq!(fails.len(), 1, "{doc:#}");
    let f = fails[0];
    let message = f["message"].as_str().expect("message");
    assert!(
        message.contains(&lost.digest) && message.contains("linux/arm64"),
        "{message}"
    );
    assert_eq!(f["evidence"]["descriptor"]["digest"], lost.digest.as_str());
    assert_eq!(f["evidence"]["descriptor"]["size"], lost.size());
    assert_eq!(
        f["evidence"]["descriptor"]["mediaType"],
        lost.media_type.as_str()
    );
    assert!(findings(&doc, "image-blobs", "pass").is_empty());
    // The other checks still pass: only the blob is reported.
    assert_eq!(findings(&doc, "image-manifest", "pass").len(), 1);
}

#[test]
fn a_child_manifest_deleted_from_storage_fails() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let (_, pushed) = Pusher::new(&reg.url(), None).multi_platform(
        "team/child",
        "v1",
        OCI_INDEX,
        OCI_MANIFEST,
        &[AMD64, ARM64],
        false,
    );
    let child = &pushed[0].manifest;
    std::fs::remove_file(reg.blob_data_path(&child.digest)).expect("delete the child's data file");
    let out = verify(
        home.path(),
        &[
            &format!("{}/team/child:v1", reg.host()),
            "--platform",
            "linux/amd64",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let fails = findings(&doc, "image-manifest", "fail");
    assert_eq!(fails.len(), 1, "{doc:#}");
    assert_eq!(
        fails[0]["evidence"]["descriptor"]["digest"],
        child.digest.as_str()
    );
    // Without that manifest, linux/amd64 is not there either.
    assert_eq!(
        findings(&doc, "image-platforms", "fail").len(),
        1,
        "{doc:#}"
    );
}

#[test]
fn an_expected_digest_that_differs_fails_and_names_both() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let pushed =
        Pusher::new(&reg.url(), None).image("team/app", Some("v1"), OCI_MANIFEST, AMD64, &[], 1);
    let other = sha256(b"another build");
    let out = verify(
        home.path(),
        &[
            &format!("{}/team/app:v1", reg.host()),
            "--expect-digest",
            &other,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let fails = findings(&doc, "image-digest", "fail");
    assert_eq!(fails.len(), 1, "{doc:#}");
    let message = fails[0]["message"].as_str().expect("message");
    assert!(
        message.contains(&other) && message.contains(&pushed.manifest.digest),
        "{message}"
    );
    assert!(message.contains("--expect-digest"), "{message}");
    assert!(!fails[0]["fix"].as_array().expect("fix").is_empty());
}

#[test]
fn metadata_file_gives_images_and_the_expected_digest() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let pusher = Pusher::new(&reg.url(), None);
    let (index, _) = pusher.multi_platform(
        "team/meta",
        "v1",
        OCI_INDEX,
        OCI_MANIFEST,
        &[AMD64, ARM64],
        true,
    );
    let image = format!("{}/team/meta:v1", reg.host());
    let good = home.path().join("good.json");
    std::fs::write(
        &good,
        serde_json::json!({
            "buildx.build.ref": "builder/builder0/abc",
            "containerimage.digest": index.digest,
            "image.name": format!("{image},{}/team/meta:latest-missing", reg.host()),
        })
        .to_string(),
    )
    .expect("write metadata");
    // No IMAGE argument: image.name lists two; the second tag was never pushed.
    let out = verify(
        home.path(),
        &["--metadata-file", good.to_str().expect("utf-8")],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let images = doc["images"].as_array().expect("images");
    assert_eq!(images.len(), 2);
    let first: Vec<&Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["target"] == image.as_str())
        .collect();
    assert!(first.iter().all(|f| f["status"] != "fail"), "{first:#?}");
    let digest = first
        .iter()
        .find(|f| f["check"] == "image-digest")
        .expect("digest finding");
    assert!(
        digest["message"]
            .as_str()
            .expect("message")
            .contains("good.json")
    );
    let missing = findings(&doc, "image-manifest", "fail");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["cause"], "image-not-found");

    // A metadata file from another build: the digest differs.
    let stale = home.path().join("stale.json");
    std::fs::write(
        &stale,
        serde_json::json!({"containerimage.digest": sha256(b"old"), "image.name": image})
            .to_string(),
    )
    .expect("write metadata");
    let out = verify(
        home.path(),
        &[&image, "--metadata-file", stale.to_str().expect("utf-8")],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(findings(&doc, "image-digest", "fail").len(), 1, "{doc:#}");
}

#[test]
fn a_missing_platform_fails_and_lists_what_is_there() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    Pusher::new(&reg.url(), None).multi_platform(
        "team/plat",
        "v1",
        OCI_INDEX,
        OCI_MANIFEST,
        &[AMD64, ARM64],
        true,
    );
    let out = verify(
        home.path(),
        &[
            &format!("{}/team/plat:v1", reg.host()),
            "--platform",
            "linux/amd64,linux/s390x",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let fails = findings(&doc, "image-platforms", "fail");
    assert_eq!(fails.len(), 1, "{doc:#}");
    assert_eq!(
        fails[0]["evidence"]["missing"],
        serde_json::json!(["linux/s390x"])
    );
    let message = fails[0]["message"].as_str().expect("message");
    assert!(
        message.contains("linux/amd64") && message.contains("linux/arm64"),
        "{message}"
    );
    assert!(
        !message.contains("unknown/unknown"),
        "attestations are not platforms: {message}"
    );
}

#[test]
fn pull_detects_a_blob_whose_content_changed_but_not_its_size() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let pushed =
        Pusher::new(&reg.url(), None).image("team/rot", Some("v1"), OCI_MANIFEST, AMD64, &[], 2);
    let image = format!("{}/team/rot:v1", reg.host());
    let out = verify(home.path(), &[&image, "--pull"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(json(&out)["images"][0]["pulled"], true);

    let victim = &pushed.layers[0];
    let mut bytes = victim.bytes.clone();
    bytes[0] ^= 0x20;
    std::fs::write(reg.blob_data_path(&victim.digest), &bytes).expect("overwrite the data file");
    // HEAD sees the right size, so only --pull can notice.
    let out = verify(home.path(), &[&image], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = verify(home.path(), &[&image, "--pull"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let fails = findings(&doc, "image-blobs", "fail");
    assert_eq!(fails.len(), 1, "{doc:#}");
    assert_eq!(
        fails[0]["evidence"]["actual_digest"],
        sha256(&bytes).as_str()
    );
}

#[test]
fn anonymous_pull_fails_on_a_private_registry_and_the_credential_source_is_reported() {
    let reg = Registry::start(Auth::Htpasswd(vec![("ci".into(), "s3cret-pass".into())]));
    let home = tempfile::tempdir().expect("home");
    Pusher::new(&reg.url(), Some(("ci", "s3cret-pass"))).image(
        "team/priv",
        Some("v1"),
        OCI_MANIFEST,
        AMD64,
        &[],
        1,
    );
    let image = format!("{}/team/priv:v1", reg.host());
    let env = [("GHCR_USERNAME", "ci"), ("GHCR_TOKEN", "s3cret-pass")];
    let summary = home.path().join("summary.md");
    let out = verify(
        home.path(),
        &[
            &image,
            "--anonymous-pull",
            "--summary-file",
            summary.to_str().expect("utf-8"),
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out) + &stderr(&out);
    assert!(!text.contains("s3cret-pass"), "the secret leaked: {text}");
    let doc = json(&out);
    for check in ["image-manifest", "image-digest", "image-blobs"] {
        assert_eq!(findings(&doc, check, "pass").len(), 1, "{check}: {doc:#}");
    }
    let anon = findings(&doc, "image-anonymous-pull", "fail");
    assert_eq!(anon.len(), 1, "{doc:#}");
    assert_eq!(anon[0]["evidence"]["status"], 401);
    assert_eq!(doc["images"][0]["credential"], "env:GHCR_TOKEN");

    let md = std::fs::read_to_string(&summary).expect("summary written");
    assert!(!md.contains("s3cret-pass"));
    assert!(
        md.contains("env:GHCR_TOKEN") && md.contains("image-anonymous-pull"),
        "{md}"
    );
    assert!(md.len() < 1024 * 1024);
    assert_tables_well_formed(&md);

    // Without the credential the registry refuses, and says so.
    let out = verify(home.path(), &[&image], &[]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let fails = findings(&doc, "image-manifest", "fail");
    assert_eq!(fails[0]["cause"], "registry-unauthorized", "{doc:#}");
    assert_eq!(findings(&doc, "image-blobs", "skip").len(), 1);
}

#[test]
fn anonymous_pull_passes_on_an_open_registry() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    Pusher::new(&reg.url(), None).image("team/pub", Some("v1"), OCI_MANIFEST, AMD64, &[], 1);
    let out = verify(
        home.path(),
        &[&format!("{}/team/pub:v1", reg.host()), "--anonymous-pull"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        findings(&json(&out), "image-anonymous-pull", "pass").len(),
        1
    );
}

/// Every table's rows have as many cells as its header.
fn assert_tables_well_formed(md: &str) {
    let mut header_cells = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            header_cells = None;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count() - 1;
        match header_cells {
            None => header_cells = Some(cells),
            Some(n) => assert_eq!(
                cells, n,
                "row with {cells} cells under a header of {n}: {line}"
            ),
        }
    }
}

#[test]
fn summary_of_a_broken_and_a_good_image_is_valid_markdown() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let pusher = Pusher::new(&reg.url(), None);
    pusher.multi_platform(
        "team/a",
        "v1",
        OCI_INDEX,
        OCI_MANIFEST,
        &[AMD64, ARM64],
        true,
    );
    let b = pusher.image("team/b", Some("v1"), OCI_MANIFEST, AMD64, &[], 2);
    std::fs::remove_file(reg.blob_data_path(&b.layers[0].digest)).expect("delete");
    let summary = home.path().join("summary.md");
    let out = verify(
        home.path(),
        &[
            &format!("{}/team/a:v1", reg.host()),
            &format!("{}/team/b:v1", reg.host()),
            "--summary-file",
            summary.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(&summary).expect("summary");
    assert_tables_well_formed(&md);
    assert!(md.contains("linux/amd64, linux/arm64/v8"), "{md}");
    assert!(md.contains(&b.layers[0].digest), "{md}");
    assert!(md.contains("| `image-blobs` | ✗"), "{md}");
    assert!(md.contains("| `image-blobs` | ✓"), "{md}");
}

#[test]
fn text_output_and_usage_errors() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    Pusher::new(&reg.url(), None).image("team/app", Some("v1"), OCI_MANIFEST, AMD64, &[], 1);
    let image = format!("{}/team/app:v1", reg.host());
    let out = ghcr_doctor(home.path())
        .args(["verify", "--plain-http", &image])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with(&format!("{image}: ✓ complete")), "{text}");
    let out = ghcr_doctor(home.path())
        .args(["verify", "-v", "--plain-http", &image])
        .output()
        .expect("run");
    assert!(stdout(&out).contains("✓ image-blobs"), "{}", stdout(&out));

    for bad in [
        vec!["--expect-digest", "sha256:abc"],
        vec!["--platform", "linux"],
        vec!["--metadata-file", "/nonexistent/metadata.json"],
    ] {
        let out = ghcr_doctor(home.path())
            .args(["verify", "--plain-http", &image])
            .args(&bad)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty());
    }
    let out = ghcr_doctor(home.path())
        .args(["verify"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_unreachable_registry_is_a_network_failure_not_a_hang() {
    let home = tempfile::tempdir().expect("home");
    let port = crate::support::registry::free_port();
    let out = verify(
        home.path(),
        &[&format!("127.0.0.1:{port}/team/app:v1"), "--timeout", "5"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    let fails = findings(&doc, "image-manifest", "fail");
    assert_eq!(fails[0]["cause"], "network-refused", "{doc:#}");
}

#[test]
fn a_truncated_blob_in_storage_fails_on_its_size() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let pushed =
        Pusher::new(&reg.url(), None).image("team/cut", Some("v1"), OCI_MANIFEST, AMD64, &[], 2);
    let victim = &pushed.layers[1];
    let cut = &victim.bytes[..victim.size() / 2];
    std::fs::write(reg.blob_data_path(&victim.digest), cut).expect("truncate the data file");
    let out = verify(home.path(), &[&format!("{}/team/cut:v1", reg.host())], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let fails = findings(&doc, "image-blobs", "fail");
    assert_eq!(fails.len(), 1, "{doc:#}");
    assert_eq!(fails[0]["evidence"]["actual_size"], cut.len());
    assert_eq!(fails[0]["evidence"]["descriptor"]["size"], victim.size());
}

#[test]
fn format_markdown_prints_the_build_report() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let pushed =
        Pusher::new(&reg.url(), None).image("team/md", Some("v1"), OCI_MANIFEST, AMD64, &[], 2);
    let out = ghcr_doctor(home.path())
        .args(["verify", "--plain-http", "--format", "markdown"])
        .arg(format!("{}/team/md:v1", reg.host()))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    assert!(md.starts_with("## "), "{md}");
    assert!(md.contains(&pushed.manifest.digest), "{md}");
    assert!(md.contains("| `image-blobs` | ✓"), "{md}");
    assert_tables_well_formed(&md);
}

/// Each manifest and each distinct blob is asked for exactly once: shared layers are not
/// asked for twice, and nothing is fetched again.
#[test]
fn every_manifest_and_distinct_blob_is_requested_once() {
    use ghcr_doctor::image::{self, source::SessionSource};
    use ghcr_doctor::registry::host::Endpoint;
    let reg = Registry::start(Auth::None);
    Pusher::new(&reg.url(), None).multi_platform(
        "team/count",
        "v1",
        OCI_INDEX,
        OCI_MANIFEST,
        &[AMD64, ARM64],
        true,
    );
    let client =
        ghcr_doctor::http::Client::new(ghcr_doctor::http::Options::default()).expect("client");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let input = format!("{}/team/count:v1", reg.host());
    let endpoint = Endpoint::for_domain(&reg.host(), false).expect("endpoint");
    let verified = rt.block_on(async {
        let source =
            SessionSource::open(client.clone(), endpoint, None, &["team/count"], Some(16)).await;
        image::verify::<_, SessionSource>(&source, None, &input, &image::Options::default()).await
    });
    assert!(verified.ok(), "{:#?}", verified.findings);
    // 1 index + 3 child manifests (2 platforms, 1 attestation) + 9 distinct blobs
    // (1 shared base layer, 2 own layers and 1 config per platform, the attestation's
    // config and statement).
    assert_eq!(verified.blob_count, 9);
    // The anonymous ping, then the manifests and blobs (this registry needs no token).
    assert_eq!(client.requests_sent(), 1 + 1 + 3 + 9);
}

#[test]
fn a_blob_grown_in_storage_fails_and_pull_stops_at_the_descriptor_size() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let pushed =
        Pusher::new(&reg.url(), None).image("team/grow", Some("v1"), OCI_MANIFEST, AMD64, &[], 1);
    let victim = &pushed.layers[0];
    let grown = vec![b'x'; 4 * 1024 * 1024];
    std::fs::write(reg.blob_data_path(&victim.digest), &grown).expect("grow the data file");
    let image = format!("{}/team/grow:v1", reg.host());
    let out = verify(home.path(), &[&image], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(
        findings(&doc, "image-blobs", "fail")[0]["evidence"]["actual_size"],
        grown.len()
    );
    let out = verify(home.path(), &[&image, "--pull"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let fails = findings(&doc, "image-blobs", "fail");
    assert_eq!(fails.len(), 1, "{doc:#}");
    let message = fails[0]["message"].as_str().expect("message");
    assert!(
        message.contains(&victim.digest) && message.contains("more than"),
        "{message}"
    );
}

#[test]
fn a_credential_over_plain_http_to_a_remote_registry_is_a_warning() {
    let home = tempfile::tempdir().expect("home");
    let out = verify(
        home.path(),
        &["registry.invalid/team/app:v1", "--timeout", "5"],
        &[
            ("GHCR_TOKEN", "plain-http-secret"),
            (
                "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
                "registry.invalid=http://registry.invalid:5000",
            ),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    let warned = findings(&doc, "plain-http", "warn");
    assert_eq!(warned.len(), 1, "{doc:#}");
    assert_eq!(warned[0]["target"], "registry.invalid");
    let fails = findings(&doc, "image-manifest", "fail");
    assert_eq!(fails[0]["cause"], "network-dns", "{doc:#}");
    assert!(!stdout(&out).contains("plain-http-secret"));
}

/// An index listing the same child thousands of times costs what the image costs: the child
/// is read once and its blobs checked once (it used to cost a read and a copy per listing).
#[test]
fn an_index_listing_one_child_thousands_of_times_reads_it_once() {
    use crate::support::image::index;
    let reg = Registry::start(Auth::None);
    let pusher = Pusher::new(&reg.url(), None);
    let child = pusher.image("team/many", None, OCI_MANIFEST, AMD64, &[], 3);
    let entry = (
        child.manifest.clone(),
        serde_json::json!({"platform": {"os": "linux", "architecture": "amd64"}}),
    );
    let listed = vec![entry; 5_000];
    let idx = index(OCI_INDEX, &listed);
    assert!(idx.size() > 900_000, "{}", idx.size());
    pusher.manifest("team/many", "v1", &idx);
    let home = tempfile::tempdir().expect("home");
    let out = verify(home.path(), &[&format!("{}/team/many:v1", reg.host())], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_all_pass(&doc);
    assert_eq!(
        doc["images"][0]["platforms"],
        serde_json::json!(["linux/amd64"])
    );
    // The ping, the index, the one child, its config and 3 layers.
    assert_eq!(doc["stats"]["requests"], 1 + 1 + 1 + 4);
}
