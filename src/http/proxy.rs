//! Proxies: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, as the tool honours
//! them, and how a proxy URL is shown.

use url::Url;

use super::is_loopback_host;
use crate::secret::REDACTED;

/// `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and `NO_PROXY`, as the tool honours them.
#[derive(Debug, Clone, Default)]
pub struct ProxyConfig {
    pub https: Option<String>,
    pub http: Option<String>,
    pub no_proxy: Vec<String>,
}

impl ProxyConfig {
    /// Reads the proxy variables (upper or lower case; lower case wins, as in curl).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| {
            get(&name.to_ascii_lowercase())
                .or_else(|| get(name))
                .filter(|v| !v.trim().is_empty())
        };
        let all = var("ALL_PROXY");
        ProxyConfig {
            https: var("HTTPS_PROXY").or_else(|| all.clone()),
            http: var("HTTP_PROXY").or(all),
            no_proxy: var("NO_PROXY")
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_ascii_lowercase())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The proxy a request to `url` goes through, if any. Loopback never uses a proxy.
    pub fn proxy_for(&self, url: &Url) -> Option<&str> {
        let host = url
            .host_str()?
            .trim_start_matches('[')
            .trim_end_matches(']');
        if is_loopback_host(host) || self.bypassed(host, url.port_or_known_default()) {
            return None;
        }
        match url.scheme() {
            "https" => self.https.as_deref(),
            "http" => self.http.as_deref(),
            _ => None,
        }
    }

    fn bypassed(&self, host: &str, port: Option<u16>) -> bool {
        let host = host.to_ascii_lowercase();
        self.no_proxy.iter().any(|entry| {
            if entry == "*" {
                return true;
            }
            let (name, entry_port) = match entry.rsplit_once(':') {
                Some((n, p)) if !n.contains(':') || n.ends_with(']') => (n, p.parse::<u16>().ok()),
                _ => (entry.as_str(), None),
            };
            if entry_port.is_some() && entry_port != port {
                return false;
            }
            let name = name.trim_start_matches("*.").trim_start_matches('.');
            let name = name.trim_start_matches('[').trim_end_matches(']');
            host == name || host.ends_with(&format!(".{name}"))
        })
    }
}

/// Redacts user information in a proxy URL so it can be shown.
pub fn display_proxy(proxy: &str) -> String {
    match Url::parse(proxy) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            format!(
                "{} (credentials {REDACTED})",
                u.as_str().trim_end_matches('/')
            )
        }
        Ok(u) => u.as_str().trim_end_matches('/').to_owned(),
        Err(_) => REDACTED.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test url")
    }

    #[test]
    fn no_proxy_matching() {
        let p = ProxyConfig {
            https: Some("http://proxy:3128".into()),
            http: None,
            no_proxy: vec![
                ".internal".into(),
                "ghcr.io".into(),
                "reg.example:5000".into(),
            ],
        };
        assert_eq!(
            p.proxy_for(&url("https://api.github.com/")),
            Some("http://proxy:3128")
        );
        assert_eq!(p.proxy_for(&url("https://ghcr.io/v2/")), None);
        assert_eq!(p.proxy_for(&url("https://pkg.ghcr.io/v2/")), None);
        assert_eq!(p.proxy_for(&url("https://a.internal/")), None);
        assert_eq!(p.proxy_for(&url("https://reg.example:5000/")), None);
        assert_eq!(
            p.proxy_for(&url("https://reg.example/")),
            Some("http://proxy:3128")
        );
        assert_eq!(p.proxy_for(&url("https://127.0.0.1:5000/")), None);
        assert_eq!(p.proxy_for(&url("http://example.com/")), None);
    }

    #[test]
    fn proxy_from_env_prefers_lowercase_and_all_proxy() {
        let env = |k: &str| match k {
            "https_proxy" => Some("http://lower:1".to_owned()),
            "HTTPS_PROXY" => Some("http://upper:1".to_owned()),
            "ALL_PROXY" => Some("http://all:1".to_owned()),
            "NO_PROXY" => Some(" a.com , b.com ".to_owned()),
            _ => None,
        };
        let p = ProxyConfig::from_env(env);
        assert_eq!(p.https.as_deref(), Some("http://lower:1"));
        assert_eq!(p.http.as_deref(), Some("http://all:1"));
        assert_eq!(p.no_proxy, vec!["a.com", "b.com"]);
    }

    #[test]
    fn proxy_credentials_are_not_shown() {
        let shown = display_proxy("http://user:hunter2@proxy.corp:3128");
        assert!(
            !shown.contains("hunter2") && !shown.contains("user"),
            "{shown}"
        );
        assert!(shown.contains("proxy.corp:3128"));
    }
}
