//! ssewire's own layers against the two memchr2 floors, one criterion group per
//! `<corpus>/<chunking>` (the corpora and chunkings of `corpus.rs`).
//!
//! Functions in each group:
//!
//! - `tokenizer`: [`Tokenizer::feed`] until `NeedInput`; data pieces are counted (with
//!   the LF the spec puts between `data` lines), nothing is stored.
//! - `lent`: a [`Parser`] over 2 MiB of lent storage (the `big` corpus's 1 MiB
//!   lines fit), allocated once per group; a new parser per run; `feed_all`.
//! - `vec`: a new [`Parser`] over a `Vec` per run, so its buffer grows as in a fresh
//!   stream; `feed_all`.
//! - `vec-steps`: the same with the step-at-a-time `feed` loop.
//! - `memchr2`: `memchr2_iter(b'\r', b'\n', whole input).count()`, whatever the
//!   chunking: no parser that looks at line ends can beat it.
//! - `memchr2-per-chunk`: the same scan once per chunk (not in `whole` groups).
//!
//! The corpora and the driving code are `ssewire_testkit::bench`, shared with
//! `benches/compare`. The event count and the total data length are asserted inside
//! the timed closure.
//! The data checksum (an FNV-1a over every data byte, too slow for the timed loop) is
//! checked once per layer and group before timing, only for groups the filter selects.
//!
//! Defaults are short (10 samples, flat sampling, 0.3 s warm-up, 0.5 s measurement),
//! so the whole bench takes a few minutes; criterion's flags override them:
//!
//! ```sh
//! cargo bench --bench layers -- '^llm/'            # one corpus
//! cargo bench --bench layers -- '/1460B/decoder'   # one layer, one chunking
//! ```

use criterion::measurement::WallTime;
use criterion::{black_box, BenchmarkGroup, Criterion, SamplingMode, Throughput};
use memchr::memchr2_iter;
use ssewire::Parser;
use ssewire_testkit::bench::corpus::{
    self, Checksum, Chunking, Corpus, Expected, CHUNKINGS, KINDS,
};
use ssewire_testkit::bench::{parse, parse_steps, tokenize, Sink};
use std::time::Duration;

/// Lent storage for the assembler: the largest `big` event is 1 MiB.
const STORAGE: usize = 2 << 20;

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(500))
        .without_plots()
        .configure_from_args();
    let mut storage = vec![0u8; STORAGE].into_boxed_slice();
    for kind in KINDS {
        // Generated once, shared by the chunkings that use it.
        let (full, prefix) = (kind.full(), kind.prefix());
        for chunking in CHUNKINGS {
            let corpus = if chunking.uses_prefix() {
                &prefix
            } else {
                &full
            };
            bench_group(&mut criterion, corpus, chunking, &mut storage);
        }
    }
    criterion.final_summary();
}

fn bench_group(criterion: &mut Criterion, corpus: &Corpus, chunking: Chunking, storage: &mut [u8]) {
    let input = &corpus.bytes[..];
    let expected = corpus.expected;
    let pieces = corpus::chunks(input, chunking);
    let mut group = criterion.benchmark_group(format!("{}/{}", corpus.kind.name(), chunking.name));
    group
        .throughput(Throughput::Bytes(input.len() as u64))
        .sampling_mode(SamplingMode::Flat);

    let line_ends = input.iter().filter(|&&b| b == b'\r' || b == b'\n').count();
    group.bench_function("memchr2", |b| {
        b.iter(|| {
            let found = memchr2_iter(b'\r', b'\n', black_box(input)).count();
            assert_eq!(found, line_ends);
            found
        })
    });
    if !chunking.is_whole() {
        group.bench_function("memchr2-per-chunk", |b| {
            b.iter(|| {
                let found: usize = black_box(&pieces)
                    .iter()
                    .map(|chunk| memchr2_iter(b'\r', b'\n', chunk).count())
                    .sum();
                assert_eq!(found, line_ends);
                found
            })
        });
    }

    let chunks = || black_box(&pieces).iter().copied();
    layer(&mut group, "tokenizer", expected, chunks, Tokenize);
    layer(&mut group, "lent", expected, chunks, Lent(storage));
    layer(&mut group, "vec", expected, chunks, Growable);
    layer(&mut group, "vec-steps", expected, chunks, GrowableSteps);
    group.finish();
}

/// Benchmarks one layer on the chunks `chunks` gives. The checksum is verified on the
/// first call (criterion calls the closure only if the filter selects the benchmark),
/// the event count and data length on every timed run.
fn layer<'a, I: Iterator<Item = &'a [u8]>>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    expected: Expected,
    chunks: impl Fn() -> I,
    mut layer: impl Layer,
) {
    let mut verified = false;
    group.bench_function(name, |b| {
        if !verified {
            let mut sum = Checksum::default();
            layer.run(chunks(), &mut sum);
            assert_eq!(sum.expected(), expected, "{name}: wrong events or data");
            verified = true;
        }
        b.iter(|| {
            let mut counter = Counter::default();
            layer.run(chunks(), &mut counter);
            assert_eq!(counter.events, expected.events);
            assert_eq!(counter.data_bytes, expected.data_bytes);
            counter
        })
    });
}

/// One of ssewire's layers, run on a whole input. Generic over the sink, so the timed
/// runs (with [`Counter`]) pay only for counting.
trait Layer {
    fn run<'a, K: Sink>(&mut self, chunks: impl Iterator<Item = &'a [u8]>, sink: &mut K);
}

struct Tokenize;
struct Lent<'s>(&'s mut [u8]);
struct Growable;
struct GrowableSteps;

impl Layer for Tokenize {
    fn run<'a, K: Sink>(&mut self, chunks: impl Iterator<Item = &'a [u8]>, sink: &mut K) {
        tokenize(chunks, sink);
    }
}

impl Layer for Lent<'_> {
    fn run<'a, K: Sink>(&mut self, chunks: impl Iterator<Item = &'a [u8]>, sink: &mut K) {
        parse(&mut Parser::new(&mut *self.0), chunks, sink);
    }
}

impl Layer for Growable {
    fn run<'a, K: Sink>(&mut self, chunks: impl Iterator<Item = &'a [u8]>, sink: &mut K) {
        parse(&mut Parser::new(Vec::new()), chunks, sink);
    }
}

impl Layer for GrowableSteps {
    fn run<'a, K: Sink>(&mut self, chunks: impl Iterator<Item = &'a [u8]>, sink: &mut K) {
        parse_steps(&mut Parser::new(Vec::new()), chunks, sink);
    }
}

#[derive(Default)]
struct Counter {
    events: u64,
    data_bytes: u64,
}

impl Sink for Counter {
    fn data(&mut self, piece: &[u8]) {
        self.data_bytes += piece.len() as u64;
    }
    fn dispatch(&mut self) {
        self.events += 1;
    }
}
