//! Counts allocations with a global allocator: the tokenizer and the lent
//! storage parser make none; the decoder makes none per event once its buffers
//! have grown.
#![cfg(feature = "alloc")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ssewire::{Error, Event, Handler, Parser, Step, Storage, Token, Tokenizer};

struct Counting;

thread_local! {
    // Per thread: the test harness allocates on its own threads meanwhile.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    // Bytes allocated and not freed by this thread, and the peak of that.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count_one() {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

fn live(delta: isize) {
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + delta);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        live(layout.size() as isize);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        live(-(layout.size() as isize));
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        live(new_size as isize - layout.size() as isize);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A mix of event shapes, some cut across chunks.
fn stream() -> Vec<u8> {
    let mut s = Vec::new();
    for i in 0..200 {
        s.extend_from_slice(
            format!("id: {i}\nevent: tick\ndata: {{\"n\": {i}}}\ndata: second line\n\n").as_bytes(),
        );
        s.extend_from_slice(b": keep-alive\ndata: [DONE]\r\n\r\nretry: 1000\n");
    }
    s
}

fn allocations(f: impl FnOnce() -> usize) -> (usize, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let events = f();
    (ALLOCATIONS.with(Cell::get) - before, events)
}

/// Counts events (and panics on errors).
#[derive(Default)]
struct Count(usize);

impl Handler for Count {
    fn event(&mut self, _: Event<'_>) {
        self.0 += 1;
    }

    fn error(&mut self, error: Error) {
        panic!("{error}");
    }
}

/// Feeds `input` in `chunk`-byte chunks with `feed_all`; returns the events.
fn drive<S: Storage>(parser: &mut Parser<S>, input: &[u8], chunk: usize) -> usize {
    let mut count = Count::default();
    for piece in input.chunks(chunk) {
        parser.feed_all(piece, &mut count);
    }
    count.0
}

/// The same with the step-at-a-time `feed`.
fn drive_steps<S: Storage>(parser: &mut Parser<S>, input: &[u8], chunk: usize) -> usize {
    let mut events = 0;
    for piece in input.chunks(chunk) {
        let mut rest = piece;
        loop {
            let (step, used) = parser.feed(rest);
            rest = &rest[used..];
            match step.expect("no error") {
                Step::Event(_) => events += 1,
                Step::NeedInput => break,
                _ => {}
            }
        }
    }
    events
}

#[test]
fn no_allocation_in_tokenizer_lent_storage_or_a_warm_vec() {
    let input = stream();
    let mut storage = vec![0u8; 4096];
    let mut growable = Parser::new(Vec::new());
    // Warm the growable buffer once.
    drive(&mut growable, &input, 7);

    for chunk in [input.len(), 1460, 61, 1] {
        let mut tokenizer = Tokenizer::new();
        let (count, blank_lines) = allocations(|| {
            let mut blank_lines = 0;
            for piece in input.chunks(chunk) {
                let mut rest = piece;
                loop {
                    let (token, used) = tokenizer.feed(rest);
                    rest = &rest[used..];
                    blank_lines += usize::from(token == Token::BlankLine);
                    if token == Token::NeedInput {
                        break;
                    }
                }
            }
            blank_lines
        });
        assert_eq!(count, 0, "tokenizer, chunk {chunk}");
        assert_eq!(blank_lines, 400);

        let mut lent = Parser::new(&mut storage[..]);
        let (count, events) = allocations(|| drive(&mut lent, &input, chunk));
        assert_eq!((count, events), (0, 400), "lent, chunk {chunk}");
        let (count, events) = allocations(|| drive_steps(&mut lent, &input, chunk));
        assert_eq!((count, events), (0, 400), "lent, feed, chunk {chunk}");

        let mut owned = Box::new(Parser::new([0u8; 4096]));
        let (count, events) = allocations(|| drive(&mut owned, &input, chunk));
        assert_eq!((count, events), (0, 400), "array, chunk {chunk}");

        let (count, events) = allocations(|| drive(&mut growable, &input, chunk));
        assert_eq!((count, events), (0, 400), "warm vec, chunk {chunk}");
        let (count, events) = allocations(|| drive_steps(&mut growable, &input, chunk));
        assert_eq!((count, events), (0, 400), "warm vec, feed, chunk {chunk}");
    }
}

/// The peak of live bytes allocated while `f` runs, above what was live before.
fn peak_bytes(f: impl FnOnce()) -> isize {
    let base = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(base));
    f();
    PEAK.with(Cell::get) - base
}

#[test]
fn memory_held_by_a_growable_parser_stays_within_its_limit() {
    use ssewire::{Config, OnLimit};
    const LIMIT: usize = 64 * 1024;
    let config = Config::new()
        .max_event_bytes(LIMIT)
        .max_id_bytes(LIMIT)
        .on_limit(OnLimit::SkipEvent);
    // Shapes that grow naive buffers: an endless line, endless data lines, a
    // long id then long event types, huge comments and unknown fields.
    let mut input = Vec::new();
    input.extend(b"data: ");
    input.extend(std::iter::repeat(b'x').take(4 * LIMIT));
    input.extend(b"\n\n");
    for _ in 0..4 * LIMIT / 16 {
        input.extend(b"data: 0123456789\n");
    }
    input.extend(b"\n");
    input.extend(b"id: ");
    input.extend(std::iter::repeat(b'i').take(LIMIT / 2));
    input.extend(b"\n");
    for _ in 0..8 {
        input.extend(b"event: ");
        input.extend(std::iter::repeat(b'e').take(LIMIT / 3));
        input.extend(b"\n");
    }
    input.extend(b"data: end\n\n: ");
    input.extend(std::iter::repeat(b'c').take(4 * LIMIT));
    input.extend(b"\nunknown: ");
    input.extend(std::iter::repeat(b'u').take(4 * LIMIT));
    input.extend(b"\ndata: last\n\n");

    for chunk in [input.len(), 4096, 61] {
        for comments in [false, true] {
            let mut events = 0;
            let peak = peak_bytes(|| {
                let mut parser = Parser::with_config(Vec::new(), config.comments(comments));
                let mut errors = Errors::default();
                for piece in input.chunks(chunk) {
                    parser.feed_all(piece, &mut errors);
                }
                events = errors.events;
                assert_eq!(errors.limits, 2, "the endless line and the endless data");
            });
            assert!(
                peak as usize <= LIMIT,
                "held {peak} bytes, limit {LIMIT}, chunk {chunk}"
            );
            // The long-id event and the last one; the oversized ones dropped.
            assert_eq!(events, 2, "chunk {chunk}");
        }
    }
}

/// Counts events and limit errors.
#[derive(Default)]
struct Errors {
    events: usize,
    limits: usize,
}

impl Handler for Errors {
    fn event(&mut self, _: Event<'_>) {
        self.events += 1;
    }

    fn error(&mut self, error: Error) {
        assert!(matches!(error, Error::LimitExceeded { .. }), "{error}");
        self.limits += 1;
    }
}

/// The README's claim: a growable parser holds less than twice the largest
/// event (it grows geometrically), and never more than the limit.
#[test]
fn peak_heap_is_below_twice_the_largest_event_and_within_the_limit() {
    use ssewire::Config;
    for (size, limit) in [
        (100_000, usize::MAX),
        ((1 << 20) + 1, usize::MAX),
        (3 << 20, (3 << 20) + 100),
    ] {
        // Several lines, so the data is stored, not borrowed from the input.
        let mut input = b"data: ".to_vec();
        input.extend(std::iter::repeat(b'x').take(size / 2));
        input.extend(b"\ndata: ");
        input.extend(std::iter::repeat(b'y').take(size - size / 2 - 1));
        input.extend(b"\n\n");
        for chunk in [input.len(), 64 << 10, 1460] {
            let mut events = 0;
            let peak = peak_bytes(|| {
                let mut parser =
                    Parser::with_config(Vec::new(), Config::new().max_event_bytes(limit));
                events = drive(&mut parser, &input, chunk);
            }) as usize;
            assert_eq!(events, 1);
            assert!(
                peak < 2 * size,
                "held {peak} bytes for a {size}-byte event, chunk {chunk}"
            );
            assert!(peak <= limit, "held {peak} bytes, limit {limit}");
        }
    }
}

/// The adapters allocate nothing per event beyond what the caller keeps: the
/// reader lends one refilled event; the `Stream` allocates each event's text
/// (which the caller owns); the zero-copy `Bytes` path allocates nothing.
#[cfg(all(feature = "bytes", feature = "stream", feature = "tokio-util"))]
mod adapters {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use bytes::{Bytes, BytesMut};
    use futures_core::Stream;
    use ssewire::{BytesEvents, EventReader, SseStreamExt};
    use ssewire_testkit::adapters::{noop_waker, ChunkStream};

    use super::allocations;

    /// One event per line-sized chunk: `id`, `event` and one `data` line.
    fn events(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| format!("id: 7\nevent: tick\ndata: {{\"n\": {i:04}}}\n\n").into_bytes())
            .collect()
    }

    /// Polls to the end; counts the events, keeping none.
    fn count<S: Stream<Item = Result<T, E>> + Unpin, T, E: std::fmt::Debug>(mut s: S) -> usize {
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut n = 0;
        loop {
            match Pin::new(&mut s).poll_next(&mut cx) {
                Poll::Ready(Some(item)) => {
                    item.expect("no error");
                    n += 1;
                }
                Poll::Ready(None) => return n,
                Poll::Pending => {}
            }
        }
    }

    #[test]
    fn the_reader_lends_one_event_and_allocates_nothing_per_event() {
        let input = events(400).concat();
        let mut reader = EventReader::new(&input[..]);
        // Warm up: the parser's storage and the lent event grow once.
        reader.next_event().expect("no error");
        let (count, events) = allocations(|| {
            let mut n = 0;
            while reader.next_event().expect("no error").is_some() {
                n += 1;
            }
            n
        });
        assert_eq!(events, 399);
        assert_eq!(count, 0);
    }

    #[test]
    fn the_stream_allocates_only_the_events_text() {
        let chunks = events(400);
        let stream = ChunkStream::new(chunks.iter().map(Vec::as_slice)).sse();
        let (count, events) = allocations(|| count(stream));
        assert_eq!(events, 400);
        // Each event owns its data, type and ID, in one allocation, for the
        // caller. The parser's storage grows a few times at most.
        assert!(count <= events + 8, "{count} allocations");
    }

    #[test]
    fn the_zero_copy_path_allocates_nothing_per_event() {
        // Chunks as an HTTP stack hands them out: split from one read buffer
        // (already shared, so a slice is a reference count).
        let mut buffer = BytesMut::from(&events(400).concat()[..]);
        let chunks: Vec<Bytes> = events(400)
            .iter()
            .map(|e| buffer.split_to(e.len()).freeze())
            .collect();
        let stream = BytesEvents::new(ChunkStream::new(chunks));
        let (count, events) = allocations(|| count(stream));
        assert_eq!(events, 400);
        // The parser's queue, storage and the first type and ID: no more.
        assert!(count <= 8, "{count} allocations for {events} events");
    }
}

/// The lending readers make no allocation per event once warm (their
/// parser's storage grown to the largest event cut across chunks), with one
/// event per chunk and with events cut across chunks; `.sse()` as a
/// `Stream` makes one per event for events with data only. The chunks are
/// built (and, for the body, copied into `Bytes`) before counting.
#[cfg(all(
    feature = "stream",
    feature = "http-body",
    feature = "tokio-io",
    feature = "embedded-io",
    feature = "embedded-io-async"
))]
mod lending {
    use futures_core::Stream;
    use ssewire::{AsyncEventReader, BodyEvents, Parser, SseStreamExt};
    use ssewire_testkit::adapters::{block_on, ChunkBody, ChunkSocket, ChunkStream};
    use std::future::poll_fn;
    use std::pin::Pin;

    use super::allocations;

    /// Events read before counting.
    const WARM: usize = 20;
    /// Events in each stream.
    const EVENTS: usize = 400;

    /// Events with one `data` line (lent from the chunk when whole), and
    /// events with an ID, a type and two `data` lines (lent from the parser).
    fn shapes() -> Vec<Vec<u8>> {
        (0..EVENTS)
            .map(|i| {
                if i % 2 == 0 {
                    format!("data: {{\"n\": {i:04}}}\n\n")
                } else {
                    format!("id: {i}\nevent: tick\ndata: {{\"n\": {i:04}}}\ndata: more\n\n")
                }
                .into_bytes()
            })
            .collect()
    }

    /// `events` one a chunk, and the same bytes in 61-byte chunks (cut
    /// inside lines and events), with what each is called.
    fn chunkings(events: Vec<Vec<u8>>) -> [(&'static str, Vec<Vec<u8>>); 2] {
        let cut = events.concat().chunks(61).map(<[u8]>::to_vec).collect();
        [("an event a chunk", events), ("cut across chunks", cut)]
    }

    /// Reads `WARM` events, then counts the allocations while reading the
    /// rest with `next` (true: an event; it panics on an error). Returns the
    /// allocations and the events counted.
    fn warm_then_count<R>(reader: &mut R, mut next: impl FnMut(&mut R) -> bool) -> (usize, usize) {
        for _ in 0..WARM {
            assert!(next(reader), "an event to warm up with");
        }
        allocations(|| {
            let mut n = 0;
            while next(reader) {
                n += 1;
            }
            n
        })
    }

    fn check(what: &str, chunking: &str, (count, events): (usize, usize)) {
        eprintln!("alloc: {what}, {chunking}: {count} allocations for {events} events");
        assert_eq!(events, EVENTS - WARM, "{what}, {chunking}");
        assert_eq!(count, 0, "{what}, {chunking}: allocations per event");
    }

    #[test]
    fn events_next_event_allocates_nothing_per_event() {
        for (chunking, chunks) in chunkings(shapes()) {
            let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            let mut events = ChunkStream::new(chunks).sse();
            let counted = warm_then_count(&mut events, |events| {
                block_on(events.next_event())
                    .map(|event| event.expect("no error"))
                    .is_some()
            });
            check("Events::next_event", chunking, counted);
        }
    }

    #[test]
    fn body_events_next_event_allocates_nothing_per_event() {
        for (chunking, chunks) in chunkings(shapes()) {
            let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            let mut body = BodyEvents::new(ChunkBody::new(&chunks));
            let counted = warm_then_count(&mut body, |body| {
                block_on(body.next_event())
                    .map(|event| event.expect("no error"))
                    .is_some()
            });
            check("BodyEvents::next_event", chunking, counted);
        }
    }

    #[test]
    fn async_event_reader_allocates_nothing_per_event() {
        for (chunking, chunks) in chunkings(shapes()) {
            let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            for size in [AsyncEventReader::<()>::DEFAULT_BUFFER_SIZE, 7] {
                let socket = ChunkSocket::new(&chunks, 0);
                let parser = Parser::new(Vec::new());
                let mut reader = AsyncEventReader::with_buffer_size(socket, parser, size);
                let counted = warm_then_count(&mut reader, |reader| {
                    block_on(reader.next_event())
                        .map(|event| event.expect("no error"))
                        .is_some()
                });
                check(
                    &format!("AsyncEventReader, a {size}-byte buffer"),
                    chunking,
                    counted,
                );
            }
        }
    }

    #[test]
    fn embedded_readers_allocate_nothing_per_event() {
        use ssewire::embedded;

        for (chunking, chunks) in chunkings(shapes()) {
            let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            let mut buf = [0u8; 64];
            let socket = ChunkSocket::new(&chunks, 0);
            let mut reader = embedded::EventReader::new(socket, &mut buf, Parser::new([0u8; 512]));
            let counted = warm_then_count(&mut reader, |reader| {
                reader
                    .next_event()
                    .map(|event| event.expect("no error"))
                    .is_some()
            });
            check("embedded::EventReader", chunking, counted);

            let mut storage = [0u8; 512];
            let socket = ChunkSocket::new(&chunks, 0);
            let parser = Parser::new(&mut storage[..]);
            let mut reader = embedded::AsyncEventReader::new(socket, &mut buf, parser);
            let counted = warm_then_count(&mut reader, |reader| {
                block_on(reader.next_event())
                    .map(|event| event.expect("no error"))
                    .is_some()
            });
            check("embedded::AsyncEventReader", chunking, counted);
        }
    }

    /// `.sse()` as a `Stream`: the allocations per event, once warm, of
    /// events made of `event` (`n` as `{n}`, one a chunk or cut across
    /// chunks), the events dropped as they come.
    fn stream_allocations(event: impl Fn(usize) -> String) -> Vec<(&'static str, usize, usize)> {
        let events = (0..EVENTS).map(|i| event(i).into_bytes()).collect();
        chunkings(events)
            .into_iter()
            .map(|(chunking, chunks)| {
                let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
                let mut stream = ChunkStream::new(chunks).sse();
                let (count, events) = warm_then_count(&mut stream, |stream| {
                    block_on(poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)))
                        .map(|event| event.expect("no error"))
                        .is_some()
                });
                assert_eq!(events, EVENTS - WARM, "{chunking}");
                eprintln!("alloc: .sse() as a Stream, {chunking}: {count} allocations for {events} events");
                (chunking, count, events)
            })
            .collect()
    }

    /// Data only: one allocation per event (the data's `String`, which the
    /// caller owns).
    #[test]
    fn the_stream_makes_at_most_one_allocation_per_event_with_data_only() {
        for (chunking, count, events) in
            stream_allocations(|i| format!("data: {{\"n\": {i:04}}}\n\n"))
        {
            assert!(
                count <= events,
                "{chunking}: {count} allocations for {events} events"
            );
        }
    }

    /// With an ID and a type too: `OwnedEvent` holds its three fields in
    /// one allocation (three `String`s, three allocations, before).
    #[test]
    fn the_stream_makes_at_most_one_allocation_per_event_with_type_and_id() {
        let measured =
            stream_allocations(|i| format!("id: 7\nevent: tick\ndata: {{\"n\": {i:04}}}\n\n"));
        for (chunking, count, events) in measured {
            assert!(
                count <= events,
                "{chunking}: {count} allocations for {events} events with type and ID"
            );
        }
    }
}
