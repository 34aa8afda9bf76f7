//! Load: `check` and `verify` on 200 images at once against the real registry. Every image's
//! result is correct, the tool itself fails nowhere, and its peak memory and open file
//! descriptors stay within generous bounds (a guard that concurrency is bounded, not a
//! timing goal). The measured numbers are printed and recorded in `docs/reliability.md`.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::ghcr_doctor;
use crate::support::image::{Blob, OCI_CONFIG, OCI_LAYER, OCI_MANIFEST, Pusher, config, manifest};
use crate::support::registry::{Auth, Registry};

const REPOSITORIES: usize = 20;
const TAGS_PER_REPOSITORY: usize = 10;
/// Far above the measured peak (see docs/reliability.md): only unbounded growth trips it.
const MAX_RSS_KIB: u64 = 500 * 1024;
/// Twice the measured peak of `check` (its probes are bounded); `verify` of 200 images
/// once peaked at 460 before its images were bounded too.
const MAX_FDS: usize = 256;
const HANG_GUARD: Duration = Duration::from_secs(300);

/// 200 images: 20 repositories of 10 tags, one shared layer per repository and a config
/// (so a manifest) of their own.
fn push_images(reg: &Registry) -> Vec<String> {
    let layer = Blob::new(OCI_LAYER, b"the one layer every load image shares".to_vec());
    // Four pushers side by side, five repositories each.
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|part| {
                let layer = layer.clone();
                scope.spawn(move || {
                    let pusher = Pusher::new(&reg.url(), None);
                    let mut images = Vec::new();
                    for r in (part..REPOSITORIES).step_by(4) {
                        let repo = format!("load/app{r}");
                        pusher.blob(&repo, &layer);
                        for t in 0..TAGS_PER_REPOSITORY {
                            let tag = format!("v{t}");
                            let cfg =
                                config(OCI_CONFIG, "linux", "amd64", &format!("{repo}:{tag}"));
                            pusher.blob(&repo, &cfg);
                            pusher.manifest(
                                &repo,
                                &tag,
                                &manifest(OCI_MANIFEST, &cfg, std::slice::from_ref(&layer)),
                            );
                            images.push(format!("{}/{repo}:{tag}", reg.host()));
                        }
                    }
                    images
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("pusher thread"))
            .collect()
    })
}

/// Peak resident memory (VmHWM) and peak open descriptors of one run, polled from /proc.
#[derive(Debug, Default)]
struct Peak {
    rss_kib: u64,
    fds: usize,
}

fn run_measured(home: &Path, args: &[String]) -> (Output, Peak, Duration) {
    let start = Instant::now();
    let mut child = ghcr_doctor(home)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ghcr-doctor");
    let pid = child.id();
    // Drain the pipes while polling, so a large report cannot block the child.
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out_pipe, &mut v).expect("read stdout");
        v
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err_pipe, &mut v).expect("read stderr");
        v
    });
    let mut peak = Peak::default();
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            for line in text.lines() {
                if let Some(v) = line.strip_prefix("VmHWM:") {
                    let kib = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                    peak.rss_kib = peak.rss_kib.max(kib);
                }
            }
        }
        if let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
            peak.fds = peak.fds.max(dir.count());
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if start.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("{args:?}: still running after {HANG_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let output = Output {
        status,
        stdout: out_thread.join().expect("stdout thread"),
        stderr: err_thread.join().expect("stderr thread"),
    };
    (output, peak, start.elapsed())
}

fn statuses<'a>(doc: &'a Value, check: &str, target: &str) -> Vec<&'a str> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == check && f["target"] == target)
        .map(|f| f["status"].as_str().unwrap_or_default())
        .collect()
}

fn assert_bounded(what: &str, peak: &Peak) {
    assert!(
        peak.rss_kib > 0 && peak.fds > 0,
        "{what}: the measurement saw the process: {peak:?}"
    );
    assert!(
        peak.rss_kib < MAX_RSS_KIB,
        "{what}: peak RSS {} KiB",
        peak.rss_kib
    );
    assert!(peak.fds < MAX_FDS, "{what}: peak open fds {}", peak.fds);
}

#[test]
// The measured peaks are part of the result: printed for `--nocapture` and the docs.
#[allow(clippy::print_stdout)]
fn check_and_verify_200_images_at_once() {
    let reg = Registry::start(Auth::None);
    let images = push_images(&reg);
    assert_eq!(images.len(), 200);
    let home = tempfile::tempdir().expect("home");

    // check: every probe passes for every image.
    let mut args: Vec<String> = ["--format", "json", "check", "--anonymous"]
        .map(String::from)
        .to_vec();
    args.extend(images.iter().cloned());
    let (out, peak, took) = run_measured(home.path(), &args);
    println!(
        "load: check of 200 images: peak RSS {} KiB, peak open fds {}, {:.1} s",
        peak.rss_kib,
        peak.fds,
        took.as_secs_f64()
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "check: exit 0\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    for image in &images {
        for check in [
            "reference-valid",
            "registry-reachable",
            "registry-login",
            "registry-pull",
            "registry-push",
        ] {
            assert_eq!(
                statuses(&doc, check, image),
                ["pass"],
                "{check} for {image}"
            );
        }
    }
    assert!(
        !doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["status"] == "fail"),
        "no failure anywhere"
    );
    assert_bounded("check", &peak);

    // verify: every image complete.
    let mut args: Vec<String> = ["--format", "json", "verify", "--plain-http"]
        .map(String::from)
        .to_vec();
    args.extend(images.iter().cloned());
    let (out, peak, took) = run_measured(home.path(), &args);
    println!(
        "load: verify of 200 images: peak RSS {} KiB, peak open fds {}, {:.1} s",
        peak.rss_kib,
        peak.fds,
        took.as_secs_f64()
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "verify: exit 0\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("verify JSON");
    for image in &images {
        for check in ["image-manifest", "image-blobs"] {
            assert_eq!(
                statuses(&doc, check, image),
                ["pass"],
                "{check} for {image}"
            );
        }
    }
    assert!(
        !doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["status"] == "fail"),
        "no failure anywhere"
    );
    assert_bounded("verify", &peak);
}
