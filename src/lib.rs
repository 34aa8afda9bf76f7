//! ghcr-doctor: finds out why a CI job cannot push to or pull from ghcr.io (or any OCI
//! registry), and proves that a pushed image is complete.
//!
//! The library holds all logic; the `ghcr-doctor` binary only parses arguments, calls one
//! function here and renders the [`report::Report`] it gets back. Nothing in the library
//! prints.

pub mod access;
pub mod actions;
pub mod catalog;
pub mod check;
pub mod command_words;
pub mod commands;
pub mod credentials;
pub mod denial;
pub mod environment;
pub mod evidence;
pub mod explain;
pub mod finding;
pub mod github;
pub mod home;
pub mod host;
pub mod http;
pub mod image;
pub mod local_file;
pub mod login;
pub mod message;
pub mod project;
pub mod reference;
pub mod register;
pub mod registry;
pub mod report;
pub mod run;
pub mod secret;
pub mod token;
pub mod workflow;
