//! Which GitHub repository a run is about: `--repo OWNER/NAME`, else `GITHUB_REPOSITORY`,
//! else the `origin` remote of the git repository in the working directory, else the
//! image name (`ghcr.io/OWNER/REPO/...`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::ImageRepo;
use crate::credentials::Env;
use crate::t;

/// `OWNER/NAME` as GitHub allows them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RepoName {
    owner: String,
    name: String,
}

/// Why an `OWNER/NAME` is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not OWNER/NAME: {reason}")]
pub struct RepoNameError {
    pub input: String,
    /// A stable key for the reason (`shape`, `owner`, `name`).
    pub reason: &'static str,
}

impl RepoName {
    /// Parses `OWNER/NAME`; a trailing `.git` is dropped. Owners are letters, digits and
    /// hyphens; names add `.` and `_` (GitHub's rules), and `.`/`..` are not names.
    pub fn parse(input: &str) -> Result<RepoName, RepoNameError> {
        let err = |reason| RepoNameError {
            input: input.chars().take(200).collect(),
            reason,
        };
        let trimmed = input.trim().trim_end_matches('/');
        let (owner, name) = trimmed.split_once('/').ok_or_else(|| err("shape"))?;
        let name = name.strip_suffix(".git").unwrap_or(name);
        if owner.is_empty()
            || owner.len() > 39
            || !owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(err("owner"));
        }
        if name.is_empty()
            || name.len() > 100
            || name == "."
            || name == ".."
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(err("name"));
        }
        Ok(RepoName {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Same repository, ignoring case as GitHub does.
    pub fn same_as(&self, full_name: &str) -> bool {
        self.to_string().eq_ignore_ascii_case(full_name)
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Where the repository name came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoSource {
    /// `--repo`.
    Flag,
    /// `GITHUB_REPOSITORY`.
    Env,
    /// The `origin` remote (shown without user information).
    Origin { remote: String },
    /// Derived from an image name; only a guess, since package names need not match.
    Image { image: String },
}

impl RepoSource {
    /// The stable name used in evidence (`flag`, `env`, `origin`, `image`).
    pub fn as_str(&self) -> &'static str {
        match self {
            RepoSource::Flag => "flag",
            RepoSource::Env => "env",
            RepoSource::Origin { .. } => "origin",
            RepoSource::Image { .. } => "image",
        }
    }
}

/// A repository and where its name came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedRepo {
    pub repo: RepoName,
    pub source: RepoSource,
}

/// What [`locate`] looks at.
#[derive(Debug, Clone, Default)]
pub struct Sources<'a> {
    /// `--repo`.
    pub flag: Option<&'a str>,
    pub env: Option<&'a Env>,
    /// The working directory whose git `origin` is read.
    pub dir: Option<&'a Path>,
    /// The GitHub web host whose remotes count (`github.com`, a GHES host).
    pub web_host: &'a str,
    /// The images the run is about.
    pub images: &'a [ImageRepo],
}

/// Where `--repo` or `GITHUB_REPOSITORY` went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocateError {
    #[error("--repo: {0}")]
    Flag(RepoNameError),
    #[error("GITHUB_REPOSITORY: {0}")]
    Env(RepoNameError),
}

impl LocateError {
    /// The error for the user, with what a valid value looks like.
    pub fn message(&self) -> String {
        let (origin, e) = match self {
            LocateError::Flag(e) => ("--repo", e),
            LocateError::Env(e) => ("GITHUB_REPOSITORY", e),
        };
        let reason = match e.reason {
            "owner" => t!("github.repo-name.owner"),
            "name" => t!("github.repo-name.name"),
            _ => t!("github.repo-name.shape"),
        };
        t!(
            "github.repo-name.invalid",
            origin = origin,
            input = e.input,
            reason = reason
        )
    }
}

/// The repository in the documented order. An explicit but malformed `--repo` or
/// `GITHUB_REPOSITORY` is an error (never silently replaced by a guess); a remote that is
/// not on GitHub or an image that does not map to a repository is passed over.
pub fn locate(sources: &Sources<'_>) -> Result<Option<LocatedRepo>, LocateError> {
    if let Some(flag) = sources.flag.filter(|f| !f.trim().is_empty()) {
        let repo = RepoName::parse(flag).map_err(LocateError::Flag)?;
        return Ok(Some(LocatedRepo {
            repo,
            source: RepoSource::Flag,
        }));
    }
    if let Some(value) = sources
        .env
        .and_then(|e| e.get("GITHUB_REPOSITORY"))
        .filter(|v| !v.trim().is_empty())
    {
        let repo = RepoName::parse(value).map_err(LocateError::Env)?;
        return Ok(Some(LocatedRepo {
            repo,
            source: RepoSource::Env,
        }));
    }
    if let Some(dir) = sources.dir
        && let Some(url) = origin_url(dir)
        && let Some((host, repo)) = parse_remote(&url)
        && host_matches(&host, sources.web_host)
    {
        return Ok(Some(LocatedRepo {
            source: RepoSource::Origin {
                remote: format!("{host}/{repo}"),
            },
            repo,
        }));
    }
    for image in sources.images {
        if let Some(repo) = from_image(&image.registry, &image.repository) {
            return Ok(Some(LocatedRepo {
                repo,
                source: RepoSource::Image {
                    image: image.to_string(),
                },
            }));
        }
    }
    Ok(None)
}

/// `ghcr.io/OWNER/REPO[/...]` → `OWNER/REPO`; other registries give nothing.
pub fn from_image(registry: &str, path: &str) -> Option<RepoName> {
    if !registry.eq_ignore_ascii_case("ghcr.io") {
        return None;
    }
    let mut parts = path.split('/');
    let owner = parts.next()?;
    let name = parts.next()?;
    RepoName::parse(&format!("{owner}/{name}")).ok()
}

fn host_matches(host: &str, web_host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let web = web_host.to_ascii_lowercase();
    host == web || host == format!("ssh.{web}") || host == format!("www.{web}")
}

/// The `origin` URL: `git config --get remote.origin.url`, else `.git/config` read directly
/// (git refuses repositories owned by another user, as in many CI containers).
pub fn origin_url(dir: &Path) -> Option<String> {
    let from_git = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["config", "--get", "remote.origin.url"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    from_git.or_else(|| {
        let config = std::fs::read_to_string(git_config_path(dir)?).ok()?;
        origin_from_config(&config)
    })
}

/// The `config` file of the repository containing `dir`, following a worktree's `.git`
/// file (`gitdir: ...`) and its `commondir`.
fn git_config_path(dir: &Path) -> Option<PathBuf> {
    let mut current = Some(dir);
    while let Some(d) = current {
        let dot_git = d.join(".git");
        if dot_git.is_dir() {
            return Some(dot_git.join("config"));
        }
        if dot_git.is_file() {
            let text = std::fs::read_to_string(&dot_git).ok()?;
            let gitdir = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
            let gitdir = d.join(gitdir);
            let common = std::fs::read_to_string(gitdir.join("commondir"))
                .ok()
                .map(|c| gitdir.join(c.trim()))
                .unwrap_or(gitdir);
            return Some(common.join("config"));
        }
        current = d.parent();
    }
    None
}

/// `url` of `[remote "origin"]` in a git config file.
pub fn origin_from_config(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let header: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            in_origin = header == "[remote\"origin\"]";
            continue;
        }
        if in_origin
            && let Some((key, value)) = line.split_once('=')
            && key.trim().eq_ignore_ascii_case("url")
        {
            let value = value.trim().trim_matches('"').trim();
            if !value.is_empty() {
                return Some(value.to_owned());
            }
        }
    }
    None
}

/// Host and repository of a remote URL: `https://[user@]host/o/r[.git]`,
/// `ssh://[user@]host[:port]/o/r.git`, `git://host/o/r`, and scp-like `[user@]host:o/r.git`.
pub fn parse_remote(url: &str) -> Option<(String, RepoName)> {
    let url = url.trim();
    let (host, path) = if let Some((scheme, rest)) = url.split_once("://") {
        if !matches!(
            scheme.to_ascii_lowercase().as_str(),
            "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git"
        ) {
            return None;
        }
        let (authority, path) = rest.split_once('/')?;
        // User information may hold a token (`https://x-access-token:TOKEN@github.com/...`):
        // it is dropped here and never stored.
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = host_port.split(':').next().unwrap_or_default();
        (host.to_owned(), path)
    } else {
        // scp-like syntax: no scheme, a colon before the first slash.
        let (authority, path) = url.split_once(':')?;
        // A slash before the colon makes it a path; one letter is a Windows drive (git's rules).
        if authority.contains('/') || authority.len() == 1 {
            return None;
        }
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        (host.to_owned(), path)
    };
    if host.is_empty() {
        return None;
    }
    let path = path.trim_start_matches('/').trim_end_matches('/');
    let mut parts = path.split('/');
    let owner = parts.next()?;
    let name = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let repo = RepoName::parse(&format!("{owner}/{name}")).ok()?;
    Some((host.to_ascii_lowercase(), repo))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> RepoName {
        RepoName::parse(s).expect("valid name")
    }

    #[test]
    fn repo_names() {
        assert_eq!(name("Acme/My.App_1").to_string(), "Acme/My.App_1");
        assert_eq!(name("acme/app.git").name(), "app");
        for (bad, reason) in [
            ("acme", "shape"),
            ("/app", "owner"),
            ("ac me/app", "owner"),
            ("acme/", "shape"),
            ("acme/.", "name"),
            ("acme/a/b", "name"),
            ("acme/..", "name"),
            ("acme/ap%p", "name"),
        ] {
            assert_eq!(
                RepoName::parse(bad).map_err(|e| e.reason),
                Err(reason),
                "{bad}"
            );
        }
        assert!(name("Acme/App").same_as("acme/app"));
    }

    #[test]
    fn remote_forms() {
        let cases = [
            ("https://github.com/acme/app.git", "github.com"),
            ("https://github.com/acme/app", "github.com"),
            ("https://github.com/acme/app/", "github.com"),
            (
                "https://x-access-token:ghs_secret@github.com/acme/app.git",
                "github.com",
            ),
            ("http://ghe.example.com/acme/app.git", "ghe.example.com"),
            ("git@github.com:acme/app.git", "github.com"),
            ("github.com:acme/app", "github.com"),
            ("ssh://git@github.com/acme/app.git", "github.com"),
            (
                "ssh://git@ssh.github.com:443/acme/app.git",
                "ssh.github.com",
            ),
            ("git://github.com/acme/app.git", "github.com"),
        ];
        for (url, host) in cases {
            let (h, repo) = parse_remote(url).unwrap_or_else(|| panic!("parses {url}"));
            assert_eq!(h, host, "{url}");
            assert_eq!(repo, name("acme/app"), "{url}");
        }
        for bad in [
            "",
            "/srv/git/app.git",
            "file:///srv/acme/app.git",
            "https://gitlab.com/group/sub/app.git",
            "https://github.com/acme",
            "C:/repos/app",
        ] {
            assert_eq!(parse_remote(bad), None, "{bad}");
        }
    }

    #[test]
    fn origin_section_of_a_git_config() {
        let config = "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/up/app\n\
                      [remote \"origin\"]\n\turl = git@github.com:acme/app.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n";
        assert_eq!(
            origin_from_config(config).as_deref(),
            Some("git@github.com:acme/app.git")
        );
        assert_eq!(origin_from_config("[core]\n"), None);
    }

    #[test]
    fn images_map_to_repositories_on_ghcr_only() {
        assert_eq!(
            from_image("ghcr.io", "acme/app/web"),
            Some(name("acme/app"))
        );
        assert_eq!(from_image("ghcr.io", "acme/app"), Some(name("acme/app")));
        assert_eq!(from_image("ghcr.io", "app"), None);
        assert_eq!(from_image("docker.io", "acme/app"), None);
    }

    #[test]
    fn order_flag_env_origin_image() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join(".git")).expect("mkdir .git");
        std::fs::write(
            dir.path().join(".git/config"),
            "[remote \"origin\"]\n  url = https://github.com/from/origin.git\n",
        )
        .expect("write config");
        let env = Env::from_pairs([("GITHUB_REPOSITORY", "from/env")]);
        let images = vec![ImageRepo::new("ghcr.io", "from/image/x")];
        let mut sources = Sources {
            flag: Some("from/flag"),
            env: Some(&env),
            dir: Some(dir.path()),
            web_host: "github.com",
            images: &images,
        };
        let got = |s: &Sources<'_>| locate(s).expect("locates").expect("some");
        assert_eq!(got(&sources).repo, name("from/flag"));
        assert_eq!(got(&sources).source, RepoSource::Flag);
        sources.flag = None;
        assert_eq!(got(&sources).source, RepoSource::Env);
        sources.env = None;
        let located = got(&sources);
        assert_eq!(located.repo, name("from/origin"));
        assert_eq!(
            located.source,
            RepoSource::Origin {
                remote: "github.com/from/origin".into()
            }
        );
        sources.web_host = "ghe.example.com";
        assert_eq!(got(&sources).repo, name("from/image"));
        sources.images = &[];
        assert_eq!(locate(&sources), Ok(None));
    }

    #[test]
    fn malformed_explicit_names_are_errors() {
        let env = Env::from_pairs([("GITHUB_REPOSITORY", "no-slash")]);
        let sources = Sources {
            flag: Some("a b/c"),
            env: Some(&env),
            ..Sources::default()
        };
        assert!(matches!(locate(&sources), Err(LocateError::Flag(_))));
        let sources = Sources {
            env: Some(&env),
            ..Sources::default()
        };
        let err = locate(&sources).expect_err("invalid env");
        assert!(matches!(err, LocateError::Env(_)));
        let message = err.message();
        assert!(
            message.contains("GITHUB_REPOSITORY") && message.contains("no-slash"),
            "{message}"
        );
        assert!(message.contains("OWNER/NAME"), "{message}");
    }

    #[test]
    fn origin_from_git_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        let git = |args: &[&str]| {
            let status = Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("git is installed");
            assert!(status.success(), "git {args:?}");
        };
        git(&["init", "-q"]);
        git(&[
            "remote",
            "add",
            "origin",
            "ssh://git@github.com/acme/app.git",
        ]);
        let sub = dir.path().join("src");
        std::fs::create_dir(&sub).expect("mkdir");
        assert_eq!(
            origin_url(&sub).as_deref(),
            Some("ssh://git@github.com/acme/app.git")
        );
    }

    #[test]
    fn worktree_git_file_leads_to_the_common_config() {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("main/.git");
        let wt_admin = main.join("worktrees/wt");
        std::fs::create_dir_all(&wt_admin).expect("mkdir");
        std::fs::write(
            main.join("config"),
            "[remote \"origin\"]\nurl = https://github.com/acme/app\n",
        )
        .expect("config");
        std::fs::write(wt_admin.join("commondir"), "../..\n").expect("commondir");
        let wt = dir.path().join("wt");
        std::fs::create_dir_all(wt.join("sub")).expect("mkdir wt");
        std::fs::write(wt.join(".git"), format!("gitdir: {}\n", wt_admin.display()))
            .expect(".git file");
        assert_eq!(
            origin_url(&wt.join("sub")).as_deref(),
            Some("https://github.com/acme/app")
        );
    }
}
