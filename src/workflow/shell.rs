//! A small reader for `run:` scripts: joins line continuations, drops comments and heredoc
//! bodies, and splits the script into commands on newlines, `|`, `&&`, `||`, `;` and `&`,
//! each command a list of words with quotes removed.
//!
//! It is not a shell: it keeps `$VAR` and `$(...)` as written (expansion is
//! [`super::expr`]'s job) and only needs to find the commands that log in and push.

/// One simple command of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<String>,
    /// The script line (0-based) where the command starts.
    pub line: usize,
    /// The command's text on its first line, as written (to find it in the file).
    pub head: String,
    /// The command's output is piped (`|`) into the next command.
    pub piped: bool,
}

/// Splits `script` into commands.
pub fn commands(script: &str) -> Vec<Command> {
    let chars: Vec<char> = script.chars().collect();
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut line = 0usize;
    let mut cmd_line = 0usize;
    let mut cmd_start: Option<usize> = None;
    let mut heredocs: Vec<String> = Vec::new();
    let mut i = 0usize;

    let finish = |words: &mut Vec<String>,
                  word: &mut String,
                  in_word: &mut bool,
                  start: &mut Option<usize>,
                  cmd_line: usize,
                  end: usize,
                  piped: bool,
                  out: &mut Vec<Command>| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
        if let Some(s) = start.take()
            && !words.is_empty()
        {
            let raw: String = chars[s..end.min(chars.len())].iter().collect();
            let head = raw
                .lines()
                .next()
                .unwrap_or_default()
                .trim_end_matches('\\')
                .trim()
                .to_owned();
            out.push(Command {
                words: std::mem::take(words),
                line: cmd_line,
                head,
                piped,
            });
        }
        words.clear();
    };

    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        // Line continuation.
        if c == '\\' && next == Some('\n') {
            i += 2;
            line += 1;
            continue;
        }
        if c == '\\' && next == Some('\r') && chars.get(i + 2) == Some(&'\n') {
            i += 3;
            line += 1;
            continue;
        }
        if c == '\n' {
            finish(
                &mut words,
                &mut word,
                &mut in_word,
                &mut cmd_start,
                cmd_line,
                i,
                false,
                &mut out,
            );
            line += 1;
            i += 1;
            // Skip heredoc bodies opened on the line just ended.
            for delim in std::mem::take(&mut heredocs) {
                while i < chars.len() {
                    let end = chars[i..]
                        .iter()
                        .position(|&ch| ch == '\n')
                        .map_or(chars.len(), |p| i + p);
                    let text: String = chars[i..end].iter().collect();
                    i = (end + 1).min(chars.len().max(end));
                    line += 1;
                    if text.trim() == delim {
                        break;
                    }
                }
            }
            continue;
        }
        if c.is_whitespace() {
            if in_word {
                words.push(std::mem::take(&mut word));
                in_word = false;
            }
            i += 1;
            continue;
        }
        if c == '#' && !in_word {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if cmd_start.is_none() {
            cmd_start = Some(i);
            cmd_line = line;
        }
        match c {
            ';' | '&' | '|' => {
                let end = i;
                let piped = c == '|' && next != Some('|');
                if (c == '&' || c == '|') && next == Some(c) {
                    i += 1;
                }
                // `2>&1`, `&>` are redirections, not separators.
                if c == '&' && (word.ends_with('>') || next == Some('>')) {
                    word.push(c);
                    in_word = true;
                    i += 1;
                    continue;
                }
                finish(
                    &mut words,
                    &mut word,
                    &mut in_word,
                    &mut cmd_start,
                    cmd_line,
                    end,
                    piped,
                    &mut out,
                );
                i += 1;
            }
            '\'' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    word.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        if chars[i + 1] == '\n' {
                            i += 2;
                            line += 1;
                            continue;
                        }
                        if matches!(chars[i + 1], '"' | '\\' | '$' | '`') {
                            i += 1;
                        }
                    }
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    word.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '$' if next == Some('(') || next == Some('{') => {
                // Keep `$(...)` and `${...}` whole, whatever they contain.
                let (open, close) = if next == Some('(') {
                    ('(', ')')
                } else {
                    ('{', '}')
                };
                in_word = true;
                let mut depth = 0usize;
                let mut quote: Option<char> = None;
                while i < chars.len() {
                    let ch = chars[i];
                    word.push(ch);
                    if ch == '\n' {
                        line += 1;
                    }
                    match quote {
                        Some(q) if ch == q => quote = None,
                        Some(_) => {}
                        None if ch == '\'' || ch == '"' => quote = Some(ch),
                        None if ch == open => depth += 1,
                        None if ch == close => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        None => {}
                    }
                    i += 1;
                }
            }
            '<' if next == Some('<') && chars.get(i + 2) != Some(&'<') => {
                // Heredoc: remember its delimiter; the body is skipped after this line.
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                i += 2;
                if chars.get(i) == Some(&'-') {
                    i += 1;
                }
                while i < chars.len() && chars[i] == ' ' {
                    i += 1;
                }
                let mut delim = String::new();
                while i < chars.len() && !chars[i].is_whitespace() && !";|&".contains(chars[i]) {
                    if !matches!(chars[i], '\'' | '"' | '\\') {
                        delim.push(chars[i]);
                    }
                    i += 1;
                }
                if !delim.is_empty() {
                    heredocs.push(delim);
                }
                words.push("<<".into());
            }
            '>' => {
                if in_word && !word.chars().all(|ch| ch.is_ascii_digit()) {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                in_word = false;
                if next == Some('&') {
                    // `>&2`, `2>&1`: a redirection to a file descriptor.
                    i += 2;
                    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '-') {
                        i += 1;
                    }
                } else if next == Some('>') {
                    words.push(">>".into());
                    i += 2;
                } else {
                    words.push(">".into());
                    i += 1;
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = next {
                    word.push(n);
                }
                i += 2;
            }
            _ => {
                in_word = true;
                word.push(c);
                i += 1;
            }
        }
    }
    finish(
        &mut words,
        &mut word,
        &mut in_word,
        &mut cmd_start,
        cmd_line,
        chars.len(),
        false,
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Vec<Vec<String>> {
        commands(script).into_iter().map(|c| c.words).collect()
    }

    #[test]
    fn splits_on_separators_and_keeps_lines() {
        let cmds =
            commands("echo a && docker push \"ghcr.io/o/n:1\"; echo b\n\ndocker push x | tee log");
        let w: Vec<_> = cmds.iter().map(|c| c.words.join(" ")).collect();
        assert_eq!(
            w,
            vec![
                "echo a",
                "docker push ghcr.io/o/n:1",
                "echo b",
                "docker push x",
                "tee log"
            ]
        );
        assert_eq!(cmds[3].line, 2);
        assert_eq!(cmds[1].head, "docker push \"ghcr.io/o/n:1\"");
    }

    #[test]
    fn joins_line_continuations() {
        let cmds = commands("docker buildx build . \\\n  --push \\\n  -t ghcr.io/o/n\necho done");
        assert_eq!(
            cmds[0].words,
            vec![
                "docker",
                "buildx",
                "build",
                ".",
                "--push",
                "-t",
                "ghcr.io/o/n"
            ]
        );
        assert_eq!(cmds[0].head, "docker buildx build .");
        assert_eq!(cmds[1].line, 3);
    }

    #[test]
    fn keeps_substitutions_whole_and_drops_comments() {
        let w = words("IMAGE=$(echo \"ghcr.io/$R\" | tr '[:upper:]' '[:lower:]') # note | x\n");
        assert_eq!(
            w,
            vec![vec![
                "IMAGE=$(echo \"ghcr.io/$R\" | tr '[:upper:]' '[:lower:]')".to_string()
            ]]
        );
    }

    #[test]
    fn redirections_and_heredocs() {
        let w = words(
            "echo \"IMAGE=ghcr.io/o/n\" >> \"$GITHUB_ENV\"\ncat <<EOF > f\ndocker push nope\nEOF\necho after 2>&1",
        );
        assert_eq!(w[0], vec!["echo", "IMAGE=ghcr.io/o/n", ">>", "$GITHUB_ENV"]);
        assert!(w.iter().all(|c| !c.contains(&"nope".to_string())), "{w:?}");
        assert_eq!(w.last().map(|c| c[0].as_str()), Some("echo"));
    }

    proptest::proptest! {
        /// Any script splits without panicking, and every command's line is in the script.
        #[test]
        fn any_script_splits(script in "[a-z $(){}'\"\\\\|&;<>#=\n-]{0,200}") {
            let lines = script.matches('\n').count();
            for c in commands(&script) {
                proptest::prop_assert!(c.line <= lines);
            }
        }
    }

    #[test]
    fn unterminated_quotes_do_not_hang() {
        let w = words("echo \"unterminated\ndocker push");
        assert!(!w.is_empty());
    }
}
