//! The same log, decorated: every development excerpt of the real-log corpus
//! (`tests/data/explain/real/dev/`) is dressed in each frame real logs arrive in (a runner's
//! timestamps, colours, CRLF, BuildKit's progress prefix, indentation, Markdown quoting, HTML
//! entities, service and event-table prefixes, JSON escaping, hard wrapping), and `explain`'s
//! first cause on the decorated log must be its first cause on the plain one; a negative must
//! stay silent. The share of excerpts that read the same (the invariance) is recorded per
//! decoration in `docs/decorations.toml`; the test fails when a decoration falls below its
//! figure or when decorated negatives raise more findings than recorded there (none, unless
//! a figure says otherwise), and writes which decoration broke which excerpt to
//! `target/explain-accuracy/decorations.txt`.
//!
//! Only the development part is decorated: the held-out parts are never read here.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ghcr_doctor::explain;
use serde::Deserialize;

use super::corpus;
use crate::support::root;

/// One decoration: how a tool, a page or a terminal frames a whole excerpt.
struct Decoration {
    /// The id recorded in `docs/decorations.toml`.
    id: &'static str,
    apply: fn(&str) -> String,
}

/// Applies `f(index, line)` to every line of `text`; the empty piece after a final newline
/// stays empty.
fn each_line(text: &str, f: impl Fn(usize, &str) -> String) -> String {
    let pieces: Vec<&str> = text.split('\n').collect();
    let last = pieces.len() - 1;
    pieces
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if i == last && line.is_empty() {
                String::new()
            } else {
                f(i, line)
            }
        })
        .collect::<Vec<String>>()
        .join("\n")
}

/// A GitHub Actions runner's timestamp on every line.
fn timestamps(text: &str) -> String {
    each_line(text, |i, l| {
        format!(
            "2024-05-01T12:{:02}:{:02}.{:07}Z {l}",
            i / 60 % 60,
            i % 60,
            i * 1_234_567 % 10_000_000
        )
    })
}

/// Each non-empty line in a colour, reset at its end (a tool that colours its errors).
fn colour_lines(text: &str) -> String {
    each_line(text, |i, l| {
        if l.is_empty() {
            String::new()
        } else {
            let colour = [31, 33, 36][i % 3];
            format!("\x1b[{colour};1m{l}\x1b[0m")
        }
    })
}

/// Colours inside the line: a word that ends with `:` (a level, a code word, a tool's name)
/// in bold red, a URL underlined, as terminals show docker's and BuildKit's errors.
fn colour_words_with(text: &str, esc: &str) -> String {
    each_line(text, |_, l| {
        l.split(' ')
            .map(|w| {
                if w.len() > 1 && w.ends_with(':') {
                    format!("{esc}[1;31m{w}{esc}[0m")
                } else if w.starts_with("http") || w.starts_with("\"http") {
                    format!("{esc}[4m{w}{esc}[24m")
                } else {
                    w.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn colour_words(text: &str) -> String {
    colour_words_with(text, "\x1b")
}

/// Colours whose escape character a page dropped (`[31mERROR[0m`), as pasted logs show them.
fn colour_remnants(text: &str) -> String {
    let words = colour_words_with(text, "");
    each_line(&words, |_, l| {
        if l.is_empty() {
            String::new()
        } else {
            format!("[36m{l}[0m")
        }
    })
}

fn crlf(text: &str) -> String {
    each_line(text, |_, l| format!("{l}\r"))
}

/// BuildKit's plain progress: the step number and the seconds since it started.
fn buildkit(text: &str) -> String {
    each_line(text, |i, l| {
        format!("#12 {}.{:03} {l}", i / 10, i % 10 * 100 + 7)
    })
}

fn indent_tab(text: &str) -> String {
    each_line(text, |_, l| format!("\t{l}"))
}

fn indent_spaces(text: &str) -> String {
    each_line(text, |_, l| format!("    {l}"))
}

/// A log quoted in an issue or a mail.
fn markdown_quote(text: &str) -> String {
    each_line(text, |_, l| {
        if l.is_empty() {
            ">".to_owned()
        } else {
            format!("> {l}")
        }
    })
}

/// A log's lines listed as bullets in an issue.
fn markdown_bullets(text: &str) -> String {
    each_line(text, |_, l| {
        if l.trim().is_empty() {
            l.to_owned()
        } else {
            format!("- {l}")
        }
    })
}

/// A forum page's HTML escaping, as copied from its source.
fn html_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `docker compose` output: the service name and a bar before every line.
fn compose(text: &str) -> String {
    each_line(text, |_, l| format!("app-1  | {l}"))
}

/// Jenkins with the Timestamper plugin.
fn jenkins(text: &str) -> String {
    each_line(text, |i, l| {
        format!("[2024-05-01T12:34:{:02}.{:03}Z] {l}", i % 60, i % 1000)
    })
}

/// A GitLab job log as the runner stores it: a section opened before the output and closed
/// after it, and the runner's timestamp with the stream and line marker (`00O`) on every
/// line.
fn gitlab(text: &str) -> String {
    let body = each_line(text, |i, l| {
        format!(
            "2024-05-01T12:34:{:02}.{:06}Z 00O {l}",
            i % 60,
            i * 7919 % 1_000_000
        )
    });
    format!(
        "section_start:1714566896:step_script\r\x1b[0K{body}\nsection_end:1714566897:step_script\r\x1b[0K\n"
    )
}

/// `kubectl describe`'s event table: every line a `Warning` event from the kubelet.
fn kubernetes_events(text: &str) -> String {
    let rows = each_line(text, |i, l| {
        if l.trim().is_empty() {
            l.to_owned()
        } else {
            format!(
                "  Warning  Failed     {}s (x3 over 2m)  kubelet  {l}",
                10 + i
            )
        }
    });
    format!(
        "Events:\n  Type     Reason     Age                From     Message\n  ----     ------     ----               ----     -------\n{rows}"
    )
}

/// The body of a JSON string: `"`, `\` and control characters escaped.
fn json_escape(s: &str) -> String {
    serde_json::to_string(s)
        .map(|q| q[1..q.len() - 1].to_owned())
        .unwrap_or_default()
}

/// Docker's `json-file` log driver: one JSON record per line.
fn json_lines(text: &str) -> String {
    each_line(text, |i, l| {
        format!(
            "{{\"log\":\"{}\\n\",\"stream\":\"stderr\",\"time\":\"2024-05-01T12:34:{:02}.{:09}Z\"}}",
            json_escape(l),
            i % 60,
            i * 1_000_003 % 1_000_000_000
        )
    })
}

/// The whole excerpt inside one JSON string (an API's or a bot's answer), on one line.
fn json_string(text: &str) -> String {
    format!(
        "{{\"id\":4242,\"status\":\"failed\",\"message\":\"{}\"}}\n",
        json_escape(text)
    )
}

/// A terminal that breaks every line at `width` characters, mid-word.
fn wrap_hard(text: &str, width: usize) -> String {
    each_line(text, |_, l| {
        let chars: Vec<char> = l.chars().collect();
        if chars.len() <= width {
            return l.to_owned();
        }
        chars
            .chunks(width)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// A page or a mail that wraps every line at `width` characters between words (a word
/// longer than the width is cut), dropping the space at the break.
fn wrap_words(text: &str, width: usize) -> String {
    each_line(text, |_, l| {
        let mut out: Vec<String> = Vec::new();
        let mut rest: Vec<char> = l.chars().collect();
        while rest.len() > width {
            let cut = rest[..=width]
                .iter()
                .rposition(|c| *c == ' ')
                .filter(|p| *p > 0);
            match cut {
                Some(p) => {
                    out.push(rest[..p].iter().collect());
                    rest = rest[p + 1..].to_vec();
                }
                None => {
                    out.push(rest[..width].iter().collect());
                    rest = rest[width..].to_vec();
                }
            }
        }
        out.push(rest.into_iter().collect());
        out.join("\n")
    })
}

const DECORATIONS: &[Decoration] = &[
    Decoration {
        id: "actions-timestamps",
        apply: timestamps,
    },
    Decoration {
        id: "ansi-lines",
        apply: colour_lines,
    },
    Decoration {
        id: "ansi-words",
        apply: colour_words,
    },
    Decoration {
        id: "ansi-remnants",
        apply: colour_remnants,
    },
    Decoration {
        id: "crlf",
        apply: crlf,
    },
    Decoration {
        id: "buildkit-progress",
        apply: buildkit,
    },
    Decoration {
        id: "indent-tab",
        apply: indent_tab,
    },
    Decoration {
        id: "indent-spaces",
        apply: indent_spaces,
    },
    Decoration {
        id: "markdown-quote",
        apply: markdown_quote,
    },
    Decoration {
        id: "markdown-bullets",
        apply: markdown_bullets,
    },
    Decoration {
        id: "html-entities",
        apply: html_entities,
    },
    Decoration {
        id: "compose-service",
        apply: compose,
    },
    Decoration {
        id: "jenkins-timestamps",
        apply: jenkins,
    },
    Decoration {
        id: "gitlab-sections",
        apply: gitlab,
    },
    Decoration {
        id: "kubernetes-events",
        apply: kubernetes_events,
    },
    Decoration {
        id: "json-lines",
        apply: json_lines,
    },
    Decoration {
        id: "json-string",
        apply: json_string,
    },
    Decoration {
        id: "wrap-hard-80",
        apply: |t| wrap_hard(t, 80),
    },
    Decoration {
        id: "wrap-hard-120",
        apply: |t| wrap_hard(t, 120),
    },
    Decoration {
        id: "wrap-words-80",
        apply: |t| wrap_words(t, 80),
    },
    Decoration {
        id: "wrap-words-120",
        apply: |t| wrap_words(t, 120),
    },
];

/// One decoration's recorded figure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Figure {
    /// Excerpts whose first cause (or silence) the decoration left as it was, in percent,
    /// one decimal.
    invariance: f64,
    /// Development negatives that raise a finding once decorated (none, unless recorded).
    #[serde(default)]
    false_alarms: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Figures {
    date: String,
    cases: usize,
    decoration: BTreeMap<String, Figure>,
}

fn first_cause(log: &str) -> Option<String> {
    explain::scan(log.as_bytes())
        .expect("scan from memory")
        .explanations
        .first()
        .map(|e| e.cause.clone())
}

/// What one decoration did to the excerpts.
#[derive(Default)]
struct Outcome {
    same: usize,
    /// Excerpts whose first cause changed: file, plain cause, decorated cause.
    changed: Vec<(String, Option<String>, Option<String>)>,
    /// Negatives that raised a finding once decorated.
    false_alarms: Vec<String>,
}

#[test]
fn decorated_excerpts_read_as_the_plain_ones() {
    let real = corpus::real();
    let manifest = corpus::manifest("dev").expect("the development part is present");
    let figures_path = root().join("docs/decorations.toml");
    let figures: Figures = toml::from_str(
        &std::fs::read_to_string(&figures_path).expect("docs/decorations.toml exists"),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", figures_path.display()));
    assert!(!figures.date.is_empty());

    let excerpts: Vec<(String, bool, String, Option<String>)> = manifest
        .case
        .iter()
        .map(|c| {
            let bytes = std::fs::read(real.join("dev").join(&c.file)).expect("excerpt");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let plain = first_cause(&text);
            (c.file.clone(), c.cause == "none", text, plain)
        })
        .collect();
    assert_eq!(
        excerpts.len(),
        figures.cases,
        "docs/decorations.toml: cases"
    );

    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let handles: Vec<_> = DECORATIONS
            .iter()
            .map(|d| {
                let excerpts = &excerpts;
                scope.spawn(move || {
                    let mut o = Outcome::default();
                    for (file, negative, text, plain) in excerpts {
                        let decorated = first_cause(&(d.apply)(text));
                        if *negative && plain.is_none() && decorated.is_some() {
                            o.false_alarms.push(file.clone());
                        }
                        if decorated == *plain {
                            o.same += 1;
                        } else {
                            o.changed.push((file.clone(), plain.clone(), decorated));
                        }
                    }
                    o
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("decoration thread"))
            .collect()
    });

    let mut report = String::new();
    let mut failures = Vec::new();
    for (d, o) in DECORATIONS.iter().zip(&outcomes) {
        let share = (o.same as f64) * 100.0 / (excerpts.len() as f64);
        let rounded = (share * 10.0).round() / 10.0;
        let _ = writeln!(
            report,
            "{}: {}/{} read the same ({rounded:.1} %), {} false alarms",
            d.id,
            o.same,
            excerpts.len(),
            o.false_alarms.len()
        );
        for (file, plain, decorated) in &o.changed {
            let _ = writeln!(
                report,
                "  changed: {file}: plain {}, decorated {}",
                plain.as_deref().unwrap_or("none"),
                decorated.as_deref().unwrap_or("none")
            );
        }
        match figures.decoration.get(d.id) {
            None => failures.push(format!("{}: no figure in docs/decorations.toml", d.id)),
            Some(f) if rounded + 1e-9 < f.invariance => failures.push(format!(
                "{}: invariance {share:.1} % is below the recorded {:.1} %",
                d.id, f.invariance
            )),
            Some(_) => {}
        }
        let allowed = figures.decoration.get(d.id).map_or(0, |f| f.false_alarms);
        if o.false_alarms.len() > allowed {
            failures.push(format!(
                "{}: decorated negatives raised findings: {:?}",
                d.id, o.false_alarms
            ));
        }
    }
    for id in figures.decoration.keys() {
        if !DECORATIONS.iter().any(|d| d.id == id) {
            failures.push(format!("docs/decorations.toml: unknown decoration {id}"));
        }
    }
    let dir = root().join("target/explain-accuracy");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("decorations.txt"), &report);
    }
    assert!(failures.is_empty(), "{}\n{report}", failures.join("\n"));
}

#[test]
fn decorations_frame_the_text_they_are_given() {
    let long = "word ".repeat(30);
    let log = format!("Error: denied: \"x\" <y> & 'z'\nsecond line {long}\n");
    let log = log.as_str();
    // Every decoration keeps the words of every line (the frame is around or between them).
    for d in DECORATIONS {
        let out = (d.apply)(log);
        assert_ne!(out, log, "{} changed nothing", d.id);
        assert!(out.contains("second"), "{}: {out:?}", d.id);
    }
    assert_eq!(
        html_entities("Error: denied: \"x\" <y> & 'z'"),
        "Error: denied: &quot;x&quot; &lt;y&gt; &amp; &#39;z&#39;"
    );
    assert_eq!(wrap_hard("abcdef", 4), "abcd\nef");
    assert_eq!(wrap_words("ab cd ef", 5), "ab cd\nef");
    assert_eq!(wrap_words("abcdefgh ij", 5), "abcde\nfgh\nij");
    assert_eq!(
        json_string("a \"b\"\nc"),
        "{\"id\":4242,\"status\":\"failed\",\"message\":\"a \\\"b\\\"\\nc\"}\n"
    );
}

/// A finding points at the log's own line, whatever frame the message came in: the first line
/// of a message a page broke, the line of a JSON string that carried the whole log.
#[test]
fn findings_point_at_the_logs_own_lines() {
    let plain = "Step 1/3 : FROM alpine\nThe push refers to repository [docker.io/octocat/app]\nunauthorized: incorrect username or password\n";
    let first = |log: &str| {
        let scan = explain::scan(log.as_bytes()).expect("scan from memory");
        let e = scan.explanations.first().expect("a finding");
        (e.cause.clone(), e.line)
    };
    let (cause, line) = first(plain);
    assert_eq!(line, 3);
    let wrapped = wrap_words(&format!("{}{plain}", "x\n".repeat(5)), 30);
    let (wrapped_cause, wrapped_line) = first(&wrapped);
    assert_eq!(wrapped_cause, cause);
    // `unauthorized: incorrect username or password` starts on the log's line 9 (five lines
    // before, the step's one, the push's two) and goes on on line 10.
    assert_eq!(wrapped_line, 9);
    assert_eq!(
        wrapped.lines().nth(wrapped_line - 1),
        Some("unauthorized: incorrect"),
        "{wrapped}"
    );
    assert_eq!(first(&json_string(plain)), (cause.clone(), 1));
    assert_eq!(first(&json_lines(plain)), (cause.clone(), 3));
    assert_eq!(first(&kubernetes_events(plain)), (cause, 6));
}
