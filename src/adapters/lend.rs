//! What every lending reader shares: the parser, where it is in the buffer
//! of bytes the transport gave last, and how the stream ended.
//!
//! A reader parses its buffer lazily, one event per call, with
//! [`Parser::parse`]: nothing is queued, nothing is copied out of the
//! buffer, and the event it finds is seen only on the way out (with
//! [`Parser::step`]), so that it can be lent from the reader (see
//! [`Parsed`]). The `Stream` adapters own each event they lend.

#[cfg(any(feature = "stream", feature = "tokio-io"))]
use core::task::{Context, Poll};

#[cfg(any(feature = "stream", feature = "tokio-io"))]
use super::ReadError;
use crate::buffers::Storage;
use crate::{Error, Event, Parsed, Parser, StreamEnd};

/// An event found in the buffer: what `parse` said, and where its input
/// began.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ready {
    parsed: Parsed,
    start: usize,
}

/// The parser, how far into the current buffer it has parsed, and the end.
#[derive(Debug)]
pub(crate) struct Cursor<S: Storage> {
    parser: Parser<S>,
    /// Bytes of the current buffer parsed.
    pos: usize,
    end: Option<StreamEnd>,
}

impl<S: Storage> Cursor<S> {
    pub(crate) fn new(parser: Parser<S>) -> Self {
        Self {
            parser,
            pos: 0,
            end: None,
        }
    }

    /// The next event (or refused event) in `buf` past what was parsed:
    /// `None` when `buf` is used up (then refill it and call
    /// [`refilled`](Self::refilled)) or the stream has ended. A `retry` is
    /// applied, a comment skipped. With [`OnLimit::Stop`](crate::OnLimit)
    /// the error ends the stream.
    #[inline]
    pub(crate) fn next(&mut self, buf: &[u8]) -> Option<Result<Ready, Error>> {
        while self.end.is_none() {
            let start = self.pos;
            let input = buf.get(start..).unwrap_or_default();
            if input.is_empty() {
                return None;
            }
            let (parsed, used) = self.parser.parse(input);
            self.pos = start.saturating_add(used);
            match parsed {
                Ok(parsed) if parsed.is_event() => return Some(Ok(Ready { parsed, start })),
                Ok(parsed) if parsed.needs_input() => return None,
                Ok(_) => {}
                Err(error) => {
                    if self.parser.is_stopped() {
                        self.stop(buf);
                    }
                    return Some(Err(error));
                }
            }
        }
        None
    }

    /// The event `next` found, lent from the parser and `buf` (the same
    /// buffer, not refilled since).
    pub(crate) fn event<'a>(&'a self, ready: Ready, buf: &'a [u8]) -> Event<'a> {
        let input = buf.get(ready.start..).unwrap_or_default();
        self.parser
            .step(ready.parsed, input)
            .event()
            .unwrap_or(Event::new(b"", b"", b""))
    }

    /// The parser stopped (`OnLimit::Stop`): the rest of the buffer goes to
    /// it, to be dropped and counted, and the stream ends.
    #[cold]
    fn stop(&mut self, buf: &[u8]) {
        self.parser
            .drop_rest(buf.get(self.pos..).unwrap_or_default());
        self.pos = buf.len();
        self.finish();
    }

    /// A new buffer replaced the one used up.
    pub(crate) fn refilled(&mut self) {
        self.pos = 0;
    }

    /// The transport ended: records how (once).
    pub(crate) fn finish(&mut self) {
        if self.end.is_none() {
            self.end = Some(self.parser.finish());
        }
    }

    /// How the stream ended, once it has.
    pub(crate) fn end(&self) -> Option<StreamEnd> {
        self.end
    }

    pub(crate) fn parser(&self) -> &Parser<S> {
        &self.parser
    }

    /// Starts from `id` as the last event ID (before anything is parsed).
    pub(crate) fn seed(&mut self, id: &[u8]) -> Result<(), Error> {
        self.parser.reset_with_last_event_id(id)
    }
}

/// The methods every lending reader has, over its [`Cursor`] at the field
/// path given (`inner.cursor`): seeding, the end, the last event ID, the
/// reconnection time. One home for their behaviour and their docs.
macro_rules! cursor_accessors {
    ($($cursor:ident).+) => {
        /// Starts from `id` as the last event ID, as a stream resumed with
        /// `Last-Event-ID: id` does: events with no `id` of their own carry
        /// it.
        ///
        /// # Errors
        ///
        /// [`Error::IdTooLong`](crate::Error::IdTooLong) when `id` is over
        /// the ID limit.
        pub fn with_last_event_id(mut self, id: impl AsRef<[u8]>) -> Result<Self, crate::Error> {
            self.$($cursor).+.seed(id.as_ref())?;
            Ok(self)
        }

        /// How the stream ended: `None` until the transport has ended (or an
        /// error under [`OnLimit::Stop`](crate::OnLimit::Stop) ended it).
        pub fn end(&self) -> Option<crate::StreamEnd> {
            self.$($cursor).+.end()
        }

        /// The last event ID (empty when none was set), to reconnect with.
        pub fn last_event_id(&self) -> &[u8] {
            self.$($cursor).+.parser().last_event_id()
        }

        /// The reconnection time from the last valid `retry` field, in ms.
        pub fn reconnection_time(&self) -> Option<u64> {
            self.$($cursor).+.parser().reconnection_time()
        }
    };
}
pub(crate) use cursor_accessors;

#[cfg(any(feature = "stream", feature = "tokio-io"))]
impl<S: Storage> Cursor<S> {
    /// The `Debug` of a reader: its parser and end, not its transport.
    pub(crate) fn fmt_reader(
        &self,
        f: &mut core::fmt::Formatter<'_>,
        name: &str,
    ) -> core::fmt::Result {
        f.debug_struct(name)
            .field("parser", &self.parser)
            .field("end", &self.end)
            .finish_non_exhaustive()
    }
}

/// A transport that hands over its bytes a buffer at a time, polled.
#[cfg(any(feature = "stream", feature = "tokio-io"))]
pub(crate) trait Source {
    /// The transport's error.
    type Error;

    /// The current buffer (empty before the first).
    fn buffer(&self) -> &[u8];

    /// Replaces the buffer, used up, with the next bytes: `Ok(false)` at
    /// the end of the stream.
    fn poll_refill(&mut self, cx: &mut Context<'_>) -> Poll<Result<bool, Self::Error>>;
}

/// A [`Source`] and the cursor parsing it: the loop of every polled reader.
#[cfg(any(feature = "stream", feature = "tokio-io"))]
#[derive(Debug)]
pub(crate) struct Lending<T, S: Storage> {
    pub(crate) source: T,
    pub(crate) cursor: Cursor<S>,
    /// `None` was handed out: for `FusedStream`.
    terminated: bool,
}

#[cfg(any(feature = "stream", feature = "tokio-io"))]
impl<T, S: Storage> Lending<T, S> {
    pub(crate) fn new(source: T, parser: Parser<S>) -> Self {
        Self {
            source,
            cursor: Cursor::new(parser),
            terminated: false,
        }
    }

    #[cfg(feature = "stream")]
    pub(crate) fn is_terminated(&self) -> bool {
        self.terminated
    }
}

#[cfg(any(feature = "stream", feature = "tokio-io"))]
impl<T: Source, S: Storage> Lending<T, S> {
    /// Parses and refills until an event, an error, the end, or `Pending`.
    pub(crate) fn poll_ready(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Ready, ReadError<T::Error>>>> {
        loop {
            if let Some(found) = self.cursor.next(self.source.buffer()) {
                return Poll::Ready(Some(found.map_err(ReadError::Parse)));
            }
            if self.cursor.end().is_some() {
                self.terminated = true;
                return Poll::Ready(None);
            }
            match self.source.poll_refill(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(true)) => self.cursor.refilled(),
                Poll::Ready(Ok(false)) => self.cursor.finish(),
                Poll::Ready(Err(error)) => {
                    return Poll::Ready(Some(Err(ReadError::Transport(error))))
                }
            }
        }
    }

    /// The event `poll_ready` found, lent.
    pub(crate) fn event(&self, ready: Ready) -> Event<'_> {
        self.cursor.event(ready, self.source.buffer())
    }

    /// The next event, owned: the `poll_next` of the `Stream` adapters.
    #[cfg(feature = "stream")]
    pub(crate) fn poll_owned(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<crate::OwnedEvent, ReadError<T::Error>>>> {
        match self.poll_ready(cx) {
            Poll::Ready(Some(Ok(ready))) => {
                Poll::Ready(Some(Ok(crate::OwnedEvent::from(self.event(ready)))))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    /// The next event, lent: `poll_ready` as a future, then the event.
    pub(crate) async fn next_event(&mut self) -> Option<Result<Event<'_>, ReadError<T::Error>>> {
        let found = core::future::poll_fn(|cx| self.poll_ready(cx)).await?;
        Some(found.map(|ready| self.event(ready)))
    }
}
