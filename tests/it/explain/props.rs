//! Properties of the log scanner over generated logs: arbitrary lines never panic and keep
//! line numbers inside the log, and one error repeated N times is one finding counted N
//! times.

use ghcr_doctor::explain;
use proptest::prelude::*;

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
