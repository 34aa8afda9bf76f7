//! Dependencies and `unsafe`: the rules hold in the files that enforce them.

use crate::support::root;

#[test]
fn unsafe_code_is_forbidden_and_absent() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains("[lints.rust]\nunsafe_code = \"forbid\""),
        "Cargo.toml forbids unsafe code"
    );
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.push(root().join("build.rs"));
    assert!(files.len() > 10, "the sources were found");
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            assert!(
                !code.contains("unsafe ") && !code.contains("unsafe{"),
                "{}:{}: `unsafe` in our code",
                f.display(),
                n + 1
            );
        }
    }
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_test_script_checks_licences_bans_and_sources() {
    let deny = std::fs::read_to_string(root().join("deny.toml")).expect("deny.toml");
    for section in ["[licenses]", "[bans]", "[sources]"] {
        assert!(deny.contains(section), "deny.toml has {section}");
    }
    let script = std::fs::read_to_string(root().join("scripts/test")).expect("scripts/test");
    assert!(
        script.contains("cargo deny --locked check licenses bans sources"),
        "scripts/test runs cargo deny"
    );
}
