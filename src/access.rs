//! The access context `check`, `verify` and `login` share: which credential each registry
//! gets (and who is told of it before it is used), where each registry's API answers, and
//! the one pooled HTTP client.

use std::collections::BTreeMap;

use url::Url;

use crate::credentials::{self, Credential};
use crate::http;
use crate::registry::host::Endpoint;

/// Which credential each registry gets.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// `--anonymous`: nothing is sent.
    Anonymous,
    /// This credential for every registry.
    Fixed(Credential),
    /// Discovery per registry (`--password-stdin`, `--token-env`, docker config, ...); the
    /// `registry` field is filled in for each registry.
    Discover(credentials::Options),
}

/// Told of every credential discovery hands out, before it is used: the CLI masks it for
/// the GitHub Actions log, whatever source it came from (a docker config, a helper).
#[derive(Clone, Default)]
pub struct CredentialObserver(Option<std::sync::Arc<ObserveFn>>);

/// What a [`CredentialObserver`] calls.
type ObserveFn = dyn Fn(&Credential) + Send + Sync;

impl CredentialObserver {
    pub fn new(f: impl Fn(&Credential) + Send + Sync + 'static) -> Self {
        CredentialObserver(Some(std::sync::Arc::new(f)))
    }

    fn notify(&self, credential: &Credential) {
        if let Some(f) = &self.0 {
            f(credential);
        }
    }
}

impl std::fmt::Debug for CredentialObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "CredentialObserver(set)"
        } else {
            "CredentialObserver(none)"
        })
    }
}

/// Credentials, endpoints and the pooled client, built once per run.
#[derive(Debug, Clone)]
pub struct Access {
    pub credentials: Credentials,
    /// The one pooled client.
    pub http: http::Client,
    /// Told of every discovered credential before it is used.
    pub observer: CredentialObserver,
    /// Registry domain → API base URL, replacing the one derived from the domain.
    endpoints: BTreeMap<String, Url>,
}

impl Access {
    /// A new client with `options`, for `credentials`.
    pub fn new(
        options: &http::Options,
        endpoints: BTreeMap<String, Url>,
        credentials: Credentials,
    ) -> Result<Access, http::Error> {
        Ok(Access::with_client(
            http::Client::new(options.clone())?,
            endpoints,
            credentials,
        ))
    }

    /// Sharing `http`'s connection pool.
    pub fn with_client(
        http: http::Client,
        endpoints: BTreeMap<String, Url>,
        credentials: Credentials,
    ) -> Access {
        Access {
            credentials,
            http,
            observer: CredentialObserver::default(),
            endpoints,
        }
    }

    /// Discovery for `domain` with this context's options (none when anonymous), the
    /// credential shown to the observer first.
    pub async fn discover(&self, domain: &str) -> credentials::Discovery {
        let found = match &self.credentials {
            Credentials::Anonymous => credentials::Discovery::default(),
            Credentials::Fixed(c) => credentials::Discovery {
                credential: Some(c.clone()),
                ..credentials::Discovery::default()
            },
            Credentials::Discover(o) => {
                credentials::discover(&credentials::Options {
                    registry: domain.to_owned(),
                    ..o.clone()
                })
                .await
            }
        };
        if let Some(c) = &found.credential {
            self.observer.notify(c);
        }
        found
    }

    /// Where `domain`'s API answers.
    pub fn endpoint(&self, domain: &str) -> Option<Endpoint> {
        crate::registry::host::resolve(&self.endpoints, domain, self.http.options().plain_http)
    }
}
