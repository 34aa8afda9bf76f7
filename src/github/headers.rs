//! The response headers in which GitHub's REST API describes the token: its scopes, its
//! expiry, its SAML SSO state and its rate limit.

use crate::http::{Response, days_from_civil};

use super::scopes::Scopes;

/// What one answer's headers say about the token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiHeaders {
    /// `X-OAuth-Scopes`; absent for fine-grained tokens, installation tokens and App user
    /// tokens, which have permissions instead.
    pub oauth_scopes: Option<Scopes>,
    /// `X-Accepted-OAuth-Scopes`: what the endpoint checks for.
    pub accepted_scopes: Option<Scopes>,
    /// `GitHub-Authentication-Token-Expiration`, when it parsed.
    pub expiration: Option<Expiry>,
    /// `X-GitHub-SSO`.
    pub sso: Option<Sso>,
    pub rate_limit: RateLimit,
    /// `Retry-After` in seconds (secondary rate limits).
    pub retry_after: Option<u64>,
}

impl ApiHeaders {
    pub fn from_response(response: &Response) -> ApiHeaders {
        ApiHeaders {
            oauth_scopes: response.header("x-oauth-scopes").map(Scopes::parse),
            accepted_scopes: response
                .header("x-accepted-oauth-scopes")
                .map(Scopes::parse),
            expiration: response
                .header("github-authentication-token-expiration")
                .and_then(Expiry::parse),
            sso: response.header("x-github-sso").and_then(Sso::parse),
            rate_limit: RateLimit {
                limit: number(response.header("x-ratelimit-limit")),
                remaining: number(response.header("x-ratelimit-remaining")),
                reset: number(response.header("x-ratelimit-reset")),
                resource: response.header("x-ratelimit-resource").map(str::to_owned),
            },
            retry_after: number(response.header("retry-after")),
        }
    }
}

fn number(value: Option<&str>) -> Option<u64> {
    value.and_then(|v| v.trim().parse().ok())
}

/// The `x-ratelimit-*` headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// When the window resets, in Unix seconds.
    pub reset: Option<u64>,
    /// `core`, `graphql`, ...
    pub resource: Option<String>,
}

impl RateLimit {
    pub fn exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// `X-GitHub-SSO`: `required; url=...` or `partial-results; organizations=1,2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sso {
    /// The token must be authorised for the organisation; `url` starts that authorisation.
    Required { url: Option<String> },
    /// A listing left out organisations the token is not authorised for (their ids).
    Partial { organizations: Vec<String> },
}

impl Sso {
    pub fn parse(value: &str) -> Option<Sso> {
        let mut parts = value.split(';').map(str::trim);
        let kind = parts.next()?.to_ascii_lowercase();
        let params: Vec<(String, String)> = parts
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        match kind.as_str() {
            "required" => Some(Sso::Required {
                // Only an HTTPS URL is shown to the user: the value comes from a server.
                url: param("url").filter(|u| u.starts_with("https://")),
            }),
            "partial-results" => Some(Sso::Partial {
                organizations: param("organizations")
                    .map(|o| {
                        o.split(',')
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .collect()
                    })
                    .unwrap_or_default(),
            }),
            _ => None,
        }
    }
}

/// When a token expires, from `GitHub-Authentication-Token-Expiration`
/// (`2021-10-07 19:07:53 UTC`; a numeric offset such as `-0700` is accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expiry {
    /// Unix seconds.
    pub unix: i64,
}

impl Expiry {
    pub fn parse(value: &str) -> Option<Expiry> {
        let mut parts = value.split_whitespace();
        let date = parts.next()?;
        let time = parts.next()?;
        let zone = parts.next().unwrap_or("UTC");
        if parts.next().is_some() {
            return None;
        }
        let ymd: Vec<u64> = date
            .split('-')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let hms: Vec<i64> = time
            .split(':')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let ([y, mo, d], [h, mi, s]) = (ymd.as_slice(), hms.as_slice()) else {
            return None;
        };
        if !(1970..=9999).contains(y)
            || !(1..=12).contains(mo)
            || !(1..=31).contains(d)
            || !(0..24).contains(h)
            || !(0..60).contains(mi)
            || !(0..=60).contains(s)
        {
            return None;
        }
        let offset = match zone {
            "UTC" | "GMT" | "Z" => 0,
            z if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) => {
                let hh: i64 = z[1..3].parse().ok()?;
                let mm: i64 = z[3..5].parse().ok()?;
                let sign = if z.starts_with('-') { -1 } else { 1 };
                sign * (hh * 3600 + mm * 60)
            }
            _ => return None,
        };
        let days = i64::try_from(days_from_civil(*y, *mo, *d)).ok()?;
        Some(Expiry {
            unix: days * 86_400 + h * 3600 + mi * 60 + s - offset,
        })
    }

    /// Whole days from `now` (Unix seconds) until expiry; negative once expired.
    pub fn days_left(self, now: i64) -> i64 {
        (self.unix - now).div_euclid(86_400)
    }

    pub fn is_past(self, now: i64) -> bool {
        self.unix <= now
    }

    /// `2021-10-07 19:07 UTC`.
    pub fn display(self) -> String {
        let days = self.unix.div_euclid(86_400);
        let secs = self.unix.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
            secs / 3600,
            (secs % 3600) / 60
        )
    }
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_in_githubs_form() {
        let e = Expiry::parse("2021-10-07 19:07:53 UTC").expect("parses");
        assert_eq!(e.unix, 1_633_633_673);
        assert_eq!(e.display(), "2021-10-07 19:07 UTC");
        let shifted = Expiry::parse("2021-10-07 12:07:53 -0700").expect("offset");
        assert_eq!(shifted, e);
    }

    #[test]
    fn expiry_rejects_garbage() {
        for bad in [
            "",
            "tomorrow",
            "2021-13-07 19:07:53 UTC",
            "2021-10-07",
            "2021-10-07 19:07:53 PST",
            "2021-10-07 25:00:00 UTC",
            "2021-10-07 19:07:53 UTC extra",
        ] {
            assert_eq!(Expiry::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_left_counts_whole_days() {
        let e = Expiry::parse("2030-01-10 00:00:00 UTC").expect("parses");
        let now = Expiry::parse("2030-01-07 00:00:00 UTC")
            .expect("parses")
            .unix;
        assert_eq!(e.days_left(now), 3);
        assert!(!e.is_past(now));
        assert_eq!(e.days_left(e.unix + 1), -1);
        assert!(e.is_past(e.unix));
    }

    #[test]
    fn civil_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2024, 12, 31), (2100, 3, 1)] {
            let days = days_from_civil(y as u64, m as u64, d as u64) as i64;
            assert_eq!(civil_from_days(days), (y, m, d));
        }
    }

    #[test]
    fn sso_header_forms() {
        assert_eq!(
            Sso::parse("required; url=https://github.com/orgs/acme/sso?authorization_request=abc"),
            Some(Sso::Required {
                url: Some("https://github.com/orgs/acme/sso?authorization_request=abc".into())
            })
        );
        assert_eq!(
            Sso::parse("required; url=javascript:alert(1)"),
            Some(Sso::Required { url: None })
        );
        assert_eq!(
            Sso::parse("partial-results; organizations=21955855,20582480"),
            Some(Sso::Partial {
                organizations: vec!["21955855".into(), "20582480".into()]
            })
        );
        assert_eq!(Sso::parse("whatever"), None);
    }
}
