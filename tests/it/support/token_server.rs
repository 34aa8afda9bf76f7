//! A token server for the real registry's token mode, written for the tests.
//!
//! It signs ES256 JWTs with a key made by `openssl` for each server, carries the
//! self-signed certificate in the `x5c` header, and hands the same certificate to the
//! registry as its `rootcertbundle`, so distribution verifies and enforces every grant.
//! Grants: `writer` pull+push, `reader` pull, `nobody` nothing, anonymous pull on `public/*`;
//! a wrong password gets 401.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine as _;

use super::github_fake;
use super::http_server::{Req, Resp, Server};
use super::registry::Auth;

pub const SERVICE: &str = "ghcr-doctor-test-registry";
pub const ISSUER: &str = "ghcr-doctor-test-issuer";

/// `(user, password, actions granted on every repository)`. The GitHub tokens of the GitHub
/// API fake sign in too, so one token can be judged by both sides.
pub const USERS: &[(&str, &str, &[&str])] = &[
    ("writer", "writer-pass", &["pull", "push"]),
    ("reader", "reader-pass", &["pull"]),
    ("nobody", "nobody-pass", &[]),
    ("octocat", github_fake::CLASSIC_WRITE, &["pull", "push"]),
    ("octocat", github_fake::CLASSIC_READ, &["pull"]),
];

pub struct TokenServer {
    pub server: Server,
    cert: PathBuf,
    key: Arc<EcdsaKeyPair>,
    x5c: String,
    issued: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("the token-auth tests need `openssl` (apt-get install -y openssl): {e}")
        });
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The DER inside the first PEM block of `path`.
fn pem_der(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).expect("read pem");
    let b64: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("pem base64")
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl TokenServer {
    pub fn start() -> TokenServer {
        Self::start_with(Vec::new())
    }

    /// A server that also knows `extra` users `(user, password, actions)`.
    pub fn start_with(extra: Vec<(String, String, Vec<String>)>) -> TokenServer {
        let dir = tempfile::tempdir().expect("token dir");
        openssl(
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                "key.pem",
            ],
            dir.path(),
        );
        openssl(
            &[
                "req",
                "-new",
                "-x509",
                "-key",
                "key.pem",
                "-subj",
                "/CN=ghcr-doctor-test-token",
                "-days",
                "2",
                "-out",
                "cert.pem",
            ],
            dir.path(),
        );
        let key = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &pem_der(&dir.path().join("key.pem")),
        )
        .expect("P-256 PKCS#8 key");
        let cert = dir.path().join("cert.pem");
        let x5c = base64::engine::general_purpose::STANDARD.encode(pem_der(&cert));
        let key = Arc::new(key);
        let (k, x) = (key.clone(), x5c.clone());
        let issued = Arc::new(Mutex::new(Vec::new()));
        let log = issued.clone();
        let server = Server::start(Arc::new(move |req: &Req| {
            let (resp, token) = handle(&k, &x, &extra, req);
            if let Some(t) = token {
                log.lock().expect("issued lock").push(t);
            }
            resp
        }));
        TokenServer {
            server,
            cert,
            key,
            x5c,
            issued,
            _dir: dir,
        }
    }

    /// The registry configuration that trusts this server.
    pub fn registry_auth(&self) -> Auth {
        Auth::Token {
            realm: format!("{}/token", self.server.url()),
            service: SERVICE.into(),
            issuer: ISSUER.into(),
            root_cert_bundle: self.cert.clone(),
        }
    }

    /// A signed token granting pull and push on `repositories` (the harness pushes test
    /// images with it).
    pub fn push_token(&self, repositories: &[&str]) -> String {
        let access: Vec<serde_json::Value> = repositories
            .iter()
            .map(|r| serde_json::json!({"type": "repository", "name": r, "actions": ["pull", "push"]}))
            .collect();
        mint(&self.key, &self.x5c, "harness", access)
    }

    pub fn requests(&self) -> Vec<Req> {
        self.server.requests()
    }

    /// Every token this server issued to a client (not the harness's push tokens).
    pub fn issued(&self) -> Vec<String> {
        self.issued.lock().expect("issued lock").clone()
    }
}

fn handle(
    key: &EcdsaKeyPair,
    x5c: &str,
    extra: &[(String, String, Vec<String>)],
    req: &Req,
) -> (Resp, Option<String>) {
    if req.path() != "/token" {
        return (Resp::new(404), None);
    }
    let (subject, granted): (String, Option<Vec<&str>>) = match req.basic() {
        Some((user, pass)) => match USERS
            .iter()
            .find(|(u, p, _)| *u == user && *p == pass)
            .map(|(u, _, a)| ((*u).to_owned(), a.to_vec()))
            .or_else(|| {
                extra
                    .iter()
                    .find(|(u, p, _)| *u == user && *p == pass)
                    .map(|(u, _, a)| (u.clone(), a.iter().map(String::as_str).collect()))
            }) {
            Some((u, actions)) => (u, Some(actions)),
            None => {
                return (
                    Resp::error(401, "UNAUTHORIZED", "invalid username or password"),
                    None,
                );
            }
        },
        None => (String::new(), None),
    };
    let mut access = Vec::new();
    for scope in req.query_all("scope") {
        let mut parts = scope.splitn(2, ':');
        let (Some(kind), Some(rest)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Some((name, actions)) = rest.rsplit_once(':') else {
            continue;
        };
        let wanted: Vec<&str> = actions.split(',').collect();
        // The intersection of what was asked and what the user holds (distribution's rule).
        let allowed: Vec<&str> = match &granted {
            Some(g) => wanted.iter().copied().filter(|a| g.contains(a)).collect(),
            None if name.starts_with("public/") => {
                wanted.iter().copied().filter(|a| *a == "pull").collect()
            }
            None => Vec::new(),
        };
        if kind == "repository" && !allowed.is_empty() {
            access
                .push(serde_json::json!({"type": "repository", "name": name, "actions": allowed}));
        }
    }
    let token = mint(key, x5c, &subject, access);
    let resp = Resp::new(200).json(
        serde_json::json!({"token": token, "expires_in": 300, "issued_at": "2026-01-01T00:00:00Z"}),
    );
    (resp, Some(token))
}

/// An ES256 JWT as distribution expects it.
fn mint(key: &EcdsaKeyPair, x5c: &str, subject: &str, access: Vec<serde_json::Value>) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let header = serde_json::json!({"typ": "JWT", "alg": "ES256", "x5c": [x5c]});
    let claims = serde_json::json!({
        "iss": ISSUER, "sub": subject, "aud": SERVICE,
        "exp": now + 300, "nbf": now - 10, "iat": now,
        "jti": format!("jti-{now}-{}", access.len()),
        "access": access,
    });
    let signing_input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    );
    let sig = key
        .sign(&SystemRandom::new(), signing_input.as_bytes())
        .expect("sign");
    format!("{signing_input}.{}", b64url(sig.as_ref()))
}
