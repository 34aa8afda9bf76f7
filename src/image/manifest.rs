//! Manifests as a registry stores them: OCI and Docker schema 2 image manifests, OCI indexes
//! and Docker manifest lists, their descriptors and platforms.
//!
//! Parsing never panics: any byte string gives a [`Manifest`] or a [`ManifestError`] that
//! says what is wrong. Docker schema 1 is refused with its own error, because registries
//! still produce it when a client forgets the Accept header.

use crate::catalog::CauseId;
use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use sha2::{Digest as _, Sha256, Sha512};

use crate::t;

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
pub const DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";

/// The annotation BuildKit sets on attestation manifests inside an index.
pub const REFERENCE_TYPE_ANNOTATION: &str = "vnd.docker.reference.type";
pub const ATTESTATION_MANIFEST: &str = "attestation-manifest";

/// Layer media types that registries are not expected to hold (Windows base layers and
/// other "foreign" content fetched from elsewhere).
const NON_DISTRIBUTABLE: &[&str] = &[
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
];

/// Why a manifest could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestError {
    /// The body is not a JSON object; `truncated` when it ended mid-way (a cut transfer).
    NotJson { detail: String, truncated: bool },
    /// Docker image manifest schema 1 (deprecated, unsigned or signed).
    Schema1,
    /// A `mediaType` that is neither an image manifest nor an index.
    UnsupportedMediaType { media_type: String },
    /// A field is missing or has the wrong type.
    Invalid { detail: String },
    /// A descriptor's digest is not `algorithm:hex` of the right length.
    InvalidDigest { value: String },
}

impl ManifestError {
    /// The catalog cause: a manifest cut mid-way is a failing registry or proxy
    /// (`registry-unavailable`); any other unreadable manifest is `image-manifest-invalid`.
    pub fn cause(&self) -> CauseId {
        match self {
            ManifestError::NotJson {
                truncated: true, ..
            } => CauseId::RegistryUnavailable,
            _ => CauseId::ImageManifestInvalid,
        }
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ManifestError::NotJson { detail, .. } => {
                t!("verify.manifest.not-json", detail = detail)
            }
            ManifestError::Schema1 => t!("verify.manifest.schema1"),
            ManifestError::UnsupportedMediaType { media_type } => {
                t!("verify.manifest.unsupported", media_type = media_type)
            }
            ManifestError::Invalid { detail } => t!("verify.manifest.invalid", detail = detail),
            ManifestError::InvalidDigest { value } => {
                t!("verify.manifest.invalid-digest", value = value)
            }
        };
        f.write_str(&s)
    }
}

impl std::error::Error for ManifestError {}

/// A content digest: `sha256:<64 hex>` or `sha512:<128 hex>`, lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(String);

impl Digest {
    /// Parses and validates `value`.
    pub fn parse(value: &str) -> Result<Digest, ManifestError> {
        let invalid = || ManifestError::InvalidDigest {
            value: value.chars().take(200).collect(),
        };
        let (algorithm, hex) = value.split_once(':').ok_or_else(invalid)?;
        let len = match algorithm {
            "sha256" => 64,
            "sha512" => 128,
            _ => return Err(invalid()),
        };
        if hex.len() != len || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(invalid());
        }
        Ok(Digest(value.to_owned()))
    }

    /// The sha256 digest of `bytes`.
    pub fn sha256(bytes: &[u8]) -> Digest {
        Digest(format!("sha256:{}", hex::encode(Sha256::digest(bytes))))
    }

    /// The digest of `bytes` in the algorithm of `like` (sha256 or sha512).
    pub fn matching(like: &Digest, bytes: &[u8]) -> Digest {
        let mut h = Hasher::for_digest(like);
        h.update(bytes);
        h.finish()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn algorithm(&self) -> &str {
        self.0.split_once(':').map_or("", |(a, _)| a)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Incremental hashing in the algorithm of an expected digest, for streamed blobs.
pub enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    pub fn for_digest(digest: &Digest) -> Hasher {
        match digest.algorithm() {
            "sha512" => Hasher::Sha512(Sha512::new()),
            _ => Hasher::Sha256(Sha256::new()),
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    pub fn finish(self) -> Digest {
        match self {
            Hasher::Sha256(h) => Digest(format!("sha256:{}", hex::encode(h.finalize()))),
            Hasher::Sha512(h) => Digest(format!("sha512:{}", hex::encode(h.finalize()))),
        }
    }
}

/// The platform of a manifest inside an index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    /// Parses `os/arch[/variant]` (`linux/amd64`, `linux/arm/v7`).
    pub fn parse(value: &str) -> Option<Platform> {
        let parts: Vec<&str> = value.trim().split('/').collect();
        let ok = |s: &&str| !s.is_empty() && !s.contains(char::is_whitespace);
        match parts.as_slice() {
            [os, arch] if ok(os) && ok(arch) => Some(Platform {
                os: os.to_ascii_lowercase(),
                architecture: arch.to_ascii_lowercase(),
                variant: None,
            }),
            [os, arch, variant] if ok(os) && ok(arch) && ok(variant) => Some(Platform {
                os: os.to_ascii_lowercase(),
                architecture: arch.to_ascii_lowercase(),
                variant: Some(variant.to_ascii_lowercase()),
            }),
            _ => None,
        }
    }

    /// True when `self`, as asked for by a user, is satisfied by `present`. A request
    /// without a variant accepts any variant; `arm64` and `arm64/v8` are the same platform.
    pub fn satisfied_by(&self, present: &Platform) -> bool {
        if self.os != present.os || self.architecture != present.architecture {
            return false;
        }
        let normal = |p: &Platform| match (p.architecture.as_str(), p.variant.as_deref()) {
            ("arm64", Some("v8")) => None,
            (_, v) => v.map(str::to_owned),
        };
        self.variant.is_none() || normal(self) == normal(present)
    }

    /// `unknown/unknown`, the platform BuildKit gives attestation manifests.
    pub fn is_unknown(&self) -> bool {
        self.os == "unknown" && self.architecture == "unknown"
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// A pointer to content: media type, digest and size, plus index metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    pub platform: Option<Platform>,
    pub annotations: BTreeMap<String, String>,
    pub urls: Vec<String>,
}

impl Descriptor {
    /// True for BuildKit attestation manifests (provenance, SBOM) inside an index.
    pub fn is_attestation(&self) -> bool {
        self.annotations
            .get(REFERENCE_TYPE_ANNOTATION)
            .is_some_and(|v| v == ATTESTATION_MANIFEST)
    }

    /// True for layers a registry is not expected to hold.
    pub fn is_non_distributable(&self) -> bool {
        NON_DISTRIBUTABLE.contains(&self.media_type.as_str())
    }
}

/// An image manifest (OCI or Docker schema 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageManifest {
    pub media_type: String,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

/// An OCI index or a Docker manifest list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub media_type: String,
    pub manifests: Vec<Descriptor>,
}

/// A parsed manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manifest {
    Image(ImageManifest),
    Index(Index),
}

impl Manifest {
    pub fn media_type(&self) -> &str {
        match self {
            Manifest::Image(m) => &m.media_type,
            Manifest::Index(i) => &i.media_type,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPlatform {
    os: Option<String>,
    architecture: Option<String>,
    variant: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDescriptor {
    media_type: Option<String>,
    digest: Option<String>,
    size: Option<i64>,
    platform: Option<RawPlatform>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
    #[serde(default)]
    urls: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawManifest {
    schema_version: Option<i64>,
    media_type: Option<String>,
    config: Option<RawDescriptor>,
    layers: Option<Vec<RawDescriptor>>,
    manifests: Option<Vec<RawDescriptor>>,
    // Present only in schema 1.
    fs_layers: Option<serde_json::Value>,
}

fn descriptor(raw: RawDescriptor, field: &str) -> Result<Descriptor, ManifestError> {
    let invalid = |what: &str| ManifestError::Invalid {
        detail: format!("{field}: {what}"),
    };
    let digest = Digest::parse(raw.digest.as_deref().ok_or_else(|| invalid("digest"))?)?;
    let size = raw.size.ok_or_else(|| invalid("size"))?;
    let size = u64::try_from(size).map_err(|_| invalid("size"))?;
    let platform = match raw.platform {
        Some(p) => Some(Platform {
            os: p.os.ok_or_else(|| invalid("platform.os"))?,
            architecture: p
                .architecture
                .ok_or_else(|| invalid("platform.architecture"))?,
            variant: p.variant.filter(|v| !v.is_empty()),
        }),
        None => None,
    };
    Ok(Descriptor {
        media_type: raw.media_type.unwrap_or_default(),
        digest,
        size,
        platform,
        annotations: raw.annotations.unwrap_or_default(),
        urls: raw.urls.unwrap_or_default(),
    })
}

/// Parses `bytes`; `content_type` is the response's `Content-Type`, used when the body has
/// no `mediaType` field (OCI makes it optional).
pub fn parse(bytes: &[u8], content_type: Option<&str>) -> Result<Manifest, ManifestError> {
    let raw: RawManifest = serde_json::from_slice(bytes).map_err(|e| ManifestError::NotJson {
        detail: e.to_string(),
        truncated: e.is_eof(),
    })?;
    let header_type = content_type
        .map(|c| c.split(';').next().unwrap_or_default().trim().to_owned())
        .filter(|c| !c.is_empty());
    if raw.schema_version == Some(1)
        || raw.fs_layers.is_some()
        || matches!(
            raw.media_type.as_deref().or(header_type.as_deref()),
            Some(DOCKER_SCHEMA1 | DOCKER_SCHEMA1_SIGNED)
        )
    {
        return Err(ManifestError::Schema1);
    }
    if raw.schema_version != Some(2) {
        return Err(ManifestError::Invalid {
            detail: "schemaVersion".into(),
        });
    }
    let media_type = match raw.media_type.clone().or(header_type) {
        Some(m) => m,
        // OCI allows omitting mediaType: decide by shape.
        None if raw.manifests.is_some() => OCI_INDEX.to_owned(),
        None if raw.config.is_some() => OCI_MANIFEST.to_owned(),
        None => {
            return Err(ManifestError::Invalid {
                detail: "mediaType".into(),
            });
        }
    };
    match media_type.as_str() {
        OCI_INDEX | DOCKER_LIST => {
            let list = raw.manifests.ok_or_else(|| ManifestError::Invalid {
                detail: "manifests".into(),
            })?;
            let manifests = list
                .into_iter()
                .enumerate()
                .map(|(i, d)| descriptor(d, &format!("manifests[{i}]")))
                .collect::<Result<_, _>>()?;
            Ok(Manifest::Index(Index {
                media_type,
                manifests,
            }))
        }
        OCI_MANIFEST | DOCKER_MANIFEST => {
            let config = descriptor(
                raw.config.ok_or_else(|| ManifestError::Invalid {
                    detail: "config".into(),
                })?,
                "config",
            )?;
            let layers = raw
                .layers
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, d)| descriptor(d, &format!("layers[{i}]")))
                .collect::<Result<_, _>>()?;
            Ok(Manifest::Image(ImageManifest {
                media_type,
                config,
                layers,
            }))
        }
        _ => Err(ManifestError::UnsupportedMediaType {
            media_type: media_type.chars().take(200).collect(),
        }),
    }
}

/// The `os/architecture` of an image config blob, when it names them.
pub fn config_platform(bytes: &[u8]) -> Option<Platform> {
    #[derive(Deserialize)]
    struct Config {
        os: Option<String>,
        architecture: Option<String>,
        variant: Option<String>,
    }
    let c: Config = serde_json::from_slice(bytes).ok()?;
    Some(Platform {
        os: c.os?,
        architecture: c.architecture?,
        variant: c.variant.filter(|v| !v.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    #[test]
    fn oci_image_manifest() {
        let body = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}",
            "config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{D1}","size":7}},
            "layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{D2}","size":9}}]}}"#
        );
        let Manifest::Image(m) = parse(body.as_bytes(), None).expect("parse") else {
            panic!("not an image manifest");
        };
        assert_eq!(m.config.size, 7);
        assert_eq!(m.layers[0].digest.as_str(), D2);
    }

    #[test]
    fn index_without_media_type_uses_the_header_or_the_shape() {
        let body = format!(
            r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"{OCI_MANIFEST}","digest":"{D1}","size":3,
            "platform":{{"os":"unknown","architecture":"unknown"}},
            "annotations":{{"vnd.docker.reference.type":"attestation-manifest"}}}}]}}"#
        );
        let Manifest::Index(i) = parse(body.as_bytes(), None).expect("parse") else {
            panic!("not an index");
        };
        assert_eq!(i.media_type, OCI_INDEX);
        assert!(i.manifests[0].is_attestation());
        assert!(
            i.manifests[0]
                .platform
                .as_ref()
                .is_some_and(Platform::is_unknown)
        );
        let Manifest::Index(i) = parse(body.as_bytes(), Some(DOCKER_LIST)).expect("parse") else {
            panic!("not an index");
        };
        assert_eq!(i.media_type, DOCKER_LIST);
    }

    #[test]
    fn schema1_is_refused_with_its_own_error() {
        let body = br#"{"schemaVersion":1,"name":"a/b","tag":"x","fsLayers":[],"history":[]}"#;
        assert_eq!(parse(body, None), Err(ManifestError::Schema1));
        assert_eq!(
            parse(br#"{"schemaVersion":2}"#, Some(DOCKER_SCHEMA1_SIGNED)),
            Err(ManifestError::Schema1)
        );
        assert!(ManifestError::Schema1.to_string().contains("schema 1"));
    }

    #[test]
    fn bad_inputs_give_specific_errors() {
        assert!(matches!(
            parse(b"<html>", None),
            Err(ManifestError::NotJson { .. })
        ));
        assert!(matches!(
            parse(br#"{"schemaVersion":2,"mediaType":"text/plain"}"#, None),
            Err(ManifestError::UnsupportedMediaType { .. })
        ));
        let bad_digest = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","config":{{"digest":"sha256:XYZ","size":1}}}}"#
        );
        assert!(matches!(
            parse(bad_digest.as_bytes(), None),
            Err(ManifestError::InvalidDigest { .. })
        ));
        let negative = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","config":{{"digest":"{D1}","size":-1}}}}"#
        );
        assert!(matches!(
            parse(negative.as_bytes(), None),
            Err(ManifestError::Invalid { .. })
        ));
    }

    #[test]
    fn digests() {
        assert!(Digest::parse(D1).is_ok());
        assert!(Digest::parse("sha256:abc").is_err());
        assert!(Digest::parse(&D1.to_uppercase()).is_err());
        assert!(Digest::parse("md5:00").is_err());
        let sha512 = Digest::parse(&format!("sha512:{}", "0".repeat(128))).expect("sha512");
        let m = Digest::matching(&sha512, b"abc");
        assert!(m.as_str().starts_with("sha512:ddaf35a1"), "{m}");
        assert!(Digest::parse(m.as_str()).is_ok());
        assert_eq!(
            Digest::sha256(b"").as_str(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn platforms() {
        let want = Platform::parse("linux/arm64").expect("platform");
        let v8 = Platform::parse("linux/arm64/v8").expect("platform");
        assert!(want.satisfied_by(&v8));
        assert!(v8.satisfied_by(&Platform::parse("linux/arm64").expect("platform")));
        let v7 = Platform::parse("linux/arm/v7").expect("platform");
        assert!(
            !Platform::parse("linux/arm/v6")
                .expect("p")
                .satisfied_by(&v7)
        );
        assert!(!want.satisfied_by(&Platform::parse("linux/amd64").expect("p")));
        assert_eq!(v7.to_string(), "linux/arm/v7");
        assert!(Platform::parse("linux").is_none());
        assert!(Platform::parse("linux//x").is_none());
    }

    proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512),
                              ct in proptest::option::of("[a-z./+0-9-]{0,60}")) {
            let _ = parse(&bytes, ct.as_deref());
        }

        #[test]
        fn parse_never_panics_on_json_shapes(s in r#"\{"schemaVersion":[0-3],"mediaType":"[a-z./+0-9-]{0,40}","(config|manifests|layers)":(\[|\{)[ -~]{0,80}"#) {
            let _ = parse(s.as_bytes(), None);
        }
    }
}
