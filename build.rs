//! Embeds every message file under `i18n/<lang>/*.toml` so that adding a language or a
//! message file needs no code change, and generates the typed cause ids ([`CauseId`]) from
//! `catalog/causes.toml`, so that a cause the catalog does not hold cannot be named.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    messages();
    causes();
}

/// `causes.rs`: one `CauseId` variant per `[[cause]]` id of the catalog, in catalog order.
fn causes() {
    println!("cargo:rerun-if-changed=catalog/causes.toml");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog/causes.toml");
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    // A cause's `id` is the only top-level `id = "..."` line of its `[[cause]]` table
    // (patterns have no `id`).
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .collect();
    let variant = |id: &str| -> String {
        id.split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut out = String::from(
        "/// A cause id of `catalog/causes.toml`, generated at build time: naming a cause the\n\
         /// catalog does not hold does not compile.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n\
         pub enum CauseId {\n",
    );
    for id in &ids {
        let _ = writeln!(out, "    /// `{id}`\n    {},", variant(id));
    }
    out.push_str("}\n\nimpl CauseId {\n    /// Every cause id, in catalog order.\n    pub const ALL: &'static [CauseId] = &[\n");
    for id in &ids {
        let _ = writeln!(out, "        CauseId::{},", variant(id));
    }
    out.push_str("    ];\n\n    /// The stable kebab-case id.\n    pub const fn as_str(self) -> &'static str {\n        match self {\n");
    for id in &ids {
        let _ = writeln!(out, "            CauseId::{} => {id:?},", variant(id));
    }
    out.push_str("        }\n    }\n}\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("causes.rs");
    if let Err(e) = fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

/// `messages.rs`: every message file, embedded.
fn messages() {
    println!("cargo:rerun-if-changed=i18n");
    // The manifest directory of this build (read at run time: a build script compiled for
    // another copy of the crate, e.g. `cargo package`'s, must not read that copy's files).
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&manifest_dir).join("i18n");
    let mut out = String::from("pub(crate) static MESSAGE_FILES: &[(&str, &str, &str)] = &[\n");
    let mut langs: Vec<_> = fs::read_dir(&root)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    langs.sort();
    for lang_dir in langs.iter().filter(|p| p.is_dir()) {
        println!("cargo:rerun-if-changed={}", lang_dir.display());
        let lang = lang_dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let mut files: Vec<_> = fs::read_dir(lang_dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for file in files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        {
            println!("cargo:rerun-if-changed={}", file.display());
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    ({lang:?}, {name:?}, include_str!({:?})),",
                file.display().to_string()
            );
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("messages.rs");
    if let Err(e) = fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}
