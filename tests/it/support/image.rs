//! Test images, made for real: blobs, OCI and Docker manifests and indexes, pushed to the real
//! registry through the distribution API (monolithic blob upload, manifest PUT).

use sha2::{Digest as _, Sha256};

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// Content to push, with its digest.
#[derive(Debug, Clone)]
pub struct Blob {
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub digest: String,
}

impl Blob {
    pub fn new(media_type: &str, bytes: Vec<u8>) -> Blob {
        let digest = sha256(&bytes);
        Blob {
            media_type: media_type.to_owned(),
            bytes,
            digest,
        }
    }

    pub fn size(&self) -> usize {
        self.bytes.len()
    }

    /// The descriptor JSON for this blob.
    pub fn descriptor(&self) -> serde_json::Value {
        serde_json::json!({
            "mediaType": self.media_type,
            "digest": self.digest,
            "size": self.size(),
        })
    }
}

pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// A config blob for `os/arch` (distinct content per `seed`).
pub fn config(media_type: &str, os: &str, arch: &str, seed: &str) -> Blob {
    let json = serde_json::json!({
        "architecture": arch,
        "os": os,
        "config": {"Labels": {"seed": seed}},
        "rootfs": {"type": "layers", "diff_ids": []},
    });
    Blob::new(media_type, serde_json::to_vec(&json).expect("config json"))
}

/// `n` small distinct layer blobs.
pub fn layers(media_type: &str, n: usize, seed: &str) -> Vec<Blob> {
    (0..n)
        .map(|i| Blob::new(media_type, format!("layer {i} of {seed}").into_bytes()))
        .collect()
}

/// An image manifest (OCI or Docker schema 2 by `media_type`).
pub fn manifest(media_type: &str, config: &Blob, layers: &[Blob]) -> Blob {
    let json = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": media_type,
        "config": config.descriptor(),
        "layers": layers.iter().map(Blob::descriptor).collect::<Vec<_>>(),
    });
    Blob::new(
        media_type,
        serde_json::to_vec(&json).expect("manifest json"),
    )
}

/// An index / manifest list of `(manifest, platform json)` entries.
pub fn index(media_type: &str, entries: &[(Blob, serde_json::Value)]) -> Blob {
    let manifests: Vec<serde_json::Value> = entries
        .iter()
        .map(|(m, extra)| {
            let mut d = m.descriptor();
            if let (Some(obj), Some(more)) = (d.as_object_mut(), extra.as_object()) {
                for (k, v) in more {
                    obj.insert(k.clone(), v.clone());
                }
            }
            d
        })
        .collect();
    let json = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": media_type,
        "manifests": manifests,
    });
    Blob::new(media_type, serde_json::to_vec(&json).expect("index json"))
}

/// Pushes blobs and manifests to a registry over plain HTTP (loopback), with optional
/// HTTP Basic credentials (no-auth and htpasswd modes).
pub struct Pusher {
    base: String,
    basic: Option<(String, String)>,
    bearer: Option<String>,
    client: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

impl Pusher {
    pub fn new(base_url: &str, basic: Option<(&str, &str)>) -> Pusher {
        Pusher {
            base: base_url.trim_end_matches('/').to_owned(),
            basic: basic.map(|(u, p)| (u.to_owned(), p.to_owned())),
            bearer: None,
            client: reqwest::Client::new(),
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
        }
    }

    /// A pusher for a token-auth registry, with a bearer token that grants push.
    pub fn with_bearer(base_url: &str, token: &str) -> Pusher {
        let mut p = Pusher::new(base_url, None);
        p.bearer = Some(token.to_owned());
        p
    }

    fn req(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let b = self.client.request(method, url);
        if let Some(t) = &self.bearer {
            return b.bearer_auth(t);
        }
        match &self.basic {
            Some((u, p)) => b.basic_auth(u, Some(p)),
            None => b,
        }
    }

    /// Uploads a blob (POST then PUT with the digest).
    pub fn blob(&self, repo: &str, blob: &Blob) {
        self.rt.block_on(async {
            let start = self
                .req(
                    reqwest::Method::POST,
                    &format!("{}/v2/{repo}/blobs/uploads/", self.base),
                )
                .send()
                .await
                .expect("start upload");
            assert_eq!(start.status().as_u16(), 202, "start upload for {repo}");
            let location = start
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .expect("upload location")
                .to_owned();
            let mut url = if location.starts_with("http") {
                location
            } else {
                format!("{}{location}", self.base)
            };
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("digest={}", blob.digest));
            let put = self
                .req(reqwest::Method::PUT, &url)
                .header("content-type", "application/octet-stream")
                .body(blob.bytes.clone())
                .send()
                .await
                .expect("finish upload");
            assert_eq!(
                put.status().as_u16(),
                201,
                "finish upload of {}",
                blob.digest
            );
        });
    }

    /// Puts a manifest under `reference` (a tag or its digest).
    pub fn manifest(&self, repo: &str, reference: &str, manifest: &Blob) {
        self.rt.block_on(async {
            let put = self
                .req(
                    reqwest::Method::PUT,
                    &format!("{}/v2/{repo}/manifests/{reference}", self.base),
                )
                .header("content-type", &manifest.media_type)
                .body(manifest.bytes.clone())
                .send()
                .await
                .expect("put manifest");
            let status = put.status().as_u16();
            let body = put.text().await.unwrap_or_default();
            assert_eq!(status, 201, "put manifest {repo}:{reference}: {body}");
        });
    }

    /// Pushes a single-platform image with `n_layers` layers; returns the manifest.
    pub fn simple_image(&self, repo: &str, tag: &str, n_layers: usize) -> Blob {
        let cfg = config(OCI_CONFIG, "linux", "amd64", &format!("{repo}:{tag}"));
        let layers = layers(OCI_LAYER, n_layers, &format!("{repo}:{tag}"));
        self.blob(repo, &cfg);
        for l in &layers {
            self.blob(repo, l);
        }
        let m = manifest(OCI_MANIFEST, &cfg, &layers);
        self.manifest(repo, tag, &m);
        m
    }
}

/// The media type of in-toto attestation layers (what BuildKit writes for provenance/SBOM).
pub const IN_TOTO_LAYER: &str = "application/vnd.in-toto+json";

/// An image that was pushed: its manifest and blobs.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub manifest: Blob,
    pub config: Blob,
    pub layers: Vec<Blob>,
}

/// One platform of a multi-platform image: `(os, arch, variant)`.
pub type PlatformSpec<'a> = (&'a str, &'a str, Option<&'a str>);

impl Pusher {
    /// Pushes blobs and a manifest of `manifest_type` (OCI or Docker schema 2) for `os/arch`,
    /// under `tag` when given (else only by digest, as children of an index are).
    pub fn image(
        &self,
        repo: &str,
        tag: Option<&str>,
        manifest_type: &str,
        (os, arch, _variant): PlatformSpec<'_>,
        shared_layers: &[Blob],
        n_layers: usize,
    ) -> Pushed {
        let (config_type, layer_type) = if manifest_type == DOCKER_MANIFEST {
            (DOCKER_CONFIG, DOCKER_LAYER)
        } else {
            (OCI_CONFIG, OCI_LAYER)
        };
        let seed = format!("{repo}:{}:{os}/{arch}", tag.unwrap_or("-"));
        let cfg = config(config_type, os, arch, &seed);
        let mut all_layers: Vec<Blob> = shared_layers.to_vec();
        all_layers.extend(layers(layer_type, n_layers, &seed));
        self.blob(repo, &cfg);
        for l in &all_layers {
            self.blob(repo, l);
        }
        let m = manifest(manifest_type, &cfg, &all_layers);
        self.manifest(repo, tag.unwrap_or(&m.digest), &m);
        Pushed {
            manifest: m,
            config: cfg,
            layers: all_layers,
        }
    }

    /// Pushes a BuildKit-style attestation manifest for `subject` (an in-toto layer).
    pub fn attestation(&self, repo: &str, subject: &Blob) -> Pushed {
        let cfg = Blob::new(
            OCI_CONFIG,
            b"{\"architecture\":\"unknown\",\"os\":\"unknown\"}".to_vec(),
        );
        let statement = Blob::new(
            IN_TOTO_LAYER,
            format!(
                "{{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":\"{}\"}}",
                subject.digest
            )
            .into_bytes(),
        );
        self.blob(repo, &cfg);
        self.blob(repo, &statement);
        let m = manifest(OCI_MANIFEST, &cfg, std::slice::from_ref(&statement));
        self.manifest(repo, &m.digest, &m);
        Pushed {
            manifest: m,
            config: cfg,
            layers: vec![statement],
        }
    }

    /// Pushes a multi-platform image: one manifest per platform (sharing one base layer),
    /// optionally an attestation manifest for the first, and an index of `index_type` under
    /// `tag`. Returns the index and the platform images (attestation last, when made).
    pub fn multi_platform(
        &self,
        repo: &str,
        tag: &str,
        index_type: &str,
        manifest_type: &str,
        platforms: &[PlatformSpec<'_>],
        with_attestation: bool,
    ) -> (Blob, Vec<Pushed>) {
        let layer_type = if manifest_type == DOCKER_MANIFEST {
            DOCKER_LAYER
        } else {
            OCI_LAYER
        };
        let base = layers(layer_type, 1, &format!("{repo}:{tag}:base"));
        let mut pushed = Vec::new();
        let mut entries = Vec::new();
        for &(os, arch, variant) in platforms {
            let p = self.image(repo, None, manifest_type, (os, arch, variant), &base, 2);
            let mut platform = serde_json::json!({"os": os, "architecture": arch});
            if let Some(v) = variant {
                platform["variant"] = serde_json::Value::from(v);
            }
            entries.push((
                p.manifest.clone(),
                serde_json::json!({"platform": platform}),
            ));
            pushed.push(p);
        }
        if with_attestation && let Some(first) = pushed.first().cloned() {
            let a = self.attestation(repo, &first.manifest);
            entries.push((
                a.manifest.clone(),
                serde_json::json!({
                    "platform": {"os": "unknown", "architecture": "unknown"},
                    "annotations": {
                        "vnd.docker.reference.type": "attestation-manifest",
                        "vnd.docker.reference.digest": first.manifest.digest,
                    },
                }),
            ));
            pushed.push(a);
        }
        let idx = index(index_type, &entries);
        self.manifest(repo, tag, &idx);
        (idx, pushed)
    }
}
