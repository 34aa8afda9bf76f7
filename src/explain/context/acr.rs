//! Logins to Azure Container Registry, where every registry is a host of its own.
//!
//! An ACR registry is `NAME.azurecr.io`, NAME being the registry's name (5 to 50 letters and
//! digits, no other character). `az acr login --name NAME` (or `-n NAME`, or the login server
//! `NAME.azurecr.io` for NAME) gets a token for that one registry and logs docker in to
//! `NAME.azurecr.io`; docker keeps a credential per host, so it holds nothing for another
//! registry's host, although both are ACR.

use super::aim::{login_args, login_host};
use crate::command_words::flag_values;

/// The domain of ACR's registries.
const DOMAIN: &str = ".azurecr.io";

/// A registry's name as a line writes it, lowercased, or `None` for what is no name: a
/// placeholder (`<registry-name>`, `$ACR_NAME`, `{acr}`) or a word with other characters.
/// Names shorter than ACR's five characters are taken: logs posted in threads rename the
/// registry (`az acr login --name="foo"`), and the rename still tells one registry from another.
fn name(word: &str) -> Option<String> {
    let w = word.trim_matches(|c| matches!(c, '"' | '\'' | '`'));
    let w = w
        .strip_prefix("https://")
        .or_else(|| w.strip_prefix("http://"))
        .unwrap_or(w);
    let lower = w.to_ascii_lowercase();
    let host = lower.split('/').next().unwrap_or_default();
    let n = host.strip_suffix(DOMAIN).unwrap_or(host);
    let n = n.split('.').next().unwrap_or_default();
    let shaped = (1..=50).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric());
    shaped.then(|| n.to_owned())
}

/// The ACR registries `line` names (`NAME.azurecr.io`, also a regional data endpoint
/// `NAME.REGION.data.azurecr.io`), in order.
pub(crate) fn registries(line: &str) -> Vec<String> {
    let lower = line.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find(DOMAIN).map(|i| i + from) {
        from = at + DOMAIN.len();
        let head = &lower[..at];
        let start = head
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-')))
            .map_or(0, |(i, c)| i + c.len_utf8());
        if let Some(n) = name(&head[start..]) {
            found.push(n);
        }
    }
    found
}

/// The registries a login on `line` goes to: `az acr login --name NAME` (`-n NAME`,
/// `--name=NAME`), or a client's login command to `NAME.azurecr.io`.
pub(crate) fn logins(line: &str) -> Vec<String> {
    let lower = line.to_ascii_lowercase();
    if let Some(at) = lower.find("az acr login") {
        let words: Vec<&str> = line[at + "az acr login".len()..]
            .split_whitespace()
            .take_while(|w| !matches!(*w, "|" | "&&" | ";" | "||"))
            .collect();
        return flag_values(&words, &["--name", "-n"])
            .into_iter()
            .filter_map(name)
            .collect();
    }
    let Some(args) = login_args(line) else {
        return Vec::new();
    };
    login_host(&args)
        .filter(|h| h.ends_with(DOMAIN))
        .and_then(|h| name(&h))
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn az_acr_login_names_its_registry() {
        assert_eq!(logins("$ az acr login --name=\"foo12\""), ["foo12"]);
        assert_eq!(logins("az acr login --name MyRegistry"), ["myregistry"]);
        assert_eq!(
            logins("az acr login -n myacr.azurecr.io --expose-token"),
            ["myacr"]
        );
        assert_eq!(
            logins("az acr login --name http://sapetregistry.azurecr.io"),
            ["sapetregistry"]
        );
        assert!(logins("az acr login --name <registry-name>").is_empty());
        assert!(logins("az acr login --name $ACR_NAME").is_empty());
        assert!(logins("az acr login").is_empty());
        assert_eq!(
            logins("az acr login --name=\"foo\""),
            ["foo"],
            "a renamed registry, as posted logs show it"
        );
    }

    #[test]
    fn a_client_login_to_an_acr_host_names_it() {
        assert_eq!(
            logins("docker login -u user -p *** myacr.azurecr.io"),
            ["myacr"]
        );
        assert!(logins("docker login -u user ghcr.io").is_empty());
        assert!(logins("docker push myacr.azurecr.io/app:1").is_empty());
    }

    #[test]
    fn registries_are_read_by_name() {
        assert_eq!(
            registries("docker tag nginx myRegistry.azurecr.io/nginx"),
            ["myregistry"]
        );
        assert_eq!(
            registries(
                "GET https://myacr.eastus.data.azurecr.io/v2/ and https://other1.azurecr.io/x"
            ),
            ["myacr", "other1"]
        );
        assert!(registries("<registry-name>.azurecr.io/app").is_empty());
        assert!(registries("https://aka.ms/acr/authorization").is_empty());
    }
}
