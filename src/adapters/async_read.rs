//! Lending events from a tokio [`AsyncRead`] (feature `tokio-io`): a
//! `TcpStream`, a `UnixStream`, a child's stdout, any `AsyncBufRead`.

use core::pin::Pin;
use core::task::{Context, Poll};

use alloc::vec;
use alloc::vec::Vec;
use tokio::io::{AsyncRead, ReadBuf};

use super::lend::{Lending, Source};
use super::ReadError;
use crate::{Config, Error, Event, Parser, StreamEnd};

/// Reads events from a tokio [`AsyncRead`], lending each one: borrowed from
/// the read buffer when it lies in one read, else from the parser; no
/// allocation, no copy per event. No task, no runtime of its own: the reads
/// happen in [`next_event`](Self::next_event)'s future.
///
/// A refused event is [`ReadError::Parse`] and reading goes on; an I/O error
/// is [`ReadError::Transport`]. After the end (a read of 0 bytes),
/// [`end`](Self::end) says whether the last event was cut short.
///
/// ```
/// use futures::executor::block_on;
/// use ssewire::{AsyncEventReader, StreamEnd};
///
/// // Any `AsyncRead`: a `TcpStream`, a child's stdout; here a byte slice.
/// let input = &b"id: 1\ndata: hello\n\ndata: world\n\n"[..];
/// let mut reader = AsyncEventReader::new(input);
/// let mut seen = Vec::new();
/// block_on(async {
///     while let Some(event) = reader.next_event().await {
///         let event = event?;
///         seen.push((event.data_lossy().into_owned(), event.id_lossy().into_owned()));
///     }
///     Ok::<(), ssewire::ReadError<std::io::Error>>(())
/// })?;
/// let hello = ("hello".to_owned(), "1".to_owned());
/// assert_eq!(seen, [hello, ("world".into(), "1".into())]);
/// assert_eq!(reader.end(), Some(StreamEnd::Clean));
/// # Ok::<(), ssewire::ReadError<std::io::Error>>(())
/// ```
pub struct AsyncEventReader<R> {
    inner: Lending<Reads<R>, Vec<u8>>,
}

/// The reader, its buffer, and how much of it the last read filled.
struct Reads<R> {
    reader: R,
    buf: Vec<u8>,
    filled: usize,
}

impl<R: AsyncRead + Unpin> Source for Reads<R> {
    type Error = std::io::Error;

    #[inline]
    fn buffer(&self) -> &[u8] {
        self.buf.get(..self.filled).unwrap_or_default()
    }

    fn poll_refill(&mut self, cx: &mut Context<'_>) -> Poll<Result<bool, std::io::Error>> {
        self.filled = 0;
        let mut read = ReadBuf::new(&mut self.buf);
        match Pin::new(&mut self.reader).poll_read(cx, &mut read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(())) => {
                self.filled = read.filled().len();
                Poll::Ready(Ok(self.filled != 0))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
        }
    }
}

impl<R> core::fmt::Debug for AsyncEventReader<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AsyncEventReader")
            .field("parser", self.inner.cursor.parser())
            .field("end", &self.inner.cursor.end())
            .finish_non_exhaustive()
    }
}

impl<R> AsyncEventReader<R> {
    /// The read buffer's size unless given one: 8 KiB, tokio's `BufReader`'s.
    pub const DEFAULT_BUFFER_SIZE: usize = 8 << 10;

    /// Reads from `reader` with the default [`Config`](crate::Config).
    pub fn new(reader: R) -> Self {
        Self::with_config(reader, Config::new())
    }

    /// Reads from `reader` with `config`.
    pub fn with_config(reader: R, config: Config) -> Self {
        Self::from_parser(reader, Parser::with_config(Vec::new(), config))
    }

    /// Reads from `reader` with `parser`: its configuration, and its last
    /// event ID (see [`Parser::reset_with_last_event_id`]).
    pub fn from_parser(reader: R, parser: Parser<Vec<u8>>) -> Self {
        Self::with_buffer_size(reader, parser, Self::DEFAULT_BUFFER_SIZE)
    }

    /// Reads into a buffer of `size` bytes (at least 1) instead of
    /// [`DEFAULT_BUFFER_SIZE`](Self::DEFAULT_BUFFER_SIZE).
    pub fn with_buffer_size(reader: R, parser: Parser<Vec<u8>>, size: usize) -> Self {
        let source = Reads {
            reader,
            buf: vec![0; size.max(1)],
            filled: 0,
        };
        Self {
            inner: Lending::new(source, parser),
        }
    }

    /// Starts from `id` as the last event ID, as a stream resumed with
    /// `Last-Event-ID: id` does: events with no `id` of their own carry it.
    ///
    /// # Errors
    ///
    /// [`Error::IdTooLong`] when `id` is over the ID limit.
    pub fn with_last_event_id(mut self, id: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.inner.cursor.seed(id.as_ref())?;
        Ok(self)
    }

    /// How the stream ended: `None` until the reader reported its end.
    pub fn end(&self) -> Option<StreamEnd> {
        self.inner.cursor.end()
    }

    /// The last event ID (empty when none was set), to reconnect with.
    pub fn last_event_id(&self) -> &[u8] {
        self.inner.cursor.parser().last_event_id()
    }

    /// The reconnection time from the last valid `retry` field, in ms.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.inner.cursor.parser().reconnection_time()
    }

    /// The reader.
    pub fn get_ref(&self) -> &R {
        &self.inner.source.reader
    }

    /// The reader; the rest of the buffer read is dropped.
    pub fn into_inner(self) -> R {
        self.inner.source.reader
    }
}

impl<R: AsyncRead + Unpin> AsyncEventReader<R> {
    /// The next event, lent until the next call; `None` at the end of the
    /// stream (and ever after).
    pub async fn next_event(&mut self) -> Option<Result<Event<'_>, ReadError<std::io::Error>>> {
        self.inner.next_event().await
    }
}
