//! sse-stream 0.3.0: `SseByteStream` over a stream of `Bytes`. It yields raw blocks,
//! including blocks without data; a block with `data == None` is not an event (its
//! documented contract), so only blocks with data are counted.

use crate::Input;
use crate::Sink;
use futures::executor::block_on;
use futures::StreamExt;
use sse_stream::SseByteStream;
use std::pin::pin;

pub fn run<S: Sink>(input: &Input, sink: &mut S) {
    block_on(async {
        let mut events = pin!(SseByteStream::new(input.stream()));
        while let Some(item) = events.next().await {
            match item {
                Ok(block) => {
                    if let Some(data) = block.data {
                        sink.event(data.as_bytes());
                    }
                }
                Err(error) => return sink.error(&error),
            }
        }
    })
}
