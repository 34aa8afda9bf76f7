//! `check` with both sides, through the real binary: the registry (the real one in token mode,
//! or the ghcr.io fake where ghcr's own wording is needed) and the GitHub API fake. Each
//! denial ends in one final cause, which leads the report (`diagnosis`) with its fix.

use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::check::ghcr::DENIED_SCOPES;
use crate::support::ghcr_fake::{self, Account, Config};
use crate::support::github_fake::{self as gh, GithubFake};
use crate::support::http_server::Server;
use crate::support::image::Pusher;
use crate::support::registry::Registry;
use crate::support::token_server::TokenServer;
use crate::support::{ghcr_doctor, json, stderr, stdout};

const IMAGE: &str = "ghcr.io/acme/app:v1";

/// The GitHub API fake; it serves from its own runtime while the binary runs.
struct Github {
    fake: GithubFake,
}

fn github() -> Github {
    Github {
        fake: GithubFake::start(),
    }
}

impl Github {
    fn requests(&self) -> usize {
        self.fake.requests().len()
    }
}

/// The ghcr.io fake with one account per GitHub fake token whose denial needs ghcr's words.
fn ghcr() -> Server {
    ghcr_fake::start(Config {
        accounts: vec![
            Account::push_denied(
                gh::INSTALLATION,
                "installation not allowed to Write organization package",
            ),
            Account::push_denied(gh::CLASSIC_WRITE, "permission_denied: write_package"),
            Account::push_denied(gh::FINE_GRAINED, DENIED_SCOPES),
            // ghcr.io's bare answer, which alone reads as a bad token.
            Account::push_denied(gh::SSO, "denied"),
            Account::push_denied(gh::RATE_LIMITED, DENIED_SCOPES),
        ],
        public: Vec::new(),
        tags: vec![("acme/app".into(), "v1".into())],
        strict_anonymous: false,
        delay: None,
    })
}

/// The real registry in token mode, with `acme/app:v1` pushed; the token server accepts the
/// GitHub fake's classic tokens (`CLASSIC_WRITE` may push, `CLASSIC_READ` only pull).
fn real_registry() -> (Registry, TokenServer) {
    let ts = TokenServer::start();
    let reg = Registry::start(ts.registry_auth());
    Pusher::with_bearer(&reg.url(), &ts.push_token(&["acme/app"]))
        .simple_image("acme/app", "v1", 1);
    (reg, ts)
}

/// Runs `check` with `token` in GHCR_TOKEN, `ghcr.io` served at `registry`, GitHub's API at
/// `api`, in an empty working directory (no git remote), so the repository comes from the
/// image (`acme/app`). Each request may take 30 s: the fakes answer at once, and a machine
/// running the whole suite under heavy load must not turn a slow answer into a skipped check.
fn run(registry: &str, api: &str, token: &str, args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("home");
    ghcr_doctor(home.path())
        .current_dir(home.path())
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={registry}"),
        )
        .env("GHCR_TOKEN", token)
        .env("GHCR_USERNAME", gh::LOGIN)
        .args(["check", "--github-api-url", api, "--timeout", "30"])
        .args(args)
        .output()
        .expect("run ghcr-doctor")
}

fn run_json(registry: &str, api: &str, token: &str, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    if !args.iter().any(|a| a.contains('/')) {
        all.push(IMAGE);
    }
    let out = run(registry, api, token, &all);
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!text.contains(&token[4..]), "the token leaked: {text}");
    (out.status.code(), json(&out))
}

fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"].as_array().expect("findings")
}

/// The one finding of `check` (ignoring the GitHub side's per-package repeats).
fn one<'a>(doc: &'a Value, check: &str) -> &'a Value {
    let found: Vec<&Value> = findings(doc)
        .iter()
        .filter(|f| f["check"] == check)
        .collect();
    assert_eq!(found.len(), 1, "one {check} in {doc:#}");
    found[0]
}

fn catalog_fix(cause: &str) -> Value {
    Value::from(
        ghcr_doctor::catalog::cause(cause)
            .expect("catalog cause")
            .fix
            .clone(),
    )
}

/// Exit 1; the report leads with one `diagnosis` naming `cause` with the catalog's fix, led
/// by a step naming the credential's source (here `GHCR_TOKEN`) when the cause is about it;
/// the denied check carries `cause`, and `registry_cause` when GitHub changed it.
fn assert_final_cause(
    code: Option<i32>,
    doc: &Value,
    denied: &str,
    cause: &str,
    registry_cause: Option<&str>,
) {
    assert_eq!(code, Some(1), "{doc:#}");
    let lead = &findings(doc)[0];
    assert_eq!(lead["check"], "diagnosis", "{doc:#}");
    assert_eq!(lead["status"], "fail");
    assert_eq!(lead["cause"], cause, "{doc:#}");
    let catalog = catalog_fix(cause);
    let fix = lead["fix"].as_array().expect("fix steps");
    let want = catalog.as_array().expect("catalog steps");
    assert!(
        fix == want
            || (fix[0].as_str().is_some_and(|s| s.contains("`GHCR_TOKEN`"))
                && fix[1..] == want[..]),
        "{fix:#?}"
    );
    assert_eq!(lead["evidence"]["images"], serde_json::json!([IMAGE]));
    assert_eq!(
        findings(doc)
            .iter()
            .filter(|f| f["check"] == "diagnosis")
            .count(),
        1,
        "one cause, one diagnosis"
    );
    let f = one(doc, denied);
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], cause, "{f:#}");
    assert_eq!(
        f["fix"], lead["fix"],
        "the denied probe and the lead give the same steps"
    );
    match registry_cause {
        Some(rc) => assert_eq!(f["evidence"]["registry_cause"], rc, "{f:#}"),
        None => assert!(f["evidence"].get("registry_cause").is_none(), "{f:#}"),
    }
}

#[test]
fn classic_token_without_write_packages_is_missing_the_scope_and_leads_the_text() {
    let (reg, _ts) = real_registry();
    let gh = github();
    let (code, doc) = run_json(&reg.url(), &gh.fake.url(), gh::CLASSIC_READ, &[]);
    assert_final_cause(code, &doc, "registry-push", "token-missing-scope", None);
    // distribution's own answer, and GitHub's scopes, agree.
    assert_eq!(
        one(&doc, "registry-push")["evidence"]["bearer_error"],
        "insufficient_scope"
    );
    assert_eq!(
        one(&doc, "registry-push")["evidence"]["github_agrees"],
        true
    );
    assert_eq!(
        one(&doc, "github-token-scopes")["cause"],
        "token-missing-scope"
    );
    assert_eq!(one(&doc, "registry-pull")["status"], "pass");
    assert_eq!(
        doc["github"]["ghcr.io"]["scopes"],
        serde_json::json!(["repo", "read:packages"])
    );
    // GitHub adds no sequential step: ping, token, probes (no upload opened, no cancel).
    assert_eq!(doc["stats"]["sequential_steps"], 3);
    assert!(gh.requests() >= 4, "GitHub was asked");

    // The text output leads with the cause and its fix.
    let out = run(&reg.url(), &gh.fake.url(), gh::CLASSIC_READ, &[IMAGE]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ghcr.io/acme/app:v1", "{text}");
    assert!(
        lines[1]
            .trim_start()
            .starts_with("✗ diagnosis: The token lacks the package scope")
            && lines[1].ends_with("(token-missing-scope)"),
        "{text}"
    );
    // The first step names where the token came from, then the catalog's follow.
    let fix = catalog_fix("token-missing-scope");
    assert!(lines[2].contains("`GHCR_TOKEN`"), "{text}");
    assert!(text.contains(fix[0].as_str().expect("fix step")), "{text}");
}

#[test]
fn installation_token_not_allowed_to_write_needs_packages_write() {
    let reg = ghcr();
    let gh = github();
    let (code, doc) = run_json(&reg.url(), &gh.fake.url(), gh::INSTALLATION, &[]);
    assert_final_cause(
        code,
        &doc,
        "registry-push",
        "workflow-missing-packages-write",
        None,
    );
    // GITHUB_TOKEN's 403 on /user is expected, not a failure.
    assert_eq!(one(&doc, "github-token-valid")["status"], "pass");
    assert_eq!(doc["github"]["ghcr.io"]["installation"], true);
    // Every request on the wire is counted, GitHub's with the registry's.
    let sent = reg.requests().len() + gh.requests();
    assert_eq!(doc["stats"]["requests"], sent as u64);
}

#[test]
fn write_package_denial_with_the_scope_is_the_packages_access() {
    let reg = ghcr();
    let gh = github();
    let (code, doc) = run_json(&reg.url(), &gh.fake.url(), gh::CLASSIC_WRITE, &[]);
    assert_final_cause(
        code,
        &doc,
        "registry-push",
        "package-access-not-granted",
        None,
    );
    assert_eq!(one(&doc, "github-token-scopes")["status"], "pass");
}

#[test]
fn fine_grained_token_is_unsupported_on_both_sides() {
    let reg = ghcr();
    let gh = github();
    let (code, doc) = run_json(&reg.url(), &gh.fake.url(), gh::FINE_GRAINED, &[]);
    assert_final_cause(
        code,
        &doc,
        "registry-push",
        "token-fine-grained-unsupported",
        None,
    );
    assert_eq!(
        one(&doc, "token-format")["cause"],
        "token-fine-grained-unsupported"
    );
    assert_eq!(
        one(&doc, "github-token-scopes")["cause"],
        "token-fine-grained-unsupported"
    );
}

#[test]
fn expired_token_fails_login_and_github_says_why() {
    // ghcr.io only says it cannot authenticate the token; GitHub's expiry header says why.
    let reg = ghcr();
    let gh = github();
    let (code, doc) = run_json(&reg.url(), &gh.fake.url(), gh::EXPIRED, &[]);
    assert_final_cause(
        code,
        &doc,
        "registry-login",
        "token-expired",
        Some("token-invalid"),
    );
    assert_eq!(one(&doc, "registry-push")["status"], "skip");
    assert_eq!(one(&doc, "github-token-valid")["cause"], "token-expired");
}

#[test]
fn sso_turns_ghcrs_bare_denied_into_sso_not_authorized() {
    let reg = ghcr();
    let gh = github();
    let (code, doc) = run_json(&reg.url(), &gh.fake.url(), gh::SSO, &[]);
    assert_final_cause(
        code,
        &doc,
        "registry-push",
        "sso-not-authorized",
        Some("token-invalid"),
    );
    let repo = one(&doc, "github-repo-access");
    assert_eq!(repo["cause"], "sso-not-authorized");
    assert_eq!(repo["evidence"]["sso_url"], gh::SSO_URL);
}

#[test]
fn rate_limited_github_is_skipped_and_the_registry_verdict_stands() {
    let reg = ghcr();
    let gh = github();
    let (code, doc) = run_json(&reg.url(), &gh.fake.url(), gh::RATE_LIMITED, &[]);
    assert_final_cause(code, &doc, "registry-push", "token-missing-scope", None);
    let github: Vec<&Value> = findings(&doc)
        .iter()
        .filter(|f| {
            f["check"]
                .as_str()
                .is_some_and(|c| c.starts_with("github-"))
        })
        .collect();
    assert!(!github.is_empty());
    for f in github {
        assert_eq!(f["status"], "skip", "{f:#}");
    }
    assert_eq!(one(&doc, "github-token-valid")["cause"], "rate-limited");
    assert_eq!(doc["github"]["ghcr.io"]["rate_limited"], true);
}

#[test]
fn writer_with_write_packages_passes_everything() {
    let (reg, _ts) = real_registry();
    let gh = github();
    let (code, doc) = run_json(&reg.url(), &gh.fake.url(), gh::CLASSIC_WRITE, &[]);
    assert_eq!(code, Some(0), "{doc:#}");
    assert_eq!(doc["ok"], true);
    let reference = one(&doc, "reference-valid")["message"]
        .as_str()
        .expect("message");
    assert!(
        !reference.contains('{'),
        "every placeholder filled: {reference}"
    );
    for f in findings(&doc) {
        assert_ne!(f["status"], "fail", "{f:#}");
        assert_ne!(f["check"], "diagnosis");
    }
    for check in [
        "token-format",
        "registry-login",
        "registry-pull",
        "registry-push",
        "github-token-valid",
        "github-token-scopes",
        "github-repo-access",
        "github-package",
    ] {
        assert_eq!(one(&doc, check)["status"], "pass", "{check}: {doc:#}");
    }
    assert_eq!(
        one(&doc, "github-repo-access")["evidence"]["repo_source"],
        "image"
    );
}

#[test]
fn forced_github_on_another_registry_and_no_github() {
    // The real registry under its own loopback name: not ghcr.io, so GitHub is asked only
    // with --github; distribution's `insufficient_scope` alone is `registry-denied`.
    let (reg, _ts) = real_registry();
    let gh = github();
    let image = format!("{}/acme/app:v1", reg.host());
    let (code, doc) = run_json(
        &reg.url(),
        &gh.fake.url(),
        gh::CLASSIC_READ,
        &["--github", "--repo", "acme/app", &image],
    );
    assert_eq!(code, Some(1));
    let lead = &findings(&doc)[0];
    assert_eq!(lead["check"], "diagnosis");
    assert_eq!(lead["cause"], "token-missing-scope");
    let push = one(&doc, "registry-push");
    assert_eq!(push["cause"], "token-missing-scope");
    assert_eq!(push["evidence"]["registry_cause"], "registry-denied");
    assert_eq!(
        one(&doc, "github-repo-access")["evidence"]["repo_source"],
        "flag"
    );

    // Without --github that registry is not GitHub's: GitHub is not asked.
    let before = gh.requests();
    let (code, doc) = run_json(&reg.url(), &gh.fake.url(), gh::CLASSIC_READ, &[&image]);
    assert_eq!(code, Some(1));
    assert_eq!(findings(&doc)[0]["cause"], "registry-denied");
    assert!(findings(&doc).iter().all(|f| {
        !f["check"]
            .as_str()
            .is_some_and(|c| c.starts_with("github-"))
    }));
    // --no-github: not even for ghcr.io.
    let (_, doc) = run_json(
        &reg.url(),
        &gh.fake.url(),
        gh::CLASSIC_READ,
        &["--no-github"],
    );
    assert!(doc.get("github").is_none());
    assert_eq!(gh.requests(), before, "GitHub was asked");
    assert_eq!(one(&doc, "registry-push")["cause"], "token-missing-scope");
}

#[test]
fn bad_repo_flag_or_env_is_a_usage_error() {
    let gh = github();
    let out = run(
        "http://127.0.0.1:9",
        &gh.fake.url(),
        gh::CLASSIC_WRITE,
        &["--repo", "not a repo", IMAGE],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("--repo"), "{}", stderr(&out));
    let home = tempfile::tempdir().expect("home");
    let out = ghcr_doctor(home.path())
        .env("GITHUB_REPOSITORY", "acme")
        .env("GHCR_TOKEN", gh::CLASSIC_WRITE)
        .args(["check", IMAGE])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("GITHUB_REPOSITORY"),
        "{}",
        stderr(&out)
    );
    assert_eq!(gh.requests(), 0);
}

#[test]
fn github_requests_run_while_the_registry_chain_runs() {
    // The registry answers each request after 300 ms (four sequential steps: 1.2 s), GitHub
    // after 1 s. Each GitHub request notes how many registry requests had arrived: had
    // GitHub been asked after the chain (or before it, waiting), every count would be the
    // chain's total. A structural check; the margins are hundreds of milliseconds.
    const SLOW: &str = "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";
    let reg = ghcr_fake::start(Config {
        accounts: vec![Account::writer(SLOW)],
        public: Vec::new(),
        tags: vec![("acme/app".into(), "v1".into())],
        strict_anonymous: false,
        delay: Some(Duration::from_millis(300)),
    });
    let gh = github();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (log, s) = (reg.log(), seen.clone());
    gh.fake.slow_observed(
        SLOW,
        Duration::from_millis(1000),
        Arc::new(move || {
            let n = log.lock().expect("log").len();
            s.lock().expect("seen").push(n);
        }),
    );
    let (code, doc) = run_json(&reg.url(), &gh.fake.url(), SLOW, &[]);
    assert_eq!(code, Some(0), "{doc:#}");
    let total = reg.requests().len();
    let seen = seen.lock().expect("seen").clone();
    assert!(!seen.is_empty(), "GitHub was asked");
    assert!(
        seen.iter().all(|n| *n < total),
        "GitHub was asked only after the registry's {total} requests: {seen:?}"
    );
    assert_eq!(doc["stats"]["sequential_steps"], 4);
}

#[test]
fn without_a_credential_github_is_skipped_and_not_asked() {
    let reg = ghcr();
    let gh = github();
    let home = tempfile::tempdir().expect("home");
    let out = ghcr_doctor(home.path())
        .current_dir(home.path())
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", reg.url()),
        )
        .args([
            "--format",
            "json",
            "check",
            "--anonymous",
            "--github-api-url",
        ])
        .arg(gh.fake.url())
        .arg(IMAGE)
        .output()
        .expect("run");
    let doc = json(&out);
    for id in ghcr_doctor::github::CHECK_IDS {
        let f = one(&doc, id.id);
        assert_eq!(f["status"], "skip", "{f:#}");
        assert!(
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("no credential")),
            "{f:#}"
        );
    }
    assert_eq!(gh.requests(), 0);
}

#[test]
fn the_token_stays_out_of_every_output_and_trace() {
    let reg = ghcr();
    let gh = github();
    for token in [gh::SSO, gh::EXPIRED, gh::INSTALLATION] {
        let out = run(&reg.url(), &gh.fake.url(), token, &["-vv", IMAGE]);
        assert_eq!(out.status.code(), Some(1));
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(stderr(&out).contains("GET"), "-vv shows HTTP traces");
        assert!(!all.contains(&token[4..]), "the token leaked: {all}");
    }
}
