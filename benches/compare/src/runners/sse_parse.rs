//! sse-parse 0.1.0: sans-IO `SseParser`: `feed(chunk)`, then `next_event()` until
//! `None`; `finish()` at the end of input. It copies the input into its own buffer and
//! queues owned events.

use crate::Input;
use crate::Sink;
use sse_parse::SseParser;

pub fn run<S: Sink>(input: &Input, sink: &mut S) {
    let mut parser = SseParser::new();
    for chunk in input.slices() {
        parser.feed(chunk);
        while let Some(event) = parser.next_event() {
            sink.event(event.data.as_bytes());
        }
    }
    parser.finish();
    while let Some(event) = parser.next_event() {
        sink.event(event.data.as_bytes());
    }
}
