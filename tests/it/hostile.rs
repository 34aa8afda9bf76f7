//! Hostile and broken servers: every request ends within its timeout with a named cause,
//! bounded memory and bounded retries; nothing panics or hangs.

use std::time::{Duration, Instant};

use ghcr_doctor::http::{self, BodyLimit, Client, Request};

use crate::support::hostile::{Behaviour, Server};

fn client(timeout_ms: u64) -> Client {
    Client::new(http::Options {
        timeout: Duration::from_millis(timeout_ms),
        max_retry_wait: Duration::from_millis(300),
        ..http::Options::default()
    })
    .expect("client")
}

fn get(
    server: &Server,
    limit: BodyLimit,
    timeout_ms: u64,
) -> (Result<http::Response, http::Error>, Duration) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let c = client(timeout_ms);
    let url = url::Url::parse(&server.url("/v2/")).expect("url");
    let start = Instant::now();
    let result = rt.block_on(c.send(Request::get(url), limit));
    (result, start.elapsed())
}

/// A hang guard, not a speed goal: the request must end, and long before this.
const NO_HANG: Duration = Duration::from_secs(15);

#[test]
fn a_server_that_never_answers_times_out() {
    let server = Server::start(Behaviour::Silent);
    let (result, took) = get(&server, BodyLimit::ERROR, 800);
    let err = result.expect_err("must time out");
    assert_eq!(err.cause(), "network-timeout", "{err}");
    assert!(took < NO_HANG, "{took:?}");
}

#[test]
fn a_trickling_body_times_out() {
    let server = Server::start(Behaviour::Trickle);
    let (result, took) = get(&server, BodyLimit::MANIFEST, 1500);
    let err = result.expect_err("must time out");
    assert_eq!(err.cause(), "network-timeout", "{err}");
    assert!(took < NO_HANG, "{took:?}");
}

#[test]
fn a_huge_body_is_cut_at_the_manifest_cap() {
    // Announces 1 GiB; reading stops at 4 MiB.
    let server = Server::start(Behaviour::HugeBody(1 << 30));
    let (result, took) = get(&server, BodyLimit::MANIFEST, 10_000);
    match result {
        Err(http::Error::BodyTooLarge { limit, .. }) => assert_eq!(limit, 4 * 1024 * 1024),
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert!(took < NO_HANG, "{took:?}");
}

#[test]
fn a_huge_error_body_is_truncated_to_64_kib() {
    let server = Server::start(Behaviour::HugeBody(10 << 20));
    let (result, _) = get(&server, BodyLimit::ERROR, 10_000);
    let response = result.expect("answer");
    assert!(response.truncated);
    assert_eq!(response.body.len(), 64 * 1024);
}

#[test]
fn sixty_four_kib_of_headers_end_with_an_answer_or_a_named_error() {
    let server = Server::start(Behaviour::HugeHeaders(64 * 1024));
    let (result, took) = get(&server, BodyLimit::ERROR, 5000);
    match result {
        Ok(r) => assert_eq!(r.status.as_u16(), 200),
        Err(e) => assert!(e.cause().starts_with("network-"), "{e}"),
    }
    assert!(took < NO_HANG, "{took:?}");
}

#[test]
fn a_reset_connection_is_a_named_network_error() {
    let server = Server::start(Behaviour::Reset);
    let (result, took) = get(&server, BodyLimit::ERROR, 2000);
    let err = result.expect_err("reset");
    assert!(err.cause().starts_with("network-"), "{err}");
    assert!(took < NO_HANG, "{took:?}");
}

#[test]
fn status_500_is_answered_without_retries() {
    let server = Server::start(Behaviour::Raw(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops!"
            .into(),
    ));
    let (result, _) = get(&server, BodyLimit::ERROR, 2000);
    let r = result.expect("answer");
    assert_eq!(r.status.as_u16(), 500);
    assert_eq!(r.attempts, 1);
    assert_eq!(
        server
            .connections
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[test]
fn status_429_is_retried_three_times_honouring_retry_after() {
    let server = Server::start(Behaviour::Raw(
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
    ));
    let (result, took) = get(&server, BodyLimit::ERROR, 2000);
    let r = result.expect("answer");
    assert_eq!(r.status.as_u16(), 429);
    assert_eq!(r.attempts, 4, "1 attempt + 3 retries");
    assert_eq!(r.retried, vec![429, 429, 429]);
    // Retry-After: 3600 is capped by max_retry_wait (300 ms here), so this ends quickly.
    assert!(took < NO_HANG, "{took:?}");
}

#[test]
fn a_request_body_is_never_forwarded_to_another_host() {
    // The body of an OAuth2 refresh grant holds the secret: a redirect to another host must
    // not carry it there.
    let elsewhere = Server::start(Behaviour::Raw(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".into(),
    ));
    let redirect = Server::start(Behaviour::Raw(format!(
        "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://localhost:{}/token\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        elsewhere.port
    )));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut request = Request::new(
        reqwest::Method::POST,
        url::Url::parse(&redirect.url("/token")).expect("url"),
    );
    request.body = Some(b"refresh_token=secret".to_vec());
    let result = rt.block_on(client(2000).send(request, BodyLimit::JSON));
    match result {
        Err(http::Error::Redirect { reason, .. }) => {
            assert!(reason.contains("body"), "{reason}");
        }
        other => panic!("expected a refused redirect, got {other:?}"),
    }
    assert_eq!(
        elsewhere
            .connections
            .load(std::sync::atomic::Ordering::Relaxed),
        0,
        "nothing reached the other host"
    );
}

#[test]
fn a_body_shorter_than_its_content_length_is_network_truncated() {
    // Announces 100 bytes, sends 10, closes: cut mid-answer, not a refused connection.
    let server = Server::start(Behaviour::Raw(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"a\": 1234".into(),
    ));
    let (result, took) = get(&server, BodyLimit::MANIFEST, 5000);
    let err = result.expect_err("a short body is an error");
    assert_eq!(err.cause(), "network-truncated", "{err}");
    assert!(err.to_string().contains("100"), "{err}");
    assert!(took < NO_HANG, "{took:?}");
}
