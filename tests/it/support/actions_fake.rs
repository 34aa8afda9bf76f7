//! An in-process fake of GitHub's Actions REST endpoints, built from the documented shapes
//! (docs.github.com, "REST API endpoints for workflow runs / workflow jobs / repository
//! contents"), and a second loopback server standing for the host that serves job logs
//! after the API's redirect.
//!
//! | request | answer |
//! |---|---|
//! | `GET /repos/{o}/{r}/actions/runs/{id}` | the run, or 404 |
//! | `GET …/runs/{id}/jobs?per_page=&page=` and `…/runs/{id}/attempts/{n}/jobs` | `{total_count, jobs}` paged |
//! | `GET /repos/{o}/{r}/actions/jobs/{id}` | the job |
//! | `GET /repos/{o}/{r}/actions/jobs/{id}/logs` | 302 to the log host (`Location: …?sig=…`), or 410 when expired |
//! | `GET /repos/{o}/{r}/contents/{path}?ref={sha}` | `{content: base64, encoding: "base64"}` |
//!
//! A private repository answers 404 to every request without the right token, as GitHub
//! does; `rate_limited` answers 403 with `X-RateLimit-Remaining: 0` everywhere.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use serde_json::{Value, json};

use super::http_server::{Req, Resp, Server};

pub const TOKEN: &str = "ghp_fakeActionsReadToken00000000000001Xyz";
pub const REPO: &str = "acme/app";
pub const SHA: &str = "5f3c0ffee5f3c0ffee5f3c0ffee5f3c0ffee5f3c";

/// One job of the fake run.
#[derive(Debug, Clone)]
pub struct FakeJob {
    pub id: u64,
    pub name: String,
    pub conclusion: Option<String>,
    pub log: Option<String>,
}

impl FakeJob {
    pub fn new(id: u64, name: &str, conclusion: Option<&str>, log: Option<&str>) -> FakeJob {
        FakeJob {
            id,
            name: name.into(),
            conclusion: conclusion.map(str::to_owned),
            log: log.map(str::to_owned),
        }
    }

    fn json(&self, run: u64) -> Value {
        let completed = self.conclusion.is_some();
        let failed = self.conclusion.as_deref() == Some("failure");
        json!({
            "id": self.id,
            "run_id": run,
            "name": self.name,
            "status": if completed { "completed" } else { "in_progress" },
            "conclusion": self.conclusion,
            "html_url": format!("https://github.com/{REPO}/actions/runs/{run}/job/{}", self.id),
            "run_attempt": 1,
            "steps": [
                {"name": "Set up job", "number": 1, "status": "completed", "conclusion": "success"},
                {"name": "Build and push", "number": 2, "status": if completed { "completed" } else { "in_progress" },
                 "conclusion": if failed { json!("failure") } else { json!(self.conclusion) }},
            ],
        })
    }
}

/// What the fake serves.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub run_id: u64,
    pub event: String,
    pub actor: String,
    pub head_branch: String,
    pub head_repository: String,
    pub workflow_path: String,
    pub workflow: String,
    pub jobs: Vec<FakeJob>,
    pub private: bool,
    pub rate_limited: bool,
    pub logs_expired: bool,
}

impl Scenario {
    /// A push run of `acme/app` by `octocat`.
    pub fn push(run_id: u64, workflow: &str, jobs: Vec<FakeJob>) -> Scenario {
        Scenario {
            run_id,
            event: "push".into(),
            actor: "octocat".into(),
            head_branch: "main".into(),
            head_repository: REPO.into(),
            workflow_path: ".github/workflows/release.yml".into(),
            workflow: workflow.into(),
            jobs,
            private: true,
            rate_limited: false,
            logs_expired: false,
        }
    }

    fn run_json(&self) -> Value {
        json!({
            "id": self.run_id,
            "name": "release",
            "display_title": "Bump the docker group",
            "head_branch": self.head_branch,
            "head_sha": SHA,
            "path": self.workflow_path,
            "event": self.event,
            "status": "completed",
            "conclusion": "failure",
            "run_attempt": 1,
            "html_url": format!("https://github.com/{REPO}/actions/runs/{}", self.run_id),
            "actor": {"login": self.actor, "type": "User"},
            "triggering_actor": {"login": self.actor, "type": "User"},
            "repository": {"full_name": REPO},
            "head_repository": {"full_name": self.head_repository},
        })
    }
}

/// The two running servers.
pub struct ActionsFake {
    pub api: Server,
    pub logs: Server,
}

fn not_found() -> Resp {
    Resp::new(404).json(json!({
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest",
        "status": "404"
    }))
}

fn query(req: &Req, name: &str) -> Option<usize> {
    req.query_all(name).first().and_then(|v| v.parse().ok())
}

impl ActionsFake {
    pub fn start(scenario: Scenario) -> ActionsFake {
        let logs_by_id: HashMap<String, String> = scenario
            .jobs
            .iter()
            .filter_map(|j| Some((j.id.to_string(), j.log.clone()?)))
            .collect();
        let logs = Server::start(Arc::new(move |req: &Req| {
            let id = req
                .path()
                .trim_start_matches("/job-logs/")
                .trim_end_matches(".txt");
            match logs_by_id.get(id) {
                Some(text) if req.query_all("sig") == ["s1gn3d"] => {
                    let mut r = Resp::new(200).header("content-type", "text/plain");
                    r.body = text.clone().into_bytes();
                    r
                }
                Some(_) => Resp::new(403),
                None => Resp::new(404),
            }
        }));
        let log_base = logs.url();
        let s = scenario;
        let api = Server::start(Arc::new(move |req: &Req| {
            if s.rate_limited {
                return Resp::new(403)
                    .header("x-ratelimit-limit", "60")
                    .header("x-ratelimit-remaining", "0")
                    .header("x-ratelimit-reset", "1767225600")
                    .json(json!({"message": "API rate limit exceeded for 203.0.113.9."}));
            }
            if s.private && req.bearer() != Some(TOKEN) {
                return not_found();
            }
            let path = req.path().to_owned();
            let Some(rest) = path.strip_prefix(&format!("/repos/{REPO}/")) else {
                return not_found();
            };
            let parts: Vec<&str> = rest.split('/').collect();
            let run = s.run_id.to_string();
            match parts.as_slice() {
                ["actions", "runs", id] if *id == run => Resp::new(200).json(s.run_json()),
                ["actions", "runs", id, "jobs"]
                | ["actions", "runs", id, "attempts", "1", "jobs"]
                    if *id == run =>
                {
                    let per_page = query(req, "per_page").unwrap_or(30).clamp(1, 100);
                    let page = query(req, "page").unwrap_or(1).max(1);
                    let jobs: Vec<Value> = s
                        .jobs
                        .iter()
                        .skip((page - 1) * per_page)
                        .take(per_page)
                        .map(|j| j.json(s.run_id))
                        .collect();
                    Resp::new(200).json(json!({"total_count": s.jobs.len(), "jobs": jobs}))
                }
                ["actions", "jobs", id] => match s.jobs.iter().find(|j| j.id.to_string() == *id) {
                    Some(j) => Resp::new(200).json(j.json(s.run_id)),
                    None => not_found(),
                },
                ["actions", "jobs", id, "logs"] => {
                    if s.logs_expired {
                        return Resp::new(410).json(json!({"message": "Gone"}));
                    }
                    match s.jobs.iter().find(|j| j.id.to_string() == *id) {
                        Some(_) => Resp::new(302).header(
                            "location",
                            &format!("{log_base}/job-logs/{id}.txt?sig=s1gn3d"),
                        ),
                        None => not_found(),
                    }
                }
                ["contents", file @ ..]
                    if file.join("/") == s.workflow_path
                        && req.query_all("ref") == [SHA.to_owned()] =>
                {
                    let b64 = base64::engine::general_purpose::STANDARD.encode(&s.workflow);
                    // GitHub wraps the base64 at 60 characters.
                    let wrapped: Vec<String> = b64
                        .as_bytes()
                        .chunks(60)
                        .map(|c| String::from_utf8_lossy(c).into_owned())
                        .collect();
                    Resp::new(200).json(json!({
                        "type": "file",
                        "encoding": "base64",
                        "path": s.workflow_path,
                        "sha": "0b1d",
                        "content": wrapped.join("\n") + "\n",
                    }))
                }
                _ => not_found(),
            }
        }));
        ActionsFake { api, logs }
    }

    /// The paths the API server was asked, in order.
    pub fn api_paths(&self) -> Vec<String> {
        self.api
            .requests()
            .iter()
            .map(|r| r.path().to_owned())
            .collect()
    }
}
