//! The adapters, each driven over a stream cut into chunks, and compared with
//! the oracle: the core [`Parser`] fed the same chunks with `feed_all`.
//!
//! Each `run_*` returns an [`Outcome`]; the fuzz checks ([`reader`],
//! [`stream`], [`bytes`], [`body`], [`codec`]) compare it with [`oracle`]'s.
//! Empty chunks in the cuts stand for the transport's quirks: an
//! `Interrupted` read, a `Pending` poll, a transport error passed through, an
//! empty data frame.
//!
//! Input format of the checks: `[n] [len; n % 16] stream` as for `chunked`
//! ([`crate::drive::schedule`]); `n / 16` picks the settings: bit 0 strict
//! UTF-8, bit 1 a 64-byte event limit (so errors come up), bits 2-3 the copy
//! threshold of the `bytes` adapter (0, 16, the default, no limit).

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use bytes::{Buf, Bytes, BytesMut};
use futures_core::Stream;
use ssewire::{
    BodyEvents, BytesEvent, BytesParser, Config, Error, Event, EventCodec, EventReader, Events,
    Handler, OnLimit, OwnedEvent, Parser, ReadError, SseStreamExt, StreamEnd,
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

struct Collect(Vec<Result<OwnedEvent, Error>>);

impl Handler for Collect {
    fn event(&mut self, event: Event<'_>) {
        self.0.push(Ok(OwnedEvent::from(event)));
    }

    fn error(&mut self, error: Error) {
        self.0.push(Err(normalize(error)));
    }
}

/// The core parser fed the chunks with `feed_all`, then `finish`. Under
/// [`OnLimit::Stop`] it ends at the first error, as the adapters do.
pub fn oracle(chunks: &[&[u8]], config: Config) -> Outcome {
    let mut parser = Parser::with_config(Vec::new(), config);
    let mut collect = Collect(Vec::new());
    for chunk in chunks {
        parser.feed_all(chunk, &mut collect);
        if parser.is_stopped() {
            break;
        }
    }
    let end = parser.finish();
    Outcome {
        items: collect.0,
        end: Some(end),
        last_event_id: parser.last_event_id().to_vec(),
        reconnection_time: parser.reconnection_time(),
    }
}

/// The oracle's events as raw bytes (event type as given, empty for none).
pub fn oracle_raw(chunks: &[&[u8]], config: Config) -> Vec<Result<RawEvent, Error>> {
    struct Raw(Vec<Result<RawEvent, Error>>);
    impl Handler for Raw {
        fn event(&mut self, event: Event<'_>) {
            self.0.push(Ok(RawEvent::of(&event)));
        }
        fn error(&mut self, error: Error) {
            self.0.push(Err(normalize(error)));
        }
    }
    let mut parser = Parser::with_config(Vec::new(), config);
    let mut raw = Raw(Vec::new());
    for chunk in chunks {
        parser.feed_all(chunk, &mut raw);
        if parser.is_stopped() {
            break;
        }
    }
    raw.0
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

struct NoWake;

impl Wake for NoWake {
    fn wake(self: Arc<Self>) {}
}

/// A waker that does nothing (`Waker::noop` needs Rust 1.85).
pub fn noop_waker() -> Waker {
    Waker::from(Arc::new(NoWake))
}

/// A transport error, passed through by the adapters.
#[derive(Debug, PartialEq, Eq)]
pub struct Boom;

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
    S: Stream<Item = Result<T, ReadError<E>>> + futures_core::FusedStream + Unpin,
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
// The fuzz checks.

fn parse_input(input: &[u8]) -> (Config, usize, Vec<&[u8]>) {
    let (selector, lens, stream) = schedule(input);
    let (config, threshold) = settings(selector);
    (config, threshold, chunks(stream, Cuts::Cycle(lens)))
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
}

/// `EventCodec` equals the core parser, never fails, consumes its buffer.
pub fn codec(input: &[u8]) {
    let (config, _, chunks) = parse_input(input);
    assert_eq!(run_codec(&chunks, config), oracle(&chunks, config), "codec");
}

/// The adapters' fuzz targets, by name (`fuzz/fuzz_targets/<name>.rs`, and
/// `fuzz/regressions/<name>/` for the replay test). Their input format is
/// `chunked`'s, so its seeds serve them too.
pub const TARGETS: [(&str, crate::checks::Check); 5] = [
    ("adapter_reader", reader),
    ("adapter_stream", stream),
    ("adapter_bytes", bytes),
    ("adapter_body", body),
    ("adapter_codec", codec),
];
