//! Where the project's documentation lives on the web, from `repository` in Cargo.toml.
//!
//! Reports that leave the terminal (SARIF, a step summary) link to cause and check
//! documentation; those links must be absolute, so they are built here from the repository
//! URL and the documentation paths of this source tree.

/// The repository URL from Cargo.toml, without a trailing slash.
pub fn repository() -> &'static str {
    env!("CARGO_PKG_REPOSITORY").trim_end_matches('/')
}

/// The absolute URL of a file of this repository (`docs/causes.md`), on its main branch.
pub fn doc_url(path: &str) -> String {
    let repo = repository();
    if repo.is_empty() {
        // Without a repository, the crate's published source on docs.rs.
        return format!(
            "https://docs.rs/crate/{}/{}/source/{path}",
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION")
        );
    }
    format!("{repo}/blob/main/{path}")
}

/// The project's README, as the tool's home page.
pub fn readme_url() -> String {
    doc_url("README.md")
}

/// The section of `docs/causes.md` about a cause (its id is the heading's anchor).
pub fn cause_url(cause: &str) -> String {
    format!("{}#{cause}", doc_url("docs/causes.md"))
}

/// The index of check pages, whose table names the page of every check id.
const CHECKS_INDEX: &str = include_str!("../docs/checks.md");

/// The page under `docs/` that documents a check id (`checks/registry.md`), from the table
/// in `docs/checks.md`; `checks.md` itself when no row names it.
pub fn check_page(check: &str) -> &'static str {
    let quoted = format!("`{check}`");
    for line in CHECKS_INDEX.lines() {
        let Some(rest) = line.strip_prefix("| [") else {
            continue;
        };
        let Some((page, ids)) = rest.split_once("](") else {
            continue;
        };
        if ids.contains(&quoted) {
            return page;
        }
    }
    "checks.md"
}

/// The section of the check's documentation page about a check id.
pub fn check_url(check: &str) -> String {
    format!(
        "{}#{check}",
        doc_url(&format!("docs/{}", check_page(check)))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_absolute_and_point_at_the_right_page() {
        assert!(repository().starts_with("https://"), "{}", repository());
        assert_eq!(
            cause_url("login-missing"),
            format!("{}/blob/main/docs/causes.md#login-missing", repository())
        );
        assert_eq!(check_page("registry-push"), "checks/registry.md");
        assert_eq!(check_page("image-blobs"), "checks/verify.md");
        assert_eq!(check_page("no-such-check"), "checks.md");
        assert!(check_url("explain").ends_with("/docs/checks/explain.md#explain"));
    }
}
