//! The `ghcr-doctor` binary: parses arguments, calls the library, renders the report.
//! All logic lives in the library; see `src/cli/` for one file per subcommand.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    install_panic_hook();
    cli::main()
}

/// Replaces the default panic message: a panic payload may quote anything the code held
/// (an answer, a header), so it is scrubbed of anything that looks like a secret, and the
/// source location and backtrace, which help no user, are left out.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let detail = ghcr_doctor::secret::redact(&payload);
        eprintln!(
            "{}: {}",
            ghcr_doctor::t!("common.error-prefix"),
            ghcr_doctor::t!("crash.message", detail = detail)
        );
        eprintln!(
            "{}: {}",
            ghcr_doctor::t!("common.hint-prefix"),
            ghcr_doctor::t!("crash.hint")
        );
    }));
}

/// For the no-leak test only: with `GHCR_DOCTOR_TEST_PANIC=1` a debug build panics once
/// credentials are loaded, with the secret in the payload, to prove the panic hook never
/// prints it. Hidden: not in `--help` or the docs; compiled out of release builds.
#[cfg(debug_assertions)]
pub(crate) fn test_panic_point(secrets: &[&ghcr_doctor::secret::Secret]) {
    if std::env::var_os("GHCR_DOCTOR_TEST_PANIC").is_some_and(|v| v == "1") {
        let held: Vec<&str> = secrets.iter().map(|s| s.expose()).collect();
        panic!("test panic while holding {}", held.join(" "));
    }
}

/// Release builds have no test switch.
#[cfg(not(debug_assertions))]
pub(crate) fn test_panic_point(_secrets: &[&ghcr_doctor::secret::Secret]) {}
