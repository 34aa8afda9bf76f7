//! The live conformance suite: asks ghcr.io and api.github.com the questions the in-process
//! fakes answer in the normal suite, records the shape of every answer (statuses, header
//! names, error codes and messages; never a token) and fails when it differs from the
//! committed recording in `tests/data/live/`, with the differences, so the fake and the
//! recording are updated together. Then runs `check`, `verify` and `login --dry-run` end to
//! end on the scratch package.
//!
//! It needs the real services and credentials, so it is `#[ignore]`d: a normal `cargo test`
//! lists it as ignored with the reason, never as passed. `.github/workflows/live.yml` runs it:
//!
//! ```sh
//! GHCR_DOCTOR_LIVE=1 GHCR_DOCTOR_LIVE_TOKEN=... cargo test --test live -- --ignored --nocapture
//! ```
//!
//! Run with `--ignored` but without `GHCR_DOCTOR_LIVE=1` or the token, it fails with
//! "skipped: ..." and the reason: a live run that could not run is not a pass.
//!
//! Settings (environment):
//! - `GHCR_DOCTOR_LIVE=1`: the switch.
//! - `GHCR_DOCTOR_LIVE_TOKEN`: the writer, a token with `packages: write` on the scratch
//!   package (the workflow's `GITHUB_TOKEN`); `GHCR_DOCTOR_LIVE_USER` its user name (default
//!   `GITHUB_ACTOR`).
//! - `GHCR_DOCTOR_LIVE_READONLY_TOKEN` (optional): a classic personal access token without
//!   `write:packages`; its exchanges are skipped (and say so) without it.
//! - `GHCR_DOCTOR_LIVE_REPOSITORY` (default `GITHUB_REPOSITORY`): `owner/name`; the scratch
//!   package is `ghcr.io/<owner/name>/conformance`, pushed by the suite (one tiny image).
//! - `GHCR_DOCTOR_LIVE_PUBLIC` (default `actions/actions-runner:latest`): a public image.
//! - `GHCR_DOCTOR_LIVE_RECORD_DIR` (default `target/live`): where the observed documents go.

#[path = "shape.rs"]
mod shape;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const TAG: &str = "conformance";

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

struct Live {
    user: String,
    writer: String,
    reader: Option<String>,
    owner: String,
    repo: String,
    scratch: String,
    public: String,
    public_tag: String,
    record_dir: PathBuf,
}

/// The settings, or why the suite cannot run.
fn settings() -> Result<Live, String> {
    if var("GHCR_DOCTOR_LIVE").as_deref() != Some("1") {
        return Err("skipped: GHCR_DOCTOR_LIVE is not set (set GHCR_DOCTOR_LIVE=1)".into());
    }
    let writer = var("GHCR_DOCTOR_LIVE_TOKEN").ok_or(
        "skipped: GHCR_DOCTOR_LIVE_TOKEN is not set (a token with packages: write on the scratch package)",
    )?;
    let repository = var("GHCR_DOCTOR_LIVE_REPOSITORY")
        .or_else(|| var("GITHUB_REPOSITORY"))
        .ok_or("skipped: neither GHCR_DOCTOR_LIVE_REPOSITORY nor GITHUB_REPOSITORY is set")?;
    let (owner, repo) = repository.split_once('/').ok_or(format!(
        "GHCR_DOCTOR_LIVE_REPOSITORY `{repository}` is not owner/name"
    ))?;
    let user = var("GHCR_DOCTOR_LIVE_USER")
        .or_else(|| var("GITHUB_ACTOR"))
        .unwrap_or_else(|| owner.to_owned());
    let public = var("GHCR_DOCTOR_LIVE_PUBLIC").unwrap_or("actions/actions-runner:latest".into());
    let (public, public_tag) = public
        .rsplit_once(':')
        .map(|(n, t)| (n.to_owned(), t.to_owned()))
        .unwrap_or((public.clone(), "latest".into()));
    Ok(Live {
        user,
        writer,
        reader: var("GHCR_DOCTOR_LIVE_READONLY_TOKEN"),
        owner: owner.to_owned(),
        repo: repo.to_owned(),
        scratch: format!("{}/conformance", repository.to_ascii_lowercase()),
        public,
        public_tag,
        record_dir: var("GHCR_DOCTOR_LIVE_RECORD_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/live")),
    })
}

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn check(resp: &reqwest::Response, what: &str) {
    assert!(resp.status().is_success(), "{what}: HTTP {}", resp.status());
}

/// Uploads one blob (`POST`, then `PUT` with the digest).
async fn put_blob(client: &reqwest::Client, token: &str, scratch: &str, bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    let base = "https://ghcr.io";
    let resp = client
        .post(format!("{base}/v2/{scratch}/blobs/uploads/"))
        .bearer_auth(token)
        .send()
        .await
        .expect("upload");
    check(&resp, "upload start");
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location")
        .to_owned();
    let mut url = reqwest::Url::parse(base)
        .and_then(|b| b.join(&location))
        .expect("location");
    url.query_pairs_mut().append_pair("digest", &digest);
    let resp = client
        .put(url)
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .expect("blob put");
    check(&resp, "blob upload");
    digest
}

/// Pushes one tiny image (an empty tar as its layer) to `scratch:conformance`, labelled with
/// the repository so the package is linked to it; returns the layer's digest.
async fn push_scratch_image(client: &reqwest::Client, live: &Live) -> String {
    let token_url = format!(
        "https://ghcr.io/token?service=ghcr.io&scope=repository:{}:pull,push",
        live.scratch
    );
    let resp = client
        .get(token_url)
        .basic_auth(&live.user, Some(&live.writer))
        .send()
        .await
        .expect("token request");
    check(&resp, "token for the scratch package");
    let body: Value = serde_json::from_slice(&resp.bytes().await.expect("body")).expect("json");
    let token = body["token"].as_str().expect("token field").to_owned();
    // An empty tar archive: two 512-byte zero blocks.
    let layer = vec![0u8; 1024];
    let config = serde_json::to_vec(&json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [sha256(&layer)]},
        "config": {"Labels": {"org.opencontainers.image.source": format!("https://github.com/{}/{}", live.owner, live.repo)}},
    }))
    .expect("config");
    let layer_digest = put_blob(client, &token, &live.scratch, &layer).await;
    let config_digest = put_blob(client, &token, &live.scratch, &config).await;
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": layer.len()}],
    }))
    .expect("manifest");
    let resp = client
        .put(format!(
            "https://ghcr.io/v2/{}/manifests/{TAG}",
            live.scratch
        ))
        .bearer_auth(&token)
        .header("content-type", "application/vnd.oci.image.manifest.v1+json")
        .body(manifest)
        .send()
        .await
        .expect("manifest put");
    check(&resp, "manifest upload");
    layer_digest
}

/// `GET` on GitHub's API with the writer; the JSON body.
async fn api(client: &reqwest::Client, live: &Live, path: &str) -> Value {
    let resp = client
        .get(format!("https://api.github.com{path}"))
        .bearer_auth(&live.writer)
        .header("accept", "application/vnd.github+json")
        .send()
        .await
        .expect("GitHub API");
    check(&resp, path);
    serde_json::from_slice(&resp.bytes().await.expect("body")).expect("json")
}

fn write_document(live: &Live, file: &str, service: &str, observed: &BTreeMap<String, Value>) {
    std::fs::create_dir_all(&live.record_dir).expect("record dir");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let doc = json!({
        "service": service,
        "observed": true,
        "recorded_at": now,
        "source": "Observed by the live conformance suite (tests/live/main.rs).",
        "exchanges": observed,
    });
    let text = serde_json::to_string_pretty(&doc).expect("json");
    for secret in std::iter::once(&live.writer).chain(live.reader.as_ref()) {
        assert!(!text.contains(secret.as_str()), "a token reached {file}");
    }
    std::fs::write(live.record_dir.join(file), text + "\n").expect("write record");
}

fn committed(file: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/live")
        .join(file);
    serde_json::from_str(&std::fs::read_to_string(path).expect("recording")).expect("json")
}

/// Runs the binary with the writer (or the reader) as `GITHUB_TOKEN`; the JSON report.
fn ghcr_doctor(live: &Live, token: &str, args: &[&str]) -> (Option<i32>, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_ghcr-doctor"))
        .env_remove("GHCR_TOKEN")
        .env_remove("GITHUB_ACTIONS")
        .env("GITHUB_TOKEN", token)
        .env("GHCR_USERNAME", &live.user)
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("run ghcr-doctor");
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), doc)
}

#[test]
#[ignore = "skipped: live suite, runs only with --ignored, GHCR_DOCTOR_LIVE=1 and GHCR_DOCTOR_LIVE_TOKEN (docs/reliability.md)"]
fn live_conformance() {
    let live = match settings() {
        Ok(live) => live,
        Err(reason) => panic!("{reason}"),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = shape::client();
    let blob = rt.block_on(push_scratch_image(&client, &live));

    // Names the GitHub exchanges need: the owner's kind, a finished run and one of its jobs.
    let repo = rt.block_on(api(
        &client,
        &live,
        &format!("/repos/{}/{}", live.owner, live.repo),
    ));
    let owner_kind = if repo["owner"]["type"] == "Organization" {
        "orgs"
    } else {
        "users"
    };
    let runs = rt.block_on(api(
        &client,
        &live,
        &format!(
            "/repos/{}/{}/actions/runs?status=completed&per_page=1",
            live.owner, live.repo
        ),
    ));
    let run_id = runs["workflow_runs"][0]["id"].as_u64().unwrap_or_else(|| {
        panic!(
            "{}/{} has no completed workflow run to read the run, jobs and job-log endpoints from: run any workflow (ci) once",
            live.owner, live.repo
        )
    });
    let jobs = rt.block_on(api(
        &client,
        &live,
        &format!(
            "/repos/{}/{}/actions/runs/{run_id}/jobs",
            live.owner, live.repo
        ),
    ));
    let job_id = jobs["jobs"][0]["id"].as_u64().unwrap_or_default();

    let reader = live.reader.clone().map(|r| (live.user.clone(), r));
    let ghcr = shape::Target {
        base: "https://ghcr.io".into(),
        token_url: "https://ghcr.io/token".into(),
        writer: Some((live.user.clone(), live.writer.clone())),
        reader: reader.clone(),
        names: BTreeMap::from([
            ("service", "ghcr.io".to_owned()),
            ("scratch", live.scratch.clone()),
            ("tag", TAG.to_owned()),
            ("public", live.public.clone()),
            ("public_tag", live.public_tag.clone()),
            ("blob", blob),
        ]),
    };
    let github = shape::Target {
        base: "https://api.github.com".into(),
        token_url: String::new(),
        writer: Some((live.user.clone(), live.writer.clone())),
        reader,
        names: BTreeMap::from([
            ("owner", live.owner.clone()),
            ("repo", live.repo.clone()),
            ("owner_kind", owner_kind.to_owned()),
            (
                "package",
                format!("{}/conformance", live.repo.to_ascii_lowercase()).replace('/', "%2F"),
            ),
            ("run_id", run_id.to_string()),
            ("job_id", job_id.to_string()),
        ]),
    };
    let observed_ghcr = rt.block_on(shape::observe_all(&ghcr, shape::GHCR));
    let observed_github = rt.block_on(shape::observe_all(&github, shape::GITHUB));
    write_document(&live, "ghcr.json", "ghcr.io", &observed_ghcr);
    write_document(&live, "github.json", "api.github.com", &observed_github);

    let all = |exchanges: &[shape::Exchange]| exchanges.iter().map(|e| e.name).collect::<Vec<_>>();
    let mut diff = shape::compare(
        "ghcr.json",
        &committed("ghcr.json"),
        &observed_ghcr,
        "live",
        &all(shape::GHCR),
    );
    diff.extend(shape::compare(
        "github.json",
        &committed("github.json"),
        &observed_github,
        "live",
        &all(shape::GITHUB),
    ));

    // End to end on the scratch package.
    let image = format!("ghcr.io/{}:{TAG}", live.scratch);
    let (code, doc) = ghcr_doctor(&live, &live.writer, &["check", &image]);
    assert_eq!(
        (code, &doc["ok"]),
        (Some(0), &json!(true)),
        "check: {doc:#}"
    );
    let (code, doc) = ghcr_doctor(&live, &live.writer, &["verify", &image]);
    assert_eq!(
        (code, &doc["ok"]),
        (Some(0), &json!(true)),
        "verify: {doc:#}"
    );
    let (code, doc) = ghcr_doctor(
        &live,
        &live.writer,
        &["login", "ghcr.io", "--dry-run", "--for-push", &image],
    );
    assert_eq!(code, Some(0), "login --dry-run: {doc:#}");
    if let Some(reader) = &live.reader {
        let (code, doc) = ghcr_doctor(&live, reader, &["check", &image]);
        assert_eq!(code, Some(1), "check with the read-only token: {doc:#}");
        let push = doc["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["check"] == "registry-push");
        assert_eq!(
            push.map(|f| &f["status"]),
            Some(&json!("fail")),
            "the read-only token's push probe fails: {doc:#}"
        );
    }

    assert!(
        diff.is_empty(),
        "the services answered differently from tests/data/live (update the recording and the fake together; the observed documents are in {}):\n{}",
        live.record_dir.display(),
        diff.join("\n")
    );
}
