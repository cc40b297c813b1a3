//! Writing event streams: the encoder for servers.
//!
//! The one rule everything here serves: what a client's parser reads back is
//! exactly what the caller gave, or the caller gets an error. What that takes,
//! field by field (HTML §9.2.5, §9.2.6):
//!
//! - Every field is written `name: value` LF, with the one space the parser
//!   removes, so a value's own leading space survives.
//! - Data is split at every CR, LF and CRLF (one break, also when its CR and
//!   LF arrive in different pieces); each line gets its own `data: ` line.
//!   The parser joins them with LF, so CR and CRLF come back as LF, and a
//!   trailing break comes back as a trailing LF (the parser removes only the
//!   LF it added itself).
//! - Data that is present, even empty, writes at least one `data: ` line:
//!   the parser dispatches an event only when its data buffer is not empty,
//!   and each `data` line adds an LF to it.
//! - Event types and IDs are one line; a CR or LF would end the field early
//!   and let the rest inject fields, so they are refused, never stripped. An
//!   ID with NUL makes clients ignore the whole `id` field; refused too.
//! - Each event ends with a blank line, which dispatches it.
//!
//! Every writer goes through [`ByteSink::put`]; the exact length is the same
//! emission counted by a sink that stores nothing, so the two cannot drift.

use core::convert::Infallible;
use core::fmt;

use memchr::{memchr2, memchr3};

/// A keep-alive: a comment line with no text, `b":\n"`.
///
/// Clients ignore comment lines and it dispatches nothing, so it can go
/// between any two events; it keeps idle connections (and proxies) from
/// timing out. Write it every 15 to 30 seconds when there is nothing else to
/// send.
///
/// ```
/// assert_eq!(ssewire::KEEP_ALIVE, b":\n");
/// ```
pub const KEEP_ALIVE: &[u8] = b":\n";

/// Where encoded bytes go: implemented for `&mut [u8]` (which advances past
/// what it receives, like `std::io::Write` for slices), `Vec<u8>` (feature
/// `alloc`) and `IoSink` (feature `std`). Implement it for your own buffer
/// type to encode straight into it.
///
/// ```
/// use ssewire::{ByteSink, ServerEvent};
///
/// /// Up to 64 bytes on the stack; refuses what does not fit.
/// struct Small {
///     buf: [u8; 64],
///     len: usize,
/// }
///
/// #[derive(Debug, PartialEq)]
/// struct Full;
///
/// impl ByteSink for Small {
///     type Error = Full;
///     fn put(&mut self, bytes: &[u8]) -> Result<(), Full> {
///         let end = self.len + bytes.len();
///         self.buf.get_mut(self.len..end).ok_or(Full)?.copy_from_slice(bytes);
///         self.len = end;
///         Ok(())
///     }
/// }
///
/// let mut sink = Small { buf: [0; 64], len: 0 };
/// let n = ServerEvent::new("hello").write(&mut sink)?;
/// assert_eq!(&sink.buf[..n], b"data: hello\n\n");
/// let long = "x".repeat(100);
/// assert_eq!(ServerEvent::new(&long).write(&mut sink), Err(Full));
/// # Ok::<(), Full>(())
/// ```
pub trait ByteSink {
    /// Why bytes could not be taken.
    type Error;

    /// Takes all of `bytes`, or fails.
    fn put(&mut self, bytes: &[u8]) -> Result<(), Self::Error>;
}

impl<S: ByteSink + ?Sized> ByteSink for &mut S {
    type Error = S::Error;

    fn put(&mut self, bytes: &[u8]) -> Result<(), Self::Error> {
        (**self).put(bytes)
    }
}

/// The slice that is left shrinks from the front. A piece that does not fit
/// is refused whole ([`EncodeError::BufferTooSmall`], `needed` is the size of
/// that piece): what was taken before it stays written.
impl ByteSink for &mut [u8] {
    type Error = EncodeError;

    fn put(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        if bytes.len() > self.len() {
            return Err(EncodeError::BufferTooSmall {
                needed: bytes.len(),
                available: self.len(),
            });
        }
        let (head, tail) = core::mem::take(self).split_at_mut(bytes.len());
        head.copy_from_slice(bytes);
        *self = tail;
        Ok(())
    }
}

/// Appends; never fails.
#[cfg(feature = "alloc")]
impl ByteSink for alloc::vec::Vec<u8> {
    type Error = Infallible;

    fn put(&mut self, bytes: &[u8]) -> Result<(), Infallible> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

/// A [`ByteSink`] over any [`std::io::Write`]: each piece goes to `write_all` as
/// it comes (several per event), so give it a buffered writer
/// ([`std::io::BufWriter`]) when the writer makes a system call per write.
/// [`ServerEvent::write_to`] needs no wrapper and stages small events itself.
///
/// ```
/// use std::io::BufWriter;
/// use ssewire::{Comment, IoSink, ServerEvent};
///
/// // Any `io::Write`: a socket, a child's stdin; here a `Vec` behind a `BufWriter`.
/// let mut sink = IoSink(BufWriter::new(Vec::new()));
/// ServerEvent::new("hi").event_type("greeting")?.write(&mut sink)?;
/// Comment::new("ping").write(&mut sink)?;
/// let written = sink.0.into_inner().expect("flushed");
/// assert_eq!(written, b"event: greeting\ndata: hi\n\n: ping\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct IoSink<W>(pub W);

#[cfg(feature = "std")]
impl<W: std::io::Write> ByteSink for IoSink<W> {
    type Error = std::io::Error;

    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.0.write_all(bytes)
    }
}

/// Counts what it is given: [`ServerEvent::encoded_len`] is the emission
/// itself, measured.
pub(crate) struct Count(pub(crate) usize);

impl ByteSink for Count {
    type Error = Infallible;

    fn put(&mut self, bytes: &[u8]) -> Result<(), Infallible> {
        self.0 = self.0.saturating_add(bytes.len());
        Ok(())
    }
}

/// Passes bytes on and counts them, for the lengths the writers return.
pub(crate) struct Counted<S> {
    pub(crate) sink: S,
    pub(crate) written: usize,
}

impl<S: ByteSink> ByteSink for Counted<S> {
    type Error = S::Error;

    fn put(&mut self, bytes: &[u8]) -> Result<(), S::Error> {
        self.sink.put(bytes)?;
        self.written = self.written.saturating_add(bytes.len());
        Ok(())
    }
}

/// Why an event could not be built or written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// The event type contains a CR or LF: it would end the `event` field
    /// early, and what follows would be read as other fields.
    LineBreakInEventType,
    /// The ID contains a CR or LF: it would end the `id` field early.
    LineBreakInId,
    /// The ID contains a NUL: clients ignore an `id` field holding one, so
    /// the last event ID would silently not change.
    NulInId,
    /// The buffer cannot hold what was to be written.
    BufferTooSmall {
        /// Bytes needed: the whole event for [`ServerEvent::encode_into`]
        /// and [`Comment::encode_into`], the piece refused for the `&mut
        /// [u8]` [`ByteSink`].
        needed: usize,
        /// Bytes the buffer had left.
        available: usize,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LineBreakInEventType => f.write_str("event type contains a line break"),
            Self::LineBreakInId => f.write_str("event ID contains a line break"),
            Self::NulInId => f.write_str("event ID contains a NUL"),
            Self::BufferTooSmall { needed, available } => write!(
                f,
                "buffer too small: {needed} bytes needed, {available} available"
            ),
        }
    }
}

impl core::error::Error for EncodeError {}

/// `BufferTooSmall` becomes [`std::io::ErrorKind::WriteZero`], as
/// `std::io::Write` for slices reports it; the others `InvalidInput`.
#[cfg(feature = "std")]
impl From<EncodeError> for std::io::Error {
    fn from(error: EncodeError) -> Self {
        let kind = match error {
            EncodeError::BufferTooSmall { .. } => std::io::ErrorKind::WriteZero,
            _ => std::io::ErrorKind::InvalidInput,
        };
        Self::new(kind, error)
    }
}

/// One event to write: data, and optionally an event type, an ID and a
/// reconnection time. Checked when built, so writing it can only fail for
/// lack of room.
///
/// Wire format (LF line ends, fields in this order, each present one only):
///
/// ```text
/// event: <event type>
/// id: <ID>
/// retry: <milliseconds>
/// data: <first line of data>
/// data: <next line>...
/// <blank line>
/// ```
///
/// ```
/// use ssewire::ServerEvent;
///
/// let event = ServerEvent::new("a\r\nb").event_type("patch")?.id("7")?;
/// let mut buf = [0u8; 64];
/// let n = event.encode_into(&mut buf)?;
/// assert_eq!(n, event.encoded_len());
/// assert_eq!(&buf[..n], b"event: patch\nid: 7\ndata: a\ndata: b\n\n");
/// # Ok::<(), ssewire::EncodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use]
pub struct ServerEvent<'a> {
    /// Never `Some("")`: an empty type is the default, written as no field.
    event_type: Option<&'a str>,
    data: Option<&'a [u8]>,
    id: Option<&'a str>,
    retry: Option<u64>,
}

impl<'a> ServerEvent<'a> {
    /// An event with this data, of type `message`, with no ID field (clients
    /// keep the last event ID they have).
    ///
    /// Any text round-trips, with CR and CRLF read back as LF: empty data
    /// (one empty `data: ` line, so the event is still dispatched), line
    /// breaks anywhere including at the end, leading spaces, NUL.
    pub const fn new(data: &'a str) -> Self {
        Self::new_bytes(data.as_bytes())
    }

    /// [`new`](Self::new) for data as bytes, split at CR and LF in the same
    /// way. The stream is UTF-8: clients read bytes that are not UTF-8 as
    /// U+FFFD, so only UTF-8 round-trips. Useful for text that is UTF-8 by
    /// construction, such as `serde_json::to_vec` output.
    pub const fn new_bytes(data: &'a [u8]) -> Self {
        Self {
            event_type: None,
            data: Some(data),
            id: None,
            retry: None,
        }
    }

    /// A block with no data: only the ID and reconnection time set on it are
    /// written, then a blank line.
    ///
    /// Clients dispatch no event for it (the spec dispatches only when the
    /// data buffer is not empty), but an `id` still becomes the client's last
    /// event ID (sent back as `Last-Event-ID` on reconnection), and a `retry`
    /// sets its reconnection time. An event type alone has no effect.
    ///
    /// ```
    /// use ssewire::ServerEvent;
    ///
    /// let mut out = Vec::new();
    /// ServerEvent::without_data().id("42")?.retry(5000).append_to(&mut out);
    /// assert_eq!(out, b"id: 42\nretry: 5000\n\n");
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub const fn without_data() -> Self {
        Self {
            event_type: None,
            data: None,
            id: None,
            retry: None,
        }
    }

    /// Sets the event type (clients dispatch to listeners of that name; an
    /// empty type is the default, `message`, and writes no field).
    ///
    /// # Errors
    ///
    /// [`EncodeError::LineBreakInEventType`] if it contains a CR or LF.
    pub fn event_type(mut self, event_type: &'a str) -> Result<Self, EncodeError> {
        check_event_type(event_type)?;
        self.event_type = (!event_type.is_empty()).then_some(event_type);
        Ok(self)
    }

    /// Sets the ID: the client's last event ID from this event on. An empty
    /// ID is written (`id: `) and clears it.
    ///
    /// # Errors
    ///
    /// [`EncodeError::LineBreakInId`] if it contains a CR or LF,
    /// [`EncodeError::NulInId`] if it contains a NUL.
    pub fn id(mut self, id: &'a str) -> Result<Self, EncodeError> {
        check_id(id)?;
        self.id = Some(id);
        Ok(self)
    }

    /// Sets the client's reconnection time, in milliseconds (`retry` field).
    pub const fn retry(mut self, milliseconds: u64) -> Self {
        self.retry = Some(milliseconds);
        self
    }

    /// The exact number of bytes the writers produce for this event.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        encoded_len(self)
    }

    /// Writes the event at the start of `buf`; returns its length.
    ///
    /// # Errors
    ///
    /// [`EncodeError::BufferTooSmall`] if `buf` is shorter than
    /// [`encoded_len`](Self::encoded_len); nothing is written then.
    pub fn encode_into(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        encode_into(self, buf)
    }

    /// Appends the event to `out`; returns its length. No allocation when
    /// `out` has room (reuse one `Vec` and `clear` it after each send).
    #[cfg(feature = "alloc")]
    pub fn append_to(&self, out: &mut alloc::vec::Vec<u8>) -> usize {
        append_to(self, out)
    }

    /// Writes the event to `writer`; returns its length. An event of up to
    /// 512 bytes goes out in one `write_all`; a longer one in pieces (wrap
    /// unbuffered writers in a [`std::io::BufWriter`]).
    ///
    /// # Errors
    ///
    /// The writer's. The event may then be partly written; a client discards
    /// an event that the stream ends in the middle of.
    #[cfg(feature = "std")]
    pub fn write_to<W: std::io::Write>(&self, mut writer: W) -> std::io::Result<usize> {
        let mut stage = [0u8; 512];
        if let Ok(n) = self.encode_into(&mut stage) {
            writer.write_all(stage.get(..n).unwrap_or_default())?;
            return Ok(n);
        }
        self.write(IoSink(writer))
    }

    /// Writes the event to any [`ByteSink`]; returns its length.
    ///
    /// # Errors
    ///
    /// The sink's; the event may then be partly written.
    pub fn write<S: ByteSink>(&self, sink: S) -> Result<usize, S::Error> {
        let mut counted = Counted { sink, written: 0 };
        self.emit(&mut counted)?;
        Ok(counted.written)
    }

    /// Starts writing this event with data given in pieces: writes its event
    /// type, ID, reconnection time and its data so far (from
    /// [`new`](Self::new), or none with [`without_data`](Self::without_data)),
    /// and returns a [`DataWriter`] for the rest.
    ///
    /// # Errors
    ///
    /// The sink's.
    pub fn data_writer<S: ByteSink>(&self, sink: S) -> Result<DataWriter<S>, S::Error> {
        let mut sink = Counted { sink, written: 0 };
        self.emit_fields(&mut sink)?;
        let mut writer = DataWriter {
            sink,
            after_cr: false,
            prefix: b"",
            started: false,
        };
        if let Some(data) = self.data {
            // Data given, even empty, is a line already begun.
            writer.start_line()?;
            writer.push_bytes(data)?;
        }
        Ok(writer)
    }

    fn emit<S: ByteSink>(&self, mut sink: S) -> Result<(), S::Error> {
        self.emit_fields(&mut sink)?;
        match self.data {
            Some(data) => {
                sink.put(b"data: ")?;
                emit_data(&mut sink, b"", data, &mut false)?;
                // The last data line's end, and the blank line: dispatch.
                sink.put(b"\n\n")
            }
            // The blank line alone: no event, but the ID applies.
            None => sink.put(b"\n"),
        }
    }

    fn emit_fields<S: ByteSink>(&self, mut sink: S) -> Result<(), S::Error> {
        if let Some(event_type) = self.event_type {
            emit_line(&mut sink, b"event: ", event_type.as_bytes())?;
        }
        if let Some(id) = self.id {
            emit_line(&mut sink, b"id: ", id.as_bytes())?;
        }
        if let Some(milliseconds) = self.retry {
            let mut digits = [0u8; 20];
            emit_line(&mut sink, b"retry: ", decimal(milliseconds, &mut digits))?;
        }
        Ok(())
    }
}

/// A comment: lines that clients ignore. Each line of the text (split at CR,
/// LF and CRLF) becomes one `: ` line; parsers that report comments read back
/// each line. Comments dispatch nothing and can go between any two events.
///
/// ```
/// use ssewire::Comment;
///
/// let mut out = Vec::new();
/// Comment::new("hello\nworld").append_to(&mut out);
/// assert_eq!(out, b": hello\n: world\n");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use]
pub struct Comment<'a> {
    text: &'a [u8],
}

impl<'a> Comment<'a> {
    /// A comment with this text.
    pub const fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
        }
    }

    /// The exact number of bytes the writers produce for this comment.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        encoded_len(self)
    }

    /// Writes the comment at the start of `buf`; returns its length.
    ///
    /// # Errors
    ///
    /// [`EncodeError::BufferTooSmall`] if `buf` is shorter than
    /// [`encoded_len`](Self::encoded_len); nothing is written then.
    pub fn encode_into(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        encode_into(self, buf)
    }

    /// Appends the comment to `out`; returns its length.
    #[cfg(feature = "alloc")]
    pub fn append_to(&self, out: &mut alloc::vec::Vec<u8>) -> usize {
        append_to(self, out)
    }

    /// Writes the comment to any [`ByteSink`] (an `IoSink` for
    /// `std::io::Write`); returns its length.
    ///
    /// # Errors
    ///
    /// The sink's; the comment may then be partly written.
    pub fn write<S: ByteSink>(&self, sink: S) -> Result<usize, S::Error> {
        let mut counted = Counted { sink, written: 0 };
        self.emit(&mut counted)?;
        Ok(counted.written)
    }

    fn emit<S: ByteSink>(&self, mut sink: S) -> Result<(), S::Error> {
        let mut rest = self.text;
        while let Some(at) = memchr2(b'\r', b'\n', rest) {
            let (line, tail) = rest.split_at(at);
            emit_line(&mut sink, b": ", line)?;
            rest = skip_line_break(tail);
        }
        emit_line(&mut sink, b": ", rest)
    }
}

/// Writes the data of one event in pieces, for data too large to hold at once
/// or generated on the fly (a template engine, `serde_json::to_writer`
/// through `std::io::Write`, `write!` through `core::fmt::Write`). From
/// [`ServerEvent::data_writer`].
///
/// The result is the same bytes as [`ServerEvent::new`] with all the pieces
/// joined, however they are cut: a CR at the end of one piece and an LF at
/// the start of the next are one line break, and a CR at the end of the last
/// piece is a line break.
///
/// Call [`finish`](Self::finish) to end the event. A writer dropped without
/// it leaves the event open: the next blank line on the stream would dispatch
/// it together with whatever comes before, so end the stream instead.
///
/// ```
/// use ssewire::ServerEvent;
///
/// let mut out = Vec::new();
/// let mut data = ServerEvent::without_data().event_type("patch")?.data_writer(&mut out)?;
/// for piece in ["<div>\r", "\n  hi", "</div>"] {
///     data.push(piece)?;
/// }
/// let n = data.finish()?;
/// assert_eq!(out, b"event: patch\ndata: <div>\ndata:   hi</div>\n\n");
/// assert_eq!(n, out.len());
/// // The same bytes as the data in one piece.
/// let mut whole = Vec::new();
/// ServerEvent::new("<div>\r\n  hi</div>").event_type("patch")?.append_to(&mut whole);
/// assert_eq!(out, whole);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "call `finish` to end the event"]
pub struct DataWriter<S: ByteSink> {
    sink: Counted<S>,
    /// The last piece ended in a CR, already written as a line break: an LF
    /// at the start of the next piece completes it and is skipped.
    after_cr: bool,
    /// Written at the start of every data line (after `data: `); empty
    /// until [`DataWriter::prefixed_lines`].
    prefix: &'static [u8],
    /// A `data: ` line is open (the first is begun by the first piece).
    started: bool,
}

impl<S: ByteSink> DataWriter<S> {
    /// Writes the next piece of the data.
    ///
    /// # Errors
    ///
    /// The sink's; the event is then incomplete.
    pub fn push(&mut self, piece: &str) -> Result<(), S::Error> {
        self.push_bytes(piece.as_bytes())
    }

    /// Writes the next piece of the data as bytes (see
    /// [`ServerEvent::new_bytes`] about bytes that are not UTF-8). A UTF-8
    /// character may be cut between pieces: CR and LF never occur inside one.
    ///
    /// # Errors
    ///
    /// The sink's; the event is then incomplete.
    pub fn push_bytes(&mut self, piece: &[u8]) -> Result<(), S::Error> {
        if piece.is_empty() {
            return Ok(());
        }
        if !self.started {
            self.start_line()?;
        }
        emit_data(&mut self.sink, self.prefix, piece, &mut self.after_cr)
    }

    /// Ends the current data line (if one was begun) and begins a new one
    /// with `prefix`, which also begins every line that the pieces pushed
    /// after it start. The data reads back as `prefix` + line for each line
    /// of those pieces, joined with LF: what Datastar needs, whose every
    /// data line starts with its key (`elements `, `signals `).
    ///
    /// The prefix is data like any other: a line break in it starts a new
    /// line. This is a hard boundary: a CR at the end of the piece before it
    /// is a line break of its own. An empty prefix goes back to plain lines.
    ///
    /// ```
    /// use ssewire::ServerEvent;
    ///
    /// let mut out = Vec::new();
    /// let event = ServerEvent::without_data().event_type("datastar-patch-elements")?;
    /// let mut data = event.data_writer(&mut out)?;
    /// data.prefixed_lines("selector ")?;
    /// data.push("#list")?;
    /// data.prefixed_lines("elements ")?;
    /// data.push("<li>one</li>\n<li>two</li>")?;
    /// data.finish()?;
    /// assert_eq!(
    ///     out,
    ///     b"event: datastar-patch-elements\n\
    ///       data: selector #list\n\
    ///       data: elements <li>one</li>\n\
    ///       data: elements <li>two</li>\n\n"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The sink's; the event is then incomplete.
    pub fn prefixed_lines(&mut self, prefix: &'static str) -> Result<(), S::Error> {
        if self.started {
            self.sink.put(b"\n")?;
        }
        self.after_cr = false;
        self.prefix = prefix.as_bytes();
        self.start_line()
    }

    /// `data: ` and the prefix.
    fn start_line(&mut self) -> Result<(), S::Error> {
        self.started = true;
        self.sink.put(b"data: ")?;
        emit_prefix(&mut self.sink, self.prefix)
    }

    /// Ends the event (its last data line and the blank line that dispatches
    /// it); returns the bytes written for the whole event.
    ///
    /// # Errors
    ///
    /// The sink's; the event is then incomplete.
    pub fn finish(mut self) -> Result<usize, S::Error> {
        if !self.started {
            // No data at all: one empty line, so that the event dispatches.
            self.sink.put(b"data: ")?;
        }
        self.sink.put(b"\n\n")?;
        Ok(self.sink.written)
    }
}

impl<S: ByteSink> fmt::Debug for DataWriter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataWriter")
            .field("written", &self.sink.written)
            .field("after_cr", &self.after_cr)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// ByteSink errors become [`fmt::Error`], which carries nothing: use
/// [`push`](DataWriter::push) to see them.
impl<S: ByteSink> fmt::Write for DataWriter<S> {
    fn write_str(&mut self, piece: &str) -> fmt::Result {
        self.push(piece).map_err(|_| fmt::Error)
    }
}

/// For writers of bytes such as `serde_json::to_writer`. `flush` does
/// nothing: the sink is not an `io::Write`. ByteSink errors are passed on: an
/// [`IoSink`]'s as they are, [`EncodeError`] as its `From` conversion says,
/// others wrapped with [`std::io::Error::other`].
#[cfg(feature = "std")]
impl<S: ByteSink> std::io::Write for DataWriter<S>
where
    S::Error: core::error::Error + Send + Sync + 'static,
{
    fn write(&mut self, piece: &[u8]) -> std::io::Result<usize> {
        self.push_bytes(piece).map_err(io_error)?;
        Ok(piece.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One `io::Write` impl for every sink, so `Vec<u8>` (whose error is
/// `Infallible`) works too; the box is made on the error path only.
#[cfg(feature = "std")]
fn io_error<E: core::error::Error + Send + Sync + 'static>(error: E) -> std::io::Error {
    let error: std::boxed::Box<dyn core::error::Error + Send + Sync> = std::boxed::Box::new(error);
    match error.downcast::<std::io::Error>() {
        Ok(error) => *error,
        Err(error) => match error.downcast::<EncodeError>() {
            Ok(error) => (*error).into(),
            Err(error) => std::io::Error::other(error),
        },
    }
}

/// An event type is one line.
pub(crate) fn check_event_type(event_type: &str) -> Result<(), EncodeError> {
    match find_byte(event_type.as_bytes(), |b| matches!(b, b'\r' | b'\n')) {
        Some(_) => Err(EncodeError::LineBreakInEventType),
        None => Ok(()),
    }
}

/// An ID is one line without NUL; the first offending byte names the error.
pub(crate) fn check_id(id: &str) -> Result<(), EncodeError> {
    match find_byte(id.as_bytes(), |b| matches!(b, b'\r' | b'\n' | b'\0')) {
        Some(b'\0') => Err(EncodeError::NulInId),
        Some(_) => Err(EncodeError::LineBreakInId),
        None => Ok(()),
    }
}

/// The first byte of `value` that `is_bad`. Event types and IDs are short: a
/// plain loop beats `memchr`'s call and dispatch there (measured: the check
/// was a quarter of the time of a 30-byte event); long ones go to `memchr`.
pub(crate) fn find_byte(value: &[u8], is_bad: impl Fn(u8) -> bool) -> Option<u8> {
    if value.len() <= 64 {
        return value.iter().copied().find(|&b| is_bad(b));
    }
    // Bad bytes are among these three; none comes before the first of them.
    let at = memchr3(b'\r', b'\n', b'\0', value)?;
    value.get(at..)?.iter().copied().find(|&b| is_bad(b))
}

/// `prefix`, `value`, LF.
pub(crate) fn emit_line<S: ByteSink>(
    mut sink: S,
    prefix: &[u8],
    value: &[u8],
) -> Result<(), S::Error> {
    sink.put(prefix)?;
    sink.put(value)?;
    sink.put(b"\n")
}

/// Writes a piece of data after a `data: ` prefix, starting a new `data: `
/// line, followed by `line_prefix`, at each line break. `after_cr` carries a
/// CR at the end of the piece over to the next one, so that its LF is not a
/// second break.
pub(crate) fn emit_data<S: ByteSink>(
    mut sink: S,
    line_prefix: &[u8],
    mut piece: &[u8],
    after_cr: &mut bool,
) -> Result<(), S::Error> {
    if piece.is_empty() {
        return Ok(());
    }
    if core::mem::take(after_cr) {
        piece = piece.strip_prefix(b"\n").unwrap_or(piece);
    }
    while let Some(at) = memchr2(b'\r', b'\n', piece) {
        let (line, tail) = piece.split_at(at);
        sink.put(line)?;
        sink.put(b"\ndata: ")?;
        emit_prefix(&mut sink, line_prefix)?;
        // A CR as the last byte: its LF, if any, is in the next piece.
        *after_cr = tail == b"\r";
        piece = skip_line_break(tail);
    }
    sink.put(piece)
}

/// A line prefix, after a `data: `: its own line breaks (if any) start new
/// `data: ` lines, as data's do; a CR at its end is a break of its own.
pub(crate) fn emit_prefix<S: ByteSink>(mut sink: S, mut prefix: &[u8]) -> Result<(), S::Error> {
    if prefix.is_empty() {
        return Ok(());
    }
    while let Some(at) = memchr2(b'\r', b'\n', prefix) {
        let (line, tail) = prefix.split_at(at);
        sink.put(line)?;
        sink.put(b"\ndata: ")?;
        prefix = skip_line_break(tail);
    }
    sink.put(prefix)
}

/// `rest` starts with CR or LF: skips that line break (CRLF as one).
fn skip_line_break(rest: &[u8]) -> &[u8] {
    match rest {
        [b'\r', b'\n', tail @ ..] | [_, tail @ ..] => tail,
        [] => rest,
    }
}

/// `value` in decimal, in the end of `digits` (20 digits hold `u64::MAX`).
pub(crate) fn decimal(mut value: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        // `value % 10` is below 10, so the cast cannot truncate.
        *slot = b'0' | (value % 10) as u8;
        start = start.saturating_sub(1);
        value /= 10;
        if value == 0 {
            break;
        }
    }
    digits.get(start..).unwrap_or_default()
}

/// What `ServerEvent` and `Comment` share: writing themselves to a sink.
/// The measuring and buffer writers below are written once over it.
trait Emit {
    fn emit<S: ByteSink>(&self, sink: S) -> Result<(), S::Error>;
}

impl Emit for ServerEvent<'_> {
    fn emit<S: ByteSink>(&self, sink: S) -> Result<(), S::Error> {
        ServerEvent::emit(self, sink)
    }
}

impl Emit for Comment<'_> {
    fn emit<S: ByteSink>(&self, sink: S) -> Result<(), S::Error> {
        Comment::emit(self, sink)
    }
}

/// The exact length the writers produce.
fn encoded_len(item: &impl Emit) -> usize {
    let mut count = Count(0);
    match item.emit(&mut count) {
        Ok(()) => count.0,
        Err(never) => match never {},
    }
}

/// Writes at the start of `buf`, all or nothing.
fn encode_into(item: &impl Emit, buf: &mut [u8]) -> Result<usize, EncodeError> {
    let needed = encoded_len(item);
    if needed > buf.len() {
        return Err(EncodeError::BufferTooSmall {
            needed,
            available: buf.len(),
        });
    }
    let mut rest = buf;
    item.emit(&mut rest)?;
    Ok(needed)
}

/// Appends to `out`; returns the length written.
#[cfg(feature = "alloc")]
fn append_to(item: &impl Emit, out: &mut alloc::vec::Vec<u8>) -> usize {
    let start = out.len();
    match item.emit(&mut *out) {
        Ok(()) => out.len().saturating_sub(start),
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of `event`, through `encode_into` (checked against
    /// `encoded_len` and an exact-size buffer).
    fn bytes(event: &ServerEvent<'_>) -> ([u8; 256], usize) {
        let mut buf = [0u8; 256];
        let n = event.encode_into(&mut buf).unwrap();
        assert_eq!(n, event.encoded_len());
        let mut exact = [0u8; 256];
        assert_eq!(event.encode_into(&mut exact[..n]), Ok(n));
        assert_eq!(exact[..n], buf[..n]);
        (buf, n)
    }

    fn assert_encodes(event: ServerEvent<'_>, expected: &[u8]) {
        let (buf, n) = bytes(&event);
        assert_eq!(&buf[..n], expected, "{:?}", core::str::from_utf8(&buf[..n]));
    }

    #[test]
    fn one_line_of_data() {
        assert_encodes(ServerEvent::new("hello"), b"data: hello\n\n");
    }

    #[test]
    fn every_line_break_starts_a_data_line_crlf_once() {
        assert_encodes(
            ServerEvent::new("a\nb\rc\r\nd"),
            b"data: a\ndata: b\ndata: c\ndata: d\n\n",
        );
        // LF CR is two breaks; CR CR LF is two.
        assert_encodes(ServerEvent::new("a\n\rb"), b"data: a\ndata: \ndata: b\n\n");
        assert_encodes(
            ServerEvent::new("a\r\r\nb"),
            b"data: a\ndata: \ndata: b\n\n",
        );
    }

    #[test]
    fn trailing_breaks_and_lone_cr_at_the_end_survive() {
        assert_encodes(ServerEvent::new("a\n"), b"data: a\ndata: \n\n");
        assert_encodes(ServerEvent::new("a\r"), b"data: a\ndata: \n\n");
        assert_encodes(ServerEvent::new("a\r\n"), b"data: a\ndata: \n\n");
        assert_encodes(ServerEvent::new("\n\n"), b"data: \ndata: \ndata: \n\n");
    }

    #[test]
    fn empty_data_is_still_a_data_line() {
        assert_encodes(ServerEvent::new(""), b"data: \n\n");
    }

    #[test]
    fn leading_space_nul_and_line_separator_are_content() {
        assert_encodes(ServerEvent::new(" x"), b"data:  x\n\n");
        assert_encodes(ServerEvent::new("a\0b"), b"data: a\0b\n\n");
        assert_encodes(
            ServerEvent::new("a\u{2028}b\u{85}c"),
            "data: a\u{2028}b\u{85}c\n\n".as_bytes(),
        );
        assert_encodes(ServerEvent::new_bytes(b"\xFF\n"), b"data: \xFF\ndata: \n\n");
    }

    #[test]
    fn fields_in_order() {
        let event = ServerEvent::new("d")
            .retry(3000)
            .id(" 7")
            .unwrap()
            .event_type(" patch")
            .unwrap();
        assert_encodes(event, b"event:  patch\nid:  7\nretry: 3000\ndata: d\n\n");
    }

    #[test]
    fn empty_event_type_is_the_default_and_empty_id_is_written() {
        assert_encodes(
            ServerEvent::new("d").event_type("").unwrap(),
            b"data: d\n\n",
        );
        assert_encodes(ServerEvent::new("d").id("").unwrap(), b"id: \ndata: d\n\n");
    }

    #[test]
    fn retry_digits() {
        for (ms, text) in [
            (0, &b"retry: 0\n\n"[..]),
            (7, b"retry: 7\n\n"),
            (10, b"retry: 10\n\n"),
            (u64::MAX, b"retry: 18446744073709551615\n\n"),
        ] {
            assert_encodes(ServerEvent::without_data().retry(ms), text);
        }
    }

    #[test]
    fn blocks_without_data() {
        assert_encodes(ServerEvent::without_data().id("5").unwrap(), b"id: 5\n\n");
        assert_encodes(ServerEvent::without_data(), b"\n");
    }

    #[test]
    fn event_type_and_id_with_line_breaks_or_nul_are_refused() {
        for bad in ["a\nb", "a\rb", "\r\n", "x\n", "\r"] {
            assert_eq!(
                ServerEvent::new("d").event_type(bad),
                Err(EncodeError::LineBreakInEventType)
            );
            assert_eq!(
                ServerEvent::new("d").id(bad),
                Err(EncodeError::LineBreakInId)
            );
        }
        assert_eq!(ServerEvent::new("d").id("a\0b"), Err(EncodeError::NulInId));
        // The first offending byte decides.
        assert_eq!(ServerEvent::new("d").id("\0\n"), Err(EncodeError::NulInId));
        assert_eq!(
            ServerEvent::new("d").id("\n\0"),
            Err(EncodeError::LineBreakInId)
        );
        // NUL is fine in an event type.
        assert!(ServerEvent::new("d").event_type("a\0").is_ok());
        // Past 64 bytes the search goes through memchr: the same answers.
        let long = |tail: &str| {
            let mut buf = [b'x'; 100];
            buf[70..70 + tail.len()].copy_from_slice(tail.as_bytes());
            buf
        };
        for (tail, type_ok, id) in [
            ("", true, Ok(())),
            ("\0", true, Err(EncodeError::NulInId)),
            ("\0\0\n", false, Err(EncodeError::NulInId)),
            ("\r\0", false, Err(EncodeError::LineBreakInId)),
            ("\n", false, Err(EncodeError::LineBreakInId)),
        ] {
            let buf = long(tail);
            let value = core::str::from_utf8(&buf).unwrap();
            let event = ServerEvent::new("d");
            assert_eq!(event.event_type(value).is_ok(), type_ok, "{tail:?}");
            assert_eq!(event.id(value).map(|_| ()), id, "{tail:?}");
        }
    }

    #[test]
    fn too_small_a_buffer_writes_nothing() {
        let event = ServerEvent::new("hello");
        let mut buf = [b'#'; 13];
        assert_eq!(
            event.encode_into(&mut buf[..12]),
            Err(EncodeError::BufferTooSmall {
                needed: 13,
                available: 12
            })
        );
        assert_eq!(buf, [b'#'; 13]);
        assert_eq!(Comment::new("a\nb").encode_into(&mut buf[..8]), Ok(8));
        assert_eq!(
            Comment::new("a\nb").encode_into(&mut buf[..7]),
            Err(EncodeError::BufferTooSmall {
                needed: 8,
                available: 7
            })
        );
    }

    #[test]
    fn slice_sink_advances_and_refuses_a_piece_whole() {
        let mut buf = [0u8; 20];
        let mut rest = &mut buf[..];
        assert_eq!(ServerEvent::new("a").write(&mut rest), Ok(9));
        assert_eq!(rest.len(), 11);
        // "data: " and "bcdef" fit, the closing LFs do not.
        assert_eq!(
            ServerEvent::new("bcdef").write(&mut rest),
            Err(EncodeError::BufferTooSmall {
                needed: 2,
                available: 0
            })
        );
        assert_eq!(&buf, b"data: a\n\ndata: bcdef");
    }

    #[test]
    fn comments_split_into_lines() {
        let mut buf = [0u8; 64];
        for (text, expected) in [
            ("", &b": \n"[..]),
            ("hi", b": hi\n"),
            ("a\r\nb\rc\nd", b": a\n: b\n: c\n: d\n"),
            ("a\n", b": a\n: \n"),
        ] {
            let n = Comment::new(text).encode_into(&mut buf).unwrap();
            assert_eq!(&buf[..n], expected);
            assert_eq!(n, Comment::new(text).encoded_len());
        }
        assert_eq!(KEEP_ALIVE, b":\n");
    }

    /// Every way to cut the data into up to three pieces (with empty ones)
    /// gives the one-shot bytes.
    #[test]
    fn data_writer_matches_one_shot_for_every_split() {
        for data in [
            "a\r\nb",
            "\r\n",
            "\r",
            "\r\r\n\n",
            "x\ry\n\rz\r",
            "",
            "ab",
            " \r\n ",
        ] {
            let event = ServerEvent::without_data().id("1").unwrap();
            let (expected, n) = bytes(&ServerEvent::new(data).id("1").unwrap());
            for i in 0..=data.len() {
                for j in i..=data.len() {
                    let mut buf = [0u8; 256];
                    let mut rest = &mut buf[..];
                    let mut writer = event.data_writer(&mut rest).unwrap();
                    for piece in [&data[..i], &data[i..j], &data[j..]] {
                        writer.push(piece).unwrap();
                    }
                    assert_eq!(writer.finish(), Ok(n), "{data:?} {i} {j}");
                    assert_eq!(buf[..n], expected[..n], "{data:?} {i} {j}");
                }
            }
        }
    }

    #[test]
    fn data_writer_continues_the_events_data() {
        let mut buf = [0u8; 64];
        let mut rest = &mut buf[..];
        let mut writer = ServerEvent::new("a\r").data_writer(&mut rest).unwrap();
        writer.push("\nb").unwrap();
        let n = writer.finish().unwrap();
        assert_eq!(&buf[..n], b"data: a\ndata: b\n\n");
    }

    #[test]
    fn data_writer_with_nothing_pushed_is_empty_data() {
        let mut buf = [0u8; 64];
        let mut rest = &mut buf[..];
        let writer = ServerEvent::without_data().data_writer(&mut rest).unwrap();
        let n = writer.finish().unwrap();
        assert_eq!(&buf[..n], b"data: \n\n");
    }

    #[test]
    fn fmt_write_into_data_writer() {
        use core::fmt::Write as _;
        let mut buf = [0u8; 64];
        let mut rest = &mut buf[..];
        let mut writer = ServerEvent::without_data().data_writer(&mut rest).unwrap();
        let (one, two) = (1, "two");
        write!(writer, "{one}\r\n{two}").unwrap();
        let n = writer.finish().unwrap();
        assert_eq!(&buf[..n], b"data: 1\ndata: two\n\n");
    }

    #[test]
    fn display() {
        use core::fmt::Write as _;
        struct Text([u8; 80], usize);
        impl fmt::Write for Text {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                let mut rest = &mut self.0[self.1..];
                rest.put(s.as_bytes()).map_err(|_| fmt::Error)?;
                self.1 += s.len();
                Ok(())
            }
        }
        let mut text = Text([0; 80], 0);
        write!(
            text,
            "{}",
            EncodeError::BufferTooSmall {
                needed: 3,
                available: 2
            }
        )
        .unwrap();
        assert_eq!(
            &text.0[..text.1],
            b"buffer too small: 3 bytes needed, 2 available"
        );
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn vec_appends() {
        let mut out = alloc::vec::Vec::new();
        let event = ServerEvent::new("a\nb").event_type("t").unwrap();
        assert_eq!(event.append_to(&mut out), event.encoded_len());
        assert_eq!(Comment::new("c").append_to(&mut out), 4);
        assert_eq!(out, b"event: t\ndata: a\ndata: b\n\n: c\n");
    }

    #[cfg(feature = "std")]
    #[test]
    fn io_writers() {
        use std::io::Write as _;
        let mut out = std::vec::Vec::new();
        let small = ServerEvent::new("x");
        assert_eq!(small.write_to(&mut out).unwrap(), 9);
        // Past the 512-byte stage: written in pieces.
        let big = "y\n".repeat(300);
        let event = ServerEvent::new(&big);
        assert_eq!(event.write_to(&mut out).unwrap(), event.encoded_len());
        let mut expected = b"data: x\n\n".to_vec();
        event.append_to(&mut expected);
        assert_eq!(out, expected);

        let mut out = std::vec::Vec::new();
        let mut writer = ServerEvent::without_data()
            .data_writer(IoSink(&mut out))
            .unwrap();
        writer.write_all(b"a\r").unwrap();
        writer.write_all(b"\nb").unwrap();
        writer.finish().unwrap();
        assert_eq!(out, b"data: a\ndata: b\n\n");

        let mut vec = std::vec::Vec::new();
        let mut writer = ServerEvent::without_data().data_writer(&mut vec).unwrap();
        writer.write_all(b"z").unwrap();
        writer.finish().unwrap();
        assert_eq!(vec, b"data: z\n\n");

        let mut buf = [0u8; 8];
        let mut rest = &mut buf[..];
        let mut writer = ServerEvent::without_data().data_writer(&mut rest).unwrap();
        let error = writer.write_all(b"abc").unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::WriteZero);
    }
}
