//! `ghcr-doctor` with no arguments: inside a repository it lints the workflows, resolves the
//! images they push from the repository's name, and checks them; outside one it prints a
//! short usage.

use std::process::Command;

use crate::support::image::Pusher;
use crate::support::registry::{Auth, Registry};
use crate::support::{ghcr_doctor, json, root, stdout};

const TOKEN: &str = "s3cret-registry-password";

fn git_repo_with_the_publishing_example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let status = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .expect("git init");
    assert!(status.success());
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).expect("workflows dir");
    std::fs::copy(
        root().join("examples/publish.yml"),
        workflows.join("publish.yml"),
    )
    .expect("copy the example");
    dir
}

#[test]
fn inside_a_repository_the_pushed_images_are_resolved_and_checked() {
    let reg = Registry::start(Auth::Htpasswd(vec![("octocat".into(), TOKEN.into())]));
    // backend exists already; web is not pushed yet.
    Pusher::new(&reg.url(), Some(("octocat", TOKEN))).simple_image(
        "octo-org/my-app/backend",
        "latest",
        1,
    );
    let repo = git_repo_with_the_publishing_example();
    let home = tempfile::tempdir().expect("home");
    let out = ghcr_doctor(home.path())
        .current_dir(repo.path())
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", reg.url()),
        )
        // The repository's name with capitals, as GitHub reports it.
        .env("GITHUB_REPOSITORY", "Octo-Org/My-App")
        // No GitHub API here: a refused port makes those checks skip.
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .env("GHCR_TOKEN", TOKEN)
        .env("GHCR_USERNAME", "octocat")
        .args(["--format", "json"])
        .output()
        .expect("run");
    let doc = json(&out);
    assert_eq!(doc["command"], "auto");
    let images: Vec<&str> = doc["images"]
        .as_array()
        .expect("images")
        .iter()
        .filter_map(|i| i["image"].as_str())
        .collect();
    assert_eq!(
        images,
        [
            "ghcr.io/octo-org/my-app/backend",
            "ghcr.io/octo-org/my-app/web"
        ]
    );
    let findings = doc["findings"].as_array().expect("findings");
    let status = |check: &str, target: &str| {
        findings
            .iter()
            .find(|f| {
                f["check"] == check && f["target"].as_str().is_some_and(|t| t.starts_with(target))
            })
            .map(|f| f["status"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(
        status("workflow-yaml", ".github/workflows/publish.yml").as_deref(),
        Some("pass")
    );
    for image in &images {
        assert_eq!(
            status("registry-login", image).as_deref(),
            Some("pass"),
            "{doc:#}"
        );
        assert_eq!(
            status("registry-push", image).as_deref(),
            Some("pass"),
            "{doc:#}"
        );
    }
    assert_eq!(status("registry-pull", images[0]).as_deref(), Some("pass"));
    // Not pushed yet: a warning, not a failure.
    assert_eq!(status("registry-pull", images[1]).as_deref(), Some("warn"));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains(TOKEN));
}

#[test]
fn an_unresolvable_image_is_skipped_with_its_place() {
    let repo = git_repo_with_the_publishing_example();
    let home = tempfile::tempdir().expect("home");
    // No GITHUB_REPOSITORY and no origin remote: `${{ github.repository }}` stays unknown.
    let out = ghcr_doctor(home.path())
        .current_dir(repo.path())
        .args(["--format", "json"])
        .output()
        .expect("run");
    let doc = json(&out);
    let skipped: Vec<_> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "project-images" && f["status"] == "skip")
        .collect();
    assert!(
        skipped
            .iter()
            .any(|f| f["location"]["file"] == ".github/workflows/publish.yml"
                && f["location"]["line"].as_u64().is_some()),
        "{doc:#}"
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn outside_a_repository_it_prints_a_short_usage_with_examples() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(dir.path())
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    for example in [
        "ghcr-doctor check",
        "ghcr-doctor explain",
        "ghcr-doctor workflow",
    ] {
        assert!(text.contains(example), "{text}");
    }
}

/// The workflow of a repository whose owner has capitals: one push without lowercasing
/// (twice, for two tags that resolve alike), one through a lowercasing shell expansion.
const CASED_WORKFLOW: &str = r#"on: push
permissions:
  packages: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
      - run: docker push ghcr.io/${{ github.repository }}:latest
      - run: docker push ghcr.io/${{ github.repository }}
      - run: docker push ghcr.io/${GITHUB_REPOSITORY,,}/tool:1
"#;

#[test]
fn a_repository_with_capitals_probes_what_the_workflow_really_pushes() {
    let reg = Registry::start(Auth::None);
    let dir = tempfile::tempdir().expect("tempdir");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    // The remote has capitals, as GitHub shows the repository's name.
    git(&[
        "remote",
        "add",
        "origin",
        "https://github.com/MyOrg/App.git",
    ]);
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).expect("workflows dir");
    std::fs::write(workflows.join("ci.yml"), CASED_WORKFLOW).expect("workflow");
    let home = tempfile::tempdir().expect("home");
    let out = ghcr_doctor(home.path())
        .current_dir(dir.path())
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", reg.url()),
        )
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let findings = doc["findings"].as_array().expect("findings");
    let upper: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["check"] == "reference-uppercase")
        .collect();
    assert_eq!(upper.len(), 1, "one image, one failure: {doc:#}");
    assert_eq!(upper[0]["status"], "fail");
    assert_eq!(upper[0]["cause"], "reference-uppercase");
    assert_eq!(upper[0]["target"], "ghcr.io/MyOrg/App:latest");
    assert_eq!(upper[0]["location"]["file"], ".github/workflows/ci.yml");
    assert_eq!(upper[0]["location"]["line"], 13);
    // No lowercased stand-in is probed; the lowercased image is probed once.
    let probed: Vec<&str> = findings
        .iter()
        .filter(|f| f["check"] == "registry-push")
        .filter_map(|f| f["target"].as_str())
        .collect();
    assert_eq!(probed, vec!["ghcr.io/myorg/app/tool:1"], "{doc:#}");
    assert!(
        !doc.to_string().contains("ghcr.io/myorg/app:latest")
            && !doc.to_string().contains("\"ghcr.io/myorg/app\""),
        "{doc:#}"
    );
}
