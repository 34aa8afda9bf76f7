//! Unit tests of the object tying: which failures a later line completes.

use super::{Recovery, Tracker};

type Key = u8;

/// Feeds `log` to a tracker the way the explainer does: every line to `line`, and the lines
/// listed in `failures` (1-based, with their message key) to `failure`.
fn run(log: &str, failures: &[(usize, Key)]) -> Tracker<Key> {
    let mut t = Tracker::default();
    for (i, line) in log.lines().enumerate() {
        let no = i + 1;
        t.line(no, line.as_bytes());
        for (_, key) in failures.iter().filter(|(at, _)| *at == no) {
            t.failure(no, key, line, line);
        }
    }
    t
}

fn recovered(log: &str, failures: &[(usize, Key)], key: Key) -> Option<Recovery> {
    run(log, failures).recovered(&key)
}

#[test]
fn a_manifest_request_is_completed_by_the_same_image_pulled() {
    let log = "\
/usr/bin/docker pull ghcr.io/octo-org/base:1.2
Error response from daemon: Head \"https://ghcr.io/v2/octo-org/base/manifests/1.2\": net/http: TLS handshake timeout
Warning: Docker pull failed with exit code 1, back off 5.1 seconds before retry.
/usr/bin/docker pull ghcr.io/octo-org/base:1.2
1.2: Pulling from octo-org/base
Digest: sha256:4b1f0d5c7e9a2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d
Status: Downloaded newer image for ghcr.io/octo-org/base:1.2";
    let r = recovered(log, &[(2, 1)], 1).expect("recovered");
    assert_eq!(r.object(), "image ghcr.io/octo-org/base:1.2");
    assert_eq!(r.completed, 7);
}

#[test]
fn another_image_or_another_tag_does_not_complete_it() {
    let log = "\
Error response from daemon: Head \"https://ghcr.io/v2/octo-org/base/manifests/1.2\": i/o timeout
Status: Downloaded newer image for ghcr.io/octo-org/base:1.3
Status: Downloaded newer image for ghcr.io/octo-org/other:1.2";
    assert_eq!(recovered(log, &[(1, 1)], 1), None);
}

#[test]
fn a_failure_after_the_completion_undoes_it() {
    let log = "\
Error response from daemon: Head \"https://ghcr.io/v2/o/app/manifests/1\": i/o timeout
Status: Image is up to date for ghcr.io/o/app:1
Error response from daemon: Head \"https://ghcr.io/v2/o/app/manifests/1\": i/o timeout";
    assert_eq!(recovered(log, &[(1, 1), (3, 1)], 1), None);
    // A completion before the failure does not count either.
    let log = "\
Status: Image is up to date for ghcr.io/o/app:1
Error response from daemon: Head \"https://ghcr.io/v2/o/app/manifests/1\": i/o timeout";
    assert_eq!(recovered(log, &[(2, 1)], 1), None);
}

#[test]
fn docker_hub_names_are_one_image() {
    let log = "\
Warning  Failed  kubelet  Failed to pull image \"nginx\": rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/nginx:latest\": failed to do request: Head \"https://registry-1.docker.io/v2/library/nginx/manifests/latest\": dial tcp 54.1.2.3:443: i/o timeout
Normal  BackOff  kubelet  Back-off pulling image \"nginx\"
Normal  Pulled  kubelet  Successfully pulled image \"nginx\" in 3.2s (3.2s including waiting)";
    let r = recovered(log, &[(1, 1)], 1).expect("recovered");
    assert_eq!(r.object(), "image docker.io/library/nginx:latest");
    assert_eq!(r.completed, 3);
}

#[test]
fn a_blob_request_is_completed_by_its_layer() {
    let log = "\
#7 sha256:3b1f0d5c7e9a2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d 12.58MB / 48.12MB 1.2s
#7 ERROR: failed to do request: Get \"https://ghcr.io/v2/o/base/blobs/sha256:3b1f0d5c7e9a2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d\": read: connection reset by peer, retrying
#7 sha256:3b1f0d5c7e9a2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d 48.12MB / 48.12MB 3.9s done";
    let r = recovered(log, &[(2, 1)], 1).expect("recovered");
    assert_eq!(r.object(), "layer 3b1f0d5c7e9a");
    assert_eq!(r.completed, 3);
    // docker's layer lines name the same layer by its short id.
    let log = "\
3b1f0d5c7e9a: Download failed, retrying: unexpected EOF
3b1f0d5c7e9a: Pull complete";
    assert!(recovered(log, &[(1, 1)], 1).is_some());
    let log = "\
3b1f0d5c7e9a: Download failed, retrying: unexpected EOF
4c2a1e6d8f0b: Pull complete";
    assert_eq!(recovered(log, &[(1, 1)], 1), None);
}

#[test]
fn a_login_is_completed_by_login_succeeded_for_the_same_host() {
    let log = "\
Logging into ghcr.io...
Error: Error response from daemon: Get \"https://ghcr.io/v2/\": net/http: request canceled (Client.Timeout exceeded while awaiting headers)
Logging into ghcr.io...
Login Succeeded!";
    let r = recovered(log, &[(2, 1)], 1).expect("recovered");
    assert_eq!(r.object(), "login ghcr.io with docker");
    assert_eq!(r.completed, 4);
    // The second login went to another registry: the first one is not recovered.
    let log = "\
$ docker login ghcr.io -u octocat --password-stdin
Error response from daemon: Get \"https://ghcr.io/v2/\": net/http: TLS handshake timeout
$ docker login -u octocat --password-stdin
Login Succeeded";
    assert_eq!(recovered(log, &[(2, 1)], 1), None);
    // Another client's login to the same host is another operation: helm reads its own CA.
    let log = "\
$ helm registry login core.harbor.domain -u admin -p ***
Error: Get \"https://core.harbor.domain/v2/\": x509: certificate signed by unknown authority
$ docker login core.harbor.domain -u admin -p ***
Login Succeeded";
    assert_eq!(recovered(log, &[(2, 1)], 1), None);
}

#[test]
fn a_push_tag_digest_line_completes_the_push_under_way() {
    let log = "\
The push refers to repository [ghcr.io/o/app]
unexpected status from POST request to https://ghcr.io/v2/o/app/blobs/uploads/: 502 Bad Gateway
The push refers to repository [ghcr.io/o/app]
5f70bf18a086: Pushed
main: digest: sha256:4b1f0d5c7e9a2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d size: 1573";
    let r = recovered(log, &[(2, 1)], 1).expect("recovered");
    assert_eq!(r.object(), "image ghcr.io/o/app");
    assert_eq!(r.completed, 5);
}

#[test]
fn a_failure_without_an_object_is_never_recovered() {
    let log = "\
received unexpected HTTP status: 502 Bad Gateway
Status: Downloaded newer image for ghcr.io/o/app:1
Login Succeeded";
    assert_eq!(recovered(log, &[(1, 1)], 1), None);
    // One untied occurrence keeps the whole message unrecovered.
    let log = "\
Error response from daemon: Head \"https://ghcr.io/v2/o/app/manifests/1\": 502 Bad Gateway
received unexpected HTTP status: 502 Bad Gateway
Status: Downloaded newer image for ghcr.io/o/app:1";
    assert_eq!(recovered(log, &[(1, 1), (2, 1)], 1), None);
}

#[test]
fn the_operation_under_way_ties_a_failure_that_names_nothing() {
    let log = "\
$ docker pull ghcr.io/o/app:1
error pulling image configuration: download failed after attempts=6: unexpected EOF
$ docker pull ghcr.io/o/app:1
Status: Downloaded newer image for ghcr.io/o/app:1";
    assert!(recovered(log, &[(2, 1)], 1).is_some());
}

#[test]
fn objects_followed_are_bounded() {
    let mut t: Tracker<Key> = Tracker::default();
    for i in 0..(super::MAX_OBJECTS + 10) {
        let line = format!(
            "Error response from daemon: Head \"https://ghcr.io/v2/o/app{i}/manifests/1\": i/o timeout"
        );
        t.failure(i + 1, &1, &line, &line);
    }
    assert!(t.objects.len() <= super::MAX_OBJECTS);
    assert!(
        t.ties[&1].untied,
        "a message whose objects cannot all be followed is untied"
    );
}

#[test]
fn a_pull_without_a_tag_is_of_latest_and_another_tag_does_not_recover_it() {
    let log = "\
docker pull gocd/gocd-agent-alpine-3.5
Using default tag: latest
Error response from daemon: manifest for gocd/gocd-agent-alpine-3.5:latest not found
docker pull gocd/gocd-agent-alpine-3.5:v17.3.0
Status: Downloaded newer image for gocd/gocd-agent-alpine-3.5:v17.3.0";
    assert_eq!(recovered(log, &[(3, 1)], 1), None);
    let log = "\
docker pull gocd/gocd-agent-alpine-3.5
Error response from daemon: Get \"https://registry-1.docker.io/v2/\": net/http: TLS handshake timeout
docker pull gocd/gocd-agent-alpine-3.5
Status: Downloaded newer image for gocd/gocd-agent-alpine-3.5:latest";
    let r = recovered(log, &[(2, 1)], 1).expect("recovered");
    assert_eq!(
        r.object(),
        "image docker.io/gocd/gocd-agent-alpine-3.5:latest"
    );
}

#[test]
fn a_secret_in_the_object_is_hidden() {
    // A token pasted where the image's name goes reaches neither the evidence nor the message.
    let secret = "ghp_R8aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT2uV4w";
    let log = format!(
        "docker pull ghcr.io/octo/{secret}:1
Error response from daemon: Head \"https://ghcr.io/v2/octo/{secret}/manifests/1\": net/http: TLS handshake timeout
docker pull ghcr.io/octo/{secret}:1
Status: Downloaded newer image for ghcr.io/octo/{secret}:1"
    );
    let r = recovered(&log, &[(2, 1)], 1).expect("recovered");
    // The object is normalised to lower case, as references are.
    let lower = secret.to_ascii_lowercase();
    assert!(!r.object().contains(&lower), "{}", r.object());
    assert!(!r.object_shown().contains(&lower), "{}", r.object_shown());
    assert!(
        r.object().starts_with("image ghcr.io/octo/"),
        "{}",
        r.object()
    );
}
