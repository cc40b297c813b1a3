//! `ssewire conform`, run as a program, against `ssewire cat` and against
//! programs that get things wrong.

mod common;

use common::{run, stderr, stdout, BIN};
use serde_json::{json, Value};
use ssewire::{Event, Handler, Parser, StreamEnd};
use std::collections::BTreeSet;

#[test]
fn ssewire_cat_passes_every_case() {
    let output = run(&["conform", "--comments", "--", BIN, "cat"], b"");
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.ends_with("329 passed, 0 failed\n"), "{text}");
    assert!(!text.contains("not reported"), "cat prints the end line");
}

/// The failing cases named in the table.
fn failed(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("FAIL  "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// What a case's `.json` expects, as the library computes it on `stream`.
fn meaning(stream: &[u8]) -> Value {
    struct Seen(Vec<Value>, Vec<u64>);
    impl Handler for Seen {
        fn event(&mut self, e: Event<'_>) {
            self.0.push(
                json!({"type": e.event_type_lossy(), "data": e.data_lossy(), "id": e.id_lossy()}),
            );
        }
        fn retry(&mut self, ms: u64) {
            self.1.push(ms);
        }
        fn error(&mut self, error: ssewire::Error) {
            panic!("{error}");
        }
    }
    let mut parser = Parser::new(Vec::new());
    let mut seen = Seen(Vec::new(), Vec::new());
    parser.feed_all(stream, &mut seen);
    let end = match parser.finish() {
        StreamEnd::Clean => "clean",
        _ => "incomplete",
    };
    json!({
        "events": seen.0,
        "retries": seen.1,
        "last_event_id": String::from_utf8_lossy(parser.last_event_id()),
        "end": end,
    })
}

/// A parser that drops every CR before parsing (so lone-CR line ends are
/// lost) fails exactly the cases where that changes the meaning.
#[cfg(unix)]
#[test]
fn a_broken_parser_fails_exactly_the_cases_it_should() {
    let script = format!("tr -d '\\r' | '{BIN}' cat \"$@\"");
    let output = run(&["conform", "--", "sh", "-c", &script, "sh"], b"");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));

    let mut expected = BTreeSet::new();
    for (name, path) in common::cases() {
        let stream = std::fs::read(&path).expect("fixture");
        let json = std::fs::read_to_string(path.with_extension("json")).expect("fixture");
        let mut want: Value = serde_json::from_str(&json).expect("fixture JSON");
        let want = want.as_object_mut().expect("an object");
        want.remove("description");
        want.remove("comments");
        let without_cr: Vec<u8> = stream.into_iter().filter(|&b| b != b'\r').collect();
        if meaning(&without_cr) != Value::Object(want.clone()) {
            expected.insert(name);
        }
    }
    assert!(expected.len() > 10, "the bug shows in many cases");
    assert!(expected.contains("line-ends/cr-only"), "{expected:?}");
    assert_eq!(failed(&stdout(&output)), expected);
}

#[cfg(unix)]
#[test]
fn crashes_and_hangs_fail_their_cases() {
    let output = run(
        &["conform", "--only", "retry/", "--", "sh", "-c", "exit 3"],
        b"",
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(text.ends_with("0 passed, 40 failed\n"), "{text}");
    assert!(text.contains("program failed: exit status: 3"), "{text}");

    let only = [
        "conform",
        "--timeout",
        "0.3",
        "--only",
        "data/multi-line",
        "--",
    ];
    let output = run(&[&only[..], &["sleep", "5"]].concat(), b"");
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(text.contains("timed out after 300ms"), "{text}");

    let output = run(&["conform", "--", "sh", "-c", "echo '{not json'"], b"");
    assert!(stdout(&output).contains("not JSON"), "{}", stdout(&output));
}

#[test]
fn only_picks_cases() {
    let output = run(
        &[
            "conform",
            "-v",
            "--only",
            "bom/no-bom",
            "--only",
            "retry/basic",
            "--",
            BIN,
            "cat",
        ],
        b"",
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.starts_with("running 2 cases"), "{text}");
    assert!(text.contains("pass  bom/no-bom"), "{text}");
}

#[test]
fn bad_invocations_have_their_own_status() {
    let output = run(&["conform", "--", "no-such-program-here"], b"");
    assert_eq!(output.status.code(), Some(6));
    assert!(
        stderr(&output).contains("cannot start no-such-program-here"),
        "{}",
        stderr(&output)
    );

    let output = run(&["conform", "--fixtures", "nowhere", "--", BIN, "cat"], b"");
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("nowhere: not a directory"));

    let output = run(
        &["conform", "--only", "no-such-case", "--", BIN, "cat"],
        b"",
    );
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("no case found"));

    let output = run(&["conform"], b"");
    assert_eq!(output.status.code(), Some(2));
}
