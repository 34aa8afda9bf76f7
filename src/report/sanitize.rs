//! The one sanitiser for every string a renderer displays: text from workflows, registries,
//! helpers and logs must never become terminal control or a workflow command.
//!
//! Control characters (C0 with newlines, DEL, C1 with ESC and BEL) and the bidirectional
//! overrides that reorder what a reader sees are shown escaped (`\n`, `\r`, `\u{1b}`), so a
//! job id holding `\n::error ...` stays one visible line and an ESC sequence from a
//! registry's error body is printed as text, not obeyed. A tab is kept: it moves the cursor
//! and nothing else. JSON and SARIF need no sanitising (their encoders escape every control
//! character); Markdown escapes on top of this (`report::markdown`).

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for a character shown escaped.
fn escaped(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `text` safe to show on one line: every control character escaped (see the module doc).
pub fn line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if escaped(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn controls_are_escaped_and_plain_text_is_kept() {
        assert_eq!(line("plain ✓ text\twith tab"), "plain ✓ text\twith tab");
        assert_eq!(
            line("a\n::error file=README.md::INJECTED\r\n"),
            "a\\n::error file=README.md::INJECTED\\r\\n"
        );
        assert_eq!(line("\x1b[31mred\x07"), "\\u{1b}[31mred\\u{7}");
        assert_eq!(line("c1\u{9b}31m"), "c1\\u{9b}31m");
        assert_eq!(line("rtl\u{202e}txt"), "rtl\\u{202e}txt");
    }

    proptest! {
        /// Whatever comes in, no control character but tab goes out, and all on one line.
        #[test]
        fn no_control_character_survives(text in "\\PC*|[\\x00-\\x1f\\x7f-\\u{9f}a:]{0,40}") {
            let shown = line(&text);
            prop_assert!(!shown.chars().any(escaped));
            prop_assert!(!shown.contains('\n'));
        }
    }
}
