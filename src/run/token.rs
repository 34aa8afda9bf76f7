//! The token for GitHub's API when reading a run: `GH_TOKEN`, then `GITHUB_TOKEN`, then the
//! gh CLI's stored token for the host (its `hosts.yml`, else `gh auth token`). Never from
//! the command line.

use std::path::PathBuf;
use std::time::Duration;

use crate::credentials::Env;
use crate::secret::Secret;
use crate::workflow::yaml;

/// Where the token came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// An environment variable (`GH_TOKEN`, `GITHUB_TOKEN`).
    Env(&'static str),
    /// The gh CLI's `hosts.yml`.
    GhConfig,
    /// `gh auth token`.
    GhCommand,
}

impl TokenSource {
    /// The stable name used in evidence (`env:GH_TOKEN`, `gh-config`, `gh-command`).
    pub fn describe(&self) -> String {
        match self {
            TokenSource::Env(name) => format!("env:{name}"),
            TokenSource::GhConfig => "gh-config".into(),
            TokenSource::GhCommand => "gh-command".into(),
        }
    }
}

/// The gh CLI's `hosts.yml`: `GH_CONFIG_DIR`, else `XDG_CONFIG_HOME/gh`, else
/// `~/.config/gh` (`%AppData%\GitHub CLI` on Windows).
fn gh_hosts_file(env: &Env) -> Option<PathBuf> {
    let nonempty = |k: &str| env.get(k).filter(|v| !v.trim().is_empty());
    if let Some(dir) = nonempty("GH_CONFIG_DIR") {
        return Some(PathBuf::from(dir).join("hosts.yml"));
    }
    if let Some(dir) = nonempty("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(dir).join("gh").join("hosts.yml"));
    }
    if cfg!(windows)
        && let Some(dir) = nonempty("AppData")
    {
        return Some(PathBuf::from(dir).join("GitHub CLI").join("hosts.yml"));
    }
    nonempty("HOME").map(|h| {
        PathBuf::from(h)
            .join(".config")
            .join("gh")
            .join("hosts.yml")
    })
}

/// The `oauth_token` of `host` in a gh `hosts.yml` text (the active user's, else the
/// host-level one).
pub fn token_from_hosts(text: &str, host: &str) -> Option<Secret> {
    let docs = yaml::parse(text).ok()?;
    let root = docs.first()?;
    let entry = root
        .map()
        .iter()
        .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(host)))
        .map(|(_, v)| v)?;
    let direct = entry.get("oauth_token").and_then(yaml::Node::as_str);
    let active = entry
        .get("user")
        .and_then(yaml::Node::as_str)
        .and_then(|user| entry.get("users")?.get(user)?.get("oauth_token"))
        .and_then(yaml::Node::as_str);
    active
        .or(direct)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(Secret::new)
}

/// At most this long for `gh auth token`.
const GH_TIMEOUT: Duration = Duration::from_secs(5);

/// `gh auth token --hostname HOST`, when gh is installed and keeps the token in the system
/// keyring. A gh that hangs is killed after [`GH_TIMEOUT`].
async fn token_from_gh_command(env: &Env, host: &str) -> Option<Secret> {
    let path = env.get("PATH")?;
    let found = std::env::split_paths(path)
        .any(|d| d.join("gh").is_file() || (cfg!(windows) && d.join("gh.exe").is_file()));
    if !found {
        return None;
    }
    let mut cmd = tokio::process::Command::new("gh");
    cmd.args(["auth", "token", "--hostname", host])
        .env_clear()
        .envs(env.iter())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(GH_TIMEOUT, cmd.output())
        .await
        .ok()?
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let token = text.trim();
    (!token.is_empty() && !token.contains(char::is_whitespace)).then(|| Secret::new(token))
}

/// The token for `web_host`'s API, and where it came from.
pub async fn discover(env: &Env, web_host: &str) -> Option<(Secret, TokenSource)> {
    for name in ["GH_TOKEN", "GITHUB_TOKEN"] {
        if let Some(v) = env.get(name).map(str::trim).filter(|v| !v.is_empty()) {
            return Some((Secret::new(v), TokenSource::Env(name)));
        }
    }
    let host = web_host.split(':').next().unwrap_or(web_host);
    if let Some(file) = gh_hosts_file(env)
        && let Ok(text) = read_small(&file)
        && let Some(token) = token_from_hosts(&text, host)
    {
        return Some((token, TokenSource::GhConfig));
    }
    token_from_gh_command(env, host)
        .await
        .map(|t| (t, TokenSource::GhCommand))
}

/// Reads a regular file of at most 1 MiB.
fn read_small(path: &std::path::Path) -> std::io::Result<String> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() || meta.len() > 1024 * 1024 {
        return Err(std::io::Error::other("not a small regular file"));
    }
    std::fs::read_to_string(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_yml_active_user_then_host_level() {
        let text = "github.com:\n    user: octocat\n    oauth_token: gho_hostlevel\n    users:\n        octocat:\n            oauth_token: gho_active\n        other:\n            oauth_token: gho_other\nghe.example.com:\n    oauth_token: gho_ghe\n";
        assert_eq!(
            token_from_hosts(text, "github.com").map(|s| s.expose().to_owned()),
            Some("gho_active".into())
        );
        assert_eq!(
            token_from_hosts(text, "GHE.example.com").map(|s| s.expose().to_owned()),
            Some("gho_ghe".into())
        );
        assert!(token_from_hosts(text, "elsewhere.example").is_none());
        // gh with a keyring keeps no token in the file.
        assert!(token_from_hosts("github.com:\n    user: octocat\n", "github.com").is_none());
        assert!(token_from_hosts(": : not yaml [", "github.com").is_none());
    }

    #[test]
    fn environment_order() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let env = Env::from_pairs([("GITHUB_TOKEN", "ghs_b"), ("GH_TOKEN", "gho_a")]);
        let (token, source) = rt.block_on(discover(&env, "github.com")).expect("token");
        assert_eq!(token.expose(), "gho_a");
        assert_eq!(source, TokenSource::Env("GH_TOKEN"));
        let env = Env::from_pairs([("GITHUB_TOKEN", "ghs_b"), ("GH_TOKEN", " ")]);
        let (_, source) = rt.block_on(discover(&env, "github.com")).expect("token");
        assert_eq!(source, TokenSource::Env("GITHUB_TOKEN"));
        let empty = Env::from_pairs([("HOME", "/nonexistent-home")]);
        assert!(rt.block_on(discover(&empty, "github.com")).is_none());
    }
}
