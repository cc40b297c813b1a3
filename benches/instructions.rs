//! One run of one ssewire layer over one corpus and chunking, for instruction
//! counts with callgrind (repeatable, unlike time, on a busy machine):
//!
//! ```sh
//! cargo bench --bench instructions --no-run
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*measured*' \
//!     target/release/deps/instructions-HASH llm event vec
//! ```
//!
//! Arguments: a corpus (`llm`, `llm-crlf`, `datastar`, `big`, `heartbeat`,
//! `tiny`), a chunking (`whole`, `64KiB`, `1460B`, `event`, `61B`, `1B`) and a
//! layer (`vec`: `feed_all`; `vec-steps`: `feed`; `lent`; `tokenizer`;
//! `vec-skip`: `feed_all` with a 1 KiB limit and `OnLimit::SkipEvent`, so
//! every larger event is skipped: the cost of skipping; with features `stream`
//! and `bytes`, `lending`: `.sse()`'s `next_event().await`, `stream`: `.sse()`
//! and `stream-bytes`: `.sse_bytes()` over a `Stream` of `Bytes` chunks). Prints the events, bytes and chunks, to divide
//! the count by.

use ssewire::{Config, Error, Event, Handler, OnLimit, Parser};
use ssewire_testkit::bench::corpus::{self, CHUNKINGS, KINDS};
use ssewire_testkit::bench::{parse, parse_steps, tokenize, Sink};

#[derive(Default)]
struct Count {
    events: u64,
    data_bytes: u64,
}

impl Sink for Count {
    fn data(&mut self, piece: &[u8]) {
        self.data_bytes += piece.len() as u64;
    }
    fn dispatch(&mut self) {
        self.events += 1;
    }
}

/// The measured part (callgrind's `--toggle-collect` names it).
#[inline(never)]
fn measured(layer: &str, chunks: &[&[u8]], storage: &mut [u8], shared: &[Shared]) -> Count {
    let mut count = Count::default();
    #[cfg(all(feature = "stream", feature = "bytes"))]
    if let Some(count) = streams::run(layer, shared) {
        return count;
    }
    let _ = shared;
    let chunks = chunks.iter().copied();
    match layer {
        "vec" => parse(&mut Parser::new(Vec::new()), chunks, &mut count),
        "vec-steps" => parse_steps(&mut Parser::new(Vec::new()), chunks, &mut count),
        "lent" => parse(&mut Parser::new(storage), chunks, &mut count),
        "tokenizer" => tokenize(chunks, &mut count),
        "vec-skip" => {
            /// Counts what comes out of a parser that skips most events.
            struct Skips<'c>(&'c mut Count);
            impl Handler for Skips<'_> {
                fn event(&mut self, event: Event<'_>) {
                    self.0.data(event.data());
                    self.0.dispatch();
                }
                fn error(&mut self, _: Error) {}
            }
            let config = Config::new()
                .max_event_bytes(1 << 10)
                .on_limit(OnLimit::SkipEvent);
            let mut parser = Parser::with_config(Vec::new(), config);
            for chunk in chunks {
                parser.feed_all(chunk, &mut Skips(&mut count));
            }
            let _ = parser.finish();
        }
        other => panic!("no layer {other}"),
    }
    count
}

/// The chunks as `Bytes` sharing one buffer, as an HTTP body hands them out.
#[cfg(all(feature = "stream", feature = "bytes"))]
type Shared = bytes::Bytes;
#[cfg(not(all(feature = "stream", feature = "bytes")))]
type Shared = ();

#[cfg(all(feature = "stream", feature = "bytes"))]
mod streams {
    use super::{Count, Shared, Sink};
    use ssewire::SseStreamExt;
    use std::convert::Infallible;

    pub fn shared(whole: &[u8], chunks: &[&[u8]]) -> Vec<Shared> {
        let whole = Shared::copy_from_slice(whole);
        let mut at = 0;
        chunks
            .iter()
            .map(|chunk| {
                at += chunk.len();
                whole.slice(at - chunk.len()..at)
            })
            .collect()
    }

    pub fn run(layer: &str, shared: &[Shared]) -> Option<Count> {
        use futures::StreamExt;
        let chunks = || futures::stream::iter(shared.iter().cloned().map(Ok::<_, Infallible>));
        let mut count = Count::default();
        match layer {
            "stream" => futures::executor::block_on(chunks().sse().for_each(|event| {
                let event = event.expect("valid");
                count.data(event.data().as_bytes());
                count.dispatch();
                async {}
            })),
            "lending" => futures::executor::block_on(async {
                let mut events = chunks().sse();
                while let Some(event) = events.next_event().await {
                    let event = event.expect("valid");
                    count.data(event.data());
                    count.dispatch();
                }
            }),
            "stream-bytes" => futures::executor::block_on(chunks().sse_bytes().for_each(|event| {
                let event = event.expect("valid");
                count.data(event.data());
                count.dispatch();
                async {}
            })),
            _ => return None,
        }
        Some(count)
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [kind, chunking, layer] = &args[..] else {
        eprintln!("usage: instructions CORPUS CHUNKING LAYER");
        std::process::exit(2);
    };
    let kind = KINDS
        .into_iter()
        .find(|k| k.name() == kind)
        .expect("a corpus");
    let chunking = CHUNKINGS
        .into_iter()
        .find(|c| c.name == chunking)
        .expect("a chunking");
    let corpus = chunking.corpus(kind);
    let chunks = corpus::chunks(&corpus.bytes, chunking);
    let mut storage = vec![0u8; 2 << 20];
    #[cfg(all(feature = "stream", feature = "bytes"))]
    let shared = streams::shared(&corpus.bytes, &chunks);
    #[cfg(not(all(feature = "stream", feature = "bytes")))]
    let shared = Vec::new();
    let count = std::hint::black_box(measured(layer, &chunks, &mut storage, &shared));
    if layer != "vec-skip" {
        assert_eq!(count.events, corpus.expected.events);
        assert_eq!(count.data_bytes, corpus.expected.data_bytes);
    }
    println!(
        "events {} bytes {} chunks {}",
        count.events,
        corpus.bytes.len(),
        chunks.len()
    );
}
