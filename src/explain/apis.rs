//! Other services' APIs: refusals by a cluster's or a cloud's API, not by a registry.
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
//! - an AWS SDK call to the ECR API other than `GetAuthorizationToken` (`operation error ECR:
//!   ListTagsForResource, https response error StatusCode: 400, ... AccessDeniedException`;
//!   aws/aws-sdk-go-v2 `operation error %s: %s`): listing, tagging or creating repositories
//!   is the API's work. `GetAuthorizationToken` is the login a registry client (the ECR
//!   credential helper, `aws ecr get-login-password`) depends on, and stays.

/// True when `line` is a refusal or failure of a cluster's or a cloud's API that no registry
/// answered (see the module's documentation).
pub(super) fn is_other_api_failure(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    if lower.contains("error from server (forbidden)") || lower.contains(" is forbidden: user \"") {
        return true;
    }
    ["operation error ecr: ", "operation error ecr public: "]
        .iter()
        .any(|prefix| {
            lower
                .find(prefix)
                .is_some_and(|i| !lower[i + prefix.len()..].starts_with("getauthorizationtoken"))
        })
}

#[cfg(test)]
mod tests {
    use super::is_other_api_failure;

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
    fn only_ecrs_login_call_is_registry_work() {
        assert!(is_other_api_failure(
            "Error: listing tags for ECR (Elastic Container Registry) Repository (app): operation error ECR: ListTagsForResource, https response error StatusCode: 400, api error AccessDeniedException"
        ));
        assert!(!is_other_api_failure(
            "error getting credentials - err: exit status 1, out: `operation error ECR: GetAuthorizationToken, https response error StatusCode: 400, api error UnrecognizedClientException`"
        ));
    }
}
