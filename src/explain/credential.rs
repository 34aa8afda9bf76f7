//! The credential as the log shows it: when the log itself says what was wrong with the
//! credential sent (a masked secret printed with characters around it) or that none was sent
//! (the tool says so), that cause leads over a refusal's generic reading.

use super::context::{Signal, Signals};
use super::rank::Ranked;

/// Causes that only say the registry refused the request, or guess why from its words.
const REFUSALS: &[&str] = &[
    "registry-unauthorized",
    "registry-denied",
    "token-invalid",
    "stale-credentials",
    "login-missing",
    "no-credentials",
];

/// Puts first the cause the log shows of the credential: `secret-whitespace` when a login
/// input printed the masked secret with more around it (`password: $***`), `no-credentials`
/// when the tool said it had no credential for the registry that refused.
pub(super) fn shown_first(ranked: Ranked, signals: Signals) -> Ranked {
    let (signal, cause) = if signals.contains(Signal::SecretDecorated) {
        (Signal::SecretDecorated, "secret-whitespace")
    } else if signals.contains(Signal::CredentialsNotProvided) {
        (Signal::CredentialsNotProvided, "no-credentials")
    } else {
        return ranked;
    };
    if ranked.cause == cause || !REFUSALS.contains(&ranked.cause.as_str()) {
        return ranked;
    }
    ranked.lead(cause, signal)
}

/// Puts `token-foreign` first for a refusal by Amazon ECR after a login to it with a user name
/// other than `AWS`: ECR takes only that user, with the password `aws ecr get-login-password`
/// prints, so the credential sent belongs to another service (an AWS access key pair, a Docker
/// Hub or CI account) whatever the registry's words.
pub(super) fn foreign_to_ecr(ranked: Ranked, signals: Signals) -> Ranked {
    const FOREIGN: &str = "token-foreign";
    if !signals.contains(Signal::LoginUserNotAws)
        || !signals.contains(Signal::HostEcr)
        || !REFUSALS.contains(&ranked.cause.as_str())
    {
        return ranked;
    }
    ranked.lead(FOREIGN, Signal::LoginUserNotAws)
}

/// True when the message is a 401 (`unauthorized: authentication required`, Harbor's
/// `unauthorized to access repository`, `401 Unauthorized`): the credential, not a right, was
/// refused.
pub(super) fn is_401(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("unauthorized") || lower.contains("authentication required")
}

/// Puts `token-expired` first for a 401 on a push whose layer uploads the registry had
/// accepted: the credential worked when the push began, so it did not lack a right or go
/// missing; the registry's short-lived bearer token (minutes on most registries) ran out
/// while a large or slow upload was under way, and the next request was refused.
pub(super) fn expired_mid_push(ranked: Ranked, signals: Signals) -> Ranked {
    const EXPIRED: &str = "token-expired";
    let refused = [
        "registry-unauthorized",
        "registry-denied",
        "no-credentials",
        "namespace-mismatch",
        "login-missing",
    ];
    if !signals.contains(Signal::UploadAccepted)
        || !signals.contains(Signal::Push)
        || !refused.contains(&ranked.cause.as_str())
    {
        return ranked;
    }
    ranked.lead(EXPIRED, Signal::UploadAccepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(cause: &str) -> Ranked {
        Ranked {
            cause: cause.to_owned(),
            alternatives: vec!["no-credentials".into(), "secret-whitespace".into()],
            ranked_by: Vec::new(),
        }
    }

    fn with(signal: Signal) -> Signals {
        let mut s = Signals::default();
        s.insert(signal);
        s
    }

    #[test]
    fn a_401_after_accepted_uploads_is_an_expired_token() {
        let mut s = with(Signal::UploadAccepted);
        s.insert(Signal::Push);
        let r = expired_mid_push(refused("registry-unauthorized"), s);
        assert_eq!(r.cause, "token-expired");
        assert_eq!(r.ranked_by, vec![Signal::UploadAccepted]);
        // Not on a pull, and not without the uploads.
        let r = expired_mid_push(
            refused("registry-unauthorized"),
            with(Signal::UploadAccepted),
        );
        assert_eq!(r.cause, "registry-unauthorized");
        let r = expired_mid_push(refused("registry-unauthorized"), with(Signal::Push));
        assert_eq!(r.cause, "registry-unauthorized");
        assert!(is_401("unauthorized: authentication required"));
        assert!(is_401(
            "unauthorized to access repository: a/b, action: push"
        ));
        assert!(!is_401(
            "denied: requested access to the resource is denied"
        ));
    }

    #[test]
    fn a_decorated_secret_leads_a_refusal() {
        let r = shown_first(
            refused("registry-unauthorized"),
            with(Signal::SecretDecorated),
        );
        assert_eq!(r.cause, "secret-whitespace");
        assert_eq!(
            r.alternatives,
            vec!["registry-unauthorized", "no-credentials"]
        );
        assert_eq!(r.ranked_by, vec![Signal::SecretDecorated]);
    }

    #[test]
    fn an_announced_missing_credential_leads_a_refusal() {
        let r = shown_first(
            refused("registry-denied"),
            with(Signal::CredentialsNotProvided),
        );
        assert_eq!(r.cause, "no-credentials");
        assert_eq!(r.alternatives[0], "registry-denied");
    }

    /// The first cause `explain` names for `log`.
    fn first(log: &str) -> (String, Vec<Signal>) {
        let s = crate::explain::scan(log.as_bytes()).expect("scan");
        let e = &s.explanations[0];
        (e.cause.clone(), e.ranked_by.clone())
    }

    #[test]
    fn an_announcement_counts_for_its_own_registry_only() {
        let gcr = "2025/01/09 No matching credentials were found for \"gcr.io\"\n";
        let refused_gcr = "Error: GET https://gcr.io/v2/p/app/manifests/1: UNAUTHORIZED: authentication required\n";
        let refused_hub = "Error: PUT https://index.docker.io/v2/octo/app/manifests/1: UNAUTHORIZED: authentication required\n";
        let (cause, by) = first(&format!("{gcr}{refused_gcr}"));
        assert_eq!(cause, "no-credentials");
        assert_eq!(by, vec![Signal::CredentialsNotProvided]);
        let (cause, by) = first(&format!("{gcr}{refused_hub}"));
        assert_ne!(by, vec![Signal::CredentialsNotProvided], "{cause}");
    }

    #[test]
    fn a_plain_masked_secret_is_not_decorated() {
        let log = "Run docker/login-action@v3\nwith:\n  username: ***\n  password: ***\nLogging into Docker Hub...\nError: Error response from daemon: Get \"https://registry-1.docker.io/v2/\": unauthorized: incorrect username or password\n";
        let (cause, by) = first(log);
        assert_eq!(cause, "registry-unauthorized");
        assert!(!by.contains(&Signal::SecretDecorated));
    }

    #[test]
    fn other_causes_and_quiet_logs_keep_their_order() {
        let r = shown_first(
            refused("network-timeout"),
            with(Signal::CredentialsNotProvided),
        );
        assert_eq!(r.cause, "network-timeout");
        let r = shown_first(refused("registry-denied"), Signals::default());
        assert_eq!(r.cause, "registry-denied");
        assert!(r.ranked_by.is_empty());
    }
}
