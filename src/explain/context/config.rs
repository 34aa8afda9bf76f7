//! A docker configuration the log writes itself (`echo '{"auths":{"HOST":{"auth":"..."}}}' >
//! /kaniko/.docker/config.json`, as kaniko jobs and CI scripts do): the registries it holds a
//! credential for. Only the registry keys are read, never the values.

use crate::host::Host;
use crate::reference::Reference;

/// At most this many registries are remembered.
const MAX_HOSTS: usize = 16;

/// The registries the configurations written in the log hold a credential for.
#[derive(Debug, Default)]
pub(crate) struct Configured {
    hosts: Vec<String>,
}

impl Configured {
    /// Notes the registry keys of the `auths` object on `cleaned` and returns them.
    pub(crate) fn saw(&mut self, cleaned: &str) -> Vec<String> {
        let keys = auth_keys(cleaned);
        for k in &keys {
            if self.hosts.len() < MAX_HOSTS && !self.hosts.contains(k) {
                self.hosts.push(k.clone());
            }
        }
        keys
    }

    /// True when a configuration was written and none of its keys is the registry of
    /// `reference` (`registry.example.com/team/app:1`; a name without a host is Docker Hub's).
    pub(crate) fn elsewhere(&self, reference: &str) -> bool {
        !self.hosts.is_empty() && registry_of(reference).is_some_and(|r| !self.hosts.contains(&r))
    }
}

/// Credential helpers that make the credential themselves from a cloud login, rather than
/// return one a `docker login` stored: the Amazon ECR helper, gcloud's and the GCR helper,
/// ACR's from the environment.
const GENERATING_HELPERS: &[&str] = &["ecr-login", "gcloud", "gcr", "acr-env"];

/// True when `line` sets a docker configuration's credential helper (`"credsStore":
/// "ecr-login"`, `"credHelpers": {"gcr.io": "gcloud"}`) to one that makes the credential
/// itself.
pub(crate) fn names_generating_helper(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let Some(at) = lower
        .find("\"credsstore\"")
        .or_else(|| lower.find("\"credhelpers\""))
    else {
        return false;
    };
    lower[at..]
        .split(['"', '\'', ' ', ':', ',', '{', '}'])
        .any(|word| GENERATING_HELPERS.contains(&word))
}

/// The registry keys of an `auths` object on `line`: every key whose value is an object
/// (`"HOST": {`), by the registry it names (`https://index.docker.io/v1/` is `docker.io`).
fn auth_keys(line: &str) -> Vec<String> {
    let lower = line.to_ascii_lowercase();
    let Some(at) = lower.find("auths") else {
        return Vec::new();
    };
    let rest = &lower[at + "auths".len()..];
    let mut keys = Vec::new();
    for (i, _) in rest.match_indices(':') {
        let value = rest[i + 1..].trim_start_matches([' ', '"', '\'', '\\']);
        if !value.starts_with('{') {
            continue;
        }
        let before = rest[..i].trim_end_matches([' ', '"', '\'', '\\']);
        // The key's first byte: just past the last character that cannot be in a host
        // (whatever its width: a log line can hold any text).
        let start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| {
                !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '/' | '_'))
            })
            .map_or(0, |(p, c)| p + c.len_utf8());
        let key = registry_key(&before[start..]);
        let host_like = key.starts_with(|c: char| c.is_ascii_alphanumeric())
            && (key.contains('.') || key.contains(':') || key == "localhost");
        if host_like && !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// A configuration key as the registry it names, in the one host model: no scheme, no path,
/// an alias as its registry's name (`https://index.docker.io/v1/` is `docker.io`).
fn registry_key(key: &str) -> String {
    Host::parse(key).name().to_owned()
}

/// The registry of an image reference, as docker normalises it (a name without a host is
/// Docker Hub's); a reference that does not parse names no registry a key could match.
fn registry_of(reference: &str) -> Option<String> {
    Reference::parse_named(reference)
        .ok()
        .map(|r| r.host().name().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_registries_of_a_written_configuration() {
        assert_eq!(
            auth_keys("+ echo '{auths:{index.docker.io:{auth:****}}}'"),
            vec!["docker.io"]
        );
        assert_eq!(
            auth_keys(
                r#"echo '{"auths":{"registry.example.com:5000":{"auth":"eHl6"},"https://index.docker.io/v1/":{"auth":"eHl6"}}}' > /kaniko/.docker/config.json"#
            ),
            vec!["registry.example.com:5000", "docker.io"]
        );
        assert!(auth_keys("echo '{\"auths\":{}}'").is_empty());
        // A key with a character wider than a byte is cut at that character, never inside
        // it, and what is left is no host.
        assert!(auth_keys(r#"echo '{"auths":{"regé:5000":{"auth":"eHl6"}}}'"#).is_empty());
        assert!(auth_keys(r#"echo {"auths":{"é":{"auth":"x"}}}"#).is_empty());
        assert!(auth_keys(r#"{"auths":{"仓库.example.com":{"auth":"x"}}}"#).is_empty());
        assert!(auth_keys("no configuration here").is_empty());
    }

    #[test]
    fn tells_helpers_that_make_the_credential_from_stores() {
        assert!(names_generating_helper(r#"  "credsStore": "ecr-login","#));
        assert!(names_generating_helper(
            r#"{"credHelpers":{"gcr.io":"gcloud"}}"#
        ));
        assert!(!names_generating_helper(r#"  "credsStore": "desktop","#));
        assert!(!names_generating_helper(r#"  "credsStore": "osxkeychain""#));
        assert!(!names_generating_helper("ecr-login"));
    }

    #[test]
    fn a_push_elsewhere_is_told_from_one_to_a_configured_registry() {
        let mut c = Configured::default();
        assert!(!c.elsewhere("registry.example.com/team/app:1"));
        c.saw("+ echo '{auths:{index.docker.io:{auth:****}}}'");
        assert!(c.elsewhere("registry.example.com/team/app:1"));
        assert!(!c.elsewhere("team/app:1"));
        assert!(!c.elsewhere("docker.io/team/app:1"));
        c.saw(r#"{"auths":{"registry.example.com":{"auth":"eHl6"}}}"#);
        assert!(!c.elsewhere("registry.example.com/team/app:1"));
    }
}
