//! The encoder against the readers: for any sequence of events, what the
//! reference model and every layer of ssewire's own parser (at several
//! chunkings, through the test kit's driver) read back
//! from the encoded bytes is exactly what was written. Also: the streaming
//! data writer gives the one-shot bytes however the data is cut, every writer
//! gives the same bytes, event types and IDs are refused exactly when a
//! reader could not take them back, and writing into a reused buffer
//! allocates nothing.
#![cfg(feature = "std")]

#[macro_use]
mod regressions;
use proptest::prelude::*;
use ssewire::{Comment, Config, EncodeError, ServerEvent};
use ssewire_testkit::drive::{run_layer, AtEof, Cuts, LAYERS};
use ssewire_testkit::reference::{self, Ev, Outcome};

/// What the test writes: one block, with or without data.
#[derive(Clone, Debug)]
struct Block {
    event_type: String,
    data: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    /// A comment written before the block.
    comment: Option<String>,
}

impl Block {
    fn server_event(&self) -> ServerEvent<'_> {
        let event = match &self.data {
            Some(data) => ServerEvent::new(data),
            None => ServerEvent::without_data(),
        };
        let mut event = event.event_type(&self.event_type).expect("valid type");
        if let Some(id) = &self.id {
            event = event.id(id).expect("valid id");
        }
        if let Some(ms) = self.retry {
            event = event.retry(ms);
        }
        event
    }
}

/// The events, retries, last event ID and comments a reader must see.
fn expected(blocks: &[Block]) -> Outcome {
    let mut id = String::new();
    let mut out = reference::parse(b"");
    for block in blocks {
        if let Some(comment) = &block.comment {
            out.comments.extend(lines(comment));
        }
        out.retries.extend(block.retry);
        if let Some(new_id) = &block.id {
            id.clone_from(new_id);
        }
        if let Some(data) = &block.data {
            out.events.push(Ev {
                event_type: if block.event_type.is_empty() {
                    "message".into()
                } else {
                    block.event_type.clone()
                },
                data: data.replace("\r\n", "\n").replace('\r', "\n"),
                id: id.clone(),
            });
        }
    }
    out.last_event_id = id;
    out
}

/// The lines of a text split at CR, LF and CRLF, as comment readers see them.
fn lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(String::from)
        .collect()
}

/// Encodes the blocks into one reused `Vec`.
fn encode(blocks: &[Block]) -> Vec<u8> {
    let mut out = Vec::new();
    for block in blocks {
        if let Some(comment) = &block.comment {
            Comment::new(comment).append_to(&mut out);
        }
        let before = out.len();
        let event = block.server_event();
        let n = event.append_to(&mut out);
        assert_eq!(n, out.len() - before);
        assert_eq!(n, event.encoded_len());
    }
    out
}

/// ssewire's own parser over `chunks`: `(event type, data, id)` of each event,
/// and the retries. The one place this file uses the parser's API.
fn decode(chunks: &[&[u8]]) -> (Vec<Ev>, Vec<u64>) {
    let input = chunks.concat();
    let cuts: Vec<usize> = chunks
        .iter()
        .scan(0, |end, chunk| {
            *end += chunk.len();
            Some(*end)
        })
        .collect();
    let mut read = None;
    for &layer in LAYERS {
        let Some(run) = run_layer(
            layer,
            &input,
            Cuts::At(&cuts),
            Config::new(),
            AtEof::Discard,
        ) else {
            continue;
        };
        let outcome = run.trace.outcome();
        let got = (outcome.events, outcome.retries);
        match &read {
            None => read = Some(got),
            Some(first) => assert_eq!(&got, first, "{layer:?} reads it otherwise"),
        }
    }
    read.expect("a layer ran")
}

/// Text that trips encoders: line breaks of every kind (also at the very
/// end), leading spaces, NUL, U+2028, a BOM, field-like text, any character.
fn text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        4 => prop::sample::select(vec![
            "\r", "\n", "\r\n", "\n\r", " ", "  ", "\0", "\u{2028}", "\u{2029}", "\u{85}",
            "\u{FEFF}", "é", "€", "😀", "data: x", "event: y", "id: 1", "retry: 5", ":", "a",
            "hello", "\t", "[DONE]",
        ])
        .prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
        1 => ".{0,6}",
    ];
    prop::collection::vec(atom, 0..12).prop_map(|atoms| atoms.concat())
}

/// Event types and IDs: any text without CR and LF (and, for IDs, NUL).
fn one_line(nul: bool) -> impl Strategy<Value = String> {
    text().prop_map(move |t| {
        t.chars()
            .filter(|&c| c != '\r' && c != '\n' && (nul || c != '\0'))
            .collect()
    })
}

fn block() -> impl Strategy<Value = Block> {
    (
        prop_oneof![Just(String::new()), one_line(true)],
        prop_oneof![4 => text().prop_map(Some), 1 => Just(None)],
        prop::option::of(one_line(false)),
        prop::option::weighted(0.2, any::<u64>()),
        prop::option::weighted(0.2, text()),
    )
        .prop_map(|(event_type, data, id, retry, comment)| Block {
            event_type,
            data,
            id,
            retry,
            comment,
        })
}

proptest! {
    #![proptest_config(regressions_config!(1000, "encode"))]

    #[test]
    fn readers_get_back_exactly_the_events_written(
        blocks in prop::collection::vec(block(), 0..8),
    ) {
        let bytes = encode(&blocks);
        let expected = expected(&blocks);

        let model = reference::parse(&bytes);
        prop_assert_eq!(&model.events, &expected.events);
        prop_assert_eq!(&model.retries, &expected.retries);
        prop_assert_eq!(&model.last_event_id, &expected.last_event_id);
        prop_assert_eq!(&model.comments, &expected.comments);
        prop_assert_eq!(model.end, reference::EndKind::Clean);

        let want = (expected.events, expected.retries);
        prop_assert_eq!(&decode(&[&bytes]), &want, "whole");
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        prop_assert_eq!(&decode(&bytewise), &want, "byte by byte");
        if bytes.len() <= 400 {
            for cut in 0..=bytes.len() {
                let (a, b) = bytes.split_at(cut);
                prop_assert_eq!(&decode(&[a, b]), &want, "split at {}", cut);
            }
        }
    }

    #[test]
    fn every_writer_gives_the_same_bytes(block in block()) {
        let event = block.server_event();
        let mut vec = Vec::new();
        let n = event.append_to(&mut vec);
        let mut buf = vec![0u8; n];
        prop_assert_eq!(event.encode_into(&mut buf), Ok(n));
        prop_assert_eq!(&buf, &vec);
        if n > 0 {
            let too_small = event.encode_into(&mut buf[..n - 1]);
            prop_assert_eq!(
                too_small,
                Err(EncodeError::BufferTooSmall { needed: n, available: n - 1 })
            );
        }
        let mut io = Vec::new();
        prop_assert_eq!(event.write_to(&mut io).expect("Vec"), n);
        prop_assert_eq!(&io, &vec);
        let mut sink = Vec::new();
        prop_assert_eq!(event.write(&mut sink), Ok(n));
        prop_assert_eq!(&sink, &vec);
    }

    #[test]
    fn data_writer_matches_one_shot_for_any_pieces(
        block in block(),
        data in text(),
        mut cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let mut whole = block.clone();
        whole.data = Some(data.clone());
        let mut one_shot = Vec::new();
        whole.server_event().append_to(&mut one_shot);

        // Cut at byte offsets (possibly inside a character: pushed as bytes).
        let mut offsets: Vec<usize> = cuts.drain(..).map(|i| i.index(data.len() + 1)).collect();
        offsets.sort_unstable();
        let mut header = block;
        header.data = None;
        let mut out = Vec::new();
        let mut writer = header.server_event().data_writer(&mut out).expect("Vec");
        let mut start = 0;
        for &cut in offsets.iter().chain([&data.len()]) {
            writer.push_bytes(&data.as_bytes()[start..cut]).expect("Vec");
            start = cut;
        }
        prop_assert_eq!(writer.finish(), Ok(one_shot.len()));
        prop_assert_eq!(out, one_shot);
    }

    #[test]
    fn event_types_and_ids_are_refused_exactly_when_unreadable(value in text()) {
        let line_break = value.contains(['\r', '\n']);
        let event_type = ServerEvent::new("d").event_type(&value);
        prop_assert_eq!(event_type.is_err(), line_break);
        if let Err(error) = event_type {
            prop_assert_eq!(error, EncodeError::LineBreakInEventType);
        }
        let first_bad = value.find(['\r', '\n', '\0']);
        let id = ServerEvent::new("d").id(&value);
        match first_bad.map(|at| value.as_bytes()[at]) {
            None => prop_assert!(id.is_ok()),
            Some(b'\0') => prop_assert_eq!(id, Err(EncodeError::NulInId)),
            Some(_) => prop_assert_eq!(id, Err(EncodeError::LineBreakInId)),
        }
    }
}

/// The cases named in the issue, one by one, through both readers.
#[test]
fn tricky_cases_round_trip() {
    let cases = [
        "",
        "a\r\nb",
        "a\rb",
        "a\nb",
        "trailing\n",
        "trailing\r\n",
        "lone cr\r",
        "\r",
        "\n\n",
        " leading",
        "  two",
        "nul\0",
        "\u{2028}sep",
        "é€😀",
        "\u{FEFF}bom",
    ];
    let blocks: Vec<Block> = cases
        .iter()
        .enumerate()
        .map(|(i, data)| Block {
            event_type: if i % 2 == 0 {
                String::new()
            } else {
                "t".into()
            },
            data: Some((*data).into()),
            id: (i % 3 == 0).then(|| i.to_string()),
            retry: None,
            comment: None,
        })
        .collect();
    let bytes = encode(&blocks);
    let expected = expected(&blocks);
    assert_eq!(reference::parse(&bytes).events, expected.events);
    let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(decode(&bytewise).0, expected.events);
    assert_eq!(decode(&[&bytes]).0, expected.events);
}

/// Counts this thread's allocations (the harness allocates on other threads).
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    pub struct Counting;

    thread_local! {
        static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    }

    fn count_one() {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }

    /// Allocations made by this thread so far.
    pub fn allocations() -> usize {
        ALLOCATIONS.with(Cell::get)
    }

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            count_one();
            System.alloc(layout)
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            System.dealloc(ptr, layout)
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            count_one();
            System.realloc(ptr, layout, new_size)
        }
    }
}

#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

/// Once the `Vec` has grown, events (one-shot and streamed), comments and
/// keep-alives cost no allocation; nor does anything into a slice.
#[test]
fn no_allocation_per_event_into_a_reused_buffer() {
    let data = "<div>\r\n  line\rline\n</div>\n".repeat(50);
    let mut out = Vec::new();
    let mut slice = vec![0u8; 1 << 16];
    let mut round = |out: &mut Vec<u8>| {
        out.clear();
        for i in 0..100 {
            let event = ServerEvent::new(if i % 2 == 0 { &data } else { "token" })
                .event_type("patch")
                .expect("valid")
                .id("12345")
                .expect("valid")
                .retry(3000);
            event.append_to(out);
            assert!(event.encode_into(&mut slice).is_ok());
            Comment::new("a\nb").append_to(out);
            out.extend_from_slice(ssewire::KEEP_ALIVE);
            let mut writer = ServerEvent::without_data()
                .data_writer(&mut *out)
                .expect("Vec");
            for piece in data.as_bytes().chunks(7) {
                writer.push_bytes(piece).expect("Vec");
            }
            writer.finish().expect("Vec");
        }
    };
    round(&mut out);
    let before = counting::allocations();
    round(&mut out);
    assert_eq!(counting::allocations() - before, 0);
}
