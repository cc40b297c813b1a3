//! sse-core 0.2.3: sans-IO state machine, `SseDecoder::next(&mut impl Buf)`, fed each
//! chunk as a `&[u8]`. It keeps no copy of the input. Its default limit (512 KiB per
//! event) rejects the `big` corpus, so the runner raises it to 16 MiB, ssewire's
//! decoder default.

use crate::Input;
use crate::Sink;
use sse_core::{SseDecoder, SseEvent};
use std::num::NonZeroUsize;

pub fn run<S: Sink>(input: &Input, sink: &mut S) {
    let limit = NonZeroUsize::new(16 << 20).unwrap();
    let mut decoder = SseDecoder::with_limit(limit);
    for mut chunk in input.slices() {
        while let Some(item) = decoder.next(&mut chunk) {
            match item {
                Ok(SseEvent::Message(message)) => sink.event(message.data.as_bytes()),
                Ok(SseEvent::Retry(_)) => {}
                Err(error) => return sink.error(&error),
            }
        }
    }
}
