//! sse-codec 0.3.3: a `futures_codec::Decoder`. Driven directly, the way its
//! `FramedRead` drives it but without an executor: append each chunk to a `BytesMut`,
//! call `decode` until it returns `None`, `decode_eof` at the end of input.

use crate::Input;
use crate::Sink;
use bytes::BytesMut;
use futures_codec::Decoder;
use sse_codec::{Event, SSECodec};

pub fn run<S: Sink>(input: &Input, sink: &mut S) {
    let mut codec = SSECodec::default();
    let mut buffer = BytesMut::new();
    for chunk in input.slices() {
        buffer.extend_from_slice(chunk);
        loop {
            match codec.decode(&mut buffer) {
                Ok(Some(event)) => handle(event, sink),
                Ok(None) => break,
                Err(error) => return sink.error(&error),
            }
        }
    }
    loop {
        match codec.decode_eof(&mut buffer) {
            Ok(Some(event)) => handle(event, sink),
            Ok(None) => break,
            Err(error) => return sink.error(&error),
        }
    }
}

fn handle<S: Sink>(event: Event, sink: &mut S) {
    match event {
        Event::Message { data, .. } => sink.event(data.as_bytes()),
        Event::Retry { .. } => {}
    }
}
