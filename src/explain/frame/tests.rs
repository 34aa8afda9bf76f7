use super::*;

fn plain(raw: &[u8]) -> String {
    String::from_utf8_lossy(unframe(raw).message()).into_owned()
}

/// Every logical line of `log`: (at, line, text).
fn lines(log: &[u8]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for_each_line(
        log,
        |_, _, _| false,
        |at, line, text, _| {
            out.push((at, line, String::from_utf8_lossy(text).into_owned()));
        },
    )
    .expect("in-memory read");
    out
}

const MESSAGE: &str = "Error: denied: requested access to the resource is denied";

#[test]
fn runner_timestamps_come_off_with_what_follows_them() {
    assert_eq!(
        plain(format!("2024-05-01T12:34:56.1234567Z {MESSAGE}").as_bytes()),
        MESSAGE
    );
    // GitLab's runner: the stream and line marker after the timestamp.
    assert_eq!(
        plain(format!("2024-05-01T12:34:56.123456Z 00O {MESSAGE}").as_bytes()),
        MESSAGE
    );
    assert_eq!(
        plain(format!("2024-05-01T12:34:56.123456Z 01E+ {MESSAGE}").as_bytes()),
        MESSAGE
    );
    // The container runtime's log files.
    assert_eq!(
        plain(format!("2024-05-01T12:34:56.123456789Z stderr F {MESSAGE}").as_bytes()),
        MESSAGE
    );
    // Jenkins' Timestamper.
    assert_eq!(
        plain(format!("[2024-05-01T12:34:56.789Z] {MESSAGE}").as_bytes()),
        MESSAGE
    );
    assert_eq!(plain(format!("[12:34:56] {MESSAGE}").as_bytes()), MESSAGE);
    // A bracket that is not a time stays.
    assert_eq!(plain(b"[Pipeline] sh"), "[Pipeline] sh");
    assert_eq!(plain(b"[build 4/9] RUN make"), "[build 4/9] RUN make");
}

#[test]
fn colours_come_off_with_or_without_their_escape() {
    assert_eq!(
        plain(b"\x1b[31;1mError:\x1b[0m denied: \x1b[4mhttps://ghcr.io\x1b[24m"),
        "Error: denied: https://ghcr.io"
    );
    assert_eq!(plain(b"[36m[1;31mError:[0m denied[0m"), "Error: denied");
    assert_eq!(plain(b"[0K[36;1mPulling[0;m"), "Pulling");
    // Brackets that are not colours stay.
    assert_eq!(plain(b"x[1] = [m, n]"), "x[1] = [m, n]");
}

#[test]
fn page_and_quote_frames_come_off() {
    assert_eq!(plain(format!("> {MESSAGE}").as_bytes()), MESSAGE);
    assert_eq!(plain(format!("> > {MESSAGE}").as_bytes()), MESSAGE);
    assert_eq!(plain(b">"), "");
    assert_eq!(plain(format!("- {MESSAGE}").as_bytes()), MESSAGE);
    assert_eq!(plain(format!("\t  {MESSAGE}").as_bytes()), MESSAGE);
    // A prompt without a space is the prompt, and a separator line is not a bullet.
    assert_eq!(plain(b">docker push app"), ">docker push app");
    assert_eq!(plain(b"- - -"), "- - -");
    assert_eq!(plain(b"---"), "---");
    assert_eq!(
        plain(b"Get &quot;https://ghcr.io/v2/&quot;: x509: &lt;nil&gt; &amp;&#39;&#x27;&amp;quot;"),
        "Get \"https://ghcr.io/v2/\": x509: <nil> &''\""
    );
    // An ampersand that starts no reference stays.
    assert_eq!(plain(b"a && b &c; &"), "a && b &c; &");
}

#[test]
fn tool_prefixes_come_off() {
    assert_eq!(plain(format!("#12 0.123 {MESSAGE}").as_bytes()), MESSAGE);
    assert_eq!(plain(format!("#5 12.50 {MESSAGE}").as_bytes()), MESSAGE);
    // BuildKit's own words keep their step.
    assert_eq!(plain(b"#12 ERROR: denied"), "#12 ERROR: denied");
    assert_eq!(
        plain(b"#8 [build 4/6] RUN npm ci"),
        "#8 [build 4/6] RUN npm ci"
    );
    assert_eq!(plain(format!("app-1  | {MESSAGE}").as_bytes()), MESSAGE);
    assert_eq!(plain(format!("web_1     | {MESSAGE}").as_bytes()), MESSAGE);
    assert_eq!(plain(b"app-1  |"), "");
    assert_eq!(
        plain(
            b"  Warning  Failed     12s (x3 over 2m)  kubelet  Failed to pull image \"ghcr.io/o/a\""
        ),
        "Failed to pull image \"ghcr.io/o/a\""
    );
    assert_eq!(
        plain(b"  Warning  Failed  3m2s  kubelet, ip-10-0-1-2.ec2.internal  Error: ErrImagePull"),
        "Error: ErrImagePull"
    );
    assert_eq!(
        plain(b"12s   Warning   Failed   pod/app-7d9   Failed to pull image \"x\""),
        "Failed to pull image \"x\""
    );
    assert_eq!(plain(b"Warning: the tag is old"), "Warning: the tag is old");
    assert_eq!(
        plain(b"section_start:1714566896:step_script\r\x1b[0KPulling"),
        "Pulling"
    );
    assert_eq!(plain(b"section_end:1714566897:step_script\r\x1b[0K"), "");
    // A shell's trace and a prompt mean a new command; they stay.
    assert_eq!(plain(b"+ docker push app"), "+ docker push app");
    assert_eq!(plain(b"$ docker push app"), "$ docker push app");
}

#[test]
fn frames_nest() {
    assert_eq!(
        plain(
            format!("> 2024-05-01T12:34:56.1234567Z #12 0.123 \x1b[31m{MESSAGE}\x1b[0m").as_bytes()
        ),
        MESSAGE
    );
}

#[test]
fn escaped_quotes_are_decoded_once() {
    assert_eq!(
        plain(br#"Error: Get \"https://ghcr.io/v2/\": denied \\\"x\\\""#),
        r#"Error: Get "https://ghcr.io/v2/": denied \"x\""#
    );
    // Without an escaped quote the line is as printed (podman's joined `\n` errors).
    assert_eq!(plain(br"errors:\ndenied: x"), r"errors:\ndenied: x");
}

#[test]
fn a_json_record_is_read_as_its_text_on_its_own_lines() {
    let log = b"{\"log\":\"Error: denied\\u001b[0m\\n\",\"stream\":\"stderr\",\"time\":\"2024-05-01T12:34:56Z\"}\nnext\n{\"id\":1,\"message\":\"one\\n\\\"two\\\"\\nthree\\n\"}\n";
    assert_eq!(
        lines(log),
        vec![
            (1, 1, "Error: denied".to_owned()),
            (2, 2, "next".to_owned()),
            (3, 3, "one".to_owned()),
            (4, 3, "\"two\"".to_owned()),
            (5, 3, "three".to_owned()),
        ]
    );
    // A registry's error body and an API's one-line answer keep their words.
    let body =
        br#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#;
    assert_eq!(lines(body)[0].2, String::from_utf8_lossy(body));
    let api =
        br#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#;
    assert_eq!(lines(api)[0].2, String::from_utf8_lossy(api));
    // A structured log's record is its message.
    assert_eq!(
        lines(br#"{"level":"error","msg":"denied: denied","time":"2024-05-01T12:00:00Z"}"#)[0].2,
        "denied: denied"
    );
}

#[test]
fn crlf_and_line_numbers_stay() {
    assert_eq!(
        lines(b"a\r\n\r\nb\r\n"),
        vec![
            (1, 1, "a".to_owned()),
            (2, 2, String::new()),
            (3, 3, "b".to_owned())
        ]
    );
}

/// Every logical line of `log`, with `literal` as the only message a join may reveal.
fn joined(log: &str, literal: &'static str) -> Vec<(usize, usize, String)> {
    let straddles = |text: &[u8], from: usize, to: usize| {
        let text = String::from_utf8_lossy(text);
        text.match_indices(literal)
            .any(|(at, m)| at < from && at + m.len() > to)
    };
    let mut out = Vec::new();
    for_each_line(log.as_bytes(), straddles, |at, line, text, _| {
        out.push((at, line, String::from_utf8_lossy(text).into_owned()));
    })
    .expect("in-memory read");
    out
}

#[test]
fn a_message_broken_between_words_is_read_whole_on_its_first_line() {
    let log = "Error response from daemon: Get https://ghcr.io/v2/o/app/manifests/1: denied: requested\naccess to the resource is denied\nnext\n";
    assert_eq!(
        joined(log, "requested access"),
        vec![
            (
                1,
                1,
                "Error response from daemon: Get https://ghcr.io/v2/o/app/manifests/1: denied: requested access to the resource is denied".to_owned()
            ),
            (2, 3, "next".to_owned()),
        ]
    );
    // Without a message across the break, the lines stay apart.
    assert_eq!(joined(log, "no such literal").len(), 3);
    // A short line is never joined, nor a next line a tool stamped as its own.
    assert_eq!(
        joined("denied: requested\naccess\n", "requested access").len(),
        2
    );
    let stamped = "Error response from daemon: Get https://ghcr.io/v2/: denied: requested\n2024-05-01T12:34:56.1234567Z access to the resource is denied\n";
    assert_eq!(joined(stamped, "requested access").len(), 2);
}

#[test]
fn a_line_as_wide_as_a_terminal_goes_on_in_the_next() {
    let first = format!(
        "Get https://registry.example/v2/: x509: certificate signed by unknown aut{}",
        ""
    );
    let first = format!("{first:<80}").trim_end().to_owned();
    assert!(first.len() < 80);
    let wide = format!("{}{}", "x".repeat(80 - first.len()), first);
    assert_eq!(wide.chars().count(), 80);
    let log = format!("{wide}\nhority\nnext\n");
    let lines = joined(&log, "no such literal");
    assert_eq!(lines.len(), 2);
    assert!(lines[0].2.ends_with("unknown authority"), "{lines:?}");
    assert_eq!(lines[1], (2, 3, "next".to_owned()));
    // At the end of a sentence or a bracket, or before a capital, the line is whole.
    let closed = format!("{}]\nname unknown: no such repository\n", "x".repeat(79));
    assert_eq!(joined(&closed, "no such literal").len(), 2);
    let capital = format!("{}\nError: denied\n", "x".repeat(80));
    assert_eq!(joined(&capital, "no such literal").len(), 2);
}

#[test]
fn a_line_a_page_broke_between_words_goes_on_in_the_next() {
    // Wrapped at 80: the first line could not take `certificate`.
    let first = "Error response from daemon: Get https://r.example/v2/: x509: failed to verify";
    assert!(first.len() <= 80 && first.len() + 1 + "certificate".len() > 80);
    let log = format!("{first}\ncertificate signed by unknown authority\nnext\n");
    let lines = joined(&log, "no such literal");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0]
            .2
            .ends_with("verify certificate signed by unknown authority")
    );
    assert_eq!(lines[1], (2, 3, "next".to_owned()));
    // A next line that starts a message of its own, or a first line that ends a sentence,
    // stays apart.
    let own = format!("{first}\ndenied: requested access to the resource is denied\n");
    assert_eq!(joined(&own, "no such literal").len(), 2);
    let ended = format!(
        "{}.\ncertificate signed by unknown authority\n",
        &first[..first.len() - 1]
    );
    assert_eq!(joined(&ended, "no such literal").len(), 2);
    // A line far shorter than any width the next word would overflow is whole.
    let short = "Error response from daemon: x509: failed";
    let log = format!("{short}\ncertificate signed by unknown authority\n");
    assert_eq!(joined(&log, "no such literal").len(), 2);
}

#[test]
fn a_terminal_break_inside_a_url_or_before_a_port_goes_on() {
    let url = format!("{}/v2/o/app", "x".repeat(75));
    assert_eq!(&url[80..81], "/");
    let log = format!("{}\n{}: 403\n", &url[..80], &url[80..]);
    assert_eq!(
        joined(&log, "no such literal"),
        vec![(1, 1, format!("{url}: 403"))]
    );
    let host = format!("{}192.168.99.101:", "x".repeat(65));
    assert_eq!(host.len(), 80);
    let log = format!("{host}\n2376: connectex: refused\n");
    assert_eq!(joined(&log, "no such literal").len(), 1);
    // A colon before a word ends a head: the next line is a message of its own.
    let log = format!("{}:\nname unknown: repository\n", "x".repeat(131));
    assert_eq!(joined(&log, "no such literal").len(), 2);
}

#[test]
fn a_page_moves_a_long_url_to_the_next_line_whole() {
    let first = "(HTTP code 401) unexpected - {\"message\":\"Get";
    let url = "https://registry-1.docker.io/v2/library/jenkins/manifests/latest: unauthorized:";
    let log = format!("{first}\n{url}\nincorrect username or password\"}}\n");
    let lines = joined(&log, "no such literal");
    assert_eq!(
        lines,
        vec![(
            1,
            1,
            format!("{first} {url} incorrect username or password\"}}")
        )]
    );
    // A long word that is no URL does not make a short line a broken one.
    let log = "time=\"2020-06-18T10:55:10+08:00\" level=debug msg=\"Calling ECR\" registry=1\ntime=\"2020-06-18T10:55:11+08:00\" level=error msg=\"failed\"\n";
    assert_eq!(joined(log, "no such literal").len(), 2);
}

#[test]
fn a_structured_logs_record_is_a_line_of_its_own() {
    let wide = format!(
        "Error response from daemon: {}: no basic auth credentials",
        "x".repeat(77)
    );
    assert_eq!(wide.len(), 132);
    let log = format!("{wide}\ntime=\"2024-01-01T00:00:00Z\" level=error msg=\"x\"\n");
    assert_eq!(joined(&log, "no such literal").len(), 2);
    assert!(starts_record(b"level=error msg=x"));
    assert!(!starts_record(b"mage=mcr.microsoft.com"));
}

#[test]
fn a_layers_progress_bar_is_a_line_of_its_own() {
    // 95 characters, as wide as a page that wraps at 100 leaves a line: still drawn whole.
    let bar = "fb395f539ec6: Extracting [==>                                                ]  28.41MB/521.3MB";
    let log = format!("{bar}\nunexpected EOF\n");
    assert_eq!(
        joined_by_catalog(&log),
        vec![bar.to_owned(), "unexpected EOF".to_owned()]
    );
    assert!(is_layer_progress(
        b"2c7a9be0e2c1: Downloading [=>   ]  1.2MB/30MB"
    ));
    assert!(!is_layer_progress(b"2c7a9be0e2c1: Pull complete"));
    assert!(!is_layer_progress(b"Extracting [==>   ]"));
}

/// Every logical line of `log`, a join looked at with the catalog's literals.
fn joined_by_catalog(log: &str) -> Vec<String> {
    let m = crate::explain::matcher::Matcher::get().expect("catalog compiles");
    let mut out = Vec::new();
    for_each_line(
        log.as_bytes(),
        |text: &[u8], from, to| m.straddles(text, from, to),
        |_, _, text, _| out.push(String::from_utf8_lossy(text).into_owned()),
    )
    .expect("in-memory read");
    out
}

#[test]
fn the_catalogs_literals_join_a_wrapped_message_and_nothing_else() {
    // A message a page broke between two of its words is read whole.
    let log = "Error response from daemon: Get https://ghcr.io/v2/o/app/manifests/1: denied: requested\naccess to the resource is denied\nnext\n";
    assert_eq!(joined_by_catalog(log).len(), 2, "{log}");
    // Lines of a build's output, each of 40 characters or more, none of them framed by a
    // tool: each stays a line of its own.
    let log = "cp: cannot stat 'dist/extra': No such file or directory\ntest registry::tests::unauthorized_returns_401 ... ok\nnpm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.\n   Compiling serde_json v1.0.128\nwarning: unused variable: `denied` in src/registry/client.rs\n";
    assert_eq!(joined_by_catalog(log).len(), 5);
}

#[test]
fn a_page_breaks_right_after_a_url_wider_than_itself() {
    let first = "failed to copy: httpReadSeeker: failed open: content at";
    let url = format!(
        "https://ghcr.io/v2/octo-org/some-application/manifests/sha256:{}",
        "a1".repeat(32)
    );
    assert!(url.len() > 120);
    let log = format!("{first}\n{url}\nnot found: not found\n");
    assert_eq!(
        joined(&log, "no such literal"),
        vec![(1, 1, format!("{first} {url} not found: not found"))]
    );
    // A wide URL on a line of its own from the start is the tool's line: the next stays apart.
    let log = format!("{url}\nnot found: not found\n");
    assert_eq!(joined(&log, "no such literal").len(), 2);
}

#[test]
fn a_run_link_comes_off_whether_the_line_came_with_a_bracket_or_a_decode_made_one() {
    let link = "[50](https://github.com/o/r/runs/1?check_suite_focus=true#step:3:50)";
    assert_eq!(
        plain(format!("unexpected status: {link}3 Service Unavailable").as_bytes()),
        "unexpected status: 503 Service Unavailable"
    );
    // A JSON string's escapes decoded: the bracket was `\u005b` in the line.
    assert_eq!(
        plain(br#"msg: \"x\" unexpected status: \u005b50](https://github.com/o/r/runs/1#step:3:50)3 Service Unavailable"#),
        r#"msg: "x" unexpected status: 503 Service Unavailable"#
    );
    // No bracket, no escape, no entity: the line is the message.
    assert_eq!(
        plain(b"see https://github.com/o/r/runs/1#step:3:50 for the step"),
        "see https://github.com/o/r/runs/1#step:3:50 for the step"
    );
}

#[test]
fn the_first_byte_names_every_peel_that_may_cut() {
    // One line each peel cuts, in the order of `PEELS`; with its first byte replaced by each
    // byte, a peel that still cuts must be among those the byte names.
    let cut: [&[u8]; 9] = [
        b"  denied",
        b"2024-05-01T12:34:56.1234567Z denied",
        b"[12:34:56] denied",
        b"> denied",
        b"- denied",
        b"#12 0.512 denied",
        b"app-1  | denied",
        b"Warning  Failed  12s (x3 over 2m)  kubelet  denied",
        b"section_start:1714566896:step_script\rdenied",
    ];
    for (i, line) in cut.iter().enumerate() {
        let (peel, _) = PEELS[i];
        assert!(peel(line).is_some_and(|n| n > 0), "{i}");
        assert!(peels_for(line[0]) & (1 << i) != 0, "{i}");
        for first in 0..=u8::MAX {
            let mut other = line.to_vec();
            other[0] = first;
            if peel(&other).is_some_and(|n| n > 0) {
                assert!(peels_for(first) & (1 << i) != 0, "{i} {first}");
            }
        }
    }
    // The other columns of an event table, and a timestamp the service bar would take.
    for line in [
        &b"12s  Warning  Failed  pod/app  denied"[..],
        b"<unknown>  Normal  Pulled  pod/app  x",
    ] {
        let (peel, _) = PEELS[7];
        assert!(peel(line).is_some_and(|n| n > 0));
        assert!(peels_for(line[0]) & (1 << 7) != 0);
    }
    assert_eq!(peels_for(b'!'), 0);
    assert_eq!(peels_for(0xe2), 0);
}

#[test]
fn a_line_may_hold_a_bracket_only_where_one_came_or_the_text_changed() {
    assert!(!unframe(b"npm WARN deprecated inflight@1.0.6").bracket);
    assert!(unframe(b"see [12](https://github.com/o/r/runs/9#step:4:12)").bracket);
    // A decoded escape may make one (`\u005b`): the decoded text is looked at.
    assert!(unframe(b"msg=\\\"\\u005b12](https://x/r/runs/9#step:4:12)\\\"").bracket);
    // A run link a terminal broke at 80 columns: the bracket came on the first line only.
    let head = "[50](https://github.com/o/r/runs/9#st";
    let pad = "x".repeat(80 - head.len());
    let log = format!("{pad}{head}\nep:3:50)3 Service Unavailable\n");
    let out = lines(log.as_bytes());
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].2, format!("{pad}503 Service Unavailable"));
}

#[test]
fn one_pass_marks_what_the_searches_found() {
    // Every byte alone, at every position of lines of several lengths (the vector loop and
    // its tail): the marks are what a search for each byte finds.
    for len in [0, 1, 7, 15, 16, 17, 31, 32, 33, 64, 100] {
        for at in 0..len {
            for b in 0..=u8::MAX {
                let mut line = vec![b'x'; len];
                line[at] = b;
                let has = |c: u8| memchr::memchr(c, &line).is_some();
                let want = u8::from(has(0x1b))
                    | (u8::from(has(b'\\')) << 1)
                    | (u8::from(!line.is_ascii()) << 2)
                    | (u8::from(has(b'[')) << 3)
                    | (u8::from(has(b'&')) << 4)
                    | (u8::from(has(b'|')) << 5);
                assert_eq!(marks(&line), want, "{len} {at} {b}");
            }
        }
    }
    assert_eq!(marks(b""), 0);
    assert_eq!(
        marks(b"\x1b[31mx\\\"\xc3\xa9"),
        ESCAPE | BRACKET | BACKSLASH | NON_ASCII
    );
    assert_eq!(marks(b"a &amp; b | c"), AMPERSAND | BAR);
    assert!(unframe(b"plain text").ascii);
    assert!(!unframe("caf\u{e9}".as_bytes()).ascii);
    // A decode may make a byte outside ASCII: the changed text is not taken as ASCII.
    assert!(!unframe(b"x &#233; y").ascii);
    assert_eq!(unframe("caf\u{e9} \u{2014} x".as_bytes()).width(), 8);
}

#[test]
fn marks_reads_the_last_block_of_any_length() {
    // A byte of each mark alone at each place of lines around the block's width.
    for len in 0..80 {
        for at in 0..len {
            for b in [0x1b, b'[', b'&', b'|', b'\\', 0x80, 0xff, b'x'] {
                let mut line = vec![b' '; len];
                line[at] = b;
                let want = match b {
                    0x1b => ESCAPE,
                    b'[' => BRACKET,
                    b'&' => AMPERSAND,
                    b'|' => BAR,
                    b'\\' => BACKSLASH,
                    b'x' => 0,
                    _ => NON_ASCII,
                };
                assert_eq!(marks(&line), want, "{len} {at} {b}");
            }
        }
    }
}

#[test]
fn a_line_without_a_bar_is_peeled_alike_without_the_service_bar() {
    let lines: [&[u8]; 14] = [
        b"app-1  | denied: requested access to the resource is denied",
        b"app-1  |",
        b"2024-05-01T10:00:00.1234567Z web_1  | unauthorized: authentication required",
        b"   Compiling serde_json v1.0.128",
        b"Downloading https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
        b"npm WARN deprecated inflight@1.0.6: This module is not supported",
        b"Warning  Failed  12s (x3 over 2m)  kubelet  Failed to pull image",
        b"12s  Warning  Failed  pod/app  Back-off pulling image",
        b"section_start:1714566896:step_script\r> - #12 0.123 denied",
        b"> * [12:34:56] app  x",
        b"ok  \tgithub.com/octo-org/app/internal/store\t0.412s",
        b"#12 3.214 added 812 packages",
        b"",
        b"a",
    ];
    for line in lines {
        let no_bar: Vec<u8> = line
            .iter()
            .map(|&c| if c == b'|' { b'!' } else { c })
            .collect();
        for text in [line, &no_bar[..]] {
            let all = peeled(text, ALL_PEELS);
            if !text.contains(&b'|') {
                assert_eq!(peeled(text, !SERVICE_BAR), all, "{text:?}");
                assert_eq!(service_bar(text), None, "{text:?}");
            }
            assert_eq!(unframe(text).start, all.0, "{text:?}");
            assert_eq!(unframe(text).tool_frame, all.1, "{text:?}");
        }
    }
    assert_eq!(peeled(b"app-1  | denied", ALL_PEELS), (9, true));
    assert_eq!(unframe(b"app-1  | denied").message(), b"denied");
}
