//! Docker's `config.json` and podman's `auth.json`: loading them, and finding the entry,
//! helper or problem for one registry, the way docker does.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Map, Value};

use super::credential_config;
use super::host;
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Location, Outcome};
use crate::secret::Secret;
use crate::t;

/// The largest configuration file read: real ones are a few KiB; a FIFO, a device or a huge
/// file must not hang the run or fill memory (`local_file`).
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// Which tool's file this is: podman ignores `credsStore`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Docker,
    Podman,
}

/// A parsed configuration file.
#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub flavor: Flavor,
    root: Map<String, Value>,
}

impl ConfigFile {
    /// True when an `auths` entry holds a credential (`auth`, `password` or
    /// `identitytoken`), so reading the file is reading the credential.
    pub fn holds_credentials(&self) -> bool {
        self.root
            .get("auths")
            .and_then(Value::as_object)
            .is_some_and(|auths| {
                auths.values().any(|e| {
                    ["auth", "password", "identitytoken"].iter().any(|k| {
                        e.get(k)
                            .and_then(Value::as_str)
                            .is_some_and(|v| !v.is_empty())
                    })
                })
            })
    }
}

/// The permission bits of `path` when group or other users may read or write it (unix).
pub fn exposed_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Loading a file: absent is normal, broken is a finding.
#[derive(Debug)]
pub enum Load {
    Missing,
    Loaded(ConfigFile),
    Broken(Finding),
}

/// What an `auths` entry holds.
#[derive(Debug)]
pub enum Entry {
    /// A user name and password (from `auth` or `username`/`password`).
    Password {
        username: Option<String>,
        secret: Secret,
    },
    /// An OAuth2 identity (refresh) token.
    IdentityToken {
        username: Option<String>,
        secret: Secret,
    },
    /// `{}` or only an `email`: docker's marker for a login kept in a helper.
    Empty,
    /// Present but unusable; the finding says why.
    Broken(Box<Finding>),
}

pub fn load(path: &Path, flavor: Flavor) -> Load {
    let display = path.display().to_string();
    let text = match crate::local_file::read_to_string(path, MAX_CONFIG_BYTES) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Load::Missing,
        Err(e) => {
            return Load::Broken(
                Finding::new(
                    &credential_config::CHECK,
                    Outcome::Fail(CauseId::CredentialConfigInvalid),
                    &display,
                    t!("credentials.config-unreadable", path = display, error = e),
                )
                .with_evidence(Fact::file(display.as_str())),
            );
        }
    };
    if text.trim().is_empty() {
        // docker treats an empty file as an empty configuration.
        return Load::Loaded(ConfigFile {
            path: path.to_owned(),
            flavor,
            root: Map::new(),
        });
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(root)) => Load::Loaded(ConfigFile {
            path: path.to_owned(),
            flavor,
            root,
        }),
        Ok(_) => Load::Broken(
            Finding::new(
                &credential_config::CHECK,
                Outcome::Fail(CauseId::CredentialConfigInvalid),
                &display,
                t!("credentials.config-not-object", path = display),
            )
            .with_evidence(Fact::file(display.as_str())),
        ),
        // NOTE: parsing into `Value` yields syntax errors only ("expected `,` or `}`"); they
        // never quote the file's content, so they are safe to show.
        Err(e) => Load::Broken(
            Finding::new(
                &credential_config::CHECK,
                Outcome::Fail(CauseId::CredentialConfigInvalid),
                &display,
                t!(
                    "credentials.config-malformed",
                    path = display,
                    line = e.line(),
                    error = e
                ),
            )
            .with_evidence(Fact::file(display.as_str()))
            .with_location(Location {
                file: Some(display.clone()),
                line: Some(e.line()),
                column: Some(e.column()),
                end_column: None,
            }),
        ),
    }
}

impl ConfigFile {
    fn display(&self) -> String {
        self.path.display().to_string()
    }

    /// A string-valued map at the top level (`credHelpers`, `auths`), if it is one.
    fn table(&self, name: &str) -> Option<&Map<String, Value>> {
        self.root.get(name).and_then(Value::as_object)
    }

    /// A top-level field that exists but has the wrong type, as a finding.
    pub fn type_problems(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (name, want_object) in [
            ("auths", true),
            ("credHelpers", true),
            ("credsStore", false),
        ] {
            let Some(v) = self.root.get(name) else {
                continue;
            };
            let ok = if want_object {
                v.is_object()
            } else {
                v.is_string()
            };
            if !ok {
                out.push(
                    Finding::new(
                        &credential_config::CHECK,
                        Outcome::Fail(CauseId::CredentialConfigInvalid),
                        self.display(),
                        t!(
                            "credentials.config-field-type",
                            path = self.display(),
                            field = name
                        ),
                    )
                    .with_evidence(Fact::file(self.display()))
                    .with_evidence(Fact::field(name)),
                );
            }
        }
        out
    }

    /// The helper for `registry`, and where it was named: a `credHelpers` entry wins over
    /// `credsStore` (docker), and podman has no `credsStore`.
    pub fn helper_for(&self, registry: &str) -> Option<(String, &'static str)> {
        let per_registry = self.table("credHelpers").and_then(|t| {
            t.iter()
                .find(|(k, _)| host::matches(k, registry))
                .and_then(|(_, v)| v.as_str())
                .filter(|s| !s.is_empty())
        });
        if let Some(name) = per_registry {
            return Some((name.to_owned(), "credHelpers"));
        }
        if self.flavor == Flavor::Docker
            && let Some(store) = self
                .root
                .get("credsStore")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        {
            return Some((store.to_owned(), "credsStore"));
        }
        None
    }

    /// The `auths` entry for `registry`: the exact key first, then any key for the same host
    /// (docker's order), with the key it was found under.
    pub fn entry_for(&self, registry: &str) -> Option<(String, Entry)> {
        let auths = self.table("auths")?;
        let wanted = host::server_address(registry);
        let (key, value) = auths
            .get_key_value(&wanted)
            .or_else(|| auths.iter().find(|(k, _)| host::matches(k, registry)))?;
        Some((key.clone(), self.read_entry(key, value)))
    }

    fn broken(&self, key: &str, message: String, problem: &str) -> Entry {
        Entry::Broken(Box::new(
            Finding::new(
                &credential_config::CHECK,
                Outcome::Fail(CauseId::CredentialConfigInvalid),
                self.display(),
                message,
            )
            .with_evidence(Fact::file(self.display()))
            .with_evidence(Fact::config_key(key))
            .with_evidence(Fact::problem(problem)),
        ))
    }

    fn read_entry(&self, key: &str, value: &Value) -> Entry {
        let path = self.display();
        let Some(obj) = value.as_object() else {
            return self.broken(
                key,
                t!("credentials.entry-not-object", path = path, key = key),
                "not-object",
            );
        };
        let field = |name: &str| {
            obj.get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        let mut username = field("username").map(str::to_owned);
        if let Some(token) = field("identitytoken") {
            return Entry::IdentityToken {
                username,
                secret: Secret::new(token),
            };
        }
        if let Some(auth) = field("auth") {
            // docker decodes with Go's StdEncoding (padding required) and splits at the first
            // colon; it fails the same way on anything else.
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(auth.trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            let Some(mut decoded) = decoded else {
                return self.broken(
                    key,
                    t!("credentials.auth-undecodable", path = path, key = key),
                    "auth-not-base64",
                );
            };
            let split = decoded
                .split_once(':')
                .map(|(u, p)| (u.to_owned(), Secret::new(p.trim_matches('\0'))));
            zeroize::Zeroize::zeroize(&mut decoded);
            let Some((user, secret)) = split else {
                return self.broken(
                    key,
                    t!("credentials.auth-no-colon", path = path, key = key),
                    "auth-without-colon",
                );
            };
            if !user.is_empty() {
                username = Some(user);
            }
            return Entry::Password { username, secret };
        }
        if let Some(password) = field("password") {
            return Entry::Password {
                username,
                secret: Secret::new(password),
            };
        }
        Entry::Empty
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> ConfigFile {
        ConfigFile {
            path: PathBuf::from("/x/config.json"),
            flavor: Flavor::Docker,
            root: serde_json::from_str(json).expect("test JSON"),
        }
    }

    #[test]
    fn per_registry_helper_wins_over_the_store() {
        let c = parse(r#"{"credsStore":"desktop","credHelpers":{"ghcr.io":"gh"}}"#);
        assert_eq!(c.helper_for("ghcr.io"), Some(("gh".into(), "credHelpers")));
        assert_eq!(
            c.helper_for("docker.io"),
            Some(("desktop".into(), "credsStore"))
        );
        let podman = ConfigFile {
            flavor: Flavor::Podman,
            ..parse(r#"{"credsStore":"desktop"}"#)
        };
        assert_eq!(podman.helper_for("ghcr.io"), None);
    }

    #[test]
    fn entries_in_every_key_form() {
        let b64 = base64::engine::general_purpose::STANDARD.encode("octo:pw");
        for key in ["ghcr.io", "https://ghcr.io", "https://ghcr.io/v1/"] {
            let c = parse(&format!(r#"{{"auths":{{"{key}":{{"auth":"{b64}"}}}}}}"#));
            let Some((found, Entry::Password { username, secret })) = c.entry_for("ghcr.io") else {
                panic!("no entry for {key}");
            };
            assert_eq!(found, key);
            assert_eq!(username.as_deref(), Some("octo"));
            assert_eq!(secret.expose(), "pw");
        }
    }

    #[test]
    fn the_exact_key_wins() {
        let c = parse(
            r#"{"auths":{"https://ghcr.io/v1/":{"password":"a"},"ghcr.io":{"password":"b"}}}"#,
        );
        let Some((key, Entry::Password { secret, .. })) = c.entry_for("ghcr.io") else {
            panic!("no entry");
        };
        assert_eq!(key, "ghcr.io");
        assert_eq!(secret.expose(), "b");
    }

    #[test]
    fn docker_hub_entry_is_found_for_docker_io() {
        let c =
            parse(r#"{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p"}}}"#);
        assert!(matches!(
            c.entry_for("docker.io"),
            Some((_, Entry::Password { .. }))
        ));
    }

    #[test]
    fn empty_identity_and_broken_entries() {
        let c = parse(
            r#"{"auths":{"ghcr.io":{},"quay.io":{"identitytoken":"tok"},"a.io":{"auth":"%%%"},"b.io":{"auth":"bm9jb2xvbg=="},"c.io":"x"}}"#,
        );
        assert!(matches!(c.entry_for("ghcr.io"), Some((_, Entry::Empty))));
        assert!(matches!(
            c.entry_for("quay.io"),
            Some((_, Entry::IdentityToken { .. }))
        ));
        for (host, problem) in [
            ("a.io", "auth-not-base64"),
            ("b.io", "auth-without-colon"),
            ("c.io", "not-object"),
        ] {
            let Some((_, Entry::Broken(f))) = c.entry_for(host) else {
                panic!("{host} should be broken");
            };
            assert_eq!(
                f.evidence.json(crate::evidence::Key::Problem),
                problem,
                "{host}"
            );
        }
    }

    #[test]
    fn wrong_field_types_are_named() {
        let c = parse(r#"{"auths":[],"credsStore":5}"#);
        let fields: Vec<String> = c
            .type_problems()
            .iter()
            .map(|f| {
                f.evidence
                    .json(crate::evidence::Key::Field)
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        assert_eq!(fields, vec!["auths", "credsStore"]);
    }
}
