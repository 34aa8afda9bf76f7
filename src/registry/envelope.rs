//! The registry's JSON error body: `{"errors":[{"code":"DENIED","message":"…","detail":…}]}`.
//!
//! Registries fill `message` with their own text (ghcr.io: `permission_denied: write_package`),
//! which is what names the cause, so the parse keeps every field it can and tolerates
//! missing ones; an unknown code is kept as [`ErrorCode::Other`] with its spelling.

use serde::Deserialize;
use serde_json::Value;

/// The error codes of the distribution specification.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    BlobUnknown,
    BlobUploadInvalid,
    BlobUploadUnknown,
    DigestInvalid,
    ManifestBlobUnknown,
    ManifestInvalid,
    ManifestUnknown,
    NameInvalid,
    NameUnknown,
    SizeInvalid,
    Unauthorized,
    Denied,
    Unsupported,
    Toomanyrequests,
    /// Any code the specification does not define, as sent.
    #[serde(untagged)]
    Other(String),
}

impl ErrorCode {
    /// The code as the registry spells it (`DENIED`).
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::BlobUnknown => "BLOB_UNKNOWN",
            ErrorCode::BlobUploadInvalid => "BLOB_UPLOAD_INVALID",
            ErrorCode::BlobUploadUnknown => "BLOB_UPLOAD_UNKNOWN",
            ErrorCode::DigestInvalid => "DIGEST_INVALID",
            ErrorCode::ManifestBlobUnknown => "MANIFEST_BLOB_UNKNOWN",
            ErrorCode::ManifestInvalid => "MANIFEST_INVALID",
            ErrorCode::ManifestUnknown => "MANIFEST_UNKNOWN",
            ErrorCode::NameInvalid => "NAME_INVALID",
            ErrorCode::NameUnknown => "NAME_UNKNOWN",
            ErrorCode::SizeInvalid => "SIZE_INVALID",
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::Denied => "DENIED",
            ErrorCode::Unsupported => "UNSUPPORTED",
            ErrorCode::Toomanyrequests => "TOOMANYREQUESTS",
            ErrorCode::Other(s) => s,
        }
    }
}

/// One entry of `errors`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RegistryError {
    #[serde(default = "unknown_code")]
    pub code: ErrorCode,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub detail: Option<Value>,
}

fn unknown_code() -> ErrorCode {
    ErrorCode::Other(String::new())
}

impl RegistryError {
    /// `denied: permission_denied: write_package`, the way docker prints it.
    pub fn display(&self) -> String {
        let code = self.code.as_str().to_ascii_lowercase();
        match (code.is_empty(), self.message.is_empty()) {
            (true, _) => self.message.clone(),
            (false, true) => code,
            (false, false) => format!("{code}: {}", self.message),
        }
    }
}

/// The whole error body.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Envelope {
    #[serde(default)]
    pub errors: Vec<RegistryError>,
}

impl Envelope {
    /// Parses a body; `None` when it is not an error envelope (HTML, empty, other JSON).
    pub fn parse(body: &[u8]) -> Option<Envelope> {
        let env: Envelope = serde_json::from_slice(body).ok()?;
        (!env.errors.is_empty()).then_some(env)
    }

    /// The first error, which is the one clients print.
    pub fn first(&self) -> Option<&RegistryError> {
        self.errors.first()
    }

    /// True when any error has `code`.
    pub fn has(&self, code: &ErrorCode) -> bool {
        self.errors.iter().any(|e| &e.code == code)
    }

    /// Every error as `code: message`, joined with `; `.
    pub fn display(&self) -> String {
        self.errors
            .iter()
            .map(RegistryError::display)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghcr_denial() {
        let env = Envelope::parse(
            br#"{"errors":[{"code":"DENIED","message":"permission_denied: write_package"}]}"#,
        )
        .expect("envelope");
        assert_eq!(env.first().map(|e| &e.code), Some(&ErrorCode::Denied));
        assert_eq!(env.display(), "denied: permission_denied: write_package");
    }

    #[test]
    fn distribution_detail_is_kept() {
        let env = Envelope::parse(
            br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Name":"a/b","Action":"push"}]}]}"#,
        )
        .expect("envelope");
        let e = env.first().expect("one error");
        assert_eq!(e.code, ErrorCode::Unauthorized);
        assert!(e.detail.as_ref().is_some_and(Value::is_array));
    }

    #[test]
    fn missing_fields() {
        let env = Envelope::parse(br#"{"errors":[{"message":"only a message"}]}"#).expect("env");
        assert_eq!(env.display(), "only a message");
        let env = Envelope::parse(br#"{"errors":[{"code":"NAME_UNKNOWN"}]}"#).expect("env");
        assert_eq!(env.display(), "name_unknown");
        assert!(env.has(&ErrorCode::NameUnknown));
        let env = Envelope::parse(br#"{"errors":[{}]}"#).expect("env");
        assert_eq!(env.display(), "");
    }

    #[test]
    fn unknown_code_is_kept() {
        let env = Envelope::parse(br#"{"errors":[{"code":"PAYMENT_REQUIRED","message":"x"}]}"#)
            .expect("env");
        assert_eq!(
            env.first().map(|e| e.code.clone()),
            Some(ErrorCode::Other("PAYMENT_REQUIRED".into()))
        );
    }

    #[test]
    fn not_an_envelope() {
        for body in [
            &b""[..],
            b"<html>502</html>",
            br#"{"errors":[]}"#,
            br#"{"details":"x"}"#,
            br#"[1]"#,
        ] {
            assert_eq!(
                Envelope::parse(body),
                None,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
