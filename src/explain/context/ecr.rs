//! Logins to Amazon ECR, whose only user is `AWS`.
//!
//! ECR takes one credential: the user name `AWS` and the password `aws ecr
//! get-login-password` prints (GetAuthorizationToken's, valid 12 hours). A login with any other
//! user name (an AWS access key id, a Docker Hub or CI account) can never succeed, whatever its
//! password: the credential belongs to another service.

/// True when `cleaned` is a login command (`docker login`, `podman login`, ...) to an ECR host
/// (`ACCOUNT.dkr.ecr.REGION.amazonaws.com`) that passes a user name other than `AWS`, written
/// out (a variable, `$USER` or `%USER%`, or a masked `***` is not judged).
pub(crate) fn login_user_not_aws(cleaned: &str) -> bool {
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let Some(at) = words.iter().position(|w| *w == "login") else {
        return false;
    };
    let tools = ["docker", "podman", "buildah", "skopeo", "nerdctl"];
    if !words[..at]
        .iter()
        .any(|w| tools.iter().any(|t| w.ends_with(t)))
    {
        return false;
    }
    let args: Vec<&str> = words[at + 1..]
        .iter()
        .take_while(|w| !matches!(**w, "|" | "&&" | ";" | "||"))
        .copied()
        .collect();
    let ecr_host = args.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        a.contains(".dkr.ecr.") && a.contains(".amazonaws.com")
    });
    if !ecr_host {
        return false;
    }
    let mut user = None;
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = a.strip_prefix("--username=") {
            user = Some(v);
        } else if matches!(*a, "-u" | "--username") {
            user = args.get(i + 1).copied();
        }
    }
    let Some(user) = user.map(|u| u.trim_matches(['"', '\''])) else {
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
