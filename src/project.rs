//! The project in a working directory, for running with no arguments: its GitHub repository
//! and the ghcr.io images its workflows push, with expressions resolved.
//!
//! `${{ github.repository }}`, `${{ github.repository_owner }}`,
//! `${{ github.event.repository.name }}` and the matching shell variables
//! (`${GITHUB_REPOSITORY,,}`, `$GITHUB_REPOSITORY`, ...) are replaced by the repository found
//! from `--repo`, `GITHUB_REPOSITORY` or the git remote: lowercased where the workflow
//! lowercases (docker/metadata-action, `${VAR,,}`), with the repository's capitals kept
//! everywhere else, because that is what the workflow pushes. A tag that cannot be resolved (`${{ github.sha }}`) is dropped,
//! so the image is probed as `:latest`; an image whose name cannot be resolved is listed as
//! skipped.

use std::path::{Path, PathBuf};

use crate::github::repo_locator::RepoName;
use crate::workflow::PushedImage;

/// The workflows folder of a repository.
pub const WORKFLOWS: &str = ".github/workflows";

crate::finding::check_meta!(
    /// The images the zero-configuration run found in the workflows.
    pub CHECK = "project-images", docs: "project.md", messages: "auto"
);

/// The top of the git work tree holding `dir` (the nearest ancestor with `.git`).
pub fn git_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// An image a workflow pushes, resolved or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub pushed: PushedImage,
    /// The reference to check, when every part of the name could be resolved.
    pub image: Option<String>,
}

/// Resolves one raw image name from a workflow that lowercases it.
pub fn resolve(raw: &str, repo: Option<&RepoName>) -> Option<String> {
    resolve_cased(raw, repo, true)
}

/// Resolves one raw image name from a workflow; `lowercased`: the workflow lowercases the
/// name (else the repository's capitals are kept, except in `${VAR,,}` and `${VAR@L}`).
pub fn resolve_cased(raw: &str, repo: Option<&RepoName>, lowercased: bool) -> Option<String> {
    let mut s = raw.trim().to_owned();
    if let Some(repo) = repo {
        let case = |v: String| {
            if lowercased {
                v.to_ascii_lowercase()
            } else {
                v
            }
        };
        let full = case(format!("{}/{}", repo.owner(), repo.name()));
        let owner = case(repo.owner().to_owned());
        let name = case(repo.name().to_owned());
        let (full_lower, owner_lower) = (full.to_ascii_lowercase(), owner.to_ascii_lowercase());
        for form in ["${GITHUB_REPOSITORY,,}", "${GITHUB_REPOSITORY@L}"] {
            s = s.replace(form, &full_lower);
        }
        for form in [
            "${GITHUB_REPOSITORY_OWNER,,}",
            "${GITHUB_REPOSITORY_OWNER@L}",
        ] {
            s = s.replace(form, &owner_lower);
        }
        for (pattern, value) in [
            ("github.repository_owner", &owner),
            ("github.event.repository.name", &name),
            ("github.repository", &full),
        ] {
            s = replace_expression(&s, pattern, value);
        }
        for (var, value) in [
            ("GITHUB_REPOSITORY_OWNER", &owner),
            ("GITHUB_REPOSITORY", &full),
        ] {
            for form in [format!("${{{var}}}"), format!("${var}")] {
                s = s.replace(&form, value);
            }
        }
    }
    // An unresolved tag or digest is dropped: the image is probed as `:latest`.
    let last_slash = s.rfind('/').unwrap_or(0);
    if let Some(at) = s
        .find('@')
        .filter(|i| *i > last_slash && is_unresolved(&s[*i..]))
    {
        s.truncate(at);
    }
    if let Some(colon) = s[last_slash..].find(':').map(|i| i + last_slash)
        && is_unresolved(&s[colon..])
    {
        s.truncate(colon);
    }
    if is_unresolved(&s) || s.is_empty() {
        return None;
    }
    Some(s)
}

fn is_unresolved(s: &str) -> bool {
    s.contains('$') || s.contains('`') || s.contains("{{")
}

/// Replaces `${{ pattern }}` (any inner spacing, any case) by `value`.
fn replace_expression(s: &str, pattern: &str, value: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${{") {
        let Some(end) = rest[start..].find("}}").map(|e| e + start) else {
            break;
        };
        let inner = rest[start + 3..end].trim();
        out.push_str(&rest[..start]);
        if inner.eq_ignore_ascii_case(pattern) {
            out.push_str(value);
        } else {
            out.push_str(&rest[start..end + 2]);
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Resolves every pushed image; the resolved references are deduplicated in order, by
/// their normalised form (`ghcr.io/o/app` and `ghcr.io/o/app:latest` are one image).
pub fn resolve_all(pushed: Vec<PushedImage>, repo: Option<&RepoName>) -> Vec<Resolved> {
    let mut seen = std::collections::HashSet::new();
    pushed
        .into_iter()
        .filter_map(|p| {
            let image = resolve_cased(&p.raw, repo, p.lowercased);
            // A name with capitals is judged as one image whatever its tag's spelling
            // (`:latest` or none), apart from the same name lowercased.
            let key = image.as_ref().map(|i| {
                let lower = i.to_ascii_lowercase();
                let normal = crate::reference::Reference::parse(&lower)
                    .map_or_else(|_| lower.clone(), |r| r.to_string());
                if *i == lower {
                    normal
                } else {
                    format!("{normal} (cased)")
                }
            });
            match key {
                Some(k) if !seen.insert(k.clone()) => None,
                _ => Some(Resolved { pushed: p, image }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> RepoName {
        RepoName::parse("Octo-Org/My-App").expect("repo")
    }

    #[test]
    fn repository_expressions_resolve_lowercased() {
        let r = repo();
        assert_eq!(
            resolve("ghcr.io/${{ github.repository }}/backend", Some(&r)).as_deref(),
            Some("ghcr.io/octo-org/my-app/backend")
        );
        assert_eq!(
            resolve("ghcr.io/${{github.repository_owner}}/tool:1.2", Some(&r)).as_deref(),
            Some("ghcr.io/octo-org/tool:1.2")
        );
        assert_eq!(
            resolve("ghcr.io/${GITHUB_REPOSITORY,,}:latest", Some(&r)).as_deref(),
            Some("ghcr.io/octo-org/my-app:latest")
        );
        assert_eq!(
            resolve("ghcr.io/${{ GitHub.Event.Repository.Name }}", Some(&r)).as_deref(),
            Some("ghcr.io/my-app")
        );
    }

    #[test]
    fn unresolved_tags_are_dropped_and_unresolved_names_skipped() {
        let r = repo();
        assert_eq!(
            resolve(
                "ghcr.io/${{ github.repository }}:${{ github.sha }}",
                Some(&r)
            )
            .as_deref(),
            Some("ghcr.io/octo-org/my-app")
        );
        assert_eq!(
            resolve(
                "ghcr.io/octo-org/app@${{ steps.d.outputs.digest }}",
                Some(&r)
            )
            .as_deref(),
            Some("ghcr.io/octo-org/app")
        );
        assert_eq!(resolve("ghcr.io/${{ matrix.name }}/x", Some(&r)), None);
        assert_eq!(resolve("ghcr.io/${{ github.repository }}", None), None);
        assert_eq!(resolve("ghcr.io/$(echo x)/app", Some(&r)), None);
        assert_eq!(
            resolve("127.0.0.1:5000/team/app", None).as_deref(),
            Some("127.0.0.1:5000/team/app")
        );
    }

    #[test]
    fn duplicates_collapse() {
        let p = |raw: &str| PushedImage {
            job: "j".into(),
            file: "f".into(),
            line: 1,
            raw: raw.into(),
            lowercased: true,
        };
        let out = resolve_all(
            vec![
                p("ghcr.io/${{ github.repository }}"),
                p("ghcr.io/octo-org/my-app"),
                p("ghcr.io/octo-org/my-app:latest"),
                p("ghcr.io/${{ matrix.x }}"),
            ],
            Some(&repo()),
        );
        assert_eq!(out.len(), 2, "{out:#?}");
        assert_eq!(out[1].image, None);
    }

    #[test]
    fn capitals_are_kept_where_the_workflow_does_not_lowercase() {
        let r = repo();
        assert_eq!(
            resolve_cased("ghcr.io/${{ github.repository }}:1", Some(&r), false).as_deref(),
            Some("ghcr.io/Octo-Org/My-App:1")
        );
        assert_eq!(
            resolve_cased("ghcr.io/$GITHUB_REPOSITORY_OWNER/app", Some(&r), false).as_deref(),
            Some("ghcr.io/Octo-Org/app")
        );
        // `${VAR,,}` lowercases whatever the tool does.
        assert_eq!(
            resolve_cased("ghcr.io/${GITHUB_REPOSITORY,,}", Some(&r), false).as_deref(),
            Some("ghcr.io/octo-org/my-app")
        );
    }

    #[test]
    fn git_root_is_the_nearest_folder_with_dot_git() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("a/b/.github")).expect("dirs");
        std::fs::create_dir(dir.path().join("a/.git")).expect(".git");
        assert_eq!(
            git_root(&dir.path().join("a/b")),
            Some(dir.path().join("a"))
        );
    }
}
