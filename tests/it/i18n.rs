//! Languages: the locale and `--lang` choose the language of every output format, ids stay
//! the same, and source snippets stay aligned under wide characters.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{ghcr_doctor, run_with_stdin, stdout};

const ZH: &str = "zh_CN.UTF-8";

fn han() -> regex::Regex {
    regex::Regex::new(r"\p{Han}").expect("regex")
}

/// A workflow whose step name, comment and command hold Chinese text before the mark.
const WORKFLOW: &str = "name: 发布镜像
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      packages: write
    steps:
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
      # 构建并推送镜像
      - name: 构建并推送
        run: echo \"推送镜像\" && docker push ghcr.io/MyOrg/app:latest
";

fn workflow_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("release.yml"), WORKFLOW).expect("write workflow");
    dir
}

/// A command's name, arguments, environment and standard input.
type Invocation = (
    &'static str,
    Vec<String>,
    Vec<(&'static str, &'static str)>,
    Option<&'static str>,
);

/// The commands of the tool, each with what it needs to run without a registry: the
/// network ones against a closed port on loopback, so they report a refused connection.
fn commands(dir: &Path) -> Vec<Invocation> {
    let wf = dir.join("release.yml").display().to_string();
    let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        ("ref", s(&["ref", "ghcr.io/MyOrg/App:1.0"]), vec![], None),
        (
            "token",
            s(&["token"]),
            vec![("GHCR_TOKEN", "ghp_tooshort")],
            None,
        ),
        (
            "token (foreign)",
            s(&["token"]),
            vec![("GHCR_TOKEN", "dckr_pat_abcdefghijklmnopqrstuvwxyz1")],
            None,
        ),
        (
            "ref (typo)",
            s(&["ref", "ghrc.io/acme/app:1"]),
            vec![],
            None,
        ),
        (
            "explain",
            s(&["explain"]),
            vec![],
            Some(
                "denied: installation not allowed to Write organization package\nError: failed to push: unexpected status: 403 Forbidden\n",
            ),
        ),
        ("workflow", vec!["workflow".into(), wf], vec![], None),
        (
            "check",
            s(&["check", "127.0.0.1:1/acme/app:1", "--plain-http"]),
            vec![],
            None,
        ),
        (
            "verify",
            s(&["verify", "127.0.0.1:1/acme/app:1", "--plain-http"]),
            vec![],
            None,
        ),
        (
            "login",
            s(&["login", "127.0.0.1:1", "--dry-run"]),
            vec![],
            None,
        ),
    ]
}

fn run(
    home: &Path,
    args: &[String],
    env: &[(&str, &str)],
    stdin: Option<&str>,
    lang: &[(&str, &str)],
) -> Output {
    let mut cmd: Command = ghcr_doctor(home);
    cmd.args(args);
    for (k, v) in env.iter().chain(lang) {
        cmd.env(k, v);
    }
    match stdin {
        Some(input) => run_with_stdin(&mut cmd, input.as_bytes()),
        None => cmd.output().expect("run ghcr-doctor"),
    }
}

fn ids(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap_or_default().to_owned(),
                f["cause"].as_str().unwrap_or_default().to_owned(),
                f["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_chinese_locale_gives_chinese_json_with_the_english_ids() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = workflow_dir();
    let han = han();
    for (name, args, env, stdin) in commands(dir.path()) {
        let mut args = args.clone();
        args.extend(["--format".to_owned(), "json".to_owned()]);
        let en = run(home.path(), &args, &env, stdin, &[]);
        let zh = run(home.path(), &args, &env, stdin, &[("LANG", ZH)]);
        let en_json: serde_json::Value = serde_json::from_slice(&en.stdout)
            .unwrap_or_else(|e| panic!("{name}: English JSON ({e}): {}", stdout(&en)));
        let zh_json: serde_json::Value = serde_json::from_slice(&zh.stdout)
            .unwrap_or_else(|e| panic!("{name}: Chinese JSON ({e}): {}", stdout(&zh)));
        assert!(!ids(&en_json).is_empty(), "{name}: no findings");
        assert_eq!(ids(&en_json), ids(&zh_json), "{name}: ids differ");
        assert_eq!(
            en.status.code(),
            zh.status.code(),
            "{name}: exit codes differ"
        );
        for f in zh_json["findings"].as_array().expect("findings") {
            let message = f["message"].as_str().unwrap_or_default();
            assert!(
                han.is_match(message),
                "{name}: message not in Chinese: {message}"
            );
            for step in f["fix"].as_array().into_iter().flatten() {
                let step = step.as_str().unwrap_or_default();
                assert!(han.is_match(step), "{name}: fix not in Chinese: {step}");
            }
        }
        // The English run has no Chinese sentence (the workflow's own Chinese source line
        // is evidence, quoted as it is).
        for f in en_json["findings"].as_array().expect("findings") {
            let message = f["message"].as_str().unwrap_or_default();
            assert!(
                !han.is_match(message),
                "{name}: English message has Chinese: {message}"
            );
        }
    }
}

#[test]
fn every_format_speaks_chinese_under_a_chinese_locale() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = workflow_dir();
    let han = han();
    for (name, args, env, stdin) in commands(dir.path()) {
        for format in ["text", "markdown", "sarif", "github"] {
            let mut args = args.clone();
            args.extend(["--format".to_owned(), format.to_owned()]);
            let zh = run(home.path(), &args, &env, stdin, &[("LANG", ZH)]);
            let out = stdout(&zh);
            if format == "sarif"
                && serde_json::from_str::<serde_json::Value>(&out).is_ok_and(|v| {
                    v["runs"][0]["results"]
                        .as_array()
                        .is_some_and(Vec::is_empty)
                })
            {
                continue; // SARIF holds only the findings that have a location.
            }
            assert!(han.is_match(&out), "{name} --format {format}: {out}");
            if name != "workflow" {
                let en = stdout(&run(home.path(), &args, &env, stdin, &[]));
                assert!(!han.is_match(&en), "{name} --format {format} (en): {en}");
            }
        }
    }
}

#[test]
fn sarif_rules_and_markdown_headings_are_chinese() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = workflow_dir();
    let wf = dir.path().join("release.yml");
    let out = ghcr_doctor(home.path())
        .env("LANG", ZH)
        .args(["workflow", "--format", "sarif"])
        .arg(&wf)
        .output()
        .expect("run");
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif json");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let rule = rules
        .iter()
        .find(|r| r["id"] == "reference-uppercase")
        .expect("rule reference-uppercase");
    assert_eq!(rule["shortDescription"]["text"], "镜像名称含有大写字母");
    assert!(han().is_match(rule["fullDescription"]["text"].as_str().unwrap_or_default()));
    let out = ghcr_doctor(home.path())
        .env("LANG", ZH)
        .args(["workflow", "--format", "markdown"])
        .arg(&wf)
        .output()
        .expect("run");
    let md = stdout(&out);
    assert!(md.contains("| 状态 | 检查 |"), "{md}");
    assert!(md.contains("如何修复"), "{md}");
    assert!(md.contains("reference-uppercase"), "{md}");
}

#[test]
fn the_flag_wins_over_the_locale_and_lc_all_over_lang() {
    let home = tempfile::tempdir().expect("tempdir");
    let summary = |env: &[(&str, &str)], flag: Option<&str>| {
        let mut cmd = ghcr_doctor(home.path());
        cmd.args(["ref", "ghcr.io/acme/app:1"]);
        if let Some(lang) = flag {
            cmd.args(["--lang", lang]);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = stdout(&cmd.output().expect("run"));
        out.lines().last().unwrap_or_default().to_owned()
    };
    let en = "0 failed, 0 warnings, 1 passed, 0 notes, 0 skipped";
    let zh = "0 项失败，0 项警告，1 项通过，0 项说明，0 项跳过";
    assert_eq!(summary(&[], None), en);
    assert_eq!(summary(&[("LANG", ZH)], None), zh);
    assert_eq!(summary(&[("LANG", ZH)], Some("en")), en);
    assert_eq!(summary(&[], Some("zh-CN")), zh);
    assert_eq!(
        summary(&[("LC_ALL", "en_US.UTF-8"), ("LANG", ZH)], None),
        en
    );
    assert_eq!(
        summary(&[("LC_ALL", ZH), ("LANG", "en_US.UTF-8")], None),
        zh
    );
    assert_eq!(
        summary(
            &[("LC_MESSAGES", "zh_SG.UTF-8"), ("LANG", "en_US.UTF-8")],
            None
        ),
        zh
    );
    assert_eq!(
        summary(&[("GHCR_DOCTOR_LANG", "zh"), ("LANG", "en_US.UTF-8")], None),
        zh
    );
    assert_eq!(summary(&[("GHCR_DOCTOR_LANG", "zh")], Some("en")), en);
    assert_eq!(summary(&[("LANG", "zh_TW.UTF-8")], None), en);
    assert_eq!(
        summary(
            &[("LANG", "zh_TW.UTF-8"), ("LANGUAGE", "zh_TW:zh_CN")],
            None
        ),
        zh
    );
    assert_eq!(summary(&[("LANG", "C"), ("LANGUAGE", "zh_CN")], None), en);
    assert_eq!(summary(&[("LANG", "fr_FR.UTF-8")], None), en);
}

/// The caret under a mark that follows Chinese text (two columns per character) stays under
/// the marked characters.
#[test]
fn the_caret_stays_under_the_mark_after_chinese_text() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = workflow_dir();
    let out = ghcr_doctor(home.path())
        .current_dir(dir.path())
        .env("LANG", ZH)
        .args(["workflow", "release.yml"])
        .output()
        .expect("run");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("✗ reference-uppercase"))
        .unwrap_or_else(|| panic!("no finding: {text}"));
    assert_eq!(
        lines[at..at + 4].join("\n"),
        "  ✗ reference-uppercase [jobs.build] release.yml:17:41: 镜像名称 `ghcr.io/MyOrg/app:latest` 含有大写字母；仓库名称必须是小写 (reference-uppercase)
      17 |         run: echo \"推送镜像\" && docker push ghcr.io/MyOrg/app:latest
         |                                             ^^^^^^^^^^^^^^^^^^^^^^^^
      修复：将镜像名称写成小写：`ghcr.io/myorg/app:latest`。"
    );
    // The caret starts at the display column of the mark: every CJK character counts two.
    let source = lines[at + 1];
    let caret = lines[at + 2];
    let mark = source.find("ghcr.io/MyOrg").expect("mark");
    let width: usize = source[..mark]
        .chars()
        .map(|c| if han().is_match(&c.to_string()) { 2 } else { 1 })
        .sum();
    assert_eq!(caret.find('^'), Some(width), "{text}");
}

/// The harness runs the binary in a scrubbed environment, so the developer's locale never
/// changes a test.
#[test]
fn the_harness_scrubs_the_locale() {
    let home = tempfile::tempdir().expect("tempdir");
    let cmd = ghcr_doctor(home.path());
    let names: Vec<String> = cmd
        .get_envs()
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .collect();
    for var in ["LC_ALL", "LC_MESSAGES", "LANGUAGE", "GHCR_DOCTOR_LANG"] {
        assert!(
            !names.iter().any(|n| n == var),
            "{var} is passed to the binary"
        );
    }
    let lang = cmd
        .get_envs()
        .find(|(k, _)| *k == "LANG")
        .and_then(|(_, v)| v)
        .map(|v| v.to_string_lossy().into_owned());
    assert_eq!(lang.as_deref(), Some("C.UTF-8"));
}

/// The sample sessions in `README.md` and `README.zh-CN.md` are what the tool prints.
#[test]
fn the_readme_samples_are_real_output() {
    let home = tempfile::tempdir().expect("tempdir");
    for (file, lang) in [("README.md", "C.UTF-8"), ("README.zh-CN.md", ZH)] {
        let text = std::fs::read_to_string(crate::support::root().join(file)).expect("readme");
        let start = text
            .find("<!-- sample -->\n```console\n")
            .expect("sample start")
            + "<!-- sample -->\n```console\n".len();
        let end = start
            + text[start..]
                .find("```\n<!-- /sample -->")
                .expect("sample end");
        let mut sessions: Vec<(String, String)> = Vec::new();
        for line in text[start..end].lines() {
            if let Some(command) = line.strip_prefix("$ ") {
                sessions.push((command.to_owned(), String::new()));
            } else if let Some((_, out)) = sessions.last_mut() {
                out.push_str(line);
                out.push('\n');
            }
        }
        assert!(!sessions.is_empty(), "{file}: no sample");
        for (command, expected) in sessions {
            let (input, invocation) = match command.split_once(" | ") {
                Some((echo, rest)) => {
                    let quoted = echo.trim_start_matches("echo ").trim_matches('\'');
                    (Some(format!("{quoted}\n")), rest.to_owned())
                }
                None => (None, command.clone()),
            };
            let args: Vec<&str> = invocation.split_whitespace().skip(1).collect();
            let mut cmd = ghcr_doctor(home.path());
            cmd.args(&args).env("LANG", lang);
            let out = match input {
                Some(input) => run_with_stdin(&mut cmd, input.as_bytes()),
                None => cmd.output().expect("run"),
            };
            assert_eq!(
                stdout(&out).trim_end(),
                expected.trim_end(),
                "{file}: `{command}`"
            );
        }
    }
}

/// `--help` follows the language too; clap's own words in English stay English.
#[test]
fn the_help_is_in_the_chosen_language() {
    let home = tempfile::tempdir().expect("tempdir");
    let help = |env: &[(&str, &str)], args: &[&str]| {
        let mut cmd = ghcr_doctor(home.path());
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        stdout(&out)
    };
    let zh = help(&[("LANG", ZH)], &["check", "--help"]);
    assert!(zh.contains("用法：ghcr-doctor check"), "{zh}");
    assert!(zh.contains("--pull-only  跳过推送探测"), "{zh}");
    assert!(zh.contains("网络:"), "{zh}");
    let flag = help(&[], &["--lang", "zh-CN", "--help"]);
    assert!(
        flag.contains("找出 CI 作业无法向 ghcr.io 推送或从中拉取的原因"),
        "{flag}"
    );
    assert!(flag.contains("命令:"), "{flag}");
    let en = help(&[("LANG", ZH)], &["--lang=en", "check", "--help"]);
    assert!(en.contains("Usage: ghcr-doctor check"), "{en}");
    assert!(en.contains("Skip the push probe"), "{en}");
    assert!(!han().is_match(&en), "{en}");
}
