//! What a log shows of the credential a client sent: a masked secret printed with other
//! characters around it, and a tool saying it has no registry credential at all.

use super::Host;

/// The mask GitHub Actions prints in place of a secret's value.
const MASK: &str = "***";

/// True when `line` is a login's password input (`password: ...`, as a step's `with:` block
/// prints it) whose value is the masked secret with something more: `$***`, `"***"`, `Bearer
/// ***`. GitHub masks exactly the secret's value, so whatever stands next to the mask was sent
/// with it. A user name is left out: it is often plain text that merely contains another
/// secret's value (`***-ci`), which GitHub masks too.
pub(crate) fn decorated_secret(line: &str) -> bool {
    let l = line.trim().to_ascii_lowercase();
    let Some(value) = l.strip_prefix("password:") else {
        return false;
    };
    let value = value.trim();
    value.contains(MASK) && !value.replace(MASK, "").trim().is_empty()
}

/// Which registry a tool's "no credential" announcement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Announced {
    /// The tool's own registry, whatever it is (`Registry credentials not provided. Guest
    /// mode enabled.`: the Drone and Woodpecker docker plugins, about the registry they push to).
    Any,
    /// A registry of this family (`No matching credentials were found for "gcr.io"`).
    Family(Host),
    /// A registry named by a host of no known family (`... for "10.0.0.5:5000"`).
    Other,
}

/// The registry a "no credential" announcement on `line` is about. go-containerregistry (ko,
/// crane, kaniko) prints `No matching credentials were found for "HOST"` only when a request
/// that it sent without a credential was refused; its wording of 2019 (`No matching credentials
/// were found, falling back on anonymous`) is printed for every base image and names nothing,
/// so it is not one. Its first keychain (2018, kaniko 0.1 to 0.3) named the registry it found
/// nothing for, `No matching credentials found for HOST, falling back on anonymous`, for the
/// base image's and the destination's registry alike: whatever goes to that registry goes
/// without a credential.
/// containers/image (podman, buildah, skopeo, at debug level) and the Drone and Woodpecker
/// docker plugins print `No credentials for HOST found` once every place a credential could
/// come from was looked at (`No credentials matching HOST found in FILE` is one file only).
pub(crate) fn announced(line: &str) -> Option<Announced> {
    let lower = line.to_ascii_lowercase();
    if lower.contains("registry credentials not provided") || empty_fields(&lower) {
        return Some(Announced::Any);
    }
    const NAMED: [&str; 3] = [
        "no matching credentials were found for ",
        "no matching credentials found for ",
        "no credentials for ",
    ];
    let rest = NAMED
        .iter()
        .find_map(|p| lower.find(p).map(|at| &lower[at + p.len()..]))?;
    let host = rest
        .trim_start_matches(['"', '\''])
        .split(['"', '\'', ' ', ','])
        .next()
        .unwrap_or_default();
    // A registry key: a host (`gcr.io`, `10.0.0.5:5000`, `localhost`), perhaps with a path.
    let name = host.split('/').next().unwrap_or_default();
    if !(name.contains('.') || name.contains(':') || name == "localhost") {
        return None;
    }
    Some(Host::detect(host).map_or(Announced::Other, Announced::Family))
}

/// True when a structured log line prints the client's credential as fields and both are
/// empty (`... image="app" password= username=`, `username="" password=""`): a tool that logs
/// its settings as `key=value` (logrus, Go's slog) shows what it was configured with, and it
/// was nothing. A command's flag (`--password=`) is not such a field.
fn empty_fields(lower: &str) -> bool {
    let empty = |key: &str| {
        lower.match_indices(key).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return false;
            }
            let value = lower[at + key.len()..]
                .trim_start_matches("\\\"\\\"")
                .trim_start_matches("\"\"");
            value.is_empty() || value.starts_with([' ', '\t', ','])
        })
    };
    empty("username=") && empty("password=")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_credential_fields_announce_no_credential() {
        assert_eq!(
            announced("status=401 ... image=\"gcr.io/o/app\" password= username="),
            Some(Announced::Any)
        );
        assert_eq!(
            announced("level=info msg=pull username=\"\" password=\"\" registry=quay.io"),
            Some(Announced::Any)
        );
        assert_eq!(announced("image=app password=*** username=ci"), None);
        assert_eq!(announced("image=app password= username=ci"), None);
        assert_eq!(
            announced("docker login --username= --password= quay.io"),
            None
        );
    }

    #[test]
    fn a_masked_secret_with_more_around_it_is_decorated() {
        assert!(decorated_secret("    password: $***"));
        assert!(decorated_secret("  password: \"***\""));
        assert!(decorated_secret("  password: Bearer ***"));
        assert!(!decorated_secret("  username: ***-ci"));
        assert!(!decorated_secret("    password: ***"));
        assert!(!decorated_secret("    username: octocat"));
        assert!(!decorated_secret("    logout: true"));
        assert!(!decorated_secret("    password:"));
    }

    #[test]
    fn announcements_name_their_registry() {
        assert_eq!(
            announced("Registry credentials not provided. Guest mode enabled."),
            Some(Announced::Any)
        );
        assert_eq!(
            announced("2024/01/02 No matching credentials were found for \"gcr.io\""),
            Some(Announced::Family(Host::Google))
        );
        assert_eq!(
            announced("No matching credentials were found for \"10.0.0.5:5000\""),
            Some(Announced::Other)
        );
        assert_eq!(
            announced("No matching credentials were found, falling back on anonymous"),
            None
        );
        assert_eq!(
            announced("No matching credentials found for gcr.io, falling back on anonymous"),
            Some(Announced::Family(Host::Google))
        );
        assert_eq!(
            announced(
                "2018/07/04 07:02:51 No matching credentials found for 10.0.0.5:5000, falling back on anonymous"
            ),
            Some(Announced::Other)
        );
        assert_eq!(
            announced("level=debug msg=\"No credentials for docker.io/octo/app found\""),
            Some(Announced::Family(Host::DockerHub))
        );
        assert_eq!(
            announced(
                "level=debug msg=\"No credentials matching quay.io found in /run/user/1000/containers/auth.json\""
            ),
            None
        );
        assert_eq!(announced("No credentials for the provider found"), None);
        assert_eq!(announced("Login Succeeded"), None);
    }
}
