//! The async driver (feature `client`): [`State`] run over the caller's HTTP
//! client and runtime, as a `Stream` of [`Item`]s. No runtime of its own:
//! sleeping, the clock and random values come from a [`Runtime`], requests
//! from the caller's function.

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

use super::{Next, Options, Reason, RequestHeaders, State, Stop};
use crate::{Error, Event, Handler, OwnedEvent};

/// What the driver needs from an async runtime: with tokio, `sleep` is
/// `tokio::time::sleep`, `now` the time elapsed since a start `Instant`, and
/// `random` any small PRNG seeded per process (`client-tests/src/lib.rs`, in
/// the repository, has one). A runtime for tests, whose sleeps end at once:
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

    /// Monotonic time since any fixed epoch.
    fn now(&mut self) -> Duration;

    /// A random value, for the backoff's jitter (need not be cryptographic,
    /// but clients started together should not share a seed).
    fn random(&mut self) -> u64;
}

/// A response as the driver sees it: status, the two headers it reads, and
/// the body as a stream of byte chunks (any chunk type, any error type).
///
/// With reqwest: `Response::new(r.status().as_u16(), r.bytes_stream())`, with
/// `content_type` and `retry_after` from `r.headers()` when present. A busy
/// gateway, then the stream:
///
/// ```
/// use futures::{executor::block_on, stream, StreamExt};
/// use ssewire::reconnect::{Client, Item, Options, Reason, Response};
/// # use core::future::{ready, Ready};
/// # use core::time::Duration;
/// # use ssewire::reconnect::Runtime;
/// # struct Instantly(Duration); // the `Runtime` of the trait's example
/// # impl Runtime for Instantly {
/// #     type Sleep = Ready<()>;
/// #     fn sleep(&mut self, duration: Duration) -> Ready<()> {
/// #         self.0 += duration;
/// #         ready(())
/// #     }
/// #     fn now(&mut self) -> Duration {
/// #         self.0
/// #     }
/// #     fn random(&mut self) -> u64 {
/// #         4
/// #     }
/// # }
///
/// let mut answers = [
///     Response::new(503, stream::iter([Ok(&b"busy"[..])]))
///         .content_type("text/plain")
///         .retry_after("5"), // seconds
///     Response::new(200, stream::iter([Ok(&b"data: hi\n\n"[..])]))
///         .content_type("text/event-stream"),
/// ]
/// .into_iter();
/// let options = Options::new().retry_gateway_errors(); // 429, 502, 503, 504
/// let client = Client::new(options, Instantly(Duration::ZERO), move |_headers| {
///     ready(Ok::<_, std::io::Error>(answers.next().expect("two requests")))
/// })
/// .complete_when(|event| event.data() == "hi");
/// let items: Vec<_> = block_on(client.collect());
/// assert!(matches!(items[0], Item::Rejected { status: 503, .. }));
/// let Item::Reconnecting { after, reason } = &items[1] else { panic!("{items:?}") };
/// assert_eq!(*reason, Reason::Status(503));
/// assert!(*after >= Duration::from_secs(5), "{after:?}"); // Retry-After honoured
/// assert!(matches!(&items[2..], [Item::Opened, Item::Event(e), Item::Stopped(_)] if e.data() == "hi"));
/// ```
pub struct Response<B> {
    status: u16,
    content_type: Option<Vec<u8>>,
    retry_after: Option<Vec<u8>>,
    body: B,
}

impl<B> Response<B> {
    /// A response with this status and body, and neither header.
    pub fn new(status: u16, body: B) -> Self {
        Self {
            status,
            content_type: None,
            retry_after: None,
            body,
        }
    }

    /// The `Content-Type` header's value.
    #[must_use]
    pub fn content_type(mut self, value: impl AsRef<[u8]>) -> Self {
        self.content_type = Some(value.as_ref().to_vec());
        self
    }

    /// The `Retry-After` header's value.
    #[must_use]
    pub fn retry_after(mut self, value: impl AsRef<[u8]>) -> Self {
        self.retry_after = Some(value.as_ref().to_vec());
        self
    }
}

/// What the driver yields, in order. Every stream of items ends with one
/// [`Item::Stopped`].
///
/// ```
/// use ssewire::reconnect::{Item, Stop};
///
/// /// What a program does with each item: events on stdout, the rest logged.
/// fn show<B, E: std::fmt::Display>(item: Item<B, E>) -> Option<String> {
///     Some(match item {
///         Item::Event(event) => event.into_data(),
///         Item::Reconnecting { after, reason } => {
///             format!("reconnecting in {} ms ({reason:?})", after.as_millis())
///         }
///         Item::Rejected { status, body: _ } => format!("HTTP {status}"),
///         Item::Error(error) => format!("request failed: {error}"),
///         Item::Invalid(error) => format!("event skipped: {error}"),
///         Item::Stopped(Stop::Complete) => "done".into(),
///         Item::Stopped(stop) => format!("stopped: {stop:?}"),
///         // Opened, Retry, Comment (and items added later).
///         _ => return None,
///     })
/// }
/// assert_eq!(show::<(), &str>(Item::Error("refused")).as_deref(), Some("request failed: refused"));
/// assert_eq!(show::<(), &str>(Item::Stopped(Stop::Complete)).as_deref(), Some("done"));
/// assert_eq!(show::<(), &str>(Item::Opened), None);
/// ```
#[non_exhaustive]
pub enum Item<B, E> {
    /// A response opened the stream (200, `text/event-stream`).
    Opened,
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
    /// A response that does not open the stream, with its body for the caller
    /// to read (or drop); [`Item::Reconnecting`] or [`Item::Stopped`] follows.
    Rejected {
        /// The status.
        status: u16,
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
            Self::Opened => f.write_str("Opened"),
            Self::Event(event) => f.debug_tuple("Event").field(event).finish(),
            Self::Retry(time) => f.debug_tuple("Retry").field(time).finish(),
            Self::Comment { text, truncated } => f
                .debug_struct("Comment")
                .field("text", &alloc::string::String::from_utf8_lossy(text))
                .field("truncated", truncated)
                .finish(),
            Self::Invalid(error) => f.debug_tuple("Invalid").field(error).finish(),
            Self::Error(error) => f.debug_tuple("Error").field(error).finish(),
            Self::Rejected { status, .. } => f
                .debug_struct("Rejected")
                .field("status", status)
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

type Predicate = Box<dyn FnMut(&OwnedEvent) -> bool + Send>;

enum Phase<Fut, B> {
    Start,
    Sending(Pin<Box<Fut>>),
    Streaming(Pin<Box<B>>),
    Waiting,
    Done,
}

/// A stream that reconnects as `EventSource` does, over any HTTP client: a
/// `Stream` of [`Item`]s (feature `client`).
///
/// `send` makes a request given the headers to add ([`RequestHeaders`]): any
/// method, any body, a different request on resume. Dropping the client drops
/// the request or body in flight and the timer; nothing keeps running.
///
/// Here the "server" is a function: its first answer is cut inside an event,
/// the second resumes after the `Last-Event-ID` it is sent. With an HTTP
/// client, `send` adds `headers.iter()` to its request and returns the
/// response future.
///
/// ```
/// use futures::{executor::block_on, stream, StreamExt};
/// use ssewire::reconnect::{Client, Item, Options, Reason, Response, Stop};
/// # use core::future::{ready, Ready};
/// # use core::time::Duration;
/// # use ssewire::reconnect::Runtime;
/// # struct Instantly(Duration); // the `Runtime` of the trait's example
/// # impl Runtime for Instantly {
/// #     type Sleep = Ready<()>;
/// #     fn sleep(&mut self, duration: Duration) -> Ready<()> {
/// #         self.0 += duration;
/// #         ready(())
/// #     }
/// #     fn now(&mut self) -> Duration {
/// #         self.0
/// #     }
/// #     fn random(&mut self) -> u64 {
/// #         4
/// #     }
/// # }
///
/// let send = |headers: ssewire::reconnect::RequestHeaders<'_>| {
///     let body: &'static [u8] = match headers.last_event_id() {
///         None => b"retry: 200\nid: 1\ndata: Hello,\n\ndata: cu",
///         Some(b"1") => b"id: 2\ndata: world\n\ndata: [DONE]\n\n",
///         Some(other) => panic!("resumed from {other:?}"),
///     };
///     let chunks = stream::iter([Ok::<_, std::io::Error>(body)]);
///     ready(Ok(Response::new(200, chunks).content_type("text/event-stream")))
/// };
/// let mut client = Client::new(Options::new(), Instantly(Duration::ZERO), send)
///     .complete_when(|event| event.data() == "[DONE]"); // over: no reconnection
/// let mut log = Vec::new();
/// block_on(async {
///     while let Some(item) = client.next().await {
///         match item {
///             Item::Event(event) => log.push(event.into_data()),
///             Item::Reconnecting { after, reason } => {
///                 assert_eq!(reason, Reason::Truncated { discarded: 8 });
///                 assert_eq!(after, Duration::from_millis(200)); // the server's `retry`
///             }
///             Item::Stopped(stop) => assert_eq!(stop, Stop::Complete),
///             _ => {}
///         }
///     }
/// });
/// assert_eq!(log, ["Hello,", "world", "[DONE]"]);
/// assert_eq!(client.state().last_event_id(), b"2");
/// ```
pub struct Client<R: Runtime, F, Fut, B, E> {
    state: State,
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
}

// Nothing is pinned in place: futures and bodies are boxed.
impl<R: Runtime, F, Fut, B, E> Unpin for Client<R, F, Fut, B, E> {}

impl<R, F, Fut, B, E> Client<R, F, Fut, B, E>
where
    R: Runtime,
    F: FnMut(RequestHeaders<'_>) -> Fut,
    Fut: Future<Output = Result<Response<B>, E>>,
{
    /// A client with these options; nothing is sent until it is polled.
    pub fn new(options: Options, runtime: R, send: F) -> Self {
        Self::with_state(State::new(options), runtime, send)
    }

    /// A client over a prepared state (a seeded last event ID, a parser with
    /// other limits).
    pub fn with_state(state: State, runtime: R, send: F) -> Self {
        Self {
            state,
            runtime,
            send,
            phase: Phase::Start,
            timer: None,
            armed: false,
            queue: VecDeque::new(),
            complete_when: None,
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

    /// Marks the stream complete now: the next poll closes the connection
    /// and yields [`Item::Stopped`]`(`[`Stop::Complete`]`)`, after any items
    /// already parsed.
    pub fn mark_complete(&mut self) {
        self.state.mark_complete();
    }

    /// The reconnection state: last event ID, failures, options.
    pub fn state(&self) -> &State {
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

    fn on_response(&mut self, response: Response<B>) {
        let now = self.runtime.now();
        let random = self.runtime.random();
        let Response {
            status,
            content_type,
            retry_after,
            body,
        } = response;
        let judged = self.state.on_response(
            now,
            status,
            content_type.as_deref(),
            retry_after.as_deref(),
            random,
        );
        match judged {
            Ok(()) => {
                self.queue.push_back(Item::Opened);
                self.phase = Phase::Streaming(Box::pin(body));
                if let Some(deadline) = self.state.idle_deadline() {
                    self.set_timer(deadline.saturating_sub(now));
                }
            }
            Err(next) => {
                self.queue.push_back(Item::Rejected { status, body });
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

impl<R, F, Fut, B, C, E> Stream for Client<R, F, Fut, B, E>
where
    R: Runtime,
    F: FnMut(RequestHeaders<'_>) -> Fut,
    Fut: Future<Output = Result<Response<B>, E>>,
    B: Stream<Item = Result<C, E>>,
    C: AsRef<[u8]>,
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
            match mem::replace(&mut this.phase, Phase::Done) {
                Phase::Done => return Poll::Ready(None),
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
                        let next = this.state.on_error(random);
                        this.apply(next);
                    }
                },
                Phase::Streaming(mut body) => match body.as_mut().poll_next(cx) {
                    Poll::Ready(Some(Ok(chunk))) => {
                        this.phase = Phase::Streaming(body);
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
                    }
                    Poll::Ready(Some(Err(error))) => {
                        this.queue.push_back(Item::Error(error));
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
