//! Unit tests of `explain`.

use super::*;

#[test]
fn repeated_message_is_one_explanation_with_its_count() {
    let mut log = String::new();
    for _ in 0..40 {
        log.push_str("denied: permission_denied: write_package\n");
    }
    let s = scan(log.as_bytes()).expect("scan");
    assert_eq!(s.explanations.len(), 1);
    assert_eq!(s.explanations[0].count, 40);
    assert_eq!(s.explanations[0].line, 1);
    assert_eq!(s.explanations[0].lines.len(), MAX_LINES_KEPT);
}

#[test]
fn classify_maps_live_answers_like_explain() {
    let plain = Hints::default();
    let fine = Hints {
        token_kind: Some(TokenKind::FineGrainedPat),
        ..Hints::default()
    };
    let classic = Hints {
        token_kind: Some(TokenKind::ClassicPat),
        ..Hints::default()
    };
    let scopes = "permission_denied: The token provided does not match expected scopes.";
    assert_eq!(
        classify(scopes, &classic).map(|c| c.cause).as_deref(),
        Some("token-missing-scope")
    );
    assert_eq!(
        classify(scopes, &fine).map(|c| c.cause).as_deref(),
        Some("token-fine-grained-unsupported")
    );
    let write = classify(
        "installation not allowed to Write organization package",
        &plain,
    )
    .expect("classified");
    assert_eq!(write.cause, "workflow-missing-packages-write");
    assert_eq!(
        write.alternatives,
        vec!["fork-or-dependabot-readonly", "package-access-not-granted"]
    );
    assert_eq!(
        classify("permission_denied: write_package", &plain)
            .map(|c| c.cause)
            .as_deref(),
        Some("package-access-not-granted")
    );
    let create = "installation not allowed to Create organization package";
    assert_eq!(
        classify(create, &plain).map(|c| c.cause).as_deref(),
        Some("package-creation-restricted")
    );
    let with_write = Hints {
        signals: vec![Signal::PackagesWrite],
        ..Hints::default()
    };
    assert_eq!(
        classify(create, &with_write).map(|c| c.cause).as_deref(),
        Some("package-creation-restricted")
    );
    let with_read = Hints {
        signals: vec![Signal::PackagesRead],
        ..Hints::default()
    };
    assert_eq!(
        classify(create, &with_read).map(|c| c.cause).as_deref(),
        Some("workflow-missing-packages-write")
    );
    let stored = Hints {
        token_kind: Some(TokenKind::ClassicPat),
        stored_credentials: true,
        ..Hints::default()
    };
    assert_eq!(
        classify("denied: denied", &stored)
            .map(|c| c.cause)
            .as_deref(),
        Some("stale-credentials")
    );
    assert_eq!(
        classify("denied: denied", &classic)
            .map(|c| c.cause)
            .as_deref(),
        Some("token-invalid")
    );
    assert_eq!(classify("everything is fine", &plain), None);
    // Raw JSON bodies read like the clients' wording.
    assert_eq!(
        classify(
            r#"{"errors":[{"code":"DENIED","message":"permission_denied: write_package"}]}"#,
            &plain
        )
        .map(|c| c.cause)
        .as_deref(),
        Some("package-access-not-granted")
    );
    assert_eq!(
            classify(
                r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[]}]}"#,
                &plain
            )
            .map(|c| c.cause)
            .as_deref(),
            Some("registry-unauthorized")
        );
    assert_eq!(
        classify(
            r#"{"errors":[{"code":"DENIED","message":"invalid token"}]}"#,
            &plain
        )
        .map(|c| c.cause)
        .as_deref(),
        Some("registry-token-exchange-skipped")
    );
}

#[test]
fn evidence_never_repeats_a_credential() {
    let log = "echo ghp_0123456789abcdefghijABCDEFGHIJ012345 | docker login: Error response from daemon: Get \"https://ghcr.io/v2/\": denied: denied\n\
                   net/http: invalid header field value \"Basic b2N0bzpnaHBfc2VjcmV0c2VjcmV0c2VjcmV0\\n\" for key Authorization\n";
    let s = scan(log.as_bytes()).expect("scan");
    assert_eq!(s.explanations.len(), 2, "{s:?}");
    for e in &s.explanations {
        assert!(!e.text.contains("ghp_0123"), "{}", e.text);
        assert!(!e.text.contains("b2N0bzpn"), "{}", e.text);
        assert!(e.text.contains("<redacted>"), "{}", e.text);
    }
}

const BODY: &str = "Fz9aQ3mK7pL2wR8tY4nB6cD1fG5hJ0kX2vN";

#[test]
fn a_token_cut_by_the_excerpt_is_still_redacted() {
    // The excerpt starts a quarter of its length before the match; a token across that
    // cut lost its `ghp_` and was quoted as is.
    for gap in 60..120 {
        let line = format!(
            "{} ghp_{BODY}{}denied: permission_denied: write_package {}\n",
            "x".repeat(500),
            " ".repeat(gap),
            "z".repeat(500)
        );
        let s = scan(line.as_bytes()).expect("scan");
        let text = &s.explanations[0].text;
        assert!(!text.contains(&BODY[8..]), "gap {gap}: {text}");
    }
}

#[test]
fn a_token_whose_prefix_a_colour_code_swallowed_is_still_redacted() {
    // `ESC [ SP g` is a whole control sequence: stripping it took the token's `g`.
    let line = format!("denied: \u{1b}[ ghp_{BODY} permission_denied: write_package\n");
    let s = scan(line.as_bytes()).expect("scan");
    let text = &s.explanations[0].text;
    assert!(!text.contains(BODY), "{text}");
    assert!(text.contains("<redacted>"), "{text}");
}

#[test]
fn digests_and_words_are_not_redacted() {
    let digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let text = format!("{digest}: not found; docker_buildx_build_push_action_step_v5");
    assert_eq!(redact(&text), text);
}

#[test]
fn excerpt_keeps_the_match_and_marks_cuts() {
    let long = format!("{}denied: denied{}", "a".repeat(1000), "b".repeat(1000));
    let e = excerpt(&long, 1000);
    assert!(e.contains("denied: denied"));
    assert!(e.starts_with('…') && e.ends_with('…'));
    assert!(e.chars().count() <= EXCERPT + 2);
}

#[test]
fn a_registry_failure_in_any_wording_is_never_silent() {
    // A client the catalog has never seen: its own wording, the registry's status.
    for (log, cause) in [
        (
            "pushing image:   app\nerror: POST failed; expected status {202} but got 401: Unauthorized\n",
            "registry-unauthorized",
        ),
        (
            "The push refers to repository [registry.example.com/team/app]\ndenied\n",
            "registry-denied",
        ),
        (
            "Error: GET https://registry.example.com/v2/team/app/manifests/1: status code 503\n",
            "registry-unavailable",
        ),
        (
            r#"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"#,
            "rate-limited",
        ),
    ] {
        let s = scan(log.as_bytes()).expect("scan");
        assert_eq!(
            s.explanations.first().map(|e| e.cause.as_str()),
            Some(cause),
            "{log}"
        );
    }
    // The same words without a registry nearby stay silent.
    for log in [
        "npm ERR! 403 403 Forbidden - PUT https://registry.npmjs.org/pkg - Forbidden\n",
        "Could not fetch URL http://pypi.example.com/simple/: HTTP Error 401: Unauthorized\n",
        "PermissionError: [Errno 13] Permission denied: '/var/run/docker.sock'\n",
        // Docker's package and download hosts are not registries.
        "E: Failed to fetch https://download.docker.com/linux/ubuntu/dists/focal/InRelease  403  Forbidden [IP: 65.9.61.77 443]\n",
        "Connecting to get.docker.com (get.docker.com)|13.35.20.114|:443... connected.\nHTTP request sent, awaiting response... 403 Forbidden\n2018-10-30 01:49:41 ERROR 403: Forbidden.\n",
    ] {
        assert!(
            scan(log.as_bytes()).expect("scan").explanations.is_empty(),
            "{log}"
        );
    }
}

#[test]
fn an_actions_only_cause_does_not_lead_for_a_local_log() {
    let line = "failed to push ghcr.io/octo/app:1: unexpected status from POST request to https://ghcr.io/v2/octo/app/blobs/uploads/: 403 Forbidden\n";
    let s = scan(line.as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "workflow-missing-packages-write");
    let local = format!("$ docker buildx build --push -t ghcr.io/octo/app:1 .\n{line}");
    let s = scan(local.as_bytes()).expect("scan");
    let e = &s.explanations[0];
    assert!(
        !catalog::cause(&e.cause).expect("cause").actions_only,
        "{e:?}"
    );
    assert!(
        e.alternatives
            .contains(&"workflow-missing-packages-write".to_owned())
    );
    assert_eq!(e.ranked_by, vec![Signal::LogLocal]);
    // In an Actions log it leads again.
    let actions = format!("##[group]Run docker/build-push-action@v5\n{line}");
    let s = scan(actions.as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "workflow-missing-packages-write");
}

#[test]
fn the_most_specific_message_of_one_report_comes_first() {
    let log = "[ERROR] Build image failed, perhaps you should make sure your credentials for 'registry-1.docker.io/octo/app' are set up correctly: Unauthorized for registry-1.docker.io/octo/app: 401 Unauthorized\n\
                   [ERROR] GET https://auth.docker.io/token?service=registry.docker.io&scope=repository:octo/app:pull,push\n\
                   [ERROR] {\"details\":\"access token has insufficient scopes\"}\n";
    let s = scan(log.as_bytes()).expect("scan");
    let causes: Vec<&str> = s.explanations.iter().map(|e| e.cause.as_str()).collect();
    assert_eq!(causes, vec!["registry-denied", "registry-unauthorized"]);
}

#[test]
fn the_daemon_connection_is_not_a_registry_failure() {
    let log = "$ docker pull mcr.microsoft.com/windows/nanoserver:ltsc2022\n\
error during connect: Post \"https://192.168.99.101:2376/v1.40/images/create?fromImage=x\": dial tcp 192.168.99.101:2376: i/o timeout\n";
    assert!(scan(log.as_bytes()).expect("scan").explanations.is_empty());
    // The same timeout from the registry is one.
    let log = "$ docker pull mcr.microsoft.com/windows/nanoserver:ltsc2022\n\
Error response from daemon: Get \"https://mcr.microsoft.com/v2/\": dial tcp 20.1.2.3:443: i/o timeout\n";
    let s = scan(log.as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "network-timeout");
}

#[test]
fn a_mistyped_registry_host_leads_whatever_it_answered() {
    let log = "$ docker push ghrc.io/octocat/app:latest\n\
The push refers to repository [ghrc.io/octocat/app]\n\
denied: requested access to the resource is denied\n";
    let s = scan(log.as_bytes()).expect("scan");
    let e = &s.explanations[0];
    assert_eq!(e.cause, "registry-host-typo");
    assert_eq!(e.alternatives[0], "registry-denied");
    assert_eq!(e.ranked_by, vec![Signal::HostTypo]);
    // The right host keeps the registry's own answer.
    let s = scan(log.replace("ghrc.io", "ghcr.io").as_bytes()).expect("scan");
    assert_ne!(s.explanations[0].cause, "registry-host-typo");
}

#[test]
fn a_not_found_leads_when_several_registries_were_tried() {
    let log = "Trying to pull docker.io/multiarch/ubuntu-core...\n\
  manifest unknown: manifest unknown\n\
Trying to pull quay.io/multiarch/ubuntu-core...\n\
  unauthorized: access to the requested resource is not authorized\n";
    let s = scan(log.as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "image-not-found");
    assert_eq!(s.explanations[0].ranked_by, vec![Signal::SearchRegistries]);
}

#[test]
fn a_network_failure_with_a_proxy_configured_names_the_proxy() {
    let log = "HTTPS_PROXY=http://proxy.corp.example:3128\n\
$ docker pull nginx\n\
Error response from daemon: Get \"https://registry-1.docker.io/v2/\": net/http: TLS handshake timeout\n";
    let s = scan(log.as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "network-proxy");
    assert_eq!(s.explanations[0].ranked_by, vec![Signal::ProxyConfigured]);
}

#[test]
fn classic_chart_repositories_and_local_engines_are_not_registries() {
    assert!(is_chart_repository(
        "failed to fetch https://charts.example.com/index.yaml : 401 Unauthorized"
    ));
    assert!(is_chart_repository(
        "Failed to fetch https://charts.example.com/redis-17.3.2.tgz : 401 Unauthorized"
    ));
    assert!(!is_chart_repository(
        "Error: failed to do request: Head \"https://ghcr.io/v2/o/charts/app/manifests/1.0\": 401"
    ));
    assert!(is_daemon_connection(
        "Error: failed to connect: dial tcp 127.0.0.1:60219: connectex: No connection could be made"
    ));
    assert!(!is_daemon_connection(
        "Get \"https://localhost:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused"
    ));
    assert!(requests_non_registry_host(
        "Head \"https://github.com/containers/x/releases/latest/download/a.tar.zst\": dial tcp 140.82.121.4:443: connect: connection refused"
    ));
    assert!(!requests_non_registry_host(
        "Get \"https://ghcr.io/v2/\": dial tcp 140.82.121.4:443: connect: connection refused"
    ));
    // GitHub's package and API hosts are not its container registry.
    assert!(requests_non_registry_host(
        "npm error 401 Unauthorized - PUT https://npm.pkg.github.com/@o%2fapp"
    ));
    // ko's import path names a Go package to build, not a request to GitHub.
    assert!(!requests_non_registry_host(
        "Error: failed to publish images: error building \"ko://github.com/o/cmd\": fetching base image: error getting credentials - err: exit status 1"
    ));
    // A documentation link after a registry's own error is not the request.
    assert!(!requests_non_registry_host(
        "Build image failed, perhaps you should make sure your credentials for 'registry-1.docker.io/o/app' are set up correctly. See https://github.com/GoogleContainerTools/jib/blob/master/docs/faq.md"
    ));
}

#[test]
fn a_refusal_on_a_request_to_a_package_or_api_host_is_not_a_registry_failure() {
    // The reason follows the request on the next line (npm), in ghcr.io's own words.
    let log = "npm error code E401\nnpm error 401 Unauthorized - PUT https://npm.pkg.github.com/@o%2fapp\n      unauthenticated: User cannot be authenticated with the token provided.\n";
    assert!(scan(log.as_bytes()).expect("scan").explanations.is_empty());
    // A ghcr.io refusal followed by a link to GitHub's documentation is the registry's.
    let log = "ERROR: denied: installation not allowed to Write organization package. See https://github.com/orgs/community/discussions/26274\n";
    assert_eq!(
        scan(log.as_bytes()).expect("scan").explanations[0].cause,
        "workflow-missing-packages-write"
    );
    // The same words on their own, after registry work, still count.
    let log = "$ docker pull ghcr.io/o/app:1\nError response from daemon: denied: unauthenticated: User cannot be authenticated with the token provided.\n";
    assert!(!scan(log.as_bytes()).expect("scan").explanations.is_empty());
}

#[test]
fn a_refusal_from_a_public_registry_is_a_stale_credential() {
    let log = "ERROR: failed to solve: public.ecr.aws/lambda/nodejs:20: unexpected status from HEAD request to https://public.ecr.aws/v2/lambda/nodejs/manifests/20: 403 Forbidden\n";
    let s = scan(log.as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "stale-credentials");
}

#[test]
fn a_prompt_before_podman_marks_a_local_shell() {
    // A zsh prompt (`❯`) before podman: a GitHub-Actions-only cause does not lead.
    let log = "\u{276f} podman push ghcr.io/o/app:1\nGetting image source signatures\nError: writing blob: Requesting bearer token: invalid status code from registry 403 (Forbidden)\n";
    let s = scan(log.as_bytes()).expect("scan");
    assert!(s.signals.contains(&Signal::LogLocal), "{:?}", s.signals);
    let first = &s.explanations.first().expect("a finding").cause;
    assert!(
        !catalog::cause(first).is_some_and(|c| c.actions_only),
        "{first} leads"
    );
}

#[test]
fn a_registry_error_printed_code_word_first_needs_no_other_context() {
    assert!(leads_with_code(
        b"unauthorized: \"aad access token with sp failed\""
    ));
    assert!(leads_with_code(b"  DENIED: requested access"));
    assert!(!leads_with_code(b"npm error 401 unauthorized"));
    // A logrus level tag (kaniko, skopeo on a terminal) stands before the message.
    assert!(leads_with_code(
        b"ERRO[0001] UNAUTHORIZED: \"authentication required\""
    ));
    assert!(leads_with_code(b"FATA[0000] denied: requested access"));
    assert!(!leads_with_code(
        b"ERRO[0001] error pushing: unauthorized: x"
    ));
    assert!(!leads_with_code(b"NOTE[abc] denied: x"));
    let log = "unauthorized: \"token exchange with the identity provider failed\"\n";
    let s = scan(log.as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "registry-unauthorized");
    // The same word inside another tool's sentence is not a registry's answer.
    let log = "vault: request unauthorized for this path\n";
    assert!(scan(log.as_bytes()).expect("scan").explanations.is_empty());
}

#[test]
fn never_silent_net_speaks_only_when_nothing_else_names_a_cause() {
    // Alone, a failed login at a registry gets the generic cause.
    let alone =
        "Run docker/login-action@v3\n  Error: Docker login for 'ghcr.io' failed with exit code 1\n";
    let s = scan(alone.as_bytes()).expect("scan");
    assert_eq!(s.explanations.len(), 1);
    assert_eq!(s.explanations[0].cause, "registry-unavailable");
    assert_eq!(s.explanations[0].line, 2);
    // With a specific cause elsewhere in the log, the generic one is not reported.
    let both = format!("{alone}denied: permission_denied: write_package\n");
    let s = scan(both.as_bytes()).expect("scan");
    assert!(
        s.explanations
            .iter()
            .all(|e| e.cause != "registry-unavailable"),
        "{:?}",
        s.explanations
    );
    assert!(!s.explanations.is_empty());
    // A named credential helper's failure names the helper.
    let helper = "time=\"2020-06-18T10:55:10+08:00\" level=debug msg=\"Retrieving credentials\" serverURL=123.dkr.ecr.us-east-2.amazonaws.com\ntime=\"2020-06-18T10:55:11+08:00\" level=error msg=\"Error retrieving credentials\" error=\"ecr: Failed to get authorization token: NoCredentialProviders: no valid providers in chain\"\n";
    let s = scan(helper.as_bytes()).expect("scan");
    assert_eq!(
        s.explanations.first().map(|e| e.cause.as_str()),
        Some("credential-helper-failed")
    );
    // The same words with no registry in sight stay silent.
    let logging = "level=error msg=\"fatal task error\" error=\"starting container failed: failed to initialize logging driver: NoCredentialProviders: no valid providers in chain\"\n";
    assert!(
        scan(logging.as_bytes())
            .expect("scan")
            .explanations
            .is_empty()
    );
}

#[test]
fn a_name_unknown_counts_only_at_the_head_of_a_message_and_shows_its_own_words() {
    let s = scan("name unknown: Repository \"containers\" not found\n".as_bytes()).expect("scan");
    assert_eq!(s.explanations.len(), 1);
    assert_eq!(s.explanations[0].cause, "image-not-found");
    assert_eq!(s.explanations[0].matched, "name unknown:");
    let s = scan("Error response from daemon: name unknown: repo gone\n".as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "image-not-found");
    let s = scan("smoke: Host name unknown: db-replica-3\n".as_bytes()).expect("scan");
    assert!(s.explanations.is_empty());
}

#[test]
fn insufficient_scope_names_the_namespace_on_a_push_and_a_missing_name_on_a_pull() {
    let push = "#9 ERROR: server message: insufficient_scope: authorization failed\n";
    let s = scan(push.as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "namespace-mismatch");
    let pull = "latest: Pulling from acme/tool\n\
                failed to copy: httpReadSeeker: failed open: server message: insufficient_scope: authorization failed\n";
    let s = scan(pull.as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "image-not-found");
}

#[test]
fn a_registry_that_names_what_it_does_not_hold_names_a_missing_image() {
    for line in [
        // Quay's expired tag, through the Docker SDK for Python.
        "docker.errors.APIError: 500 Server Error: Internal Server Error (\"unknown: Tag v1.11.2 was deleted or has expired. To pull, revive via time machine\")",
        // Harbor's NOT_FOUND under docker's generic code.
        "Error response from daemon: unknown: repository cache/memcached not found",
        // The daemon's own words for a NAME_UNKNOWN.
        "Error response from daemon: repository public.ecr.aws/library/node not found: name unknown: The repository with name 'node' does not exist in the registry with id 'library'",
    ] {
        let s = scan(format!("{line}\n").as_bytes()).expect("scan");
        assert_eq!(
            s.explanations.first().map(|e| e.cause.as_str()),
            Some("image-not-found"),
            "{line}"
        );
    }
    // git's wording for a source repository stays silent, even after registry work.
    let git = "docker pull ghcr.io/acme/tools:1\nfatal: repository 'https://github.com/acme/x.git/' not found\n";
    let s = scan(git.as_bytes()).expect("scan");
    assert!(s.explanations.is_empty());
}

#[test]
fn a_live_answer_with_a_credential_sent_is_never_read_as_no_credential_sent() {
    // GitHub Packages' 401 names `no-credentials` in a log with no login (nothing was sent);
    // `check` knows whether it sent one, given or stored, and a stored one counts as sent.
    let message = "unauthorized: Your request could not be authenticated by the GitHub Packages \
                   service. Please ensure your access token is valid and has the appropriate \
                   scopes configured.";
    assert_live_ghcr_causes(message, "no-credentials");
}

/// Asserts the cause `check` names for ghcr.io's live answer `message`: `unsent` when it sent
/// no credential, `token-invalid` when it sent a token, given or stored.
fn assert_live_ghcr_causes(message: &str, unsent: &str) {
    let cause = |token_kind, stored_credentials| {
        let hints = Hints {
            token_kind,
            host: Some("ghcr.io".to_owned()),
            stored_credentials,
            ..Hints::default()
        };
        classify(message, &hints).map(|c| c.cause)
    };
    assert_eq!(cause(None, false).as_deref(), Some(unsent));
    for stored in [false, true] {
        let sent = cause(Some(TokenKind::ClassicPat), stored);
        assert_eq!(sent.as_deref(), Some("token-invalid"), "stored: {stored}");
    }
    // A stored credential whose kind the caller does not know was sent all the same.
    let stored_unknown = cause(None, true);
    assert_ne!(stored_unknown.as_deref(), Some(unsent));
}

#[test]
fn ghcr_unauthenticated_with_no_login_names_the_login_but_not_for_a_live_answer() {
    // A log with no login: the request carried no credential of the user's.
    let log = "Error response from daemon: denied: unauthenticated: User cannot be authenticated with the token provided.\n";
    let s = scan(log.as_bytes()).expect("scan");
    assert_eq!(s.explanations[0].cause, "login-missing");
    // `check` sent a token, given or stored: the token is the suspect, never the login.
    let message =
        "unauthorized: unauthenticated: User cannot be authenticated with the token provided.";
    assert_live_ghcr_causes(message, "login-missing");
}
