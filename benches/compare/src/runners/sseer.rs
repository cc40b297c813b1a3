//! sseer 0.3.1: `EventStream` over a stream of `Bytes` (zero-copy fast path on the
//! incoming chunk, leftovers copied into a `BytesMut`).

use super::drain;
use crate::Input;
use crate::Sink;
use sseer::EventStream;

pub fn run<S: Sink>(input: &Input, sink: &mut S) {
    drain(EventStream::new(input.stream()), sink, |event| {
        event.data.as_bytes()
    });
}
