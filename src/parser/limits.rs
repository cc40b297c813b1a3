//! How much the event in progress may still take: the one room
//! computation ([`Parser::room`]) that every path asks, the event's, the
//! ID's, a comment's and the held-back bytes'.

use super::Parser;
use crate::buffers::Storage;
use crate::{Error, OnLimit};

use super::Mode;

impl<S: Storage> Parser<S> {
    /// Bytes held for the event, whether in storage or borrowed.
    #[inline(always)]
    pub(super) fn held(&self, borrowed: Option<&[u8]>) -> usize {
        self.buffers
            .retained()
            .saturating_add(borrowed.map_or(0, <[u8]>::len))
    }

    /// How many more bytes the event may take: the one room computation.
    #[inline(always)]
    pub(super) fn room(&self, borrowed: Option<&[u8]>) -> usize {
        self.limit.saturating_sub(self.held(borrowed))
    }

    /// Whether `extra` more bytes fit the event limit; the error if not.
    pub(super) fn fits(&self, extra: usize, borrowed: Option<&[u8]>) -> Result<(), Error> {
        if extra <= self.room(borrowed) {
            return Ok(());
        }
        Err(Error::LimitExceeded {
            limit: self.limit,
            needed: self.held(borrowed).saturating_add(extra),
        })
    }

    /// Checks that `extra` more bytes fit; if not, drops the event and applies
    /// the [`OnLimit`] policy.
    #[inline]
    pub(super) fn check(
        &mut self,
        extra: usize,
        borrowed: &mut Option<&[u8]>,
    ) -> Result<(), Error> {
        match self.fits(extra, *borrowed) {
            Ok(()) => Ok(()),
            Err(error) => Err(self.drop_event(error, borrowed)),
        }
    }

    /// The bound on one `id` value: [`Config::max_id_bytes`](crate::Config::max_id_bytes),
    /// and no more than the event limit (an ID is part of its event).
    pub(super) fn id_limit(&self) -> usize {
        self.config.max_id_bytes.min(self.limit)
    }

    /// Whether `extra` more bytes of an `id` value (its pieces so far are in
    /// scratch) fit the ID limit and the event limit; the error if not.
    pub(super) fn id_fits(&self, extra: usize, borrowed: Option<&[u8]>) -> Result<(), Error> {
        let len = self.buffers.scratch().len().saturating_add(extra);
        if len > self.config.max_id_bytes {
            return Err(Error::IdTooLong {
                limit: self.config.max_id_bytes,
            });
        }
        self.fits(extra, borrowed)
    }

    /// How many bytes of a comment may be kept: the comment cap, and what the
    /// event limit leaves beside the comment's own pieces so far.
    pub(super) fn comment_room(&self, borrowed: Option<&[u8]>) -> usize {
        let stored = self.buffers.scratch().len();
        self.config
            .max_comment_bytes
            .min(self.room(borrowed).saturating_add(stored))
    }

    /// How many bytes may be held back (see `HeldBack`) so that parsing
    /// them later could report nothing, not even an error: every byte may
    /// become a byte of the event or of the ID, and a new `data` line adds
    /// an LF.
    pub(super) fn hold_back_room(&self) -> usize {
        let id_room = self
            .config
            .max_id_bytes
            .saturating_sub(self.buffers.scratch().len());
        self.room(None).min(id_room).saturating_sub(1)
    }

    /// Drops the event in progress for `error` and applies the [`OnLimit`]
    /// policy.
    pub(super) fn drop_event(&mut self, error: Error, borrowed: &mut Option<&[u8]>) -> Error {
        *borrowed = None;
        self.id_over = None;
        self.buffers.clear_event();
        self.buffers.revert_id();
        self.has_data = false;
        self.line_open = false;
        self.comment_cut = false;
        self.tokenizer.skip_rest_of_line();
        self.mode = match self.config.on_limit {
            OnLimit::Stop => Mode::Stopped,
            OnLimit::SkipEvent => Mode::Skipping,
        };
        error
    }
}
