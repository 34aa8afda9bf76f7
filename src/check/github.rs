//! The GitHub API side of `check`: which registries it applies to, the inputs built from the
//! run (credential, images, repository), and the assessment run beside the registry chains.

use std::path::PathBuf;

use crate::credentials::{Credential, Env};
use crate::finding::{Finding, Outcome};
use crate::github::repo_locator::{self, LocateError, Sources};
use crate::github::{self, GithubAssessment, ImageRepo, Inputs};
use crate::reference::Reference;
use crate::t;

/// How `check` consults GitHub's REST API (`--github`, `--no-github`, `--github-api-url`,
/// `--repo`). `None` in [`super::Options::github`] means GitHub is never asked.
#[derive(Clone, Default)]
pub struct GithubOptions {
    /// `--github`: consult GitHub for every registry, not only ghcr.io.
    pub forced: bool,
    /// `--github-api-url`; `GITHUB_API_URL` from [`GithubOptions::env`] otherwise.
    pub api_url: Option<String>,
    /// `--repo OWNER/NAME`.
    pub repo: Option<String>,
    /// The environment (`GITHUB_API_URL`, `GITHUB_REPOSITORY`, `GITHUB_ACTIONS`).
    pub env: Env,
    /// The directory whose git `origin` names the repository (the working directory).
    pub dir: Option<PathBuf>,
}

// By hand: the environment may hold tokens, so only the names GitHub's side reads are shown.
impl std::fmt::Debug for GithubOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubOptions")
            .field("forced", &self.forced)
            .field("api_url", &self.api_url)
            .field("repo", &self.repo)
            .field("GITHUB_API_URL", &self.env.get("GITHUB_API_URL"))
            .field("GITHUB_REPOSITORY", &self.env.get("GITHUB_REPOSITORY"))
            .field("GITHUB_ACTIONS", &self.env.get("GITHUB_ACTIONS"))
            .field("dir", &self.dir)
            .finish()
    }
}

impl GithubOptions {
    /// The API base: `--github-api-url`, else `GITHUB_API_URL`, else `https://api.github.com`.
    pub fn api_url(&self) -> String {
        github::api_url(self.api_url.as_deref(), &self.env)
    }

    /// True inside a GitHub Actions job.
    pub fn in_actions(&self) -> bool {
        self.env
            .get("GITHUB_ACTIONS")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// Checks `--repo` and `GITHUB_REPOSITORY` before anything runs: a malformed one is an
    /// error, never replaced with a guess. (The git remote and the images are looked at
    /// only when GitHub is consulted.)
    pub fn validate(&self) -> Result<(), LocateError> {
        let web = github::web_host(&self.api_url()).unwrap_or_else(|| "github.com".into());
        repo_locator::locate(&Sources {
            flag: self.repo.as_deref(),
            env: Some(&self.env),
            dir: None,
            web_host: &web,
            images: &[],
        })
        .map(|_| ())
    }
}

/// One registry's GitHub assessment, run beside its chain.
pub(super) async fn assess(
    ctx: &super::Context,
    options: &GithubOptions,
    domain: &str,
    credential: Option<&Credential>,
    references: &[&Reference],
) -> GithubAssessment {
    let api_url = options.api_url();
    let images: Vec<ImageRepo> = references
        .iter()
        .map(|r| ImageRepo::new(r.domain(), r.repository()))
        .collect();
    let Some(credential) = credential else {
        return skipped(&api_url, domain, t!("check.github.no-credential"));
    };
    let web = github::web_host(&api_url).unwrap_or_else(|| "github.com".into());
    let located = repo_locator::locate(&Sources {
        flag: options.repo.as_deref(),
        env: Some(&options.env),
        dir: options.dir.as_deref(),
        web_host: &web,
        images: &images,
    });
    let repo = match located {
        Ok(r) => r,
        // Validated before the run; only a changed environment gets here.
        Err(e) => return skipped(&api_url, domain, e.message()),
    };
    let mut inputs = Inputs::new(&api_url, credential, domain);
    inputs.kind = crate::token::inspect(credential.secret.expose()).kind;
    inputs.images = &images;
    inputs.repo = repo.as_ref();
    inputs.need_push = !ctx.options.pull_only;
    inputs.in_actions = options.in_actions();
    github::assess(&ctx.http, &inputs).await
}

/// Every GitHub check skipped with `message` (nothing was sent to GitHub).
fn skipped(api_url: &str, domain: &str, message: String) -> GithubAssessment {
    let findings = github::CHECK_IDS
        .iter()
        .map(|id| Finding::new(id, Outcome::Skip, domain, message.clone()))
        .collect();
    GithubAssessment {
        findings,
        facts: github::GithubFacts::unconsulted(api_url, crate::token::TokenKind::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(pairs: &[(&str, &str)]) -> GithubOptions {
        GithubOptions {
            env: Env::from_pairs(pairs.iter().copied()),
            ..GithubOptions::default()
        }
    }

    #[test]
    fn debug_never_shows_the_environment() {
        let o = options(&[
            ("GHCR_TOKEN", "ghp_secretsecret"),
            ("GITHUB_ACTIONS", "true"),
        ]);
        let text = format!("{o:?}");
        assert!(!text.contains("secretsecret"), "{text}");
        assert!(text.contains("GITHUB_ACTIONS"), "{text}");
    }

    #[test]
    fn api_url_actions_and_repo_validation() {
        assert_eq!(options(&[]).api_url(), github::DEFAULT_API_URL);
        let ghes = options(&[
            ("GITHUB_API_URL", "https://ghe.example/api/v3"),
            ("GITHUB_ACTIONS", "true"),
        ]);
        assert_eq!(ghes.api_url(), "https://ghe.example/api/v3");
        assert!(ghes.in_actions());
        assert!(!options(&[("GITHUB_ACTIONS", "false")]).in_actions());
        assert!(
            options(&[("GITHUB_REPOSITORY", "acme/app")])
                .validate()
                .is_ok()
        );
        assert!(
            options(&[("GITHUB_REPOSITORY", "acme")])
                .validate()
                .is_err()
        );
        let flag = GithubOptions {
            repo: Some("a b/c".into()),
            ..options(&[("GITHUB_REPOSITORY", "acme/app")])
        };
        assert!(matches!(flag.validate(), Err(LocateError::Flag(_))));
    }
}
