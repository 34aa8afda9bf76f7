//! `WWW-Authenticate` challenges (RFC 7235): which scheme the registry wants and where to get
//! a token.
//!
//! Registries differ in casing, quoting and ordering, a response may carry several header
//! lines or several challenges in one line, and quoted values may hold commas
//! (`scope="repository:a:pull,push"`). The parser never panics on hostile input; what it
//! cannot read is skipped.

use std::collections::BTreeMap;

/// One challenge from a `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// `Bearer realm=…,service=…,scope=…[,error=…]`: exchange a credential at `realm`.
    Bearer(Bearer),
    /// `Basic realm=…`: send the user name and password on every request.
    Basic { realm: Option<String> },
    /// Any other scheme, kept by name (lowercase) so the finding can show it.
    Other {
        scheme: String,
        params: BTreeMap<String, String>,
    },
}

/// The parameters of a Bearer challenge. Parameter names are case-insensitive; values are
/// kept as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bearer {
    pub realm: Option<String>,
    pub service: Option<String>,
    /// The space-separated scopes the server asks for (`scope="a b"` gives two).
    pub scope: Vec<String>,
    /// `insufficient_scope`, `invalid_token`, ...
    pub error: Option<String>,
    pub error_description: Option<String>,
}

impl Challenge {
    /// The Bearer parameters, if this is a Bearer challenge.
    pub fn bearer(&self) -> Option<&Bearer> {
        match self {
            Challenge::Bearer(b) => Some(b),
            _ => None,
        }
    }

    /// The scheme name in lowercase.
    pub fn scheme(&self) -> &str {
        match self {
            Challenge::Bearer(_) => "bearer",
            Challenge::Basic { .. } => "basic",
            Challenge::Other { scheme, .. } => scheme,
        }
    }
}

/// Parses every challenge in every `WWW-Authenticate` header value, in order.
pub fn parse_all<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    values.into_iter().flat_map(parse).collect()
}

/// The first Bearer challenge among `challenges`.
pub fn first_bearer(challenges: &[Challenge]) -> Option<&Bearer> {
    challenges.iter().find_map(Challenge::bearer)
}

/// Parses one header value, which may hold several challenges.
pub fn parse(value: &str) -> Vec<Challenge> {
    let mut lexer = Lexer {
        s: value.as_bytes(),
        i: 0,
    };
    let mut out = Vec::new();
    loop {
        lexer.skip_separators();
        if lexer.at_end() {
            break;
        }
        let Some(scheme) = lexer.token() else {
            // Not a token: skip one byte so a stray character cannot stop the parse.
            lexer.i += 1;
            continue;
        };
        let mut params = BTreeMap::new();
        loop {
            lexer.skip_ws();
            let save = lexer.i;
            if lexer.peek() == Some(b',') {
                lexer.i += 1;
                lexer.skip_ws();
            }
            let before_name = lexer.i;
            let Some(name) = lexer.token() else {
                // token68 (`Basic abc==`) or garbage: skip it up to the next comma.
                if lexer.at_end() {
                    break;
                }
                lexer.i = before_name;
                if lexer.skip_token68() {
                    continue;
                }
                lexer.i = save;
                break;
            };
            lexer.skip_ws();
            if lexer.peek() != Some(b'=') {
                // A bare token: the start of the next challenge.
                lexer.i = before_name;
                break;
            }
            lexer.i += 1;
            lexer.skip_ws();
            if lexer.peek() == Some(b'=') {
                // `token68` padding like `abc==`: not a parameter.
                while lexer.peek() == Some(b'=') {
                    lexer.i += 1;
                }
                continue;
            }
            let value = if lexer.peek() == Some(b'"') {
                lexer.quoted()
            } else {
                lexer.bare_value()
            };
            params.insert(name.to_ascii_lowercase(), value);
        }
        out.push(build(&scheme, params));
    }
    out
}

fn build(scheme: &str, mut params: BTreeMap<String, String>) -> Challenge {
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => Challenge::Bearer(Bearer {
            realm: params.remove("realm"),
            service: params.remove("service"),
            scope: params
                .remove("scope")
                .map(|s| s.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            error: params.remove("error"),
            error_description: params.remove("error_description"),
        }),
        "basic" => Challenge::Basic {
            realm: params.remove("realm"),
        },
        other => Challenge::Other {
            scheme: other.to_owned(),
            params,
        },
    }
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

impl Lexer<'_> {
    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    fn skip_separators(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n' | b',')) {
            self.i += 1;
        }
    }

    fn token(&mut self) -> Option<String> {
        let start = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    /// An unquoted value. RFC 7235 allows only token characters, but registries send URLs
    /// unquoted too, so read up to the next comma or space.
    fn bare_value(&mut self) -> String {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| !matches!(b, b',' | b' ' | b'\t' | b'\r' | b'\n'))
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    /// Skips a token68 value (`abc+/=`) when one is here; true if something was skipped.
    fn skip_token68(&mut self) -> bool {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| is_tchar(b) || b == b'/' || b == b'=')
        {
            self.i += 1;
        }
        self.i > start
    }

    /// A quoted string with `\` escapes; an unterminated string runs to the end.
    fn quoted(&mut self) -> String {
        let mut out = Vec::new();
        self.i += 1;
        while let Some(b) = self.peek() {
            self.i += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    if let Some(next) = self.peek() {
                        out.push(next);
                        self.i += 1;
                    }
                }
                _ => out.push(b),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(
        realm: &str,
        service: Option<&str>,
        scope: &[&str],
        error: Option<&str>,
    ) -> Challenge {
        Challenge::Bearer(Bearer {
            realm: Some(realm.to_owned()),
            service: service.map(str::to_owned),
            scope: scope.iter().map(|s| (*s).to_owned()).collect(),
            error: error.map(str::to_owned),
            error_description: None,
        })
    }

    #[test]
    fn table() {
        let cases: Vec<(&str, Vec<Challenge>)> = vec![
            (
                r#"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull""#,
                vec![bearer(
                    "https://ghcr.io/token",
                    Some("ghcr.io"),
                    &["repository:user/image:pull"],
                    None,
                )],
            ),
            (
                // distribution's insufficient_scope answer: comma inside quotes, error last.
                r#"Bearer realm="http://127.0.0.1:1/token",service="reg",scope="repository:a/b:pull,push",error="insufficient_scope""#,
                vec![bearer(
                    "http://127.0.0.1:1/token",
                    Some("reg"),
                    &["repository:a/b:pull,push"],
                    Some("insufficient_scope"),
                )],
            ),
            (
                // Casing of scheme and names, spaces around `=` and commas, unquoted values.
                r#"BEARER Realm = https://auth.docker.io/token , SERVICE=registry.docker.io"#,
                vec![bearer(
                    "https://auth.docker.io/token",
                    Some("registry.docker.io"),
                    &[],
                    None,
                )],
            ),
            (
                r#"Basic realm="Registry Realm""#,
                vec![Challenge::Basic {
                    realm: Some("Registry Realm".into()),
                }],
            ),
            (
                // Two challenges in one header.
                r#"Basic realm="r", Bearer realm="https://x/token",service="x""#,
                vec![
                    Challenge::Basic {
                        realm: Some("r".into()),
                    },
                    bearer("https://x/token", Some("x"), &[], None),
                ],
            ),
            (
                // Escaped quote inside a quoted value, several scopes.
                r#"Bearer realm="https://a/t\"x",scope="repository:a:pull repository:b:push""#,
                vec![bearer(
                    "https://a/t\"x",
                    None,
                    &["repository:a:pull", "repository:b:push"],
                    None,
                )],
            ),
            ("Bearer", vec![Challenge::Bearer(Bearer::default())]),
            (
                // token68 form, then another challenge.
                r#"Negotiate abc123==, Basic realm="r""#,
                vec![
                    Challenge::Other {
                        scheme: "negotiate".into(),
                        params: BTreeMap::new(),
                    },
                    Challenge::Basic {
                        realm: Some("r".into()),
                    },
                ],
            ),
            ("", vec![]),
            (" , ,", vec![]),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), want, "input: {input}");
        }
    }

    #[test]
    fn several_header_values() {
        let all = parse_all([
            r#"Basic realm="r""#,
            r#"bearer realm="https://t",service="s""#,
        ]);
        assert_eq!(all.len(), 2);
        assert_eq!(
            first_bearer(&all).and_then(|b| b.service.as_deref()),
            Some("s")
        );
    }

    #[test]
    fn unterminated_quote_runs_to_the_end() {
        let c = parse(r#"Bearer realm="https://t,service=x"#);
        assert_eq!(
            c[0].bearer().and_then(|b| b.realm.as_deref()),
            Some("https://t,service=x")
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_challenge_like_input(s in r#"[A-Za-z ,="\\\t]{0,80}"#) {
            let _ = parse(&s);
        }
    }
}
