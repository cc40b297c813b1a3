//! ssewire's three layers, each driven the way its docs show: `feed` returns one item
//! and the bytes it consumed; slice the input and call again until `NeedInput`.

use crate::Input;
use crate::Sink;
use ssewire::{Assembler, Decoder, Field, Step, Token, Tokenizer};

/// Layer 0: tokens only. Data pieces go straight to the sink (with the LF the spec
/// puts between `data` lines); nothing is stored, so this is the floor the two event
/// layers build on, not an event API.
pub fn tokenizer<S: Sink>(input: &Input, sink: &mut S) {
    let mut tokenizer = Tokenizer::new();
    // Whether the event has a `data` line already, and whether one is open.
    let (mut has_data, mut line_open) = (false, false);
    for chunk in input.slices() {
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

/// Layer 1: whole events in caller-lent storage. 2 MiB, so the `big` corpus's 1 MiB
/// lines fit.
pub fn assembler<S: Sink>(input: &Input, sink: &mut S) {
    let mut storage = vec![0u8; 2 << 20].into_boxed_slice();
    let mut parser = Assembler::new(&mut storage);
    for chunk in input.slices() {
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

/// Layer 2: whole events in owned, reused buffers (default limit 16 MiB).
pub fn decoder<S: Sink>(input: &Input, sink: &mut S) {
    let mut parser = Decoder::new();
    for chunk in input.slices() {
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
