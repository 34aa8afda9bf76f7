//! Hostile or broken servers: every odd answer becomes a failed finding with a specific
//! message, never a panic, a hang or a silent pass.

use std::sync::Arc;

use ghcr_doctor::check::Options;
use ghcr_doctor::finding::Status::{Fail, Skip};

use super::{cred, expect, finding, run};
use crate::support::http_server::{Handler, Req, Resp, Server};

fn bearer_then(token: fn(&Req) -> Resp) -> Handler {
    Arc::new(move |req: &Req| match req.path() {
        "/v2/" => Resp::error(401, "UNAUTHORIZED", "authentication required")
            .header("www-authenticate", r#"Bearer realm="/token",service="x""#),
        "/token" => token(req),
        _ => Resp::new(404),
    })
}

fn login_message(handler: Handler) -> String {
    let server = Server::start(handler);
    let image = format!("{}/o/a:1", server.host());
    let report = run(
        Options::default(),
        cred("u", "s3cr3t-value", "test"),
        &[&image],
    );
    assert_eq!(finding(&report, "registry-login", &image).status, Fail);
    expect(&report, "registry-push", &image, Skip, None);
    finding(&report, "registry-login", &image).message.clone()
}

#[test]
fn broken_token_answers() {
    let m = login_message(bearer_then(|_| {
        let mut r = Resp::new(200).header("content-type", "text/html");
        r.body = b"<html>login</html>".to_vec();
        r
    }));
    assert!(m.contains("unusable"), "{m}");

    let m = login_message(bearer_then(|_| {
        Resp::new(200).json(serde_json::json!({"expires_in": 60}))
    }));
    assert!(m.contains("neither `token` nor `access_token`"), "{m}");

    let m = login_message(bearer_then(|_| {
        let mut r = Resp::new(200).header("content-type", "application/json");
        r.body = vec![b' '; 2 * 1024 * 1024];
        r
    }));
    assert!(
        m.contains("bytes"),
        "an oversized token answer is refused: {m}"
    );

    let m = login_message(Arc::new(|req: &Req| match req.path() {
        "/v2/" => Resp::error(401, "UNAUTHORIZED", "x").header(
            "www-authenticate",
            r#"Bearer realm="http://[::bad",service="x""#,
        ),
        _ => Resp::new(404),
    }));
    assert!(m.contains("realm"), "{m}");
}

#[test]
fn a_server_that_is_not_a_registry() {
    for handler in [
        Arc::new(|_: &Req| Resp::new(404)) as Handler,
        Arc::new(|_: &Req| Resp::error(401, "UNAUTHORIZED", "no challenge at all")),
        Arc::new(|_: &Req| Resp::new(401).header("www-authenticate", "\"\"\",,,=== garbage")),
    ] {
        let server = Server::start(handler);
        let image = format!("{}/o/a:1", server.host());
        let report = run(Options::default(), cred("u", "p", "test"), &[&image]);
        let f = finding(&report, "registry-reachable", &image);
        assert_eq!(f.status, Fail, "{f:#?}");
        assert!(
            f.message.contains("did not answer as a registry"),
            "{}",
            f.message
        );
        expect(&report, "registry-login", &image, Skip, None);
    }
}

#[test]
fn a_redirect_loop_on_the_probe_is_a_failure_not_a_hang() {
    let server = Server::start(Arc::new(|req: &Req| match req.path() {
        "/v2/" => Resp::new(200),
        p => Resp::new(302).header("location", p),
    }));
    let image = format!("{}/o/a:1", server.host());
    let report = run(Options::default(), cred("u", "p", "test"), &[&image]);
    let f = finding(&report, "registry-pull", &image);
    assert_eq!(f.status, Fail);
    assert!(f.message.contains("redirect"), "{}", f.message);
    // A failure always names its cause: an answer the tool cannot follow.
    assert_eq!(f.cause.as_deref(), Some("registry-answer-invalid"));
}

#[test]
fn a_realm_that_echoes_the_secret_does_not_leak_it() {
    let m = login_message(bearer_then(|req| {
        let (_, password) = req.basic().unwrap_or_default();
        Resp::error(
            401,
            "UNAUTHORIZED",
            &format!("bad password {password} for you"),
        )
    }));
    assert!(!m.contains("s3cr3t-value"), "{m}");
    assert!(m.contains("<redacted>"), "{m}");
}

#[test]
fn an_upload_without_location_still_proves_push() {
    let server = Server::start(Arc::new(|req: &Req| {
        match (req.method.as_str(), req.path()) {
            ("GET", "/v2/") => Resp::new(200),
            ("POST", _) => Resp::new(202),
            _ => Resp::new(404),
        }
    }));
    let image = format!("{}/o/a:1", server.host());
    let report = run(
        Options {
            quick: true,
            ..Options::default()
        },
        cred("u", "p", "test"),
        &[&image],
    );
    let f = finding(&report, "registry-push", &image);
    assert_eq!(f.status, ghcr_doctor::finding::Status::Pass);
    assert!(f.message.contains("expires on the server"), "{}", f.message);
    assert_eq!(
        f.evidence.json(ghcr_doctor::evidence::Key::Cancelled),
        false
    );
    // No DELETE was sent to a guessed URL.
    assert!(server.requests().iter().all(|r| r.method != "DELETE"));
}
