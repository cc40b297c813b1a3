//! Events whose data is a [`Bytes`] sliced from the chunk it came in (feature
//! `bytes`), and [`ByteSink`] for [`BytesMut`].

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::convert::Infallible;
use core::ops::Range;

use bytes::{Buf, Bytes, BytesMut};

use crate::{ByteSink, Config, Error, Event, Handler, Parser, StreamEnd};

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
/// stream of one event per chunk allocates nothing per event.
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
    /// Chunks pushed and not yet parsed, with their lengths (what a slice of
    /// them keeps alive).
    chunks: VecDeque<(Bytes, usize)>,
    /// Events (and refused events) of the chunks parsed, not yet handed out.
    ready: VecDeque<Result<BytesEvent, Error>>,
    copy_threshold: usize,
    /// The last event's type and ID, shared with the next event when equal.
    event_type: Bytes,
    id: Bytes,
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
        Self {
            parser: Parser::with_config(Vec::new(), config),
            chunks: VecDeque::new(),
            ready: VecDeque::new(),
            copy_threshold: Self::DEFAULT_COPY_THRESHOLD,
            event_type: Bytes::new(),
            id: Bytes::new(),
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

    /// Queues a chunk to parse; [`next_event`](Self::next_event) parses it.
    pub fn push(&mut self, chunk: Bytes) {
        if !chunk.is_empty() {
            let len = chunk.len();
            self.chunks.push_back((chunk, len));
        }
    }

    /// The next event (or refused event) in the chunks pushed so far, or
    /// `None` when they are used up: push the next chunk, or
    /// [`finish`](Self::finish).
    pub fn next_event(&mut self) -> Option<Result<BytesEvent, Error>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            let (chunk, pinned) = self.chunks.pop_front()?;
            self.parse(chunk, pinned);
        }
    }

    /// Parses `chunk` now if no chunk waits before it, else queues it: for
    /// a caller that pushes only once [`next_event`](Self::next_event) has
    /// returned `None`, so never before a chunk still queued.
    #[cfg(feature = "stream")]
    pub(crate) fn push_and_parse(&mut self, chunk: Bytes) {
        if self.chunks.is_empty() {
            let len = chunk.len();
            self.parse(chunk, len);
        } else {
            self.push(chunk);
        }
    }

    /// A whole chunk at a time, through `feed_all`: one call per chunk, not
    /// one per event and one more to hear it is used up.
    fn parse(&mut self, chunk: Bytes, pinned: usize) {
        let mut slicer = Slicer {
            chunk: &chunk,
            pinned,
            copy_threshold: self.copy_threshold,
            event_type: &mut self.event_type,
            id: &mut self.id,
            ready: &mut self.ready,
            last_slice: None,
        };
        self.parser.feed_all(&chunk, &mut slicer);
        if let Some((index, range)) = slicer.last_slice {
            // The chunk's last slice takes the chunk itself, narrowed: no
            // reference count to raise now and drop below.
            let mut data = chunk;
            data.truncate(range.end);
            data.advance(range.start);
            if let Some(Ok(event)) = self.ready.get_mut(index) {
                event.data = data;
            }
        }
    }

    /// Ends the stream (see [`Parser::finish`]): call once
    /// [`next_event`](Self::next_event) has returned `None`. Bytes of chunks
    /// not parsed yet are dropped and counted as discarded (as are events
    /// parsed and not taken, uncounted).
    pub fn finish(&mut self) -> StreamEnd {
        self.ready.clear();
        let unparsed = self.chunks.drain(..).fold(0u64, |sum, (chunk, _)| {
            sum.saturating_add(chunk.len() as u64)
        });
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

/// Turns what the parser hands out for one chunk into [`BytesEvent`]s.
struct Slicer<'p> {
    chunk: &'p Bytes,
    pinned: usize,
    copy_threshold: usize,
    event_type: &'p mut Bytes,
    id: &'p mut Bytes,
    ready: &'p mut VecDeque<Result<BytesEvent, Error>>,
    /// The queued event whose data is still to be sliced from the chunk, and
    /// where: each slice is cut when the next one is found, the last one
    /// after the chunk is parsed.
    last_slice: Option<(usize, Range<usize>)>,
}

impl Handler for Slicer<'_> {
    fn event(&mut self, event: Event<'_>) {
        let (chunk, pinned, threshold) = (self.chunk, self.pinned, self.copy_threshold);
        let data = match Part::of(chunk, pinned, event.data(), threshold) {
            Part::Slice(range) => {
                self.cut_last_slice();
                self.last_slice = Some((self.ready.len(), range));
                Bytes::new()
            }
            copy => copy.bytes(chunk),
        };
        let event_type = if event.has_event_type() {
            shared_field(
                chunk,
                pinned,
                event.event_type(),
                threshold,
                self.event_type,
            )
        } else {
            Bytes::new()
        };
        let id = shared_field(chunk, pinned, event.id(), threshold, self.id);
        self.ready.push_back(Ok(BytesEvent {
            event_type,
            data,
            id,
        }));
    }

    fn error(&mut self, error: Error) {
        self.ready.push_back(Err(error));
    }
}

impl Slicer<'_> {
    /// Cuts the data of the event waiting for a slice of the chunk.
    fn cut_last_slice(&mut self) {
        if let Some((index, range)) = self.last_slice.take() {
            if let Some(Ok(event)) = self.ready.get_mut(index) {
                event.data = self.chunk.slice(range);
            }
        }
    }
}

/// The event type or ID: `last` when it holds the same bytes (the common
/// case: a stream sets them rarely), else these bytes, which become `last`.
fn shared_field(
    chunk: &Bytes,
    pinned: usize,
    bytes: &[u8],
    copy_threshold: usize,
    last: &mut Bytes,
) -> Bytes {
    // Most events have none: answer without comparing. (An empty `Bytes`
    // points nowhere; glibc's AVX-512 `memcmp` given such a pointer and
    // length 0 was measured at over 100 ns a call.)
    if bytes.is_empty() {
        return Bytes::new();
    }
    Part::of(chunk, pinned, bytes, copy_threshold).reuse(last, chunk)
}

/// Where a field's bytes lie: in the chunk (and worth slicing), or not.
enum Part<'a> {
    Slice(Range<usize>),
    Copy(&'a [u8]),
}

impl<'a> Part<'a> {
    fn of(chunk: &[u8], pinned: usize, bytes: &'a [u8], copy_threshold: usize) -> Self {
        // Address arithmetic only (no unsafe): is `bytes` inside `chunk`?
        let base = chunk.as_ptr() as usize;
        let start = (bytes.as_ptr() as usize).wrapping_sub(base);
        let extra = pinned.saturating_sub(bytes.len());
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

    fn bytes(self, chunk: &Bytes) -> Bytes {
        match self {
            Part::Slice(range) => chunk.slice(range),
            Part::Copy(bytes) => Bytes::copy_from_slice(bytes),
        }
    }

    /// `last` when it holds the same bytes (no allocation), else these bytes,
    /// which become `last`.
    fn reuse(self, last: &mut Bytes, chunk: &Bytes) -> Bytes {
        let same = match &self {
            Part::Slice(range) => chunk.get(range.clone()) == Some(&last[..]),
            Part::Copy(bytes) => *bytes == &last[..],
        };
        if !same {
            *last = self.bytes(chunk);
        }
        last.clone()
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
        // As the `Stream` does: parsed at once, nothing waiting before it.
        #[cfg(feature = "stream")]
        parser.push_and_parse(second.clone());
        #[cfg(not(feature = "stream"))]
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
