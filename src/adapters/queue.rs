//! The parser and a queue of owned events, shared by the `Stream` and `Body`
//! adapters: a chunk goes through [`Parser::feed_all`] at once, its events
//! wait in the queue (whose capacity is reused) until polled.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::task::{Context, Poll};

use super::ReadError;

use crate::{Config, Error, Event, Handler, OwnedEvent, Parser, StreamEnd};

/// A parser whose events are kept until asked for.
pub(crate) struct Queue {
    parser: Parser<Vec<u8>>,
    items: VecDeque<Result<OwnedEvent, Error>>,
    end: Option<StreamEnd>,
    /// `None` was handed out.
    terminated: bool,
}

impl Queue {
    pub(crate) fn new(config: Config) -> Self {
        Self {
            parser: Parser::with_config(Vec::new(), config),
            items: VecDeque::new(),
            end: None,
            terminated: false,
        }
    }

    /// Parses `chunk` into the queue. Nothing once the stream has ended.
    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        if self.end.is_some() {
            return;
        }
        self.parser.feed_all(chunk, &mut Push(&mut self.items));
        if self.parser.is_stopped() {
            // `OnLimit::Stop`: what follows the error is dropped anyway.
            self.finish();
        }
    }

    /// The `poll_next` of the adapters: hands out what is queued, else polls
    /// the transport with `poll_chunk` and parses what it gives with
    /// `feed`, until an item, the end, or `Pending`.
    pub(crate) fn poll<C, E>(
        &mut self,
        cx: &mut Context<'_>,
        mut poll_chunk: impl FnMut(&mut Context<'_>) -> Poll<Option<Result<C, E>>>,
        mut feed: impl FnMut(&mut Self, C),
    ) -> Poll<Option<Result<OwnedEvent, ReadError<E>>>> {
        loop {
            if let Some(next) = self.next() {
                return Poll::Ready(next.map(|item| item.map_err(ReadError::Parse)));
            }
            match poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => feed(self, chunk),
                Poll::Ready(Some(Err(error))) => {
                    return Poll::Ready(Some(Err(ReadError::Transport(error))))
                }
                Poll::Ready(None) => self.finish(),
            }
        }
    }

    /// The next event or error (oldest first), or the end (`Some(None)`,
    /// from then on); `None` when the transport must be polled.
    fn next(&mut self) -> Option<Option<Result<OwnedEvent, Error>>> {
        if let Some(item) = self.items.pop_front() {
            return Some(Some(item));
        }
        if self.end.is_some() {
            self.terminated = true;
            return Some(None);
        }
        None
    }

    /// The transport ended: records how. Once.
    pub(crate) fn finish(&mut self) {
        if self.end.is_none() {
            self.end = Some(self.parser.finish());
        }
    }

    /// `None` was handed out: for `FusedStream`.
    pub(crate) fn is_terminated(&self) -> bool {
        self.terminated
    }

    /// How the stream ended, once it has.
    pub(crate) fn end(&self) -> Option<StreamEnd> {
        self.end
    }

    pub(crate) fn parser(&self) -> &Parser<Vec<u8>> {
        &self.parser
    }
}

impl core::fmt::Debug for Queue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Queue")
            .field("parser", &self.parser)
            .field("queued", &self.items.len())
            .field("end", &self.end)
            .finish()
    }
}

/// Copies what the parser hands out into the queue.
struct Push<'q>(&'q mut VecDeque<Result<OwnedEvent, Error>>);

impl Handler for Push<'_> {
    fn event(&mut self, event: Event<'_>) {
        self.0.push_back(Ok(OwnedEvent::from(event)));
    }

    fn error(&mut self, error: Error) {
        self.0.push_back(Err(error));
    }
}
