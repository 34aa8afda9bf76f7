//! Network faults, each named by its class: a refused port, a name that does not resolve, a
//! server that never answers, TLS with an unknown CA (and the same server trusted with
//! `--ca-file`), a broken proxy, and retried 503s.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ghcr_doctor::check::{Credentials, Options};
use ghcr_doctor::finding::Status::{Fail, Pass, Skip};
use ghcr_doctor::http::{self, ProxyConfig};

use super::{expect, finding, run};
use crate::support::http_server::{Resp, Server};
use crate::support::registry::free_port;

#[test]
fn refused_port() {
    let image = format!("127.0.0.1:{}/a/b:1", free_port());
    let report = run(Options::default(), Credentials::Anonymous, &[&image]);
    expect(
        &report,
        "registry-reachable",
        &image,
        Fail,
        Some("network-refused"),
    );
    expect(&report, "registry-login", &image, Skip, None);
    assert_eq!(report.exit_code(), 1);
}

#[test]
fn unresolvable_name() {
    let image = "no-such-host.invalid/a/b:1";
    let report = run(Options::default(), Credentials::Anonymous, &[image]);
    expect(
        &report,
        "registry-reachable",
        image,
        Fail,
        Some("network-dns"),
    );
    assert!(
        finding(&report, "registry-reachable", image)
            .message
            .contains("no-such-host.invalid")
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let silent = Server::start(Arc::new(|_| Resp::hang()));
    let image = format!("{}/a/b:1", silent.host());
    let options = Options {
        http: http::Options {
            timeout: Duration::from_secs(1),
            ..http::Options::default()
        },
        ..Options::default()
    };
    let started = std::time::Instant::now();
    let report = run(options, Credentials::Anonymous, &[&image]);
    expect(
        &report,
        "registry-reachable",
        &image,
        Fail,
        Some("network-timeout"),
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "the timeout fired late"
    );
}

#[test]
fn proxy_failure_names_the_proxy() {
    let proxy = format!("http://user:hunter2@127.0.0.1:{}", free_port());
    let image = "registry.example/a/b:1";
    let options = Options {
        http: http::Options {
            timeout: Duration::from_secs(3),
            proxy: ProxyConfig::from_env(|k| match k {
                "HTTPS_PROXY" => Some(proxy.clone()),
                "NO_PROXY" => Some("internal.example".into()),
                _ => None,
            }),
            ..http::Options::default()
        },
        ..Options::default()
    };
    let report = run(options, Credentials::Anonymous, &[image]);
    expect(
        &report,
        "registry-reachable",
        image,
        Fail,
        Some("network-proxy"),
    );
    let f = finding(&report, "registry-reachable", image);
    assert!(
        f.message.contains("127.0.0.1") && f.message.contains("HTTPS_PROXY"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("internal.example"),
        "NO_PROXY is named: {}",
        f.message
    );
    assert!(
        !f.message.contains("hunter2"),
        "proxy password shown: {}",
        f.message
    );
}

#[test]
fn transient_503s_are_retried_and_counted() {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let server = Server::start(Arc::new(move |req| {
        if req.path() == "/v2/" && h.fetch_add(1, Ordering::SeqCst) < 2 {
            return Resp::error(503, "UNAVAILABLE", "try again").header("retry-after", "0");
        }
        Resp::new(200).json(serde_json::json!({}))
    }));
    let image = format!("{}/a/b:1", server.host());
    let report = run(
        Options {
            pull_only: true,
            ..Options::default()
        },
        Credentials::Anonymous,
        &[&image],
    );
    expect(&report, "registry-reachable", &image, Pass, None);
    let f = finding(&report, "registry-reachable", &image);
    assert_eq!(f.evidence.json(ghcr_doctor::evidence::Key::Attempts), 3);
    assert_eq!(
        f.evidence.json(ghcr_doctor::evidence::Key::RetriedStatuses),
        serde_json::json!([503, 503])
    );
}

/// `openssl s_server` with a certificate from a private CA, on a free port.
struct TlsServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the TLS test needs `openssl` (apt-get install -y openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl TlsServer {
    fn start() -> TlsServer {
        let dir = tempfile::tempdir().expect("dir");
        let d = dir.path();
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-subj",
                "/CN=ghcr-doctor test CA",
                "-days",
                "2",
            ],
        );
        openssl(
            d,
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "leaf.key",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        );
        std::fs::write(
            d.join("ext.cnf"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .expect("ext");
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "leaf.pem",
                "-days",
                "2",
                "-extfile",
                "ext.cnf",
            ],
        );
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new("openssl")
                .args([
                    "s_server",
                    "-quiet",
                    "-www",
                    "-accept",
                    &format!("127.0.0.1:{port}"),
                    "-cert",
                    "leaf.pem",
                    "-key",
                    "leaf.key",
                ])
                .current_dir(d)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("openssl s_server");
            for _ in 0..100 {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return TlsServer { child, port, dir };
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(30));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("openssl s_server did not start");
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn tls_with_an_unknown_ca_fails_and_ca_file_fixes_it() {
    let tls = TlsServer::start();
    let image = "tls.test/a/b:1";
    let endpoints = BTreeMap::from([(
        "tls.test".to_owned(),
        url::Url::parse(&format!("https://127.0.0.1:{}/", tls.port)).expect("url"),
    )]);
    let report = run(
        Options {
            endpoints: endpoints.clone(),
            ..Options::default()
        },
        Credentials::Anonymous,
        &[image],
    );
    expect(
        &report,
        "registry-reachable",
        image,
        Fail,
        Some("network-tls"),
    );
    let f = finding(&report, "registry-reachable", image);
    assert!(
        f.message.contains("127.0.0.1"),
        "the host is named: {}",
        f.message
    );
    assert!(
        f.message.to_ascii_lowercase().contains("unknownissuer")
            || f.message.to_ascii_lowercase().contains("unknown issuer"),
        "the verification error is named: {}",
        f.message
    );

    // Trusting the CA gets past TLS (s_server then answers 200 to /v2/).
    let report = run(
        Options {
            endpoints,
            http: http::Options {
                ca_file: Some(tls.dir.path().join("ca.pem")),
                ..http::Options::default()
            },
            pull_only: true,
            quick: false,
            ..Options::default()
        },
        Credentials::Anonymous,
        &[image],
    );
    expect(&report, "registry-reachable", image, Pass, None);
}
