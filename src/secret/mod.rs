//! Secrets: the `Secret` type, which cannot be printed by accident, and the one policy that
//! decides what looks like a secret ([`shape`]) and hides it from text ([`redact`]).
//!
//! `Debug` and `Display` print `<redacted>`. The value is revealed only by
//! [`Secret::expose`], which the HTTP layer calls when it builds an `Authorization` header
//! for an allowed host, and the docker-config writer calls when it stores a login. The
//! memory is zeroed when the secret is dropped.

use std::fmt;

use zeroize::Zeroize;

pub mod redact;
pub mod shape;

pub use redact::{looks_secret, redact, secret_ranges};
pub use shape::Service;

/// What `Debug` and `Display` print instead of a secret.
pub const REDACTED: &str = "<redacted>";

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Call only where the value must leave the process (an
    /// `Authorization` header, a credentials file); never format it into a message.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("ghp_supersecretvalue");
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(format!("{:?}", Some(&s)), format!("Some({REDACTED})"));
        assert_eq!(s.expose(), "ghp_supersecretvalue");
    }
}
