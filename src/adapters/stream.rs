//! A futures `Stream` of events from a `Stream` of byte chunks (feature
//! `stream`): no task, no runtime, the events parsed as they are polled.

use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use super::queue::Queue;
use super::ReadError;
use crate::{Config, OwnedEvent, StreamEnd};

/// The events of a stream of byte chunks (`Result<B, E>` with
/// `B: AsRef<[u8]>`, such as reqwest's `bytes_stream()`): made by
/// [`SseStreamExt::sse`].
///
/// Yields each event as an [`OwnedEvent`], a refused event as
/// [`ReadError::Parse`] (and goes on), a chunk error as
/// [`ReadError::Transport`] (and goes on polling the chunks, which usually
/// end after an error). Ends (`None`) when the chunks end; then
/// [`end`](Self::end) says whether the last event was cut short. Dropping it
/// drops the chunk stream: nothing runs in the background.
///
/// ```
/// use futures::{executor::block_on, stream, StreamExt};
/// use ssewire::{Config, Error, Events, OnLimit, ReadError, StreamEnd};
///
/// // Chunks as a transport hands them over, cut anywhere, with its error type.
/// let chunks = stream::iter([
///     Ok::<_, std::io::Error>("id: 1\ndata: hel"),
///     Ok("lo\n\ndata: an event over the limit\n\n"),
///     Ok("id: 2\ndata: world\n\ndata: cut sho"),
/// ]);
/// let config = Config::new().max_event_bytes(16).on_limit(OnLimit::SkipEvent);
/// let mut events = Events::with_config(chunks, config);
/// block_on(async {
///     assert_eq!(events.next().await.unwrap()?.data(), "hello");
///     // A refused event is an item; the events after it still come.
///     let refused = events.next().await.unwrap();
///     assert!(matches!(refused, Err(ReadError::Parse(Error::LimitExceeded { limit: 16, .. }))));
///     assert_eq!(events.next().await.unwrap()?.data(), "world");
///     assert!(events.next().await.is_none());
///     Ok::<(), ReadError<std::io::Error>>(())
/// })?;
/// // The last event had no blank line: the spec drops it.
/// assert_eq!(events.end(), Some(StreamEnd::Truncated { discarded: 13 }));
/// assert_eq!(events.last_event_id(), b"2");
/// # Ok::<(), ReadError<std::io::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Events<S> {
    chunks: S,
    queue: Queue,
}

impl<S> Events<S> {
    /// Parses `chunks` with the adapters' default configuration (see the
    /// [module docs](crate#adapters)).
    pub fn new(chunks: S) -> Self {
        Self::with_config(chunks, crate::Config::new())
    }

    /// Parses `chunks` with `config`.
    pub fn with_config(chunks: S, config: Config) -> Self {
        Self {
            chunks,
            queue: Queue::new(config),
        }
    }

    /// How the stream ended: `None` until the chunks have ended.
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

    /// The chunk stream.
    pub fn get_ref(&self) -> &S {
        &self.chunks
    }

    /// The chunk stream, to be polled only by this adapter.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.chunks
    }

    /// The chunk stream; any events parsed but not yet polled are dropped.
    pub fn into_inner(self) -> S {
        self.chunks
    }
}

impl<S, B, E> Stream for Events<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    type Item = Result<OwnedEvent, ReadError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Self { chunks, queue } = self.get_mut();
        queue.poll(
            cx,
            |cx| Pin::new(&mut *chunks).poll_next(cx),
            |queue, chunk| queue.feed(chunk.as_ref()),
        )
    }
}

impl<S, B, E> FusedStream for Events<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    fn is_terminated(&self) -> bool {
        self.queue.is_terminated()
    }
}

/// `.sse()` on a stream of byte chunks: `response.bytes_stream().sse()`.
///
/// The chunk stream must be `Unpin`; pin one that is not first
/// (`Box::pin(chunks).sse()`, or `core::pin::pin!`).
///
/// ```
/// use futures::{executor::block_on, stream, StreamExt};
/// use ssewire::SseStreamExt;
///
/// // Any `Stream` of `Result<impl AsRef<[u8]>, E>` (reqwest's `bytes_stream()`,
/// // a `BodyChunks`), here one made with `unfold`, which is not `Unpin`.
/// let chunks = stream::unfold(0, |n| async move {
///     (n < 3).then(|| (Ok::<_, std::io::Error>(format!("data: {n}\n\n")), n + 1))
/// });
/// let data: Vec<String> = block_on(
///     Box::pin(chunks)
///         .sse()
///         .map(|event| event.expect("no error here").into_data())
///         .collect(),
/// );
/// assert_eq!(data, ["0", "1", "2"]);
/// ```
pub trait SseStreamExt: Sized {
    /// Its events, as [`OwnedEvent`]s.
    fn sse(self) -> Events<Self> {
        Events::new(self)
    }

    /// Its events, parsed with `config`.
    fn sse_with_config(self, config: Config) -> Events<Self> {
        Events::with_config(self, config)
    }

    /// Its events, as [`BytesEvent`](crate::BytesEvent)s whose data is sliced
    /// from the chunks without a copy (feature `bytes`).
    #[cfg(feature = "bytes")]
    fn sse_bytes(self) -> BytesEvents<Self> {
        BytesEvents::new(self)
    }
}

impl<S: Stream> SseStreamExt for S {}

#[cfg(feature = "bytes")]
pub use zero_copy::BytesEvents;

#[cfg(feature = "bytes")]
mod zero_copy {
    use core::pin::Pin;
    use core::task::{Context, Poll};

    use bytes::Bytes;
    use futures_core::{FusedStream, Stream};

    use crate::{BytesEvent, BytesParser, Config, ReadError, StreamEnd};

    /// The events of a stream of chunks that convert to [`Bytes`] (made by
    /// [`SseStreamExt::sse_bytes`](super::SseStreamExt::sse_bytes)), as
    /// [`BytesEvent`]s: otherwise as [`Events`](super::Events).
    ///
    /// ```
    /// use bytes::Bytes;
    /// use futures::{executor::block_on, stream, StreamExt};
    /// use ssewire::SseStreamExt;
    ///
    /// let chunk = Bytes::from_static(b"data: {\"token\": \"Hi\"}\n\n");
    /// let mut events = stream::iter([Ok::<_, std::io::Error>(chunk.clone())]).sse_bytes();
    /// let event = block_on(events.next()).expect("an event").expect("no error");
    /// assert_eq!(event.data(), &chunk[6..21]);
    /// assert_eq!(event.data().as_ptr(), chunk[6..].as_ptr()); // sliced, not copied
    /// ```
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct BytesEvents<S> {
        chunks: S,
        parser: BytesParser,
        end: Option<StreamEnd>,
    }

    impl<S> BytesEvents<S> {
        /// Parses `chunks` with the adapters' default configuration.
        pub fn new(chunks: S) -> Self {
            Self::from_parser(chunks, BytesParser::new())
        }

        /// Parses `chunks` with `parser` (its configuration and copy
        /// threshold).
        pub fn from_parser(chunks: S, parser: BytesParser) -> Self {
            Self {
                chunks,
                parser,
                end: None,
            }
        }

        /// Parses `chunks` with `config`.
        pub fn with_config(chunks: S, config: Config) -> Self {
            Self::from_parser(chunks, BytesParser::with_config(config))
        }

        /// How the stream ended: `None` until the chunks have ended.
        pub fn end(&self) -> Option<StreamEnd> {
            self.end
        }

        /// The parser: last event ID, reconnection time.
        pub fn parser(&self) -> &BytesParser {
            &self.parser
        }

        /// The chunk stream; any events parsed but not yet polled are dropped.
        pub fn into_inner(self) -> S {
            self.chunks
        }
    }

    impl<S, B, E> Stream for BytesEvents<S>
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: Into<Bytes>,
    {
        type Item = Result<BytesEvent, ReadError<E>>;

        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let this = self.get_mut();
            loop {
                if this.end.is_some() {
                    return Poll::Ready(None);
                }
                if let Some(item) = this.parser.next_event() {
                    return Poll::Ready(Some(item.map_err(ReadError::Parse)));
                }
                if this.parser.is_stopped() {
                    this.end = Some(this.parser.finish());
                    continue;
                }
                match Pin::new(&mut this.chunks).poll_next(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Some(Ok(chunk))) => this.parser.push_and_parse(chunk.into()),
                    Poll::Ready(Some(Err(error))) => {
                        return Poll::Ready(Some(Err(ReadError::Transport(error))))
                    }
                    Poll::Ready(None) => this.end = Some(this.parser.finish()),
                }
            }
        }
    }

    impl<S, B, E> FusedStream for BytesEvents<S>
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: Into<Bytes>,
    {
        fn is_terminated(&self) -> bool {
            self.end.is_some()
        }
    }
}
