//! Support for ssewire's tests over real HTTP, on loopback only
//! (`127.0.0.1`, ephemeral ports): servers that answer with an event stream
//! written in awkward pieces, and what a client must read from it.
//!
//! - [`script`]: the pieces, each its own write (a body frame, flushed after
//!   a pause): CR and LF apart, a UTF-8 character split, 1-byte writes, a
//!   1 MiB event, 10,000 events, keep-alive comments, IDs and `retry`.
//! - [`serve_http`]: an axum (hyper) server answering a POST with a JSON
//!   body (`{"prompt": ...}`) by streaming [`script`] of its prompt.
//! - [`serve_raw`]: a bare TCP server that answers any request head with a
//!   `Connection: close` response whose body is the script, unframed (for
//!   readers that do not speak HTTP: a `TcpStream`, a `FramedRead`).
//! - [`expected`]: what the core parser reads from the script in one piece.
//! - [`npm`]: the htmx and Datastar libraries, served from `web/node_modules`.

pub mod npm;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Response, StatusCode};
use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use ssewire::{Config, OnLimit};
use ssewire_testkit::adapters::{oracle, Outcome};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The path the HTTP server answers on.
pub const PATH: &str = "/events";
/// How long any one test may take.
pub const DEADLINE: Duration = Duration::from_secs(60);
/// The size of the big event's data.
pub const BIG: usize = 1 << 20;
/// How many small events the script sends in a row.
pub const MANY: usize = 10_000;

/// The pieces of the stream for `prompt`, each to be written on its own.
pub fn script(prompt: &str) -> Vec<Vec<u8>> {
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    let mut push = |piece: &[u8]| pieces.push(piece.to_vec());
    push(b":ok\n\nretry: 2500\n");
    // The request's prompt comes back: the POST body was read.
    push(format!("id: p\nevent: prompt\ndata: {prompt}\n\n").as_bytes());
    // A blank line whose CR and LF come in different writes.
    push(b"id: 1\ndata: cr\r");
    push(b"\n\r");
    push(b"\n");
    // A character split between writes.
    push(b"id: 2\ndata: caf\xC3");
    push(b"\xA9 \xE2\x82");
    push(b"\xAC\n\n");
    // One byte per write.
    for &byte in b"id: 3\r\nevent: slow\r\ndata: one\r\ndata: byte\r\n\r\n" {
        push(&[byte]);
    }
    push(b":\n");
    // A 1 MiB event, in 64 KiB writes.
    let mut big = b"id: 4\ndata: ".to_vec();
    big.extend((0..BIG).map(|i| b'a' + (i % 26) as u8));
    big.extend_from_slice(b"\n\n");
    for piece in big.chunks(64 << 10) {
        push(piece);
    }
    // 10,000 events in groups of 500, each group in 4,000-byte writes cut
    // anywhere (mid-line too), a keep-alive comment between groups.
    for group in 0..MANY / 500 {
        let events: Vec<u8> = (group * 500..(group + 1) * 500)
            .flat_map(|i| format!("id: m{i}\ndata: {{\"token\": {i}}}\n\n").into_bytes())
            .collect();
        for piece in events.chunks(4_000) {
            push(piece);
        }
        push(b":\n");
    }
    push(b"id: last\nevent: done\ndata: [DONE]\n\n");
    pieces
}

/// The configuration the tests read with: the adapters' default, with room
/// for the 1 MiB event.
pub fn config() -> Config {
    Config::new().on_limit(OnLimit::SkipEvent)
}

/// What the core parser reads from `pieces` in one piece.
pub fn expected(pieces: &[Vec<u8>]) -> Outcome {
    let whole = pieces.concat();
    oracle(&[&whole], config())
}

/// The prompt of a POST body `{"prompt": "..."}`.
fn prompt_of(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(value.get("prompt")?.as_str()?.to_owned())
}

/// Counts response bodies dropped before their end (the client went away).
#[derive(Default)]
struct Abandoned {
    count: Arc<AtomicUsize>,
    finished: std::cell::Cell<bool>,
}

impl Drop for Abandoned {
    fn drop(&mut self) {
        if !self.finished.get() {
            self.count.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Each piece a body frame, after a short pause (so each is written and
/// flushed on its own).
fn paced(pieces: Vec<Vec<u8>>, abandoned: Arc<AtomicUsize>) -> Body {
    let watch = Abandoned {
        count: abandoned,
        finished: std::cell::Cell::new(false),
    };
    let frames = futures_util::stream::unfold(
        (pieces.into_iter(), watch),
        |(mut pieces, watch)| async move {
            let Some(piece) = pieces.next() else {
                watch.finished.set(true);
                return None;
            };
            tokio::time::sleep(Duration::from_micros(300)).await;
            Some((Ok::<_, std::io::Error>(Bytes::from(piece)), (pieces, watch)))
        },
    );
    Body::from_stream(frames)
}

/// A running HTTP server.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// How many of its responses were dropped before their end.
    pub abandoned: Arc<AtomicUsize>,
}

async fn answer(State(abandoned): State<Arc<AtomicUsize>>, body: Bytes) -> Response<Body> {
    let Some(prompt) = prompt_of(&body) else {
        let mut response = Response::new(Body::from("expected {\"prompt\": \"...\"}"));
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return response;
    };
    event_stream(paced(script(&prompt), abandoned))
}

/// A `200 OK` response with `body` as its `text/event-stream` (for the
/// tests' and the examples' servers).
pub fn event_stream(body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/event-stream; charset=utf-8"),
    );
    response
}

/// Starts the HTTP server on an ephemeral loopback port.
pub async fn serve_http() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let abandoned = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route(PATH, post(answer))
        .with_state(Arc::clone(&abandoned));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server { addr, abandoned }
}

/// The `Content-Length` of a request head (0 when there is none).
fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// Starts the bare TCP server on an ephemeral loopback port: each
/// connection's request head (up to its blank line) is answered with a
/// `Connection: close` event-stream response, the script of `prompt` written
/// piece by piece, then the connection closed.
pub async fn serve_raw(prompt: &'static str) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                // The head, then the body (closing with unread bytes would
                // reset the connection).
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let mut body = vec![0u8; content_length(&head)];
                if socket.read_exact(&mut body).await.is_err() {
                    return;
                }
                let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: Text/Event-Stream ; charset=utf-8\r\nConnection: close\r\n\r\n".to_vec();
                for piece in script(prompt) {
                    out.extend_from_slice(&piece);
                    if socket.write_all(&out).await.is_err() || socket.flush().await.is_err() {
                        return;
                    }
                    out.clear();
                    tokio::time::sleep(Duration::from_micros(300)).await;
                }
            });
        }
    });
    addr
}
