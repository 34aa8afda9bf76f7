//! `--fix` and `--diff` from the command line: the patch through `git apply`, exit codes, a
//! withheld diff, and the diffs in the docs.

use std::path::Path;
use std::process::Command;

use ghcr_doctor::t;
use ghcr_doctor::workflow::fix::{self, FIX_CHECK, Level, Options};

use super::repo;
use crate::support::{ghcr_doctor, root, stderr, stdout};

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs")
}

#[test]
fn diff_prints_a_patch_git_applies_and_writes_nothing() {
    for crlf_endings in [false, true] {
        let dir = repo(crlf_endings);
        let repo_dir = dir.path();
        assert!(git(repo_dir, &["init", "-q"]).status.success());
        let rel = ".github/workflows/uppercase-context.yml";
        let path = repo_dir.join(rel);
        let before = std::fs::read(&path).expect("read");

        let lint = ghcr_doctor(repo_dir)
            .current_dir(repo_dir)
            .args(["workflow", rel])
            .output()
            .expect("runs");
        let out = ghcr_doctor(repo_dir)
            .current_dir(repo_dir)
            .args(["workflow", "--diff", "--format", "json", rel])
            .output()
            .expect("runs");
        let patch = stdout(&out);
        assert!(
            patch.starts_with(&format!("diff --git a/{rel} b/{rel}\n")),
            "{patch}"
        );
        assert!(stderr(&out).contains(FIX_CHECK.id), "{}", stderr(&out));
        assert_eq!(
            std::fs::read(&path).expect("read"),
            before,
            "--diff wrote the file"
        );

        std::fs::write(repo_dir.join("fix.patch"), &patch).expect("write patch");
        let check = git(repo_dir, &["apply", "--check", "fix.patch"]);
        assert!(
            check.status.success(),
            "git apply --check: {}",
            stderr(&check)
        );
        let apply = git(repo_dir, &["apply", "fix.patch"]);
        assert!(apply.status.success(), "git apply: {}", stderr(&apply));

        // The patched file is what --fix writes, and the exit code is the lint's after it.
        let patched = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, &before).expect("restore");
        let fixed = ghcr_doctor(repo_dir)
            .current_dir(repo_dir)
            .args(["workflow", "--fix", "--format", "json", rel])
            .output()
            .expect("runs");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), patched);
        let relint = ghcr_doctor(repo_dir)
            .current_dir(repo_dir)
            .args(["workflow", rel])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), relint.status.code());
        assert_eq!(fixed.status.code(), relint.status.code());
        assert!(stdout(&fixed).contains(FIX_CHECK.id), "{}", stdout(&fixed));
        assert_eq!(lint.status.code(), Some(0), "warnings only before");
    }
}

#[test]
fn fix_exit_codes_follow_what_is_left() {
    let dir = repo(false);
    let d = dir.path();
    // A failing rule that --fix repairs: 1 before, 0 after.
    let rel = ".github/workflows/uppercase-literal.yml";
    let lint = ghcr_doctor(d)
        .current_dir(d)
        .args(["workflow", rel])
        .output()
        .expect("runs");
    assert_eq!(lint.status.code(), Some(1));
    let diff = ghcr_doctor(d)
        .current_dir(d)
        .args(["workflow", "--diff", "--format", "json", rel])
        .output()
        .expect("runs");
    assert_eq!(diff.status.code(), Some(0), "{}", stderr(&diff));
    let fixed = ghcr_doctor(d)
        .current_dir(d)
        .args(["workflow", "--fix=safe", rel])
        .output()
        .expect("runs");
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
    // A failure no safe fix repairs stays a failure.
    let rel = ".github/workflows/login-missing.yml";
    let fixed = ghcr_doctor(d)
        .current_dir(d)
        .args(["workflow", "--fix", "--format", "json", rel])
        .output()
        .expect("runs");
    assert_eq!(fixed.status.code(), Some(1));
    assert!(stdout(&fixed).contains("--fix=all"), "{}", stdout(&fixed));
    let fixed = ghcr_doctor(d)
        .current_dir(d)
        .args(["workflow", "--fix=all", rel])
        .output()
        .expect("runs");
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
    // A level that does not exist is a usage error.
    let bad = ghcr_doctor(d)
        .current_dir(d)
        .args(["workflow", "--fix=some", rel])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_diffs_in_the_docs_are_what_fix_prints() {
    let doc = std::fs::read_to_string(root().join("docs/checks/workflow.md")).expect("docs");
    let blocks: Vec<&str> = doc
        .split("```diff\n")
        .skip(1)
        .filter_map(|b| b.split("```\n").next())
        .collect();
    assert!(blocks.len() >= 8, "only {} diffs in the docs", blocks.len());
    for block in blocks {
        let rel = block
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("--- a/"))
            .expect("a --- a/PATH line");
        let dir = repo(false);
        let path = dir.path().join(rel);
        let opts = Options {
            level: Level::All,
            action: Some("OWNER/ghcr-doctor@COMMIT_SHA".into()),
        };
        let outcome = fix::fix(std::slice::from_ref(&path), &opts).expect("fix");
        let diff = outcome.diff();
        assert!(
            diff.contains(block),
            "the docs' diff for {rel} is not what --fix=all prints:\n{diff}"
        );
    }
}

#[test]
fn a_diff_that_would_show_a_written_credential_is_not_printed() {
    let dir = repo(false);
    let d = dir.path();
    let rel = ".github/workflows/login-literal-password.yml";
    let secret = "s3cretpassw0rd";
    assert!(
        std::fs::read_to_string(d.join(rel))
            .expect("read")
            .contains(secret)
    );
    let diff = ghcr_doctor(d)
        .current_dir(d)
        .args(["workflow", "--diff", "--format", "json", rel])
        .output()
        .expect("runs");
    assert!(!stdout(&diff).contains(secret), "{}", stdout(&diff));
    assert!(!stderr(&diff).contains(secret), "{}", stderr(&diff));
    assert!(
        stderr(&diff).contains(&t!("workflow.fix.diff-withheld")),
        "{}",
        stderr(&diff)
    );
    // --fix applies it and prints no file content either.
    let fixed = ghcr_doctor(d)
        .current_dir(d)
        .args(["workflow", "--fix", "--format", "json", rel])
        .output()
        .expect("runs");
    assert!(!stdout(&fixed).contains(secret), "{}", stdout(&fixed));
    assert!(
        std::fs::read_to_string(d.join(rel))
            .expect("read")
            .contains("docker login ghcr.io -u octocat")
    );
}
