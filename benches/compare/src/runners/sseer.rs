//! sseer 0.3.1: `EventStream` over a stream of `Bytes` (zero-copy fast path on the
//! incoming chunk, leftovers copied into a `BytesMut`).

use crate::Input;
use crate::Sink;
use futures::executor::block_on;
use futures::StreamExt;
use sseer::EventStream;
use std::pin::pin;

pub fn run<S: Sink>(input: &Input, sink: &mut S) {
    block_on(async {
        let mut events = pin!(EventStream::new(input.stream()));
        while let Some(item) = events.next().await {
            match item {
                Ok(event) => sink.event(event.data.as_bytes()),
                Err(error) => return sink.error(&error),
            }
        }
    })
}
