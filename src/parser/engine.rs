//! The one engine: `advance` runs the tokenizer (its one door,
//! `next_token`) until something is ready for the caller, and stores each
//! field's value pieces on the way, one method per field.

use super::{Clear, Found, Mode, Parser, Source};
use crate::buffers::Storage;
use crate::offsets::{add, head, tail};
use crate::tokenizer::{Fast, Field, Piece, Token};
use crate::Error;

/// The longest `data` line `more_data_lines` copies as a fixed-size block.
const SHORT_LINE: usize = 128;

impl<S: Storage> Parser<S> {
    /// Runs the tokenizer until there is something for the caller. The
    /// normal mode is the hot path, inline here; skipping and stopped modes
    /// are `advance_cold`. Inlined into `feed` and `feed_all`: with one small
    /// chunk per call, the call itself was a quarter of the cost (callgrind).
    #[inline(always)]
    pub(super) fn advance<'i>(
        &mut self,
        input: &'i [u8],
    ) -> (Result<Found<Source<'i>>, Error>, usize) {
        let mut pos = 0usize;
        if self.line_open && self.mode == Mode::Normal {
            // A chunk that goes on with an open `data` value (most chunks of
            // a stream read in small pieces): its piece stored at once.
            // (An open value means nothing was handed out since: nothing
            // to clear.)
            if let Some((piece, used)) = self.tokenizer.data_value(input) {
                pos = used;
                if let Err(error) = self.data_piece(piece, &mut None) {
                    return (Err(error), pos);
                }
                if pos >= input.len() {
                    return (Ok(Found::NeedInput), pos);
                }
            }
        }
        self.run_clear();
        if self.mode != Mode::Normal {
            return self.advance_cold(input);
        }
        let mut borrowed: Option<&'i [u8]> = None;
        loop {
            let rest = tail(input, pos);
            if let Some((fast, used)) = self.tokenizer.fast(rest) {
                pos = add(pos, used);
                let dispatches = match fast {
                    Fast::Data(piece) => match self.data_piece(piece, &mut borrowed) {
                        Ok(false) => false,
                        Ok(true) => {
                            pos = add(pos, self.more_data_lines(tail(input, pos)));
                            false
                        }
                        Err(error) => return (Err(error), pos),
                    },
                    Fast::Event(value) => {
                        // A whole one-line event (LLM tokens) is handed out
                        // borrowed; the last line of a longer one stored.
                        if let Err(error) = self.data_piece(Piece::Whole(value), &mut borrowed) {
                            // Its blank line is consumed already: the
                            // skip it started ends there.
                            if self.mode == Mode::Skipping {
                                self.mode = Mode::Normal;
                            }
                            return (Err(error), pos);
                        }
                        true
                    }
                    Fast::BlankLine => true,
                };
                if dispatches {
                    match self.dispatch(&mut borrowed) {
                        Ok(Some(found)) => return (Ok(found), pos),
                        Ok(None) => {}
                        Err(error) => return (Err(error), pos),
                    }
                }
                if pos >= input.len() {
                    self.spill(&mut borrowed);
                    return (Ok(Found::NeedInput), pos);
                }
                continue;
            }
            let (token, used) = self.tokenizer.next_token(rest);
            pos = add(pos, used);
            match token {
                // The hot tokens first: `data` pieces and the blank line.
                Token::Value {
                    field: Field::Data,
                    piece,
                } => match self.data_piece(piece, &mut borrowed) {
                    Ok(false) => {}
                    // Stored, not borrowed: the event has more lines, most
                    // often more `data` lines.
                    Ok(true) => pos = add(pos, self.more_data_lines(tail(input, pos))),
                    Err(error) => return (Err(error), pos),
                },
                Token::BlankLine => match self.dispatch(&mut borrowed) {
                    Ok(Some(found)) => return (Ok(found), pos),
                    Ok(None) => {}
                    Err(error) => return (Err(error), pos),
                },
                other => match self.on_token(other, &mut borrowed) {
                    Ok(Some(found)) => return (Ok(found), pos),
                    Ok(None) => {}
                    Err(error) => return (Err(error), pos),
                },
            }
            if pos >= input.len() {
                // Used up (a piece of a long value, most often, with small
                // chunks): no need to ask the tokenizer again.
                self.spill(&mut borrowed);
                return (Ok(Found::NeedInput), pos);
            }
        }
    }

    /// [`advance`](Self::advance) while skipping or stopped.
    #[cold]
    #[inline(never)]
    fn advance_cold<'i>(&mut self, input: &'i [u8]) -> (Result<Found<Source<'i>>, Error>, usize) {
        if self.mode == Mode::Stopped {
            return self.drop_input(input);
        }
        match self.skip(input) {
            // The skip ended at a blank line: back to parsing.
            (Ok(Found::NeedInput), used) if self.mode == Mode::Normal && used < input.len() => {
                let (found, more) = self.advance(tail(input, used));
                (found, add(used, more))
            }
            other => other,
        }
    }

    /// Skipping an event dropped for a limit, up to its blank line. `retry`
    /// lines and comments belong to no event: they still come out.
    fn skip<'i>(&mut self, input: &'i [u8]) -> (Result<Found<Source<'i>>, Error>, usize) {
        let mut pos = 0usize;
        loop {
            let (token, used) = self.tokenizer.feed(tail(input, pos));
            pos = add(pos, used);
            match token {
                Token::BlankLine => {
                    self.mode = Mode::Normal;
                    return (Ok(Found::NeedInput), pos);
                }
                Token::NeedInput => return (Ok(Found::NeedInput), pos),
                Token::Value {
                    field: Field::Comment,
                    ..
                }
                | Token::Retry(_) => match self.on_token(token, &mut None) {
                    Ok(Some(found)) => return (Ok(found), pos),
                    Ok(None) => {}
                    Err(error) => return (Err(error), pos),
                },
                // The rest of a value of the dropped event: not even scanned
                // for NUL or split into tokens.
                Token::Value {
                    piece: Piece::Part(_),
                    ..
                } => self.tokenizer.skip_rest_of_line(),
                _ => {}
            }
        }
    }

    /// Stopped: the input is consumed and dropped, tracking only where lines
    /// and events end, for [`Parser::resume`].
    fn drop_input<'i>(&mut self, input: &'i [u8]) -> (Result<Found<Source<'i>>, Error>, usize) {
        let mut pos = 0usize;
        while pos < input.len() {
            let (token, used) = self.tokenizer.feed(tail(input, pos));
            pos = add(pos, used);
            if let Token::Value {
                piece: Piece::Part(_),
                ..
            } = token
            {
                self.tokenizer.skip_rest_of_line();
            }
        }
        (Ok(Found::NeedInput), pos)
    }

    /// Every token but a `data` piece and a blank line (`advance` takes
    /// those first), by field.
    fn on_token<'i>(
        &mut self,
        token: Token<'i>,
        borrowed: &mut Option<&'i [u8]>,
    ) -> Result<Option<Found<Source<'i>>>, Error> {
        match token {
            Token::Value { field, piece } => match field {
                Field::Data => self.data_piece(piece, borrowed).map(|_| None),
                Field::Event => self.event_type_piece(piece, borrowed).map(|()| None),
                Field::Id => self.id_piece(piece, borrowed).map(|()| None),
                Field::Comment => Ok(self.comment_piece(piece, borrowed)),
            },
            Token::IgnoredId => {
                self.id_over = None;
                self.buffers.clear_scratch();
                self.line_open = false;
                Ok(None)
            }
            Token::Retry(ms) => {
                self.spill(borrowed);
                self.line_open = false;
                self.reconnection_time = Some(ms);
                Ok(Some(Found::Retry(ms)))
            }
            Token::BlankLine => self.dispatch(borrowed),
            Token::NeedInput => {
                self.spill(borrowed);
                Ok(Some(Found::NeedInput))
            }
        }
    }

    /// A `data` value, or a piece of one, from the input: `true` when a
    /// whole value went to storage (not held as a slice of the input).
    #[inline(always)]
    fn data_piece<'i>(
        &mut self,
        piece: Piece<'i>,
        borrowed: &mut Option<&'i [u8]>,
    ) -> Result<bool, Error> {
        let bytes = match piece {
            Piece::Whole(bytes) if !self.has_data => {
                // The first of an event is held as a slice of the input
                // (maybe the whole event is there).
                self.check(bytes.len(), borrowed)?;
                *borrowed = Some(bytes);
                self.has_data = true;
                return Ok(false);
            }
            Piece::Whole(bytes) | Piece::Part(bytes) | Piece::Last(bytes) => bytes,
        };
        self.spill(borrowed);
        // Before `line_open` changes: it decides the LF separator.
        self.data(bytes, borrowed)?;
        self.line_open = !piece.ends_line();
        Ok(matches!(piece, Piece::Whole(_)))
    }

    /// Appends (part of) a `data` value to the data buffer in storage.
    #[inline(always)]
    fn data(&mut self, bytes: &[u8], borrowed: &mut Option<&[u8]>) -> Result<(), Error> {
        // Spec: "Append the field value to the data buffer, then append a
        // single U+000A LINE FEED". The LF goes in before the next line instead,
        // which is the same as removing the last one at dispatch (step 3).
        let separator = !self.line_open && self.has_data;
        self.check(usize::from(separator).saturating_add(bytes.len()), borrowed)?;
        self.buffers.push_data(separator, bytes);
        self.has_data = true;
        Ok(())
    }

    /// The `data` lines that follow one gone to storage (a Datastar event
    /// has 20-200), from the tokenizer's run of lines, appended in a loop of
    /// their own instead of one pass of `advance` each; the bytes used.
    /// Stops at anything else, a line cut by the end of `input`, or one over
    /// the limit (the token path reports it).
    #[inline]
    fn more_data_lines(&mut self, input: &[u8]) -> usize {
        let mut room = self.room(None);
        let mut back = self.buffers.back();
        let mut lines = self.tokenizer.data_lines(input);
        // The LF before each value takes one byte of room.
        while let Some((value, len)) = room.checked_sub(1).and_then(|max| lines.next_within(max)) {
            // A line up to 128 bytes, with 128 bytes of input and of spare
            // storage after it, is copied as a block of 128: no call and no
            // branch on its length (`memcpy` has both).
            let kept = match value.first_chunk::<SHORT_LINE>() {
                Some(block) if len <= SHORT_LINE => self.buffers.push_line_block(block, len, back),
                _ => false,
            };
            if !kept {
                let value = head(value, len);
                if !self.buffers.push_line_below(value, back) {
                    // Storage to grow (the room says it may).
                    self.buffers.push_data(true, value);
                    back = self.buffers.back();
                }
            }
            room = room.saturating_sub(add(len, 1));
        }
        lines.used()
    }

    /// An `event` value, or a piece of one: it replaces the event type.
    fn event_type_piece<'i>(
        &mut self,
        piece: Piece<'i>,
        borrowed: &mut Option<&'i [u8]>,
    ) -> Result<(), Error> {
        if !self.line_open {
            // Before the check: the old event type is being replaced.
            self.buffers.clear_event_type();
        }
        let bytes = piece.bytes();
        match piece {
            Piece::Whole(_) => {
                self.check(bytes.len(), borrowed)?;
                self.buffers.set_event_type(bytes);
            }
            Piece::Part(_) => {
                self.spill(borrowed);
                self.check(bytes.len(), borrowed)?;
                self.buffers.push_scratch(bytes);
            }
            Piece::Last(_) => {
                self.check(bytes.len(), borrowed)?;
                self.buffers.push_scratch(bytes);
                self.buffers.scratch_to_event_type();
            }
        }
        self.line_open = !piece.ends_line();
        Ok(())
    }

    /// An `id` value, or a piece of one: it replaces the last event ID
    /// buffer. Over a limit, the error waits for the line end (`id_over`):
    /// a NUL may still come, and the spec then ignores the field.
    fn id_piece<'i>(
        &mut self,
        piece: Piece<'i>,
        borrowed: &mut Option<&'i [u8]>,
    ) -> Result<(), Error> {
        let bytes = piece.bytes();
        if let Piece::Part(_) = piece {
            self.spill(borrowed);
            if self.id_over.is_none() {
                match self.id_fits(bytes.len(), *borrowed) {
                    Ok(()) => self.buffers.push_scratch(bytes),
                    Err(error) => {
                        self.id_over = Some(error);
                        self.buffers.clear_scratch();
                    }
                }
            }
            self.line_open = true;
            return Ok(());
        }
        self.line_open = false;
        let over = self.id_over.take();
        if let Some(error) = over.or_else(|| self.id_fits(bytes.len(), *borrowed).err()) {
            return Err(self.drop_event(error, borrowed));
        }
        self.buffers.push_scratch(bytes);
        self.buffers.scratch_to_id();
        Ok(())
    }

    /// A comment, or a piece of one: handed out at its line end.
    fn comment_piece<'i>(
        &mut self,
        piece: Piece<'i>,
        borrowed: &mut Option<&'i [u8]>,
    ) -> Option<Found<Source<'i>>> {
        self.spill(borrowed);
        self.line_open = !piece.ends_line();
        match piece {
            Piece::Whole(bytes) => {
                let text = bytes.get(..self.comment_room(None)).unwrap_or(bytes);
                Some(Found::Comment(
                    Source::Input(text),
                    text.len() < bytes.len(),
                ))
            }
            Piece::Part(bytes) => {
                self.push_comment(bytes);
                None
            }
            Piece::Last(bytes) => {
                self.push_comment(bytes);
                self.clear = Clear::Comment;
                Some(Found::Comment(
                    Source::Stored,
                    core::mem::take(&mut self.comment_cut),
                ))
            }
        }
    }

    /// Keeps what fits of a comment piece in scratch; the rest is dropped.
    fn push_comment(&mut self, bytes: &[u8]) {
        let take = self
            .comment_room(None)
            .saturating_sub(self.buffers.scratch().len())
            .min(bytes.len());
        self.comment_cut |= take < bytes.len();
        self.buffers.push_scratch(head(bytes, take));
    }

    /// Spec: "dispatch the event". `Ok(None)`: nothing to dispatch.
    #[inline(always)] // once per event on the hot path; outlined it cost 7% (callgrind)
    fn dispatch<'i>(
        &mut self,
        borrowed: &mut Option<&'i [u8]>,
    ) -> Result<Option<Found<Source<'i>>>, Error> {
        // Step 1, even when no event follows.
        self.buffers.commit_id();
        self.line_open = false;
        if !self.has_data {
            // Step 2: no data, no event; the event type buffer is reset anyway.
            self.buffers.clear_event();
            return Ok(None);
        }
        self.has_data = false;
        self.clear = Clear::Event;
        if self.config.strict_utf8 {
            let data = borrowed.unwrap_or(self.buffers.data());
            let fields = [
                (Field::Event, self.buffers.event_type()),
                (Field::Data, data),
                (Field::Id, self.buffers.id()),
            ];
            for (field, bytes) in fields {
                if let Err(e) = core::str::from_utf8(bytes) {
                    *borrowed = None;
                    return Err(Error::InvalidUtf8 {
                        field,
                        valid_up_to: e.valid_up_to(),
                    });
                }
            }
        }
        Ok(Some(Found::Event(match borrowed.take() {
            Some(data) => Source::Input(data),
            None => Source::Stored,
        })))
    }

    /// Copies a borrowed `data` line into storage, before anything else is
    /// stored or the input goes away.
    #[inline(always)]
    fn spill(&mut self, borrowed: &mut Option<&[u8]>) {
        if let Some(bytes) = borrowed.take() {
            self.buffers.push_data(false, bytes);
        }
    }
}
