//! The distribution API requests a line names: the host and the path after `/v2/` of each
//! URL, for the readers that ask which repository or tag a failing request was for.

/// The distribution API requests a lowercase line names, in order: the host and the path
/// after `/v2/` of each URL (`Head "https://ghcr.io/v2/o/app/manifests/1"` → `ghcr.io`,
/// `o/app/manifests/1`), the URL ending at whitespace or a quote.
pub(super) fn v2_requests(lower: &str) -> impl Iterator<Item = (&str, &str)> {
    lower.match_indices("://").filter_map(move |(i, _)| {
        let url = lower[i + 3..]
            .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .next()?;
        let (host, path) = url.split_once("/v2/")?;
        (!host.contains('/')).then_some((host, path))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_urls_host_and_api_path() {
        let line = r#"head "https://ghcr.io/v2/o/app/manifests/1": denied; see https://docs.example.com/v2/ and get https://registry.example.com:5000/v2/team/app/blobs/sha256:abc"#;
        assert_eq!(
            v2_requests(line).collect::<Vec<_>>(),
            vec![
                ("ghcr.io", "o/app/manifests/1"),
                ("docs.example.com", ""),
                ("registry.example.com:5000", "team/app/blobs/sha256:abc"),
            ]
        );
        // `/v2/` deeper in a path is no distribution API root.
        assert_eq!(
            v2_requests("get https://example.com/api/v2/items").count(),
            0
        );
    }
}
