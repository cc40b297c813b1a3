//! Lending events from a tokio [`AsyncRead`] (feature `tokio-io`): a
//! `TcpStream`, a `UnixStream`, a child's stdout, any `AsyncBufRead`.

use core::pin::Pin;
use core::task::{Context, Poll};

use alloc::vec;
use alloc::vec::Vec;
use tokio::io::{AsyncRead, ReadBuf};

use super::lend::{Lending, Source};
use super::ReadError;
use crate::{Config, Event, Parser};

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
        self.inner.cursor.fmt_reader(f, "AsyncEventReader")
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

    super::lend::cursor_accessors!(inner.cursor);

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
    ///
    /// Cancel-safe: a future dropped before it is ready (in a `select!`, on a
    /// timeout) loses nothing; the next call goes on where it stopped.
    pub async fn next_event(&mut self) -> Option<Result<Event<'_>, ReadError<std::io::Error>>> {
        self.inner.next_event().await
    }
}
