//! Heap allocations and retained bytes per parser, as markdown tables.
//!
//! `cargo run --release --bin alloc_report [-- --peers] [CORPUS...]`
//!
//! A counting global allocator (allocation calls, live bytes, peak live bytes) watches
//! one run of each of ssewire's layers on each corpus at `whole`, `1460B` and `1B`
//! chunkings (`1B` on the 1 MiB prefix, as in the benches). For each: dispatched
//! events, allocation calls during the run (a `realloc` counts as one), allocations per
//! event in the steady state (after the first 100 events; after the first half for
//! corpora with fewer than 200), the peak of heap bytes the run added, and the largest
//! `retained_bytes()` seen after any `feed` call. The input is made before counting
//! starts; the assembler's 2 MiB of lent storage too (it is the caller's, not the
//! parser's).
//!
//! With `--peers`, a second set of tables gives allocations per event for every runner
//! of the comparison (ssewire's included, measured the same way): each runner's
//! allocations on the whole input minus those on the input cut right after event 100,
//! divided by the events in between, so setup and end-of-stream costs cancel out. A
//! runner is first verified as in the bench (`src/verify.rs`, 1 s budget); one that is
//! wrong, panics or is too slow shows its status instead of a number. The peers take
//! about a minute in all (the rest a second or two).

use ssewire::{Parser, Step};
use ssewire_compare::corpus::{self, Chunking, Corpus, Kind, CHUNKINGS, KINDS};
use ssewire_compare::drive::{self, Sink};
use ssewire_compare::verify::verify;
use ssewire_compare::{runners, Input, Runner};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grow(delta: isize) {
    let live = LIVE.fetch_add(delta, Relaxed) + delta;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        grow(layout.size() as isize);
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        grow(layout.size() as isize);
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        grow(-(layout.size() as isize));
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        grow(new_size as isize - layout.size() as isize);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.load(Relaxed)
}

/// The chunkings reported: one call, one TCP segment, one byte.
const REPORTED: [&str; 3] = ["whole", "1460B", "1B"];
/// Events left out of the steady state.
const WARM_UP: u64 = 100;

fn main() {
    let mut peers = false;
    let mut only: Vec<String> = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--peers" => peers = true,
            "-h" | "--help" => {
                println!("usage: alloc_report [--peers] [CORPUS...]");
                return;
            }
            name if KINDS.iter().any(|k| k.name() == name) => only.push(arg),
            other => {
                eprintln!("unknown argument {other:?}; corpora: llm, llm-crlf, datastar, big, heartbeat, tiny");
                std::process::exit(2);
            }
        }
    }
    let kinds: Vec<Kind> = KINDS
        .into_iter()
        .filter(|k| only.is_empty() || only.iter().any(|o| o == k.name()))
        .collect();
    let chunkings: Vec<Chunking> = CHUNKINGS
        .into_iter()
        .filter(|c| REPORTED.contains(&c.name))
        .collect();

    // Every (corpus, chunking) pair with its corpus: the full one or the 1 MiB prefix.
    let mut groups: Vec<(Kind, Chunking, Corpus)> = Vec::new();
    for &kind in &kinds {
        for &chunking in &chunkings {
            eprintln!("generating {}/{}", kind.name(), chunking.name);
            groups.push((kind, chunking, chunking.corpus(kind)));
        }
    }

    println!("## ssewire: allocations and retained bytes\n");
    println!(
        "One run per row, input made before counting. \"allocs/event\" is the steady state: \
         allocation calls after event N, divided by the events after it (N = {WARM_UP}, or \
         half the events if fewer than {}). \"peak heap\" is the most heap the run added; \
         \"peak retained\" the largest `retained_bytes()` after a chunk. `lent` \
         runs in 2 MiB of lent storage, allocated by the caller before counting.\n",
        2 * WARM_UP
    );
    let mut storage = vec![0u8; 2 << 20].into_boxed_slice();
    for layer in ["tokenizer", "lent", "vec"] {
        println!("### {layer}\n");
        println!("| corpus | chunking | events | allocations | N | allocs/event after N | peak heap | peak retained |");
        println!("|---|---|---:|---:|---:|---:|---:|---:|");
        for (kind, chunking, corpus) in &groups {
            let stats = match layer {
                "tokenizer" => measure(corpus, *chunking, |chunks, probe| {
                    drive::tokenize(chunks, probe)
                }),
                "lent" => measure(corpus, *chunking, |chunks, probe| {
                    drive::parse(&mut Parser::new(&mut storage[..]), chunks, probe)
                }),
                _ => measure(corpus, *chunking, |chunks, probe| {
                    drive::parse(&mut Parser::new(Vec::new()), chunks, probe)
                }),
            };
            assert_eq!(
                (stats.events, stats.data_bytes),
                (corpus.expected.events, corpus.expected.data_bytes),
                "{layer} on {}/{}: wrong events or data",
                kind.name(),
                chunking.name
            );
            println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                kind.name(),
                chunking.name,
                stats.events,
                stats.allocations,
                stats.warm,
                per_event(stats.steady()),
                bytes(stats.peak_heap),
                stats.peak_retained.map_or("-".to_string(), bytes),
            );
        }
        println!();
    }

    if peers {
        print_peers(&groups, &chunkings);
    }
}

/// What one run of a layer did.
struct Stats {
    events: u64,
    data_bytes: u64,
    allocations: u64,
    /// Events left out of the steady state.
    warm: u64,
    /// Allocation calls after event `warm`.
    after_warm: u64,
    peak_heap: usize,
    /// `None` for the tokenizer, which retains nothing.
    peak_retained: Option<usize>,
}

impl Stats {
    /// Allocations per event after event `warm`; `None` when nothing is left after it.
    fn steady(&self) -> Option<f64> {
        let events = self.events.checked_sub(self.warm).filter(|&n| n > 0)?;
        (self.warm > 0).then(|| self.after_warm as f64 / events as f64)
    }
}

/// What a layer reports while it runs.
struct Probe {
    events: u64,
    data_bytes: u64,
    warm: u64,
    /// The allocation counter when event `warm` was dispatched.
    at_warm: Option<u64>,
    peak_retained: Option<usize>,
}

impl Sink for Probe {
    fn data(&mut self, piece: &[u8]) {
        self.data_bytes += piece.len() as u64;
    }

    fn dispatch(&mut self) {
        self.events += 1;
        if self.events == self.warm {
            self.at_warm = Some(allocations());
        }
    }

    fn retained(&mut self, bytes: usize) {
        self.peak_retained = Some(self.peak_retained.unwrap_or(0).max(bytes));
    }
}

fn steady_start(events: u64) -> u64 {
    if events >= 2 * WARM_UP {
        WARM_UP
    } else {
        events / 2
    }
}

fn measure<'c>(
    corpus: &'c Corpus,
    chunking: Chunking,
    run: impl FnOnce(std::vec::IntoIter<&'c [u8]>, &mut Probe),
) -> Stats {
    let mut probe = Probe {
        events: 0,
        data_bytes: 0,
        warm: steady_start(corpus.expected.events),
        at_warm: None,
        peak_retained: None,
    };
    let chunks = corpus::chunks(&corpus.bytes, chunking).into_iter();
    let live = LIVE.load(Relaxed);
    PEAK.store(live, Relaxed);
    let before = allocations();
    run(chunks, &mut probe);
    let after = allocations();
    let peak = PEAK.load(Relaxed);
    Stats {
        events: probe.events,
        data_bytes: probe.data_bytes,
        allocations: after - before,
        warm: probe.warm,
        after_warm: probe.at_warm.map_or(0, |at| after - at),
        peak_heap: (peak - live).max(0) as usize,
        peak_retained: probe.peak_retained,
    }
}

/// Allocations per event for every runner of the comparison, one table per chunking.
fn print_peers(groups: &[(Kind, Chunking, Corpus)], chunkings: &[Chunking]) {
    let all = runners::all();
    println!("## Every parser: allocations per event\n");
    println!(
        "Allocation calls on the whole input minus those on the input cut after event N \
         (N = {WARM_UP}, or half the events if fewer than {}), divided by the events in \
         between: setup and end-of-stream costs cancel out. Stream-based peers include \
         their stream adapter's allocations. WRONG, PANIC, SLOW: failed verification \
         (see the README).\n",
        2 * WARM_UP
    );
    for &chunking in chunkings {
        let row: Vec<&(Kind, Chunking, Corpus)> =
            groups.iter().filter(|g| g.1 == chunking).collect();
        if row.is_empty() {
            continue;
        }
        let names: Vec<&str> = row.iter().map(|g| g.0.name()).collect();
        println!("### {}\n", chunking.name);
        println!("| runner | {} |", names.join(" | "));
        println!("|---|{}", "---:|".repeat(names.len()));
        // Inputs, whole and cut after event N, made once per corpus.
        let inputs: Vec<(Input, Input, u64)> = row
            .iter()
            .map(|(_, chunking, corpus)| {
                let warm = steady_start(corpus.expected.events);
                let cut = offset_after(&corpus.bytes, warm);
                (
                    Input::new(&corpus.bytes, *chunking),
                    Input::new(&corpus.bytes[..cut], *chunking),
                    warm,
                )
            })
            .collect();
        for runner in &all {
            let cells: Vec<String> = row
                .iter()
                .zip(&inputs)
                .map(|((kind, _, corpus), (whole, cut, warm))| {
                    eprintln!("{} on {}/{}", runner.name, kind.name(), chunking.name);
                    peer_cell(runner, corpus, whole, cut, *warm)
                })
                .collect();
            println!("| {} | {} |", runner.name, cells.join(" | "));
        }
        println!();
    }
}

fn peer_cell(runner: &Runner, corpus: &Corpus, whole: &Input, cut: &Input, warm: u64) -> String {
    let verdict = verify(runner, whole, corpus.expected, Duration::from_secs(1));
    if !verdict.passed() {
        return verdict.status().to_string();
    }
    if warm == 0 {
        return "-".to_string();
    }
    let count = |input: &Input| {
        let before = allocations();
        let counted = (runner.count)(input);
        (allocations() - before, counted.events)
    };
    let (all, events) = count(whole);
    let (first, first_events) = count(cut);
    if first_events != warm || events <= first_events {
        return format!("? ({first_events} events in the cut)");
    }
    per_event(Some(
        all.saturating_sub(first) as f64 / (events - first_events) as f64,
    ))
}

/// The byte offset just after the `n`th event's blank line, found with ssewire's
/// step-at-a-time `feed` (the corpora's events end with a blank line).
fn offset_after(bytes: &[u8], n: u64) -> usize {
    if n == 0 {
        return 0;
    }
    let mut parser = Parser::new(Vec::new());
    let (mut offset, mut events) = (0, 0);
    while offset < bytes.len() {
        let (step, used) = parser.feed(&bytes[offset..]);
        let dispatched = matches!(step, Ok(Step::Event(_)));
        let done = matches!(step, Ok(Step::NeedInput));
        offset += used;
        if dispatched {
            events += 1;
            if events == n {
                // A CRLF blank line may have been dispatched at its CR.
                if bytes.get(offset) == Some(&b'\n') && bytes[..offset].ends_with(b"\r") {
                    offset += 1;
                }
                return offset;
            }
        }
        if done {
            break;
        }
    }
    bytes.len()
}

fn per_event(value: Option<f64>) -> String {
    match value {
        None => "-".to_string(),
        Some(0.0) => "0".to_string(),
        Some(v) if v >= 10.0 => format!("{v:.1}"),
        Some(v) if v >= 0.01 => format!("{v:.2}"),
        // Two significant digits: 0.0012, 0.000011.
        Some(v) => format!("{v:.*}", (1.0 - v.log10().floor()) as usize),
    }
}

fn bytes(n: usize) -> String {
    match n {
        0..=9_999 => n.to_string(),
        _ if n < 1 << 20 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.2} MiB", n as f64 / (1 << 20) as f64),
    }
}
