//! `verify` against the real registry in token mode (the test token server: `writer` pull and
//! push, `reader` pull, `nobody` nothing, anonymous pull on `public/*`): the credential
//! comes from discovery, one token request covers every image of the registry, and a refusal
//! names its cause. The ghcr.io fake adds GitHub's own refusals.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::{AMD64, ARM64, assert_all_pass, assert_tables_well_formed, findings, verify};
use crate::support::image::{OCI_INDEX, OCI_MANIFEST, Pusher};
use crate::support::registry::Registry;
use crate::support::token_server::TokenServer;
use crate::support::{ghcr_doctor, json, run_with_stdin, stderr, stdout};

/// A token-mode registry holding `private/app:v1` (an OCI index of two platforms with an
/// attestation) and `public/app:v1` (one platform).
struct Fixture {
    reg: Registry,
    ts: TokenServer,
    private: String,
    public: String,
    index_digest: String,
}

fn fixture() -> Fixture {
    let ts = TokenServer::start();
    let reg = Registry::start(ts.registry_auth());
    let pusher = Pusher::with_bearer(&reg.url(), &ts.push_token(&["private/app", "public/app"]));
    let (index, _) = pusher.multi_platform(
        "private/app",
        "v1",
        OCI_INDEX,
        OCI_MANIFEST,
        &[AMD64, ARM64],
        true,
    );
    pusher.image("public/app", Some("v1"), OCI_MANIFEST, AMD64, &[], 2);
    Fixture {
        private: format!("{}/private/app:v1", reg.host()),
        public: format!("{}/public/app:v1", reg.host()),
        index_digest: index.digest,
        reg,
        ts,
    }
}

fn as_user(user: &str, pass: &str) -> [(String, String); 2] {
    [
        ("GHCR_USERNAME".into(), user.into()),
        ("GHCR_TOKEN".into(), pass.into()),
    ]
}

fn run(home: &Path, args: &[&str], env: &[(String, String)]) -> Output {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    verify(home, args, &env)
}

/// Token requests the token server received since the last call, as their scope lists.
fn token_requests(ts: &TokenServer) -> Vec<Vec<String>> {
    let scopes = ts
        .requests()
        .iter()
        .filter(|r| r.path() == "/token")
        .map(|r| r.query_all("scope"))
        .collect();
    ts.server.clear();
    scopes
}

#[test]
fn writer_and_reader_verify_every_image_with_one_token_request() {
    let f = fixture();
    let home = tempfile::tempdir().expect("home");
    token_requests(&f.ts);
    for (user, pass) in [("writer", "writer-pass"), ("reader", "reader-pass")] {
        let out = run(
            home.path(),
            &[
                &f.private,
                &f.public,
                "--platform",
                "linux/amd64,linux/arm64",
            ],
            &as_user(user, pass),
        );
        assert_eq!(out.status.code(), Some(1), "{user}: {}", stdout(&out));
        let doc = json(&out);
        // Both images are complete; only the public one lacks linux/arm64.
        let images = doc["images"].as_array().expect("images");
        assert_eq!(images.len(), 2);
        for image in images {
            assert_eq!(image["credential"], "env:GHCR_TOKEN", "{user}");
        }
        assert_eq!(images[0]["digest"], f.index_digest.as_str());
        assert_eq!(images[0]["attestations"].as_array().map(Vec::len), Some(1));
        assert_eq!(images[0]["layer_count"], 5);
        let fails: Vec<&Value> = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|x| x["status"] == "fail")
            .collect();
        assert_eq!(fails.len(), 1, "{user}: {doc:#}");
        assert_eq!(fails[0]["check"], "image-platforms");
        assert_eq!(fails[0]["target"], f.public.as_str());
        assert_eq!(fails[0]["cause"], "image-platform-missing");
        let text = stdout(&out) + &stderr(&out);
        assert!(!text.contains(pass), "the secret leaked: {text}");
        // ping + token + (index + 3 children + 9 blobs) + (manifest + config + 2 layers),
        // in 5 sequential steps: ping, token, roots, children, every blob at once.
        assert_eq!(doc["stats"]["requests"], 19, "{user}");
        assert_eq!(doc["stats"]["sequential_steps"], 5, "{user}");

        // One token request for the pull scope of both repositories (the session never
        // needed another).
        let requests = token_requests(&f.ts);
        assert_eq!(requests.len(), 1, "{user}: {requests:?}");
        let mut scopes = requests[0].clone();
        scopes.sort();
        assert_eq!(
            scopes,
            vec!["repository:private/app:pull", "repository:public/app:pull"]
        );
    }
}

#[test]
fn an_index_with_attestation_passes_under_token_auth_through_an_endpoint_override() {
    let f = fixture();
    let home = tempfile::tempdir().expect("home");
    // The image named as on ghcr.io, served by the local registry: the override is shared
    // with `check` (GHCR_DOCTOR_REGISTRY_ENDPOINTS).
    let endpoints = format!("ghcr.io={}", f.reg.url());
    let mut env = as_user("reader", "reader-pass").to_vec();
    env.push(("GHCR_DOCTOR_REGISTRY_ENDPOINTS".into(), endpoints));
    let out = run(
        home.path(),
        &[
            "ghcr.io/private/app:v1",
            "--platform",
            "linux/amd64,linux/arm64",
            "--expect-digest",
            &f.index_digest,
            "--concurrency",
            "2",
        ],
        &env,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let doc = json(&out);
    assert_all_pass(&doc);
    // Two at a time: ping, token, the index, 2 waves of children, 5 waves of 9 blobs.
    assert_eq!(doc["stats"]["requests"], 15);
    assert_eq!(doc["stats"]["sequential_steps"], 1 + 1 + 1 + 2 + 5);
    assert_eq!(
        doc["images"][0]["platforms"],
        serde_json::json!(["linux/amd64", "linux/arm64/v8"])
    );
    assert_eq!(findings(&doc, "image-platforms", "info").len(), 1);
}

#[test]
fn nobody_and_a_wrong_password_fail_image_manifest_with_their_cause() {
    let f = fixture();
    let home = tempfile::tempdir().expect("home");
    let out = run(
        home.path(),
        &[&f.private],
        &as_user("nobody", "nobody-pass"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let fails = findings(&doc, "image-manifest", "fail");
    assert_eq!(fails.len(), 1, "{doc:#}");
    assert_eq!(fails[0]["cause"], "registry-denied");
    assert_eq!(fails[0]["evidence"]["status"], 401);
    assert_eq!(fails[0]["evidence"]["bearer_error"], "insufficient_scope");
    assert!(!fails[0]["fix"].as_array().expect("fix").is_empty());
    for check in ["image-digest", "image-platforms", "image-blobs"] {
        assert_eq!(findings(&doc, check, "skip").len(), 1, "{check}: {doc:#}");
    }

    // A wrong password: the token server refuses the login itself.
    let out = run(home.path(), &[&f.private], &as_user("writer", "wrong-pass"));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let fails = findings(&doc, "image-manifest", "fail");
    assert_eq!(fails.len(), 1, "{doc:#}");
    assert_eq!(fails[0]["cause"], "registry-unauthorized");
    assert_eq!(fails[0]["evidence"]["status"], 401);
    assert!(!stdout(&out).contains("wrong-pass"));

    // No credential at all: anonymous, which the private repository refuses.
    let out = run(home.path(), &[&f.private], &[]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["images"][0]["credential"], "anonymous");
    assert_eq!(
        findings(&doc, "image-manifest", "fail")[0]["cause"],
        "registry-unauthorized",
        "{doc:#}"
    );
}

#[test]
fn anonymous_pull_passes_for_public_and_fails_for_private_with_its_cause() {
    let f = fixture();
    let home = tempfile::tempdir().expect("home");
    let out = run(
        home.path(),
        &[&f.public, &f.private, "--anonymous-pull"],
        &as_user("writer", "writer-pass"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let passed = findings(&doc, "image-anonymous-pull", "pass");
    assert_eq!(passed.len(), 1, "{doc:#}");
    assert_eq!(passed[0]["target"], f.public.as_str());
    let failed = findings(&doc, "image-anonymous-pull", "fail");
    assert_eq!(failed.len(), 1, "{doc:#}");
    assert_eq!(failed[0]["target"], f.private.as_str());
    assert_eq!(failed[0]["cause"], "image-not-public");
    assert_eq!(failed[0]["evidence"]["status"], 401);
    assert!(!failed[0]["fix"].as_array().expect("fix").is_empty());
    // Everything else passes: only the anonymous check fails.
    assert_eq!(
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|x| x["status"] == "fail")
            .count(),
        1
    );
    // The anonymous session asked for an anonymous token (no Authorization header).
    let anonymous_tokens =
        f.ts.requests()
            .iter()
            .filter(|r| r.path() == "/token" && r.basic().is_none())
            .count();
    assert!(anonymous_tokens >= 1);
}

#[test]
fn the_credential_method_comes_from_discovery() {
    let f = fixture();
    let home = tempfile::tempdir().expect("home");
    // docker's config, as `docker login` writes it.
    let docker = home.path().join(".docker");
    std::fs::create_dir_all(&docker).expect("docker dir");
    let auth = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode("reader:reader-pass")
    };
    std::fs::write(
        docker.join("config.json"),
        serde_json::json!({"auths": {f.reg.host(): {"auth": auth}}}).to_string(),
    )
    .expect("write docker config");
    let out = run(home.path(), &[&f.private], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(json(&out)["images"][0]["credential"], "docker-config:auths");

    // --password-stdin with --username comes first.
    let mut cmd = ghcr_doctor(home.path());
    cmd.args([
        "verify",
        "--format",
        "json",
        "--username",
        "writer",
        "--password-stdin",
        &f.private,
    ]);
    let out = run_with_stdin(&mut cmd, b"writer-pass\n");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(json(&out)["images"][0]["credential"], "stdin");

    // --token-env names the variable.
    let out = run(
        home.path(),
        &[
            &f.private,
            "--token-env",
            "MY_TOKEN",
            "--username",
            "reader",
        ],
        &[("MY_TOKEN".into(), "reader-pass".into())],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["images"][0]["credential"], "env:MY_TOKEN");

    // A set but empty GHCR_TOKEN is a warning, and discovery goes on to docker's config.
    let out = run(
        home.path(),
        &[&f.private],
        &[("GHCR_TOKEN".into(), String::new())],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["images"][0]["credential"], "docker-config:auths");
    assert_eq!(findings(&doc, "credential-env", "warn").len(), 1, "{doc:#}");
}

#[test]
fn in_github_actions_the_step_summary_is_the_build_report_and_digest_is_an_output() {
    let f = fixture();
    let home = tempfile::tempdir().expect("home");
    let summary = home.path().join("summary.md");
    let outputs = home.path().join("outputs.txt");
    let mut cmd = ghcr_doctor(home.path());
    cmd.args([
        "verify",
        &f.private,
        "--summary-file",
        summary.to_str().expect("utf-8"),
    ])
    .env("GITHUB_ACTIONS", "true")
    .env("GITHUB_STEP_SUMMARY", &summary)
    .env("GITHUB_OUTPUT", &outputs)
    .env("GHCR_USERNAME", "reader")
    .env("GHCR_TOKEN", "reader-pass");
    let out = cmd.output().expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let md = std::fs::read_to_string(&summary).expect("summary");
    // The build report, once (the --summary-file is the step summary itself).
    assert_eq!(md.matches(&f.private).count(), 1, "{md}");
    assert!(md.contains(&f.index_digest), "{md}");
    assert!(md.contains("env:GHCR_TOKEN"), "{md}");
    assert!(md.contains("| `image-blobs` | ✓"), "{md}");
    assert!(!md.contains("reader-pass"));
    assert_tables_well_formed(&md);
    let outputs = std::fs::read_to_string(&outputs).expect("outputs");
    assert!(
        outputs.contains(&format!("digest={}\n", f.index_digest)),
        "{outputs}"
    );
    assert!(outputs.contains("ok=true"), "{outputs}");

    // --format markdown prints the same build report.
    let out = run_md(home.path(), &f.private);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.contains(&f.index_digest) && printed.contains("env:GHCR_TOKEN"));
    assert_tables_well_formed(&printed);
}

fn run_md(home: &Path, image: &str) -> Output {
    ghcr_doctor(home)
        .args(["verify", "--format", "markdown", image])
        .env("GHCR_USERNAME", "reader")
        .env("GHCR_TOKEN", "reader-pass")
        .output()
        .expect("run")
}

/// Through the library: the anonymous ping, one token request, then each manifest and each
/// distinct blob once; no request is repeated for re-authentication.
#[test]
fn requests_are_ping_token_then_each_manifest_and_blob_once() {
    use ghcr_doctor::credentials::Credential;
    use ghcr_doctor::image::{self, source::SessionSource};
    use ghcr_doctor::registry::host::Endpoint;
    use ghcr_doctor::secret::Secret;
    let f = fixture();
    let client =
        ghcr_doctor::http::Client::new(ghcr_doctor::http::Options::default()).expect("client");
    let credential = Credential {
        username: Some("reader".into()),
        secret: Secret::new("reader-pass"),
        source: "test".into(),
        identity_token: false,
    };
    let endpoint = Endpoint::for_domain(&f.reg.host(), false).expect("endpoint");
    let verified = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let source = SessionSource::open(
                client.clone(),
                endpoint,
                Some(&credential),
                &["private/app"],
                Some(16),
            )
            .await;
            image::verify::<_, SessionSource>(&source, None, &f.private, &image::Options::default())
                .await
        });
    assert!(verified.ok(), "{:#?}", verified.findings);
    // ping + token + index + 3 child manifests (2 platforms, 1 attestation) + 9 blobs.
    assert_eq!(client.requests_sent(), 1 + 1 + 1 + 3 + 9);
}

/// Against the ghcr.io fake: a token ghcr.io does not know, and stale credentials in
/// docker's config, are named with GitHub's causes; the secret stays out of every output,
/// `-vv` traces included.
#[test]
fn ghcr_login_refusals_name_github_causes() {
    use crate::support::ghcr_fake::{self, Account, Config};
    let stale = "ghp_staleStaleStaleStaleStaleStaleStale0";
    let fake = ghcr_fake::start(Config {
        accounts: vec![Account {
            login_denied: true,
            ..Account::writer(stale)
        }],
        tags: vec![("octo/app".into(), "v1".into())],
        ..Config::default()
    });
    let home = tempfile::tempdir().expect("home");
    let endpoints = format!("ghcr.io={}", fake.url());
    let unknown = "ghp_unknownUnknownUnknownUnknownUnknown0";
    let mut cmd = ghcr_doctor(home.path());
    cmd.env("GHCR_DOCTOR_REGISTRY_ENDPOINTS", &endpoints)
        .env("GHCR_TOKEN", unknown)
        .args(["-vv", "--format", "json", "verify", "ghcr.io/octo/app:v1"]);
    let out = cmd.output().expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out) + &stderr(&out);
    assert!(!text.contains(unknown), "the secret leaked");
    let doc = json(&out);
    let fails = findings(&doc, "image-manifest", "fail");
    assert_eq!(fails.len(), 1, "{doc:#}");
    assert_eq!(fails[0]["cause"], "token-invalid");
    assert_eq!(fails[0]["evidence"]["status"], 401);

    // The stale entry docker login left behind: ghcr.io answers `denied: denied`.
    let docker = home.path().join(".docker");
    std::fs::create_dir_all(&docker).expect("docker dir");
    let auth = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("octocat:{stale}"))
    };
    std::fs::write(
        docker.join("config.json"),
        serde_json::json!({"auths": {"ghcr.io": {"auth": auth}}}).to_string(),
    )
    .expect("write docker config");
    let out = ghcr_doctor(home.path())
        .env("GHCR_DOCTOR_REGISTRY_ENDPOINTS", &endpoints)
        .args(["--format", "json", "verify", "ghcr.io/octo/app:v1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["images"][0]["credential"], "docker-config:auths");
    let fails = findings(&doc, "image-manifest", "fail");
    assert_eq!(fails[0]["cause"], "stale-credentials", "{doc:#}");
    assert!(!stdout(&out).contains(stale));
}

#[test]
fn two_platforms_of_fifty_layers_cost_five_round_trips_with_the_defaults() {
    use crate::support::image::index;
    let ts = TokenServer::start();
    let reg = Registry::start(ts.registry_auth());
    let pusher = Pusher::with_bearer(&reg.url(), &ts.push_token(&["big/app"]));
    let mut entries = Vec::new();
    for platform in [AMD64, ARM64] {
        let p = pusher.image("big/app", None, OCI_MANIFEST, platform, &[], 50);
        let (os, arch, _) = platform;
        entries.push((
            p.manifest.clone(),
            serde_json::json!({"platform": {"os": os, "architecture": arch}}),
        ));
    }
    let idx = index(OCI_INDEX, &entries);
    pusher.manifest("big/app", "v1", &idx);
    let home = tempfile::tempdir().expect("home");
    let image = format!("{}/big/app:v1", reg.host());
    let out = run(home.path(), &[&image], &as_user("reader", "reader-pass"));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["images"][0]["blob_count"], 102);
    // Ping, token, the index, both children, then all 102 blob HEADs in one wave: over
    // HTTP/1.1 the default bound is a pool of 128 connections.
    assert_eq!(doc["stats"]["requests"], 2 + 1 + 2 + 102);
    assert_eq!(doc["stats"]["sequential_steps"], 5);
}
