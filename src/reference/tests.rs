//! Unit tests: one case per reason, each asserting the reason, the span and the suggestion.
//! distribution's own vectors run in `tests/it/reference/vectors.rs`.

use super::*;

/// Parses `input`, expecting a failure, and returns it.
fn err(input: &str) -> ReferenceError {
    match Reference::parse(input) {
        Ok(r) => panic!("{input:?} parsed as {r}, expected an error"),
        Err(e) => e,
    }
}

/// The text the error's span covers.
fn marked<'a>(input: &'a str, e: &ReferenceError) -> &'a str {
    let (s, t) = e.span.expect("span");
    &input[s..t]
}

#[test]
fn normalises_like_docker() {
    let cases = [
        ("nginx", "docker.io/library/nginx:latest"),
        ("user/app", "docker.io/user/app:latest"),
        ("index.docker.io/user/app", "docker.io/user/app:latest"),
        ("index.docker.io/nginx:1", "docker.io/library/nginx:1"),
        ("docker.io/nginx", "docker.io/library/nginx:latest"),
        ("localhost/app", "localhost/app:latest"),
        ("localhost:5000/app:dev", "localhost:5000/app:dev"),
        ("ghcr.io/octo-org/app:1.0", "ghcr.io/octo-org/app:1.0"),
        ("[::1]:5000/app", "[::1]:5000/app:latest"),
    ];
    for (input, expected) in cases {
        let r = Reference::parse(input).expect(input);
        assert_eq!(r.to_string(), expected, "{input}");
    }
}

#[test]
fn exposes_parts() {
    let digest = format!("sha256:{}", "a".repeat(64));
    let input = format!("ghcr.io/octo-org/tools/app:1.0@{digest}");
    let r = Reference::parse(&input).expect("valid");
    assert_eq!(r.domain(), "ghcr.io");
    assert_eq!(r.repository(), "octo-org/tools/app");
    assert_eq!(r.name(), "ghcr.io/octo-org/tools/app");
    assert_eq!(r.tag(), Some("1.0"));
    assert_eq!(r.digest(), Some(digest.as_str()));
    assert_eq!(r.manifest_reference(), digest);
    assert_eq!(
        r.docker_ref().to_string(),
        format!("ghcr.io/octo-org/tools/app@{digest}")
    );
    let plain = Reference::parse("nginx").expect("valid");
    assert_eq!(plain.manifest_reference(), "latest");
    assert_eq!(plain.familiar(), "nginx:latest");
    assert!(plain.is_docker_hub());
}

#[test]
fn equal_references_hash_equal() {
    use std::collections::HashSet;
    let set: HashSet<Reference> = [
        "nginx",
        "docker.io/library/nginx:latest",
        "index.docker.io/library/nginx",
    ]
    .iter()
    .map(|s| Reference::parse(s).expect(s))
    .collect();
    assert_eq!(set.len(), 1);
}

#[test]
fn uppercase_path_suggests_the_lowercase_reference() {
    let input = "ghcr.io/MyOrg/App:1.0";
    let e = err(input);
    assert_eq!(e.reason, Reason::Uppercase);
    assert_eq!(e.cause, "reference-uppercase");
    assert_eq!(e.suggestion.as_deref(), Some("ghcr.io/myorg/app:1.0"));
    assert_eq!(marked(input, &e), "MyOrg/App");
    assert!(e.message.contains("MyOrg/App"), "{}", e.message);
}

#[test]
fn uppercase_tag_and_domain_are_fine() {
    let r = Reference::parse("GHCR.io/owner/app:Release-1").expect("valid");
    assert_eq!(r.domain(), "GHCR.io");
    assert_eq!(r.tag(), Some("Release-1"));
}

#[test]
fn uppercase_is_not_reported_when_lowercase_would_not_parse() {
    let input = "ghcr.io/MyOrg/App:bad~tag";
    let e = err(input);
    assert_eq!(e.reason, Reason::InvalidTag);
    assert_eq!(e.cause, "reference-invalid");
    assert_eq!(marked(input, &e), "~");
}

#[test]
fn uppercase_docker_hub_name_suggests_lowercase() {
    let e = err("MyApp:1.0");
    assert_eq!(e.reason, Reason::Uppercase);
    assert_eq!(e.suggestion.as_deref(), Some("myapp:1.0"));
    // The capitalised first component is a "domain" for docker; the suggestion lowercases it
    // too, which names the Docker Hub repository the user meant.
    let e = err("MyOrg/App");
    assert_eq!(e.reason, Reason::Uppercase);
    assert_eq!(e.suggestion.as_deref(), Some("myorg/app"));
}

#[test]
fn ghcr_needs_an_owner() {
    let input = "ghcr.io/app:1.0";
    let e = err(input);
    assert_eq!(e.reason, Reason::GhcrMissingOwner);
    assert_eq!(e.cause, "reference-invalid");
    assert_eq!(marked(input, &e), "app");
    assert!(e.message.contains("ghcr.io/OWNER/NAME"), "{}", e.message);
    // The grammar alone accepts it.
    assert!(Reference::parse_named(input).is_ok());
    // Capitals in the name do not hide the missing owner.
    assert_eq!(err("ghcr.io/App").reason, Reason::GhcrMissingOwner);
}

#[test]
fn scheme_is_named_and_stripped_in_the_suggestion() {
    let input = "https://ghcr.io/octo-org/app:1.0";
    let e = err(input);
    assert_eq!(e.reason, Reason::Scheme);
    assert_eq!(marked(input, &e), "https://");
    assert_eq!(e.suggestion.as_deref(), Some("ghcr.io/octo-org/app:1.0"));
    assert_eq!(err("docker://alpine").reason, Reason::Scheme);
}

#[test]
fn whitespace_is_named_by_kind_and_place() {
    let e = err(" ghcr.io/o/app");
    assert_eq!(e.reason, Reason::Whitespace);
    assert!(e.message.contains("starts with a space"), "{}", e.message);
    assert_eq!(e.span, Some((0, 1)));
    assert_eq!(e.suggestion.as_deref(), Some("ghcr.io/o/app"));

    let e = err("ghcr.io/o/app:1.0\n");
    assert!(e.message.contains("ends with a newline"), "{}", e.message);
    assert_eq!(e.span, Some((17, 18)));

    let e = err("ghcr.io/o/app:1.0\r\n");
    assert!(
        e.message.contains("ends with a carriage return"),
        "{}",
        e.message
    );

    let input = "ghcr.io/o/my\tapp";
    let e = err(input);
    assert!(e.message.contains("a tab at column 13"), "{}", e.message);
    assert_eq!(marked(input, &e), "\t");
    assert_eq!(e.suggestion, None);

    let e = err("ghcr.io/o/app\u{a0}");
    assert!(e.message.contains("U+00A0"), "{}", e.message);
}

#[test]
fn empty_components_are_pointed_at() {
    let input = "ghcr.io//app";
    let e = err(input);
    assert_eq!(e.reason, Reason::EmptyComponent);
    assert_eq!(marked(input, &e), "//");

    let input = "ghcr.io/owner//app";
    let e = err(input);
    assert_eq!(e.reason, Reason::EmptyComponent);
    assert_eq!(marked(input, &e), "//");

    let input = "ghcr.io/owner/";
    let e = err(input);
    assert_eq!(e.reason, Reason::EmptyComponent);
    assert_eq!(marked(input, &e), "/");
    assert_eq!(e.span, Some((13, 14)));

    let e = err("ghcr.io/");
    assert_eq!(e.reason, Reason::EmptyComponent);
    assert_eq!(err("/app").reason, Reason::EmptyComponent);
}

#[test]
fn bad_path_characters_and_separators() {
    let input = "ghcr.io/owner/my+app";
    let e = err(input);
    assert_eq!(e.reason, Reason::InvalidComponent);
    assert_eq!(marked(input, &e), "+");

    let input = "ghcr.io/owner/my..app";
    let e = err(input);
    assert_eq!(e.reason, Reason::InvalidComponent);
    assert_eq!(marked(input, &e), "..");

    let input = "ghcr.io/owner/app-";
    let e = err(input);
    assert_eq!(e.reason, Reason::InvalidComponent);
    assert!(e.message.contains("must end"), "{}", e.message);

    let e = err("ghcr.io/owner/_app");
    assert!(e.message.contains("must start"), "{}", e.message);
    assert_eq!(err("ghcr.io/owner/ap___p").reason, Reason::InvalidComponent);
    assert!(Reference::parse("ghcr.io/owner/a__b.c_d---e").is_ok());
}

#[test]
fn bad_registry_hosts() {
    let input = "ghcr.io:https/owner/app";
    let e = err(input);
    assert_eq!(e.reason, Reason::InvalidDomain);
    assert_eq!(marked(input, &e), ":https");

    let input = "my_registry.com/owner/app";
    let e = err(input);
    assert_eq!(e.reason, Reason::InvalidDomain);
    assert_eq!(marked(input, &e), "_");

    let input = "[fe80::1%eth0]:5000/app";
    let e = err(input);
    assert_eq!(e.reason, Reason::InvalidDomain);
    assert_eq!(marked(input, &e), "%eth0");

    assert_eq!(err("-ghcr.io/o/app").reason, Reason::InvalidDomain);
    let input = "ghcr..io/o/app";
    let e = err(input);
    assert_eq!(e.reason, Reason::InvalidDomain);
    assert!(e.message.contains("empty part"), "{}", e.message);
    assert_eq!(e.span, Some((4, 5)));
    assert_eq!(err("[::1]").reason, Reason::MissingName);
    assert_eq!(err("[::1]:5000").reason, Reason::MissingName);
}

#[test]
fn tags() {
    // A branch name as tag: the `/` is named, whether or not a registry is written.
    for input in [
        "ghcr.io/o/app:feature/login",
        "user/app:feature/login",
        "app:feature/login",
    ] {
        let e = err(input);
        assert_eq!(e.reason, Reason::InvalidTag, "{input}");
        assert_eq!(marked(input, &e), "/", "{input}");
        assert!(e.message.contains("`feature/login`"), "{}", e.message);
    }
    // A host with a bad port stays a host fault.
    assert_eq!(err("example.com:http/app").reason, Reason::InvalidDomain);

    let input = "ghcr.io/o/app:v1+build";
    let e = err(input);
    assert_eq!(e.reason, Reason::InvalidTag);
    assert_eq!(marked(input, &e), "+");

    let input = "ghcr.io/o/app:-rc";
    let e = err(input);
    assert_eq!(e.reason, Reason::InvalidTag);
    assert_eq!(marked(input, &e), "-");

    let long = format!("ghcr.io/o/app:{}", "a".repeat(129));
    let e = err(&long);
    assert_eq!(e.reason, Reason::TagTooLong);
    assert!(e.message.contains("129"), "{}", e.message);
    assert!(Reference::parse(&format!("ghcr.io/o/app:{}", "a".repeat(128))).is_ok());
}

#[test]
fn trailing_separators() {
    let input = "ghcr.io/o/app:";
    let e = err(input);
    assert_eq!(e.reason, Reason::TrailingColon);
    assert_eq!(marked(input, &e), ":");

    let input = "ghcr.io/o/app@";
    let e = err(input);
    assert_eq!(e.reason, Reason::TrailingAt);
    assert_eq!(marked(input, &e), "@");

    let e = err(&format!("ghcr.io/o/app:@sha256:{}", "a".repeat(64)));
    assert_eq!(e.reason, Reason::TrailingColon);
}

#[test]
fn digests_name_the_broken_part() {
    let hex = "a".repeat(64);

    let input = format!("ghcr.io/o/app@md5:{hex}");
    let e = err(&input);
    assert_eq!(e.reason, Reason::DigestAlgorithm);
    assert_eq!(marked(&input, &e), "md5");

    let input = format!("ghcr.io/o/app@SHA256:{hex}");
    let e = err(&input);
    assert_eq!(e.reason, Reason::DigestAlgorithm);
    assert!(e.message.contains("sha256"), "{}", e.message);

    let input = format!("ghcr.io/o/app@1sha:{hex}");
    assert_eq!(err(&input).reason, Reason::DigestAlgorithm);

    let input = "ghcr.io/o/app@sha256:abc123";
    let e = err(input);
    assert_eq!(e.reason, Reason::DigestLength);
    assert!(
        e.message.contains("6 hex") && e.message.contains("64"),
        "{}",
        e.message
    );
    assert_eq!(marked(input, &e), "abc123");

    let input = format!("ghcr.io/o/app@sha512:{hex}");
    let e = err(&input);
    assert_eq!(e.reason, Reason::DigestLength);
    assert!(e.message.contains("128"), "{}", e.message);

    let upper = format!("ghcr.io/o/app@sha256:{}{}", "A".repeat(2), "b".repeat(62));
    let e = err(&upper);
    assert_eq!(e.reason, Reason::DigestUppercase);
    assert_eq!(marked(&upper, &e), "AA");
    assert_eq!(
        e.suggestion.as_deref(),
        Some(format!("ghcr.io/o/app@sha256:aa{}", "b".repeat(62)).as_str())
    );

    let input = format!("ghcr.io/o/app@sha256:{}g", "a".repeat(63));
    let e = err(&input);
    assert_eq!(e.reason, Reason::DigestEncoding);
    assert_eq!(marked(&input, &e), "g");

    let e = err("ghcr.io/o/app@deadbeef");
    assert_eq!(e.reason, Reason::DigestFormat);
    assert_eq!(
        err(&format!("a@sha256:{hex}@x")).reason,
        Reason::DigestFormat
    );

    assert!(Reference::parse(&format!("ghcr.io/o/app@sha256:{hex}")).is_ok());
    assert!(Reference::parse(&format!("ghcr.io/o/app@sha384:{}", "a".repeat(96))).is_ok());
    assert!(Reference::parse(&format!("ghcr.io/o/app@sha512:{}", "a".repeat(128))).is_ok());
}

#[test]
fn long_paths() {
    let ok = format!("ghcr.io/o/{}", "a".repeat(253));
    assert!(Reference::parse(&ok).is_ok());
    let input = format!("ghcr.io/o/{}", "a".repeat(254));
    let e = err(&input);
    assert_eq!(e.reason, Reason::NameTooLong);
    assert!(e.message.contains("256"), "{}", e.message);
    assert_eq!(marked(&input, &e).len(), 256);
    // `library/` counts: docker's normalised path is what the registry sees.
    assert_eq!(err(&"a".repeat(250)).reason, Reason::NameTooLong);
}

#[test]
fn unexpanded_variables() {
    let input = "ghcr.io/${{ github.repository }}:latest";
    let e = err(input);
    assert_eq!(e.reason, Reason::UnexpandedVariable);
    assert_eq!(marked(input, &e), "${{ github.repository }}");
    assert!(e.message.contains("not expanded"), "{}", e.message);

    let input = "ghcr.io/$GITHUB_REPOSITORY:latest";
    let e = err(input);
    assert_eq!(e.reason, Reason::UnexpandedVariable);
    assert_eq!(marked(input, &e), "$GITHUB_REPOSITORY");

    let input = "ghcr.io/octo/app:${TAG}";
    let e = err(input);
    assert_eq!(e.reason, Reason::UnexpandedVariable);
    assert_eq!(marked(input, &e), "${TAG}");
}

#[test]
fn empty_and_nameless() {
    assert_eq!(err("").reason, Reason::Empty);
    assert_eq!(err(":tag").reason, Reason::MissingName);
    assert_eq!(
        err(&format!("@sha256:{}", "a".repeat(64))).reason,
        Reason::MissingName
    );
    let id = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";
    assert_eq!(err(id).reason, Reason::HexIdentifier);
}

#[test]
fn every_reason_but_uppercase_has_fix_steps() {
    let all = [
        Reason::Empty,
        Reason::UnexpandedVariable,
        Reason::Scheme,
        Reason::Whitespace,
        Reason::GhcrMissingOwner,
        Reason::MissingName,
        Reason::EmptyComponent,
        Reason::InvalidComponent,
        Reason::InvalidDomain,
        Reason::InvalidTag,
        Reason::TagTooLong,
        Reason::TrailingColon,
        Reason::TrailingAt,
        Reason::DigestFormat,
        Reason::DigestAlgorithm,
        Reason::DigestLength,
        Reason::DigestUppercase,
        Reason::DigestEncoding,
        Reason::NameTooLong,
        Reason::HexIdentifier,
    ];
    for reason in all {
        let key = format!("reference.fix.{}", reason.id());
        assert!(crate::message::exists(&key), "missing {key}");
    }
    assert!(crate::catalog::cause(&Reason::Uppercase.cause()).is_some());
    assert!(crate::catalog::cause(&Reason::Empty.cause()).is_some());
}

#[test]
fn raw_parse_keeps_the_input() {
    let r = RawReference::parse("test:5000/repo:tag").expect("valid");
    assert_eq!(r.domain(), Some("test:5000"));
    assert_eq!(r.path(), "repo");
    assert_eq!(r.to_string(), "test:5000/repo:tag");
    let r = RawReference::parse("test_com/foo").expect("valid");
    assert_eq!(r.domain(), None);
    assert_eq!(r.path(), "test_com/foo");
}

#[test]
fn pointer_sits_under_the_span() {
    assert_eq!(
        findings::pointer("ghcr.io/MyOrg/App", (8, 17)),
        "        ^^^^^^^^^"
    );
    assert_eq!(findings::pointer("a\nb", (1, 2)), " ^^");
    assert_eq!(findings::pointer("abc", (3, 3)), "   ^");
}

#[test]
fn capitalised_first_component_that_is_no_host_is_an_uppercase_path() {
    let e = err("My_Org/app");
    assert_eq!(e.reason, Reason::Uppercase);
    assert_eq!(e.suggestion.as_deref(), Some("my_org/app"));
}
