//! Drives ssewire's layers over a stream's chunks the way their docs show
//! (`feed_all`, or `feed` and slice until `NeedInput`; then `finish`) and
//! reports what they dispatch to a [`Sink`]. Used by `benches/layers.rs` and
//! the comparison crate in `benches/compare` (its runners and its allocation
//! report), so every figure comes from the same driving code.

pub mod corpus;

use std::fmt::Display;

use ssewire::{Error, Event, Field, Handler, Parser, Step, Storage, Token, Tokenizer};

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
                Token::Value {
                    field: Field::Data,
                    piece,
                } => {
                    if !line_open && has_data {
                        sink.data(b"\n");
                    }
                    sink.data(piece.bytes());
                    line_open = !piece.ends_line();
                    has_data |= piece.ends_line();
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

/// Whole events from a [`Parser`] over any storage, with `feed_all` (the
/// entry point the README teaches).
pub fn parse<'a, S: Storage>(
    parser: &mut Parser<S>,
    chunks: impl IntoIterator<Item = &'a [u8]>,
    sink: &mut impl Sink,
) {
    /// Hands events to the sink.
    struct ToSink<'k, K>(&'k mut K);

    impl<K: Sink> Handler for ToSink<'_, K> {
        fn event(&mut self, event: Event<'_>) {
            self.0.event(event.data());
        }

        fn error(&mut self, error: Error) {
            self.0.error(&error);
        }
    }

    let mut handler = ToSink(sink);
    for chunk in chunks {
        parser.feed_all(chunk, &mut handler);
        handler.0.retained(parser.retained_bytes());
    }
    let _ = parser.finish();
}

/// The same with the step-at-a-time `feed` loop, for callers that stop
/// between events. Stops at the first error (after reporting it).
pub fn parse_steps<'a, S: Storage>(
    parser: &mut Parser<S>,
    chunks: impl IntoIterator<Item = &'a [u8]>,
    sink: &mut impl Sink,
) {
    for chunk in chunks {
        let mut rest = chunk;
        loop {
            let (step, used) = parser.feed(rest);
            rest = &rest[used..];
            match step {
                Ok(Step::Event(event)) => sink.event(event.data()),
                Ok(Step::NeedInput) => break,
                Ok(_) => {}
                Err(error) => return sink.error(&error),
            }
        }
        sink.retained(parser.retained_bytes());
    }
    let _ = parser.finish();
}

impl Sink for corpus::Checksum {
    fn data(&mut self, piece: &[u8]) {
        corpus::Checksum::data(self, piece);
    }

    fn dispatch(&mut self) {
        corpus::Checksum::dispatch(self);
    }
}
