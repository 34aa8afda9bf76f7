//! Output options shared by every subcommand, and the one place that prints a report.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use ghcr_doctor::actions::Runner;
use ghcr_doctor::credentials::Env;
use ghcr_doctor::report::{self, Detail, Format, Report, Style};
use ghcr_doctor::secret::Secret;

use super::EXIT_ERROR;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CliFormat {
    Text,
    Json,
    Markdown,
    Sarif,
    Github,
}

impl From<CliFormat> for Format {
    fn from(f: CliFormat) -> Self {
        match f {
            CliFormat::Text => Format::Text,
            CliFormat::Json => Format::Json,
            CliFormat::Markdown => Format::Markdown,
            CliFormat::Sarif => Format::Sarif,
            CliFormat::Github => Format::Github,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Output")]
pub(crate) struct GlobalArgs {
    /// Output format [default: text; github inside GitHub Actions].
    #[arg(long, global = true, value_enum)]
    pub format: Option<CliFormat>,

    /// When to colour text output (`auto`: on a terminal, unless NO_COLOR is set).
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    /// GitHub Actions mode (masks, annotations, outputs, step summary). Default: on when
    /// GITHUB_ACTIONS=true.
    #[arg(long, global = true, overrides_with = "no_github_actions")]
    pub github_actions: bool,

    /// Turn GitHub Actions mode off even inside Actions.
    #[arg(long, global = true, overrides_with = "github_actions")]
    pub no_github_actions: bool,

    /// Language of the messages (`en`, `zh-CN`). Default: GHCR_DOCTOR_LANG, else the locale
    /// (LC_ALL, LC_MESSAGES, LANG; LANGUAGE as a preference list).
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,

    /// Show every check in text output, and debug traces on standard error (-vv for HTTP
    /// traces). Secrets are always redacted.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Text output: only failures, warnings and the summary line.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

impl GlobalArgs {
    /// `Some(true)`/`Some(false)` when forced on the command line, `None` to detect.
    pub(crate) fn github_actions_override(&self) -> Option<bool> {
        match (self.github_actions, self.no_github_actions) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }

    /// The GitHub Actions runner as seen from this process.
    pub(crate) fn runner(&self) -> Runner {
        Runner::from_env(&Env::from_process(), self.github_actions_override())
    }

    /// The format to render: the one asked for, else `github` inside Actions, else `text`.
    pub(crate) fn format(&self) -> Format {
        match self.format {
            Some(f) => f.into(),
            None if self.runner().active => Format::Github,
            None => Format::Text,
        }
    }
}

/// In GitHub Actions, tells the runner to mask every secret; call it as soon as secrets are
/// known, before anything else is printed.
pub(crate) fn mask_secrets(global: &GlobalArgs, secrets: &[&Secret]) {
    if global.runner().active {
        write_masks(secrets);
    }
}

/// Prints `::add-mask::` once per distinct secret in this process, on standard error: the
/// runner reads workflow commands from both streams, and standard output holds only the
/// report (a redirected JSON or SARIF report stays valid and holds no secret).
pub(crate) fn write_masks(secrets: &[&Secret]) {
    use std::collections::HashSet;
    use std::hash::{DefaultHasher, Hash, Hasher};
    use std::sync::{Mutex, OnceLock};
    // Hashes only: the values themselves are not kept a second time.
    static MASKED: OnceLock<Mutex<HashSet<u64>>> = OnceLock::new();
    let masked = MASKED.get_or_init(|| Mutex::new(HashSet::new()));
    let Ok(mut masked) = masked.lock() else {
        return;
    };
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for secret in secrets {
        let mut h = DefaultHasher::new();
        secret.expose().hash(&mut h);
        if !masked.insert(h.finish()) {
            continue;
        }
        if let Some(line) = ghcr_doctor::actions::mask_command(secret) {
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = out.flush();
}

/// In GitHub Actions, an observer that masks every credential the library discovers (a
/// docker config entry, a helper's answer) before it is used; outside Actions, none.
pub(crate) fn mask_observer(global: &GlobalArgs) -> ghcr_doctor::check::CredentialObserver {
    if !global.runner().active {
        return ghcr_doctor::check::CredentialObserver::default();
    }
    ghcr_doctor::check::CredentialObserver::new(|credential| write_masks(&[&credential.secret]))
}

/// Masks, in GitHub Actions, the secrets discovery may use that are known before any
/// request; call it as soon as discovery is set up, before anything else is printed.
pub(crate) fn mask_discovery_secrets(
    global: &GlobalArgs,
    options: &ghcr_doctor::credentials::Options,
) {
    let secrets = discovery_secrets(options);
    let secrets: Vec<&Secret> = secrets.iter().collect();
    mask_secrets(global, &secrets);
    crate::test_panic_point(&secrets);
}

/// The secrets discovery may use that are known before any request: the token variables
/// and the secret read from standard input.
fn discovery_secrets(options: &ghcr_doctor::credentials::Options) -> Vec<Secret> {
    let mut secrets: Vec<Secret> = ghcr_doctor::credentials::env_candidates(options)
        .into_iter()
        .filter_map(|c| match c.state {
            ghcr_doctor::credentials::CandidateState::Usable(s) => Some(s),
            _ => None,
        })
        .collect();
    secrets.extend(options.stdin_secret.clone());
    secrets
}

/// Parses `DOMAIN=URL[,DOMAIN=URL...]` (`GHCR_DOCTOR_REGISTRY_ENDPOINTS`): registry API base
/// URLs that replace the ones derived from the domains.
pub(crate) fn parse_endpoints(
    value: Option<&str>,
) -> Result<std::collections::BTreeMap<String, url::Url>, String> {
    let mut endpoints = std::collections::BTreeMap::new();
    for pair in value
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.trim().is_empty())
    {
        let Some((domain, url)) = pair.split_once('=') else {
            return Err(ghcr_doctor::t!("check.cli.endpoint-pair", pair = pair));
        };
        match url::Url::parse(url.trim()) {
            Ok(u) => {
                endpoints.insert(domain.trim().to_owned(), u);
            }
            Err(e) => {
                return Err(ghcr_doctor::t!(
                    "check.cli.endpoint-url",
                    url = url,
                    error = e
                ));
            }
        }
    }
    Ok(endpoints)
}

/// Sets up the language and debug traces for this process.
pub(crate) fn init(global: &GlobalArgs) {
    ghcr_doctor::message::set_language(&ghcr_doctor::message::choose_language(
        global.lang.as_deref(),
        |name| std::env::var(name).ok(),
    ));
    let filter = match global.verbose {
        0 => std::env::var("RUST_LOG").unwrap_or_else(|_| "off".into()),
        1 => "ghcr_doctor=debug".into(),
        _ => "ghcr_doctor=trace".into(),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .without_time()
        .try_init();
}

fn style(global: &GlobalArgs) -> Style {
    let color = match global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let detail = if global.quiet {
        Detail::Quiet
    } else if global.verbose > 0 {
        Detail::Verbose
    } else {
        Detail::Normal
    };
    Style { color, detail }
}

/// Prints `report` in the chosen format and returns its exit code. Inside GitHub Actions it
/// also writes the step outputs (`ok` and the report's own) and appends the Markdown report
/// to the step summary.
pub(crate) fn emit(report: &Report, global: &GlobalArgs) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match report::render(report, global.format(), style(global), &mut out) {
        Ok(()) => {}
        // The reader went away (`| head`): nothing more to say, and no error to print.
        Err(report::RenderError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            return ExitCode::from(report.exit_code());
        }
        Err(e) => return usage_error(&e.to_string()),
    }
    let _ = out.flush();
    let runner = global.runner();
    if runner.active {
        let mut outputs = report.outputs.clone();
        outputs.push(("ok".into(), report.ok().to_string()));
        for (name, value) in &outputs {
            if let Err(e) = runner.set_output(name, value) {
                eprintln!(
                    "{}: GITHUB_OUTPUT: {e}",
                    ghcr_doctor::t!("common.error-prefix")
                );
            }
        }
        let mut summary = Vec::new();
        if report::render(report, Format::Markdown, Style::default(), &mut summary).is_ok()
            && let Err(e) = runner.append_summary(&String::from_utf8_lossy(&summary))
        {
            eprintln!(
                "{}: GITHUB_STEP_SUMMARY: {e}",
                ghcr_doctor::t!("common.error-prefix")
            );
        }
    }
    ExitCode::from(report.exit_code())
}

/// A progress line for long work, on standard error: only for text output and only when
/// standard output and standard error are terminals (never in JSON, SARIF, Markdown or
/// annotations, never in a pipe, a file or a CI log). Cleared when dropped.
pub(crate) struct Spinner(Option<indicatif::ProgressBar>);

impl Spinner {
    pub(crate) fn start(global: &GlobalArgs, message: String) -> Spinner {
        if global.format() != Format::Text
            || !std::io::stderr().is_terminal()
            || !std::io::stdout().is_terminal()
        {
            return Spinner(None);
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(message);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Spinner(Some(bar))
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Prints an error that stopped the tool and returns exit code 2.
pub(crate) fn usage_error(message: &str) -> ExitCode {
    // The message may quote a path or an answer: shown through the one sanitiser.
    eprintln!(
        "{}: {}",
        ghcr_doctor::t!("common.error-prefix"),
        ghcr_doctor::report::sanitize::line(message)
    );
    ExitCode::from(EXIT_ERROR)
}
