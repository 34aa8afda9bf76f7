//! Where credentials go: only to the realm the registry announced when the session began,
//! only over HTTPS or loopback, and with a `registry-login` warning when the realm's host is
//! not the registry's and not a known pair.

use std::sync::Arc;

use ghcr_doctor::check::Options;
use ghcr_doctor::finding::Status::{Fail, Pass, Warn};

use crate::check::{cred, expect, finding, run};
use crate::support::http_server::{Req, Resp, Server};
use crate::support::image::Pusher;
use crate::support::registry::{Auth, Registry};
use crate::support::token_server::TokenServer;

/// The real registry in token mode, announcing the token server under `realm_host`.
fn registry_with_realm_host(ts: &TokenServer, realm_host: &str) -> Registry {
    let Auth::Token {
        realm,
        service,
        issuer,
        root_cert_bundle,
    } = ts.registry_auth()
    else {
        panic!("token auth");
    };
    let realm = realm.replace("127.0.0.1", realm_host);
    Registry::start(Auth::Token {
        realm,
        service,
        issuer,
        root_cert_bundle,
    })
}

#[test]
fn a_realm_on_another_host_warns_naming_both_hosts() {
    let ts = TokenServer::start();
    let reg = registry_with_realm_host(&ts, "localhost");
    Pusher::with_bearer(&reg.url(), &ts.push_token(&["team/app"]))
        .simple_image("team/app", "v1", 1);
    let image = format!("{}/team/app:v1", reg.host());
    let report = run(
        Options::default(),
        cred("writer", "writer-pass", "test"),
        &[&image],
    );
    let login = finding(&report, "registry-login", &image);
    assert_eq!(login.status, Warn, "{login:#?}");
    assert!(
        login.message.contains("localhost") && login.message.contains(&reg.host()),
        "the warning names both hosts: {}",
        login.message
    );
    assert_eq!(
        login.evidence.json(ghcr_doctor::evidence::Key::RealmHost),
        "localhost"
    );
    // The login worked: the probes go on.
    expect(&report, "registry-pull", &image, Pass, None);
    expect(&report, "registry-push", &image, Pass, None);
    assert_eq!(report.exit_code(), 0, "a warning is not a failure");

    // Anonymous: nothing was sent, nothing to warn about.
    let report = run(
        Options::default(),
        ghcr_doctor::check::Credentials::Anonymous,
        &[&image],
    );
    assert_ne!(finding(&report, "registry-login", &image).status, Warn);
}

#[test]
fn a_realm_beside_the_registry_does_not_warn() {
    let ts = TokenServer::start();
    let reg = registry_with_realm_host(&ts, "127.0.0.1");
    let image = format!("{}/team/app:v1", reg.host());
    let report = run(
        Options::default(),
        cred("writer", "writer-pass", "test"),
        &[&image],
    );
    expect(&report, "registry-login", &image, Pass, None);
}

#[test]
fn basic_credentials_never_go_to_a_plain_http_realm_off_loopback() {
    // The realm is plain HTTP on a host that is not loopback: the client refuses before
    // any connection, so the name need not even resolve.
    let server = Server::start(Arc::new(|req: &Req| match req.path() {
        "/v2/" => Resp::error(401, "UNAUTHORIZED", "authentication required").header(
            "www-authenticate",
            r#"Bearer realm="http://token.invalid/token",service="x""#,
        ),
        _ => Resp::new(404),
    }));
    let image = format!("{}/o/a:1", server.host());
    let report = run(
        Options::default(),
        cred("u", "s3cr3t-value", "test"),
        &[&image],
    );
    expect(&report, "registry-login", &image, Fail, Some("network-tls"));
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "no request carried the credential"
    );
}

#[test]
fn a_later_challenge_naming_another_realm_does_not_get_the_credential() {
    // A second token service that would hand out tokens to anyone who asks.
    let other = Server::start(Arc::new(|_: &Req| {
        Resp::new(200).json(serde_json::json!({"token": "other-token"}))
    }));
    let other_realm = format!("{}/token", other.url());
    let registry = Server::start(Arc::new(move |req: &Req| {
        let challenge = |realm: &str, scope: &str| {
            Resp::error(401, "UNAUTHORIZED", "authentication required").header(
                "www-authenticate",
                &format!(r#"Bearer realm="{realm}",service="x",scope="{scope}""#),
            )
        };
        match req.path() {
            "/v2/" => challenge("/token", ""),
            "/token" if req.basic().is_some() => {
                Resp::new(200).json(serde_json::json!({"token": "good-token"}))
            }
            "/token" => Resp::error(401, "UNAUTHORIZED", "credential required"),
            // The manifest answer names another realm for a scope never asked for.
            path if path.starts_with("/v2/o/a/") && req.bearer() == Some("good-token") => {
                challenge(&other_realm, "repository:o/other:pull")
            }
            _ => challenge(&other_realm, "repository:o/a:pull"),
        }
    }));
    let image = format!("{}/o/a:1", registry.host());
    let _ = run(
        Options {
            pull_only: true,
            ..Options::default()
        },
        cred("u", "s3cr3t-value", "test"),
        &[&image],
    );
    assert!(
        registry
            .requests()
            .iter()
            .any(|r| r.path() == "/token" && r.basic().is_some()),
        "the announced realm got the credential"
    );
    assert!(
        other
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "the realm named later never got it: {:?}",
        other.requests()
    );
}

#[test]
fn a_blob_redirect_to_a_storage_host_drops_the_credential() {
    let storage = Server::start(Arc::new(|_: &Req| {
        let mut r = Resp::new(200).header("content-type", "application/octet-stream");
        r.body = b"layer bytes".to_vec();
        r
    }));
    // Another host name for the same loopback: a different host as far as credentials go.
    let storage_url = storage.url().replace("127.0.0.1", "localhost") + "/blob-data";
    let registry = Server::start(Arc::new(move |_: &Req| {
        Resp::new(307).header("location", &storage_url)
    }));
    let client =
        ghcr_doctor::http::Client::new(ghcr_doctor::http::Options::default()).expect("client");
    let url = url::Url::parse(&format!("{}/v2/o/a/blobs/sha256:00", registry.url())).expect("url");
    let response = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt")
        .block_on(client.send(
            ghcr_doctor::http::Request::get(url).auth(ghcr_doctor::http::Auth::Basic {
                username: "u".into(),
                password: ghcr_doctor::secret::Secret::new("s3cr3t-value"),
            }),
            ghcr_doctor::http::BodyLimit::JSON,
        ))
        .expect("the redirect is followed");
    assert_eq!(response.body, b"layer bytes");
    assert!(
        registry
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_some()),
        "the registry got the credential"
    );
    let seen = storage.requests();
    assert_eq!(seen.len(), 1, "the storage host was asked once");
    assert!(
        seen[0].header("authorization").is_none(),
        "the storage host never gets the credential: {:?}",
        seen[0]
    );
}
