//! The async driver (`ssewire::reconnect::EventSource`, feature `client`) over a
//! scripted in-memory transport and a fake runtime: sleeps complete at once
//! and advance a fake clock, random values are fixed. Polled by a minimal
//! executor, no runtime.
#![cfg(feature = "client")]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures_core::Stream;
use ssewire::reconnect::{
    EventSource as Client, Item, Options, Reply, RequestHeaders, Runtime, Stop,
};
use ssewire::OwnedEvent;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Sleeps complete when first polled, moving the clock; every sleep is
/// recorded.
#[derive(Clone, Default)]
struct Fake {
    clock: Rc<RefCell<Duration>>,
    sleeps: Rc<RefCell<Vec<Duration>>>,
}

impl Runtime for Fake {
    type Sleep = Sleep;
    fn sleep(&mut self, duration: Duration) -> Sleep {
        self.sleeps.borrow_mut().push(duration);
        Sleep(Rc::clone(&self.clock), duration)
    }
    fn now(&mut self) -> Duration {
        *self.clock.borrow()
    }
    fn random(&mut self) -> u64 {
        0
    }
}

struct Sleep(Rc<RefCell<Duration>>, Duration);

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        *self.0.borrow_mut() += self.1;
        Poll::Ready(())
    }
}

/// A body: its chunks (an `Err` is a dropped connection), counted when dropped.
struct Body {
    chunks: VecDeque<Result<&'static [u8], &'static str>>,
    dropped: Arc<AtomicUsize>,
}

impl Stream for Body {
    type Item = Result<&'static [u8], &'static str>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.chunks.pop_front())
    }
}

impl Drop for Body {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

/// One scripted answer per request.
enum Answer {
    Stream(Vec<Result<&'static [u8], &'static str>>),
    /// 200 with another content type.
    Typed(&'static str, Vec<Result<&'static [u8], &'static str>>),
    Status(u16, &'static str),
    Refused,
}

struct Server {
    answers: VecDeque<Answer>,
    /// The `Last-Event-ID` each request carried.
    requests: Vec<Option<String>>,
    dropped: Arc<AtomicUsize>,
    bodies: usize,
}

type Sent = Ready<Result<Reply<Body>, &'static str>>;

fn send(server: &Rc<RefCell<Server>>) -> impl FnMut(RequestHeaders) -> Sent {
    let server = Rc::clone(server);
    move |headers| {
        let mut server = server.borrow_mut();
        let id = headers
            .last_event_id()
            .map(|id| String::from_utf8_lossy(id).into_owned());
        server.requests.push(id);
        let dropped = Arc::clone(&server.dropped);
        let body = |chunks| Body { chunks, dropped };
        let answer = server
            .answers
            .pop_front()
            .unwrap_or(Answer::Status(204, ""));
        let response = match answer {
            Answer::Refused => return ready(Err("connection refused")),
            Answer::Stream(chunks) => Reply::new(200, body(chunks.into()))
                .with_header("content-type", "text/event-stream"),
            Answer::Typed(content_type, chunks) => {
                Reply::new(200, body(chunks.into())).with_header("content-type", content_type)
            }
            Answer::Status(status, retry_after) => {
                Reply::new(status, body(VecDeque::new())).with_header("retry-after", retry_after)
            }
        };
        server.bodies += 1;
        ready(Ok(response))
    }
}

fn server(answers: Vec<Answer>) -> Rc<RefCell<Server>> {
    Rc::new(RefCell::new(Server {
        answers: answers.into(),
        requests: Vec::new(),
        dropped: Arc::new(AtomicUsize::new(0)),
        bodies: 0,
    }))
}

struct NoWake;
impl Wake for NoWake {
    fn wake(self: Arc<Self>) {}
}

/// Every item as text, polling until the end (everything here is ready at once).
fn run<S>(mut stream: S, limit: usize) -> Vec<String>
where
    S: Stream + Unpin,
    S::Item: std::fmt::Debug,
{
    let waker = Waker::from(Arc::new(NoWake));
    let mut cx = Context::from_waker(&waker);
    let mut items = Vec::new();
    while items.len() < limit {
        match Pin::new(&mut stream).poll_next(&mut cx) {
            Poll::Ready(Some(item)) => items.push(format!("{item:?}")),
            Poll::Ready(None) => return items,
            Poll::Pending => panic!("nothing here waits"),
        }
    }
    panic!("more than {limit} items: {items:?}");
}

fn event(data: &str, id: &str) -> String {
    format!("{:?}", Item::<(), ()>::Event(OwnedEvent::new("", data, id)))
}

#[test]
fn resumes_with_the_last_event_id_and_delivers_every_event_once() {
    let server = server(vec![
        Answer::Stream(vec![
            Ok(b"retry: 250\nid: 1\ndata: a\n\nid: 2\nda"),
            Ok(b"ta: b\n\ndata: c"),
        ]),
        Answer::Stream(vec![Ok(b"id: 3\ndata: d\n\n"), Err("reset")]),
        Answer::Refused,
        Answer::Stream(vec![Ok(b": only a comment\n")]),
        Answer::Stream(vec![Ok(b"id: 4\ndata: e\n\n")]),
    ]);
    let fake = Fake::default();
    let client = Client::new(Options::new(), fake.clone(), send(&server));
    let items = run(client, 100);
    let open = "Open { status: 200, .. }";
    let text = |s: &str| s.to_string();
    assert_eq!(
        items,
        [
            text(open),
            text("Retry(250ms)"),
            event("a", "1"),
            event("b", "2"),
            text("Reconnecting { after: 250ms, reason: Truncated { discarded: 7 } }"),
            text(open),
            event("d", "3"),
            text("Error(\"reset\")"),
            text("Reconnecting { after: 250ms, reason: Network }"),
            text("Error(\"connection refused\")"),
            text("Reconnecting { after: 250ms, reason: Network }"),
            text(open),
            text("Reconnecting { after: 500ms, reason: Ended }"),
            text(open),
            event("e", "4"),
            text("Reconnecting { after: 250ms, reason: Ended }"),
            text("Rejected { status: 204, .. }"),
            text("Stopped(NoContent)"),
        ]
    );
    let server = server.borrow();
    let ids: Vec<Option<&str>> = server.requests.iter().map(Option::as_deref).collect();
    assert_eq!(
        ids,
        [None, Some("2"), Some("3"), Some("3"), Some("3"), Some("4")]
    );
    assert_eq!(
        *fake.sleeps.borrow(),
        [ms(250), ms(250), ms(250), ms(500), ms(250)]
    );
    assert_eq!(server.dropped.load(Ordering::SeqCst), server.bodies);
}

#[test]
fn stops_at_the_completing_event_and_drops_the_connection() {
    let server = server(vec![Answer::Stream(vec![
        Ok(b"data: x\n\ndata: [DONE]\n\ndata: after\n\n"),
        Ok(b"data: never read\n\n"),
    ])]);
    let client = Client::new(Options::new(), Fake::default(), send(&server))
        .complete_when(|event| event.data() == "[DONE]");
    let items = run(client, 10);
    assert_eq!(
        items,
        [
            "Open { status: 200, .. }".to_string(),
            event("x", ""),
            event("[DONE]", ""),
            "Stopped(Complete)".to_string(),
        ]
    );
    let server = server.borrow();
    assert_eq!(server.requests.len(), 1);
    assert_eq!(server.dropped.load(Ordering::SeqCst), 1);
}

#[test]
fn statuses_retried_by_policy_honour_retry_after_and_others_stop() {
    let server = server(vec![
        Answer::Status(503, "2"),
        Answer::Status(429, ""),
        Answer::Status(500, ""),
    ]);
    let fake = Fake::default();
    let options = Options::new()
        .retry_gateway_errors()
        .reconnection_time(ms(1000));
    let items = run(Client::new(options, fake.clone(), send(&server)), 20);
    assert_eq!(
        items,
        [
            "Rejected { status: 503, .. }",
            "Reconnecting { after: 2s, reason: Status(503) }",
            "Rejected { status: 429, .. }",
            "Reconnecting { after: 2s, reason: Status(429) }",
            "Rejected { status: 500, .. }",
            "Stopped(Status(500))",
        ]
    );
    let items = run(
        Client::new(
            Options::new().max_retries(Some(1)),
            Fake::default(),
            send(&server),
        ),
        20,
    );
    // The script is used up: 204 from here on.
    assert_eq!(
        items,
        ["Rejected { status: 204, .. }", "Stopped(NoContent)"]
    );
}

#[test]
fn the_retry_limit_gives_up() {
    let server = server(vec![Answer::Refused, Answer::Refused, Answer::Refused]);
    let options = Options::new().max_retries(Some(1)).resend_before_open(true);
    let items = run(Client::new(options, Fake::default(), send(&server)), 20);
    assert_eq!(
        items.last().map(String::as_str),
        Some("Stopped(GaveUp { attempts: 2 })")
    );
    assert_eq!(server.borrow().requests.len(), 2);
}

/// A body that never sends anything after its first chunk.
struct Silent(Option<&'static [u8]>, Arc<AtomicUsize>);

impl Stream for Silent {
    type Item = Result<&'static [u8], ()>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.0.take() {
            Some(chunk) => Poll::Ready(Some(Ok(chunk))),
            None => Poll::Pending,
        }
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn an_idle_stream_reconnects_and_dropping_the_client_leaks_nothing() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let requests = Rc::new(RefCell::new(0));
    let send = {
        let (dropped, requests) = (Arc::clone(&dropped), Rc::clone(&requests));
        move |_: RequestHeaders| {
            *requests.borrow_mut() += 1;
            let body = Silent(Some(b"data: x\n\n:\n"), Arc::clone(&dropped));
            ready(Ok::<_, ()>(
                Reply::new(200, body).with_header("content-type", "text/event-stream"),
            ))
        }
    };
    let fake = Fake::default();
    let options = Options::new()
        .idle_timeout(Some(ms(5000)))
        .reconnection_time(ms(100));
    let mut client = Client::new(options, fake.clone(), send);
    let waker = Waker::from(Arc::new(NoWake));
    let mut cx = Context::from_waker(&waker);
    let mut items = Vec::new();
    while items.len() < 9 {
        match Pin::new(&mut client).poll_next(&mut cx) {
            Poll::Ready(Some(item)) => items.push(format!("{item:?}")),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        items[..4],
        [
            "Open { status: 200, .. }".to_string(),
            event("x", ""),
            "Reconnecting { after: 100ms, reason: Idle }".to_string(),
            "Open { status: 200, .. }".to_string(),
        ]
    );
    // Each connection: the idle sleep (5 s), then the wait (100 ms).
    assert_eq!(
        fake.sleeps.borrow()[..4],
        [ms(5000), ms(100), ms(5000), ms(100)]
    );
    drop(client);
    assert_eq!(dropped.load(Ordering::SeqCst), *requests.borrow());
    // The fake runtime's handles are the only ones left.
    assert_eq!(Rc::strong_count(&fake.clock), 1);
}

#[test]
fn an_event_over_the_limit_is_reported_and_the_stream_goes_on() {
    let server = server(vec![Answer::Stream(vec![Ok(
        b"data: 0123456789abcdef\n\ndata: ok\n\n",
    )])]);
    let config = ssewire::Config::new()
        .max_event_bytes(8)
        .on_limit(ssewire::OnLimit::SkipEvent);
    let parser = ssewire::Parser::with_config(Vec::new(), config);
    let state = ssewire::reconnect::EventSourceState::with_parser(Options::new(), parser);
    let items = run(
        Client::with_state(state, Fake::default(), send(&server)),
        10,
    );
    assert_eq!(items[0], "Open { status: 200, .. }");
    assert!(
        items[1].starts_with("Invalid(LimitExceeded { limit: 8"),
        "{}",
        items[1]
    );
    assert_eq!(items[2], event("ok", ""));
}

#[test]
fn marking_the_stream_complete_closes_the_open_connection() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let send = {
        let dropped = Arc::clone(&dropped);
        move |_: RequestHeaders| {
            let body = Silent(Some(b"data: x\n\n"), Arc::clone(&dropped));
            ready(Ok::<_, ()>(
                Reply::new(200, body).with_header("content-type", "text/event-stream"),
            ))
        }
    };
    let mut client = Client::new(Options::new(), Fake::default(), send);
    let waker = Waker::from(Arc::new(NoWake));
    let mut cx = Context::from_waker(&waker);
    let mut next = |client: &mut Client<_, _, _, _, _>| match Pin::new(client).poll_next(&mut cx) {
        Poll::Ready(item) => item.map(|item| format!("{item:?}")),
        Poll::Pending => Some("Pending".to_string()),
    };
    assert_eq!(
        next(&mut client).as_deref(),
        Some("Open { status: 200, .. }")
    );
    assert_eq!(next(&mut client), Some(event("x", "")));
    assert_eq!(next(&mut client).as_deref(), Some("Pending"));
    assert_eq!(dropped.load(Ordering::SeqCst), 0);
    client.mark_complete();
    assert_eq!(next(&mut client).as_deref(), Some("Stopped(Complete)"));
    assert_eq!(dropped.load(Ordering::SeqCst), 1, "the body is dropped");
    assert_eq!(next(&mut client), None);
    assert_eq!(next(&mut client), None);
}

#[test]
fn comments_are_items_only_when_the_parser_keeps_them() {
    let stream = b": keep-alive\ndata: x\n\n";
    let server_off = server(vec![Answer::Stream(vec![Ok(stream)])]);
    let items = run(
        Client::new(Options::new(), Fake::default(), send(&server_off)).complete_when(|_| true),
        10,
    );
    assert_eq!(
        items,
        [
            "Open { status: 200, .. }".to_string(),
            event("x", ""),
            "Stopped(Complete)".into()
        ]
    );

    let server_on = server(vec![Answer::Stream(vec![Ok(stream)])]);
    let parser = ssewire::Parser::with_config(Vec::new(), ssewire::Config::new().comments(true));
    let state = ssewire::reconnect::EventSourceState::with_parser(Options::new(), parser);
    let client =
        Client::with_state(state, Fake::default(), send(&server_on)).complete_when(|_| true);
    let items = run(client, 10);
    assert_eq!(
        items,
        [
            "Open { status: 200, .. }".to_string(),
            r#"Comment { text: "keep-alive", truncated: false }"#.into(),
            event("x", ""),
            "Stopped(Complete)".into()
        ]
    );
}

/// Issue 19: a default client skips an event over the parser's limit,
/// reports it once, and goes on with the next events on the same
/// connection (never `Error::Stopped` for the chunks after it).
#[test]
fn a_default_client_skips_an_oversized_event_and_reads_on() {
    let big: &'static [u8] = Box::leak(
        format!(
            "data: {}\n\n",
            "x".repeat(ssewire::Config::DEFAULT_MAX_EVENT_BYTES + 1)
        )
        .into_bytes()
        .into_boxed_slice(),
    );
    let server = server(vec![Answer::Stream(vec![
        Ok(b"data: before\n\n"),
        Ok(big),
        Ok(b"data: after\n\n"),
        Ok(b"data: and more\n\n"),
    ])]);
    let items = run(
        Client::new(Options::new(), Fake::default(), send(&server)),
        20,
    );
    assert_eq!(items[1], event("before", ""));
    assert!(
        items[2].starts_with("Invalid(LimitExceeded"),
        "{}",
        items[2]
    );
    assert_eq!(items[3..5], [event("after", ""), event("and more", "")]);
    assert!(!items
        .iter()
        .any(|i| i.contains("Stopped\"") || i.contains("Invalid(Stopped")));
    assert_eq!(server.borrow().requests.len(), 2, "one stream, then 204");
}

/// With a parser of `OnLimit::Stop`, the connection ends at the error and
/// the stream reconnects (the next chunks are not read as `Error::Stopped`).
#[test]
fn a_parser_that_stops_ends_the_connection_and_reconnects() {
    let server = server(vec![
        Answer::Stream(vec![
            Ok(b"id: 1\ndata: a\n\ndata: 0123456789abcdef\n\n"),
            Ok(b"data: never read\n\n"),
        ]),
        Answer::Stream(vec![Ok(b"data: b\n\n")]),
    ]);
    let config = ssewire::Config::new()
        .max_event_bytes(8)
        .on_limit(ssewire::OnLimit::Stop);
    let parser = ssewire::Parser::with_config(Vec::new(), config);
    let state = ssewire::reconnect::EventSourceState::with_parser(Options::new(), parser);
    let items = run(
        Client::with_state(state, Fake::default(), send(&server)),
        20,
    );
    assert_eq!(items[1], event("a", "1"));
    assert!(
        items[2].starts_with("Invalid(LimitExceeded"),
        "{}",
        items[2]
    );
    // The parser's end: the chunk stopped at a blank line, so a clean one.
    assert_eq!(items[3], "Reconnecting { after: 3s, reason: Ended }");
    assert_eq!(items[5], event("b", "1"));
    assert!(!items.iter().any(|i| i.contains("Invalid(Stopped")));
    assert_eq!(server.borrow().requests[1].as_deref(), Some("1"));
}

#[test]
fn a_request_without_response_is_not_sent_again_unless_asked() {
    // The default (safe for a POST): one request, its error, then the stop.
    let server_post = server(vec![Answer::Refused, Answer::Stream(vec![])]);
    let items = run(
        Client::new(Options::new(), Fake::default(), send(&server_post)),
        10,
    );
    assert_eq!(
        items,
        ["Error(\"connection refused\")", "Stopped(RequestFailed)"]
    );
    assert_eq!(server_post.borrow().requests.len(), 1);
    // Opted in (a GET, as EventSource): sent again, and the stream opens.
    let server_get = server(vec![
        Answer::Refused,
        Answer::Stream(vec![Ok(b"data: x\n\n")]),
    ]);
    let options = Options::new().resend_before_open(true);
    let items = run(
        Client::new(options, Fake::default(), send(&server_get)).complete_when(|_| true),
        10,
    );
    assert_eq!(
        items,
        [
            "Error(\"connection refused\")".to_string(),
            "Reconnecting { after: 3s, reason: Network }".into(),
            "Open { status: 200, .. }".into(),
            event("x", ""),
            "Stopped(Complete)".into(),
        ]
    );
}

#[test]
fn a_json_answer_is_an_item_with_its_body_bounded() {
    let server_json = server(vec![Answer::Typed(
        "application/json",
        vec![Ok(br#"{"jsonrpc":"2.0","#), Ok(br#""id":1,"result":{}}"#)],
    )]);
    let items = run(
        Client::new(Options::new(), Fake::default(), send(&server_json)),
        10,
    );
    assert_eq!(
        items,
        [
            r#"Answer { status: 200, body: "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", truncated: false, .. }"#,
            "Stopped(ContentType)",
        ]
    );
    let server_big = server(vec![Answer::Typed(
        "text/html",
        vec![Ok(b"<html>"), Ok(b"<body>"), Ok(b"never read")],
    )]);
    let client =
        Client::new(Options::new(), Fake::default(), send(&server_big)).max_answer_bytes(8);
    let items = run(client, 10);
    assert_eq!(
        items,
        [
            r#"Answer { status: 200, body: "<html><b", truncated: true, .. }"#,
            "Stopped(ContentType)",
        ]
    );
    assert_eq!(server_big.borrow().dropped.load(Ordering::SeqCst), 1);
}

/// Polls a future that is ready at once (everything here is).
fn ready_now<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(NoWake));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("nothing here waits"),
    }
}

#[test]
fn next_event_hands_out_events_and_ends_with_the_stop_and_its_cause() {
    let server_ok = server(vec![Answer::Stream(vec![Ok(b"data: a\n\n:\n")])]);
    let mut source = Client::new(Options::new(), Fake::default(), send(&server_ok));
    let first = ready_now(source.next_event()).unwrap();
    assert_eq!(first.as_ref().map(OwnedEvent::data), Some("a"));
    // The stream reconnects, then 204: the normal end.
    assert!(matches!(ready_now(source.next_event()), Ok(None)));
    assert!(matches!(ready_now(source.next_event()), Ok(None)));

    let server_refused = server(vec![Answer::Refused]);
    let mut source = Client::new(Options::new(), Fake::default(), send(&server_refused));
    let failure = ready_now(source.next_event()).unwrap_err();
    assert_eq!(failure.stop(), Stop::RequestFailed);
    assert_eq!(failure.error(), Some(&"connection refused"));
    assert_eq!(
        failure.to_string(),
        "the request failed before any response and is not sent again"
    );

    let server_401 = server(vec![Answer::Status(401, "")]);
    let mut source = Client::new(Options::new(), Fake::default(), send(&server_401));
    let failure = ready_now(source.next_event()).unwrap_err();
    assert_eq!((failure.stop(), failure.error()), (Stop::Status(401), None));
}

#[test]
fn items_and_stops_read_as_text() {
    let stop: Box<dyn std::error::Error> = Box::new(Stop::Status(401));
    assert_eq!(stop.to_string(), "the server answered HTTP status 401");
    let next: Box<dyn std::error::Error> = Box::new(ssewire::reconnect::Next::Reconnect {
        after: ms(250),
        reason: ssewire::reconnect::Reason::Status(503),
    });
    assert_eq!(next.to_string(), "reconnecting in 250 ms (HTTP status 503)");
    let item = Item::<(), &str>::Reconnecting {
        after: ms(1500),
        reason: ssewire::reconnect::Reason::Truncated { discarded: 9 },
    };
    assert_eq!(
        item.to_string(),
        "reconnecting in 1500 ms (the stream ended inside an event; its 9 bytes were dropped)"
    );
    assert_eq!(
        Item::<(), &str>::Stopped(Stop::ContentEncoding).to_string(),
        "stopped: the server answered with a Content-Encoding the HTTP client did not decode"
    );
}

/// The natural request function compiles: the headers move into the
/// `async` block (with a borrowed `RequestHeaders<'_>` this failed with
/// "lifetime may not live long enough").
#[test]
fn the_request_headers_move_into_the_async_block() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let send = {
        let seen = Rc::clone(&seen);
        move |next: RequestHeaders| {
            let seen = Rc::clone(&seen);
            async move {
                let accept = String::from_utf8_lossy(next.iter().next().unwrap().1).into_owned();
                seen.borrow_mut().push(accept);
                let body = Silent(None, Arc::new(AtomicUsize::new(0)));
                Ok::<_, ()>(Reply::new(204, body))
            }
        }
    };
    let options = Options::new().accept("application/json, text/event-stream");
    let items = run(Client::new(options, Fake::default(), send), 5);
    assert_eq!(
        items,
        ["Rejected { status: 204, .. }", "Stopped(NoContent)"]
    );
    assert_eq!(*seen.borrow(), ["application/json, text/event-stream"]);
}
