//! A small HTTP/1.1 server on a free loopback port, for the in-process fakes (ghcr.io, the
//! token server, slow and silent servers). Each test gives it a handler; it records every
//! request so tests can count round trips and see which credentials were sent.
//!
//! The server runs on a runtime of its own, so it answers while a test blocks (a synchronous
//! test running the binary) and while an async test awaits; it can be started and dropped in
//! either kind of test.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Req {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Every value of a query parameter, decoded.
    pub fn query_all(&self, name: &str) -> Vec<String> {
        let q = self
            .target
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default();
        url::form_urlencoded::parse(q.as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    }

    /// `(user, password)` from a Basic Authorization header.
    pub fn basic(&self) -> Option<(String, String)> {
        use base64::Engine as _;
        let v = self.header("authorization")?.strip_prefix("Basic ")?;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(v.trim())
            .ok()?;
        let s = String::from_utf8(raw).ok()?;
        let (u, p) = s.split_once(':')?;
        Some((u.to_owned(), p.to_owned()))
    }

    /// The token of a Bearer Authorization header.
    pub fn bearer(&self) -> Option<&str> {
        self.header("authorization")?.strip_prefix("Bearer ")
    }
}

/// A response to send.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Never answer (the connection stays open): for timeouts.
    pub hang: bool,
    /// Answer only after this long (a distant server).
    pub delay: Option<std::time::Duration>,
}

impl Resp {
    pub fn new(status: u16) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            hang: false,
            delay: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Resp {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets a header, replacing every earlier value of the same name.
    pub fn set_header(mut self, name: &str, value: &str) -> Resp {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.header(name, value)
    }

    /// The body as given, with its content type.
    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Resp {
        self.body = body.into();
        self.set_header("content-type", content_type)
    }

    pub fn delay(mut self, delay: std::time::Duration) -> Resp {
        self.delay = Some(delay);
        self
    }

    pub fn json(mut self, value: serde_json::Value) -> Resp {
        self.body = value.to_string().into_bytes();
        self.header("content-type", "application/json")
    }

    /// An OCI error envelope with one error.
    pub fn error(status: u16, code: &str, message: &str) -> Resp {
        Resp::new(status).json(serde_json::json!({"errors": [{"code": code, "message": message}]}))
    }

    pub fn hang() -> Resp {
        Resp {
            hang: true,
            ..Resp::new(200)
        }
    }
}

pub type Handler = Arc<dyn Fn(&Req) -> Resp + Send + Sync>;

/// A running server; stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Req>>>,
    /// Always `Some` until dropped.
    rt: Option<tokio::runtime::Runtime>,
}

impl Server {
    pub fn start(handler: Handler) -> Server {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("server runtime");
        // Bound here, not with `rt.block_on`: blocking on a runtime panics inside an async
        // test.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("addr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = log.clone();
        rt.spawn(async move {
            let listener = TcpListener::from_std(listener).expect("tokio listener");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let handler = handler.clone();
                let log = log2.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, handler, log).await;
                });
            }
        });
        Server {
            addr,
            log,
            rt: Some(rt),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Req> {
        self.log.lock().expect("log").clone()
    }

    /// A handle on the request log that outlives nothing else of the server (a callback
    /// held elsewhere must not own the server's runtime).
    pub fn log(&self) -> Arc<Mutex<Vec<Req>>> {
        self.log.clone()
    }

    pub fn clear(&self) {
        self.log.lock().expect("log").clear();
    }
}

impl Drop for Server {
    /// Dropping a runtime waits for its tasks, which panics inside an async test; the
    /// server's tasks hold nothing worth waiting for, so they are shut down in the
    /// background.
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

async fn serve(
    stream: tokio::net::TcpStream,
    handler: Handler,
    log: Arc<Mutex<Vec<Req>>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).await? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body).await?;
        let req = Req {
            method,
            target,
            headers,
            body,
        };
        log.lock().expect("log").push(req.clone());
        let resp = handler(&req);
        if let Some(d) = resp.delay {
            tokio::time::sleep(d).await;
        }
        if resp.hang {
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            return Ok(());
        }
        let reason = match resp.status {
            200 => "OK",
            202 => "Accepted",
            204 => "No Content",
            301 => "Moved Permanently",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            429 => "Too Many Requests",
            503 => "Service Unavailable",
            _ => "Status",
        };
        let mut out = format!("HTTP/1.1 {} {reason}\r\n", resp.status);
        for (k, v) in &resp.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        let body: &[u8] = if req.method == "HEAD" {
            &[]
        } else {
            &resp.body
        };
        out.push_str(&format!("content-length: {}\r\n\r\n", resp.body.len()));
        let stream = reader.get_mut();
        stream.write_all(out.as_bytes()).await?;
        stream.write_all(body).await?;
        stream.flush().await?;
    }
}
