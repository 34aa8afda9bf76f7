//! The workflow reader never panics on an arbitrary file, and every finding points at a
//! line and column inside that file.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use ghcr_doctor::workflow;
use libfuzzer_sys::fuzz_target;

/// One folder for the whole run; the file is rewritten for every input.
fn file() -> &'static PathBuf {
    static FILE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let workflows = dir.path().join(".github/workflows");
            std::fs::create_dir_all(&workflows).expect("the workflows folder");
            let file = workflows.join("fuzz.yml");
            (dir, file)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let path = file();
    std::fs::write(path, data).expect("writing the workflow");
    let report = workflow::check(std::slice::from_ref(path)).expect("a readable file");
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(
            !report.findings.is_empty(),
            "a file that is not UTF-8 is reported"
        );
        return;
    };
    // Lines as YAML counts them: `\n`, `\r\n` and a lone `\r` each end one.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    for f in &report.findings {
        let Some(loc) = &f.location else { continue };
        let Some(line) = loc.line else {
            assert!(loc.column.is_none(), "{}: a column without a line", f.check);
            continue;
        };
        assert!(
            line >= 1 && line <= lines.len(),
            "{}: line {line} of {}",
            f.check,
            lines.len()
        );
        let width = lines[line - 1].chars().count();
        if let Some(col) = loc.column {
            // One past the last character points at the end of the line.
            assert!(
                col >= 1 && col <= width + 1,
                "{}: column {col} of {width} on line {line}",
                f.check
            );
            if let Some(end) = loc.end_column {
                assert!(
                    end > col && end <= (width + 1).max(col + 1),
                    "{}: columns {col}..{end} of {width} on line {line}",
                    f.check
                );
            }
        }
    }
});
