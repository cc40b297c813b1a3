//! The checks behind the fuzz targets, shared by `fuzz/fuzz_targets/*.rs` and by
//! `tests/fuzz_replay.rs` (which runs the seed corpus and every regression input
//! through them on stable). No libFuzzer here: a check is a plain function that
//! panics when an invariant breaks.
//!
//! Every check compares with an oracle: the reference model
//! ([`crate::reference`], a plain transcription of the spec), the same parser
//! fed differently, or another layer.
//!
//! Input formats (the first bytes steer the targets that need choices):
//!
//! - `one_shot`, `differential`, `text`, `layers`: the whole input is the stream.
//! - `chunked`: `[n] [len; n % 16] stream`; the lengths are chunk sizes used in
//!   turn, over and over (0 is an empty chunk); no lengths: byte by byte.
//!   `n / 16` picks the layer (bits 0-1: tokenizer, lent, array, growable;
//!   bit 3: the growable one through `feed_all`) and the settings (bit 2:
//!   comments, or strict UTF-8 with `dispatch_pending`; comments off for the
//!   tokenizer).
//! - `limits`: `[limit] [flags] [n] [len; n % 16] stream`; `flags` bit 0:
//!   `OnLimit::SkipEvent` (else `Stop`), bit 1: comments, bit 2: the limit is
//!   `16 * limit`, bits 3-4: the fixed storage beside the growable one (0 and
//!   3: lent, exactly the limit; 1: lent, more, by `8 * (flags >> 5) + 1`
//!   bytes, with the limit set in `Config`; 2: an owned array). `n / 16` bit
//!   0: the ID limit is half the event limit (else the default).
#![cfg(feature = "alloc")]
//!
//! Cost: every check is linear in the input (one pass per layer and per
//! chunking), so a fuzz run stays fast.

use core::fmt;

use ssewire::{Config, Error, Event, Field, OnLimit, Parser, StreamEnd};

use crate::drive::{
    assemble, run_fast_and_slow, run_layer, run_parser, run_parser_all, run_tokenizer,
    run_tokenizer_with, schedule, AtEof, Cuts, Item, Layer, Trace, LAYERS, MAX_COMMENT,
};
use crate::reference::{self, EndKind, Ev, Outcome};

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

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Spare lent storage beyond the input length.
const SPARE: usize = crate::drive::SPARE;

// ---------------------------------------------------------------------------
// The six targets.

/// Everything in one `feed`, then `finish`: every call makes progress, the
/// consumed counts add up to the input length, and the tokenizer (with events
/// assembled by the driver), lent storage, a growable `Vec` and `feed_all`
/// agree. A parser reused after `finish` (with its ID cleared) gives the same
/// result again.
pub fn one_shot(input: &[u8]) {
    let config = Config::new().comments(true);
    let mut growable = Parser::with_config(Vec::new(), config);
    let first = run_parser(&mut growable, input, Cuts::Whole, AtEof::Discard);
    let mut storage = vec![0u8; input.len() + SPARE];
    let lent = run_parser(
        &mut Parser::with_config(&mut storage[..], config),
        input,
        Cuts::Whole,
        AtEof::Discard,
    );
    assert_eq!(lent.trace, first.trace, "lent vs growable");
    let all = run_parser_all(
        &mut Parser::with_config(Vec::new(), config),
        input,
        Cuts::Whole,
        AtEof::Discard,
    );
    assert_eq!(all, first.trace, "feed_all vs feed");
    let (lines, end) = run_tokenizer(input, Cuts::Whole, true);
    assert_eq!(
        assemble(&lines, end, input.len()),
        first.trace,
        "tokenizer vs growable"
    );
    growable.reset_with_last_event_id(b"").expect("no limit");
    let again = run_parser(&mut growable, input, Cuts::Whole, AtEof::Discard);
    assert_eq!(again.trace, first.trace, "a reused parser");
}

/// A chunk schedule and a layer from the first byte (see the module docs):
/// the layer gives exactly what it gives on the stream in one piece (line by
/// line for the tokenizer).
pub fn chunked(input: &[u8]) {
    let (selector, lens, stream) = schedule(input);
    let cuts = Cuts::Cycle(lens);
    let layer = match (selector & 3, selector & 8 != 0) {
        (0, _) => Layer::Tokenizer,
        (1, _) => Layer::Lent,
        (2, _) => Layer::Array,
        (_, false) => Layer::Growable,
        (_, true) => Layer::GrowableAll,
    };
    if layer == Layer::Tokenizer {
        let comments = selector & 4 == 0;
        let (whole_lines, whole_end) = run_tokenizer(stream, Cuts::Whole, comments);
        let (lines, end) = run_tokenizer(stream, cuts, comments);
        assert_eq!(lines, whole_lines, "tokenizer lines, chunked vs whole");
        assert_eq!(end, whole_end, "tokenizer end, chunked vs whole");
        let slow = run_tokenizer_with(stream, cuts, comments, false);
        assert_eq!(slow, (lines, end), "tokenizer, fast vs slow paths");
        return;
    }
    let (config, at_eof) = if selector & 4 == 0 {
        (Config::new().comments(true), AtEof::Discard)
    } else {
        (Config::new().strict_utf8(true), AtEof::Dispatch)
    };
    let Some(whole) = run_layer(layer, stream, Cuts::Whole, config, at_eof) else {
        return;
    };
    let Some(got) = run_layer(layer, stream, cuts, config, at_eof) else {
        return;
    };
    assert_eq!(
        got.trace, whole.trace,
        "{layer:?} {config:?}, chunked vs whole"
    );
    // The fast paths leave the parser as the slow path does, chunk by chunk.
    let all = layer == Layer::GrowableAll;
    run_fast_and_slow(stream, cuts, config, all, at_eof);
}

/// Every layer, comments on, against the reference model: events, retries,
/// comments, last event ID and how the stream ended (with the count of bytes
/// discarded at the end from an independent scan). (Comments off is the same
/// minus the comments: checked by `layers`.)
pub fn differential(input: &[u8]) {
    let model = reference::parse(input);
    let end = expected_end(input, model.end);
    let config = Config::new().comments(true);
    for &layer in LAYERS {
        let Some(run) = run_layer(layer, input, Cuts::Whole, config, AtEof::Discard) else {
            continue;
        };
        assert_model(&run.trace, &model, true, format_args!("{layer:?}"));
        assert_eq!(run.trace.end, end, "{layer:?}: end");
    }
}

/// Small limits, both policies, a growable and one kind of fixed storage:
/// - both give the same trace, error for error, at the same offsets, and
///   `feed_all` the same items;
/// - the limit is the one configured, and never exceeded by the bytes retained
///   or by an event handed out; a comment shorter than the model's says it
///   was truncated;
/// - the stream is cut into blocks at its blank lines; each block gives what
///   the model gives for that block alone (run with the last event ID the
///   parser had when the block began), or no event and one limit error, with
///   the model's retries (all of them with `SkipEvent`: they belong to no
///   event; those before the error with `Stop`). A dropped block leaves the
///   last event ID as it was (`SkipEvent`: recovery at the next block); with
///   `Stop` nothing follows the error;
/// - a block that cannot reach the event limit (its bytes plus the longest
///   earlier line, which bounds the ID carried in, fit) is never dropped for
///   it, nor for the ID limit unless it has a line that long;
/// - without an error the result is the unlimited one.
pub fn limits(input: &[u8]) {
    let [limit, flags, rest @ ..] = input else {
        return;
    };
    let (selector, lens, stream) = schedule(rest);
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
    let max_id = if selector & 1 != 0 {
        limit / 2
    } else {
        Config::DEFAULT_MAX_ID_BYTES
    };
    let config = Config::new()
        .on_limit(policy)
        .comments(comments)
        .max_id_bytes(max_id);
    let limited = config.max_event_bytes(limit);

    let mut growable = Parser::with_config(Vec::new(), limited);
    assert_eq!(growable.limit(), limit);
    let run = run_parser(&mut growable, stream, cuts, AtEof::Discard);
    let all = run_parser_all(
        &mut Parser::with_config(Vec::new(), limited),
        stream,
        cuts,
        AtEof::Discard,
    );
    assert_eq!(all, run.trace, "feed_all vs feed");
    for all in [false, true] {
        run_fast_and_slow(stream, cuts, limited, all, AtEof::Discard);
    }
    let fixed = match (flags >> 3) & 3 {
        // Lent storage of exactly the limit, default settings otherwise.
        0 | 3 => {
            let mut storage = vec![0u8; limit];
            let mut parser = Parser::with_config(&mut storage[..], config);
            assert_eq!(parser.limit(), limit);
            run_parser(&mut parser, stream, cuts, AtEof::Discard)
        }
        // More lent storage than the limit.
        1 => {
            let mut storage = vec![0u8; limit + usize::from(flags >> 5) * 8 + 1];
            let mut parser = Parser::with_config(&mut storage[..], limited);
            assert_eq!(parser.limit(), limit);
            run_parser(&mut parser, stream, cuts, AtEof::Discard)
        }
        _ => {
            let mut parser = Box::new(Parser::with_config([0u8; 4096], limited));
            assert_eq!(parser.limit(), limit);
            run_parser(&mut parser, stream, cuts, AtEof::Discard)
        }
    };
    assert_eq!(fixed.trace, run.trace, "fixed storage vs growable");
    assert_eq!(fixed.offsets, run.offsets, "fixed storage vs growable");
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
            assert!(id.len() <= max_id, "an ID longer than its limit came out");
        }
        if let Item::Comment(text, _) = item {
            assert!(text.len() <= limit.min(MAX_COMMENT));
        }
    }

    let failed = run.trace.items.iter().any(|i| matches!(i, Item::Error(_)));
    if !failed {
        let unlimited = run_parser(
            &mut Parser::with_config(Vec::new(), config.max_id_bytes(usize::MAX)),
            stream,
            cuts,
            AtEof::Discard,
        );
        assert_eq!(run.trace.items.len(), unlimited.trace.items.len());
        for (got, want) in run.trace.items.iter().zip(&unlimited.trace.items) {
            match (got, want) {
                (Item::Comment(got, cut), Item::Comment(want, want_cut)) => {
                    assert!(want.starts_with(got), "a comment not a prefix");
                    assert_eq!(*cut, *want_cut || got.len() < want.len(), "truncated flag");
                }
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
        let errors: Vec<Error> = items
            .iter()
            .filter_map(|i| match i {
                Item::Error(error) => Some(*error),
                _ => None,
            })
            .collect();
        assert!(errors.len() <= 1, "two errors in one block: {errors:?}");
        let error = errors.first().copied();
        let (events, retries, got_comments) = split(
            items
                .iter()
                .copied()
                .filter(|i| !matches!(i, Item::Error(_))),
            format_args!("block {start}..{end}"),
        );
        assert!(got_comments.len() <= model.comments.len(), "comments");
        for (got, want) in got_comments.iter().zip(&model.comments) {
            assert!(comment_prefix(got, want), "a comment not in the model");
        }
        assert!(
            comments || got_comments.is_empty(),
            "a comment with comments off"
        );
        match error {
            None => {
                assert_eq!(events, model.events, "events of block {start}..{end}");
                assert_eq!(retries, model.retries, "retries of block {start}..{end}");
                if comments {
                    assert_eq!(got_comments.len(), model.comments.len(), "comments");
                }
                seed = model.last_event_id;
            }
            Some(error) => {
                assert!(
                    events.is_empty(),
                    "an event from a block that hit the limit"
                );
                if skip {
                    assert_eq!(retries, model.retries, "retries of a skipped block");
                } else {
                    assert!(
                        model.retries.starts_with(&retries),
                        "retries before the error"
                    );
                }
                match error {
                    Error::LimitExceeded { .. } => assert!(
                        longest_line + block.len() > limit,
                        "block {start}..{end} cannot need more than {} bytes, yet hit limit {limit}",
                        longest_line + block.len()
                    ),
                    Error::IdTooLong { limit: l } => {
                        assert_eq!(l, max_id);
                        assert!(longest(block) > max_id, "no line of block {start}..{end} is that long");
                    }
                    other => panic!("unexpected {other:?}"),
                }
                stopped = !skip;
            }
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
    let bytes = run_parser(
        &mut Parser::with_config(Vec::new(), config),
        input,
        Cuts::Whole,
        AtEof::Discard,
    )
    .trace;
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
        ssewire::write_lossy(&mut lossy, event.data()).expect("a String");
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
    for layer in [Layer::Lent, Layer::Growable, Layer::GrowableAll] {
        if let Some(run) = run_layer(layer, input, Cuts::Whole, strict_config, AtEof::Discard) {
            assert_eq!(run.trace, strict, "{layer:?} strict vs bytes mode");
        }
    }

    // A BOM in front, fed a byte at a time between empty feeds, is stripped;
    // a BOM already there then stays part of the stream.
    let with_bom = [BOM, input].concat();
    let cuts = Cuts::Lead(&[0, 1, 0, 1, 0, 1, 0]);
    let got = run_parser(
        &mut Parser::with_config(Vec::new(), config),
        &with_bom,
        cuts,
        AtEof::Discard,
    )
    .trace;
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

/// Every layer agrees with every other: the tokenizer (events assembled by
/// the driver), lent storage, an owned array, a growable `Vec` and `feed_all`,
/// with comments on and off. With `dispatch_pending` each parser gives what
/// the stream gives with a line end and a blank line added (which is what the
/// model gives there), less the `retry` or comment of the unfinished line
/// (its `retry` still sets the reconnection time), and reports the end as
/// truncated with nothing discarded.
pub fn layers(input: &[u8]) {
    let run = |layer, input, config, at_eof| run_layer(layer, input, Cuts::Whole, config, at_eof);
    let base = run(
        Layer::Growable,
        input,
        Config::new().comments(true),
        AtEof::Discard,
    )
    .expect("the growable layer always runs");
    let without_comments = Trace {
        items: base
            .trace
            .items
            .iter()
            .filter(|i| !matches!(i, Item::Comment(..)))
            .cloned()
            .collect(),
        ..base.trace.clone()
    };
    for &layer in LAYERS {
        for (comments, want) in [(true, &base.trace), (false, &without_comments)] {
            let config = Config::new().comments(comments);
            if let Some(got) = run(layer, input, config, AtEof::Discard) {
                assert_eq!(&got.trace, want, "{layer:?}, comments {comments}");
            }
        }
    }

    let with_end = [input, b"\r\r"].concat();
    let flushed = run(
        Layer::Growable,
        &with_end,
        Config::new().comments(true),
        AtEof::Discard,
    )
    .expect("the growable layer always runs")
    .trace;
    assert_model(
        &flushed,
        &reference::parse(&with_end),
        true,
        format_args!("with CR CR"),
    );
    let mut items = base.trace.items.clone();
    items.extend(
        flushed.items[base.trace.items.len()..]
            .iter()
            .filter(|i| matches!(i, Item::Event { .. } | Item::Error(_)))
            .cloned(),
    );
    let end = match base.trace.end {
        StreamEnd::Truncated { .. } => StreamEnd::Truncated { discarded: 0 },
        other => other,
    };
    for layer in [
        Layer::Lent,
        Layer::Array,
        Layer::Growable,
        Layer::GrowableAll,
    ] {
        let config = Config::new().comments(true);
        if let Some(got) = run(layer, input, config, AtEof::Dispatch) {
            let what = format_args!("{layer:?} dispatch_pending");
            assert_eq!(got.trace.items, items, "{what}");
            assert_eq!(got.trace.last_event_id, flushed.last_event_id, "{what}");
            assert_eq!(
                got.trace.reconnection_time, flushed.reconnection_time,
                "{what}"
            );
            assert_eq!(got.trace.end, end, "{what}: end");
        }
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
            Item::Comment(text, _) => comments.push(text),
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
    let clean = matches!(trace.end, StreamEnd::Clean);
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
pub fn expected_end(input: &[u8], kind: EndKind) -> StreamEnd {
    match kind {
        EndKind::Clean => StreamEnd::Clean,
        EndKind::Incomplete => {
            // Incomplete: the last block has no blank line; it starts after
            // the last one (or at the start of the body).
            let after_blank = blocks(input)
                .last()
                .map_or(0, |&(start, _)| start)
                .max(body_start(input));
            StreamEnd::Truncated {
                discarded: (input.len() - after_blank) as u64,
            }
        }
    }
}
