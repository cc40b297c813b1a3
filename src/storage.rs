//! Where a [`Parser`](crate::Parser) keeps the event in progress.
//!
//! Four buffers, as in the spec: the data buffer, the event type buffer, the
//! last event ID buffer, plus the stream's last event ID as of the last dispatch
//! ("committed"). The committed ID is stored apart only between an `id` line
//! and the next blank line (`dirty`); the rest of the time it is the same bytes
//! as the buffer. A scratch area collects a value cut by a chunk boundary
//! (an `id`, `event` or comment) until its line ends.
//!
//! The parser does all limit accounting ([`Storage::retained`]) before it
//! grows anything, so the methods here never fail.

/// Storage for the event in progress. Sealed: it is a [`Slab`] over lent
/// bytes, an owned array, or (with `alloc`) a growable `Vec`.
pub trait Storage: sealed::Sealed {}

/// The bytes under a [`Slab`]: `&mut [u8]` and `[u8; N]` have a fixed size;
/// `Vec<u8>` (with `alloc`) grows on demand, never past the parser's limit.
pub trait Backing: AsRef<[u8]> + AsMut<[u8]> + sealed::SealedBacking {}

impl Backing for &mut [u8] {}
impl<const N: usize> Backing for [u8; N] {}
#[cfg(feature = "alloc")]
impl Backing for alloc::vec::Vec<u8> {}

pub(crate) mod sealed {
    /// How a [`Backing`](super::Backing) grows.
    pub trait SealedBacking {
        /// The most bytes it can ever hold.
        fn max_len(&self) -> usize;
        /// Grows to exactly `len` bytes (more than now, at most `max_len`).
        fn grow(&mut self, _len: usize) {}
    }

    impl SealedBacking for &mut [u8] {
        fn max_len(&self) -> usize {
            self.len()
        }
    }

    impl<const N: usize> SealedBacking for [u8; N] {
        fn max_len(&self) -> usize {
            N
        }
    }

    #[cfg(feature = "alloc")]
    impl SealedBacking for alloc::vec::Vec<u8> {
        fn max_len(&self) -> usize {
            usize::MAX
        }

        fn grow(&mut self, len: usize) {
            // Exactly: what is held never passes the limit.
            self.reserve_exact(len.saturating_sub(self.len()));
            self.resize(len, 0);
        }
    }

    /// The operations the parser needs. Growth is checked by the caller
    /// against [`Sealed::capacity`] through [`Sealed::retained`].
    pub trait Sealed {
        /// Bytes that can ever be retained (`usize::MAX` when growable).
        fn capacity(&self) -> usize;
        /// The parser's limit: a growable backing never grows past it.
        fn set_limit(&mut self, limit: usize);
        fn data(&self) -> &[u8];
        fn scratch(&self) -> &[u8];
        fn event_type(&self) -> &[u8];
        /// The last event ID buffer.
        fn id(&self) -> &[u8];
        /// The last event ID as of the last dispatch.
        fn committed_id(&self) -> &[u8];
        /// Bytes held now, all buffers together. Growth below is checked by
        /// the parser (`retained() + growth <= limit`) before it is asked for;
        /// a growable backing grows as it happens.
        fn retained(&self) -> usize;
        /// Appends an LF first if `separator`, then `bytes`. Requires an empty
        /// scratch.
        fn push_data(&mut self, separator: bool, bytes: &[u8]);
        fn push_scratch(&mut self, bytes: &[u8]);
        fn clear_scratch(&mut self);
        /// Clears data, event type and scratch.
        fn clear_event(&mut self);
        fn clear_event_type(&mut self);
        /// Event type := scratch (the event type was cleared at line start).
        fn scratch_to_event_type(&mut self);
        /// Event type := `bytes` (clears it first).
        fn set_event_type(&mut self, bytes: &[u8]);
        /// ID buffer := scratch; the committed ID keeps its value.
        fn scratch_to_id(&mut self);
        /// Dispatch step 1: committed ID := ID buffer.
        fn commit_id(&mut self);
        /// A new connection, or a dropped event: ID buffer := committed ID.
        fn revert_id(&mut self);
        /// Both IDs := `id`; clears everything else.
        fn seed_id(&mut self, id: &[u8]);
    }
}

/// Storage for the event in progress, in one run of bytes: lent (`&mut [u8]`),
/// an array `[u8; N]` owned by the parser, or a `Vec<u8>` that grows up to the
/// limit (the [`Decoder`](crate::Decoder)). For fixed backings the length is
/// the limit on what one event retains.
///
/// Layout: `[data | scratch | free | inner | outer | committed ID]`. Data and
/// scratch grow from the front. The committed last event ID sits at the very
/// end. The event type and the pending ID (the ID buffer while it differs from
/// the committed one) sit between: whichever was written last is the inner one,
/// next to the free space, so writing it again moves nothing, and switching
/// moves the other one once. Every byte moved was written by a line of the
/// current event, so the work stays linear in the input whatever the order of
/// `event` and `id` lines.
#[derive(Debug)]
pub struct Slab<B> {
    buf: B,
    /// How far a growable backing may grow.
    limit: usize,
    data: usize,
    scratch: usize,
    event_type: usize,
    /// Length of the pending ID (0 unless `dirty`).
    pending: usize,
    /// Length of the committed ID (also the ID buffer unless `dirty`).
    committed: usize,
    /// The ID buffer differs from the committed ID (an `id` line since the
    /// last blank line).
    dirty: bool,
    /// The pending ID is the inner region (else the event type is).
    pending_inner: bool,
}

// Lengths here sum to at most `cap()` (see the trait impl below).
#[allow(clippy::arithmetic_side_effects)]
impl<B: Backing> Slab<B> {
    pub(crate) fn new(buf: B) -> Self {
        Self {
            buf,
            limit: usize::MAX,
            data: 0,
            scratch: 0,
            event_type: 0,
            pending: 0,
            committed: 0,
            dirty: false,
            pending_inner: false,
        }
    }

    fn cap(&self) -> usize {
        self.buf.as_ref().len()
    }

    /// Makes room for `extra` more bytes: grows a growable backing,
    /// geometrically but never past the limit. Only what is written is
    /// reserved (an event handed out from the input costs no memory).
    #[inline]
    fn grow_for(&mut self, extra: usize) {
        let total = self.retained_len() + extra;
        let cap = self.cap();
        if total <= cap {
            return;
        }
        let len = cap.saturating_mul(2).max(256).min(self.limit).max(total);
        let back = self.back_len();
        self.buf.grow(len);
        // The back regions stay at the back.
        self.move_bytes(cap - back, back, self.cap() - back);
    }

    fn retained_len(&self) -> usize {
        self.data + self.scratch + self.back_len()
    }

    fn back_len(&self) -> usize {
        self.event_type + self.pending + self.committed
    }

    /// Start of the back regions (the inner one).
    fn back(&self) -> usize {
        self.cap() - self.back_len()
    }

    /// Where the event type and the pending ID start.
    fn starts(&self) -> (usize, usize) {
        let back = self.back();
        if self.pending_inner {
            (back + self.pending, back)
        } else {
            (back, back + self.event_type)
        }
    }

    fn bytes(&self, start: usize, len: usize) -> &[u8] {
        self.buf.as_ref().get(start..start + len).unwrap_or(&[])
    }

    fn write(&mut self, at: usize, bytes: &[u8]) {
        if let Some(dst) = self.buf.as_mut().get_mut(at..at + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
    }

    /// `copy_within` (a memmove) that cannot panic: out-of-range moves are
    /// skipped (the parser's accounting makes them impossible).
    fn move_bytes(&mut self, from: usize, len: usize, to: usize) {
        let buf = self.buf.as_mut();
        if from + len <= buf.len() && to + len <= buf.len() {
            buf.copy_within(from..from + len, to);
        }
    }

    /// Empties the event type and makes it the inner region (it is about to
    /// be written). Moves the pending ID only if it was inner.
    fn empty_event_type(&mut self) {
        if self.pending_inner && self.event_type > 0 {
            let back = self.back();
            self.move_bytes(back, self.pending, back + self.event_type);
        }
        self.event_type = 0;
        self.pending_inner = false;
    }

    /// Drops the pending ID (it must be `dirty`), leaving the event type.
    fn drop_pending(&mut self) {
        if !self.pending_inner {
            // [event type | pending | committed]: the event type moves up.
            let back = self.back();
            self.move_bytes(back, self.event_type, back + self.pending);
        }
        self.pending = 0;
        self.pending_inner = false;
    }
}

impl<B: Backing> Storage for Slab<B> {}

// Index arithmetic below works on lengths whose sum the parser keeps at or
// below `cap()` (it checks `retained() + growth <= capacity()` first).
#[allow(clippy::arithmetic_side_effects)]
impl<B: Backing> sealed::Sealed for Slab<B> {
    fn capacity(&self) -> usize {
        self.buf.max_len()
    }

    fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    fn data(&self) -> &[u8] {
        self.bytes(0, self.data)
    }

    fn scratch(&self) -> &[u8] {
        self.bytes(self.data, self.scratch)
    }

    fn event_type(&self) -> &[u8] {
        self.bytes(self.starts().0, self.event_type)
    }

    fn id(&self) -> &[u8] {
        if self.dirty {
            self.bytes(self.starts().1, self.pending)
        } else {
            self.committed_id()
        }
    }

    fn committed_id(&self) -> &[u8] {
        self.bytes(self.cap() - self.committed, self.committed)
    }

    fn retained(&self) -> usize {
        self.retained_len()
    }

    fn push_data(&mut self, separator: bool, bytes: &[u8]) {
        debug_assert_eq!(self.scratch, 0);
        self.grow_for(usize::from(separator) + bytes.len());
        if separator {
            if let Some(byte) = self.buf.as_mut().get_mut(self.data) {
                *byte = b'\n';
            }
            self.data += 1;
        }
        self.write(self.data, bytes);
        self.data += bytes.len();
    }

    fn push_scratch(&mut self, bytes: &[u8]) {
        self.grow_for(bytes.len());
        self.write(self.data + self.scratch, bytes);
        self.scratch += bytes.len();
    }

    fn clear_scratch(&mut self) {
        self.scratch = 0;
    }

    fn clear_event(&mut self) {
        self.data = 0;
        self.scratch = 0;
        self.empty_event_type();
    }

    fn clear_event_type(&mut self) {
        self.empty_event_type();
    }

    fn scratch_to_event_type(&mut self) {
        self.empty_event_type();
        let len = self.scratch;
        let to = self.back() - len;
        self.move_bytes(self.data, len, to);
        self.event_type = len;
        self.scratch = 0;
    }

    fn set_event_type(&mut self, bytes: &[u8]) {
        self.empty_event_type();
        self.grow_for(bytes.len());
        let to = self.back() - bytes.len();
        self.write(to, bytes);
        self.event_type = bytes.len();
    }

    fn scratch_to_id(&mut self) {
        if self.dirty {
            self.drop_pending();
        }
        // The new pending ID becomes the inner region; the old ID, if it was
        // not pending, stays where it is as the committed one.
        let len = self.scratch;
        let to = self.back() - len;
        self.move_bytes(self.data, len, to);
        self.pending = len;
        self.pending_inner = true;
        self.dirty = true;
        self.scratch = 0;
    }

    fn commit_id(&mut self) {
        if !self.dirty {
            return;
        }
        // [inner | outer | committed] -> [event type | pending as committed].
        let (back, inner) = (self.back(), self.event_type + self.pending);
        let to = back + self.committed;
        self.move_bytes(back, inner, to);
        if self.pending_inner {
            // [pending | event type] -> [event type | pending].
            if let Some(region) = self.buf.as_mut().get_mut(to..to + inner) {
                region.rotate_left(self.pending);
            }
        }
        self.committed = self.pending;
        self.pending = 0;
        self.pending_inner = false;
        self.dirty = false;
    }

    fn revert_id(&mut self) {
        if self.dirty {
            self.drop_pending();
            self.dirty = false;
        }
    }

    fn seed_id(&mut self, id: &[u8]) {
        self.clear_event();
        if self.dirty {
            self.drop_pending();
            self.dirty = false;
        }
        self.committed = 0;
        self.grow_for(id.len());
        let to = self.cap() - id.len();
        self.write(to, id);
        self.committed = id.len();
    }
}
