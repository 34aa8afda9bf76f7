//! The command line as a whole: help, usage errors, exit codes.

use crate::support::{ghcr_doctor, stderr};

#[test]
fn help_lists_every_subcommand() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .arg("--help")
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in [
        "check", "token", "ref", "explain", "workflow", "verify", "login",
    ] {
        assert!(text.contains(sub), "--help lacks {sub}: {text}");
    }
}

#[test]
fn unknown_flag_is_a_usage_error_with_exit_2() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .args(["ref", "--no-such-flag"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn completions_name_the_subcommands() {
    let home = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish"] {
        let out = ghcr_doctor(home.path())
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("verify") && text.contains("workflow"),
            "{shell}"
        );
    }
}
