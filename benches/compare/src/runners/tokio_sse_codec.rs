//! tokio_sse_codec 0.0.2 (crates.io name `tokio-sse-codec`): a `tokio_util::codec`
//! decoder, in its `Bytes` mode (data handed out as zero-copy `Bytes`, no UTF-8
//! check: its cheapest mode). Driven directly, as `FramedRead` would: append each
//! chunk to a `BytesMut`, `decode` until `None`, `decode_eof` at the end of input.

use crate::Input;
use crate::Sink;
use bytes::{Bytes, BytesMut};
use tokio_sse_codec::{Frame, SseDecoder};
use tokio_util::codec::Decoder;

pub fn run<S: Sink>(input: &Input, sink: &mut S) {
    let mut decoder = SseDecoder::<Bytes>::new();
    let mut buffer = BytesMut::new();
    for chunk in input.slices() {
        buffer.extend_from_slice(chunk);
        loop {
            match decoder.decode(&mut buffer) {
                Ok(Some(frame)) => handle(frame, sink),
                Ok(None) => break,
                Err(error) => return sink.error(&error),
            }
        }
    }
    loop {
        match decoder.decode_eof(&mut buffer) {
            Ok(Some(frame)) => handle(frame, sink),
            Ok(None) => break,
            Err(error) => return sink.error(&error),
        }
    }
}

fn handle<S: Sink>(frame: Frame<Bytes>, sink: &mut S) {
    match frame {
        Frame::Event(event) => sink.event(&event.data),
        Frame::Comment(_) | Frame::Retry(_) => {}
    }
}
