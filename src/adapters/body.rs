//! Events from any http-body 1.x [`Body`] (feature `http-body`): hyper,
//! axum and reqwest bodies.

use core::pin::Pin;
use core::task::{Context, Poll};

use alloc::vec::Vec;
use bytes::Buf;
use futures_core::{FusedStream, Stream};
use http_body::Body;

use super::lend::{Lending, Source};
use super::ReadError;
use crate::{Config, Event, OwnedEvent, Parser};

/// The events of an HTTP body: its data frames parsed, its trailers
/// skipped, its errors passed through as [`ReadError::Transport`]. Lent by
/// [`next_event`](Self::next_event)`.await` or owned through [`Stream`], as
/// [`Events`](crate::Events)' are. The body must be `Unpin` (`Box::pin` one
/// that is not).
///
/// ```
/// use futures::{executor::block_on, StreamExt};
/// use ssewire::{BodyEvents, StreamEnd};
///
/// // Any http-body 1.x `Body`: hyper's `Incoming`, axum's and reqwest's
/// // bodies (`response.into_body()`), here a `String`.
/// let body = String::from("event: greeting\nid: 1\ndata: hi\n\ndata: again\n\n");
/// let mut events = BodyEvents::new(body);
/// block_on(async {
///     let event = events.next_event().await.expect("an event").expect("no error");
///     assert_eq!((event.event_type(), event.data(), event.id()), (&b"greeting"[..], &b"hi"[..], &b"1"[..]));
///     let event = events.next().await.expect("an event").expect("no error");
///     assert_eq!((event.event_type(), event.data(), event.id()), ("message", "again", "1"));
///     assert!(events.next().await.is_none());
/// });
/// assert_eq!(events.end(), Some(StreamEnd::Clean));
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct BodyEvents<B: Body> {
    inner: Lending<Frames<B>, Vec<u8>>,
}

/// The body and the data frame being parsed (one `Buf` chunk at a time).
struct Frames<B: Body> {
    body: B,
    data: Option<B::Data>,
}

impl<B: Body + Unpin> Source for Frames<B> {
    type Error = B::Error;

    #[inline]
    fn buffer(&self) -> &[u8] {
        self.data.as_ref().map_or(&[], Buf::chunk)
    }

    fn poll_refill(&mut self, cx: &mut Context<'_>) -> Poll<Result<bool, B::Error>> {
        if let Some(data) = &mut self.data {
            // A frame's buffer may come in several pieces.
            let used = data.chunk().len();
            data.advance(used);
            if data.has_remaining() {
                return Poll::Ready(Ok(true));
            }
        }
        self.data = None;
        loop {
            match Pin::new(&mut self.body).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(frame))) => {
                    // Trailers (and any other frame) carry no events.
                    if let Ok(data) = frame.into_data() {
                        if data.has_remaining() {
                            self.data = Some(data);
                            return Poll::Ready(Ok(true));
                        }
                    }
                }
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Err(error)),
                Poll::Ready(None) => return Poll::Ready(Ok(false)),
            }
        }
    }
}

impl<B: Body> core::fmt::Debug for BodyEvents<B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.inner.cursor.fmt_reader(f, "BodyEvents")
    }
}

impl<B: Body> BodyEvents<B> {
    /// Parses `body` with the default [`Config`](crate::Config).
    pub fn new(body: B) -> Self {
        Self::with_config(body, crate::Config::new())
    }

    /// Parses `body` with `config`.
    pub fn with_config(body: B, config: Config) -> Self {
        Self::from_parser(body, Parser::with_config(Vec::new(), config))
    }

    /// Parses `body` with `parser`: its configuration, and its last event
    /// ID (see [`Parser::reset_with_last_event_id`]).
    pub fn from_parser(body: B, parser: Parser<Vec<u8>>) -> Self {
        Self {
            inner: Lending::new(Frames { body, data: None }, parser),
        }
    }

    super::lend::cursor_accessors!(inner.cursor);

    /// The body; the rest of the frame being parsed is dropped.
    pub fn into_inner(self) -> B {
        self.inner.source.body
    }
}

impl<B: Body + Unpin> BodyEvents<B> {
    /// The next event, lent until the next call: borrowed from its frame
    /// when it lies in one, else from the parser. `None` at the end (and
    /// ever after).
    ///
    /// Cancel-safe: a future dropped before it is ready (in a `select!`, on a
    /// timeout) loses nothing; the next call goes on where it stopped.
    pub async fn next_event(&mut self) -> Option<Result<Event<'_>, ReadError<B::Error>>> {
        self.inner.next_event().await
    }
}

// The frame being parsed is never pinned (only the body is polled): the
// adapter is `Unpin` whenever the body is, whatever its data type.
impl<B: Body + Unpin> Unpin for BodyEvents<B> {}

impl<B: Body + Unpin> Stream for BodyEvents<B> {
    type Item = Result<OwnedEvent, ReadError<B::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().inner.poll_owned(cx)
    }
}

impl<B: Body + Unpin> FusedStream for BodyEvents<B> {
    fn is_terminated(&self) -> bool {
        self.inner.is_terminated()
    }
}

/// The data of an HTTP body as a `Stream` of [`Bytes`](bytes::Bytes) chunks,
/// its trailers skipped: for the zero-copy adapter,
/// `BodyChunks::new(body).sse_bytes()` (feature `bytes`), or any other
/// consumer of byte chunks. A data frame whose buffer is a `Bytes` (hyper's,
/// axum's and reqwest's) is passed on without a copy.
///
/// ```
/// use futures::{executor::block_on, StreamExt};
/// use ssewire::{BodyChunks, SseStreamExt};
///
/// let body = String::from("data: hi\n\n"); // any http-body 1.x `Body`
/// let chunks: Vec<_> = block_on(BodyChunks::new(body.clone()).collect());
/// assert_eq!(chunks.len(), 1);
/// assert_eq!(chunks[0].as_ref().expect("no error"), "data: hi\n\n");
/// // Any consumer of chunks: `.sse()` here, `.sse_bytes()` with feature `bytes`.
/// let events: Vec<_> = block_on(BodyChunks::new(body).sse().collect());
/// assert_eq!(events[0].as_ref().expect("no error").data(), "hi");
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct BodyChunks<B> {
    body: B,
}

impl<B> BodyChunks<B> {
    /// The chunks of `body`.
    pub fn new(body: B) -> Self {
        Self { body }
    }

    /// The body.
    pub fn into_inner(self) -> B {
        self.body
    }
}

impl<B: Body + Unpin> Stream for BodyChunks<B> {
    type Item = Result<bytes::Bytes, B::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let body = &mut self.get_mut().body;
        loop {
            match Pin::new(&mut *body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(mut data) = frame.into_data() {
                        let len = data.remaining();
                        return Poll::Ready(Some(Ok(data.copy_to_bytes(len))));
                    }
                }
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
