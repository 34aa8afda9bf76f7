//! The integration tests: one binary whose modules mirror `src/`.
//! `support` holds the harness: the scrubbed command runner, and (in later modules) the real
//! registry and the in-process fakes.

mod catalog;
mod cli;
mod messages;
mod registry_harness;
mod support;
mod verify;
