//! ssewire against the other Rust SSE parsers, one criterion group per
//! `<corpus>/<chunking>`.
//!
//! For each group: generate the input, verify every runner the filter selects (see
//! `src/verify.rs`), print and record the verdicts, then time the memchr2 baselines and
//! the runners that passed. The event count and data length are asserted inside the
//! timed closure.
//!
//! Defaults are short (10 samples, 0.3 s warm-up, 0.5 s measurement, flat sampling);
//! criterion's own flags override them. `SSEWIRE_COMPARE_BUDGET` (seconds, default 1)
//! is the longest single run the time probe lets through.

use criterion::measurement::WallTime;
use criterion::{black_box, BenchmarkGroup, Criterion, SamplingMode, Throughput};
use regex::Regex;
use ssewire_compare::corpus::{Chunking, Corpus, Kind, CHUNKINGS, KINDS};
use ssewire_compare::note::{GroupInfo, Note};
use ssewire_compare::runners::{self, baseline};
use ssewire_compare::verify::verify;
use ssewire_compare::{criterion_dir, Input, Runner};
use std::time::Duration;

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(500))
        .nresamples(10_000)
        .without_plots()
        .configure_from_args();
    let args = Args::parse();
    let budget = std::env::var("SSEWIRE_COMPARE_BUDGET")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .map_or(Duration::from_secs(1), Duration::from_secs_f64);
    let note_path = criterion_dir().join("verification.tsv");
    let mut note = Note::load(&note_path);
    let runners = runners::all();

    for kind in KINDS {
        // Generated on first use, shared by the chunkings that use it.
        let mut full: Option<Corpus> = None;
        let mut prefix: Option<Corpus> = None;
        for chunking in CHUNKINGS {
            let group_name = format!("{}/{}", kind.name(), chunking.name);
            let selected: Vec<&Runner> = runners
                .iter()
                .filter(|r| args.selects(&group_name, r.name))
                .collect();
            let baselines = ["memchr2", "memchr2-per-chunk", "memchr2-stream"];
            if selected.is_empty() && !baselines.iter().any(|b| args.selects(&group_name, b)) {
                continue;
            }
            let slot = if chunking.uses_prefix() {
                &mut prefix
            } else {
                &mut full
            };
            let corpus = slot.get_or_insert_with(|| corpus_for(kind, chunking));
            let input = Input::new(&corpus.bytes, chunking);
            let expected = corpus.expected;

            let mut passed = Vec::new();
            if !args.list {
                let info = GroupInfo {
                    bytes: input.len() as u64,
                    events: expected.events,
                };
                note.start_group(&group_name, info);
                eprintln!(
                    "== {group_name}: {:.2} MiB, {} events",
                    input.len() as f64 / (1 << 20) as f64,
                    expected.events
                );
                for &runner in &selected {
                    let verdict = verify(runner, &input, expected, budget);
                    eprintln!(
                        "   {:<22} {:<6} {}",
                        runner.name,
                        verdict.status(),
                        verdict.detail()
                    );
                    note.record(
                        &group_name,
                        runner.name,
                        verdict.status(),
                        &verdict.detail(),
                    );
                    if verdict.passed() {
                        passed.push(runner);
                    }
                }
                if let Err(error) = note.save(&note_path) {
                    eprintln!("cannot write {}: {error}", note_path.display());
                }
            } else {
                passed = selected;
            }

            let mut group = criterion.benchmark_group(&group_name);
            group
                .throughput(Throughput::Bytes(input.len() as u64))
                .sampling_mode(SamplingMode::Flat);
            bench_baselines(&mut group, &input, chunking);
            for runner in passed {
                group.bench_function(runner.name, |b| {
                    b.iter(|| {
                        let counted = (runner.count)(black_box(&input));
                        assert_eq!(counted.events, expected.events);
                        assert_eq!(counted.data_bytes, expected.data_bytes);
                        counted
                    })
                });
            }
            group.finish();
        }
    }
    criterion.final_summary();
}

fn corpus_for(kind: Kind, chunking: Chunking) -> Corpus {
    let corpus = chunking.corpus(kind);
    assert!(
        corpus.expected.events > 0,
        "{} generated no event",
        kind.name()
    );
    corpus
}

fn bench_baselines(group: &mut BenchmarkGroup<'_, WallTime>, input: &Input, chunking: Chunking) {
    let line_ends = baseline::expected(input.bytes());
    group.bench_function("memchr2", |b| {
        b.iter(|| {
            let found = baseline::whole(black_box(input));
            assert_eq!(found, line_ends);
            found
        })
    });
    if !chunking.is_whole() {
        group.bench_function("memchr2-per-chunk", |b| {
            b.iter(|| {
                let found = baseline::per_chunk(black_box(input));
                assert_eq!(found, line_ends);
                found
            })
        });
        group.bench_function("memchr2-stream", |b| {
            b.iter(|| {
                let found = baseline::stream_per_chunk(black_box(input));
                assert_eq!(found, line_ends);
                found
            })
        });
    }
}

/// The part of criterion's command line that decides what runs, read again here so
/// that verification is skipped for benchmarks the filter leaves out.
struct Args {
    filter: Filter,
    list: bool,
}

enum Filter {
    All,
    Regex(Regex),
    Exact(String),
}

impl Args {
    fn parse() -> Args {
        // Criterion 0.5's options that take a value (all others are flags).
        const WITH_VALUE: &[&str] = &[
            "-c",
            "--color",
            "-s",
            "--save-baseline",
            "-b",
            "--baseline",
            "--baseline-lenient",
            "--format",
            "--profile-time",
            "--load-baseline",
            "--sample-size",
            "--warm-up-time",
            "--measurement-time",
            "--nresamples",
            "--noise-threshold",
            "--confidence-level",
            "--significance-level",
            "--plotting-backend",
            "--output-format",
        ];
        let mut positional = None;
        let (mut exact, mut list) = (false, false);
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--exact" => exact = true,
                "--list" => list = true,
                a if WITH_VALUE.contains(&a) => {
                    args.next();
                }
                a if a.starts_with('-') => {}
                _ => positional = Some(arg),
            }
        }
        let filter = match positional {
            None => Filter::All,
            Some(f) if exact => Filter::Exact(f),
            // Criterion panics on a bad regex itself, before we get here.
            Some(f) => Regex::new(&f).map_or(Filter::All, Filter::Regex),
        };
        Args { filter, list }
    }

    /// Whether criterion will run the benchmark `<group>/<function>`.
    fn selects(&self, group: &str, function: &str) -> bool {
        let id = format!("{group}/{function}");
        match &self.filter {
            Filter::All => true,
            Filter::Regex(regex) => regex.is_match(&id),
            Filter::Exact(exact) => *exact == id,
        }
    }
}
