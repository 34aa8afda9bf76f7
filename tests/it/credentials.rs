//! Credential discovery: every source (standard input, variables, docker config, credential
//! helpers, podman's auth.json) and every named problem, with temporary config folders and
//! fake `docker-credential-*` scripts on a temporary PATH.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ghcr_doctor::credentials::{self, Discovery, Env, Options};
use ghcr_doctor::finding::{Finding, Status};
use ghcr_doctor::secret::Secret;

use crate::support::{ghcr_doctor, json, stdout};

pub(crate) const PAT: &str = "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";
pub(crate) const PAT2: &str = "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";

/// A temporary HOME with `bin/` (for fake helpers) and `docker/` (DOCKER_CONFIG).
pub(crate) struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("bin")).expect("bin");
        std::fs::create_dir_all(dir.path().join("docker")).expect("docker");
        Fixture { dir }
    }

    pub fn bin(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    pub fn docker(&self) -> PathBuf {
        self.dir.path().join("docker")
    }

    /// PATH with the fake helpers first, then the system (helpers are shell scripts).
    pub fn path_var(&self) -> String {
        format!("{}:/usr/bin:/bin", self.bin().display())
    }

    /// An environment with HOME, DOCKER_CONFIG and PATH set, plus `extra`.
    pub fn env(&self, extra: &[(&str, &str)]) -> Env {
        let mut env = Env::from_pairs([
            ("HOME", self.dir.path().display().to_string()),
            ("DOCKER_CONFIG", self.docker().display().to_string()),
            ("PATH", self.path_var()),
        ]);
        for (k, v) in extra {
            env.set(*k, *v);
        }
        env
    }

    /// Writes docker's config as docker does: readable by its owner only (a config others
    /// may read is a finding of its own, tested apart).
    pub fn docker_config(&self, json: &str) {
        write_private(&self.docker().join("config.json"), json);
    }

    /// Installs `docker-credential-NAME` running `body` under /bin/sh.
    pub fn helper(&self, name: &str, body: &str) {
        let path = self.bin().join(format!("docker-credential-{name}"));
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write helper");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .expect("chmod helper");
        }
    }

    /// A helper that answers with the server it was asked about (as the user name) and the
    /// secret in `$HELPER_SECRET` (so the test also proves the helper sees [`Env`]).
    pub fn answering_helper(&self, name: &str) {
        self.helper(
            name,
            r#"[ "$1" = get ] || exit 9
read -r server || true
printf '{"ServerURL":"%s","Username":"user@%s","Secret":"%s"}' "$server" "$server" "$HELPER_SECRET""#,
        );
    }
}

fn options(registry: &str, env: Env) -> Options {
    Options {
        registry: registry.into(),
        env,
        ..Options::default()
    }
}

/// Discovery, run to completion (helpers run through `tokio::process`).
fn discover(options: &Options) -> Discovery {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(credentials::discover(options))
}

fn find<'a>(d: &'a Discovery, check: &str) -> Vec<&'a Finding> {
    d.findings.iter().filter(|f| f.check == check).collect()
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn stdin_wins_over_everything() {
    let fx = Fixture::new();
    let mut o = options(
        "ghcr.io",
        fx.env(&[("GHCR_TOKEN", PAT), ("GITHUB_ACTOR", "octo")]),
    );
    o.stdin_secret = Some(Secret::new(PAT2));
    let d = discover(&o);
    let c = d.credential.as_ref().expect("credential");
    assert_eq!(c.source, "stdin");
    assert_eq!(c.secret.expose(), PAT2);
    assert_eq!(c.username.as_deref(), Some("octo"));
    assert_eq!(find(&d, "credential-source")[0].status, Status::Pass);
}

#[test]
fn empty_stdin_is_secret_empty() {
    let fx = Fixture::new();
    let mut o = options("ghcr.io", fx.env(&[]));
    o.stdin_secret = Some(Secret::new("\n"));
    let d = discover(&o);
    assert!(d.credential.is_none());
    assert_eq!(
        find(&d, "credential-env")[0].cause.as_deref(),
        Some("secret-empty")
    );
}

#[test]
fn env_order_and_empty_variables() {
    let fx = Fixture::new();
    let d = discover(&options(
        "ghcr.io",
        fx.env(&[("GHCR_TOKEN", PAT), ("GITHUB_TOKEN", PAT2)]),
    ));
    assert_eq!(
        d.credential.as_ref().expect("credential").source,
        "env:GHCR_TOKEN"
    );

    let d = discover(&options(
        "ghcr.io",
        fx.env(&[("GHCR_TOKEN", " "), ("GITHUB_TOKEN", PAT2)]),
    ));
    let skipped = find(&d, "credential-env");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].status, Status::Warn);
    assert_eq!(skipped[0].cause.as_deref(), Some("secret-empty"));
    assert_eq!(skipped[0].target, "env:GHCR_TOKEN");
    let c = d.credential.as_ref().expect("credential");
    assert_eq!(c.source, "env:GITHUB_TOKEN");
    assert_eq!(c.secret.expose(), PAT2);
}

#[test]
fn token_env_chooses_the_variables() {
    let fx = Fixture::new();
    let mut o = options("ghcr.io", fx.env(&[("GHCR_TOKEN", PAT), ("CR_PAT", PAT2)]));
    o.token_env = Some(vec!["MISSING".into(), "CR_PAT".into()]);
    let d = discover(&o);
    assert_eq!(
        d.credential.as_ref().expect("credential").source,
        "env:CR_PAT"
    );
    // A variable the user named but did not set is worth a warning.
    let unset = find(&d, "credential-env");
    assert_eq!(unset.len(), 1);
    assert_eq!(unset[0].target, "env:MISSING");
}

#[test]
fn username_comes_from_option_then_ghcr_username_then_actor() {
    let fx = Fixture::new();
    let env = fx.env(&[
        ("GHCR_TOKEN", PAT),
        ("GHCR_USERNAME", "robot"),
        ("GITHUB_ACTOR", "octo"),
    ]);
    let mut o = options("ghcr.io", env);
    let user = |o: &Options| discover(o).credential.and_then(|c| c.username);
    assert_eq!(user(&o).as_deref(), Some("robot"));
    o.username = Some("cli-user".into());
    assert_eq!(user(&o).as_deref(), Some("cli-user"));
    let o = options(
        "ghcr.io",
        fx.env(&[("GHCR_TOKEN", PAT), ("GITHUB_ACTOR", "octo")]),
    );
    assert_eq!(user(&o).as_deref(), Some("octo"));
}

#[test]
fn env_wins_over_docker_config() {
    let fx = Fixture::new();
    fx.docker_config(&format!(
        r#"{{"auths":{{"ghcr.io":{{"auth":"{}"}}}}}}"#,
        b64(&format!("octo:{PAT2}"))
    ));
    let d = discover(&options("ghcr.io", fx.env(&[("GHCR_TOKEN", PAT)])));
    assert_eq!(
        d.credential.as_ref().expect("credential").source,
        "env:GHCR_TOKEN"
    );
    // The credential passed over is named, so "which one is used?" has an answer.
    let passed: Vec<&Finding> = d
        .findings
        .iter()
        .filter(|f| f.check == "credential-source" && f.status == Status::Info)
        .collect();
    assert_eq!(passed.len(), 1, "{:#?}", d.findings);
    assert!(passed[0].message.contains("env:GHCR_TOKEN"));
}

#[test]
fn problems_behind_the_used_credential_are_still_reported_without_running_helpers() {
    let fx = Fixture::new();
    let marker = fx.dir.path().join("helper-ran");
    fx.helper("spy", &format!("touch '{}'\nexit 1", marker.display()));
    fx.docker_config(
        r#"{"auths":{"ghcr.io":{}},"credHelpers":{"ghcr.io":"spy"},"credsStore":"desktop"}"#,
    );
    let d = discover(&options("ghcr.io", fx.env(&[("GHCR_TOKEN", PAT)])));
    assert_eq!(
        d.credential.as_ref().expect("credential").source,
        "env:GHCR_TOKEN"
    );
    assert!(
        !marker.exists(),
        "a helper ran for a source that was not needed"
    );
    assert!(
        d.findings.iter().all(|f| f.status != Status::Fail),
        "{:#?}",
        d.findings
    );

    // A stale entry and a missing helper behind the used credential are warnings: docker in
    // the same job still trips over them.
    let fx = Fixture::new();
    fx.docker_config(r#"{"auths":{"ghcr.io":{}}}"#);
    let d = discover(&options("ghcr.io", fx.env(&[("GHCR_TOKEN", PAT)])));
    let c = find(&d, "credential-config");
    assert_eq!(c.len(), 1, "{:#?}", d.findings);
    assert_eq!(c[0].cause.as_deref(), Some("stale-credentials"));

    let fx = Fixture::new();
    fx.docker_config(r#"{"credsStore":"desktop"}"#);
    let d = discover(&options("ghcr.io", fx.env(&[("GHCR_TOKEN", PAT)])));
    let h = find(&d, "credential-helper");
    assert_eq!(h.len(), 1, "{:#?}", d.findings);
    assert_eq!(h[0].status, Status::Warn);
    assert_eq!(
        h[0].evidence.json(ghcr_doctor::evidence::Key::Problem),
        "not-on-path"
    );
}

#[test]
fn docker_config_auth_in_every_key_form() {
    for key in ["ghcr.io", "https://ghcr.io", "https://ghcr.io/v1/"] {
        let fx = Fixture::new();
        fx.docker_config(&format!(
            r#"{{"auths":{{"{key}":{{"auth":"{}"}}}}}}"#,
            b64(&format!("octo:{PAT}"))
        ));
        let d = discover(&options("ghcr.io", fx.env(&[])));
        let c = d
            .credential
            .unwrap_or_else(|| panic!("no credential for {key}"));
        assert_eq!(c.source, "docker-config:auths");
        assert_eq!(c.username.as_deref(), Some("octo"));
        assert_eq!(c.secret.expose(), PAT);
        assert!(!c.identity_token);
    }
}

#[test]
fn docker_config_username_and_password_fields() {
    let fx = Fixture::new();
    fx.docker_config(&format!(
        r#"{{"auths":{{"ghcr.io":{{"username":"octo","password":"{PAT}"}}}}}}"#
    ));
    let c = discover(&options("ghcr.io", fx.env(&[])))
        .credential
        .expect("credential");
    assert_eq!(c.source, "docker-config:auths");
    assert_eq!(c.username.as_deref(), Some("octo"));
    assert_eq!(c.secret.expose(), PAT);
}

#[test]
fn docker_config_identity_token() {
    let fx = Fixture::new();
    fx.docker_config(r#"{"auths":{"ghcr.io":{"identitytoken":"refresh-me"}}}"#);
    let c = discover(&options("ghcr.io", fx.env(&[])))
        .credential
        .expect("credential");
    assert_eq!(c.source, "docker-config:identitytoken");
    assert!(c.identity_token);
    assert_eq!(c.secret.expose(), "refresh-me");
}

#[test]
fn docker_hub_key_matches_docker_io() {
    let fx = Fixture::new();
    fx.docker_config(&format!(
        r#"{{"auths":{{"https://index.docker.io/v1/":{{"auth":"{}"}}}}}}"#,
        b64("hubuser:hubpass")
    ));
    let c = discover(&options("docker.io", fx.env(&[])))
        .credential
        .expect("credential");
    assert_eq!(c.username.as_deref(), Some("hubuser"));
    // ...and not for another registry.
    assert!(
        discover(&options("ghcr.io", fx.env(&[])))
            .credential
            .is_none()
    );
}

#[test]
fn without_docker_config_the_home_folder_is_read() {
    let fx = Fixture::new();
    let dot = fx.dir.path().join(".docker");
    std::fs::create_dir_all(&dot).expect("mkdir");
    std::fs::write(
        dot.join("config.json"),
        format!(r#"{{"auths":{{"ghcr.io":{{"password":"{PAT}"}}}}}}"#),
    )
    .expect("write");
    let env = Env::from_pairs([
        ("HOME", fx.dir.path().display().to_string()),
        ("PATH", fx.path_var()),
    ]);
    let c = discover(&options("ghcr.io", env))
        .credential
        .expect("credential");
    assert_eq!(c.source, "docker-config:auths");
}

#[test]
fn creds_store_helper_answers_with_the_server_address_on_stdin() {
    let fx = Fixture::new();
    fx.answering_helper("store");
    fx.docker_config(r#"{"auths":{"ghcr.io":{}},"credsStore":"store"}"#);
    let d = discover(&options("ghcr.io", fx.env(&[("HELPER_SECRET", PAT)])));
    let c = d.credential.as_ref().expect("credential");
    assert_eq!(c.source, "helper:store");
    assert_eq!(c.username.as_deref(), Some("user@ghcr.io"));
    assert_eq!(c.secret.expose(), PAT);
    // The `{}` marker is normal when a helper holds the login.
    assert!(
        find(&d, "credential-config").is_empty(),
        "{:#?}",
        d.findings
    );

    let c = discover(&options("docker.io", fx.env(&[("HELPER_SECRET", "x")])))
        .credential
        .expect("credential");
    assert_eq!(
        c.username.as_deref(),
        Some("user@https://index.docker.io/v1/")
    );
}

#[test]
fn cred_helpers_entry_wins_over_creds_store() {
    let fx = Fixture::new();
    fx.answering_helper("per-registry");
    fx.helper("store", "exit 7");
    fx.docker_config(r#"{"credsStore":"store","credHelpers":{"ghcr.io":"per-registry"}}"#);
    let d = discover(&options("ghcr.io", fx.env(&[("HELPER_SECRET", PAT)])));
    assert_eq!(
        d.credential.as_ref().expect("credential").source,
        "helper:per-registry"
    );
    assert!(find(&d, "credential-helper").is_empty());
}

#[test]
fn a_helper_not_on_path_is_named() {
    let fx = Fixture::new();
    fx.docker_config(r#"{"auths":{"ghcr.io":{}},"credsStore":"desktop"}"#);
    let d = discover(&options("ghcr.io", fx.env(&[])));
    assert!(d.credential.is_none());
    let h = find(&d, "credential-helper");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].status, Status::Fail);
    assert_eq!(
        h[0].evidence.json(ghcr_doctor::evidence::Key::Problem),
        "not-on-path"
    );
    assert_eq!(
        h[0].evidence.json(ghcr_doctor::evidence::Key::Helper),
        "docker-credential-desktop"
    );
    assert_eq!(
        h[0].evidence.json(ghcr_doctor::evidence::Key::ConfiguredBy),
        "credsStore"
    );
    assert!(h[0].message.contains("docker-credential-desktop"));
    assert!(!h[0].fix.is_empty());
    assert_eq!(
        find(&d, "credential-source")[0].cause.as_deref(),
        Some("no-credentials")
    );
}

#[test]
fn a_failing_helper_reports_its_exit_code_and_a_scrubbed_line() {
    let fx = Fixture::new();
    fx.helper(
        "broken",
        &format!("echo 'keychain locked; last token {PAT} rejected' >&2\nexit 4"),
    );
    fx.docker_config(r#"{"credsStore":"broken"}"#);
    let d = discover(&options("ghcr.io", fx.env(&[])));
    let h = find(&d, "credential-helper");
    assert_eq!(h.len(), 1, "{:#?}", d.findings);
    assert_eq!(
        h[0].evidence.json(ghcr_doctor::evidence::Key::Problem),
        "failed"
    );
    assert_eq!(h[0].evidence.json(ghcr_doctor::evidence::Key::ExitCode), 4);
    assert!(h[0].message.contains("keychain locked"), "{}", h[0].message);
    assert!(!h[0].message.contains(&PAT[4..]), "{}", h[0].message);
}

#[test]
fn a_slow_helper_is_stopped_at_the_timeout() {
    let fx = Fixture::new();
    fx.helper("slow", "sleep 5");
    fx.docker_config(r#"{"credsStore":"slow"}"#);
    let mut o = options("ghcr.io", fx.env(&[]));
    o.helper_timeout = Some(Duration::from_millis(300));
    let started = Instant::now();
    let d = discover(&o);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
    let h = find(&d, "credential-helper");
    assert_eq!(h.len(), 1, "{:#?}", d.findings);
    assert_eq!(
        h[0].evidence.json(ghcr_doctor::evidence::Key::Problem),
        "timeout"
    );
}

#[test]
fn a_failing_helper_never_shows_its_standard_output() {
    let fx = Fixture::new();
    // A plain password, not token-shaped: no scrubber would recognise it.
    fx.helper("leaky", "echo 'correct horse battery staple'\nexit 1");
    fx.docker_config(r#"{"credsStore":"leaky"}"#);
    let d = discover(&options("ghcr.io", fx.env(&[])));
    let h = find(&d, "credential-helper");
    assert_eq!(h.len(), 1, "{:#?}", d.findings);
    assert_eq!(
        h[0].evidence.json(ghcr_doctor::evidence::Key::Problem),
        "failed"
    );
    let shown = serde_json::to_string(&d.findings).expect("json");
    assert!(!shown.contains("horse battery"), "{shown}");
}

/// The helper starts a child that would outlive it, then hangs: the timeout kills both.
#[cfg(target_os = "linux")]
#[test]
fn a_hanging_helper_is_killed_with_its_children() {
    let fx = Fixture::new();
    let pid_file = fx.dir.path().join("child.pid");
    fx.helper(
        "hanging",
        &format!("sleep 300 &\necho $! > '{}'\nwait", pid_file.display()),
    );
    fx.docker_config(r#"{"credsStore":"hanging"}"#);
    let mut o = options("ghcr.io", fx.env(&[]));
    o.helper_timeout = Some(Duration::from_millis(500));
    let d = discover(&o);
    assert_eq!(
        find(&d, "credential-helper")[0]
            .evidence
            .json(ghcr_doctor::evidence::Key::Problem),
        "timeout"
    );
    let pid = std::fs::read_to_string(&pid_file).expect("the helper wrote its child's pid");
    let stat = format!("/proc/{}/stat", pid.trim());
    // Killed: gone, or a zombie waiting for its new parent to reap it.
    let alive = |stat: &str| {
        std::fs::read_to_string(stat)
            .ok()
            .and_then(|s| {
                s.rsplit_once(')')
                    .map(|(_, rest)| rest.trim_start().to_owned())
            })
            .is_some_and(|rest| !rest.starts_with('Z'))
    };
    let until = Instant::now() + Duration::from_secs(5);
    while alive(&stat) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !alive(&stat),
        "the helper's child {} outlived it",
        pid.trim()
    );
}

#[test]
fn a_helper_with_nothing_stored_and_an_empty_entry_is_stale() {
    let fx = Fixture::new();
    fx.helper(
        "empty",
        "echo 'credentials not found in native keychain'\nexit 1",
    );
    fx.docker_config(r#"{"auths":{"ghcr.io":{}},"credsStore":"empty"}"#);
    let d = discover(&options("ghcr.io", fx.env(&[])));
    assert!(d.credential.is_none());
    assert!(
        find(&d, "credential-helper").is_empty(),
        "not found is no failure"
    );
    let c = find(&d, "credential-config");
    assert_eq!(c.len(), 1, "{:#?}", d.findings);
    assert_eq!(c[0].status, Status::Warn);
    assert_eq!(c[0].cause.as_deref(), Some("stale-credentials"));
}

#[test]
fn an_empty_entry_without_helper_is_stale() {
    let fx = Fixture::new();
    fx.docker_config(r#"{"auths":{"https://ghcr.io":{}}}"#);
    let d = discover(&options("ghcr.io", fx.env(&[])));
    let c = find(&d, "credential-config");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].cause.as_deref(), Some("stale-credentials"));
    assert_eq!(
        c[0].evidence.json(ghcr_doctor::evidence::Key::Key),
        "https://ghcr.io"
    );
}

#[test]
fn malformed_config_names_file_and_line() {
    let fx = Fixture::new();
    fx.docker_config("{\n  \"auths\": {\n    \"ghcr.io\": {\"auth\": \"x\"},\n  }\n}\n");
    let d = discover(&options("ghcr.io", fx.env(&[])));
    let c = find(&d, "credential-config");
    assert_eq!(c.len(), 1, "{:#?}", d.findings);
    assert_eq!(c[0].status, Status::Fail);
    let loc = c[0].location.as_ref().expect("location");
    assert_eq!(loc.line, Some(4));
    assert!(
        loc.file
            .as_deref()
            .is_some_and(|f| f.ends_with("config.json"))
    );
}

#[test]
fn undecodable_auth_is_named() {
    let fx = Fixture::new();
    fx.docker_config(r#"{"auths":{"ghcr.io":{"auth":"not base64!"}}}"#);
    let d = discover(&options("ghcr.io", fx.env(&[])));
    let c = find(&d, "credential-config");
    assert_eq!(c.len(), 1);
    assert_eq!(
        c[0].evidence.json(ghcr_doctor::evidence::Key::Problem),
        "auth-not-base64"
    );
    assert!(!c[0].message.contains("not base64!"));
}

#[test]
fn nothing_anywhere_is_no_credentials() {
    let fx = Fixture::new();
    let d = discover(&options("ghcr.io", fx.env(&[])));
    assert!(d.credential.is_none());
    let checks: Vec<(&str, Status)> = d
        .findings
        .iter()
        .map(|f| (f.check.as_str(), f.status))
        .collect();
    // DOCKER_CONFIG is set to a folder without config.json: worth a note, not a failure.
    assert_eq!(
        checks,
        [
            ("credential-config", Status::Info),
            ("credential-source", Status::Fail)
        ]
    );
    assert_eq!(d.findings[1].cause.as_deref(), Some("no-credentials"));
}

#[test]
fn podman_auth_file_from_registry_auth_file() {
    let fx = Fixture::new();
    let file = fx.dir.path().join("podman-auth.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"auths":{{"ghcr.io/octo-org":{{"auth":"{}"}}}}}}"#,
            b64(&format!("octo:{PAT}"))
        ),
    )
    .expect("write");
    let d = discover(&options(
        "ghcr.io",
        fx.env(&[("REGISTRY_AUTH_FILE", &file.display().to_string())]),
    ));
    let c = d.credential.as_ref().expect("credential");
    assert_eq!(c.source, "podman:auth.json");
    assert_eq!(c.username.as_deref(), Some("octo"));
}

#[test]
fn podman_auth_file_in_xdg_runtime_dir() {
    let fx = Fixture::new();
    let run = fx.dir.path().join("run");
    std::fs::create_dir_all(run.join("containers")).expect("mkdir");
    std::fs::write(
        run.join("containers").join("auth.json"),
        format!(r#"{{"auths":{{"ghcr.io":{{"auth":"{}"}}}}}}"#, b64("u:p")),
    )
    .expect("write");
    let d = discover(&options(
        "ghcr.io",
        fx.env(&[("XDG_RUNTIME_DIR", &run.display().to_string())]),
    ));
    assert_eq!(
        d.credential.as_ref().expect("credential").source,
        "podman:auth.json"
    );
}

#[test]
fn a_broken_docker_config_does_not_hide_podman() {
    let fx = Fixture::new();
    fx.docker_config("{");
    let file = fx.dir.path().join("auth.json");
    write_private(
        &file,
        &format!(r#"{{"auths":{{"ghcr.io":{{"auth":"{}"}}}}}}"#, b64("u:p")),
    );
    let d = discover(&options(
        "ghcr.io",
        fx.env(&[("REGISTRY_AUTH_FILE", &file.display().to_string())]),
    ));
    assert_eq!(find(&d, "credential-config").len(), 1);
    assert_eq!(
        d.credential.as_ref().expect("credential").source,
        "podman:auth.json"
    );
}

// ---- through the binary ----

#[test]
fn token_registry_shows_the_helper_credential() {
    let fx = Fixture::new();
    fx.answering_helper("test");
    fx.docker_config(r#"{"credHelpers":{"ghcr.io":"test"}}"#);
    let out = ghcr_doctor(fx.dir.path())
        .args(["token", "--registry", "ghcr.io", "--format", "json"])
        .env("PATH", fx.path_var())
        .env("DOCKER_CONFIG", fx.docker())
        .env("HELPER_SECRET", PAT)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(v["token"]["source"], "helper:test");
    assert_eq!(v["token"]["kind"], "classic-pat");
    assert_eq!(v["token"]["length"], 40);
    assert_eq!(v["token"]["username"], "user@ghcr.io");
    assert_eq!(v["token"]["registry"], "ghcr.io");
    assert_eq!(v["findings"][0]["check"], "credential-source");
    assert_eq!(v["findings"][0]["status"], "pass");
}

#[test]
fn token_registry_without_credentials_exits_1() {
    let fx = Fixture::new();
    let out = ghcr_doctor(fx.dir.path())
        .args(["token", "--registry", "quay.io"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("no-credentials"), "{}", stdout(&out));
}

#[test]
fn token_registry_refuses_a_token_as_host() {
    let fx = Fixture::new();
    let out = ghcr_doctor(fx.dir.path())
        .args(["token", "--registry", PAT])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&PAT[4..]));
}

/// Writes a credentials file with mode 0600.
fn write_private(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).expect("write config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}
