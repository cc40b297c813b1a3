//! Events from any http-body 1.x [`Body`] (feature `http-body`): hyper,
//! axum and reqwest bodies.

use core::pin::Pin;
use core::task::{Context, Poll};

use bytes::Buf;
use futures_core::{FusedStream, Stream};
use http_body::Body;

use super::queue::Queue;
use super::ReadError;
use crate::{Config, OwnedEvent, StreamEnd};

/// The events of an HTTP body, as a `Stream`: its data frames parsed, its
/// trailers skipped, its errors passed through as [`ReadError::Transport`].
/// Otherwise as [`Events`](crate::Events). The body must be `Unpin`
/// (`Box::pin` one that is not).
///
/// ```
/// use futures::{executor::block_on, StreamExt};
/// use ssewire::{BodyEvents, StreamEnd};
///
/// // Any http-body 1.x `Body`: hyper's `Incoming`, axum's and reqwest's
/// // bodies (`response.into_body()`), here a `String`.
/// let body = String::from("event: greeting\nid: 1\ndata: hi\n\n");
/// let mut events = BodyEvents::new(body);
/// block_on(async {
///     let event = events.next().await.expect("an event").expect("no error");
///     assert_eq!((event.event_type(), event.data(), event.id()), ("greeting", "hi", "1"));
///     assert!(events.next().await.is_none());
/// });
/// assert_eq!(events.end(), Some(StreamEnd::Clean));
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct BodyEvents<B> {
    body: B,
    queue: Queue,
}

impl<B> BodyEvents<B> {
    /// Parses `body` with the default [`Config`](crate::Config).
    pub fn new(body: B) -> Self {
        Self::with_config(body, crate::Config::new())
    }

    /// Parses `body` with `config`.
    pub fn with_config(body: B, config: Config) -> Self {
        Self {
            body,
            queue: Queue::new(config),
        }
    }

    /// How the stream ended: `None` until the body has ended.
    pub fn end(&self) -> Option<StreamEnd> {
        self.queue.end()
    }

    /// The last event ID (empty when none was set), to reconnect with.
    pub fn last_event_id(&self) -> &[u8] {
        self.queue.parser().last_event_id()
    }

    /// The reconnection time from the last valid `retry` field, in ms.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.queue.parser().reconnection_time()
    }

    /// The body; any events parsed but not yet polled are dropped.
    pub fn into_inner(self) -> B {
        self.body
    }
}

impl<B: Body + Unpin> Stream for BodyEvents<B> {
    type Item = Result<OwnedEvent, ReadError<B::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Self { body, queue } = self.get_mut();
        queue.poll(
            cx,
            |cx| Pin::new(&mut *body).poll_frame(cx),
            |queue, frame| {
                // Trailers (and any other frame) carry no events.
                if let Ok(mut data) = frame.into_data() {
                    while data.has_remaining() {
                        let chunk = data.chunk();
                        let len = chunk.len();
                        queue.feed(chunk);
                        data.advance(len);
                    }
                }
            },
        )
    }
}

impl<B: Body + Unpin> FusedStream for BodyEvents<B> {
    fn is_terminated(&self) -> bool {
        self.queue.is_terminated()
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
