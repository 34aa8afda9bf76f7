//! The real-registry harness itself works: the registry starts in each mode, takes a
//! pushed image, and its storage folder shows what was written.

use crate::support::image::{OCI_MANIFEST, Pusher, sha256};
use crate::support::registry::{Auth, Registry};

#[test]
fn open_registry_takes_a_pushed_image_and_storage_shows_it() {
    let reg = Registry::start(Auth::None);
    assert!(reg.repositories().is_empty());
    let pusher = Pusher::new(&reg.url(), None);
    let manifest = pusher.simple_image("team/app", "v1", 2);
    assert_eq!(manifest.media_type, OCI_MANIFEST);
    assert_eq!(reg.repositories(), vec!["team/app".to_owned()]);
    // config + 2 layers + the manifest itself.
    assert_eq!(reg.blob_count(), 4);
    assert!(reg.blob_data_path(&manifest.digest).is_file());
    assert_eq!(manifest.digest, sha256(&manifest.bytes));
}

#[test]
fn htpasswd_registry_requires_the_password() {
    let reg = Registry::start(Auth::Htpasswd(vec![("writer".into(), "s3cret".into())]));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{}/v2/", reg.url()))
            .send()
            .await
            .expect("ping")
            .status()
            .as_u16()
    });
    assert_eq!(status, 401);
    let pusher = Pusher::new(&reg.url(), Some(("writer", "s3cret")));
    pusher.simple_image("team/app", "v1", 1);
    assert_eq!(reg.repositories(), vec!["team/app".to_owned()]);
}
