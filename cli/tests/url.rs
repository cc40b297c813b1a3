//! `ssewire cat URL`, run as a program against the scripted loopback server
//! of client-tests (axum on 127.0.0.1, an ephemeral port). The server's
//! `retry: 50` keeps reconnections short; every run is killed after a
//! deadline.

mod common;

use std::io::Read;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use ssewire_client_tests::{event, raw, retry, serve, status, Answer, Part, Server};

const DEADLINE: Duration = Duration::from_secs(20);

/// A runtime serving `script`; keep it for as long as the server is needed.
fn serving(script: Vec<Answer>) -> (tokio::runtime::Runtime, Server) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let server = runtime.block_on(serve(script));
    (runtime, server)
}

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }
}

/// Runs `ssewire ARGS` with stdout a pipe (JSON lines) and no proxy; fails
/// the test if it runs past the deadline.
fn run(args: &[&str]) -> Ran {
    let mut child = common::ssewire(args)
        .stdin(Stdio::null())
        .spawn()
        .expect("ssewire starts");
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = read(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = read(child.stderr.take().map(|p| Box::new(p) as _));
    let code = wait(&mut child, args);
    Ran {
        code,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// The exit code; kills the command and fails the test past the deadline.
fn wait(child: &mut Child, args: &[&str]) -> Option<i32> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ssewire {args:?} still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `ssewire cat URL --until-data '[DONE]'`, which must succeed.
fn until_done(server: &Server) -> Ran {
    let ran = run(&["cat", &server.url, "--until-data", "[DONE]"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    ran
}

fn message(data: &str, id: &str) -> Value {
    json!({"type": "message", "data": data, "id": id})
}

#[test]
fn reconnects_with_the_last_event_id_and_prints_every_event_once() {
    let (_runtime, server) = serving(vec![
        // Ends inside an event: the body is over, the event is cut.
        Answer::Stream(vec![
            retry(50),
            event("a", Some("1")),
            event("b", Some("2")),
            raw("data: cu"),
        ]),
        // Dropped inside an event: the connection breaks.
        Answer::Stream(vec![event("c", Some("3")), raw("data: x"), Part::Abort]),
        Answer::Stream(vec![
            event("[DONE]", Some("4")),
            event("after the end", Some("5")),
        ]),
    ]);
    let ran = until_done(&server);
    assert_eq!(
        ran.lines(),
        [
            json!({"retry": 50}),
            message("a", "1"),
            message("b", "2"),
            message("c", "3"),
            message("[DONE]", "4"),
        ],
        "no end line: the stream was left, not ended"
    );
    assert_eq!(
        server.last_event_ids(),
        [None, Some("2".into()), Some("3".into())]
    );
    let reports: Vec<_> = ran.stderr.lines().collect();
    assert_eq!(reports.len(), 2, "one line per reconnection: {reports:?}");
    assert!(
        reports[0].starts_with("ssewire: reconnecting in ")
            && reports[0].ends_with("ms (stream ended inside an event; its 8 bytes were dropped)"),
        "{}",
        reports[0]
    );
    assert!(
        reports[1].starts_with("ssewire: reconnecting in ")
            && reports[1].contains("ms (connection broke: "),
        "{}",
        reports[1]
    );
}

#[test]
fn a_post_carries_the_body_from_a_file_and_the_headers() {
    let (_runtime, server) = serving(vec![Answer::Stream(vec![event("[DONE]", None)])]);
    let file = std::env::temp_dir().join(format!("ssewire-url-{}.json", std::process::id()));
    std::fs::write(&file, "{\"prompt\": \"hi\"}\n").expect("write the body");
    let data = format!("@{}", file.display());
    let ran = run(&[
        "cat",
        &server.url,
        "-d",
        &data,
        "-H",
        "Content-Type: application/json",
        "-H",
        "Authorization:  Bearer t0k3n ",
        "--until-data",
        "[DONE]",
    ]);
    let _ = std::fs::remove_file(&file);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(ran.lines(), [message("[DONE]", "")]);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST", "-d without -X posts");
    assert_eq!(request.body, "{\"prompt\": \"hi\"}\n");
    let header = |name: &str| -> Vec<&str> {
        let found = request.headers.iter().filter(|(n, _)| n == name);
        found.map(|(_, value)| value.as_str()).collect()
    };
    assert_eq!(header("content-type"), ["application/json"]);
    assert_eq!(header("authorization"), ["Bearer t0k3n"]);
    assert_eq!(header("accept"), ["text/event-stream"]);
    assert_eq!(header("cache-control"), ["no-cache"]);
    assert_eq!(header("last-event-id"), Vec::<&str>::new());
}

#[test]
fn the_method_the_accept_header_and_a_seeded_last_event_id_are_the_users() {
    let (_runtime, server) = serving(vec![Answer::Stream(vec![event("x", Some("8"))])]);
    let ran = run(&[
        "cat",
        &server.url,
        "-X",
        "PUT",
        "-d",
        "plain",
        "-H",
        "Accept: text/event-stream, */*",
        "-H",
        "Last-Event-ID: 7",
        "--no-reconnect",
    ]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let request = &server.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.body.as_str()),
        ("PUT", "plain")
    );
    assert_eq!(request.last_event_id.as_deref(), Some("7"));
    let accept: Vec<_> = request
        .headers
        .iter()
        .filter(|(n, _)| n == "accept")
        .collect();
    assert_eq!(accept.len(), 1, "{accept:?}");
    assert_eq!(accept[0].1, "text/event-stream, */*");
}

#[test]
fn no_reconnect_ends_with_the_first_connection() {
    let cases = [
        (vec![event("a", Some("1"))], 0, "clean", ""),
        (
            vec![event("a", Some("1")), raw("data: cut")],
            1,
            "incomplete",
            "",
        ),
        (
            vec![event("a", Some("1")), raw("data: x"), Part::Abort],
            1,
            "incomplete",
            "connection broke: ",
        ),
    ];
    for (parts, code, end, report) in cases {
        let (_runtime, server) = serving(vec![Answer::Stream(parts)]);
        let ran = run(&["cat", &server.url, "--no-reconnect"]);
        assert_eq!(ran.code, Some(code), "{end}: {}", ran.stderr);
        assert_eq!(
            ran.lines(),
            [message("a", "1"), json!({"end": end, "last_event_id": "1"})]
        );
        assert_eq!(server.requests().len(), 1);
        if report.is_empty() {
            assert_eq!(ran.stderr, "");
        } else {
            let report = format!("ssewire: {}: {report}", server.url);
            assert!(ran.stderr.starts_with(&report), "{}", ran.stderr);
        }
    }
}

#[test]
fn a_204_ends_the_stream_cleanly() {
    let (_runtime, server) = serving(vec![
        Answer::Stream(vec![retry(50), event("a", Some("1"))]),
        status(204, None),
    ]);
    let ran = run(&["cat", &server.url]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(
        ran.lines(),
        [
            json!({"retry": 50}),
            message("a", "1"),
            json!({"end": "clean", "last_event_id": "1"})
        ]
    );
    assert!(ran.stderr.contains("reconnecting in"), "{}", ran.stderr);
}

#[test]
fn a_status_or_a_wrong_content_type_fails_with_the_url_and_no_retry() {
    for (answer, expected) in [
        (status(404, None), "HTTP 404 Not Found\n  | not a stream"),
        (
            status(500, None),
            "HTTP 500 Internal Server Error\n  | not a stream",
        ),
        (
            Answer::Status {
                status: 200,
                content_type: "text/html",
                retry_after: None,
                body: "<p>hi</p>",
            },
            "HTTP 200, but Content-Type is \"text/html\", not text/event-stream\n  | <p>hi</p>",
        ),
    ] {
        let (_runtime, server) = serving(vec![answer]);
        let ran = run(&["cat", &server.url]);
        assert_eq!(ran.code, Some(5), "{}", ran.stderr);
        assert_eq!(ran.stdout, "");
        assert_eq!(ran.stderr, format!("ssewire: {}: {expected}\n", server.url));
        assert_eq!(server.requests().len(), 1, "not retried");
    }
}

#[test]
fn a_refused_connection_fails_with_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}/events", listener.local_addr().expect("address"));
    drop(listener);
    let ran = run(&["cat", &url]);
    assert_eq!(ran.code, Some(5), "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr, format!("ssewire: {url}: connection refused\n"));
}

#[test]
fn comments_and_limits_apply_to_the_clients_parser() {
    let (_runtime, server) = serving(vec![Answer::Stream(vec![
        raw(": keep-alive\n"),
        event("0123456789abcdefghij", Some("1")),
        Part::Bytes(b"data: caf\xc3(\n\n".to_vec()),
        event("ok", Some("2")),
    ])]);
    let ran = run(&[
        "cat",
        &server.url,
        "--no-reconnect",
        "--comments",
        "--max-event-size",
        "16",
        "--strict-utf8",
    ]);
    assert_eq!(ran.code, Some(4), "events were dropped: {}", ran.stderr);
    assert_eq!(
        ran.lines(),
        [
            json!({"comment": "keep-alive"}),
            message("ok", "2"),
            json!({"end": "clean", "last_event_id": "2"})
        ]
    );
    let dropped: Vec<_> = ran.stderr.lines().collect();
    assert_eq!(dropped.len(), 2, "{dropped:?}");
    assert!(dropped[0].contains("limit of 16 bytes"), "{}", dropped[0]);
    assert!(dropped[1].contains("UTF-8"), "{}", dropped[1]);
}

#[test]
fn each_event_is_printed_as_it_arrives() {
    let (_runtime, server) = serving(vec![Answer::Stream(vec![
        event("a", Some("1")),
        Part::Pause(Duration::from_secs(60)),
        event("b", Some("2")),
    ])]);
    let mut child = common::ssewire(&["cat", &server.url])
        .stdin(Stdio::null())
        .spawn()
        .expect("ssewire starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (lines, first) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
        let _ = lines.send(line);
    });
    let line = first.recv_timeout(Duration::from_secs(10));
    let _ = child.kill();
    let _ = child.wait();
    let line = line.expect("the first event before the pause ends");
    assert_eq!(
        serde_json::from_str::<Value>(&line).expect("a JSON line"),
        message("a", "1")
    );
}

#[test]
fn a_gateway_error_is_retried_once_the_stream_has_opened_only() {
    let (_runtime, server) = serving(vec![
        Answer::Stream(vec![retry(50), event("a", Some("1"))]),
        status(503, Some("0")),
        Answer::Stream(vec![event("[DONE]", Some("2"))]),
    ]);
    let ran = until_done(&server);
    assert_eq!(
        ran.lines(),
        [
            json!({"retry": 50}),
            message("a", "1"),
            message("[DONE]", "2")
        ]
    );
    assert_eq!(
        server.last_event_ids(),
        [None, Some("1".into()), Some("1".into())]
    );
    let reports: Vec<_> = ran.stderr.lines().collect();
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert!(reports[0].ends_with(" ms (stream ended)"), "{}", reports[0]);
    assert!(
        reports[1].ends_with(" ms (HTTP 503 Service Unavailable)"),
        "{}",
        reports[1]
    );

    let (_runtime, server) = serving(vec![status(503, Some("0"))]);
    let ran = run(&["cat", &server.url]);
    assert_eq!(ran.code, Some(5), "{}", ran.stderr);
    let failed = format!(
        "ssewire: {}: HTTP 503 Service Unavailable\n  | not a stream\n",
        server.url
    );
    assert_eq!(ran.stderr, failed);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_reader_that_leaves_ends_the_command_quietly() {
    let pause = || Part::Pause(Duration::from_millis(300));
    let (_runtime, server) = serving(vec![Answer::Stream(vec![
        event("a", Some("1")),
        pause(),
        event("b", Some("2")),
        pause(),
        event("c", Some("3")),
    ])]);
    let args = ["cat", server.url.as_str()];
    let mut child = common::ssewire(&args)
        .stdin(Stdio::null())
        .spawn()
        .expect("ssewire starts");
    // `| head -1`: one line read, then the pipe is closed.
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).expect("a line");
    assert_eq!(
        serde_json::from_str::<Value>(&line).expect("a JSON line"),
        message("a", "1")
    );
    drop(stdout);
    assert_eq!(wait(&mut child, &args), Some(0));
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).expect("stderr");
    }
    assert_eq!(stderr, "");
}

/// The values of header `name` in `request`.
fn header<'a>(request: &'a ssewire_client_tests::Request, name: &str) -> Vec<&'a str> {
    let found = request.headers.iter().filter(|(n, _)| n == name);
    found.map(|(_, value)| value.as_str()).collect()
}

#[test]
fn data_json_posts_json_and_d_posts_a_form_as_curl_does() {
    let body = r#"{"jsonrpc": "2.0", "id": 1, "method": "initialize"}"#;
    let cases: [(&[&str], &str, &str); 4] = [
        (&["--data-json", body], body, "application/json"),
        (
            &["-d", "q=hi&n=2"],
            "q=hi&n=2",
            "application/x-www-form-urlencoded",
        ),
        // -H replaces the content type either sends.
        (
            &["-d", "plain", "-H", "Content-Type: text/plain"],
            "plain",
            "text/plain",
        ),
        (
            &[
                "--data-json",
                "[]",
                "-H",
                "content-type: application/vnd.api+json",
            ],
            "[]",
            "application/vnd.api+json",
        ),
    ];
    for (options, sent, kind) in cases {
        let (_runtime, server) = serving(vec![Answer::Stream(vec![event("[DONE]", None)])]);
        let mut args = vec!["cat", server.url.as_str()];
        args.extend_from_slice(options);
        let ran = run(&args);
        assert_eq!(ran.code, Some(0), "{options:?}: {}", ran.stderr);
        assert_eq!(
            ran.lines(),
            [
                message("[DONE]", ""),
                json!({"end": "clean", "last_event_id": ""})
            ]
        );
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{options:?}");
        let request = &requests[0];
        assert_eq!(
            (request.method.as_str(), request.body.as_str()),
            ("POST", sent)
        );
        assert_eq!(header(request, "content-type"), [kind], "{options:?}");
        assert_eq!(header(request, "accept"), ["text/event-stream"]);
    }
    // An MCP server wants both types in Accept: -H says so.
    let (_runtime, server) = serving(vec![Answer::Stream(vec![event("ok", None)])]);
    let accept = "Accept: application/json, text/event-stream";
    let ran = run(&["cat", &server.url, "--data-json", "{}", "-H", accept]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let request = &server.requests()[0];
    assert_eq!(
        header(request, "accept"),
        ["application/json, text/event-stream"]
    );
    assert_eq!(header(request, "content-type"), ["application/json"]);

    let ran = run(&["cat", "http://127.0.0.1:9/", "-d", "a", "--data-json", "{}"]);
    assert_eq!(ran.code, Some(2), "one body only: {}", ran.stderr);
}

#[test]
fn an_error_response_is_shown_with_the_start_of_its_body_escaped() {
    // What an MCP server answers a client that does not accept its types.
    let body = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Not Acceptable: Client must accept both application/json and text/event-stream\"}}\n";
    let (_runtime, server) = serving(vec![Answer::Status {
        status: 406,
        content_type: "application/json",
        retry_after: None,
        body,
    }]);
    let ran = run(&["cat", &server.url, "--data-json", "{}"]);
    assert_eq!(ran.code, Some(5), "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    assert_eq!(
        ran.stderr,
        format!(
            "ssewire: {}: HTTP 406 Not Acceptable\n  | {}\n",
            server.url,
            body.trim_end()
        )
    );

    // Escaped (no terminal control reaches stderr) and bounded: at most 1 KiB
    // and 8 lines of a body of 100 KiB.
    let long: &'static str =
        Box::leak(format!("line 1 \u{1b}[31mred\r\n{}", "x\n".repeat(50_000)).into_boxed_str());
    let (_runtime, server) = serving(vec![Answer::Status {
        status: 500,
        content_type: "text/plain",
        retry_after: None,
        body: long,
    }]);
    let ran = run(&["cat", &server.url]);
    assert_eq!(ran.code, Some(5), "{}", ran.stderr);
    let lines: Vec<&str> = ran.stderr.lines().collect();
    assert_eq!(
        lines[0],
        format!("ssewire: {}: HTTP 500 Internal Server Error", server.url)
    );
    assert_eq!(lines[1], "  | line 1 \\x1b[31mred");
    assert_eq!(lines[2..9], ["  | x"; 7]);
    assert_eq!(lines[9..], ["  | ..."]);
    assert!(!ran.stderr.contains('\u{1b}'));
}

#[test]
fn a_post_makes_one_connection_unless_reconnect() {
    let script = || {
        vec![
            Answer::Stream(vec![retry(50), event("a", Some("1"))]),
            Answer::Stream(vec![event("[DONE]", Some("2"))]),
        ]
    };
    // -d, --data-json and -X POST: the end of the first response ends it.
    let options: [&[&str]; 3] = [&["-d", "q"], &["--data-json", "{}"], &["-X", "POST"]];
    for options in options {
        let (_runtime, server) = serving(script());
        let mut args = vec!["cat", server.url.as_str()];
        args.extend_from_slice(options);
        let ran = run(&args);
        assert_eq!(ran.code, Some(0), "{options:?}: {}", ran.stderr);
        assert_eq!(
            ran.lines(),
            [
                json!({"retry": 50}),
                message("a", "1"),
                json!({"end": "clean", "last_event_id": "1"})
            ],
            "{options:?}"
        );
        assert_eq!(server.requests().len(), 1, "{options:?}: sent once");
        assert_eq!(ran.stderr, "");
    }
    // --reconnect: sent again, with its body and the Last-Event-ID.
    let (_runtime, server) = serving(script());
    let ran = run(&[
        "cat",
        &server.url,
        "-d",
        "q",
        "--reconnect",
        "--until-data",
        "[DONE]",
    ]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(
        ran.lines(),
        [
            json!({"retry": 50}),
            message("a", "1"),
            message("[DONE]", "2")
        ]
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].body, "q");
    assert_eq!(requests[1].last_event_id.as_deref(), Some("1"));
    assert!(ran.stderr.contains("reconnecting in"), "{}", ran.stderr);
    // A GET still reconnects by default (see the tests above).
    let ran = run(&[
        "cat",
        "http://127.0.0.1:9/",
        "--reconnect",
        "--no-reconnect",
    ]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
}

/// Every character a common line splitter breaks at (Python's
/// `str.splitlines`: LF, CR, VT, FF, FS, GS, RS, NEL, LS, PS) is escaped in
/// the JSON lines: one event, one line, for every reader.
#[test]
fn characters_that_split_lines_are_escaped_in_json_lines() {
    let data = "a\u{b}b\u{c}c\u{1c}d\u{1d}e\u{1e}f\u{85}g\u{2028}h\u{2029}i";
    let (_runtime, server) = serving(vec![Answer::Stream(vec![event(data, Some("\u{85}"))])]);
    let ran = run(&["cat", &server.url, "--no-reconnect"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    for c in [
        '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}', '\u{2029}', '\r',
    ] {
        assert!(!ran.stdout.contains(c), "{c:?} left raw: {:?}", ran.stdout);
    }
    assert!(ran.stdout.contains(r"f\u0085g"), "{}", ran.stdout);
    // Two lines (the event, the end) however they are split, and the text
    // reads back exactly.
    let split: Vec<&str> = ran
        .stdout
        .split([
            '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}',
            '\u{2029}',
        ])
        .filter(|line| !line.is_empty())
        .collect();
    assert_eq!(split.len(), 2, "{split:?}");
    assert_eq!(
        ran.lines(),
        [
            message(data, "\u{85}"),
            json!({"end": "clean", "last_event_id": "\u{85}"})
        ]
    );
}
