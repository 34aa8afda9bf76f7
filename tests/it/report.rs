//! What people read: the text report (snapshots of a passing check, a refused push, a
//! zero-configuration run and `--quiet`), the SARIF of `check`, `explain`, `verify` and
//! `workflow` against the SARIF 2.1.0 schema, and the no-argument guide.
//!
//! Snapshots live in `tests/data/text/`; ports and temporary paths are normalised. Run with
//! `UPDATE_SNAPSHOTS=1` to rewrite them after a deliberate change, then read the diff.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::check::ghcr::{CLASSIC, INSTALL, fake};
use crate::support::image::{OCI_MANIFEST, Pusher};
use crate::support::registry::{Auth, Registry};
use crate::support::{ghcr_doctor, root, run_with_stdin, stdout};

/// `text` with every loopback port and every temporary directory replaced.
fn normalise(text: &str, temps: &[&Path]) -> String {
    let mut text = text.to_owned();
    for dir in temps {
        let shown = dir.display().to_string();
        text = text.replace(&shown, "<TMP>");
    }
    let port = regex::Regex::new(r"(127\.0\.0\.1|localhost|\[::1\]):\d+").expect("regex");
    port.replace_all(&text, "$1:<PORT>").into_owned()
}

/// Compares `actual` with the snapshot `name`, or rewrites it with `UPDATE_SNAPSHOTS=1`.
fn snapshot(name: &str, actual: &str) {
    let path = root().join("tests/data/text").join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_SNAPSHOTS=1)", path.display()));
    assert_eq!(
        actual,
        expected,
        "text report differs from {}",
        path.display()
    );
}

fn check(home: &Path, fake_url: &str, extra: &[&str], token: Option<&str>) -> Output {
    let mut cmd = ghcr_doctor(home);
    cmd.env(
        "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
        format!("ghcr.io={fake_url}"),
    )
    .env("GHCR_USERNAME", "octocat")
    .args(extra)
    .args(["check", "--no-github", "ghcr.io/octo/app:v1"]);
    if let Some(token) = token {
        cmd.env("GHCR_TOKEN", token);
    }
    cmd.output().expect("run check")
}

#[test]
fn a_passing_check_says_so_first_and_folds_the_passes() {
    let fake = fake();
    let home = tempfile::tempdir().expect("home");
    let out = check(home.path(), &fake.url(), &[], Some(CLASSIC));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = normalise(&stdout(&out), &[home.path()]);
    assert!(
        text.starts_with("ghcr.io/octo/app:v1: ✓ can pull and push"),
        "{text}"
    );
    snapshot("check-pass", &text);
    // -v lists every check, one line each, as a checklist.
    let out = check(home.path(), &fake.url(), &["-v"], Some(CLASSIC));
    let verbose = stdout(&out);
    for id in ["registry-login", "registry-pull", "registry-push"] {
        assert!(
            verbose.contains(&format!("✓ {id} [ghcr.io/octo/app:v1]")),
            "{verbose}"
        );
    }
}

#[test]
fn a_refused_push_leads_with_the_failure_and_its_fix_once() {
    let fake = fake();
    let home = tempfile::tempdir().expect("home");
    let out = check(home.path(), &fake.url(), &[], Some(INSTALL));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = normalise(&stdout(&out), &[home.path()]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ghcr.io/octo/app:v1", "{text}");
    assert!(lines[1].trim_start().starts_with('✗'), "{text}");
    snapshot("check-push-refused", &text);

    // --quiet: the problems and the summary line only.
    let out = check(home.path(), &fake.url(), &["-q"], Some(INSTALL));
    assert_eq!(out.status.code(), Some(1));
    let quiet = normalise(&stdout(&out), &[home.path()]);
    for line in quiet.lines().filter(|l| !l.is_empty()) {
        let t = line.trim_start();
        assert!(
            t.starts_with('✗')
                || t.starts_with('!')
                || t.starts_with("fix:")
                || t.contains(" failed, "),
            "not a problem, fix or summary: {line}\n{quiet}"
        );
    }
    snapshot("check-quiet", &quiet);
}

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
fn a_zero_configuration_run_is_short() {
    let fake = fake();
    let repo = git_repo_with_the_publishing_example();
    let home = tempfile::tempdir().expect("home");
    let out = ghcr_doctor(home.path())
        .current_dir(repo.path())
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", fake.url()),
        )
        .env("GITHUB_REPOSITORY", "octo-org/my-app")
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .output()
        .expect("run");
    let text = normalise(&stdout(&out), &[repo.path(), home.path()]);
    // No credential anywhere: the no-credential fix is given once.
    assert!(text.lines().count() < 30, "{text}");
    snapshot("zero-configuration", &text);
}

#[test]
fn the_guide_outside_a_repository_lists_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let help = ghcr_doctor(dir.path())
        .arg("--help")
        .output()
        .expect("help");
    let help = stdout(&help);
    let commands: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .expect("commands section")
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.contains(&"ref"), "{help}");
    let out = ghcr_doctor(dir.path())
        .current_dir(dir.path())
        .output()
        .expect("run");
    let guide = stdout(&out);
    for c in commands {
        assert!(
            guide.contains(&format!("ghcr-doctor {c} ")),
            "{c} missing: {guide}"
        );
    }
}

/// The SARIF 2.1.0 schema (OASIS, `sarif-2.1/schema/sarif-schema-2.1.0.json`).
fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/data/sarif/sarif-schema-2.1.0.json"))
            .expect("schema"),
    )
    .expect("schema JSON");
    jsonschema::draft4::new(&schema).expect("compile the schema")
}

/// Parses `out` as SARIF, validates it and returns its results.
fn sarif(out: &Output) -> (Value, Vec<Value>) {
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)));
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}\n{doc:#}");
    let results = doc["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    (doc, results)
}

fn rules(doc: &Value) -> Vec<Value> {
    doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Every result's rule is in the rules, and every rule's `helpUri` is an absolute link to
/// the project's cause or check documentation.
fn assert_rules(doc: &Value, results: &[Value]) {
    let rules = rules(doc);
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "{doc:#}");
    }
    for rule in &rules {
        let uri = rule["helpUri"].as_str().expect("helpUri");
        assert!(
            uri.starts_with(ghcr_doctor::home::repository())
                && (uri.contains("/docs/causes.md#") || uri.contains("/docs/checks")),
            "{uri}"
        );
    }
}

#[test]
fn sarif_of_check_has_a_result_per_problem_with_the_cause_as_rule() {
    let fake = fake();
    let home = tempfile::tempdir().expect("home");
    let out = check(
        home.path(),
        &fake.url(),
        &["--format", "sarif"],
        Some(INSTALL),
    );
    assert_eq!(out.status.code(), Some(1));
    let (doc, results) = sarif(&out);
    assert_rules(&doc, &results);
    let json_out = check(
        home.path(),
        &fake.url(),
        &["--format", "json"],
        Some(INSTALL),
    );
    let json: Value = serde_json::from_slice(&json_out.stdout).expect("json");
    let problems: Vec<&Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail" || f["status"] == "warn")
        .collect();
    assert!(!problems.is_empty());
    assert_eq!(results.len(), problems.len(), "{doc:#}");
    for (r, f) in results.iter().zip(&problems) {
        let want = f["cause"].as_str().or(f["check"].as_str());
        assert_eq!(r["ruleId"].as_str(), want, "{doc:#}");
        // No file: a logical location naming the image.
        assert_eq!(
            r["locations"][0]["logicalLocations"][0]["name"], f["target"],
            "{doc:#}"
        );
    }
}

#[test]
fn sarif_of_explain_carries_the_cause_and_the_log_line() {
    let home = tempfile::tempdir().expect("home");
    let log = root().join("tests/data/explain/image-not-found/manifest-unknown.log");
    let out = ghcr_doctor(home.path())
        .args(["--format", "sarif", "explain"])
        .arg(&log)
        .output()
        .expect("run");
    let (doc, results) = sarif(&out);
    assert_rules(&doc, &results);
    assert!(!results.is_empty(), "{doc:#}");
    let r = &results[0];
    assert_eq!(r["ruleId"], "image-not-found", "{doc:#}");
    let place = &r["locations"][0]["physicalLocation"];
    assert!(
        place["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("manifest-unknown.log")),
        "{doc:#}"
    );
    assert!(
        place["region"]["startLine"]
            .as_u64()
            .is_some_and(|l| l >= 1)
    );
}

#[test]
fn sarif_of_verify_has_a_result_for_the_failed_check() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    Pusher::new(&reg.url(), None).image(
        "team/app",
        Some("v1"),
        OCI_MANIFEST,
        ("linux", "amd64", None),
        &[],
        1,
    );
    let other = format!("sha256:{}", "ab".repeat(32));
    let out = ghcr_doctor(home.path())
        .args(["--format", "sarif", "verify", "--plain-http"])
        .arg(format!("{}/team/app:v1", reg.host()))
        .args(["--expect-digest", &other])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let (doc, results) = sarif(&out);
    assert_rules(&doc, &results);
    assert!(
        results
            .iter()
            .any(|r| r["properties"]["check"] == "image-digest" && r["level"] == "error"),
        "{doc:#}"
    );
}

#[test]
fn sarif_of_workflow_points_at_the_lines() {
    let home = tempfile::tempdir().expect("home");
    let out = ghcr_doctor(home.path())
        .args(["--format", "sarif", "workflow"])
        .arg(root().join("tests/fixtures/workflows/bake.yml"))
        .output()
        .expect("run");
    let (doc, results) = sarif(&out);
    assert_rules(&doc, &results);
    assert!(!results.is_empty(), "{doc:#}");
    assert_eq!(results[0]["ruleId"], "workflow-missing-packages-write");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );
}

#[test]
fn token_reads_the_secret_with_the_shared_option_names_and_the_old_ones() {
    let home = tempfile::tempdir().expect("home");
    for args in [
        &["token", "--password-stdin"][..],
        &["token", "--stdin"][..],
    ] {
        let mut cmd = ghcr_doctor(home.path());
        cmd.args(args).args(["--format", "json"]);
        let out = run_with_stdin(&mut cmd, format!("{CLASSIC}\n").as_bytes());
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stdout(&out));
    }
    let file = home.path().join("token");
    std::fs::write(&file, format!("{CLASSIC}\n")).expect("write");
    for flag in ["--token-file", "--from-file"] {
        let out = ghcr_doctor(home.path())
            .args(["token", flag])
            .arg(&file)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", stdout(&out));
    }
    for flag in ["--token-env", "--from-env"] {
        let out = ghcr_doctor(home.path())
            .env("MY_TOKEN", CLASSIC)
            .args(["token", flag, "MY_TOKEN"])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", stdout(&out));
    }
    let help = ghcr_doctor(home.path())
        .args(["token", "--help"])
        .output()
        .expect("help");
    let help = stdout(&help);
    assert!(
        help.contains("--password-stdin") && help.contains("--token-file"),
        "{help}"
    );
    assert!(
        !help.contains("--from-env") && !help.contains("--stdin "),
        "{help}"
    );
    // check reads a token file too.
    let fake = fake();
    let out = ghcr_doctor(home.path())
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", fake.url()),
        )
        .env("GHCR_USERNAME", "octocat")
        .args(["--format", "json", "check", "--no-github", "--token-file"])
        .arg(&file)
        .arg("ghcr.io/octo/app:v1")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains(&CLASSIC[4..]));
}
