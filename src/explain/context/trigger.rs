//! The literals that announce context, and what each announces.

/// What a context literal announces; the scanner finds the literals with the same
/// multi-pattern search as the catalog's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    PullRequest,
    Dependabot,
    /// actions/checkout's `HEAD is now at ...`: a pull request's merge commit when its subject
    /// is `Merge SHA into SHA`.
    CheckoutHead,
    /// An image tag `pr-N` (docker/metadata-action's tag for a pull request).
    PullRequestTag,
    /// A variable whose name says fork, set to true (`IS_FORK: true` in a step's `env:`).
    ForkFlag,
    FineGrainedPat,
    ClassicPat,
    OauthToken,
    PermissionsBlock,
    LoginSucceeded,
    LoginAttempt,
    PushTarget,
    /// A pull is under way (`Pulling fs layer`, `Trying to pull`, `docker pull`).
    PullActivity,
    /// A push is under way (`Preparing`, `Pushing`, `Layer already exists`).
    PushActivity,
    /// The end of docker-compose 1's `Pulling SERVICE (REF)...`, a pull once the whole line
    /// reads so.
    ComposeV1Pull,
    /// Registry work of either kind (`Copying blob`, `Retrying in`, `[auth] ... token`).
    Activity,
    /// `Authenticating with existing credentials...`
    StoredCredentials,
    /// A command line hands the client a credential (`--creds`, `--authfile`, `--password`).
    CredentialFlag,
    /// `Run docker/login-action@...`: its `with:` block follows.
    LoginAction,
    /// A GitHub Actions runner marker.
    LogActions,
    /// A marker of GitLab CI, Jenkins, Azure Pipelines, Buildkite, CircleCI, Travis CI or CodeBuild.
    LogOtherCi,
    /// A shell prompt before a container command.
    LogLocal,
    /// A Kubernetes pull event.
    ClusterPull,
    /// A token request that carried a credential (`failed to fetch oauth token`).
    OauthTokenRequest,
    /// The tag resolved to a manifest list (`copying system image from manifest list`).
    ManifestList,
    /// A proxy setting (`HTTPS_PROXY=`, `HTTPS Proxy: ...`).
    Proxy,
    /// A caching proxy's access log (`"PROXY-HOST:..."`, `"upstream_cache_status":...`).
    CachingProxy,
    /// A tool says it has no registry credential (`Registry credentials not provided`).
    CredentialsNotProvided,
    /// A step's password input as the runner prints it (`password: ***`).
    LoginInput,
    /// A pull finished (`Status: Downloaded newer image for ...`).
    WorkDone,
    /// The CLI failing to reach its daemon or another local service (`... the Docker daemon
    /// socket ...`, `dial unix ...`, a Windows named pipe).
    Daemon,
    /// An interactive login's prompt (`Username: NAME`, `Username (NAME):`).
    LoginPrompt,
    /// The client has no local image to push (`An image does not exist locally with the
    /// tag`, `No such image`): the push stopped before any request to a registry.
    LocalImageMissing,
    /// A layer's upload was accepted (`Pushed`, or its progress bar full).
    LayerUploaded,
    /// A GitHub Packages host (`rubygems.pkg.github.com`): the line is looked at, so that a
    /// request to an ecosystem that serves no images is known as such.
    PackagesHost,
    /// kaniko checks that it may push before it builds (`error checking push permissions --
    /// ... checking push permission for "REF": ...`).
    PushCheck,
    /// The docker CLI's hints after a command (`What's next:`, `View a summary of image
    /// vulnerabilities ... docker scout quickview`), printed between a pull's progress and
    /// its error.
    CliHints,
    /// A logout removes the stored credential for a registry (`docker logout ghcr.io`, the
    /// CLI's `Removing login credentials for HOST`).
    Logout,
    /// go-containerregistry's older `No matching credentials were found, falling back on
    /// anonymous` (ko): it names no registry; the base image on the next line does.
    AnonymousFallback,
    /// ko's `Using base HOST/NAME for PACKAGE`: the base image it resolved just before.
    BaseImage,
    /// A docker configuration written in the log (`echo '{"auths":{"HOST":...}}'`).
    ConfigAuths,
    /// A docker configuration's credential helper (`"credsStore": "ecr-login"`).
    HelperConfig,
    /// A token request to the challenge's realm (`?scope=`, `&service=`, `?account=` in a
    /// URL), or an HTML page in the error of a `HEAD` (`: unknown: <html>`).
    TokenRequest,
    /// A tool that pulls the image of a running container to update it (watchtower's `Unable
    /// to update container /NAME`): the image existed when the container was created.
    ContainerUpdate,
    /// An Amazon ECR registry host (`ACCOUNT.dkr.ecr.REGION.amazonaws.com`): a login to it,
    /// or a line that names it as the pull's or push's registry.
    EcrHost,
    /// AWS CLI v1's `aws ecr get-login --region REGION`, whose output (a `docker login` to
    /// the account's registry in that region) a script runs.
    EcrGetLogin,
    /// An Azure Container Registry host (`NAME.azurecr.io`) or `az acr login`: a login to one
    /// registry, or a line that names the pull's or push's registry.
    Acr,
}

/// Literals (lowercase) that announce context.
pub(crate) const TRIGGERS: &[(&str, Trigger)] = &[
    ("eventname: pull_request", Trigger::PullRequest),
    ("event_name: pull_request", Trigger::PullRequest),
    ("github_event_name=pull_request", Trigger::PullRequest),
    ("github_event_name: pull_request", Trigger::PullRequest),
    ("\"event_name\": \"pull_request", Trigger::PullRequest),
    ("refs/pull/", Trigger::PullRequest),
    // actions/checkout on a pull request: `git checkout ... refs/remotes/pull/12/merge`, then
    // `HEAD is now at SHA Merge SHA into SHA`; docker/metadata-action's `pr-12` tag.
    ("remotes/pull/", Trigger::PullRequest),
    ("head is now at ", Trigger::CheckoutHead),
    (":pr-", Trigger::PullRequestTag),
    ("fork: true", Trigger::ForkFlag),
    ("fork=true", Trigger::ForkFlag),
    ("dependabot[bot]", Trigger::Dependabot),
    ("refs/heads/dependabot/", Trigger::Dependabot),
    ("github_actor=dependabot", Trigger::Dependabot),
    // docker/metadata-action's tag for a branch Dependabot pushed (`dependabot/npm_and_yarn/x`
    // becomes `dependabot-npm_and_yarn-x`): its runs get the same read-only token.
    (":dependabot-", Trigger::Dependabot),
    ("github_pat_", Trigger::FineGrainedPat),
    ("ghp_", Trigger::ClassicPat),
    ("gho_", Trigger::OauthToken),
    ("github_token permissions", Trigger::PermissionsBlock),
    ("login succeeded", Trigger::LoginSucceeded),
    ("logging into ", Trigger::LoginAttempt),
    ("docker login", Trigger::LoginAttempt),
    ("docker logout", Trigger::Logout),
    ("podman logout", Trigger::Logout),
    ("removing login credentials for ", Trigger::Logout),
    ("podman login", Trigger::LoginAttempt),
    ("buildah login", Trigger::LoginAttempt),
    ("skopeo login", Trigger::LoginAttempt),
    ("nerdctl login", Trigger::LoginAttempt),
    ("helm registry login", Trigger::LoginAttempt),
    ("crane auth login", Trigger::LoginAttempt),
    ("oras login", Trigger::LoginAttempt),
    // Lines that name the registry being pushed to or pulled from, so an error line without
    // a host (`no basic auth credentials`) is tied to the right registry.
    ("the push refers to repository", Trigger::PushTarget),
    ("the push refers to a repository", Trigger::PushTarget),
    // BuildKit's credential lines (`#5 [auth] octo/app:pull,push token for ghcr.io`); the bare
    // words ` token for ` would also take `Requesting a token for the deployment API`.
    ("[auth] ", Trigger::PushTarget),
    ("pulling from ", Trigger::PushTarget),
    ("pulling repository ", Trigger::PushTarget),
    // BuildKit's, containerd's and podman's push error names its target (`failed to push
    // ghcr.io/o/app:1: ...`); a client or a page that breaks the line after it puts the
    // registry's answer on the next line.
    ("failed to push ", Trigger::PushTarget),
    // BuildKit's exporter names its push target in the error's context block (`> pushing
    // ghcr.io/o/app:1 with docker:`), the registry's answer a few lines after.
    (" with docker:", Trigger::PushTarget),
    ("what's next:", Trigger::CliHints),
    ("what's next?", Trigger::CliHints),
    ("docker scout quickview", Trigger::CliHints),
    // Registry work under way: a network error on the next lines concerns the registry even
    // when its own line names none (`read tcp ...: wsarecv: ...` after `Downloading`).
    ("pulling fs layer", Trigger::PullActivity),
    ("trying to pull", Trigger::PullActivity),
    ("unable to find image", Trigger::PullActivity),
    ("using default tag", Trigger::PullActivity),
    (": pull complete", Trigger::PullActivity),
    (": download complete", Trigger::PullActivity),
    (": downloading", Trigger::PullActivity),
    // A layer being unpacked (`fb395f539ec6: Extracting [==>   ]  28.41MB/521.3MB`): docker and
    // podman extract each layer while the pull's other layers still download.
    (": extracting", Trigger::PullActivity),
    ("docker pull ", Trigger::PullActivity),
    ("podman pull ", Trigger::PullActivity),
    ("buildah pull ", Trigger::PullActivity),
    ("nerdctl pull ", Trigger::PullActivity),
    ("helm pull ", Trigger::PullActivity),
    ("oras pull ", Trigger::PullActivity),
    ("crane pull ", Trigger::PullActivity),
    ("error pulling image", Trigger::PullActivity),
    // The daemon's log of the registry's answer that ended a pull (moby
    // distribution/pull_v2.go: `Not continuing with pull after error: %v`).
    (
        "not continuing with pull after error",
        Trigger::PullActivity,
    ),
    // sealer's pull of a cluster image (`sealer pull NAME:TAG`, then `Start to Pull Image
    // NAME:TAG`).
    ("sealer pull ", Trigger::PullActivity),
    // modctl, the CNCF ModelPack client, pulls and pushes model artifacts as OCI images
    // (`modctl pull HOST/NAME:TAG`, then oras-go's `REF: not found` for a tag the registry
    // does not hold).
    ("modctl pull ", Trigger::PullActivity),
    ("modctl push ", Trigger::PushActivity),
    // The daemon's log of a layer download that failed and is retried.
    ("download failed, retrying", Trigger::PullActivity),
    // docker-compose 1 announces each service's pull (`Pulling web (ghcr.io/o/app:1)...`).
    (")...", Trigger::ComposeV1Pull),
    // The daemon's log of a layer upload that failed and is retried (moby
    // distribution/xfer/upload.go: `Upload failed, retrying: %v`).
    ("upload failed, retrying", Trigger::PushActivity),
    (": preparing", Trigger::PushActivity),
    (": pushing", Trigger::PushActivity),
    ("layer already exists", Trigger::PushActivity),
    (": pushed", Trigger::LayerUploaded),
    (
        "==================================================>]",
        Trigger::LayerUploaded,
    ),
    ("pushing image", Trigger::PushActivity),
    ("checking push permission", Trigger::PushCheck),
    ("docker push ", Trigger::PushActivity),
    (".dkr.ecr.", Trigger::EcrHost),
    ("ecr get-login", Trigger::EcrGetLogin),
    (".azurecr.io", Trigger::Acr),
    ("az acr login", Trigger::Acr),
    ("podman push ", Trigger::PushActivity),
    ("buildah push ", Trigger::PushActivity),
    ("nerdctl push ", Trigger::PushActivity),
    ("helm push ", Trigger::PushActivity),
    ("helm3 push ", Trigger::PushActivity),
    ("pushing manifest for ", Trigger::PushActivity),
    ("containerizing application to ", Trigger::PushActivity),
    ("oras push ", Trigger::PushActivity),
    ("crane push ", Trigger::PushActivity),
    ("digest: sha256:", Trigger::PushActivity),
    // A blob upload request (`POST https://HOST/v2/NAME/blobs/uploads/`) is a push, whatever
    // the client, also when it prints the registry's answer on the next line (cosign, crane).
    ("/blobs/uploads", Trigger::PushActivity),
    // The end of a pull: under `docker run`, what follows is the container's own output. A
    // push's last line (`TAG: digest: sha256:... size: N`) is no end: tools go on to sign the
    // image or set its properties on the registry's side.
    ("status: downloaded newer image for", Trigger::WorkDone),
    ("status: image is up to date for", Trigger::WorkDone),
    ("docker daemon", Trigger::Daemon),
    ("docker.sock", Trigger::Daemon),
    ("dial unix ", Trigger::Daemon),
    ("//./pipe/", Trigger::Daemon),
    (
        "does not exist locally with the tag",
        Trigger::LocalImageMissing,
    ),
    ("no such image: ", Trigger::LocalImageMissing),
    ("tag does not exist: ", Trigger::LocalImageMissing),
    (": waiting", Trigger::Activity),
    (": retrying in", Trigger::Activity),
    ("copying blob", Trigger::Activity),
    ("getting image source signatures", Trigger::Activity),
    ("writing manifest", Trigger::Activity),
    ("skopeo copy ", Trigger::Activity),
    ("oras cp ", Trigger::Activity),
    ("crane copy ", Trigger::Activity),
    ("fetch oauth token", Trigger::OauthTokenRequest),
    ("from manifest list", Trigger::ManifestList),
    ("http_proxy=", Trigger::Proxy),
    ("username: ", Trigger::LoginPrompt),
    ("username (", Trigger::LoginPrompt),
    ("https_proxy=", Trigger::Proxy),
    ("http_proxy: ", Trigger::Proxy),
    ("https_proxy: ", Trigger::Proxy),
    ("http proxy: ", Trigger::Proxy),
    ("https proxy: ", Trigger::Proxy),
    // A caching proxy that stands in for the registry (docker-registry-proxy and other nginx
    // caches) logs each request with the upstream host it proxied to, in two formats.
    ("\"proxy-host:", Trigger::CachingProxy),
    ("\"upstream_cache_status\":", Trigger::CachingProxy),
    (
        "authenticating with existing credentials",
        Trigger::StoredCredentials,
    ),
    ("run docker/login-action", Trigger::LoginAction),
    // A credential given on the command line counts as a login: the request was not
    // anonymous, so a refusal is about rights rather than a missing credential.
    ("--creds", Trigger::CredentialFlag),
    ("--src-creds", Trigger::CredentialFlag),
    ("--dest-creds", Trigger::CredentialFlag),
    ("--authfile", Trigger::CredentialFlag),
    ("--registry-creds", Trigger::CredentialFlag),
    ("--password", Trigger::CredentialFlag),
    ("failed to pull image", Trigger::ClusterPull),
    // An OpenShift build pulling its base image (`pulling image error : unauthorized: ...`
    // then `error: build error: ...`): the builder service account's pull secrets hold the
    // credential, as a cluster's do for a pod.
    ("pulling image error", Trigger::ClusterPull),
    ("errimagepull", Trigger::ClusterPull),
    ("imagepullbackoff", Trigger::ClusterPull),
    ("##[group]", Trigger::LogActions),
    ("##[endgroup]", Trigger::LogActions),
    ("::group::", Trigger::LogActions),
    ("/home/runner/", Trigger::LogActions),
    ("run docker/", Trigger::LogActions),
    ("run actions/", Trigger::LogActions),
    ("process completed with exit code", Trigger::LogActions),
    // docker/build-push-action's own report of buildx's failure (`Error: buildx failed with:
    // ...`; `buildx call failed with:` before v3): the action runs only in Actions.
    ("buildx failed with:", Trigger::LogActions),
    ("buildx call failed with:", Trigger::LogActions),
    ("##[section]", Trigger::LogOtherCi),
    ("##vso[", Trigger::LogOtherCi),
    ("/home/vsts/", Trigger::LogOtherCi),
    ("running with gitlab-runner", Trigger::LogOtherCi),
    ("using docker executor", Trigger::LogOtherCi),
    ("executing \"step_script\"", Trigger::LogOtherCi),
    ("[pipeline]", Trigger::LogOtherCi),
    ("buildkite", Trigger::LogOtherCi),
    // CircleCI's step footer and the shell line it starts every step with, Travis CI's fold and
    // timing markers, AWS CodeBuild's phase prefix.
    ("circleci received exit code", Trigger::LogOtherCi),
    ("exited with code exit status", Trigger::LogOtherCi),
    ("#!/bin/bash -eo pipefail", Trigger::LogOtherCi),
    ("travis_fold:", Trigger::LogOtherCi),
    ("travis_time:", Trigger::LogOtherCi),
    ("[container] ", Trigger::LogOtherCi),
    ("$ docker ", Trigger::LogLocal),
    ("$ podman ", Trigger::LogLocal),
    ("$ sudo ", Trigger::LogLocal),
    ("# docker ", Trigger::LogLocal),
    ("% docker ", Trigger::LogLocal),
    ("\u{276f} docker ", Trigger::LogLocal),
    ("\u{276f} podman ", Trigger::LogLocal),
    ("\u{276f} echo ", Trigger::LogLocal),
    ("% podman ", Trigger::LogLocal),
    ("# podman ", Trigger::LogLocal),
    ("$ helm ", Trigger::LogLocal),
    ("$ skopeo ", Trigger::LogLocal),
    ("$ buildah ", Trigger::LogLocal),
    ("$ kubectl ", Trigger::LogLocal),
    ("$ docker-compose ", Trigger::LogLocal),
    (">docker ", Trigger::LogLocal),
    ("> docker ", Trigger::LogLocal),
    ("ps c:\\", Trigger::LogLocal),
    ("c:\\>", Trigger::LogLocal),
    ("~$ ", Trigger::LogLocal),
    ("]# ", Trigger::LogLocal),
    ("]$ ", Trigger::LogLocal),
    (
        "registry credentials not provided",
        Trigger::CredentialsNotProvided,
    ),
    (
        "no matching credentials were found for ",
        Trigger::CredentialsNotProvided,
    ),
    (
        "no matching credentials found for ",
        Trigger::CredentialsNotProvided,
    ),
    ("no credentials for ", Trigger::CredentialsNotProvided),
    // A structured log printing the credential fields empty (`password= username=`).
    ("password=", Trigger::CredentialsNotProvided),
    ("password: ", Trigger::LoginInput),
    ("falling back on anonymous", Trigger::AnonymousFallback),
    ("using base ", Trigger::BaseImage),
    ("{auths:{", Trigger::ConfigAuths),
    ("{\"auths\":{", Trigger::ConfigAuths),
    ("{\"auths\": {", Trigger::ConfigAuths),
    ("\"credsstore\"", Trigger::HelperConfig),
    ("\"credhelpers\"", Trigger::HelperConfig),
    (".pkg.github.com", Trigger::PackagesHost),
    ("?scope=", Trigger::TokenRequest),
    ("&scope=", Trigger::TokenRequest),
    ("?service=", Trigger::TokenRequest),
    ("&service=", Trigger::TokenRequest),
    ("?account=", Trigger::TokenRequest),
    (": unknown: <html", Trigger::TokenRequest),
    (": unknown: <!doctype html", Trigger::TokenRequest),
    ("unable to update container ", Trigger::ContainerUpdate),
    // The kubelet's own log of a failed pull (klog's source file, `kuberuntime_image.go:50]
    // Pull image "HOST/NAME:TAG" failed: ...`), as a node's journal shows it.
    ("kuberuntime_image.go", Trigger::ClusterPull),
];
