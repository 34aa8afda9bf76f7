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

/// True when the line prints a request to the GitHub Actions cache's storage: BuildKit's `gha`
/// cache exporter and importer (`cache-to: type=gha`) read and write layers through GitHub's
/// cache service, whose blobs live in Azure storage under the fixed container `actions-cache`
/// (`GET https://productionresultssa0.blob.core.windows.net/actions-cache/65d-...`), and the
/// older service's hosts under `actions.githubusercontent.com` (`artifactcache.`, per-region
/// ones such as `acghubeus1.` with `/_apis/artifactcache/` paths, the results service's
/// `results-receiver.`; the pipelines service's uploads are there too), none of which serves
/// images (ghcr.io's blobs come from `pkg-containers.githubusercontent.com`). A 403 or 404 there (a signed
/// URL that expired during a long build, a cache entry evicted) is the cache's, even when
/// BuildKit wraps it in the push it was copying a layer for (`failed to push REF: failed to
/// copy: GET https://...blob.core.windows.net/actions-cache/...`). A registry's own storage
/// (Azure Container Registry's blobs on `*.blob.core.windows.net`) is not under that container.
pub(super) fn requests_actions_cache(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.match_indices("://").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let url = rest
            .split([' ', '"', '\'', '\t', '`'])
            .next()
            .unwrap_or_default();
        let host = url.split(['/', ':']).next().unwrap_or_default();
        (host.ends_with(".blob.core.windows.net") && url.contains("/actions-cache/"))
            || host.ends_with(".actions.githubusercontent.com")
    })
}

#[cfg(test)]
mod tests {
    use super::{is_skipped_import, requests_actions_cache};

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

    #[test]
    fn a_request_to_the_actions_cache_storage_is_recognised() {
        assert!(requests_actions_cache(
            "ERROR: failed to solve: failed to push ghcr.io/o/app:pr-17: failed to copy: GET https://productionresultssa0.blob.core.windows.net/actions-cache/65d-285998874"
        ));
        assert!(requests_actions_cache(
            "ERROR: failed to solve: error writing layer blob: GET https://productionresultssa16.blob.core.windows.net/actions-cache/d00-700429531"
        ));
        assert!(requests_actions_cache(
            "error: Put \"https://artifactcache.actions.githubusercontent.com/abc/_apis/artifactcache/caches/12\": EOF"
        ));
        // A per-region cache host, and the results service's.
        assert!(requests_actions_cache(
            "Error: buildx failed with: ERROR: failed to solve: Get \"https://acghubeus1.actions.githubusercontent.com/k/_apis/artifactcache/cache?keys=buildkit-blob-1-sha256%3Aab&version=1\": net/http: TLS handshake timeout"
        ));
        assert!(requests_actions_cache(
            "#20 ERROR: Post \"https://results-receiver.actions.githubusercontent.com/twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL\": dial tcp 140.82.112.21:443: i/o timeout"
        ));
        // ghcr.io's blob host is under githubusercontent.com, not under its Actions services.
        assert!(!requests_actions_cache(
            "failed to copy: httpReadSeeker: failed open: unexpected status code https://pkg-containers.githubusercontent.com/ghcr1/blobs/sha256:ab: 403 Forbidden"
        ));
        // Azure Container Registry's own blobs are on Azure storage too, in other containers.
        assert!(!requests_actions_cache(
            "failed to copy: httpReadSeeker: failed open: unexpected status code https://myreg.blob.core.windows.net/abc-123/docker/registry/v2/blobs/sha256/aa/data: 403 Forbidden"
        ));
        assert!(!requests_actions_cache(
            "ERROR: failed to solve: failed to push ghcr.io/o/app:1: unexpected status: 403 Forbidden"
        ));
    }
}
