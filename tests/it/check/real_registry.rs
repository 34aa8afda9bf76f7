//! `check` against the real registry (distribution 2.8) in its three auth modes. After
//! every run, the registry holds no new repository, tag or blob: the storage folder is
//! compared, upload sessions hold no byte, and (open mode) the catalog is unchanged.

use ghcr_doctor::check::{Credentials, Options};
use ghcr_doctor::finding::Status::{Fail, Pass, Skip, Warn};

use super::{assert_nothing_written, cred, expect, finding, holdings, run, stat};
use crate::support::image::Pusher;
use crate::support::registry::{Auth, Registry};
use crate::support::token_server::TokenServer;

fn catalog(reg: &Registry) -> serde_json::Value {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt")
        .block_on(async {
            reqwest::get(format!("{}/v2/_catalog", reg.url()))
                .await
                .expect("catalog")
                .text()
                .await
                .map(|t| serde_json::from_str::<serde_json::Value>(&t).expect("catalog json"))
                .expect("catalog body")
        })
}

#[test]
fn open_registry_everything_passes_a_missing_tag_warns_and_nothing_is_written() {
    let reg = Registry::start(Auth::None);
    Pusher::new(&reg.url(), None).simple_image("team/app", "v1", 1);
    let before = holdings(&reg);
    let catalog_before = catalog(&reg);
    let app = format!("{}/team/app:v1", reg.host());
    let missing = format!("{}/team/app:not-yet", reg.host());
    let fresh = format!("{}/team/fresh:1", reg.host());
    let report = run(
        Options::default(),
        Credentials::Anonymous,
        &[&app, &missing, &fresh],
    );
    for image in [&app, &missing, &fresh] {
        expect(&report, "reference-valid", image, Pass, None);
        expect(&report, "registry-reachable", image, Pass, None);
        expect(&report, "registry-login", image, Pass, None);
        expect(&report, "registry-push", image, Pass, None);
    }
    expect(&report, "registry-pull", &app, Pass, None);
    expect(
        &report,
        "registry-pull",
        &missing,
        Warn,
        Some("image-not-found"),
    );
    expect(
        &report,
        "registry-pull",
        &fresh,
        Warn,
        Some("image-not-found"),
    );
    // Open mode allows the cancel.
    assert_eq!(
        finding(&report, "registry-push", &app)
            .evidence
            .json(ghcr_doctor::evidence::Key::Cancelled),
        true
    );
    assert!(report.ok(), "a missing tag is not a failure");
    assert_nothing_written(&reg, &before);
    assert_eq!(catalog(&reg), catalog_before);
}

#[test]
fn htpasswd_writer_passes_and_a_bad_password_fails_login() {
    let reg = Registry::start(Auth::Htpasswd(vec![("writer".into(), "s3cret".into())]));
    Pusher::new(&reg.url(), Some(("writer", "s3cret"))).simple_image("team/app", "v1", 1);
    let before = holdings(&reg);
    let app = format!("{}/team/app:v1", reg.host());

    let report = run(
        Options::default(),
        cred("writer", "s3cret", "test"),
        &[&app],
    );
    for check in [
        "registry-reachable",
        "registry-login",
        "registry-pull",
        "registry-push",
    ] {
        expect(&report, check, &app, Pass, None);
    }
    assert_eq!(
        finding(&report, "registry-login", &app)
            .evidence
            .json(ghcr_doctor::evidence::Key::AuthScheme),
        "basic"
    );

    let report = run(Options::default(), cred("writer", "wrong", "test"), &[&app]);
    expect(
        &report,
        "registry-login",
        &app,
        Fail,
        Some("registry-unauthorized"),
    );
    expect(&report, "registry-pull", &app, Skip, None);
    expect(&report, "registry-push", &app, Skip, None);
    assert_eq!(report.exit_code(), 1);
    assert_nothing_written(&reg, &before);
}

/// The registry in token mode with the test token server, and a pushed private and public
/// image.
fn token_registry() -> (Registry, TokenServer, String, String) {
    let ts = TokenServer::start();
    let reg = Registry::start(ts.registry_auth());
    let pusher = Pusher::with_bearer(&reg.url(), &ts.push_token(&["private/app", "public/app"]));
    pusher.simple_image("private/app", "v1", 1);
    pusher.simple_image("public/app", "v1", 1);
    let private = format!("{}/private/app:v1", reg.host());
    let public = format!("{}/public/app:v1", reg.host());
    (reg, ts, private, public)
}

#[test]
fn token_mode_grants_are_enforced_and_named() {
    let (reg, ts, private, public) = token_registry();
    let before = holdings(&reg);
    let missing = format!("{}/private/app:nope", reg.host());

    // The writer: everything passes; distribution needs `delete` to cancel, so the empty
    // session is left to expire.
    let report = run(
        Options::default(),
        cred("writer", "writer-pass", "test"),
        &[&private, &missing],
    );
    for check in ["registry-reachable", "registry-login", "registry-push"] {
        expect(&report, check, &private, Pass, None);
    }
    expect(&report, "registry-pull", &private, Pass, None);
    expect(
        &report,
        "registry-pull",
        &missing,
        Warn,
        Some("image-not-found"),
    );
    let push = finding(&report, "registry-push", &private);
    assert_eq!(
        push.evidence.json(ghcr_doctor::evidence::Key::CancelStatus),
        401,
        "{push:#?}"
    );
    assert_eq!(
        push.evidence.json(ghcr_doctor::evidence::Key::Cancelled),
        false
    );
    let login = finding(&report, "registry-login", &private);
    assert_eq!(
        login
            .evidence
            .json(ghcr_doctor::evidence::Key::GrantedActions),
        serde_json::json!(["pull", "push"])
    );
    assert!(report.ok(), "{:#?}", report.findings);

    // The reader: pull passes, push fails with distribution's insufficient_scope.
    let report = run(
        Options::default(),
        cred("reader", "reader-pass", "test"),
        &[&private],
    );
    expect(&report, "registry-pull", &private, Pass, None);
    expect(
        &report,
        "registry-push",
        &private,
        Fail,
        Some("registry-denied"),
    );
    let push = finding(&report, "registry-push", &private);
    assert_eq!(push.evidence.json(ghcr_doctor::evidence::Key::Status), 401);
    assert_eq!(
        push.evidence.json(ghcr_doctor::evidence::Key::BearerError),
        "insufficient_scope"
    );
    assert_eq!(report.exit_code(), 1);

    // Nobody: signed in, but may do nothing.
    let report = run(
        Options::default(),
        cred("nobody", "nobody-pass", "test"),
        &[&private],
    );
    expect(&report, "registry-login", &private, Pass, None);
    expect(
        &report,
        "registry-pull",
        &private,
        Fail,
        Some("registry-denied"),
    );
    expect(
        &report,
        "registry-push",
        &private,
        Fail,
        Some("registry-denied"),
    );

    // A wrong password fails at the token server.
    let report = run(
        Options::default(),
        cred("writer", "not-it", "test"),
        &[&private],
    );
    expect(
        &report,
        "registry-login",
        &private,
        Fail,
        Some("registry-unauthorized"),
    );
    expect(&report, "registry-push", &private, Skip, None);

    // Anonymous: public pulls, private does not, neither pushes.
    let report = run(
        Options::default(),
        Credentials::Anonymous,
        &[&public, &private],
    );
    expect(&report, "registry-login", &public, Pass, None);
    expect(&report, "registry-pull", &public, Pass, None);
    expect(
        &report,
        "registry-pull",
        &private,
        Fail,
        Some("registry-unauthorized"),
    );
    expect(
        &report,
        "registry-push",
        &public,
        Fail,
        Some("registry-unauthorized"),
    );
    expect(
        &report,
        "registry-push",
        &private,
        Fail,
        Some("registry-unauthorized"),
    );

    assert_nothing_written(&reg, &before);
    // Every run above asked the token server once.
    assert_eq!(
        ts.requests().len(),
        5,
        "{:?}",
        ts.requests().iter().map(|r| &r.target).collect::<Vec<_>>()
    );
}

#[test]
fn token_mode_pull_only_and_quick() {
    let (reg, ts, private, _) = token_registry();
    let report = run(
        Options {
            pull_only: true,
            ..Options::default()
        },
        cred("reader", "reader-pass", "test"),
        &[&private],
    );
    expect(&report, "registry-pull", &private, Pass, None);
    assert!(report.findings.iter().all(|f| f.check != "registry-push"));
    assert!(report.ok());
    let req = ts.requests().pop().expect("token request");
    assert_eq!(req.query_all("scope"), vec!["repository:private/app:pull"]);

    let report = run(
        Options {
            quick: true,
            ..Options::default()
        },
        cred("writer", "writer-pass", "test"),
        &[&private],
    );
    let checks: Vec<&str> = report.findings.iter().map(|f| f.check.as_str()).collect();
    assert_eq!(
        checks,
        [
            "reference-valid",
            "token-format",
            "registry-login",
            "registry-push"
        ]
    );
    drop(reg);
}

#[test]
fn round_trips_do_not_grow_with_the_number_of_images() {
    let (reg, ts, _, _) = token_registry();
    let before = holdings(&reg);
    for n in [1usize, 20] {
        ts.server.clear();
        let images: Vec<String> = (0..n)
            .map(|i| format!("{}/team/img{i}:v1", reg.host()))
            .collect();
        let refs: Vec<&str> = images.iter().map(String::as_str).collect();
        let report = run(
            Options::default(),
            cred("writer", "writer-pass", "test"),
            &refs,
        );
        // One token request carrying every scope.
        let token_requests = ts.requests();
        assert_eq!(token_requests.len(), 1);
        assert_eq!(token_requests[0].query_all("scope").len(), n);
        // ping, token, probes, cancels.
        assert_eq!(stat(&report, "sequential_steps"), 4);
        // ping + token + n pulls + n uploads + n cancels.
        assert_eq!(stat(&report, "requests"), 2 + 3 * n as u64);
        for image in &images {
            expect(&report, "registry-push", image, Pass, None);
        }
    }
    assert_nothing_written(&reg, &before);
}

/// `check` through the binary, JSON on stdout, with `env` set.
fn check_cli(image: &str, env: &[(&str, &str)]) -> (Option<i32>, serde_json::Value) {
    let home = tempfile::tempdir().expect("home");
    let mut cmd = crate::support::ghcr_doctor(home.path());
    cmd.args(["check", "--format", "json", image]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run ghcr-doctor");
    (out.status.code(), crate::support::json(&out))
}

fn status_of<'a>(doc: &'a serde_json::Value, check: &str) -> Vec<&'a serde_json::Value> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

#[test]
fn open_registry_without_credential_and_push_allowed_exits_0_with_a_note() {
    let reg = Registry::start(Auth::None);
    let image = format!("{}/team/fresh:1", reg.host());
    let (code, doc) = check_cli(&image, &[]);
    assert_eq!(code, Some(0), "{doc:#}");
    let source = status_of(&doc, "credential-source");
    assert_eq!(source.len(), 1, "{doc:#}");
    assert_eq!(source[0]["status"], "info", "{doc:#}");
    assert_eq!(source[0]["cause"], "no-credentials");
    assert_eq!(status_of(&doc, "registry-push")[0]["status"], "pass");
    // A registry that refuses anonymous pushes still fails for the missing credential.
    let closed = Registry::start(Auth::Htpasswd(vec![("writer".into(), "s3cret".into())]));
    let image = format!("{}/team/fresh:1", closed.host());
    let (code, doc) = check_cli(&image, &[]);
    assert_eq!(code, Some(1), "{doc:#}");
    assert_eq!(status_of(&doc, "credential-source")[0]["status"], "fail");
}

#[test]
fn a_non_github_password_the_registry_accepts_exits_0() {
    // A GitHub prefix with a checksum that does not match, and an ordinary password: both
    // accepted by this registry, so their format is at most a warning.
    let github_shaped = format!("ghp_{}", "a".repeat(36));
    for password in [github_shaped.as_str(), "correct horse battery"] {
        let reg = Registry::start(Auth::Htpasswd(vec![("writer".into(), password.into())]));
        let image = format!("{}/team/fresh:1", reg.host());
        let (code, doc) = check_cli(
            &image,
            &[("GHCR_TOKEN", password), ("GHCR_USERNAME", "writer")],
        );
        assert_eq!(code, Some(0), "{password}: {doc:#}");
        assert_eq!(status_of(&doc, "registry-push")[0]["status"], "pass");
        let format = status_of(&doc, "token-format");
        assert!(format.iter().all(|f| f["status"] != "fail"), "{doc:#}");
        // A GitHub-shaped value for another registry is a note or a warning, never a
        // failure, once the registry accepted it.
        if password == github_shaped {
            assert!(
                matches!(format[0]["status"].as_str(), Some("warn" | "info")),
                "{doc:#}"
            );
        }
        assert!(
            !doc.to_string().contains(password),
            "the password stays inside"
        );
    }
}

/// A credential helper that hangs sends nothing: the registry's refusal of the anonymous
/// requests that follow is not "the registry rejected the credentials".
#[test]
fn a_hanging_helper_is_not_diagnosed_as_rejected_credentials() {
    let (_reg, _ts, private, _public) = token_registry();
    let fx = crate::credentials::Fixture::new();
    fx.helper("hanging", "sleep 30");
    fx.docker_config(r#"{"credsStore":"hanging"}"#);
    let discover = ghcr_doctor::credentials::Options {
        env: fx.env(&[]),
        helper_timeout: Some(std::time::Duration::from_millis(300)),
        ..ghcr_doctor::credentials::Options::default()
    };
    let report = run(
        Options::default(),
        Credentials::Discover(discover),
        &[&private],
    );
    let causes: Vec<(&str, Option<&str>)> = report
        .findings
        .iter()
        .filter(|f| f.is_failure())
        .map(|f| (f.check.as_str(), f.cause.as_deref()))
        .collect();
    assert!(
        causes
            .iter()
            .any(|(check, _)| *check == "credential-helper"),
        "{causes:?}"
    );
    assert!(
        !causes
            .iter()
            .any(|(_, c)| *c == Some("registry-unauthorized")),
        "{causes:?}"
    );
}
