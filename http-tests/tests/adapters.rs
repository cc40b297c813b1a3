//! The adapters over real HTTP on loopback: a server streams an awkwardly
//! written event stream in answer to a POST (see `ssewire_http_tests`), and
//! real clients read it through the `Stream`, `http-body`, `BufRead` and
//! codec adapters, and the lending readers (`Events::next_event`,
//! `BodyEvents::next_event`, `AsyncEventReader`). Every event must arrive
//! exactly, in order, with its ID, and the `retry` and the clean end must be
//! seen.

use std::io::{BufRead, BufReader, Write};
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::StreamExt;
use hyper_util::rt::TokioIo;
use ssewire::{
    is_event_stream, AsyncEventReader, BodyChunks, BodyEvents, BytesEvent, BytesEvents, Config,
    EventCodec, EventReader, OwnedEvent, Parser, SseStreamExt, StreamEnd,
};
use ssewire_http_tests::{expected, script, serve_http, serve_raw, DEADLINE, MANY, PATH};
use ssewire_testkit::adapters::Outcome;
use tokio::io::AsyncReadExt;
use tokio_util::codec::FramedRead;

const PROMPT: &str = "tell me a story";
const BODY: &str = r#"{"prompt": "tell me a story"}"#;

/// Checks what a client read against the core parser's reading.
fn check(items: Vec<OwnedEvent>, end: Option<StreamEnd>, last_id: &[u8], retry: Option<u64>) {
    let want: Outcome = expected(&script(PROMPT));
    let want_events: Vec<OwnedEvent> = want
        .items
        .into_iter()
        .map(|i| i.expect("no error"))
        .collect();
    assert_eq!(items.len(), want_events.len());
    assert_eq!(items.len(), MANY + 6);
    for (i, (got, want)) in items.iter().zip(&want_events).enumerate() {
        assert!(got == want, "event {i}: {got:?} != {want:?}");
    }
    assert_eq!(items[0].data(), PROMPT);
    assert_eq!(items[1].data(), "cr");
    assert_eq!(items[2].data(), "café €");
    assert_eq!(
        (items[3].event_type(), items[3].data()),
        ("slow", "one\nbyte")
    );
    assert_eq!(items[4].data().len(), ssewire_http_tests::BIG);
    assert_eq!(items[5].id(), "m0");
    assert_eq!(items.last().map(OwnedEvent::data), Some("[DONE]"));
    assert_eq!(end, Some(StreamEnd::Clean));
    assert_eq!(last_id, b"last");
    assert_eq!(retry, Some(2500));
}

/// POSTs the JSON body to the HTTP server with reqwest.
async fn post(addr: std::net::SocketAddr) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("http://{addr}{PATH}"))
        .header("content-type", "application/json")
        .body(BODY)
        .send()
        .await
        .expect("response")
}

/// Every event of a stream of them, failing on any error.
async fn drain<S, E>(events: &mut S) -> Vec<OwnedEvent>
where
    S: futures_util::Stream<Item = Result<OwnedEvent, E>> + Unpin,
    E: std::fmt::Debug,
{
    let mut items = Vec::new();
    while let Some(item) = events.next().await {
        items.push(item.expect("no error"));
    }
    items
}

/// Reads a zero-copy event stream to its end and checks it.
async fn check_zero_copy<S, E>(mut events: BytesEvents<S>)
where
    BytesEvents<S>: futures_util::Stream<Item = Result<BytesEvent, E>> + Unpin,
    E: std::fmt::Debug,
{
    let mut items = Vec::new();
    while let Some(item) = events.next().await {
        items.push(OwnedEvent::from(item.expect("no error").as_event()));
    }
    let parser = events.parser();
    check(
        items,
        events.end(),
        parser.last_event_id(),
        parser.reconnection_time(),
    );
}

async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(DEADLINE, future)
        .await
        .expect("within the deadline")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reqwest_body_through_the_stream_adapter() {
    within(async {
        let addr = serve_http().await.addr;
        let response = post(addr).await;
        let content_type = response.headers()["content-type"].as_bytes();
        assert!(is_event_stream(content_type));
        let mut events = response.bytes_stream().sse();
        let items = drain(&mut events).await;
        check(
            items,
            events.end(),
            events.last_event_id(),
            events.reconnection_time(),
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reqwest_body_through_the_zero_copy_stream_adapter() {
    within(async {
        let addr = serve_http().await.addr;
        let response = post(addr).await;
        let events = response.bytes_stream().sse_bytes();
        check_zero_copy(events).await;
    })
    .await;
}

/// `Events::next_event` over reqwest's `bytes_stream()`: every event lent
/// (borrowed from a chunk, or from the parser when cut), none owned by the
/// adapter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reqwest_body_through_the_lending_stream_adapter() {
    within(async {
        let addr = serve_http().await.addr;
        let mut events = post(addr).await.bytes_stream().sse();
        let mut items = Vec::new();
        while let Some(event) = events.next_event().await {
            items.push(OwnedEvent::from(event.expect("no error")));
        }
        assert!(events.next_event().await.is_none(), "None after the end");
        check(
            items,
            events.end(),
            events.last_event_id(),
            events.reconnection_time(),
        );
    })
    .await;
}

/// `next_event` and `Stream::next` in turn on one `Events`: no event lost
/// or repeated between the two ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reqwest_body_read_lent_and_owned_in_turn() {
    within(async {
        let addr = serve_http().await.addr;
        let mut events = post(addr).await.bytes_stream().sse();
        let mut items = Vec::new();
        for i in 0usize.. {
            let item = if i % 3 == 0 {
                events.next().await
            } else {
                events.next_event().await.map(|e| e.map(OwnedEvent::from))
            };
            let Some(item) = item else { break };
            items.push(item.expect("no error"));
        }
        check(
            items,
            events.end(),
            events.last_event_id(),
            events.reconnection_time(),
        );
    })
    .await;
}

/// POSTs the JSON body with hyper's own client; the response's body.
async fn hyper_post(addr: std::net::SocketAddr) -> hyper::body::Incoming {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    let request = hyper::Request::post(PATH)
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(bytes::Bytes::from(BODY)))
        .expect("request");
    let response = sender.send_request(request).await.expect("response");
    assert!(is_event_stream(
        response.headers()["content-type"].as_bytes()
    ));
    response.into_body()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyper_client_body_through_the_http_body_adapter() {
    within(async {
        let body = hyper_post(serve_http().await.addr).await;
        let mut events = BodyEvents::new(body);
        let items = drain(&mut events).await;
        check(
            items,
            events.end(),
            events.last_event_id(),
            events.reconnection_time(),
        );
    })
    .await;
}

/// `BodyEvents::next_event` over hyper's `Incoming`: each event lent from
/// its data frame or the parser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyper_client_body_through_the_lending_http_body_adapter() {
    within(async {
        let body = hyper_post(serve_http().await.addr).await;
        let mut events = BodyEvents::new(body);
        let mut items = Vec::new();
        while let Some(event) = events.next_event().await {
            items.push(OwnedEvent::from(event.expect("no error")));
        }
        assert!(events.next_event().await.is_none(), "None after the end");
        check(
            items,
            events.end(),
            events.last_event_id(),
            events.reconnection_time(),
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyper_client_body_through_body_chunks_and_the_zero_copy_adapter() {
    within(async {
        let body = hyper_post(serve_http().await.addr).await;
        let events = BodyChunks::new(body).sse_bytes();
        check_zero_copy(events).await;
    })
    .await;
}

/// A blocking `std::net::TcpStream`, its response head read by hand, its
/// body through `EventReader` (as `BufRead`).
#[test]
fn std_tcp_stream_through_the_bufread_reader() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let addr = runtime.block_on(serve_raw(PROMPT));
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    write!(
        stream,
        "POST {PATH} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{BODY}",
        BODY.len()
    )
    .expect("request");
    let mut reader = BufReader::new(stream);
    let mut content_type = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("head");
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-type") {
                content_type = is_event_stream(value.trim_end().as_bytes());
            }
        }
    }
    assert!(content_type);
    let mut events = EventReader::new(reader);
    let items: Vec<OwnedEvent> = events
        .by_ref()
        .map(|item| item.expect("no error"))
        .collect();
    check(
        items,
        events.end(),
        events.last_event_id(),
        events.reconnection_time(),
    );
}

/// A tokio `TcpStream` through `FramedRead` with the codec, the bytes after
/// the response head handed to the codec's read buffer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokio_tcp_stream_through_framed_read_and_the_codec() {
    within(async {
        let addr = serve_raw(PROMPT).await;
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let request = format!(
            "POST {PATH} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{BODY}",
            BODY.len()
        );
        tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes())
            .await
            .expect("request");
        let mut head = Vec::new();
        let body_start = loop {
            let mut buf = [0u8; 512];
            let n = stream.read(&mut buf).await.expect("head");
            assert!(n > 0, "the response head ended early");
            head.extend_from_slice(&buf[..n]);
            if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let mut framed = FramedRead::new(stream, EventCodec::new());
        framed
            .read_buffer_mut()
            .extend_from_slice(&head[body_start..]);
        let mut items = Vec::new();
        while let Some(item) = framed.next().await {
            items.push(item.expect("no I/O error").expect("no refused event"));
        }
        let codec = framed.decoder();
        check(
            items,
            codec.end(),
            codec.last_event_id(),
            codec.reconnection_time(),
        );
    })
    .await;
}

/// A tokio `TcpStream` to the raw server (which writes the script in small
/// pieces with pauses), its response head read by hand, then the bytes
/// read past the head chained before the socket: an `AsyncRead` for
/// `AsyncEventReader`, with its default buffer and with a 61-byte one (so
/// the reads cut lines and the 1 MiB event).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokio_tcp_stream_through_the_async_event_reader() {
    within(async {
        for size in [None, Some(61)] {
            let addr = serve_raw(PROMPT).await;
            let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            let request = format!(
                "POST {PATH} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{BODY}",
                BODY.len()
            );
            tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes())
                .await
                .expect("request");
            let mut head = Vec::new();
            let body_start = loop {
                let mut buf = [0u8; 512];
                let n = stream.read(&mut buf).await.expect("head");
                assert!(n > 0, "the response head ended early");
                head.extend_from_slice(&buf[..n]);
                if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
            };
            let head_text = String::from_utf8_lossy(&head[..body_start]).to_ascii_lowercase();
            assert!(head_text.contains("content-type: text/event-stream"));
            let rest = head[body_start..].to_vec();
            let body = std::io::Cursor::new(rest).chain(stream);
            let config = Config::new().on_limit(ssewire::OnLimit::SkipEvent);
            let mut reader = match size {
                None => AsyncEventReader::with_config(body, config),
                Some(size) => AsyncEventReader::with_buffer_size(
                    body,
                    Parser::with_config(Vec::new(), config),
                    size,
                ),
            };
            let mut items = Vec::new();
            while let Some(event) = reader.next_event().await {
                items.push(OwnedEvent::from(event.expect("no error")));
            }
            assert!(reader.next_event().await.is_none(), "None after the end");
            check(
                items,
                reader.end(),
                reader.last_event_id(),
                reader.reconnection_time(),
            );
        }
    })
    .await;
}

/// Dropping the event stream mid-way drops the body: the server sees its
/// response abandoned (no task of ours keeps reading it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_stream_drops_the_connection() {
    within(async {
        let server = serve_http().await;
        let addr = server.addr;
        let response = post(addr).await;
        let mut events = response.bytes_stream().sse();
        let first = events.next().await.expect("an event").expect("no error");
        assert_eq!(first.data(), PROMPT);
        assert_eq!(server.abandoned.load(Ordering::SeqCst), 0);
        drop(events);
        let mut waited = Duration::ZERO;
        while server.abandoned.load(Ordering::SeqCst) == 0 {
            assert!(
                waited < Duration::from_secs(10),
                "the response is still being read"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
            waited += Duration::from_millis(10);
        }
    })
    .await;
}
