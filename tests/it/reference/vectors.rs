//! distribution's reference test tables (tests/data/reference/*.json) against our parser.

use ghcr_doctor::reference::{RawReference, Reason, Reference, is_identifier, is_valid_domain};
use serde_json::Value;

use crate::support::root;

fn load(file: &str) -> Value {
    let path = root().join("tests/data/reference").join(file);
    let text = std::fs::read_to_string(&path).expect("read vector file");
    let doc: Value = serde_json::from_str(&text).expect("vector file is JSON");
    assert!(
        doc["source"]["commit"]
            .as_str()
            .is_some_and(|c| c.len() == 40),
        "{file} names its source commit"
    );
    doc
}

fn vectors<'a>(doc: &'a Value, key: &str) -> &'a [Value] {
    let list = doc[key].as_array().expect("vector list");
    assert!(!list.is_empty(), "no vectors under {key}");
    list
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// A string field that may be null (meaning "none").
fn opt<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v[key].as_str().filter(|s| !s.is_empty())
}

/// Collects every disagreement so one run shows them all.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check<T: PartialEq + std::fmt::Debug>(&mut self, input: &str, what: &str, got: T, want: T) {
        if got != want {
            self.0
                .push(format!("{input:?}: {what}: got {got:?}, want {want:?}"));
        }
    }

    fn assert_none(self, file: &str) {
        assert!(
            self.0.is_empty(),
            "{file}: {} disagreements:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

#[test]
fn parse_vectors() {
    let doc = load("parse.json");
    let mut f = Failures::default();
    for v in vectors(&doc, "vectors") {
        let input = s(v, "input");
        let parsed = RawReference::parse(input);
        let valid = v["valid"].as_bool().expect("valid");
        f.check(input, "valid", parsed.is_ok(), valid);
        match (&parsed, valid) {
            (Ok(r), true) => {
                f.check(input, "string", r.to_string().as_str(), input);
                f.check(input, "name", r.name().as_str(), s(v, "name"));
                if v.get("domain").is_some() {
                    f.check(input, "domain", r.domain(), opt(v, "domain"));
                }
                f.check(input, "tag", r.tag(), opt(v, "tag"));
                f.check(input, "digest", r.digest(), opt(v, "digest"));
            }
            (Err(e), false) => match s(v, "error") {
                "ErrNameContainsUppercase" => {
                    f.check(input, "cause", &*e.cause, "reference-uppercase");
                    f.check(
                        input,
                        "suggestion parses",
                        e.suggestion
                            .as_deref()
                            .is_some_and(|s| RawReference::parse(s).is_ok()),
                        true,
                    );
                }
                "ErrNameTooLong" => f.check(input, "reason", e.reason, Reason::NameTooLong),
                "ErrNameEmpty" => f.check(input, "reason", e.reason, Reason::Empty),
                _ => f.check(input, "cause", &*e.cause, "reference-invalid"),
            },
            _ => {}
        }
    }
    f.assert_none("parse.json");
}

#[test]
fn name_vectors() {
    let doc = load("name.json");
    let mut f = Failures::default();
    for v in vectors(&doc, "vectors") {
        let input = s(v, "input");
        let parsed = RawReference::parse(input)
            .ok()
            .filter(|r| r.tag().is_none() && r.digest().is_none());
        f.check(
            input,
            "valid",
            parsed.is_some(),
            v["valid"].as_bool().expect("valid"),
        );
        if let Some(r) = parsed
            && v.get("path").is_some()
        {
            f.check(input, "domain", r.domain(), opt(v, "domain"));
            f.check(input, "path", r.path(), s(v, "path"));
        }
    }
    f.assert_none("name.json");
}

#[test]
fn normalize_vectors() {
    let doc = load("normalize.json");
    let mut f = Failures::default();
    for v in vectors(&doc, "vectors") {
        let input = s(v, "input");
        let parsed = Reference::parse_named(input);
        let valid = v["valid"].as_bool().expect("valid");
        f.check(input, "valid", parsed.is_ok(), valid);
        let Ok(r) = parsed else { continue };
        if let Some(want) = opt(v, "normalized") {
            f.check(input, "normalized", r.to_string().as_str(), want);
            // The normalised string is itself a valid raw reference with the same parts.
            f.check(
                input,
                "normalized parses",
                RawReference::parse(want).is_ok(),
                true,
            );
        }
        if let Some(want) = opt(v, "domain") {
            f.check(input, "domain", r.domain(), want);
        }
        if let Some(want) = opt(v, "path") {
            f.check(input, "path", r.repository(), want);
        }
        if let Some(want) = opt(v, "familiar_name") {
            f.check(input, "familiar name", r.familiar_name(), want);
        }
        if let Some(want) = opt(v, "familiar") {
            f.check(input, "familiar", r.familiar().as_str(), want);
        }
        if v.get("tag").is_some() {
            f.check(input, "tag", r.tag(), opt(v, "tag"));
            f.check(input, "digest", r.digest(), opt(v, "digest"));
        }
    }
    f.assert_none("normalize.json");
}

#[test]
fn normalize_rejects_uppercase_paths_with_the_uppercase_cause() {
    for input in ["docker/Docker", "docker.io/docker/Docker"] {
        let e = Reference::parse_named(input).expect_err(input);
        assert_eq!(e.cause, "reference-uppercase", "{input}");
        let fixed = e.suggestion.expect("suggestion");
        assert!(Reference::parse_named(&fixed).is_ok(), "{fixed}");
    }
}

#[test]
fn canonical_vectors() {
    let doc = load("canonical.json");
    let mut f = Failures::default();
    for v in vectors(&doc, "vectors") {
        let input = s(v, "input");
        let parsed = Reference::parse_named(input)
            .ok()
            .filter(|r| r.to_string() == input);
        f.check(
            input,
            "canonical",
            parsed.is_some(),
            v["canonical"].as_bool().expect("canonical"),
        );
        if let Some(r) = parsed {
            f.check(input, "domain", r.domain(), s(v, "domain"));
            f.check(input, "path", r.repository(), s(v, "path"));
        }
    }
    f.assert_none("canonical.json");
}

#[test]
fn docker_ref_vectors() {
    let doc = load("docker_ref.json");
    let mut f = Failures::default();
    for v in vectors(&doc, "vectors") {
        let input = s(v, "input");
        let want = s(v, "expected");
        match Reference::parse_named(input) {
            Ok(r) => {
                let got = r.docker_ref().to_string();
                f.check(input, "docker ref", got.as_str(), want);
                f.check(
                    input,
                    "result parses",
                    RawReference::parse(&got).is_ok(),
                    true,
                );
                // The tool's own parse agrees on everything but the dropped tag.
                let ours = Reference::parse(input).expect("tool parse");
                f.check(
                    input,
                    "tool parse",
                    ours.docker_ref().to_string().as_str(),
                    want,
                );
            }
            Err(e) => f.0.push(format!("{input:?}: rejected: {e}")),
        }
    }
    f.assert_none("docker_ref.json");
}

#[test]
fn regexp_vectors() {
    let doc = load("regexp.json");
    let mut f = Failures::default();
    for v in vectors(&doc, "domain") {
        let input = s(v, "input");
        f.check(
            input,
            "domain match",
            is_valid_domain(input),
            v["match"].as_bool().expect("match"),
        );
    }
    for v in vectors(&doc, "name") {
        let input = s(v, "input");
        let parsed = RawReference::parse(input)
            .ok()
            .filter(|r| r.tag().is_none() && r.digest().is_none());
        f.check(
            input,
            "name match",
            parsed.is_some(),
            v["match"].as_bool().expect("match"),
        );
        if let Some(r) = parsed
            && v.get("path").is_some()
        {
            f.check(input, "domain", r.domain(), opt(v, "domain"));
            f.check(input, "path", r.path(), s(v, "path"));
        }
    }
    for v in vectors(&doc, "reference") {
        let input = s(v, "input");
        let parsed = RawReference::parse(input);
        f.check(
            input,
            "reference match",
            parsed.is_ok(),
            v["match"].as_bool().expect("match"),
        );
        if let Ok(r) = parsed
            && v.get("name").is_some()
        {
            f.check(input, "name", r.name().as_str(), s(v, "name"));
            f.check(input, "tag", r.tag(), opt(v, "tag"));
            f.check(input, "digest", r.digest(), opt(v, "digest"));
        }
    }
    for v in vectors(&doc, "identifier") {
        let input = s(v, "input");
        f.check(
            input,
            "identifier",
            is_identifier(input),
            v["match"].as_bool().expect("match"),
        );
    }
    f.assert_none("regexp.json");
}
