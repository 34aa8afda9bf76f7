//! Turns an [`Inspection`] into findings, in order: presence ([`token_present`]), pasting
//! defects ([`token_pasting`]), format ([`token_format`]) and the verdict for the registry
//! ([`token_ghcr_verdict`]). Messages come from `i18n/<lang>/token.toml`.

use super::{Inspection, token_format, token_ghcr_verdict, token_pasting, token_present};
use crate::finding::{Finding, Status};

pub(super) fn all(insp: &Inspection, target: &str, registry: &str) -> Vec<Finding> {
    if insp.empty {
        return vec![token_present::empty(insp, target)];
    }
    let mut out = vec![token_present::present(insp, target)];
    let host = crate::host::Host::parse(registry);
    if let Some(named) = insp.named.and_then(|n| n.for_registry(&host)) {
        let f = token_format::named_finding(insp, named, target, registry, &host);
        // A value that can never authenticate here is named and nothing else is judged:
        // its pasting, format and kind would only distract from what it is.
        if f.status == Status::Fail {
            out.push(f);
            return out;
        }
        out.extend(token_pasting::pasting(insp, target));
        out.push(f);
        out.extend(token_ghcr_verdict::verdict(insp, target, registry));
        return out;
    }
    out.extend(token_pasting::pasting(insp, target));
    out.push(token_format::format(insp, target));
    out.extend(token_ghcr_verdict::verdict(insp, target, registry));
    out
}

#[cfg(test)]
mod tests {
    use crate::message;
    use crate::token::TokenKind;
    use crate::token::inspect;

    #[test]
    fn every_kind_has_a_name() {
        for kind in [
            TokenKind::ClassicPat,
            TokenKind::FineGrainedPat,
            TokenKind::Oauth,
            TokenKind::UserToServer,
            TokenKind::Installation,
            TokenKind::Refresh,
            TokenKind::LegacyHex,
            TokenKind::Unknown,
        ] {
            let key = format!("token.kind.{}", kind.as_str());
            assert!(message::exists(&key), "missing message {key}");
        }
    }

    #[test]
    fn messages_never_hold_the_value() {
        let raws = [
            "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",
            "  \"GHCR_TOKEN=Bearer ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3\"\r\n",
            "hunter2 hunter2",
        ];
        for raw in raws {
            for f in inspect(raw).findings("stdin", "ghcr.io") {
                let text = serde_json::to_string(&f).expect("serialise");
                assert!(!text.contains("M7H4jx"), "{text}");
                assert!(!text.contains("hunter2"), "{text}");
                assert!(!f.message.starts_with("token."), "untranslated key: {text}");
            }
        }
    }
}
