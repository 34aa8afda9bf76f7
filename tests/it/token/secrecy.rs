//! No output of `ghcr-doctor token` ever holds a token: text and JSON, standard output and
//! standard error, success and failure paths, with `-vv` traces, for every way a token can
//! reach the tool (including by mistake: on argv, as a variable name, a path, a host or a
//! user name).

use std::process::{Command, Output};

use ghcr_doctor::token::TokenKind;

use super::{CLASSIC, fine_grained, installation_jwt};
use crate::credentials::Fixture;
use crate::support::{ghcr_doctor, run_with_stdin};

/// A random-looking password for another registry (what a robot account gets).
const PASSWORD: &str = "Xk9vQ2mZ7pL4wR8tY3nB6cD1fG5h";

fn secrets() -> Vec<String> {
    vec![
        CLASSIC.to_owned(),
        // Bad checksum: the failure path of token-format.
        CLASSIC.replacen("T4V4", "T4V3", 1),
        fine_grained(),
        installation_jwt(),
        PASSWORD.to_owned(),
    ]
}

/// Every 8-character window of the part of `secret` after its kind's prefix.
fn windows(secret: &str) -> Vec<String> {
    let prefix = TokenKind::of(secret).prefix();
    let body: Vec<char> = secret[prefix.len()..].chars().collect();
    body.windows(8).map(|w| w.iter().collect()).collect()
}

fn assert_clean(secret: &str, scenario: &str, out: &Output) {
    let all = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for w in windows(secret) {
        assert!(
            !all.contains(&w),
            "scenario `{scenario}` leaked part of the token ({w}):\n{all}"
        );
    }
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

type Build = Box<dyn Fn(&Fixture, &str) -> (Command, Option<Vec<u8>>) + Sync>;

fn cmd(fx: &Fixture, args: &[&str]) -> Command {
    let mut c = ghcr_doctor(fx.dir.path());
    c.arg("token").args(args);
    c
}

fn registry(fx: &Fixture, host: &str) -> Command {
    let mut c = cmd(fx, &["--registry", host]);
    c.env("PATH", fx.path_var())
        .env("DOCKER_CONFIG", fx.docker());
    c
}

fn scenarios() -> Vec<(&'static str, Build)> {
    vec![
        (
            "stdin",
            Box::new(|fx, s| (cmd(fx, &["--stdin"]), Some(format!("{s}\n").into_bytes()))),
        ),
        (
            "stdin with pasting defects",
            Box::new(|fx, s| {
                (
                    cmd(fx, &["--stdin"]),
                    Some(format!("  \"GHCR_TOKEN=Bearer {s}\" \r\n\n").into_bytes()),
                )
            }),
        ),
        (
            "stdin with a space inside",
            Box::new(|fx, s| {
                let (a, b) = s.split_at(s.len() / 2);
                (cmd(fx, &["--stdin"]), Some(format!("{a} {b}").into_bytes()))
            }),
        ),
        (
            "default variables",
            Box::new(|fx, s| {
                let mut c = cmd(fx, &[]);
                c.env("GHCR_TOKEN", "").env("GITHUB_TOKEN", s);
                (c, None)
            }),
        ),
        (
            "--from-env",
            Box::new(|fx, s| {
                let mut c = cmd(fx, &["--from-env", "MY_TOKEN"]);
                c.env("MY_TOKEN", s);
                (c, None)
            }),
        ),
        (
            "--from-file",
            Box::new(|fx, s| {
                let file = fx.dir.path().join("token.txt");
                std::fs::write(&file, format!("'{s}'\n")).expect("write token file");
                let mut c = cmd(fx, &["--from-file"]);
                c.arg(file);
                (c, None)
            }),
        ),
        (
            "--registry with a variable",
            Box::new(|fx, s| {
                let mut c = registry(fx, "ghcr.io");
                c.env("GHCR_TOKEN", s).env("GITHUB_ACTOR", "octo");
                (c, None)
            }),
        ),
        (
            "--registry for another registry",
            Box::new(|fx, s| {
                let mut c = registry(fx, "quay.io");
                c.env("GHCR_TOKEN", s);
                (c, None)
            }),
        ),
        (
            "--registry with --stdin",
            Box::new(|fx, s| (registry_stdin(fx), Some(s.as_bytes().to_vec()))),
        ),
        (
            "--registry with docker config auth",
            Box::new(|fx, s| {
                fx.docker_config(&format!(
                    r#"{{"auths":{{"ghcr.io":{{"auth":"{}"}},"quay.io":{{"auth":"{}!"}}}}}}"#,
                    b64(&format!("octo:{s}")),
                    b64(&format!("octo:{s}")),
                ));
                (registry(fx, "ghcr.io"), None)
            }),
        ),
        (
            "--registry with an undecodable auth",
            Box::new(|fx, s| {
                fx.docker_config(&format!(r#"{{"auths":{{"ghcr.io":{{"auth":"{s}!!"}}}}}}"#));
                (registry(fx, "ghcr.io"), None)
            }),
        ),
        (
            "--registry with a helper",
            Box::new(|fx, s| {
                fx.answering_helper("ok");
                fx.docker_config(r#"{"credsStore":"ok"}"#);
                let mut c = registry(fx, "ghcr.io");
                c.env("HELPER_SECRET", s);
                (c, None)
            }),
        ),
        (
            "--registry with a helper that fails loudly",
            Box::new(|fx, s| {
                fx.helper("loud", &format!("echo 'rejected {s}' >&2\nexit 2"));
                fx.docker_config(r#"{"credsStore":"loud"}"#);
                (registry(fx, "ghcr.io"), None)
            }),
        ),
        (
            "--registry with a helper that fails with JSON",
            Box::new(|fx, s| {
                fx.helper(
                    "json",
                    &format!("printf '{{\"Username\":\"u\",\"Secret\":\"{s}\"}}'\nexit 1"),
                );
                fx.docker_config(r#"{"credsStore":"json"}"#);
                (registry(fx, "ghcr.io"), None)
            }),
        ),
        ("token on argv", Box::new(|fx, s| (cmd(fx, &[s]), None))),
        (
            "token after --",
            Box::new(|fx, s| (cmd(fx, &["--", s]), None)),
        ),
        (
            "token as --from-env name",
            Box::new(|fx, s| (cmd(fx, &["--from-env", s]), None)),
        ),
        (
            "token as --from-file path",
            Box::new(|fx, s| (cmd(fx, &["--from-file", s]), None)),
        ),
        (
            "token as --registry host",
            Box::new(|fx, s| (cmd(fx, &["--registry", s]), None)),
        ),
    ]
}

fn registry_stdin(fx: &Fixture) -> Command {
    let mut c = registry(fx, "ghcr.io");
    c.arg("--stdin");
    c
}

fn run(mut c: Command, input: Option<Vec<u8>>) -> Output {
    match input {
        Some(bytes) => run_with_stdin(&mut c, &bytes),
        None => c.output().expect("run ghcr-doctor"),
    }
}

#[test]
fn no_output_ever_holds_the_token() {
    let secrets = secrets();
    let scenarios = scenarios();
    let mut runs = Vec::new();
    for secret in &secrets {
        for (name, build) in &scenarios {
            for format in ["text", "json"] {
                for verbose in [None, Some("-vv")] {
                    runs.push((secret.as_str(), *name, build, format, verbose));
                }
            }
        }
    }
    assert!(runs.len() > 100);
    // Hundreds of short runs: spread them over a few threads to keep the suite quick.
    let chunk = runs.len().div_ceil(4);
    std::thread::scope(|scope| {
        for part in runs.chunks(chunk) {
            scope.spawn(move || {
                for (secret, name, build, format, verbose) in part {
                    let fx = Fixture::new();
                    let (mut c, input) = build(&fx, secret);
                    c.args(["--format", format]);
                    if let Some(v) = verbose {
                        c.arg(v);
                    }
                    let out = run(c, input);
                    let scenario = format!("{name} / {format} / {verbose:?}");
                    assert_clean(secret, &scenario, &out);
                    // Every run must have said something: a silent run proves nothing.
                    assert!(
                        !out.stdout.is_empty() || !out.stderr.is_empty(),
                        "{scenario}: no output"
                    );
                }
            });
        }
    });
}

#[test]
fn a_user_name_that_is_a_token_is_not_shown() {
    let fx = Fixture::new();
    let mut c = registry(&fx, "ghcr.io");
    c.args(["--username", CLASSIC, "--format", "json", "-vv"])
        .env("GHCR_TOKEN", PASSWORD);
    let out = c.output().expect("run");
    assert_clean(CLASSIC, "--username token", &out);
    // A token-shaped argument is refused before anything runs, without being shown.
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("looks like a token"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_debug_traces_are_on_with_vv() {
    // Makes the `-vv` runs above meaningful: the helper path does trace.
    let fx = Fixture::new();
    fx.answering_helper("ok");
    fx.docker_config(r#"{"credsStore":"ok"}"#);
    let mut c = registry(&fx, "ghcr.io");
    c.arg("-vv").env("HELPER_SECRET", CLASSIC);
    let out = c.output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("docker-credential-ok"), "no trace: {err}");
    assert_clean(CLASSIC, "trace", &out);
}
