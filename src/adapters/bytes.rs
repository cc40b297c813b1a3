//! Events whose data is a [`Bytes`] sliced from the chunk it came in (feature
//! `bytes`), and [`ByteSink`] for [`BytesMut`].

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::convert::Infallible;
use core::ops::Range;

use bytes::{Buf, Bytes, BytesMut};

use crate::{ByteSink, Config, Error, Event, Parsed, Parser, StreamEnd};

/// One event, its fields as [`Bytes`]: the data is a slice of its chunk when
/// it lay in one chunk (see [`BytesParser`]), else copied once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BytesEvent {
    event_type: Bytes,
    data: Bytes,
    id: Bytes,
}

impl BytesEvent {
    /// The data: the `data` values joined with LF.
    pub fn data(&self) -> &Bytes {
        &self.data
    }

    /// The data, without copying it.
    pub fn into_data(self) -> Bytes {
        self.data
    }

    /// The event type: `message` when the stream set none.
    pub fn event_type(&self) -> &[u8] {
        if self.event_type.is_empty() {
            b"message"
        } else {
            &self.event_type
        }
    }

    /// The last event ID in force when the event was dispatched.
    pub fn id(&self) -> &[u8] {
        &self.id
    }

    /// The same event, borrowed: for its text accessors (`data_str`, ...).
    pub fn as_event(&self) -> Event<'_> {
        Event::new(&self.event_type, &self.data, &self.id)
    }
}

/// A parser fed [`Bytes`] chunks, handing out [`BytesEvent`]s.
///
/// An event whose one `data` line lies in the chunk being parsed gets a slice
/// of that chunk as its data, without a copy; other data (several lines, or
/// cut by a chunk boundary) is assembled in the parser and copied out once.
/// A slice keeps its whole chunk alive, so data is sliced only when that pins
/// at most [`copy_threshold`](Self::copy_threshold) bytes (default
/// [`DEFAULT_COPY_THRESHOLD`](Self::DEFAULT_COPY_THRESHOLD), 4 KiB) or as many
/// bytes as the data itself beyond the data; else it is copied. The event type
/// and ID are shared with the previous event's when they are the same, so a
/// stream of one event per chunk allocates nothing per event. Chunks are
/// parsed as their events are asked for, one event per call, never ahead.
///
/// ```
/// use bytes::Bytes;
/// use ssewire::BytesParser;
///
/// let mut parser = BytesParser::new();
/// let chunk = Bytes::from_static(b"id: 1\ndata: hello\n\n");
/// parser.push(chunk.clone());
/// let event = parser.next_event().unwrap().unwrap();
/// assert_eq!(event.data(), "hello");
/// assert_eq!(event.data().as_ptr(), chunk[12..].as_ptr()); // not copied
/// assert!(parser.next_event().is_none());
/// assert_eq!(parser.finish(), ssewire::StreamEnd::Clean);
/// ```
#[derive(Debug)]
pub struct BytesParser {
    parser: Parser<Vec<u8>>,
    /// Chunks pushed and not yet parsed.
    chunks: VecDeque<Bytes>,
    /// The chunk being parsed, and how much of it is parsed.
    chunk: Bytes,
    pos: usize,
    copy_threshold: usize,
    /// The last event's type and ID, shared with the next event when equal.
    event_type: LastField,
    id: LastField,
}

/// The last event's type or ID, to share with the next event when the same.
/// (Both are stored by the parser, so they are copies; the slice case is
/// for completeness.) A copy is kept as plain bytes until a second event has
/// the same, because a `Bytes` shared by two owners costs an allocation more:
/// a field that changes every event is one copy an event, not two
/// allocations, and one that stays the same costs three allocations once.
#[derive(Debug, Default)]
struct LastField {
    shared: Option<Bytes>,
    copied: Vec<u8>,
}

impl LastField {
    /// The field for the next event: shared with the last when the same
    /// bytes (the common case: a stream sets them rarely), else sliced from
    /// the chunk or copied.
    fn next(&mut self, part: Part<'_>, chunk: &Bytes) -> Bytes {
        let bytes = part.slice_of(chunk);
        if let Some(shared) = &self.shared {
            if shared[..] == *bytes {
                return shared.clone();
            }
        } else if self.copied == bytes {
            // The second event with these bytes: the copy kept becomes the
            // shared handle (its one allocation more, once).
            let shared = Bytes::from(core::mem::take(&mut self.copied));
            return self.shared.insert(shared).clone();
        }
        let new = part.bytes(chunk);
        match part {
            Part::Slice(_) => self.shared = Some(new.clone()),
            Part::Copy(_) => {
                self.shared = None;
                self.copied.clear();
                self.copied.extend_from_slice(bytes);
            }
        }
        new
    }
}

impl Default for BytesParser {
    fn default() -> Self {
        Self::new()
    }
}

impl BytesParser {
    /// The default [`copy_threshold`](Self::copy_threshold): 4 KiB.
    pub const DEFAULT_COPY_THRESHOLD: usize = 4 << 10;

    /// A parser with the default [`Config`](crate::Config).
    pub fn new() -> Self {
        Self::with_config(crate::Config::new())
    }

    /// A parser with `config`.
    pub fn with_config(config: Config) -> Self {
        Self::from_parser(Parser::with_config(Vec::new(), config))
    }

    /// A parser over `parser`: its configuration, and its last event ID
    /// (see [`Parser::reset_with_last_event_id`]).
    pub fn from_parser(parser: Parser<Vec<u8>>) -> Self {
        Self {
            parser,
            chunks: VecDeque::new(),
            chunk: Bytes::new(),
            pos: 0,
            copy_threshold: Self::DEFAULT_COPY_THRESHOLD,
            event_type: LastField::default(),
            id: LastField::default(),
        }
    }

    /// Data is sliced from its chunk only if the rest of the chunk is at most
    /// this many bytes, or no larger than the data; else it is copied, so a
    /// small event never keeps a large chunk alive. 0: slice only data that
    /// is at least half its chunk; `usize::MAX`: always slice.
    #[must_use]
    pub fn copy_threshold(mut self, bytes: usize) -> Self {
        self.copy_threshold = bytes;
        self
    }

    /// Starts from `id` as the last event ID, as a stream resumed with
    /// `Last-Event-ID: id` does: events with no `id` of their own carry it.
    ///
    /// # Errors
    ///
    /// [`Error::IdTooLong`] when `id` is over the ID limit.
    pub fn with_last_event_id(mut self, id: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.parser.reset_with_last_event_id(id.as_ref())?;
        Ok(self)
    }

    /// Queues a chunk to parse; [`next_event`](Self::next_event) parses it.
    pub fn push(&mut self, chunk: Bytes) {
        if chunk.is_empty() {
            return;
        }
        if self.pos >= self.chunk.len() && self.chunks.is_empty() {
            // The chunk being parsed is used up and none waits: this one is
            // next (the common case, a `Stream` pushing as it is polled).
            self.chunk = chunk;
            self.pos = 0;
        } else {
            self.chunks.push_back(chunk);
        }
    }

    /// The next event (or refused event) in the chunks pushed so far, or
    /// `None` when they are used up: push the next chunk, or
    /// [`finish`](Self::finish).
    pub fn next_event(&mut self) -> Option<Result<BytesEvent, Error>> {
        loop {
            let start = self.pos;
            let input = self.chunk.get(start..).unwrap_or_default();
            if input.is_empty() {
                self.chunk = self.chunks.pop_front()?;
                self.pos = 0;
                continue;
            }
            let (parsed, used) = self.parser.parse(input);
            self.pos = start.saturating_add(used);
            match parsed {
                Ok(parsed) if parsed.is_event() => return Some(Ok(self.event(parsed, start))),
                Ok(_) => {}
                Err(error) => {
                    if self.parser.is_stopped() {
                        self.parser
                            .drop_rest(self.chunk.get(self.pos..).unwrap_or_default());
                        self.pos = self.chunk.len();
                    }
                    return Some(Err(error));
                }
            }
        }
    }

    /// The event `parse` found in the chunk from `start`, its fields sliced
    /// from the chunk or copied.
    fn event(&mut self, parsed: Parsed, start: usize) -> BytesEvent {
        let (chunk, threshold) = (&self.chunk, self.copy_threshold);
        let input = chunk.get(start..).unwrap_or_default();
        let Some(event) = self.parser.step(parsed, input).event() else {
            return BytesEvent::default();
        };
        let event_type = if event.has_event_type() {
            shared_field(chunk, event.event_type(), threshold, &mut self.event_type)
        } else {
            Bytes::new()
        };
        let id = shared_field(chunk, event.id(), threshold, &mut self.id);
        let data = match Part::of(chunk, event.data(), threshold) {
            // The chunk's last event takes the chunk itself, narrowed: no
            // reference count to raise now and drop at the next chunk.
            Part::Slice(range) if self.pos >= chunk.len() => {
                let mut data = core::mem::take(&mut self.chunk);
                self.pos = 0;
                data.truncate(range.end);
                data.advance(range.start);
                data
            }
            part => part.bytes(chunk),
        };
        BytesEvent {
            event_type,
            data,
            id,
        }
    }

    /// Ends the stream (see [`Parser::finish`]): call once
    /// [`next_event`](Self::next_event) has returned `None`. Bytes not
    /// parsed yet are dropped and counted as discarded (as are events
    /// not taken, uncounted).
    pub fn finish(&mut self) -> StreamEnd {
        let rest = self.chunk.len().saturating_sub(self.pos) as u64;
        let unparsed = self
            .chunks
            .drain(..)
            .fold(rest, |sum, chunk| sum.saturating_add(chunk.len() as u64));
        self.chunk = Bytes::new();
        self.pos = 0;
        match self.parser.finish() {
            StreamEnd::Clean if unparsed == 0 => StreamEnd::Clean,
            StreamEnd::Clean => StreamEnd::Truncated {
                discarded: unparsed,
            },
            StreamEnd::Truncated { discarded } => StreamEnd::Truncated {
                discarded: discarded.saturating_add(unparsed),
            },
        }
    }

    /// Whether an error with [`OnLimit::Stop`](crate::OnLimit::Stop) stopped
    /// the parser: it drops all input from then on.
    pub fn is_stopped(&self) -> bool {
        self.parser.is_stopped()
    }

    /// The last event ID (empty when none was set), to reconnect with.
    pub fn last_event_id(&self) -> &[u8] {
        self.parser.last_event_id()
    }

    /// The reconnection time from the last valid `retry` field, in ms.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.parser.reconnection_time()
    }
}

/// The event type or ID: `last` when it holds the same bytes (the common
/// case: a stream sets them rarely), else these bytes, which become `last`.
fn shared_field(chunk: &Bytes, bytes: &[u8], copy_threshold: usize, last: &mut LastField) -> Bytes {
    // Most events have none: answer without comparing. (An empty `Bytes`
    // points nowhere; glibc's AVX-512 `memcmp` given such a pointer and
    // length 0 was measured at over 100 ns a call.)
    if bytes.is_empty() {
        return Bytes::new();
    }
    last.next(Part::of(chunk, bytes, copy_threshold), chunk)
}

/// Where a field's bytes lie: in the chunk (and worth slicing), or not.
enum Part<'a> {
    Slice(Range<usize>),
    Copy(&'a [u8]),
}

impl<'a> Part<'a> {
    fn of(chunk: &[u8], bytes: &'a [u8], copy_threshold: usize) -> Self {
        // Address arithmetic only (no unsafe): is `bytes` inside `chunk`?
        let base = chunk.as_ptr() as usize;
        let start = (bytes.as_ptr() as usize).wrapping_sub(base);
        let extra = chunk.len().saturating_sub(bytes.len());
        match start.checked_add(bytes.len()) {
            Some(end)
                if end <= chunk.len()
                    && !bytes.is_empty()
                    && extra <= copy_threshold.max(bytes.len()) =>
            {
                Part::Slice(start..end)
            }
            _ => Part::Copy(bytes),
        }
    }

    fn bytes(&self, chunk: &Bytes) -> Bytes {
        match self {
            Part::Slice(range) => chunk.slice(range.clone()),
            Part::Copy(bytes) => Bytes::copy_from_slice(bytes),
        }
    }

    /// The bytes themselves.
    fn slice_of<'c>(&self, chunk: &'c Bytes) -> &'c [u8]
    where
        'a: 'c,
    {
        match self {
            Part::Slice(range) => chunk.get(range.clone()).unwrap_or_default(),
            Part::Copy(bytes) => bytes,
        }
    }
}

/// Appends; never fails (grows as needed).
impl ByteSink for BytesMut {
    type Error = Infallible;

    fn put(&mut self, bytes: &[u8]) -> Result<(), Infallible> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use bytes::Bytes;

    use super::BytesParser;
    use crate::StreamEnd;

    /// Whether `part` lies inside `chunk` (a slice of it, not a copy).
    fn inside(part: &[u8], chunk: &[u8]) -> bool {
        let range = chunk.as_ptr_range();
        range.start <= part.as_ptr() && part.as_ptr_range().end <= range.end
    }

    #[test]
    fn every_event_of_a_chunk_is_a_slice_of_it_with_events_still_queued() {
        let mut parser = BytesParser::new();
        let first = Bytes::from_static(b"data: a\n\n");
        let second = Bytes::from(b"data: b\n\nid: 7\ndata: c\n\ndata: d\n\n:tail".to_vec());
        parser.push(first.clone());
        let a = parser.next_event().unwrap().unwrap();
        assert!(inside(a.data(), &first));
        // Events of the first chunk still queued when the second is parsed.
        parser.push(Bytes::from_static(b"data: x\n\ndata: y\n\n"));
        assert_eq!(parser.next_event().unwrap().unwrap().data(), "x");
        parser.push(second.clone());
        let rest: Vec<_> = core::iter::from_fn(|| parser.next_event())
            .map(|e| e.unwrap())
            .collect();
        let data: Vec<&[u8]> = rest.iter().map(|e| &e.data()[..]).collect();
        assert_eq!(data, [&b"y"[..], b"b", b"c", b"d"]);
        assert!(rest[1..].iter().all(|e| inside(e.data(), &second)));
        assert_eq!(rest[2].id(), b"7");
        assert_eq!(rest[3].id(), b"7");
        // The unterminated comment line after the last event.
        assert_eq!(parser.finish(), StreamEnd::Truncated { discarded: 5 });
    }

    #[test]
    fn finishing_with_chunks_left_counts_them_as_discarded() {
        let mut parser = BytesParser::new();
        parser.push(Bytes::from_static(b"data: a"));
        parser.push(Bytes::from_static(b"\n\n"));
        assert_eq!(parser.finish(), StreamEnd::Truncated { discarded: 9 });
        parser.push(Bytes::from_static(b"data: a\n\n"));
        assert_eq!(
            parser.next_event().map(|e| e.map(|e| e.into_data())),
            Some(Ok(Bytes::from_static(b"a")))
        );
        assert_eq!(parser.finish(), StreamEnd::Clean);
    }
}
