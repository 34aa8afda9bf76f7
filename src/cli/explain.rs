//! `ghcr-doctor explain [FILE|-|URL]` and `explain --run ID [--repo OWNER/REPO]`: name the
//! cause of every registry error in a log, or in the failed jobs of a GitHub Actions run.

use std::fs::File;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use ghcr_doctor::credentials::Env;
use ghcr_doctor::github::{self, RepoName};
use ghcr_doctor::http;
use ghcr_doctor::report::Format;
use ghcr_doctor::run::{self, RunApi, RunRef};
use ghcr_doctor::t;

use super::output::{self, GlobalArgs};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A pasted error or a whole CI log (`-` or nothing reads standard input), or the URL of a
    /// GitHub Actions run, run attempt or job.
    #[arg(value_name = "FILE|URL")]
    file: Option<String>,

    /// Explain the failed jobs of this GitHub Actions run (in a workflow:
    /// `--run ${{ github.run_id }}`).
    #[arg(
        long,
        value_name = "ID",
        conflicts_with = "file",
        help_heading = "Actions run"
    )]
    run: Option<String>,

    /// The repository of `--run` (default: GITHUB_REPOSITORY, then the git remote `origin`).
    #[arg(
        long,
        value_name = "OWNER/REPO",
        requires = "run",
        help_heading = "Actions run"
    )]
    repo: Option<String>,

    /// GitHub's API (default: GITHUB_API_URL, else https://api.github.com, or the URL's
    /// GitHub Enterprise Server). The token comes from GH_TOKEN, GITHUB_TOKEN or the gh CLI.
    #[arg(long, value_name = "URL", help_heading = "Actions run")]
    github_api_url: Option<String>,

    /// Limit for each request to GitHub, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        help_heading = "Actions run"
    )]
    timeout: u64,

    /// Exit 0 even when a cause was found (for callers that only want the report).
    #[arg(long)]
    exit_zero: bool,
}

/// From this size on, reading a log shows a progress line on a terminal.
const PROGRESS_BYTES: u64 = 16 * 1024 * 1024;

/// Exit 1 when a cause was found, 0 when none (or with `--exit-zero`); 2 when the input
/// cannot be read or the report cannot be written.
pub(crate) fn run(args: Args, global: &GlobalArgs) -> ExitCode {
    if args.run.is_some() || args.file.as_deref().is_some_and(run::looks_like_url) {
        return explain_run(args, global);
    }
    let name = args.file.as_deref().filter(|f| *f != "-");
    let scanned = match name {
        Some(path) => match File::open(path) {
            Ok(file) => {
                // A large log takes a while to read: say so on a terminal.
                let large = file.metadata().is_ok_and(|m| m.len() >= PROGRESS_BYTES);
                let _progress = large
                    .then(|| output::Spinner::start(global, t!("explain.progress", path = path)));
                ghcr_doctor::explain::scan(file)
            }
            Err(e) => Err(e),
        },
        None => {
            let stdin = std::io::stdin();
            // Without a pipe the command would seem to hang: say what it waits for.
            if stdin.is_terminal() {
                eprintln!("{}", ghcr_doctor::t!("explain.reading-stdin"));
            }
            ghcr_doctor::explain::scan(stdin.lock())
        }
    };
    let scan = match scanned {
        Ok(scan) => scan,
        Err(e) => {
            return output::usage_error(&ghcr_doctor::t!(
                "common.input-unreadable",
                path = name.unwrap_or("stdin"),
                error = e
            ));
        }
    };
    if scan.explanations.is_empty() && scan.recovered.is_empty() && global.format() == Format::Text
    {
        println!("{}", ghcr_doctor::explain::nothing_found(&scan.stats));
        return ExitCode::SUCCESS;
    }
    let report = ghcr_doctor::explain::report(&scan, name);
    let code = output::emit(&report, global);
    if code == ExitCode::from(super::EXIT_ERROR) || !args.exit_zero {
        return code;
    }
    ExitCode::SUCCESS
}

/// Which run: the URL, or `--run` with `--repo` / GITHUB_REPOSITORY / the git remote.
fn run_ref(args: &Args, env: &Env) -> Result<RunRef, String> {
    if let Some(id) = &args.run {
        let run_id = run::parse_id(id.trim()).ok_or_else(|| {
            t!(
                "run.url.invalid",
                input = id.chars().take(40).collect::<String>(),
                reason = t!("run.url.reason-id")
            )
        })?;
        let repo = match args.repo.as_deref() {
            Some(r) => RepoName::parse(r).map_err(|e| t!("run.cli.repo-invalid", error = e))?,
            None => match env
                .get("GITHUB_REPOSITORY")
                .filter(|v| !v.trim().is_empty())
            {
                Some(r) => RepoName::parse(r).map_err(|e| {
                    t!(
                        "run.cli.repo-invalid",
                        error = format!("GITHUB_REPOSITORY: {e}")
                    )
                })?,
                None => github::repo_locator::origin_url(Path::new("."))
                    .and_then(|u| github::repo_locator::parse_remote(&u))
                    .map(|(_, repo)| repo)
                    .ok_or_else(|| t!("run.cli.no-repo"))?,
            },
        };
        return Ok(RunRef::new(repo, run_id));
    }
    let url = args.file.as_deref().unwrap_or_default();
    RunRef::parse_url(url).map_err(|e| e.message())
}

fn explain_run(args: Args, global: &GlobalArgs) -> ExitCode {
    let env = Env::from_process();
    let run_ref = match run_ref(&args, &env) {
        Ok(r) => r,
        Err(e) => return output::usage_error(&e),
    };
    let api_url = match args.github_api_url.as_deref() {
        Some(flag) => github::api_url(Some(flag), &env),
        None if env
            .get("GITHUB_API_URL")
            .is_some_and(|v| !v.trim().is_empty()) =>
        {
            github::api_url(None, &env)
        }
        None => run_ref
            .default_api_url()
            .unwrap_or_else(|| github::api_url(None, &env)),
    };
    let web_host = run_ref
        .web_host
        .clone()
        .or_else(|| github::web_host(&api_url))
        .unwrap_or_else(|| "github.com".into());
    let client = match http::Client::new(http::Options {
        timeout: Duration::from_secs(args.timeout.max(1)),
        proxy: http::ProxyConfig::from_env(|k| env.get(k).map(str::to_owned)),
        ..http::Options::default()
    }) {
        Ok(c) => c,
        Err(e) => return output::usage_error(&e.to_string()),
    };
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let token = runtime.block_on(run::token::discover(&env, &web_host));
    if let Some((secret, _)) = &token {
        output::mask_secrets(global, &[secret]);
    }
    let api = match RunApi::new(&client, &api_url, token.map(|(s, _)| s)) {
        Ok(a) => a,
        Err(e) => return output::usage_error(&e.to_string()),
    };
    let report = match runtime.block_on(run::explain(&api, &run_ref)) {
        Ok(r) => r,
        Err(e) => return output::usage_error(&e.to_string()),
    };
    let code = output::emit(&report, global);
    if code == ExitCode::from(super::EXIT_ERROR) || !args.exit_zero {
        return code;
    }
    ExitCode::SUCCESS
}
