//! ssewire's layers, each driven the way its docs show: `feed_all` hands every
//! event of a chunk to a handler; `feed` returns one item and the bytes it consumed
//! (slice the input and call again until `NeedInput`).

use crate::drive;
use crate::Input;
use crate::Sink;
use ssewire::Parser;

/// Layer 0: tokens only; the data pieces go straight to the sink. Nothing is
/// stored, so this is the floor the two event layers build on.
pub fn tokenizer<S: Sink>(input: &Input, sink: &mut S) {
    drive::tokenize(input.slices(), sink);
}

/// Layer 1: whole events in caller-lent storage. 2 MiB, so the `big` corpus's
/// 1 MiB lines fit.
pub fn lent<S: Sink>(input: &Input, sink: &mut S) {
    let mut storage = vec![0u8; 2 << 20].into_boxed_slice();
    drive::parse(&mut Parser::new(&mut storage[..]), input.slices(), sink);
}

/// Layer 2: whole events in a reused, growable `Vec` (default limit 16 MiB),
/// with `feed_all`.
pub fn vec<S: Sink>(input: &Input, sink: &mut S) {
    drive::parse(&mut Parser::new(Vec::new()), input.slices(), sink);
}

/// The same with the step-at-a-time `feed` loop.
pub fn vec_steps<S: Sink>(input: &Input, sink: &mut S) {
    drive::parse_steps(&mut Parser::new(Vec::new()), input.slices(), sink);
}

/// The `Stream` adapter (`.sse()`): owned events, as an async client reads
/// them, next to sseer's and eventsource-stream's `Stream`s.
pub fn stream<S: Sink>(input: &Input, sink: &mut S) {
    use ssewire::SseStreamExt;
    super::drain(input.stream().sse(), sink, |event| event.data().as_bytes());
}

/// The lending reader over the same `Stream` of chunks: `.sse()`'s
/// `next_event().await`, each event borrowed from its chunk or the parser.
pub fn stream_lending<S: Sink>(input: &Input, sink: &mut S) {
    use ssewire::SseStreamExt;
    futures::executor::block_on(async {
        let mut events = input.stream().sse();
        while let Some(item) = events.next_event().await {
            match item {
                Ok(event) => sink.event(event.data()),
                Err(error) => return sink.error(&error),
            }
        }
    })
}

/// The lending reader over an in-memory `AsyncRead` that hands out one
/// chunk at a time (async-sse's transport): `AsyncEventReader::next_event`.
pub fn async_read<S: Sink>(input: &Input, sink: &mut S) {
    futures::executor::block_on(async {
        let mut events = ssewire::AsyncEventReader::new(input.reader());
        while let Some(item) = events.next_event().await {
            match item {
                Ok(event) => sink.event(event.data()),
                Err(error) => return sink.error(&error),
            }
        }
    })
}

/// The zero-copy `Stream` adapter (`.sse_bytes()`): data sliced from the
/// chunk when it lay in one.
pub fn stream_bytes<S: Sink>(input: &Input, sink: &mut S) {
    use ssewire::SseStreamExt;
    super::drain(input.stream().sse_bytes(), sink, |event| &event.data()[..]);
}

/// Not an API: the least a `Stream` of events over ssewire's core costs, as a
/// yardstick for the `Stream` adapters. Each chunk through `feed_all`, each
/// event's data sliced from its chunk (copied if it lay in several) and
/// queued as a bare `Bytes`: no type, no ID, no error, no end state.
pub fn stream_floor<S: Sink>(input: &Input, sink: &mut S) {
    use bytes::Bytes;
    use futures::Stream;
    use std::collections::VecDeque;
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    struct Floor<St> {
        chunks: St,
        parser: Parser<Vec<u8>>,
        queue: VecDeque<Bytes>,
    }

    struct Slices<'a> {
        chunk: &'a Bytes,
        queue: &'a mut VecDeque<Bytes>,
    }

    impl ssewire::Handler for Slices<'_> {
        fn event(&mut self, event: ssewire::Event<'_>) {
            let data = event.data();
            let chunk = self.chunk.as_ptr_range();
            let inside = !data.is_empty()
                && chunk.start <= data.as_ptr()
                && data.as_ptr_range().end <= chunk.end;
            self.queue.push_back(if inside {
                self.chunk.slice_ref(data)
            } else {
                Bytes::copy_from_slice(data)
            });
        }
        fn error(&mut self, _: ssewire::Error) {}
    }

    impl<St: Stream<Item = Result<Bytes, Infallible>> + Unpin> Stream for Floor<St> {
        type Item = Result<Bytes, Infallible>;
        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let this = self.get_mut();
            loop {
                if let Some(data) = this.queue.pop_front() {
                    return Poll::Ready(Some(Ok(data)));
                }
                match Pin::new(&mut this.chunks).poll_next(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(None) => return Poll::Ready(None),
                    Poll::Ready(Some(Ok(chunk))) => {
                        this.parser.feed_all(
                            &chunk,
                            &mut Slices {
                                chunk: &chunk,
                                queue: &mut this.queue,
                            },
                        );
                    }
                    Poll::Ready(Some(Err(never))) => match never {},
                }
            }
        }
    }

    super::drain(
        Floor {
            chunks: input.stream(),
            parser: Parser::new(Vec::new()),
            queue: VecDeque::new(),
        },
        sink,
        |data: &Bytes| &data[..],
    );
}
