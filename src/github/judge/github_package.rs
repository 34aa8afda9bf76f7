//! `github-package`: the container package behind each image.

use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::github::facts::{GithubFacts, PackageState};
use crate::github::scopes::READ_PACKAGES;
use crate::github::{Failure, OwnerKind, Package, Reply};
use crate::{t, tl};

use super::{Answer, Judge};

crate::finding::check_meta!(pub CHECK = "github-package", docs: "github.md", messages: "github.package");

impl Judge<'_> {
    /// `replies` are the organisation's and the user's answer; `None` when GitHub was not
    /// asked (a fine-grained token).
    pub(crate) fn package(
        &self,
        owner: &str,
        name: &str,
        replies: Option<(&Answer<Package>, &Answer<Package>)>,
        facts: &GithubFacts,
    ) -> (Finding, PackageState) {
        let target = format!("{}/{owner}/{name}", self.inputs.registry);
        let unknown = |f: Finding| (f, PackageState::Unknown);
        let Some((org, user)) = replies.filter(|_| !facts.fine_grained) else {
            return unknown(self.skip(
                &CHECK,
                &target,
                t!("github.package.fine-grained-cannot-look"),
            ));
        };
        if let Some(scopes) = &facts.scopes
            && !scopes.grants(READ_PACKAGES)
        {
            return unknown(self.skip(
                &CHECK,
                &target,
                t!("github.package.no-read-scope", scope = READ_PACKAGES),
            ));
        }
        if facts.token_accepted == Some(false) {
            return unknown(self.skip(&CHECK, &target, t!("github.skip.token-rejected")));
        }
        let answers = [(OwnerKind::Organization, org), (OwnerKind::User, user)];
        for (kind, answer) in &answers {
            if let Ok(Reply {
                result: Ok(package),
                ..
            }) = answer
            {
                return self.package_found(&target, owner, name, *kind, package, facts);
            }
        }
        let replies: Vec<&Reply<Package>> = answers
            .iter()
            .filter_map(|(_, a)| a.as_ref().ok())
            .collect();
        let Some(first) = replies.first() else {
            let error = answers
                .iter()
                .find_map(|(_, a)| a.as_ref().err())
                .map(|e| self.network(&CHECK, &target, e));
            return unknown(error.unwrap_or_else(|| {
                self.skip(
                    &CHECK,
                    &target,
                    t!("github.skip.unexpected", status = 0, message = ""),
                )
            }));
        };
        // The most telling failure of the two answers decides.
        for reply in &replies {
            if let Err(f @ (Failure::SsoRequired { .. } | Failure::RateLimited { .. })) =
                &reply.result
            {
                return unknown(self.not_judged(&CHECK, &target, reply.status, f));
            }
        }
        let invisible = replies.iter().all(|r| {
            matches!(
                r.result,
                Err(Failure::NotFound | Failure::NotAccessible { .. } | Failure::Forbidden { .. })
            )
        });
        if !invisible {
            let reply = replies
                .iter()
                .find(|r| !matches!(r.result, Err(Failure::NotFound)))
                .unwrap_or(first);
            return match &reply.result {
                Err(f) => unknown(self.not_judged(&CHECK, &target, reply.status, f)),
                Ok(_) => unknown(self.skip(
                    &CHECK,
                    &target,
                    t!(
                        "github.skip.unexpected",
                        status = reply.status,
                        message = ""
                    ),
                )),
            };
        }
        if facts.installation {
            let repo = self.inputs.repo.map_or_else(
                || t!("github.value.this-repository"),
                |r| r.repo.to_string(),
            );
            return unknown(self.finding(
                &CHECK,
                Outcome::Info,
                &target,
                t!(
                    "github.package.installation-cannot-see",
                    package = format!("{owner}/{name}"),
                    repo = repo
                ),
            ));
        }
        (
            self.finding(
                &CHECK,
                Outcome::Info,
                &target,
                t!(
                    "github.package.not-found",
                    package = format!("{owner}/{name}"),
                    owner = owner
                ),
            ),
            PackageState::NotFound,
        )
    }

    pub(crate) fn package_found(
        &self,
        target: &str,
        owner: &str,
        name: &str,
        kind: OwnerKind,
        package: &Package,
        facts: &GithubFacts,
    ) -> (Finding, PackageState) {
        let linked = package.repository.as_ref().map(|r| r.full_name.clone());
        let visibility = package.visibility.clone();
        let state = PackageState::Found {
            owner_kind: kind.as_str(),
            visibility: visibility.clone(),
            linked_repository: linked.clone(),
        };
        let shown = format!("{owner}/{name}");
        let visibility_text = visibility
            .clone()
            .unwrap_or_else(|| t!("github.value.unknown"));
        let mismatch = self
            .inputs
            .repo
            .filter(|r| linked.as_deref().is_none_or(|l| !r.repo.same_as(l)));
        let mut f = if let Some(repo) = mismatch {
            let in_job = self.inputs.in_actions || facts.installation;
            let status = if in_job { Status::Warn } else { Status::Info };
            let message = match &linked {
                Some(l) => t!(
                    "github.package.other-repository",
                    package = shown,
                    linked = l,
                    repo = repo.repo
                ),
                None => t!("github.package.unlinked", package = shown, repo = repo.repo),
            };
            let encoded = name.replace('/', "%2F");
            let settings = match kind {
                OwnerKind::Organization => format!(
                    "https://{}/orgs/{owner}/packages/container/{encoded}/settings",
                    self.web
                ),
                OwnerKind::User => format!(
                    "https://{}/users/{owner}/packages/container/{encoded}/settings",
                    self.web
                ),
            };
            self.finding(
                &CHECK,
                Outcome::of(status, CauseId::PackageAccessNotGranted),
                target,
                message,
            )
            .with_fix(tl!(
                "github.fix.manage-actions-access",
                url = settings,
                repo = repo.repo
            ))
            .with_cause(CauseId::PackageAccessNotGranted)
            .with_evidence(Fact::settings_url(settings))
        } else {
            let message = match &linked {
                Some(l) => t!(
                    "github.package.found-linked",
                    package = shown,
                    visibility = visibility_text,
                    linked = l
                ),
                None => t!(
                    "github.package.found-unlinked",
                    package = shown,
                    visibility = visibility_text
                ),
            };
            self.finding(&CHECK, Outcome::Pass, target, message)
        };
        f = f.with_evidence(Fact::owner_kind(kind.as_str()));
        if let Some(v) = visibility {
            f = f.with_evidence(Fact::visibility(v));
        }
        if let Some(l) = linked {
            f = f.with_evidence(Fact::linked_repository(l));
        }
        (f, state)
    }
}
