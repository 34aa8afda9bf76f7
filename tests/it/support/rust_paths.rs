//! The paths a Rust source file names, for the import drift test (`imports.rs`): a small
//! lexer (comments, strings and characters dropped), `use` trees (grouped, aliased, globs)
//! and `crate::`/`super::`/`self::` paths made absolute, with `#[cfg(test)]` code skipped.

/// A module path below its crate's root (`["check", "chain"]`).
pub type Module = Vec<String>;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Punct(char),
}

/// The tokens of `text` with their lines: comments, strings and characters dropped.
pub fn lex(text: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    // Skips a quoted string starting at `i` (the quote); returns the index after it.
    let string = |mut i: usize, line: &mut usize| {
        i += 1;
        while i < c.len() && c[i] != '"' {
            if c[i] == '\\' {
                i += 1;
            }
            if at(i) == '\n' {
                *line += 1;
            }
            i += 1;
        }
        i + 1
    };
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= c.len() {
                    break;
                } else if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if ch == '"' {
            i = string(i, &mut line);
        } else if ch == '\'' {
            if at(i + 1) == '\\' {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                // A lifetime: its name lexes as an identifier.
                i += 1;
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            let raw = word == "r" || word == "br";
            if raw && (at(i) == '"' || (at(i) == '#' && matches!(at(i + 1), '#' | '"'))) {
                let mut hashes = 0;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                i += 1;
                loop {
                    if i >= c.len() {
                        break;
                    }
                    if c[i] == '\n' {
                        line += 1;
                    }
                    if c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                        i += 1 + hashes;
                        break;
                    }
                    i += 1;
                }
            } else if word == "r" && at(i) == '#' {
                // A raw identifier (`r#type`).
                i += 1;
            } else if word == "b" && at(i) == '"' {
                i = string(i, &mut line);
            } else if word == "b" && at(i) == '\'' {
                i += 1;
                if at(i) == '\\' {
                    i += 1;
                }
                i += 2;
            } else {
                out.push((Tok::Ident(word), line));
            }
        } else if ch.is_ascii_digit() {
            while i < c.len()
                && (c[i].is_alphanumeric()
                    || c[i] == '_'
                    || (c[i] == '.' && at(i + 1).is_ascii_digit()))
            {
                i += 1;
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push((Tok::Sep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

fn is_ident(t: Option<&(Tok, usize)>, word: &str) -> bool {
    matches!(t, Some((Tok::Ident(w), _)) if w == word)
}

fn is_punct(t: Option<&(Tok, usize)>, ch: char) -> bool {
    matches!(t, Some((Tok::Punct(p), _)) if *p == ch)
}

/// The index after the bracketed group opening at `i`.
fn skip_group(toks: &[(Tok, usize)], mut i: usize) -> usize {
    let mut depth = 0i32;
    while i < toks.len() {
        match toks[i].0 {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// True when the attribute `#[...]` whose `[` is at `i` is a `cfg` that holds only under
/// test (`#[cfg(test)]`, `#[cfg(all(test, unix))]`).
fn test_only(toks: &[(Tok, usize)], i: usize) -> bool {
    let end = skip_group(toks, i);
    let inner = &toks[i + 1..end.saturating_sub(1)];
    is_ident(inner.first(), "cfg")
        && inner.iter().any(|t| t.0 == Tok::Ident("test".into()))
        && !inner.iter().any(|t| t.0 == Tok::Ident("not".into()))
}

/// The index after the item starting at `i` (further attributes, then up to a `;` or the
/// close of its body; a field or variant ends at its `,`).
fn skip_item(toks: &[(Tok, usize)], mut i: usize) -> usize {
    while is_punct(toks.get(i), '#') && is_punct(toks.get(i + 1), '[') {
        i = skip_group(toks, i + 1);
    }
    let commas_end = !matches!(toks.get(i), Some((Tok::Ident(w), _)) if w == "impl" || w == "fn");
    let mut depth = 0i32;
    while i < toks.len() {
        match toks[i].0 {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(c @ (')' | ']' | '}')) => {
                if depth == 0 {
                    return i;
                }
                depth -= 1;
                if depth == 0 && c == '}' {
                    return i + 1;
                }
            }
            Tok::Punct(';') if depth == 0 => return i + 1,
            Tok::Punct(',') if depth == 0 && commas_end => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// A path named by a use tree, as its segments, and the name it binds (its last segment
/// or its `as` name; none for a glob).
type Named = (Vec<String>, Option<String>);

/// The paths a use tree starting at `i` (its first segment, or a `{`) names; returns them
/// and the index after the tree.
fn tree(toks: &[(Tok, usize)], mut i: usize) -> (Vec<Named>, usize) {
    if is_punct(toks.get(i), '{') {
        let mut all = Vec::new();
        i += 1;
        while i < toks.len() && !is_punct(toks.get(i), '}') {
            let (paths, next) = tree(toks, i);
            all.extend(paths);
            i = next;
            if is_punct(toks.get(i), ',') {
                i += 1;
            } else if !is_punct(toks.get(i), '}') {
                // Not a use tree after all; stop here.
                break;
            }
        }
        return (all, i + 1);
    }
    let mut segs = Vec::new();
    while let Some((Tok::Ident(w), _)) = toks.get(i) {
        segs.push(w.clone());
        i += 1;
        if toks.get(i).map(|t| &t.0) != Some(&Tok::Sep) {
            let mut name = segs.last().cloned();
            if is_ident(toks.get(i), "as") {
                if let Some((Tok::Ident(alias), _)) = toks.get(i + 1) {
                    name = Some(alias.clone());
                }
                i += 2;
            }
            return (vec![(segs, name)], i);
        }
        i += 1;
        if is_punct(toks.get(i), '*') {
            return (vec![(segs, None)], i + 1);
        }
        if is_punct(toks.get(i), '{') {
            let (paths, next) = tree(toks, i);
            let joined = paths
                .into_iter()
                .map(|(p, name)| {
                    let mut full = segs.clone();
                    full.extend(p.into_iter().filter(|s| s != "self"));
                    let name = match name.as_deref() {
                        Some("self") => full.last().cloned(),
                        _ => name,
                    };
                    (full, name)
                })
                .collect();
            return (joined, next);
        }
    }
    let name = segs.last().cloned();
    (vec![(segs, name)], i)
}

/// `segs` as written in module `base`, below the crate root: `crate::` from the root,
/// `self::` and bare paths from `base`, each `super::` one level up.
fn absolute(base: &Module, segs: &[String]) -> Vec<String> {
    let mut abs = base.clone();
    let mut rest = segs;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            abs.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        _ => {
            while rest.first().is_some_and(|s| s == "super") {
                abs.pop();
                rest = &rest[1..];
            }
        }
    }
    abs.extend(rest.iter().cloned());
    abs
}

/// One path from `from` (a file's module, or an inline module in it) naming `path`
/// (absolute segments below the crate root), at `line`; a `use` also names what it binds
/// in `from`.
pub struct Mention {
    pub from: Module,
    pub path: Vec<String>,
    pub binds: Option<String>,
    pub line: usize,
}

/// Every `crate::`, `super::` and `self::` path in `text`, the file of module `module`,
/// and every path a `use` names, made absolute. Test-only code is skipped.
pub fn mentions(module: &Module, text: &str) -> Vec<Mention> {
    let toks = lex(text);
    let mut out = Vec::new();
    // Inline modules open at a brace depth.
    let mut inline: Vec<(i32, String)> = Vec::new();
    let mut depth = 0i32;
    let mut i = 0;
    while i < toks.len() {
        let here = || {
            let mut m = module.clone();
            m.extend(inline.iter().map(|(_, n)| n.clone()));
            m
        };
        match &toks[i].0 {
            Tok::Punct('#') if is_punct(toks.get(i + 1), '!') && is_punct(toks.get(i + 2), '[') => {
                if test_only(&toks, i + 2) {
                    return Vec::new();
                }
                i = skip_group(&toks, i + 2);
            }
            Tok::Punct('#') if is_punct(toks.get(i + 1), '[') => {
                if test_only(&toks, i + 1) {
                    i = skip_item(&toks, skip_group(&toks, i + 1));
                } else {
                    i = skip_group(&toks, i + 1);
                }
            }
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
                i += 1;
            }
            Tok::Ident(w) if w == "mod" => {
                if let (Some((Tok::Ident(name), _)), true) =
                    (toks.get(i + 1), is_punct(toks.get(i + 2), '{'))
                {
                    depth += 1;
                    inline.push((depth, name.clone()));
                    i += 3;
                } else {
                    i += 1;
                }
            }
            Tok::Ident(w) if w == "use" && (i == 0 || toks[i - 1].0 != Tok::Sep) => {
                let line = toks[i].1;
                let mut start = i + 1;
                if toks.get(start).map(|t| &t.0) == Some(&Tok::Sep) {
                    start += 1;
                }
                let (paths, next) = tree(&toks, start);
                let base = here();
                for (p, binds) in paths {
                    out.push(Mention {
                        from: base.clone(),
                        path: absolute(&base, &p),
                        binds,
                        line,
                    });
                }
                i = next.max(i + 1);
            }
            Tok::Ident(w)
                if (w == "crate" || w == "super" || w == "self")
                    && toks.get(i + 1).map(|t| &t.0) == Some(&Tok::Sep)
                    && (i == 0 || toks[i - 1].0 != Tok::Sep) =>
            {
                let line = toks[i].1;
                let (paths, next) = tree(&toks, i);
                let base = here();
                for (p, _) in paths {
                    out.push(Mention {
                        from: base.clone(),
                        path: absolute(&base, &p),
                        binds: None,
                        line,
                    });
                }
                i = next.max(i + 1);
            }
            _ => i += 1,
        }
    }
    out
}
