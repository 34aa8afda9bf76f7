//! The tags a log shows pushed, so that a later `manifest unknown` for one of them reads as the
//! registry losing what it accepted rather than a name that never existed.
//!
//! A push ends with `TAG: digest: sha256:... size: N` once the registry stored the manifest
//! under the tag (the docker CLI, for the repository of `The push refers to repository
//! [REPO]`). When a pull or inspect of that same tag later in the log is answered `manifest
//! unknown`, the registry dropped it: a clean-up or garbage collection, storage that lost
//! writes, a layer the client took as present that was not (`image-incomplete`).

use super::{Signal, Signals};
use crate::explain::url;
use crate::reference::RawReference;

/// The most pushed tags followed; the first ones are kept.
const MAX_PUSHED: usize = 64;

/// Longest repository or tag kept.
const MAX_NAME: usize = 256;

/// The tags pushed so far: the repository (lowercase; empty when the log did not name it) and
/// the tag.
#[derive(Debug, Default)]
pub(crate) struct Pushed {
    tags: Vec<(String, String)>,
}

impl Pushed {
    /// Notes a push's last line (`TAG: digest: sha256:HEX size: N`); `repository` is the push
    /// target under way, when the log named one.
    pub(crate) fn saw(&mut self, cleaned: &str, repository: Option<&str>) {
        if self.tags.len() >= MAX_PUSHED {
            return;
        }
        let Some(tag) = pushed_tag(cleaned) else {
            return;
        };
        let repository = repository
            .map(|r| strip_tag(&r.to_ascii_lowercase()).0)
            .unwrap_or_default();
        if !self.tags.iter().any(|(r, t)| r == &repository && t == &tag) {
            self.tags.push((repository, tag));
        }
    }

    /// `pushed-before` when `text` reports a manifest unknown for a tag the log pushed before.
    pub(crate) fn signals(&self, text: &str) -> Signals {
        let mut s = Signals::default();
        if self.tags.is_empty() {
            return s;
        }
        let lower = text.to_ascii_lowercase();
        if !lower.contains("manifest unknown") {
            return s;
        }
        let Some((repository, tag)) = unknown_manifest(&lower) else {
            return s;
        };
        if self
            .tags
            .iter()
            .any(|(r, t)| t == &tag && (r.is_empty() || *r == repository))
        {
            s.insert(Signal::PushedBefore);
        }
        s
    }
}

/// The tag of a push's last line (`v1.2: digest: sha256:HEX size: 1363`).
fn pushed_tag(line: &str) -> Option<String> {
    let (tag, rest) = line.trim().split_once(": digest: sha256:")?;
    let hex = rest.split_whitespace().next()?;
    let well_formed =
        hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) && rest.contains(" size: ");
    let tag_ok = !tag.is_empty()
        && tag.len() <= MAX_NAME
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    (well_formed && tag_ok).then(|| tag.to_owned())
}

/// `(repository, tag)` of the manifest a message reports unknown: docker's `manifest for REF
/// not found`, or a request URL `https://HOST/v2/NAME/manifests/TAG`. `lower` is lowercase.
fn unknown_manifest(lower: &str) -> Option<(String, String)> {
    if let Some(i) = lower.find("manifest for ") {
        let reference = lower[i + "manifest for ".len()..]
            .split_whitespace()
            .next()?;
        let (repository, tag) = strip_tag(reference);
        return Some((repository, tag.unwrap_or_else(|| "latest".to_owned())));
    }
    url::v2_requests(lower).find_map(|(host, path)| {
        let (name, tag) = path.split_once("/manifests/")?;
        let tag = tag.trim_end_matches([':', ',']);
        (!tag.starts_with("sha256:")).then(|| (format!("{host}/{name}"), tag.to_owned()))
    })
}

/// A reference's repository (`domain/path` as written) and its tag, read by the reference
/// grammar; a reference the grammar refuses is kept whole, without a tag.
fn strip_tag(reference: &str) -> (String, Option<String>) {
    match RawReference::parse(reference) {
        Ok(r) => (r.name(), r.tag().map(str::to_owned)),
        Err(_) => (reference.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "e09ed8c6c837d366a501f15dcb47939bbbb6242bf3886270834e2a0fa1555234";

    #[test]
    fn a_tag_pushed_then_unknown() {
        let mut p = Pushed::default();
        p.saw(&format!("1: digest: sha256:{DIGEST} size: 1363"), None);
        let unknown = "Error response from daemon: manifest for localhost:5000/example:1 not found: manifest unknown: manifest unknown";
        assert!(p.signals(unknown).contains(Signal::PushedBefore));
        let other_tag = "Error response from daemon: manifest for localhost:5000/example:2 not found: manifest unknown: manifest unknown";
        assert!(!p.signals(other_tag).contains(Signal::PushedBefore));
    }

    #[test]
    fn the_push_targets_repository_must_match() {
        let mut p = Pushed::default();
        p.saw(
            &format!("latest: digest: sha256:{DIGEST} size: 528"),
            Some("registry.example.com/team/app"),
        );
        let same = r#"Error: reading manifest latest in registry.example.com/team/app: manifest unknown; Head "https://registry.example.com/v2/team/app/manifests/latest""#;
        assert!(p.signals(same).contains(Signal::PushedBefore));
        let other = "Error response from daemon: manifest for registry.example.com/team/web:latest not found: manifest unknown";
        assert!(!p.signals(other).contains(Signal::PushedBefore));
    }

    #[test]
    fn no_push_no_signal() {
        let mut p = Pushed::default();
        p.saw("Digest: sha256:abc", None);
        p.saw(&format!("v1: digest: sha256:{DIGEST}"), None);
        let unknown = "manifest for example/app:v1 not found: manifest unknown";
        assert!(!p.signals(unknown).contains(Signal::PushedBefore));
    }
}
