//! Other services' APIs: refusals by a cluster's, a cloud's or GitHub's API, not by a registry.
//!
//! A deploy step names an image (`kubectl set image deploy/app app=HOST/app:1.2`) and then
//! fails on the cluster's API; a Terraform or AWS CLI run manages a registry's repositories
//! through the cloud's API. Their errors carry a registry's words (`forbidden`, a registry host
//! a few lines before, `Elastic Container Registry`) but no registry answered them:
//!
//! - the Kubernetes API server's refusal as kubectl prints it (`Error from server (Forbidden):
//!   deployments.apps "app" is forbidden: User "system:serviceaccount:ci:deployer" cannot get
//!   resource "deployments" ...`; kubernetes/kubernetes staging/src/k8s.io/apiserver
//!   pkg/endpoints/handlers/responsewriters/errors.go, `%s is forbidden: User %q cannot %s`);
//! - an AWS SDK call to the ECR API other than the registry's own (`operation error ECR:
//!   ListTagsForResource, https response error StatusCode: 400, ... AccessDeniedException`;
//!   aws/aws-sdk-go-v2 `operation error %s: %s`): listing, tagging or creating repositories
//!   is the API's work. `GetAuthorizationToken` is the login a registry client (the ECR
//!   credential helper, `aws ecr get-login-password`) depends on, and the image and layer
//!   calls (`BatchGetImage`, `PutImage`, ...) are a pull's or push's own; they stay.
//! - GitHub's GraphQL API's errors as gh prints them (`GraphQL error: ...`, `GraphQL: ...`):
//!   no registry speaks GraphQL.
//! - GitHub's REST API answering with its error body, which always carries a
//!   `documentation_url` into GitHub's docs (`{"message":"Resource protected by organization
//!   SAML enforcement. ...","documentation_url":"https://help.github.com/..."}`; docs: REST API
//!   troubleshooting, client errors). A registry's error body is the distribution
//!   specification's `{"errors":[{"code":...}]}`, and ghcr.io answers in that shape.
//! - a repository's README or description sent to Docker Hub's or Quay's web API (`Failed to
//!   update Quay.io README for o/app with status code 403`, peter-evans/dockerhub-description
//!   and release scripts): the hub's web API answers it, no pull or push is made, and its
//!   refusal says nothing of the registry's.

/// True when `line` is a refusal or failure of a cluster's, a cloud's or GitHub's API that no
/// registry answered (see the module's documentation).
pub(super) fn is_other_api_failure(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    if lower.contains("error from server (forbidden)") || lower.contains(" is forbidden: user \"") {
        return true;
    }
    if is_github_rest_error(&lower) || is_github_graphql_error(&lower) || is_readme_update(&lower) {
        return true;
    }
    ["operation error ecr: ", "operation error ecr public: "]
        .iter()
        .any(|prefix| {
            lower.find(prefix).is_some_and(|i| {
                let operation = &lower[i + prefix.len()..];
                !REGISTRY_OPERATIONS
                    .iter()
                    .any(|op| operation.starts_with(op))
            })
        })
}

/// The ECR API operations (lower case) that are the registry's own work, not the management
/// API's: the login every registry client depends on, and the calls that read or write an
/// image's manifest and layers (what `docker pull` and `docker push` do through ECR's IAM
/// actions of the same names; AWS docs: Amazon ECR API reference, "image" and "layer"
/// actions). A failure of one of them is a failed pull, push or login.
const REGISTRY_OPERATIONS: &[&str] = &[
    "getauthorizationtoken",
    "batchgetimage",
    "getdownloadurlforlayer",
    "batchchecklayeravailability",
    "initiatelayerupload",
    "uploadlayerpart",
    "completelayerupload",
    "putimage",
];

/// How many lines after a failed README or description update the web API's answer may
/// follow (`🛑 Full response: {"message":"A personal access token ... cannot be used as a
/// bearer. A proper bearer token must be obtained via /v2/auth/token. ..."}`): the answer of
/// the hub's web API (Docker Hub's `/v2/auth/token` is its API's login, not a registry's
/// token endpoint), printed after the failure it explains.
pub(super) const WEB_API_ANSWER_LINES: usize = 2;

/// True when the line reports a failed update of a repository's README or description on a
/// hub's web API (see [`is_readme_update`]).
pub(super) fn is_failed_readme_update(line: &str) -> bool {
    mentions_readme(line.as_bytes()) && is_readme_update(&line.to_ascii_lowercase())
}

/// True when the line holds `readme` or `description` in any case: every line
/// [`is_failed_readme_update`] takes holds one. Asked of every line with a reading, before a
/// lowered copy: [`holds_readme_pair`] first, and the words looked for only on a line it
/// passes.
pub(super) fn mentions_readme(line: &[u8]) -> bool {
    if !holds_readme_pair(line) {
        return false;
    }
    let holds = |from: usize, word: &[u8]| {
        line.get(from..from + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    memchr::memchr2_iter(b'd', b'D', line)
        .any(|at| holds(at, b"description") || (at >= 3 && holds(at - 3, b"readme")))
}

/// False when `line` holds neither `readme` nor `description` in any case (most lines): either
/// word holds a pair of adjacent letters rare in a log, `dm` (`rea[dm]e`) and `pt`
/// (`descri[pt]ion`), and a line without one, case folded, holds neither word. One pass over
/// blocks of 16 pairs without a branch per byte (the compiler turns it into vector
/// comparisons), the last 16 pairs as one more block; a line of 16 bytes or fewer is read as
/// one block padded with zeros. True may still be wrong (`script`, `admin`).
fn holds_readme_pair(line: &[u8]) -> bool {
    const LANES: usize = 16;
    // `| 0x20` folds an ASCII capital to its lower case (and maps some other bytes onto
    // letters, which only lets more lines through).
    let pair = |a: u8, b: u8| {
        let (a, b) = (a | 0x20, b | 0x20);
        u8::from(a == b'd') & u8::from(b == b'm') | u8::from(a == b'p') & u8::from(b == b't')
    };
    let mut lanes = [0u8; LANES];
    let mut add = |first: &[u8; LANES], second: &[u8; LANES]| {
        for ((lane, &a), &b) in lanes.iter_mut().zip(first).zip(second) {
            *lane |= pair(a, b);
        }
    };
    if line.len() <= LANES {
        // One block padded with zeros, which fold onto a space: no pair with one matches.
        let mut block = [0u8; LANES + 1];
        block[..line.len()].copy_from_slice(line);
        if let (Some(first), Some(second)) = (block.first_chunk(), block.last_chunk()) {
            add(first, second);
        }
        return lanes.iter().any(|lane| *lane != 0);
    }
    // The pairs at `i` and `i + 1` for every `i` below `line.len() - 1`.
    let (firsts, _) = line[..line.len() - 1].as_chunks::<LANES>();
    let (seconds, _) = line[1..].as_chunks::<LANES>();
    for (first, second) in firsts.iter().zip(seconds) {
        add(first, second);
    }
    if let (Some(first), Some(second)) = (
        line[..line.len() - 1].last_chunk::<LANES>(),
        line.last_chunk::<LANES>(),
    ) {
        add(first, second);
    }
    lanes.iter().any(|lane| *lane != 0)
}

/// True when the (lower-cased) line reports an update of a repository's README or description
/// (`Failed to update Docker Hub README for o/app with status code 401`, `Error updating the
/// repository description`): a hub's web API, not the registry.
fn is_readme_update(lower: &str) -> bool {
    ["readme", "description"].iter().any(|w| {
        lower.match_indices(w).any(|(i, _)| {
            let mut from = i.saturating_sub(40);
            while !lower.is_char_boundary(from) {
                from -= 1;
            }
            let before = &lower[from..i];
            before.contains("updat") || before.contains("setting ")
        })
    })
}

/// True when the (lower-cased) line is an error of GitHub's GraphQL API as gh prints it (`GraphQL
/// error: ...` in gh 1.x, `GraphQL: ... (addComment)` since, or a request to
/// `api.github.com/graphql`). No registry speaks GraphQL: the distribution API is REST.
fn is_github_graphql_error(lower: &str) -> bool {
    let body = lower.trim_start();
    body.starts_with("graphql: ")
        || body.contains("graphql error: ")
        || body.contains("api.github.com/graphql")
}

/// True when the (lower-cased) line holds GitHub's REST API error body: a `documentation_url`
/// into GitHub's documentation.
fn is_github_rest_error(lower: &str) -> bool {
    const DOCS: [&str; 3] = [
        "https://docs.github.com/",
        "https://help.github.com/",
        "https://developer.github.com/",
    ];
    lower
        .match_indices("\"documentation_url\"")
        .any(|(i, key)| {
            let value = lower[i + key.len()..].trim_start_matches([' ', ':', '"']);
            DOCS.iter().any(|d| value.starts_with(d))
        })
}

#[cfg(test)]
mod tests {
    use super::is_other_api_failure;

    #[test]
    fn a_readme_sent_to_a_hubs_web_api_is_not_registry_work() {
        assert!(is_other_api_failure(
            "  🛑 Failed to update Quay.io README for o/app with status code 403"
        ));
        assert!(is_other_api_failure(
            "Error: Failed to update the repository description: 401 Unauthorized"
        ));
        // A push's refusal stays the registry's.
        assert!(!is_other_api_failure(
            "denied: requested access to the resource is denied"
        ));
        assert!(!is_other_api_failure(
            "Error: failed to push ghcr.io/o/readme-tools:1: unexpected status: 403 Forbidden"
        ));
    }

    /// [`super::mentions_readme`] without its pair test, as it was written first.
    fn mentions_readme_searched(line: &[u8]) -> bool {
        let holds = |from: usize, word: &[u8]| {
            line.get(from..from + word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
        };
        memchr::memchr2_iter(b'd', b'D', line)
            .any(|at| holds(at, b"description") || (at >= 3 && holds(at - 3, b"readme")))
    }

    #[test]
    fn the_pair_test_lets_every_line_with_either_word_through() {
        // Each word in every case, at every place of lines of every length around the
        // block's, among bytes that fold onto letters.
        let mut words: Vec<Vec<u8>> = Vec::new();
        for word in [&b"readme"[..], b"description"] {
            for mask in 0..1u32 << word.len() {
                words.push(
                    word.iter()
                        .enumerate()
                        .map(|(i, c)| {
                            if mask & (1 << i) != 0 {
                                c.to_ascii_uppercase()
                            } else {
                                *c
                            }
                        })
                        .collect(),
                );
            }
        }
        for word in &words {
            for len in word.len()..=40 {
                for at in 0..=len - word.len() {
                    let mut line = vec![b'x'; len];
                    line[at..at + word.len()].copy_from_slice(word);
                    assert!(super::holds_readme_pair(&line), "{line:?}");
                    assert!(super::mentions_readme(&line), "{line:?}");
                }
            }
        }
        // Lines without either word: the answer is the search's, whatever the pair test says.
        let alphabet = [b'd', b'D', b'm', b'p', b'T', b'e', b'@', 0xc4, b'r', b'a'];
        for len in 0..=20usize {
            for seed in 0..200u64 {
                let mut k = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ len as u64;
                let line: Vec<u8> = (0..len)
                    .map(|_| {
                        k = k.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        alphabet[(k >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                assert_eq!(
                    super::mentions_readme(&line),
                    mentions_readme_searched(&line),
                    "{line:?}"
                );
            }
        }
        for line in [
            &b"npm WARN deprecated inflight@1.0.6: This module is not supported"[..],
            b"",
        ] {
            assert!(!super::holds_readme_pair(line));
        }
    }

    #[test]
    fn readme_and_description_are_found_in_any_case() {
        for (text, found) in [
            ("Failed to update Docker Hub README for o/app", true),
            ("see the ReadMe", true),
            ("readme", true),
            ("Error updating the repository DESCRIPTION", true),
            ("eadme", false),
            ("readm", false),
            ("descriptio", false),
            ("dddd readmd", false),
            ("", false),
        ] {
            assert_eq!(super::mentions_readme(text.as_bytes()), found, "{text}");
        }
    }

    #[test]
    fn a_failed_readme_update_announces_the_web_apis_answer() {
        assert!(super::is_failed_readme_update(
            "  🛑 Failed to update Docker Hub README for o/app with status code 401"
        ));
        assert!(!super::is_failed_readme_update(
            "Error response from daemon: Get \"https://registry-1.docker.io/v2/\": unauthorized: incorrect username or password"
        ));
    }

    #[test]
    fn githubs_rest_api_error_body_is_not_a_registrys() {
        assert!(is_other_api_failure(
            r#"Error: {"message":"Resource protected by organization SAML enforcement. You must grant your personal token access to this organization.","documentation_url":"https://help.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/"}"#
        ));
        assert!(is_other_api_failure(
            r#"HttpError: {"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment"}"#
        ));
        // A registry's body, and gh's own print of the same refusal, stay.
        assert!(!is_other_api_failure(
            r#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#
        ));
        assert!(!is_other_api_failure(
            "gh: Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization. (HTTP 403)"
        ));
        // gh's print of a GraphQL API error.
        assert!(is_other_api_failure(
            "GraphQL error: Resource protected by organization SAML enforcement. You must grant your OAuth token access to this organization."
        ));
        assert!(is_other_api_failure(
            "GraphQL: Resource not accessible by integration (addComment)"
        ));
        // A documentation_url elsewhere is not GitHub's.
        assert!(!is_other_api_failure(
            r#"{"message":"denied","documentation_url":"https://example.com/docs"}"#
        ));
    }

    #[test]
    fn a_clusters_rbac_refusal_is_not_a_registrys() {
        assert!(is_other_api_failure(
            "Error from server (Forbidden): deployments.apps \"app\" is forbidden: User \"system:serviceaccount:ci:deployer\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"ci\""
        ));
        // A pull refused by a registry, as a pod's events report it, stays.
        assert!(!is_other_api_failure(
            "Failed to pull image \"ghcr.io/example/app:1.0\": failed to authorize: failed to fetch anonymous token: unexpected status: 403 Forbidden"
        ));
    }

    #[test]
    fn only_ecrs_login_and_image_calls_are_registry_work() {
        assert!(is_other_api_failure(
            "Error: listing tags for ECR (Elastic Container Registry) Repository (app): operation error ECR: ListTagsForResource, https response error StatusCode: 400, api error AccessDeniedException"
        ));
        assert!(!is_other_api_failure(
            "error getting credentials - err: exit status 1, out: `operation error ECR: GetAuthorizationToken, https response error StatusCode: 400, api error UnrecognizedClientException`"
        ));
        // The image reads and writes are a pull's and a push's own calls.
        assert!(!is_other_api_failure(
            "error getting an image: operation error ECR: BatchGetImage, https response error StatusCode: 400, api error ExpiredTokenException: The security token included in the request is expired"
        ));
        assert!(is_other_api_failure(
            "operation error ECR: DescribeImages, https response error StatusCode: 400, api error ExpiredTokenException"
        ));
    }
}
