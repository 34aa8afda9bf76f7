//! `ghcr-doctor verify IMAGE...`: prove that pushed images are there and complete.

use std::io::{IsTerminal, Write};

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use ghcr_doctor::check::{self, Credentials};
use ghcr_doctor::commands;
use ghcr_doctor::credentials::Env;
use ghcr_doctor::image::manifest::{Digest, Platform};
use ghcr_doctor::image::{self, Expected, Job, Progress, metadata};
use ghcr_doctor::report::Format;
use ghcr_doctor::t;

use super::access::{self, CredentialArgs, NetworkArgs};
use super::output::{self, GlobalArgs};

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

    /// Requests in flight at once, per registry [default: 256 when the registry speaks
    /// HTTP/2 (one shared connection), 128 over HTTP/1.1 (one connection each)].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: Option<u16>,

    #[command(flatten)]
    credential: CredentialArgs,

    #[command(flatten)]
    network: NetworkArgs,

    /// Seconds allowed for each request (a whole blob download included, with --pull).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600), help_heading = "Network")]
    timeout: u64,

    /// Append the Markdown build report to this file. In GitHub Actions the build report
    /// goes to the step summary anyway; this adds it to another file.
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

    let env = Env::from_process();
    let credentials = match args.credential.discovery(env.clone()) {
        Ok(o) => {
            output::mask_discovery_secrets(global, &o);
            Credentials::Discover(o)
        }
        Err(e) => return output::usage_error(&e),
    };
    let mut ctx = match access::context(
        args.network,
        Duration::from_secs(args.timeout),
        &env,
        credentials,
        check::Options::default(),
    ) {
        Ok(c) => c,
        Err(e) => return output::usage_error(&e),
    };
    ctx.observer = output::mask_observer(global);
    let progress = (args.pull
        && global.format() == Format::Text
        && std::io::stderr().is_terminal()
        && std::io::stdout().is_terminal())
    .then(progress_bar);
    let jobs: Vec<Job> = images
        .iter()
        .map(|input| {
            let mut expected = expected_all.clone();
            if let Some(d) = metadata::digest_for(&targets, input) {
                expected.push(Expected {
                    digest: d.clone(),
                    source: metadata_source.clone(),
                });
            }
            Job {
                input: input.clone(),
                options: image::Options {
                    concurrency: args.concurrency.map(usize::from),
                    platforms: platforms.clone(),
                    expected,
                    pull: args.pull,
                    progress: progress.clone(),
                    credential: String::new(),
                    limits: image::Limits::default(),
                },
            }
        })
        .collect();
    let runtime = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let batch = runtime.block_on(image::verify_all(
        &ctx,
        &jobs,
        args.concurrency.map(usize::from),
        args.anonymous_pull,
    ));
    let report = commands::verify::report(&batch);

    // In GitHub Actions, `emit` appends the build report to the step summary; the same file
    // given as --summary-file (the documented `"$GITHUB_STEP_SUMMARY"`) gets it once.
    let runner = global.runner();
    let step_summary = runner.active.then_some(runner.summary_file).flatten();
    if let Some(path) = args
        .summary_file
        .as_ref()
        .filter(|p| step_summary.as_ref() != Some(*p))
    {
        let markdown = report.markdown.clone().unwrap_or_default();
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
    output::emit(&report, global)
}
