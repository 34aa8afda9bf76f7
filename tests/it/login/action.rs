//! `action.yml`: the interface it declares and how its `run` step passes images to `login`.

use super::*;

#[cfg(unix)]
#[test]
fn the_action_declares_its_interface_and_passes_images_to_login() {
    let yaml = std::fs::read_to_string(crate::support::root().join("action.yml")).expect("action");
    for input in ["command", "images", "token", "github-token", "args"] {
        assert!(yaml.contains(&format!("\n  {input}:\n")), "input {input}");
    }
    for output in ["auth-method", "username", "ok", "digest"] {
        assert!(
            yaml.contains(&format!("\n  {output}:\n"))
                && yaml.contains(&format!("outputs.{output} }}")),
            "output {output}"
        );
    }
    // The script with a stand-in binary that prints its arguments, one per line; the script
    // calls it by the path in `GHCR_DOCTOR`, not through PATH.
    let dir = tempfile::tempdir().expect("dir");
    let stub = dir.path().join("ghcr-doctor");
    std::fs::write(&stub, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n").expect("stub");
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let path = std::env::var("PATH").unwrap_or_default();
    let run = |command: &str, images: &str, args: &str| {
        let out = Command::new("bash")
            .arg("-c")
            .arg(crate::support::action_step("run"))
            .env_clear()
            .env("PATH", &path)
            .env("GHCR_DOCTOR", &stub)
            .env("INPUT_COMMAND", command)
            .env("INPUT_IMAGES", images)
            .env("INPUT_ARGS", args)
            .output()
            .expect("bash");
        (out.status.code(), stdout(&out))
    };
    let (code, argv) = run(
        "login",
        "ghcr.io/o/a:1\n ghcr.io/o/b:1",
        "--token-env GHCR_TOKEN,GITHUB_TOKEN",
    );
    assert_eq!(code, Some(0), "{argv}");
    assert_eq!(
        argv.lines().collect::<Vec<_>>(),
        [
            "login",
            "ghcr.io",
            "--github-actions",
            "--token-env",
            "GHCR_TOKEN,GITHUB_TOKEN",
            "--for-push",
            "ghcr.io/o/a:1",
            "ghcr.io/o/b:1"
        ]
    );
    let (code, argv) = run("login", "", "");
    assert_eq!(code, Some(0));
    assert_eq!(
        argv.lines().collect::<Vec<_>>(),
        ["login", "ghcr.io", "--github-actions"]
    );
    let (code, argv) = run("verify", "ghcr.io/o/a:1", "--pull");
    assert_eq!(code, Some(0));
    assert_eq!(
        argv.lines().collect::<Vec<_>>(),
        ["verify", "--github-actions", "--pull", "ghcr.io/o/a:1"]
    );
    let (code, argv) = run("push", "", "");
    assert_eq!(code, Some(2));
    assert!(argv.starts_with("::error "), "{argv}");
}
