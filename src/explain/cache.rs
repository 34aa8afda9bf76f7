//! BuildKit's cache import: the failures it reports on their own step and then ignores.
//!
//! A build with `--cache-from` (`cache-from:` in docker/build-push-action) first imports the
//! cache under a step of its own (`#12 importing cache manifest from REF`). When the cache is
//! not there yet (the first build), not readable or not reachable, BuildKit prints the error on
//! that step (`#12 ERROR: failed to configure registry cache importer: REF: not found`) and
//! builds without the cache (moby/buildkit solver/llbsolver/bridge.go: the importer's error is
//! logged and the lazy cache manager yields no cache). Such a line is no reason a job failed.

/// True when the line is BuildKit's report of a cache import that failed and was skipped
/// (`failed to configure registry cache importer: ...`, any importer type: `registry`, `gha`,
/// `local`, `s3`, `azblob`).
pub(super) fn is_skipped_import(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.find("failed to configure ").is_some_and(|i| {
        let rest = &lower[i + "failed to configure ".len()..];
        rest.split_once(' ').is_some_and(|(kind, tail)| {
            !kind.is_empty()
                && kind.bytes().all(|b| b.is_ascii_alphanumeric())
                && tail.starts_with("cache importer:")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::is_skipped_import;

    #[test]
    fn a_cache_import_buildkit_skipped_is_recognised() {
        assert!(is_skipped_import(
            "#12 ERROR: failed to configure registry cache importer: ghcr.io/o/app:buildcache: not found"
        ));
        assert!(is_skipped_import(
            "ERROR: failed to configure gha cache importer: Get \"https://example.test/\": EOF"
        ));
        // The push itself, or an exporter, is not an import BuildKit skips.
        assert!(!is_skipped_import(
            "ERROR: failed to solve: failed to push ghcr.io/o/app:1: unexpected status: 403 Forbidden"
        ));
        assert!(!is_skipped_import(
            "ERROR: failed to configure registry cache exporter: invalid reference format"
        ));
    }
}
