//! [`EventStreamBody`]: an http-body 1.x `Body` that writes a `Stream` of
//! events, with keep-alive comments when idle.

use alloc::boxed::Box;
use core::convert::Infallible;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http_body::{Frame, SizeHint};

use crate::{EncodeError, OwnedServerEvent, KEEP_ALIVE};

/// The response headers of an event stream, for any `http` server:
/// `Content-Type: text/event-stream`, `Cache-Control: no-cache` (the stream
/// is live, never to be stored or replayed), and `X-Accel-Buffering: no`
/// (nginx, and proxies that follow it, otherwise hold the stream back in a
/// buffer until it fills). [`EventStreamBody::into_response`] sets them; with
/// axum, a handler can also return `(EVENT_STREAM_HEADERS, body)`.
///
/// ```
/// assert_eq!(ssewire::EVENT_STREAM_HEADERS[0], ("content-type", "text/event-stream"));
/// ```
pub const EVENT_STREAM_HEADERS: [(&str, &str); 3] = [
    ("content-type", "text/event-stream"),
    ("cache-control", "no-cache"),
    ("x-accel-buffering", "no"),
];

/// A flush point: the events that are ready go out together, in frames of
/// about this size, so a busy stream writes few large frames.
const FRAME_BYTES: usize = 16 * 1024;

/// What the keep-alive needs from a runtime: the time, and a sleep. With
/// tokio, [`TokioClock`](crate::TokioClock) (feature `tokio`); any other
/// runtime's sleep works the same way:
///
/// ```
/// use core::future::{pending, Pending};
/// use core::time::Duration;
/// use ssewire::KeepAliveClock;
///
/// /// A clock that never wakes the body: keep-alives are never due.
/// struct Frozen;
///
/// impl KeepAliveClock for Frozen {
///     type Sleep = Pending<()>;
///     fn sleep(&mut self, _: Duration) -> Pending<()> {
///         pending()
///     }
///     fn now(&mut self) -> Duration {
///         Duration::ZERO
///     }
/// }
/// # let _ = Frozen.sleep(Duration::ZERO);
/// # assert_eq!(Frozen.now(), Duration::ZERO);
/// ```
pub trait KeepAliveClock {
    /// A sleep that completes after its duration.
    type Sleep: Future<Output = ()>;

    /// Sleeps for `duration`.
    fn sleep(&mut self, duration: Duration) -> Self::Sleep;

    /// Monotonic time since any fixed epoch.
    fn now(&mut self) -> Duration;
}

/// No keep-alive: the clock of an [`EventStreamBody`] until
/// [`keep_alive`](EventStreamBody::keep_alive) gives it one.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoKeepAlive;

impl KeepAliveClock for NoKeepAlive {
    type Sleep = core::future::Pending<()>;

    fn sleep(&mut self, _: Duration) -> Self::Sleep {
        core::future::pending()
    }

    fn now(&mut self) -> Duration {
        Duration::ZERO
    }
}

/// Why an [`EventStreamBody`] ended early. The events before it were handed
/// to the server; the server then aborts the response (HTTP/1 closes the
/// connection) and may drop what it had not sent yet, so the client sees the
/// stream cut (never the invalid event nor anything after it) and
/// reconnects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServeError<E> {
    /// The source stream yielded this error.
    Source(E),
    /// An event held an invalid value ([`OwnedServerEvent::error`]).
    Event(EncodeError),
}

impl<E: fmt::Display> fmt::Display for ServeError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Source(error) => write!(f, "event source failed: {error}"),
            Self::Event(error) => write!(f, "invalid event: {error}"),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for ServeError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Source(error) => Some(error),
            Self::Event(error) => Some(error),
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::OwnedServerEvent {}
    impl<E> Sealed for Result<crate::OwnedServerEvent, E> {}
}

/// What an [`EventStreamBody`]'s source yields: [`OwnedServerEvent`]s, or
/// `Result`s of them (a stream that can fail). Sealed: every byte the body
/// writes comes from the encoder.
pub trait BodyEvent: sealed::Sealed {
    /// The source's error (`Infallible` for a stream of events).
    type Error;

    /// Appends the event to `out`.
    #[doc(hidden)]
    fn append(self, out: &mut BytesMut) -> Result<(), ServeError<Self::Error>>;
}

impl BodyEvent for OwnedServerEvent {
    type Error = Infallible;

    fn append(self, out: &mut BytesMut) -> Result<(), ServeError<Infallible>> {
        if let Some(error) = self.error() {
            return Err(ServeError::Event(error));
        }
        match self.emit(out) {
            Ok(()) => Ok(()),
            Err(never) => match never {},
        }
    }
}

impl<E> BodyEvent for Result<OwnedServerEvent, E> {
    type Error = E;

    fn append(self, out: &mut BytesMut) -> Result<(), ServeError<E>> {
        let event = self.map_err(ServeError::Source)?;
        event.append(out).map_err(|error| match error {
            ServeError::Event(error) => ServeError::Event(error),
            ServeError::Source(never) => match never {},
        })
    }
}

/// The keep-alive's state: when the last bytes went out, and the sleep
/// until the next keep-alive is due.
struct KeepAlive<C: KeepAliveClock> {
    clock: C,
    interval: Duration,
    /// Clock time of the last frame (events or keep-alive).
    last_sent: Duration,
    /// The sleep, and the `last_sent` it was set for: when it wakes with
    /// nothing sent since, the keep-alive is due (no second look at the
    /// clock, so a sleep that wakes early cannot spin).
    sleep: Option<(Pin<Box<C::Sleep>>, Duration)>,
}

impl<C: KeepAliveClock> KeepAlive<C> {
    fn sent(&mut self) {
        self.last_sent = self.clock.now();
    }

    /// Whether a keep-alive is due now; if not, the waker is registered.
    ///
    /// A sleep set before events were sent is kept (no new timer per frame):
    /// when it wakes, a new one is set for what is left of the interval.
    /// A sleep that wakes with nothing sent since it was set means the
    /// keep-alive is due, without a second look at the clock, so a sleep
    /// that wakes early cannot make this spin.
    fn poll_due(&mut self, cx: &mut Context<'_>) -> bool {
        if self.sleep.is_none() && !self.arm() {
            return true;
        }
        // The current sleep, then at most one new one.
        for _ in 0..2 {
            let Some((sleep, set_for)) = &mut self.sleep else {
                return true;
            };
            if sleep.as_mut().poll(cx).is_pending() {
                return false;
            }
            let fresh = *set_for == self.last_sent;
            self.sleep = None;
            if fresh || !self.arm() {
                return true;
            }
        }
        true
    }

    /// Sets a sleep for what is left of the interval; `false` if nothing is
    /// left (the keep-alive is due).
    fn arm(&mut self) -> bool {
        let idle = self.clock.now().saturating_sub(self.last_sent);
        match self
            .interval
            .checked_sub(idle)
            .filter(|left| !left.is_zero())
        {
            Some(left) => {
                self.sleep = Some((Box::pin(self.clock.sleep(left)), self.last_sent));
                true
            }
            None => false,
        }
    }
}

/// An http-body 1.x [`Body`](http_body::Body) that writes a `Stream` of
/// events (feature `server`): hyper, axum and any `http`-based server send
/// it as the response. Events that are ready together go out in one frame.
///
/// - [`keep_alive`](Self::keep_alive): a comment ([`KEEP_ALIVE`], `:` LF)
///   after each idle interval; the interval restarts whenever events are
///   written, and keep-alives are not events (they advance no IDs).
/// - [`retry`](Self::retry): a `retry` field before the first event.
/// - The body ends when the source stream ends. When the client goes away,
///   the server drops the body, and with it the source (a channel's sender
///   then sees the receiver gone); without keep-alives an idle server may
///   notice only when it next writes.
/// - An error from the source, or an event with an invalid value, ends the
///   body with a [`ServeError`] after the events before it (which the
///   server may not send: it aborts the response).
///
/// ```
/// use std::time::Duration;
/// use ssewire::{EventStreamBody, OwnedServerEvent};
///
/// # #[cfg(feature = "tokio")] {
/// let events = futures::stream::iter((1..=3).map(|n| {
///     OwnedServerEvent::new(format!("tick {n}")).numeric_id(n)
/// }));
/// let response = EventStreamBody::new(events)
///     .keep_alive(Duration::from_secs(15), ssewire::TokioClock::new())
///     .retry(Duration::from_secs(2))
///     .into_response();
/// assert_eq!(response.headers()["content-type"], "text/event-stream");
/// # }
/// ```
#[must_use]
pub struct EventStreamBody<S, C: KeepAliveClock = NoKeepAlive>
where
    S: Stream,
    S::Item: BodyEvent,
{
    /// `None` once it has ended.
    source: Option<Pin<Box<S>>>,
    out: BytesMut,
    /// Written before the first event.
    retry: Option<u64>,
    keep_alive: Option<Box<KeepAlive<C>>>,
    started: bool,
    /// Returned once the bytes before it are out.
    error: Option<Box<ServeError<<S::Item as BodyEvent>::Error>>>,
}

impl<S> EventStreamBody<S>
where
    S: Stream,
    S::Item: BodyEvent,
{
    /// A body that writes the events of `source`, without keep-alives.
    pub fn new(source: S) -> Self {
        Self {
            source: Some(Box::pin(source)),
            out: BytesMut::new(),
            retry: None,
            keep_alive: None,
            started: false,
            error: None,
        }
    }
}

impl<S, C> EventStreamBody<S, C>
where
    S: Stream,
    S::Item: BodyEvent,
    C: KeepAliveClock,
{
    /// Writes a keep-alive comment whenever nothing has been written for
    /// `interval` (15 s is common: under the idle timeouts of proxies and
    /// load balancers, usually 30 to 60 s; less than 1 ms is taken as 1 ms),
    /// timed by `clock`.
    pub fn keep_alive<K: KeepAliveClock>(
        self,
        interval: Duration,
        clock: K,
    ) -> EventStreamBody<S, K> {
        EventStreamBody {
            source: self.source,
            out: self.out,
            retry: self.retry,
            keep_alive: Some(Box::new(KeepAlive {
                clock,
                interval: interval.max(Duration::from_millis(1)),
                last_sent: Duration::ZERO,
                sleep: None,
            })),
            started: self.started,
            error: self.error,
        }
    }

    /// Writes `retry: <milliseconds>` first, setting the client's
    /// reconnection time (whole milliseconds, rounded down; more than
    /// `u64::MAX` ms is `u64::MAX`).
    pub fn retry(mut self, reconnection_time: Duration) -> Self {
        self.retry = Some(u64::try_from(reconnection_time.as_millis()).unwrap_or(u64::MAX));
        self
    }

    /// An `http::Response` with status 200, [`EVENT_STREAM_HEADERS`] and
    /// this body: return it from an axum handler, or a hyper service.
    pub fn into_response(self) -> http::Response<Self> {
        let mut response = http::Response::new(self);
        let headers = response.headers_mut();
        for (name, value) in EVENT_STREAM_HEADERS {
            headers.insert(
                http::HeaderName::from_static(name),
                http::HeaderValue::from_static(value),
            );
        }
        response
    }

    fn start(&mut self) {
        self.started = true;
        if let Some(milliseconds) = self.retry {
            let mut digits = [0u8; 20];
            self.out.extend_from_slice(b"retry: ");
            self.out
                .extend_from_slice(crate::encode::decimal(milliseconds, &mut digits));
            self.out.extend_from_slice(b"\n\n");
        }
        if let Some(keep_alive) = &mut self.keep_alive {
            keep_alive.sent();
        }
    }

    /// Takes ready events until the frame is full or the source waits.
    fn fill(&mut self, cx: &mut Context<'_>) {
        let Some(source) = &mut self.source else {
            return;
        };
        // Room for a frame and its last event, so that it is not grown (and
        // copied) event by event; the room left after a frame was sent is
        // reused, and a new buffer is taken only when it runs out.
        if self.out.capacity().saturating_sub(self.out.len()) < FRAME_BYTES / 4 {
            self.out.reserve(FRAME_BYTES + FRAME_BYTES / 4);
        }
        while self.out.len() < FRAME_BYTES {
            match source.as_mut().poll_next(cx) {
                Poll::Ready(Some(event)) => {
                    if let Err(error) = event.append(&mut self.out) {
                        self.error = Some(Box::new(error));
                        self.source = None;
                        return;
                    }
                }
                Poll::Ready(None) => {
                    self.source = None;
                    return;
                }
                Poll::Pending => return,
            }
        }
    }
}

impl<S, C> http_body::Body for EventStreamBody<S, C>
where
    S: Stream,
    S::Item: BodyEvent,
    C: KeepAliveClock,
{
    type Data = Bytes;
    type Error = ServeError<<S::Item as BodyEvent>::Error>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if !this.started {
            this.start();
        }
        if this.error.is_none() {
            this.fill(cx);
        }
        if !this.out.is_empty() {
            if let Some(keep_alive) = &mut this.keep_alive {
                keep_alive.sent();
            }
            return Poll::Ready(Some(Ok(Frame::data(this.out.split().freeze()))));
        }
        if let Some(error) = this.error.take() {
            return Poll::Ready(Some(Err(*error)));
        }
        if this.source.is_none() {
            return Poll::Ready(None);
        }
        if let Some(keep_alive) = &mut this.keep_alive {
            if keep_alive.poll_due(cx) {
                keep_alive.sent();
                return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(KEEP_ALIVE)))));
            }
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.started && self.source.is_none() && self.out.is_empty() && self.error.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        if self.is_end_stream() {
            SizeHint::with_exact(0)
        } else {
            SizeHint::default()
        }
    }
}

impl<S, C> fmt::Debug for EventStreamBody<S, C>
where
    S: Stream,
    S::Item: BodyEvent,
    C: KeepAliveClock,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStreamBody")
            .field("ended", &self.source.is_none())
            .field("buffered", &self.out.len())
            .field("retry", &self.retry)
            .field(
                "keep_alive",
                &self
                    .keep_alive
                    .as_ref()
                    .map(|keep_alive| keep_alive.interval),
            )
            .finish_non_exhaustive()
    }
}
