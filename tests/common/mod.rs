//! Runs a stream through every layer of ssewire under a given chunking and
//! turns what comes out into the reference model's [`Outcome`], so that every
//! test can compare with `reference::parse`.
#![allow(dead_code)]

#[path = "../reference/mod.rs"]
pub mod reference;

use reference::{EndKind, Ev, Outcome};
#[cfg(feature = "alloc")]
use ssewire::Decoder;
use ssewire::{Assembler, Config, End, Error, Event, Field, Parser, Step, Storage, Token};

/// The layers under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// The tokenizer, with events assembled from its tokens by test code.
    Tokenizer,
    /// Lent storage (`&mut [u8]`), big enough for the stream.
    Assembler,
    /// Growable buffers (feature `alloc`).
    #[cfg(feature = "alloc")]
    Decoder,
}

/// Every layer built with the features at hand.
pub const LAYERS: &[Layer] = &[
    Layer::Tokenizer,
    Layer::Assembler,
    #[cfg(feature = "alloc")]
    Layer::Decoder,
];

/// Cuts `input` into chunks ending at each offset in `cuts` (sorted, may
/// repeat: a repeat is an empty chunk), then the rest.
pub fn chunks<'a>(input: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for &cut in cuts {
        let cut = cut.clamp(start, input.len());
        out.push(&input[start..cut]);
        start = cut;
    }
    out.push(&input[start..]);
    out
}

/// The standard chunkings: whole, every split in two, byte by byte, and byte by
/// byte with an empty chunk between bytes.
pub fn chunkings(len: usize) -> Vec<Vec<usize>> {
    let mut all = vec![vec![]];
    all.extend((0..=len).map(|i| vec![i]));
    all.push((1..len).collect());
    all.push((0..=len).flat_map(|i| [i, i]).collect());
    all
}

fn ev(event: &Event<'_>) -> Ev {
    Ev {
        event_type: String::from_utf8_lossy(event.event_type()).into_owned(),
        data: String::from_utf8_lossy(event.data()).into_owned(),
        id: String::from_utf8_lossy(event.id()).into_owned(),
    }
}

/// Records how the stream ended.
fn record_end(out: &mut Outcome, end: End) {
    (out.end, out.discarded) = match end {
        End::Clean => (EndKind::Clean, 0),
        End::Incomplete { discarded } => (EndKind::Incomplete, discarded),
    };
}

/// Runs one layer; panics on an error (streams here never hit a limit).
pub fn run(layer: Layer, input: &[u8], cuts: &[usize], comments: bool) -> Outcome {
    let config = Config::new().comments(comments);
    match layer {
        Layer::Tokenizer => run_tokenizer(input, cuts, comments),
        Layer::Assembler => {
            let mut storage = vec![0u8; 2 * input.len() + 16];
            let mut parser = Assembler::with_config(&mut storage, config);
            run_parser(&mut parser, input, cuts).expect("no limit")
        }
        #[cfg(feature = "alloc")]
        Layer::Decoder => {
            let mut parser = Decoder::with_config(config);
            run_parser(&mut parser, input, cuts).expect("no limit")
        }
    }
}

/// Feeds `input` cut at `cuts` to `parser`, then finishes.
pub fn run_parser<S: Storage>(
    parser: &mut Parser<S>,
    input: &[u8],
    cuts: &[usize],
) -> Result<Outcome, Error> {
    let mut out = empty_outcome();
    for chunk in chunks(input, cuts) {
        let mut rest = chunk;
        loop {
            let (step, used) = parser.feed(rest);
            assert!(used <= rest.len());
            rest = &rest[used..];
            if !record(&mut out, step?) {
                break;
            }
        }
        assert!(rest.is_empty(), "NeedInput with input left");
        assert!(parser.retained_bytes() <= parser.limit());
    }
    loop {
        let step = parser.finish()?;
        if let Step::End(end) = step {
            record_end(&mut out, end);
            break;
        }
        record(&mut out, step);
    }
    out.last_event_id = String::from_utf8_lossy(parser.last_event_id()).into_owned();
    Ok(out)
}

pub fn empty_outcome() -> Outcome {
    Outcome {
        events: Vec::new(),
        retries: Vec::new(),
        last_event_id: String::new(),
        end: EndKind::Clean,
        discarded: 0,
        comments: Vec::new(),
    }
}

/// Adds a step to the outcome; `false` for `NeedInput`.
pub fn record(out: &mut Outcome, step: Step<'_>) -> bool {
    match step {
        Step::Event(event) => out.events.push(ev(&event)),
        Step::Retry(ms) => out.retries.push(ms),
        Step::Comment(text) => out
            .comments
            .push(String::from_utf8_lossy(text).into_owned()),
        Step::NeedInput => return false,
        Step::End(_) => panic!("End from feed"),
    }
    true
}

/// A second, independent interpretation on top of the tokenizer's tokens, with
/// plain `Vec`s: checks the tokenizer alone.
fn run_tokenizer(input: &[u8], cuts: &[usize], comments: bool) -> Outcome {
    let mut tokenizer = ssewire::Tokenizer::new().with_comments(comments);
    let mut out = empty_outcome();
    let (mut data, mut event_type, mut id, mut line) = (vec![], vec![], vec![], vec![]);
    let mut has_data = false;
    let mut committed = Vec::new();
    for chunk in chunks(input, cuts) {
        let mut rest = chunk;
        loop {
            let (token, used) = tokenizer.feed(rest);
            assert!(used <= rest.len());
            rest = &rest[used..];
            match token {
                Token::Partial { bytes, .. } => {
                    assert!(!bytes.is_empty());
                    line.extend_from_slice(bytes);
                }
                Token::End {
                    field,
                    bytes,
                    whole,
                } => {
                    assert_eq!(whole, line.is_empty(), "whole iff no Partial came");
                    line.extend_from_slice(bytes);
                    let value = std::mem::take(&mut line);
                    match field {
                        Field::Data => {
                            if has_data {
                                data.push(b'\n');
                            }
                            data.extend_from_slice(&value);
                            has_data = true;
                        }
                        Field::Event => event_type = value,
                        Field::Id => {
                            assert!(!value.contains(&0));
                            id = value;
                        }
                        Field::Comment => out
                            .comments
                            .push(String::from_utf8_lossy(&value).into_owned()),
                    }
                }
                Token::IgnoredId => line.clear(),
                Token::Retry(ms) => out.retries.push(ms),
                Token::BlankLine => {
                    committed = id.clone();
                    if has_data {
                        let event = Event::new(&event_type, &data, &id);
                        out.events.push(ev(&event));
                    }
                    data.clear();
                    event_type.clear();
                    has_data = false;
                }
                Token::NeedInput => break,
            }
        }
        assert!(rest.is_empty(), "NeedInput with input left");
    }
    record_end(&mut out, tokenizer.finish());
    out.last_event_id = String::from_utf8_lossy(&committed).into_owned();
    out
}

/// Runs `input` through every layer under every standard chunking, with and
/// without comments, and asserts each result equals the model's. Returns the
/// model's outcome for further checks.
pub fn check(input: &[u8]) -> Outcome {
    let expected = reference::parse(input);
    let no_comments = Outcome {
        comments: Vec::new(),
        ..expected.clone()
    };
    for cuts in chunkings(input.len()) {
        for &layer in LAYERS {
            let got = run(layer, input, &cuts, true);
            assert_eq!(got, expected, "{layer:?}, cuts {cuts:?}, input {input:?}");
            let got = run(layer, input, &cuts, false);
            assert_eq!(
                got, no_comments,
                "{layer:?}, cuts {cuts:?}, input {input:?}, no comments"
            );
        }
    }
    expected
}

/// An event, for expectations.
pub fn ev_of(event_type: &str, data: &str, id: &str) -> Ev {
    Ev {
        event_type: event_type.to_string(),
        data: data.to_string(),
        id: id.to_string(),
    }
}
