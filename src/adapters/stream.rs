//! A futures `Stream` of events from a `Stream` of byte chunks (feature
//! `stream`): no task, no runtime, the events parsed as they are polled.

use core::pin::Pin;
use core::task::{Context, Poll};

use alloc::vec::Vec;
use futures_core::{FusedStream, Stream, TryStream};

use super::lend::{Lending, Source};
use super::ReadError;
use crate::{Config, Event, OwnedEvent, Parser};

/// The events of a stream of byte chunks (`Result<B, E>` with
/// `B: AsRef<[u8]>`, such as reqwest's `bytes_stream()`): made by
/// [`SseStreamExt::sse`].
///
/// Two ways to read them, on the same parser:
/// - [`next_event`](Self::next_event)`.await` lends each event, borrowed
///   from the chunk it lies in (or from the parser, for an event cut by a
///   chunk boundary): no allocation, no copy per event.
/// - As a [`Stream`] it hands each event over as an [`OwnedEvent`], for
///   combinators (`map`, `filter`, `select`) and for keeping events.
///
/// A refused event is [`ReadError::Parse`] (and reading goes on); a chunk
/// error is [`ReadError::Transport`] (and it goes on polling the chunks,
/// which usually end after an error). Ends (`None`) when the chunks end;
/// then [`end`](Self::end) says whether the last event was cut short. Each
/// chunk is parsed as its events are asked for, never ahead; dropping the
/// adapter drops the chunk stream: nothing runs in the background.
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
///     // Lent: borrowed from the chunk or the parser until the next call.
///     let event = events.next_event().await.unwrap()?;
///     assert_eq!((event.data(), event.id()), (&b"hello"[..], &b"1"[..]));
///     // A refused event is an item; the events after it still come.
///     let refused = events.next_event().await.unwrap().map(|_| ());
///     assert!(matches!(refused, Err(ReadError::Parse(Error::LimitExceeded { limit: 16, .. }))));
///     // Owned, through `Stream`: the same parser, the next event.
///     assert_eq!(events.next().await.unwrap()?.data(), "world");
///     assert!(events.next().await.is_none());
///     Ok::<(), ReadError<std::io::Error>>(())
/// })?;
/// // The last event had no blank line: the spec drops it.
/// assert_eq!(events.end(), Some(StreamEnd::Truncated { discarded: 13 }));
/// assert_eq!(events.last_event_id(), b"2");
/// # Ok::<(), ReadError<std::io::Error>>(())
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Events<S: TryStream> {
    inner: Lending<Chunks<S>, Vec<u8>>,
}

/// The chunk stream and the chunk being parsed.
struct Chunks<S: TryStream> {
    chunks: S,
    chunk: Option<S::Ok>,
}

impl<S> Source for Chunks<S>
where
    S: TryStream + Unpin,
    S::Ok: AsRef<[u8]>,
{
    type Error = S::Error;

    #[inline]
    fn buffer(&self) -> &[u8] {
        self.chunk.as_ref().map_or(&[], AsRef::as_ref)
    }

    fn poll_refill(&mut self, cx: &mut Context<'_>) -> Poll<Result<bool, S::Error>> {
        // The chunk used up is dropped before waiting for the next.
        self.chunk = None;
        match Pin::new(&mut self.chunks).try_poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => {
                self.chunk = Some(chunk);
                Poll::Ready(Ok(true))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Err(error)),
            Poll::Ready(None) => Poll::Ready(Ok(false)),
        }
    }
}

impl<S: TryStream> core::fmt::Debug for Events<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.inner.cursor.fmt_reader(f, "Events")
    }
}

impl<S: TryStream> Events<S> {
    /// Parses `chunks` with the adapters' default configuration (see the
    /// [module docs](crate#adapters)).
    pub fn new(chunks: S) -> Self {
        Self::with_config(chunks, crate::Config::new())
    }

    /// Parses `chunks` with `config`.
    pub fn with_config(chunks: S, config: Config) -> Self {
        Self::from_parser(chunks, Parser::with_config(Vec::new(), config))
    }

    /// Parses `chunks` with `parser`: its configuration, and its last event
    /// ID (see [`Parser::reset_with_last_event_id`]).
    pub fn from_parser(chunks: S, parser: Parser<Vec<u8>>) -> Self {
        Self {
            inner: Lending::new(
                Chunks {
                    chunks,
                    chunk: None,
                },
                parser,
            ),
        }
    }

    super::lend::cursor_accessors!(inner.cursor);

    /// The chunk stream.
    pub fn get_ref(&self) -> &S {
        &self.inner.source.chunks
    }

    /// The chunk stream, to be polled only by this adapter.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner.source.chunks
    }

    /// The chunk stream; the rest of the chunk being parsed is dropped.
    pub fn into_inner(self) -> S {
        self.inner.source.chunks
    }
}

impl<S> Events<S>
where
    S: TryStream + Unpin,
    S::Ok: AsRef<[u8]>,
{
    /// The next event, lent until the next call: borrowed from its chunk
    /// when it lies in one, else from the parser. `None` at the end (and
    /// ever after).
    ///
    /// Cancel-safe: a future dropped before it is ready (in a `select!`, on a
    /// timeout) loses nothing; the next call goes on where it stopped.
    ///
    /// ```
    /// use futures::{executor::block_on, stream};
    /// use ssewire::SseStreamExt;
    ///
    /// let chunk = "data: {\"token\": \"Hi\"}\n\n";
    /// let mut events = stream::iter([Ok::<_, std::io::Error>(chunk)]).sse();
    /// block_on(async {
    ///     while let Some(event) = events.next_event().await {
    ///         let event = event?;
    ///         assert_eq!(event.data(), br#"{"token": "Hi"}"#);
    ///         assert_eq!(event.data().as_ptr(), chunk[6..].as_ptr()); // not copied
    ///     }
    ///     Ok::<(), ssewire::ReadError<std::io::Error>>(())
    /// })?;
    /// # Ok::<(), ssewire::ReadError<std::io::Error>>(())
    /// ```
    pub async fn next_event(&mut self) -> Option<Result<Event<'_>, ReadError<S::Error>>> {
        self.inner.next_event().await
    }
}

// The chunk being parsed is never pinned (only the chunk stream is
// polled): the adapter is `Unpin` whenever the stream is.
impl<S: TryStream + Unpin> Unpin for Events<S> {}

impl<S> Stream for Events<S>
where
    S: TryStream + Unpin,
    S::Ok: AsRef<[u8]>,
{
    type Item = Result<OwnedEvent, ReadError<S::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().inner.poll_owned(cx)
    }
}

impl<S> FusedStream for Events<S>
where
    S: TryStream + Unpin,
    S::Ok: AsRef<[u8]>,
{
    fn is_terminated(&self) -> bool {
        self.inner.is_terminated()
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
pub trait SseStreamExt: TryStream + Sized {
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

impl<S: TryStream> SseStreamExt for S {}

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

        /// Starts from `id` as the last event ID, as a stream resumed with
        /// `Last-Event-ID: id` does: events with no `id` of their own carry
        /// it.
        ///
        /// # Errors
        ///
        /// [`Error::IdTooLong`](crate::Error::IdTooLong) when `id` is over
        /// the ID limit.
        pub fn with_last_event_id(mut self, id: impl AsRef<[u8]>) -> Result<Self, crate::Error> {
            self.parser = self.parser.with_last_event_id(id)?;
            Ok(self)
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
                    Poll::Ready(Some(Ok(chunk))) => this.parser.push(chunk.into()),
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
