//! Hostile and broken HTTP servers on loopback, one behaviour each, for the hardening tests.
//! Each serves every connection the same way until the handle drops.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// What the server does with each connection.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Accepts and never answers.
    Silent,
    /// Sends a valid status line, then one byte a second forever.
    Trickle,
    /// Sends `n` bytes of headers.
    HugeHeaders(usize),
    /// Announces and streams a body of `n` bytes of `{`.
    HugeBody(usize),
    /// Closes the connection with a reset right after reading the request.
    Reset,
    /// Answers this raw response (status line, headers, body) to every request.
    Raw(String),
}

pub struct Server {
    pub port: u16,
    stop: Arc<AtomicBool>,
    /// How many connections were accepted.
    pub connections: Arc<AtomicUsize>,
}

impl Server {
    pub fn start(behaviour: Behaviour) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind hostile server");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let (stop2, conns2) = (stop.clone(), connections.clone());
        std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        conns2.fetch_add(1, Ordering::Relaxed);
                        let b = behaviour.clone();
                        let s = stop2.clone();
                        std::thread::spawn(move || serve(stream, b, s));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            stop,
            connections,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn read_request(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut buf = [0u8; 4096];
    let mut seen = Vec::new();
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        if seen.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
}

fn serve(mut stream: TcpStream, behaviour: Behaviour, stop: Arc<AtomicBool>) {
    if let Behaviour::Reset = behaviour {
        // Closing a socket with unread data makes the kernel send RST instead of FIN.
        std::thread::sleep(Duration::from_millis(100));
        drop(stream);
        return;
    }
    read_request(&mut stream);
    let alive = || !stop.load(Ordering::Relaxed);
    match behaviour {
        Behaviour::Silent => {
            while alive() {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Behaviour::Trickle => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
            while alive() && stream.write_all(b"{").is_ok() {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        Behaviour::HugeHeaders(n) => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n");
            let line = format!("X-Filler: {}\r\n", "a".repeat(1000));
            let mut sent = 0;
            while sent < n && alive() {
                if stream.write_all(line.as_bytes()).is_err() {
                    return;
                }
                sent += line.len();
            }
            let _ = stream.write_all(b"Content-Length: 2\r\n\r\n{}");
        }
        Behaviour::HugeBody(n) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: {n}\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let chunk = vec![b'{'; 64 * 1024];
            let mut sent = 0;
            while sent < n && alive() {
                if stream.write_all(&chunk).is_err() {
                    return;
                }
                sent += chunk.len();
            }
        }
        Behaviour::Reset => {}
        Behaviour::Raw(response) => {
            let _ = stream.write_all(response.as_bytes());
            let _ = stream.flush();
        }
    }
}
