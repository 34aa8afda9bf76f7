//! Writing a login into docker's `config.json`: merged into what is there, mode 0600,
//! replaced atomically, under a lock.
//!
//! - Two `login`s at once never lose an entry: the read-merge-write runs while holding an
//!   exclusive lock on `.config.json.lock` beside the file (released by the kernel when the
//!   process dies, so a crash never leaves it held).
//! - A crash (`kill -9`) never strands the credential for long: the temporary file is only
//!   created under the lock, with mode 0600 from the start and a fixed prefix, so whoever
//!   holds the lock next knows every such file is a leftover and removes it.
//! - A symbolic link `config.json` (dotfiles managers) is written through: the file it
//!   points to is replaced, the link stays.
//! - A file other users could read is reported ([`Outcome::exposed_mode`]) before it is
//!   replaced by one only its owner can read.
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
    /// The file's mode when group or other users could read or write it before (now 0600).
    pub exposed_mode: Option<u32>,
    /// Temporary files an interrupted run had left beside the config, removed now.
    pub leftovers_removed: usize,
}

/// The prefix of the temporary file a login writes before renaming it over the config.
const TEMP_PREFIX: &str = ".config.json.tmp-";

/// The lock file beside the config.
const LOCK_NAME: &str = ".config.json.lock";

/// The file a write replaces: `path` itself, or the file its symbolic links lead to (a
/// dangling link's target is created).
fn write_target(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    // A bound on hops, as the kernel has (ELOOP).
    for _ in 0..40 {
        match std::fs::read_link(&current) {
            Ok(target) => {
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Err(_) => return current,
        }
    }
    path.to_path_buf()
}

/// Takes the exclusive lock of the folder's config (blocking until another login is done).
fn lock(dir: &Path) -> std::io::Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_NAME))?;
    file.lock()?;
    Ok(file)
}

/// Removes the temporary files of interrupted logins (ours, and those of earlier versions,
/// `.config.json.` and six random characters). Call only while holding the lock: then no
/// running login owns one.
fn remove_leftovers(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let older = name
            .strip_prefix(".config.json.")
            .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()));
        if (name.starts_with(TEMP_PREFIX) || older)
            && entry.file_type().is_ok_and(|t| t.is_file())
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
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
    let shown = path;
    let path = &write_target(path);
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let write_error = |source| Error::Write {
        path: shown.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(write_error)?;
    let _lock = lock(dir).map_err(write_error)?;
    let leftovers_removed = remove_leftovers(dir);
    let mut root = read(path)?;
    let mut outcome = Outcome {
        path: shown.to_owned(),
        exposed_mode: crate::credentials::exposed_mode(path),
        leftovers_removed,
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
    let text = match crate::local_file::read_to_string(path, crate::credentials::MAX_CONFIG_BYTES) {
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
/// Called under the lock; a file left by a crash is removed by the next login.
fn replace_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    // tempfile creates the file with mode 0600 on unix, before anything is written.
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
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
    fn concurrent_logins_never_lose_an_entry() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.json");
        for round in 0..3 {
            let threads: Vec<_> = (0..10)
                .map(|i| {
                    let path = path.clone();
                    std::thread::spawn(move || {
                        write_login(
                            &path,
                            &format!("r{round}-{i}.example"),
                            "u",
                            &Secret::new("p"),
                        )
                        .expect("write")
                    })
                })
                .collect();
            for t in threads {
                t.join().expect("thread");
            }
        }
        let v = read_json(&path);
        let auths = v["auths"].as_object().expect("auths");
        assert_eq!(auths.len(), 30, "{auths:?}");
    }

    #[test]
    fn temporary_files_left_by_a_crash_are_removed_by_the_next_login() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.json");
        // What a `kill -9` between creating and renaming the temporary file leaves.
        let ours = dir.path().join(format!("{TEMP_PREFIX}Ab12Cd"));
        let older = dir.path().join(".config.json.Xy98Zw");
        let unrelated = dir.path().join(".config.json.backup-2026");
        for f in [&ours, &older, &unrelated] {
            std::fs::write(f, r#"{"auths":{"ghcr.io":{"auth":"c2VjcmV0"}}}"#).expect("seed");
        }
        let out = write_login(&path, "ghcr.io", "u", &Secret::new("p")).expect("write");
        assert_eq!(out.leftovers_removed, 2);
        assert!(!ours.exists() && !older.exists());
        assert!(
            unrelated.exists(),
            "only our own temporary files are removed"
        );
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(TEMP_PREFIX))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_config_is_written_through_the_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real_dir = dir.path().join("dotfiles");
        std::fs::create_dir_all(&real_dir).expect("dotfiles");
        let real = real_dir.join("docker-config.json");
        std::fs::write(&real, r#"{"auths":{"docker.io":{"auth":"b2xkOm9sZA=="}}}"#).expect("seed");
        let docker = dir.path().join(".docker");
        std::fs::create_dir_all(&docker).expect("docker dir");
        let link = docker.join("config.json");
        std::os::unix::fs::symlink("../dotfiles/docker-config.json", &link).expect("symlink");
        write_login(&link, "ghcr.io", "u", &Secret::new("p")).expect("write");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink(),
            "the link stays a link"
        );
        let v = read_json(&real);
        assert_eq!(v["auths"]["docker.io"]["auth"], "b2xkOm9sZA==");
        assert!(v["auths"]["ghcr.io"]["auth"].is_string());
    }

    #[cfg(unix)]
    #[test]
    fn a_world_readable_config_is_reported_then_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.json");
        std::fs::write(&path, "{}").expect("seed");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let out = write_login(&path, "ghcr.io", "u", &Secret::new("p")).expect("write");
        assert_eq!(out.exposed_mode, Some(0o644));
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = write_login(&path, "ghcr.io", "u", &Secret::new("p")).expect("write");
        assert_eq!(again.exposed_mode, None);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_as_config_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let err = write_login(&path, "ghcr.io", "u", &Secret::new("p")).expect_err("refused");
        assert!(matches!(err, Error::Read { .. }), "{err}");
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
