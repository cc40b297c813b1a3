//! The checks behind the fuzz targets, shared by `fuzz/fuzz_targets/*.rs` and by
//! `tests/fuzz_replay.rs` (which runs the seed corpus and every regression input
//! through them on stable). No libFuzzer here: a check is a plain function that
//! panics when an invariant breaks.
//!
//! Every check compares with an oracle: the reference model
//! (`tests/reference/mod.rs`, included below, a plain transcription of the
//! spec), the same parser fed differently, or another layer.
//!
//! Input formats (the first bytes steer the targets that need choices):
//!
//! - `one_shot`, `differential`, `text`, `layers`: the whole input is the stream.
//! - `chunked`: `[n] [len; n % 16] stream`; the lengths are chunk sizes used in
//!   turn, over and over (0 is an empty chunk); no lengths: byte by byte.
//!   `n / 16` picks the layer (bits 0-1, `LAYERS`) and the settings (bit 2:
//!   comments, or strict UTF-8 with `AtEof::Dispatch`; comments off for the
//!   tokenizer).
//! - `limits`: `[limit] [flags] [n] [len; n % 16] stream`; `flags` bit 0:
//!   `OnLimit::SkipEvent` (else `Stop`), bit 1: comments, bit 2: the limit is
//!   `16 * limit`, bits 3-4: the lent storage beside the `Decoder` (0 and 3:
//!   exactly the limit; 1: more, by `8 * (flags >> 5) + 1` bytes, with the
//!   limit set in `Config`; 2: `Parser::array`).
//!
//! Cost: every check is linear in the input (one pass per layer and per
//! chunking), so a fuzz run stays fast.
#![allow(dead_code)]

#[path = "../../tests/reference/mod.rs"]
pub mod reference;

use core::fmt;

use reference::{EndKind, Ev, Outcome};
use ssewire::{
    Assembler, AtEof, Config, Decoder, End, Error, Event, Field, OnLimit, Parser, Slab, Step,
    Storage, Token, Tokenizer,
};

/// A check: panics when an invariant breaks.
pub type Check = fn(&[u8]);

/// The targets, by name: what the replay test runs for `fuzz/regressions/<name>/`.
pub const TARGETS: [(&str, Check); 6] = [
    ("one_shot", one_shot),
    ("chunked", chunked),
    ("differential", differential),
    ("limits", limits),
    ("text", text),
    ("layers", layers),
];

const MAX_COMMENT: usize = Config::DEFAULT_MAX_COMMENT_BYTES;
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Size of the array the `Parser::array` layer owns.
const ARRAY: usize = 9 << 10;
/// Spare lent storage beyond the input length: enough that neither an event
/// nor a comment (cut at `MAX_COMMENT`) can reach the limit.
const SPARE: usize = MAX_COMMENT + 64;

// ---------------------------------------------------------------------------
// The six targets.

/// Everything in one `feed`, then `finish`: every call makes progress, the
/// consumed counts add up to the input length, and the tokenizer (with events
/// assembled by this file), the `Assembler` and the `Decoder` agree. A parser
/// reused after `finish` (with its ID cleared) gives the same result again.
pub fn one_shot(input: &[u8]) {
    let config = Config::new().comments(true);
    let mut decoder = Decoder::with_config(config);
    let first = run_parser(&mut decoder, input, Cuts::Whole);
    let mut storage = vec![0u8; input.len() + SPARE];
    let assembled = run_parser(
        &mut Assembler::with_config(&mut storage, config),
        input,
        Cuts::Whole,
    );
    assert_eq!(assembled.trace, first.trace, "Assembler vs Decoder");
    let (lines, end) = run_tokenizer(input, Cuts::Whole, true);
    assert_eq!(
        assemble(&lines, end, input.len()),
        first.trace,
        "tokenizer vs Decoder"
    );
    decoder.set_last_event_id(b"").expect("no limit");
    let again = run_parser(&mut decoder, input, Cuts::Whole);
    assert_eq!(again.trace, first.trace, "a reused Decoder");
}

/// A chunk schedule and a layer from the first byte (see the module docs):
/// the layer gives exactly what it gives on the stream in one piece (line by
/// line for the tokenizer).
pub fn chunked(input: &[u8]) {
    let (selector, lens, stream) = schedule(input);
    let cuts = Cuts::Cycle(lens);
    let layer = LAYERS[usize::from(selector & 3)];
    if layer == Layer::Tokenizer {
        let comments = selector & 4 == 0;
        let (whole_lines, whole_end) = run_tokenizer(stream, Cuts::Whole, comments);
        let (lines, end) = run_tokenizer(stream, cuts, comments);
        assert_eq!(lines, whole_lines, "tokenizer lines, chunked vs whole");
        assert_eq!(end, whole_end, "tokenizer end, chunked vs whole");
        return;
    }
    let config = if selector & 4 == 0 {
        Config::new().comments(true)
    } else {
        Config::new().strict_utf8(true).at_eof(AtEof::Dispatch)
    };
    let Some(whole) = run_layer(layer, stream, Cuts::Whole, config) else {
        return;
    };
    let Some(got) = run_layer(layer, stream, cuts, config) else {
        return;
    };
    assert_eq!(
        got.trace, whole.trace,
        "{layer:?} {config:?}, chunked vs whole"
    );
}

/// Every layer, comments on, against the reference model: events, retries,
/// comments, last event ID and how the stream ended (with the count of bytes
/// discarded at the end from an independent scan). (Comments off is the same
/// minus the comments: checked by `layers`.)
pub fn differential(input: &[u8]) {
    let model = reference::parse(input);
    let end = expected_end(input, model.end);
    let config = Config::new().comments(true);
    for layer in LAYERS {
        let Some(run) = run_layer(layer, input, Cuts::Whole, config) else {
            continue;
        };
        assert_model(&run.trace, &model, true, format_args!("{layer:?}"));
        assert_eq!(run.trace.end, end, "{layer:?}: end");
    }
}

/// Small limits, both policies, the `Decoder` and one kind of lent storage:
/// - both give the same trace, error for error, at the same offsets;
/// - the limit is the one configured, and never exceeded by the bytes retained
///   or by an event handed out;
/// - the stream is cut into blocks at its blank lines; each block gives what
///   the model gives for that block alone (run with the last event ID the
///   parser had when the block began), or a prefix of its retries and
///   comments, no event, and then the limit error. A dropped block leaves the
///   last event ID as it was (SkipEvent: recovery at the next block); with
///   `Stop` nothing follows the error;
/// - a block that cannot reach the limit (its bytes plus the longest earlier
///   line, which bounds the ID carried in, fit) is never dropped;
/// - without an error the result is the unlimited one.
pub fn limits(input: &[u8]) {
    let [limit, flags, rest @ ..] = input else {
        return;
    };
    let (_, lens, stream) = schedule(rest);
    let cuts = Cuts::Cycle(lens);
    let limit = if flags & 4 != 0 {
        usize::from(*limit) * 16
    } else {
        usize::from(*limit)
    };
    let skip = flags & 1 != 0;
    let comments = flags & 2 != 0;
    let policy = if skip {
        OnLimit::SkipEvent
    } else {
        OnLimit::Stop
    };
    let config = Config::new().on_limit(policy).comments(comments);
    let limited = config.max_event_bytes(limit);

    let mut decoder = Decoder::with_config(limited);
    assert_eq!(decoder.limit(), limit);
    let run = run_parser(&mut decoder, stream, cuts);
    let lent = match (flags >> 3) & 3 {
        // Lent storage of exactly the limit, default settings otherwise.
        0 | 3 => {
            let mut storage = vec![0u8; limit];
            let mut parser = Assembler::with_config(&mut storage, config);
            assert_eq!(parser.limit(), limit);
            run_parser(&mut parser, stream, cuts)
        }
        // More lent storage than the limit.
        1 => {
            let mut storage = vec![0u8; limit + usize::from(flags >> 5) * 8 + 1];
            let mut parser = Assembler::with_config(&mut storage, limited);
            assert_eq!(parser.limit(), limit);
            run_parser(&mut parser, stream, cuts)
        }
        _ => {
            let mut parser = Parser::<Slab<[u8; 4096]>>::array(limited);
            assert_eq!(parser.limit(), limit);
            run_parser(&mut parser, stream, cuts)
        }
    };
    assert_eq!(lent.trace, run.trace, "lent storage vs Decoder");
    assert_eq!(lent.offsets, run.offsets, "lent storage vs Decoder");
    for item in &run.trace.items {
        if let Item::Event {
            event_type,
            data,
            id,
        } = item
        {
            let own_type = if event_type == b"message" {
                0
            } else {
                event_type.len()
            };
            assert!(
                data.len() + own_type + id.len() <= limit,
                "an event larger than the limit came out"
            );
        }
        if let Item::Comment(text) = item {
            assert!(text.len() <= limit.min(MAX_COMMENT));
        }
    }

    let failed = run.trace.items.iter().any(|i| matches!(i, Item::Error(_)));
    if !failed {
        let unlimited = run_parser(&mut Decoder::with_config(config), stream, cuts);
        assert_eq!(run.trace.items.len(), unlimited.trace.items.len());
        for (got, want) in run.trace.items.iter().zip(&unlimited.trace.items) {
            match (got, want) {
                (Item::Comment(got), Item::Comment(want)) => assert!(want.starts_with(got)),
                _ => assert_eq!(got, want, "no limit error, yet not the unlimited result"),
            }
        }
        assert_eq!(run.trace.end, unlimited.trace.end);
        assert_eq!(run.trace.last_event_id, unlimited.trace.last_event_id);
        assert_eq!(
            run.trace.reconnection_time,
            unlimited.trace.reconnection_time
        );
    }

    // Block by block against the model.
    let mut seed = String::new();
    let mut longest_line = 0;
    let mut next = 0; // index into the items
    let mut stopped = false;
    for (start, end) in blocks(stream) {
        let block = stream.get(start..end).unwrap_or_default();
        let mut items = Vec::new();
        while let Some(&offset) = run.offsets.get(next) {
            if offset > end {
                break;
            }
            assert!(
                offset > start,
                "an item at offset {offset} before its block"
            );
            items.push(&run.trace.items[next]);
            next += 1;
        }
        if stopped {
            assert!(
                items.is_empty(),
                "items after a limit error with OnLimit::Stop"
            );
            continue;
        }
        let model = if start == 0 {
            reference::parse_with_id(block, &seed)
        } else {
            // The LF keeps a BOM at the start of the block from being stripped.
            reference::parse_with_id(&[b"\n", block].concat(), &seed)
        };
        let error = match items.last() {
            Some(Item::Error(error)) => Some(*error),
            _ => None,
        };
        let got = match error {
            Some(_) => &items[..items.len() - 1],
            None => &items[..],
        };
        let (events, retries, got_comments) =
            split(got.iter().copied(), format_args!("two errors in one block"));
        assert!(got_comments.len() <= model.comments.len(), "comments");
        for (got, want) in got_comments.iter().zip(&model.comments) {
            assert!(comment_prefix(got, want), "a comment not in the model");
        }
        assert!(
            comments || got_comments.is_empty(),
            "a comment with comments off"
        );
        if error.is_none() {
            assert_eq!(events, model.events, "events of block {start}..{end}");
            assert_eq!(retries, model.retries, "retries of block {start}..{end}");
            if comments {
                assert_eq!(got_comments.len(), model.comments.len(), "comments");
            }
            seed = model.last_event_id;
        } else {
            assert!(
                events.is_empty(),
                "an event from a block that hit the limit"
            );
            assert!(
                model.retries.starts_with(&retries),
                "retries before the error"
            );
            assert!(
                longest_line + block.len() > limit,
                "block {start}..{end} cannot need more than {} bytes, yet hit limit {limit}",
                longest_line + block.len()
            );
            stopped = !skip;
        }
        longest_line = longest_line.max(longest(block));
    }
    assert_eq!(next, run.offsets.len(), "items past the end of the stream");
    assert_eq!(
        String::from_utf8_lossy(&run.trace.last_event_id),
        seed,
        "last event ID after the stream"
    );
    let last_retry = run.trace.items.iter().rev().find_map(|i| match i {
        Item::Retry(ms) => Some(*ms),
        _ => None,
    });
    assert_eq!(run.trace.reconnection_time, last_retry);
    if !stopped {
        let model = reference::parse(stream);
        assert_eq!(run.trace.end, expected_end(stream, model.end), "end");
    }
}

/// Text modes: bytes (the default) with lossy and checked accessors, and
/// strict UTF-8, agree with each other and with the model: strict mode gives
/// exactly the events whose type, data and ID are UTF-8, and the error naming
/// the first bad field for the others. Also one BOM is stripped however it is
/// cut, and only one.
pub fn text(input: &[u8]) {
    let model = reference::parse(input);
    let config = Config::new().comments(true);
    let bytes = run_parser(&mut Decoder::with_config(config), input, Cuts::Whole).trace;
    assert_model(&bytes, &model, true, format_args!("bytes mode"));
    let mut strict_items = Vec::new();
    for item in &bytes.items {
        let Item::Event {
            event_type,
            data,
            id,
        } = item
        else {
            strict_items.push(item.clone());
            continue;
        };
        let event = Event::new(event_type, data, id);
        let mut lossy = String::new();
        Event::write_lossy(&mut lossy, event.data()).expect("a String");
        assert_eq!(lossy, event.data_lossy(), "write_lossy vs data_lossy");
        let fields = [
            (Field::Event, event_type),
            (Field::Data, data),
            (Field::Id, id),
        ];
        let bad = fields.iter().find_map(|(field, bytes)| {
            core::str::from_utf8(bytes)
                .err()
                .map(|e| Error::InvalidUtf8 {
                    field: *field,
                    valid_up_to: e.valid_up_to(),
                })
        });
        assert_eq!(
            event.event_type_str().is_ok() && event.data_str().is_ok() && event.id_str().is_ok(),
            bad.is_none()
        );
        strict_items.push(match bad {
            Some(error) => Item::Error(error),
            None => item.clone(),
        });
    }
    let strict = Trace {
        items: strict_items,
        ..bytes.clone()
    };
    let strict_config = config.strict_utf8(true);
    for layer in [Layer::Assembler, Layer::Decoder] {
        if let Some(run) = run_layer(layer, input, Cuts::Whole, strict_config) {
            assert_eq!(run.trace, strict, "{layer:?} strict vs bytes mode");
        }
    }

    // A BOM in front, fed a byte at a time between empty feeds, is stripped;
    // a BOM already there then stays part of the stream.
    let with_bom = [BOM, input].concat();
    let cuts = Cuts::Lead(&[0, 1, 0, 1, 0, 1, 0]);
    let got = run_parser(&mut Decoder::with_config(config), &with_bom, cuts).trace;
    if input.starts_with(BOM) {
        assert_model(
            &got,
            &reference::parse(&with_bom),
            true,
            format_args!("two BOMs"),
        );
    } else {
        let want = Trace {
            consumed: with_bom.len(),
            ..bytes
        };
        assert_eq!(got, want, "a BOM in front");
    }
}

/// Every layer agrees with every other: the tokenizer (events assembled by this
/// file), lent storage, an owned array and the `Decoder`, with comments on; the
/// tokenizer and the `Decoder` with comments off too. With `AtEof::Dispatch` each parser gives what the stream gives with
/// a line end and a blank line added, which is what the model gives there, and
/// reports the end as incomplete with nothing discarded.
pub fn layers(input: &[u8]) {
    let base = run_layer(
        Layer::Decoder,
        input,
        Cuts::Whole,
        Config::new().comments(true),
    )
    .expect("the Decoder always runs");
    let without_comments = Trace {
        items: base
            .trace
            .items
            .iter()
            .filter(|i| !matches!(i, Item::Comment(_)))
            .cloned()
            .collect(),
        ..base.trace.clone()
    };
    for layer in LAYERS {
        for (comments, want) in [(true, &base.trace), (false, &without_comments)] {
            // Decoder with comments is `base`. With comments off no comment
            // reaches the parser, so one parser layer is enough there.
            if (layer == Layer::Decoder && comments)
                || (!comments && matches!(layer, Layer::Assembler | Layer::Array))
            {
                continue;
            }
            let config = Config::new().comments(comments);
            if let Some(run) = run_layer(layer, input, Cuts::Whole, config) {
                assert_eq!(&run.trace, want, "{layer:?}, comments {comments}");
            }
        }
    }

    let with_end = [input, b"\r\r"].concat();
    let flushed = run_layer(
        Layer::Decoder,
        &with_end,
        Cuts::Whole,
        Config::new().comments(true),
    )
    .expect("the Decoder always runs")
    .trace;
    assert_model(
        &flushed,
        &reference::parse(&with_end),
        true,
        format_args!("Decoder, with CR CR"),
    );
    let end = match base.trace.end {
        End::Clean => End::Clean,
        End::Incomplete { .. } => End::Incomplete { discarded: 0 },
    };
    let config = Config::new().comments(true).at_eof(AtEof::Dispatch);
    for layer in [Layer::Assembler, Layer::Decoder] {
        if let Some(run) = run_layer(layer, input, Cuts::Whole, config) {
            assert_eq!(run.trace.items, flushed.items, "{layer:?} AtEof::Dispatch");
            assert_eq!(
                run.trace.last_event_id, flushed.last_event_id,
                "{layer:?} AtEof::Dispatch"
            );
            assert_eq!(
                run.trace.reconnection_time, flushed.reconnection_time,
                "{layer:?} AtEof::Dispatch"
            );
            assert_eq!(run.trace.end, end, "{layer:?} AtEof::Dispatch end");
        }
    }
}

// ---------------------------------------------------------------------------
// Running the layers.

/// How to cut the input into chunks. After the last chunk every run also feeds
/// an empty chunk (which is not the end of the stream).
#[derive(Clone, Copy, Debug)]
pub enum Cuts<'a> {
    /// One chunk.
    Whole,
    /// These chunk lengths in turn, over and over; 0 is an empty chunk. No
    /// lengths, or only zeros: one byte at a time (between the empty chunks).
    Cycle(&'a [u8]),
    /// These chunk lengths once, then the rest in one chunk.
    Lead(&'a [u8]),
}

/// The `(start, end)` of each chunk.
pub fn chunk_bounds(len: usize, cuts: Cuts<'_>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    match cuts {
        Cuts::Whole => out.push((0, len)),
        Cuts::Cycle(lens) => {
            let mut zeros = 0;
            let mut i = 0;
            while start < len {
                let mut size = usize::from(lens.get(i % lens.len().max(1)).copied().unwrap_or(1));
                i += 1;
                if size == 0 {
                    zeros += 1;
                    if zeros > lens.len() {
                        size = 1;
                        zeros = 0;
                    }
                } else {
                    zeros = 0;
                }
                let end = (start + size).min(len);
                out.push((start, end));
                start = end;
            }
        }
        Cuts::Lead(lens) => {
            for &l in lens {
                let end = (start + usize::from(l)).min(len);
                out.push((start, end));
                start = end;
            }
            out.push((start, len));
        }
    }
    out.push((len, len));
    out
}

/// Splits `[n] [len; n % 16] stream` into `n / 16`, the lengths and the stream.
pub fn schedule(input: &[u8]) -> (u8, &[u8], &[u8]) {
    match input.split_first() {
        Some((&n, rest)) => {
            let (lens, stream) = rest.split_at(usize::from(n % 16).min(rest.len()));
            (n / 16, lens, stream)
        }
        None => (0, &[], &[]),
    }
}

/// Something a parser handed out, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `event_type` as `Event::event_type` gives it (`message` by default).
    Event {
        event_type: Vec<u8>,
        data: Vec<u8>,
        id: Vec<u8>,
    },
    Retry(u64),
    Comment(Vec<u8>),
    Error(Error),
}

/// All a run produced, to compare runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    pub items: Vec<Item>,
    pub end: End,
    /// `last_event_id()` after `finish`.
    pub last_event_id: Vec<u8>,
    /// `reconnection_time()` after `finish`.
    pub reconnection_time: Option<u64>,
    /// Bytes consumed by `feed`, all calls together.
    pub consumed: usize,
}

/// A trace plus where in the stream each item came out (the consumed count
/// after the call that returned it), which depends on the chunking.
#[derive(Clone, Debug)]
pub struct Run {
    pub trace: Trace,
    pub offsets: Vec<usize>,
}

/// The layers, for the checks that run them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// Tokens assembled into events by [`assemble`].
    Tokenizer,
    /// Lent storage big enough for the stream.
    Assembler,
    /// `Parser::array` with `ARRAY` bytes (skipped for streams that might not fit).
    Array,
    Decoder,
}

pub const LAYERS: [Layer; 4] = [
    Layer::Tokenizer,
    Layer::Assembler,
    Layer::Array,
    Layer::Decoder,
];

/// Runs `input` through `layer`; `None` when the layer does not apply. The
/// tokenizer takes only the comment setting from `config`.
pub fn run_layer(layer: Layer, input: &[u8], cuts: Cuts<'_>, config: Config) -> Option<Run> {
    Some(match layer {
        Layer::Tokenizer => {
            let comments = config.comments(true) == config;
            let (lines, end) = run_tokenizer(input, cuts, comments);
            Run {
                trace: assemble(&lines, end, input.len()),
                offsets: Vec::new(),
            }
        }
        Layer::Assembler => {
            let mut storage = vec![0u8; input.len() + SPARE];
            run_parser(
                &mut Assembler::with_config(&mut storage, config),
                input,
                cuts,
            )
        }
        Layer::Array => {
            if input.len() + SPARE > ARRAY {
                return None;
            }
            run_parser(&mut Parser::<Slab<[u8; ARRAY]>>::array(config), input, cuts)
        }
        Layer::Decoder => run_parser(&mut Decoder::with_config(config), input, cuts),
    })
}

/// Whether the parser stops at a limit error (`OnLimit::Stop`).
fn stops(config: &Config) -> bool {
    config.on_limit(OnLimit::Stop) == *config
}

fn item_of(step: Step<'_>) -> Option<Item> {
    Some(match step {
        Step::Event(event) => Item::Event {
            event_type: event.event_type().to_vec(),
            data: event.data().to_vec(),
            id: event.id().to_vec(),
        },
        Step::Retry(ms) => Item::Retry(ms),
        Step::Comment(text) => Item::Comment(text.to_vec()),
        Step::NeedInput => return None,
        Step::End(end) => panic!("End({end:?}) from feed"),
    })
}

/// Feeds `input` cut at `cuts`, then finishes, checking the calling contract
/// on every call:
/// - `consumed <= input`; `NeedInput` only once the chunk is used up;
/// - every other result consumed something, except the repeated error of a
///   stopped parser, which consumes nothing, on every later call;
/// - a limit error names `limit()` and needs more than it; `retained_bytes()`
///   never exceeds `limit()`; `Retry` updates `reconnection_time()`;
/// - the consumed counts add up to the input (unless stopped);
/// - `finish` returns `End` within four calls, and leaves a fresh parser that
///   retains only the last event ID and finishes `Clean` at once.
pub fn run_parser<S: Storage>(parser: &mut Parser<S>, input: &[u8], cuts: Cuts<'_>) -> Run {
    let limit = parser.limit();
    let stops = stops(parser.config());
    let mut items = Vec::new();
    let mut offsets = Vec::new();
    let mut stopped: Option<Error> = None;
    let mut consumed = 0;
    for (start, end) in chunk_bounds(input.len(), cuts) {
        let mut pos = start;
        loop {
            let rest = &input[pos..end];
            let (step, used) = parser.feed(rest);
            assert!(used <= rest.len(), "consumed {used} of {}", rest.len());
            let result = step.map(item_of);
            if let Some(error) = stopped {
                assert_eq!(result, Err(error), "a stopped parser");
                assert_eq!(used, 0, "a stopped parser consumed input");
                break;
            }
            pos += used;
            consumed += used;
            assert!(parser.retained_bytes() <= limit, "retained above the limit");
            match result {
                Ok(None) => {
                    assert_eq!(pos, end, "NeedInput with input left");
                    break;
                }
                Ok(Some(item)) => {
                    assert!(used > 0, "{item:?} consumed nothing");
                    if let Item::Retry(ms) = item {
                        assert_eq!(parser.reconnection_time(), Some(ms));
                    }
                    items.push(item);
                    offsets.push(consumed);
                }
                Err(error) => {
                    assert!(used > 0, "{error:?} consumed nothing");
                    if let Error::LimitExceeded { limit: l, needed } = error {
                        assert_eq!(l, limit, "the error names another limit");
                        assert!(needed > limit, "{needed} bytes fit in {limit}");
                        if stops {
                            stopped = Some(error);
                        }
                    }
                    items.push(Item::Error(error));
                    offsets.push(consumed);
                }
            }
        }
    }
    if stopped.is_none() {
        assert_eq!(consumed, input.len(), "consumed counts do not add up");
    }
    let mut calls = 0;
    let end = loop {
        calls += 1;
        assert!(calls <= 4, "finish does not end");
        match parser.finish().map(|step| match step {
            Step::End(end) => Ok(end),
            other => Err(item_of(other)),
        }) {
            Ok(Ok(end)) => break end,
            Ok(Err(item)) => items.push(item.expect("finish returned NeedInput")),
            Err(error) => items.push(Item::Error(error)),
        }
        offsets.push(consumed);
        assert!(parser.retained_bytes() <= limit, "retained above the limit");
    };
    let last_event_id = parser.last_event_id().to_vec();
    assert_eq!(
        parser.retained_bytes(),
        last_event_id.len(),
        "after finish only the last event ID is retained"
    );
    let reconnection_time = parser.reconnection_time();
    if let Some(ms) = items.iter().rev().find_map(|i| match i {
        Item::Retry(ms) => Some(*ms),
        _ => None,
    }) {
        assert_eq!(reconnection_time, Some(ms));
    }
    assert!(
        matches!(parser.finish(), Ok(Step::End(End::Clean))),
        "finish after finish"
    );
    Run {
        trace: Trace {
            items,
            end,
            last_event_id,
            reconnection_time,
            consumed,
        },
        offsets,
    }
}

/// One line as the tokenizer reported it, its value pieces joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Value(Field, Vec<u8>),
    IgnoredId,
    Retry(u64),
    Blank,
}

/// Feeds the tokenizer, checking its contract: progress on every non-empty
/// input, `NeedInput` only at the end of a chunk, `Partial` pieces non-empty and
/// of one field, `whole` exactly when no piece came first, no NUL in an ID
/// value, comments only when asked for, `finish` equal to `end_status` and
/// resetting.
pub fn run_tokenizer(input: &[u8], cuts: Cuts<'_>, comments: bool) -> (Vec<Line>, End) {
    let mut tokenizer = Tokenizer::new().with_comments(comments);
    let mut lines = Vec::new();
    let mut pending: Option<(Field, Vec<u8>)> = None;
    let mut consumed = 0;
    for (start, end) in chunk_bounds(input.len(), cuts) {
        let mut pos = start;
        loop {
            let rest = &input[pos..end];
            let (token, used) = tokenizer.feed(rest);
            assert!(used <= rest.len(), "consumed {used} of {}", rest.len());
            if rest.is_empty() {
                assert_eq!(token, Token::NeedInput);
            } else {
                assert!(used > 0, "{token:?} consumed nothing");
            }
            pos += used;
            consumed += used;
            match token {
                Token::NeedInput => {
                    assert_eq!(pos, end, "NeedInput with input left");
                    break;
                }
                Token::Partial { field, bytes } => {
                    assert!(!bytes.is_empty(), "an empty Partial");
                    assert!(comments || field != Field::Comment);
                    match &mut pending {
                        Some((f, value)) => {
                            assert_eq!(*f, field, "Partial pieces of two fields");
                            value.extend_from_slice(bytes);
                        }
                        None => pending = Some((field, bytes.to_vec())),
                    }
                }
                Token::End {
                    field,
                    bytes,
                    whole,
                } => {
                    assert!(comments || field != Field::Comment);
                    let value = match pending.take() {
                        Some((f, mut value)) => {
                            assert_eq!(f, field, "End of another field than its pieces");
                            assert!(!whole, "whole after Partial pieces");
                            value.extend_from_slice(bytes);
                            value
                        }
                        None => {
                            assert!(whole, "not whole without Partial pieces");
                            bytes.to_vec()
                        }
                    };
                    assert!(field != Field::Id || !value.contains(&0), "an ID with NUL");
                    lines.push(Line::Value(field, value));
                }
                Token::IgnoredId => {
                    if let Some((f, _)) = pending.take() {
                        assert_eq!(f, Field::Id, "IgnoredId after pieces of {f:?}");
                    }
                    lines.push(Line::IgnoredId);
                }
                Token::Retry(ms) => {
                    assert!(pending.is_none(), "Retry inside a value");
                    lines.push(Line::Retry(ms));
                }
                Token::BlankLine => {
                    assert!(pending.is_none(), "BlankLine inside a value");
                    lines.push(Line::Blank);
                }
            }
            if pending.is_some() {
                assert!(tokenizer.is_mid_line(), "a value pending, not mid-line");
            }
        }
    }
    assert_eq!(consumed, input.len(), "consumed counts do not add up");
    let status = tokenizer.end_status();
    let end = tokenizer.finish();
    assert_eq!(end, status, "finish vs end_status");
    assert_eq!(tokenizer.finish(), End::Clean, "finish resets");
    (lines, end)
}

/// The spec's interpretation of tokenizer lines, written independently of the
/// parser, with plain `Vec`s; comments cut as the parser cuts them.
pub fn assemble(lines: &[Line], end: End, consumed: usize) -> Trace {
    let mut items = Vec::new();
    let (mut data, mut event_type, mut id, mut committed) = (vec![], vec![], vec![], vec![]);
    let mut has_data = false;
    let mut reconnection_time = None;
    for line in lines {
        match line {
            Line::Value(Field::Data, value) => {
                if has_data {
                    data.push(b'\n');
                }
                data.extend_from_slice(value);
                has_data = true;
            }
            Line::Value(Field::Event, value) => event_type.clone_from(value),
            Line::Value(Field::Id, value) => id.clone_from(value),
            Line::Value(Field::Comment, value) => {
                items.push(Item::Comment(
                    value[..value.len().min(MAX_COMMENT)].to_vec(),
                ));
            }
            Line::IgnoredId => {}
            Line::Retry(ms) => {
                items.push(Item::Retry(*ms));
                reconnection_time = Some(*ms);
            }
            Line::Blank => {
                committed.clone_from(&id);
                if has_data {
                    let event = Event::new(&event_type, &data, &id);
                    items.push(Item::Event {
                        event_type: event.event_type().to_vec(),
                        data: data.clone(),
                        id: id.clone(),
                    });
                }
                data.clear();
                event_type.clear();
                has_data = false;
            }
        }
    }
    Trace {
        items,
        end,
        last_event_id: committed,
        reconnection_time,
        consumed,
    }
}

// ---------------------------------------------------------------------------
// Oracles.

fn ev(event_type: &[u8], data: &[u8], id: &[u8]) -> Ev {
    Ev {
        event_type: String::from_utf8_lossy(event_type).into_owned(),
        data: String::from_utf8_lossy(data).into_owned(),
        id: String::from_utf8_lossy(id).into_owned(),
    }
}

/// Whether `got` is what the parser may hand out for the model's comment
/// `want`: all of it, or the first bytes of it (cut by a cap).
fn comment_prefix(got: &[u8], want: &str) -> bool {
    let got = String::from_utf8_lossy(got);
    // A cut inside a UTF-8 sequence shows as one U+FFFD at the end.
    let got = got.strip_suffix('\u{FFFD}').unwrap_or(&got);
    want.starts_with(got)
}

/// The events, retries and comments of items that hold no error (an error
/// panics, with `what`).
fn split<'t>(
    items: impl IntoIterator<Item = &'t Item>,
    what: fmt::Arguments<'_>,
) -> (Vec<Ev>, Vec<u64>, Vec<&'t Vec<u8>>) {
    let (mut events, mut retries, mut comments) = (Vec::new(), Vec::new(), Vec::new());
    for item in items {
        match item {
            Item::Event {
                event_type,
                data,
                id,
            } => events.push(ev(event_type, data, id)),
            Item::Retry(ms) => retries.push(*ms),
            Item::Comment(text) => comments.push(text),
            Item::Error(error) => panic!("{what}: unexpected {error:?}"),
        }
    }
    (events, retries, comments)
}

/// Asserts that a trace (no limits, comments cut only at `MAX_COMMENT`) is
/// what the model says.
pub fn assert_model(trace: &Trace, model: &Outcome, comments: bool, what: fmt::Arguments<'_>) {
    let (events, retries, got_comments) = split(&trace.items, what);
    assert_eq!(events, model.events, "{what}: events");
    assert_eq!(retries, model.retries, "{what}: retries");
    if comments {
        assert_eq!(got_comments.len(), model.comments.len(), "{what}: comments");
        for (got, want) in got_comments.iter().zip(&model.comments) {
            if got.len() < MAX_COMMENT {
                assert_eq!(String::from_utf8_lossy(got), *want, "{what}: comment");
            } else {
                assert!(comment_prefix(got, want), "{what}: long comment");
            }
        }
    } else {
        assert!(got_comments.is_empty(), "{what}: comments when off");
    }
    assert_eq!(
        String::from_utf8_lossy(&trace.last_event_id),
        model.last_event_id,
        "{what}: last event ID"
    );
    let clean = matches!(trace.end, End::Clean);
    assert_eq!(clean, model.end == EndKind::Clean, "{what}: end");
}

/// Where the body starts: after one leading BOM.
fn body_start(input: &[u8]) -> usize {
    if input.starts_with(BOM) {
        BOM.len()
    } else {
        0
    }
}

/// The lines of `input[from..]`: `(start, end of line, end of terminator)`;
/// an unterminated last line has both ends at the input's end.
fn lines_from(input: &[u8], from: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut start = from;
    core::iter::from_fn(move || {
        if start >= input.len() {
            return None;
        }
        let line = start;
        let rest = &input[start..];
        let (end, next) = match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
            Some(i) => {
                let end = start + i;
                let crlf = input[end] == b'\r' && input.get(end + 1) == Some(&b'\n');
                (end, end + 1 + usize::from(crlf))
            }
            None => (input.len(), input.len()),
        };
        start = next;
        Some((line, end, next))
    })
}

/// The stream cut after each blank line: `(start, end)` of each block, the
/// first from 0 (with its BOM), the last possibly without a blank line.
pub fn blocks(input: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (line, end, next) in lines_from(input, body_start(input)) {
        if line == end && end < input.len() {
            out.push((start, next));
            start = next;
        }
    }
    if start < input.len() {
        out.push((start, input.len()));
    }
    out
}

/// The length of the longest line (terminator excluded) in `bytes`.
fn longest(bytes: &[u8]) -> usize {
    lines_from(bytes, 0)
        .map(|(start, end, _)| end - start)
        .max()
        .unwrap_or(0)
}

/// How the stream ends, from the model's end kind and the bytes after the
/// last blank line (after the BOM), counted here by a scan of the input.
pub fn expected_end(input: &[u8], kind: EndKind) -> End {
    match kind {
        EndKind::Clean => End::Clean,
        EndKind::Incomplete => {
            // Incomplete: the last block has no blank line; it starts after
            // the last one (or at the start of the body).
            let after_blank = blocks(input)
                .last()
                .map_or(0, |&(start, _)| start)
                .max(body_start(input));
            End::Incomplete {
                discarded: (input.len() - after_blank) as u64,
            }
        }
    }
}
