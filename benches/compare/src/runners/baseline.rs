//! Lower bounds: find every CR and LF with `memchr2` and do nothing else. No parser
//! that looks at line ends can beat the whole-input scan; the per-chunk scan adds the
//! cost of starting over at every chunk, and the per-chunk scan over a `Stream` of
//! chunks adds what polling a `Stream` costs (the floor of the `Stream` adapters).

use crate::Input;
use memchr::memchr2_iter;

/// One `memchr2` scan over the whole input, whatever the chunking.
pub fn whole(input: &Input) -> u64 {
    memchr2_iter(b'\r', b'\n', input.bytes()).count() as u64
}

/// One `memchr2` scan per chunk.
pub fn per_chunk(input: &Input) -> u64 {
    input
        .slices()
        .map(|chunk| memchr2_iter(b'\r', b'\n', chunk).count() as u64)
        .sum()
}

/// What both must return, counted byte by byte.
pub fn expected(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\r' || b == b'\n').count() as u64
}

/// One `memchr2` scan per chunk of the input polled as a `Stream` of `Bytes`, as
/// the `Stream` adapters get it: each chunk taken (a reference count raised) and
/// dropped, nothing else done. No `Stream` adapter can beat it.
pub fn stream_per_chunk(input: &Input) -> u64 {
    use futures::StreamExt;
    futures::executor::block_on(async {
        let mut chunks = input.stream();
        let mut found = 0;
        while let Some(Ok(chunk)) = chunks.next().await {
            found += memchr2_iter(b'\r', b'\n', &chunk).count() as u64;
        }
        found
    })
}
