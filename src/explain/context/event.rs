//! What a GitHub Actions log shows of the event that started the run, beyond its own name.
//!
//! A fork's pull request and a Dependabot run get a read-only `GITHUB_TOKEN` and no secrets;
//! the runner rarely prints the event's name, but the steps that every such workflow runs
//! show it: actions/checkout checks out the merge commit GitHub makes for a pull request
//! (`HEAD is now at 1a2b3c4 Merge <sha> into <sha>`, `git checkout ... refs/remotes/pull/12/merge`),
//! and docker/metadata-action tags a pull request's image `pr-12` (`type=ref,event=pr`, one of
//! its default tags) and a branch's image by the branch's name (`dependabot-npm_and_yarn-...`).

/// True when `cleaned` is actions/checkout's `HEAD is now at SHA Merge SHA into SHA`: the
/// commit GitHub creates to test a pull request's merge, whose subject is two full commit
/// ids (a merge made by a person reads `Merge branch ...` or `Merge pull request #N ...`).
pub(crate) fn checkout_of_merge_commit(cleaned: &str) -> bool {
    let lower = cleaned.to_ascii_lowercase();
    let Some(i) = lower.find("head is now at ") else {
        return false;
    };
    let mut words = lower[i + "head is now at ".len()..].split_whitespace();
    let is_sha = |w: Option<&str>, full: bool| {
        w.is_some_and(|w| {
            (if full {
                w.len() == 40
            } else {
                (7..=40).contains(&w.len())
            }) && w.bytes().all(|b| b.is_ascii_hexdigit())
        })
    };
    is_sha(words.next(), false)
        && words.next() == Some("merge")
        && is_sha(words.next(), true)
        && words.next() == Some("into")
        && is_sha(words.next(), true)
}

/// True when the `:pr-` found at `raw[..end]` starts an image tag `pr-N`: digits follow and
/// end the tag (a quote, a space, a comma, a bracket or the line's end after them, or the
/// colon a client puts between the reference and its error, `failed to push REF:pr-30: ...`).
pub(crate) fn pull_request_tag(raw: &[u8], end: usize) -> bool {
    let rest = raw.get(end..).unwrap_or_default();
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let ends_tag = |i: usize| {
        rest.get(i)
            .is_none_or(|b| matches!(b, b' ' | b'\t' | b'"' | b'\'' | b',' | b']' | b'\r' | b'\n'))
    };
    digits > 0 && (ends_tag(digits) || (rest.get(digits) == Some(&b':') && ends_tag(digits + 1)))
}

/// True when `cleaned` is a variable whose name says fork set to true, alone on its line, as
/// the runner prints a step's `env:` (`IS_FORK: true`, `PR_FROM_FORK: true`) or a shell prints
/// its environment (`IS_FORK=true`): a workflow computes such a flag from
/// `github.event.pull_request.head.repo.fork` to skip what a fork's run may not do. The name
/// is an environment variable's (upper case, digits and `_`).
pub(crate) fn fork_flag(cleaned: &str) -> bool {
    let line = cleaned.trim();
    let Some((name, value)) = line.split_once(": ").or_else(|| line.split_once('=')) else {
        return false;
    };
    value.trim() == "true"
        && name.contains("FORK")
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef0123456789abcdef01234567";
    const B: &str = "89abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn the_merge_commit_of_a_pull_request_is_recognised() {
        assert!(checkout_of_merge_commit(&format!(
            "HEAD is now at 1a2b3c4 Merge {A} into {B}"
        )));
        assert!(checkout_of_merge_commit(&format!(
            "2024-05-01T12:34:56.1234567Z HEAD is now at {A} Merge {B} into {A}"
        )));
    }

    #[test]
    fn merges_made_by_people_are_not() {
        assert!(!checkout_of_merge_commit(
            "HEAD is now at 1a2b3c4 Merge pull request #12 from octo/feature"
        ));
        assert!(!checkout_of_merge_commit(
            "HEAD is now at 1a2b3c4 Merge branch 'main' into feature"
        ));
        assert!(!checkout_of_merge_commit(&format!(
            "HEAD is now at 1a2b3c4 Merge {} into {B}",
            &A[..12]
        )));
        assert!(!checkout_of_merge_commit(
            "HEAD is now at 1a2b3c4 Fix the build"
        ));
    }

    #[test]
    fn a_fork_flag_is_a_variable_set_to_true() {
        assert!(fork_flag("IS_FORK: true"));
        assert!(fork_flag("    PR_FROM_FORK: true"));
        assert!(fork_flag("IS_FORK=true"));
        assert!(!fork_flag("IS_FORK: false"));
        assert!(!fork_flag("IS_FORK: "));
        assert!(!fork_flag("is_fork: true"));
        assert!(!fork_flag(
            "if: github.event.pull_request.head.repo.fork: true"
        ));
        assert!(!fork_flag("NO_FORK_CHECK: true, then IS_FORK: true"));
    }

    #[test]
    fn a_pull_request_tag_is_digits_to_its_end() {
        let tag = |s: &str| {
            let i = s.find(":pr-").expect("the case holds a tag") + ":pr-".len();
            pull_request_tag(s.as_bytes(), i)
        };
        assert!(tag("ghcr.io/octo/app:pr-42"));
        assert!(tag("ghcr.io/octo/app:pr-42 "));
        assert!(tag("\"ghcr.io/octo/app:pr-42\","));
        assert!(tag("#12 naming to ghcr.io/octo/app:pr-7 done"));
        assert!(tag(
            "failed to push ghcr.io/octo/app:pr-30: unexpected status"
        ));
        assert!(tag("failed to push ghcr.io/octo/app:pr-30:"));
        assert!(!tag("ghcr.io/octo/app:pr-30:amd64"));
        assert!(!tag("ghcr.io/octo/app:pr-42-amd64"));
        assert!(!tag("ghcr.io/octo/app:pr-latest"));
        assert!(!tag("ghcr.io/octo/app:pr-"));
        assert!(!tag("ghcr.io/octo/app:pr-42\\\":"));
    }
}
