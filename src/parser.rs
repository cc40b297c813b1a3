//! Layers 1 and 2: whole events, assembled from tokens in some [`Storage`].
//!
//! One `feed` call runs the tokenizer until something is ready for the caller
//! (an event, a `retry`, a comment) or the input is used up, and returns that
//! one [`Step`] with the number of bytes consumed. The spec's interpretation
//! rules (§9.2.6) live here: appending data with LF separators, the event type
//! buffer, the last event ID buffer and its commit at each blank line, and the
//! dispatch steps.
//!
//! Zero-copy fast path: a `data` line wholly inside the input, starting an
//! event, is held as a slice of the input (`inline`) and delivered from there if
//! the blank line follows in the same input; anything else that touches the
//! data buffer first copies it into storage ("spills" it).
//!
//! Token-free fast paths (measured with callgrind; see `benches/`): `data`
//! lines go straight from the tokenizer's `data_value`, `data_line` and
//! `data_event` into `data_piece` without building tokens,
//! and a whole one-line event is dispatched in one step. Each leaves the
//! tokenizer exactly as the token path would, so both paths stay
//! interchangeable (the property tests and fixtures run every chunking, which
//! mixes them).
//!
//! Items borrowed from storage are cleared lazily, at the start of the next
//! call (`Cleanup`), so that they can be returned by reference.

use crate::storage::{Slab, Storage};
use crate::tokenizer::{Field, Token, Tokenizer};
use crate::{AtEof, Config, End, Error, Event, OnLimit};

/// What one call of [`Parser::feed`] or [`Parser::finish`] produced. Named
/// after what the caller does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Step<'a> {
    /// An event was dispatched: handle it, then feed the rest of the input.
    Event(Event<'a>),
    /// A `retry` field set the reconnection time to this many milliseconds.
    /// It takes effect at once, whether or not an event follows.
    Retry(u64),
    /// A comment line (only with [`Config::comments`]): the text after the
    /// colon, one leading space removed, cut to
    /// [`Config::max_comment_bytes`].
    Comment(&'a [u8]),
    /// The input is used up: feed the next chunk (or call
    /// [`finish`](Parser::finish) at end of stream).
    NeedInput,
    /// From [`finish`](Parser::finish) only: the stream is over, and this is how
    /// it ended. The parser is ready for a new stream.
    End(End),
}

/// What `advance` found, borrowing the input only (never the parser), so the
/// parser can keep working on itself before turning it into a [`Step`].
enum Out<'i> {
    /// `Some`: the data is this slice of the input; `None`: in storage.
    Event(Option<&'i [u8]>),
    Retry(u64),
    /// `Some`: the comment is this slice of the input; `None`: in scratch.
    Comment(Option<&'i [u8]>),
    NeedInput,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Normal,
    /// Dropping an event that went over the limit, up to its blank line.
    Skipping,
    /// Went over the limit with [`OnLimit::Stop`]: refusing input until reset.
    Stopped(Error),
}

/// What the item handed out last left in storage, to clear on the next call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cleanup {
    Nothing,
    Event,
    Comment,
}

/// An event-stream parser: bytes in, [`Step`]s out, state in `S`.
///
/// Use it through [`Assembler`](crate::Assembler) (lent storage, no
/// allocation), [`Parser<Slab<[u8; N]>>`](Parser::array) (an array it owns), or
/// [`Decoder`](crate::Decoder) (growable buffers, with `alloc`). They behave the
/// same but for the limit: the lent storage's size caps
/// [`Config::max_event_bytes`].
#[derive(Debug)]
pub struct Parser<S> {
    tokenizer: Tokenizer,
    storage: S,
    config: Config,
    limit: usize,
    /// The data buffer is non-empty (counting the LF after each line, which
    /// storage leaves out: it is added before the next line instead).
    has_data: bool,
    /// A `Partial` of the current line came already.
    line_open: bool,
    mode: Mode,
    cleanup: Cleanup,
    reconnection_time: Option<u64>,
    /// How the stream ended, once `finish` has been called.
    eof: Option<End>,
    /// Line ends still to feed for [`AtEof::Dispatch`].
    flush: u8,
}

/// A parser whose events live in storage the caller lends: no allocation,
/// `no_std`; the storage's length is the limit on one event.
///
/// ```
/// use ssewire::{Assembler, Step};
/// let mut storage = [0u8; 256];
/// let mut parser = Assembler::new(&mut storage);
/// let mut input: &[u8] = b"event: greeting\ndata: hi\n\n";
/// loop {
///     let (step, used) = parser.feed(input);
///     input = &input[used..];
///     match step.unwrap() {
///         Step::Event(event) => {
///             assert_eq!(event.event_type(), b"greeting");
///             assert_eq!(event.data(), b"hi");
///         }
///         Step::NeedInput => break,
///         _ => {}
///     }
/// }
/// ```
pub type Assembler<'s> = Parser<Slab<&'s mut [u8]>>;

impl<'s> Parser<Slab<&'s mut [u8]>> {
    /// A parser over `storage` with the default [`Config`].
    pub fn new(storage: &'s mut [u8]) -> Self {
        Self::with_config(storage, Config::new())
    }

    /// A parser over `storage` with `config`.
    pub fn with_config(storage: &'s mut [u8], config: Config) -> Self {
        Self::from_storage(Slab::new(storage), config)
    }
}

impl<const N: usize> Parser<Slab<[u8; N]>> {
    /// A parser that owns its storage, an `N`-byte array (so `N` is the limit).
    pub fn array(config: Config) -> Self {
        Self::from_storage(Slab::new([0; N]), config)
    }
}

impl<S: Storage> Parser<S> {
    fn from_storage(mut storage: S, config: Config) -> Self {
        let limit = config.max_event_bytes.min(storage.capacity());
        storage.set_limit(limit);
        Self {
            tokenizer: Tokenizer::new().with_comments(config.comments).quiet(),
            limit,
            storage,
            config,
            has_data: false,
            line_open: false,
            mode: Mode::Normal,
            cleanup: Cleanup::Nothing,
            reconnection_time: None,
            eof: None,
            flush: 0,
        }
    }

    /// Parses the front of `input`: returns the next [`Step`] and how many
    /// bytes of `input` it consumed. Call again with the rest until
    /// [`Step::NeedInput`]. Chunks may be cut anywhere (inside a CRLF, a BOM, a
    /// UTF-8 character); an empty chunk is not the end of the stream.
    ///
    /// An error drops the event in progress; [`OnLimit`] says what follows.
    #[must_use = "the count says how much of the input was consumed"]
    pub fn feed<'r>(&'r mut self, input: &'r [u8]) -> (Result<Step<'r>, Error>, usize) {
        let (out, used) = self.advance(input);
        (out.map(|out| self.materialize(out)), used)
    }

    /// Ends the stream. Call until it returns [`Step::End`], which says
    /// whether the stream ended cleanly or in the middle of an event.
    ///
    /// With [`AtEof::Discard`] (the default, as the spec says) the first call
    /// returns `End` at once, dropping an incomplete event. With
    /// [`AtEof::Dispatch`] the calls before it return what the unfinished line
    /// and event produce (a `retry`, an event).
    ///
    /// Afterwards the parser is ready for a new stream, as after
    /// [`reset`](Self::reset).
    #[must_use = "call until it returns Step::End"]
    pub fn finish(&mut self) -> Result<Step<'_>, Error> {
        self.run_cleanup();
        let stopped = matches!(self.mode, Mode::Stopped(_));
        let end = match self.eof {
            Some(end) => end,
            None => {
                let end = self.tokenizer.end_status();
                if self.config.at_eof == AtEof::Dispatch && !stopped && end != End::Clean {
                    // A line end for an unfinished line, then a blank line.
                    self.flush = if self.tokenizer.is_mid_line() { 2 } else { 1 };
                }
                self.eof = Some(end);
                end
            }
        };
        while self.flush > 0 {
            self.flush = self.flush.saturating_sub(1);
            match self.advance(b"\r").0 {
                Ok(Out::NeedInput) => {}
                Ok(out) => return Ok(self.materialize(out)),
                Err(error) => return Err(error),
            }
        }
        let end = match (self.config.at_eof, end) {
            (AtEof::Dispatch, End::Incomplete { .. }) if !stopped => {
                End::Incomplete { discarded: 0 }
            }
            _ => end,
        };
        self.reset();
        Ok(Step::End(end))
    }

    /// Gets ready for a new connection: drops any partial line and event,
    /// re-arms the BOM check, and leaves a stopped state. Keeps the last event
    /// ID (to send as `Last-Event-ID`) and the reconnection time.
    pub fn reset(&mut self) {
        self.tokenizer.reset();
        self.storage.clear_event();
        self.storage.revert_id();
        self.has_data = false;
        self.line_open = false;
        self.mode = Mode::Normal;
        self.cleanup = Cleanup::Nothing;
        self.eof = None;
        self.flush = 0;
    }

    /// Starts a new stream (as [`reset`](Self::reset)) whose last event ID is
    /// `id`: for a reconnection that sent `Last-Event-ID`, or before the first
    /// byte to carry the ID over from an earlier connection.
    pub fn set_last_event_id(&mut self, id: &[u8]) -> Result<(), Error> {
        self.reset();
        if id.len() > self.limit {
            return Err(Error::LimitExceeded {
                limit: self.limit,
                needed: id.len(),
            });
        }
        self.storage.seed_id(id);
        Ok(())
    }

    /// The stream's last event ID: the ID buffer as of the last blank line (so
    /// also after a blank line that dispatched no event). Empty if none.
    pub fn last_event_id(&self) -> &[u8] {
        self.storage.committed_id()
    }

    /// The reconnection time (ms) from the last valid `retry` field, if any.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.reconnection_time
    }

    /// Bytes retained now for the event in progress and the last event ID.
    /// Never above [`limit`](Self::limit).
    pub fn retained_bytes(&self) -> usize {
        self.storage.retained()
    }

    /// The limit in force: [`Config::max_event_bytes`], capped by the size of
    /// lent storage.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs the tokenizer until there is something for the caller.
    #[allow(clippy::arithmetic_side_effects)] // `pos` stays within `input`
    fn advance<'i>(&mut self, input: &'i [u8]) -> (Result<Out<'i>, Error>, usize) {
        self.run_cleanup();
        if let Mode::Stopped(error) = self.mode {
            return (Err(error), 0);
        }
        let mut pos = 0usize;
        let mut inline: Option<&'i [u8]> = None;
        loop {
            if self.mode == Mode::Normal {
                // Fast paths for `data` lines, without tokens.
                let rest = input.get(pos..).unwrap_or(&[]);
                if let Some((bytes, used, line_end)) = self.tokenizer.data_value(rest) {
                    // Inside a `data` value: its next piece, or its end.
                    pos += used;
                    match self.data_piece(bytes, line_end, &mut inline) {
                        Err(error) => return (Err(error), pos),
                        Ok(()) if line_end.is_none() => return (Ok(Out::NeedInput), pos),
                        Ok(()) => continue,
                    }
                }
                let room = self.limit.saturating_sub(self.held(&inline));
                if !self.has_data {
                    // A whole one-line event (LLM tokens): handed out borrowed.
                    if let Some((value, used)) = self.tokenizer.data_event(rest, room) {
                        pos += used;
                        self.has_data = true;
                        inline = Some(value);
                        let out = self.dispatch(&mut inline);
                        return (out.map(|out| out.unwrap_or(Out::NeedInput)), pos);
                    }
                }
                if let Some((value, used, line_end)) = self.tokenizer.data_line(rest, room) {
                    // A `data` line, whole or cut by the end of the input.
                    pos += used;
                    match self.data_piece(value, line_end, &mut inline) {
                        Err(error) => return (Err(error), pos),
                        Ok(()) if line_end.is_none() => return (Ok(Out::NeedInput), pos),
                        Ok(()) => continue,
                    }
                }
            }
            let (token, used) = self.tokenizer.feed(input.get(pos..).unwrap_or(&[]));
            pos += used;
            if self.mode == Mode::Skipping {
                match token {
                    Token::BlankLine => self.mode = Mode::Normal,
                    Token::NeedInput => return (Ok(Out::NeedInput), pos),
                    _ => {}
                }
                continue;
            }
            let used_up = pos >= input.len() && matches!(token, Token::Partial { .. });
            match self.on_token(token, &mut inline) {
                // A piece of a long value used up the input (the usual case
                // for small chunks): no need to ask the tokenizer again.
                Ok(None) if used_up => return (Ok(Out::NeedInput), pos),
                Ok(None) => {}
                Ok(Some(out)) => return (Ok(out), pos),
                Err(error) => return (Err(error), pos),
            }
        }
    }

    fn on_token<'i>(
        &mut self,
        token: Token<'i>,
        inline: &mut Option<&'i [u8]>,
    ) -> Result<Option<Out<'i>>, Error> {
        match token {
            Token::Partial {
                field: Field::Data,
                bytes,
            } => {
                self.data_piece(bytes, None, inline)?;
                Ok(None)
            }
            Token::End {
                field: Field::Data,
                bytes,
                whole,
            } => {
                self.data_piece(bytes, Some(whole), inline)?;
                Ok(None)
            }
            Token::Partial {
                field: Field::Comment,
                bytes,
            } => {
                self.spill(inline);
                self.push_comment(bytes, inline);
                self.line_open = true;
                Ok(None)
            }
            Token::Partial {
                field: field @ (Field::Event | Field::Id),
                bytes,
            } => {
                self.spill(inline);
                if field == Field::Event && !self.line_open {
                    self.storage.clear_event_type();
                }
                self.check(bytes.len(), inline)?;
                self.storage.push_scratch(bytes);
                self.line_open = true;
                Ok(None)
            }
            Token::End {
                field: Field::Event,
                bytes,
                whole,
            } => {
                if !self.line_open {
                    // Before the check: the old event type is being replaced.
                    self.storage.clear_event_type();
                }
                self.check(bytes.len(), inline)?;
                if whole {
                    self.storage.set_event_type(bytes);
                } else {
                    self.storage.push_scratch(bytes);
                    self.storage.scratch_to_event_type();
                }
                self.line_open = false;
                Ok(None)
            }
            Token::End {
                field: Field::Id,
                bytes,
                ..
            } => {
                self.check(bytes.len(), inline)?;
                self.storage.push_scratch(bytes);
                self.storage.scratch_to_id();
                self.line_open = false;
                Ok(None)
            }
            Token::End {
                field: Field::Comment,
                bytes,
                whole,
            } => {
                let out = self.comment_end(bytes, whole, inline);
                self.line_open = false;
                Ok(Some(out))
            }
            Token::IgnoredId => {
                self.storage.clear_scratch();
                self.line_open = false;
                Ok(None)
            }
            Token::Retry(ms) => {
                self.spill(inline);
                self.reconnection_time = Some(ms);
                Ok(Some(Out::Retry(ms)))
            }
            Token::BlankLine => self.dispatch(inline),
            Token::NeedInput => {
                self.spill(inline);
                Ok(Some(Out::NeedInput))
            }
        }
    }

    /// A `data` value, or a piece of one, from the input. `line_end`: `None`
    /// when the line goes on past the input; `Some(whole)` when it ended here,
    /// `whole` when it also began here.
    #[inline(always)] // three call sites on the hot path; measured with callgrind
    fn data_piece<'i>(
        &mut self,
        bytes: &'i [u8],
        line_end: Option<bool>,
        inline: &mut Option<&'i [u8]>,
    ) -> Result<(), Error> {
        if line_end == Some(true) {
            self.data_line(bytes, inline)?;
        } else {
            self.spill(inline);
            // Before `line_open` changes: it decides the LF separator.
            self.data(bytes, inline)?;
        }
        self.line_open = line_end.is_none();
        Ok(())
    }

    /// A whole `data` line from the input. The first of an event is held as a
    /// slice of the input (maybe the whole event is there); later ones go to
    /// storage.
    #[inline]
    fn data_line<'i>(
        &mut self,
        value: &'i [u8],
        inline: &mut Option<&'i [u8]>,
    ) -> Result<(), Error> {
        if self.has_data {
            self.spill(inline);
            return self.data(value, inline);
        }
        self.check(value.len(), inline)?;
        *inline = Some(value);
        self.has_data = true;
        Ok(())
    }

    /// Appends (part of) a `data` value to the data buffer in storage.
    #[inline]
    fn data(&mut self, bytes: &[u8], inline: &mut Option<&[u8]>) -> Result<(), Error> {
        // Spec: "Append the field value to the data buffer, then append a
        // single U+000A LINE FEED". The LF goes in before the next line instead,
        // which is the same as removing the last one at dispatch (step 3).
        let separator = !self.line_open && self.has_data;
        self.check(usize::from(separator).saturating_add(bytes.len()), inline)?;
        self.storage.push_data(separator, bytes);
        self.has_data = true;
        Ok(())
    }

    fn comment_end<'i>(
        &mut self,
        bytes: &'i [u8],
        whole: bool,
        inline: &mut Option<&'i [u8]>,
    ) -> Out<'i> {
        let room = self.comment_room(inline);
        self.spill(inline);
        if whole {
            return Out::Comment(Some(bytes.get(..room).unwrap_or(bytes)));
        }
        self.push_comment(bytes, inline);
        self.cleanup = Cleanup::Comment;
        Out::Comment(None)
    }

    /// Keeps what fits of a comment piece in scratch; the rest is dropped.
    fn push_comment(&mut self, bytes: &[u8], inline: &Option<&[u8]>) {
        let take = self
            .comment_room(inline)
            .saturating_sub(self.storage.scratch().len())
            .min(bytes.len());
        self.storage
            .push_scratch(bytes.get(..take).unwrap_or(bytes));
    }

    /// How many bytes of a comment may be kept: the comment cap, and what the
    /// event limit leaves.
    fn comment_room(&self, inline: &Option<&[u8]>) -> usize {
        let used = self
            .held(inline)
            .saturating_sub(self.storage.scratch().len());
        self.config
            .max_comment_bytes
            .min(self.limit.saturating_sub(used))
    }

    /// Spec: "dispatch the event".
    #[inline]
    fn dispatch<'i>(&mut self, inline: &mut Option<&'i [u8]>) -> Result<Option<Out<'i>>, Error> {
        // Step 1, even when no event follows.
        self.storage.commit_id();
        if !self.has_data {
            // Step 2: no data, no event; the event type buffer is reset anyway.
            self.storage.clear_event();
            return Ok(None);
        }
        self.has_data = false;
        self.cleanup = Cleanup::Event;
        if self.config.strict_utf8 {
            let data = inline.unwrap_or(self.storage.data());
            let fields = [
                (Field::Event, self.storage.event_type()),
                (Field::Data, data),
                (Field::Id, self.storage.id()),
            ];
            for (field, bytes) in fields {
                if let Err(e) = core::str::from_utf8(bytes) {
                    return Err(Error::InvalidUtf8 {
                        field,
                        valid_up_to: e.valid_up_to(),
                    });
                }
            }
        }
        Ok(Some(Out::Event(inline.take())))
    }

    /// Copies an inline `data` line into storage, before anything else is
    /// stored or the input goes away.
    fn spill(&mut self, inline: &mut Option<&[u8]>) {
        if let Some(bytes) = inline.take() {
            self.storage.push_data(false, bytes);
        }
    }

    /// Bytes held for the event, whether in storage or inline.
    fn held(&self, inline: &Option<&[u8]>) -> usize {
        self.storage
            .retained()
            .saturating_add(inline.map_or(0, <[u8]>::len))
    }

    /// Checks that `extra` more bytes fit; if not, drops the event and applies
    /// the [`OnLimit`] policy.
    fn check(&mut self, extra: usize, inline: &mut Option<&[u8]>) -> Result<(), Error> {
        let needed = self.held(inline).saturating_add(extra);
        if needed <= self.limit {
            return Ok(());
        }
        let error = Error::LimitExceeded {
            limit: self.limit,
            needed,
        };
        *inline = None;
        self.storage.clear_event();
        self.storage.revert_id();
        self.has_data = false;
        self.line_open = false;
        self.mode = match self.config.on_limit {
            OnLimit::Stop => Mode::Stopped(error),
            OnLimit::SkipEvent => Mode::Skipping,
        };
        Err(error)
    }

    fn run_cleanup(&mut self) {
        match core::mem::replace(&mut self.cleanup, Cleanup::Nothing) {
            Cleanup::Nothing => {}
            Cleanup::Event => self.storage.clear_event(),
            Cleanup::Comment => self.storage.clear_scratch(),
        }
    }

    fn materialize<'r>(&'r self, out: Out<'r>) -> Step<'r> {
        match out {
            Out::Event(inline) => Step::Event(Event {
                event_type: self.storage.event_type(),
                data: inline.unwrap_or(self.storage.data()),
                id: self.storage.id(),
            }),
            Out::Retry(ms) => Step::Retry(ms),
            Out::Comment(inline) => Step::Comment(inline.unwrap_or(self.storage.scratch())),
            Out::NeedInput => Step::NeedInput,
        }
    }
}

#[cfg(feature = "alloc")]
mod decoder {
    use alloc::vec::Vec;

    use super::Parser;
    use crate::{Config, Slab};

    /// A parser whose storage is a `Vec` that grows as events need, never past
    /// the limit (16 MiB by default), and is reused from event to event: once
    /// it has grown it allocates nothing.
    ///
    /// ```
    /// use ssewire::{Decoder, Step};
    /// let mut decoder = Decoder::new();
    /// let mut events = Vec::new();
    /// for chunk in [&b"data: hel"[..], b"lo\r", b"\n\r\nid: 7\ndata: x\n\n"] {
    ///     let mut input = chunk;
    ///     loop {
    ///         let (step, used) = decoder.feed(input);
    ///         input = &input[used..];
    ///         match step.unwrap() {
    ///             Step::Event(e) => events.push((e.data().to_vec(), e.id().to_vec())),
    ///             Step::NeedInput => break,
    ///             _ => {}
    ///         }
    ///     }
    /// }
    /// assert_eq!(events, [(b"hello".to_vec(), vec![]), (b"x".to_vec(), b"7".to_vec())]);
    /// assert_eq!(decoder.last_event_id(), b"7");
    /// ```
    pub type Decoder = Parser<Slab<Vec<u8>>>;

    impl Default for Parser<Slab<Vec<u8>>> {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Parser<Slab<Vec<u8>>> {
        /// A decoder with the default [`Config`].
        pub fn new() -> Self {
            Self::with_config(Config::new())
        }

        /// A decoder with `config`.
        pub fn with_config(config: Config) -> Self {
            Self::from_storage(Slab::new(Vec::new()), config)
        }
    }
}

#[cfg(feature = "alloc")]
pub use decoder::Decoder;
