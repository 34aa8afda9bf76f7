//! The hand-written HTTP server every in-process fake runs on (`support::http_server`), and
//! the GitHub fake's route table on top of it: both work in synchronous and async tests, and
//! the route table answers as GitHub documents.

use std::sync::Arc;
use std::time::Duration;

use crate::support::github_fake::{self as gh, GithubFake};
use crate::support::http_server::{Req, Resp, Server};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

async fn get(url: &str, token: Option<&str>) -> reqwest::Response {
    let mut req = client().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("request")
}

/// A server started and dropped inside an async test: its runtime is shut down in the
/// background, not dropped in a context where blocking is not allowed (which panics).
#[tokio::test]
async fn a_server_starts_answers_and_drops_inside_an_async_test() {
    let server = Server::start(Arc::new(|req: &Req| {
        Resp::new(200).body("text/plain", format!("you asked for {}", req.path()))
    }));
    let answer = get(&format!("{}/ping?x=1", server.url()), None).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.expect("body"), "you asked for /ping");
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].target.as_str()),
        ("GET", "/ping?x=1")
    );
    drop(server);
    // The test goes on after the drop: the runtime this test runs on is intact.
    tokio::time::sleep(Duration::from_millis(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_github_fake_drops_inside_a_multi_threaded_async_test() {
    let fake = GithubFake::start();
    let answer = get(&format!("{}/user", fake.url()), Some(gh::CLASSIC_WRITE)).await;
    assert_eq!(answer.status(), 200);
    drop(fake);
    tokio::time::sleep(Duration::from_millis(1)).await;
}

#[test]
fn a_server_answers_while_a_synchronous_test_blocks() {
    let server = Server::start(Arc::new(|_: &Req| Resp::new(204)));
    let mut stream = std::net::TcpStream::connect(server.addr).expect("connect");
    use std::io::{Read, Write};
    stream
        .write_all(b"GET /x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .expect("write");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).expect("read");
    assert_eq!(&head, b"HTTP/1.1 204");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn set_header_replaces_and_header_appends() {
    let r = Resp::new(200)
        .header("x-a", "1")
        .header("X-A", "2")
        .set_header("x-a", "3");
    assert_eq!(r.headers, [("x-a".to_owned(), "3".to_owned())]);
    let r = r.header("x-a", "4");
    assert_eq!(r.headers.len(), 2);
}

#[tokio::test]
async fn the_route_table_matches_method_path_and_token_and_keeps_github_headers() {
    let fake = GithubFake::start();
    let base = fake.url();
    // A token-specific header overrides the common one instead of doubling it.
    let limited = get(&format!("{base}/user"), Some(gh::RATE_LIMITED)).await;
    assert_eq!(limited.status(), 403);
    let remaining: Vec<_> = limited
        .headers()
        .get_all("x-ratelimit-remaining")
        .iter()
        .collect();
    assert_eq!(remaining, ["0"]);
    // The route needs the exact token: another token's route is not served.
    let read = get(&format!("{base}/user"), Some(gh::CLASSIC_READ)).await;
    assert_eq!(read.headers()["x-oauth-scopes"], "repo, read:packages");
    let bad = get(&format!("{base}/user"), Some("ghp_unknown")).await;
    assert_eq!(bad.status(), 401);
    let none = get(&format!("{base}/user"), None).await;
    assert_eq!(none.status(), 401);
    // A path the token has no route for: the token's fallback, GitHub's 404 body.
    let missing = get(&format!("{base}/repos/acme/nope"), Some(gh::CLASSIC_WRITE)).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let body: serde_json::Value =
        serde_json::from_slice(&missing.bytes().await.expect("body")).expect("json");
    assert_eq!(body["message"], "Not Found");
    // Routes are GET only; the catch-all too: another method without a token is a bare 404.
    let post = client()
        .post(format!("{base}/user"))
        .send()
        .await
        .expect("post");
    assert_eq!(post.status(), 404);
    assert!(post.bytes().await.expect("body").is_empty());
    // An added redirect goes before every token's routes.
    fake.redirect("/repos/acme/app", "/repositories/42");
    let moved = get(&format!("{base}/repos/acme/app"), Some(gh::CLASSIC_WRITE)).await;
    assert_eq!(moved.status(), 301);
    assert_eq!(moved.headers()["location"], "/repositories/42");
    assert_eq!(fake.requests().len(), 7);
}
