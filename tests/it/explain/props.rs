//! Properties of the log scanner over generated logs: arbitrary lines, and the catalog's own
//! cases with characters wider than a byte put anywhere in them, never panic and keep line
//! numbers inside the log; one error repeated N times is one finding counted N times.

use std::sync::OnceLock;

use ghcr_doctor::explain;
use proptest::prelude::*;

use crate::support::root;

/// Characters of more than one byte that logs hold: accented and CJK text (a Chinese-locale
/// path or message), a no-break space, a zero-width space, an emoji.
const WIDE: [&str; 6] = ["é", "ß", "仓库", "\u{a0}", "\u{200b}", "😀"];

/// The lines of the catalog's own cases (`tests/data/explain/<cause>/*.log`): between them
/// they hold every literal, trigger and pattern the scanner reads.
fn case_lines() -> &'static [String] {
    static LINES: OnceLock<Vec<String>> = OnceLock::new();
    LINES.get_or_init(|| {
        let mut lines = Vec::new();
        let dir = root().join("tests/data/explain");
        for cause in std::fs::read_dir(&dir).expect("tests/data/explain") {
            let cause = cause.expect("directory entry").path();
            if !cause.is_dir() || cause.ends_with("real") || cause.ends_with("wordings") {
                continue;
            }
            for case in std::fs::read_dir(&cause).expect("a cause's cases") {
                let case = case.expect("directory entry").path();
                if case.extension().is_some_and(|e| e == "log") {
                    let text = std::fs::read(&case).expect("a case's log");
                    lines.extend(
                        String::from_utf8_lossy(&text)
                            .lines()
                            .filter(|l| !l.trim().is_empty())
                            .map(str::to_owned),
                    );
                }
            }
        }
        assert!(lines.len() > 1000, "only {} case lines", lines.len());
        lines
    })
}

/// Registry errors as the tools print them, each explained by the catalog.
const ERRORS: [&str; 4] = [
    "denied: permission_denied: write_package",
    "#12 ERROR: failed to push ghcr.io/octo-org/app:main: denied: installation not allowed to Write organization package",
    "Error response from daemon: Get \"https://ghcr.io/v2/\": denied: denied",
    "unauthorized: authentication required",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any lines (control characters, ANSI, invalid UTF-8 included) are scanned without a
    /// panic, and every finding points at a line of the log.
    #[test]
    fn arbitrary_lines_never_panic(lines in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..30)) {
        let log = lines.join(&b'\n');
        let scan = explain::scan(&log[..]).expect("reading from memory");
        let newlines = log.iter().filter(|b| **b == b'\n').count();
        prop_assert!(scan.stats.lines == newlines || scan.stats.lines == newlines + 1);
        for e in &scan.explanations {
            prop_assert!(e.line >= 1 && e.line <= scan.stats.lines);
            prop_assert!(e.count >= e.lines.len());
        }
        let _ = explain::report(&scan, None);
    }

    /// The catalog's own case lines with wide characters put at any character boundary (in a
    /// host, a key, before a colon or a quote) are scanned without a panic: every reader cuts a
    /// line only where a character starts.
    #[test]
    fn wide_characters_anywhere_never_panic(
        picks in proptest::collection::vec(
            (
                any::<proptest::sample::Index>(),
                proptest::collection::vec(
                    (any::<proptest::sample::Index>(), proptest::sample::select(&WIDE[..])),
                    1..5,
                ),
            ),
            1..80,
        )
    ) {
        let lines = case_lines();
        let mut log = String::new();
        for (line, inserts) in picks {
            let mut l = lines[line.index(lines.len())].clone();
            for (at, wide) in inserts {
                let starts: Vec<usize> = l.char_indices().map(|(i, _)| i).chain([l.len()]).collect();
                l.insert_str(starts[at.index(starts.len())], wide);
            }
            log.push_str(&l);
            log.push('\n');
        }
        let scan = explain::scan(log.as_bytes()).expect("reading from memory");
        for e in &scan.explanations {
            prop_assert!(e.line >= 1 && e.line <= scan.stats.lines);
        }
        let _ = explain::report(&scan, None);
    }

    /// The same error on N lines (each with its own timestamp, noise between them or not) is
    /// one finding with count N, first at its first line.
    #[test]
    fn a_repeated_line_is_one_finding_counted(
        error in proptest::sample::select(&ERRORS[..]),
        n in 1usize..60,
        stamped in any::<bool>(),
        noise in proptest::collection::vec("[0-9 .:]{0,20}", 0..3),
    ) {
        let mut log = String::new();
        let mut lines = Vec::new();
        let mut no = 0;
        for i in 0..n {
            for junk in &noise {
                log.push_str(junk);
                log.push('\n');
                no += 1;
            }
            if stamped {
                log.push_str(&format!("2024-05-01T10:00:{:02}.{:07}Z ", i % 60, i));
            }
            log.push_str(error);
            log.push('\n');
            no += 1;
            lines.push(no);
        }
        let scan = explain::scan(log.as_bytes()).expect("reading from memory");
        prop_assert_eq!(scan.explanations.len(), 1, "{:?}", scan.explanations);
        let e = &scan.explanations[0];
        prop_assert_eq!(e.count, n);
        prop_assert_eq!(e.line, lines[0]);
        prop_assert_eq!(&e.lines[..], &lines[..n.min(20)]);
    }
}
