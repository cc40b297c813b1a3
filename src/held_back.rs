//! A few bytes of a line held back instead of parsed, for streams read in
//! tiny chunks (a byte or a few at a time: a serial port, a proxy flushing
//! every write). Parsing a chunk has a fixed cost of a couple of hundred
//! instructions whatever its size; bytes without a line end produce nothing
//! for the caller, so the parser keeps up to [`HeldBack::CAPACITY`] of them and
//! parses them in one go, just before the next chunk (or the end).

use crate::tokenizer::{has_no_line_end, is_line_end};

/// Bytes of the current line not parsed yet, in stream order.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HeldBack {
    bytes: [u8; HeldBack::CAPACITY],
    len: u8,
    /// How many bytes may be held in all, set when the first is: nothing
    /// else changes while bytes are held.
    cap: u8,
}

impl HeldBack {
    /// How many bytes may be held: a whole short line (`: ping`, `data: x`),
    /// and few enough that the copy stays cheap.
    pub(crate) const CAPACITY: usize = 16;

    pub(crate) fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Holds `input` after bytes held already, if it fits and has no line
    /// end (a line end may complete something for the caller).
    #[inline(always)]
    pub(crate) fn hold_more(&mut self, input: &[u8]) -> bool {
        self.len != 0 && Self::may_hold(input) && self.hold(input, usize::from(self.cap))
    }

    /// Holds `input` as the first bytes, if it fits in `cap` (at most
    /// [`CAPACITY`](Self::CAPACITY)) and has no line end.
    #[inline(always)]
    pub(crate) fn hold_first(&mut self, input: &[u8], cap: usize) -> bool {
        let cap = cap.min(Self::CAPACITY);
        self.cap = u8::try_from(cap).unwrap_or(0);
        self.len == 0 && self.hold(input, cap)
    }

    /// Whether `input` could be held at all: shorter than the capacity, and
    /// not ending with a line end (a chunk per event does: it is turned away
    /// at the cost of one comparison).
    #[inline(always)]
    pub(crate) fn may_hold(input: &[u8]) -> bool {
        input.len() < Self::CAPACITY && !input.last().copied().is_some_and(is_line_end)
    }

    #[inline(always)]
    fn hold(&mut self, input: &[u8], cap: usize) -> bool {
        let held = self.len();
        let end = held.saturating_add(input.len());
        if end > cap || !has_no_line_end(input) {
            return false;
        }
        let Some(slot) = self.bytes.get_mut(held..end) else {
            return false;
        };
        // One byte at a time is the case to make cheap: no `memcpy` call.
        match (slot, input) {
            ([to], [from]) => *to = *from,
            (slot, input) => slot.copy_from_slice(input),
        }
        // At most CAPACITY (16): fits in a u8.
        self.len = u8::try_from(end).unwrap_or(u8::MAX);
        true
    }

    /// The bytes held, given up: the caller parses them.
    pub(crate) fn take(&mut self) -> ([u8; HeldBack::CAPACITY], usize) {
        let len = self.len();
        self.len = 0;
        (self.bytes, len)
    }

    /// The bytes held followed by `input`, given up, if they fit together
    /// (line ends allowed: the caller parses them at once).
    pub(crate) fn take_with(&mut self, input: &[u8]) -> Option<([u8; HeldBack::CAPACITY], usize)> {
        let held = self.len();
        let end = held.saturating_add(input.len());
        self.bytes.get_mut(held..end)?.copy_from_slice(input);
        self.len = 0;
        Some((self.bytes, end))
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }
}
