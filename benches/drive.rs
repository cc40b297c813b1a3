//! Drives ssewire's layers over a stream's chunks the way their docs show
//! (`feed` and slice until `NeedInput`, `finish` until `End`) and reports what
//! they dispatch to a [`Sink`]. Shared, with `#[path]`, by `benches/layers.rs`
//! and the comparison crate in `benches/compare` (its runners and its
//! allocation report), so every figure comes from the same driving code.

use std::fmt::Display;

use ssewire::{Field, Parser, Step, Storage, Token, Tokenizer};

/// Receives what a layer dispatched. Generic, so that timed runs pay only for
/// what their sink does (counting).
pub trait Sink {
    /// The next piece of the current event's data (pieces are concatenated).
    fn data(&mut self, piece: &[u8]);
    /// The current event is dispatched.
    fn dispatch(&mut self);
    /// The parser reported an error (the corpora are valid: a bug).
    fn error(&mut self, error: &dyn Display) {
        panic!("unexpected error: {error}");
    }
    /// Bytes the parser retains, after each call (event layers only).
    fn retained(&mut self, _bytes: usize) {}

    /// One whole event.
    fn event(&mut self, data: &[u8]) {
        self.data(data);
        self.dispatch();
    }
}

/// Layer 0: tokens only. Data pieces go straight to the sink, with the LF the
/// spec puts between `data` lines; nothing is stored.
#[allow(dead_code)] // not every includer drives every layer
pub fn tokenize<'a>(chunks: impl IntoIterator<Item = &'a [u8]>, sink: &mut impl Sink) {
    let mut tokenizer = Tokenizer::new();
    // Whether the event has a `data` line already, and whether one is open.
    let (mut has_data, mut line_open) = (false, false);
    for chunk in chunks {
        let mut rest = chunk;
        loop {
            let (token, used) = tokenizer.feed(rest);
            rest = &rest[used..];
            match token {
                Token::Partial {
                    field: Field::Data,
                    bytes,
                } => {
                    if !line_open && has_data {
                        sink.data(b"\n");
                    }
                    line_open = true;
                    sink.data(bytes);
                }
                Token::End {
                    field: Field::Data,
                    bytes,
                    ..
                } => {
                    if !line_open && has_data {
                        sink.data(b"\n");
                    }
                    sink.data(bytes);
                    line_open = false;
                    has_data = true;
                }
                Token::BlankLine if has_data => {
                    sink.dispatch();
                    has_data = false;
                }
                Token::NeedInput => break,
                _ => {}
            }
        }
    }
    let _ = tokenizer.finish();
}

/// Layers 1 and 2: whole events from a [`Parser`] over any storage. Stops at
/// the first error (after reporting it).
pub fn parse<'a, S: Storage>(
    parser: &mut Parser<S>,
    chunks: impl IntoIterator<Item = &'a [u8]>,
    sink: &mut impl Sink,
) {
    for chunk in chunks {
        let mut rest = chunk;
        loop {
            let (step, used) = parser.feed(rest);
            rest = &rest[used..];
            let more = match step {
                Ok(Step::Event(event)) => {
                    sink.event(event.data());
                    true
                }
                Ok(Step::NeedInput) => false,
                Ok(_) => true,
                Err(error) => return sink.error(&error),
            };
            sink.retained(parser.retained_bytes());
            if !more {
                break;
            }
        }
    }
    loop {
        match parser.finish() {
            Ok(Step::Event(event)) => sink.event(event.data()),
            Ok(Step::End(_)) => break,
            Ok(_) => {}
            Err(error) => return sink.error(&error),
        }
    }
}
