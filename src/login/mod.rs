//! Login: choose a credential (GHCR_TOKEN, else GITHUB_TOKEN), prove it against the registry,
//! and write it to docker's config.

pub mod config_file;
