//! `ghcr-doctor ref` end to end, distribution's test vectors, and property tests.

mod props;
mod vectors;

use crate::support::{ghcr_doctor, json, stdout};

fn run_ref(args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().expect("tempdir");
    ghcr_doctor(home.path())
        .arg("ref")
        .args(args)
        .output()
        .expect("run ghcr-doctor ref")
}

#[test]
fn valid_reference_shows_its_parts_and_exits_0() {
    let out = run_ref(&["nginx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("✓ reference-valid [nginx]"), "{text}");
    assert!(text.contains("docker.io/library/nginx:latest"), "{text}");
    assert!(text.contains("domain docker.io"), "{text}");
    assert!(text.contains("repository library/nginx"), "{text}");
    assert!(text.contains("tag latest"), "{text}");
}

#[test]
fn near_miss_and_retired_hosts_are_warnings_naming_the_right_host() {
    let out = run_ref(&[
        "--format",
        "json",
        "ghrc.io/user/app:1",
        "gchr.io/user/app",
        "ghcr.com/user/app",
        "docker.oi/library/nginx",
        "docker.pkg.github.com/octo/repo/app:1",
        "myteam.azureacr.io/app:1",
        "ghcr.io/user/app",
        "gcr.io/project/app",
    ]);
    // Warnings only: the references are valid.
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json(&out);
    let findings = v["findings"].as_array().expect("findings");
    let seen: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["status"].as_str().unwrap_or_default().to_owned(),
                f["cause"].as_str().unwrap_or_default().to_owned(),
                f["evidence"]["likely_host"]
                    .as_str()
                    .or(f["evidence"]["moved_to"].as_str())
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    let expected = [
        ("warn", "registry-host-typo", "ghcr.io"),
        ("warn", "registry-host-typo", "ghcr.io"),
        ("warn", "registry-host-typo", "ghcr.io"),
        ("warn", "registry-host-typo", "docker.io"),
        ("warn", "registry-retired", "ghcr.io"),
        // A near miss of a tenant domain names the customer's own host.
        ("warn", "registry-host-typo", "myteam.azurecr.io"),
        ("pass", "", ""),
        ("pass", "", ""),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(findings[0]["evidence"]["suggestion"], "ghcr.io/user/app:1");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("did you mean `ghcr.io`"),
        "{}",
        findings[0]["message"]
    );
}

#[test]
fn uppercase_reference_fails_with_the_lowercase_fix() {
    let out = run_ref(&["ghcr.io/MyOrg/App:1.0"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("✗ reference-valid [ghcr.io/MyOrg/App:1.0]"),
        "{text}"
    );
    assert!(text.contains("`MyOrg/App`"), "{text}");
    assert!(text.contains("(reference-uppercase)"), "{text}");
    assert!(text.contains("fix: Use `ghcr.io/myorg/app:1.0`."), "{text}");
    // The catalog's steps follow the suggestion.
    assert!(text.contains("metadata-action"), "{text}");
}

#[test]
fn json_lists_every_reference_and_exits_1_when_one_is_invalid() {
    let digest = format!("sha256:{}", "0".repeat(64));
    let good = format!("ghcr.io/octo-org/app:1.0@{digest}");
    let out = run_ref(&["--format", "json", &good, "ghcr.io/app"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["command"], "ref");
    assert_eq!(doc["ok"], false);
    let refs = doc["references"].as_array().expect("references");
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[0]["input"], good.as_str());
    assert_eq!(refs[0]["valid"], true);
    assert_eq!(refs[0]["normalized"], good.as_str());
    assert_eq!(refs[0]["domain"], "ghcr.io");
    assert_eq!(refs[0]["repository"], "octo-org/app");
    assert_eq!(refs[0]["tag"], "1.0");
    assert_eq!(refs[0]["digest"], digest.as_str());
    assert_eq!(refs[0]["cause"], serde_json::Value::Null);
    assert_eq!(refs[1]["valid"], false);
    assert_eq!(refs[1]["normalized"], serde_json::Value::Null);
    assert_eq!(refs[1]["cause"], "reference-invalid");

    let findings = doc["findings"].as_array().expect("findings");
    assert_eq!(findings[0]["check"], "reference-valid");
    assert_eq!(findings[0]["status"], "pass");
    assert_eq!(findings[1]["status"], "fail");
    assert_eq!(findings[1]["evidence"]["reason"], "ghcr-missing-owner");
    assert_eq!(findings[1]["evidence"]["span"], serde_json::json!([8, 11]));
    assert_eq!(findings[1]["evidence"]["pointer"], "        ^^^");
    assert!(
        findings[1]["message"]
            .as_str()
            .expect("message")
            .contains("OWNER/NAME")
    );
}

#[test]
fn every_reason_reaches_the_json_report() {
    let hex = "a".repeat(64);
    let cases: Vec<(String, &str)> = vec![
        ("ghcr.io/MyOrg/app".into(), "uppercase"),
        ("ghcr.io/app".into(), "ghcr-missing-owner"),
        ("https://ghcr.io/o/app".into(), "scheme"),
        ("ghcr.io/o/app ".into(), "whitespace"),
        ("ghcr.io//app".into(), "empty-component"),
        ("ghcr.io/o/app:v1+x".into(), "invalid-tag"),
        (format!("ghcr.io/o/app:{}", "t".repeat(129)), "tag-too-long"),
        (format!("ghcr.io/o/app@md5:{hex}"), "digest-algorithm"),
        ("ghcr.io/o/app@sha256:abc".into(), "digest-length"),
        (
            format!("ghcr.io/o/app@sha256:{}", hex.to_uppercase()),
            "digest-uppercase",
        ),
        ("ghcr.io/o/app:".into(), "trailing-colon"),
        ("ghcr.io/o/app@".into(), "trailing-at"),
        (format!("ghcr.io/o/{}", "a".repeat(300)), "name-too-long"),
        (
            "ghcr.io/${{ github.repository }}".into(),
            "unexpanded-variable",
        ),
        ("ghcr.io/$OWNER/app".into(), "unexpanded-variable"),
    ];
    let args: Vec<&str> = std::iter::once("--format")
        .chain(std::iter::once("json"))
        .chain(cases.iter().map(|(input, _)| input.as_str()))
        .collect();
    let out = run_ref(&args);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let findings = doc["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), cases.len());
    for ((input, reason), finding) in cases.iter().zip(findings) {
        assert_eq!(finding["status"], "fail", "{input}");
        assert_eq!(finding["evidence"]["reason"], *reason, "{input}: {finding}");
        assert!(
            !finding["fix"].as_array().expect("fix").is_empty(),
            "{input}"
        );
        let want = if *reason == "uppercase" {
            "reference-uppercase"
        } else {
            "reference-invalid"
        };
        assert_eq!(finding["cause"], want, "{input}");
    }
}

#[test]
fn capitalised_first_component_warns_but_passes() {
    let out = run_ref(&["--format", "json", "MyOrg/app"]);
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    let finding = &doc["findings"][0];
    assert_eq!(finding["status"], "warn");
    assert_eq!(finding["evidence"]["suggestion"], "myorg/app");
    assert_eq!(doc["references"][0]["domain"], "MyOrg");
}

#[test]
fn control_characters_stay_on_one_line() {
    let out = run_ref(&["ghcr.io/o/app:1.0\n"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let first = text.lines().next().expect("a line");
    assert!(first.contains("[ghcr.io/o/app:1.0\\n]"), "{text}");
    assert!(first.contains("ends with a newline"), "{text}");
}
