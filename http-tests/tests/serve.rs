//! `EventStreamBody` over real HTTP on loopback: axum and plain hyper
//! servers on 127.0.0.1, reqwest and hyper clients. What a client reads must
//! be exactly the events given (the reference model read of their encoding
//! is the oracle), keep-alives must come only when idle and advance no IDs,
//! the end of the source must end the response cleanly, and a client that
//! goes away must make the server drop the source.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use futures_util::{stream, StreamExt};
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use ssewire::{EventStreamBody, OwnedServerEvent, SseStreamExt, StreamEnd, TokioClock};
use ssewire_http_tests::DEADLINE;
use ssewire_testkit::reference;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(DEADLINE, future)
        .await
        .expect("within the deadline")
}

/// Tricky events: prefixed parts (Datastar), multi-line and CR/CRLF data,
/// pretty JSON, numeric and text IDs, a block without data, 1 MiB, many.
fn events() -> Vec<OwnedServerEvent> {
    let mut events = vec![
        OwnedServerEvent::new("plain").numeric_id(1),
        OwnedServerEvent::new("a\nb\rc\r\nd\n").event_type("lines"),
        OwnedServerEvent::without_data()
            .event_type("datastar-patch-elements")
            .prefixed_data("selector ", "#list")
            .prefixed_data("elements ", "<ul id=\"list\">\r\n  <li>1</li>\n</ul>"),
        OwnedServerEvent::without_data()
            .pretty_json_data("signals ", &serde_json::json!({"count": 3, "s": "x\ny"}))
            .unwrap()
            .event_type("datastar-patch-signals"),
        OwnedServerEvent::json(&serde_json::json!({"token": "é😀"}))
            .unwrap()
            .id("text-id"),
        OwnedServerEvent::without_data().id("block-id").retry(1234),
        OwnedServerEvent::new(" leading space\0nul"),
        OwnedServerEvent::new("x".repeat(1 << 20)).event_type("big"),
    ];
    events.extend(
        (0..5000u64).map(|n| OwnedServerEvent::new(format!("{{\"n\":{n}}}")).numeric_id(n)),
    );
    events
}

/// What a reader must see: the model's reading of the events' bytes.
fn expected(events: &[OwnedServerEvent], retry: Option<u64>) -> reference::Outcome {
    let mut bytes = Vec::new();
    if let Some(ms) = retry {
        bytes.extend(format!("retry: {ms}\n\n").into_bytes());
    }
    for event in events {
        event.append_to(&mut bytes).unwrap();
    }
    reference::parse(&bytes)
}

/// An axum server on 127.0.0.1 whose `/events` streams `events()`.
async fn axum_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().route(
        "/events",
        get(|| async {
            EventStreamBody::new(stream::iter(events()))
                .retry(Duration::from_millis(2500))
                .into_response()
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_server_reqwest_client_reads_back_every_event() {
    within(async {
        let addr = axum_server().await;
        let response = reqwest::get(format!("http://{addr}/events")).await.unwrap();
        let headers = response.headers();
        assert_eq!(headers["content-type"], "text/event-stream");
        assert_eq!(headers["cache-control"], "no-cache");
        assert_eq!(headers["x-accel-buffering"], "no");
        let raw = response.bytes().await.unwrap();
        let read = reference::parse(&raw);
        let want = expected(&events(), Some(2500));
        assert_eq!(read.end, reference::EndKind::Clean);
        assert_eq!(read.events.len(), want.events.len());
        assert_eq!(read, want);

        // ssewire's own reader agrees, and sees the clean end.
        let response = reqwest::get(format!("http://{addr}/events")).await.unwrap();
        let mut events = response.bytes_stream().sse();
        let mut n = 0;
        while let Some(event) = events.next().await {
            let event = event.unwrap();
            assert_eq!(event.data(), want.events[n].data);
            assert_eq!(event.event_type(), want.events[n].event_type);
            n += 1;
        }
        assert_eq!(n, want.events.len());
        assert_eq!(events.end(), Some(StreamEnd::Clean));
        assert_eq!(events.reconnection_time(), Some(1234));
    })
    .await;
}

/// Sets its flag when dropped: the source is gone.
struct DropSignal(Option<oneshot::Sender<()>>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

/// A plain hyper server on 127.0.0.1: each request gets the events sent on
/// the channel it hands out (with its drop signal), keep-alive `interval`.
async fn hyper_server(
    interval: Duration,
) -> (
    SocketAddr,
    mpsc::UnboundedReceiver<(mpsc::Sender<OwnedServerEvent>, oneshot::Receiver<()>)>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (streams_tx, streams_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let streams_tx = streams_tx.clone();
            let service = hyper::service::service_fn(move |_request| {
                let (tx, rx) = mpsc::channel(16);
                let (dropped_tx, dropped_rx) = oneshot::channel();
                streams_tx.send((tx, dropped_rx)).unwrap();
                let guard = DropSignal(Some(dropped_tx));
                let events = stream::unfold((rx, guard), |(mut rx, guard)| async move {
                    Some((rx.recv().await?, (rx, guard)))
                });
                let body = EventStreamBody::new(events).keep_alive(interval, TokioClock::new());
                async move { Ok::<_, Infallible>(body.into_response()) }
            });
            let io = TokioIo::new(socket);
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(io, service));
        }
    });
    (addr, streams_rx)
}

/// hyper's client: the response body of `GET /events`.
async fn hyper_get(addr: SocketAddr) -> hyper::body::Incoming {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = hyper::Request::get("/events")
        .header("host", addr.to_string())
        .body(http_body_util::Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    response.into_body()
}

/// Reads frames until `until` holds for what was read so far.
async fn read_until(
    body: &mut hyper::body::Incoming,
    out: &mut Vec<u8>,
    until: impl Fn(&reference::Outcome) -> bool,
) {
    while !until(&reference::parse(out)) {
        let frame = body.frame().await.expect("more").unwrap();
        out.extend_from_slice(&frame.into_data().unwrap());
    }
}

/// Keep-alives come after each idle interval and never between events sent
/// closer together than it; they are comments, so IDs go 1, 2, 3...
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alives_only_when_idle_and_ids_never_skip() {
    within(async {
        let interval = Duration::from_millis(150);
        let (addr, mut streams) = hyper_server(interval).await;
        let mut body = hyper_get(addr).await;
        let (tx, _dropped) = streams.recv().await.unwrap();
        let mut out = Vec::new();
        // Busy: an event every 30 ms for 600 ms, no keep-alive.
        let started = Instant::now();
        for n in 1..=20u64 {
            tx.send(OwnedServerEvent::new(format!("busy {n}")).numeric_id(n))
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        read_until(&mut body, &mut out, |read| read.events.len() == 20).await;
        let busy = reference::parse(&out);
        // A loaded machine may stall one gap past the interval; never many.
        if started.elapsed() < Duration::from_millis(900) {
            assert!(
                busy.comments.len() <= 1,
                "{} keep-alives while busy",
                busy.comments.len()
            );
        }
        // Idle: 3 intervals and a half, then one more event.
        tokio::time::sleep(interval * 7 / 2).await;
        tx.send(OwnedServerEvent::new("after").numeric_id(21))
            .await
            .unwrap();
        read_until(&mut body, &mut out, |read| read.events.len() == 21).await;
        let read = reference::parse(&out);
        let idle = read.comments.len() - busy.comments.len();
        assert!(
            (2..=4).contains(&idle),
            "{idle} keep-alives in 3.5 intervals"
        );
        assert!(read.comments.iter().all(String::is_empty));
        let ids: Vec<String> = read.events.iter().map(|e| e.id.clone()).collect();
        let want: Vec<String> = (1..=21).map(|n: u64| n.to_string()).collect();
        assert_eq!(ids, want);
        // The end of the source ends the response.
        drop(tx);
        let mut rest = Vec::new();
        while let Some(frame) = body.frame().await {
            rest.extend_from_slice(&frame.unwrap().into_data().unwrap());
        }
        assert!(reference::parse(&rest).events.is_empty());
    })
    .await;
}

/// A client that goes away: the server drops the body, and with it the
/// source (the drop signal fires, the channel's sender sees it closed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_goes_away_drops_the_source() {
    within(async {
        let (addr, mut streams) = hyper_server(Duration::from_millis(50)).await;
        let mut body = hyper_get(addr).await;
        let (tx, dropped) = streams.recv().await.unwrap();
        tx.send(OwnedServerEvent::new("one").numeric_id(1))
            .await
            .unwrap();
        let mut out = Vec::new();
        read_until(&mut body, &mut out, |read| read.events.len() == 1).await;
        drop(body);
        // Idle: only the keep-alive's write finds the connection gone.
        tokio::time::timeout(Duration::from_secs(5), dropped)
            .await
            .expect("the source is dropped within 5 s")
            .unwrap();
        assert!(tx.is_closed());

        // With reqwest as the client, the same.
        let response = reqwest::get(format!("http://{addr}/events")).await.unwrap();
        let (tx, dropped) = streams.recv().await.unwrap();
        tx.send(OwnedServerEvent::new("one")).await.unwrap();
        let mut events = response.bytes_stream().sse();
        assert_eq!(events.next().await.unwrap().unwrap().data(), "one");
        drop(events);
        tokio::time::timeout(Duration::from_secs(5), dropped)
            .await
            .expect("the source is dropped within 5 s")
            .unwrap();
    })
    .await;
}

/// An event with an invalid value ends the response early with an error:
/// the client sees a cut stream, never the invalid field or what follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_event_cuts_the_stream() {
    within(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route(
            "/events",
            get(|| async {
                let events = vec![
                    OwnedServerEvent::new("ok").numeric_id(1),
                    OwnedServerEvent::new("bad").event_type("a\nid: 666"),
                    OwnedServerEvent::new("never"),
                ];
                EventStreamBody::new(stream::iter(events)).into_response()
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        // hyper aborts the response at the error: what it had not yet sent
        // (here the headers too, at times) is lost, but nothing invalid or
        // after it is ever read.
        for _ in 0..20 {
            let Ok(response) = reqwest::get(format!("http://{addr}/events")).await else {
                continue;
            };
            let mut events = response.bytes_stream().sse();
            let mut read = Vec::new();
            while let Some(Ok(event)) = events.next().await {
                read.push((event.data().to_string(), event.id().to_string()));
            }
            assert!(
                read.is_empty() || read == [("ok".to_string(), "1".to_string())],
                "{read:?}"
            );
            assert_ne!(events.end(), Some(StreamEnd::Clean));
        }
    })
    .await;
}

/// The next frame of `body`, and when it came.
async fn next_frame<B>(body: &mut B, start: tokio::time::Instant) -> (Duration, bytes::Bytes)
where
    B: hyper::body::Body<Data = bytes::Bytes> + Unpin,
    B::Error: std::fmt::Debug,
{
    let frame = body.frame().await.unwrap().unwrap().into_data().unwrap();
    (start.elapsed(), frame)
}

/// `TokioClock` under tokio's paused clock: the keep-alive comes exactly one
/// interval after the last write, each time, and a write restarts it.
#[tokio::test(start_paused = true)]
async fn tokio_clock_keep_alives_at_exact_intervals() {
    let (tx, rx) = mpsc::channel::<OwnedServerEvent>(4);
    let events = stream::unfold(rx, |mut rx| async { Some((rx.recv().await?, rx)) });
    let mut body = EventStreamBody::new(events)
        .keep_alive(Duration::from_secs(15), TokioClock::new())
        .retry(Duration::from_secs(1));
    let start = tokio::time::Instant::now();
    assert_eq!(
        next_frame(&mut body, start).await,
        (Duration::ZERO, bytes::Bytes::from("retry: 1000\n\n"))
    );
    assert_eq!(
        next_frame(&mut body, start).await,
        (Duration::from_secs(15), bytes::Bytes::from(":\n"))
    );
    assert_eq!(
        next_frame(&mut body, start).await,
        (Duration::from_secs(30), bytes::Bytes::from(":\n"))
    );
    // An event at 40 s: the next keep-alive is at 55 s, not 45 s.
    let sender = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        tx.send(OwnedServerEvent::new("x").numeric_id(1))
            .await
            .unwrap();
        tx
    });
    assert_eq!(
        next_frame(&mut body, start).await,
        (
            Duration::from_secs(40),
            bytes::Bytes::from("id: 1\ndata: x\n\n")
        )
    );
    assert_eq!(
        next_frame(&mut body, start).await,
        (Duration::from_secs(55), bytes::Bytes::from(":\n"))
    );
    drop(sender.await.unwrap());
    // The source ended: the body ends.
    assert!(body.frame().await.is_none());
}
