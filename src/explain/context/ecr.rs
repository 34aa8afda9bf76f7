//! Logins to Amazon ECR, whose only user is `AWS`.
//!
//! ECR takes one credential: the user name `AWS` and the password `aws ecr
//! get-login-password` prints (GetAuthorizationToken's, valid 12 hours). A login with any other
//! user name (an AWS access key id, a Docker Hub or CI account) can never succeed, whatever its
//! password: the credential belongs to another service.

use super::aim::{login_args, login_host, login_user};

/// True when `cleaned` is a login command (`docker login`, `podman login`, ...) to an ECR host
/// (`ACCOUNT.dkr.ecr.REGION.amazonaws.com`) that passes a user name other than `AWS`, written
/// out (a variable, `$USER` or `%USER%`, or a masked `***` is not judged).
pub(crate) fn login_user_not_aws(cleaned: &str) -> bool {
    let Some(args) = login_args(cleaned) else {
        return false;
    };
    let ecr_host =
        login_host(&args).is_some_and(|h| h.contains(".dkr.ecr.") && h.contains(".amazonaws.com"));
    if !ecr_host {
        return false;
    }
    let Some(user) = login_user(&args) else {
        return false;
    };
    let unknown = user.is_empty() || user.contains(['$', '%', '*', '{', '`']);
    !unknown && user != "AWS"
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "123456789012.dkr.ecr.us-west-2.amazonaws.com";

    #[test]
    fn a_user_other_than_aws_is_flagged() {
        assert!(login_user_not_aws(&format!(
            "docker login -u AKIAIOSFODNN7EXAMPLE -p *** {HOST}"
        )));
        assert!(login_user_not_aws(&format!(
            "+ docker login --username=octocat --password-stdin https://{HOST}"
        )));
        assert!(login_user_not_aws(&format!(
            "podman login --username \"ci-bot\" {HOST}"
        )));
    }

    #[test]
    fn the_aws_user_variables_and_other_hosts_are_not() {
        assert!(!login_user_not_aws(&format!(
            "aws ecr get-login-password | docker login --username AWS --password-stdin {HOST}"
        )));
        assert!(!login_user_not_aws(&format!(
            "docker login --username $DOCKER_USERNAME -p $DOCKER_PASS {HOST}"
        )));
        assert!(!login_user_not_aws(&format!(
            "docker login -u %ECR_USER% -p %ECR_PASS% {HOST}"
        )));
        assert!(!login_user_not_aws(&format!("docker login -u *** {HOST}")));
        assert!(!login_user_not_aws(&format!("docker login {HOST}")));
        assert!(!login_user_not_aws("docker login -u octocat ghcr.io"));
        assert!(!login_user_not_aws(&format!(
            "echo logging in as octocat to {HOST}"
        )));
    }
}
