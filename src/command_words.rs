//! The words of a command line as a shell splits them: its positional arguments and the
//! values of its flags. Workflow scripts and CI logs show commands (`docker login -u NAME
//! HOST`, `docker build -t TAG .`); both readers take their arguments apart here.

/// Positional arguments, skipping flags and the values of `value_flags`.
pub fn positionals<'w, S: AsRef<str>>(args: &'w [S], value_flags: &[&str]) -> Vec<&'w str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_ref();
        if a == "--" {
            out.extend(args[i + 1..].iter().map(AsRef::as_ref));
            break;
        }
        if a == ">" || a == ">>" || a == "<<" {
            i += 2;
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            i += if value_flags.contains(&a) { 2 } else { 1 };
            continue;
        }
        out.push(a);
        i += 1;
    }
    out
}

/// The values of a flag: `-t X`, `--tag X`, `--tag=X`, `-tX`.
pub fn flag_values<'w, S: AsRef<str>>(args: &'w [S], names: &[&str]) -> Vec<&'w str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_ref();
        if names.contains(&a) {
            if let Some(v) = args.get(i + 1) {
                out.push(v.as_ref());
            }
            i += 2;
            continue;
        }
        for n in names {
            if let Some(v) = a.strip_prefix(n) {
                if let Some(v) = v.strip_prefix('=') {
                    out.push(v);
                } else if !n.starts_with("--") && !v.is_empty() && n.len() == 2 {
                    out.push(v);
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_positionals() {
        let args: Vec<String> = ["-t", "a", "--tag=b", "-tc", ".", "--push"]
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        assert_eq!(flag_values(&args, &["-t", "--tag"]), vec!["a", "b", "c"]);
        assert_eq!(positionals(&args, &["-t"]), vec![".",]);
    }
}
