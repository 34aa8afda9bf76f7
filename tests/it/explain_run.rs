//! `ghcr-doctor explain URL` / `explain --run ID`: from a GitHub Actions run to the cause of
//! each failed job, pointing at the log line and at the workflow line to change, against an
//! in-process fake of GitHub's Actions API (`support::actions_fake`).

use std::process::Output;

use crate::support::actions_fake::{ActionsFake, FakeJob, REPO, SHA, Scenario, TOKEN};
use crate::support::{ghcr_doctor, json, root, stderr, stdout};

/// A job that logs in to ghcr.io and is refused the push, without the runner's permissions
/// block: the log alone points at the package's access settings.
const REFUSED_LOG: &str = "\
2024-05-01T10:00:00.1000000Z Current runner version: '2.316.0'
2024-05-01T10:00:05.0000000Z ##[group]Run docker/login-action@v3
2024-05-01T10:00:05.1000000Z Logging into ghcr.io...
2024-05-01T10:00:05.9000000Z Login Succeeded!
2024-05-01T10:00:06.0000000Z ##[endgroup]
2024-05-01T10:01:40.0000000Z The push refers to repository [ghcr.io/acme/app]
2024-05-01T10:01:41.0000000Z 5f70bf18a086: Preparing
2024-05-01T10:01:41.5000000Z denied: permission_denied: write_package
2024-05-01T10:01:41.6000000Z ##[error]Process completed with exit code 1.
";

/// The line of [`REFUSED_LOG`] that first names the refusal.
const REFUSED_LINE: u64 = 8;

const BUILD_LOG: &str =
    "2024-05-01T10:00:00.1000000Z error[E0425]: cannot find value `x` in this scope\n";

fn workflow() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/workflows/job-block-without-packages.yml"))
        .expect("fixture")
}

fn jobs() -> Vec<FakeJob> {
    vec![
        FakeJob::new(11, "test", Some("success"), Some("all good\n")),
        FakeJob::new(12, "push-image", Some("failure"), Some(REFUSED_LOG)),
        FakeJob::new(13, "docs", Some("cancelled"), Some("cancelled\n")),
        FakeJob::new(14, "explain", None, None),
    ]
}

fn run(fake: &ActionsFake, token: Option<&str>, args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("home");
    let mut cmd = ghcr_doctor(home.path());
    cmd.arg("explain")
        .args(args)
        .args(["--github-api-url", &fake.api.url()]);
    if let Some(t) = token {
        cmd.env("GH_TOKEN", t);
    }
    cmd.output().expect("run ghcr-doctor")
}

fn assert_no_token(out: &Output) {
    assert!(!stdout(out).contains(TOKEN), "token in stdout");
    assert!(!stderr(out).contains(TOKEN), "token in stderr");
}

#[test]
fn a_job_without_packages_write_points_at_the_job_and_the_log_line() {
    let fake = ActionsFake::start(Scenario::push(1001, &workflow(), jobs()));
    let url = format!("https://github.com/{REPO}/actions/runs/1001");
    let out = run(&fake, Some(TOKEN), &[&url, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_no_token(&out);
    let v = json(&out);
    let f = &v["findings"][0];
    assert_eq!(f["cause"], "workflow-missing-packages-write", "{v:#}");
    assert_eq!(f["status"], "fail");
    // What to change: the job's permissions block in the workflow at the run's commit.
    assert_eq!(f["location"]["file"], ".github/workflows/release.yml");
    assert_eq!(f["location"]["line"], 9);
    assert_eq!(f["evidence"]["workflow"]["ref"], &SHA[..12]);
    assert_eq!(f["evidence"]["workflow"]["job"], "push-image");
    // Where it was seen: the failed job's log line.
    assert_eq!(f["evidence"]["log"]["job"], "push-image");
    assert_eq!(f["evidence"]["log"]["job_id"], 12);
    assert_eq!(f["evidence"]["log"]["line"], REFUSED_LINE);
    assert_eq!(
        f["evidence"]["decided_by"][0],
        "workflow:workflow-missing-packages-write"
    );
    assert!(
        f["fix"]
            .as_array()
            .expect("fix")
            .iter()
            .any(|s| s.as_str().is_some_and(|s| s.contains("line 9"))),
        "the fix names the workflow line: {f:#}"
    );
    assert_eq!(v["run"]["id"], 1001);
    assert_eq!(v["run"]["workflow"], ".github/workflows/release.yml");
    assert_eq!(v["run"]["event"], "push");

    // The log alone does not say it: the workflow at the run's commit decided.
    let log = tempfile::NamedTempFile::new().expect("log");
    std::fs::write(log.path(), REFUSED_LOG).expect("write log");
    let home = tempfile::tempdir().expect("home");
    let alone = ghcr_doctor(home.path())
        .args(["explain", "--format", "json"])
        .arg(log.path())
        .output()
        .expect("explain file");
    assert_eq!(
        json(&alone)["findings"][0]["cause"],
        "package-access-not-granted"
    );

    // Only the failed job's log was asked for; the workflow file at the run's commit too.
    let paths = fake.api_paths();
    let logs: Vec<&String> = paths.iter().filter(|p| p.ends_with("/logs")).collect();
    assert_eq!(
        logs,
        [&format!("/repos/{REPO}/actions/jobs/12/logs")],
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("/contents/.github/workflows/release.yml"))
    );
}

#[test]
fn the_token_is_not_sent_across_the_log_redirect() {
    let fake = ActionsFake::start(Scenario::push(1001, &workflow(), jobs()));
    let out = run(
        &fake,
        Some(TOKEN),
        &["--run", "1001", "--repo", REPO, "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let api = fake.api.requests();
    assert!(!api.is_empty());
    assert!(
        api.iter().all(|r| r.bearer() == Some(TOKEN)),
        "the API gets the token"
    );
    let downloads = fake.logs.requests();
    assert_eq!(downloads.len(), 1, "one log download");
    assert_eq!(
        downloads[0].header("authorization"),
        None,
        "no token on the log host"
    );
    assert_no_token(&out);
}

#[test]
fn text_output_names_the_run_and_the_job() {
    let fake = ActionsFake::start(Scenario::push(1001, &workflow(), jobs()));
    let url = format!("https://github.com/{REPO}/actions/runs/1001/job/12");
    let out = run(&fake, Some(TOKEN), &[&url, "--format", "text"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("run 1001 / job push-image"), "{text}");
    assert!(text.contains("job `push-image`, log line 8:"), "{text}");
    assert!(text.contains(".github/workflows/release.yml"), "{text}");
    // A job URL asks for that job only.
    let paths = fake.api_paths();
    assert!(
        paths.contains(&format!("/repos/{REPO}/actions/jobs/12")),
        "{paths:?}"
    );
    assert!(!paths.iter().any(|p| p.ends_with("/jobs")), "{paths:?}");
}

#[test]
fn a_dependabot_pull_request_run_is_the_read_only_token_first() {
    let mut s = Scenario::push(1002, &workflow(), jobs());
    s.event = "pull_request".into();
    s.actor = "dependabot[bot]".into();
    s.head_branch = "dependabot/docker/alpine-3.20".into();
    let fake = ActionsFake::start(s);
    let out = run(
        &fake,
        Some(TOKEN),
        &["--run", "1002", "--repo", REPO, "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let f = &v["findings"][0];
    assert_eq!(f["cause"], "fork-or-dependabot-readonly", "{v:#}");
    assert_eq!(f["location"]["file"], ".github/workflows/release.yml");
    assert_eq!(f["evidence"]["log"]["line"], REFUSED_LINE);
    assert!(
        f["evidence"]["decided_by"][0]
            .as_str()
            .is_some_and(|d| d.contains("dependabot[bot]"))
    );
    assert_eq!(v["run"]["dependabot"], true);
}

#[test]
fn a_fork_pull_request_run_is_the_read_only_token_first() {
    let mut s = Scenario::push(1003, &workflow(), jobs());
    s.event = "pull_request".into();
    s.actor = "contributor".into();
    s.head_repository = "contributor/app".into();
    let fake = ActionsFake::start(s);
    let out = run(
        &fake,
        Some(TOKEN),
        &["--run", "1003", "--repo", REPO, "--format", "json"],
    );
    let v = json(&out);
    assert_eq!(
        v["findings"][0]["cause"], "fork-or-dependabot-readonly",
        "{v:#}"
    );
    assert_eq!(v["run"]["fork"], true);
}

#[test]
fn every_page_of_jobs_is_read() {
    let mut many: Vec<FakeJob> = (1..=130)
        .map(|i| {
            FakeJob::new(
                100 + i,
                &format!("shard-{i}"),
                Some("success"),
                Some("ok\n"),
            )
        })
        .collect();
    many.push(FakeJob::new(
        999,
        "push-image",
        Some("failure"),
        Some(REFUSED_LOG),
    ));
    let fake = ActionsFake::start(Scenario::push(1004, &workflow(), many));
    let out = run(
        &fake,
        Some(TOKEN),
        &["--run", "1004", "--repo", REPO, "--format", "json"],
    );
    let v = json(&out);
    assert_eq!(v["run"]["jobs"].as_array().map(Vec::len), Some(131));
    assert_eq!(v["findings"][0]["evidence"]["log"]["job_id"], 999, "{v:#}");
}

#[test]
fn a_job_that_failed_for_another_reason_is_a_note() {
    let jobs = vec![FakeJob::new(21, "test", Some("failure"), Some(BUILD_LOG))];
    let fake = ActionsFake::start(Scenario::push(1005, &workflow(), jobs));
    let out = run(
        &fake,
        Some(TOKEN),
        &["--run", "1005", "--repo", REPO, "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["findings"][0]["check"], "explain-run", "{v:#}");
    assert_eq!(v["findings"][0]["status"], "info", "{v:#}");
    assert!(v["findings"][0]["cause"].is_null());
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Build and push"))
    );
}

#[test]
fn a_failure_the_job_recovered_is_a_note_after_the_job_s_own() {
    let log =
        std::fs::read_to_string(root().join("tests/data/explain/none/recovered-pull-retry.log"))
            .expect("fixture");
    let jobs = vec![FakeJob::new(22, "test", Some("failure"), Some(&log))];
    let fake = ActionsFake::start(Scenario::push(1006, &workflow(), jobs));
    let out = run(
        &fake,
        Some(TOKEN),
        &["--run", "1006", "--repo", REPO, "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let findings = v["findings"].as_array().expect("findings");
    // The job's note, then the timeout and the retry's warning, both recovered by the pull.
    assert_eq!(findings.len(), 3, "{v:#}");
    assert_eq!(
        findings[2]["evidence"]["recovered_cause"],
        "registry-unavailable"
    );
    assert!(
        findings
            .iter()
            .all(|f| f["status"] == "info" && f["cause"].is_null())
    );
    let recovered = &findings[1];
    assert_eq!(
        recovered["evidence"]["recovered_cause"], "network-timeout",
        "{v:#}"
    );
    assert_eq!(recovered["evidence"]["completed_line"], 15, "{v:#}");
    assert!(
        recovered["target"]
            .as_str()
            .is_some_and(|t| t.contains("test")),
        "{v:#}"
    );
}

#[test]
fn a_private_repository_without_a_token_says_which_token_is_needed() {
    let fake = ActionsFake::start(Scenario::push(1001, &workflow(), jobs()));
    let out = run(&fake, None, &["--run", "1001", "--repo", REPO]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("GH_TOKEN") && err.contains("actions: read"),
        "{err}"
    );
    assert!(fake.logs.requests().is_empty());
}

#[test]
fn an_unknown_run_is_named() {
    let fake = ActionsFake::start(Scenario::push(1001, &workflow(), jobs()));
    let out = run(&fake, Some(TOKEN), &["--run", "404404", "--repo", REPO]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("run 404404 of acme/app was not found"),
        "{err}"
    );
    assert_no_token(&out);
}

#[test]
fn an_unknown_job_is_named() {
    let fake = ActionsFake::start(Scenario::push(1001, &workflow(), jobs()));
    let url = format!("https://github.com/{REPO}/actions/runs/1001/job/77");
    let out = run(&fake, Some(TOKEN), &[&url]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("job 77 of acme/app was not found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_expired_log_is_said_and_the_rest_still_reported() {
    let mut s = Scenario::push(1001, &workflow(), jobs());
    s.logs_expired = true;
    let fake = ActionsFake::start(s);
    let out = run(
        &fake,
        Some(TOKEN),
        &["--run", "1001", "--repo", REPO, "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let f = &v["findings"][0];
    assert_eq!(f["status"], "warn");
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("limited time")),
        "{f:#}"
    );
}

#[test]
fn the_rate_limit_says_when_it_resets() {
    let mut s = Scenario::push(1001, &workflow(), jobs());
    s.rate_limited = true;
    let fake = ActionsFake::start(s);
    let out = run(&fake, None, &["--run", "1001", "--repo", REPO]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("rate limit") && err.contains("2026-01-01 00:00:00 UTC"),
        "{err}"
    );
    assert!(err.contains("GH_TOKEN"), "{err}");
}

#[test]
fn the_repository_comes_from_github_repository_and_bad_input_is_refused() {
    let fake = ActionsFake::start(Scenario::push(1001, &workflow(), jobs()));
    let home = tempfile::tempdir().expect("home");
    let out = ghcr_doctor(home.path())
        .args([
            "explain",
            "--run",
            "1001",
            "--format",
            "json",
            "--github-api-url",
            &fake.api.url(),
        ])
        .env("GITHUB_REPOSITORY", REPO)
        .env("GITHUB_TOKEN", TOKEN)
        .current_dir(home.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json(&out)["run"]["repository"], REPO);

    for args in [
        vec!["explain", "https://github.com/acme/app/pull/3"],
        vec!["explain", "--run", "abc", "--repo", REPO],
        vec!["explain", "--run", "1", "--repo", "not a repo"],
    ] {
        let out = ghcr_doctor(home.path())
            .args(&args)
            .current_dir(home.path())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&out).is_empty());
    }
    // Outside a repository and without GITHUB_REPOSITORY, --run says what it needs.
    let out = ghcr_doctor(home.path())
        .args(["explain", "--run", "1"])
        .current_dir(home.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--repo OWNER/REPO"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn inside_actions_the_causes_become_annotations() {
    let fake = ActionsFake::start(Scenario::push(1001, &workflow(), jobs()));
    let home = tempfile::tempdir().expect("home");
    let summary = home.path().join("summary.md");
    std::fs::write(&summary, "").expect("summary");
    let out = ghcr_doctor(home.path())
        .args([
            "explain",
            "--run",
            "1001",
            "--github-api-url",
            &fake.api.url(),
        ])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_REPOSITORY", REPO)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .current_dir(home.path())
        .output()
        .expect("run");
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error file=.github/workflows/release.yml,line=9")),
        "{text}"
    );
    let md = std::fs::read_to_string(&summary).expect("summary");
    assert!(md.contains("workflow-missing-packages-write"), "{md}");
    assert!(
        !md.contains(TOKEN)
            && !text
                .replace(&format!("::add-mask::{TOKEN}"), "")
                .contains(TOKEN)
    );
}
