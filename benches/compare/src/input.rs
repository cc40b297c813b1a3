//! A corpus cut into chunks, in the shapes the parsers take it.

use crate::corpus::{self, Chunking};
use bytes::Bytes;
use futures::io::{AsyncBufRead, AsyncRead};
use futures::stream::{self, Stream};
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The input of one run: the corpus bytes, cut into chunks that share one buffer.
pub struct Input {
    whole: Bytes,
    chunking: Chunking,
    chunks: Vec<Bytes>,
}

impl Input {
    pub fn new(bytes: &[u8], chunking: Chunking) -> Input {
        Input::from_bytes(Bytes::copy_from_slice(bytes), chunking)
    }

    fn from_bytes(whole: Bytes, chunking: Chunking) -> Input {
        let chunks = corpus::chunks(&whole, chunking)
            .into_iter()
            .map(|c| whole.slice_ref(c))
            .collect();
        Input {
            whole,
            chunking,
            chunks,
        }
    }

    /// The first `len` bytes, cut the same way (not at an event boundary).
    pub fn prefix(&self, len: usize) -> Input {
        Input::from_bytes(self.whole.slice(..len), self.chunking)
    }

    pub fn len(&self) -> usize {
        self.whole.len()
    }

    pub fn is_empty(&self) -> bool {
        self.whole.is_empty()
    }

    /// The whole input, ignoring the chunking (for baselines).
    pub fn bytes(&self) -> &[u8] {
        &self.whole
    }

    /// The chunks as plain slices, for push parsers.
    pub fn slices(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.chunks.iter().map(|c| &c[..])
    }

    /// The chunks as a stream of `Bytes` that never fails, as an HTTP body gives them.
    /// Cloning a chunk only bumps a reference count.
    pub fn stream(&self) -> impl Stream<Item = Result<Bytes, Infallible>> + Unpin + '_ {
        stream::iter(self.chunks.iter().map(|c| Ok(c.clone())))
    }

    /// An in-memory reader that hands out at most the rest of the current chunk per
    /// read, so chunk borders reach the parser unchanged.
    pub fn reader(&self) -> ChunkReader<'_> {
        ChunkReader {
            chunks: &self.chunks,
            index: 0,
            pos: 0,
        }
    }
}

/// See [`Input::reader`]. Always ready; an empty read means end of input.
pub struct ChunkReader<'a> {
    chunks: &'a [Bytes],
    index: usize,
    pos: usize,
}

impl ChunkReader<'_> {
    fn rest(&mut self) -> &[u8] {
        while self.index < self.chunks.len() && self.pos == self.chunks[self.index].len() {
            self.index += 1;
            self.pos = 0;
        }
        match self.chunks.get(self.index) {
            Some(chunk) => &chunk[self.pos..],
            None => &[],
        }
    }
}

impl AsyncRead for ChunkReader<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let rest = self.rest();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Poll::Ready(Ok(n))
    }
}

/// The same reader for tokio's `AsyncRead` (ssewire's `AsyncEventReader`).
impl tokio::io::AsyncRead for ChunkReader<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let rest = self.rest();
        let n = rest.len().min(buf.remaining());
        buf.put_slice(&rest[..n]);
        self.pos += n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for ChunkReader<'_> {
    fn poll_fill_buf(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Poll::Ready(Ok(self.get_mut().rest()))
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        self.pos += amt;
    }
}
