//! The registry client as a library (what `verify` builds on): manifests with their type and
//! digest, blobs, upload sessions, and re-authentication when a 401 asks for a scope the
//! session never requested.

use ghcr_doctor::credentials::Credential;
use ghcr_doctor::http;
use ghcr_doctor::registry::host::Endpoint;
use ghcr_doctor::registry::scope::Scope;
use ghcr_doctor::registry::{AuthScheme, Session};
use ghcr_doctor::secret::Secret;

use crate::support::image::{OCI_MANIFEST, Pusher, sha256};
use crate::support::registry::Registry;
use crate::support::token_server::TokenServer;

#[test]
fn manifests_blobs_uploads_and_reauthentication_against_the_real_registry() {
    let ts = TokenServer::start();
    let reg = Registry::start(ts.registry_auth());
    let pusher = Pusher::with_bearer(&reg.url(), &ts.push_token(&["team/a", "team/b", "team/c"]));
    let a = pusher.simple_image("team/a", "v1", 2);
    let b = pusher.simple_image("team/b", "v1", 1);
    let c = pusher.simple_image("team/c", "v1", 1);
    let c_layer = {
        let m: serde_json::Value = serde_json::from_slice(&c.bytes).expect("manifest json");
        m["layers"][0]["digest"]
            .as_str()
            .expect("layer digest")
            .to_owned()
    };
    let config_digest = {
        let m: serde_json::Value = serde_json::from_slice(&a.bytes).expect("manifest json");
        m["config"]["digest"]
            .as_str()
            .expect("config digest")
            .to_owned()
    };
    let client = http::Client::new(http::Options::default()).expect("client");
    let endpoint = Endpoint::for_domain(&reg.host(), false).expect("endpoint");
    let credential = Credential {
        username: Some("writer".into()),
        secret: Secret::new("writer-pass"),
        source: "test".into(),
        identity_token: false,
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt")
        .block_on(async {
            let (mut session, ping) = Session::ping(client.clone(), endpoint).await.expect("ping");
            assert_eq!(ping.status, 401);
            assert!(matches!(session.scheme(), AuthScheme::Bearer(_)));
            let login = session
                .login(Some(&credential), &[Scope::repository("team/a", &["pull"])])
                .await
                .expect("login");
            assert_eq!(login.token_requests, 1);

            let m = session
                .get_manifest("team/a", "v1")
                .await
                .expect("manifest");
            assert_eq!(m.media_type.as_deref(), Some(OCI_MANIFEST));
            assert_eq!(m.digest.as_deref(), Some(a.digest.as_str()));
            assert_eq!(sha256(&m.bytes), a.digest);
            let head = session
                .head_manifest("team/a", &a.digest)
                .await
                .expect("head by digest");
            assert_eq!(head.digest.as_deref(), Some(a.digest.as_str()));

            let blob = session
                .head_blob("team/a", &config_digest)
                .await
                .expect("head blob");
            let bytes = session
                .get_blob("team/a", &config_digest, http::BodyLimit::JSON)
                .await
                .expect("get blob");
            assert_eq!(blob.size, Some(bytes.len() as u64));
            assert_eq!(sha256(&bytes), config_digest);

            // team/b was never asked for: the 401 names its scope, the session fetches a
            // token for it and retries once.
            let before = ts.requests().len();
            let mb = session
                .head_manifest("team/b", "v1")
                .await
                .expect("re-authenticated");
            assert_eq!(mb.digest.as_deref(), Some(b.digest.as_str()));
            let after = ts.requests();
            assert_eq!(after.len(), before + 1);
            assert_eq!(
                after.last().map(|r| r.query_all("scope")),
                Some(vec!["repository:team/b:pull".to_owned()])
            );

            // Streaming a blob of a repository never asked for: re-authenticates too, and
            // the chunks hash to the digest.
            let mut stream = session
                .get_blob_stream("team/c", &c_layer)
                .await
                .expect("stream");
            let mut streamed = Vec::new();
            while let Some(chunk) = stream.chunk().await.expect("chunk") {
                streamed.extend(chunk);
            }
            assert_eq!(sha256(&streamed), c_layer);
            assert_eq!(stream.size, Some(streamed.len() as u64));
            assert_eq!(ts.requests().len(), before + 2);
            let refused = session
                .get_blob_stream(
                    "team/c",
                    "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                )
                .await
                .expect_err("missing blob");
            assert_eq!(refused.refusal().map(|r| r.status), Some(404));

            // A missing blob is a refusal with the registry's code, not a transport error.
            let missing = session
                .head_blob(
                    "team/a",
                    "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                )
                .await
                .expect_err("missing blob");
            assert_eq!(missing.refusal().map(|r| r.status), Some(404));

            // Upload sessions: opened with push (fetched on demand), cancel answered 401
            // (distribution wants `delete`), nothing stored.
            let up = session.start_upload("team/a").await.expect("upload");
            assert_eq!(up.status, 202);
            let cancel = session.cancel_upload(&up).await.expect("cancel");
            assert_eq!((cancel.status, cancel.cancelled), (401, false));
        });
    // The upload probe added nothing.
    assert_eq!(
        reg.repositories_with_content(),
        ["team/a", "team/b", "team/c"]
    );
}

#[test]
fn an_identity_token_is_exchanged_with_the_oauth2_refresh_grant() {
    use crate::support::http_server::{Req, Resp, Server};
    use std::sync::Arc;
    const REFRESH: &str = "refresh-token-value-0123456789";
    let server = Server::start(Arc::new(|req: &Req| {
        match (req.method.as_str(), req.path()) {
            ("GET", "/v2/") => Resp::error(401, "UNAUTHORIZED", "authentication required")
                .header("www-authenticate", r#"Bearer realm="/token",service="reg""#),
            ("POST", "/token") => {
                let form: Vec<(String, String)> = url::form_urlencoded::parse(&req.body)
                    .into_owned()
                    .collect();
                let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
                if get("grant_type") == Some("refresh_token")
                    && get("refresh_token") == Some(REFRESH)
                    && get("scope") == Some("repository:a/b:pull,push repository:a/c:pull,push")
                    && req.header("authorization").is_none()
                {
                    Resp::new(200).json(serde_json::json!({"access_token": "oauth-access"}))
                } else {
                    Resp::error(400, "UNSUPPORTED", "bad grant")
                }
            }
            ("POST", "/v2/a/b/blobs/uploads/") if req.bearer() == Some("oauth-access") => {
                Resp::new(202).header("location", "/v2/a/b/blobs/uploads/x")
            }
            _ => Resp::error(403, "DENIED", "no"),
        }
    }));
    let endpoint = Endpoint::for_domain(&server.host(), false).expect("endpoint");
    let client = http::Client::new(http::Options::default()).expect("client");
    let credential = Credential {
        username: None,
        secret: Secret::new(REFRESH),
        source: "docker-config:auths".into(),
        identity_token: true,
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt")
        .block_on(async {
            let (mut session, _) = Session::ping(client, endpoint).await.expect("ping");
            let login = session
                .login(
                    Some(&credential),
                    &[
                        Scope::repository("a/b", &["pull", "push"]),
                        Scope::repository("a/c", &["pull", "push"]),
                    ],
                )
                .await
                .expect("login");
            assert_eq!(login.token_fields, vec!["access_token"]);
            let up = session
                .start_upload("a/b")
                .await
                .expect("upload with the access token");
            assert_eq!(up.status, 202);
        });
}
