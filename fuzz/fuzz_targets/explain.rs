//! The log scanner never panics on arbitrary bytes, its line numbers and counts agree with
//! the input, and a token planted anywhere in a line never reaches a finding unredacted.
#![no_main]

use ghcr_doctor::explain;
use libfuzzer_sys::fuzz_target;

/// A classic token (right shape and length; the checksum does not matter to the scanner).
const TOKEN: &str = "ghp_Fz9aQ3mK7pL2wR8tY4nB6cD1fG5hJ0kX2vN";
/// The part after the prefix: what would leak if only the prefix were cut off.
const BODY: &str = "Fz9aQ3mK7pL2wR8tY4nB6cD1fG5hJ0kX2vN";

fuzz_target!(|data: &[u8]| {
    // The first byte says where the token is planted (spaces on both sides, as a script
    // echoing it would print it); the input as given is scanned too.
    let Some(&first) = data.first() else { return };
    let at = data.len() * usize::from(first) / 256;
    let mut planted = data[..at].to_vec();
    planted.extend_from_slice(format!(" {TOKEN} ").as_bytes());
    planted.extend_from_slice(&data[at..]);

    for input in [data, &planted[..]] {
        let scan = explain::scan(input).expect("reading from memory cannot fail");
        let newlines = input.iter().filter(|b| **b == b'\n').count();
        assert!(scan.stats.lines == newlines || scan.stats.lines == newlines + 1);
        assert_eq!(scan.stats.bytes, input.len() as u64);
        for e in &scan.explanations {
            assert!(
                e.line >= 1 && e.line <= scan.stats.lines,
                "line inside the log"
            );
            assert_eq!(e.lines.first(), Some(&e.line), "first line listed first");
            assert!(e.lines.windows(2).all(|w| w[0] < w[1]), "lines ascending");
            assert!(e.count >= e.lines.len(), "count covers the lines kept");
        }
        let report = explain::report(&scan, Some("fuzz.log"));
        assert_eq!(report.findings.len(), scan.explanations.len());
        let shown = format!("{:?}", report.findings);
        assert!(!shown.contains(BODY), "token in a finding: {shown}");
    }
});
