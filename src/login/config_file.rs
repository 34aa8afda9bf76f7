//! Writing a login into docker's `config.json`: merged into what is there, mode 0600,
//! replaced atomically.
//!
//! docker picks the credential store per registry: `credHelpers[host]` if present, else
//! `credsStore`, else the `auths` entries in the file. When a helper or store would shadow the
//! entry written here, `credHelpers[host]` is set to `""`, which makes docker (and buildx,
//! which uses the same code) read this registry from the file while every other registry
//! keeps its helper or store.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::credentials::Env;
use crate::secret::Secret;

/// Why the config could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not valid JSON (line {line}, column {column}): fix or move it; nothing was written"
    )]
    Malformed {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    #[error("{path} does not hold a JSON object; nothing was written")]
    NotAnObject { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What writing changed besides the entry itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub path: PathBuf,
    /// The helper or store that would have shadowed the entry (now bypassed for this host).
    pub bypassed_helper: Option<String>,
    /// True when an entry for this registry existed before.
    pub replaced: bool,
}

/// `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`.
pub fn path(env: &Env) -> Option<PathBuf> {
    if let Some(dir) = env.get("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        return Some(Path::new(dir).join("config.json"));
    }
    env.get("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| Path::new(home).join(".docker").join("config.json"))
}

/// Stores `username`/`secret` for `registry` (the host as docker writes it: `ghcr.io`).
pub fn write_login(
    path: &Path,
    registry: &str,
    username: &str,
    secret: &Secret,
) -> Result<Outcome, Error> {
    let mut root = read(path)?;
    let mut outcome = Outcome {
        path: path.to_owned(),
        ..Outcome::default()
    };

    let helper = root
        .get("credHelpers")
        .and_then(|h| h.get(registry))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|h| !h.is_empty())
        .or_else(|| {
            let pinned = root
                .get("credHelpers")
                .and_then(|h| h.get(registry))
                .is_some();
            if pinned {
                None
            } else {
                root.get("credsStore")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            }
        });
    if let Some(helper) = helper {
        let mut helpers = take_object(&mut root, "credHelpers");
        helpers.insert(registry.to_owned(), Value::from(""));
        root.insert("credHelpers".into(), Value::Object(helpers));
        outcome.bypassed_helper = Some(helper);
    }

    let mut auths = take_object(&mut root, "auths");
    outcome.replaced = auths.contains_key(registry);
    let pair = Secret::new(format!("{username}:{}", secret.expose()));
    let encoded = base64::engine::general_purpose::STANDARD.encode(pair.expose().as_bytes());
    let mut entry = Map::new();
    entry.insert("auth".into(), Value::from(encoded));
    auths.insert(registry.to_owned(), Value::Object(entry));
    root.insert("auths".into(), Value::Object(auths));

    let text = serde_json::to_string_pretty(&Value::Object(root)).map_err(|e| Error::Write {
        path: path.to_owned(),
        source: std::io::Error::other(e),
    })?;
    replace_atomically(path, text.as_bytes()).map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })?;
    Ok(outcome)
}

fn read(path: &Path) -> Result<Map<String, Value>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Map::new()),
        Err(source) => {
            return Err(Error::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::NotAnObject {
            path: path.to_owned(),
        }),
        Err(e) => Err(Error::Malformed {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
        }),
    }
}

/// Takes `root[key]` out as an object (a missing or non-object value becomes empty); the
/// caller puts it back.
fn take_object(root: &mut Map<String, Value>, key: &str) -> Map<String, Value> {
    match root.remove(key) {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// Writes `bytes` to a temporary file beside `path` with mode 0600, then renames it over
/// `path`, so readers never see a half-written file and the secret is never world-readable.
fn replace_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".config.json.")
        .tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    tmp.write_all(bytes)?;
    tmp.write_all(b"\n")?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_json(path: &Path) -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
    }

    #[test]
    fn merges_keeps_other_entries_and_sets_mode_0600() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.json");
        std::fs::write(
            &path,
            r#"{"auths":{"docker.io":{"auth":"b2xkOm9sZA=="},"ghcr.io":{"username":"x","password":"y"}},
                "credHelpers":{"gcr.io":"gcloud"},"psFormat":"table"}"#,
        )
        .expect("seed");
        let out = write_login(&path, "ghcr.io", "octocat", &Secret::new("ghp_x")).expect("write");
        assert!(out.replaced);
        assert_eq!(out.bypassed_helper, None);
        let v = read_json(&path);
        assert_eq!(v["auths"]["docker.io"]["auth"], "b2xkOm9sZA==");
        assert_eq!(v["credHelpers"]["gcr.io"], "gcloud");
        assert_eq!(v["psFormat"], "table");
        let auth = v["auths"]["ghcr.io"]["auth"].as_str().expect("auth");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth)
            .expect("base64");
        assert_eq!(decoded, b"octocat:ghp_x");
        assert!(v["auths"]["ghcr.io"].get("password").is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_store_that_would_shadow_the_entry_is_bypassed_for_this_host_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.json");
        std::fs::write(&path, r#"{"credsStore":"desktop"}"#).expect("seed");
        let out = write_login(&path, "ghcr.io", "u", &Secret::new("p")).expect("write");
        assert_eq!(out.bypassed_helper.as_deref(), Some("desktop"));
        let v = read_json(&path);
        assert_eq!(v["credsStore"], "desktop");
        assert_eq!(v["credHelpers"]["ghcr.io"], "");
    }

    #[test]
    fn malformed_config_is_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.json");
        std::fs::write(&path, "{\"auths\": {").expect("seed");
        let err = write_login(&path, "ghcr.io", "u", &Secret::new("p")).expect_err("refused");
        assert!(matches!(err, Error::Malformed { .. }), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "{\"auths\": {"
        );
    }

    #[test]
    fn creates_the_folder_and_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let env = Env::from_pairs([("HOME", dir.path().display().to_string())]);
        let path = path(&env).expect("path");
        assert!(path.ends_with(".docker/config.json"));
        write_login(&path, "ghcr.io", "u", &Secret::new("p")).expect("write");
        assert!(path.is_file());
        let env = Env::from_pairs([("DOCKER_CONFIG", "/x/y"), ("HOME", "/h")]);
        assert_eq!(super::path(&env), Some(PathBuf::from("/x/y/config.json")));
    }
}
