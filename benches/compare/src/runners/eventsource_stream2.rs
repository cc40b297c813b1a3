//! eventsource-stream2 0.4.0: fork of eventsource-stream with memchr line splitting;
//! same `EventStream` API over a stream of `Bytes`.

use super::drain;
use crate::Input;
use crate::Sink;
use eventsource_stream2::EventStream;

pub fn run<S: Sink>(input: &Input, sink: &mut S) {
    drain(EventStream::new(input.stream()), sink, |event| {
        event.data.as_bytes()
    });
}
