//! The second hardening round, through the binary: each attack an adversarial review
//! reproduced, kept here so it stays fixed (`docs/reliability.md`, "Attacks").

use std::path::Path;
use std::process::Output;

use crate::support::{ghcr_doctor, stderr, stdout};

/// A classic personal access token shape (the checksum does not matter for these tests).
const TOKEN: &str = "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";

/// A loopback port nothing listens on: every request fails at once, offline.
const CLOSED: &str = "http://127.0.0.1:9";

fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = ghcr_doctor(home);
    cmd.current_dir(home).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run ghcr-doctor")
}

/// `check --token-env ghp_…`, `ref ghp_…`, `verify ghp_…`, `check --repo ghp_…` and a token
/// as the only argument: refused (exit 2) without the token in any output; in Actions mode
/// masked on standard error, never in the report, the annotations or the step summary.
#[test]
fn a_token_typed_as_an_argument_is_refused_without_echo_and_masked_in_actions() {
    let home = tempfile::tempdir().expect("home");
    let summary = home.path().join("summary");
    let summary_env = summary.display().to_string();
    let cases: [&[&str]; 6] = [
        &["check", "--token-env", TOKEN, "ghcr.io/o/n"],
        &["check", &format!("--token-env={TOKEN}"), "ghcr.io/o/n"],
        &["ref", TOKEN],
        &["verify", TOKEN],
        &["check", "--repo", TOKEN, "ghcr.io/o/n"],
        &[TOKEN],
    ];
    for args in cases {
        for actions in [false, true] {
            let env: &[(&str, &str)] = if actions {
                &[
                    ("GITHUB_ACTIONS", "true"),
                    ("GITHUB_STEP_SUMMARY", &summary_env),
                ]
            } else {
                &[]
            };
            let out = run(home.path(), args, env);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert!(!stdout(&out).contains(TOKEN), "{args:?}: {}", stdout(&out));
            let err = stderr(&out);
            let masks: Vec<&str> = err
                .lines()
                .filter(|l| l.starts_with("::add-mask::"))
                .collect();
            for line in err.lines().filter(|l| !l.starts_with("::add-mask::")) {
                assert!(!line.contains(TOKEN), "{args:?}: {line}");
            }
            assert!(err.contains("looks like a token"), "{args:?}: {err}");
            if actions {
                assert_eq!(masks, [format!("::add-mask::{TOKEN}")], "{args:?}: {err}");
            } else {
                assert!(masks.is_empty(), "{args:?}: {err}");
            }
        }
    }
    let written = std::fs::read_to_string(&summary).unwrap_or_default();
    assert!(!written.contains(TOKEN), "{written}");
}

/// In Actions mode, `--format json` and `--format sarif` print only the report on standard
/// output: valid JSON without the token; the masks go to standard error.
#[test]
fn actions_mode_keeps_structured_output_valid_and_masks_on_stderr() {
    let home = tempfile::tempdir().expect("home");
    for format in ["json", "sarif"] {
        let out = run(
            home.path(),
            &["--format", format, "check", "--no-github", "ghcr.io/o/n"],
            &[
                ("GITHUB_ACTIONS", "true"),
                ("GHCR_TOKEN", TOKEN),
                (
                    "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
                    &format!("ghcr.io={CLOSED}"),
                ),
            ],
        );
        let text = stdout(&out);
        let doc: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{format}: stdout is not JSON ({e}): {text}"));
        assert!(doc.is_object(), "{format}");
        assert!(!text.contains(TOKEN), "{format}: {text}");
        assert!(
            stderr(&out)
                .lines()
                .any(|l| l == format!("::add-mask::{TOKEN}")),
            "{format}: {}",
            stderr(&out)
        );
    }
}
