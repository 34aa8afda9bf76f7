//! The report of `ghcr-doctor token`: one token from standard input, a file or the
//! environment, or (`--registry`) the credential discovery would pick for a registry.

use serde_json::Value;

use crate::credentials::{self, CandidateState, Env, Options};
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Report, Status};
use crate::t;
use crate::token::inspect;
use crate::token::token_present;

/// The registry a bare token is judged for.
const GHCR: &str = crate::host::GHCR;

const COMMAND: &str = "token";

/// Inspects `raw`, found at `source` (`stdin`, `file:PATH`), for ghcr.io.
pub fn report_value(source: &str, raw: &str) -> Report {
    let insp = inspect(raw);
    let mut report = Report::new(COMMAND);
    report.findings = insp.findings(source, GHCR);
    report.extra.insert("token".into(), insp.summary(source));
    report
}

/// Inspects the first usable variable of `names` (default: `GHCR_TOKEN`, then
/// `GITHUB_TOKEN`), saying which variables were empty and skipped.
pub fn report_env(env: &Env, names: Option<Vec<String>>) -> Report {
    let options = Options {
        registry: GHCR.into(),
        token_env: names,
        env: env.clone(),
        ..Options::default()
    };
    let mut report = Report::new(COMMAND);
    let mut empty: Vec<String> = Vec::new();
    for candidate in credentials::env_candidates(&options) {
        match candidate.state {
            CandidateState::Usable(secret) => {
                let source = format!("env:{}", candidate.name);
                for name in &empty {
                    report.push(
                        Finding::new(
                            &token_present::CHECK,
                            Outcome::Warn,
                            format!("env:{name}"),
                            t!(
                                "token.present-empty-skipped",
                                name = name,
                                used = candidate.name
                            ),
                        )
                        .with_cause(CauseId::SecretEmpty)
                        .with_evidence(Fact::variable(name.as_str())),
                    );
                }
                let insp = inspect(secret.expose());
                report.findings.extend(insp.findings(&source, GHCR));
                report.extra.insert("token".into(), insp.summary(&source));
                return report;
            }
            CandidateState::Empty => empty.push(candidate.name),
            CandidateState::Unset => {}
        }
    }
    for name in &empty {
        let target = format!("env:{name}");
        report.push(
            Finding::new(
                &token_present::CHECK,
                Outcome::Fail(CauseId::SecretEmpty),
                &target,
                t!("token.present-empty", source = target),
            )
            .with_evidence(Fact::variable(name.as_str())),
        );
    }
    if empty.is_empty() {
        let names = credentials::token_env_names(&options);
        let message = match names.as_slice() {
            [one] => t!("token.present-unset", name = one),
            many => t!("token.present-none", names = many.join(", ")),
        };
        report.push(Finding::new(
            &token_present::CHECK,
            Outcome::Fail(CauseId::NoCredentials),
            "env",
            message,
        ));
    }
    report.extra.insert("token".into(), Value::Null);
    report
}

/// What credential discovery would use for `options.registry`, inspected for that registry.
pub async fn report_registry(options: &Options) -> Report {
    let registry = credentials::host::canonical(&options.registry);
    let discovery = credentials::discover(options).await;
    let mut report = Report::new(COMMAND);
    report.findings = discovery.findings;
    let Some(credential) = discovery.credential else {
        report.extra.insert("token".into(), Value::Null);
        return report;
    };
    let insp = inspect(credential.secret.expose());
    // `credential-source` already said where the token is and what it is.
    report.findings.extend(
        insp.findings(&credential.source, &registry)
            .into_iter()
            .filter(|f| !(f.check == token_present::CHECK && f.status == Status::Pass)),
    );
    let mut summary = insp.summary(&credential.source);
    if let Value::Object(map) = &mut summary {
        map.insert("registry".into(), Value::from(registry));
        map.insert(
            "username".into(),
            credential.username.as_deref().map_or(Value::Null, |u| {
                Value::from(credentials::display_username(u))
            }),
        );
        map.insert(
            "identity_token".into(),
            Value::from(credential.identity_token),
        );
    }
    report.extra.insert("token".into(), summary);
    report
}
