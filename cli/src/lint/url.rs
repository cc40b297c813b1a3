//! `ssewire lint URL`: one request (the request options of `cat`), its
//! response head checked against what `EventSource` and the proxies between
//! need, then its body linted for a bounded time or number of events.

use std::future::poll_fn;
use std::io;

use reqwest::header::{HeaderMap, ACCEPT_ENCODING, CONTENT_TYPE};

use super::report::Printer;
use super::rules::Checker;
use super::scan::Scanner;
use super::written;
use crate::exit::{describe_io, Fatal, Status};
use crate::request::{self, describe, Chunks, Request};
use crate::LintArgs;

type Out<'a> = Printer<io::BufWriter<io::StdoutLock<'a>>>;

/// Lints `url`; true when the server ended the body (so the stream's end is
/// judged too), false when the command stopped reading it (--max-time,
/// --max-events, a broken connection) or did not read it.
pub fn lint(
    url: &str,
    args: &LintArgs,
    scanner: &mut Scanner,
    checker: &mut Checker<Out<'_>>,
) -> Result<bool, Fatal> {
    let (request, seed) = Request::from_args(url, &args.http)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Fatal::new(Status::Network, format!("{url}: {}", describe_io(&e))))?;
    runtime.block_on(read(url, args, &request, seed, scanner, checker))
}

async fn read(
    url: &str,
    args: &LintArgs,
    request: &Request,
    seed: Option<String>,
    scanner: &mut Scanner,
    checker: &mut Checker<Out<'_>>,
) -> Result<bool, Fatal> {
    let http = request::client(url)?;
    let deadline = tokio::time::Instant::now() + args.max_time;
    let seconds = args.max_time.as_secs_f64();
    // What EventSource sends (a header given with -H replaces its default).
    let mut extra: Vec<(&str, &[u8])> = vec![
        ("accept", b"text/event-stream"),
        ("cache-control", b"no-cache"),
    ];
    if let Some(id) = &seed {
        extra.push(("last-event-id", id.as_bytes()));
    }
    let sent = request.build(&http, None, extra).send();
    let response = match tokio::time::timeout_at(deadline, sent).await {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => return Err(fail(url, &describe(&error))),
        Err(_) => {
            return Err(fail(
                url,
                &format!("no response within {seconds} s (--max-time)"),
            ))
        }
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body: Chunks = Box::pin(response.bytes_stream());
    let printer = &mut checker.report;

    if status != 200 {
        let (start, cut) = request::body_start(&mut body).await;
        let why = if status == 204 {
            "a 204 tells EventSource to stop: there is no stream"
        } else {
            "EventSource fails the connection for good"
        };
        let message = format!("{}: {why}", request::status_line(status));
        printer.response("http-status", &message, Some((&start, cut)));
        written(&mut printer.result)?;
        return Ok(false);
    }
    let compressed = check_head(&headers, request, printer);
    written(&mut printer.result)?;
    if let Some(encoding) = compressed {
        eprintln!("ssewire: {url}: the body is compressed ({encoding}): not linted");
        return Ok(false);
    }

    loop {
        if args.max_events.is_some_and(|max| checker.events >= max) {
            eprintln!(
                "ssewire: {url}: stopped after {} events (--max-events)",
                checker.events
            );
            return Ok(false);
        }
        let next = poll_fn(|cx| body.as_mut().poll_next(cx));
        match tokio::time::timeout_at(deadline, next).await {
            Ok(Some(Ok(chunk))) => {
                scanner.feed(&chunk, checker);
                written(&mut checker.report.result)?;
            }
            Ok(None) => return Ok(true),
            Ok(Some(Err(error))) => {
                eprintln!("ssewire: {url}: connection broke: {}", describe(&error));
                return Ok(false);
            }
            Err(_) => {
                eprintln!(
                    "ssewire: {url}: stopped after {seconds} s (--max-time); events read: {}",
                    checker.events
                );
                return Ok(false);
            }
        }
    }
}

/// The head of a 200 response: what makes clients refuse the stream, and
/// what makes proxies hold it back. Returns the body's encoding when it is
/// compressed (and so cannot be linted).
fn check_head(headers: &HeaderMap, request: &Request, printer: &mut Out<'_>) -> Option<String> {
    let text = |name: &str| {
        let all: Vec<String> = headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        (!all.is_empty()).then(|| all.join(", "))
    };
    // Fetch combines repeated headers; for a MIME type the last one counts.
    let kind = headers.get_all(CONTENT_TYPE).iter().next_back();
    match kind {
        Some(kind) if ssewire::is_event_stream(kind.as_bytes()) => {}
        Some(kind) => {
            let kind = String::from_utf8_lossy(kind.as_bytes());
            let message = format!(
                "Content-Type is {kind:?}, not text/event-stream: EventSource fails the connection"
            );
            printer.response("content-type", &message, None);
        }
        None => printer.response(
            "content-type",
            "no Content-Type (text/event-stream expected): EventSource fails the connection",
            None,
        ),
    }
    let cache = text("cache-control");
    let no_cache = cache.as_deref().is_some_and(|value| {
        value.split(',').any(|directive| {
            let directive = directive.trim();
            directive.eq_ignore_ascii_case("no-cache") || directive.eq_ignore_ascii_case("no-store")
        })
    });
    if !no_cache {
        let message = match &cache {
            Some(value) => format!("Cache-Control is {value:?}, without no-cache or no-store: a cache or proxy may keep or hold the stream"),
            None => "no Cache-Control: send `Cache-Control: no-cache` so that no cache or proxy keeps or holds the stream".into(),
        };
        printer.response("cache-control", &message, None);
    }
    if let Some(value) = text("x-accel-buffering") {
        if !value.trim().eq_ignore_ascii_case("no") {
            let message = format!("X-Accel-Buffering is {value:?}: nginx holds events back until its buffer fills (send `no`)");
            printer.response("proxy-buffering", &message, None);
        }
    }
    if let Some(length) = text("content-length") {
        let message = format!("Content-Length is {length}: a body of fixed size, written whole rather than as events come");
        printer.response("content-length", &message, None);
    }
    let encoding =
        text("content-encoding").filter(|v| !v.trim().eq_ignore_ascii_case("identity"))?;
    if !request.headers.contains_key(ACCEPT_ENCODING) {
        let message = format!("Content-Encoding is {encoding:?}, which the request did not ask for: clients read the compressed bytes as the stream");
        printer.response("content-encoding", &message, None);
    }
    Some(encoding)
}

fn fail(url: &str, why: &str) -> Fatal {
    Fatal::new(Status::Network, format!("{url}: {why}"))
}
