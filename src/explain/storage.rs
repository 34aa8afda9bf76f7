//! The local image store: failures applying a downloaded layer, not a registry's.
//!
//! After a pull has fetched a layer, the client unpacks it into its own store: containers/storage
//! for podman, buildah and skopeo (`writing blob: adding layer with blob "sha256:...":
//! processing tar file(...)`), the docker daemon's graph driver (`failed to register layer:
//! ApplyLayer exit status 1 ...`), containerd's snapshotter (`failed to extract layer ...`). A
//! failure there (a rootless user namespace without enough sub-IDs, a full disk) carries the
//! words of registry work (`writing blob`, `layer`) but no registry was refused or failed.

/// True when `line` reports a failure of the local store while it applied a layer.
pub(super) fn is_local_layer_failure(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    [
        "adding layer with blob",
        "processing tar file(",
        "insufficient uids or gids",
        "failed to register layer",
        "applylayer exit status",
        "failed to extract layer",
        "no space left on device",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::is_local_layer_failure;

    #[test]
    fn a_layer_the_local_store_could_not_apply_is_recognised() {
        assert!(is_local_layer_failure(
            "Error: writing blob: adding layer with blob \"sha256:2d5e\": processing tar file(potentially insufficient UIDs or GIDs available in user namespace (requested 0:42 for /etc/shadow): lchown /etc/shadow: invalid argument): exit status 1"
        ));
        assert!(is_local_layer_failure(
            "failed to register layer: ApplyLayer exit status 1 stdout:  stderr: write /usr/lib/x: no space left on device"
        ));
        // A registry's refusal of the upload is not the local store's.
        assert!(!is_local_layer_failure(
            "Error: writing blob: initiating layer upload to /v2/o/app/blobs/uploads/ in ghcr.io: denied"
        ));
    }
}
