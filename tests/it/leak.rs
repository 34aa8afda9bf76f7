//! No leak: every subcommand × every output format × success and failure paths, with debug
//! traces, in GitHub Actions mode and through a panic, run with a recognisable token. Neither
//! the token, nor its base64 inside a Basic header, nor any bearer token the registry's token
//! service issued may appear in standard output, standard error or any file written. The one
//! allowed place is a `::add-mask::` line on standard error (standard output holds only the
//! report), and those come before any other line there.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Mutex;

use crate::support::image::Pusher;
use crate::support::registry::{Auth, Registry, free_port};
use crate::support::token_server::TokenServer;
use crate::support::{ghcr_doctor, run_with_stdin};

/// The thirty characters between `ghp_` and the checksum: easy to spot in any output.
const CANARY: &str = "LeakCanary0ghcr0doctor0NoLeak0";

/// A classic personal access token with a correct checksum, so every check treats it as
/// real and goes as far as a real one would.
fn canary_token() -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = u64::from(crc32fast::hash(CANARY.as_bytes()));
    let mut check = Vec::new();
    while n > 0 {
        check.push(DIGITS[(n % 62) as usize]);
        n /= 62;
    }
    while check.len() < 6 {
        check.push(b'0');
    }
    check.reverse();
    let token = format!(
        "ghp_{CANARY}{}",
        String::from_utf8(check).expect("ascii checksum")
    );
    assert!(
        ghcr_doctor::token::checksum_matches(&token),
        "the canary token must carry a valid checksum: {token}"
    );
    token
}

const WRITER: &str = "leak-writer";
const READER: &str = "leak-reader";

/// One registry set-up a network row runs against.
#[derive(Clone)]
struct Scenario {
    name: &'static str,
    image: String,
    username: &'static str,
    /// The secret handed to the tool (the canary, or the canary with a wrong suffix, which
    /// still contains the canary).
    secret: String,
    /// Whether the tool should succeed (exit 0) in plain runs.
    succeeds: bool,
}

/// How one run is dressed.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Plain,
    Verbose,
    VeryVerbose,
    RustLogTrace,
    Actions,
    Panic,
}

const FORMATS: &[&str] = &["text", "json", "markdown", "sarif", "github"];

/// What a command row needs to build its invocation.
struct Row {
    name: &'static str,
    /// Arguments for this scenario (None: the row does not use a registry).
    args: fn(&Scenario, &Path) -> Vec<String>,
    /// Sends the secret on standard input instead of the environment.
    stdin: bool,
    /// Uses the registry scenarios (network rows) or runs once offline.
    network: bool,
}

fn check_args(s: &Scenario, _: &Path) -> Vec<String> {
    vec!["check".into(), s.image.clone()]
}

fn check_stdin_args(s: &Scenario, _: &Path) -> Vec<String> {
    vec![
        "check".into(),
        "--password-stdin".into(),
        "--username".into(),
        s.username.into(),
        s.image.clone(),
    ]
}

fn verify_args(s: &Scenario, _: &Path) -> Vec<String> {
    vec![
        "verify".into(),
        "--plain-http".into(),
        "--timeout".into(),
        "5".into(),
        s.image.clone(),
    ]
}

fn login_args(s: &Scenario, _: &Path) -> Vec<String> {
    let registry = s.image.split('/').next().unwrap_or_default().to_owned();
    vec![
        "login".into(),
        registry,
        "--username".into(),
        s.username.into(),
        "--for-push".into(),
        s.image.clone(),
    ]
}

fn token_args(_: &Scenario, _: &Path) -> Vec<String> {
    vec!["token".into()]
}

fn token_stdin_args(_: &Scenario, _: &Path) -> Vec<String> {
    vec!["token".into(), "--stdin".into()]
}

fn ref_args(_: &Scenario, _: &Path) -> Vec<String> {
    vec!["ref".into(), "ghcr.io/octo-org/app:1.0".into()]
}

fn explain_args(_: &Scenario, dir: &Path) -> Vec<String> {
    vec![
        "explain".into(),
        dir.join("build.log").display().to_string(),
    ]
}

fn workflow_args(_: &Scenario, dir: &Path) -> Vec<String> {
    vec![
        "workflow".into(),
        dir.join("workflows").display().to_string(),
    ]
}

/// The command table. One line per command.
#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { name: "check", args: check_args, stdin: false, network: true },
    Row { name: "check --password-stdin", args: check_stdin_args, stdin: true, network: true },
    Row { name: "verify", args: verify_args, stdin: false, network: true },
    Row { name: "token", args: token_args, stdin: false, network: false },
    Row { name: "token --stdin", args: token_stdin_args, stdin: true, network: false },
    Row { name: "ref", args: ref_args, stdin: false, network: false },
    Row { name: "explain", args: explain_args, stdin: false, network: false },
    Row { name: "workflow", args: workflow_args, stdin: false, network: false },
    // Its docker config file is the one file allowed to hold the credential (`allowed_file`).
    Row { name: "login", args: login_args, stdin: false, network: true },
];

/// Files that may hold the credential on purpose: the docker config `login` writes.
fn allowed_file(row: &str, path: &Path) -> bool {
    row == "login" && path.file_name().is_some_and(|n| n == "config.json")
}

/// One finished run, kept for the checks at the end (bearer tokens are only all known then).
struct Run {
    label: String,
    row: &'static str,
    mode: Mode,
    succeeds: bool,
    network: bool,
    output: Output,
    files: Vec<(PathBuf, Vec<u8>)>,
}

fn files_under(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            let bytes = std::fs::read(&p).expect("read a written file");
            out.push((p, bytes));
        }
    }
}

/// The inputs the offline commands read: a CI log and a workflow, both quoting the token
/// the way a careless job would.
fn write_inputs(dir: &Path, token: &str) {
    std::fs::write(
        dir.join("build.log"),
        format!(
            "2026-01-01T00:00:00.0000000Z #12 pushing ghcr.io/octo-org/app:1.0\n\
             2026-01-01T00:00:00.0000000Z echo {token} | docker login ghcr.io -u octo --password-stdin\n\
             2026-01-01T00:00:00.0000000Z ERROR: failed to push ghcr.io/octo-org/app:1.0: \
             denied: permission_denied: write_package\n\
             2026-01-01T00:00:00.0000000Z Authorization: Basic {}\n",
            base64::engine::general_purpose::STANDARD.format_pair("octo", token)
        ),
    )
    .expect("write log");
    let workflows = dir.join("workflows");
    std::fs::create_dir_all(&workflows).expect("workflows dir");
    std::fs::write(
        workflows.join("push.yml"),
        format!(
            "on: push\njobs:\n  push:\n    runs-on: ubuntu-latest\n    steps:\n      \
             - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          \
             username: octo\n          password: {token}\n      \
             - run: docker push ghcr.io/octo-org/app:1.0\n"
        ),
    )
    .expect("write workflow");
}

trait PairEncode {
    fn format_pair(&self, user: &str, secret: &str) -> String;
}

impl<E: base64::Engine> PairEncode for E {
    fn format_pair(&self, user: &str, secret: &str) -> String {
        self.encode(format!("{user}:{secret}"))
    }
}

fn run_one(row: &Row, scenario: &Scenario, format: Option<&str>, mode: Mode) -> Run {
    let home = tempfile::tempdir().expect("home");
    let inputs = tempfile::tempdir().expect("inputs");
    write_inputs(inputs.path(), &scenario.secret);
    let docker_config = home.path().join(".docker");
    std::fs::create_dir_all(&docker_config).expect("docker config dir");
    let mut cmd = ghcr_doctor(home.path());
    cmd.env("DOCKER_CONFIG", &docker_config);
    if !row.stdin {
        cmd.env("GHCR_TOKEN", &scenario.secret);
        cmd.env("GHCR_USERNAME", scenario.username);
    }
    match mode {
        Mode::Verbose => {
            cmd.arg("-v");
        }
        Mode::VeryVerbose => {
            cmd.arg("-vv");
        }
        Mode::RustLogTrace => {
            cmd.env("RUST_LOG", "trace");
        }
        Mode::Panic => {
            cmd.env("GHCR_DOCTOR_TEST_PANIC", "1");
        }
        Mode::Actions => {
            let actions = home.path().join("actions");
            std::fs::create_dir_all(&actions).expect("actions dir");
            let output = actions.join("output");
            let summary = actions.join("summary");
            std::fs::write(&output, "").expect("GITHUB_OUTPUT");
            std::fs::write(&summary, "").expect("GITHUB_STEP_SUMMARY");
            cmd.env("GITHUB_ACTIONS", "true")
                .env("GITHUB_OUTPUT", &output)
                .env("GITHUB_STEP_SUMMARY", &summary);
        }
        Mode::Plain => {}
    }
    if let Some(f) = format {
        cmd.args(["--format", f]);
    }
    cmd.args((row.args)(scenario, inputs.path()));
    let output = if row.stdin {
        run_with_stdin(&mut cmd, format!("{}\n", scenario.secret).as_bytes())
    } else {
        cmd.output().expect("run ghcr-doctor")
    };
    let mut files = Vec::new();
    files_under(home.path(), &mut files);
    Run {
        label: format!(
            "{} | {} | {} | {mode:?}",
            row.name,
            scenario.name,
            format.unwrap_or("default")
        ),
        row: row.name,
        mode,
        succeeds: scenario.succeeds,
        network: row.network,
        output,
        files,
    }
}

/// Where in `haystack` any of `needles` appears, for the failure message.
fn leaked<'a>(haystack: &str, needles: &'a [String]) -> Option<&'a str> {
    needles
        .iter()
        .find(|n| haystack.contains(n.as_str()))
        .map(String::as_str)
}

#[test]
fn no_secret_in_any_output_format_trace_file_or_panic() {
    let token = canary_token();
    let wrong = format!("{token}0");

    // Token mode: the canary is the password of a writer and of a reader.
    let ts = TokenServer::start_with(vec![
        (
            WRITER.into(),
            token.clone(),
            vec!["pull".into(), "push".into()],
        ),
        (READER.into(), token.clone(), vec!["pull".into()]),
    ]);
    let token_reg = Registry::start(ts.registry_auth());
    Pusher::with_bearer(&token_reg.url(), &ts.push_token(&["team/app"]))
        .simple_image("team/app", "v1", 1);
    // htpasswd mode: the canary is the writer's password.
    let basic_reg = Registry::start(Auth::Htpasswd(vec![(WRITER.into(), token.clone())]));
    Pusher::new(&basic_reg.url(), Some((WRITER, &token))).simple_image("team/app", "v1", 1);
    // A registry that is not there.
    let gone = format!("127.0.0.1:{}/team/app:v1", free_port());

    let scenario = |name, host: String, username, secret: &str, succeeds| Scenario {
        name,
        image: format!("{host}/team/app:v1"),
        username,
        secret: secret.to_owned(),
        succeeds,
    };
    let scenarios = vec![
        scenario("token writer", token_reg.host(), WRITER, &token, true),
        scenario("token reader", token_reg.host(), READER, &token, false),
        scenario(
            "token bad password",
            token_reg.host(),
            WRITER,
            &wrong,
            false,
        ),
        scenario("htpasswd writer", basic_reg.host(), WRITER, &token, true),
        scenario(
            "htpasswd bad password",
            basic_reg.host(),
            WRITER,
            &wrong,
            false,
        ),
        Scenario {
            name: "no registry",
            image: gone,
            username: WRITER,
            secret: token.clone(),
            succeeds: false,
        },
    ];
    let offline = Scenario {
        name: "offline",
        image: "ghcr.io/octo-org/app:1.0".into(),
        username: WRITER,
        secret: token.clone(),
        succeeds: true,
    };

    // Every (row, scenario, format, mode) to run: every format plain and in Actions; the
    // trace and panic modes in the default format.
    let mut jobs: Vec<(&Row, Scenario, Option<&str>, Mode)> = Vec::new();
    for row in ROWS {
        let row_scenarios = if row.network {
            scenarios.clone()
        } else {
            vec![offline.clone()]
        };
        for s in row_scenarios {
            for f in FORMATS {
                jobs.push((row, s.clone(), Some(f), Mode::Plain));
                jobs.push((row, s.clone(), Some(f), Mode::Actions));
            }
            for mode in [
                Mode::Verbose,
                Mode::VeryVerbose,
                Mode::RustLogTrace,
                Mode::Panic,
            ] {
                jobs.push((row, s.clone(), None, mode));
            }
        }
    }
    let total = jobs.len();
    let queue = Mutex::new(jobs);
    let runs = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map_or(4, |n| n.get() * 2)
        .clamp(4, 8);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let job = queue.lock().expect("queue").pop();
                    let Some((row, s, f, mode)) = job else {
                        break;
                    };
                    let run = run_one(row, &s, f, mode);
                    runs.lock().expect("runs").push(run);
                }
            });
        }
    });
    let runs = runs.into_inner().expect("runs");
    assert_eq!(runs.len(), total, "every job ran");

    // Everything that must never appear.
    let mut needles = vec![token.clone(), CANARY.to_owned()];
    for user in [WRITER, READER, "x-access-token", "token", "octo"] {
        for secret in [&token, &wrong] {
            needles.push(base64::engine::general_purpose::STANDARD.format_pair(user, secret));
            needles
                .push(base64::engine::general_purpose::STANDARD_NO_PAD.format_pair(user, secret));
            needles
                .push(base64::engine::general_purpose::URL_SAFE_NO_PAD.format_pair(user, secret));
        }
    }
    let issued = ts.issued();
    assert!(
        !issued.is_empty(),
        "the token server issued tokens to the tool (the success path ran)"
    );
    for t in &issued {
        needles.push(t.clone());
        // The signature alone identifies the token.
        if let Some(sig) = t.rsplit('.').next() {
            needles.push(sig.to_owned());
        }
    }

    let mut problems = Vec::new();
    let mut saw_redacted_authorization = false;
    for run in &runs {
        let out = String::from_utf8_lossy(&run.output.stdout);
        let err_all = String::from_utf8_lossy(&run.output.stderr);
        if out.contains("::add-mask::") {
            problems.push(format!("{}: ::add-mask:: on stdout", run.label));
        }
        // `::add-mask::` lines go to stderr, may name a secret, and only before anything else.
        let mut rest_err = Vec::new();
        let mut other_seen = false;
        for line in err_all.lines() {
            if line.starts_with("::add-mask::") {
                if other_seen {
                    problems.push(format!("{}: ::add-mask:: after other output", run.label));
                }
                if run.mode != Mode::Actions {
                    problems.push(format!("{}: ::add-mask:: outside Actions", run.label));
                }
            } else {
                other_seen = true;
                rest_err.push(line);
            }
        }
        let err = rest_err.join("\n");
        let rest = out.to_string();
        if let Some(n) = leaked(&rest, &needles) {
            problems.push(format!("{}: stdout holds `{n}`:\n{rest}", run.label));
        }
        if let Some(n) = leaked(&err, &needles) {
            problems.push(format!("{}: stderr holds `{n}`:\n{err}", run.label));
        }
        for (path, bytes) in &run.files {
            if allowed_file(run.row, path) {
                continue;
            }
            let text = String::from_utf8_lossy(bytes);
            if let Some(n) = leaked(&text, &needles) {
                problems.push(format!(
                    "{}: file {} holds `{n}`",
                    run.label,
                    path.display()
                ));
            }
        }
        // The paths really ran: success exits 0, failure 1, the panic 101 with the short
        // message.
        let code = run.output.status.code();
        match run.mode {
            Mode::Panic if run.network || run.row.starts_with("token") => {
                if run.network && code != Some(101) {
                    problems.push(format!(
                        "{}: expected the test panic, got {code:?}",
                        run.label
                    ));
                }
                if code == Some(101) && !err.contains("internal error") {
                    problems.push(format!("{}: panic message missing: {err}", run.label));
                }
            }
            Mode::Plain if run.network && run.row.starts_with("check") => {
                let want = if run.succeeds { Some(0) } else { Some(1) };
                if code != want {
                    problems.push(format!(
                        "{}: exit {code:?}, expected {want:?}\n{out}\n{err}",
                        run.label
                    ));
                }
            }
            Mode::Actions if run.row.starts_with("check") => {
                let output_file = run
                    .files
                    .iter()
                    .find(|(p, _)| p.ends_with("actions/output"));
                if !output_file.is_some_and(|(_, b)| String::from_utf8_lossy(b).contains("ok")) {
                    problems.push(format!("{}: GITHUB_OUTPUT was not written", run.label));
                }
            }
            _ => {}
        }
        if run.mode == Mode::VeryVerbose && err.contains(r#"("authorization", "<redacted>")"#) {
            saw_redacted_authorization = true;
        }
    }
    assert!(
        saw_redacted_authorization,
        "an HTTP trace shows the Authorization header as <redacted>"
    );
    assert!(
        problems.is_empty(),
        "{} of {} runs leaked or misbehaved:\n{}",
        problems.len(),
        runs.len(),
        problems.join("\n\n")
    );
}
