//! async-sse 5.1.0: `decode(AsyncBufRead)`, here over an in-memory reader that hands
//! out one chunk at a time. `Retry` items are not events.

use crate::Input;
use crate::Sink;
use async_sse::Event;
use futures::executor::block_on;
use futures::StreamExt;

pub fn run<S: Sink>(input: &Input, sink: &mut S) {
    block_on(async {
        let mut events = async_sse::decode(input.reader());
        while let Some(item) = events.next().await {
            match item {
                Ok(Event::Message(message)) => sink.event(message.data()),
                Ok(Event::Retry(_)) => {}
                Err(error) => return sink.error(&error),
            }
        }
    })
}
