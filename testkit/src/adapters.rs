//! The adapters, each driven over a stream cut into chunks, and compared with
//! the oracle: the core [`Parser`] fed the same chunks with `feed_all`.
//!
//! Each `run_*` returns an [`Outcome`]; the fuzz checks ([`reader`],
//! [`stream`], [`bytes`], [`body`], [`codec`], [`async_read`],
//! [`embedded`]) compare it with [`oracle`]'s. Empty chunks in the cuts
//! stand for the transport's quirks: an `Interrupted` read, a `Pending`
//! poll, a transport error passed through, an empty data frame.
//!
//! The lending readers (`next_event().await` of `Events` and `BodyEvents`,
//! `AsyncEventReader`, the embedded readers) are driven by [`block_on`]
//! with a waker that does nothing; their lent events are compared byte for
//! byte ([`RawEvent`]) with [`oracle_of`] (a parser over the same kind of
//! storage, seeded as the reader was, fed the pieces the reader actually
//! parsed: [`ChunkSocket`] records them). See [`Lend`] for their setups.
//!
//! Input format of the checks: `[n] [len; n % 16] stream` as for `chunked`
//! ([`crate::drive::schedule`]); `n / 16` picks the settings: bit 0 strict
//! UTF-8, bit 1 a 64-byte event limit (so errors come up), bits 2-3 the copy
//! threshold of the `bytes` adapter (0, 16, the default, no limit), and for
//! the lending readers their seeding and mix (`Events`, `BodyEvents`) or
//! their buffer's size (`AsyncEventReader`, the embedded readers), with a
//! hash of the lengths for their other choices.

use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::io::{self, BufRead, Read};
use std::pin::{pin, Pin};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};

use bytes::{Buf, Bytes, BytesMut};
use futures_core::{FusedStream, Stream};
use ssewire::{
    BodyEvents, BytesEvent, BytesParser, Config, Error, Event, EventCodec, EventReader, Events,
    Handler, OnLimit, OwnedEvent, Parser, ReadError, SseStreamExt, Storage, StreamEnd,
};
use tokio_util::codec::Decoder;

use crate::drive::{chunk_bounds, schedule, Cuts};

/// All an adapter handed out, and what it said after the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Events and refused events, in order (limit errors without their
    /// `needed`, which depends on the chunking).
    pub items: Vec<Result<OwnedEvent, Error>>,
    pub end: Option<StreamEnd>,
    pub last_event_id: Vec<u8>,
    pub reconnection_time: Option<u64>,
}

/// The error without what depends on how the input was cut.
pub fn normalize(error: Error) -> Error {
    match error {
        Error::LimitExceeded { limit, .. } => Error::LimitExceeded { limit, needed: 0 },
        other => other,
    }
}

fn item(result: Result<OwnedEvent, Error>) -> Result<OwnedEvent, Error> {
    result.map_err(normalize)
}

/// The chunks of `input` under `cuts` (empty ones included).
pub fn chunks<'a>(input: &'a [u8], cuts: Cuts<'_>) -> Vec<&'a [u8]> {
    chunk_bounds(input.len(), cuts)
        .into_iter()
        .map(|(start, end)| &input[start..end])
        .collect()
}

/// The settings a check's selector picks: the parser's and the `bytes`
/// adapter's copy threshold.
pub fn settings(selector: u8) -> (Config, usize) {
    let mut config = Config::new().on_limit(OnLimit::SkipEvent);
    if selector & 1 != 0 {
        config = config.strict_utf8(true);
    }
    if selector & 2 != 0 {
        config = config.max_event_bytes(64).max_id_bytes(16);
    }
    let threshold = match selector >> 2 & 3 {
        0 => 0,
        1 => 16,
        2 => BytesParser::DEFAULT_COPY_THRESHOLD,
        _ => usize::MAX,
    };
    (config, threshold)
}

// ---------------------------------------------------------------------------
// The oracle.

/// Both records of what a parser handed out: the events' exact bytes, and
/// the events as `OwnedEvent`s.
struct Collect {
    raw: Vec<Result<RawEvent, Error>>,
    owned: Vec<Result<OwnedEvent, Error>>,
}

impl Handler for Collect {
    fn event(&mut self, event: Event<'_>) {
        self.raw.push(Ok(RawEvent::of(&event)));
        self.owned.push(Ok(OwnedEvent::from(event)));
    }

    fn error(&mut self, error: Error) {
        self.raw.push(Err(normalize(error)));
        self.owned.push(Err(normalize(error)));
    }
}

/// `parser` fed the chunks with `feed_all`, then `finish`: the events'
/// bytes, and the outcome. Under [`OnLimit::Stop`] it ends at the first
/// error, as the adapters do. Any storage: the lending readers' oracle is a
/// parser over the same storage as theirs (fixed storage caps the limit).
pub fn oracle_of<S: Storage>(
    mut parser: Parser<S>,
    chunks: &[&[u8]],
) -> (Vec<Result<RawEvent, Error>>, Outcome) {
    let mut collect = Collect {
        raw: Vec::new(),
        owned: Vec::new(),
    };
    for chunk in chunks {
        parser.feed_all(chunk, &mut collect);
        if parser.is_stopped() {
            break;
        }
    }
    let end = parser.finish();
    let outcome = Outcome {
        items: collect.owned,
        end: Some(end),
        last_event_id: parser.last_event_id().to_vec(),
        reconnection_time: parser.reconnection_time(),
    };
    (collect.raw, outcome)
}

/// The core parser (growable storage) fed the chunks with `feed_all`, then
/// `finish`. Under [`OnLimit::Stop`] it ends at the first error, as the
/// adapters do.
pub fn oracle(chunks: &[&[u8]], config: Config) -> Outcome {
    oracle_of(Parser::with_config(Vec::new(), config), chunks).1
}

/// The oracle's events as raw bytes (event type as given, empty for none).
pub fn oracle_raw(chunks: &[&[u8]], config: Config) -> Vec<Result<RawEvent, Error>> {
    oracle_of(Parser::with_config(Vec::new(), config), chunks).0
}

/// `parser` started, when `seed` is given, from that last event ID with
/// [`Parser::reset_with_last_event_id`] (the seed must be within the ID
/// limit).
pub fn seeded<S: Storage>(mut parser: Parser<S>, seed: Option<&[u8]>) -> Parser<S> {
    if let Some(seed) = seed {
        parser
            .reset_with_last_event_id(seed)
            .expect("a seed within the ID limit");
    }
    parser
}

/// The oracle of a reader started from `seed` (growable storage): bytes
/// and outcome.
pub fn oracle_seeded(
    chunks: &[&[u8]],
    config: Config,
    seed: Option<&[u8]>,
) -> (Vec<Result<RawEvent, Error>>, Outcome) {
    oracle_of(
        seeded(Parser::with_config(Vec::new(), config), seed),
        chunks,
    )
}

/// An event's bytes, exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEvent {
    pub event_type: Vec<u8>,
    pub data: Vec<u8>,
    pub id: Vec<u8>,
}

impl RawEvent {
    pub fn of(event: &Event<'_>) -> Self {
        Self {
            event_type: event.event_type().to_vec(),
            data: event.data().to_vec(),
            id: event.id().to_vec(),
        }
    }
}

// ---------------------------------------------------------------------------
// std: a `BufRead` handing out the chunks.

/// Reads the chunks one `fill_buf` each; an empty chunk is an `Interrupted`
/// error (an empty read would be the end).
pub struct ChunkReader<'a> {
    chunks: VecDeque<&'a [u8]>,
}

impl<'a> ChunkReader<'a> {
    pub fn new(chunks: &[&'a [u8]]) -> Self {
        Self {
            chunks: chunks.iter().copied().collect(),
        }
    }
}

impl Read for ChunkReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let buf = self.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChunkReader<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.chunks.front().is_some_and(|c| c.is_empty()) {
            self.chunks.pop_front();
            return Err(io::ErrorKind::Interrupted.into());
        }
        Ok(self.chunks.front().copied().unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        if let Some(front) = self.chunks.front_mut() {
            assert!(amount <= front.len(), "consumed more than was read");
            *front = &front[amount..];
            if front.is_empty() {
                self.chunks.pop_front();
            }
        }
    }
}

/// [`EventReader`] over the chunks: `next_event` for the first half of the
/// items, the `Iterator` for the rest, and `None` again after the end.
pub fn run_reader(chunks: &[&[u8]], config: Config) -> Outcome {
    let mut reader = EventReader::with_config(ChunkReader::new(chunks), config);
    let mut items = Vec::new();
    let mut lending = true;
    loop {
        let next = if lending {
            lending = !lending;
            match reader.next_event() {
                Ok(Some(event)) => Some(Ok(event.clone())),
                Ok(None) => None,
                Err(error) => Some(Err(error)),
            }
        } else {
            lending = !lending;
            reader.next()
        };
        match next {
            Some(Ok(event)) => items.push(Ok(event)),
            Some(Err(ReadError::Parse(error))) => items.push(Err(normalize(error))),
            // `ReadError` is non-exhaustive: a transport error, or a new kind.
            Some(Err(error)) => panic!("no I/O error here: {error:?}"),
            None => break,
        }
    }
    assert!(reader.end().is_some(), "an end after None");
    assert!(reader.next().is_none(), "None after the end");
    Outcome {
        items,
        end: reader.end(),
        last_event_id: reader.last_event_id().to_vec(),
        reconnection_time: reader.reconnection_time(),
    }
}

// ---------------------------------------------------------------------------
// futures: a chunk stream without a runtime.

/// Not zero-sized: a waker's pointer to a zero-sized `Arc` value points at
/// the end of its allocation, which LeakSanitizer does not count as a
/// reference, so the one shared waker was reported as leaked at exit.
struct NoWake(#[allow(dead_code)] u8);

impl Wake for NoWake {
    fn wake(self: Arc<Self>) {}
}

/// A waker that does nothing (`Waker::noop` needs Rust 1.85): one made
/// once, cloned (so no allocation after the first call, for the allocation
/// tests).
pub fn noop_waker() -> Waker {
    static WAKER: OnceLock<Waker> = OnceLock::new();
    WAKER
        .get_or_init(|| Waker::from(Arc::new(NoWake(0))))
        .clone()
}

/// A transport error, passed through by the adapters (also as the fake
/// sockets' `io::Error` and embedded-io error).
#[derive(Debug, PartialEq, Eq)]
pub struct Boom;

impl std::fmt::Display for Boom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("boom")
    }
}

impl std::error::Error for Boom {}

/// The chunks as a `Stream`. At an empty chunk it says `Pending` (once),
/// then yields a transport error ([`Boom`]), then the empty chunk itself.
pub struct ChunkStream<T> {
    chunks: VecDeque<T>,
    /// What the next empty chunk gives: 0 Pending, 1 Boom, 2 the chunk.
    quirk: u8,
}

impl<T: AsRef<[u8]>> ChunkStream<T> {
    pub fn new(chunks: impl IntoIterator<Item = T>) -> Self {
        Self {
            chunks: chunks.into_iter().collect(),
            quirk: 0,
        }
    }
}

impl<T: AsRef<[u8]> + Unpin> Stream for ChunkStream<T> {
    type Item = Result<T, Boom>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.chunks.front().is_some_and(|c| c.as_ref().is_empty()) && this.quirk < 2 {
            this.quirk += 1;
            if this.quirk == 1 {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            return Poll::Ready(Some(Err(Boom)));
        }
        this.quirk = 0;
        Poll::Ready(this.chunks.pop_front().map(Ok))
    }
}

/// Polls `stream` to its end (`Pending` is polled again at once); counts
/// the transport errors; checks that it stays ended.
pub fn poll_all<S, T, E>(mut stream: S) -> (Vec<Result<T, ReadError<E>>>, S)
where
    S: Stream<Item = Result<T, ReadError<E>>> + FusedStream + Unpin,
{
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut items = Vec::new();
    let mut pending = 0;
    loop {
        assert!(!stream.is_terminated(), "terminated before None");
        match Pin::new(&mut stream).poll_next(&mut cx) {
            Poll::Pending => {
                pending += 1;
                assert!(pending < 1 << 20, "pending for ever");
            }
            Poll::Ready(Some(item)) => items.push(item),
            Poll::Ready(None) => break,
        }
    }
    assert!(stream.is_terminated(), "terminated after None");
    assert!(
        matches!(Pin::new(&mut stream).poll_next(&mut cx), Poll::Ready(None)),
        "None after the end"
    );
    (items, stream)
}

/// The items without the transport errors, which must be one per empty
/// chunk.
fn split_boom<T>(
    items: Vec<Result<T, ReadError<Boom>>>,
    chunks: &[&[u8]],
    config: Config,
) -> Vec<Result<T, Error>> {
    let mut booms = 0;
    let out: Vec<_> = items
        .into_iter()
        .filter_map(|item| match item {
            Ok(event) => Some(Ok(event)),
            Err(ReadError::Parse(error)) => Some(Err(normalize(error))),
            Err(ReadError::Transport(Boom)) => {
                booms += 1;
                None
            }
            Err(_) => unreachable!("a new kind of ReadError"),
        })
        .collect();
    // Under `Stop` the adapter ends early and polls no more chunks.
    if config.on_limit(OnLimit::SkipEvent) == config {
        assert_eq!(booms, chunks.iter().filter(|c| c.is_empty()).count());
    }
    out
}

/// [`Events`] over the chunks.
pub fn run_stream(chunks: &[&[u8]], config: Config) -> Outcome {
    let (items, events) = poll_all(ChunkStream::new(chunks.to_vec()).sse_with_config(config));
    let events: Events<_> = events;
    Outcome {
        items: split_boom(items, chunks, config),
        end: events.end(),
        last_event_id: events.last_event_id().to_vec(),
        reconnection_time: events.reconnection_time(),
    }
}

/// [`ssewire::BytesEvents`] over the chunks as `Bytes` (each its own
/// allocation), with exact bytes; checks the copy threshold: data that is
/// a slice of a chunk pins no more than it allows.
pub fn run_bytes_stream(
    chunks: &[&[u8]],
    config: Config,
    threshold: usize,
) -> (Vec<Result<RawEvent, Error>>, Outcome) {
    let owned: Vec<Bytes> = chunks.iter().map(|c| Bytes::copy_from_slice(c)).collect();
    let parser = BytesParser::with_config(config).copy_threshold(threshold);
    let stream = ssewire::BytesEvents::from_parser(ChunkStream::new(owned.clone()), parser);
    let (items, stream) = poll_all(stream);
    let items = split_boom(items, chunks, config);
    for event in items.iter().flatten() {
        check_pinning(event, &owned, threshold);
    }
    bytes_outcome(items, &stream)
}

/// [`ssewire::BodyChunks`] of a [`ChunkBody`] through `.sse_bytes()`: each
/// data frame becomes one `Bytes` (the body's two pieces joined), so the
/// oracle is fed the chunks themselves.
pub fn run_body_bytes(chunks: &[&[u8]], config: Config) -> (Vec<Result<RawEvent, Error>>, Outcome) {
    let body = ssewire::BodyChunks::new(ChunkBody::new(chunks));
    let (items, stream) = poll_all(ssewire::BytesEvents::with_config(body, config));
    bytes_outcome(split_boom(items, chunks, config), &stream)
}

/// The bytes of each event, and the outcome with events as `OwnedEvent`s.
fn bytes_outcome<S>(
    items: Vec<Result<BytesEvent, Error>>,
    stream: &ssewire::BytesEvents<S>,
) -> (Vec<Result<RawEvent, Error>>, Outcome) {
    let raw = items
        .iter()
        .map(|item| item.clone().map(|e| RawEvent::of(&e.as_event())))
        .collect();
    let outcome = Outcome {
        items: items
            .into_iter()
            .map(|item| item.map(|e| OwnedEvent::from(e.as_event())))
            .collect(),
        end: stream.end(),
        last_event_id: stream.parser().last_event_id().to_vec(),
        reconnection_time: stream.parser().reconnection_time(),
    };
    (raw, outcome)
}

/// Data sliced from a chunk leaves at most `threshold` (or the data's own
/// length) of the chunk pinned.
fn check_pinning(event: &BytesEvent, chunks: &[Bytes], threshold: usize) {
    let data = event.data();
    let at = data.as_ptr() as usize;
    for chunk in chunks {
        let base = chunk.as_ptr() as usize;
        if !data.is_empty() && at >= base && at + data.len() <= base + chunk.len() {
            let extra = chunk.len() - data.len();
            assert!(
                extra <= threshold.max(data.len()),
                "{} bytes of data pin a {}-byte chunk (threshold {threshold})",
                data.len(),
                chunk.len()
            );
        }
    }
}

/// [`BytesParser`] fed the chunks directly, drained after each push.
pub fn run_bytes(
    chunks: &[&[u8]],
    config: Config,
    threshold: usize,
) -> Vec<Result<RawEvent, Error>> {
    let mut parser = BytesParser::with_config(config).copy_threshold(threshold);
    let mut out = Vec::new();
    for chunk in chunks {
        parser.push(Bytes::copy_from_slice(chunk));
        while let Some(item) = parser.next_event() {
            out.push(item.map(|e| RawEvent::of(&e.as_event())).map_err(normalize));
        }
        if parser.is_stopped() {
            break;
        }
    }
    let _ = parser.finish();
    out
}

// ---------------------------------------------------------------------------
// http-body: a body of data frames (each a chain of two buffers) and trailers.

/// The chunks as data frames, each split in two `Bytes` chained (a `Buf` of
/// two pieces); an empty chunk is an error ([`Boom`]); trailers at the end.
pub struct ChunkBody {
    frames: VecDeque<Result<http_body::Frame<bytes::buf::Chain<Bytes, Bytes>>, Boom>>,
}

/// The pieces the body adapter parses: each chunk in two halves (an empty
/// chunk stays one, an error). A limit error can depend on them (an `id`
/// line's NUL seen before or after its limit), so the oracle gets them too.
pub fn body_pieces<'a>(chunks: &[&'a [u8]]) -> Vec<&'a [u8]> {
    chunks
        .iter()
        .flat_map(|chunk| {
            let (a, b) = chunk.split_at(chunk.len() / 2);
            if chunk.is_empty() {
                vec![*chunk]
            } else {
                vec![a, b]
            }
        })
        .collect()
}

impl ChunkBody {
    pub fn new(chunks: &[&[u8]]) -> Self {
        let mut frames: VecDeque<_> = chunks
            .iter()
            .map(|chunk| {
                if chunk.is_empty() {
                    return Err(Boom);
                }
                let (a, b) = chunk.split_at(chunk.len() / 2);
                let data = Bytes::copy_from_slice(a).chain(Bytes::copy_from_slice(b));
                Ok(http_body::Frame::data(data))
            })
            .collect();
        frames.push_back(Ok(http_body::Frame::trailers(http::HeaderMap::new())));
        Self { frames }
    }
}

impl http_body::Body for ChunkBody {
    type Data = bytes::buf::Chain<Bytes, Bytes>;
    type Error = Boom;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Boom>>> {
        Poll::Ready(self.get_mut().frames.pop_front())
    }
}

/// [`BodyEvents`] over the chunks.
pub fn run_body(chunks: &[&[u8]], config: Config) -> Outcome {
    let (items, body) = poll_all(BodyEvents::with_config(ChunkBody::new(chunks), config));
    Outcome {
        items: split_boom(items, chunks, config),
        end: body.end(),
        last_event_id: body.last_event_id().to_vec(),
        reconnection_time: body.reconnection_time(),
    }
}

// ---------------------------------------------------------------------------
// tokio-util: the codec driven as `FramedRead` drives it.

/// [`EventCodec`] driven as `FramedRead` does: each chunk appended to the
/// read buffer, `decode` until `None`, then `decode_eof` until `None` (and
/// once more). The decoder never fails, and consumes all it is given.
pub fn run_codec(chunks: &[&[u8]], config: Config) -> Outcome {
    let mut codec = EventCodec::with_config(config);
    let mut buf = BytesMut::new();
    let mut items = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        while let Some(event) = codec.decode(&mut buf).expect("the decoder never fails") {
            items.push(item(event));
        }
        assert!(buf.is_empty(), "decode left {} bytes", buf.len());
    }
    while let Some(event) = codec.decode_eof(&mut buf).expect("the decoder never fails") {
        items.push(item(event));
    }
    assert!(codec.end().is_some(), "an end after decode_eof");
    assert!(codec.decode_eof(&mut buf).expect("never fails").is_none());
    Outcome {
        items,
        end: codec.end(),
        last_event_id: codec.last_event_id().to_vec(),
        reconnection_time: codec.reconnection_time(),
    }
}

// ---------------------------------------------------------------------------
// The lending readers: `next_event().await` driven without a runtime.

/// Runs `future` to its end with a waker that does nothing, polling it
/// again at once after `Pending` (the fakes here wake before they say
/// `Pending`); returns its output and how many times it said `Pending`.
/// Panics after `1 << 20` polls.
pub fn block_on_counting<F: Future>(future: F) -> (F::Output, usize) {
    let mut future = pin!(future);
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    for pending in 0..1usize << 20 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, pending);
        }
    }
    panic!("pending for ever");
}

/// [`block_on_counting`] without the count.
pub fn block_on<F: Future>(future: F) -> F::Output {
    block_on_counting(future).0
}

/// The last event ID the checks start the readers from.
pub const SEED: &[u8] = b"seed";

/// The embedded readers' parser storage (an array, or a lent slice of this
/// size): it caps the event limit at this many bytes.
pub const EMBEDDED_STORAGE: usize = 4096;

/// The embedded readers' lent read buffer, unless [`Lend::buffer`] says.
pub const EMBEDDED_BUFFER: usize = 64;

/// How a lending reader is set up beyond its [`Config`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Lend<'s> {
    /// The last event ID to start from (within the ID limit): given to the
    /// reader's `with_last_event_id`, or (mixed runs, a sized
    /// `AsyncEventReader`, lent embedded storage) to the parser's
    /// `reset_with_last_event_id` before `from_parser` / `new`.
    pub seed: Option<&'s [u8]>,
    /// Mixed runs: item `i` is read with `next_event` when bit `i % 64` is
    /// set, with `Stream::poll_next` when it is clear.
    pub mix: u64,
    /// The read buffer's size: `AsyncEventReader::with_buffer_size` (`None`:
    /// `with_config`, its default size), the embedded readers' lent buffer
    /// (`None`: [`EMBEDDED_BUFFER`]).
    pub buffer: Option<usize>,
    /// [`ChunkSocket`] hands over at most this many bytes a read (0: only
    /// the chunk and the buffer bound a read).
    pub per_read: usize,
    /// The embedded readers' parser over a lent slice instead of an array.
    pub lent_storage: bool,
}

/// What a run over a [`ChunkSocket`] gives: each lent event's exact bytes
/// (or the refused event), the outcome, and the pieces the reads returned.
pub type SocketRun<'a> = (Vec<Result<RawEvent, Error>>, Outcome, Vec<&'a [u8]>);

/// A lent event's exact bytes, and the event owned.
type Lent = (RawEvent, OwnedEvent);

fn lent(event: Event<'_>) -> Lent {
    (RawEvent::of(&event), OwnedEvent::from(event))
}

/// How many empty chunks: each is a `Pending` of the fake streams and
/// sockets (not of the body, which fails at once).
fn empties(chunks: &[&[u8]]) -> usize {
    chunks.iter().filter(|c| c.is_empty()).count()
}

/// A reader said `Pending` only when its transport did: `expected` times
/// (at most, under `Stop`, which ends early).
fn check_pending(pending: usize, expected: usize, config: Config) {
    if config.on_limit(OnLimit::SkipEvent) == config {
        assert_eq!(pending, expected, "a Pending per Pending of the transport");
    } else {
        assert!(
            pending <= expected,
            "{pending} Pending, {expected} expected"
        );
    }
}

/// The bytes of each lent event, and the outcome.
fn lent_outcome(
    items: Vec<Result<Lent, Error>>,
    (end, last_event_id, reconnection_time): (Option<StreamEnd>, &[u8], Option<u64>),
) -> (Vec<Result<RawEvent, Error>>, Outcome) {
    let (raw, items) = items
        .into_iter()
        .map(|item| match item {
            Ok((raw, owned)) => (Ok(raw), Ok(owned)),
            Err(error) => (Err(error), Err(error)),
        })
        .unzip();
    let outcome = Outcome {
        items,
        end,
        last_event_id: last_event_id.to_vec(),
        reconnection_time,
    };
    (raw, outcome)
}

/// `Events` and `BodyEvents` over the fakes: lent or owned, on one parser.
trait Lender: Stream<Item = Result<OwnedEvent, ReadError<Boom>>> + FusedStream + Unpin {
    /// `next_event().await`, the event recorded.
    async fn lend(&mut self) -> Option<Result<Lent, ReadError<Boom>>>;
    /// End, last event ID, reconnection time.
    fn state(&self) -> (Option<StreamEnd>, &[u8], Option<u64>);
}

impl Lender for Events<ChunkStream<&[u8]>> {
    async fn lend(&mut self) -> Option<Result<Lent, ReadError<Boom>>> {
        Some(self.next_event().await?.map(lent))
    }

    fn state(&self) -> (Option<StreamEnd>, &[u8], Option<u64>) {
        (self.end(), self.last_event_id(), self.reconnection_time())
    }
}

impl Lender for BodyEvents<ChunkBody> {
    async fn lend(&mut self) -> Option<Result<Lent, ReadError<Boom>>> {
        Some(self.next_event().await?.map(lent))
    }

    fn state(&self) -> (Option<StreamEnd>, &[u8], Option<u64>) {
        (self.end(), self.last_event_id(), self.reconnection_time())
    }
}

/// Polls the next item through `Stream`.
async fn poll_item<L: Lender>(reader: &mut L) -> Option<Result<OwnedEvent, ReadError<Boom>>> {
    poll_fn(|cx| Pin::new(&mut *reader).poll_next(cx)).await
}

/// After `None`: terminated, and `None` again both ways.
fn check_ended<L: Lender>(reader: &mut L) {
    assert!(reader.is_terminated(), "terminated after None");
    assert!(block_on(reader.lend()).is_none(), "None after the end");
    assert!(
        block_on(poll_item(reader)).is_none(),
        "None after the end, as a Stream"
    );
    assert!(block_on(reader.lend()).is_none(), "None for ever");
}

/// `next_event().await` to the end, in one future.
fn drive_lent<L: Lender>(
    mut reader: L,
    chunks: &[&[u8]],
    config: Config,
    pendings: usize,
) -> (Vec<Result<RawEvent, Error>>, Outcome) {
    let (items, pending) = block_on_counting(async {
        let mut items = Vec::new();
        while let Some(item) = reader.lend().await {
            assert!(!reader.is_terminated(), "terminated before None");
            items.push(item);
        }
        items
    });
    check_pending(pending, pendings, config);
    check_ended(&mut reader);
    lent_outcome(split_boom(items, chunks, config), reader.state())
}

/// `next_event().await` or `poll_next`, per item as `mix` says.
fn drive_mixed<L: Lender>(
    mut reader: L,
    mix: u64,
    chunks: &[&[u8]],
    config: Config,
    pendings: usize,
) -> Outcome {
    let (items, pending) = block_on_counting(async {
        let mut items = Vec::new();
        for i in 0usize.. {
            let item = if (mix >> (i % 64)) & 1 != 0 {
                reader.lend().await.map(|item| item.map(|(_, owned)| owned))
            } else {
                poll_item(&mut reader).await
            };
            let Some(item) = item else { break };
            items.push(item);
        }
        items
    });
    check_pending(pending, pendings, config);
    check_ended(&mut reader);
    let (end, last_event_id, reconnection_time) = reader.state();
    Outcome {
        items: split_boom(items, chunks, config),
        end,
        last_event_id: last_event_id.to_vec(),
        reconnection_time,
    }
}

/// [`Events`] over the chunks ([`ChunkStream`]), read with
/// `next_event().await` to the end: each lent event's exact bytes, and the
/// outcome; started from `lend.seed` with `with_last_event_id`. Transport
/// errors pass through, one per empty chunk, and so does its `Pending`.
pub fn run_stream_lent(
    chunks: &[&[u8]],
    config: Config,
    lend: Lend<'_>,
) -> (Vec<Result<RawEvent, Error>>, Outcome) {
    let mut events = ChunkStream::new(chunks.to_vec()).sse_with_config(config);
    if let Some(seed) = lend.seed {
        events = events
            .with_last_event_id(seed)
            .expect("a seed within the ID limit");
    }
    drive_lent(events, chunks, config, empties(chunks))
}

/// [`Events`] over the chunks, each item read with `next_event` or as a
/// `Stream` as `lend.mix` says; started from `lend.seed` through
/// `from_parser`.
pub fn run_stream_mixed(chunks: &[&[u8]], config: Config, lend: Lend<'_>) -> Outcome {
    let parser = seeded(Parser::with_config(Vec::new(), config), lend.seed);
    let events = Events::from_parser(ChunkStream::new(chunks.to_vec()), parser);
    drive_mixed(events, lend.mix, chunks, config, empties(chunks))
}

/// [`BodyEvents`] over a [`ChunkBody`], read with `next_event().await`:
/// as [`run_stream_lent`]; the oracle is fed [`body_pieces`].
pub fn run_body_lent(
    chunks: &[&[u8]],
    config: Config,
    lend: Lend<'_>,
) -> (Vec<Result<RawEvent, Error>>, Outcome) {
    let mut body = BodyEvents::with_config(ChunkBody::new(chunks), config);
    if let Some(seed) = lend.seed {
        body = body
            .with_last_event_id(seed)
            .expect("a seed within the ID limit");
    }
    drive_lent(body, chunks, config, 0)
}

/// [`BodyEvents`] over a [`ChunkBody`], read both ways: as
/// [`run_stream_mixed`]; the oracle is fed [`body_pieces`].
pub fn run_body_mixed(chunks: &[&[u8]], config: Config, lend: Lend<'_>) -> Outcome {
    let parser = seeded(Parser::with_config(Vec::new(), config), lend.seed);
    let body = BodyEvents::from_parser(ChunkBody::new(chunks), parser);
    drive_mixed(body, lend.mix, chunks, config, 0)
}

/// A socket handing over the chunks: each read returns the front of the
/// current chunk, at most the buffer's length and `per_read` bytes. An
/// empty chunk is an error ([`Boom`]; an `io::Error` of it for tokio),
/// which the async reads precede with one `Pending` (woken). After the last
/// chunk a read returns 0 bytes (the end). Records what each read returned:
/// the pieces the reader parsed, which its buffer may cut further than the
/// chunks.
#[derive(Debug)]
pub struct ChunkSocket<'a> {
    chunks: VecDeque<&'a [u8]>,
    per_read: usize,
    /// The empty chunk in front has had its `Pending`.
    pended: bool,
    reads: Vec<&'a [u8]>,
}

impl<'a> ChunkSocket<'a> {
    /// The chunks, at most `per_read` bytes a read (0: no such cap).
    pub fn new(chunks: &[&'a [u8]], per_read: usize) -> Self {
        // Room for every read: each returns a byte or more, or uses up an
        // empty chunk. Recording allocates nothing (for tests/alloc.rs).
        let reads = chunks.iter().map(|chunk| chunk.len().max(1)).sum();
        Self {
            chunks: chunks.iter().copied().collect(),
            per_read: if per_read == 0 { usize::MAX } else { per_read },
            pended: false,
            reads: Vec::with_capacity(reads),
        }
    }

    /// What each read returned so far (errors and the end left out).
    pub fn reads(&self) -> &[&'a [u8]] {
        &self.reads
    }

    /// Whether this (async) read says `Pending` first: at an empty chunk
    /// not pended for yet.
    fn pend(&mut self) -> bool {
        let pend = !self.pended && self.chunks.front().is_some_and(|c| c.is_empty());
        self.pended |= pend;
        pend
    }

    fn read_into(&mut self, out: &mut [u8]) -> Result<usize, Boom> {
        assert!(!out.is_empty(), "a read into an empty buffer");
        let Some(&chunk) = self.chunks.front() else {
            return Ok(0);
        };
        if chunk.is_empty() {
            self.chunks.pop_front();
            self.pended = false;
            return Err(Boom);
        }
        let n = chunk.len().min(out.len()).min(self.per_read);
        let (piece, rest) = chunk.split_at(n);
        out[..n].copy_from_slice(piece);
        self.reads.push(piece);
        if rest.is_empty() {
            self.chunks.pop_front();
        } else {
            self.chunks[0] = rest;
        }
        Ok(n)
    }
}

impl tokio::io::AsyncRead for ChunkSocket<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pend() {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let n = this
            .read_into(buf.initialize_unfilled())
            .map_err(io::Error::other)?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl embedded_io::Error for Boom {
    fn kind(&self) -> embedded_io::ErrorKind {
        embedded_io::ErrorKind::Other
    }
}

impl embedded_io::ErrorType for ChunkSocket<'_> {
    type Error = Boom;
}

impl embedded_io::Read for ChunkSocket<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Boom> {
        self.read_into(buf)
    }
}

impl embedded_io_async::Read for ChunkSocket<'_> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Boom> {
        if self.pend() {
            YieldOnce(false).await;
        }
        self.read_into(buf)
    }
}

/// `Pending` once (woken), then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// The `io::Error` of a [`ChunkSocket`] back to [`Boom`] (any other is a
/// failure).
fn boom_of_io(error: ReadError<io::Error>) -> ReadError<Boom> {
    match error {
        ReadError::Parse(error) => ReadError::Parse(error),
        ReadError::Transport(error) => {
            assert!(
                error.get_ref().is_some_and(|inner| inner.is::<Boom>()),
                "an I/O error not of the socket: {error}"
            );
            ReadError::Transport(Boom)
        }
        _ => unreachable!("a new kind of ReadError"),
    }
}

/// [`AsyncEventReader`](ssewire::AsyncEventReader) over a [`ChunkSocket`]
/// (one chunk a read at most; an empty chunk a `Pending`, then an
/// `io::Error` passed through), with a buffer of `lend.buffer` bytes
/// (`with_buffer_size`, seeded through the parser) or the default
/// (`with_config`, then `with_last_event_id`): each lent event's bytes, the
/// outcome, and the pieces the reads returned (for the oracle: the buffer
/// cuts the chunks further). `None` for ever after the end.
pub fn run_async_read<'a>(chunks: &[&'a [u8]], config: Config, lend: Lend<'_>) -> SocketRun<'a> {
    use ssewire::AsyncEventReader;

    let socket = ChunkSocket::new(chunks, lend.per_read);
    let mut reader = match lend.buffer {
        Some(size) => {
            let parser = seeded(Parser::with_config(Vec::new(), config), lend.seed);
            AsyncEventReader::with_buffer_size(socket, parser, size)
        }
        None => {
            let reader = AsyncEventReader::with_config(socket, config);
            match lend.seed {
                Some(seed) => reader
                    .with_last_event_id(seed)
                    .expect("a seed within the ID limit"),
                None => reader,
            }
        }
    };
    let (items, pending) = block_on_counting(async {
        let mut items = Vec::new();
        while let Some(item) = reader.next_event().await {
            items.push(item.map(lent).map_err(boom_of_io));
        }
        items
    });
    check_pending(pending, empties(chunks), config);
    assert!(
        block_on(reader.next_event()).is_none(),
        "None after the end"
    );
    assert!(block_on(reader.next_event()).is_none(), "None for ever");
    let state = (
        reader.end(),
        reader.last_event_id(),
        reader.reconnection_time(),
    );
    let (raw, outcome) = lent_outcome(split_boom(items, chunks, config), state);
    let pieces = reader.get_ref().reads().to_vec();
    assert_eq!(reader.into_inner().reads, pieces);
    (raw, outcome, pieces)
}

/// The event limit of a parser over [`EMBEDDED_STORAGE`] bytes.
fn embedded_limit(config: Config) -> usize {
    Parser::with_config(Vec::new(), config)
        .limit()
        .min(EMBEDDED_STORAGE)
}

/// [`ssewire::embedded::EventReader`] over a [`ChunkSocket`] (an empty
/// chunk is a read error, passed through), its lent buffer `lend.buffer`
/// bytes ([`EMBEDDED_BUFFER`] otherwise), its parser over an array of
/// [`EMBEDDED_STORAGE`] bytes (seeded with `with_last_event_id`) or a lent
/// slice of that size (seeded through the parser): each lent event's bytes,
/// the outcome, the pieces the reads returned. Compare with
/// [`oracle_embedded`] over those pieces.
pub fn run_embedded<'a>(chunks: &[&'a [u8]], config: Config, lend: Lend<'_>) -> SocketRun<'a> {
    use ssewire::embedded::EventReader;

    fn drive<'a, S: Storage>(
        mut reader: EventReader<'_, ChunkSocket<'a>, S>,
        chunks: &[&[u8]],
        config: Config,
    ) -> SocketRun<'a> {
        let mut items = Vec::new();
        while let Some(item) = reader.next_event() {
            items.push(item.map(lent));
        }
        assert!(reader.next_event().is_none(), "None after the end");
        assert!(reader.next_event().is_none(), "None for ever");
        let state = (
            reader.end(),
            reader.last_event_id(),
            reader.reconnection_time(),
        );
        let (raw, outcome) = lent_outcome(split_boom(items, chunks, config), state);
        (raw, outcome, reader.into_inner().reads)
    }

    let socket = ChunkSocket::new(chunks, lend.per_read);
    let mut buf = vec![0u8; lend.buffer.unwrap_or(EMBEDDED_BUFFER)];
    if lend.lent_storage {
        let mut storage = [0u8; EMBEDDED_STORAGE];
        let parser = seeded(Parser::with_config(&mut storage[..], config), lend.seed);
        assert_eq!(parser.limit(), embedded_limit(config), "the limit in force");
        drive(EventReader::new(socket, &mut buf, parser), chunks, config)
    } else {
        let parser = Parser::with_config([0u8; EMBEDDED_STORAGE], config);
        assert_eq!(parser.limit(), embedded_limit(config), "the limit in force");
        let reader = EventReader::new(socket, &mut buf, parser);
        let reader = match lend.seed {
            Some(seed) => reader
                .with_last_event_id(seed)
                .expect("a seed within the ID limit"),
            None => reader,
        };
        drive(reader, chunks, config)
    }
}

/// [`ssewire::embedded::AsyncEventReader`] set up as [`run_embedded`]'s
/// reader; at an empty chunk the socket says `Pending` once, then fails.
pub fn run_embedded_async<'a>(
    chunks: &[&'a [u8]],
    config: Config,
    lend: Lend<'_>,
) -> SocketRun<'a> {
    use ssewire::embedded::AsyncEventReader;

    fn drive<'a, S: Storage>(
        mut reader: AsyncEventReader<'_, ChunkSocket<'a>, S>,
        chunks: &[&[u8]],
        config: Config,
    ) -> SocketRun<'a> {
        let (items, pending) = block_on_counting(async {
            let mut items = Vec::new();
            while let Some(item) = reader.next_event().await {
                items.push(item.map(lent));
            }
            items
        });
        check_pending(pending, empties(chunks), config);
        assert!(
            block_on(reader.next_event()).is_none(),
            "None after the end"
        );
        assert!(block_on(reader.next_event()).is_none(), "None for ever");
        let state = (
            reader.end(),
            reader.last_event_id(),
            reader.reconnection_time(),
        );
        let (raw, outcome) = lent_outcome(split_boom(items, chunks, config), state);
        (raw, outcome, reader.into_inner().reads)
    }

    let socket = ChunkSocket::new(chunks, lend.per_read);
    let mut buf = vec![0u8; lend.buffer.unwrap_or(EMBEDDED_BUFFER)];
    if lend.lent_storage {
        let mut storage = [0u8; EMBEDDED_STORAGE];
        let parser = seeded(Parser::with_config(&mut storage[..], config), lend.seed);
        assert_eq!(parser.limit(), embedded_limit(config), "the limit in force");
        drive(
            AsyncEventReader::new(socket, &mut buf, parser),
            chunks,
            config,
        )
    } else {
        let parser = Parser::with_config([0u8; EMBEDDED_STORAGE], config);
        assert_eq!(parser.limit(), embedded_limit(config), "the limit in force");
        let reader = AsyncEventReader::new(socket, &mut buf, parser);
        let reader = match lend.seed {
            Some(seed) => reader
                .with_last_event_id(seed)
                .expect("a seed within the ID limit"),
            None => reader,
        };
        drive(reader, chunks, config)
    }
}

/// The embedded readers' oracle: a parser over the same kind of storage
/// (an array or a lent slice of [`EMBEDDED_STORAGE`] bytes, so the same
/// limit), seeded alike, fed the pieces the reads returned.
pub fn oracle_embedded(
    pieces: &[&[u8]],
    config: Config,
    lend: Lend<'_>,
) -> (Vec<Result<RawEvent, Error>>, Outcome) {
    if lend.lent_storage {
        let mut storage = [0u8; EMBEDDED_STORAGE];
        let parser = Parser::with_config(&mut storage[..], config);
        assert_eq!(parser.limit(), embedded_limit(config));
        oracle_of(seeded(parser, lend.seed), pieces)
    } else {
        let parser = Parser::with_config([0u8; EMBEDDED_STORAGE], config);
        assert_eq!(parser.limit(), embedded_limit(config));
        oracle_of(seeded(parser, lend.seed), pieces)
    }
}

// ---------------------------------------------------------------------------
// The fuzz checks.

fn parse_input(input: &[u8]) -> (Config, usize, Vec<&[u8]>) {
    let (selector, lens, stream) = schedule(input);
    let (config, threshold) = settings(selector);
    (config, threshold, chunks(stream, Cuts::Cycle(lens)))
}

/// The lending checks' input: the settings, `n / 16` bits 2-3 (the copy
/// threshold's, which these readers have none of), a hash of the schedule's
/// lengths for their other choices, and the chunks.
fn parse_lending(input: &[u8]) -> (Config, u8, u64, Vec<&[u8]>) {
    let (selector, lens, stream) = schedule(input);
    let (config, _) = settings(selector);
    let salt = lens.iter().fold(0u64, |hash, &len| {
        (hash.rotate_left(5) ^ u64::from(len)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    });
    (
        config,
        selector >> 2 & 3,
        salt,
        chunks(stream, Cuts::Cycle(lens)),
    )
}

/// `Events`' and `BodyEvents`' lending setup: seeded when `n / 16` bit 2
/// is set; items read in turn both ways, starting with `next_event` when
/// bit 3 is set, the pattern flipped by the lengths' hash.
fn stream_lend(input: &[u8]) -> Lend<'static> {
    let (_, pick, salt, _) = parse_lending(input);
    let turns = if pick & 2 != 0 {
        0x5555_5555_5555_5555
    } else {
        0xAAAA_AAAA_AAAA_AAAA
    };
    Lend {
        seed: (pick & 1 != 0).then_some(SEED),
        mix: turns ^ salt,
        ..Lend::default()
    }
}

/// The pieces a reader parsed are the chunks' bytes, in order (a prefix
/// under `Stop`, which ends early).
fn check_pieces(pieces: &[&[u8]], chunks: &[&[u8]], config: Config) {
    let (read, sent) = (pieces.concat(), chunks.concat());
    if config.on_limit(OnLimit::SkipEvent) == config {
        assert_eq!(read, sent, "the pieces read are the chunks");
    } else {
        assert!(sent.starts_with(&read), "the pieces read are the chunks");
    }
}

/// `EventReader` (both ways of reading) equals the core parser.
pub fn reader(input: &[u8]) {
    let (config, _, chunks) = parse_input(input);
    assert_eq!(
        run_reader(&chunks, config),
        oracle(&chunks, config),
        "reader"
    );
}

/// `Events` (a futures `Stream`) equals the core parser; transport errors
/// pass through, one per empty chunk.
pub fn stream(input: &[u8]) {
    let (config, _, chunks) = parse_input(input);
    assert_eq!(
        run_stream(&chunks, config),
        oracle(&chunks, config),
        "stream"
    );
    // Lent, and mixed with `Stream`.
    let lend = stream_lend(input);
    let (raw, expected) = oracle_seeded(&chunks, config, lend.seed);
    let (lent_raw, outcome) = run_stream_lent(&chunks, config, lend);
    assert_eq!(lent_raw, raw, "Events::next_event, bytes");
    assert_eq!(outcome, expected, "Events::next_event");
    assert_eq!(
        run_stream_mixed(&chunks, config, lend),
        expected,
        "Events, mixed"
    );
}

/// `BytesParser` and `BytesEvents` give the core parser's bytes exactly, and
/// never pin more of a chunk than the copy threshold allows.
pub fn bytes(input: &[u8]) {
    let (config, threshold, chunks) = parse_input(input);
    let raw = oracle_raw(&chunks, config);
    assert_eq!(run_bytes(&chunks, config, threshold), raw, "BytesParser");
    let (stream_raw, outcome) = run_bytes_stream(&chunks, config, threshold);
    assert_eq!(stream_raw, raw, "BytesEvents");
    assert_eq!(outcome, oracle(&chunks, config), "BytesEvents");
}

/// `BodyEvents` equals the core parser (each data frame a `Buf` of two
/// pieces, trailers skipped, body errors passed through); so does
/// `BodyChunks` through the zero-copy adapter, byte for byte.
pub fn body(input: &[u8]) {
    let (config, _, chunks) = parse_input(input);
    let pieces = body_pieces(&chunks);
    assert_eq!(run_body(&chunks, config), oracle(&pieces, config), "body");
    let (raw, outcome) = run_body_bytes(&chunks, config);
    assert_eq!(raw, oracle_raw(&chunks, config), "BodyChunks, bytes");
    assert_eq!(outcome, oracle(&chunks, config), "BodyChunks");
    // Lent, and mixed with `Stream`.
    let lend = stream_lend(input);
    let (raw, expected) = oracle_seeded(&pieces, config, lend.seed);
    let (lent_raw, outcome) = run_body_lent(&chunks, config, lend);
    assert_eq!(lent_raw, raw, "BodyEvents::next_event, bytes");
    assert_eq!(outcome, expected, "BodyEvents::next_event");
    assert_eq!(
        run_body_mixed(&chunks, config, lend),
        expected,
        "BodyEvents, mixed"
    );
}

/// `AsyncEventReader` over a tokio `AsyncRead` handing over a chunk a read
/// (an empty chunk: `Pending`, then an `io::Error`, passed through), its
/// buffer 1, 7, 64 bytes or the default (`n / 16` bits 2-3), maybe seeded:
/// each lent event byte for byte, and the outcome, as the core parser fed
/// the pieces the reads returned; those are the chunks, in order.
pub fn async_read(input: &[u8]) {
    let (config, pick, salt, chunks) = parse_lending(input);
    let lend = Lend {
        seed: (salt & 1 != 0).then_some(SEED),
        buffer: [Some(1), Some(7), Some(64), None][usize::from(pick)],
        ..Lend::default()
    };
    let (raw, outcome, pieces) = run_async_read(&chunks, config, lend);
    check_pieces(&pieces, &chunks, config);
    let (want_raw, want) = oracle_seeded(&pieces, config, lend.seed);
    assert_eq!(raw, want_raw, "AsyncEventReader, bytes");
    assert_eq!(outcome, want, "AsyncEventReader");
}

/// Both embedded readers over a socket returning a few bytes a read (at
/// most the chunk, the lent buffer of 1, 7, 64 or 1024 bytes from `n / 16`
/// bits 2-3, and a cap of 1, 3 or 16 bytes or none), their parser over an
/// array or a lent slice of [`EMBEDDED_STORAGE`] bytes, maybe seeded: each
/// lent event byte for byte, and the outcome, as a parser over the same
/// storage fed the same pieces; both readers read the same pieces.
pub fn embedded(input: &[u8]) {
    let (config, pick, salt, chunks) = parse_lending(input);
    let lend = Lend {
        seed: (salt & 1 != 0).then_some(SEED),
        buffer: Some([1, 7, 64, 1024][usize::from(pick)]),
        per_read: [0, 1, 3, 16][(salt >> 1 & 3) as usize],
        lent_storage: salt & 8 != 0,
        mix: 0,
    };
    let (raw, outcome, pieces) = run_embedded(&chunks, config, lend);
    check_pieces(&pieces, &chunks, config);
    let (want_raw, want) = oracle_embedded(&pieces, config, lend);
    assert_eq!(raw, want_raw, "embedded::EventReader, bytes");
    assert_eq!(outcome, want, "embedded::EventReader");
    let (raw, outcome, async_pieces) = run_embedded_async(&chunks, config, lend);
    assert_eq!(async_pieces, pieces, "the same reads");
    assert_eq!(raw, want_raw, "embedded::AsyncEventReader, bytes");
    assert_eq!(outcome, want, "embedded::AsyncEventReader");
}

/// `EventCodec` equals the core parser, never fails, consumes its buffer.
pub fn codec(input: &[u8]) {
    let (config, _, chunks) = parse_input(input);
    assert_eq!(run_codec(&chunks, config), oracle(&chunks, config), "codec");
}

/// The adapters' fuzz targets, by name (`fuzz/fuzz_targets/<name>.rs`, and
/// `fuzz/regressions/<name>/` for the replay test). Their input format is
/// `chunked`'s, so its seeds serve them too.
pub const TARGETS: [(&str, crate::checks::Check); 7] = [
    ("adapter_reader", reader),
    ("adapter_stream", stream),
    ("adapter_bytes", bytes),
    ("adapter_body", body),
    ("adapter_codec", codec),
    ("adapter_async_read", async_read),
    ("adapter_embedded", embedded),
];
