//! `ghcr_doctor::github`'s requests: GitHub's headers, concurrency, redirects, plain HTTP,
//! tokens that are not GitHub's, the token staying out of findings and traces, and hostile
//! or unreachable APIs.

use super::*;

#[tokio::test]
async fn every_request_carries_githubs_headers_and_goes_out_at_once() {
    let fake = GithubFake::start();
    let a = Case::new(fake::CLASSIC_WRITE)
        .images(&["acme/app", "acme/orphan"])
        .run(&fake)
        .await;
    assert_eq!(a.findings.len(), 6);
    let requests = fake.requests();
    // user + repo + workflow permissions + 2 × (org, user) per package.
    assert_eq!(requests.len(), 7, "{requests:#?}");
    for r in &requests {
        assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
        assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {}", fake::CLASSIC_WRITE).as_str())
        );
    }
    let mut paths: Vec<String> = requests.iter().map(|r| r.path().to_owned()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/orgs/acme/packages/container/app",
            "/orgs/acme/packages/container/orphan",
            "/repos/acme/app",
            "/repos/acme/app/actions/permissions/workflow",
            "/user",
            "/users/acme/packages/container/app",
            "/users/acme/packages/container/orphan",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_run_concurrently_not_one_after_another() {
    // Seven requests that each take 1 s: all at once they take one round trip; two
    // sequential rounds (or more) would take 2 s or more. A structural check, not a timing
    // goal: the margin below one extra round trip is wide.
    const SLOW: &str = "ghp_fakeSlowAnswers00000000000000000000";
    let fake = GithubFake::start();
    fake.slow(SLOW, Duration::from_millis(1000));
    let started = Instant::now();
    let a = Case::new(SLOW)
        .images(&["acme/app", "acme/orphan"])
        .run(&fake)
        .await;
    let elapsed = started.elapsed();
    assert_eq!(fake.requests().len(), 7);
    assert!(!a.findings.is_empty());
    assert!(
        elapsed < Duration::from_millis(1900),
        "took {elapsed:?}: the requests ran sequentially"
    );
}

#[tokio::test]
async fn token_is_not_sent_to_another_host_on_redirect() {
    let fake = GithubFake::start();
    let other = Server::start(Arc::new(|_: &Req| Resp::new(404)));
    // The API redirects the repository to another origin (another port on loopback).
    fake.redirect(
        "/repos/acme/elsewhere",
        &format!("{}/repositories/9", other.url()),
    );
    let a = Case::new(fake::CLASSIC_WRITE)
        .repo(Some("acme/elsewhere"))
        .run(&fake)
        .await;
    assert_eq!(find(&a, "github-repo-access").status, Status::Warn);
    let elsewhere = other.requests();
    assert_eq!(elsewhere.len(), 1, "the redirect was followed");
    assert_eq!(elsewhere[0].path(), "/repositories/9");
    assert!(
        elsewhere[0].header("authorization").is_none(),
        "the token went to another host: {:?}",
        elsewhere[0].headers
    );
    // A same-origin redirect (a renamed repository) keeps the token: see repository_cases.
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.header("authorization").is_some())
    );
}

#[tokio::test]
async fn plain_http_api_url_is_refused_before_any_request() {
    let fake = GithubFake::start();
    let mut case = Case::new(fake::CLASSIC_WRITE);
    case.api_url = Some("http://api.github.example".into());
    let a = case.run(&fake).await;
    assert_eq!(a.findings.len(), 5);
    for f in &a.findings {
        assert_finding(f, Status::Skip, None, &["plain HTTP", "unencrypted"]);
    }
    assert!(!a.facts.consulted);
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn a_token_that_is_not_githubs_is_not_sent_to_github() {
    let fake = GithubFake::start();
    let a = Case::new("dckr_pat_someDockerHubToken").run(&fake).await;
    let ids: Vec<&str> = a.findings.iter().map(|f| f.check.as_str()).collect();
    assert_eq!(ids, github::CHECK_IDS);
    for f in &a.findings {
        assert_finding(f, Status::Skip, None, &["not a GitHub token"]);
    }
    assert!(fake.requests().is_empty());
}

/// A `tracing` writer that collects everything into one buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("capture lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Tracing's callsite interest is global to the process, so capturing traces while other
/// tests run in parallel threads is racy. The capture therefore runs in a child process of
/// this test binary that runs only [`trace_capture_in_own_process`].
#[test]
fn the_token_never_appears_in_findings_facts_debug_or_traces() {
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "github::transport::trace_capture_in_own_process",
            "--test-threads=1",
            "--nocapture",
        ])
        .env("GHCR_DOCTOR_TRACE_CHILD", "1")
        .output()
        .expect("run the child test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child test failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The body of [`the_token_never_appears_in_findings_facts_debug_or_traces`]; does nothing
/// unless run as that test's child.
#[tokio::test]
async fn trace_capture_in_own_process() {
    if std::env::var_os("GHCR_DOCTOR_TRACE_CHILD").is_none() {
        return;
    }
    let fake = GithubFake::start();
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The current-thread test runtime polls every request on this thread.
    let _guard = tracing::subscriber::set_default(subscriber);
    let client = http::Client::new(http::Options::default()).expect("client");
    let mut shown = String::new();
    for token in fake::ALL_TOKENS {
        let a = Case::new(token)
            .images(&["acme/app", "acme/tools/web"])
            .in_actions()
            .run_with(&fake, &client)
            .await;
        let report = ghcr_doctor::report::Report {
            findings: a.findings.clone(),
            ..ghcr_doctor::report::Report::new("check")
        };
        let mut json = Vec::new();
        ghcr_doctor::report::json::render(&report, &mut json).expect("json");
        ghcr_doctor::report::text::render(
            &report,
            ghcr_doctor::report::Style::default(),
            &mut json,
        )
        .expect("text");
        shown.push_str(&String::from_utf8_lossy(&json));
        shown.push_str(&format!("{a:?}\n{:#?}\n", a.facts));
        shown.push_str(&serde_json::to_string(&a).expect("serialize assessment"));
    }
    let traces = String::from_utf8_lossy(&captured.0.lock().expect("lock")).into_owned();
    assert!(traces.contains("/user"), "traces were captured: {traces}");
    assert!(
        traces.contains("<redacted>"),
        "authorization shown redacted"
    );
    for token in fake::ALL_TOKENS {
        // The distinctive part after the prefix, so a prefix mention is not a false alarm.
        let body = &token[token.len() - 30..];
        assert!(!shown.contains(body), "token {token} leaked into output");
        assert!(!traces.contains(body), "token {token} leaked into traces");
    }
}

#[test]
fn every_check_id_has_a_docs_section() {
    let docs = std::fs::read_to_string(crate::support::root().join("docs/checks/github.md"))
        .expect("docs/checks/github.md");
    for id in github::CHECK_IDS {
        assert!(
            docs.lines().any(|l| l == format!("## {id}")),
            "docs/checks/github.md has no section `## {id}`"
        );
    }
}

#[test]
fn the_assessment_future_can_run_on_any_worker() {
    // `check` runs the assessment beside its registry probes, possibly on another task.
    fn assert_send<T: Send>(_: &T) {}
    let client = http::Client::new(http::Options::default()).expect("client");
    let credential = Credential {
        username: None,
        secret: Secret::new("ghp_x"),
        source: "stdin".into(),
        identity_token: false,
    };
    let inputs = Inputs::new("https://api.github.com", &credential, "ghcr.io");
    let future = github::assess(&client, &inputs);
    assert_send(&future);
    drop(future);
}

#[tokio::test]
async fn a_hostile_or_broken_api_gives_skips_not_panics() {
    let fake = GithubFake::start();
    let hostile = Server::start(Arc::new(|req: &Req| match req.path() {
        // /user: 200 with a body that is not JSON.
        "/user" => Resp::new(200).body("text/plain", "<html>hello</html>"),
        // The repository: a body over the 1 MiB JSON cap.
        "/repos/acme/app" => {
            Resp::new(200).body("application/octet-stream", vec![b'['; 2 * 1024 * 1024])
        }
        // Everything else: a server error.
        _ => Resp::new(503).body("text/plain", "upstream down"),
    }));
    let mut case = Case::new(fake::CLASSIC_WRITE);
    case.api_url = Some(hostile.url());
    let a = case.run(&fake).await;
    assert!(
        a.findings.iter().all(|f| f.status == Status::Skip),
        "{:#?}",
        a.findings
    );
    assert_finding(
        find(&a, "github-token-valid"),
        Status::Skip,
        None,
        &["answered 200", "not the documented JSON"],
    );
    assert_finding(
        find(&a, "github-repo-access"),
        Status::Skip,
        None,
        &["could not be reached", "1048576 bytes"],
    );
    assert_finding(
        find(&a, "github-workflow-permissions"),
        Status::Skip,
        None,
        &["answered 503"],
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn an_unreachable_api_names_the_network_cause() {
    let fake = GithubFake::start();
    // A loopback port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut case = Case::new(fake::CLASSIC_WRITE);
    case.api_url = Some(format!("http://127.0.0.1:{port}"));
    let a = case.run(&fake).await;
    assert_finding(
        find(&a, "github-token-valid"),
        Status::Skip,
        Some("network-refused"),
        &["could not be reached"],
    );
}
