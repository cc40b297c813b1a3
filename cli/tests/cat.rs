//! `ssewire cat`, run as a program.

mod common;

use common::{run, stderr, stdout, BIN};
use serde_json::{json, Value};
use ssewire::{Config, Event, Handler, Parser, StreamEnd};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// What the library makes of a stream, as the protocol's JSON lines.
fn library_lines(stream: &[u8], comments: bool) -> Vec<Value> {
    struct Lines(Vec<Value>);
    impl Handler for Lines {
        fn event(&mut self, e: Event<'_>) {
            self.0.push(
                json!({"type": e.event_type_lossy(), "data": e.data_lossy(), "id": e.id_lossy()}),
            );
        }
        fn retry(&mut self, ms: u64) {
            self.0.push(json!({ "retry": ms }));
        }
        fn comment(&mut self, text: &[u8], _: bool) {
            self.0
                .push(json!({"comment": String::from_utf8_lossy(text)}));
        }
        fn error(&mut self, error: ssewire::Error) {
            panic!("no fixture breaks a limit: {error}");
        }
    }
    let mut parser = Parser::with_config(Vec::new(), Config::new().comments(comments));
    let mut lines = Lines(Vec::new());
    parser.feed_all(stream, &mut lines);
    let end = match parser.finish() {
        StreamEnd::Clean => "clean",
        _ => "incomplete",
    };
    let id = String::from_utf8_lossy(parser.last_event_id()).into_owned();
    lines.0.push(json!({"end": end, "last_event_id": id}));
    lines.0
}

fn parse_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

#[test]
fn the_bundled_sample_gives_the_librarys_events() {
    let output = run(&["cat", "examples/data/chat.sse"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stream = std::fs::read(common::root().join("examples/data/chat.sse")).expect("sample");
    let lines = parse_lines(&stdout(&output));
    assert_eq!(lines, library_lines(&stream, false));
    assert_eq!(lines.len(), 16, "a retry, 14 events, the end");
}

#[test]
fn every_fixture_gives_the_librarys_events_and_its_end_as_status() {
    for (name, path) in common::cases() {
        let stream = std::fs::read(&path).expect("fixture");
        let path = path.to_string_lossy().into_owned();
        let output = run(&["cat", "--comments", &path], b"");
        let expected = library_lines(&stream, true);
        assert_eq!(parse_lines(&stdout(&output)), expected, "{name}");
        let clean = expected.last().is_some_and(|end| end["end"] == "clean");
        assert_eq!(
            output.status.code(),
            Some(if clean { 0 } else { 1 }),
            "{name}"
        );
    }
}

#[test]
fn stdin_is_the_same_as_a_file() {
    let stream = b"retry: 10\r\ndata: a\r\rdata: b\n";
    let output = run(&["cat", "-"], stream);
    assert_eq!(parse_lines(&stdout(&output)), library_lines(stream, false));
    assert_eq!(
        output.status.code(),
        Some(1),
        "the last event has no blank line"
    );
}

/// Reads one line from the child's stdout within two seconds.
fn next_line(lines: &mpsc::Receiver<String>) -> String {
    lines
        .recv_timeout(Duration::from_secs(2))
        .expect("a line before the stream ends")
}

#[test]
fn a_live_stream_is_printed_event_by_event() {
    let mut child = Command::new(BIN)
        .args(["cat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("ssewire starts");
    let mut input = child.stdin.take().expect("stdin");
    let output = child.stdout.take().expect("stdout");
    let (send, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(output).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    // Each event must come out while the stream is still open.
    input.write_all(b"data: one\n\nda").expect("write");
    input.flush().expect("flush");
    assert_eq!(
        next_line(&lines),
        r#"{"type": "message", "data": "one", "id": ""}"#
    );
    input.write_all(b"ta: two\r").expect("write");
    input.flush().expect("flush");
    input.write_all(b"\n\r\n").expect("write");
    input.flush().expect("flush");
    assert_eq!(
        next_line(&lines),
        r#"{"type": "message", "data": "two", "id": ""}"#
    );
    drop(input);
    assert_eq!(
        next_line(&lines),
        r#"{"end": "clean", "last_event_id": ""}"#
    );
    assert_eq!(child.wait().expect("exit").code(), Some(0));
    reader.join().expect("reader");
}

#[test]
fn until_data_stops_after_its_event_without_waiting_for_the_end() {
    let mut child = Command::new(BIN)
        .args(["cat", "--until-data", "[DONE]"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("ssewire starts");
    let mut input = child.stdin.take().expect("stdin");
    // The stream stays open: only the event can stop the command.
    input
        .write_all(b"data: a\n\ndata: [DONE]\n\ndata: after\n\n")
        .expect("write");
    input.flush().expect("flush");
    let (send, done) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(child.wait_with_output());
    });
    let output = done
        .recv_timeout(Duration::from_secs(5))
        .expect("ssewire stops on its own")
        .expect("output");
    drop(input);
    assert_eq!(output.status.code(), Some(0));
    let lines = parse_lines(&String::from_utf8_lossy(&output.stdout));
    assert_eq!(
        lines,
        [
            json!({"type": "message", "data": "a", "id": ""}),
            json!({"type": "message", "data": "[DONE]", "id": ""}),
        ],
        "no end line: the stream was left, not ended"
    );
}

#[test]
fn limits_and_strict_utf8_drop_the_event_and_exit_4() {
    let stream = b"data: 0123456789\n\ndata: ok\n\n";
    let output = run(&["cat", "--max-event-size", "8"], stream);
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr(&output).contains("limit of 8 bytes"),
        "{}",
        stderr(&output)
    );
    let lines = parse_lines(&stdout(&output));
    assert_eq!(lines[0], json!({"type": "message", "data": "ok", "id": ""}));

    let output = run(&["cat", "--strict-utf8"], b"data: \xFF\n\ndata: ok\n\n");
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr(&output).contains("invalid UTF-8"),
        "{}",
        stderr(&output)
    );
    assert_eq!(parse_lines(&stdout(&output)).len(), 2, "ok and the end");
}

/// An ID is part of an event: by default it may be as long as one (the spec
/// and browsers set no bound); --max-id-size bounds it, and an event over it
/// is dropped with status 4, as --help says.
#[test]
fn a_long_id_is_bounded_by_the_event_limit_unless_max_id_size_says() {
    let id = "7".repeat(5000);
    let stream = format!("id: {id}\ndata: a\n\ndata: b\n\n");
    let output = run(&["cat"], stream.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = parse_lines(&stdout(&output));
    assert_eq!(lines[0], json!({"type": "message", "data": "a", "id": id}));
    assert_eq!(lines[2]["last_event_id"], json!(id));

    let output = run(&["cat", "--max-id-size", "1K"], stream.as_bytes());
    assert_eq!(output.status.code(), Some(4));
    let message = stderr(&output);
    assert!(
        message.contains("event ID exceeds the limit of 1024 bytes"),
        "{message}"
    );
    let lines = parse_lines(&stdout(&output));
    assert_eq!(
        lines,
        [
            json!({"type": "message", "data": "b", "id": ""}),
            json!({"end": "clean", "last_event_id": ""})
        ]
    );

    let help = run(&["cat", "--help"], b"");
    let help = stdout(&help);
    assert!(help.contains("--max-id-size <SIZE>"), "{help}");
    assert!(
        help.contains("4  an event broke --max-event-size, --max-id-size"),
        "{help}"
    );
}

#[test]
fn bad_inputs_name_the_thing_and_have_their_own_status() {
    let cases: [(&[&str], i32, &str); 6] = [
        (
            &["cat", "no/such/file.sse"],
            3,
            "no/such/file.sse: no such file",
        ),
        (
            &["cat", "spec-fixtures"],
            3,
            "spec-fixtures: is a directory",
        ),
        (
            &[
                "cat",
                "-X",
                "POST",
                "-H",
                "A: b",
                "-d",
                "@no-such-body",
                "--no-reconnect",
                // The body is read before any connection: nothing is contacted.
                "http://127.0.0.1:9/",
            ],
            3,
            "no-such-body: no such file",
        ),
        (&["cat", "--max-event-size", "lots"], 2, "not a size"),
        (
            &["cat", "-H", "no colon", "https://x.invalid/"],
            2,
            "is not `Name: value`",
        ),
        (&["cat", "a", "b"], 2, "unexpected argument"),
    ];
    for (args, status, message) in cases {
        let output = run(args, b"");
        assert_eq!(output.status.code(), Some(status), "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("panicked"), "{args:?}");
    }
}

#[test]
fn every_subcommand_has_help() {
    for (command, words) in [
        ("cat", ["--comments", "--until-data", "--no-reconnect"]),
        ("lint", ["--json", "no-final-blank-line", "event-too-large"]),
        ("conform", ["--only", "--comments", "--timeout"]),
    ] {
        let output = run(&[command, "--help"], b"");
        assert_eq!(output.status.code(), Some(0), "{command}");
        let text = stdout(&output);
        for word in words {
            assert!(text.contains(word), "{command} --help lacks {word}");
        }
        assert!(
            text.contains("Exit status"),
            "{command} --help lacks exit statuses"
        );
    }
}

#[test]
fn a_reader_that_leaves_ends_it_quietly() {
    let path = std::env::temp_dir().join(format!("ssewire-cat-{}.sse", std::process::id()));
    std::fs::write(&path, b"data: event\n\n".repeat(200_000)).expect("temp file");
    let mut child = Command::new(BIN)
        .arg("cat")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssewire starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("a line");
    // The reader is dropped here, as `| head -1` would leave.
    let output = child.wait_with_output().expect("exit");
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        first,
        "{\"type\": \"message\", \"data\": \"event\", \"id\": \"\"}\n"
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), "");
}

/// On a terminal (a pseudo-terminal from util-linux `script`): the readable
/// form, coloured unless `NO_COLOR` is set. Skipped where `script` is missing.
#[cfg(target_os = "linux")]
#[test]
fn a_terminal_gets_the_readable_form() {
    let command = format!("'{BIN}' cat --comments examples/data/chat.sse");
    let on_terminal = |no_color: Option<&str>| {
        let mut script = Command::new("script");
        script
            .args(["-qec", &command, "/dev/null"])
            .current_dir(common::root());
        match no_color {
            Some(value) => script.env("NO_COLOR", value),
            None => script.env_remove("NO_COLOR"),
        };
        script
            .output()
            .ok()
            .filter(|out| out.status.code() == Some(0))
    };
    let Some(plain) = on_terminal(Some("1")) else {
        eprintln!("skipped: no util-linux `script` to make a terminal");
        return;
    };
    let plain = String::from_utf8_lossy(&plain.stdout).replace("\r\n", "\n");
    assert!(plain.contains("retry 3000 ms\n"), "{plain}");
    assert!(
        plain.contains("message  id \"12\"\n  [DONE]\nend: clean  last id \"12\"\n"),
        "{plain}"
    );
    assert!(!plain.contains('\x1b'), "NO_COLOR: no escapes");
    let coloured = on_terminal(None).expect("the same run, coloured");
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\x1b[32mend: clean\x1b[0m"));
}
