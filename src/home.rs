//! The project's home, declared once in `Cargo.toml` (`repository`), and every link derived
//! from it: the documentation pages that SARIF's `helpUri` and the Markdown report point at,
//! the release downloads and the container image. Moving the project is an edit of
//! `Cargo.toml`.

/// The repository URL from `Cargo.toml`, e.g. `https://github.com/ghcr-doctor/ghcr-doctor`.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// This build's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The repository URL without a trailing slash or `.git`.
pub fn repository() -> &'static str {
    let r = REPOSITORY.trim_end_matches('/');
    r.strip_suffix(".git").unwrap_or(r)
}

/// `owner/name` on GitHub, e.g. `ghcr-doctor/ghcr-doctor` (also the Action's `uses:` name).
pub fn slug() -> &'static str {
    let r = repository();
    r.strip_prefix("https://github.com/").unwrap_or(r)
}

/// The documentation tree of this version: the files under the release tag
/// (`…/blob/vX.Y.Z`), so a link shows the text of the binary that wrote it.
pub fn docs_base() -> String {
    format!("{}/blob/v{VERSION}", repository())
}

/// A documentation file of this version, e.g. `doc("docs/causes.md")`.
pub fn doc(path: &str) -> String {
    format!("{}/{}", docs_base(), path.trim_start_matches('/'))
}

/// The section of `docs/causes.md` for a cause id.
pub fn cause_doc(cause: &str) -> String {
    format!("{}#{cause}", doc("docs/causes.md"))
}

/// The section of `docs/checks/<command>.md` for a check id.
pub fn check_doc(command: &str, check: &str) -> String {
    format!("{}#{check}", doc(&format!("docs/checks/{command}.md")))
}

/// Where the release assets of `version` are downloaded from (`scripts/install.sh`'s default).
pub fn release_download(version: &str) -> String {
    format!(
        "{}/releases/download/v{}",
        repository(),
        version.trim_start_matches('v')
    )
}

/// The container image, `ghcr.io/<owner>/<name>` in lower case (ghcr.io needs it).
pub fn image() -> String {
    format!("ghcr.io/{}", slug().to_ascii_lowercase())
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

/// The section about a check id on the page that documents it, whichever command found it.
pub fn check_url(check: &str) -> String {
    format!("{}#{check}", doc(&format!("docs/{}", check_page(check))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_derives_from_the_repository() {
        assert!(
            REPOSITORY.starts_with("https://github.com/"),
            "{REPOSITORY}"
        );
        let slug = slug();
        assert_eq!(slug.split('/').count(), 2, "owner/name: {slug}");
        assert_eq!(
            cause_doc("login-missing"),
            format!("https://github.com/{slug}/blob/v{VERSION}/docs/causes.md#login-missing")
        );
        assert_eq!(
            check_doc("workflow", "workflow-permissions"),
            format!(
                "https://github.com/{slug}/blob/v{VERSION}/docs/checks/workflow.md#workflow-permissions"
            )
        );
        assert_eq!(
            release_download("v1.2.3"),
            format!("https://github.com/{slug}/releases/download/v1.2.3")
        );
        assert_eq!(image(), format!("ghcr.io/{}", slug.to_ascii_lowercase()));
        assert_eq!(image(), image().to_ascii_lowercase());
    }

    #[test]
    fn a_check_links_to_the_page_that_documents_it() {
        assert_eq!(check_page("registry-push"), "checks/registry.md");
        assert_eq!(check_page("image-blobs"), "checks/verify.md");
        assert_eq!(check_page("no-such-check"), "checks.md");
        assert_eq!(
            check_url("explain"),
            format!("{}#explain", doc("docs/checks/explain.md"))
        );
    }

    #[test]
    fn the_homepage_names_the_same_home() {
        let homepage = env!("CARGO_PKG_HOMEPAGE");
        assert!(
            homepage.starts_with(repository()),
            "Cargo.toml `homepage` ({homepage}) is not under `repository` ({REPOSITORY})"
        );
    }
}
