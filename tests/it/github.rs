//! `ghcr_doctor::github` against the in-process fake of GitHub's REST API: one token of
//! each kind GitHub documents, the findings it yields, and the token staying inside.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ghcr_doctor::catalog::CauseId;
use ghcr_doctor::credentials::Credential;
use ghcr_doctor::denial::{self, Denial, Operation};
use ghcr_doctor::finding::{Finding, Status};
use ghcr_doctor::github::{
    self, GithubAssessment, GithubFacts, ImageRepo, Inputs, LocatedRepo, PackageState, RepoName,
    RepoSource,
};
use ghcr_doctor::http;
use ghcr_doctor::secret::Secret;

use crate::support::github_fake::{self as fake, GithubFake};
use crate::support::http_server::{Req, Resp, Server};

mod transport;

/// What GitHub's facts add to a ghcr.io refusal of `operation` worded `answer`, through the
/// one decider.
fn combine_denial(operation: Operation, answer: &str, facts: &GithubFacts) -> Option<CauseId> {
    let refused = Denial {
        operation,
        for_push: operation == Operation::Push,
        status: 403,
        envelope: None,
        bearer_error: None,
        answer: answer.to_owned(),
        token_kind: Some(facts.kind),
        credential_source: None,
        github: true,
        registry: "ghcr.io".into(),
    };
    denial::decide(&refused, Some(facts)).github_cause
}

/// One assessment request.
struct Case {
    token: &'static str,
    images: Vec<&'static str>,
    repo: Option<&'static str>,
    need_push: bool,
    in_actions: bool,
    api_url: Option<String>,
}

impl Case {
    fn new(token: &'static str) -> Case {
        Case {
            token,
            images: vec!["acme/app"],
            repo: Some("acme/app"),
            need_push: true,
            in_actions: false,
            api_url: None,
        }
    }

    fn images(mut self, images: &[&'static str]) -> Case {
        self.images = images.to_vec();
        self
    }

    fn repo(mut self, repo: Option<&'static str>) -> Case {
        self.repo = repo;
        self
    }

    fn pull(mut self) -> Case {
        self.need_push = false;
        self
    }

    fn in_actions(mut self) -> Case {
        self.in_actions = true;
        self
    }

    async fn run(&self, fake: &GithubFake) -> GithubAssessment {
        let client = http::Client::new(http::Options::default()).expect("http client");
        self.run_with(fake, &client).await
    }

    async fn run_with(&self, fake: &GithubFake, client: &http::Client) -> GithubAssessment {
        let credential = Credential {
            username: None,
            secret: Secret::new(self.token),
            source: "env:GHCR_TOKEN".into(),
            identity_token: false,
        };
        let images: Vec<ImageRepo> = self
            .images
            .iter()
            .map(|i| ImageRepo::new("ghcr.io", *i))
            .collect();
        let located = self.repo.map(|r| LocatedRepo {
            repo: RepoName::parse(r).expect("repo name"),
            source: RepoSource::Flag,
        });
        let api_url = self.api_url.clone().unwrap_or_else(|| fake.url());
        let mut inputs = Inputs::new(&api_url, &credential, "ghcr.io");
        inputs.images = &images;
        inputs.repo = located.as_ref();
        inputs.need_push = self.need_push;
        inputs.in_actions = self.in_actions;
        inputs.now = fake.now;
        github::assess(client, &inputs).await
    }
}

fn find<'a>(a: &'a GithubAssessment, check: &str) -> &'a Finding {
    a.findings
        .iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("no {check} finding in {:#?}", a.findings))
}

fn all<'a>(a: &'a GithubAssessment, check: &str) -> Vec<&'a Finding> {
    a.findings.iter().filter(|f| f.check == check).collect()
}

fn assert_finding(f: &Finding, status: Status, cause: Option<&str>, contains: &[&str]) {
    assert_eq!(f.status, status, "{f:#?}");
    assert_eq!(f.cause.as_deref(), cause, "{f:#?}");
    for needle in contains {
        assert!(
            f.message.contains(needle),
            "message of {} lacks {needle:?}: {}",
            f.check,
            f.message
        );
    }
}

#[tokio::test]
async fn classic_token_with_write_packages() {
    let fake = GithubFake::start();
    let a = Case::new(fake::CLASSIC_WRITE).run(&fake).await;
    assert_finding(
        find(&a, "github-token-valid"),
        Status::Pass,
        None,
        &[fake::LOGIN],
    );
    assert_finding(
        find(&a, "github-token-scopes"),
        Status::Pass,
        None,
        &["write:packages", "push"],
    );
    let repo = find(&a, "github-repo-access");
    assert_finding(
        repo,
        Status::Pass,
        None,
        &["acme/app", "push permission: yes"],
    );
    assert_eq!(repo.evidence.json(ghcr_doctor::evidence::Key::Push), true);
    assert_finding(
        find(&a, "github-package"),
        Status::Pass,
        None,
        &["acme/app", "public", "linked to acme/app"],
    );
    assert_finding(
        find(&a, "github-workflow-permissions"),
        Status::Warn,
        Some("workflow-missing-packages-write"),
        &["read-only", "packages: write"],
    );
    assert_eq!(a.facts.login.as_deref(), Some(fake::LOGIN));
    assert!(
        a.facts
            .scopes
            .as_ref()
            .is_some_and(|s| s.lists("write:packages"))
    );
    assert_eq!(
        a.facts.default_workflow_permissions.as_deref(),
        Some("read")
    );
    assert!(!a.facts.installation && !a.facts.fine_grained && !a.facts.rate_limited);
    // The token has the scope, so a write_package denial is the package's access list.
    assert_eq!(
        combine_denial(
            Operation::Push,
            "denied: permission_denied: write_package",
            &a.facts
        )
        .as_deref(),
        Some("package-access-not-granted")
    );
}

#[tokio::test]
async fn classic_token_without_write_packages_names_the_scope_and_where() {
    let fake = GithubFake::start();
    let a = Case::new(fake::CLASSIC_READ).run(&fake).await;
    let scopes = find(&a, "github-token-scopes");
    assert_finding(
        scopes,
        Status::Fail,
        Some("token-missing-scope"),
        &["lacks write:packages", "push", "repo, read:packages"],
    );
    assert!(!scopes.message.contains("does not include package scopes"));
    assert!(
        scopes.fix[0].contains("/settings/tokens") && scopes.fix[0].contains("write:packages"),
        "{:?}",
        scopes.fix
    );
    assert_eq!(
        scopes
            .evidence
            .json(ghcr_doctor::evidence::Key::MissingScope),
        "write:packages"
    );
    // read:packages is enough to look the package up.
    assert_eq!(find(&a, "github-package").status, Status::Pass);
    assert_eq!(
        combine_denial(
            Operation::Push,
            "denied: permission_denied: The token provided does not match expected scopes.",
            &a.facts
        )
        .as_deref(),
        Some("token-missing-scope")
    );
    // The same token may pull.
    let pull = Case::new(fake::CLASSIC_READ).pull().run(&fake).await;
    assert_finding(
        find(&pull, "github-token-scopes"),
        Status::Pass,
        None,
        &["read:packages", "pull"],
    );
    assert_finding(
        find(&pull, "github-workflow-permissions"),
        Status::Pass,
        None,
        &["enough to pull"],
    );
}

#[tokio::test]
async fn repo_scope_alone_is_not_a_package_scope() {
    let fake = GithubFake::start();
    let a = Case::new(fake::CLASSIC_REPO_ONLY).run(&fake).await;
    assert_finding(
        find(&a, "github-token-scopes"),
        Status::Fail,
        Some("token-missing-scope"),
        &["repo scope it has does not include package scopes"],
    );
    assert_finding(
        find(&a, "github-package"),
        Status::Skip,
        None,
        &["lacks read:packages"],
    );
    assert_eq!(a.facts.packages[0].state, PackageState::Unknown);
}

#[tokio::test]
async fn oauth_token_gets_the_gh_refresh_fix() {
    let fake = GithubFake::start();
    let a = Case::new(fake::OAUTH_NO_PACKAGES).run(&fake).await;
    let scopes = find(&a, "github-token-scopes");
    assert_eq!(scopes.cause.as_deref(), Some("token-missing-scope"));
    let host = fake.url().trim_start_matches("http://").to_owned();
    assert_eq!(
        scopes.fix[0],
        format!("Run `gh auth refresh -h {host} -s write:packages`.")
    );
}

#[tokio::test]
async fn expired_token_is_expired_not_just_invalid() {
    let fake = GithubFake::start();
    let a = Case::new(fake::EXPIRED).run(&fake).await;
    let valid = find(&a, "github-token-valid");
    assert_finding(valid, Status::Fail, Some("token-expired"), &["expired on"]);
    assert!(a.facts.expired);
    assert_eq!(a.facts.token_accepted, Some(false));
    for check in [
        "github-token-scopes",
        "github-repo-access",
        "github-package",
    ] {
        assert_finding(find(&a, check), Status::Skip, None, &["did not accept"]);
    }
    assert_eq!(
        combine_denial(Operation::Push, "denied: denied", &a.facts).as_deref(),
        Some("token-expired")
    );
}

#[tokio::test]
async fn token_expiring_in_three_days_is_a_warning_with_the_date() {
    let fake = GithubFake::start();
    let a = Case::new(fake::EXPIRING).run(&fake).await;
    let valid = find(&a, "github-token-valid");
    let date = &fake::expiry_header(fake.now + 3 * 86_400 + 3600)[..16];
    assert_finding(valid, Status::Warn, None, &[date, "in 3 days"]);
    assert!(valid.fix[0].contains("/settings/tokens"), "{:?}", valid.fix);
    assert!(!a.facts.expired);
    assert!(a.facts.expiry.is_some());
}

#[tokio::test]
async fn bad_credentials_are_token_invalid() {
    let fake = GithubFake::start();
    let a = Case::new(fake::BAD).run(&fake).await;
    assert_finding(
        find(&a, "github-token-valid"),
        Status::Fail,
        Some("token-invalid"),
        &["Bad credentials", "expired, revoked or mistyped"],
    );
    assert_eq!(
        combine_denial(Operation::Push, "unauthorized", &a.facts).as_deref(),
        Some("token-invalid")
    );
}

#[tokio::test]
async fn fine_grained_token_is_unsupported_for_ghcr() {
    let fake = GithubFake::start();
    let a = Case::new(fake::FINE_GRAINED).run(&fake).await;
    assert_eq!(find(&a, "github-token-valid").status, Status::Pass);
    assert_finding(
        find(&a, "github-token-scopes"),
        Status::Fail,
        Some("token-fine-grained-unsupported"),
        &["fine-grained"],
    );
    assert_eq!(find(&a, "github-package").status, Status::Skip);
    assert!(a.facts.fine_grained && a.facts.scopes.is_none());
    // The packages API refuses fine-grained tokens, so it is not asked.
    assert!(
        fake.requests()
            .iter()
            .all(|r| !r.path().contains("/packages/"))
    );
    assert_eq!(
        combine_denial(
            Operation::Push,
            "permission_denied: The token provided does not match expected scopes.",
            &a.facts
        )
        .as_deref(),
        Some("token-fine-grained-unsupported")
    );
}

#[tokio::test]
async fn installation_token_is_expected_not_a_failure() {
    let fake = GithubFake::start();
    let a = Case::new(fake::INSTALLATION).in_actions().run(&fake).await;
    assert_finding(
        find(&a, "github-token-valid"),
        Status::Pass,
        None,
        &[
            "installation token",
            "Resource not accessible by integration",
        ],
    );
    assert_finding(
        find(&a, "github-token-scopes"),
        Status::Skip,
        None,
        &["permissions, not scopes"],
    );
    let repo = find(&a, "github-repo-access");
    assert_finding(repo, Status::Pass, None, &["push permission: unknown"]);
    assert_finding(
        find(&a, "github-package"),
        Status::Info,
        None,
        &["workflow token cannot see package acme/app", "acme/app"],
    );
    assert_finding(
        find(&a, "github-workflow-permissions"),
        Status::Skip,
        None,
        &["GITHUB_TOKEN cannot read"],
    );
    assert!(a.facts.installation);
    assert!(a.findings.iter().all(|f| f.status != Status::Fail));
    // The setting is never readable with a GITHUB_TOKEN, so it is not asked for.
    assert!(
        fake.requests()
            .iter()
            .all(|r| !r.path().ends_with("/permissions/workflow"))
    );
    assert_eq!(
        combine_denial(
            Operation::Push,
            "denied: installation not allowed to Write organization package",
            &a.facts
        )
        .as_deref(),
        Some("workflow-missing-packages-write")
    );
}

#[tokio::test]
async fn sso_required_names_the_authorisation_url() {
    let fake = GithubFake::start();
    let a = Case::new(fake::SSO).run(&fake).await;
    assert_eq!(find(&a, "github-token-valid").status, Status::Pass);
    assert_eq!(find(&a, "github-token-scopes").status, Status::Pass);
    for check in ["github-repo-access", "github-package"] {
        let f = find(&a, check);
        assert_finding(
            f,
            Status::Fail,
            Some("sso-not-authorized"),
            &[fake::SSO_URL],
        );
        assert_eq!(
            f.evidence.json(ghcr_doctor::evidence::Key::SsoUrl),
            fake::SSO_URL
        );
    }
    assert!(a.facts.sso_required);
    assert_eq!(a.facts.sso_url.as_deref(), Some(fake::SSO_URL));
    assert_eq!(
        combine_denial(Operation::Push, "denied", &a.facts).as_deref(),
        Some("sso-not-authorized")
    );
}

#[tokio::test]
async fn primary_rate_limit_is_a_skip_not_a_token_failure() {
    let fake = GithubFake::start();
    let a = Case::new(fake::RATE_LIMITED).run(&fake).await;
    let valid = find(&a, "github-token-valid");
    assert_finding(
        valid,
        Status::Skip,
        Some("rate-limited"),
        &[
            "rate limit",
            "used up until",
            "says nothing about the token",
        ],
    );
    assert!(
        valid.fix.iter().any(|l| l.contains("1,000")),
        "{:?}",
        valid.fix
    );
    assert!(
        a.findings.iter().all(|f| f.status == Status::Skip),
        "{:#?}",
        a.findings
    );
    assert!(a.facts.rate_limited);
    assert_eq!(a.facts.token_accepted, None);
    assert_eq!(
        combine_denial(Operation::Push, "denied", &a.facts).as_deref(),
        None
    );
}

#[tokio::test]
async fn secondary_rate_limit_is_a_skip_and_is_not_retried() {
    let fake = GithubFake::start();
    let started = Instant::now();
    let a = Case::new(fake::SECONDARY).run(&fake).await;
    assert_finding(
        find(&a, "github-token-valid"),
        Status::Skip,
        Some("rate-limited"),
        &["secondary rate limit", "retry after 60 s"],
    );
    assert!(a.findings.iter().all(|f| f.status == Status::Skip));
    // One request per endpoint: no retry waited for Retry-After (the default client
    // would retry a 429 three times).
    let user_requests = fake
        .requests()
        .iter()
        .filter(|r| r.path() == "/user")
        .count();
    assert_eq!(user_requests, 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn package_linked_elsewhere_or_unlinked_warns_in_a_job() {
    let fake = GithubFake::start();
    let a = Case::new(fake::CLASSIC_WRITE)
        .images(&[
            "acme/tools/web",
            "acme/orphan",
            "acme/app",
            "acme/tools/web",
        ])
        .in_actions()
        .run(&fake)
        .await;
    let packages = all(&a, "github-package");
    assert_eq!(
        packages.len(),
        3,
        "duplicates are asked once: {packages:#?}"
    );
    let web = packages
        .iter()
        .find(|f| f.target == "ghcr.io/acme/tools/web")
        .expect("tools/web finding");
    assert_finding(
        web,
        Status::Warn,
        Some("package-access-not-granted"),
        &[
            "linked to acme/other, not to acme/app",
            "Manage Actions access",
        ],
    );
    let settings = format!(
        "https://{}/orgs/acme/packages/container/tools%2Fweb/settings",
        fake.url().trim_start_matches("http://")
    );
    assert_eq!(web.fix[0], format!("Open {settings}."));
    assert!(web.fix[1].contains("acme/app") && web.fix[1].contains("Write"));
    let orphan = packages
        .iter()
        .find(|f| f.target == "ghcr.io/acme/orphan")
        .expect("orphan finding");
    assert_finding(
        orphan,
        Status::Warn,
        Some("package-access-not-granted"),
        &["not linked to any repository"],
    );
    let app = packages
        .iter()
        .find(|f| f.target == "ghcr.io/acme/app")
        .expect("app finding");
    assert_eq!(app.status, Status::Pass);
    assert!(a.facts.packages.iter().any(|p| p.name == "tools/web"
        && p.state
            == PackageState::Found {
                owner_kind: "organization",
                visibility: Some("private".into()),
                linked_repository: Some("acme/other".into()),
            }));
    // Outside a job the same mismatch is only a note.
    let local = Case::new(fake::CLASSIC_WRITE)
        .images(&["acme/tools/web"])
        .run(&fake)
        .await;
    assert_eq!(find(&local, "github-package").status, Status::Info);
}

#[tokio::test]
async fn user_owned_and_missing_packages() {
    let fake = GithubFake::start();
    let a = Case::new(fake::CLASSIC_WRITE)
        .images(&["alice/blog", "acme/new-thing"])
        .repo(Some("alice/blog"))
        .run(&fake)
        .await;
    let blog = all(&a, "github-package")
        .into_iter()
        .find(|f| f.target == "ghcr.io/alice/blog")
        .expect("blog");
    assert_finding(blog, Status::Pass, None, &["linked to alice/blog"]);
    assert_eq!(
        blog.evidence.json(ghcr_doctor::evidence::Key::OwnerKind),
        "user"
    );
    let new = all(&a, "github-package")
        .into_iter()
        .find(|f| f.target == "ghcr.io/acme/new-thing")
        .expect("new-thing");
    assert_finding(
        new,
        Status::Info,
        None,
        &["does not exist yet", "first push"],
    );
    assert!(
        a.facts
            .packages
            .iter()
            .any(|p| p.name == "new-thing" && p.state == PackageState::NotFound)
    );
}

#[tokio::test]
async fn repository_cases() {
    let fake = GithubFake::start();
    let renamed = Case::new(fake::CLASSIC_WRITE)
        .repo(Some("acme/old-name"))
        .run(&fake)
        .await;
    assert_finding(
        find(&renamed, "github-repo-access"),
        Status::Warn,
        None,
        &["acme/old-name is now acme/new-name"],
    );
    let readonly = Case::new(fake::CLASSIC_WRITE)
        .repo(Some("acme/readonly"))
        .run(&fake)
        .await;
    assert_finding(
        find(&readonly, "github-repo-access"),
        Status::Warn,
        None,
        &["no write role"],
    );
    let missing = Case::new(fake::CLASSIC_WRITE)
        .repo(Some("acme/nope"))
        .run(&fake)
        .await;
    assert_finding(
        find(&missing, "github-repo-access"),
        Status::Warn,
        None,
        &["404", "acme/nope"],
    );
    assert_finding(
        find(&missing, "github-workflow-permissions"),
        Status::Skip,
        None,
        &["admin rights"],
    );
    let none = Case::new(fake::CLASSIC_WRITE).repo(None).run(&fake).await;
    for check in ["github-repo-access", "github-workflow-permissions"] {
        assert_finding(
            find(&none, check),
            Status::Skip,
            None,
            &["--repo OWNER/NAME"],
        );
    }
}
