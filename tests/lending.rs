//! Property tests of the lending readers: for SSE-shaped input, any chunking,
//! any settings and any seed, `Events::next_event`, `BodyEvents::next_event`
//! (alone and mixed with their `Stream`), `AsyncEventReader` and the
//! embedded readers lend exactly the events the core parser gives for the
//! pieces they parsed, byte for byte, and end as it does (last event ID,
//! reconnection time, how the stream ended). The drivers and fakes are the
//! test kit's (`ssewire_testkit::adapters`), shared with the fuzz targets.
#![cfg(all(
    feature = "stream",
    feature = "http-body",
    feature = "tokio-io",
    feature = "embedded-io",
    feature = "embedded-io-async"
))]

#[macro_use]
mod regressions;
mod common;

use common::stream_and_cuts;
use proptest::prelude::*;
use ssewire::{AsyncEventReader, BodyEvents, Config, Error, OnLimit, Parser, SseStreamExt};
use ssewire_testkit::adapters::{
    body_pieces, chunks, oracle_embedded, oracle_seeded, run_async_read, run_body_lent,
    run_body_mixed, run_embedded, run_embedded_async, run_stream_lent, run_stream_mixed, settings,
    ChunkBody, ChunkSocket, ChunkStream, Lend, EMBEDDED_STORAGE,
};
use ssewire_testkit::drive::Cuts;

/// Read buffer sizes: a byte, a few, a line, roomy.
const BUFFERS: [usize; 4] = [1, 7, 64, 1024];

/// Every lending reader over `chunks` with `lend` (the buffer for
/// `AsyncEventReader` and the embedded readers picked by `buffer`) against
/// its oracle; returns the first mismatch.
fn check_all(
    chunks: &[&[u8]],
    config: Config,
    lend: Lend<'_>,
    buffer: usize,
) -> Result<(), TestCaseError> {
    macro_rules! same {
        ($got:expr, $want:expr, $what:expr) => {
            prop_assert_eq!(&$got, &$want, $what)
        };
    }
    let (raw, expected) = oracle_seeded(chunks, config, lend.seed);
    let (lent_raw, outcome) = run_stream_lent(chunks, config, lend);
    prop_assert_eq!(&lent_raw, &raw, "Events::next_event, bytes");
    same!(outcome, expected, "Events::next_event");
    same!(
        run_stream_mixed(chunks, config, lend),
        expected,
        "Events, mixed"
    );

    let (raw, expected) = oracle_seeded(&body_pieces(chunks), config, lend.seed);
    let (lent_raw, outcome) = run_body_lent(chunks, config, lend);
    prop_assert_eq!(&lent_raw, &raw, "BodyEvents::next_event, bytes");
    same!(outcome, expected, "BodyEvents::next_event");
    same!(
        run_body_mixed(chunks, config, lend),
        expected,
        "BodyEvents, mixed"
    );

    // The default buffer when `buffer` is past the sizes.
    let sized = Lend {
        buffer: BUFFERS.get(buffer).copied(),
        ..lend
    };
    let (lent_raw, outcome, pieces) = run_async_read(chunks, config, sized);
    let (raw, expected) = oracle_seeded(&pieces, config, lend.seed);
    prop_assert_eq!(&lent_raw, &raw, "AsyncEventReader, bytes");
    same!(outcome, expected, "AsyncEventReader");

    let sized = Lend {
        buffer: Some(BUFFERS[buffer % BUFFERS.len()]),
        ..lend
    };
    let (lent_raw, outcome, pieces) = run_embedded(chunks, config, sized);
    let (raw, expected) = oracle_embedded(&pieces, config, sized);
    prop_assert_eq!(&lent_raw, &raw, "embedded::EventReader, bytes");
    same!(outcome, expected, "embedded::EventReader");
    let (lent_raw, outcome, async_pieces) = run_embedded_async(chunks, config, sized);
    prop_assert_eq!(&async_pieces, &pieces, "the same reads");
    prop_assert_eq!(&lent_raw, &raw, "embedded::AsyncEventReader, bytes");
    same!(outcome, expected, "embedded::AsyncEventReader");
    Ok(())
}

fn lend(seed: &Option<Vec<u8>>, mix: u64, per_read: usize, lent_storage: bool) -> Lend<'_> {
    Lend {
        seed: seed.as_deref(),
        mix,
        buffer: None,
        per_read,
        lent_storage,
    }
}

proptest! {
    #![proptest_config(regressions_config!(1000, "lending"))]

    /// Under any chunking, settings (strict UTF-8, a 64-byte event limit),
    /// seed (within the 16-byte ID limit), mix of `next_event` and
    /// `poll_next`, buffer size, bytes per read and storage kind, every
    /// lending reader equals the core parser.
    #[test]
    fn every_lending_reader_gives_the_core_parsers_result(
        (input, cuts) in stream_and_cuts(),
        selector in 0u8..4,
        seed in prop::option::of(prop::collection::vec(any::<u8>(), 0..=16)),
        mix: u64,
        buffer in 0usize..5,
        per_read in prop::sample::select(vec![0usize, 1, 2, 3, 16]),
        lent_storage: bool,
    ) {
        let (config, _) = settings(selector);
        let chunks = chunks(&input, Cuts::At(&cuts));
        check_all(&chunks, config, lend(&seed, mix, per_read, lent_storage), buffer)?;
    }

    /// `OnLimit::Stop`: each lending reader ends at the first error, with
    /// the core parser's events up to it (and its end, last event ID and
    /// reconnection time).
    #[test]
    fn under_stop_every_lending_reader_ends_at_the_first_error(
        (input, cuts) in stream_and_cuts(),
        seed in prop::option::of(prop::collection::vec(any::<u8>(), 0..=16)),
        mix: u64,
        buffer in 0usize..5,
        per_read in prop::sample::select(vec![0usize, 1, 3]),
        lent_storage: bool,
    ) {
        let config = Config::new().max_event_bytes(48).on_limit(OnLimit::Stop);
        let chunks = chunks(&input, Cuts::At(&cuts));
        check_all(&chunks, config, lend(&seed, mix, per_read, lent_storage), buffer)?;
    }

    /// `OnLimit::Stop` in the owned adapters that stop parsing at the error
    /// (the blocking reader, the zero-copy parser and stream): the rest of
    /// the buffer still reaches the stopped parser, so the end counts what a
    /// caller that fed every chunk whole sees. (Not the codec: a
    /// `FramedRead` reads on to the end of its input, which the stopped
    /// parser drops and counts, as its docs say.)
    #[test]
    fn under_stop_the_owned_adapters_end_as_the_core_does(
        (input, cuts) in stream_and_cuts(),
    ) {
        let config = Config::new().max_event_bytes(48).on_limit(OnLimit::Stop);
        let chunks = chunks(&input, Cuts::At(&cuts));
        let oracle = ssewire_testkit::adapters::oracle(&chunks, config);
        prop_assert_eq!(&ssewire_testkit::adapters::run_reader(&chunks, config), &oracle);
        let (raw, outcome) = ssewire_testkit::adapters::run_bytes_stream(&chunks, config, usize::MAX);
        prop_assert_eq!(raw, ssewire_testkit::adapters::oracle_raw(&chunks, config));
        prop_assert_eq!(&outcome, &oracle);
    }
}

/// The embedded readers' limit is their storage's size: an event over 4 KiB
/// is refused with that limit, the events around it come through.
#[test]
fn fixed_storage_caps_the_embedded_readers_limit() {
    let mut stream = b"id: 1\ndata: before\n\ndata: ".to_vec();
    stream.extend(std::iter::repeat(b'x').take(EMBEDDED_STORAGE + 100));
    stream.extend(b"\n\ndata: after\n\n");
    let config = Config::new().on_limit(OnLimit::SkipEvent);
    for lent_storage in [false, true] {
        for per_read in [0, 3] {
            let chunks: Vec<&[u8]> = stream.chunks(100).collect();
            let lend = Lend {
                per_read,
                lent_storage,
                ..Lend::default()
            };
            let (raw, outcome, pieces) = run_embedded(&chunks, config, lend);
            assert_eq!(
                (raw.clone(), outcome.clone()),
                oracle_embedded(&pieces, config, lend)
            );
            let limit = Error::LimitExceeded {
                limit: EMBEDDED_STORAGE,
                needed: 0,
            };
            assert_eq!(raw.len(), 3);
            assert_eq!(raw[1], Err(limit));
            assert_eq!(raw[2].as_ref().map(|e| &e.data[..]), Ok(&b"after"[..]));
            assert_eq!(outcome.last_event_id, b"1");
            let (async_raw, async_outcome, _) = run_embedded_async(&chunks, config, lend);
            assert_eq!((async_raw, async_outcome), (raw, outcome));
        }
    }
}

/// A seed over the ID limit is refused, with the parser's error, by every
/// reader's `with_last_event_id`.
#[test]
fn a_seed_over_the_id_limit_is_refused_as_the_parser_refuses_it() {
    let config = Config::new().max_id_bytes(4);
    let long = b"12345";
    let want = Parser::with_config(Vec::new(), config)
        .reset_with_last_event_id(long)
        .expect_err("over the limit");
    assert_eq!(want, Error::IdTooLong { limit: 4 });
    let chunks: [&[u8]; 1] = [b"data: x\n\n"];

    let events = ChunkStream::new(chunks).sse_with_config(config);
    assert_eq!(events.with_last_event_id(long).err(), Some(want));
    let body = BodyEvents::with_config(ChunkBody::new(&chunks), config);
    assert_eq!(body.with_last_event_id(long).err(), Some(want));
    let reader = AsyncEventReader::with_config(ChunkSocket::new(&chunks, 0), config);
    assert_eq!(reader.with_last_event_id(long).err(), Some(want));

    let mut buf = [0u8; 16];
    let parser = Parser::with_config([0u8; 64], config);
    let reader =
        ssewire::embedded::EventReader::new(ChunkSocket::new(&chunks, 0), &mut buf, parser);
    assert_eq!(reader.with_last_event_id(long).err(), Some(want));
    let parser = Parser::with_config([0u8; 64], config);
    let reader =
        ssewire::embedded::AsyncEventReader::new(ChunkSocket::new(&chunks, 0), &mut buf, parser);
    assert_eq!(reader.with_last_event_id(long).err(), Some(want));

    // Within the limit, the seed is the last event ID until an `id` line.
    let events = ChunkStream::new(chunks).sse_with_config(config);
    let events = events
        .with_last_event_id(b"1234")
        .expect("within the limit");
    assert_eq!(events.last_event_id(), b"1234");
}
