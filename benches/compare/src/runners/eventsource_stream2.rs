//! eventsource-stream2 0.4.0: fork of eventsource-stream with memchr line splitting;
//! same `EventStream` API over a stream of `Bytes`.

use crate::Input;
use crate::Sink;
use eventsource_stream2::EventStream;
use futures::executor::block_on;
use futures::StreamExt;
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
