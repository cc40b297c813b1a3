//! The async driver (feature `client`): [`EventSourceState`] run over the
//! caller's HTTP client and runtime, as a `Stream` of [`Item`]s. No runtime
//! of its own: sleeping, the clock and random values come from a
//! [`Runtime`], requests from the caller's function.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::fmt;
use core::future::Future;
use core::mem;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use futures_core::Stream;

use super::{EventSourceState, Head, Next, Options, Reason, RequestHeaders, Stop};
use crate::{Error, Event, Handler, OwnedEvent};

/// What the driver needs from an async runtime: a sleep, and under `std` a
/// clock and random values of its own ([`Tokio`](super::Tokio), feature
/// `tokio`, is one ready to use). A runtime for tests, whose sleeps end at
/// once:
///
/// ```
/// use core::future::{ready, Ready};
/// use core::time::Duration;
/// use ssewire::reconnect::Runtime;
///
/// struct Instantly(Duration);
///
/// impl Runtime for Instantly {
///     type Sleep = Ready<()>;
///     fn sleep(&mut self, duration: Duration) -> Ready<()> {
///         self.0 += duration;
///         ready(())
///     }
///     fn now(&mut self) -> Duration {
///         self.0
///     }
///     fn random(&mut self) -> u64 {
///         4 // a fixed jitter, for reproducible waits
///     }
/// }
/// # let mut rt = Instantly(Duration::ZERO);
/// # let _ = rt.sleep(Duration::from_secs(1));
/// # assert_eq!(rt.now(), Duration::from_secs(1));
/// ```
pub trait Runtime {
    /// A sleep that completes after its duration.
    type Sleep: Future<Output = ()>;

    /// Sleeps for `duration`.
    fn sleep(&mut self, duration: Duration) -> Self::Sleep;

    /// Monotonic time since any fixed epoch. Under `std`, by default,
    /// `std::time::Instant` since the first call in the process.
    #[cfg(feature = "std")]
    fn now(&mut self) -> Duration {
        super::clock::now()
    }

    /// Monotonic time since any fixed epoch.
    #[cfg(not(feature = "std"))]
    fn now(&mut self) -> Duration;

    /// A random value, for the backoff's jitter (need not be cryptographic,
    /// but clients started together should not share a seed). Under `std`,
    /// by default, SipHash of a counter under std's per-process random keys.
    #[cfg(feature = "std")]
    fn random(&mut self) -> u64 {
        super::clock::random()
    }

    /// A random value, for the backoff's jitter (need not be cryptographic,
    /// but clients started together should not share a seed).
    #[cfg(not(feature = "std"))]
    fn random(&mut self) -> u64;
}

/// A response as the driver takes it from the request function: its
/// [`Head`] and its body as a `Stream` of byte chunks (any chunk type, an
/// error type that converts into the request's). From any `http` client,
/// [`Reply::from_http`] (feature `http-body`) builds it.
///
/// ```
/// use core::time::Duration;
/// use ssewire::reconnect::Reply;
///
/// // A busy gateway's answer, as a request function hands it over.
/// let body = futures::stream::iter([Ok::<_, std::io::Error>(&b"busy"[..])]);
/// let reply = Reply::new(503, body)
///     .with_header("content-type", "text/plain")
///     .with_header("retry-after", "5");
/// assert_eq!(reply.head().status(), 503);
/// assert_eq!(reply.head().retry_after(), Some(Duration::from_secs(5)));
/// ```
pub struct Reply<B> {
    head: Head,
    body: B,
}

impl<B> Reply<B> {
    /// A response with this status and body, and no headers.
    pub fn new(status: u16, body: B) -> Self {
        Self::from_parts(Head::new(status), body)
    }

    /// A response with this head and body.
    pub fn from_parts(head: Head, body: B) -> Self {
        Self { head, body }
    }

    /// Adds a header (after any of the same name).
    #[must_use]
    pub fn with_header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.head.push_header(name, value);
        self
    }

    /// The URL the response came from, after redirects: the next request
    /// goes there ([`RequestHeaders::url`]).
    #[must_use]
    pub fn with_url(mut self, url: impl Into<alloc::string::String>) -> Self {
        self.head = self.head.with_url(url);
        self
    }

    /// The head.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// The head and the body.
    pub fn into_parts(self) -> (Head, B) {
        (self.head, self.body)
    }
}

impl<B> fmt::Debug for Reply<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("head", &self.head)
            .finish_non_exhaustive()
    }
}

/// What the driver yields, in order. Every stream of items ends with one
/// [`Item::Stopped`].
///
/// ```
/// use core::future::{ready, Ready};
/// use core::time::Duration;
/// use futures::{executor::block_on, stream, StreamExt};
/// use ssewire::reconnect::{EventSource, Item, Options, Reason, Reply, Runtime};
///
/// /// Sleeps that end at once (a test's runtime).
/// struct Instantly(Duration);
/// impl Runtime for Instantly {
///     type Sleep = Ready<()>;
///     fn sleep(&mut self, duration: Duration) -> Ready<()> {
///         self.0 += duration;
///         ready(())
///     }
///     fn now(&mut self) -> Duration {
///         self.0
///     }
///     fn random(&mut self) -> u64 {
///         4
///     }
/// }
///
/// let mut answers = [
///     Reply::new(503, stream::iter([Ok::<_, std::io::Error>(&b"busy"[..])]))
///         .with_header("retry-after", "5"),
///     Reply::new(200, stream::iter([Ok(&b"data: hi\n\n"[..])]))
///         .with_header("content-type", "text/event-stream"),
/// ]
/// .into_iter();
/// let options = Options::new().retry_gateway_errors(); // 429, 502, 503, 504
/// let source = EventSource::new(options, Instantly(Duration::ZERO), move |_headers| {
///     ready(Ok::<_, std::io::Error>(answers.next().expect("two requests")))
/// })
/// .complete_when(|event| event.data() == "hi");
/// let items: Vec<_> = block_on(source.collect());
/// assert!(matches!(&items[0], Item::Rejected { head, .. } if head.status() == 503));
/// let Item::Reconnecting { after, reason } = &items[1] else { panic!("{items:?}") };
/// assert_eq!(*reason, Reason::Status(503));
/// assert!(*after >= Duration::from_secs(5), "{after:?}"); // Retry-After honoured
/// assert!(matches!(&items[2..], [Item::Open { .. }, Item::Event(e), Item::Stopped(_)] if e.data() == "hi"));
/// ```
#[non_exhaustive]
pub enum Item<B, E> {
    /// A response opened the stream (200, `text/event-stream`): its head
    /// (status, headers such as a session ID, the URL).
    Open {
        /// The response's head.
        head: Head,
    },
    /// An event.
    Event(OwnedEvent),
    /// A `retry` field set the reconnection time (as sent; the wait is kept
    /// within [`Options::min_delay`] and [`Options::max_delay`]).
    Retry(Duration),
    /// A comment line, only from a parser configured with
    /// [`Config::comments`](crate::Config::comments) (keep-alives, say).
    Comment {
        /// The text after the colon (and one space, as in a field).
        text: Vec<u8>,
        /// Cut at the parser's limit.
        truncated: bool,
    },
    /// The parser refused an event (a limit); the stream goes on.
    Invalid(Error),
    /// Sending the request or reading the body failed; [`Item::Reconnecting`]
    /// or [`Item::Stopped`] follows.
    Error(E),
    /// A 200 answer that is not an event stream (an MCP server's
    /// `application/json` answer to a POST, say), its body read up to
    /// [`EventSource::max_answer_bytes`]; [`Item::Stopped`]`(`
    /// [`Stop::ContentType`]`)` follows.
    Answer {
        /// The response's head.
        head: Head,
        /// The body (its first `max_answer_bytes` when `truncated`).
        body: Vec<u8>,
        /// The body went on past `max_answer_bytes`; the rest was not read.
        truncated: bool,
    },
    /// Any other response that does not open the stream (a status, an
    /// undecoded encoding), with its body for the caller to read (or drop);
    /// [`Item::Reconnecting`] or [`Item::Stopped`] follows.
    Rejected {
        /// The response's head.
        head: Head,
        /// The body, unread.
        body: B,
    },
    /// The connection is over; the next request goes out after `after`.
    Reconnecting {
        /// The wait.
        after: Duration,
        /// Why the connection ended (a clean end is no error).
        reason: Reason,
    },
    /// The stream is over for good; nothing follows.
    Stopped(Stop),
}

impl<B, E: fmt::Debug> fmt::Debug for Item<B, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Open { head } => f
                .debug_struct("Open")
                .field("status", &head.status())
                .finish_non_exhaustive(),
            Self::Event(event) => f.debug_tuple("Event").field(event).finish(),
            Self::Retry(time) => f.debug_tuple("Retry").field(time).finish(),
            Self::Comment { text, truncated } => f
                .debug_struct("Comment")
                .field("text", &alloc::string::String::from_utf8_lossy(text))
                .field("truncated", truncated)
                .finish(),
            Self::Invalid(error) => f.debug_tuple("Invalid").field(error).finish(),
            Self::Error(error) => f.debug_tuple("Error").field(error).finish(),
            Self::Answer {
                head,
                body,
                truncated,
            } => f
                .debug_struct("Answer")
                .field("status", &head.status())
                .field("body", &alloc::string::String::from_utf8_lossy(body))
                .field("truncated", truncated)
                .finish_non_exhaustive(),
            Self::Rejected { head, .. } => f
                .debug_struct("Rejected")
                .field("status", &head.status())
                .finish_non_exhaustive(),
            Self::Reconnecting { after, reason } => f
                .debug_struct("Reconnecting")
                .field("after", after)
                .field("reason", reason)
                .finish(),
            Self::Stopped(stop) => f.debug_tuple("Stopped").field(stop).finish(),
        }
    }
}

/// One line of text per item, for logs: `open (200)`, the event's data,
/// `reconnecting in 3000 ms (the stream ended)`, the stop's reason.
impl<B, E: fmt::Display> fmt::Display for Item<B, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Open { head } => write!(f, "open (HTTP status {})", head.status()),
            Self::Event(event) => write!(f, "event {:?}: {}", event.event_type(), event.data()),
            Self::Retry(time) => write!(f, "reconnection time {} ms", time.as_millis()),
            Self::Comment { text, .. } => {
                write!(
                    f,
                    "comment: {}",
                    alloc::string::String::from_utf8_lossy(text)
                )
            }
            Self::Invalid(error) => write!(f, "event skipped: {error}"),
            Self::Error(error) => write!(f, "connection failed: {error}"),
            Self::Answer { head, body, .. } => write!(
                f,
                "answer (HTTP status {}, {} bytes, not an event stream)",
                head.status(),
                body.len()
            ),
            Self::Rejected { head, .. } => write!(f, "refused (HTTP status {})", head.status()),
            Self::Reconnecting { after, reason } => {
                write!(f, "reconnecting in {} ms ({reason})", after.as_millis())
            }
            Self::Stopped(stop) => write!(f, "stopped: {stop}"),
        }
    }
}

/// Why [`EventSource::next_event`] ended with an error: the stop, and the
/// transport error that led to it when one did (a request that failed before
/// any response, the last of the failures before giving up). Its `source`
/// is that error.
#[derive(Debug)]
pub struct Failure<E> {
    stop: Stop,
    error: Option<E>,
}

impl<E> Failure<E> {
    /// Why the stream stopped.
    pub fn stop(&self) -> Stop {
        self.stop
    }

    /// The transport error that led to the stop, if one did.
    pub fn error(&self) -> Option<&E> {
        self.error.as_ref()
    }

    /// The transport error, if any.
    pub fn into_error(self) -> Option<E> {
        self.error
    }
}

impl<E> fmt::Display for Failure<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.stop, f)
    }
}

impl<E: core::error::Error + 'static> core::error::Error for Failure<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        self.error.as_ref().map(|e| e as _)
    }
}

type Predicate = Box<dyn FnMut(&OwnedEvent) -> bool + Send>;

enum Phase<Fut, B> {
    Start,
    Sending(Pin<Box<Fut>>),
    Streaming(Pin<Box<B>>),
    /// Reading a 200 answer that is not a stream, up to the limit.
    Answering {
        head: Head,
        body: Pin<Box<B>>,
        read: Vec<u8>,
        stop: Stop,
    },
    Waiting,
    Done,
}

/// The default of [`EventSource::max_answer_bytes`]: 1 MiB.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// A stream that reconnects as the browser's `EventSource` does, over any
/// HTTP client and any method: a `Stream` of [`Item`]s (feature `client`),
/// or [`next_event`](Self::next_event) for the events alone.
///
/// `send` makes a request given what to add ([`RequestHeaders`]: the
/// headers, and the URL after a redirect): any method, any body, a different
/// request on resume. [`RequestHeaders`] is owned, so it moves into the
/// `async` block. Dropping the client drops the request or body in flight
/// and the timer; nothing keeps running.
///
/// An LLM answer over reqwest and tokio, POSTed again with `Last-Event-ID`
/// if the connection drops, over when `[DONE]` comes (features `tokio` and
/// `http-body`; reqwest is stubbed here so that the example compiles without
/// it; `client-tests/examples/llm_post.rs` runs these lines against a local
/// server):
///
/// ```
/// # #[cfg(all(feature = "tokio", feature = "http-body"))] {
/// # mod reqwest {
/// #     pub struct Client;
/// #     pub struct RequestBuilder;
/// #     pub struct Response(http::Response<String>);
/// #     #[derive(Debug)]
/// #     pub struct Error;
/// #     impl std::fmt::Display for Error {
/// #         fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("e") }
/// #     }
/// #     impl std::error::Error for Error {}
/// #     impl From<std::convert::Infallible> for Error {
/// #         fn from(never: std::convert::Infallible) -> Self { match never {} }
/// #     }
/// #     impl Client {
/// #         pub fn new() -> Self { Client }
/// #         pub fn post(&self, _: &str) -> RequestBuilder { RequestBuilder }
/// #     }
/// #     impl RequestBuilder {
/// #         pub fn headers(self, _: http::HeaderMap) -> Self { self }
/// #         pub fn body(self, _: &'static str) -> Self { self }
/// #         pub async fn send(self) -> Result<Response, Error> { unimplemented!() }
/// #     }
/// #     impl From<Response> for http::Response<String> {
/// #         fn from(r: Response) -> Self { r.0 }
/// #     }
/// # }
/// use ssewire::reconnect::{EventSource, Options, Reply, Tokio};
/// use std::error::Error;
///
/// async fn complete(url: String, prompt: &'static str) -> Result<String, Box<dyn Error>> {
///     let http = reqwest::Client::new();
///     let mut source = EventSource::new(Options::new(), Tokio::new(), move |next| {
///         let request = http.post(&url).headers(next.header_map()).body(prompt);
///         async move { request.send().await.map(Reply::from_http) }
///     });
///     let mut answer = String::new();
///     while let Some(event) = source.next_event().await?.filter(|e| e.data() != "[DONE]") {
///         answer.push_str(event.data());
///     }
///     Ok(answer)
/// }
/// # let _ = complete;
/// # }
/// ```
pub struct EventSource<R: Runtime, F, Fut, B, E> {
    state: EventSourceState,
    runtime: R,
    send: F,
    phase: Phase<Fut, B>,
    /// One timer for the client's life: the idle deadline while streaming,
    /// the wait before reconnecting. `armed` is false once it completed, so a
    /// finished future is never polled again.
    timer: Option<Pin<Box<R::Sleep>>>,
    armed: bool,
    queue: VecDeque<Item<B, E>>,
    complete_when: Option<Predicate>,
    max_answer_bytes: usize,
    /// The last transport error since the last opening, for
    /// [`Failure`].
    last_error: Option<E>,
}

// Nothing is pinned in place: futures and bodies are boxed.
impl<R: Runtime, F, Fut, B, E> Unpin for EventSource<R, F, Fut, B, E> {}

impl<R, F, Fut, B, E> EventSource<R, F, Fut, B, E>
where
    R: Runtime,
    F: FnMut(RequestHeaders) -> Fut,
    Fut: Future<Output = Result<Reply<B>, E>>,
{
    /// A client with these options; nothing is sent until it is polled.
    pub fn new(options: Options, runtime: R, send: F) -> Self {
        Self::with_state(EventSourceState::new(options), runtime, send)
    }

    /// A client over a prepared state (a seeded last event ID, a parser with
    /// other limits).
    pub fn with_state(state: EventSourceState, runtime: R, send: F) -> Self {
        Self {
            state,
            runtime,
            send,
            phase: Phase::Start,
            timer: None,
            armed: false,
            queue: VecDeque::new(),
            complete_when: None,
            max_answer_bytes: MAX_ANSWER_BYTES,
            last_error: None,
        }
    }

    /// Marks the stream complete after the first event for which `predicate`
    /// is true (say, data `[DONE]`): that event is yielded, then
    /// [`Item::Stopped`]`(`[`Stop::Complete`]`)`.
    #[must_use]
    pub fn complete_when(
        mut self,
        predicate: impl FnMut(&OwnedEvent) -> bool + Send + 'static,
    ) -> Self {
        self.complete_when = Some(Box::new(predicate));
        self
    }

    /// How much of a 200 answer that is not an event stream is read into
    /// [`Item::Answer`] (1 MiB by default); the rest is not read.
    #[must_use]
    pub fn max_answer_bytes(mut self, bytes: usize) -> Self {
        self.max_answer_bytes = bytes;
        self
    }

    /// Marks the stream complete now: the next poll closes the connection
    /// and yields [`Item::Stopped`]`(`[`Stop::Complete`]`)`, after any items
    /// already parsed.
    pub fn mark_complete(&mut self) {
        self.state.mark_complete();
    }

    /// The reconnection state: last event ID, failures, options, URL.
    pub fn state(&self) -> &EventSourceState {
        &self.state
    }

    fn set_timer(&mut self, after: Duration) {
        let sleep = self.runtime.sleep(after);
        match &mut self.timer {
            Some(timer) => timer.as_mut().set(sleep),
            None => self.timer = Some(Box::pin(sleep)),
        }
        self.armed = true;
    }

    /// `Ready` once the armed timer fired; `Pending` while it runs or when
    /// none is armed.
    fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.timer {
            Some(timer) if self.armed => {
                let fired = timer.as_mut().poll(cx);
                self.armed = fired.is_pending();
                fired
            }
            _ => Poll::Pending,
        }
    }

    fn apply(&mut self, next: Next) {
        self.armed = false;
        match next {
            Next::Reconnect { after, reason } => {
                self.queue.push_back(Item::Reconnecting { after, reason });
                self.set_timer(after);
                self.phase = Phase::Waiting;
            }
            Next::Stop(stop) => self.stop(stop),
        }
    }

    fn stop(&mut self, stop: Stop) {
        self.queue.push_back(Item::Stopped(stop));
        self.phase = Phase::Done;
        self.armed = false;
        // Nothing runs after the end: free the timer now.
        self.timer = None;
    }

    fn on_response(&mut self, response: Reply<B>) {
        let now = self.runtime.now();
        let random = self.runtime.random();
        let Reply { head, body } = response;
        match self.state.on_response(now, &head, random) {
            Ok(()) => {
                self.last_error = None;
                self.queue.push_back(Item::Open { head });
                self.phase = Phase::Streaming(Box::pin(body));
                if let Some(deadline) = self.state.idle_deadline() {
                    self.set_timer(deadline.saturating_sub(now));
                }
            }
            Err(Next::Stop(stop @ Stop::ContentType)) if head.status() == 200 => {
                self.phase = Phase::Answering {
                    head,
                    body: Box::pin(body),
                    read: Vec::new(),
                    stop,
                };
            }
            Err(next) => {
                self.queue.push_back(Item::Rejected { head, body });
                self.apply(next);
            }
        }
    }

    fn on_idle_timer(&mut self) {
        let now = self.runtime.now();
        let random = self.runtime.random();
        match self.state.on_timeout(now, random) {
            Some(next) => {
                self.phase = Phase::Done;
                self.apply(next);
            }
            // Bytes came since the timer was set: wait for the new deadline.
            None => {
                if let Some(deadline) = self.state.idle_deadline() {
                    self.set_timer(deadline.saturating_sub(now));
                }
            }
        }
    }
}

impl<R, F, Fut, B, C, BE, E> EventSource<R, F, Fut, B, E>
where
    R: Runtime,
    F: FnMut(RequestHeaders) -> Fut,
    Fut: Future<Output = Result<Reply<B>, E>>,
    B: Stream<Item = Result<C, BE>>,
    C: AsRef<[u8]>,
    BE: Into<E>,
{
    /// The next event, skipping the other items: `Ok(None)` at the end
    /// ([`Stop::Complete`], or [`Stop::NoContent`], the server's way to say
    /// stop), `Err` for any other stop, with the transport error behind it.
    /// Reconnections happen underneath; poll the items instead to see them.
    ///
    /// # Errors
    ///
    /// [`Failure`]: the stream stopped for another reason than its end.
    pub async fn next_event(&mut self) -> Result<Option<OwnedEvent>, Failure<E>> {
        loop {
            let item = core::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await;
            match item {
                Some(Item::Event(event)) => return Ok(Some(event)),
                Some(Item::Error(error)) => self.last_error = Some(error),
                Some(Item::Stopped(Stop::Complete | Stop::NoContent)) | None => return Ok(None),
                Some(Item::Stopped(stop)) => {
                    let error = self.last_error.take();
                    return Err(Failure { stop, error });
                }
                Some(_) => {}
            }
        }
    }

    fn poll_answer(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Phase::Answering { body, read, .. } = &mut self.phase else {
            return Poll::Ready(());
        };
        let limit = self.max_answer_bytes;
        let (error, truncated) = loop {
            match body.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    let chunk = chunk.as_ref();
                    let room = limit.saturating_sub(read.len());
                    read.extend_from_slice(chunk.get(..room).unwrap_or(chunk));
                    if chunk.len() > room {
                        break (None, true);
                    }
                }
                Poll::Ready(Some(Err(error))) => break (Some(error.into()), false),
                Poll::Ready(None) => break (None, false),
            }
        };
        if let Phase::Answering {
            head, read, stop, ..
        } = mem::replace(&mut self.phase, Phase::Done)
        {
            match error {
                Some(error) => self.queue.push_back(Item::Error(error)),
                None => self.queue.push_back(Item::Answer {
                    head,
                    body: read,
                    truncated,
                }),
            }
            self.stop(stop);
        }
        Poll::Ready(())
    }
}

impl<R, F, Fut, B, C, BE, E> Stream for EventSource<R, F, Fut, B, E>
where
    R: Runtime,
    F: FnMut(RequestHeaders) -> Fut,
    Fut: Future<Output = Result<Reply<B>, E>>,
    B: Stream<Item = Result<C, BE>>,
    C: AsRef<[u8]>,
    BE: Into<E>,
{
    type Item = Item<B, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.queue.pop_front() {
                return Poll::Ready(Some(item));
            }
            if this.state.is_complete() && !matches!(this.phase, Phase::Done) {
                this.stop(Stop::Complete);
                continue;
            }
            if let Phase::Answering { .. } = this.phase {
                match this.poll_answer(cx) {
                    Poll::Ready(()) => continue,
                    Poll::Pending => return Poll::Pending,
                }
            }
            match mem::replace(&mut this.phase, Phase::Done) {
                Phase::Done | Phase::Answering { .. } => return Poll::Ready(None),
                Phase::Start => {
                    let request = (this.send)(this.state.request_headers());
                    this.phase = Phase::Sending(Box::pin(request));
                }
                Phase::Sending(mut request) => match request.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.phase = Phase::Sending(request);
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok(response)) => this.on_response(response),
                    Poll::Ready(Err(error)) => {
                        this.queue.push_back(Item::Error(error));
                        let random = this.runtime.random();
                        let next = this.state.on_send_error(random);
                        this.apply(next);
                    }
                },
                Phase::Streaming(mut body) => match body.as_mut().poll_next(cx) {
                    Poll::Ready(Some(Ok(chunk))) => {
                        let now = this.runtime.now();
                        let mut into = ToItems {
                            queue: &mut this.queue,
                            complete_when: this.complete_when.as_mut(),
                            complete: false,
                        };
                        this.state.feed(now, chunk.as_ref(), &mut into);
                        if into.complete {
                            this.state.mark_complete();
                        }
                        if this.state.is_stopped() {
                            // OnLimit::Stop: the rest of this connection
                            // is not read; it ends here.
                            drop(body);
                            let random = this.runtime.random();
                            let next = this.state.on_end(random);
                            this.apply(next);
                        } else {
                            this.phase = Phase::Streaming(body);
                        }
                    }
                    Poll::Ready(Some(Err(error))) => {
                        this.queue.push_back(Item::Error(error.into()));
                        let random = this.runtime.random();
                        let next = this.state.on_error(random);
                        this.apply(next);
                    }
                    Poll::Ready(None) => {
                        let random = this.runtime.random();
                        let next = this.state.on_end(random);
                        this.apply(next);
                    }
                    Poll::Pending => {
                        this.phase = Phase::Streaming(body);
                        match this.poll_timer(cx) {
                            Poll::Ready(()) => this.on_idle_timer(),
                            Poll::Pending => return Poll::Pending,
                        }
                    }
                },
                Phase::Waiting => match this.poll_timer(cx) {
                    Poll::Ready(()) => this.phase = Phase::Start,
                    Poll::Pending => {
                        this.phase = Phase::Waiting;
                        return Poll::Pending;
                    }
                },
            }
        }
    }
}

/// Queues what the parser hands out, as items; stops queuing events after
/// the one that completes the stream.
struct ToItems<'a, B, E> {
    queue: &'a mut VecDeque<Item<B, E>>,
    complete_when: Option<&'a mut Predicate>,
    complete: bool,
}

impl<B, E> Handler for ToItems<'_, B, E> {
    fn event(&mut self, event: Event<'_>) {
        if self.complete {
            return;
        }
        let event = OwnedEvent::from(event);
        if let Some(predicate) = self.complete_when.as_mut() {
            self.complete = predicate(&event);
        }
        self.queue.push_back(Item::Event(event));
    }

    fn retry(&mut self, ms: u64) {
        if !self.complete {
            self.queue.push_back(Item::Retry(Duration::from_millis(ms)));
        }
    }

    fn comment(&mut self, text: &[u8], truncated: bool) {
        if !self.complete {
            self.queue.push_back(Item::Comment {
                text: text.to_vec(),
                truncated,
            });
        }
    }

    fn error(&mut self, error: Error) {
        if !self.complete {
            self.queue.push_back(Item::Invalid(error));
        }
    }
}
