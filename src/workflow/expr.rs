//! Expansion of `${{ env.X }}`, `${{ steps.ID.outputs.X }}`, `$X` and `${X}` through the
//! workflow → job → step env (and values earlier steps wrote to `$GITHUB_ENV` or
//! `$GITHUB_OUTPUT`), keeping every other expression as written.

use std::collections::HashMap;

/// Variables visible at one point of a job, already merged in precedence order.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    /// `env` (workflow, then job, then `$GITHUB_ENV` writes, then step; later wins).
    pub env: HashMap<String, String>,
    /// Step outputs, keyed `ID.NAME`.
    pub outputs: HashMap<String, String>,
    /// Shell variables assigned earlier in the same `run:` script.
    pub locals: HashMap<String, String>,
}

/// Runner variables whose value is a GitHub context field: written back as the expression, so
/// `$GITHUB_REPOSITORY` and `${{ github.repository }}` read the same downstream.
const RUNNER_VARS: &[(&str, &str)] = &[
    ("GITHUB_REPOSITORY", "${{ github.repository }}"),
    ("GITHUB_REPOSITORY_OWNER", "${{ github.repository_owner }}"),
    ("GITHUB_ACTOR", "${{ github.actor }}"),
    ("GITHUB_SHA", "${{ github.sha }}"),
    ("GITHUB_REF_NAME", "${{ github.ref_name }}"),
];

const MAX_DEPTH: usize = 8;

/// Expansions stop growing past this many bytes: env values that refer to each other many
/// times (or `A=$A$A` repeated in a script) would otherwise grow without bound.
const MAX_LEN: usize = 16 * 1024;

impl Vars {
    /// Expands GitHub expressions (and, with `shell`, shell variables) in `text`.
    pub fn expand(&self, text: &str, shell: bool) -> String {
        self.expand_depth(text, shell, 0)
    }

    fn expand_depth(&self, text: &str, shell: bool, depth: usize) -> String {
        if depth >= MAX_DEPTH || !text.contains('$') {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find('$') {
            if out.len() > MAX_LEN {
                break;
            }
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if let Some(inner) = tail.strip_prefix("${{") {
                let Some(close) = inner.find("}}") else {
                    out.push_str(tail);
                    return out;
                };
                let expr = inner[..close].trim();
                out.push_str(&self.expression(expr, &tail[..close + 5], depth));
                rest = &inner[close + 2..];
                continue;
            }
            if shell && let Some((name, modifier, used)) = shell_var(tail) {
                out.push_str(&self.shell_value(name, modifier, &tail[..used], depth));
                rest = &tail[used..];
                continue;
            }
            out.push('$');
            rest = &tail[1..];
        }
        out.push_str(rest);
        out
    }

    fn expression(&self, expr: &str, raw: &str, depth: usize) -> String {
        if let Some(name) = expr.strip_prefix("env.")
            && let Some(v) = self.env.get(name)
        {
            return self.expand_depth(v, false, depth + 1);
        }
        if let Some(path) = expr.strip_prefix("steps.")
            && let Some((id, name)) = path.split_once(".outputs.")
            && let Some(v) = self.outputs.get(&format!("{id}.{name}"))
        {
            return self.expand_depth(v, true, depth + 1);
        }
        // Normalise spacing so later matching sees one spelling.
        if expr
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return format!("${{{{ {expr} }}}}");
        }
        raw.to_owned()
    }

    fn shell_value(&self, name: &str, modifier: &str, raw: &str, depth: usize) -> String {
        let value = self
            .locals
            .get(name)
            .or_else(|| self.env.get(name))
            .map(|v| self.expand_depth(v, true, depth + 1));
        match (value, modifier) {
            (Some(v), "") => v,
            // `${X,,}` of a literal lowercases it; of anything else it stays written as is,
            // which the case check reads as lowercased.
            (Some(v), ",," | "@L") if !v.contains('$') => v.to_lowercase(),
            (None, "") => RUNNER_VARS
                .iter()
                .find(|(n, _)| *n == name)
                .map_or_else(|| raw.to_owned(), |(_, e)| (*e).to_owned()),
            _ => raw.to_owned(),
        }
    }
}

/// Reads `$NAME`, `${NAME}`, `${NAME,,}` or `${NAME@L}` at the start of `s`: the name, the
/// case modifier and the bytes used. Other `${...}` forms are left alone.
fn shell_var(s: &str) -> Option<(&str, &str, usize)> {
    let body = s.strip_prefix('$')?;
    if let Some(braced) = body.strip_prefix('{') {
        let close = braced.find('}')?;
        let inner = &braced[..close];
        let name_len = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let (name, modifier) = inner.split_at(name_len);
        if name.is_empty() || !matches!(modifier, "" | ",," | "@L" | "^^" | "@U") {
            return None;
        }
        return Some((name, modifier, close + 3));
    }
    let len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let name = &body[..len];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((name, "", len + 1))
}

/// GitHub context fields that keep the owner's or repository's capitals.
pub const CASED_CONTEXTS: &[&str] = &[
    "github.repository",
    "github.repository_owner",
    "github.actor",
    "github.triggering_actor",
    "github.event.repository.name",
    "github.event.repository.full_name",
    "github.event.repository.owner.login",
    "github.event.pull_request.head.repo.owner.login",
    "github.event.pull_request.head.repo.full_name",
];

/// The first context in `text` that may carry capitals, written as `${{ ctx }}`.
pub fn cased_context(text: &str) -> Option<&'static str> {
    let mut rest = text;
    while let Some(i) = rest.find("${{") {
        let inner = &rest[i + 3..];
        let close = inner.find("}}").unwrap_or(inner.len());
        let expr = inner[..close].trim();
        if let Some(c) = CASED_CONTEXTS.iter().find(|c| **c == expr) {
            return Some(c);
        }
        rest = &inner[close..];
    }
    None
}

/// True when `text` lowercases what it builds (`${X,,}`, `${X@L}`, `tr '[:upper:]'
/// '[:lower:]'`, `tr A-Z a-z`, awk `tolower`, JavaScript `toLowerCase()`).
pub fn lowercases(text: &str) -> bool {
    if text.contains(",,}") || text.contains("@L}") || text.contains("toLowerCase()") {
        return true;
    }
    if text.contains("tolower(") {
        return true;
    }
    if let Some(i) = text.find("tr ") {
        let args: String = text[i + 3..]
            .chars()
            .take(40)
            .filter(|c| !matches!(c, '\'' | '"' | '[' | ']'))
            .collect();
        return args.contains(":upper: :lower:") || args.contains("A-Z a-z");
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(env: &[(&str, &str)]) -> Vars {
        Vars {
            env: env
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            ..Vars::default()
        }
    }

    #[test]
    fn env_expressions_expand_through_levels() {
        let v = vars(&[
            ("REGISTRY", "ghcr.io"),
            ("IMAGE_NAME", "${{ github.repository }}"),
        ]);
        assert_eq!(
            v.expand("${{ env.REGISTRY }}/${{env.IMAGE_NAME}}:latest", false),
            "ghcr.io/${{ github.repository }}:latest"
        );
    }

    #[test]
    fn shell_variables_expand_only_in_shell_mode() {
        let v = vars(&[("IMAGE", "ghcr.io/o/n")]);
        assert_eq!(v.expand("$IMAGE:1", true), "ghcr.io/o/n:1");
        assert_eq!(v.expand("${IMAGE}:1", true), "ghcr.io/o/n:1");
        assert_eq!(v.expand("$IMAGE:1", false), "$IMAGE:1");
        assert_eq!(
            v.expand("ghcr.io/$GITHUB_REPOSITORY", true),
            "ghcr.io/${{ github.repository }}"
        );
        assert_eq!(
            v.expand("ghcr.io/${GITHUB_REPOSITORY,,}", true),
            "ghcr.io/${GITHUB_REPOSITORY,,}"
        );
    }

    #[test]
    fn mutual_references_stay_bounded() {
        let refs = "${{ env.B }}".repeat(100);
        let inner = "${{ env.C }}".repeat(100);
        let v = vars(&[("A", &refs), ("B", &inner), ("C", "ghcr.io/o/n")]);
        let out = v.expand("${{ env.A }}", false);
        assert!(out.len() < 64 * 1024, "{}", out.len());
    }

    proptest::proptest! {
        /// Any text expands without panicking, whatever its `$`, braces and multi-byte
        /// characters.
        #[test]
        fn any_text_expands(text in "[a-zé{}$,@L. ]{0,80}") {
            let v = vars(&[("A", "x${A}"), ("B", "é")]);
            let _ = v.expand(&text, true);
            let _ = v.expand(&text, false);
        }
    }

    #[test]
    fn self_reference_stops() {
        let v = vars(&[("A", "${{ env.A }}x")]);
        let out = v.expand("${{ env.A }}", false);
        assert!(out.len() < 100, "{out}");
    }

    #[test]
    fn cased_contexts_and_lowercasing() {
        assert_eq!(
            cased_context("ghcr.io/${{ github.repository_owner }}/app"),
            Some("github.repository_owner")
        );
        assert_eq!(cased_context("ghcr.io/${{ github.sha }}"), None);
        assert!(lowercases("echo $X | tr '[:upper:]' '[:lower:]'"));
        assert!(lowercases("${IMAGE,,}"));
        assert!(!lowercases("tr -d ' '"));
    }
}
