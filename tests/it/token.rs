//! Token inspection: every kind and pasting defect through the library, and
//! `ghcr-doctor token` through the real binary (sources, output, exit codes). The test that
//! no output ever holds a token lives in `token/secrecy.rs`.

mod named;
mod props;
mod secrecy;

use ghcr_doctor::finding::{Finding, Status};
use ghcr_doctor::token::{Format, FormatProblem, TokenKind, inspect};

use crate::support::{ghcr_doctor, json, run_with_stdin, stderr, stdout};

pub(crate) const CLASSIC: &str = "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";
pub(crate) const CLASSIC_VECTORS: [&str; 4] = [
    CLASSIC,
    "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",
    "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",
    "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",
];
pub(crate) const DOCS_PLACEHOLDER: &str = "gho_16C7e42F292c6912E7710c838347Ae178B4a";

/// A token of the 40-character `gh?_` form with a valid checksum for another prefix.
pub(crate) fn with_prefix(prefix: &str) -> String {
    CLASSIC.replacen("ghp_", prefix, 1)
}

pub(crate) fn fine_grained() -> String {
    format!(
        "github_pat_11ABCDEFG0123456789abc_{}",
        "Zq9xW2vU7tS4rQ1pO8nM5lK3jI6hG0fE2dC9bA7zY4xW1vU8tS5rQ3pO6nM0l"
            .chars()
            .take(59)
            .collect::<String>()
    )
}

pub(crate) fn installation_jwt() -> String {
    let header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";
    let payload = "eyJpc3MiOjEyMzQ1LCJleHAiOjE3ODAwMDAwMDAsInJlcG8iOiJvY3RvL2FwcCJ9".repeat(5);
    let signature = "Tm90QVJlYWxTaWduYXR1cmVCdXRMb25nRW5vdWdo".repeat(4);
    format!("ghs_4242_{header}.{payload}.{signature}")
}

fn status_of(findings: &[Finding], check: &str) -> Vec<Status> {
    findings
        .iter()
        .filter(|f| f.check == check)
        .map(|f| f.status)
        .collect()
}

fn cause_of(findings: &[Finding], check: &str) -> Option<String> {
    findings
        .iter()
        .find(|f| f.check == check && f.cause.is_some())
        .and_then(|f| f.cause.map(|c| c.to_string()))
}

#[test]
fn every_kind_is_recognised_and_judged_for_ghcr() {
    let fine = fine_grained();
    let jwt = installation_jwt();
    let cases: Vec<(String, TokenKind, Status, Status)> = vec![
        (
            CLASSIC.into(),
            TokenKind::ClassicPat,
            Status::Pass,
            Status::Pass,
        ),
        (fine, TokenKind::FineGrainedPat, Status::Pass, Status::Fail),
        (
            with_prefix("gho_"),
            TokenKind::Oauth,
            Status::Pass,
            Status::Pass,
        ),
        (
            with_prefix("ghu_"),
            TokenKind::UserToServer,
            Status::Pass,
            Status::Warn,
        ),
        (
            with_prefix("ghs_"),
            TokenKind::Installation,
            Status::Pass,
            Status::Pass,
        ),
        (jwt, TokenKind::Installation, Status::Pass, Status::Pass),
        (
            with_prefix("ghr_"),
            TokenKind::Refresh,
            Status::Pass,
            Status::Fail,
        ),
        (
            "0123456789abcdef0123456789abcdef01234567".into(),
            TokenKind::LegacyHex,
            Status::Pass,
            Status::Warn,
        ),
        (
            "quay-robot-password-Zx81".into(),
            TokenKind::Unknown,
            Status::Skip,
            Status::Warn,
        ),
    ];
    for (raw, kind, format, verdict) in cases {
        let insp = inspect(&raw);
        assert_eq!(insp.kind, kind, "{kind:?}");
        let findings = insp.findings("stdin", "ghcr.io");
        assert_eq!(
            status_of(&findings, "token-format"),
            vec![format],
            "{kind:?}"
        );
        assert_eq!(
            status_of(&findings, "token-ghcr-verdict"),
            vec![verdict],
            "{kind:?}"
        );
        assert_eq!(status_of(&findings, "token-present"), vec![Status::Pass]);
    }
}

#[test]
fn fine_grained_names_its_cause_and_refresh_has_its_own_fix() {
    let f = inspect(&fine_grained()).findings("stdin", "ghcr.io");
    assert_eq!(
        cause_of(&f, "token-ghcr-verdict").as_deref(),
        Some("token-fine-grained-unsupported")
    );
    let f = inspect(&with_prefix("ghr_")).findings("stdin", "ghcr.io");
    let verdict = f
        .iter()
        .find(|f| f.check == "token-ghcr-verdict")
        .expect("verdict");
    assert!(!verdict.fix.is_empty());
    // Workflow expressions survive the message placeholders.
    assert!(
        verdict.fix[0].contains("`${{ secrets.GITHUB_TOKEN }}`"),
        "{}",
        verdict.fix[0]
    );
    assert!(verdict.message.contains("refresh"), "{}", verdict.message);
}

#[test]
fn a_password_is_fine_for_another_registry() {
    let f = inspect("quay-robot-password-Zx81").findings("env:GHCR_TOKEN", "quay.io");
    assert_eq!(status_of(&f, "token-ghcr-verdict"), vec![Status::Pass]);
    assert!(f.iter().all(|f| f.status != Status::Fail), "{f:#?}");
}

#[test]
fn the_published_vectors_pass_and_the_placeholder_fails() {
    for t in CLASSIC_VECTORS {
        assert_eq!(inspect(t).format, Format::Valid { checksum: true }, "{t}");
    }
    let insp = inspect(DOCS_PLACEHOLDER);
    assert_eq!(insp.kind, TokenKind::Oauth);
    assert_eq!(insp.format, Format::Invalid(FormatProblem::Checksum));
    let f = insp.findings("stdin", "ghcr.io");
    assert_eq!(
        cause_of(&f, "token-format").as_deref(),
        Some("token-malformed")
    );
    // A malformed token is not declared usable.
    assert_eq!(status_of(&f, "token-ghcr-verdict"), vec![Status::Skip]);
}

#[test]
fn bad_checksum_non_ascii_and_non_base62_are_malformed() {
    for raw in [
        "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3",
        "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4Vñ",
        "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V/",
        "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11",
    ] {
        let f = inspect(raw).findings("stdin", "ghcr.io");
        assert_eq!(status_of(&f, "token-format"), vec![Status::Fail], "{raw}");
        assert_eq!(
            cause_of(&f, "token-format").as_deref(),
            Some("token-malformed")
        );
    }
}

#[test]
fn every_pasting_defect_is_named_and_the_kind_still_found() {
    let cases = [
        (format!("   {CLASSIC}"), "leading-whitespace"),
        (format!("{CLASSIC}   "), "trailing-whitespace"),
        (format!("{CLASSIC}\n"), "trailing-newline"),
        (format!("{CLASSIC}\n\n"), "trailing-newline"),
        (format!("{CLASSIC}\r"), "carriage-return"),
        (format!("\"{CLASSIC}\""), "quotes"),
        (format!("Bearer {CLASSIC}"), "bearer-prefix"),
        (format!("token {CLASSIC}"), "token-prefix"),
        (format!("GHCR_TOKEN={CLASSIC}"), "assignment-prefix"),
        (
            format!("{} {}", &CLASSIC[..12], &CLASSIC[12..]),
            "inner-whitespace",
        ),
        (
            format!("{}\t{}", &CLASSIC[..12], &CLASSIC[12..]),
            "inner-whitespace",
        ),
        (
            format!("{}\u{200B}{}", &CLASSIC[..12], &CLASSIC[12..]),
            "non-ascii",
        ),
        (
            format!("{}\0{}", &CLASSIC[..12], &CLASSIC[12..]),
            "control-character",
        ),
    ];
    for (raw, defect) in cases {
        let insp = inspect(&raw);
        assert_eq!(insp.kind, TokenKind::ClassicPat, "{defect}");
        let f = insp.findings("stdin", "ghcr.io");
        let pasting: Vec<&Finding> = f.iter().filter(|f| f.check == "token-pasting").collect();
        assert_eq!(pasting.len(), 1, "{defect}: {pasting:#?}");
        assert_eq!(pasting[0].status, Status::Fail, "{defect}");
        assert_eq!(pasting[0].cause.as_deref(), Some("secret-whitespace"));
        assert_eq!(
            pasting[0].evidence.json(ghcr_doctor::evidence::Key::Defect),
            defect
        );
        // The cleaned value is the real token: format and verdict still pass.
        assert_eq!(
            status_of(&f, "token-format"),
            vec![Status::Pass],
            "{defect}"
        );
        assert_eq!(status_of(&f, "token-ghcr-verdict"), vec![Status::Pass]);
        assert_eq!(insp.length, raw.chars().count());
        assert_eq!(insp.cleaned_length, 40, "{defect}");
    }
}

#[test]
fn empty_and_whitespace_only_are_secret_empty() {
    for raw in ["", "   ", "\n", "\t \r\n", "\"\""] {
        let f = inspect(raw).findings("env:GHCR_TOKEN", "ghcr.io");
        assert_eq!(f.len(), 1, "{raw:?}: {f:#?}");
        assert_eq!(f[0].check, "token-present");
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[0].cause.as_deref(), Some("secret-empty"));
    }
}

// ---- the binary ----

#[test]
fn stdin_json_has_the_token_object_and_exit_0() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = ghcr_doctor(home.path());
    cmd.args(["token", "--stdin", "--format", "json"]);
    // `echo` adds one newline; like docker login --password-stdin, it is not a defect.
    let out = run_with_stdin(&mut cmd, format!("{CLASSIC}\n").as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["command"], "token");
    assert_eq!(v["ok"], true);
    assert_eq!(v["token"]["kind"], "classic-pat");
    assert_eq!(v["token"]["length"], 40);
    assert_eq!(v["token"]["source"], "stdin");
    let checks: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["check"].as_str())
        .collect();
    assert_eq!(
        checks,
        [
            "token-present",
            "token-pasting",
            "token-format",
            "token-ghcr-verdict"
        ]
    );
}

#[test]
fn a_second_newline_from_stdin_is_reported() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = ghcr_doctor(home.path());
    cmd.args(["token", "--stdin"]);
    let out = run_with_stdin(&mut cmd, format!("{CLASSIC}\n\n").as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("token-pasting"), "{}", stdout(&out));
    assert!(stdout(&out).contains("newline"), "{}", stdout(&out));
}

#[test]
fn env_default_order_skips_an_empty_ghcr_token() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .args(["token", "--format", "json"])
        .env("GHCR_TOKEN", "")
        .env("GITHUB_TOKEN", with_prefix("ghs_"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(v["token"]["source"], "env:GITHUB_TOKEN");
    assert_eq!(v["token"]["kind"], "installation");
    let first = &v["findings"][0];
    assert_eq!(first["status"], "warn");
    assert_eq!(first["cause"], "secret-empty");
    assert_eq!(first["target"], "env:GHCR_TOKEN");
}

#[test]
fn ghcr_token_wins_over_github_token() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .args(["token", "--format", "json"])
        .env("GHCR_TOKEN", CLASSIC)
        .env("GITHUB_TOKEN", with_prefix("ghs_"))
        .output()
        .expect("run");
    let v = json(&out);
    assert_eq!(v["token"]["source"], "env:GHCR_TOKEN");
}

#[test]
fn no_token_anywhere_fails_with_no_credentials() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .args(["token", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["findings"][0]["cause"], "no-credentials");
    assert!(v["token"].is_null());
}

#[test]
fn from_env_reads_the_named_variable_only() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .args(["token", "--from-env", "MY_PAT", "--format", "json"])
        .env("MY_PAT", DOCS_PLACEHOLDER)
        .env("GHCR_TOKEN", CLASSIC)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["token"]["source"], "env:MY_PAT");
    assert_eq!(v["token"]["kind"], "oauth");
    let format = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "token-format")
        .expect("token-format");
    assert_eq!(format["status"], "fail");
    assert_eq!(format["cause"], "token-malformed");
    assert_eq!(format["evidence"]["checksum"], "mismatch");

    let out = ghcr_doctor(home.path())
        .args(["token", "--from-env", "MY_PAT"])
        .env("MY_PAT", "  ")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("secret-empty"), "{}", stdout(&out));
}

#[test]
fn from_file_reads_the_file_and_ignores_one_newline() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = home.path().join("token.txt");
    std::fs::write(&file, format!("{}\n", fine_grained())).expect("write");
    let out = ghcr_doctor(home.path())
        .args(["token", "--format", "json", "--from-file"])
        .arg(&file)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "fine-grained fails for ghcr.io");
    let v = json(&out);
    assert_eq!(v["token"]["kind"], "fine-grained-pat");
    assert_eq!(v["token"]["length"], 93);
    assert_eq!(
        v["token"]["source"],
        format!("file:{}", file.display()).as_str()
    );
    let pasting: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "token-pasting")
        .collect();
    assert_eq!(pasting.len(), 1);
    assert_eq!(pasting[0]["status"], "pass");
}

#[test]
fn an_unreadable_file_exits_2() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .args(["token", "--from-file"])
        .arg(home.path().join("missing.txt"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.txt"), "{}", stderr(&out));
}

#[test]
fn the_token_is_never_taken_from_argv() {
    let home = tempfile::tempdir().expect("tempdir");
    let help = ghcr_doctor(home.path())
        .args(["token", "--help"])
        .output()
        .expect("run");
    let help = stdout(&help);
    for flag in [
        "--password-stdin",
        "--token-env",
        "--token-file",
        "--registry",
    ] {
        assert!(help.contains(flag), "{flag} missing from help: {help}");
    }
    assert!(!help.contains("--token "), "{help}");
    assert!(!help.contains("--password "), "{help}");
    let out = ghcr_doctor(home.path())
        .args(["token", CLASSIC])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--password-stdin"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stdin_and_from_env_conflict() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .args(["token", "--stdin", "--from-env", "X"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_check_id_has_a_docs_section() {
    use ghcr_doctor::{credentials, token};
    let cases = [
        ("docs/checks/token.md", token::token_present::CHECK),
        ("docs/checks/token.md", token::token_pasting::CHECK),
        ("docs/checks/token.md", token::token_format::CHECK),
        ("docs/checks/token.md", token::token_ghcr_verdict::CHECK),
        (
            "docs/checks/credentials.md",
            credentials::credential_source::CHECK,
        ),
        (
            "docs/checks/credentials.md",
            credentials::credential_env::CHECK,
        ),
        (
            "docs/checks/credentials.md",
            credentials::credential_config::CHECK,
        ),
        (
            "docs/checks/credentials.md",
            credentials::credential_helper::CHECK,
        ),
    ];
    for (file, id) in cases {
        let text = std::fs::read_to_string(crate::support::root().join(file)).expect("read docs");
        assert!(
            text.lines().any(|l| l == format!("## {id}")),
            "{file} has no section for {id}"
        );
    }
}

#[test]
fn every_defect_and_verdict_is_documented() {
    let text = std::fs::read_to_string(crate::support::root().join("docs/checks/token.md"))
        .expect("read docs");
    for id in [
        "leading-whitespace",
        "trailing-whitespace",
        "trailing-newline",
        "carriage-return",
        "quotes",
        "bearer-prefix",
        "token-prefix",
        "assignment-prefix",
        "inner-whitespace",
        "non-ascii",
        "control-character",
        "fine-grained-unsupported",
        "refresh-unusable",
        "installation-in-actions",
        "needs-package-scopes",
        "user-to-server-undocumented",
        "legacy-format",
        "not-github",
        "other-registry-password",
        "github-token-elsewhere",
    ] {
        assert!(
            text.contains(&format!("`{id}`")),
            "docs/checks/token.md lacks `{id}`"
        );
    }
}
