//! `ssewire cat URL`: the stream fetched with reqwest, on a one-thread tokio
//! runtime, through `ssewire::reconnect::EventSource` (reconnection with
//! Last-Event-ID, the server's `retry`, backoff).
//!
//! Until the stream has opened once, any failure ends the command (a wrong
//! URL fails at once, as with curl; a response that does not open the stream
//! is shown with the start of its body); after that, drops are reconnected
//! and reported on stderr (a request other than GET makes one connection
//! unless --reconnect). Stdout carries only the stream.

use std::future::poll_fn;
use std::hash::{BuildHasher, Hasher};
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use reqwest::header::CONTENT_TYPE;
use ssewire::reconnect::{
    EventSource, EventSourceState, Item, Options, Reason, Reply, Runtime, Stop,
};
use ssewire::{Parser, StreamEnd};

use crate::cat::Printer;
use crate::exit::{describe_io, Fatal, Status};
use crate::request::{self, describe, Chunks, Request};
use crate::{CatArgs, FollowArgs};

pub fn run(
    url: &str,
    args: &CatArgs,
    parser: Parser<Vec<u8>>,
    out: &mut Printer<'_>,
) -> Result<Status, Fatal> {
    let (request, seed) = Request::from_args(url, &args.http)?;
    let mut state = EventSourceState::with_parser(options(), parser);
    if let Some(id) = seed {
        state
            .reset_with_last_event_id(id.as_bytes())
            .map_err(|e| Fatal::new(Status::Usage, format!("Last-Event-ID: {e}")))?;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Fatal::new(Status::Network, format!("{url}: {}", describe_io(&e))))?;
    runtime.block_on(follow(url, request, state, args, out))
}

/// The client's rules for the command: what `EventSource` does, and what
/// gateways and rate limiters answer for a passing trouble (429, 502, 503,
/// 504) is retried once the stream has opened.
fn options() -> Options {
    Options::new().retry_gateway_errors()
}

/// One connection, or reconnect as `EventSource` does: a GET reconnects
/// unless --no-reconnect; any other method (a POST to an LLM or an MCP
/// server: sending it again repeats its effect) makes one connection unless
/// --reconnect.
pub fn one_connection(request: &Request, follow: &FollowArgs) -> bool {
    follow.no_reconnect || (!request.is_safe() && !follow.reconnect)
}

async fn follow(
    url: &str,
    request: Request,
    state: EventSourceState,
    args: &CatArgs,
    out: &mut Printer<'_>,
) -> Result<Status, Fatal> {
    let http = request::client(url)?;
    let one_connection = one_connection(&request, &args.follow);
    let mut client = EventSource::with_state(state, Clock::new(), move |headers| {
        send(request.build(&http, headers.url(), headers.iter()))
    });
    if let Some(text) = args.until_data.clone() {
        client = client.complete_when(move |event| event.data() == text);
    }
    let mut client = pin!(client);
    let mut opened = false;
    // A response is being read (an error now is a broken connection).
    let mut streaming = false;
    // Why the last attempt failed, for the message that follows it, and the
    // start of the body of a response that did not open the stream.
    let mut failure = None;
    let mut shown_body = String::new();
    // `None`: the stream was left (--until-data), not ended by the server.
    let end = loop {
        let Some(item) = poll_fn(|cx| client.as_mut().poll_next(cx)).await else {
            break None;
        };
        match item {
            Item::Open { .. } => (opened, streaming) = (true, true),
            Item::Event(event) => ssewire::Handler::event(out, event.as_event()),
            Item::Retry(time) => {
                let ms = u64::try_from(time.as_millis()).unwrap_or(u64::MAX);
                ssewire::Handler::retry(out, ms);
            }
            Item::Comment { text, truncated } => ssewire::Handler::comment(out, &text, truncated),
            Item::Invalid(error) => ssewire::Handler::error(out, error),
            Item::Error(error) if streaming => {
                failure = Some(format!("connection broke: {}", describe(&error)));
            }
            Item::Error(error) => failure = Some(describe(&error)),
            Item::Rejected { head, mut body } => {
                failure = Some(rejected(head.status(), &body));
                let (start, cut) = request::body_start(&mut body.chunks).await;
                shown_body = request::show_body(&start, cut);
            }
            Item::Answer {
                head,
                body,
                truncated,
            } => {
                failure = Some(not_a_stream(head.content_type()));
                shown_body = request::show_body(&body, truncated);
            }
            Item::Reconnecting { after, reason } => {
                streaming = false;
                let why = failure.take();
                let body = std::mem::take(&mut shown_body);
                if !opened {
                    let why = why.unwrap_or_else(|| because(reason));
                    return Err(fail(url, &format!("{why}{body}")));
                }
                if one_connection {
                    if let Some(why) = why {
                        eprintln!("ssewire: {url}: {why}");
                    }
                    break Some(match reason {
                        Reason::Ended => StreamEnd::Clean,
                        // A broken connection drops the event under way too.
                        _ => StreamEnd::Truncated { discarded: 0 },
                    });
                }
                let why = why.unwrap_or_else(|| because(reason));
                eprintln!("ssewire: reconnecting in {} ms ({why})", after.as_millis());
            }
            Item::Stopped(Stop::Complete) => break None,
            Item::Stopped(Stop::NoContent) => break Some(StreamEnd::Clean),
            Item::Stopped(stop) => {
                let why = failure.take().unwrap_or_else(|| format!("{stop:?}"));
                return Err(fail(url, &format!("{why}{shown_body}")));
            }
            _ => {}
        }
        out.check()?;
    };
    out.write_end(end, client.state().last_event_id());
    out.flush();
    out.check()?;
    Ok(out.status(matches!(end, Some(StreamEnd::Truncated { .. }))))
}

fn fail(url: &str, why: &str) -> Fatal {
    Fatal::new(Status::Network, format!("{url}: {why}"))
}

/// A reason for reconnecting, in words.
fn because(reason: Reason) -> String {
    match reason {
        Reason::Ended => "stream ended".into(),
        Reason::Truncated { discarded } => {
            format!("stream ended inside an event; its {discarded} bytes were dropped")
        }
        Reason::Network => "connection failed".into(),
        Reason::Idle => "no bytes for the idle timeout".into(),
        Reason::Status(status) => request::status_line(status),
        other => format!("{other:?}"),
    }
}

/// A response that did not open the stream, in words.
fn rejected(status: u16, body: &Body) -> String {
    match (status, &body.content_type) {
        (200, Some(kind)) => {
            format!("HTTP 200, but Content-Type is {kind:?}, not text/event-stream")
        }
        (200, None) => "HTTP 200, but no Content-Type (text/event-stream expected)".into(),
        _ => request::status_line(status),
    }
}

/// A 200 answer that is not a stream, in words.
fn not_a_stream(kind: Option<&[u8]>) -> String {
    match kind {
        Some(kind) => format!(
            "HTTP 200, but Content-Type is {:?}, not text/event-stream",
            String::from_utf8_lossy(kind)
        ),
        None => "HTTP 200, but no Content-Type (text/event-stream expected)".into(),
    }
}

/// Sends a request; its response as the client reads it: every header
/// (`Retry-After` as seconds or an HTTP-date against the response's `Date`,
/// `Content-Type` by Fetch's rule, `Content-Encoding`) and the URL reqwest's
/// redirects ended at, which the next attempt goes to.
async fn send(request: reqwest::RequestBuilder) -> Result<Reply<Body>, reqwest::Error> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    let url = response.url().to_string();
    let headers = response.headers().clone();
    let body = Body {
        content_type: headers
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        chunks: Box::pin(response.bytes_stream()),
    };
    let mut reply = Reply::new(status, body).with_url(url);
    for (name, value) in &headers {
        reply = reply.with_header(name.as_str(), value.as_bytes());
    }
    Ok(reply)
}

/// A response body, with its content type for the message when it is not a
/// stream.
struct Body {
    content_type: Option<String>,
    chunks: Chunks,
}

impl Stream for Body {
    type Item = reqwest::Result<bytes::Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

/// tokio's timer and clock; the jitter comes from std's per-process random
/// hash keys, so two commands started together do not retry in step.
struct Clock {
    start: tokio::time::Instant,
    keys: std::collections::hash_map::RandomState,
    count: u64,
}

impl Clock {
    fn new() -> Self {
        Clock {
            start: tokio::time::Instant::now(),
            keys: std::collections::hash_map::RandomState::new(),
            count: 0,
        }
    }
}

impl Runtime for Clock {
    type Sleep = tokio::time::Sleep;

    fn sleep(&mut self, duration: Duration) -> tokio::time::Sleep {
        tokio::time::sleep(duration)
    }

    fn now(&mut self) -> Duration {
        self.start.elapsed()
    }

    fn random(&mut self) -> u64 {
        self.count = self.count.wrapping_add(1);
        let mut hasher = self.keys.build_hasher();
        hasher.write_u64(self.count);
        hasher.finish()
    }
}
