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

/// One ECR registry as a line names it: the account and the region, each `None` where the
/// line shows a placeholder (`<id>`, `{accountID}`, `REGION`) rather than a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Registry {
    account: Option<String>,
    region: Option<String>,
}

impl Registry {
    /// True when a credential for `self` may be the one `other` needs: nothing either names
    /// tells them apart.
    pub(crate) fn covers(&self, other: &Registry) -> bool {
        let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        same(&self.account, &other.account) && same(&self.region, &other.region)
    }
}

/// A region as written (`us-east-1`, `eu-central-1`, `us-gov-west-1`; a placeholder's
/// brackets dropped: `{us-west1}`), or `None` for a word that is no region (`region`,
/// `REGION`, `${AWS_REGION}`).
fn region(word: &str) -> Option<String> {
    let w = word.trim_matches(|c| matches!(c, '{' | '}' | '<' | '>' | '[' | ']'));
    let parts: Vec<&str> = w.split('-').collect();
    let shaped = parts.len() >= 2
        && parts[0].len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && w.ends_with(|c: char| c.is_ascii_digit())
        && parts[1]
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase());
    shaped.then(|| w.to_owned())
}

/// The domain after an ECR host's region.
const AMAZONAWS: &str = ".amazonaws.com";

/// How far after `.dkr.ecr.` the region's end is looked for (the longest region,
/// `ap-southeast-1`, or a placeholder, is far shorter).
const REGION_WINDOW: usize = 64;

/// The ECR registries `line` names (`ACCOUNT.dkr.ecr.REGION.amazonaws.com`), in order.
pub(crate) fn registries(line: &str) -> Vec<Registry> {
    const MARK: &str = ".dkr.ecr.";
    let lower = line.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find(MARK).map(|i| i + from) {
        from = at + MARK.len();
        let head = &lower[..at];
        let start = head
            .char_indices()
            .rev()
            .find(|(_, c)| {
                !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '{' | '}' | '<' | '>'))
            })
            .map_or(0, |(i, c)| i + c.len_utf8());
        let account = &head[start..];
        let rest = &lower[from..];
        // The region between the two marks is a short word: looking further would read the
        // whole rest of a long line again at every mark.
        let window = &rest.as_bytes()[..rest.len().min(REGION_WINDOW)];
        let Some(end) = window
            .windows(AMAZONAWS.len())
            .position(|w| w == AMAZONAWS.as_bytes())
        else {
            continue;
        };
        if rest[..end].contains(['/', ' ', '"', '\'', ':']) {
            continue;
        }
        let account = (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
            .then(|| account.to_owned());
        found.push(Registry {
            account,
            region: region(&rest[..end]),
        });
    }
    found
}

/// True when `line` logs in to a registry: a login command (`docker login HOST`) or a tool's
/// report of one (`Authenticating HOST: Login Succeeded`). docker's advice `may require
/// 'docker login'` is none: its quoted `login'` is no command word.
pub(crate) fn is_login_line(line: &str) -> bool {
    login_args(line).is_some() || line.to_ascii_lowercase().contains("login succeeded")
}

/// The registry AWS CLI v1's `aws ecr get-login --region REGION` logs in to (its output, a
/// `docker login` command, is what scripts run): the account's registry in that region.
/// v2's `aws ecr get-login-password --region REGION` prints the password only, but that
/// password is GetAuthorizationToken's for REGION: the credential the `docker login` it feeds
/// stores is good for that region's registries alone (ECR answers a token from another
/// region with `400 Bad Request`). When the line names the host the login goes to, that host,
/// with its account, is the login, and the region alone is not read.
pub(crate) fn get_login_region(line: &str) -> Option<Registry> {
    let lower = line.to_ascii_lowercase();
    let mut at = lower.find("ecr get-login")? + "ecr get-login".len();
    if let Some(rest) = lower[at..].strip_prefix("-password") {
        at += "-password".len();
        if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
            || !registries(rest).is_empty()
        {
            return None;
        }
    } else if lower[at..].starts_with('-') {
        return None;
    }
    let words: Vec<&str> = lower[at..]
        .split(|c: char| c.is_whitespace() || matches!(c, ')' | '`' | '|' | ';'))
        .filter(|w| !w.is_empty())
        .collect();
    let value = words.iter().enumerate().find_map(|(i, w)| {
        w.strip_prefix("--region=").or_else(|| {
            (*w == "--region")
                .then(|| words.get(i + 1).copied())
                .flatten()
        })
    })?;
    Some(Registry {
        account: None,
        region: Some(region(value)?),
    })
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

    #[test]
    fn registries_are_read_with_their_account_and_region() {
        let r = registries(&format!(
            "docker pull {HOST}/app:1 and 222222222222.dkr.ecr.eu-west-1.amazonaws.com/x"
        ));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].account.as_deref(), Some("123456789012"));
        assert_eq!(r[0].region.as_deref(), Some("us-west-2"));
        assert_eq!(r[1].region.as_deref(), Some("eu-west-1"));
        let p = registries("Get https://{accountID}.dkr.ecr.{us-west1}.amazonaws.com/v2/");
        assert_eq!(p[0].account, None);
        assert_eq!(p[0].region.as_deref(), Some("us-west1"));
        let q = registries("<id>.dkr.ecr.REGION.amazonaws.com");
        assert_eq!(
            q[0],
            Registry {
                account: None,
                region: None
            }
        );
    }

    #[test]
    fn a_mark_far_from_its_domain_names_no_registry() {
        let far = format!("x.dkr.ecr.{}.amazonaws.com", "a".repeat(REGION_WINDOW));
        assert!(registries(&far).is_empty());
        // Many marks without the domain on one long line: none is read, the line is read once
        // per mark only as far as the window.
        let many = "123456789012.dkr.ecr.us-east-1 ".repeat(20_000);
        assert!(registries(&many).is_empty());
        let last = format!("{many}{HOST}/app");
        assert_eq!(registries(&last).len(), 1);
    }

    #[test]
    fn another_account_or_region_is_not_covered() {
        let a = &registries(HOST)[0];
        assert!(a.covers(&registries("123456789012.dkr.ecr.us-west-2.amazonaws.com")[0]));
        assert!(!a.covers(&registries("222222222222.dkr.ecr.us-west-2.amazonaws.com")[0]));
        assert!(!a.covers(&registries("123456789012.dkr.ecr.eu-west-1.amazonaws.com")[0]));
        assert!(a.covers(&registries("<id>.dkr.ecr.us-west-2.amazonaws.com")[0]));
    }

    #[test]
    fn get_login_and_get_login_password_name_their_region() {
        let r = get_login_region("eval $(aws ecr get-login --region eu-west-1 --no-include-email)");
        assert_eq!(r.and_then(|r| r.region).as_deref(), Some("eu-west-1"));
        let p = get_login_region("aws ecr get-login-password --region eu-west-1 | docker login");
        assert_eq!(p.and_then(|r| r.region).as_deref(), Some("eu-west-1"));
        assert!(get_login_region("aws ecr get-login-password | docker login").is_none());
        assert!(
            get_login_region(&format!(
                "aws ecr get-login-password --region us-west-2 | docker login -u AWS --password-stdin {HOST}"
            ))
            .is_none(),
            "the host on the line is the login"
        );
        assert!(get_login_region("aws ecr get-login-passwords --region eu-west-1").is_none());
        assert!(get_login_region("$(aws ecr get-login --region=$AWS_REGION)").is_none());
    }

    #[test]
    fn login_lines_and_advice() {
        assert!(is_login_line(&format!(
            "docker login -u AWS --password-stdin {HOST}"
        )));
        assert!(is_login_line(&format!(
            "Authenticating {HOST}: Login Succeeded"
        )));
        assert!(!is_login_line(&format!(
            "pull access denied for {HOST}/app, repository does not exist or may require 'docker login'"
        )));
        assert!(!is_login_line(&format!("docker pull {HOST}/app:1")));
    }
}
