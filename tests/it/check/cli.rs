//! The `check` binary: exit codes, JSON v1 with `target` = the image, the credential read
//! from standard input and never shown, even in `-vv` traces. These are about the registry
//! side, so GitHub's API is not asked (`--no-github`); `check_github.rs` covers both sides.

use super::ghcr::{CLASSIC, INSTALL, fake};
use crate::support::{ghcr_doctor, json, run_with_stdin, stderr, stdout};

#[test]
fn json_exit_codes_and_no_secret_in_any_output() {
    let fake = fake();
    let home = tempfile::tempdir().expect("home");
    let endpoints = format!("ghcr.io={}", fake.url());

    let mut cmd = ghcr_doctor(home.path());
    cmd.env("GHCR_DOCTOR_REGISTRY_ENDPOINTS", &endpoints).args([
        "-vv",
        "--format",
        "json",
        "check",
        "--no-github",
        "--password-stdin",
        "--username",
        "octocat",
        "ghcr.io/octo/app:v1",
    ]);
    let out = run_with_stdin(&mut cmd, format!("{CLASSIC}\n").as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let doc = json(&out);
    assert_eq!(doc["command"], "check");
    let push = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "registry-push")
        .expect("registry-push finding");
    assert_eq!(push["target"], "ghcr.io/octo/app:v1");
    assert_eq!(push["status"], "pass");
    let token_format = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "token-format")
        .expect("token-format");
    assert_eq!(token_format["target"], "stdin");
    assert_eq!(token_format["evidence"]["kind"], "classic-pat");
    assert_eq!(
        token_format["evidence"]["length"], 40,
        "the trailing newline is not part of it"
    );
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("GET"), "-vv shows HTTP traces");
    assert!(
        !all.contains(&CLASSIC[4..]),
        "the token leaked into the output"
    );
    assert!(
        !all.contains("ghcr-token-"),
        "the bearer token leaked into the output"
    );

    // A token from the environment that may not push: exit 1 with the cause.
    let mut cmd = ghcr_doctor(home.path());
    cmd.env("GHCR_DOCTOR_REGISTRY_ENDPOINTS", &endpoints)
        .env("GHCR_TOKEN", INSTALL)
        .args([
            "--format",
            "json",
            "check",
            "--no-github",
            "ghcr.io/octo/app:v1",
        ]);
    let out = cmd.output().expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let push = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "registry-push")
        .expect("push");
    assert_eq!(push["cause"], "workflow-missing-packages-write");
    assert_eq!(doc["ok"], false);
}

#[test]
fn text_output_invalid_reference_and_usage_errors() {
    let home = tempfile::tempdir().expect("home");
    let out = ghcr_doctor(home.path())
        .args(["check", "--anonymous", "ghcr.io/Octo/App:1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("reference-valid"), "{text}");
    assert!(text.contains("reference-uppercase"), "{text}");
    assert!(text.contains("skipped"), "{text}");

    let out = ghcr_doctor(home.path())
        .args(["check", "--anonymous", "--password-stdin", "ghcr.io/o/a"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(2),
        "--anonymous conflicts with --password-stdin"
    );

    let out = ghcr_doctor(home.path())
        .args(["check", "--ca-file", "/no/such/ca.pem", "ghcr.io/o/a"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/no/such/ca.pem"), "{}", stderr(&out));
}

#[test]
fn plain_http_warns_that_credentials_travel_unencrypted() {
    let fake = fake();
    let home = tempfile::tempdir().expect("home");
    // A non-loopback name routed to the fake: --plain-http is what allows credentials there.
    let out = ghcr_doctor(home.path())
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!(
                "registry.example={}",
                fake.url().replace("127.0.0.1", "registry.example")
            ),
        )
        .env("GHCR_TOKEN", CLASSIC)
        .args([
            "--format",
            "json",
            "check",
            "--plain-http",
            "--timeout",
            "2",
            "registry.example/octo/app:v1",
        ])
        .output()
        .expect("run");
    let doc = json(&out);
    let warn = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "plain-http")
        .expect("plain-http warning");
    assert_eq!(warn["status"], "warn");
    assert!(
        warn["message"]
            .as_str()
            .is_some_and(|m| m.contains("unencrypted"))
    );
}
