//! The one secret policy, seen from the commands: the same secret-shaped values are flagged
//! by `workflow` when written as a login's password and hidden by `explain` when a log line
//! carries them.

use crate::support::{ghcr_doctor, json, stderr, stdout};

/// One value of every shape the policy knows, made up for the test.
const VALUES: &[(&str, &str)] = &[
    ("classic", "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"),
    (
        "fine-grained",
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345678",
    ),
    ("installation", "ghs_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("oauth", "gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("docker-hub", "dckr_pat_2jK3vBx9LmQw8RtYz4NcP7sD1fG"),
    ("gitlab", "glpat-xK9vQ2mZ7pL4wR8tY3nB"),
    ("aws", "AKIAIOSFODNN7EXAMPLE"),
    ("npm", "npm_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"),
    (
        "pypi",
        "pypi-AgEIcHlwaS5vcmcCJGE4ZjQ5MmM0LWQ3ZjYtNDQ2Mi1iYjE2",
    ),
    ("slack", "xoxb-123456789012-1234567890123-AbCdEfGhIjKl"),
    (
        "jwt",
        "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjM0NSJ9.c2lnbmF0dXJlLXBhcnQ",
    ),
];

#[test]
fn workflow_flags_and_explain_redacts_every_secret_shape() {
    let home = tempfile::tempdir().expect("tempdir");
    for (name, value) in VALUES {
        let wf = home.path().join(format!("{name}.yml"));
        std::fs::write(
            &wf,
            format!(
                "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      \
                 - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          \
                 username: octo\n          password: {value}\n"
            ),
        )
        .expect("write workflow");
        let out = ghcr_doctor(home.path())
            .args(["--format", "json", "workflow"])
            .arg(&wf)
            .output()
            .expect("run workflow");
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            !all.contains(value),
            "workflow shows the {name} value: {all}"
        );
        let v = json(&out);
        let flagged = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["check"] == "hardcoded-credential" && f["status"] == "fail");
        assert!(flagged, "{name} not flagged: {v}");

        let log = home.path().join(format!("{name}.log"));
        std::fs::write(
            &log,
            format!(
                "+ docker login -u octo -p {value} ghcr.io: Error response from daemon: \
                 Get \"https://ghcr.io/v2/\": denied: denied\n"
            ),
        )
        .expect("write log");
        let out = ghcr_doctor(home.path())
            .args(["explain", "--format", "json"])
            .arg(&log)
            .output()
            .expect("run explain");
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            !all.contains(value),
            "explain shows the {name} value: {all}"
        );
        let v = json(&out);
        let text = v["findings"][0]["evidence"]["text"]
            .as_str()
            .unwrap_or_default();
        assert!(
            text.contains("docker login -u octo -p <redacted> ghcr.io"),
            "{name}: {text}"
        );
    }
}
