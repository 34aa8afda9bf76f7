//! Docker credential helpers: `docker-credential-NAME get`, the server address on standard
//! input, a JSON answer `{"ServerURL", "Username", "Secret"}` on standard output.
//!
//! The helper runs through `tokio::process` with the environment of [`Env`] (so tests and CI
//! see the same PATH), in its own process group, which is killed when the helper outlives
//! its timeout; its output is never shown: only its exit code and the first line of its
//! error output with anything secret-looking scrubbed.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

use serde::Deserialize;
use zeroize::Zeroize;

use super::Env;
use crate::secret::Secret;

/// How long a helper may take before it is killed (docker itself waits forever; a CI job
/// should not).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The most output read from a helper; a real answer is a few hundred bytes.
const MAX_OUTPUT: u64 = 1 << 20;

/// What the helper answered.
#[derive(Debug)]
pub enum Answer {
    Found {
        /// `None` for identity tokens (docker's `<token>` user name).
        username: Option<String>,
        secret: Secret,
        identity_token: bool,
    },
    /// The helper holds nothing for this server.
    NotFound,
}

/// Why a helper gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum HelperError {
    #[error("{program} is not on PATH")]
    NotOnPath { program: String },
    #[error("{program} could not be started: {reason}")]
    Spawn { program: String, reason: String },
    #[error("{program} exited with {code:?}: {first_line}")]
    Failed {
        program: String,
        code: Option<i32>,
        /// The first non-empty line of its error output (never of its standard output),
        /// scrubbed of secret-looking text.
        first_line: String,
    },
    #[error("{program} did not answer within {timeout:?}")]
    TimedOut { program: String, timeout: Duration },
    #[error("{program} answered something that is not a credential")]
    BadAnswer { program: String },
}

/// The program name of helper `name`.
pub fn program(name: &str) -> String {
    format!("docker-credential-{name}")
}

/// Finds `program` in the `PATH` of `env`.
pub fn find(program: &str, env: &Env) -> Option<PathBuf> {
    if program.contains(['/', '\\']) {
        return None;
    }
    let path = env.get("PATH")?;
    std::env::split_paths(path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[derive(Deserialize)]
struct Wire {
    #[serde(rename = "Username", default)]
    username: Option<String>,
    #[serde(rename = "Secret", default)]
    secret: Option<String>,
}

/// Reads at most [`MAX_OUTPUT`] bytes of a helper's pipe.
async fn read_all(from: impl AsyncRead + Unpin) -> Vec<u8> {
    let mut buf = Vec::new();
    let _ = from.take(MAX_OUTPUT).read_to_end(&mut buf).await;
    buf
}

/// Starts the helper in its own process group (so that a timeout kills whatever it started
/// too). A helper installed a moment ago (by a setup step running in parallel) can still be
/// open for writing somewhere, which Linux reports as ETXTBSY: retry briefly.
async fn spawn(path: &Path, env: &Env) -> std::io::Result<Child> {
    const TEXT_FILE_BUSY: i32 = 26;
    let mut attempt = 0;
    loop {
        let mut command = Command::new(path);
        command
            .arg("get")
            .env_clear()
            .envs(env.iter())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        #[cfg(unix)]
        command.process_group(0);
        match command.spawn() {
            Err(e) if e.raw_os_error() == Some(TEXT_FILE_BUSY) && attempt < 20 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            other => return other,
        }
    }
}

/// Kills the helper's process group: the helper and every process it started that did not
/// leave the group.
#[cfg(unix)]
fn kill_group(pid: u32) {
    use rustix::process::{Pid, Signal, kill_process_group};
    if let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
        let _ = kill_process_group(pid, Signal::KILL);
    }
}

/// Kills the helper and its process tree.
#[cfg(not(unix))]
fn kill_group(pid: u32) {
    let _ = std::process::Command::new("taskkill")
        .args(["/F", "/T", "/PID", &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Asks helper `name` for the credential of `server`, through `tokio::process`: the helper
/// has `timeout` to exit and close its output, after which its whole process group is
/// killed.
pub async fn get(
    name: &str,
    server: &str,
    env: &Env,
    timeout: Duration,
) -> Result<Answer, HelperError> {
    let program = program(name);
    let Some(path) = find(&program, env) else {
        return Err(HelperError::NotOnPath { program });
    };
    tracing::debug!(helper = %program, server, "asking credential helper");
    let mut child = spawn(&path, env).await.map_err(|e| HelperError::Spawn {
        program: program.clone(),
        reason: e.to_string(),
    })?;
    let pid = child.id();
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(HelperError::Spawn {
            program,
            reason: "no pipes".into(),
        });
    };
    let run = async {
        // A helper that exits without reading closes the pipe; that is its answer, not ours.
        let _ = stdin.write_all(server.as_bytes()).await;
        drop(stdin);
        tokio::join!(child.wait(), read_all(stdout), read_all(stderr))
    };
    let (status, mut out, err) = match tokio::time::timeout(timeout, run).await {
        Ok(done) => done,
        Err(_) => {
            // The helper and everything it started (`pass` → `gpg` → pinentry): a hanging
            // child would otherwise outlive the run and keep its pipes open.
            if let Some(pid) = pid {
                kill_group(pid);
            }
            return Err(HelperError::TimedOut { program, timeout });
        }
    };
    let status = match status {
        Ok(status) => status,
        Err(e) => {
            out.zeroize();
            return Err(HelperError::Spawn {
                program,
                reason: e.to_string(),
            });
        }
    };
    let result = interpret(&program, status.success(), status.code(), &out, &err);
    out.zeroize();
    result
}

/// Reads a helper's answer. Split out so the protocol is testable without processes.
fn interpret(
    program: &str,
    success: bool,
    code: Option<i32>,
    out: &[u8],
    err: &[u8],
) -> Result<Answer, HelperError> {
    if !success {
        // docker-credential-helpers print "credentials not found in native keychain" on
        // standard output and exit 1 when they hold nothing for the server.
        let said = |b: &[u8]| {
            String::from_utf8_lossy(b)
                .to_ascii_lowercase()
                .contains("credentials not found")
        };
        if said(out) || said(err) {
            return Ok(Answer::NotFound);
        }
        return Err(HelperError::Failed {
            program: program.to_owned(),
            code,
            // Only the error output: a failing helper may print the stored password on
            // standard output (or the credential JSON), which is never shown.
            first_line: first_line(err).unwrap_or_default(),
        });
    }
    let mut wire: Wire = serde_json::from_slice(out).map_err(|_| HelperError::BadAnswer {
        program: program.to_owned(),
    })?;
    let Some(secret) = wire.secret.take().filter(|s| !s.is_empty()) else {
        return Ok(Answer::NotFound);
    };
    // docker stores identity tokens with the user name `<token>`.
    let identity_token = wire.username.as_deref() == Some("<token>");
    let username = wire
        .username
        .take()
        .filter(|u| !u.is_empty() && !identity_token);
    Ok(Answer::Found {
        username,
        secret: Secret::new(secret),
        identity_token,
    })
}

/// The first non-empty line of `bytes`, scrubbed and cut to a readable length. A line that
/// looks like JSON is withheld entirely: it may be a credential.
fn first_line(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    if line.starts_with('{') {
        return Some(crate::t!("credentials.helper-output-withheld"));
    }
    let mut scrubbed = crate::secret::redact(line);
    if scrubbed.chars().count() > 200 {
        scrubbed = scrubbed.chars().take(200).collect::<String>() + "…";
    }
    Some(scrubbed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_answer_is_a_credential() {
        let out = br#"{"ServerURL":"ghcr.io","Username":"octo","Secret":"s3cret-value"}"#;
        let Ok(Answer::Found {
            username,
            secret,
            identity_token,
        }) = interpret("h", true, Some(0), out, b"")
        else {
            panic!("expected a credential");
        };
        assert_eq!(username.as_deref(), Some("octo"));
        assert_eq!(secret.expose(), "s3cret-value");
        assert!(!identity_token);
    }

    #[test]
    fn the_token_user_name_marks_an_identity_token() {
        let out = br#"{"ServerURL":"x","Username":"<token>","Secret":"refresh"}"#;
        let Ok(Answer::Found {
            username,
            identity_token,
            ..
        }) = interpret("h", true, Some(0), out, b"")
        else {
            panic!("expected a credential");
        };
        assert_eq!(username, None);
        assert!(identity_token);
    }

    #[test]
    fn not_found_is_not_an_error() {
        let r = interpret(
            "h",
            false,
            Some(1),
            b"credentials not found in native keychain\n",
            b"",
        );
        assert!(matches!(r, Ok(Answer::NotFound)), "{r:?}");
    }

    #[test]
    fn a_failure_keeps_the_code_and_a_scrubbed_first_line() {
        let r = interpret(
            "h",
            false,
            Some(3),
            b"",
            b"\n  token 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 rejected\nsecond line\n",
        );
        let Err(HelperError::Failed {
            code, first_line, ..
        }) = r
        else {
            panic!("expected a failure: {r:?}");
        };
        assert_eq!(code, Some(3));
        assert!(first_line.starts_with("token "), "{first_line}");
        assert!(first_line.ends_with(" rejected"), "{first_line}");
        assert!(!first_line.contains("M7H4"), "{first_line}");
    }

    #[test]
    fn json_on_failure_is_withheld() {
        let r = interpret("h", false, Some(1), br#"{"Secret":"abc"}"#, b"");
        let Err(HelperError::Failed { first_line, .. }) = r else {
            panic!("expected a failure");
        };
        assert!(!first_line.contains("abc"), "{first_line}");
    }

    #[test]
    fn garbage_is_a_bad_answer_that_does_not_echo() {
        let r = interpret("h", true, Some(0), b"Secret: hunter2", b"");
        let Err(e) = r else {
            panic!("expected an error");
        };
        assert!(matches!(e, HelperError::BadAnswer { .. }));
        assert!(!e.to_string().contains("hunter2"));
    }
}
