//! Reading a command's words: wrappers to skip, global flags, positionals, flag values,
//! assignments, and whether a password is written in the file.

/// `NAME=value` → (NAME, value).
pub(super) fn assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    (!name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some((name, value))
}

/// Drops words that only wrap the real command: `sudo -E`, `time`, `then`, `do`, `env A=B`,
/// leading `A=B` assignments when a command follows.
pub(super) fn strip_prefixes(words: &[String]) -> &[String] {
    let mut w = words;
    loop {
        let Some(first) = w.first().map(String::as_str) else {
            return w;
        };
        match first {
            "sudo" => {
                w = &w[1..];
                while w.first().is_some_and(|a| a.starts_with('-')) {
                    w = &w[1..];
                }
            }
            "time" | "exec" | "command" | "then" | "do" | "else" | "!" | "{" | "(" | "if"
            | "while" | "until" | "nohup" => w = &w[1..],
            "env" => {
                w = &w[1..];
                while w
                    .first()
                    .is_some_and(|a| assignment(a).is_some() || a.starts_with('-'))
                {
                    w = &w[1..];
                }
            }
            _ if assignment(first).is_some() && w.iter().any(|a| assignment(a).is_none()) => {
                w = &w[1..]
            }
            _ => return w,
        }
    }
}

/// Skips `docker --config DIR -D ...` global flags before the subcommand.
pub(super) fn skip_global_flags(args: &[String]) -> &[String] {
    let mut a = args;
    while let Some(first) = a.first() {
        if !first.starts_with('-') {
            break;
        }
        let takes_value = matches!(
            first.as_str(),
            "--config"
                | "-c"
                | "--context"
                | "-H"
                | "--host"
                | "-l"
                | "--log-level"
                | "--root"
                | "--storage-driver"
                | "--runroot"
        );
        a = &a[if takes_value { 2.min(a.len()) } else { 1 }..];
    }
    a
}

/// True when a password value is written in the file rather than taken from a secret, the
/// job's token, a step output or an input. `vars.` counts as written: configuration
/// variables are stored and shown in clear.
pub fn is_literal_credential(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    if !v.contains('$') {
        return true;
    }
    if v.contains("secrets.")
        || v.contains("github.token")
        || v.contains("steps.")
        || v.contains("needs.")
        || v.contains("inputs.")
        || v.contains("matrix.")
    {
        return false;
    }
    if v.contains("vars.") {
        return true;
    }
    // A shell variable or another expression: its value comes from elsewhere.
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_credentials() {
        assert!(is_literal_credential("hunter2"));
        assert!(is_literal_credential("${{ vars.PASSWORD }}"));
        assert!(!is_literal_credential("${{ secrets.GITHUB_TOKEN }}"));
        assert!(!is_literal_credential("${{ github.token }}"));
        assert!(!is_literal_credential("$TOKEN"));
        assert!(!is_literal_credential(""));
    }
}
