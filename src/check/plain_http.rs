//! `plain-http`: `--plain-http` sends the credential unencrypted to a registry that is not on
//! this machine (`check` and `verify` both warn).

use crate::evidence::Fact;
use crate::finding::{Finding, Outcome};
use crate::registry::host::Endpoint;

crate::finding::check_meta!(pub CHECK = "plain-http", docs: "registry.md", messages: "check.plain-http");

/// The warning for `domain`, reached at `endpoint`.
pub fn finding(domain: &str, endpoint: &Endpoint) -> Finding {
    Finding::new(
        &CHECK,
        Outcome::Warn,
        domain,
        crate::t!("check.plain-http", registry = domain),
    )
    .with_evidence(Fact::url(endpoint.base.as_str()))
}
