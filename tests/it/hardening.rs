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

/// A repository whose one workflow is `on: push` and a job with `uses: ./<path>`.
fn repo_calling(home: &Path, uses: &str) {
    let wf = home.join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("workflows");
    std::fs::write(
        wf.join("ci.yml"),
        format!("on: push\njobs:\n  a:\n    uses: {uses}\n"),
    )
    .expect("ci.yml");
    // Running with no command needs a repository.
    let git = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(home)
        .status()
        .expect("git init");
    assert!(git.success());
}

/// `uses: ./../../../../../../proc/self/environ` is refused unread (the environment never
/// reaches a snippet), in text, JSON and with no command at all; so is a symbolic link in
/// `.github/workflows/` that leads out of the repository.
#[test]
fn a_reusable_workflow_path_never_leaves_the_repository() {
    let home = tempfile::tempdir().expect("home");
    repo_calling(home.path(), "./../../../../../../proc/self/environ");
    let secret = ("MYSECRET", "environment-canary-0123");
    for args in [
        &["workflow"][..],
        &["--format", "json", "workflow"][..],
        &[][..],
        &["--format", "json"][..],
    ] {
        let out = run(home.path(), args, &[secret]);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(secret.1), "{args:?}: {all}");
        assert!(
            all.contains("reusable-workflow-outside"),
            "{args:?}: refused, said so: {all}"
        );
    }

    // A symbolic link in the folder, called by its proper path, that leads outside.
    let home = tempfile::tempdir().expect("home");
    let outside = tempfile::tempdir().expect("outside");
    std::fs::write(
        outside.path().join("leak.yml"),
        "on: push\njobs: {a: {runs-on: x, steps: [{run: OUTSIDE-CANARY}]}}\n]",
    )
    .expect("outside file");
    repo_calling(home.path(), "./.github/workflows/leak.yml");
    std::os::unix::fs::symlink(
        outside.path().join("leak.yml"),
        home.path().join(".github/workflows/../leak.yml"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(
        outside.path().join("leak.yml"),
        home.path().join(".github/workflows/leak.yml.link"),
    )
    .expect("symlink");
    std::fs::rename(
        home.path().join(".github/workflows/leak.yml.link"),
        home.path().join(".github/workflows/leak.yml"),
    )
    .expect("rename");
    let out = run(home.path(), &["workflow", ".github/workflows/ci.yml"], &[]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("OUTSIDE-CANARY"), "{all}");
    assert!(all.contains("reusable-workflow-outside"), "{all}");
}

/// A FIFO and an unreadable file among the workflows: each is reported (exit 1, not 2), the
/// others are linted, and nothing blocks.
#[test]
fn unreadable_workflows_and_fifos_are_reported_and_the_rest_linted() {
    let home = tempfile::tempdir().expect("home");
    let wf = home.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("workflows");
    std::fs::write(
        wf.join("good.yml"),
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
    )
    .expect("good");
    let fifo = wf.join("pipe.yml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", wf.join("zero.yml")).expect("symlink");
    let locked = wf.join("locked.yml");
    std::fs::write(&locked, "on: push\n").expect("locked");
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    }
    let root_reads_anything = std::fs::read(&locked).is_ok();
    let out = run_guarded(home.path(), &["--format", "json", "workflow"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = crate::support::json(&out);
    let findings = doc["findings"].as_array().expect("findings");
    let status_of = |file: &str| {
        findings
            .iter()
            .find(|f| f["target"].as_str().is_some_and(|t| t.ends_with(file)))
            .map(|f| f["status"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(status_of("good.yml").as_deref(), Some("pass"), "{doc}");
    assert_eq!(status_of("pipe.yml").as_deref(), Some("fail"), "{doc}");
    assert_eq!(status_of("zero.yml").as_deref(), Some("fail"), "{doc}");
    if !root_reads_anything {
        assert_eq!(status_of("locked.yml").as_deref(), Some("fail"), "{doc}");
    }
    // The FIFO given by name does not block either.
    let out = run_guarded(
        home.path(),
        &["workflow", ".github/workflows/pipe.yml"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("not a regular file"),
        "{}",
        stdout(&out)
    );
}

/// A workflow whose job id carries workflow commands and whose step carries an ESC
/// sequence and Markdown links and images.
const INJECTING: &str = "on: push\njobs:\n  \"a\\n::error file=README.md::INJECTED\\n::add-mask::ghcr.io [x](https://evil.example) ![i](https://evil.example/i.png) \\e[2J\\a\\u009b\":\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker push ghcr.io/Octo/app\n";

/// Job ids with `\n::error ...` never become workflow commands (annotations and the passes
/// folded in `::group::`), ESC/BEL/C1 never reach the terminal raw, and Markdown never
/// renders a link or an image taken from a job id.
#[test]
fn input_never_becomes_a_workflow_command_terminal_control_or_a_link() {
    let home = tempfile::tempdir().expect("home");
    let wf = home.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("workflows");
    std::fs::write(wf.join("ci.yml"), INJECTING).expect("ci.yml");
    for format in ["github", "text", "markdown"] {
        let out = run(home.path(), &["--format", format, "workflow"], &[]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("INJECTED"),
            "{format}: the job is reported: {text}"
        );
        for line in text.lines() {
            assert!(
                !line.starts_with("::error file=README.md") && !line.starts_with("::add-mask::"),
                "{format}: injected command: {line}\n{text}"
            );
        }
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{format}: raw control characters: {text:?}"
        );
        if format == "markdown" {
            // Inside a code span the text is shown as it is, never as a link.
            let outside = outside_code_spans(&text);
            assert!(!outside.contains("[x](https://"), "a link: {text}");
            assert!(!outside.contains("![i](https://"), "an image: {text}");
            assert!(!outside.contains("https://evil"), "an autolink: {text}");
        }
    }
}

/// The Markdown text outside code spans (a run of backticks up to the same run).
fn outside_code_spans(md: &str) -> String {
    let mut out = String::new();
    for line in md.lines() {
        let mut rest = line;
        while let Some(start) = rest.find('`') {
            out.push_str(&rest[..start]);
            let run = rest[start..].chars().take_while(|c| *c == '`').count();
            let fence = "`".repeat(run);
            let body = &rest[start + run..];
            match body.find(&fence) {
                Some(end) => rest = &body[end + run..],
                None => {
                    rest = body;
                    break;
                }
            }
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

/// A registry whose error body carries ESC sequences and a line that looks like a workflow
/// command: shown escaped, in text and in GitHub annotations.
#[test]
fn a_registry_error_body_never_reaches_the_terminal_raw() {
    use crate::support::hostile::{Behaviour, Server};
    let body = r#"{"errors":[{"code":"DENIED","message":"\u001b]0;pwned\u0007\u001b[2J\n::error file=README.md::INJECTED"}]}"#;
    let server = Server::start(Behaviour::Raw(format!(
        "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )));
    let home = tempfile::tempdir().expect("home");
    for format in ["text", "github"] {
        let out = run(
            home.path(),
            &["--format", format, "check", "--no-github", "127.0.0.1/o/n"],
            &[
                ("GHCR_TOKEN", "hostile-test-secret"),
                ("GHCR_USERNAME", "u"),
                (
                    "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
                    &format!("127.0.0.1=http://127.0.0.1:{}", server.port),
                ),
            ],
        );
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: {text:?}"
        );
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("::error file=README.md")),
            "{format}: {text}"
        );
    }
}

/// Runs with a hang guard: a run still going after 60 s is killed and fails the test.
fn run_guarded(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut cmd = ghcr_doctor(home);
    cmd.current_dir(home)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn");
    let start = Instant::now();
    while child.try_wait().expect("try_wait").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?}: still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// docker's `config.json` as a FIFO or `/dev/zero`: `check` reports it and goes on, never
/// blocks or reads without end; a world-readable config that holds credentials is warned
/// about.
#[test]
fn docker_config_fifo_device_and_world_readable_file() {
    let home = tempfile::tempdir().expect("home");
    let docker = home.path().join(".docker");
    std::fs::create_dir_all(&docker).expect("docker dir");
    let config = docker.join("config.json");
    let endpoints = format!("127.0.0.1={CLOSED}");
    let env: &[(&str, &str)] = &[
        ("GHCR_TOKEN", "hostile-test-secret"),
        ("GHCR_USERNAME", "u"),
        ("GHCR_DOCTOR_REGISTRY_ENDPOINTS", &endpoints),
    ];
    let args = ["--format", "json", "check", "--no-github", "127.0.0.1/o/n"];
    let config_finding = |out: &Output| {
        let doc = crate::support::json(out);
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["check"] == "credential-config")
            .cloned()
            .unwrap_or_else(|| panic!("no credential-config finding: {doc}"))
    };

    let made = std::process::Command::new("mkfifo")
        .arg(&config)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = run_guarded(home.path(), &args, env);
    let f = config_finding(&out);
    assert_eq!(f["status"], "fail", "{f}");
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("not a regular file")),
        "{f}"
    );

    std::fs::remove_file(&config).expect("rm fifo");
    std::os::unix::fs::symlink("/dev/zero", &config).expect("symlink");
    let out = run_guarded(home.path(), &args, env);
    assert_eq!(config_finding(&out)["status"], "fail");

    std::fs::remove_file(&config).expect("rm link");
    std::fs::write(
        &config,
        r#"{"auths":{"ghcr.io":{"auth":"dTpwYXNzd29yZA=="}}}"#,
    )
    .expect("config");
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let out = run_guarded(home.path(), &args, env);
    let f = config_finding(&out);
    assert_eq!(f["status"], "warn", "{f}");
    assert!(
        f["message"].as_str().is_some_and(|m| m.contains("0644")),
        "{f}"
    );
}
