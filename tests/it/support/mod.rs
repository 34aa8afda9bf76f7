//! Test harness shared by every module.

#![allow(dead_code)]

use std::io::Write;
pub mod actions_fake;
pub mod ghcr_fake;
pub mod github_fake;
pub mod hostile;
pub mod http_server;
pub mod image;
pub mod registry;
pub mod rust_paths;
pub mod token_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `run:` script of `action.yml`'s step with this `id`, dedented.
pub fn action_step(id: &str) -> String {
    let yaml = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    let start = yaml
        .find(&format!("      id: {id}\n"))
        .unwrap_or_else(|| panic!("step `{id}`"));
    let rest = &yaml[start..];
    let body = rest.find("      run: |\n").expect("run block") + "      run: |\n".len();
    rest[body..]
        .lines()
        .take_while(|l| l.is_empty() || l.starts_with("        "))
        .map(|l| l.get(8..).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A command for the `ghcr-doctor` binary with a scrubbed environment: nothing from the
/// developer's shell (GITHUB_*, GH_*, GHCR_*, DOCKER_*, RUNNER_*, ACTIONS_*, REGISTRY_*,
/// HOME, proxies) leaks in. `home` becomes HOME, so no real docker config is read.
pub fn ghcr_doctor(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ghcr-doctor"));
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("HOME", home);
    cmd.env("NO_COLOR", "1");
    cmd.env("LANG", "C.UTF-8");
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs `cmd` with `input` on standard input.
pub fn run_with_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn ghcr-doctor");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).expect("write stdin");
    }
    child.wait_with_output().expect("wait for ghcr-doctor")
}

/// Standard output as text. Every text report read by a test is also checked to give each
/// fix step once ([`assert_each_fix_once`]).
pub fn stdout(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_each_fix_once(&text);
    text
}

/// Fails when a text report prints the same fix line twice.
pub fn assert_each_fix_once(text: &str) {
    let mut seen = std::collections::HashSet::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("fix: ") && !seen.insert(line) {
            panic!("the fix line `{line}` is printed twice:\n{text}");
        }
    }
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Parses standard output as a JSON v1 document and checks its envelope.
pub fn json(output: &Output) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(output)));
    assert_eq!(v["schema"], "ghcr-doctor/v1", "schema field");
    assert!(v["findings"].is_array(), "findings array");
    assert!(v["ok"].is_boolean(), "ok field");
    v
}
