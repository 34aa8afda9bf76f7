//! trivy's database download: a repository that failed while the next one served the database.
//!
//! trivy pulls its vulnerability and Java databases as OCI artifacts and tries the
//! repositories it is given in turn (`--db-repository` and `--java-db-repository` take a list;
//! from 0.56 the defaults are `mirror.gcr.io/aquasec/trivy-db:2` and
//! `ghcr.io/aquasecurity/trivy-db:2`). A repository that fails is reported on its own line
//! (`ERROR [vulndb] Failed to download artifact repo="..." err="..."`) and the next one is
//! tried; `INFO [vulndb] Artifact successfully downloaded repo="..."` means one of them served
//! it and the scan goes on. Only when every one fails does trivy stop (`failed to download
//! artifact from any source`). A failed repository followed by a download that completed is
//! no reason the job failed (aquasecurity/trivy pkg/db/db.go and pkg/javadb/client.go).

use std::sync::LazyLock;

use memchr::memmem::Finder;

/// The words of trivy's line for a database download that completed. The explainer's matcher
/// lets a line with them past its quick test, so only such lines are looked at here.
pub(super) const WORDS: &[&str] = &[COMPLETED];

const COMPLETED: &str = "Artifact successfully downloaded";

/// At most this many failed repositories are remembered.
pub(super) const MAX_FAILURES: usize = 64;

/// True when `line` is trivy's report of a database download that completed.
/// It runs on every line that passes the matcher's quick test, so its searcher is built once.
pub(super) fn completes_download(line: &[u8]) -> bool {
    // The words and the database's tag, which share no byte, need this many bytes.
    if line.len() < COMPLETED.len() + "[vulndb]".len() {
        return false;
    }
    static COMPLETED_FINDER: LazyLock<Finder<'static>> =
        LazyLock::new(|| Finder::new(COMPLETED.as_bytes()));
    COMPLETED_FINDER.find(line).is_some()
        && (memchr::memmem::find(line, b"[vulndb]").is_some()
            || memchr::memmem::find(line, b"[javadb]").is_some())
}

/// True when `line` is trivy's report of one database repository that failed, after which it
/// tries the next one (not its final `failed to download artifact from any source`).
pub(super) fn is_repository_failure(line: &str) -> bool {
    (line.contains("[vulndb]") || line.contains("[javadb]"))
        && line.contains("Failed to download artifact")
        && line.contains("repo=")
}

#[cfg(test)]
mod tests {
    use super::{completes_download, is_repository_failure};

    #[test]
    fn a_failed_repository_and_a_completed_download_are_recognised() {
        assert!(is_repository_failure(
            "2024-10-21T14:14:30Z\tERROR\t[vulndb] Failed to download artifact\trepo=\"mirror.gcr.io/aquasec/trivy-db:2\" err=\"GET https://mirror.gcr.io/v2/aquasec/trivy-db/manifests/2: TOOMANYREQUESTS\""
        ));
        // The final failure, after every repository failed, is the job's failure.
        assert!(!is_repository_failure(
            "FATAL\tFatal error\tinit error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download vulnerability DB: failed to download artifact from any source"
        ));
        assert!(completes_download(
            b"2024-10-21T14:14:31Z\tINFO\t[vulndb] Artifact successfully downloaded\trepo=\"ghcr.io/aquasecurity/trivy-db:2\""
        ));
        assert!(!completes_download(
            b"Artifact successfully downloaded from https://example.com/app.zip"
        ));
        // The shortest line that holds both the words and a tag passes the length test.
        assert!(completes_download(
            b"[javadb]Artifact successfully downloaded"
        ));
        assert!(!completes_download(
            b"[javadb]Artifact successfully downloade"
        ));
    }
}
