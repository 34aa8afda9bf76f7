//! Unit tests of `explain::context`.

use super::*;

#[test]
fn signal_names_round_trip() {
    for s in Signal::ALL {
        assert_eq!(Signal::from_name(s.name()), Some(s));
    }
    assert_eq!(Signal::from_name("no-such-signal"), None);
}

#[test]
fn host_detection_picks_the_first_family_named() {
    assert_eq!(
        Host::detect("push ghcr.io/o/n after docker.io/library/x"),
        Some(Host::Ghcr)
    );
    assert_eq!(
        Host::detect("123.dkr.ecr.eu-west-1.amazonaws.com/app"),
        Some(Host::Ecr)
    );
    assert_eq!(
        Host::detect("Logging into Docker Hub..."),
        Some(Host::DockerHub)
    );
    assert_eq!(Host::detect("localhost:5000/app"), None);
}

#[test]
fn permissions_block_without_packages_means_none() {
    let mut t = Tracker::default();
    t.trigger(Trigger::PermissionsBlock, 1, b"", 0, 0, "");
    t.permissions_line("Contents: read");
    t.permissions_line("Metadata: read");
    t.permissions_line("##[endgroup]");
    assert!(t.global().contains(Signal::PackagesNone));
    let mut t = Tracker::default();
    t.trigger(Trigger::PermissionsBlock, 1, b"", 0, 0, "");
    t.permissions_line("Packages: write");
    assert!(t.global().contains(Signal::PackagesWrite));
    assert!(!t.global().contains(Signal::PackagesNone));
}

#[test]
fn docker_advice_to_log_in_is_not_a_login() {
    let mut t = Tracker::default();
    let raw = b"pull access denied for x, repository does not exist or may require 'docker login'";
    let start = 68;
    assert_eq!(&raw[start..start + 12], b"docker login");
    t.trigger(Trigger::LoginAttempt, 1, raw, start, start + 12, "");
    assert!(!t.global().contains(Signal::LoginAttempted));
    let raw = b"Run echo $T | docker login ghcr.io -u octocat --password-stdin";
    t.trigger(
        Trigger::LoginAttempt,
        1,
        raw,
        13,
        25,
        "docker login ghcr.io",
    );
    assert!(t.global().contains(Signal::LoginAttempted));
}

#[test]
fn classic_token_needs_its_full_shape() {
    let mut t = Tracker::default();
    let raw = b"xghp_0123456789abcdefghijABCDEFGHIJ012345";
    t.trigger(Trigger::ClassicPat, 1, raw, 1, 5, "");
    assert!(!t.global().contains(Signal::ClassicPat));
    let raw = b"ghp_0123456789abcdefghijABCDEFGHIJ012345";
    t.trigger(Trigger::ClassicPat, 1, raw, 0, 4, "");
    assert!(t.global().contains(Signal::ClassicPat));
}

#[test]
fn pull_request_target_is_not_a_pull_request() {
    let mut t = Tracker::default();
    let raw = b"eventName: pull_request_target";
    t.trigger(Trigger::PullRequest, 1, raw, 0, 23, "");
    assert!(!t.global().contains(Signal::PullRequest));
    let raw = b"eventName: pull_request";
    t.trigger(Trigger::PullRequest, 1, raw, 0, 23, "");
    assert!(t.global().contains(Signal::PullRequest));
}

#[test]
fn op_of_reads_the_operation_from_the_message() {
    assert_eq!(
        op_of(r#"Error response from daemon: Get "https://ghcr.io/v2/": denied: denied"#),
        Some(Signal::LoginRequest)
    );
    assert_eq!(
        op_of(
            "failed to push ghcr.io/o/a:1: unexpected status from POST request to https://ghcr.io/v2/o/a/blobs/uploads/: 403 Forbidden"
        ),
        Some(Signal::Push)
    );
    assert_eq!(
        op_of(r#"Head "https://ghcr.io/v2/o/a/manifests/latest": unauthorized"#),
        Some(Signal::Pull)
    );
    assert_eq!(
        op_of("error resolving name : unexpected status code [manifests v0.0.1]: 401 UNAUTHORIZED"),
        Some(Signal::Pull)
    );
    assert_eq!(
        op_of(
            "trying to reuse blob sha256:6d8f at destination: checking whether a blob sha256:6d8f exists in ghcr.io/o/a: 403 (Forbidden)"
        ),
        Some(Signal::Push)
    );
    assert_eq!(op_of("denied"), None);
}

#[test]
fn op_of_reads_a_tag_list_request_as_a_read() {
    assert_eq!(
        op_of(
            r#"requesting tags: Get "https://registry.gitlab.com/v2/o/a/tags/list": denied: access forbidden"#
        ),
        Some(Signal::Pull)
    );
    assert_eq!(
        op_of("GET https://quay.io/v2/o/a/tags/list?n=100: UNAUTHORIZED"),
        Some(Signal::Pull)
    );
}

#[test]
fn op_of_reads_a_manifest_upload_and_a_helm_release_from_a_chart() {
    assert_eq!(
        op_of(
            "failed to put manifest ghcr.io/o/app:1: unauthorized: unauthenticated: User cannot be authenticated with the token provided."
        ),
        Some(Signal::Push)
    );
    assert_eq!(
        op_of(
            "Error: INSTALLATION FAILED: failed to authorize: failed to fetch oauth token: unexpected status: 403 Forbidden"
        ),
        Some(Signal::Pull)
    );
    assert_eq!(
        op_of(
            "Error: UPGRADE FAILED: failed to authorize: failed to fetch oauth token: unexpected status: 403 Forbidden"
        ),
        Some(Signal::Pull)
    );
}

#[test]
fn login_from_variables_is_told_apart_from_a_prompt() {
    assert!(takes_credentials_from_variables(
        "Run docker login -u $DOCKER_USER -p $DOCKER_PASSWORD"
    ));
    assert!(takes_credentials_from_variables(
        r#"Run echo "" | docker login https://ghcr.io -u octo --password-stdin"#
    ));
    assert!(!takes_credentials_from_variables(
        "$ docker login ghcr.io -u octo"
    ));
}

#[test]
fn login_action_without_inputs_means_every_secret_was_empty() {
    let mut t = Tracker::default();
    t.trigger(Trigger::LoginAction, 1, b"", 0, 0, "");
    for l in [
        "with:",
        "  registry: ghcr.io",
        "  logout: true",
        "##[endgroup]",
    ] {
        t.login_block_line(l);
    }
    t.login_block_line("Username and password required");
    assert!(t.global().contains(Signal::LoginInputsEmpty));
    let mut t = Tracker::default();
    t.trigger(Trigger::LoginAction, 1, b"", 0, 0, "");
    t.login_block_line("with:");
    t.login_block_line("  username: octocat");
    t.login_block_line("Error: Username and password required");
    assert!(!t.global().contains(Signal::LoginInputsEmpty));
}

#[test]
fn registry_work_lends_context_to_the_next_few_lines() {
    let mut t = Tracker::default();
    t.trigger(Trigger::PullActivity, 10, b"", 0, 0, "");
    assert!(t.context_at(10));
    assert!(t.context_near(11));
    assert!(t.context_near(10 + CONTEXT_LINES));
    assert!(!t.context_near(11 + CONTEXT_LINES));
    assert_eq!(t.recent_op(12), Some(Op::Pull));
    t.trigger(Trigger::PushActivity, 20, b"", 0, 0, "");
    assert_eq!(t.recent_op(21), Some(Op::Push));
}

#[test]
fn a_finished_pull_ends_the_registry_work_it_lent_context_to() {
    let mut t = Tracker::default();
    t.trigger(Trigger::PullActivity, 10, b"", 0, 0, "");
    let done = "Status: Downloaded newer image for acme/agent:latest";
    t.trigger(Trigger::WorkDone, 12, done.as_bytes(), 0, 0, done);
    // The line may name a registry itself (`... for docker.io/...`): still the end.
    t.saw_context(12, done.as_bytes());
    assert!(!t.context_near(13));
    assert!(!t.context_near(15));
    // The next pull lends context again.
    t.trigger(Trigger::PullActivity, 20, b"", 0, 0, "");
    assert!(t.context_near(21));
}

#[test]
fn a_new_step_ends_the_registry_work_of_the_steps_before() {
    let mut t = Tracker::default();
    t.trigger(Trigger::PushActivity, 10, b"", 0, 0, "");
    t.step_started(12);
    assert!(t.context_near(11));
    assert!(!t.context_near(13));
    // A step whose own line shows registry work (`Run docker push ...`) keeps it.
    t.step_started(20);
    t.trigger(Trigger::PushActivity, 20, b"", 0, 0, "");
    assert!(t.context_near(21));
}

#[test]
fn the_daemon_is_near_an_error_report_within_its_lines() {
    let mut t = Tracker::default();
    assert!(!t.daemon_near(5, 2));
    t.trigger(Trigger::Daemon, 7, b"", 0, 0, "");
    assert!(t.daemon_near(5, 2));
    assert!(t.daemon_near(9, 2));
    assert!(!t.daemon_near(4, 2));
    assert!(!t.daemon_near(10, 2));
}

#[test]
fn pulling_from_just_before_an_error_means_the_tag_resolved() {
    let mut t = Tracker::default();
    t.trigger(
        Trigger::PushTarget,
        2,
        b"",
        0,
        0,
        "latest: Pulling from octo/app",
    );
    assert!(t.for_error(3, None).contains(Signal::TagResolved));
    assert!(!t.for_error(9, None).contains(Signal::TagResolved));
}

#[test]
fn a_credential_on_the_command_line_is_a_login() {
    let mut t = Tracker::default();
    let raw = b"skopeo copy --authfile /mnt/auth.json docker://a docker://b";
    t.trigger(Trigger::CredentialFlag, 1, raw, 12, 22, "");
    assert!(t.global().contains(Signal::LoginAttempted));
    assert!(!t.global().contains(Signal::NoLogin));
    let mut t = Tracker::default();
    let raw = b"x--creds";
    t.trigger(Trigger::CredentialFlag, 1, raw, 1, 8, "");
    assert!(t.global().contains(Signal::NoLogin));
}

#[test]
fn log_kind_and_no_login() {
    let mut t = Tracker::default();
    assert!(t.global().contains(Signal::NoLogin));
    t.trigger(Trigger::LogLocal, 1, b"", 0, 0, "");
    t.trigger(
        Trigger::LoginAttempt,
        2,
        b"docker login ghcr.io",
        0,
        12,
        "docker login ghcr.io",
    );
    let g = t.global();
    assert!(g.contains(Signal::LogLocal) && !g.contains(Signal::LogActions));
    assert!(!g.contains(Signal::NoLogin));
}

#[test]
fn a_mistyped_registry_host_is_recognised_in_references_and_urls() {
    assert!(names_mistyped_host(
        "docker push ghrc.io/octocat/app:latest"
    ));
    assert!(names_mistyped_host(
        "Get \"https://dokcer.io/v2/\": dial tcp: lookup dokcer.io: no such host"
    ));
    assert!(names_mistyped_host(
        "The push refers to repository [gchr.io/o/app]"
    ));
    // The real hosts, other registries, and words with dots are not near misses.
    assert!(!names_mistyped_host(
        "docker push ghcr.io/octocat/app:latest"
    ));
    assert!(!names_mistyped_host(
        "docker pull registry.example.com/o/app"
    ));
    assert!(!names_mistyped_host("mcr.microsoft.com/dotnet/sdk:8.0"));
    assert!(!names_mistyped_host("see config.json or version 1.2.3"));
    // A Markdown code span around a correct host is no typo.
    assert!(!names_mistyped_host(
        "Failed to pull `ghcr.io/octo-org/app`: Error response from daemon: denied"
    ));
}

#[test]
fn a_command_that_names_a_mistyped_host_marks_the_errors_after_it() {
    let mut t = Tracker::default();
    let line = "docker push ghrc.io/octocat/app:latest";
    t.trigger(Trigger::PushActivity, 3, line.as_bytes(), 0, 12, line);
    assert!(t.recent_typo(3));
    assert!(t.recent_typo(3 + TYPO_LINES));
    assert!(!t.recent_typo(4 + TYPO_LINES));
    assert!(!t.recent_typo(2), "not before the command");
}

#[test]
fn a_pull_command_names_the_registry_of_the_error_after_it() {
    let mut t = Tracker::default();
    let line = "$ docker pull ghcr.io/octo-org/app";
    t.trigger(Trigger::PullActivity, 1, line.as_bytes(), 2, 14, line);
    assert_eq!(t.target(), Some(Host::Ghcr));
    assert_eq!(t.recent_op(2), Some(Op::Pull));
}

#[test]
fn an_oauth_token_request_without_a_login_used_a_stored_credential() {
    let mut t = Tracker::default();
    t.trigger(Trigger::OauthTokenRequest, 2, b"", 0, 0, "");
    let g = t.global();
    assert!(g.contains(Signal::StoredCredentials));
    assert!(g.contains(Signal::NoLogin));
    // With a login in the log, the credential is that login's.
    let mut t = Tracker::default();
    t.trigger(Trigger::OauthTokenRequest, 2, b"", 0, 0, "");
    t.trigger(Trigger::LoginSucceeded, 1, b"", 0, 0, "");
    assert!(!t.global().contains(Signal::StoredCredentials));
    // An Actions runner starts without stored credentials.
    let mut t = Tracker::default();
    t.trigger(Trigger::OauthTokenRequest, 2, b"", 0, 0, "");
    t.trigger(Trigger::LogActions, 1, b"", 0, 0, "");
    assert!(!t.global().contains(Signal::StoredCredentials));
}

#[test]
fn a_manifest_list_before_manifest_unknown_means_the_tag_resolved() {
    let mut t = Tracker::default();
    t.trigger(Trigger::ManifestList, 3, b"", 0, 0, "");
    assert!(t.for_error(8, None).contains(Signal::TagResolved));
    assert!(
        !t.for_error(3 + MANIFEST_LIST_LINES + 1, None)
            .contains(Signal::TagResolved)
    );
}

#[test]
fn proxy_settings_and_search_registries_are_signals() {
    let mut t = Tracker::default();
    t.trigger(Trigger::Proxy, 1, b"", 0, 0, "");
    assert!(t.global().contains(Signal::ProxyConfigured));
    let mut t = Tracker::default();
    let one = "Trying to pull docker.io/multiarch/ubuntu-core...";
    t.trigger(Trigger::PullActivity, 1, one.as_bytes(), 0, 14, one);
    t.trigger(Trigger::PullActivity, 2, one.as_bytes(), 0, 14, one);
    assert!(
        !t.global().contains(Signal::SearchRegistries),
        "one registry, twice"
    );
    let two = "Trying to pull quay.io/multiarch/ubuntu-core...";
    t.trigger(Trigger::PullActivity, 3, two.as_bytes(), 0, 14, two);
    assert!(t.global().contains(Signal::SearchRegistries));
}

#[test]
fn mirrored_requests_are_recognised() {
    assert!(is_mirror_request(
        "unexpected status from HEAD request to https://mirror.example/v2/library/nginx/manifests/latest?ns=docker.io: 403 Forbidden"
    ));
    assert!(is_mirror_request(
        "HEAD request to https://m.daocloud.io/v2/cr.weaviate.io/semitechnologies/weaviate/manifests/1.25.4: 403 Forbidden"
    ));
    assert!(!is_mirror_request(
        "HEAD request to https://ghcr.io/v2/octo-org/app/manifests/1.0: 403 Forbidden"
    ));
    assert!(!is_mirror_request(
        "Get \"https://registry.example.com/v2/\": 403"
    ));
}

#[test]
fn public_registries_and_official_namespace_pushes_are_recognised() {
    assert!(names_public_registry(
        "HEAD request to https://public.ecr.aws/v2/lambda/python/manifests/3.12: 403 Forbidden"
    ));
    assert!(!names_public_registry(
        "HEAD request to https://123.dkr.ecr.us-east-1.amazonaws.com/v2/app/manifests/1: 403 Forbidden"
    ));
    assert!(pushes_to_official_namespace(
        "The push refers to repository [docker.io/library/webapp]"
    ));
    assert!(pushes_to_official_namespace(
        "POST https://index.docker.io/v2/library/webapp/blobs/uploads/: UNAUTHORIZED: authentication required"
    ));
    assert!(!pushes_to_official_namespace(
        "The push refers to repository [docker.io/octodev/webapp]"
    ));
    // A Docker Hub image pushed to another registry is not a push to Docker Hub.
    assert!(!pushes_to_official_namespace(
        "error pushing image \"docker.io/library/busybox:latest\" to \"atomic:busybox:latest\": Error initiating layer upload to /v2/library/busybox/blobs/uploads/, status 401"
    ));
    // A release tool's push of a one-part reference goes to `docker.io/library/`.
    assert!(pushes_to_official_namespace(
        "docker images: failed to publish artifacts: failed to push webapp:v1.2.0 after 1 tries: failed to push webapp:v1.2.0: exit status 1: denied: requested access to the resource is denied"
    ));
    for other in [
        "failed to push octodev/webapp:v1.2.0: denied: requested access to the resource is denied",
        "failed to push registry.example.com:5000/webapp:1: unexpected status: 401 Unauthorized",
        "failed to push layer: unexpected EOF",
    ] {
        assert!(!pushes_to_official_namespace(other), "{other}");
    }
    // Pulling an official image is what everyone does.
    assert!(!pushes_to_official_namespace(
        "GET https://registry-1.docker.io/v2/library/ubuntu/manifests/22.04"
    ));
}

#[test]
fn docker_hub_requests_without_a_namespace_are_recognised() {
    assert!(requests_hub_without_namespace(
        "GET \"https://registry-1.docker.io/v2/redis/manifests/7\": response status code 401: unauthorized"
    ));
    assert!(requests_hub_without_namespace(
        "Get https://index.docker.io/v2/alpine/blobs/sha256:0123: 401"
    ));
    // The official namespace, a user's namespace, and the ping are names that can exist.
    assert!(!requests_hub_without_namespace(
        "GET \"https://registry-1.docker.io/v2/library/redis/manifests/7\": 401"
    ));
    assert!(!requests_hub_without_namespace(
        "GET \"https://registry-1.docker.io/v2/octodev/redis/manifests/7\": 401"
    ));
    assert!(!requests_hub_without_namespace(
        "Get \"https://registry-1.docker.io/v2/\": unauthorized"
    ));
    // The token scope names the repository as sent, also URL-encoded.
    assert!(requests_hub_without_namespace(
        "'www-authenticate': 'Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:openjdk:pull\",error=\"insufficient_scope\"'"
    ));
    assert!(requests_hub_without_namespace(
        "GET https://auth.docker.io/token?scope=repository%3Aredis%3Apull&service=registry.docker.io: 401"
    ));
    assert!(!requests_hub_without_namespace(
        "GET https://auth.docker.io/token?scope=repository%3Alibrary%2Fredis%3Apull&service=registry.docker.io: 401"
    ));
    assert!(!requests_hub_without_namespace(
        "service=\"registry.docker.io\",scope=\"repository:octodev/app:pull,push\""
    ));
    // Another registry may hold one-part names.
    assert!(!requests_hub_without_namespace(
        "GET \"https://ghcr.io/v2/redis/manifests/7\": 401"
    ));
}

#[test]
fn kanikos_push_check_holds_for_its_refusal_a_few_lines_on() {
    let mut t = Tracker::default();
    let line = "checking push permission for \"123.dkr.ecr.us-east-1.amazonaws.com/app:1\":";
    t.trigger(Trigger::PushCheck, 5, line.as_bytes(), 0, 0, line);
    assert!(t.for_error(5, Some(Host::Ecr)).contains(Signal::PushCheck));
    assert!(t.for_error(8, Some(Host::Ecr)).contains(Signal::PushCheck));
    assert!(!t.for_error(9, Some(Host::Ecr)).contains(Signal::PushCheck));
    assert!(!t.for_error(4, Some(Host::Ecr)).contains(Signal::PushCheck));
    assert_eq!(t.recent_op(6), Some(Op::Push));
}

#[test]
fn a_logout_names_the_registry_whose_credential_it_removed() {
    assert_eq!(logout_host("$ docker logout ghcr.io"), Some(Host::Ghcr));
    assert_eq!(
        logout_host("Removing login credentials for https://index.docker.io/v1/"),
        Some(Host::DockerHub)
    );
    // No host named: Docker Hub's.
    assert_eq!(logout_host("$ docker logout"), Some(Host::DockerHub));
    // A registry of no known family is none of these.
    assert_eq!(logout_host("$ podman logout registry.example.com"), None);
}

#[test]
fn a_full_progress_bar_is_an_upload_only_on_a_push() {
    for (line, uploaded) in [
        (
            "3b1f0d5c7e9a: Pushing [==================================================>]  3.9GB",
            true,
        ),
        (
            "Pushing [==================================================>]  13.99GB",
            true,
        ),
        (
            "3b1f0d5c7e9a: Downloading [==================================================>]  3.9GB",
            false,
        ),
        (
            "Extracting [==================================================>]  3.9GB",
            false,
        ),
    ] {
        let mut t = Tracker::default();
        t.trigger(Trigger::LayerUploaded, 3, line.as_bytes(), 0, 0, line);
        assert_eq!(t.upload_accepted_before(5), uploaded, "{line}");
    }
}

#[test]
fn a_fork_flag_marks_a_pull_request() {
    let mut t = Tracker::default();
    let line = "  IS_FORK: true";
    t.trigger(Trigger::ForkFlag, 2, line.as_bytes(), 5, 15, line);
    assert!(t.global().contains(Signal::PullRequest));
    let mut t = Tracker::default();
    let line = "  IS_FORK: false";
    t.trigger(Trigger::ForkFlag, 2, line.as_bytes(), 5, 15, line);
    assert!(!t.global().contains(Signal::PullRequest));
}

#[test]
fn an_updater_and_the_kubelet_journal_say_who_pulls() {
    let lit = |needle: &str| {
        TRIGGERS
            .iter()
            .find(|(l, _)| *l == needle)
            .map(|(_, t)| *t)
            .expect("trigger literal")
    };
    let mut t = Tracker::default();
    t.trigger(lit("unable to update container "), 3, b"", 0, 0, "");
    assert!(t.global().contains(Signal::UpdatePull));
    assert!(!t.global().contains(Signal::ClusterPull));
    let mut t = Tracker::default();
    t.trigger(lit("kuberuntime_image.go"), 2, b"", 0, 0, "");
    assert!(t.global().contains(Signal::ClusterPull));
    assert!(!t.global().contains(Signal::UpdatePull));
}

#[test]
fn reads_compose_v1_pull_lines() {
    assert!(compose_v1_pull("Pulling web (ghcr.io/o/app:main)..."));
    assert!(compose_v1_pull("Pulling db (postgres:alpine)..."));
    assert!(!compose_v1_pull("Pulling web (ghcr.io/o/app:main)"));
    assert!(!compose_v1_pull("Pulling fs layer"));
    assert!(!compose_v1_pull("Pulling the latest changes (main)..."));
    assert!(!compose_v1_pull(
        "Installing deps (this may take a while)..."
    ));
}
