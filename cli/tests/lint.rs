//! `ssewire lint`, run as a program: each rule on a stream written for it,
//! and the well-formed fixtures clean.

mod common;

use common::{run, stderr, stdout};
use serde_json::Value;

/// `(rule, line, column, severity)` of a finding.
type Found = (String, u64, u64, String);

/// Every finding, from `--json`, and the exit status.
fn findings(args: &[&str], stream: &[u8]) -> (Vec<Found>, Option<i32>) {
    let mut all = vec!["lint", "--json"];
    all.extend_from_slice(args);
    let output = run(&all, stream);
    let found = stdout(&output)
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("a JSON line");
            (
                v["rule"].as_str().expect("rule").to_string(),
                v["line"].as_u64().expect("line"),
                v["column"].as_u64().expect("column"),
                v["severity"].as_str().expect("severity").to_string(),
            )
        })
        .collect();
    (found, output.status.code())
}

fn one(rule: &str, line: u64, column: u64, severity: &str) -> Vec<Found> {
    vec![(rule.to_string(), line, column, severity.to_string())]
}

#[test]
fn each_rule_on_a_stream_written_for_it() {
    let e = "error";
    let w = "warning";
    let cases: Vec<(&str, &[u8], Vec<Found>)> = vec![
        (
            "no final blank line",
            b"data: a\n\ndata: b\n",
            one("no-final-blank-line", 3, 1, e),
        ),
        (
            "unterminated last line",
            b"data: a\n\ndata: b",
            one("no-final-blank-line", 3, 8, e),
        ),
        (
            "mixed line ends",
            b"data: a\n\ndata: b\r\n\r\n",
            one("mixed-line-ends", 3, 8, w),
        ),
        ("CR only", b"data: a\r\r", one("cr-line-end", 1, 8, w)),
        (
            "leading space",
            b" data: a\ndata: b\n\n",
            one("field-name-space", 1, 1, e),
        ),
        (
            "other case",
            b"data: a\nData: b\n\n",
            one("field-name-case", 2, 1, e),
        ),
        (
            "unknown field",
            b"id: 1\nfoo: b\ndata: a\n\n",
            one("unknown-field", 2, 1, w),
        ),
        (
            // better-sse writes multi-line data so: the spec ignores both
            // later lines (`line two` is an unknown field, `line three` one
            // without a value), and the data is `tick 3` alone.
            "data continued without data:",
            b"data:tick 3\nline two: 3\nline three\n\n",
            vec![
                ("data-continuation".into(), 2, 1, e.into()),
                ("data-continuation".into(), 3, 1, e.into()),
            ],
        ),
        (
            "an unknown field after a comment after data",
            b"data: a\n: note\nfoo: b\n\n",
            one("unknown-field", 3, 1, w),
        ),
        (
            "invalid retry",
            b"retry: 10s\n\n",
            one("invalid-retry", 1, 8, e),
        ),
        ("empty retry", b"retry:\n\n", one("invalid-retry", 1, 7, e)),
        (
            "retry alone",
            b"data: a\n\nretry\n\n",
            one("invalid-retry", 3, 6, e),
        ),
        (
            "retry over u64",
            b"retry: 18446744073709551616\n\n",
            one("invalid-retry", 1, 8, e),
        ),
        (
            "id with NUL",
            b"id: a\0b\ndata: x\n\n",
            one("id-with-nul", 1, 6, e),
        ),
        (
            "no data",
            b"event: ping\n\ndata: a\n\n",
            one("no-data", 1, 1, w),
        ),
        (
            "BOM mid-stream",
            b"data: a\n\n\xEF\xBB\xBFdata: b\n\n",
            one("bom-not-at-start", 3, 1, e),
        ),
        (
            "BOM in a value",
            b"data: a\xEF\xBB\xBF\n\n",
            one("bom-not-at-start", 1, 8, e),
        ),
        (
            "invalid UTF-8",
            b"data: caf\xC3(\n\n",
            one("invalid-utf8", 1, 10, e),
        ),
        (
            "UTF-8 cut by a line end",
            b"data: \xE2\x82\n\n",
            one("invalid-utf8", 1, 7, e),
        ),
        (
            "surrogate",
            b"data: \xED\xA0\x80\n\n",
            one("invalid-utf8", 1, 7, e),
        ),
    ];
    for (what, stream, expected) in cases {
        let (found, status) = findings(&[], stream);
        assert_eq!(found, expected, "{what}");
        let errors = expected.iter().any(|f| f.3 == "error");
        assert_eq!(status, Some(i32::from(errors)), "{what}: exit status");
    }
}

#[test]
fn sizes_are_rules_too() {
    let long = [b"data: ".as_slice(), &[b'x'; 100], b"\n\n"].concat();
    let (found, status) = findings(&["--max-line-size", "64"], &long);
    assert_eq!(found, one("line-too-long", 1, 65, "warning"));
    assert_eq!(status, Some(0), "a warning only");
    let event = b"data: 0123456789\ndata: 0123456789\n\ndata: small\n\n";
    let (found, status) = findings(&["--max-event-size", "30"], event);
    assert_eq!(found, one("event-too-large", 1, 1, "error"));
    assert_eq!(status, Some(1));
}

#[test]
fn a_stream_of_megabytes_on_stdin_is_read_in_chunks() {
    // A 3 MiB line through stdin: reported, never buffered whole (the
    // checker keeps 256 bytes of a line; 16 KiB reads).
    let mut stream = b"data: ".to_vec();
    stream.resize(3 << 20, b'y');
    stream.extend_from_slice(b"\n\n\xEF\xBB\xBF\n");
    let (found, _) = findings(&["-"], &stream);
    assert_eq!(
        found,
        [
            ("line-too-long".to_string(), 1, 65537, "warning".to_string()),
            ("bom-not-at-start".to_string(), 3, 1, "error".to_string()),
        ]
    );
}

#[test]
fn human_output_names_the_place_and_shows_the_line() {
    let output = run(&["lint", "-"], b"data: a\nData: b\n\n");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "<stdin>:2:1: error[field-name-case]: field name \"Data\" is not \"data\": \
         names are case-sensitive, clients ignore this line\n  | Data: b\n  | ^\n\
         <stdin>: 1 error, 0 warnings\n"
    );
    // Control bytes are escaped and the caret stays under its byte.
    let output = run(&["lint"], b"id: \t\0x\ndata: a\n\n");
    let text = stdout(&output);
    assert!(text.contains("  | id: \\t\\0x\n  |       ^\n"), "{text}");
    // A well-formed stream says nothing.
    let output = run(&["lint", "examples/data/chat.sse"], b"");
    assert_eq!(
        (output.status.code(), stdout(&output)),
        (Some(0), String::new())
    );
}

/// The fixtures a good server could have written: the real-world captures
/// (but the dropped connection) and a few from other folders.
const WELL_FORMED: [&str; 5] = [
    "end-of-stream/clean-after-blank",
    "comments/between-data-lines",
    "data/multi-line",
    "line-ends/crlf-only",
    "retry/basic",
];

#[test]
fn well_formed_fixtures_lint_clean() {
    let mut checked = 0;
    for (name, path) in common::cases() {
        let chosen = name.starts_with("real-world/") || WELL_FORMED.contains(&name.as_str());
        if !chosen || name == "real-world/openai-chat-dropped-connection" {
            continue;
        }
        let path = path.to_string_lossy().into_owned();
        // One capture is a 1 MiB event on one line, on purpose.
        let output = run(&["lint", "--max-line-size", "2M", &path], b"");
        assert_eq!(
            (output.status.code(), stdout(&output)),
            (Some(0), String::new()),
            "{name}: {}",
            stderr(&output)
        );
        checked += 1;
    }
    assert_eq!(checked, 21 + WELL_FORMED.len(), "every chosen case exists");
    let (found, _) = findings(
        &["spec-fixtures/real-world/openai-chat-dropped-connection.sse"],
        b"",
    );
    assert_eq!(found, one("no-final-blank-line", 9, 47, "error"));
}

#[test]
fn bad_inputs() {
    // A port nothing listens on (on 127.0.0.1: tests contact no other host).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    drop(listener);
    let refused = format!("{url}: connection refused");
    for (args, status, message) in [
        (["lint", "nope.sse"], 3, "nope.sse: no such file"),
        (["lint", "cli"], 3, "cli: is a directory"),
        (["lint", url.as_str()], 5, refused.as_str()),
    ] {
        let output = run(&args, b"");
        assert_eq!(output.status.code(), Some(status), "{args:?}");
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
    }
}

/// Two rules against an oracle over the whole suite: `no-final-blank-line`
/// exactly where the case's expected end is `incomplete`, and
/// `invalid-utf8` exactly where the stream (after a leading BOM) is not UTF-8.
#[test]
fn the_suite_agrees_with_two_rules() {
    for (name, path) in common::cases() {
        let stream = std::fs::read(&path).expect("fixture");
        let json = std::fs::read_to_string(path.with_extension("json")).expect("fixture");
        let expected: Value = serde_json::from_str(&json).expect("fixture JSON");
        let path = path.to_string_lossy().into_owned();
        let (found, _) = findings(&["--max-line-size", "2M", &path], b"");
        let has = |rule: &str| found.iter().any(|f| f.0 == rule);
        assert_eq!(
            has("no-final-blank-line"),
            expected["end"] == "incomplete",
            "{name}: {found:?}"
        );
        let text = stream.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&stream);
        assert_eq!(
            has("invalid-utf8"),
            std::str::from_utf8(text).is_err(),
            "{name}: {found:?}"
        );
    }
}
