//! The real registry: Debian's `docker-registry` (CNCF distribution 2.8), started on a free
//! loopback port for one test and stopped when the handle drops.
//!
//! Modes: no auth, htpasswd, and token auth (an external token server; see
//! `support::token_server` where it exists). The child's environment is cleared of
//! `REGISTRY_*` variables, which the registry would read as configuration overrides.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = "docker-registry";
const INSTALL_HINT: &str = "the real-registry tests need Debian's docker-registry: \
     run `apt-get update && apt-get install -y docker-registry` (scripts/test does this)";

/// How the registry authenticates clients.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    /// `(user, password)` pairs; every authenticated user may do everything.
    Htpasswd(Vec<(String, String)>),
    /// An external token server.
    Token {
        realm: String,
        service: String,
        issuer: String,
        /// PEM certificate(s) whose keys sign the tokens.
        root_cert_bundle: PathBuf,
    },
}

/// A running registry.
pub struct Registry {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

/// The path of the registry binary, or a test failure with the install hint.
pub fn binary() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(BINARY);
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("{INSTALL_HINT}");
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

impl Registry {
    pub fn start(auth: Auth) -> Registry {
        let binary = binary();
        let dir = tempfile::tempdir().expect("registry tempdir");
        let storage = dir.path().join("storage");
        std::fs::create_dir_all(&storage).expect("storage dir");
        let auth_yaml = match &auth {
            Auth::None => String::new(),
            Auth::Htpasswd(users) => {
                let file = dir.path().join("htpasswd");
                let lines: Vec<String> = users
                    .iter()
                    .map(|(u, p)| format!("{u}:{}", bcrypt::hash(p, 4).expect("bcrypt hash")))
                    .collect();
                std::fs::write(&file, lines.join("\n") + "\n").expect("write htpasswd");
                format!(
                    "auth:\n  htpasswd:\n    realm: test-realm\n    path: {}\n",
                    file.display()
                )
            }
            Auth::Token {
                realm,
                service,
                issuer,
                root_cert_bundle,
            } => format!(
                "auth:\n  token:\n    realm: {realm}\n    service: {service}\n    issuer: {issuer}\n    rootcertbundle: {}\n",
                root_cert_bundle.display()
            ),
        };
        for _ in 0..5 {
            let port = free_port();
            let config = dir.path().join("config.yml");
            std::fs::write(
                &config,
                format!(
                    "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n\
                     storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
                     http:\n  addr: 127.0.0.1:{port}\n  secret: test-only-http-secret\n{auth_yaml}",
                    storage.display()
                ),
            )
            .expect("write registry config");
            let mut cmd = Command::new(&binary);
            cmd.arg("serve").arg(&config);
            for (key, _) in std::env::vars_os() {
                if key.to_string_lossy().starts_with("REGISTRY_") {
                    cmd.env_remove(&key);
                }
            }
            let mut child = cmd
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("cannot start {}: {e}; {INSTALL_HINT}", binary.display())
                });
            if wait_ready(&mut child, port, Duration::from_secs(15)) {
                // The registry logs every refused login to standard error: drain it, or a
                // full pipe blocks the registry after a few hundred requests.
                if let Some(mut err) = child.stderr.take() {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut err, &mut std::io::sink());
                    });
                }
                return Registry { child, port, dir };
            }
            // The port was taken between probing and binding, or the start failed.
            let _ = child.kill();
            let _ = child.wait();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            if !err.contains("address already in use") {
                panic!("docker-registry did not start: {err}");
            }
        }
        panic!("docker-registry did not start on a free port after 5 tries");
    }

    /// `127.0.0.1:PORT`, the registry part of image references.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.host())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The storage root (`docker/registry/v2/...` lives below it).
    pub fn storage(&self) -> PathBuf {
        self.dir.path().join("storage")
    }

    /// The data file of a blob in the storage folder.
    pub fn blob_data_path(&self, digest: &str) -> PathBuf {
        let (algo, hex) = digest.split_once(':').expect("digest algo:hex");
        self.storage()
            .join("docker/registry/v2/blobs")
            .join(algo)
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }

    /// Every repository with at least one layer link or tag, from the storage folder.
    pub fn repositories(&self) -> Vec<String> {
        let root = self.storage().join("docker/registry/v2/repositories");
        let mut out = Vec::new();
        collect_repos(&root, &root, &mut out);
        out.sort();
        out
    }

    /// Repositories that hold content (layer links or manifests/tags), from the storage
    /// folder. Unlike [`Registry::repositories`], a folder with only `_uploads` (an upload
    /// session that was opened and never completed) does not count.
    pub fn repositories_with_content(&self) -> Vec<String> {
        let root = self.storage().join("docker/registry/v2/repositories");
        let mut out = Vec::new();
        collect_repos(&root, &root, &mut out);
        out.retain(|r| {
            let dir = root.join(r);
            dir.join("_manifests").is_dir() || dir.join("_layers").is_dir()
        });
        out.sort();
        out
    }

    /// Every upload session folder (`REPO/_uploads/ID`), with the files it holds as
    /// `relative/path:bytes`.
    pub fn upload_sessions(&self) -> Vec<(String, Vec<String>)> {
        let root = self.storage().join("docker/registry/v2/repositories");
        let mut repos = Vec::new();
        collect_repos(&root, &root, &mut repos);
        let mut out = Vec::new();
        for repo in repos {
            let uploads = root.join(&repo).join("_uploads");
            let Ok(entries) = std::fs::read_dir(&uploads) else {
                continue;
            };
            for e in entries.flatten() {
                let mut files = Vec::new();
                list_files(&e.path(), &e.path(), &mut files);
                files.sort();
                out.push((format!("{repo}/{}", e.file_name().to_string_lossy()), files));
            }
        }
        out.sort();
        out
    }

    /// Every blob in the storage folder.
    pub fn blob_count(&self) -> usize {
        let root = self.storage().join("docker/registry/v2/blobs");
        count_files_named(&root, "data")
    }
}

fn wait_ready(child: &mut Child, port: u16, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}

fn collect_repos(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let name = entry.file_name();
        if name == "_manifests" || name == "_layers" || name == "_uploads" {
            if let Ok(rel) = dir.strip_prefix(root) {
                let repo = rel.to_string_lossy().into_owned();
                if !out.contains(&repo) {
                    out.push(repo);
                }
            }
        } else {
            collect_repos(root, &path, out);
        }
    }
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            list_files(root, &p, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            let len = e.metadata().map(|m| m.len()).unwrap_or(0);
            out.push(format!("{}:{len}", rel.to_string_lossy()));
        }
    }
}

fn count_files_named(dir: &Path, name: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                count_files_named(&p, name)
            } else {
                usize::from(e.file_name() == name)
            }
        })
        .sum()
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
