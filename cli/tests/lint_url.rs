//! `ssewire lint URL`, run as a program against an axum server on 127.0.0.1
//! (an ephemeral port) that answers each path with the head and body written
//! for it: the response head's rules, the body's, and the bounds in time and
//! events.

mod common;

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, Method, Response, StatusCode, Uri};
use bytes::Bytes;
use serde_json::Value;

/// A piece of a body: bytes, or a pause before the next piece.
#[derive(Clone)]
enum Piece {
    Bytes(&'static str),
    Pause(Duration),
}

/// The answer to one path.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<Piece>,
    /// A body of known length (`Content-Length`) rather than a stream.
    fixed: bool,
}

/// A `200 text/event-stream` with `Cache-Control: no-cache`, streamed.
fn stream(body: Vec<Piece>) -> Reply {
    Reply {
        status: 200,
        headers: vec![
            ("content-type", "text/event-stream"),
            ("cache-control", "no-cache"),
        ],
        body,
        fixed: false,
    }
}

/// What one request carried: method, headers (lower-case names), body.
type Seen = (String, Vec<(String, String)>, Bytes);

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    _runtime: tokio::runtime::Runtime,
}

/// Serves `replies` by path (`/name`); any other path is a 404.
fn serve(replies: Vec<(&'static str, Reply)>) -> Server {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let replies = Arc::new(replies);
    let url = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::clone(&seen);
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let (seen, replies) = (Arc::clone(&seen), Arc::clone(&replies));
                async move {
                    let names = headers
                        .iter()
                        .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
                        .collect();
                    seen.lock()
                        .expect("not poisoned")
                        .push((method.to_string(), names, body));
                    let found = replies.iter().find(|(path, _)| *path == uri.path());
                    match found {
                        Some((_, reply)) => respond(reply.clone()),
                        None => Response::builder()
                            .status(StatusCode::NOT_FOUND)
                            .body(Body::from("no such path"))
                            .expect("a response"),
                    }
                }
            },
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    });
    Server {
        url,
        seen,
        _runtime: runtime,
    }
}

fn respond(reply: Reply) -> Response<Body> {
    let mut response =
        Response::builder().status(StatusCode::from_u16(reply.status).expect("a status"));
    for (name, value) in &reply.headers {
        response = response.header(*name, *value);
    }
    let body = if reply.fixed {
        let text: String = reply
            .body
            .iter()
            .filter_map(|piece| match piece {
                Piece::Bytes(text) => Some(*text),
                Piece::Pause(_) => None,
            })
            .collect();
        Body::from(text)
    } else {
        let pieces = futures_stream(reply.body);
        Body::from_stream(pieces)
    };
    response.body(body).expect("a response")
}

/// The pieces as a body stream, pausing where they say.
fn futures_stream(
    pieces: Vec<Piece>,
) -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    struct Pieces {
        pieces: std::vec::IntoIter<Piece>,
        sleep: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
    }
    impl futures_core::Stream for Pieces {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            loop {
                if let Some(sleep) = self.sleep.as_mut() {
                    std::task::ready!(sleep.as_mut().poll(cx));
                    self.sleep = None;
                }
                match self.pieces.next() {
                    Some(Piece::Bytes(text)) => {
                        return std::task::Poll::Ready(Some(Ok(Bytes::from_static(
                            text.as_bytes(),
                        ))))
                    }
                    Some(Piece::Pause(time)) => {
                        self.sleep = Some(Box::pin(tokio::time::sleep(time)));
                    }
                    None => return std::task::Poll::Ready(None),
                }
            }
        }
    }
    use std::future::Future as _;
    Pieces {
        pieces: pieces.into_iter(),
        sleep: None,
    }
}

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Ran {
    /// `(rule, line, severity)` of each finding (`line` 0 for the head's).
    fn findings(&self) -> Vec<(String, u64, String)> {
        self.stdout
            .lines()
            .map(|line| {
                let v: Value = serde_json::from_str(line).expect("a JSON line");
                (
                    v["rule"].as_str().expect("rule").to_string(),
                    v["line"].as_u64().unwrap_or(0),
                    v["severity"].as_str().expect("severity").to_string(),
                )
            })
            .collect()
    }
}

/// `ssewire lint ARGS`, killed (and the test failed) after 20 s.
fn run(args: &[&str]) -> Ran {
    let started = Instant::now();
    let child = common::ssewire(args)
        .stdin(Stdio::null())
        .spawn()
        .expect("ssewire starts");
    let id = child.id();
    let (done, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let output = match wait.recv_timeout(Duration::from_secs(20)) {
        Ok(output) => output.expect("ssewire ends"),
        Err(_) => {
            // Our own child, by its id.
            let _ = std::process::Command::new("kill")
                .arg(id.to_string())
                .status();
            panic!("ssewire {args:?} still running after 20 s");
        }
    };
    Ran {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        took: started.elapsed(),
    }
}

fn found(rule: &str, line: u64, severity: &str) -> (String, u64, String) {
    (rule.into(), line, severity.into())
}

#[test]
fn a_well_served_stream_lints_clean() {
    let mut reply = stream(vec![
        Piece::Bytes("id: 1\ndata: a\n\n"),
        Piece::Bytes("data: b\n\n"),
    ]);
    reply.headers.push(("x-accel-buffering", "no"));
    let server = serve(vec![("/events", reply)]);
    let url = format!("{}/events", server.url);
    let ran = run(&["lint", "--json", &url]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr, "");
    // What EventSource sends.
    let seen = server.seen.lock().expect("not poisoned");
    let (method, headers, _) = &seen[0];
    assert_eq!(method, "GET");
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("accept"), Some("text/event-stream"));
    assert_eq!(header("cache-control"), Some("no-cache"));
}

/// better-sse's multi-line data, live: each later line is lost data.
#[test]
fn data_lost_to_continuation_lines_is_an_error_over_http_too() {
    let server = serve(vec![(
        "/ticks",
        stream(vec![Piece::Bytes(
            "data:tick 3\nline two: 3\nline three\n\n",
        )]),
    )]);
    let url = format!("{}/ticks", server.url);
    let ran = run(&["lint", "--json", &url]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert_eq!(
        ran.findings(),
        [
            found("data-continuation", 2, "error"),
            found("data-continuation", 3, "error")
        ]
    );
    let first: Value =
        serde_json::from_str(ran.stdout.lines().next().expect("a line")).expect("a JSON line");
    assert_eq!(first["file"], url.as_str());
    // The oracle: the parser keeps `tick 3` alone, so the lines are lost.
    let cat = common::run(&["cat"], b"data:tick 3\nline two: 3\nline three\n\n");
    let event: Value = serde_json::from_str(common::stdout(&cat).lines().next().expect("an event"))
        .expect("a JSON line");
    assert_eq!(event["data"], "tick 3");
}

#[test]
fn the_response_head_is_checked_then_the_body() {
    let reply = Reply {
        status: 200,
        headers: vec![("content-type", "text/plain"), ("x-accel-buffering", "yes")],
        body: vec![Piece::Bytes("data: x\n\ndata: cut")],
        fixed: true,
    };
    let server = serve(vec![("/head", reply)]);
    let url = format!("{}/head", server.url);
    let ran = run(&["lint", "--json", &url]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert_eq!(
        ran.findings(),
        [
            found("content-type", 0, "error"),
            found("cache-control", 0, "warning"),
            found("proxy-buffering", 0, "warning"),
            found("content-length", 0, "warning"),
            // The server ended the body: its end is judged.
            found("no-final-blank-line", 3, "error"),
        ]
    );
    let head: Value =
        serde_json::from_str(ran.stdout.lines().next().expect("a line")).expect("a JSON line");
    assert_eq!(head["line"], Value::Null);
    assert_eq!(head["offset"], Value::Null);

    // A Cache-Control with no-store passes too; a compressed body the
    // request did not ask for is an error, and is not linted.
    let reply = Reply {
        status: 200,
        headers: vec![
            ("content-type", "text/event-stream; charset=utf-8"),
            ("cache-control", "private, no-store"),
            ("content-encoding", "gzip"),
        ],
        body: vec![Piece::Bytes("\x1f\u{8b}not really gzip")],
        fixed: false,
    };
    let server = serve(vec![("/gz", reply)]);
    let ran = run(&["lint", "--json", &format!("{}/gz", server.url)]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert_eq!(ran.findings(), [found("content-encoding", 0, "error")]);
    assert!(
        ran.stderr.contains("compressed (gzip): not linted"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_status_other_than_200_is_an_error_shown_with_its_body() {
    let server = serve(vec![]);
    let url = format!("{}/missing", server.url);
    let ran = run(&["lint", &url]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert_eq!(
        ran.stdout,
        format!(
            "{url}: error[http-status]: HTTP 404 Not Found: EventSource fails the connection for good\n  | no such path\n{url}: 1 error, 0 warnings\n"
        )
    );
    let ran = run(&["lint", "--json", &url]);
    let finding: Value = serde_json::from_str(ran.stdout.trim()).expect("one JSON line");
    assert_eq!(finding["rule"], "http-status");
    assert_eq!(finding["body"], "no such path");
}

#[test]
fn reading_stops_at_max_time_or_max_events_without_faulting_the_end() {
    let server = serve(vec![
        (
            "/slow",
            stream(vec![
                Piece::Bytes("data: a\n\ndata: cu"),
                Piece::Pause(Duration::from_secs(60)),
            ]),
        ),
        (
            "/many",
            stream(vec![
                Piece::Bytes("data: a\n\n"),
                Piece::Bytes("data: b\n\n"),
                Piece::Pause(Duration::from_secs(60)),
                Piece::Bytes("data: c\n\n"),
            ]),
        ),
    ]);
    let ran = run(&[
        "lint",
        "--json",
        "--max-time",
        "1",
        &format!("{}/slow", server.url),
    ]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(
        ran.stdout, "",
        "a stream cut by --max-time is not faulted for its end"
    );
    assert!(
        ran.stderr
            .contains("stopped after 1 s (--max-time); events read: 1"),
        "{}",
        ran.stderr
    );
    assert!(ran.took < Duration::from_secs(10), "{:?}", ran.took);

    let ran = run(&[
        "lint",
        "--json",
        "--max-events",
        "2",
        &format!("{}/many", server.url),
    ]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("stopped after 2 events (--max-events)"),
        "{}",
        ran.stderr
    );
    assert!(ran.took < Duration::from_secs(10), "{:?}", ran.took);
}

#[test]
fn the_request_options_are_cats() {
    let server = serve(vec![("/post", stream(vec![Piece::Bytes("data: a\n\n")]))]);
    let url = format!("{}/post", server.url);
    let ran = run(&[
        "lint",
        &url,
        "--data-json",
        "{\"q\": 1}",
        "-H",
        "Authorization: Bearer t",
        "-H",
        "Last-Event-ID: 41",
    ]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let seen = server.seen.lock().expect("not poisoned");
    let (method, headers, body) = &seen[0];
    assert_eq!(method, "POST");
    assert_eq!(&body[..], b"{\"q\": 1}");
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("content-type"), Some("application/json"));
    assert_eq!(header("authorization"), Some("Bearer t"));
    assert_eq!(header("last-event-id"), Some("41"));
    assert_eq!(header("accept"), Some("text/event-stream"));
}

#[test]
fn no_response_head_within_max_time_fails_with_status_5() {
    // Accepts connections (the backlog) and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    let ran = run(&["lint", "--max-time", "0.5", &url]);
    drop(listener);
    assert_eq!(ran.code, Some(5), "{}", ran.stderr);
    assert_eq!(
        ran.stderr,
        format!("ssewire: {url}: no response within 0.5 s (--max-time)\n")
    );
}
