//! OAuth scopes: the `X-OAuth-Scopes` header of classic tokens and OAuth tokens, and which
//! scope includes which.
//!
//! Only parent scopes imply their children (GitHub's "Available scopes" list):
//! `write:packages` includes `read:packages`, but `repo` includes no package scope, and
//! `delete:packages` includes neither read nor write.

use std::fmt;

/// The scope that lets a classic token pull from ghcr.io.
pub const READ_PACKAGES: &str = "read:packages";
/// The scope that lets a classic token push to ghcr.io (includes [`READ_PACKAGES`]).
pub const WRITE_PACKAGES: &str = "write:packages";
/// The scope needed only to delete package versions.
pub const DELETE_PACKAGES: &str = "delete:packages";

/// Parent scope → the scopes it includes. Only families with a real hierarchy are listed.
const IMPLIES: &[(&str, &[&str])] = &[
    (WRITE_PACKAGES, &[READ_PACKAGES]),
    (
        "repo",
        &[
            "repo:status",
            "repo_deployment",
            "public_repo",
            "repo:invite",
            "security_events",
        ],
    ),
    ("admin:org", &["write:org", "read:org"]),
    ("write:org", &["read:org"]),
    ("admin:public_key", &["write:public_key", "read:public_key"]),
    ("write:public_key", &["read:public_key"]),
    ("admin:repo_hook", &["write:repo_hook", "read:repo_hook"]),
    ("write:repo_hook", &["read:repo_hook"]),
    ("admin:gpg_key", &["write:gpg_key", "read:gpg_key"]),
    ("write:gpg_key", &["read:gpg_key"]),
    ("user", &["read:user", "user:email", "user:follow"]),
    ("project", &["read:project"]),
    ("write:discussion", &["read:discussion"]),
];

/// The scopes a token has, as GitHub listed them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// Parses an `X-OAuth-Scopes` value: a comma-separated list, spaces optional. An empty
    /// value is a token with no scopes at all.
    pub fn parse(header: &str) -> Scopes {
        let mut scopes: Vec<String> = header
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        scopes.dedup();
        Scopes(scopes)
    }

    /// The scopes as listed.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when `scope` was listed itself.
    pub fn lists(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    /// True when the token has `scope`, listed or included by a listed parent.
    pub fn grants(&self, scope: &str) -> bool {
        self.lists(scope)
            || self.0.iter().any(|have| {
                IMPLIES
                    .iter()
                    .any(|(parent, children)| parent == have && children.contains(&scope))
            })
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comma_lists_with_or_without_spaces() {
        let s = Scopes::parse("repo, write:packages,read:org , ");
        assert_eq!(s.as_slice(), ["repo", "write:packages", "read:org"]);
        assert!(Scopes::parse("").is_empty());
        assert!(Scopes::parse(" ,, ").is_empty());
    }

    #[test]
    fn write_packages_implies_read_packages_only() {
        let s = Scopes::parse("write:packages");
        assert!(s.grants(WRITE_PACKAGES));
        assert!(s.grants(READ_PACKAGES));
        assert!(!s.grants(DELETE_PACKAGES));
        assert!(!s.lists(READ_PACKAGES));
    }

    #[test]
    fn repo_does_not_imply_package_scopes() {
        let s = Scopes::parse("repo, workflow");
        assert!(!s.grants(READ_PACKAGES));
        assert!(!s.grants(WRITE_PACKAGES));
        assert!(s.grants("public_repo"));
    }

    #[test]
    fn read_and_delete_do_not_imply_write() {
        let s = Scopes::parse("read:packages, delete:packages");
        assert!(s.grants(READ_PACKAGES));
        assert!(!s.grants(WRITE_PACKAGES));
    }

    #[test]
    fn display_lists_scopes_in_order() {
        assert_eq!(
            Scopes::parse("read:packages,repo").to_string(),
            "read:packages, repo"
        );
    }
}
