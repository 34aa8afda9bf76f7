//! The facts context reports ([`Signal`]) and sets of them ([`Signals`]).

use std::fmt;

/// One fact about the run, by its stable kebab-case name (used in `catalog/causes.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    /// The run is a `pull_request` event (`eventName: pull_request`, `refs/pull/N/merge`).
    PullRequest,
    /// The run was triggered by Dependabot (`dependabot[bot]`, `refs/heads/dependabot/`).
    Dependabot,
    /// A fine-grained personal access token (`github_pat_`) appears.
    FineGrainedPat,
    /// A classic personal access token (`ghp_`) appears.
    ClassicPat,
    /// An OAuth token (`gho_`, e.g. from `gh auth token`) appears.
    OauthToken,
    /// The credential is an App installation token (GITHUB_TOKEN); only from `check` hints.
    InstallationToken,
    /// The runner's `GITHUB_TOKEN Permissions` block says `Packages: read`.
    PackagesRead,
    /// The runner's `GITHUB_TOKEN Permissions` block says `Packages: write`.
    PackagesWrite,
    /// The runner's `GITHUB_TOKEN Permissions` block has `Packages: none` or no packages line.
    PackagesNone,
    /// The log logs in to a registry (`docker login`, `Logging into ghcr.io...`).
    LoginAttempted,
    /// `Login Succeeded` appears before the error.
    LoginSucceeded,
    /// Logins were seen, but none to the registry of the error.
    LoginOtherHost,
    /// The error concerns ghcr.io.
    HostGhcr,
    /// The error concerns Docker Hub.
    HostDockerhub,
    /// The error concerns registry.gitlab.com.
    HostGitlab,
    /// The error concerns quay.io.
    HostQuay,
    /// The error concerns Amazon ECR.
    HostEcr,
    /// The error concerns Google Artifact Registry or Container Registry.
    HostGoogle,
    /// The error concerns Azure Container Registry.
    HostAcr,
    /// The failing request reads from the registry (a pull: manifest `HEAD`/`GET`,
    /// `Pulling from`, `reading manifest`).
    Pull,
    /// The failing request writes to the registry (a push: blob upload, manifest `PUT`,
    /// `The push refers to repository`).
    Push,
    /// The failing request is a login (`GET /v2/` alone, `docker login`).
    LoginRequest,
    /// No login to any registry appears in the log.
    NoLogin,
    /// The log is a GitHub Actions log (`##[group]`, `Run docker/login-action`, runner paths).
    LogActions,
    /// The log comes from another CI system (GitLab, Jenkins, Azure Pipelines, Buildkite).
    LogOtherCi,
    /// The log is a local shell session (a prompt before `docker`, `podman`, ...).
    LogLocal,
    /// The tag resolved just before the error (`latest: Pulling from ...`): the index exists,
    /// what it points to does not.
    TagResolved,
    /// The login command takes its user name or password from variables (`-p $PASSWORD`,
    /// `echo "$TOKEN" |`, `echo "" |`).
    LoginVariables,
    /// `docker/login-action` ran with neither `username` nor `password` in its inputs: every
    /// secret it names expanded empty.
    LoginInputsEmpty,
    /// The client used credentials stored earlier (`Authenticating with existing
    /// credentials...`).
    StoredCredentials,
    /// A Kubernetes node pulls the image (`Failed to pull image`, `ErrImagePull`): the
    /// credential, if any, comes from the cluster's pull secrets.
    ClusterPull,
    /// A proxy is configured for the client (`HTTPS_PROXY=...`, `docker info`'s `HTTPS Proxy:`).
    ProxyConfigured,
    /// The failing request went to a near miss of a well-known registry host (`ghrc.io`).
    HostTypo,
    /// The failing request went to a mirror or pull-through cache rather than the registry the
    /// image names (containerd's `?ns=docker.io`, a path that starts with a registry host:
    /// `m.daocloud.io/v2/cr.weaviate.io/...`).
    Mirror,
    /// The failing request went to a registry that serves its images to anyone without a
    /// login (`public.ecr.aws`, `mcr.microsoft.com`, `registry.k8s.io`): a refusal there means
    /// a credential was sent and refused, typically an expired stored one.
    PublicRegistry,
    /// The failing request pushes to Docker Hub's `library/` namespace, which only Docker's
    /// official images may use (an image name without a namespace).
    OfficialNamespace,
    /// The client tried the image name on several registries in turn (podman's
    /// unqualified-search registries): one registry's not-found means the name is wrong, the
    /// others' refusals are how they answer for names they do not hold.
    SearchRegistries,
    /// The failing request asks Docker Hub for a repository without a namespace
    /// (`registry-1.docker.io/v2/nginx/manifests/latest`): every Docker Hub repository has one
    /// (`library/nginx`), so the name does not exist as written, whatever the refusal says.
    HubNoNamespace,
    /// A login input shows the masked secret with characters around it (`password: $***`):
    /// the value holds more than the secret.
    SecretDecorated,
    /// The tool says it runs without a registry credential (`Registry credentials not
    /// provided`, `No matching credentials were found for "HOST"`), for the error's registry.
    CredentialsNotProvided,
    /// The error concerns OpenShift's integrated registry (`image-registry.openshift-image-registry.svc`).
    HostOpenshift,
    /// The push goes to a Docker Hub namespace no account can have (`my-org/app`): Docker IDs
    /// and organisation names are lowercase letters and digits only.
    HubInvalidNamespace,
    /// The push goes to a Docker Hub namespace other than the Docker ID that logged in.
    NamespaceNotLoginUser,
    /// The only Docker Hub login went to a host clients never read credentials for
    /// (`registry.docker.io`, the token service's name; `hub.docker.com`, the website).
    LoginNotRegistryHost,
    /// The error follows `helm push` to an `oci://` destination with a tag: `helm push`
    /// takes the repository only.
    HelmPushTag,
    /// A login to Amazon ECR passed a user name other than `AWS`, the only one ECR takes.
    LoginUserNotAws,
    /// The push went to a registry that serves only its owner's images
    /// (`registry.access.redhat.com`, `mcr.microsoft.com`, `registry.k8s.io`): nobody else
    /// can push there, so the push was meant for another registry.
    VendorRegistryPush,
    /// The token service refused the request `403` (`DENIED`) where no credential was sent:
    /// on ghcr.io, the name the token was asked for does not exist (a private package is
    /// answered `401`).
    TokenDenied,
    /// The request went to a registry where each repository is public or private as its owner
    /// chose (quay.io, Tencent's `ccr.ccs.tencentyun.com`): a refused anonymous pull there is
    /// a repository that is not public, or not there.
    VisibilityRegistry,
    /// The push's uploads were accepted before the refusal (a layer `Pushed`, or its progress
    /// bar full): the credential worked when the push began and stopped working during it.
    UploadAccepted,
    /// The log shows a caching proxy's access log (`"PROXY-HOST:registry-1.docker.io"`,
    /// `"upstream_cache_status":"MISS"`): the proxy stands in for the registry and sends its
    /// own credential upstream, so a refusal there is about the proxy's configuration.
    CachingProxy,
    /// The refusal answers kaniko's push check (`checking push permission for "REF"`): kaniko
    /// never logs in, its credential comes from its config or its built-in ECR, GCR and ACR
    /// helpers, so a `401` there is that credential refused, not a missing login.
    PushCheck,
    /// The refused request only read from the repository (`HEAD`/`GET` of a blob or a
    /// manifest, a check before a blob is reused): on a push, the credential may not even
    /// read the repository.
    ReadRequest,
    /// The push goes to a registry of one's own under a one-part name (`registry.example.com
    /// /app`): Harbor keeps every repository in a project (`HOST/PROJECT/NAME`) and answers
    /// such a push `500 Internal Server Error`.
    PushOnePartName,
    /// The stored credential for the error's registry was removed before it (`docker logout
    /// ghcr.io`) and no login follows in the log: the request carried no credential, so a
    /// refusal is not a stale one.
    LoggedOut,
    /// The log shows a docker configuration whose credential store is a helper that makes the
    /// credential itself from a cloud login (`"credsStore": "ecr-login"`, `gcloud`, `gcr`,
    /// `acr-env`): a request sent without one is that helper failing, not a missing login.
    HelperConfigured,
    /// The refused push would have created the package (ghcr.io's `installation not allowed
    /// to Create organization package`): the package does not exist yet, and the refusal is
    /// of its creation, which an organisation's package creation policy governs.
    PackageCreate,
    /// The push command just before the error names a destination with capitals in its
    /// repository path (`helm push CHART oci://ghcr.io/Acme-Org/charts`): clients that do not
    /// say why they refuse a reference refuse that one.
    UppercaseDestination,
    /// The refused request read a manifest or tag list of a Docker Hub `library/` repository
    /// (`GET https://index.docker.io/v2/library/NAME/manifests/TAG: UNAUTHORIZED`): every
    /// official image is public, so the name is one Docker Hub does not hold.
    HubOfficialRead,
    /// The refused request reads a one-part name from a registry of one's own
    /// (`GET https://registry.example.com/v2/app/manifests/latest`): Harbor keeps every
    /// repository in a project and answers such a pull `500 Internal Server Error`.
    PullOnePartName,
    /// The manifest reported unknown is of a tag the log pushed before
    /// (`1: digest: sha256:... size: 1363`, then `manifest for HOST/NAME:1 not found`): the
    /// registry dropped what it had accepted.
    PushedBefore,
    /// The failing request is the token request a client makes to the challenge's realm: the
    /// error follows the realm's URL (`Get "https://HOST/token?scope=...&service=...": ...`),
    /// or an HTML page answers an HTTPS `HEAD`, which has no body of its own.
    TokenRequest,
    /// The pull updates a running container (watchtower's `Unable to update container /NAME`):
    /// the image existed when the container was created, and the tool sends only the
    /// credential of its own configuration, so a refusal is a credential it did not have.
    UpdatePull,
    /// The refused request went to GitLab's dependency proxy (`/dependency_proxy/containers/`):
    /// it serves only members of the group who authenticate, with a token that may read the
    /// registry, so its refusal is about the caller's rights, whatever else the log shows.
    DependencyProxy,
}

impl Signal {
    /// Every signal, in a stable order.
    pub const ALL: [Signal; 64] = [
        Signal::PullRequest,
        Signal::Dependabot,
        Signal::FineGrainedPat,
        Signal::ClassicPat,
        Signal::OauthToken,
        Signal::InstallationToken,
        Signal::PackagesRead,
        Signal::PackagesWrite,
        Signal::PackagesNone,
        Signal::LoginAttempted,
        Signal::LoginSucceeded,
        Signal::LoginOtherHost,
        Signal::HostGhcr,
        Signal::HostDockerhub,
        Signal::HostGitlab,
        Signal::HostQuay,
        Signal::HostEcr,
        Signal::HostGoogle,
        Signal::HostAcr,
        Signal::Pull,
        Signal::Push,
        Signal::LoginRequest,
        Signal::NoLogin,
        Signal::LogActions,
        Signal::LogOtherCi,
        Signal::LogLocal,
        Signal::TagResolved,
        Signal::LoginVariables,
        Signal::LoginInputsEmpty,
        Signal::StoredCredentials,
        Signal::ClusterPull,
        Signal::ProxyConfigured,
        Signal::HostTypo,
        Signal::Mirror,
        Signal::PublicRegistry,
        Signal::OfficialNamespace,
        Signal::SearchRegistries,
        Signal::HubNoNamespace,
        Signal::SecretDecorated,
        Signal::CredentialsNotProvided,
        Signal::HostOpenshift,
        Signal::HubInvalidNamespace,
        Signal::NamespaceNotLoginUser,
        Signal::LoginNotRegistryHost,
        Signal::HelmPushTag,
        Signal::LoginUserNotAws,
        Signal::VendorRegistryPush,
        Signal::TokenDenied,
        Signal::VisibilityRegistry,
        Signal::UploadAccepted,
        Signal::CachingProxy,
        Signal::PushCheck,
        Signal::ReadRequest,
        Signal::PushOnePartName,
        Signal::LoggedOut,
        Signal::HelperConfigured,
        Signal::PackageCreate,
        Signal::UppercaseDestination,
        Signal::HubOfficialRead,
        Signal::PullOnePartName,
        Signal::PushedBefore,
        Signal::TokenRequest,
        Signal::UpdatePull,
        Signal::DependencyProxy,
    ];

    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Signal::PullRequest => "pull-request",
            Signal::Dependabot => "dependabot",
            Signal::FineGrainedPat => "fine-grained-pat",
            Signal::ClassicPat => "classic-pat",
            Signal::OauthToken => "oauth-token",
            Signal::InstallationToken => "installation-token",
            Signal::PackagesRead => "packages-read",
            Signal::PackagesWrite => "packages-write",
            Signal::PackagesNone => "packages-none",
            Signal::LoginAttempted => "login-attempted",
            Signal::LoginSucceeded => "login-succeeded",
            Signal::LoginOtherHost => "login-other-host",
            Signal::HostGhcr => "host-ghcr",
            Signal::HostDockerhub => "host-dockerhub",
            Signal::HostGitlab => "host-gitlab",
            Signal::HostQuay => "host-quay",
            Signal::HostEcr => "host-ecr",
            Signal::HostGoogle => "host-google",
            Signal::HostAcr => "host-acr",
            Signal::Pull => "pull",
            Signal::Push => "push",
            Signal::LoginRequest => "login-request",
            Signal::NoLogin => "no-login",
            Signal::LogActions => "log-actions",
            Signal::LogOtherCi => "log-other-ci",
            Signal::LogLocal => "log-local",
            Signal::TagResolved => "tag-resolved",
            Signal::LoginVariables => "login-variables",
            Signal::LoginInputsEmpty => "login-inputs-empty",
            Signal::StoredCredentials => "stored-credentials",
            Signal::ClusterPull => "cluster-pull",
            Signal::ProxyConfigured => "proxy-configured",
            Signal::HostTypo => "host-typo",
            Signal::Mirror => "mirror",
            Signal::PublicRegistry => "public-registry",
            Signal::OfficialNamespace => "official-namespace",
            Signal::SearchRegistries => "search-registries",
            Signal::HubNoNamespace => "hub-no-namespace",
            Signal::SecretDecorated => "secret-decorated",
            Signal::CredentialsNotProvided => "credentials-not-provided",
            Signal::HostOpenshift => "host-openshift",
            Signal::HubInvalidNamespace => "hub-invalid-namespace",
            Signal::NamespaceNotLoginUser => "namespace-not-login-user",
            Signal::LoginNotRegistryHost => "login-not-registry-host",
            Signal::HelmPushTag => "helm-push-tag",
            Signal::LoginUserNotAws => "ecr-login-user-not-aws",
            Signal::VendorRegistryPush => "vendor-registry-push",
            Signal::TokenDenied => "token-denied",
            Signal::VisibilityRegistry => "visibility-registry",
            Signal::UploadAccepted => "upload-accepted",
            Signal::CachingProxy => "caching-proxy",
            Signal::PushCheck => "push-check",
            Signal::ReadRequest => "read-request",
            Signal::PushOnePartName => "push-one-part-name",
            Signal::LoggedOut => "logged-out",
            Signal::HelperConfigured => "helper-configured",
            Signal::PackageCreate => "package-create",
            Signal::UppercaseDestination => "uppercase-destination",
            Signal::HubOfficialRead => "hub-official-read",
            Signal::PullOnePartName => "pull-one-part-name",
            Signal::PushedBefore => "pushed-before",
            Signal::TokenRequest => "token-request",
            Signal::UpdatePull => "update-pull",
            Signal::DependencyProxy => "dependency-proxy",
        }
    }

    /// The signal with this name.
    pub fn from_name(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.name() == name)
    }

    fn bit(self) -> u64 {
        1 << (self as u64)
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of signals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signals(u64);

// One bit per signal: a sixty-fifth signal needs a wider set, and the build says so rather than
// letting two signals share a bit.
const _: () = assert!(
    Signal::ALL.len() <= u64::BITS as usize,
    "Signals holds one bit per signal in a u64: widen it before adding a signal"
);

impl Signals {
    pub fn insert(&mut self, s: Signal) {
        self.0 |= s.bit();
    }

    pub fn contains(self, s: Signal) -> bool {
        self.0 & s.bit() != 0
    }

    pub fn union(self, other: Signals) -> Signals {
        Signals(self.0 | other.0)
    }

    /// The signals in the set, in [`Signal::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Signal> {
        Signal::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}
