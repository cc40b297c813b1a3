//! Where a [`Parser`](crate::Parser) keeps the event in progress.
//!
//! Four buffers, as in the spec: the data buffer, the event type buffer, the
//! last event ID buffer, plus the stream's last event ID as of the last dispatch
//! ("committed"). The committed ID is stored apart only between an `id` line
//! and the next blank line (`dirty`); the rest of the time it is the same bytes
//! as the buffer. A scratch area collects a value cut by a chunk boundary
//! (an `id`, `event` or comment) until its line ends.
//!
//! The parser does all limit accounting ([`EventBuffers::retained`]) before
//! it grows anything, so the methods here never fail. Offsets are checked with
//! `debug_assert!` (tests and fuzzing run with them); release builds skip an
//! out-of-range operation instead of panicking.

/// The bytes a [`Parser`](crate::Parser) keeps its event in: lent
/// (`&mut [u8]`), an array it owns (`[u8; N]`), or, with the `alloc` feature,
/// a `Vec<u8>` that grows as events need, never past the limit. Fixed storage
/// is also the limit on what one event retains.
///
/// Sealed: these three are all there is. Write generic code as
/// `fn f<S: Storage>(parser: &mut Parser<S>)`.
pub trait Storage: sealed::Backing {}

impl Storage for &mut [u8] {}
impl<const N: usize> Storage for [u8; N] {}
#[cfg(feature = "alloc")]
impl Storage for alloc::vec::Vec<u8> {}

pub(crate) mod sealed {
    /// How storage grows. Private, so [`Storage`](super::Storage) is sealed.
    pub trait Backing: AsRef<[u8]> + AsMut<[u8]> {
        /// The most bytes it can ever hold.
        fn max_len(&self) -> usize;
        /// Grows to exactly `len` bytes (more than now, at most `max_len`).
        fn grow(&mut self, _len: usize) {}
    }

    impl Backing for &mut [u8] {
        fn max_len(&self) -> usize {
            self.len()
        }
    }

    impl<const N: usize> Backing for [u8; N] {
        fn max_len(&self) -> usize {
            N
        }
    }

    #[cfg(feature = "alloc")]
    impl Backing for alloc::vec::Vec<u8> {
        fn max_len(&self) -> usize {
            usize::MAX
        }

        fn grow(&mut self, len: usize) {
            // Exactly: what is held never passes the limit.
            self.reserve_exact(len.saturating_sub(self.len()));
            self.resize(len, 0);
        }
    }
}

/// The event in progress, in one run of bytes of some [`Storage`].
///
/// Layout: `[data | scratch | free | near | far | committed ID]`. Data and
/// scratch grow from the front. The committed last event ID sits at the very
/// end. The event type and the pending ID (the ID buffer while it differs from
/// the committed one) sit between: whichever was written last is the near
/// one, next to the free space, so writing it again moves nothing, and
/// switching moves the other one once. Every byte moved was written by a line
/// of the current event, so the work stays linear in the input whatever the
/// order of `event` and `id` lines.
#[derive(Debug)]
pub(crate) struct EventBuffers<S> {
    buf: S,
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
    /// The pending ID is the near region (else the event type is).
    pending_near: bool,
}

// Lengths here sum to at most `cap()`: the parser checks
// `retained() + growth <= limit <= capacity()` before asking for growth.
#[allow(clippy::arithmetic_side_effects)]
impl<S: Storage> EventBuffers<S> {
    pub(crate) fn new(buf: S, limit: usize) -> Self {
        Self {
            buf,
            limit,
            data: 0,
            scratch: 0,
            event_type: 0,
            pending: 0,
            committed: 0,
            dirty: false,
            pending_near: false,
        }
    }

    /// Bytes that can ever be retained (`usize::MAX` when growable).
    pub(crate) fn capacity(&self) -> usize {
        self.buf.max_len()
    }

    fn cap(&self) -> usize {
        self.buf.as_ref().len()
    }

    /// Makes room for `extra` more bytes: grows a growable backing,
    /// geometrically but never past the limit, so what is held stays below
    /// twice the largest event and never above the limit. Only what is
    /// written is reserved (an event handed out from the input costs no
    /// memory).
    #[inline]
    fn reserve(&mut self, extra: usize) {
        if self.retained() + extra > self.cap() {
            self.grow(extra);
        }
    }

    /// [`reserve`](Self::reserve) when the bytes do not fit (rare: a
    /// growable backing reaches its size once).
    #[cold]
    fn grow(&mut self, extra: usize) {
        let total = self.retained() + extra;
        let cap = self.cap();
        debug_assert!(total > cap && total <= self.limit && total <= self.capacity());
        let len = cap.saturating_mul(2).max(256).min(self.limit).max(total);
        let back = self.back_len();
        self.buf.grow(len);
        // The back regions stay at the back.
        self.move_bytes(cap - back, back, self.cap() - back);
    }

    /// Bytes held now, all buffers together. Never above the limit.
    pub(crate) fn retained(&self) -> usize {
        self.data + self.scratch + self.back_len()
    }

    fn back_len(&self) -> usize {
        self.event_type + self.pending + self.committed
    }

    /// Start of the back regions (the near one): the end of the free space.
    pub(crate) fn back(&self) -> usize {
        self.cap() - self.back_len()
    }

    /// Where the event type and the pending ID start.
    fn starts(&self) -> (usize, usize) {
        let back = self.back();
        if self.pending_near {
            (back + self.pending, back)
        } else {
            (back, back + self.event_type)
        }
    }

    fn bytes(&self, start: usize, len: usize) -> &[u8] {
        let got = self.buf.as_ref().get(start..start + len);
        debug_assert!(got.is_some(), "{start}+{len} out of {}", self.cap());
        got.unwrap_or_default()
    }

    fn write(&mut self, at: usize, bytes: &[u8]) {
        let cap = self.cap();
        let dst = self.buf.as_mut().get_mut(at..at + bytes.len());
        debug_assert!(dst.is_some(), "{at}+{} out of {cap}", bytes.len());
        if let Some(dst) = dst {
            dst.copy_from_slice(bytes);
        }
    }

    /// `copy_within` (a memmove).
    fn move_bytes(&mut self, from: usize, len: usize, to: usize) {
        let buf = self.buf.as_mut();
        let fits = from + len <= buf.len() && to + len <= buf.len();
        debug_assert!(fits, "move {from}+{len} to {to} out of {}", buf.len());
        if fits {
            buf.copy_within(from..from + len, to);
        }
    }

    /// Empties the event type and makes it the near region (it is about to
    /// be written). Moves the pending ID only if it was near.
    fn empty_event_type(&mut self) {
        if self.pending_near && self.event_type > 0 {
            let back = self.back();
            self.move_bytes(back, self.pending, back + self.event_type);
        }
        self.event_type = 0;
        self.pending_near = false;
    }

    /// Drops the pending ID (it must be `dirty`), leaving the event type.
    fn drop_pending(&mut self) {
        debug_assert!(self.dirty);
        if !self.pending_near {
            // [event type | pending | committed]: the event type moves up.
            let back = self.back();
            self.move_bytes(back, self.event_type, back + self.pending);
        }
        self.pending = 0;
        self.pending_near = false;
    }

    pub(crate) fn data(&self) -> &[u8] {
        self.bytes(0, self.data)
    }

    pub(crate) fn scratch(&self) -> &[u8] {
        self.bytes(self.data, self.scratch)
    }

    pub(crate) fn event_type(&self) -> &[u8] {
        self.bytes(self.starts().0, self.event_type)
    }

    /// The last event ID buffer.
    pub(crate) fn id(&self) -> &[u8] {
        if self.dirty {
            self.bytes(self.starts().1, self.pending)
        } else {
            self.committed_id()
        }
    }

    /// The last event ID as of the last dispatch.
    pub(crate) fn committed_id(&self) -> &[u8] {
        self.bytes(self.cap() - self.committed, self.committed)
    }

    /// Appends an LF first if `separator`, then `bytes`. Requires an empty
    /// scratch. The hot path of every stored `data` line: one range check,
    /// one copy.
    #[inline]
    pub(crate) fn push_data(&mut self, separator: bool, bytes: &[u8]) {
        debug_assert_eq!(self.scratch, 0);
        let start = self.data;
        let end = start + usize::from(separator) + bytes.len();
        if end > self.back() {
            self.grow(end - start);
        }
        let cap = self.cap();
        let dst = self.buf.as_mut().get_mut(start..end);
        debug_assert!(dst.is_some(), "{start}..{end} out of {cap}");
        if let Some(dst) = dst {
            match dst.split_first_mut() {
                Some((first, rest)) if separator => {
                    *first = b'\n';
                    rest.copy_from_slice(bytes);
                }
                _ => dst.copy_from_slice(bytes),
            }
            self.data = end;
        }
    }

    /// Appends an LF, then `value`, if they fit below `back` (what
    /// [`back`](Self::back) said, nothing stored since but data): no
    /// growth, fewer checks than [`push_data`](Self::push_data), for a run
    /// of `data` lines. `false`, nothing changed, if they do not fit.
    #[inline(always)]
    pub(crate) fn push_line_below(&mut self, value: &[u8], back: usize) -> bool {
        debug_assert_eq!(self.scratch, 0);
        debug_assert_eq!(back, self.back());
        let start = self.data;
        let end = start + 1 + value.len();
        if end > back {
            return false;
        }
        match self
            .buf
            .as_mut()
            .get_mut(start..end)
            .map(|dst| dst.split_first_mut())
        {
            Some(Some((separator, dst))) => {
                *separator = b'\n';
                dst.copy_from_slice(value);
                self.data = end;
                true
            }
            _ => false,
        }
    }

    /// Like [`push_line_below`](Self::push_line_below) for a value that is
    /// the first `len` bytes of `block`: the whole block is written (a copy
    /// of fixed size, no call, no branch on the length), and only `len` of
    /// it kept; the rest is spare space again. `false` if it does not fit.
    #[inline(always)]
    pub(crate) fn push_line_block<const N: usize>(
        &mut self,
        block: &[u8; N],
        len: usize,
        back: usize,
    ) -> bool {
        debug_assert_eq!(self.scratch, 0);
        debug_assert_eq!(back, self.back());
        debug_assert!(len <= N);
        let start = self.data;
        if start + 1 + N > back {
            return false;
        }
        let Some((separator, rest)) = self
            .buf
            .as_mut()
            .get_mut(start..)
            .and_then(|dst| dst.split_first_mut())
        else {
            return false;
        };
        let Some(dst) = rest.first_chunk_mut::<N>() else {
            return false;
        };
        *separator = b'\n';
        *dst = *block;
        self.data = start + 1 + len;
        true
    }

    pub(crate) fn push_scratch(&mut self, bytes: &[u8]) {
        self.reserve(bytes.len());
        self.write(self.data + self.scratch, bytes);
        self.scratch += bytes.len();
    }

    pub(crate) fn clear_scratch(&mut self) {
        self.scratch = 0;
    }

    /// Clears data, event type and scratch.
    pub(crate) fn clear_event(&mut self) {
        self.data = 0;
        self.scratch = 0;
        self.empty_event_type();
    }

    pub(crate) fn clear_event_type(&mut self) {
        self.empty_event_type();
    }

    /// Event type := scratch (the event type was cleared at line start).
    pub(crate) fn scratch_to_event_type(&mut self) {
        self.empty_event_type();
        let len = self.scratch;
        let to = self.back() - len;
        self.move_bytes(self.data, len, to);
        self.event_type = len;
        self.scratch = 0;
    }

    /// Event type := `bytes` (clears it first).
    pub(crate) fn set_event_type(&mut self, bytes: &[u8]) {
        self.empty_event_type();
        self.reserve(bytes.len());
        let to = self.back() - bytes.len();
        self.write(to, bytes);
        self.event_type = bytes.len();
    }

    /// ID buffer := scratch; the committed ID keeps its value.
    pub(crate) fn scratch_to_id(&mut self) {
        if self.dirty {
            self.drop_pending();
        }
        // The new pending ID becomes the near region; the old ID, if it was
        // not pending, stays where it is as the committed one.
        let len = self.scratch;
        let to = self.back() - len;
        self.move_bytes(self.data, len, to);
        self.pending = len;
        self.pending_near = true;
        self.dirty = true;
        self.scratch = 0;
    }

    /// Dispatch step 1: committed ID := ID buffer.
    #[inline(always)] // once per event, on the hot path
    pub(crate) fn commit_id(&mut self) {
        if !self.dirty {
            return;
        }
        // [near | far | committed] -> [event type | pending as committed].
        let (back, both) = (self.back(), self.event_type + self.pending);
        let to = back + self.committed;
        self.move_bytes(back, both, to);
        if self.pending_near {
            // [pending | event type] -> [event type | pending].
            let region = self.buf.as_mut().get_mut(to..to + both);
            debug_assert!(region.is_some());
            if let Some(region) = region {
                region.rotate_left(self.pending);
            }
        }
        self.committed = self.pending;
        self.pending = 0;
        self.pending_near = false;
        self.dirty = false;
    }

    /// A new connection, or a dropped event: ID buffer := committed ID.
    pub(crate) fn revert_id(&mut self) {
        if self.dirty {
            self.drop_pending();
            self.dirty = false;
        }
    }

    /// Both IDs := `id`; clears everything else.
    pub(crate) fn seed_id(&mut self, id: &[u8]) {
        self.clear_event();
        self.revert_id();
        self.committed = 0;
        self.reserve(id.len());
        let to = self.cap() - id.len();
        self.write(to, id);
        self.committed = id.len();
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::EventBuffers;

    /// The buffers as five plain vectors.
    #[derive(Default)]
    struct Model {
        data: Vec<u8>,
        scratch: Vec<u8>,
        event_type: Vec<u8>,
        id: Vec<u8>,
        committed: Vec<u8>,
        dirty: bool,
    }

    impl Model {
        fn retained(&self) -> usize {
            let pending = if self.dirty { self.id.len() } else { 0 };
            self.data.len()
                + self.scratch.len()
                + self.event_type.len()
                + pending
                + self.committed.len()
        }

        fn id(&self) -> &[u8] {
            if self.dirty {
                &self.id
            } else {
                &self.committed
            }
        }
    }

    /// A small deterministic generator (splitmix64).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % n as u64) as usize
        }

        fn bytes(&mut self, tag: u8) -> Vec<u8> {
            let len = [0, 1, 2, 5, 17, 40][self.below(6)];
            (0..len).map(|i| tag.wrapping_add(i as u8)).collect()
        }
    }

    /// Random operations, each applied to the buffers and to the model when it
    /// fits (as the parser checks before growing); every region must read back
    /// as the model says after every step.
    fn against_model<S: super::Storage>(mut buffers: EventBuffers<S>, cap: usize, seed: u64) {
        let mut model = Model::default();
        let mut rng = Rng(seed);
        for step in 0..4000 {
            let bytes = rng.bytes((step % 251) as u8);
            let op = rng.below(13);
            let mut next = Model {
                data: model.data.clone(),
                scratch: model.scratch.clone(),
                event_type: model.event_type.clone(),
                id: model.id.clone(),
                committed: model.committed.clone(),
                dirty: model.dirty,
            };
            match op {
                0 | 1 if model.scratch.is_empty() => {
                    let separator = op == 1 && !model.data.is_empty();
                    if separator {
                        next.data.push(b'\n');
                    }
                    next.data.extend_from_slice(&bytes);
                }
                2 => next.scratch.extend_from_slice(&bytes),
                3 => next.scratch.clear(),
                4 => {
                    next.data.clear();
                    next.scratch.clear();
                    next.event_type.clear();
                }
                5 => next.event_type = core::mem::take(&mut next.scratch),
                6 => next.event_type = bytes.clone(),
                7 => {
                    next.id = core::mem::take(&mut next.scratch);
                    next.dirty = true;
                }
                8 => {
                    if next.dirty {
                        next.committed = next.id.clone();
                    }
                    next.dirty = false;
                }
                9 => next.dirty = false,
                10 => {
                    next = Model::default();
                    next.committed = bytes.clone();
                }
                // The run-of-lines copies: they store only if the line fits
                // below the free space's end, and say whether it did.
                11 | 12 if model.scratch.is_empty() => {
                    next.data.push(b'\n');
                    next.data.extend_from_slice(&bytes);
                    if next.retained() > cap {
                        continue;
                    }
                    let back = buffers.back();
                    let stored = if op == 11 {
                        buffers.push_line_below(&bytes, back)
                    } else {
                        let mut block = [0xAA; 64];
                        block[..bytes.len()].copy_from_slice(&bytes);
                        buffers.push_line_block(&block, bytes.len(), back)
                    };
                    if !stored {
                        // Nothing changed: the caller grows through `push_data`.
                        next = model;
                        assert_eq!(
                            buffers.data(),
                            &next.data[..],
                            "data after a refused op {op}"
                        );
                    }
                    model = next;
                    assert_eq!(
                        buffers.data(),
                        &model.data[..],
                        "data after op {op}, step {step}"
                    );
                    assert_eq!(
                        buffers.retained(),
                        model.retained(),
                        "retained, step {step}"
                    );
                    // The block's spare bytes never reach the regions at the back.
                    assert_eq!(buffers.event_type(), &model.event_type[..], "step {step}");
                    assert_eq!(buffers.id(), model.id(), "ID buffer, step {step}");
                    assert_eq!(buffers.committed_id(), &model.committed[..], "step {step}");
                    continue;
                }
                _ => continue,
            }
            // The parser checks the total before anything grows.
            if next.retained() > cap || model.retained() + bytes.len() + 1 > cap {
                continue;
            }
            match op {
                0 | 1 => buffers.push_data(op == 1 && !model.data.is_empty(), &bytes),
                2 => buffers.push_scratch(&bytes),
                3 => buffers.clear_scratch(),
                4 => buffers.clear_event(),
                5 => buffers.scratch_to_event_type(),
                6 => buffers.set_event_type(&bytes),
                7 => buffers.scratch_to_id(),
                8 => buffers.commit_id(),
                9 => buffers.revert_id(),
                _ => buffers.seed_id(&bytes),
            }
            model = next;
            assert_eq!(
                buffers.data(),
                &model.data[..],
                "data after op {op}, step {step}"
            );
            assert_eq!(
                buffers.scratch(),
                &model.scratch[..],
                "scratch, step {step}"
            );
            assert_eq!(
                buffers.event_type(),
                &model.event_type[..],
                "event type, step {step}"
            );
            assert_eq!(buffers.id(), model.id(), "ID buffer, step {step}");
            assert_eq!(
                buffers.committed_id(),
                &model.committed[..],
                "committed, step {step}"
            );
            assert_eq!(
                buffers.retained(),
                model.retained(),
                "retained, step {step}"
            );
        }
    }

    #[test]
    fn fixed_storage_matches_a_model_of_plain_vectors() {
        for seed in 0..20 {
            let mut bytes = [0u8; 160];
            against_model(EventBuffers::new(&mut bytes[..], 160), 160, seed);
            against_model(EventBuffers::new([0u8; 97], 97), 97, seed);
        }
    }

    #[test]
    #[cfg(feature = "alloc")]
    fn growable_storage_matches_a_model_of_plain_vectors() {
        for seed in 0..20 {
            against_model(EventBuffers::new(Vec::new(), 300), 300, seed);
        }
    }
}
