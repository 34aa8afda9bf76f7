//! `scripts/install.sh` against a fake release served from a loopback HTTP server: the
//! archive of the built binary, its `SHA256SUMS`, and a fake `uname` that decides the
//! platform the script sees.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::support::http_server::{Req, Resp, Server};
use crate::support::{action_step, root};

/// A static file server on a loopback port: `GET /<name>` answers the file of that name in
/// `dir`, anything else 404. It records every path asked for.
struct Release {
    url: String,
    server: Server,
}

impl Release {
    /// Every path asked for, in order.
    fn seen(&self) -> Vec<String> {
        self.server
            .requests()
            .into_iter()
            .map(|r| r.target)
            .collect()
    }
}

fn serve(dir: PathBuf) -> Release {
    let server = Server::start(Arc::new(move |req: &Req| {
        let name = req.target.trim_start_matches('/');
        match std::fs::read(dir.join(name)) {
            Ok(b) if !name.is_empty() && !name.contains('/') => {
                Resp::new(200).body("application/octet-stream", b)
            }
            _ => Resp::new(404).body("text/plain", "not found"),
        }
    }));
    Release {
        url: server.url(),
        server,
    }
}

/// A directory holding a fake `uname` that reports `os` and `arch`.
fn fake_uname(dir: &Path, os: &str, arch: &str) -> PathBuf {
    let bin = dir.join("fakebin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let script = bin.join("uname");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncase \"$1\" in -s) echo '{os}';; -m) echo '{arch}';; *) echo '{os}';; esac\n"),
    )
    .expect("write uname");
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    bin
}

/// The built binary packed once as a release archive (`ghcr-doctor` at its root), and the
/// archive's sha256.
fn archive() -> &'static (PathBuf, String) {
    static ARCHIVE: std::sync::OnceLock<(PathBuf, String)> = std::sync::OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir").keep();
        let stage = dir.join("stage");
        std::fs::create_dir_all(&stage).expect("mkdir");
        std::fs::copy(env!("CARGO_BIN_EXE_ghcr-doctor"), stage.join("ghcr-doctor")).expect("copy");
        let file = dir.join("archive.tar.gz");
        let status = Command::new("sh")
            .arg("-c")
            .arg("tar -cf - -C \"$1\" ghcr-doctor | gzip -1 > \"$2\"")
            .arg("sh")
            .arg(&stage)
            .arg(&file)
            .status()
            .expect("tar");
        assert!(status.success(), "tar failed");
        let mut bytes = Vec::new();
        std::fs::File::open(&file)
            .expect("open")
            .read_to_end(&mut bytes)
            .expect("read");
        (file, hex::encode(Sha256::digest(&bytes)))
    })
}

/// A release directory with `ghcr-doctor-<target>.tar.gz` and `SHA256SUMS`; returns the
/// archive's digest.
fn make_release(dir: &Path, target: &str) -> String {
    let (file, digest) = archive();
    let assets = dir.join("assets");
    std::fs::create_dir_all(&assets).expect("mkdir");
    let asset = format!("ghcr-doctor-{target}.tar.gz");
    std::fs::copy(file, assets.join(&asset)).expect("copy");
    std::fs::write(
        assets.join("SHA256SUMS"),
        format!(
            "{digest}  {asset}\n{}  ghcr-doctor-other.zip\n",
            "0".repeat(64)
        ),
    )
    .expect("write sums");
    digest.clone()
}

fn install(dir: &Path, fakebin: &Path, base: &str, install_dir: &Path) -> Output {
    let path = format!(
        "{}:{}",
        fakebin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .arg(root().join("scripts/install.sh"))
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir)
        .env("TMPDIR", dir)
        .env("GHCR_DOCTOR_VERSION", "v0.1.0")
        .env("GHCR_DOCTOR_DOWNLOAD_URL", base)
        .env("GHCR_DOCTOR_INSTALL_DIR", install_dir)
        .output()
        .expect("run install.sh")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Files left in a directory (none when it does not exist).
fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn installs_the_release_binary_and_it_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_release(dir.path(), "x86_64-unknown-linux-musl");
    let release = serve(dir.path().join("assets"));
    let fakebin = fake_uname(dir.path(), "Linux", "x86_64");
    let target_dir = dir.path().join("bin");
    let out = install(dir.path(), &fakebin, &release.url, &target_dir);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!(
            "installed ghcr-doctor {}",
            env!("CARGO_PKG_VERSION")
        )),
        "{}",
        text(&out.stdout)
    );
    let installed = target_dir.join("ghcr-doctor");
    let run = Command::new(&installed)
        .arg("--version")
        .output()
        .expect("run the installed binary");
    assert!(run.status.success());
    assert_eq!(
        text(&run.stdout).trim(),
        format!("ghcr-doctor {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(files_in(&target_dir), vec!["ghcr-doctor".to_owned()]);
    assert_eq!(
        release.seen(),
        vec![
            "/SHA256SUMS".to_owned(),
            "/ghcr-doctor-x86_64-unknown-linux-musl.tar.gz".to_owned()
        ]
    );
}

#[test]
fn arm64_macos_gets_the_darwin_asset() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_release(dir.path(), "aarch64-apple-darwin");
    let release = serve(dir.path().join("assets"));
    let fakebin = fake_uname(dir.path(), "Darwin", "arm64");
    let out = install(dir.path(), &fakebin, &release.url, &dir.path().join("bin"));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert!(
        release
            .seen()
            .contains(&"/ghcr-doctor-aarch64-apple-darwin.tar.gz".to_owned())
    );
}

#[test]
fn a_wrong_checksum_names_both_digests_and_installs_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = make_release(dir.path(), "x86_64-unknown-linux-musl");
    let wrong = "ab".repeat(32);
    std::fs::write(
        dir.path().join("assets/SHA256SUMS"),
        format!("{wrong}  ghcr-doctor-x86_64-unknown-linux-musl.tar.gz\n"),
    )
    .expect("write sums");
    let release = serve(dir.path().join("assets"));
    let fakebin = fake_uname(dir.path(), "Linux", "x86_64");
    let target_dir = dir.path().join("bin");
    // An earlier install stays as it was.
    std::fs::create_dir_all(&target_dir).expect("mkdir");
    std::fs::write(target_dir.join("ghcr-doctor"), "previous").expect("write");
    let out = install(dir.path(), &fakebin, &release.url, &target_dir);
    assert_eq!(out.status.code(), Some(1), "stdout: {}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains("checksum mismatch"), "{err}");
    assert!(err.contains(&wrong), "expected digest missing: {err}");
    assert!(err.contains(&good), "actual digest missing: {err}");
    assert!(err.contains("nothing was installed"), "{err}");
    assert_eq!(files_in(&target_dir), vec!["ghcr-doctor".to_owned()]);
    assert_eq!(
        std::fs::read_to_string(target_dir.join("ghcr-doctor")).expect("read"),
        "previous"
    );
    // The temporary download folder is gone too.
    assert!(
        !files_in(dir.path())
            .iter()
            .any(|f| f.starts_with("ghcr-doctor-install")),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn an_unsupported_platform_is_refused_before_any_download() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_release(dir.path(), "x86_64-unknown-linux-musl");
    let release = serve(dir.path().join("assets"));
    let fakebin = fake_uname(dir.path(), "SunOS", "sparc64");
    let target_dir = dir.path().join("bin");
    let out = install(dir.path(), &fakebin, &release.url, &target_dir);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("no release binary for SunOS on sparc64"),
        "{err}"
    );
    assert!(err.contains("cargo install ghcr-doctor"), "{err}");
    assert!(files_in(&target_dir).is_empty());
    assert!(release.seen().is_empty());
}

#[test]
fn a_missing_asset_exits_3_naming_the_url() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_release(dir.path(), "x86_64-unknown-linux-musl");
    let release = serve(dir.path().join("assets"));
    let fakebin = fake_uname(dir.path(), "Linux", "aarch64");
    let target_dir = dir.path().join("bin");
    let out = install(dir.path(), &fakebin, &release.url, &target_dir);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}/ghcr-doctor-aarch64-unknown-linux-musl.tar.gz does not exist (HTTP 404)",
            release.url
        )),
        "{err}"
    );
    assert!(files_in(&target_dir).is_empty());
}

/// The script's default home is the one in Cargo.toml.
#[test]
fn the_default_download_is_the_home_in_cargo_toml() {
    let script = std::fs::read_to_string(root().join("scripts/install.sh")).expect("read");
    let line = format!("REPOSITORY=\"{}\"", ghcr_doctor::home::slug());
    assert!(
        script.lines().any(|l| l == line),
        "scripts/install.sh must set `{line}` (Cargo.toml `repository`)"
    );
}

/// Runs an action step's script; returns its exit code and what it wrote to GITHUB_OUTPUT.
fn run_step(id: &str, dir: &Path, envs: &[(&str, String)]) -> (Option<i32>, String, String) {
    let output = dir.join("github_output");
    let _ = std::fs::remove_file(&output);
    let out = Command::new("bash")
        .arg("-c")
        .arg(action_step(id))
        .env_clear()
        .env("HOME", dir)
        .env("TMPDIR", dir)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_ACTION_PATH", root())
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("bash");
    (
        out.status.code(),
        std::fs::read_to_string(&output).unwrap_or_default(),
        text(&out.stderr),
    )
}

#[test]
fn the_action_installs_the_release_of_a_version_tag_and_builds_anything_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = std::env::var("PATH").unwrap_or_default();
    let plan = |reference: &str| {
        run_step(
            "plan",
            dir.path(),
            &[
                ("PATH", path.clone()),
                ("ACTION_REF", reference.to_owned()),
                ("RUNNER_TOOL_CACHE", "/tools".to_owned()),
                ("RUNNER_ARCH", "X64".to_owned()),
                ("RUNNER_OS", "Linux".to_owned()),
            ],
        )
    };
    let (code, outputs, err) = plan("v1.2.3");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        outputs.lines().collect::<Vec<_>>(),
        [
            "release=true",
            "version=v1.2.3",
            "dir=/tools/ghcr-doctor/v1.2.3/X64",
            "bin=/tools/ghcr-doctor/v1.2.3/X64/ghcr-doctor",
        ]
    );
    let built = root().join("target/release");
    for reference in [
        "main",
        "",
        "0123456789abcdef0123456789abcdef01234567",
        "v1.2.3-rc.1",
    ] {
        let (code, outputs, err) = plan(reference);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(
            outputs.lines().collect::<Vec<_>>(),
            [
                "release=false".to_owned(),
                format!("dir={}", built.display()),
                format!("bin={}/ghcr-doctor", built.display()),
            ],
            "ref {reference:?}"
        );
    }
}

#[test]
fn the_action_install_step_falls_back_only_when_the_release_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_release(dir.path(), "x86_64-unknown-linux-musl");
    let release = serve(dir.path().join("assets"));
    let path = |os: &str, arch: &str| {
        format!(
            "{}:{}",
            fake_uname(&dir.path().join(format!("{os}-{arch}")), os, arch).display(),
            std::env::var("PATH").unwrap_or_default()
        )
    };
    let install = |path: String, bin: &Path| {
        run_step(
            "install",
            dir.path(),
            &[
                ("PATH", path),
                ("GHCR_DOCTOR_VERSION", "v0.1.0".to_owned()),
                ("GHCR_DOCTOR_DOWNLOAD_URL", release.url.clone()),
                ("GHCR_DOCTOR_INSTALL_DIR", bin.display().to_string()),
            ],
        )
    };
    // The release has the asset: installed, no fallback.
    let bin = dir.path().join("ok");
    let (code, outputs, err) = install(path("Linux", "x86_64"), &bin);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(outputs, "");
    assert!(bin.join("ghcr-doctor").is_file());
    // No asset for this platform: the step succeeds and asks for the build from source.
    let bin = dir.path().join("missing");
    let (code, outputs, err) = install(path("Linux", "aarch64"), &bin);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(outputs, "missing=true\n");
    // A checksum mismatch stops the job: no silent build from source.
    std::fs::write(
        dir.path().join("assets/SHA256SUMS"),
        format!(
            "{}  ghcr-doctor-x86_64-unknown-linux-musl.tar.gz\n",
            "cd".repeat(32)
        ),
    )
    .expect("write");
    let bin = dir.path().join("bad");
    let (code, outputs, err) = install(path("Linux", "x86_64"), &bin);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(outputs, "");
    assert!(err.contains("checksum mismatch"), "{err}");
    assert!(files_in(&bin).is_empty());
}
