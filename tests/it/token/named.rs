//! Values named for what they are (issue table: masked, unexpanded, base64, another
//! service's token, a password, a changed case): each row through `token`, `check`'s
//! `token-format` and `login`'s candidates, with exactly its cause id in JSON.

use base64::Engine as _;
use ghcr_doctor::finding::Status;
use ghcr_doctor::token::inspect;

use super::CLASSIC;
use crate::support::{ghcr_doctor, json, run_with_stdin, stderr, stdout};

/// (cause, value): every row of the table, with several forms where the row has them.
fn rows() -> Vec<(&'static str, String)> {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let mut rows: Vec<(&'static str, String)> = Vec::new();
    for v in ["***", "**********"] {
        rows.push(("secret-masked", v.to_owned()));
    }
    for v in [
        "${{ secrets.GHCR_TOKEN }}",
        "$GITHUB_TOKEN",
        "${GITHUB_TOKEN}",
        "%GHCR_TOKEN%",
    ] {
        rows.push(("secret-unexpanded", v.to_owned()));
    }
    rows.push(("token-encoded", b64(CLASSIC)));
    rows.push(("token-encoded", b64(&format!("octocat:{CLASSIC}"))));
    for v in [
        "dckr_pat_2jK3vBx9LmQw8RtYz4NcP7sD1fG",
        "glpat-xK9vQ2mZ7pL4wR8tY3nB",
        "AKIAIOSFODNN7EXAMPLE",
        "ASIAIOSFODNN7EXAMPLE",
        "npm_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5",
        "pypi-AgEIcHlwaS5vcmcCJGE4ZjQ5MmM0LWQ3ZjYtNDQ2Mi1iYjE2",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKl",
        "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjM0NSJ9.c2lnbmF0dXJlLXBhcnQ",
    ] {
        rows.push(("token-foreign", v.to_owned()));
    }
    for v in ["hunter2", "Summer2024!"] {
        rows.push(("secret-password", v.to_owned()));
    }
    rows.push(("token-malformed", CLASSIC.replacen("ghp_", "GHP_", 1)));
    rows.push(("token-malformed", CLASSIC.to_ascii_lowercase()));
    rows
}

fn causes(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["cause"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn token_names_every_row_with_exactly_its_cause() {
    let home = tempfile::tempdir().expect("home");
    for (cause, value) in rows() {
        let mut cmd = ghcr_doctor(home.path());
        cmd.args(["--format", "json", "token", "--stdin"]);
        let out = run_with_stdin(&mut cmd, value.as_bytes());
        assert_eq!(out.status.code(), Some(1), "{value}: {}", stdout(&out));
        let doc = json(&out);
        assert_eq!(causes(&doc), vec![cause], "{value}: {doc}");
        let f = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["cause"] == cause)
            .expect("named finding");
        assert_eq!(
            (f["check"].as_str(), f["status"].as_str()),
            (Some("token-format"), Some("fail"))
        );
        // An unexpanded value is a name, not a secret (the fix itself shows the expression).
        if value.len() > 3 && cause != "secret-unexpanded" {
            assert!(!stdout(&out).contains(&value), "{value} shown");
        }
    }
}

#[test]
fn other_registries_fail_only_masked_and_unexpanded_and_note_the_rest() {
    for (cause, value) in rows() {
        let f = inspect(&value).findings("stdin", "quay.io");
        let named: Vec<_> = f.iter().filter(|f| f.cause.is_some()).collect();
        match cause {
            "secret-masked" | "secret-unexpanded" => {
                assert_eq!(named.len(), 1, "{value}: {f:#?}");
                assert_eq!(named[0].status, Status::Fail, "{value}");
            }
            // A password is normal for another registry, and a bare JWT may be its own
            // bearer token: neither is named.
            "secret-password" => assert!(named.is_empty(), "{value}: {f:#?}"),
            _ if value.starts_with("eyJ") => assert!(named.is_empty(), "{value}: {f:#?}"),
            _ => {
                assert_eq!(named.len(), 1, "{value}: {f:#?}");
                assert_eq!(
                    (named[0].cause.as_deref(), named[0].status),
                    (Some(cause), Status::Info),
                    "{value}"
                );
                assert!(
                    f.iter().all(|f| f.status != Status::Fail),
                    "{value}: {f:#?}"
                );
            }
        }
    }
    // Another service's token sent to its own registry is not foreign.
    let f = inspect("dckr_pat_2jK3vBx9LmQw8RtYz4NcP7sD1fG").findings("stdin", "docker.io");
    assert!(f.iter().all(|f| f.cause.is_none()), "{f:#?}");
    // The encoded row says what is inside, never the value.
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("octocat:{CLASSIC}"));
    let f = inspect(&b64).findings("stdin", "ghcr.io");
    let named = f.iter().find(|f| f.cause.is_some()).expect("named");
    assert_eq!(
        named.evidence.json(ghcr_doctor::evidence::Key::Inside),
        "classic-pat"
    );
    assert_eq!(
        named.evidence.json(ghcr_doctor::evidence::Key::WithUser),
        true
    );
    assert!(
        named.message.contains("classic personal access token"),
        "{}",
        named.message
    );
}

#[test]
fn check_token_format_names_every_row_with_its_cause() {
    let fake = crate::check::ghcr::fake();
    let home = tempfile::tempdir().expect("home");
    for (cause, value) in rows() {
        let mut cmd = ghcr_doctor(home.path());
        cmd.env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", fake.url()),
        )
        .args([
            "--format",
            "json",
            "check",
            "--no-github",
            "--password-stdin",
            "--username",
            "octocat",
            "ghcr.io/octo/app:v1",
        ]);
        let out = run_with_stdin(&mut cmd, format!("{value}\n").as_bytes());
        assert_eq!(out.status.code(), Some(1), "{value}: {}", stderr(&out));
        let doc = json(&out);
        let f = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["check"] == "token-format")
            .expect("token-format");
        assert_eq!(
            (f["status"].as_str(), f["cause"].as_str()),
            (Some("fail"), Some(cause)),
            "{value}: {f}"
        );
        // An unexpanded value is a name, not a secret (the fix itself shows the expression).
        if value.len() > 3 && cause != "secret-unexpanded" {
            let all = format!("{}{}", stdout(&out), stderr(&out));
            assert!(!all.contains(&value), "{value} shown");
        }
    }
}

#[test]
fn login_fails_a_named_candidate_with_its_cause_without_asking_the_registry() {
    let home = tempfile::tempdir().expect("home");
    for (cause, value) in rows() {
        let out = ghcr_doctor(home.path())
            .env("GHCR_TOKEN", &value)
            .args([
                "--format",
                "json",
                "login",
                "ghcr.io",
                "--username",
                "octocat",
            ])
            .output()
            .expect("run login");
        assert_eq!(out.status.code(), Some(1), "{value}: {}", stderr(&out));
        let doc = json(&out);
        let f = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["check"] == "login-candidate" && f["target"] == "env:GHCR_TOKEN")
            .expect("candidate");
        assert_eq!(
            (f["status"].as_str(), f["cause"].as_str()),
            (Some("fail"), Some(cause)),
            "{value}: {f}"
        );
        assert_eq!(f["evidence"]["failed_check"], "token-format", "{value}");
        // An unexpanded value is a name, not a secret (the fix itself shows the expression).
        if value.len() > 3 && cause != "secret-unexpanded" {
            let all = format!("{}{}", stdout(&out), stderr(&out));
            assert!(!all.contains(&value), "{value} shown");
        }
    }
}
