//! The fakes against the recorded shapes of the real services (`tests/data/live/`): the
//! ghcr.io, GitHub and Actions fakes are asked, over HTTP, the questions the live suite
//! (`tests/live/main.rs`) asks ghcr.io and api.github.com, and every answer's shape must match
//! the committed recording. A divergence names the file, the exchange, the request and the
//! field. See `docs/reliability.md` (Live conformance).

#[path = "../live/shape.rs"]
mod shape;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::actions_fake::{self, ActionsFake, FakeJob, Scenario};
use crate::support::ghcr_fake::{self, Account, Config};
use crate::support::github_fake::{self, GithubFake};
use crate::support::root;

/// The fake ghcr.io, set up as the tests set it up for these two credentials: a writer and a
/// classic token without `write:packages`.
const WRITER_SECRET: &str = "ghp_conformanceWriter000000000000000000";
const READER_SECRET: &str = "ghp_conformanceReader000000000000000000";
const DENIED_SCOPES: &str = "permission_denied: The token provided does not match expected scopes.";

fn read_recording(name: &str) -> Value {
    let path = root().join("tests/data/live").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("recording"))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn faked(exchanges: &[shape::Exchange]) -> Vec<&'static str> {
    exchanges
        .iter()
        .filter(|e| e.faked)
        .map(|e| e.name)
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn observe_ghcr_fake() -> BTreeMap<String, Value> {
    let fake = ghcr_fake::start(Config {
        accounts: vec![
            Account::writer(WRITER_SECRET),
            Account::push_denied(READER_SECRET, DENIED_SCOPES),
        ],
        public: vec!["acme/public".into()],
        tags: vec![
            ("acme/app/conformance".into(), "conformance".into()),
            ("acme/public".into(), "latest".into()),
        ],
        strict_anonymous: false,
        delay: None,
    });
    let target = shape::Target {
        base: fake.url(),
        token_url: format!("{}/token", fake.url()),
        writer: Some(("octocat".into(), WRITER_SECRET.into())),
        reader: Some(("octocat".into(), READER_SECRET.into())),
        names: BTreeMap::from([
            ("service", "ghcr.io".to_owned()),
            ("scratch", "acme/app/conformance".to_owned()),
            ("tag", "conformance".to_owned()),
            ("public", "acme/public".to_owned()),
            ("public_tag", "latest".to_owned()),
            ("blob", ghcr_fake::DIGEST.to_owned()),
        ]),
    };
    runtime().block_on(shape::observe_all(&target, shape::GHCR))
}

/// The GitHub exchanges the Actions fake answers (runs, jobs, job logs); the GitHub fake
/// answers the others.
const ACTIONS: [&str; 3] = ["run-writer", "run-jobs-writer", "job-logs-writer"];

fn observe_github_fake() -> BTreeMap<String, Value> {
    let (actions, others): (Vec<shape::Exchange>, Vec<shape::Exchange>) = shape::GITHUB
        .iter()
        .partition(|e| ACTIONS.contains(&e.name));
    let mut observed = observe_actions_fake(&actions);
    observed.extend(observe_github_api_fake(&others));
    observed
}

fn observe_actions_fake(exchanges: &[shape::Exchange]) -> BTreeMap<String, Value> {
    let fake = ActionsFake::start(Scenario::push(
        7,
        "on: push\n",
        vec![FakeJob::new(70, "build", Some("success"), Some("log\n"))],
    ));
    let (owner, repo) = actions_fake::REPO.split_once('/').expect("owner/repo");
    let target = shape::Target {
        base: fake.api.url(),
        token_url: String::new(),
        writer: Some(("x-access-token".into(), actions_fake::TOKEN.into())),
        reader: None,
        names: BTreeMap::from([
            ("owner", owner.to_owned()),
            ("repo", repo.to_owned()),
            ("run_id", "7".to_owned()),
            ("job_id", "70".to_owned()),
        ]),
    };
    runtime().block_on(shape::observe_all(&target, exchanges))
}

fn observe_github_api_fake(exchanges: &[shape::Exchange]) -> BTreeMap<String, Value> {
    let fake = GithubFake::start();
    let target = shape::Target {
        base: fake.url(),
        token_url: String::new(),
        writer: Some(("x-access-token".into(), github_fake::INSTALLATION.into())),
        reader: Some((github_fake::LOGIN.into(), github_fake::CLASSIC_READ.into())),
        names: BTreeMap::from([
            ("owner", "acme".to_owned()),
            ("repo", "app".to_owned()),
            ("owner_kind", "orgs".to_owned()),
            ("package", "app".to_owned()),
        ]),
    };
    runtime().block_on(shape::observe_all(&target, exchanges))
}

#[test]
fn the_ghcr_fake_answers_as_recorded() {
    let observed = observe_ghcr_fake();
    let diff = shape::compare(
        "ghcr.json",
        &read_recording("ghcr.json"),
        &observed,
        "fake",
        &faked(shape::GHCR),
    );
    assert!(
        diff.is_empty(),
        "the ghcr.io fake and tests/data/live/ghcr.json diverge:\n{}",
        diff.join("\n")
    );
}

#[test]
fn the_github_fake_answers_as_recorded() {
    let observed = observe_github_fake();
    let diff = shape::compare(
        "github.json",
        &read_recording("github.json"),
        &observed,
        "fake",
        &faked(shape::GITHUB),
    );
    assert!(
        diff.is_empty(),
        "the GitHub fake and tests/data/live/github.json diverge:\n{}",
        diff.join("\n")
    );
}

/// One field changed in a copy of the recording: the comparison fails and names the
/// endpoint and the field.
#[test]
fn a_changed_field_in_a_copy_of_the_recording_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("ghcr.json");
    let mut doc = read_recording("ghcr.json");
    doc["exchanges"]["upload-cancel"]["status"] = serde_json::json!(204);
    std::fs::write(&copy, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
    let altered: Value =
        serde_json::from_str(&std::fs::read_to_string(&copy).expect("read")).expect("json");
    let observed = observe_ghcr_fake();
    let diff = shape::compare(
        "ghcr.json",
        &altered,
        &observed,
        "fake",
        &faked(shape::GHCR),
    );
    assert_eq!(
        diff,
        vec![
            "ghcr.json `upload-cancel` (DELETE {location:upload-start-writer}): field `status`: recorded 204, fake 405"
                .to_owned()
        ]
    );

    let mut doc = read_recording("github.json");
    doc["exchanges"]["user-reader"]["headers"] = serde_json::json!(["x-oauth-scopes"]);
    let observed = observe_github_fake();
    let diff = shape::compare(
        "github.json",
        &doc,
        &observed,
        "fake",
        &faked(shape::GITHUB),
    );
    assert_eq!(diff.len(), 1, "{diff:?}");
    assert!(
        diff[0].starts_with("github.json `user-reader` (GET /user): field `headers`: recorded [\"x-oauth-scopes\"], fake ["),
        "{diff:?}"
    );
}

/// The recordings say where they come from, hold every exchange the suites ask, and never a
/// token.
#[test]
fn the_recordings_are_complete_and_hold_no_token() {
    let token =
        regex::Regex::new(r"(gh[pousr]_[A-Za-z0-9_]{20,}|github_pat_\w{20,}|eyJ[\w-]{10,})")
            .expect("regex");
    for (file, exchanges) in [("ghcr.json", shape::GHCR), ("github.json", shape::GITHUB)] {
        let doc = read_recording(file);
        assert!(doc["observed"].is_boolean(), "{file}: `observed`");
        assert!(doc["source"].is_string(), "{file}: `source`");
        for e in exchanges {
            assert!(
                doc["exchanges"][e.name].is_object(),
                "{file}: no exchange `{}`",
                e.name
            );
        }
        let text =
            std::fs::read_to_string(root().join("tests/data/live").join(file)).expect("read");
        assert!(!token.is_match(&text), "{file} holds a token");
    }
}
