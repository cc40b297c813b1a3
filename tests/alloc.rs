//! Counts allocations with a global allocator: the tokenizer and the lent
//! storage parser make none; the decoder makes none per event once its buffers
//! have grown.
#![cfg(feature = "alloc")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ssewire::{Assembler, Decoder, Step, Token, Tokenizer};

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

fn drive(input: &[u8], chunk: usize, mut feed: impl FnMut(&[u8]) -> (bool, bool, usize)) -> usize {
    let mut events = 0;
    for piece in input.chunks(chunk) {
        let mut rest = piece;
        loop {
            let (event, done, used) = feed(rest);
            rest = &rest[used..];
            events += usize::from(event);
            if done {
                break;
            }
        }
    }
    events
}

#[test]
fn no_allocation_in_tokenizer_assembler_or_warm_decoder() {
    let input = stream();
    let mut storage = vec![0u8; 4096];
    let mut decoder = Decoder::new();
    // Warm the decoder's buffers once.
    drive(&input, 7, |rest| {
        let (step, used) = decoder.feed(rest);
        (
            matches!(step, Ok(Step::Event(_))),
            matches!(step, Ok(Step::NeedInput)),
            used,
        )
    });

    for chunk in [input.len(), 1460, 61, 1] {
        let mut tokenizer = Tokenizer::new();
        let (count, blank_lines) = allocations(|| {
            drive(&input, chunk, |rest| {
                let (token, used) = tokenizer.feed(rest);
                (token == Token::BlankLine, token == Token::NeedInput, used)
            })
        });
        assert_eq!(count, 0, "tokenizer, chunk {chunk}");
        assert_eq!(blank_lines, 400);

        let mut assembler = Assembler::new(&mut storage);
        let (count, events) = allocations(|| {
            drive(&input, chunk, |rest| {
                let (step, used) = assembler.feed(rest);
                (
                    matches!(step, Ok(Step::Event(_))),
                    matches!(step, Ok(Step::NeedInput)),
                    used,
                )
            })
        });
        assert_eq!((count, events), (0, 400), "assembler, chunk {chunk}");

        let (count, events) = allocations(|| {
            drive(&input, chunk, |rest| {
                let (step, used) = decoder.feed(rest);
                (
                    matches!(step, Ok(Step::Event(_))),
                    matches!(step, Ok(Step::NeedInput)),
                    used,
                )
            })
        });
        assert_eq!((count, events), (0, 400), "warm decoder, chunk {chunk}");
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
fn memory_held_by_the_decoder_stays_within_its_limit() {
    use ssewire::{Config, OnLimit};
    const LIMIT: usize = 64 * 1024;
    let config = Config::new()
        .max_event_bytes(LIMIT)
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
                let mut decoder = Decoder::with_config(config.comments(comments));
                events = drive(&input, chunk, |rest| {
                    let (step, used) = decoder.feed(rest);
                    (
                        matches!(step, Ok(Step::Event(_))),
                        matches!(step, Ok(Step::NeedInput)),
                        used,
                    )
                });
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
