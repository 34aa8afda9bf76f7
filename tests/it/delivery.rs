//! How the project is delivered: one home in Cargo.toml, the release assets the installer,
//! `cargo binstall` and the workflows agree on, and the project's own workflows pinned and
//! clean under its own lint.

use std::path::PathBuf;

use crate::support::{ghcr_doctor, root, stdout};
use ghcr_doctor::home;

const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn manifest() -> toml::Value {
    toml::from_str(&read("Cargo.toml")).expect("Cargo.toml")
}

/// The workflow files, the example and the Action.
fn workflow_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(".github/workflows"))
        .expect(".github/workflows")
        .flatten()
        .map(|e| e.path())
        .chain(
            std::fs::read_dir(root().join("examples"))
                .expect("examples")
                .flatten()
                .map(|e| e.path()),
        )
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.push(root().join("action.yml"));
    files.sort();
    files
}

#[test]
fn cargo_toml_declares_one_home() {
    let m = manifest();
    let package = &m["package"];
    let repository = package["repository"].as_str().expect("repository");
    assert_eq!(repository, home::REPOSITORY);
    for field in ["homepage", "documentation"] {
        let value = package[field].as_str().unwrap_or_else(|| panic!("{field}"));
        assert!(
            value.starts_with(repository),
            "`{field}` ({value}) must be under `repository` ({repository})"
        );
    }
}

/// Every text that names the home (README, Dockerfile, install script, workflows) names the
/// one in Cargo.toml, so moving the project is an edit of Cargo.toml that this test then
/// walks through.
#[test]
fn every_mention_of_the_home_is_the_one_in_cargo_toml() {
    let pattern = regex::Regex::new(
        r"(?:github\.com/|ghcr\.io/|uses: |githubusercontent\.com/)([A-Za-z0-9_.-]+/ghcr-doctor)\b",
    )
    .expect("regex");
    let mut files = vec![
        root().join("README.md"),
        root().join("Dockerfile"),
        root().join("scripts/install.sh"),
    ];
    files.extend(workflow_files());
    let mut seen = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for c in pattern.captures_iter(&text) {
            seen += 1;
            assert!(
                c[1].eq_ignore_ascii_case(home::slug()),
                "{} names `{}`, Cargo.toml's home is `{}`",
                file.display(),
                &c[1],
                home::slug()
            );
        }
    }
    assert!(seen >= 4, "the README and scripts name the home ({seen})");
}

#[test]
fn binstall_the_installer_and_the_release_agree_on_the_asset_names() {
    let m = manifest();
    let binstall = &m["package"]["metadata"]["binstall"];
    assert_eq!(
        binstall["pkg-url"].as_str(),
        Some("{ repo }/releases/download/v{ version }/{ name }-{ target }{ archive-suffix }")
    );
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    assert_eq!(
        binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"].as_str(),
        Some("zip")
    );
    let release = read(".github/workflows/release.yml");
    let install = read("scripts/install.sh");
    for target in TARGETS {
        assert!(
            release.contains(&format!("- target: {target}\n")),
            "release.yml builds {target}"
        );
        assert!(install.contains(target), "install.sh knows {target}");
    }
    for asset in [
        "\"$out/ghcr-doctor-$TARGET.tar.gz\"",
        "\"$out/ghcr-doctor-$TARGET.zip\"",
        "sha256sum ghcr-doctor-* > SHA256SUMS",
    ] {
        assert!(release.contains(asset), "release.yml: {asset}");
    }
    for asset in [
        "asset=\"ghcr-doctor-$target.tar.gz\"",
        "asset=\"ghcr-doctor-$target.zip\"",
        "\"$base/SHA256SUMS\"",
    ] {
        assert!(install.contains(asset), "install.sh: {asset}");
    }
}

/// `uses:` is a local action or `owner/repo@<commit sha> # vX.Y.Z`.
#[test]
fn every_action_is_pinned_by_commit_with_its_version() {
    let uses = regex::Regex::new(r"(?m)^\s*(?:-\s+)?uses:\s*(\S+)(.*)$").expect("regex");
    let pinned = regex::Regex::new(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$").expect("regex");
    let comment = regex::Regex::new(r"^\s+# v\d+\.\d+\.\d+$").expect("regex");
    let mut count = 0;
    for file in workflow_files() {
        let text = std::fs::read_to_string(&file).expect("read");
        for c in uses.captures_iter(&text) {
            count += 1;
            let action = &c[1];
            if action.starts_with("./") || action == "." {
                continue;
            }
            assert!(
                pinned.is_match(action) && comment.is_match(&c[2]),
                "{}: `uses: {action}{}` is not pinned as `owner/repo@<sha> # vX.Y.Z`",
                file.display(),
                &c[2]
            );
        }
    }
    assert!(count >= 10, "found {count} uses:");
}

#[test]
fn the_projects_workflows_pass_its_own_lint() {
    let home_dir = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home_dir.path())
        .current_dir(root())
        .args([
            "--format",
            "json",
            "workflow",
            ".github/workflows",
            "examples",
        ])
        .output()
        .expect("run");
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    let findings = doc["findings"].as_array().expect("findings");
    let problems: Vec<_> = findings
        .iter()
        .filter(|f| f["status"] == "fail" || f["status"] == "warn")
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let files = findings
        .iter()
        .filter(|f| f["check"] == "workflow-yaml" && f["status"] == "pass")
        .count();
    assert!(files >= 4, "every workflow was read: {findings:#?}");
    assert_eq!(out.status.code(), Some(0));
}
