//! `check` against the in-process ghcr.io fake: GitHub's denial texts, its deviations
//! (403 without a challenge when Basic comes first, 405 on the upload DELETE, no
//! `expires_in`), token kinds, and round trips.

use std::collections::BTreeMap;

use ghcr_doctor::check::{Credentials, Options};
use ghcr_doctor::finding::Status::{Fail, Pass, Skip};

use super::{cred, expect, finding, run, stat};
use crate::support::ghcr_fake::{self, Account, Config};
use crate::support::http_server::Server;

pub const CLASSIC: &str = "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";
// Every token has the format and checksum of its kind, so `token-format` passes it.
const CLASSIC_RO: &str = "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";
const FINE: &str =
    "github_pat_11AAAAAAA0aaaaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
pub const INSTALL: &str = "ghs_cccccccccccccccccccccccccccccc3NkdIS";
const INSTALL_UNGRANTED: &str = "ghs_dddddddddddddddddddddddddddddd2g6kEa";
const STALE: &str = "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";
pub const DENIED_SCOPES: &str =
    "permission_denied: The token provided does not match expected scopes.";

pub fn fake() -> Server {
    ghcr_fake::start(Config {
        accounts: vec![
            Account::writer(CLASSIC),
            Account::push_denied(CLASSIC_RO, DENIED_SCOPES),
            Account::push_denied(FINE, DENIED_SCOPES),
            Account::push_denied(
                INSTALL,
                "installation not allowed to Write organization package",
            ),
            Account::push_denied(INSTALL_UNGRANTED, "permission_denied: write_package"),
            Account {
                login_denied: true,
                ..Account::writer(STALE)
            },
        ],
        public: vec!["octo/public".into()],
        tags: vec![
            ("octo/app".into(), "v1".into()),
            ("octo/public".into(), "v1".into()),
        ],
        strict_anonymous: false,
        delay: None,
    })
}

pub fn options(fake: &Server) -> Options {
    Options {
        endpoints: BTreeMap::from([(
            "ghcr.io".to_owned(),
            url::Url::parse(&fake.url()).expect("url"),
        )]),
        ..Options::default()
    }
}

const APP: &str = "ghcr.io/octo/app:v1";

#[test]
fn a_writer_passes_and_the_405_on_cancel_is_normal() {
    let fake = fake();
    let report = run(
        options(&fake),
        cred("octocat", CLASSIC, "env:GHCR_TOKEN"),
        &[APP],
    );
    for check in [
        "reference-valid",
        "token-format",
        "registry-reachable",
        "registry-login",
        "registry-pull",
        "registry-push",
    ] {
        let target = if check == "token-format" {
            "env:GHCR_TOKEN"
        } else {
            APP
        };
        expect(&report, check, target, Pass, None);
    }
    let push = finding(&report, "registry-push", APP);
    assert_eq!(
        push.evidence.json(ghcr_doctor::evidence::Key::CancelStatus),
        405
    );
    assert!(
        push.message.contains("expires on the server"),
        "{}",
        push.message
    );
    let login = finding(&report, "registry-login", APP);
    assert_eq!(
        login.evidence.json(ghcr_doctor::evidence::Key::TokenFields),
        serde_json::json!(["token"])
    );
    assert_eq!(
        login.evidence.json(ghcr_doctor::evidence::Key::ExpiresIn),
        serde_json::Value::Null
    );
    // The first request carried no credential (ghcr.io answers Basic-first with 403), and
    // Basic went only to the token realm.
    let reqs = fake.requests();
    assert_eq!((reqs[0].method.as_str(), reqs[0].path()), ("GET", "/v2/"));
    assert!(reqs[0].header("authorization").is_none());
    for r in &reqs {
        if r.basic().is_some() {
            assert_eq!(r.path(), "/token");
        }
    }
    let token_req = reqs
        .iter()
        .find(|r| r.path() == "/token")
        .expect("token request");
    assert_eq!(
        token_req.query_all("scope"),
        vec!["repository:octo/app:pull,push"]
    );
    assert_eq!(token_req.query_all("service"), vec!["ghcr.io"]);
}

#[test]
fn denials_are_named_by_message_and_token_kind() {
    let fake = fake();
    let cases = [
        (CLASSIC_RO, "token-missing-scope"),
        (FINE, "token-fine-grained-unsupported"),
        (INSTALL, "workflow-missing-packages-write"),
        (INSTALL_UNGRANTED, "package-access-not-granted"),
    ];
    for (secret, cause) in cases {
        let report = run(
            options(&fake),
            cred("octocat", secret, "env:GHCR_TOKEN"),
            &[APP],
        );
        expect(&report, "registry-login", APP, Pass, None);
        expect(&report, "registry-pull", APP, Pass, None);
        expect(&report, "registry-push", APP, Fail, Some(cause));
        let push = finding(&report, "registry-push", APP);
        assert_eq!(push.evidence.json(ghcr_doctor::evidence::Key::Status), 403);
        assert!(
            push.evidence
                .json(ghcr_doctor::evidence::Key::Answer)
                .as_str()
                .is_some_and(|a| a.starts_with("denied: ")),
            "{push:#?}"
        );
        assert!(!push.fix.is_empty(), "the catalog's fix is attached");
        assert_eq!(report.exit_code(), 1);
    }
    // The fine-grained token is flagged offline too, as `ghcr-doctor token` flags it.
    let report = run(
        options(&fake),
        cred("octocat", FINE, "env:GHCR_TOKEN"),
        &[APP],
    );
    expect(
        &report,
        "token-format",
        "env:GHCR_TOKEN",
        Fail,
        Some("token-fine-grained-unsupported"),
    );
}

#[test]
fn a_bad_token_fails_login_with_token_invalid() {
    let fake = fake();
    let report = run(
        options(&fake),
        cred(
            "octocat",
            "ghp_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "env:GHCR_TOKEN",
        ),
        &[APP],
    );
    expect(&report, "registry-login", APP, Fail, Some("token-invalid"));
    let login = finding(&report, "registry-login", APP);
    assert!(
        login.message.contains("unauthenticated"),
        "{}",
        login.message
    );
    expect(&report, "registry-pull", APP, Skip, None);
    expect(&report, "registry-push", APP, Skip, None);
}

#[test]
fn stale_credentials_on_a_public_image() {
    let fake = fake();
    let public = "ghcr.io/octo/public:v1";
    let report = run(
        options(&fake),
        cred("octocat", STALE, "docker-config:auths"),
        &[public],
    );
    expect(
        &report,
        "registry-login",
        public,
        Fail,
        Some("stale-credentials"),
    );
    let report = run(
        options(&fake),
        cred("octocat", STALE, "env:GHCR_TOKEN"),
        &[public],
    );
    expect(
        &report,
        "registry-login",
        public,
        Fail,
        Some("token-invalid"),
    );
    // Without the stale credential the public image pulls.
    let report = run(options(&fake), Credentials::Anonymous, &[public, APP]);
    expect(&report, "registry-login", public, Pass, None);
    expect(&report, "registry-pull", public, Pass, None);
    expect(
        &report,
        "registry-pull",
        APP,
        Fail,
        Some("registry-unauthorized"),
    );
    expect(
        &report,
        "registry-push",
        public,
        Fail,
        Some("registry-unauthorized"),
    );
}

#[test]
fn access_token_field_alone_is_accepted() {
    let fake = ghcr_fake::start(Config {
        accounts: vec![Account {
            access_token_field: true,
            ..Account::writer(CLASSIC)
        }],
        public: vec![],
        tags: vec![("octo/app".into(), "v1".into())],
        strict_anonymous: false,
        delay: None,
    });
    let report = run(
        options(&fake),
        cred("octocat", CLASSIC, "env:GHCR_TOKEN"),
        &[APP],
    );
    expect(&report, "registry-push", APP, Pass, None);
    let login = finding(&report, "registry-login", APP);
    assert_eq!(
        login.evidence.json(ghcr_doctor::evidence::Key::TokenFields),
        serde_json::json!(["access_token"])
    );
}

#[test]
fn requests_do_not_grow_in_sequence_with_images() {
    let fake = fake();
    for n in [1usize, 10, 50, 120] {
        fake.clear();
        let images: Vec<String> = (0..n).map(|i| format!("ghcr.io/octo/app{i}:v1")).collect();
        let refs: Vec<&str> = images.iter().map(String::as_str).collect();
        let report = run(
            options(&fake),
            cred("octocat", CLASSIC, "env:GHCR_TOKEN"),
            &refs,
        );
        let reqs = fake.requests();
        let tokens: Vec<_> = reqs.iter().filter(|r| r.path() == "/token").collect();
        // One token request per 50 scopes, sent at once.
        assert_eq!(
            tokens.len(),
            n.div_ceil(50),
            "token requests for {n} images"
        );
        assert!(tokens.iter().all(|t| t.query_all("scope").len() <= 50));
        let scopes: usize = tokens.iter().map(|t| t.query_all("scope").len()).sum();
        assert_eq!(scopes, n);
        assert_eq!(reqs.iter().filter(|r| r.path() == "/v2/").count(), 1);
        assert_eq!(reqs.len(), 1 + n.div_ceil(50) + 3 * n);
        // 120 images: 240 probes in waves of 100 (3) and 120 cancels (2).
        let waves = (2 * n).div_ceil(100) + n.div_ceil(100);
        assert_eq!(stat(&report, "sequential_steps"), 2 + waves as u64);
        assert_eq!(
            stat(&report, "requests"),
            (1 + n.div_ceil(50) + 3 * n) as u64
        );
    }
}

#[test]
fn a_realm_that_refuses_several_scopes_gets_one_request_per_scope() {
    use crate::support::http_server::{Req, Resp};
    use std::sync::Arc;
    let server = Server::start(Arc::new(|req: &Req| match req.path() {
        "/v2/" if req.bearer().is_none() => {
            Resp::error(401, "UNAUTHORIZED", "authentication required").header(
                "www-authenticate",
                r#"Bearer realm="/token",service="picky""#,
            )
        }
        "/token" if req.query_all("scope").len() > 1 => {
            Resp::error(400, "UNSUPPORTED", "one scope per request")
        }
        "/token" => {
            let scope = req.query_all("scope").pop().unwrap_or_default();
            Resp::new(200).json(serde_json::json!({"token": format!("t-{scope}")}))
        }
        p if p.ends_with("/blobs/uploads/") && req.method == "POST" => {
            // Each repository's own token must be used for its probe.
            let name = p
                .trim_start_matches("/v2/")
                .trim_end_matches("/blobs/uploads/");
            if req.bearer() == Some(format!("t-repository:{name}:pull,push").as_str()) {
                Resp::new(202).header("location", "/v2/upload/1")
            } else {
                Resp::error(403, "DENIED", "wrong token")
            }
        }
        _ => Resp::new(404),
    }));
    let a = format!("{}/o/a:1", server.host());
    let b = format!("{}/o/b:1", server.host());
    let report = run(
        Options {
            quick: true,
            ..Options::default()
        },
        cred("u", "secret", "test"),
        &[&a, &b],
    );
    expect(&report, "registry-login", &a, Pass, None);
    assert_eq!(
        finding(&report, "registry-login", &a)
            .evidence
            .json(ghcr_doctor::evidence::Key::TokenRequests),
        3
    );
    expect(&report, "registry-push", &a, Pass, None);
    expect(&report, "registry-push", &b, Pass, None);
}

#[test]
fn a_batch_refused_for_one_private_repository_is_retried_per_repository() {
    let fake = ghcr_fake::start(Config {
        public: vec!["octo/public".into()],
        tags: vec![("octo/public".into(), "v1".into())],
        strict_anonymous: true,
        delay: None,
        ..Config::default()
    });
    let public = "ghcr.io/octo/public:v1";
    let report = run(
        Options {
            pull_only: true,
            ..options(&fake)
        },
        Credentials::Anonymous,
        &[public, APP],
    );
    expect(&report, "registry-login", public, Pass, None);
    expect(&report, "registry-pull", public, Pass, None);
    expect(
        &report,
        "registry-login",
        APP,
        Fail,
        Some("registry-unauthorized"),
    );
    expect(&report, "registry-pull", APP, Skip, None);
    let tokens = fake
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/token")
        .count();
    assert_eq!(tokens, 3, "the batch, then one request per repository");
    assert_eq!(stat(&report, "sequential_steps"), 4);
}
