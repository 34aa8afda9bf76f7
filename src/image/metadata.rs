//! The build metadata file that `docker buildx build --metadata-file` and
//! build-push-action's `metadata` output write: which digest was pushed under which names.
//!
//! A `buildx build` file holds one target at the top level (`containerimage.digest`,
//! `image.name`); a `buildx bake` file holds one object per target. `image.name` may list
//! several references separated by commas.

use std::fmt;

use serde_json::Value;

use super::manifest::Digest;
use crate::t;

const DIGEST_KEY: &str = "containerimage.digest";
const NAME_KEY: &str = "image.name";

/// One pushed target: its digest and the names it was pushed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The bake target name, or `None` for a `buildx build` file.
    pub name: Option<String>,
    pub digest: Digest,
    pub images: Vec<String>,
}

/// Why a metadata file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataError {
    NotJson {
        detail: String,
    },
    /// No `containerimage.digest` anywhere: the build did not push, or exported elsewhere.
    NoDigest,
    InvalidDigest {
        value: String,
    },
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            MetadataError::NotJson { detail } => t!("verify.metadata.not-json", detail = detail),
            MetadataError::NoDigest => t!("verify.metadata.no-digest"),
            MetadataError::InvalidDigest { value } => {
                t!("verify.metadata.invalid-digest", value = value)
            }
        };
        f.write_str(&s)
    }
}

impl std::error::Error for MetadataError {}

fn target(
    name: Option<String>,
    object: &serde_json::Map<String, Value>,
) -> Option<Result<Target, MetadataError>> {
    let digest = object.get(DIGEST_KEY)?.as_str().unwrap_or_default();
    let digest = match Digest::parse(digest.trim()) {
        Ok(d) => d,
        Err(_) => {
            return Some(Err(MetadataError::InvalidDigest {
                value: digest.chars().take(200).collect(),
            }));
        }
    };
    let images = object
        .get(NAME_KEY)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    Some(Ok(Target {
        name,
        digest,
        images,
    }))
}

/// Parses a metadata file's text into its targets (at least one).
pub fn parse(text: &str) -> Result<Vec<Target>, MetadataError> {
    let value: Value = serde_json::from_str(text).map_err(|e| MetadataError::NotJson {
        detail: e.to_string(),
    })?;
    let Value::Object(top) = value else {
        return Err(MetadataError::NotJson {
            detail: t!("verify.metadata.not-object"),
        });
    };
    if let Some(one) = target(None, &top) {
        return one.map(|t| vec![t]);
    }
    let mut targets = Vec::new();
    for (name, v) in &top {
        if let Value::Object(inner) = v
            && let Some(t) = target(Some(name.clone()), inner)
        {
            targets.push(t?);
        }
    }
    if targets.is_empty() {
        return Err(MetadataError::NoDigest);
    }
    Ok(targets)
}

/// The expected digest for `image` (as written by the user): the target naming it, else the
/// only target when there is just one.
pub fn digest_for<'a>(targets: &'a [Target], image: &str) -> Option<&'a Digest> {
    let strip = |s: &str| s.split('@').next().unwrap_or(s).to_owned();
    let wanted = strip(image);
    let repo_of = |s: &str| match s.rfind(':') {
        Some(i) if !s[i + 1..].contains('/') => s[..i].to_owned(),
        _ => s.to_owned(),
    };
    targets
        .iter()
        .find(|t| t.images.contains(&wanted))
        .or_else(|| {
            targets
                .iter()
                .find(|t| t.images.iter().any(|n| repo_of(n) == repo_of(&wanted)))
        })
        .or(if targets.len() == 1 {
            targets.first()
        } else {
            None
        })
        .map(|t| &t.digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:4d7ea1ddc1b1a8e7e8d1c0f00d53d3c3d4c5b6a7980b1c2d3e4f5a6b7c8d9e0f";
    const E: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    #[test]
    fn buildx_build_file_with_several_names() {
        let text = format!(
            r#"{{"buildx.build.ref":"builder/builder0/x","containerimage.config.digest":"{E}",
            "containerimage.digest":"{D}","image.name":"ghcr.io/o/app:latest, ghcr.io/o/app:1.0"}}"#
        );
        let targets = parse(&text).expect("parse");
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].digest.as_str(), D);
        assert_eq!(
            targets[0].images,
            vec!["ghcr.io/o/app:latest", "ghcr.io/o/app:1.0"]
        );
        assert_eq!(
            digest_for(&targets, "ghcr.io/o/app:1.0").map(Digest::as_str),
            Some(D)
        );
    }

    #[test]
    fn bake_file_matches_by_name() {
        let text = format!(
            r#"{{"web":{{"containerimage.digest":"{D}","image.name":"ghcr.io/o/web:1"}},
                "api":{{"containerimage.digest":"{E}","image.name":"ghcr.io/o/api:1"}}}}"#
        );
        let targets = parse(&text).expect("parse");
        assert_eq!(targets.len(), 2);
        assert_eq!(
            digest_for(&targets, "ghcr.io/o/api:1").map(Digest::as_str),
            Some(E)
        );
        assert_eq!(
            digest_for(&targets, "ghcr.io/o/web:2").map(Digest::as_str),
            Some(D)
        );
        assert_eq!(digest_for(&targets, "ghcr.io/o/other:1"), None);
    }

    #[test]
    fn bad_files() {
        assert!(matches!(
            parse("not json"),
            Err(MetadataError::NotJson { .. })
        ));
        assert!(matches!(parse("[1]"), Err(MetadataError::NotJson { .. })));
        assert_eq!(parse(r#"{"image.name":"x"}"#), Err(MetadataError::NoDigest));
        assert!(matches!(
            parse(r#"{"containerimage.digest":"sha256:nope"}"#),
            Err(MetadataError::InvalidDigest { .. })
        ));
    }
}
