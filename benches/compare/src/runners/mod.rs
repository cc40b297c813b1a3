//! One module per parser. Each has `run(input, sink)`: feed the chunks in order, report
//! every dispatched event's data to the sink, signal end of input the way the parser
//! expects it. A runner stops at the parser's first error and reports it (any error
//! fails verification: the corpora are valid streams).

pub mod baseline;

mod async_sse;
mod eventsource_stream;
mod eventsource_stream2;
mod sse_codec;
mod sse_core;
mod sse_parse;
mod sse_stream;
mod sseer;
mod ssewire;
mod tokio_sse_codec;

use crate::{Counter, Input, Verifier};

/// A parser under test, with its run function instantiated for both sinks.
pub struct Runner {
    /// The benchmark function name; ssewire's own runners start with `ssewire`.
    pub name: &'static str,
    /// The timed form: counts events and data bytes.
    pub count: fn(&Input) -> Counter,
    /// The verification form: computes the corpus checksum.
    pub verify: fn(&Input) -> Verifier,
}

macro_rules! runner {
    ($name:expr, $run:path) => {
        Runner {
            name: $name,
            count: |input| {
                let mut sink = Counter::default();
                $run(input, &mut sink);
                sink
            },
            verify: |input| {
                let mut sink = Verifier::default();
                $run(input, &mut sink);
                sink
            },
        }
    };
}

/// The peers whose API is a `Stream` of events (over a `Stream` of `Bytes`, or
/// an `AsyncBufRead`): what ssewire's `Stream` adapters are compared with.
pub const STREAM_PEERS: [&str; 5] = [
    "sse-stream",
    "sseer",
    "eventsource-stream",
    "eventsource-stream2",
    "async-sse",
];

/// ssewire's async readers over a `Stream` of chunks: the lending reader
/// (`next_event().await`), then the `Stream` adapters.
pub const STREAM_OURS: [&str; 3] = ["ssewire-lending", "ssewire-stream", "ssewire-stream-bytes"];

/// ssewire's lending reader over an in-memory `AsyncRead`, and the peer that
/// reads the same reader (an `AsyncBufRead`).
pub const READER_OURS: &str = "ssewire-async-read";
pub const READER_PEER: &str = "async-sse";

/// The core parser (`feed_all` over a `Vec`), that the lending reader is
/// held to.
pub const CORE: &str = "ssewire";

/// Not an adapter: the least a `Stream` of events over ssewire's core costs
/// (see `ssewire::stream_floor`).
pub const STREAM_FLOOR: &str = "ssewire-stream-floor";

/// Every parser, ssewire's layers first.
pub fn all() -> Vec<Runner> {
    vec![
        runner!("ssewire-tokenizer", ssewire::tokenizer),
        runner!("ssewire-lent", ssewire::lent),
        runner!("ssewire", ssewire::vec),
        runner!("ssewire-steps", ssewire::vec_steps),
        runner!("ssewire-lending", ssewire::stream_lending),
        runner!("ssewire-async-read", ssewire::async_read),
        runner!("ssewire-stream", ssewire::stream),
        runner!("ssewire-stream-bytes", ssewire::stream_bytes),
        runner!("ssewire-stream-floor", ssewire::stream_floor),
        runner!("sse-core", sse_core::run),
        runner!("sse-parse", sse_parse::run),
        runner!("sse-stream", sse_stream::run),
        runner!("sseer", sseer::run),
        runner!("eventsource-stream", eventsource_stream::run),
        runner!("eventsource-stream2", eventsource_stream2::run),
        runner!("async-sse", async_sse::run),
        runner!("sse-codec", sse_codec::run),
        runner!("tokio-sse-codec", tokio_sse_codec::run),
    ]
}

/// Drains a `Stream` of event results on the current thread, as an async client
/// would: each event's data to the sink; an error ends the run. Shared by the
/// crates whose API is an `EventStream` over a stream of `Bytes`.
pub(crate) fn drain<S, E, Error, Events>(events: Events, sink: &mut S, data: impl Fn(&E) -> &[u8])
where
    S: crate::Sink,
    Error: std::fmt::Display,
    Events: futures::Stream<Item = Result<E, Error>>,
{
    use futures::StreamExt;
    futures::executor::block_on(async {
        let mut events = std::pin::pin!(events);
        while let Some(item) = events.next().await {
            match item {
                Ok(event) => sink.event(data(&event)),
                Err(error) => return sink.error(&error),
            }
        }
    })
}
