//! Which run, attempt or job `explain` is asked about: a URL copied from the browser
//! (`https://github.com/OWNER/REPO/actions/runs/ID[/attempts/N|/job/JID]`) or `--run ID`
//! with a repository.

use url::Url;

use crate::github::RepoName;
use crate::t;

/// One run, optionally narrowed to an attempt or to one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRef {
    pub repo: RepoName,
    pub run_id: u64,
    /// `/attempts/N`: that attempt's jobs instead of the latest.
    pub attempt: Option<u32>,
    /// `/job/JID`: only that job.
    pub job_id: Option<u64>,
    /// The web host of the URL (`github.com`, a GitHub Enterprise Server host), when given
    /// as a URL.
    pub web_host: Option<String>,
}

/// Why a URL does not name a run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct RunRefError {
    /// What was given, cut to 200 characters.
    pub input: String,
    /// A stable key for the reason (`url`, `shape`, `repo`, `id`).
    pub reason: &'static str,
}

impl RunRefError {
    fn new(input: &str, reason: &'static str) -> Self {
        RunRefError {
            input: input.chars().take(200).collect(),
            reason,
        }
    }

    /// The sentence for the user, with the accepted shapes.
    pub fn message(&self) -> String {
        let reason = match self.reason {
            "url" => t!("run.url.reason-url"),
            "repo" => t!("run.url.reason-repo"),
            "id" => t!("run.url.reason-id"),
            _ => t!("run.url.reason-shape"),
        };
        t!("run.url.invalid", input = self.input, reason = reason)
    }
}

/// True when `arg` is meant as a URL rather than a file name.
pub fn looks_like_url(arg: &str) -> bool {
    let lower = arg.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

impl RunRef {
    /// A run by id in `repo`.
    pub fn new(repo: RepoName, run_id: u64) -> RunRef {
        RunRef {
            repo,
            run_id,
            attempt: None,
            job_id: None,
            web_host: None,
        }
    }

    /// Parses a run, run attempt or job URL. Query and fragment (`?pr=3`, `#step:4:12`)
    /// are ignored.
    pub fn parse_url(input: &str) -> Result<RunRef, RunRefError> {
        let url = Url::parse(input.trim()).map_err(|_| RunRefError::new(input, "url"))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(RunRefError::new(input, "url"));
        }
        let host = url
            .host_str()
            .ok_or_else(|| RunRefError::new(input, "url"))?
            .to_ascii_lowercase();
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        let [owner, name, "actions", "runs", id, rest @ ..] = segments.as_slice() else {
            return Err(RunRefError::new(input, "shape"));
        };
        let repo = RepoName::parse(&format!("{owner}/{name}"))
            .map_err(|_| RunRefError::new(input, "repo"))?;
        let run_id = parse_id(id).ok_or_else(|| RunRefError::new(input, "id"))?;
        let (attempt, job_id) = match rest {
            [] => (None, None),
            ["attempts", n] => (
                Some(
                    n.parse::<u32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| RunRefError::new(input, "id"))?,
                ),
                None,
            ),
            ["job" | "jobs", j] => (
                None,
                Some(parse_id(j).ok_or_else(|| RunRefError::new(input, "id"))?),
            ),
            _ => return Err(RunRefError::new(input, "shape")),
        };
        let web_host = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host,
        };
        Ok(RunRef {
            repo,
            run_id,
            attempt,
            job_id,
            web_host: Some(web_host),
        })
    }

    /// The API base that goes with the URL's host when none was configured:
    /// `github.com` → `https://api.github.com`, a GitHub Enterprise Server host →
    /// `https://HOST/api/v3`.
    pub fn default_api_url(&self) -> Option<String> {
        let host = self.web_host.as_deref()?;
        if host == "github.com" || host == "www.github.com" {
            return Some(crate::github::DEFAULT_API_URL.to_owned());
        }
        Some(format!("https://{host}/api/v3"))
    }
}

/// A run or job id: digits only, not zero.
pub fn parse_id(s: &str) -> Option<u64> {
    (!s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse::<u64>().ok())
        .flatten()
        .filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_attempt_and_job_urls() {
        let r = RunRef::parse_url("https://github.com/Acme/app/actions/runs/123").expect("run");
        assert_eq!(r.repo.to_string(), "Acme/app");
        assert_eq!((r.run_id, r.attempt, r.job_id), (123, None, None));
        assert_eq!(
            r.default_api_url().as_deref(),
            Some("https://api.github.com")
        );

        let a = RunRef::parse_url("https://github.com/acme/app/actions/runs/123/attempts/2")
            .expect("attempt");
        assert_eq!((a.run_id, a.attempt, a.job_id), (123, Some(2), None));

        let j = RunRef::parse_url(
            "https://github.com/acme/app/actions/runs/123/job/456?pr=7#step:4:12",
        )
        .expect("job");
        assert_eq!((j.run_id, j.attempt, j.job_id), (123, None, Some(456)));

        let ghes =
            RunRef::parse_url("https://ghe.example.com/acme/app/actions/runs/9/").expect("ghes");
        assert_eq!(
            ghes.default_api_url().as_deref(),
            Some("https://ghe.example.com/api/v3")
        );
    }

    #[test]
    fn other_urls_are_refused_with_a_reason() {
        for (input, reason) in [
            ("not a url", "url"),
            ("ftp://github.com/acme/app/actions/runs/1", "url"),
            ("https://github.com/acme/app", "shape"),
            ("https://github.com/acme/app/pull/3", "shape"),
            ("https://github.com/acme/app/actions/runs/1/logs", "shape"),
            ("https://github.com/acme/app/actions/runs/abc", "id"),
            ("https://github.com/acme/app/actions/runs/0", "id"),
            (
                "https://github.com/acme/app/actions/runs/1/attempts/x",
                "id",
            ),
            ("https://github.com/ac me/app/actions/runs/1", "repo"),
        ] {
            let e = RunRef::parse_url(input).expect_err(input);
            assert_eq!(e.reason, reason, "{input}");
            assert!(!e.message().is_empty());
        }
    }

    #[test]
    fn urls_are_told_from_files() {
        assert!(looks_like_url("https://github.com/a/b/actions/runs/1"));
        assert!(looks_like_url("HTTP://127.0.0.1/a/b/actions/runs/1"));
        assert!(!looks_like_url("build.log"));
        assert!(!looks_like_url("-"));
    }
}
