//! ssewire's layers, each driven the way its docs show: `feed_all` hands every
//! event of a chunk to a handler; `feed` returns one item and the bytes it consumed
//! (slice the input and call again until `NeedInput`).

use crate::drive;
use crate::Input;
use crate::Sink;
use ssewire::Parser;

/// Layer 0: tokens only; the data pieces go straight to the sink. Nothing is
/// stored, so this is the floor the two event layers build on.
pub fn tokenizer<S: Sink>(input: &Input, sink: &mut S) {
    drive::tokenize(input.slices(), sink);
}

/// Layer 1: whole events in caller-lent storage. 2 MiB, so the `big` corpus's
/// 1 MiB lines fit.
pub fn lent<S: Sink>(input: &Input, sink: &mut S) {
    let mut storage = vec![0u8; 2 << 20].into_boxed_slice();
    drive::parse(&mut Parser::new(&mut storage[..]), input.slices(), sink);
}

/// Layer 2: whole events in a reused, growable `Vec` (default limit 16 MiB),
/// with `feed_all`.
pub fn vec<S: Sink>(input: &Input, sink: &mut S) {
    drive::parse(&mut Parser::new(Vec::new()), input.slices(), sink);
}

/// The same with the step-at-a-time `feed` loop.
pub fn vec_steps<S: Sink>(input: &Input, sink: &mut S) {
    drive::parse_steps(&mut Parser::new(Vec::new()), input.slices(), sink);
}

/// The `Stream` adapter (`.sse()`): owned events, as an async client reads
/// them, next to sseer's and eventsource-stream's `Stream`s.
pub fn stream<S: Sink>(input: &Input, sink: &mut S) {
    use ssewire::SseStreamExt;
    super::drain(input.stream().sse(), sink, |event| event.data().as_bytes());
}

/// The zero-copy `Stream` adapter (`.sse_bytes()`): data sliced from the
/// chunk when it lay in one.
pub fn stream_bytes<S: Sink>(input: &Input, sink: &mut S) {
    use ssewire::SseStreamExt;
    super::drain(input.stream().sse_bytes(), sink, |event| &event.data()[..]);
}
