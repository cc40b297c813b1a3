//! Lending readers over embedded-io 0.7 (features `embedded-io`,
//! `embedded-io-async`): `no_std`, no allocator. The caller lends the read
//! buffer and gives the parser its storage (an array, a lent slice).
//!
//! For embassy-net's `TcpSocket`, reqwless's response bodies, esp-idf's
//! sockets, a UART: anything that implements `embedded_io::Read` or
//! `embedded_io_async::Read`.
//!
//! ```
//! use ssewire::embedded::EventReader;
//! use ssewire::{Parser, StreamEnd};
//!
//! // A socket that hands over at most 7 bytes a read (here a byte slice,
//! // which implements `embedded_io::Read`).
//! struct Socket<'a>(&'a [u8]);
//! impl embedded_io::ErrorType for Socket<'_> {
//!     type Error = core::convert::Infallible;
//! }
//! impl embedded_io::Read for Socket<'_> {
//!     fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
//!         let n = buf.len().min(7).min(self.0.len());
//!         buf[..n].copy_from_slice(&self.0[..n]);
//!         self.0 = &self.0[n..];
//!         Ok(n)
//!     }
//! }
//!
//! let mut buf = [0u8; 64];
//! let parser = Parser::new([0u8; 256]); // the event limit: 256 bytes
//! let socket = Socket(b"event: temp\ndata: 21.5\n\ndata: 22\n\n");
//! let mut reader = EventReader::new(socket, &mut buf, parser);
//! let mut sum = 0.0;
//! while let Some(event) = reader.next_event() {
//!     let event = event.expect("no error here");
//!     sum += event.data_str().ok().and_then(|t| t.parse::<f32>().ok()).unwrap_or(0.0);
//! }
//! assert_eq!(sum, 43.5);
//! assert_eq!(reader.end(), Some(StreamEnd::Clean));
//! ```

use super::lend::{Cursor, Ready};
use super::ReadError;
use crate::buffers::Storage;
use crate::{Error, Event, Parser};

/// The lent buffer, how much of it the last read filled, and the cursor.
#[derive(Debug)]
struct Buffered<'b, S: Storage> {
    buf: &'b mut [u8],
    filled: usize,
    cursor: Cursor<S>,
}

impl<'b, S: Storage> Buffered<'b, S> {
    fn new(buf: &'b mut [u8], parser: Parser<S>) -> Self {
        Self {
            buf,
            filled: 0,
            cursor: Cursor::new(parser),
        }
    }

    fn next(&mut self) -> Option<Result<Ready, Error>> {
        self.cursor
            .next(self.buf.get(..self.filled).unwrap_or_default())
    }

    fn event(&self, ready: Ready) -> Event<'_> {
        self.cursor
            .event(ready, self.buf.get(..self.filled).unwrap_or_default())
    }

    /// The buffer to read into (all of it: the last read is used up).
    fn empty_buffer(&mut self) -> &mut [u8] {
        self.filled = 0;
        self.buf
    }

    /// A read put `n` bytes in the buffer: 0 is the end of the stream.
    fn filled(&mut self, n: usize) {
        if n == 0 {
            self.cursor.finish();
        } else {
            self.filled = n.min(self.buf.len());
            self.cursor.refilled();
        }
    }
}

/// The rest of each reader's API: the cursor's accessors, the reader.
macro_rules! accessors {
    () => {
        super::lend::cursor_accessors!(inner.cursor);

        /// The reader.
        pub fn get_ref(&self) -> &R {
            &self.reader
        }

        /// The reader; the rest of the buffer read is dropped.
        pub fn into_inner(self) -> R {
            self.reader
        }
    };
}

/// The loop of both readers' `next_event`: parse the buffer, else `$read`
/// into it (`$read` blocks, or awaits).
macro_rules! next_event {
    ($self:ident, $read:expr) => {
        loop {
            if let Some(found) = $self.inner.next() {
                return Some(match found {
                    Ok(ready) => Ok($self.inner.event(ready)),
                    Err(error) => Err(ReadError::Parse(error)),
                });
            }
            if $self.inner.cursor.end().is_some() {
                return None;
            }
            match $read {
                Ok(n) => $self.inner.filled(n),
                Err(error) => return Some(Err(ReadError::Transport(error))),
            }
        }
    };
}

/// Reads events from a blocking [`embedded_io::Read`], lending each one
/// (borrowed from the read buffer, or from the parser's storage for an
/// event cut by a read).
///
/// ```
/// use ssewire::embedded::EventReader;
/// use ssewire::Parser;
///
/// // A byte slice implements `embedded_io::Read`; a UART or socket would do.
/// let (mut buf, mut storage) = ([0u8; 16], [0u8; 64]);
/// let uart = &b"id: 7\ndata: a line longer than the buffer\n\n"[..];
/// let mut reader = EventReader::new(uart, &mut buf, Parser::new(&mut storage[..]));
/// let event = reader.next_event().expect("an event").expect("no error");
/// assert_eq!((event.data(), event.id()), (&b"a line longer than the buffer"[..], &b"7"[..]));
/// assert!(reader.next_event().is_none());
/// assert_eq!(reader.last_event_id(), b"7");
/// ```
///
/// A refused event is [`ReadError::Parse`] and reading goes on; a read error
/// is [`ReadError::Transport`]. A read of 0 bytes is the end (so the lent
/// buffer must not be empty); then [`end`](Self::end) says whether the last
/// event was cut short.
#[cfg(feature = "embedded-io")]
#[derive(Debug)]
pub struct EventReader<'b, R, S: Storage> {
    reader: R,
    inner: Buffered<'b, S>,
}

#[cfg(feature = "embedded-io")]
impl<'b, R, S: Storage> EventReader<'b, R, S> {
    /// Reads from `reader` into `buf`, parsing with `parser` (its storage
    /// bounds one event; its [`Config`](crate::Config) the rest).
    pub fn new(reader: R, buf: &'b mut [u8], parser: Parser<S>) -> Self {
        Self {
            reader,
            inner: Buffered::new(buf, parser),
        }
    }

    accessors!();
}

#[cfg(feature = "embedded-io")]
impl<R: embedded_io::Read, S: Storage> EventReader<'_, R, S> {
    /// The next event, lent until the next call; `None` at the end of the
    /// stream (and ever after).
    pub fn next_event(&mut self) -> Option<Result<Event<'_>, ReadError<R::Error>>> {
        next_event!(self, self.reader.read(self.inner.empty_buffer()))
    }
}

/// Reads events from an [`embedded_io_async::Read`] (an embassy-net
/// `TcpSocket`, a reqwless body reader), lending each one: otherwise as
/// [`EventReader`].
///
/// ```
/// use ssewire::embedded::AsyncEventReader;
/// use ssewire::Parser;
///
/// // A byte slice implements `embedded_io_async::Read`.
/// let socket = &b"data: on\n\n"[..];
/// let mut buf = [0u8; 32];
/// let mut storage = [0u8; 128];
/// let mut reader = AsyncEventReader::new(socket, &mut buf, Parser::new(&mut storage[..]));
/// futures::executor::block_on(async {
///     let event = reader.next_event().await.expect("an event").expect("no error");
///     assert_eq!(event.data(), b"on");
///     assert!(reader.next_event().await.is_none());
/// });
/// ```
#[cfg(feature = "embedded-io-async")]
#[derive(Debug)]
pub struct AsyncEventReader<'b, R, S: Storage> {
    reader: R,
    inner: Buffered<'b, S>,
}

#[cfg(feature = "embedded-io-async")]
impl<'b, R, S: Storage> AsyncEventReader<'b, R, S> {
    /// Reads from `reader` into `buf`, parsing with `parser` (its storage
    /// bounds one event; its [`Config`](crate::Config) the rest).
    pub fn new(reader: R, buf: &'b mut [u8], parser: Parser<S>) -> Self {
        Self {
            reader,
            inner: Buffered::new(buf, parser),
        }
    }

    accessors!();
}

#[cfg(feature = "embedded-io-async")]
impl<R: embedded_io_async::Read, S: Storage> AsyncEventReader<'_, R, S> {
    /// The next event, lent until the next call; `None` at the end of the
    /// stream (and ever after).
    ///
    /// Cancel-safe as far as the reader's `read` is (embassy-net's is): the
    /// bytes parsed are never read again, and none are lost here.
    pub async fn next_event(&mut self) -> Option<Result<Event<'_>, ReadError<R::Error>>> {
        next_event!(self, self.reader.read(self.inner.empty_buffer()).await)
    }
}
