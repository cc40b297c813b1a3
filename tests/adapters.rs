//! Property tests of the adapters: for SSE-shaped input, any chunking and
//! any settings, each adapter hands out exactly what the core parser gives
//! for the same chunks (events, refused events, last event ID, reconnection
//! time, how the stream ended), the `bytes` adapter byte for byte. (That the
//! core gives the same for any chunking is `tests/props.rs`'s business.)
#![cfg(all(
    feature = "bytes",
    feature = "stream",
    feature = "http-body",
    feature = "tokio-util"
))]

#[macro_use]
mod regressions;
mod common;

use bytes::BytesMut;
use common::stream_and_cuts;
use proptest::prelude::*;
use ssewire::{
    is_event_stream, Comment, Config, EventCodec, OnLimit, OwnedEvent, ServerEvent, StreamEnd,
    KEEP_ALIVE,
};
use ssewire_testkit::adapters::{
    body_pieces, chunks, oracle, oracle_raw, run_body, run_body_bytes, run_bytes, run_bytes_stream,
    run_codec, run_reader, run_stream, settings,
};
use ssewire_testkit::drive::Cuts;
use tokio_util::codec::{Decoder, Encoder};

proptest! {
    #![proptest_config(regressions_config!(1000, "adapters"))]

    #[test]
    fn every_adapter_gives_the_core_parsers_result(
        (input, cuts) in stream_and_cuts(),
        selector: u8,
    ) {
        let (config, threshold) = settings(selector);
        let chunks = chunks(&input, Cuts::At(&cuts));
        let expected = oracle(&chunks, config);
        prop_assert_eq!(&run_reader(&chunks, config), &expected, "reader");
        prop_assert_eq!(&run_stream(&chunks, config), &expected, "stream");
        prop_assert_eq!(&run_codec(&chunks, config), &expected, "codec");
        let by_body = oracle(&body_pieces(&chunks), config);
        prop_assert_eq!(&run_body(&chunks, config), &by_body, "body");
        let raw = oracle_raw(&chunks, config);
        let (body_raw, outcome) = run_body_bytes(&chunks, config);
        prop_assert_eq!(&body_raw, &raw, "BodyChunks");
        prop_assert_eq!(&outcome, &expected, "BodyChunks");
        prop_assert_eq!(&run_bytes(&chunks, config, threshold), &raw, "BytesParser");
        let (stream_raw, outcome) = run_bytes_stream(&chunks, config, threshold);
        prop_assert_eq!(&stream_raw, &raw, "BytesEvents");
        prop_assert_eq!(&outcome, &expected, "BytesEvents");
    }

    /// `OnLimit::Stop`: each adapter ends at the first error, with the core
    /// parser's events up to it.
    #[test]
    fn under_stop_every_adapter_ends_at_the_first_error(
        (input, cuts) in stream_and_cuts(),
    ) {
        let config = Config::new().max_event_bytes(48).on_limit(OnLimit::Stop);
        let chunks = chunks(&input, Cuts::At(&cuts));
        let expected = oracle(&chunks, config);
        prop_assert!(expected.items.iter().filter(|i| i.is_err()).count() <= 1);
        prop_assert_eq!(&run_reader(&chunks, config).items, &expected.items, "reader");
        prop_assert_eq!(&run_stream(&chunks, config).items, &expected.items, "stream");
        let by_body = oracle(&body_pieces(&chunks), config);
        prop_assert_eq!(&run_body(&chunks, config).items, &by_body.items, "body");
        prop_assert_eq!(&run_codec(&chunks, config).items, &expected.items, "codec");
    }

    /// The codec reads back what its encoder wrote: events (data in any
    /// text, CR and CRLF read as LF), comments (skipped) and raw bytes.
    #[test]
    fn the_codec_reads_back_what_it_writes(
        events in prop::collection::vec(("[a-z]{0,6}", "[^\r\n\x00]{0,8}", "(?s).{0,40}"), 0..8),
        comment in "(?s).{0,20}",
    ) {
        let mut codec = EventCodec::new();
        let mut out = BytesMut::new();
        codec.encode(Comment::new(&comment), &mut out).unwrap();
        for (event_type, id, data) in &events {
            let event = ServerEvent::new(data).event_type(event_type).unwrap().id(id).unwrap();
            codec.encode(&event, &mut out).unwrap();
            codec.encode(KEEP_ALIVE, &mut out).unwrap();
        }
        let mut read = Vec::new();
        while let Some(item) = codec.decode_eof(&mut out).unwrap() {
            read.push(item.unwrap());
        }
        prop_assert_eq!(codec.end(), Some(StreamEnd::Clean));
        let want: Vec<OwnedEvent> = events
            .iter()
            .map(|(event_type, id, data)| {
                OwnedEvent::new(event_type.as_str(), data.replace("\r\n", "\n").replace('\r', "\n"), id.as_str())
            })
            .collect();
        prop_assert_eq!(read, want);
    }

    /// Whatever surrounds it, only `text/event-stream` (with optional
    /// parameters) is accepted.
    #[test]
    fn content_type_is_the_essence_before_any_parameter(
        before in "[ \t]{0,2}",
        essence in "(?i:text/event-stream)|text/event-streamx|text/plain|text/event|[a-z/ -]{0,20}",
        after in "[ \t]{0,2}",
        params in "(;[ -~]{0,12})?",
    ) {
        let value = format!("{before}{essence}{after}{params}");
        let expected = essence.eq_ignore_ascii_case("text/event-stream");
        prop_assert_eq!(is_event_stream(value.as_bytes()), expected, "{:?}", value);
    }
}
