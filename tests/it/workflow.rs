//! `ghcr-doctor workflow`: every fixture workflow against its expected findings, the exit
//! codes, and the four output formats.

use std::path::{Path, PathBuf};

use ghcr_doctor::finding::Status;
use ghcr_doctor::workflow;

use crate::support::{ghcr_doctor, json, root, stderr, stdout};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/workflows")
}

fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("read fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

/// The findings of one fixture as `rule status line:col` lines (passes left out; findings in
/// another file, a followed reusable workflow, carry that file's name).
fn actual(path: &Path) -> Vec<String> {
    let report = workflow::check(&[path.to_path_buf()]).expect("fixture readable");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("file name");
    report
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .map(|f| {
            let loc = f.location.as_ref();
            let file = loc.and_then(|l| l.file.clone()).unwrap_or_default();
            let prefix = if file.ends_with(name) {
                String::new()
            } else {
                format!(
                    "{}:",
                    Path::new(&file)
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default()
                )
            };
            let pos = match loc.and_then(|l| l.line.zip(l.column)) {
                Some((line, col)) => format!("{line}:{col}"),
                None => "-".into(),
            };
            format!("{} {} {prefix}{pos}", f.check, f.status.as_str())
        })
        .collect()
}

fn expected(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path.with_extension("expected"))
        .unwrap_or_else(|e| panic!("{} has no .expected file: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_fixture_produces_exactly_its_expected_findings() {
    let mut differences = Vec::new();
    for path in fixture_files() {
        let mut want = expected(&path);
        let mut got = actual(&path);
        want.sort();
        got.sort();
        if want != got {
            let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
            let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
            differences.push(format!(
                "{}:\n  missing: {missing:?}\n  unexpected: {extra:?}",
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "fixtures differ from their .expected files:\n{}",
        differences.join("\n")
    );
}

#[test]
fn the_fixture_set_is_large_and_covers_every_rule_and_correct_workflows() {
    let files = fixture_files();
    assert!(files.len() >= 25, "only {} fixtures", files.len());
    let all: Vec<String> = files.iter().flat_map(|p| expected(p)).collect();
    for rule in [
        "workflow-missing-packages-write",
        "fork-or-dependabot-readonly",
        "reference-uppercase",
        "login-missing",
        "login-registry-mismatch",
        "hardcoded-credential",
        "secret-fallback",
        "image-source-label-missing",
        "workflow-yaml",
    ] {
        assert!(
            all.iter().any(|l| l.starts_with(&format!("{rule} "))),
            "no fixture expects {rule}"
        );
    }
    let correct = files.iter().filter(|p| expected(p).is_empty()).count();
    assert!(correct >= 8, "only {correct} correct workflows");
}

#[test]
fn exit_1_on_a_failure_and_0_on_warnings_and_notes_only() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .arg("workflow")
        .arg(fixture("login-missing.yml"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    for name in ["no-permissions-block.yml", "secret-fallback.yml"] {
        let out = ghcr_doctor(home.path())
            .arg("workflow")
            .arg(fixture(name))
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stdout(&out));
        assert!(!stdout(&out).contains('✗'), "{name}");
    }
}

#[test]
fn an_unreadable_path_is_exit_2_with_its_name() {
    let home = tempfile::tempdir().expect("tempdir");
    let missing = home.path().join("no-such.yml");
    let out = ghcr_doctor(home.path())
        .arg("workflow")
        .arg(&missing)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such.yml"), "{}", stderr(&out));
}

#[test]
fn without_paths_it_reads_dot_github_workflows_or_says_it_is_missing() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .arg("workflow")
        .current_dir(home.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(".github/workflows"),
        "{}",
        stderr(&out)
    );

    let repo = tempfile::tempdir().expect("tempdir");
    let dir = repo.path().join(".github/workflows");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::copy(fixture("login-missing.yml"), dir.join("push.yml")).expect("copy");
    let out = ghcr_doctor(home.path())
        .args(["--format", "json", "workflow"])
        .current_dir(repo.path())
        .output()
        .expect("run");
    let v = json(&out);
    let f = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["check"] == "login-missing"))
        .expect("login-missing finding");
    assert_eq!(f["location"]["file"], ".github/workflows/push.yml");
    assert_eq!(f["location"]["line"], 15);
    assert_eq!(f["location"]["column"], 23);
    assert_eq!(f["cause"], "login-missing");
    assert_eq!(v["command"], "workflow");
    assert_eq!(v["ok"], false);
}

#[test]
fn a_yaml_error_is_a_finding_and_the_other_files_are_still_checked() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(fixture("syntax-error.yml"), dir.path().join("a.yml")).expect("copy");
    std::fs::copy(fixture("login-missing.yml"), dir.path().join("b.yaml")).expect("copy");
    std::fs::write(
        dir.path().join("c.yml"),
        b"on: push\njobs:\n  a:\n    run: \xff\xfe\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("notes.txt"), "not yaml").expect("write");
    let out = ghcr_doctor(home.path())
        .args(["--format", "json", "workflow"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let findings = v["findings"].as_array().expect("findings");
    let yaml: Vec<_> = findings
        .iter()
        .filter(|f| f["check"] == "workflow-yaml" && f["status"] == "fail")
        .collect();
    assert_eq!(
        yaml.len(),
        2,
        "syntax error and non-UTF-8 file: {findings:#?}"
    );
    assert!(yaml.iter().any(|f| f["location"]["line"] == 12));
    assert!(findings.iter().any(|f| f["check"] == "login-missing"));
    assert!(!stdout(&out).contains("notes.txt"));
}

#[test]
fn text_output_shows_the_source_line_under_the_finding() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .arg("workflow")
        .arg(fixture("uppercase-literal.yml"))
        .output()
        .expect("run");
    let text = stdout(&out);
    assert!(text.contains("reference-uppercase"), "{text}");
    assert!(
        text.contains("22 |           tags: ghcr.io/MyOrg/MyApp:${{ github.sha }}"),
        "{text}"
    );
    assert!(text.contains("   |                 ^^^^^"), "{text}");
    assert!(
        text.contains("ghcr.io/myorg/myapp"),
        "the fix gives the lowercase name: {text}"
    );
}

#[test]
fn sarif_output_is_what_code_scanning_reads() {
    let home = tempfile::tempdir().expect("tempdir");
    let repo = tempfile::tempdir().expect("tempdir");
    let dir = repo.path().join(".github/workflows");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::copy(
        fixture("job-block-without-packages.yml"),
        dir.join("release.yml"),
    )
    .expect("copy");
    std::fs::copy(fixture("secret-fallback.yml"), dir.join("fallback.yml")).expect("copy");
    // An absolute path still yields a URI relative to the repository root.
    let out = ghcr_doctor(home.path())
        .args(["--format", "sarif", "workflow"])
        .arg(&dir)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    assert!(
        v["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("sarif-2.1.0"))
    );
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ghcr-doctor");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "{results:#?}");
    for rule in rules {
        for key in ["id", "name"] {
            assert!(rule[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
        }
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(
                rule[key]["text"].as_str().is_some_and(|s| !s.is_empty()),
                "{key} of {rule}"
            );
        }
        let id = rule["id"].as_str().unwrap_or_default();
        assert!(
            rule["helpUri"].as_str().is_some_and(
                |u| u.starts_with("https://") && u.ends_with(&format!("docs/causes.md#{id}"))
            ),
            "{rule}"
        );
    }
    let levels: Vec<_> = results.iter().map(|r| r["level"].clone()).collect();
    assert!(levels.contains(&"error".into()) && levels.contains(&"note".into()));
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().expect("ruleIndex") as usize];
        assert_eq!(r["ruleId"], rule["id"]);
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with(".github/workflows/"), "{uri}");
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][key].as_u64().is_some_and(|n| n >= 1), "{key}");
        }
        assert!(!r["message"]["text"].as_str().unwrap_or_default().is_empty());
    }
}

#[test]
fn github_format_annotates_problems_and_prints_passes_plainly() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .args(["--format", "github", "workflow"])
        .arg(fixture("pull-request-unguarded.yml"))
        .output()
        .expect("run");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let warning = lines
        .iter()
        .find(|l| l.starts_with("::warning "))
        .expect("a warning annotation");
    assert!(warning.contains(",line=25,col=17,"), "{warning}");
    assert!(
        warning.contains("title=fork-or-dependabot-readonly::"),
        "{warning}"
    );
    assert!(
        warning.contains("%0Afix: "),
        "fix steps follow, escaped: {warning}"
    );
    assert!(!warning.contains('\n'));
    assert!(
        lines
            .iter()
            .any(|l| !l.starts_with("::") && l.contains("workflow-yaml")),
        "the pass is a plain line: {text}"
    );
}

#[test]
fn a_written_credential_never_appears_in_any_output() {
    let home = tempfile::tempdir().expect("tempdir");
    for format in ["text", "json", "sarif", "github"] {
        let out = ghcr_doctor(home.path())
            .args(["--format", format, "workflow"])
            .arg(fixture("hardcoded-password.yml"))
            .arg(fixture("login-literal-password.yml"))
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{format}");
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(all.contains("hardcoded-credential"), "{format}: {all}");
        for secret in [
            "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            "hunter2hunter2",
            "builder-password-1",
            "s3cretpassw0rd",
        ] {
            assert!(!all.contains(secret), "{format} shows {secret}");
        }
    }
}

#[test]
fn pushed_images_lists_ghcr_references_with_expressions_raw() {
    let images = workflow::pushed_images(&[
        fixture("docs-publish.yml"),
        fixture("env-levels.yml"),
        fixture("heredoc.yml"),
    ])
    .expect("readable");
    let got: Vec<(&str, usize, &str)> = images
        .iter()
        .map(|p| (p.job.as_str(), p.line, p.raw.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "build-and-push-image",
                36,
                "ghcr.io/${{ github.repository }}"
            ),
            ("publish", 29, "ghcr.io/octo-org/app:${{ github.sha }}"),
        ]
    );
    assert!(images.iter().all(|p| p.file.ends_with(".yml")));
}

#[test]
fn a_reusable_workflow_is_followed_from_its_caller() {
    let home = tempfile::tempdir().expect("tempdir");
    let repo = tempfile::tempdir().expect("tempdir");
    let dir = repo.path().join(".github/workflows");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::copy(
        fixture("reusable-build.yml"),
        dir.join("reusable-build.yml"),
    )
    .expect("copy");
    std::fs::copy(
        fixture("reusable-caller-denies.yml"),
        dir.join("release.yml"),
    )
    .expect("copy");
    // Only the caller is named; the callee is found through `uses: ./.github/workflows/...`.
    let out = ghcr_doctor(home.path())
        .args([
            "--format",
            "json",
            "workflow",
            ".github/workflows/release.yml",
        ])
        .current_dir(repo.path())
        .output()
        .expect("run");
    let v = json(&out);
    let f = v["findings"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|f| f["check"] == "workflow-missing-packages-write")
        })
        .expect("caller finding");
    assert_eq!(f["status"], "fail");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`build`"),
        "names the nested job: {f}"
    );
    assert!(
        f["fix"][0]
            .as_str()
            .unwrap_or_default()
            .contains("job `image`"),
        "{f}"
    );
}

#[test]
fn a_source_label_in_the_dockerfile_counts() {
    let home = tempfile::tempdir().expect("tempdir");
    let repo = tempfile::tempdir().expect("tempdir");
    let dir = repo.path().join(".github/workflows");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::copy(
        fixture("docker-docs-multi-registry.yml"),
        dir.join("ci.yml"),
    )
    .expect("copy");
    let labels = |out: &std::process::Output| {
        json(out)["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|f| f["check"] == "image-source-label-missing")
                    .count()
            })
            .unwrap_or_default()
    };
    let run = || {
        ghcr_doctor(home.path())
            .args(["--format", "json", "workflow"])
            .current_dir(repo.path())
            .output()
            .expect("run")
    };
    std::fs::write(repo.path().join("Dockerfile"), "FROM alpine:3.20\n").expect("write");
    assert_eq!(labels(&run()), 1, "no label anywhere");
    std::fs::write(
        repo.path().join("Dockerfile"),
        "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://github.com/user/app\n",
    )
    .expect("write");
    assert_eq!(labels(&run()), 0, "the Dockerfile sets the label");
}

/// The publishing example in `examples/` is what the README recommends: the linter must find
/// nothing wrong in it.
#[test]
fn the_publishing_example_reports_nothing() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = ghcr_doctor(home.path())
        .current_dir(crate::support::root())
        .args(["workflow", "--format", "json", "examples/"])
        .output()
        .expect("run");
    let doc = crate::support::json(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        crate::support::stdout(&out)
    );
    let problems: Vec<_> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] != "pass")
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let pushed = doc["pushed_images"].as_array().expect("pushed_images");
    assert!(!pushed.is_empty(), "the example pushes images: {doc}");
}
