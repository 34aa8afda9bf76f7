//! `login`: the candidates in order, each proven against a real registry (htpasswd and token
//! mode) or the ghcr.io fake, the fallback with the first candidate's cause, the docker config
//! merge, and GitHub Actions mode (masks first, annotations, outputs, step summary).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use base64::Engine as _;

use crate::check::{assert_nothing_written, holdings};
use crate::support::ghcr_fake::{self, Account, Config};
use crate::support::http_server::Server;
use crate::support::registry::{Auth, Registry};
use crate::support::token_server::TokenServer;
use crate::support::{ghcr_doctor, json, stderr, stdout};

mod action;

/// A classic token whose push is refused for lack of `write:packages`.
const READ_ONLY: &str = "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";
/// The workflow's token, allowed to push.
const WORKFLOW: &str = "ghs_wwwwwwwwwwwwwwwwwwwwwwwwwwwwww4FsRFa";
const SCOPES_DENIED: &str = "permission_denied: The token provided does not match expected scopes.";
const APP: &str = "ghcr.io/octo/app:v1";

fn ghcr() -> Server {
    ghcr_fake::start(Config {
        accounts: vec![
            Account::push_denied(READ_ONLY, SCOPES_DENIED),
            Account::writer(WORKFLOW),
        ],
        public: vec![],
        tags: vec![("octo/app".into(), "v1".into())],
        strict_anonymous: false,
        delay: None,
    })
}

/// A runner's files: `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, and `DOCKER_CONFIG`.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        let dir = tempfile::tempdir().expect("runner dir");
        std::fs::create_dir_all(dir.path().join("docker")).expect("docker dir");
        Runner { dir }
    }

    fn home(&self) -> &Path {
        self.dir.path()
    }

    fn config(&self) -> std::path::PathBuf {
        self.dir.path().join("docker").join("config.json")
    }

    fn outputs(&self) -> BTreeMap<String, String> {
        let text = std::fs::read_to_string(self.dir.path().join("output")).unwrap_or_default();
        text.lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("summary")).unwrap_or_default()
    }

    /// The binary inside a simulated Actions job.
    fn command(&self) -> Command {
        let mut cmd = ghcr_doctor(self.home());
        cmd.env("GITHUB_ACTIONS", "true")
            .env("GITHUB_OUTPUT", self.dir.path().join("output"))
            .env("GITHUB_STEP_SUMMARY", self.dir.path().join("summary"))
            .env("DOCKER_CONFIG", self.dir.path().join("docker"));
        cmd
    }

    /// The binary outside Actions, with docker's config in the runner's folder.
    fn plain(&self) -> Command {
        let mut cmd = ghcr_doctor(self.home());
        cmd.env("DOCKER_CONFIG", self.dir.path().join("docker"));
        cmd
    }
}

fn read_config(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("config written")).expect("config JSON")
}

/// `user:secret` stored for `registry`.
fn stored(path: &Path, registry: &str) -> String {
    let config = read_config(path);
    let auth = config["auths"][registry]["auth"]
        .as_str()
        .unwrap_or_else(|| panic!("no auths entry for {registry}: {config:#}"));
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(auth)
            .expect("base64"),
    )
    .expect("utf-8")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

/// No secret anywhere in the output, except inside `::add-mask::` lines, which go to standard
/// error only.
fn assert_no_secret(out: &Output, secrets: &[&str]) {
    assert!(
        !stdout(out).contains("::add-mask::"),
        "masks go to stderr: {}",
        stdout(out)
    );
    for secret in secrets {
        assert!(
            !stdout(out).contains(secret),
            "a secret leaked: {}",
            stdout(out)
        );
        for line in stderr(out).lines() {
            if !line.starts_with("::add-mask::") {
                assert!(!line.contains(secret), "a secret leaked to stderr: {line}");
            }
        }
    }
}

/// The `::add-mask::` lines of a run (standard error).
fn masks(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| l.starts_with("::add-mask::"))
        .map(str::to_owned)
        .collect()
}

/// Tables have one cell count per table, the heading is there, code fences are closed, and
/// no HTML tag slipped in.
fn assert_valid_markdown(md: &str) {
    assert!(
        md.lines()
            .any(|l| l.starts_with("# ") || l.starts_with("## ")),
        "{md}"
    );
    assert_eq!(
        md.matches("```").count() % 2,
        0,
        "unclosed code fence: {md}"
    );
    let mut cells: Option<usize> = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            cells = None;
            continue;
        }
        let n = line.replace("\\|", "").matches('|').count() - 1;
        match cells {
            None => cells = Some(n),
            Some(h) => assert_eq!(n, h, "row with {n} cells under {h}: {line}"),
        }
    }
    assert!(!md.contains("<script"), "{md}");
}

fn finding<'a>(doc: &'a serde_json::Value, check: &str, target: &str) -> &'a serde_json::Value {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == check && f["target"] == target)
        .unwrap_or_else(|| panic!("no {check} finding for {target}: {doc:#}"))
}

#[test]
fn actions_mode_falls_back_to_github_token_and_names_why_ghcr_token_failed() {
    let fake = ghcr();
    let runner = Runner::new();
    // What a runner may already hold: another registry's login, a store, a helper.
    std::fs::write(
        runner.config(),
        r#"{"auths":{"docker.io":{"auth":"dXNlcjpwYXNz"}},"credsStore":"desktop","credHelpers":{"gcr.io":"gcloud"},"experimental":"enabled"}"#,
    )
    .expect("seed config");
    let out = runner
        .command()
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", fake.url()),
        )
        .env("GHCR_TOKEN", READ_ONLY)
        .env("GITHUB_TOKEN", WORKFLOW)
        .env("GITHUB_ACTOR", "octocat")
        // HTTP traces on stderr must not carry a token either.
        .args(["-vv", "login", "ghcr.io", "--for-push", APP])
        .output()
        .expect("run");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    assert!(stderr(&out).contains("GET"), "-vv traces: {}", stderr(&out));

    // Masks go to stderr, one per secret.
    assert_eq!(
        masks(&out),
        [
            format!("::add-mask::{READ_ONLY}"),
            format!("::add-mask::{WORKFLOW}")
        ],
        "{}",
        stderr(&out)
    );
    assert_no_secret(&out, &[READ_ONLY, WORKFLOW]);
    let lines: Vec<&str> = text.lines().collect();

    // GHCR_TOKEN's failure is an annotation with the registry's own words.
    let warning = lines
        .iter()
        .find(|l| l.starts_with("::warning ") && l.contains("title=login-candidate"))
        .unwrap_or_else(|| panic!("no warning for GHCR_TOKEN: {text}"));
    assert!(warning.contains("GHCR_TOKEN"), "{warning}");
    assert!(
        warning.contains("does not match expected scopes"),
        "the full cause: {warning}"
    );
    // Details are folded.
    assert!(lines.iter().any(|l| l.starts_with("::group::")), "{text}");
    assert!(lines.contains(&"::endgroup::"), "{text}");
    assert!(lines.contains(&"Auth method: GITHUB_TOKEN"), "{text}");

    let outputs = runner.outputs();
    assert_eq!(outputs["auth-method"], "GITHUB_TOKEN");
    assert_eq!(outputs["username"], "octocat");
    assert_eq!(outputs["ok"], "true");
    let summary = runner.summary();
    assert_valid_markdown(&summary);
    assert!(summary.contains("login-candidate"), "{summary}");
    assert!(!summary.contains(READ_ONLY) && !summary.contains(WORKFLOW));

    // GITHUB_TOKEN's credential, merged: everything else kept, the store bypassed for ghcr.io.
    let path = runner.config();
    assert_eq!(stored(&path, "ghcr.io"), format!("octocat:{WORKFLOW}"));
    let config = read_config(&path);
    assert_eq!(config["auths"]["docker.io"]["auth"], "dXNlcjpwYXNz");
    assert_eq!(config["credsStore"], "desktop");
    assert_eq!(config["credHelpers"]["gcr.io"], "gcloud");
    assert_eq!(config["credHelpers"]["ghcr.io"], "");
    assert_eq!(config["experimental"], "enabled");
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn json_names_the_auth_method_and_an_installation_token_logs_in_as_x_access_token() {
    let fake = ghcr();
    let runner = Runner::new();
    let out = runner
        .plain()
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", fake.url()),
        )
        .env("GITHUB_TOKEN", WORKFLOW)
        .args(["--format", "json", "login", "--for-push", APP])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["auth_method"], "GITHUB_TOKEN");
    assert!(
        !stdout(&out).contains("::add-mask::") && masks(&out).is_empty(),
        "not in Actions"
    );
    let proven = finding(&doc, "login-candidate", "env:GITHUB_TOKEN");
    assert_eq!(proven["status"], "pass");
    assert_eq!(proven["evidence"]["username_source"], "installation-token");
    assert_eq!(
        finding(&doc, "login-candidate", "env:GHCR_TOKEN")["status"],
        "skip"
    );
    assert_eq!(
        stored(&runner.config(), "ghcr.io"),
        format!("x-access-token:{WORKFLOW}")
    );
    assert_no_secret(&out, &[WORKFLOW]);
}

#[test]
fn htpasswd_registry_fallback_empty_secret_and_nothing_pushed() {
    let reg = Registry::start(Auth::Htpasswd(vec![(
        "octocat".into(),
        "right-password".into(),
    )]));
    let runner = Runner::new();
    let image = format!("{}/team/app:1", reg.host());
    let before = holdings(&reg);

    // A wrong GHCR_TOKEN: GITHUB_TOKEN is used, and the registry's refusal is quoted.
    let out = runner
        .plain()
        .env("GHCR_TOKEN", "wrong-password")
        .env("GITHUB_TOKEN", "right-password")
        .args([
            "--format",
            "json",
            "login",
            &reg.host(),
            "--username",
            "octocat",
        ])
        .args(["--for-push", &image])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["auth_method"], "GITHUB_TOKEN");
    let failed = finding(&doc, "login-candidate", "env:GHCR_TOKEN");
    assert_eq!(failed["status"], "warn");
    assert_eq!(failed["evidence"]["failed_check"], "registry-login");
    let message = failed["message"].as_str().expect("message");
    assert!(
        message.contains("GHCR_TOKEN") && message.contains("401"),
        "{message}"
    );
    assert_eq!(
        stored(&runner.config(), &reg.host()),
        "octocat:right-password"
    );
    assert_nothing_written(&reg, &before);
    assert_no_secret(&out, &["wrong-password", "right-password"]);

    // An empty GHCR_TOKEN (a fork's pull request) is skipped and said so.
    let out = runner
        .plain()
        .env("GHCR_TOKEN", "  \n")
        .env("GITHUB_TOKEN", "right-password")
        .env("GITHUB_ACTOR", "octocat")
        .args(["login", &reg.host()])
        .output()
        .expect("run");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let skipped = text
        .lines()
        .find(|l| l.contains("login-candidate") && l.contains("GHCR_TOKEN"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(skipped.contains("(secret-empty)"), "{skipped}");
    assert!(
        text.lines().any(|l| l == "Auth method: GITHUB_TOKEN"),
        "{text}"
    );
}

#[test]
fn token_registry_without_images_token_env_order_and_dry_run() {
    let tokens = TokenServer::start();
    let reg = Registry::start(tokens.registry_auth());
    let runner = Runner::new();
    let out = runner
        .plain()
        .env("FIRST", "writer-pass")
        .env("SECOND", "writer-pass")
        .args([
            "--format",
            "json",
            "login",
            &reg.host(),
            "--username",
            "writer",
        ])
        .args(["--token-env", "SECOND,FIRST", "--dry-run"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["auth_method"], "SECOND", "the order given wins");
    assert_eq!(
        finding(&doc, "login-write", &reg.host())["status"],
        "skip",
        "--dry-run"
    );
    assert!(
        !runner.config().exists(),
        "--dry-run wrote {}",
        runner.config().display()
    );
    // Without images the login is one token request without a scope.
    let token_requests: Vec<_> = tokens
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/token")
        .collect();
    assert_eq!(token_requests.len(), 1, "{token_requests:?}");
    assert!(!token_requests[0].target.contains("scope="));
}

#[test]
fn no_candidate_works_exit_1_with_each_cause_and_nothing_written() {
    let tokens = TokenServer::start();
    let reg = Registry::start(tokens.registry_auth());
    let runner = Runner::new();
    let image = format!("{}/team/app:1", reg.host());
    let out = runner
        .command()
        // `reader` may log in but not push; `nobody-pass` is not reader's password.
        .env("GHCR_TOKEN", "reader-pass")
        .env("GITHUB_TOKEN", "nobody-pass")
        .args([
            "login",
            &reg.host(),
            "--username",
            "reader",
            "--for-push",
            &image,
        ])
        .output()
        .expect("run");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("::error ") && l.contains("title=login-candidate"))
        .collect();
    assert_eq!(errors.len(), 2, "{text}");
    assert!(errors[0].contains("GHCR_TOKEN") && errors[0].contains("registry-push"));
    assert!(errors[1].contains("GITHUB_TOKEN") && errors[1].contains("registry-login"));
    assert!(!text.contains("Auth method:"), "{text}");
    assert!(!runner.config().exists());
    let outputs = runner.outputs();
    assert_eq!(outputs["ok"], "false");
    assert!(!outputs.contains_key("auth-method"));
    assert_no_secret(&out, &["reader-pass", "nobody-pass"]);
}

#[test]
fn bad_arguments_are_usage_errors_that_do_not_echo_secrets() {
    let home = tempfile::tempdir().expect("home");
    let out = ghcr_doctor(home.path())
        .args(["login", "ghcr.io", "--for-push", "docker.io/library/app:1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("docker.io"), "{}", stderr(&out));
    let pasted = "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";
    let out = ghcr_doctor(home.path())
        .args(["login", pasted])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains(pasted), "{}", stderr(&out));
}

#[test]
fn check_and_verify_mask_their_tokens_first_and_verify_outputs_the_digest() {
    let reg = Registry::start(Auth::None);
    let manifest =
        crate::support::image::Pusher::new(&reg.url(), None).simple_image("team/app", "v1", 1);
    let image = format!("{}/team/app:v1", reg.host());
    let token = "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";
    for command in ["check", "verify"] {
        let runner = Runner::new();
        let out = runner
            .command()
            .env("GHCR_TOKEN", token)
            .args([command, &image])
            // verify speaks plain HTTP to loopback only when asked.
            .args(if command == "verify" {
                &["--plain-http"][..]
            } else {
                &[]
            })
            .output()
            .expect("run");
        let text = stdout(&out);
        assert_eq!(
            stderr(&out).lines().next(),
            Some(format!("::add-mask::{token}").as_str()),
            "{command}: {}",
            stderr(&out)
        );
        assert_no_secret(&out, &[token]);
        assert!(
            text.contains("::group::"),
            "{command} folds details: {text}"
        );
        assert_valid_markdown(&runner.summary());
        let outputs = runner.outputs();
        assert!(outputs.contains_key("ok"), "{command}: {outputs:?}");
        if command == "verify" {
            assert_eq!(outputs["ok"], "true", "{text}");
            assert_eq!(outputs["digest"], manifest.digest, "{text}");
        }
    }
}

#[test]
fn every_command_speaks_the_github_format() {
    let home = tempfile::tempdir().expect("home");
    let port = crate::support::registry::free_port();
    let unreachable = format!("127.0.0.1:{port}/team/app:1");
    std::fs::write(
        home.path().join("build.log"),
        "denied: permission_denied: The token provided does not match expected scopes.\n",
    )
    .expect("log");
    let runs: Vec<Vec<&str>> = vec![
        vec!["token"],
        vec!["ref", "ghcr.io/Octo/App:1"],
        vec!["explain", "build.log"],
        vec!["workflow", "."],
        vec!["check", "--timeout", "2", &unreachable],
        vec!["verify", "--timeout", "2", &unreachable],
        vec!["login", "--dry-run"],
    ];
    for args in runs {
        let out = ghcr_doctor(home.path())
            .current_dir(home.path())
            .args(["--format", "github"])
            .args(&args)
            .output()
            .expect("run");
        let text = stdout(&out);
        assert_ne!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            text.lines().any(|l| l.starts_with("::error ")
                || l.starts_with("::group::")
                || l.starts_with("::notice ")),
            "{args:?} printed no workflow command: {text}"
        );
    }
}

#[test]
fn without_a_user_name_the_login_comes_from_the_github_api() {
    use crate::support::github_fake::{self as gh, GithubFake};
    // The fake serves from its own runtime: it answers while this test blocks.
    let api = GithubFake::start();
    let fake = ghcr_fake::start(Config {
        accounts: vec![Account::writer(gh::CLASSIC_WRITE), Account::writer(gh::BAD)],
        ..Config::default()
    });
    let runner = Runner::new();
    let run = |token: &'static str| {
        let mut cmd = runner.plain();
        cmd.env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", fake.url()),
        )
        .env("GHCR_TOKEN", token)
        .args(["--format", "json", "login", "--github-api-url", &api.url()]);
        cmd.output().expect("run")
    };
    let out = run(gh::CLASSIC_WRITE);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    let proven = finding(&doc, "login-candidate", "env:GHCR_TOKEN");
    assert_eq!(proven["evidence"]["username_source"], "github-api");
    assert_eq!(
        stored(&runner.config(), "ghcr.io"),
        format!("{}:{}", gh::LOGIN, gh::CLASSIC_WRITE)
    );

    // A token GitHub does not know: no user name, and the fix says how to give one.
    let out = run(gh::BAD);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc = json(&out);
    let failed = finding(&doc, "login-candidate", "env:GHCR_TOKEN");
    assert_eq!(failed["status"], "fail");
    let message = failed["message"].as_str().expect("message");
    assert!(
        message.contains("/user") && message.contains("401"),
        "{message}"
    );
    assert!(
        failed["fix"][0]
            .as_str()
            .is_some_and(|f| f.contains("--username")),
        "{failed:#}"
    );
    assert_no_secret(&out, &[gh::BAD, gh::CLASSIC_WRITE]);
}

#[test]
fn a_pasted_newline_is_named_with_the_refusal_and_the_next_candidate_is_used() {
    let fake = ghcr();
    let runner = Runner::new();
    let out = runner
        .plain()
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", fake.url()),
        )
        .env("GHCR_TOKEN", format!("{WORKFLOW}\n"))
        .env("GITHUB_TOKEN", WORKFLOW)
        .env("GITHUB_ACTOR", "octocat")
        .args(["--format", "json", "login"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    let failed = finding(&doc, "login-candidate", "env:GHCR_TOKEN");
    assert_eq!(failed["status"], "warn", "{failed:#}");
    // The registry's refusal, with the offline finding that explains it.
    // The offline finding fails first (a GitHub token with a pasted newline), and the
    // registry's refusal goes with it.
    assert_eq!(
        failed["evidence"]["failed_check"], "token-format",
        "{failed:#}"
    );
    assert_eq!(failed["cause"], "secret-whitespace", "{failed:#}");
    assert!(
        failed["evidence"]["related_causes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c == "token-invalid")),
        "{failed:#}"
    );
    let message = failed["message"].as_str().expect("message");
    assert!(
        message.contains("401") && message.contains("newline"),
        "{message}"
    );
    assert_eq!(doc["auth_method"], "GITHUB_TOKEN");
    assert_eq!(
        stored(&runner.config(), "ghcr.io"),
        format!("octocat:{WORKFLOW}")
    );
}

#[test]
fn every_login_check_id_has_a_docs_section() {
    let docs = std::fs::read_to_string(crate::support::root().join("docs/checks/login.md"))
        .expect("docs/checks/login.md");
    for id in [
        ghcr_doctor::login::login_candidate::CHECK,
        ghcr_doctor::login::login_write::CHECK,
    ] {
        assert!(docs.contains(&format!("\n## {id}\n")), "no `## {id}`");
    }
}

/// A credential from docker's config (not from the environment) is masked too, before any
/// other output, by `check` and `verify` in Actions mode.
#[test]
fn check_and_verify_mask_a_credential_from_the_docker_config() {
    const PASSWORD: &str = "docker-config-secret-8c1f2e";
    let reg = Registry::start(Auth::Htpasswd(vec![("octocat".into(), PASSWORD.into())]));
    crate::support::image::Pusher::new(&reg.url(), Some(("octocat", PASSWORD)))
        .simple_image("team/app", "v1", 1);
    let image = format!("{}/team/app:v1", reg.host());
    for command in ["check", "verify"] {
        let runner = Runner::new();
        use base64::Engine as _;
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("octocat:{PASSWORD}"));
        std::fs::write(
            runner.config(),
            format!(r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#, reg.host()),
        )
        .expect("docker config");
        let out = runner
            .command()
            .args([command, &image])
            .output()
            .expect("run");
        let text = stdout(&out);
        assert_eq!(
            stderr(&out).lines().next(),
            Some(format!("::add-mask::{PASSWORD}").as_str()),
            "{command}: {}",
            stderr(&out)
        );
        assert_eq!(
            masks(&out).len(),
            1,
            "{command}: each secret is masked once: {}",
            stderr(&out)
        );
        assert_no_secret(&out, &[PASSWORD]);
        assert_eq!(out.status.code(), Some(0), "{command}: {text}");
    }
}

#[test]
fn the_secret_can_come_from_standard_input_or_a_file_before_the_variables() {
    let fake = ghcr();
    let runner = Runner::new();
    let mut cmd = runner.plain();
    cmd.env(
        "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
        format!("ghcr.io={}", fake.url()),
    )
    .env("GHCR_TOKEN", READ_ONLY)
    .args([
        "--format",
        "json",
        "login",
        "--dry-run",
        "--password-stdin",
        "--for-push",
        APP,
    ]);
    let out = crate::support::run_with_stdin(&mut cmd, format!("{WORKFLOW}\n").as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["auth_method"], "stdin", "{doc:#}");
    assert_eq!(finding(&doc, "login-candidate", "stdin")["status"], "pass");
    assert_no_secret(&out, &[WORKFLOW, READ_ONLY]);

    let file = runner.home().join("token");
    std::fs::write(&file, format!("{WORKFLOW}\n")).expect("write");
    let out = runner
        .plain()
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", fake.url()),
        )
        .args(["--format", "json", "login", "--dry-run", "--token-file"])
        .arg(&file)
        .args(["--for-push", APP])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    let name = doc["auth_method"].as_str().unwrap_or_default();
    assert!(name.starts_with("file:"), "{doc:#}");
    assert_no_secret(&out, &[WORKFLOW]);
}
