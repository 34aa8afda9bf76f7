//! The integration tests: one binary whose modules mirror `src/`.
//! `support` holds the harness: the scrubbed command runner, and (in later modules) the real
//! registry and the in-process fakes.

mod auto;
mod catalog;
mod check;
mod check_github;
mod cli;
mod conformance;
mod credentials;
mod delivery;
mod dependencies;
mod docs;
mod evidence;
mod explain;
mod explain_run;
mod github;
mod hardening;
mod hostile;
mod hostile_cli;
mod i18n;
mod imports;
mod install;
mod leak;
mod load;
mod login;
mod messages;
mod realm;
mod reference;
mod registry_harness;
mod report;
mod secret;
mod server_harness;
mod support;
mod token;
mod verify;
mod workflow;
mod workflow_fix;
