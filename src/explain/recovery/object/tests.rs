use super::*;

#[test]
fn hosts_and_references_are_normalised() {
    assert_eq!(host("https://index.docker.io/v1/"), "docker.io");
    assert_eq!(host("GHCR.IO"), "ghcr.io");
    assert_eq!(
        completed_image("nginx"),
        Some(Object::Image("docker.io/library/nginx:latest".into()))
    );
    assert_eq!(
        completed_image("localhost:5000/app:1"),
        Some(Object::Image("localhost:5000/app:1".into()))
    );
    assert_eq!(
        failed_image("ghcr.io/o/app"),
        Some(Object::Image("ghcr.io/o/app:latest".into()))
    );
    assert_eq!(failed_image("$IMAGE"), None);
}

#[test]
fn commands_start_operations() {
    assert_eq!(
        started("  /usr/bin/docker --config /tmp/x login ghcr.io -u bot --password-stdin"),
        Some(Start::Login("ghcr.io".into(), "docker".into()))
    );
    assert_eq!(
        started("$ docker login -u me -p ***"),
        Some(Start::Login("docker.io".into(), "docker".into()))
    );
    assert_eq!(
        started("helm registry login registry.example.com --username u"),
        Some(Start::Login("registry.example.com".into(), "helm".into()))
    );
    assert_eq!(
        started("Trying to pull quay.io/o/app:v1..."),
        Some(Start::Pull(Object::Image("quay.io/o/app:v1".into())))
    );
    assert_eq!(
        started("The push refers to repository [docker.io/octo/app]"),
        Some(Start::Push("docker.io/octo/app".into()))
    );
    assert_eq!(started("git pull origin main"), None);
    assert_eq!(started("docker-compose pull"), None);
}

#[test]
fn completion_lines_name_their_object() {
    assert_eq!(
        completed("naming to ghcr.io/o/app:1 done", None),
        Some(Object::Image("ghcr.io/o/app:1".into()))
    );
    assert_eq!(
        completed(
            "1.0: digest: sha256:4b1f0d5c7e9a2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d size: 1573",
            Some("ghcr.io/o/app")
        ),
        Some(Object::Image("ghcr.io/o/app:1.0".into()))
    );
    assert_eq!(
        completed("Copying blob 3b1f0d5c7e9a done   |", None),
        Some(Object::Layer("3b1f0d5c7e9a".into()))
    );
    assert_eq!(
        completed("Copying blob 3b1f0d5c7e9a [=====>---]", None),
        None
    );
    assert_eq!(completed("3b1f0d5c7e9a: Retrying in 5 seconds", None), None);
    assert_eq!(
        completed("3b1f0d5c7e9a: Pushing [==>   ] 1MB/9MB", None),
        None
    );
}
