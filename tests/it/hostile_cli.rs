//! Hostile servers at command level: `verify` and `check` through the binary against a
//! server that sends a 1 GiB manifest, truncated JSON, garbage `WWW-Authenticate`, 500, or
//! 429 with `Retry-After`. Each run ends with exit code 1, a failed finding with a named
//! cause in the JSON report, well within a generous hang guard, and a bounded number of
//! requests.

use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::ghcr_doctor;
use crate::support::hostile::{Behaviour, Server};
use crate::support::http_server::{Req, Resp, Server as Fake};

/// Far above any timeout involved: a run that takes this long is a hang.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// Waits for `child` up to the hang guard; kills it and fails the test past that.
fn wait_guarded(mut child: Child, what: &str) -> (Output, Duration) {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            let out = child.wait_with_output().expect("output");
            return (out, start.elapsed());
        }
        if start.elapsed() > HANG_GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {HANG_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(home: &Path, args: &[&str]) -> (Output, Duration) {
    let child = ghcr_doctor(home)
        .args(["--format", "json"])
        .args(args)
        .env("GHCR_TOKEN", "hostile-test-secret")
        .env("GHCR_USERNAME", "u")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ghcr-doctor");
    wait_guarded(child, &args.join(" "))
}

/// The JSON report of a run that failed on the registry's answer, and the failed findings.
fn failed(out: &Output) -> (Value, Vec<Value>) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit 1 for a failed check\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let fails: Vec<Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail")
        .cloned()
        .collect();
    assert!(!fails.is_empty(), "a failed finding: {doc:#}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("hostile-test-secret"),
        "no secret in the report"
    );
    (doc, fails)
}

/// The one failed finding of `check` with a cause, its cause and message.
fn cause_of(fails: &[Value], check: &str) -> (String, String) {
    let f = fails
        .iter()
        .find(|f| f["check"] == check)
        .unwrap_or_else(|| panic!("a failed {check}: {fails:#?}"));
    (
        f["cause"].as_str().unwrap_or_default().to_owned(),
        f["message"].as_str().unwrap_or_default().to_owned(),
    )
}

fn verify(server_host: &str) -> (Output, Duration) {
    let home = tempfile::tempdir().expect("home");
    let image = format!("{server_host}/o/a:1");
    run(
        home.path(),
        &["verify", "--plain-http", "--timeout", "5", &image],
    )
}

fn raw(status_line: &str, headers: &str, body: &str) -> Behaviour {
    Behaviour::Raw(format!(
        "HTTP/1.1 {status_line}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ))
}

#[test]
fn verify_a_1_gib_manifest_is_cut_at_4_mib() {
    let server = Server::start(Behaviour::HugeBody(1 << 30));
    let (out, took) = verify(&format!("127.0.0.1:{}", server.port));
    let (_, fails) = failed(&out);
    let (cause, message) = cause_of(&fails, "image-manifest");
    assert!(!cause.is_empty(), "a named cause: {fails:#?}");
    assert!(
        message.contains("4194304") || message.contains("4 MiB"),
        "the message names the cap: {message}"
    );
    assert!(took < HANG_GUARD, "{took:?}");
}

#[test]
fn verify_a_truncated_json_manifest_fails_with_a_named_cause() {
    let server = Server::start(raw(
        "200 OK",
        "Content-Type: application/vnd.oci.image.manifest.v1+json\r\n\
         Docker-Content-Digest: sha256:0000000000000000000000000000000000000000000000000000000000000000\r\n",
        r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"#,
    ));
    let (out, _) = verify(&format!("127.0.0.1:{}", server.port));
    let (_, fails) = failed(&out);
    let (cause, message) = cause_of(&fails, "image-manifest");
    assert!(!cause.is_empty(), "a named cause: {fails:#?}");
    assert!(!message.is_empty());
}

#[test]
fn verify_garbage_www_authenticate_fails_with_a_named_cause() {
    let server = Server::start(raw(
        "401 Unauthorized",
        "WWW-Authenticate: \"\"\",,,=== garbage\r\nWWW-Authenticate: Bearer realm=\r\n",
        "",
    ));
    let (out, _) = verify(&format!("127.0.0.1:{}", server.port));
    let (_, fails) = failed(&out);
    let (cause, _) = cause_of(&fails, "image-manifest");
    assert!(!cause.is_empty(), "a named cause: {fails:#?}");
}

#[test]
fn verify_500_fails_without_retries() {
    let server = Server::start(raw("500 Internal Server Error", "", "boom"));
    let (out, _) = verify(&format!("127.0.0.1:{}", server.port));
    let (_, fails) = failed(&out);
    let (cause, message) = cause_of(&fails, "image-manifest");
    assert!(!cause.is_empty(), "a named cause: {fails:#?}");
    assert!(message.contains("500"), "{message}");
    let connections = server
        .connections
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        connections <= 2,
        "500 is not retried: {connections} requests"
    );
}

#[test]
fn verify_429_with_retry_after_is_retried_a_bounded_number_of_times() {
    let server = Server::start(raw(
        "429 Too Many Requests",
        "Retry-After: 1\r\nContent-Type: application/json\r\n",
        r#"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"#,
    ));
    let (out, _) = verify(&format!("127.0.0.1:{}", server.port));
    let (_, fails) = failed(&out);
    let (cause, _) = cause_of(&fails, "image-manifest");
    assert_eq!(cause, "rate-limited", "{fails:#?}");
    let connections = server
        .connections
        .load(std::sync::atomic::Ordering::Relaxed);
    // One request, retried three times (and the same for a second request at most).
    assert!(
        (4..=8).contains(&connections),
        "bounded retries: {connections} requests"
    );
}

fn check(host: &str) -> (Output, Duration) {
    let home = tempfile::tempdir().expect("home");
    let image = format!("{host}/o/a:1");
    run(home.path(), &["check", "--timeout", "5", &image])
}

#[test]
fn check_garbage_www_authenticate_fails_with_a_named_cause() {
    let server = Server::start(raw(
        "401 Unauthorized",
        "WWW-Authenticate: \"\"\",,,=== garbage\r\n",
        "",
    ));
    let (out, _) = check(&format!("127.0.0.1:{}", server.port));
    let (_, fails) = failed(&out);
    let (cause, message) = cause_of(&fails, "registry-reachable");
    assert!(!cause.is_empty(), "a named cause: {fails:#?}");
    assert!(message.contains("401"), "{message}");
}

#[test]
fn check_a_truncated_json_token_answer_fails_with_a_named_cause() {
    let fake = Fake::start(Arc::new(|req: &Req| match req.path() {
        "/v2/" => Resp::error(401, "UNAUTHORIZED", "authentication required")
            .header("www-authenticate", r#"Bearer realm="/token",service="x""#),
        "/token" => {
            let mut r = Resp::new(200).header("content-type", "application/json");
            r.body = br#"{"token": "eyJhbGciOi"#.to_vec();
            r
        }
        _ => Resp::new(404),
    }));
    let (out, _) = check(&fake.host());
    let (_, fails) = failed(&out);
    let (cause, message) = cause_of(&fails, "registry-login");
    assert!(!cause.is_empty(), "a named cause: {fails:#?}");
    assert!(message.contains("unusable"), "{message}");
}

#[test]
fn silent_trickling_header_flooding_and_resetting_servers_end_with_a_named_cause() {
    for behaviour in [
        Behaviour::Silent,
        Behaviour::Trickle,
        Behaviour::HugeHeaders(64 * 1024),
        Behaviour::Reset,
    ] {
        let server = Server::start(behaviour.clone());
        let host = format!("127.0.0.1:{}", server.port);
        let image = format!("{host}/o/a:1");
        for (command, check) in [
            (
                vec!["verify", "--plain-http", "--timeout", "2"],
                "image-manifest",
            ),
            (vec!["check", "--timeout", "2"], "registry-reachable"),
        ] {
            let home = tempfile::tempdir().expect("home");
            let mut args = command.clone();
            args.push(&image);
            let (out, took) = run(home.path(), &args);
            let (_, fails) = failed(&out);
            // 64 KiB of headers are within what the client accepts: the `{}` body after them
            // is then an answer to judge (not a manifest, not a registry), and `failed`
            // already saw the failed finding.
            if matches!(behaviour, Behaviour::HugeHeaders(_)) {
                assert!(took < Duration::from_secs(30), "{behaviour:?}: {took:?}");
                continue;
            }
            let (cause, message) = cause_of(&fails, check);
            assert!(
                !cause.is_empty() && !message.is_empty(),
                "{behaviour:?} {}: a named cause: {fails:#?}",
                command[0]
            );
            // Generous: a few timeouts of 2 s each, never the hang guard.
            assert!(took < Duration::from_secs(30), "{behaviour:?}: {took:?}");
        }
    }
}

/// Every hostile mode of the suite: the match fails to compile when a mode is added and not
/// listed here.
fn every_hostile_mode() -> Vec<(&'static str, Behaviour)> {
    let modes = vec![
        ("silent", Behaviour::Silent),
        ("trickle", Behaviour::Trickle),
        ("huge headers", Behaviour::HugeHeaders(64 * 1024)),
        ("huge body", Behaviour::HugeBody(64 * 1024 * 1024)),
        ("reset", Behaviour::Reset),
        ("500", raw("500 Internal Server Error", "", "boom")),
        (
            "garbage challenge",
            raw(
                "401 Unauthorized",
                "WWW-Authenticate: \"\"\",,,=== garbage\r\n",
                "",
            ),
        ),
        (
            "realm not a URL",
            raw(
                "401 Unauthorized",
                "WWW-Authenticate: Bearer realm=\"http://[::1\",service=\"x\"\r\n",
                "",
            ),
        ),
        ("404 at /v2/", raw("404 Not Found", "", "nothing here")),
        (
            "429",
            raw("429 Too Many Requests", "Retry-After: 0\r\n", "slow down"),
        ),
    ];
    for (_, m) in &modes {
        match m {
            Behaviour::Silent
            | Behaviour::Trickle
            | Behaviour::HugeHeaders(_)
            | Behaviour::HugeBody(_)
            | Behaviour::Reset
            | Behaviour::Raw(_) => {}
        }
    }
    modes
}

#[test]
fn no_failing_finding_lacks_a_cause_in_any_hostile_mode() {
    for (name, behaviour) in every_hostile_mode() {
        let server = Server::start(behaviour);
        let image = format!("127.0.0.1:{}/o/a:1", server.port);
        for command in [
            vec!["verify", "--plain-http", "--timeout", "2"],
            vec!["check", "--timeout", "2"],
        ] {
            let home = tempfile::tempdir().expect("home");
            let mut args = command.clone();
            args.push(&image);
            let (out, _) = run(home.path(), &args);
            let (_, fails) = failed(&out);
            let nameless: Vec<&Value> = fails
                .iter()
                .filter(|f| f["cause"].as_str().is_none_or(str::is_empty))
                .collect();
            assert!(
                nameless.is_empty(),
                "{name}, {}: failing findings without a cause: {nameless:#?}",
                command[0]
            );
            for f in &fails {
                let cause = f["cause"].as_str().unwrap_or_default();
                assert!(
                    ghcr_doctor::catalog::CauseId::from_id(cause).is_some(),
                    "{name}: {cause} is in the catalog"
                );
            }
        }
    }
}

#[test]
fn a_5xx_at_v2_is_registry_unavailable_and_an_unusable_challenge_has_its_own_cause() {
    for (behaviour, want) in [
        (
            raw("503 Service Unavailable", "", "down"),
            "registry-unavailable",
        ),
        (
            raw(
                "401 Unauthorized",
                "WWW-Authenticate: Negotiate abc\r\n",
                "",
            ),
            "registry-challenge-invalid",
        ),
    ] {
        let server = Server::start(behaviour);
        let (out, _) = check(&format!("127.0.0.1:{}", server.port));
        let (_, fails) = failed(&out);
        let (cause, _) = cause_of(&fails, "registry-reachable");
        assert_eq!(cause, want, "{fails:#?}");
    }
}
