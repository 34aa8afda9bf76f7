//! The unified diff between a file before and after its fixes, in the form `git apply` and
//! `patch -p1` read. Lines are compared with Myers' algorithm; a line keeps its own line
//! ending, so a CRLF file's diff carries CRLF lines.

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// Splits text into lines that keep their line ending (`\n`, `\r\n` or a lone `\r`).
fn split_lines(text: &str) -> Vec<&str> {
    let starts = crate::workflow::yaml::line_starts(text);
    let mut lines: Vec<&str> = starts.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    if let Some(&last) = starts.last()
        && last < text.len()
    {
        lines.push(&text[last..]);
    }
    lines
}

/// One changed region: old lines `old.0..old.1` become new lines `new.0..new.1` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    old: (usize, usize),
    new: (usize, usize),
}

/// The changed regions between `a` and `b` (Myers' O((N+M)D) shortest edit script).
fn changes(a: &[&str], b: &[&str]) -> Vec<Change> {
    // Common prefix and suffix first: fixes change a few lines of long files.
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let (n, m) = (a_mid.len() as isize, b_mid.len() as isize);
    let max = (n + m) as usize;
    let offset = max as isize + 1;
    let mut v = vec![0isize; 2 * max + 3];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    'outer: for d in 0..=max as isize {
        trace.push(v.clone());
        let mut k = -d;
        while k <= d {
            let idx = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) {
                v[idx + 1]
            } else {
                v[idx - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a_mid[x as usize] == b_mid[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx] = x;
            if x >= n && y >= m {
                break 'outer;
            }
            k += 2;
        }
    }
    // Walk back through the trace, collecting which lines are deleted and inserted.
    let mut deleted = vec![false; a_mid.len()];
    let mut inserted = vec![false; b_mid.len()];
    let (mut x, mut y) = (n, m);
    for d in (0..trace.len() as isize).rev() {
        let v = &trace[d as usize];
        let k = x - y;
        let idx = (k + offset) as usize;
        let prev_k = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = v[(prev_k + offset) as usize];
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
        }
        if d > 0 {
            if x == prev_x {
                if let Some(slot) = inserted.get_mut((y - 1) as usize) {
                    *slot = true;
                }
            } else if let Some(slot) = deleted.get_mut((x - 1) as usize) {
                *slot = true;
            }
        }
        x = prev_x;
        y = prev_y;
    }
    // Runs of deleted and inserted lines between equal lines are the changes.
    let mut out = Vec::new();
    let (mut i, mut j) = (0usize, 0usize);
    while i < a_mid.len() || j < b_mid.len() {
        if i < a_mid.len() && j < b_mid.len() && !deleted[i] && !inserted[j] {
            i += 1;
            j += 1;
            continue;
        }
        let (i0, j0) = (i, j);
        while i < a_mid.len() && deleted[i] {
            i += 1;
        }
        while j < b_mid.len() && inserted[j] {
            j += 1;
        }
        if i == i0 && j == j0 {
            // Out of step (cannot happen with a complete script): give up on alignment.
            i = a_mid.len();
            j = b_mid.len();
        }
        out.push(Change {
            old: (prefix + i0, prefix + i),
            new: (prefix + j0, prefix + j),
        });
    }
    out
}

fn push_line(out: &mut String, sign: char, line: &str) {
    out.push(sign);
    out.push_str(line);
    if !line.ends_with(['\n', '\r']) {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// The unified diff that turns `old` into `new` for the file at `path` (as `a/PATH` and
/// `b/PATH`); empty when they are equal.
pub(crate) fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (a, b) = (split_lines(old), split_lines(new));
    let changes = changes(&a, &b);
    let mut out = format!("diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n");
    // Changes whose context overlaps share a hunk.
    let mut groups: Vec<Vec<Change>> = Vec::new();
    for c in changes {
        match groups.last_mut() {
            Some(g) if g.last().is_some_and(|p| c.old.0 <= p.old.1 + 2 * CONTEXT) => g.push(c),
            _ => groups.push(vec![c]),
        }
    }
    for g in groups {
        let (Some(first), Some(last)) = (g.first(), g.last()) else {
            continue;
        };
        let lead = first.old.0.min(CONTEXT);
        let (old_from, new_from) = (first.old.0 - lead, first.new.0 - lead);
        let old_to = (last.old.1 + CONTEXT).min(a.len());
        let trail = old_to - last.old.1;
        let new_to = last.new.1 + trail;
        let mut body = String::new();
        let mut at = old_from;
        for c in &g {
            for l in &a[at..c.old.0] {
                push_line(&mut body, ' ', l);
            }
            for l in &a[c.old.0..c.old.1] {
                push_line(&mut body, '-', l);
            }
            for l in &b[c.new.0..c.new.1] {
                push_line(&mut body, '+', l);
            }
            at = c.old.1;
        }
        for l in &a[at..old_to] {
            push_line(&mut body, ' ', l);
        }
        let (old_n, new_n) = (old_to - old_from, new_to - new_from);
        // An empty side is numbered by the line before it.
        let old_start = if old_n == 0 { old_from } else { old_from + 1 };
        let new_start = if new_n == 0 { new_from } else { new_from + 1 };
        out.push_str(&format!(
            "@@ -{old_start},{old_n} +{new_start},{new_n} @@\n{body}"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Applies a unified diff made by [`unified`] to `old` (enough of `patch` for the tests).
    fn patch(old: &str, diff: &str) -> String {
        let a = split_lines(old);
        let mut out = String::new();
        let mut at = 0usize;
        let lines: Vec<&str> = diff.split_inclusive('\n').collect();
        let mut i = 3;
        while i < lines.len() {
            let header = lines[i];
            let old_start: usize = header
                .trim_start_matches("@@ -")
                .split(',')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let old_n: usize = header
                .split(',')
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let from = if old_n == 0 { old_start } else { old_start - 1 };
            out.extend(a[at..from].iter().copied());
            at = from;
            i += 1;
            while i < lines.len() && !lines[i].starts_with("@@") {
                let l = lines[i];
                let mut body = l[1..].to_owned();
                if lines.get(i + 1).is_some_and(|n| n.starts_with('\\')) {
                    body.pop();
                    i += 1;
                }
                match &l[..1] {
                    " " => {
                        out.push_str(&body);
                        at += 1;
                    }
                    "-" => at += 1,
                    _ => out.push_str(&body),
                }
                i += 1;
            }
        }
        out.extend(a[at..].iter().copied());
        out
    }

    #[test]
    fn an_inserted_line_is_one_plus_line_with_context() {
        let d = unified("f.yml", "a\nb\nc\nd\ne\n", "a\nb\nnew\nc\nd\ne\n");
        assert_eq!(
            d,
            "diff --git a/f.yml b/f.yml\n--- a/f.yml\n+++ b/f.yml\n@@ -1,5 +1,6 @@\n a\n b\n+new\n c\n d\n e\n"
        );
    }

    #[test]
    fn distant_changes_are_separate_hunks_with_shifted_numbers() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new = old.replacen("2\n", "x\ny\n2\n", 1).replacen("18\n", "", 1);
        let d = unified("f", &old, &new);
        assert!(d.contains("@@ -1,4 +1,6 @@\n"), "{d}");
        assert!(d.contains("@@ -15,6 +17,5 @@\n"), "{d}");
        assert_eq!(patch(&old, &d), new);
    }

    #[test]
    fn crlf_lines_and_a_missing_final_newline_are_kept() {
        let d = unified("f", "a\r\nb", "a\r\nbc");
        assert!(
            d.contains("-b\n\\ No newline at end of file\n+bc\n\\ No newline"),
            "{d}"
        );
        let d = unified("f", "a\r\nb\r\n", "a\r\nx\r\nb\r\n");
        assert!(d.contains("+x\r\n"), "{d:?}");
        assert_eq!(unified("f", "a\n", "a\n"), "");
    }

    proptest! {
        /// Any two texts: the diff turns the first into the second.
        #[test]
        fn the_diff_patches_old_into_new(old in "([abc]{0,2}\n){0,12}", new in "([abc]{0,2}\n){0,12}") {
            let d = unified("f", &old, &new);
            prop_assert_eq!(patch(&old, &d), new);
        }
    }
}
