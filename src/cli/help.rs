//! The command line's own help in the language in use.
//!
//! English help is clap's, from the doc comments. Another language gives each command and
//! argument a key in `i18n/<lang>/cli.toml` (`cli.<command>.about`, `cli.<command>.arg.<id>`,
//! `cli.heading.<heading>`; the root command is `cli.main`); what it lacks stays English.
//! clap's own error messages ("unexpected argument") stay English: clap has no translations.

use clap::Command;
use ghcr_doctor::message;

/// The `--lang` value on the command line, read before clap parses it so that the help
/// clap prints is already in that language.
pub(crate) fn lang_argument(args: &[std::ffi::OsString]) -> Option<String> {
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = it.next() {
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            return it.next().map(|v| v.into_owned());
        }
        if let Some(value) = arg.strip_prefix("--lang=") {
            return Some(value.to_owned());
        }
    }
    None
}

fn lookup(key: &str) -> Option<String> {
    let lang = message::language();
    if lang == message::DEFAULT_LANGUAGE {
        return None;
    }
    message::raw(lang, key).map(|lines| lines.join("\n"))
}

/// Every key the help of `cmd` looks up, as `(key, English text)` (for the test that every
/// one is translated).
#[cfg(test)]
pub(crate) fn keys(cmd: &mut Command) -> Vec<(String, String)> {
    cmd.build();
    let mut out = Vec::new();
    collect(cmd, "main", &mut out);
    out
}

#[cfg(test)]
fn collect(cmd: &Command, path: &str, out: &mut Vec<(String, String)>) {
    if let Some(about) = cmd.get_about() {
        out.push((format!("cli.{path}.about"), about.to_string()));
    }
    if let Some(after) = cmd.get_after_help() {
        out.push((format!("cli.{path}.after-help"), after.to_string()));
    }
    for arg in cmd.get_arguments() {
        if arg.is_global_set() && path != "main" {
            continue;
        }
        let id = arg.get_id().as_str();
        let help = arg
            .get_long_help()
            .or(arg.get_help())
            .map(ToString::to_string);
        if matches!(id, "help" | "version") || arg.is_hide_set() || help.is_none() {
            continue;
        }
        out.push((format!("cli.{path}.arg.{id}"), help.unwrap_or_default()));
        if let Some(heading) = arg.get_help_heading()
            && !out.iter().any(|(k, _)| *k == heading_key(heading))
        {
            out.push((heading_key(heading), heading.to_owned()));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        collect(sub, sub.get_name(), out);
    }
}

fn heading_key(heading: &str) -> String {
    format!(
        "cli.heading.{}",
        heading.to_ascii_lowercase().replace(' ', "-")
    )
}

/// `cmd` with its help in the language in use (unchanged for English).
pub(crate) fn localize(mut cmd: Command) -> Command {
    if message::language() == message::DEFAULT_LANGUAGE {
        return cmd;
    }
    cmd.build();
    localize_command(cmd, "main")
}

fn localize_command(mut cmd: Command, path: &str) -> Command {
    if let Some(about) = lookup(&format!("cli.{path}.about")) {
        cmd = cmd.about(about).long_about(None);
    }
    if let Some(after) = lookup(&format!("cli.{path}.after-help")) {
        cmd = cmd.after_help(after).after_long_help(None);
    }
    if let Some(usage) = lookup("cli.usage-heading") {
        let template = format!(
            "{{before-help}}{{about-with-newline}}\n{usage}{{usage}}\n\n{{all-args}}{{after-help}}"
        );
        cmd = cmd.help_template(template);
    }
    if let Some(heading) = lookup("cli.commands-heading") {
        cmd = cmd.subcommand_help_heading(heading);
    }
    let ids: Vec<(String, Option<String>, bool)> = cmd
        .get_arguments()
        .map(|a| {
            (
                a.get_id().as_str().to_owned(),
                a.get_help_heading().map(str::to_owned),
                a.is_positional(),
            )
        })
        .collect();
    for (id, heading, positional) in ids {
        let key = match id.as_str() {
            "help" => "cli.help".to_owned(),
            "version" => "cli.version".to_owned(),
            _ => format!("cli.{path}.arg.{id}"),
        };
        // An argument several commands share has one text (`cli.shared.arg.<id>`); global
        // arguments are propagated to every subcommand with the root's text.
        let help = lookup(&key)
            .or_else(|| lookup(&format!("cli.shared.arg.{id}")))
            .or_else(|| lookup(&format!("cli.main.arg.{id}")));
        let heading = match heading {
            Some(h) => lookup(&heading_key(&h)),
            None if positional => lookup("cli.heading.arguments"),
            None => lookup("cli.heading.options"),
        };
        cmd = cmd.mut_arg(&id, |mut a| {
            if let Some(help) = help {
                a = a.help(help).long_help(None);
            }
            if let Some(heading) = heading {
                a = a.help_heading(heading);
            }
            a
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let path = if name == "help" {
            "help".to_owned()
        } else {
            name.clone()
        };
        cmd = cmd.mut_subcommand(&name, |s| localize_command(s, &path));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command, argument and heading of the help has a zh-CN text, and every `cli.*`
    /// key names one of them (a renamed argument leaves no stale translation behind).
    #[test]
    fn the_help_is_translated_to_zh_cn() {
        let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
        let wanted = keys(&mut cmd);
        let fixed = [
            "cli.usage-heading",
            "cli.commands-heading",
            "cli.help",
            "cli.version",
            "cli.heading.options",
            "cli.heading.arguments",
        ];
        let shared = |k: &str| {
            k.split_once(".arg.")
                .map(|(_, id)| format!("cli.shared.arg.{id}"))
                .filter(|s| message::raw("zh-CN", s).is_some())
        };
        let missing: Vec<String> = wanted
            .iter()
            .filter(|(k, _)| message::raw("zh-CN", k).is_none() && shared(k).is_none())
            .map(|(k, en)| format!("{k} = {en:?}"))
            .collect();
        assert!(missing.is_empty(), "no zh-CN text:\n{}", missing.join("\n"));
        let stale: Vec<String> = message::keys("zh-CN")
            .into_iter()
            .filter(|k| k.starts_with("cli."))
            .filter(|k| !fixed.contains(&k.as_str()) && !wanted.iter().any(|(w, _)| w == k))
            .filter(|k| {
                !wanted
                    .iter()
                    .any(|(w, _)| shared(w).as_deref() == Some(k.as_str()))
            })
            .collect();
        assert!(stale.is_empty(), "zh-CN keys for no argument: {stale:?}");
    }

    #[test]
    fn lang_is_read_before_parsing() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_argument(&args(&["g", "check", "--lang", "zh-CN", "x"])).as_deref(),
            Some("zh-CN")
        );
        assert_eq!(
            lang_argument(&args(&["g", "--lang=en"])).as_deref(),
            Some("en")
        );
        assert_eq!(lang_argument(&args(&["g", "--", "--lang", "zh"])), None);
    }
}
