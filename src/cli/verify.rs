//! `ghcr-doctor verify IMAGE...`: prove that pushed images are there and complete.

use std::io::{IsTerminal, Write};

use futures_util::StreamExt as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use ghcr_doctor::credentials::{self, Env};
use ghcr_doctor::http;
use ghcr_doctor::image::manifest::{Digest, Platform};
use ghcr_doctor::image::source::RegistrySource;
use ghcr_doctor::image::{self, Expected, Progress, VerifiedImage, metadata};
use ghcr_doctor::reference::Reference;
use ghcr_doctor::t;

use ghcr_doctor::report::Format;

use super::output::{self, GlobalArgs};

/// How many images are verified at once (each with up to `--concurrency` requests).
const IMAGES_AT_ONCE: usize = 8;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Images to verify, e.g. `ghcr.io/owner/app:1.0` or `ghcr.io/owner/app@sha256:...`.
    /// Optional with --metadata-file, whose `image.name` lists them.
    #[arg(value_name = "IMAGE")]
    images: Vec<String>,

    /// The digest the image must have (what the build pushed).
    #[arg(long, value_name = "DIGEST")]
    expect_digest: Option<String>,

    /// The build's metadata file (`docker buildx build --metadata-file`, build-push-action's
    /// `metadata` output): its `containerimage.digest` is expected, its `image.name` verified.
    #[arg(long, value_name = "FILE")]
    metadata_file: Option<PathBuf>,

    /// Platforms that must be present, comma-separated (`linux/amd64,linux/arm64`).
    #[arg(long, value_name = "OS/ARCH", value_delimiter = ',')]
    platform: Vec<String>,

    /// Also download every blob and check its sha256 (slower; memory stays bounded).
    #[arg(long)]
    pull: bool,

    /// Also prove the image can be pulled without credentials (a public package).
    #[arg(long)]
    anonymous_pull: bool,

    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 16,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,

    /// Seconds allowed for each request.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,

    /// Talk to the registry over plain HTTP (local registries only).
    #[arg(long)]
    plain_http: bool,

    /// Append the Markdown build report to this file (e.g. "$GITHUB_STEP_SUMMARY").
    #[arg(long, value_name = "PATH")]
    summary_file: Option<PathBuf>,
}

/// The `--pull` progress bar, drawn on standard error.
struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn add_total(&self, bytes: u64) {
        self.0.inc_length(bytes);
    }
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn progress_bar() -> Arc<dyn Progress> {
    let bar =
        indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    ) {
        bar.set_style(style);
    }
    Arc::new(Bar(bar))
}

pub(crate) fn run(args: Args, global: &GlobalArgs) -> ExitCode {
    let mut expected_all = Vec::new();
    if let Some(value) = &args.expect_digest {
        match Digest::parse(value.trim()) {
            Ok(digest) => expected_all.push(Expected {
                digest,
                source: t!("verify.cli.expect-digest-source"),
            }),
            Err(_) => return output::usage_error(&t!("verify.cli.bad-digest", value = value)),
        }
    }
    let mut platforms = Vec::new();
    for value in args.platform.iter().filter(|p| !p.trim().is_empty()) {
        match Platform::parse(value) {
            Some(p) => platforms.push(p),
            None => return output::usage_error(&t!("verify.cli.bad-platform", value = value)),
        }
    }
    let mut targets = Vec::new();
    let mut metadata_source = String::new();
    if let Some(path) = &args.metadata_file {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                return output::usage_error(&t!(
                    "verify.metadata.unreadable",
                    path = path.display(),
                    error = e
                ));
            }
        };
        match metadata::parse(&text) {
            Ok(t) => targets = t,
            Err(e) => return output::usage_error(&e.to_string()),
        }
        metadata_source = t!("verify.metadata.source", path = path.display());
    }
    let mut images = args.images.clone();
    if images.is_empty() {
        images = targets.iter().flat_map(|t| t.images.clone()).collect();
    }
    if images.is_empty() {
        return output::usage_error(&t!("verify.metadata.no-images"));
    }

    let http_options = http::Options {
        timeout: Duration::from_secs(args.timeout.max(1)),
        plain_http: args.plain_http,
        proxy: http::ProxyConfig::from_env(|k| std::env::var(k).ok()),
        ..http::Options::default()
    };
    let client = match http::Client::new(http_options) {
        Ok(c) => c,
        Err(e) => return output::usage_error(&e.to_string()),
    };
    let progress =
        (args.pull && global.format() == Format::Text && std::io::stderr().is_terminal())
            .then(progress_bar);
    let env = Env::from_process();
    output::mask_discovery(
        global,
        &credentials::Options {
            env: env.clone(),
            ..credentials::Options::default()
        },
    );

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return output::usage_error(&e.to_string()),
    };
    let verify_one = |input: &String| {
        let domain = Reference::parse(input)
            .map(|r| r.domain().to_owned())
            .unwrap_or_default();
        let discovery = credentials::discover(&credentials::Options {
            registry: domain.clone(),
            env: env.clone(),
            ..credentials::Options::default()
        });
        if let Some(c) = &discovery.credential {
            output::mask_secrets(global, &[&c.secret]);
            crate::test_panic_point(&[&c.secret]);
        }
        let (auth, credential) = match discovery.credential {
            Some(c) => (
                http::Auth::Basic {
                    username: c.username.unwrap_or_else(|| "token".into()),
                    password: c.secret,
                },
                c.source,
            ),
            None => (http::Auth::None, "anonymous".to_owned()),
        };
        let mut expected = expected_all.clone();
        if let Some(d) = metadata::digest_for(&targets, input) {
            expected.push(Expected {
                digest: d.clone(),
                source: metadata_source.clone(),
            });
        }
        let options = image::Options {
            concurrency: usize::from(args.concurrency),
            platforms: platforms.clone(),
            expected,
            pull: args.pull,
            progress: progress.clone(),
            credential,
        };
        let source = RegistrySource::new(client.clone(), &domain, args.plain_http, auth);
        let anon = RegistrySource::new(client.clone(), &domain, args.plain_http, http::Auth::None);
        let anonymous_pull = args.anonymous_pull;
        let input = input.clone();
        async move {
            let anon = anonymous_pull.then_some(&anon);
            image::verify(&source, anon, &input, &options).await
        }
    };
    // At most IMAGES_AT_ONCE images side by side: with each image's own bound, the requests
    // (and sockets) in flight stay bounded however long the list is. Order is kept.
    let verified: Vec<VerifiedImage> = runtime.block_on(
        futures_util::stream::iter(images.iter().map(verify_one))
            .buffered(IMAGES_AT_ONCE)
            .collect(),
    );

    if let Some(path) = &args.summary_file {
        let markdown = image::build_report_markdown(&verified);
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(markdown.as_bytes()));
        if let Err(e) = written {
            return output::usage_error(&t!(
                "verify.cli.summary-unwritable",
                path = path.display(),
                error = e
            ));
        }
    }
    let mut report = image::report(&verified);
    // The step output `digest`: the first image's, as `docker/build-push-action` names it.
    if let Some(digest) = verified.first().and_then(|v| v.digest.clone()) {
        report.outputs.push(("digest".into(), digest));
    }
    if global.format() == Format::Markdown {
        // The build report is verify's Markdown; the generic renderer does not know images.
        let mut out = std::io::stdout().lock();
        if let Err(e) = out
            .write_all(image::build_report_markdown(&verified).as_bytes())
            .and_then(|()| out.flush())
        {
            return output::usage_error(&e.to_string());
        }
        return ExitCode::from(report.exit_code());
    }
    output::emit(&report, global)
}
