//! Failures a later retry recovered: shown as `info` findings that name no cause, in every
//! format, and never the reason for exit code 1.

use crate::support::{ghcr_doctor, json, root, stderr, stdout};

fn case(path: &str) -> std::path::PathBuf {
    root().join("tests/data/explain").join(path)
}

/// `ghcr-doctor explain ARGS LOG` with an empty home.
fn explain(args: &[&str], log: &std::path::Path) -> std::process::Output {
    let home = tempfile::tempdir().expect("tempdir");
    ghcr_doctor(home.path())
        .arg("explain")
        .args(args)
        .arg(log)
        .output()
        .expect("run")
}

#[test]
fn a_log_whose_only_failures_recovered_exits_0_and_shows_them() {
    let log = case("none/recovered-pull-retry.log");
    let out = explain(&["--format", "json"], &log);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["ok"], true);
    let f = &v["findings"][0];
    assert_eq!(f["status"], "info");
    assert_eq!(f["cause"], serde_json::Value::Null);
    assert_eq!(f["fix"], serde_json::json!([]));
    assert_eq!(f["location"]["line"], 3);
    assert_eq!(f["evidence"]["recovered_cause"], "network-timeout");
    assert_eq!(
        f["evidence"]["object"],
        "image ghcr.io/octo-org/ci-base:2.4"
    );
    assert_eq!(f["evidence"]["completed_line"], 15);

    for format in ["text", "markdown", "github", "sarif"] {
        let out = explain(&["--format", format], &log);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("recovered") && text.contains("completed on line 15"),
            "{format}: {text}"
        );
    }
}

#[test]
fn a_recovered_login_names_its_host() {
    let out = explain(
        &["--format", "json"],
        &case("none/recovered-login-retry.log"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        v["findings"][0]["evidence"]["object"],
        "login registry.gitlab.com with docker"
    );
    assert_eq!(v["findings"][0]["evidence"]["completed_line"], 7);
}

#[test]
fn a_retry_that_failed_again_still_names_its_cause_and_exits_1() {
    let out = explain(
        &["--format", "json"],
        &case("network-timeout/retry-failed-again.log"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings[0]["cause"], "network-timeout");
    assert!(
        findings.iter().all(|f| f["status"] != "info"),
        "nothing recovered: {findings:?}"
    );
}

#[test]
fn only_the_image_that_did_not_recover_names_a_cause() {
    let log = case("network-reset/two-images-one-recovered.log");
    let out = explain(&["--format", "json"], &log);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(findings[0]["cause"], "network-reset");
    assert_eq!(findings[0]["target"], "quay.io/octo/api");
    assert_eq!(findings[1]["status"], "info");
    assert_eq!(
        findings[1]["evidence"]["recovered_cause"],
        "network-timeout"
    );
    assert_eq!(
        findings[1]["evidence"]["object"],
        "image docker.io/library/postgres:16"
    );
    // --exit-zero still makes it 0.
    let out = explain(&["--exit-zero"], &log);
    assert_eq!(out.status.code(), Some(0));
}
