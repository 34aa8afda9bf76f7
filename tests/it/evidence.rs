//! The JSON v1 contract of evidence, byte for byte: whole JSON reports of `token`, credential
//! discovery, `ref`, `explain`, `workflow` (and `--fix`), `verify`, `check` (the registry in
//! token mode, and ghcr.io's and GitHub's sides through their fakes) and `login` compared with
//! golden files in `tests/data/json/`. Between them they carry most evidence keys (typed
//! facts, serialised only by the renderers, `docs/evidence.md`), nested objects and null
//! values included; `evidence::tests` pins the shapes of the nested objects.
//!
//! Ports and temporary paths are normalised. `UPDATE_SNAPSHOTS=1` rewrites the goldens after
//! a deliberate change; `GHCR_DOCTOR_GOLDEN_BIN=<path>` runs another build of the binary
//! against them (an earlier release, to prove a change kept the contract).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::image::{OCI_INDEX, OCI_MANIFEST, Pusher};
use crate::support::registry::{Auth, Registry};
use crate::support::root;
use crate::support::token_server::TokenServer;

const AMD64: (&str, &str, Option<&str>) = ("linux", "amd64", None);
const ARM64: (&str, &str, Option<&str>) = ("linux", "arm64", Some("v8"));

/// The binary under test with a scrubbed environment (as `support::ghcr_doctor`), or the
/// build named by `GHCR_DOCTOR_GOLDEN_BIN`.
fn binary(home: &Path) -> Command {
    let bin = std::env::var_os("GHCR_DOCTOR_GOLDEN_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_ghcr-doctor").into());
    let mut cmd = Command::new(bin);
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("HOME", home)
        .env("NO_COLOR", "1")
        .env("LANG", "C.UTF-8")
        .current_dir(root())
        .stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command, stdin: &[u8]) -> Output {
    use std::io::Write as _;
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn ghcr-doctor");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin).expect("write stdin");
    }
    child.wait_with_output().expect("wait for ghcr-doctor")
}

/// Standard output with temporary directories and loopback ports replaced.
fn normalise(output: &Output, temps: &[&Path]) -> String {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    for dir in temps {
        text = text.replace(&dir.display().to_string(), "<TMP>");
    }
    let port = regex::Regex::new(r"(127\.0\.0\.1|localhost|\[::1\]):\d+").expect("regex");
    port.replace_all(&text, "$1:<PORT>").into_owned()
}

/// Compares `actual` with `tests/data/json/<name>.json`, byte for byte.
fn golden(name: &str, actual: &str) {
    let path = root().join("tests/data/json").join(format!("{name}.json"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_SNAPSHOTS=1)", path.display()));
    assert!(
        actual.contains("\"evidence\": {\n"),
        "{name}: no evidence to compare"
    );
    assert_eq!(
        actual,
        expected,
        "{name}: JSON differs from {}",
        path.display()
    );
}

fn json_args(cmd: &mut Command) -> &mut Command {
    cmd.args(["--no-github-actions", "--format", "json"])
}

#[test]
fn token_findings_keep_their_json() {
    let home = tempfile::tempdir().expect("home");
    let cases: [(&str, &[u8]); 4] = [
        (
            "token-pasted",
            b"  \"Bearer ghp_M7H4jx\xe2\x80\x8bUDDWHP4kZ6A4dxlQYsQIWJuq11T4V4\"\r\n\n",
        ),
        (
            "token-encoded",
            b"b2N0bzpnaHBfTTdINGp4VUREV0hQNGtaNkE0ZHhsUVlzUUlXSnVxMTFUNFY0\n",
        ),
        (
            "token-fine-grained",
            b"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU\n",
        ),
        ("token-short", b"ghp_short\n"),
    ];
    for (name, input) in cases {
        let mut cmd = binary(home.path());
        json_args(cmd.args(["token", "--password-stdin"]));
        golden(name, &normalise(&run(&mut cmd, input), &[home.path()]));
    }
}

#[test]
fn credential_discovery_keeps_its_json() {
    let home = tempfile::tempdir().expect("home");
    let docker = home.path().join(".docker");
    std::fs::create_dir_all(&docker).expect("docker dir");
    let config = docker.join("config.json");
    std::fs::write(
        &config,
        r#"{"auths":{"ghcr.io":{},"docker.io":{"auth":"bm90LWJhc2U2NA=="}},"credHelpers":{"quay.io":"no-such-helper"}}"#,
    )
    .expect("write config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    for registry in ["ghcr.io", "docker.io", "quay.io"] {
        let mut cmd = binary(home.path());
        json_args(cmd.args(["token", "--registry", registry]))
            .env("GHCR_TOKEN", "")
            .env("GITHUB_TOKEN", "ghs_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        golden(
            &format!("credentials-{registry}"),
            &normalise(&run(&mut cmd, b""), &[home.path()]),
        );
    }
}

#[test]
fn references_explanations_and_workflows_keep_their_json() {
    let home = tempfile::tempdir().expect("home");
    for (name, reference) in [
        ("ref-uppercase", "ghcr.io/Octo/App:1"),
        (
            "ref-near-miss",
            "ghrc.io/octo/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ),
    ] {
        let mut cmd = binary(home.path());
        json_args(cmd.args(["ref", reference]));
        golden(name, &normalise(&run(&mut cmd, b""), &[home.path()]));
    }
    let mut cmd = binary(home.path());
    json_args(cmd.args([
        "explain",
        "tests/data/explain/image-not-public/compose-head-unauthorized.log",
    ]));
    golden("explain", &normalise(&run(&mut cmd, b""), &[home.path()]));

    let repo = tempfile::tempdir().expect("repo");
    let workflows = repo.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).expect("workflows dir");
    std::fs::write(
        workflows.join("ci.yml"),
        "on: [push, pull_request]\n\
         jobs:\n\
         \x20 build:\n\
         \x20   runs-on: ubuntu-latest\n\
         \x20   steps:\n\
         \x20     - uses: docker/login-action@v3\n\
         \x20       with:\n\
         \x20         registry: docker.io\n\
         \x20         username: me\n\
         \x20         password: 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\n\
         \x20     - run: docker push ghcr.io/Octo/App:1\n\
         \x20     - uses: docker/login-action@v3\n\
         \x20       with:\n\
         \x20         registry: ghcr.io\n\
         \x20         username: ${{ github.actor }}\n\
         \x20         password: ${{ secrets.GHCR_TOKEN || secrets.GITHUB_TOKEN }}\n\
         \x20     - uses: docker/build-push-action@v6\n\
         \x20       with:\n\
         \x20         push: true\n\
         \x20         tags: ghrc.io/octo/app:latest\n\
         \x20 dep:\n\
         \x20   if: github.actor == 'dependabot[bot]'\n\
         \x20   runs-on: ubuntu-latest\n\
         \x20   steps:\n\
         \x20     - run: docker push ghcr.io/octo/app\n",
    )
    .expect("write workflow");
    std::fs::write(
        workflows.join("release.yml"),
        "on: pull_request_target\n\
         jobs:\n\
         \x20 release:\n\
         \x20   runs-on: ubuntu-latest\n\
         \x20   steps:\n\
         \x20     - uses: docker/login-action@v3\n\
         \x20       with:\n\
         \x20         registry: ghcr.io\n\
         \x20         username: ${{ github.actor }}\n\
         \x20         password: ${{ secrets.GITHUB_TOKEN }}\n\
         \x20     - run: docker push ghcr.io/${{ github.repository_owner }}/app:1\n",
    )
    .expect("write workflow");
    for (name, extra) in [("workflow", None), ("workflow-fix", Some("--fix"))] {
        let mut cmd = binary(home.path());
        json_args(cmd.args(["workflow"]).args(extra).arg(&workflows));
        golden(
            name,
            &normalise(&run(&mut cmd, b""), &[repo.path(), home.path()]),
        );
    }
}

#[test]
fn verify_and_check_keep_their_json() {
    let reg = Registry::start(Auth::None);
    let home = tempfile::tempdir().expect("home");
    let pusher = Pusher::new(&reg.url(), None);
    pusher.multi_platform(
        "team/app",
        "multi",
        OCI_INDEX,
        OCI_MANIFEST,
        &[AMD64, ARM64],
        true,
    );
    pusher.image("team/app", Some("single"), OCI_MANIFEST, AMD64, &[], 2);
    let wrong = format!("sha256:{}", "0".repeat(64));
    for (name, tag, extra) in [
        (
            "verify-multi",
            "multi",
            vec!["--platform", "linux/amd64,linux/s390x", "--anonymous-pull"],
        ),
        (
            "verify-single",
            "single",
            vec!["--expect-digest", wrong.as_str(), "--pull"],
        ),
    ] {
        let mut cmd = binary(home.path());
        json_args(cmd.args(["verify", "--plain-http"]))
            .arg(format!("{}/team/app:{tag}", reg.host()))
            .args(extra);
        golden(name, &normalise(&run(&mut cmd, b""), &[home.path()]));
    }
    let mut cmd = binary(home.path());
    json_args(cmd.args(["check", "--no-github"])).arg(format!("{}/team/app:multi", reg.host()));
    golden("check", &normalise(&run(&mut cmd, b""), &[home.path()]));
}

#[test]
fn token_mode_refusals_and_login_keep_their_json() {
    let ts = TokenServer::start();
    let reg = Registry::start(ts.registry_auth());
    let pusher = Pusher::with_bearer(&reg.url(), &ts.push_token(&["team/app"]));
    pusher.simple_image("team/app", "v1", 1);
    let image = format!("{}/team/app:v1", reg.host());
    let home = tempfile::tempdir().expect("home");
    for (name, user, password) in [
        ("check-token-reader", "reader", "reader-pass"),
        ("check-token-nobody", "nobody", "nobody-pass"),
        ("check-token-wrong", "writer", "wrong-pass"),
    ] {
        let mut cmd = binary(home.path());
        json_args(cmd.args(["check", "--no-github"]).arg(&image))
            .env("GHCR_USERNAME", user)
            .env("GHCR_TOKEN", password);
        golden(name, &normalise(&run(&mut cmd, b""), &[home.path()]));
    }
    let mut cmd = binary(home.path());
    json_args(
        cmd.arg("login")
            .arg(reg.host())
            .args(["--dry-run", "--for-push"])
            .arg(&image),
    )
    .env("GHCR_USERNAME", "reader")
    .env("GHCR_TOKEN", "reader-pass")
    .env("GITHUB_TOKEN", "writer-pass");
    golden(
        "login-token-mode",
        &normalise(&run(&mut cmd, b""), &[home.path()]),
    );
    // A write over an exposed file whose credential store would hide the entry.
    let docker = home.path().join(".docker");
    std::fs::create_dir_all(&docker).expect("docker dir");
    let config = docker.join("config.json");
    std::fs::write(&config, r#"{"credsStore":"desktop"}"#).expect("write config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let mut cmd = binary(home.path());
    json_args(cmd.arg("login").arg(reg.host()))
        .env("GHCR_USERNAME", "writer")
        .env("GHCR_TOKEN", "writer-pass");
    golden(
        "login-write",
        &normalise(&run(&mut cmd, b""), &[home.path()]),
    );
}

/// Both sides of `check`: the ghcr.io fake's refusals in ghcr's words and the GitHub API
/// fake's answers (scopes, SSO, the repository, the package, the workflow permissions), with
/// the registry's cause kept beside GitHub's.
#[test]
fn github_side_keeps_its_json() {
    use crate::check::ghcr::DENIED_SCOPES;
    use crate::support::ghcr_fake::{self, Account, Config};
    use crate::support::github_fake::{self as gh, GithubFake};

    let github = GithubFake::start();
    let ghcr = ghcr_fake::start(Config {
        accounts: vec![
            Account::push_denied(
                gh::INSTALLATION,
                "installation not allowed to Write organization package",
            ),
            Account::push_denied(gh::CLASSIC_WRITE, "permission_denied: write_package"),
            Account::push_denied(gh::CLASSIC_READ, "permission_denied: write_package"),
            Account::push_denied(gh::FINE_GRAINED, DENIED_SCOPES),
            Account::push_denied(gh::SSO, "denied"),
        ],
        public: Vec::new(),
        tags: vec![("acme/app".into(), "v1".into())],
        strict_anonymous: false,
        delay: None,
    });
    for (name, token) in [
        ("check-github-installation", gh::INSTALLATION),
        ("check-github-classic-write", gh::CLASSIC_WRITE),
        ("check-github-classic-read", gh::CLASSIC_READ),
        ("check-github-fine-grained", gh::FINE_GRAINED),
        ("check-github-sso", gh::SSO),
    ] {
        let home = tempfile::tempdir().expect("home");
        let mut cmd = binary(home.path());
        json_args(
            cmd.current_dir(home.path())
                .args(["check", "--github-api-url"])
                .arg(github.url())
                .arg("ghcr.io/acme/app:v1"),
        )
        .env(
            "GHCR_DOCTOR_REGISTRY_ENDPOINTS",
            format!("ghcr.io={}", ghcr.url()),
        )
        .env("GHCR_TOKEN", token)
        .env("GHCR_USERNAME", gh::LOGIN);
        golden(name, &normalise(&run(&mut cmd, b""), &[home.path()]));
    }
}
