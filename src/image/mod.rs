//! The image as stored in a registry: its manifests and blobs, and the proof that a pushed
//! image is there and complete.

pub mod batch;
pub mod manifest;
pub mod metadata;
pub mod source;
pub mod summary;
pub mod verify;

pub use batch::{Batch, Job, verify_all};
pub use summary::{SUMMARY_LIMIT, build_report_markdown};
pub use verify::{Expected, Limits, Options, Progress, VerifiedImage, verify};
