//! The Actions endpoints of GitHub's REST API that `explain` reads: the run, its jobs (every
//! page), one job, a job's log (a redirect to a short-lived download on another host, which
//! is followed without the token) and the workflow file at the run's commit.

use base64::Engine as _;
use futures_util::future::join_all;
use reqwest::header::{ACCEPT, HeaderName};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::github::{API_VERSION, ApiHeaders, ErrorBody, MEDIA_TYPE, RepoName};
use crate::http::{self, BodyLimit, Overflow, Request};
use crate::secret::Secret;
use crate::t;

/// Jobs asked per page (GitHub's maximum).
pub const PER_PAGE: usize = 100;
/// At most this many pages of jobs are read (10,000 jobs).
pub const MAX_PAGES: usize = 100;
/// At most this much of one job's log is read; the rest is left out and said so.
pub const MAX_LOG_BYTES: usize = 64 * 1024 * 1024;

/// An account as the run names it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
pub struct Actor {
    #[serde(default)]
    pub login: String,
}

/// A repository as the run names it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
pub struct RepoRef {
    #[serde(default)]
    pub full_name: String,
}

/// `GET /repos/{owner}/{repo}/actions/runs/{id}`: the fields the diagnosis uses.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
pub struct Run {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display_title: Option<String>,
    #[serde(default)]
    pub head_sha: String,
    #[serde(default)]
    pub head_branch: Option<String>,
    /// The workflow file (`.github/workflows/ci.yml`; `dynamic/...` for GitHub's own).
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub event: String,
    #[serde(default)]
    pub run_attempt: Option<u32>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub actor: Option<Actor>,
    #[serde(default)]
    pub triggering_actor: Option<Actor>,
    #[serde(default)]
    pub head_repository: Option<RepoRef>,
    #[serde(default)]
    pub repository: Option<RepoRef>,
}

/// One step of a job.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
pub struct Step {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub number: u32,
    #[serde(default)]
    pub conclusion: Option<String>,
}

/// One job of a run.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
pub struct Job {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub run_attempt: Option<u32>,
    #[serde(default)]
    pub steps: Vec<Step>,
}

impl Job {
    /// A job whose log is worth reading: it finished and failed (or timed out).
    pub fn failed(&self) -> bool {
        self.status == "completed"
            && matches!(self.conclusion.as_deref(), Some("failure" | "timed_out"))
    }

    /// The first step that failed, by name.
    pub fn failed_step(&self) -> Option<&Step> {
        self.steps
            .iter()
            .find(|s| matches!(s.conclusion.as_deref(), Some("failure" | "timed_out")))
    }
}

#[derive(Debug, Deserialize)]
struct JobsPage {
    #[serde(default)]
    total_count: usize,
    #[serde(default)]
    jobs: Vec<Job>,
}

#[derive(Debug, Deserialize)]
struct Contents {
    #[serde(default)]
    content: String,
    #[serde(default)]
    encoding: String,
}

/// What a request was for, to word its failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Run,
    Jobs,
    Job,
    Log,
    Workflow,
}

impl Resource {
    /// The stable name used in evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Run => "run",
            Resource::Jobs => "jobs",
            Resource::Job => "job",
            Resource::Log => "log",
            Resource::Workflow => "workflow",
        }
    }
}

/// Why the run could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunError {
    /// The API base is not usable.
    #[error("{}", t!("run.error.api-url", url = url, detail = detail))]
    ApiUrl { url: String, detail: String },
    /// 404 (GitHub also answers 404 for a private repository without a token).
    #[error("{}", not_found(*resource, id, repo, *authenticated))]
    NotFound {
        resource: Resource,
        id: String,
        repo: String,
        authenticated: bool,
    },
    /// 401, or 403 that is not a rate limit.
    #[error("{}", denied(*status, message, *authenticated))]
    Denied {
        status: u16,
        message: String,
        authenticated: bool,
    },
    /// 404 or 410 on a job's log, whose job exists.
    #[error("{}", t!("run.error.log-expired", job = job))]
    LogExpired { job: String },
    /// The rate limit is used up.
    #[error("{}", rate_limited(*reset, *authenticated))]
    RateLimited {
        reset: Option<u64>,
        authenticated: bool,
    },
    /// Another status or a body that is not the documented JSON.
    #[error("{}", t!("run.error.unexpected", resource = resource.as_str(), status = status, message = message))]
    Unexpected {
        resource: Resource,
        status: u16,
        message: String,
    },
    /// The network failed.
    #[error("{0}")]
    Http(#[from] http::Error),
}

fn not_found(resource: Resource, id: &str, repo: &str, authenticated: bool) -> String {
    let what = match resource {
        Resource::Run | Resource::Jobs => t!("run.error.not-found-run", id = id, repo = repo),
        Resource::Job | Resource::Log => t!("run.error.not-found-job", id = id, repo = repo),
        Resource::Workflow => t!("run.error.not-found-workflow", id = id, repo = repo),
    };
    if authenticated {
        format!("{what} {}", t!("run.error.not-found-token"))
    } else {
        format!("{what} {}", t!("run.error.no-token"))
    }
}

fn denied(status: u16, message: &str, authenticated: bool) -> String {
    if !authenticated {
        return t!(
            "run.error.denied-anonymous",
            status = status,
            message = message
        );
    }
    if status == 401 {
        t!("run.error.bad-credentials", message = message)
    } else {
        t!("run.error.forbidden", status = status, message = message)
    }
}

fn rate_limited(reset: Option<u64>, authenticated: bool) -> String {
    let mut s = match reset {
        Some(reset) => t!("run.error.rate-limited-until", reset = http_date(reset)),
        None => t!("run.error.rate-limited"),
    };
    if !authenticated {
        s.push(' ');
        s.push_str(&t!("run.error.rate-limited-anonymous"));
    }
    s
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC`.
fn http_date(unix: u64) -> String {
    let unix = i64::try_from(unix).unwrap_or(i64::MAX);
    let (y, m, d) = crate::github::headers::civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// One job's log as downloaded.
#[derive(Debug, Clone)]
pub struct Log {
    pub bytes: Vec<u8>,
    /// The log was longer than [`MAX_LOG_BYTES`]; only its start was read.
    pub truncated: bool,
    /// The host that served the download (after the redirect).
    pub served_by: String,
}

/// The client for the Actions endpoints. The token goes only to the API base's origin.
#[derive(Debug, Clone)]
pub struct RunApi {
    http: http::Client,
    base: Url,
    token: Option<Secret>,
}

impl RunApi {
    /// A client for `base`. Refuses plain HTTP to a host that is not loopback when a token
    /// would travel.
    pub fn new(client: &http::Client, base: &str, token: Option<Secret>) -> Result<Self, RunError> {
        let url = Url::parse(base.trim()).map_err(|e| RunError::ApiUrl {
            url: base.chars().take(200).collect(),
            detail: e.to_string(),
        })?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            return Err(RunError::ApiUrl {
                url: http::redact_url(&url),
                detail: t!("run.error.api-url-shape"),
            });
        }
        if token.is_some() && !client.may_send_credentials(&url) {
            return Err(RunError::ApiUrl {
                url: http::redact_url(&url),
                detail: t!("run.error.api-url-insecure"),
            });
        }
        Ok(RunApi {
            http: client.with_retries(0),
            base: url,
            token,
        })
    }

    /// True when a token is sent.
    pub fn authenticated(&self) -> bool {
        self.token.is_some()
    }

    fn url(&self, segments: &[&str]) -> Url {
        crate::github::url_under(&self.base, segments)
    }

    fn request(&self, url: Url) -> Request {
        let mut request = Request::get(url)
            .header(ACCEPT, MEDIA_TYPE)
            .header(HeaderName::from_static("x-github-api-version"), API_VERSION);
        if let Some(token) = &self.token {
            request = request.auth(http::Auth::Bearer(token.clone()));
        }
        request
    }

    fn error(
        &self,
        resource: Resource,
        id: &str,
        repo: &RepoName,
        response: &http::Response,
    ) -> RunError {
        let status = response.status.as_u16();
        let headers = ApiHeaders::from_response(response);
        let message: String = serde_json::from_slice::<ErrorBody>(&response.body)
            .unwrap_or_default()
            .message
            .chars()
            .filter(|c| !c.is_control())
            .take(300)
            .collect();
        let authenticated = self.authenticated();
        let limited = matches!(status, 403 | 429)
            && (headers.rate_limit.exhausted()
                || headers.retry_after.is_some()
                || message.to_ascii_lowercase().contains("rate limit"));
        if limited {
            return RunError::RateLimited {
                reset: headers.rate_limit.reset,
                authenticated,
            };
        }
        match (status, resource) {
            (404 | 410, Resource::Log) if authenticated => RunError::LogExpired { job: id.into() },
            (404, _) => RunError::NotFound {
                resource,
                id: id.into(),
                repo: repo.to_string(),
                authenticated,
            },
            (401 | 403, _) => RunError::Denied {
                status,
                message,
                authenticated,
            },
            _ => RunError::Unexpected {
                resource,
                status,
                message,
            },
        }
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
        resource: Resource,
        id: &str,
        repo: &RepoName,
    ) -> Result<T, RunError> {
        let response = self.http.send(self.request(url), BodyLimit::JSON).await?;
        if !response.status.is_success() {
            return Err(self.error(resource, id, repo, &response));
        }
        serde_json::from_slice(&response.body).map_err(|e| RunError::Unexpected {
            resource,
            status: response.status.as_u16(),
            message: t!("run.error.not-json", error = e),
        })
    }

    /// `GET /repos/{owner}/{repo}/actions/runs/{id}`.
    pub async fn run(&self, repo: &RepoName, id: u64) -> Result<Run, RunError> {
        let url = self.url(&[
            "repos",
            repo.owner(),
            repo.name(),
            "actions",
            "runs",
            &id.to_string(),
        ]);
        self.get_json(url, Resource::Run, &id.to_string(), repo)
            .await
    }

    /// `GET /repos/{owner}/{repo}/actions/jobs/{id}`.
    pub async fn job(&self, repo: &RepoName, id: u64) -> Result<Job, RunError> {
        let url = self.url(&[
            "repos",
            repo.owner(),
            repo.name(),
            "actions",
            "jobs",
            &id.to_string(),
        ]);
        self.get_json(url, Resource::Job, &id.to_string(), repo)
            .await
    }

    fn jobs_url(&self, repo: &RepoName, run: u64, attempt: Option<u32>, page: usize) -> Url {
        let run = run.to_string();
        let attempt = attempt.map(|a| a.to_string());
        let mut segments = vec!["repos", repo.owner(), repo.name(), "actions", "runs", &run];
        if let Some(a) = &attempt {
            segments.extend(["attempts", a.as_str()]);
        }
        segments.push("jobs");
        let mut url = self.url(&segments);
        url.query_pairs_mut()
            .append_pair("per_page", &PER_PAGE.to_string())
            .append_pair("page", &page.to_string());
        url
    }

    /// Every job of the run (or of one attempt): the first page says how many there are,
    /// the other pages are asked at once.
    pub async fn jobs(
        &self,
        repo: &RepoName,
        run: u64,
        attempt: Option<u32>,
    ) -> Result<Vec<Job>, RunError> {
        let id = run.to_string();
        let first: JobsPage = self
            .get_json(
                self.jobs_url(repo, run, attempt, 1),
                Resource::Jobs,
                &id,
                repo,
            )
            .await?;
        let pages = first.total_count.div_ceil(PER_PAGE).clamp(1, MAX_PAGES);
        let mut jobs = first.jobs;
        let rest = join_all((2..=pages).map(|page| {
            self.get_json::<JobsPage>(
                self.jobs_url(repo, run, attempt, page),
                Resource::Jobs,
                &id,
                repo,
            )
        }))
        .await;
        for page in rest {
            jobs.extend(page?.jobs);
        }
        Ok(jobs)
    }

    /// `GET /repos/{owner}/{repo}/actions/jobs/{id}/logs`: GitHub answers with a redirect
    /// to a download on another host, which the HTTP client follows without the token.
    pub async fn log(&self, repo: &RepoName, job: u64) -> Result<Log, RunError> {
        let url = self.url(&[
            "repos",
            repo.owner(),
            repo.name(),
            "actions",
            "jobs",
            &job.to_string(),
            "logs",
        ]);
        let limit = BodyLimit {
            bytes: MAX_LOG_BYTES,
            overflow: Overflow::Truncate,
        };
        let response = self.http.send(self.request(url), limit).await?;
        if !response.status.is_success() {
            return Err(self.error(Resource::Log, &job.to_string(), repo, &response));
        }
        Ok(Log {
            served_by: response.url.host_str().unwrap_or_default().to_owned(),
            truncated: response.truncated,
            bytes: response.body,
        })
    }

    /// `GET /repos/{owner}/{repo}/contents/{path}?ref={sha}`: the workflow file as the run
    /// used it.
    pub async fn workflow_file(
        &self,
        repo: &RepoName,
        path: &str,
        sha: &str,
    ) -> Result<String, RunError> {
        let mut segments = vec!["repos", repo.owner(), repo.name(), "contents"];
        segments.extend(path.split('/').filter(|s| !s.is_empty() && *s != ".."));
        let mut url = self.url(&segments);
        if !sha.is_empty() {
            url.query_pairs_mut().append_pair("ref", sha);
        }
        let contents: Contents = self.get_json(url, Resource::Workflow, path, repo).await?;
        let bad = |message: String| RunError::Unexpected {
            resource: Resource::Workflow,
            status: 200,
            message,
        };
        if contents.encoding != "base64" {
            return Err(bad(t!(
                "run.error.workflow-encoding",
                encoding = contents.encoding
            )));
        }
        let packed: String = contents
            .content
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(packed)
            .map_err(|e| bad(e.to_string()))?;
        String::from_utf8(bytes).map_err(|_| bad(t!("run.error.workflow-not-utf8")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(http_date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(http_date(1_767_225_600), "2026-01-01 00:00:00 UTC");
        assert_eq!(http_date(951_782_400 + 3661), "2000-02-29 01:01:01 UTC");
    }

    #[test]
    fn failed_jobs_and_steps() {
        let job = Job {
            id: 1,
            status: "completed".into(),
            conclusion: Some("failure".into()),
            steps: vec![
                Step {
                    name: "checkout".into(),
                    number: 1,
                    conclusion: Some("success".into()),
                },
                Step {
                    name: "push".into(),
                    number: 2,
                    conclusion: Some("failure".into()),
                },
            ],
            ..Job::default()
        };
        assert!(job.failed());
        assert_eq!(job.failed_step().map(|s| s.name.as_str()), Some("push"));
        let running = Job {
            status: "in_progress".into(),
            conclusion: None,
            ..job.clone()
        };
        assert!(!running.failed());
        let cancelled = Job {
            conclusion: Some("cancelled".into()),
            ..job
        };
        assert!(!cancelled.failed());
    }

    #[test]
    fn plain_http_with_a_token_only_to_loopback() {
        let client = http::Client::new(http::Options::default()).expect("client");
        let token = || Some(Secret::new("ghp_x"));
        assert!(RunApi::new(&client, "http://api.example.com", token()).is_err());
        assert!(RunApi::new(&client, "http://api.example.com", None).is_ok());
        assert!(RunApi::new(&client, "http://127.0.0.1:1", token()).is_ok());
        assert!(RunApi::new(&client, "ftp://x", None).is_err());
    }
}
