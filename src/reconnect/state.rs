//! The sans-IO reconnection machine: the caller does the I/O and tells it
//! what happened, with the time; it answers what to do next.
//!
//! One connection goes: [`EventSourceState::request_headers`] → send →
//! [`EventSourceState::on_response`] (or [`EventSourceState::on_send_error`])
//! → [`EventSourceState::feed`] chunks (watching
//! [`EventSourceState::idle_deadline`]) → [`EventSourceState::on_end`] or
//! [`EventSourceState::on_error`] or [`EventSourceState::on_timeout`] → wait
//! the [`Next::Reconnect`] delay → again.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use super::redirect::{self, MethodChange};
use super::response::{judge, Judgement};
use super::{backoff, Head, Options, RequestHeaders};
use crate::{Config, Error, Event, Handler, OnLimit, Parser, StreamEnd};

/// What to do after a connection ended or a response was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Next {
    /// Send the next request after waiting this long.
    Reconnect {
        /// How long to wait before sending.
        after: Duration,
        /// Why the last connection ended.
        reason: Reason,
    },
    /// Do not reconnect.
    Stop(Stop),
}

/// Why a connection ended and a reconnection follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The body ended between events: the spec reconnects. Never an error.
    Ended,
    /// The body ended in the middle of an event, which was discarded.
    Truncated {
        /// Bytes of the unfinished event that were dropped.
        discarded: u64,
    },
    /// The request or the body failed (the caller has the error).
    Network,
    /// No bytes for the idle timeout.
    Idle,
    /// A status the policy retries ([`Options::retry_status`]).
    Status(u16),
    /// A redirect the HTTP client did not follow (301, 302, 303, 307, 308
    /// with a `Location`): the next request goes at once to where it leads
    /// ([`RequestHeaders::url`]).
    Redirect(u16),
}

impl fmt::Display for Next {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Reconnect { after, reason } => {
                write!(f, "reconnecting in {} ms ({reason})", after.as_millis())
            }
            Self::Stop(stop) => fmt::Display::fmt(stop, f),
        }
    }
}

/// `on_response` returns `Result<(), Next>`: with this, `?` passes a
/// refused response on (a reconnection included: match it first to go on).
impl core::error::Error for Next {}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ended => f.write_str("the stream ended"),
            Self::Truncated { discarded } => write!(
                f,
                "the stream ended inside an event; its {discarded} bytes were dropped"
            ),
            Self::Network => f.write_str("the connection failed"),
            Self::Idle => f.write_str("no bytes for the idle timeout"),
            Self::Status(status) => write!(f, "HTTP status {status}"),
            Self::Redirect(status) => write!(f, "redirected (HTTP status {status})"),
        }
    }
}

/// Why the stream is over for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stop {
    /// The caller marked the stream complete ([`EventSourceState::mark_complete`]).
    Complete,
    /// `204 No Content`: the server asks the client to stop (spec).
    NoContent,
    /// A status other than 200 or 204 that the policy does not retry (spec:
    /// fail the connection).
    Status(u16),
    /// A 200 response without the `text/event-stream` content type (spec:
    /// fail the connection; see [`Options::check_content_type`]). The
    /// content type is Fetch's: with several `Content-Type` values, the last
    /// MIME type.
    ContentType,
    /// A 200 response whose body has a `Content-Encoding` (other than
    /// `identity`) that the HTTP client did not decode: compressed bytes
    /// are never parsed as the stream. Ask your client to decode it (say,
    /// reqwest's `gzip` feature), or the server not to encode.
    ContentEncoding,
    /// The request got no response (refused, or broken before the response
    /// head) before the stream ever opened, and is not sent again
    /// ([`Options::resend_before_open`]).
    RequestFailed,
    /// More than 20 redirects in a row (Fetch's limit) that the HTTP client
    /// left to this client.
    TooManyRedirects,
    /// [`Options::max_retries`] reconnections in a row made no progress.
    GaveUp {
        /// How many attempts in a row failed.
        attempts: u32,
    },
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Complete => f.write_str("the stream is complete"),
            Self::NoContent => f.write_str("the server answered 204 No Content: stop"),
            Self::Status(status) => write!(f, "the server answered HTTP status {status}"),
            Self::ContentType => f.write_str(
                "the server answered 200 with another content type than text/event-stream",
            ),
            Self::ContentEncoding => f.write_str(
                "the server answered with a Content-Encoding the HTTP client did not decode",
            ),
            Self::RequestFailed => {
                f.write_str("the request failed before any response and is not sent again")
            }
            Self::TooManyRedirects => f.write_str("more than 20 redirects in a row"),
            Self::GaveUp { attempts } => {
                write!(f, "gave up after {attempts} attempts in a row failed")
            }
        }
    }
}

/// A stop is an error to pass on with `?` (a `Stop::Complete` or
/// `Stop::NoContent` is the normal end of many streams: match those first).
impl core::error::Error for Stop {}

/// The reconnection state of one logical stream across its connections: the
/// rules of [`EventSource`](super::EventSource) without its I/O (feature
/// `alloc`, `no_std`, no clock: times are `Duration`s since any epoch the
/// caller keeps, random values come from the caller).
///
/// It owns the [`Parser`], so the last event ID and the reconnection time are
/// the ones the stream set, kept from one connection to the next; and the
/// URL the last response came from, where the next request goes.
///
/// Progress, which resets the backoff: at least one event dispatched on the
/// connection. Bytes alone (comments, keep-alives, a `retry`) are not
/// progress, so a server that accepts every connection and drops it after a
/// keep-alive meets a growing backoff rather than a fixed-rate loop.
///
/// ```
/// use core::time::Duration;
/// use ssewire::reconnect::{EventSourceState, Head, Next, Options, Reason, Stop};
/// use ssewire::{Event, Handler};
///
/// struct Seen(Vec<String>);
/// impl Handler for Seen {
///     fn event(&mut self, event: Event<'_>) {
///         self.0.push(event.data_lossy().into_owned());
///     }
///     fn error(&mut self, _: ssewire::Error) {}
/// }
///
/// let ms = Duration::from_millis;
/// let mut state = EventSourceState::new(Options::new());
/// let mut seen = Seen(Vec::new());
///
/// // First connection: the server sets an ID and a reconnection time, then
/// // drops the connection in the middle of an event.
/// assert_eq!(state.request_headers().last_event_id(), None);
/// let head = Head::new(200).with_header("content-type", "text/event-stream");
/// state.on_response(ms(0), &head, 0)?;
/// state.feed(ms(5), b"retry: 500\nid: 1\ndata: a\n\ndata: cut", &mut seen);
/// let next = state.on_end(7);
/// let reason = Reason::Truncated { discarded: 9 };
/// assert_eq!(next, Next::Reconnect { after: ms(500), reason });
///
/// // The next request resumes after event 1; the server says 204: stop.
/// assert_eq!(state.request_headers().last_event_id(), Some(&b"1"[..]));
/// let stop = state.on_response(ms(600), &Head::new(204), 0);
/// assert_eq!(stop, Err(Next::Stop(Stop::NoContent)));
/// assert_eq!(seen.0, ["a"]);
/// # Ok::<(), Next>(())
/// ```
#[derive(Debug)]
pub struct EventSourceState {
    options: Options,
    parser: Parser<Vec<u8>>,
    /// A stream opened once: the server took the request.
    opened: bool,
    /// Where the last response came from, when the HTTP client said.
    url: Option<String>,
    /// Attempts in a row that made no progress.
    failures: u32,
    /// Redirects in a row since the last opening.
    redirects: u32,
    /// How the redirects followed so far change the request's method.
    method_change: MethodChange,
    /// An event was dispatched on the current connection.
    progress: bool,
    complete: bool,
    /// When the open connection last sent bytes; `None` when none is open.
    last_bytes: Option<Duration>,
}

/// The parser settings of a client: the defaults, and an event over a limit
/// skipped and reported while the stream goes on (as the adapters).
const CLIENT_CONFIG: Config = Config::new().on_limit(OnLimit::SkipEvent);

impl EventSourceState {
    /// A stream with these options and a parser with the default limits;
    /// an event over one is reported and skipped, the stream goes on
    /// ([`OnLimit::SkipEvent`], as the adapters).
    pub fn new(options: Options) -> Self {
        Self::with_parser(options, Parser::with_config(Vec::new(), CLIENT_CONFIG))
    }

    /// A stream read with this parser (its limits, its last event ID). With
    /// [`OnLimit::Stop`] a limit error ends the connection: once
    /// [`is_stopped`](Self::is_stopped), call [`on_end`](Self::on_end).
    pub fn with_parser(options: Options, parser: Parser<Vec<u8>>) -> Self {
        Self {
            options,
            parser,
            opened: false,
            url: None,
            failures: 0,
            redirects: 0,
            method_change: MethodChange::Kept,
            progress: false,
            complete: false,
            last_bytes: None,
        }
    }

    /// Seeds the last event ID, to resume a stream read earlier, as
    /// [`Parser::reset_with_last_event_id`]. Between connections only: a
    /// half-read event is dropped.
    ///
    /// # Errors
    ///
    /// [`Error::IdTooLong`]: the ID is over the parser's limit and is
    /// unchanged.
    pub fn reset_with_last_event_id(&mut self, id: &[u8]) -> Result<(), Error> {
        self.parser.reset_with_last_event_id(id)
    }

    /// Whether the parser stopped after a limit error ([`OnLimit::Stop`]
    /// in a parser of [`with_parser`](Self::with_parser)): the rest of the
    /// connection is not read; end it with [`on_end`](Self::on_end).
    pub fn is_stopped(&self) -> bool {
        self.parser.is_stopped()
    }

    /// The URL the last response came from, if the HTTP client said: where
    /// the next request goes (after a redirect, its target).
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// Whether a stream has opened (the server took the request).
    pub fn has_opened(&self) -> bool {
        self.opened
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The parser, for its last event ID and settings.
    pub fn parser(&self) -> &Parser<Vec<u8>> {
        &self.parser
    }

    /// The last event ID, sent with the next request when non-empty.
    pub fn last_event_id(&self) -> &[u8] {
        self.parser.last_event_id()
    }

    /// The wait after a connection that made progress: the stream's
    /// reconnection time (or [`Options::reconnection_time`]) within
    /// [`Options::min_delay`] and [`Options::max_delay`].
    pub fn reconnection_time(&self) -> Duration {
        let time = self
            .parser
            .reconnection_time()
            .map_or(self.options.reconnection_time, Duration::from_millis);
        time.min(self.options.max_delay).max(self.options.min_delay)
    }

    /// Attempts in a row that made no progress (0 after one that did).
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The headers for the next request, and where to send it.
    pub fn request_headers(&self) -> RequestHeaders {
        RequestHeaders::new(self.parser.last_event_id())
            .with_accept(self.options.accept)
            .with_url(self.url.clone())
            .with_method_change(self.method_change)
    }

    /// Judges a response's head, before its body. `Ok`: the stream is open,
    /// [`feed`](Self::feed) the body. `Err`: do not read it as a stream (the
    /// caller may read it as an answer or an error message); reconnect or
    /// stop as told. `random` is any random value, for the backoff's jitter.
    /// The head's URL, if any, is where the next request goes; a redirect
    /// the HTTP client left to the caller (hyper follows none) is followed
    /// at once ([`Reason::Redirect`]), its `Location` resolved against that
    /// URL, up to 20 in a row ([`Stop::TooManyRedirects`]); without a URL to
    /// resolve a relative `Location` against, a redirect is a status.
    ///
    /// # Errors
    ///
    /// [`Next::Stop`] for 204, a wrong content type, an undecoded
    /// `Content-Encoding` or a fatal status; [`Next::Reconnect`] for a status
    /// the policy retries, waiting at least its `Retry-After`
    /// ([`Head::retry_after`]; within the cap).
    pub fn on_response(&mut self, now: Duration, head: &Head, random: u64) -> Result<(), Next> {
        if let Some(url) = head.url() {
            if self.url.as_deref() != Some(url) {
                self.url = Some(url.into());
            }
        }
        if let Some(to) = redirect::target(head, self.url.as_deref()) {
            self.last_bytes = None;
            if self.redirects >= redirect::MAX_REDIRECTS {
                return Err(Next::Stop(Stop::TooManyRedirects));
            }
            self.redirects = self.redirects.saturating_add(1);
            self.method_change = self.method_change.then(head.status());
            self.url = Some(to);
            return Err(Next::Reconnect {
                after: Duration::ZERO,
                reason: Reason::Redirect(head.status()),
            });
        }
        match judge(&self.options, head) {
            Judgement::Open => {
                self.opened = true;
                self.redirects = 0;
                self.parser.reset();
                self.progress = false;
                self.last_bytes = Some(now);
                Ok(())
            }
            Judgement::Retry { status, after } => {
                Err(self.reconnect(Reason::Status(status), after, random))
            }
            Judgement::Stop(stop) => {
                self.last_bytes = None;
                Err(Next::Stop(stop))
            }
        }
    }

    /// Parses a chunk of the open stream into `handler`, noting the bytes for
    /// the idle deadline and the events as progress. Once the parser
    /// [`is_stopped`](Self::is_stopped), chunks are dropped unread.
    pub fn feed<H: Handler + ?Sized>(&mut self, now: Duration, chunk: &[u8], handler: &mut H) {
        if self.last_bytes.is_some() {
            self.last_bytes = Some(now);
        }
        if self.parser.is_stopped() {
            return;
        }
        let mut watch = Watch {
            handler,
            events: false,
        };
        self.parser.feed_all(chunk, &mut watch);
        self.progress |= watch.events;
    }

    /// Marks the stream complete: its end, an error or a timeout stops
    /// instead of reconnecting (an LLM answer after its last event).
    pub fn mark_complete(&mut self) {
        self.complete = true;
    }

    /// Whether [`mark_complete`](Self::mark_complete) was called.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The body ended normally: reconnect (reporting a truncated last event),
    /// unless the stream is complete or the retries are used up.
    pub fn on_end(&mut self, random: u64) -> Next {
        let reason = match self.parser.finish() {
            StreamEnd::Clean => Reason::Ended,
            StreamEnd::Truncated { discarded } => Reason::Truncated { discarded },
        };
        self.reconnect(reason, None, random)
    }

    /// Reading the body of an open stream failed.
    pub fn on_error(&mut self, random: u64) -> Next {
        self.reconnect(Reason::Network, None, random)
    }

    /// The request got no response: it was refused, or the connection broke
    /// before the response head. Before the stream has opened once, that
    /// stops ([`Stop::RequestFailed`]) unless
    /// [`Options::resend_before_open`]; after, as [`on_error`](Self::on_error).
    pub fn on_send_error(&mut self, random: u64) -> Next {
        if !self.opened && !self.options.resend_before_open && !self.complete {
            self.last_bytes = None;
            return Next::Stop(Stop::RequestFailed);
        }
        self.reconnect(Reason::Network, None, random)
    }

    /// When the open stream times out for want of bytes (`None`: no stream is
    /// open, or no [`Options::idle_timeout`]). Bytes received move it.
    pub fn idle_deadline(&self) -> Option<Duration> {
        let timeout = self.options.idle_timeout?;
        Some(self.last_bytes?.saturating_add(timeout))
    }

    /// Call when the idle deadline may have passed: `Some` (reconnect or
    /// stop) if it has, `None` if bytes came meanwhile.
    pub fn on_timeout(&mut self, now: Duration, random: u64) -> Option<Next> {
        if now < self.idle_deadline()? {
            return None;
        }
        Some(self.reconnect(Reason::Idle, None, random))
    }

    fn reconnect(&mut self, reason: Reason, retry_after: Option<Duration>, random: u64) -> Next {
        self.last_bytes = None;
        if self.complete {
            return Next::Stop(Stop::Complete);
        }
        self.failures = if self.progress {
            0
        } else {
            self.failures.saturating_add(1)
        };
        self.progress = false;
        if self
            .options
            .max_retries
            .is_some_and(|max| self.failures > max)
        {
            return Next::Stop(Stop::GaveUp {
                attempts: self.failures,
            });
        }
        let mut after = backoff::delay(
            self.reconnection_time(),
            self.options.max_delay,
            self.failures,
            random,
        );
        if let Some(asked) = retry_after {
            after = after.max(asked.min(self.options.max_delay));
        }
        Next::Reconnect { after, reason }
    }
}

/// Passes everything on, noting whether an event was dispatched.
struct Watch<'h, H: ?Sized> {
    handler: &'h mut H,
    events: bool,
}

impl<H: Handler + ?Sized> Handler for Watch<'_, H> {
    fn event(&mut self, event: Event<'_>) {
        self.events = true;
        self.handler.event(event);
    }

    fn retry(&mut self, ms: u64) {
        self.handler.retry(ms);
    }

    fn comment(&mut self, text: &[u8], truncated: bool) {
        self.handler.comment(text, truncated);
    }

    fn error(&mut self, error: Error) {
        self.handler.error(error);
    }

    fn pause(&self) -> bool {
        self.handler.pause()
    }
}
