//! Whole events, assembled from tokens in some [`Storage`].
//!
//! One `advance` runs the tokenizer until something is ready for the caller
//! (an event, a `retry`, a comment) or the input is used up, and returns that
//! one item with the number of bytes consumed; [`Parser::feed`] hands it out
//! as a [`Step`], [`Parser::feed_all`] to a [`Handler`]. The spec's
//! interpretation rules (§9.2.6) live here: appending data with LF
//! separators, the event type buffer, the last event ID buffer and its commit
//! at each blank line, and the dispatch steps.
//!
//! Zero-copy: a `data` line wholly inside the input, starting an event, is
//! held as a slice of the input (`borrowed`) and delivered from there if the
//! blank line follows in the same input; anything else that touches the data
//! buffer first copies it into storage (`spill`).
//!
//! Fast paths (measured with callgrind; see `benches/`): `data` lines go
//! straight from the tokenizer's `data_value`, `data_line` and `data_event`
//! into `data_piece` without tokens, and a whole one-line event is dispatched
//! in one step. They are off with [`Config::fast_paths`]`(false)`, and a unit
//! test compares the whole parser state after the fast and the slow path at
//! every prefix of every spec fixture.
//!
//! Items borrowed from storage are cleared lazily, at the start of the next
//! call (`Clear`), so that they can be returned by reference.

use crate::buffers::{EventBuffers, Storage};
use crate::held_back::HeldBack;
use crate::offsets::{add, head, tail};
use crate::tokenizer::{
    data_value_start, line_end_len, DataPiece, Field, LineEnds, Token, Tokenizer,
};
use crate::{Config, Error, Event, Handler, OnLimit, StreamEnd};

/// The longest `data` line `more_data_lines` copies as a fixed-size block.
const SHORT_LINE: usize = 128;

/// What one call of [`Parser::feed`] produced. Named after what the caller
/// does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Step<'a> {
    /// An event was dispatched: handle it, then feed the rest of the input.
    Event(Event<'a>),
    /// A `retry` field set the reconnection time to this many milliseconds.
    /// It takes effect at once, whether or not an event follows.
    Retry(u64),
    /// A comment line (only with [`Config::comments`]): the text after the
    /// colon, one leading space removed.
    Comment {
        /// The text, at most [`Config::max_comment_bytes`] of it (and no more
        /// than the event limit leaves, when the comment was cut by a chunk
        /// boundary and had to be stored).
        text: &'a [u8],
        /// Whether `text` was cut short by one of those limits.
        truncated: bool,
    },
    /// The input is used up: feed the next chunk (or call
    /// [`finish`](Parser::finish) at end of stream).
    NeedInput,
}

/// Where an item's bytes are: in the input, or in storage.
#[derive(Clone, Copy)]
enum Source<'i> {
    Input(&'i [u8]),
    Stored,
}

/// What `advance` found, borrowing the input only (never the parser), so the
/// parser can keep working on itself before turning it into a [`Step`].
enum Found<'i> {
    Event(Source<'i>),
    Retry(u64),
    Comment(Source<'i>, bool),
    NeedInput,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Normal,
    /// Dropping an event that went over a limit, up to its blank line.
    Skipping,
    /// Went over a limit with [`OnLimit::Stop`]: dropping all input.
    Stopped,
}

/// What the item handed out last left in storage, to clear on the next call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Clear {
    Nothing,
    Event,
    Comment,
}

/// An event-stream parser: bytes in, events out, the event in progress kept
/// in storage `S`.
///
/// The storage is what you give [`Parser::new`]: a `Vec<u8>` that grows as
/// events need, up to [`Config::max_event_bytes`] (feature `alloc`); an array
/// `[u8; N]` the parser owns; or a `&mut [u8]` you lend. Fixed storage is
/// also the limit on one event. All three behave the same otherwise.
///
/// ```
/// use ssewire::{Config, Parser, Step};
///
/// let mut growable = Parser::new(Vec::new());
/// let mut owned = Parser::with_config([0u8; 256], Config::new().comments(true));
/// let mut bytes = [0u8; 256];
/// let mut lent = Parser::new(&mut bytes[..]);
///
/// let input = b"event: greeting\ndata: hi\n\n";
/// for steps in [growable.feed(input), owned.feed(input), lent.feed(input)] {
///     match steps {
///         (Ok(Step::Event(event)), 26) => {
///             assert_eq!(event.event_type(), b"greeting");
///             assert_eq!(event.data(), b"hi");
///         }
///         other => panic!("{other:?}"),
///     }
/// }
/// ```
pub struct Parser<S: Storage> {
    tokenizer: Tokenizer,
    buffers: EventBuffers<S>,
    config: Config,
    limit: usize,
    /// The data buffer is non-empty (counting the LF after each line, which
    /// storage leaves out: it is added before the next line instead).
    has_data: bool,
    /// A `ValuePart` of the current line came already.
    line_open: bool,
    /// A comment piece was cut to fit.
    comment_cut: bool,
    mode: Mode,
    clear: Clear,
    reconnection_time: Option<u64>,
    /// How the stream was going to end when [`Parser::dispatch_pending`]
    /// completed it.
    completed: Option<StreamEnd>,
    /// Bytes of a tiny chunk not parsed yet (`feed_all` only): parsed before
    /// anything else looks at the stream.
    held_back: HeldBack,
    /// The `id` value being read went over a limit: its bytes are no longer
    /// stored, and the error is reported at the end of the line unless a NUL
    /// comes first (the spec then ignores the field, and the event is kept),
    /// so that the outcome never depends on where the input was cut.
    id_over: Option<Error>,
}

/// The settings and where the stream stands; not the stored bytes.
impl<S: Storage> core::fmt::Debug for Parser<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Parser")
            .field("config", &self.config)
            .field("limit", &self.limit)
            .field("retained_bytes", &self.retained_bytes())
            .field("stopped", &self.is_stopped())
            .field("skipping", &(self.mode == Mode::Skipping))
            .field("last_event_id_len", &self.last_event_id().len())
            .field("reconnection_time", &self.reconnection_time)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "alloc")]
impl Default for Parser<alloc::vec::Vec<u8>> {
    /// A parser over a growable `Vec`, with the default [`Config`].
    fn default() -> Self {
        Self::new(alloc::vec::Vec::new())
    }
}

impl<S: Storage> Parser<S> {
    /// A parser over `storage` with the default [`Config`].
    pub fn new(storage: S) -> Self {
        Self::with_config(storage, Config::new())
    }

    /// A parser over `storage` with `config`.
    pub fn with_config(storage: S, config: Config) -> Self {
        let limit = config.max_event_bytes.min(storage.max_len());
        Self {
            tokenizer: Tokenizer::new()
                .comments(config.comments)
                .quiet_blank_lines(true)
                .fast_paths(config.fast_paths),
            limit,
            buffers: EventBuffers::new(storage, limit),
            config,
            has_data: false,
            line_open: false,
            comment_cut: false,
            mode: Mode::Normal,
            clear: Clear::Nothing,
            reconnection_time: None,
            completed: None,
            held_back: HeldBack::default(),
            id_over: None,
        }
    }

    /// Parses the front of `input`: returns the next [`Step`] and how many
    /// bytes of `input` it consumed. Call again with the rest until
    /// [`Step::NeedInput`]. Chunks may be cut anywhere (inside a CRLF, a BOM, a
    /// UTF-8 character); an empty chunk is not the end of the stream.
    ///
    /// An error drops the event in progress; [`OnLimit`] says what follows.
    /// [`feed_all`](Self::feed_all) runs this loop for you.
    #[must_use = "the count says how much of the input was consumed"]
    pub fn feed<'r>(&'r mut self, input: &'r [u8]) -> (Result<Step<'r>, Error>, usize) {
        self.release_held_back(&mut NothingExpected);
        let (found, used) = self.advance(input);
        (found.map(|found| self.step(found)), used)
    }

    /// Parses all of `input`, handing every event, `retry`, comment and error
    /// to `handler`, in stream order. The same as calling
    /// [`feed`](Self::feed) until [`Step::NeedInput`].
    ///
    /// ```
    /// use ssewire::{Error, Event, Handler, Parser};
    ///
    /// #[derive(Default)]
    /// struct Tokens(String);
    ///
    /// impl Handler for Tokens {
    ///     fn event(&mut self, event: Event<'_>) {
    ///         self.0.push_str(&event.data_lossy());
    ///     }
    ///     fn error(&mut self, error: Error) {
    ///         panic!("{error}");
    ///     }
    /// }
    ///
    /// let mut parser = Parser::new(Vec::new());
    /// let mut tokens = Tokens::default();
    /// for chunk in [&b"data: Hel"[..], b"lo\n\ndata: , wor", b"ld\n\n"] {
    ///     parser.feed_all(chunk, &mut tokens);
    /// }
    /// assert_eq!(tokens.0, "Hello, world");
    /// assert_eq!(parser.finish(), ssewire::StreamEnd::Clean);
    /// ```
    #[inline]
    pub fn feed_all<H: Handler + ?Sized>(&mut self, input: &[u8], handler: &mut H) {
        // Kept small so that this test inlines into the caller's loop: a
        // stream read a byte at a time mostly takes it.
        if self.held_back.hold_more(input) {
            return;
        }
        self.feed_all_parsing(input, handler);
    }

    /// [`feed_all`](Self::feed_all) past its first fast path.
    #[inline]
    fn feed_all_parsing<H: Handler + ?Sized>(&mut self, mut input: &[u8], handler: &mut H) {
        if self.held_back.len() == 0 {
            let used = self.data_goes_on(input);
            if used > 0 {
                input = tail(input, used);
                if input.is_empty() {
                    return;
                }
            }
        }
        if self.hold_back(input) {
            return;
        }
        if self.held_back.len() != 0 {
            // A short chunk after bytes held (the line end that completes
            // them, most often): parsed with them, in one go.
            if let Some((bytes, len)) = self.held_back.take_with(input) {
                self.parse_all(bytes.get(..len).unwrap_or_default(), handler);
                return;
            }
            self.release_held_back(handler);
        }
        self.parse_all(input, handler);
    }

    /// The `feed_all` loop, without its fast paths.
    #[inline(always)]
    fn parse_all<H: Handler + ?Sized>(&mut self, mut input: &[u8], handler: &mut H) {
        loop {
            let (found, used) = self.advance(input);
            input = tail(input, used);
            match found {
                Ok(Found::NeedInput) => return,
                Ok(Found::Event(source)) => handler.event(self.event(source)),
                Ok(Found::Retry(ms)) => handler.retry(ms),
                Ok(Found::Comment(source, truncated)) => {
                    handler.comment(self.comment(source), truncated);
                }
                Err(error) => handler.error(error),
            }
            if input.is_empty() {
                // Nothing is left to parse (a borrowed value never outlives
                // the call that found it): skip the call that would only say
                // so. One event per chunk is the common case.
                return;
            }
        }
    }

    /// Fast path for a tiny chunk without a line end (see `held_back`): held
    /// instead of parsed, when parsing it could not report anything, not
    /// even an error: the event and the ID have room for every byte held
    /// (and the LF a new `data` line adds).
    #[inline(always)]
    fn hold_back(&mut self, input: &[u8]) -> bool {
        if !HeldBack::may_hold(input)
            || self.held_back.len() != 0
            || !self.config.fast_paths
            || self.mode != Mode::Normal
            || self.completed.is_some()
        {
            return false;
        }
        // Every byte held may become a byte of the event or of the ID, and
        // a new `data` line adds an LF.
        let room = self
            .limit
            .saturating_sub(self.held(None))
            .min(
                self.config
                    .max_id_bytes
                    .saturating_sub(self.buffers.scratch().len()),
            )
            .saturating_sub(1);
        if !self.held_back.hold_first(input, room) {
            return false;
        }
        self.run_clear();
        true
    }

    /// Parses the bytes held back, handing out anything they produce
    /// (`hold_back` only holds bytes that produce nothing).
    fn release_held_back<H: Handler + ?Sized>(&mut self, handler: &mut H) {
        if self.held_back.len() == 0 {
            return;
        }
        let (bytes, len) = self.held_back.take();
        self.parse_all(bytes.get(..len).unwrap_or_default(), handler);
    }

    /// Ends the stream: says whether it ended cleanly or in the middle of an
    /// event, which the spec discards, and gets ready for a new stream (as
    /// [`reset`](Self::reset)). One call.
    ///
    /// To dispatch an event that has no blank line after it instead, call
    /// [`dispatch_pending`](Self::dispatch_pending) first.
    #[must_use = "says whether the stream ended mid-event"]
    pub fn finish(&mut self) -> StreamEnd {
        self.release_held_back(&mut NothingExpected);
        let end = match self.completed {
            Some(StreamEnd::Truncated { .. }) => StreamEnd::Truncated { discarded: 0 },
            _ => self.tokenizer.end_status(),
        };
        self.reset();
        end
    }

    /// At the end of the stream, for servers that never send the final blank
    /// line: ends an unfinished line and dispatches the pending event as if a
    /// blank line had followed. Not what the spec (or a browser) does: it
    /// discards that event. Call before [`finish`](Self::finish), which then
    /// reports [`StreamEnd::Truncated`] with `discarded: 0`.
    ///
    /// Returns the event, or the error it got (strict UTF-8), or `None` when
    /// no event was pending. A `retry` on the unfinished line sets
    /// [`reconnection_time`](Self::reconnection_time); an unfinished comment
    /// is dropped. Nothing is dispatched while an event is being skipped or
    /// the parser is stopped.
    ///
    /// ```
    /// let mut parser = ssewire::Parser::new(Vec::new());
    /// assert_eq!(parser.feed(b"data: no blank line").1, 19);
    /// let event = parser.dispatch_pending().unwrap().unwrap();
    /// assert_eq!(event.data(), b"no blank line");
    /// assert_eq!(parser.finish(), ssewire::StreamEnd::Truncated { discarded: 0 });
    /// ```
    pub fn dispatch_pending(&mut self) -> Option<Result<Event<'_>, Error>> {
        self.release_held_back(&mut NothingExpected);
        self.run_clear();
        let end = self.tokenizer.end_status();
        if self.mode != Mode::Normal || self.completed.is_some() || end == StreamEnd::Clean {
            return None;
        }
        self.completed = Some(end);
        // A line end for an unfinished line, then a blank line. CR, not LF:
        // a CR that ended the last input may be waiting for its LF.
        let mut input: &[u8] = if self.tokenizer.is_mid_line() {
            b"\r\r"
        } else {
            b"\r"
        };
        while !input.is_empty() {
            let (found, used) = self.advance(input);
            input = tail(input, used);
            match found {
                Ok(Found::Event(source)) => return Some(Ok(self.event(source))),
                Err(error) => return Some(Err(error)),
                Ok(_) => self.run_clear(),
            }
        }
        None
    }

    /// Gets ready for a new connection: drops any partial line and event,
    /// re-arms the BOM check, and leaves a stopped state. Keeps the last event
    /// ID (to send as `Last-Event-ID`) and the reconnection time.
    ///
    /// Not for going on with the same stream after an error: that is
    /// [`resume`](Self::resume).
    pub fn reset(&mut self) {
        self.tokenizer.reset();
        self.buffers.clear_event();
        self.buffers.revert_id();
        self.has_data = false;
        self.line_open = false;
        self.comment_cut = false;
        self.mode = Mode::Normal;
        self.clear = Clear::Nothing;
        self.completed = None;
        self.held_back.clear();
        self.id_over = None;
    }

    /// Starts a new stream (as [`reset`](Self::reset)) whose last event ID is
    /// `id`: for a connection that sent `Last-Event-ID: id`, to carry the ID
    /// over from an earlier process. Fails, changing nothing but the reset,
    /// when `id` is over [`Config::max_id_bytes`] or the storage.
    pub fn reset_with_last_event_id(&mut self, id: &[u8]) -> Result<(), Error> {
        self.reset();
        let limit = self.config.max_id_bytes.min(self.limit);
        if id.len() > limit {
            return Err(Error::IdTooLong { limit });
        }
        self.buffers.seed_id(id);
        Ok(())
    }

    /// After [`OnLimit::Stop`] stopped the parser: goes on with the same
    /// stream, at the next blank line (the rest of the dropped event, and of
    /// any event it was in the middle of, is skipped). Called right after the
    /// error, nothing but the oversized event is lost. Does nothing when the
    /// parser is not stopped.
    ///
    /// For [`feed`](Self::feed) loops: by the time [`feed_all`](Self::feed_all)
    /// returns, the rest of its chunk was dropped. To go on with the same
    /// stream there, use [`OnLimit::SkipEvent`].
    pub fn resume(&mut self) {
        if self.mode == Mode::Stopped {
            self.mode = if self.tokenizer.end_status() == StreamEnd::Clean {
                Mode::Normal
            } else {
                Mode::Skipping
            };
        }
    }

    /// The stream's last event ID: the ID buffer as of the last blank line (so
    /// also after a blank line that dispatched no event). Empty if none.
    pub fn last_event_id(&self) -> &[u8] {
        self.buffers.committed_id()
    }

    /// The reconnection time (ms) from the last valid `retry` field, if any.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.reconnection_time
    }

    /// Bytes retained now for the event in progress and the last event ID,
    /// and the few bytes of a line that [`feed_all`](Self::feed_all) may hold
    /// back from tiny chunks to parse them together. Never above
    /// [`limit`](Self::limit).
    pub fn retained_bytes(&self) -> usize {
        self.buffers.retained().saturating_add(self.held_back.len())
    }

    /// The limit in force: [`Config::max_event_bytes`], capped by the size of
    /// fixed storage.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether an error with [`OnLimit::Stop`] stopped the parser.
    pub fn is_stopped(&self) -> bool {
        self.mode == Mode::Stopped
    }

    /// Fast path for a chunk that continues an open `data` line (a stream
    /// read in small pieces is mostly these): the value's bytes in it
    /// appended in one step, without the parse loop, up to its line end if it
    /// has one. The bytes used; 0, changing nothing, for anything else
    /// (including a piece that would go over the limit: the loop reports it).
    /// The chunk is searched for its line end once, here.
    #[inline(always)]
    fn data_goes_on(&mut self, input: &[u8]) -> usize {
        if !self.line_open || self.clear != Clear::Nothing || self.mode != Mode::Normal {
            return 0;
        }
        let room = self.limit.saturating_sub(self.held(None));
        let Some((value, ended, used)) = self.tokenizer.data_value_goes_on(input, room) else {
            return 0;
        };
        // `line_open`: the value has pieces already, so no LF separator.
        self.buffers.push_data(false, value);
        self.line_open = !ended;
        used
    }

    /// Runs the tokenizer until there is something for the caller. The
    /// normal mode is the hot path, inline here; skipping and stopped modes
    /// are `advance_cold`. Inlined into `feed` and `feed_all`: with one small
    /// chunk per call, the call itself was a quarter of the cost (callgrind).
    #[inline(always)]
    fn advance<'i>(&mut self, input: &'i [u8]) -> (Result<Found<'i>, Error>, usize) {
        self.run_clear();
        if self.mode != Mode::Normal {
            return self.advance_cold(input);
        }
        let mut pos = 0usize;
        let mut borrowed: Option<&'i [u8]> = None;
        loop {
            let rest = tail(input, pos);
            // Fast paths for `data` lines, without tokens (each returns
            // `None` when the fast paths are off).
            if let Some((piece, used)) = self.tokenizer.data_value(rest) {
                // Inside a `data` value: its next piece, or its end.
                pos = add(pos, used);
                match self.data_piece(piece, &mut borrowed) {
                    Err(error) => return (Err(error), pos),
                    Ok(()) if self.line_open => return (Ok(Found::NeedInput), pos),
                    Ok(()) => continue,
                }
            }
            let room = self.limit.saturating_sub(self.held(borrowed));
            if !self.has_data {
                // A whole one-line event (LLM tokens): handed out borrowed.
                if let Some((value, used)) = self.tokenizer.data_event(rest, room) {
                    pos = add(pos, used);
                    self.has_data = true;
                    borrowed = Some(value);
                    match self.dispatch(&mut borrowed) {
                        Ok(Some(found)) => return (Ok(found), pos),
                        Ok(None) => continue,
                        Err(error) => return (Err(error), pos),
                    }
                }
            }
            if let Some((piece, used)) = self.tokenizer.data_line(rest, room) {
                // A `data` line, whole or cut by the end of the input.
                pos = add(pos, used);
                match self.data_piece(piece, &mut borrowed) {
                    Err(error) => return (Err(error), pos),
                    Ok(()) if self.line_open => return (Ok(Found::NeedInput), pos),
                    Ok(()) if borrowed.is_none() => {
                        pos = add(pos, self.more_data_lines(tail(input, pos)));
                        continue;
                    }
                    Ok(()) => continue,
                }
            }
            if let Some(used) = self.tokenizer.dispatching_blank_line(rest) {
                // The end of an event, without a token.
                pos = add(pos, used);
                match self.dispatch(&mut borrowed) {
                    Ok(Some(found)) => return (Ok(found), pos),
                    Ok(None) => continue,
                    Err(error) => return (Err(error), pos),
                }
            }
            let (token, used) = self.tokenizer.feed(rest);
            pos = add(pos, used);
            let used_up = pos >= input.len() && matches!(token, Token::ValuePart { .. });
            match self.on_token(token, &mut borrowed) {
                // A piece of a long value used up the input (the usual case
                // for small chunks): no need to ask the tokenizer again.
                Ok(None) if used_up => return (Ok(Found::NeedInput), pos),
                Ok(None) => {}
                Ok(Some(found)) => return (Ok(found), pos),
                Err(error) => return (Err(error), pos),
            }
        }
    }

    /// [`advance`](Self::advance) while skipping or stopped.
    #[cold]
    #[inline(never)]
    fn advance_cold<'i>(&mut self, input: &'i [u8]) -> (Result<Found<'i>, Error>, usize) {
        match self.mode {
            Mode::Stopped => self.drop_input(input),
            Mode::Skipping => match self.skip(input) {
                // The skip ended at a blank line: back to parsing.
                (Ok(Found::NeedInput), used) if self.mode == Mode::Normal && used < input.len() => {
                    let (found, more) = self.advance(tail(input, used));
                    (found, add(used, more))
                }
                other => other,
            },
            Mode::Normal => self.advance(input),
        }
    }

    /// Skipping an event dropped for a limit, up to its blank line. `retry`
    /// lines and comments belong to no event: they still come out.
    fn skip<'i>(&mut self, input: &'i [u8]) -> (Result<Found<'i>, Error>, usize) {
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
                Token::ValuePart {
                    field: Field::Comment,
                    ..
                }
                | Token::ValueEnd {
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
                Token::ValuePart { .. } => self.tokenizer.skip_rest_of_line(),
                Token::ValueEnd { .. } | Token::IgnoredId => {}
            }
        }
    }

    /// Stopped: the input is consumed and dropped, tracking only where lines
    /// and events end, for [`Parser::resume`].
    fn drop_input<'i>(&mut self, input: &'i [u8]) -> (Result<Found<'i>, Error>, usize) {
        if input.is_empty() {
            return (Ok(Found::NeedInput), 0);
        }
        let mut pos = 0usize;
        while pos < input.len() {
            let (token, used) = self.tokenizer.feed(tail(input, pos));
            pos = add(pos, used);
            if let Token::ValuePart { .. } = token {
                self.tokenizer.skip_rest_of_line();
            }
        }
        (Err(Error::Stopped), pos)
    }

    fn on_token<'i>(
        &mut self,
        token: Token<'i>,
        borrowed: &mut Option<&'i [u8]>,
    ) -> Result<Option<Found<'i>>, Error> {
        let found = match token {
            Token::ValuePart {
                field: Field::Data,
                bytes,
            } => {
                self.data_piece(DataPiece::Part(bytes), borrowed)?;
                return Ok(None);
            }
            Token::ValueEnd {
                field: Field::Data,
                bytes,
                whole,
            } => {
                let piece = if whole {
                    DataPiece::Line(bytes)
                } else {
                    DataPiece::LastPart(bytes)
                };
                self.data_piece(piece, borrowed)?;
                return Ok(None);
            }
            Token::ValuePart {
                field: Field::Comment,
                bytes,
            } => {
                self.spill(borrowed);
                self.push_comment(bytes, *borrowed);
                None
            }
            Token::ValueEnd {
                field: Field::Comment,
                bytes,
                whole,
            } => Some(self.comment_end(bytes, whole, borrowed)),
            Token::ValuePart {
                field: Field::Event,
                bytes,
            } => {
                self.spill(borrowed);
                if !self.line_open {
                    self.buffers.clear_event_type();
                }
                self.check(bytes.len(), borrowed)?;
                self.buffers.push_scratch(bytes);
                None
            }
            Token::ValueEnd {
                field: Field::Event,
                bytes,
                whole,
            } => {
                if !self.line_open {
                    // Before the check: the old event type is being replaced.
                    self.buffers.clear_event_type();
                }
                self.check(bytes.len(), borrowed)?;
                if whole {
                    self.buffers.set_event_type(bytes);
                } else {
                    self.buffers.push_scratch(bytes);
                    self.buffers.scratch_to_event_type();
                }
                None
            }
            Token::ValuePart {
                field: Field::Id,
                bytes,
            } => {
                self.spill(borrowed);
                if self.id_over.is_none() {
                    match self.id_room(bytes.len(), *borrowed) {
                        Ok(()) => self.buffers.push_scratch(bytes),
                        Err(error) => {
                            // Reported at the line end, unless a NUL comes.
                            self.id_over = Some(error);
                            self.buffers.clear_scratch();
                        }
                    }
                }
                None
            }
            Token::ValueEnd {
                field: Field::Id,
                bytes,
                ..
            } => {
                let over = self.id_over.take();
                if let Some(error) = over.or_else(|| self.id_room(bytes.len(), *borrowed).err()) {
                    return Err(self.drop_event(error, borrowed));
                }
                self.buffers.push_scratch(bytes);
                self.buffers.scratch_to_id();
                None
            }
            Token::IgnoredId => {
                self.id_over = None;
                self.buffers.clear_scratch();
                None
            }
            Token::Retry(ms) => {
                self.spill(borrowed);
                self.reconnection_time = Some(ms);
                Some(Found::Retry(ms))
            }
            Token::BlankLine => return self.dispatch(borrowed),
            Token::NeedInput => {
                self.spill(borrowed);
                Some(Found::NeedInput)
            }
        };
        // The one place a line opens or closes for the token path (`data`
        // pieces do it in `data_piece`, blank lines in `dispatch`).
        match token {
            Token::ValuePart { .. } => self.line_open = true,
            Token::ValueEnd { .. } | Token::IgnoredId | Token::Retry(_) => self.line_open = false,
            Token::BlankLine | Token::NeedInput => {}
        }
        Ok(found)
    }

    /// The `data` lines that follow one gone to storage (a Datastar event
    /// has 20-200), appended in a loop of their own instead of one pass of
    /// `advance` each; the bytes used. Stops at anything else, a line cut by
    /// the end of `input`, or one over the limit (`advance` reports it).
    #[inline]
    fn more_data_lines(&mut self, input: &[u8]) -> usize {
        if !self.tokenizer.fast_at_line_start() {
            return 0;
        }
        let mut room = self.limit.saturating_sub(self.held(None));
        let mut pos = 0usize;
        let line_ends = LineEnds::new();
        let mut back = self.buffers.back();
        loop {
            let rest = tail(input, pos);
            let Some(start) = data_value_start(rest) else {
                break;
            };
            // The LF before the value takes one byte of room.
            let Some(max) = room.checked_sub(1) else {
                break;
            };
            let value = tail(rest, start);
            // memchr at once: these lines are rarely short enough for
            // `find_line_end`'s first word to find the end.
            let Some(len) = line_ends.find(value).filter(|&len| len <= max) else {
                break;
            };
            let Some(line_end) = line_end_len(rest, add(start, len)) else {
                break;
            };
            // A line up to 128 bytes, with 128 bytes of input and of spare
            // storage after it, is copied as a block of 128: no call and no
            // branch on its length (`memcpy` has both), which took a Datastar
            // stream from 4390 to 5360 MiB/s. Longer lines go to `memcpy`.
            let kept = match value.first_chunk::<SHORT_LINE>() {
                Some(block) if len <= SHORT_LINE => self.buffers.push_line_block(block, len, back),
                _ => false,
            };
            if !kept {
                let value = head(value, len);
                if !self.buffers.push_line_below(value, back) {
                    // Storage to grow (the room above says it may).
                    self.buffers.push_data(true, value);
                    back = self.buffers.back();
                }
            }
            room = max.saturating_sub(len);
            pos = add(pos, add(add(start, len), line_end));
        }
        self.tokenizer.took_data_lines(pos);
        pos
    }

    /// A `data` value, or a piece of one, from the input.
    #[inline(always)] // three call sites on the hot path; measured with callgrind
    fn data_piece<'i>(
        &mut self,
        piece: DataPiece<'i>,
        borrowed: &mut Option<&'i [u8]>,
    ) -> Result<(), Error> {
        let (bytes, open) = match piece {
            DataPiece::Line(bytes) => {
                self.data_line(bytes, borrowed)?;
                self.line_open = false;
                return Ok(());
            }
            DataPiece::Part(bytes) => (bytes, true),
            DataPiece::LastPart(bytes) => (bytes, false),
        };
        self.spill(borrowed);
        // Before `line_open` changes: it decides the LF separator.
        self.data(bytes, borrowed)?;
        self.line_open = open;
        Ok(())
    }

    /// A whole `data` line from the input. The first of an event is held as a
    /// slice of the input (maybe the whole event is there); later ones go to
    /// storage.
    #[inline]
    fn data_line<'i>(
        &mut self,
        value: &'i [u8],
        borrowed: &mut Option<&'i [u8]>,
    ) -> Result<(), Error> {
        if self.has_data {
            self.spill(borrowed);
            return self.data(value, borrowed);
        }
        self.check(value.len(), borrowed)?;
        *borrowed = Some(value);
        self.has_data = true;
        Ok(())
    }

    /// Appends (part of) a `data` value to the data buffer in storage.
    #[inline]
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

    fn comment_end<'i>(
        &mut self,
        bytes: &'i [u8],
        whole: bool,
        borrowed: &mut Option<&'i [u8]>,
    ) -> Found<'i> {
        self.spill(borrowed);
        if whole {
            let room = self.comment_room(None);
            let text = bytes.get(..room).unwrap_or(bytes);
            return Found::Comment(Source::Input(text), text.len() < bytes.len());
        }
        self.push_comment(bytes, None);
        self.clear = Clear::Comment;
        Found::Comment(Source::Stored, core::mem::take(&mut self.comment_cut))
    }

    /// Keeps what fits of a comment piece in scratch; the rest is dropped.
    fn push_comment(&mut self, bytes: &[u8], borrowed: Option<&[u8]>) {
        let take = self
            .comment_room(borrowed)
            .saturating_sub(self.buffers.scratch().len())
            .min(bytes.len());
        self.comment_cut |= take < bytes.len();
        self.buffers
            .push_scratch(bytes.get(..take).unwrap_or(bytes));
    }

    /// How many bytes of a comment may be kept: the comment cap, and what the
    /// event limit leaves.
    fn comment_room(&self, borrowed: Option<&[u8]>) -> usize {
        let used = self
            .held(borrowed)
            .saturating_sub(self.buffers.scratch().len());
        self.config
            .max_comment_bytes
            .min(self.limit.saturating_sub(used))
    }

    /// Spec: "dispatch the event". `Ok(None)`: nothing to dispatch.
    #[inline(always)] // once per event on the hot path; outlined it cost 7% (callgrind)
    fn dispatch<'i>(
        &mut self,
        borrowed: &mut Option<&'i [u8]>,
    ) -> Result<Option<Found<'i>>, Error> {
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
    fn spill(&mut self, borrowed: &mut Option<&[u8]>) {
        if let Some(bytes) = borrowed.take() {
            self.buffers.push_data(false, bytes);
        }
    }

    /// Bytes held for the event, whether in storage or borrowed.
    fn held(&self, borrowed: Option<&[u8]>) -> usize {
        self.buffers
            .retained()
            .saturating_add(borrowed.map_or(0, <[u8]>::len))
    }

    /// Checks that `extra` more bytes fit; if not, drops the event and applies
    /// the [`OnLimit`] policy.
    fn check(&mut self, extra: usize, borrowed: &mut Option<&[u8]>) -> Result<(), Error> {
        match self.room(extra, *borrowed) {
            Ok(()) => Ok(()),
            Err(error) => Err(self.drop_event(error, borrowed)),
        }
    }

    /// Whether `extra` more bytes fit the event limit; the error if not.
    fn room(&self, extra: usize, borrowed: Option<&[u8]>) -> Result<(), Error> {
        let needed = self.held(borrowed).saturating_add(extra);
        if needed <= self.limit {
            return Ok(());
        }
        Err(Error::LimitExceeded {
            limit: self.limit,
            needed,
        })
    }

    /// Whether `extra` more bytes of an `id` value (its pieces so far are in
    /// scratch) fit the ID limit and the event limit; the error if not.
    fn id_room(&self, extra: usize, borrowed: Option<&[u8]>) -> Result<(), Error> {
        let len = self.buffers.scratch().len().saturating_add(extra);
        if len > self.config.max_id_bytes {
            return Err(Error::IdTooLong {
                limit: self.config.max_id_bytes,
            });
        }
        self.room(extra, borrowed)
    }

    /// Drops the event in progress for `error` and applies the [`OnLimit`]
    /// policy.
    fn drop_event(&mut self, error: Error, borrowed: &mut Option<&[u8]>) -> Error {
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

    fn run_clear(&mut self) {
        match core::mem::replace(&mut self.clear, Clear::Nothing) {
            Clear::Nothing => {}
            Clear::Event => self.buffers.clear_event(),
            Clear::Comment => self.buffers.clear_scratch(),
        }
    }

    fn event<'r>(&'r self, source: Source<'r>) -> Event<'r> {
        Event {
            event_type: self.buffers.event_type(),
            data: match source {
                Source::Input(data) => data,
                Source::Stored => self.buffers.data(),
            },
            id: self.buffers.id(),
        }
    }

    fn comment<'r>(&'r self, source: Source<'r>) -> &'r [u8] {
        match source {
            Source::Input(text) => text,
            Source::Stored => self.buffers.scratch(),
        }
    }

    fn step<'r>(&'r self, found: Found<'r>) -> Step<'r> {
        match found {
            Found::Event(source) => Step::Event(self.event(source)),
            Found::Retry(ms) => Step::Retry(ms),
            Found::Comment(source, truncated) => Step::Comment {
                text: self.comment(source),
                truncated,
            },
            Found::NeedInput => Step::NeedInput,
        }
    }
}

// The same in every build: once is enough (it takes a while).
/// For releasing held-back bytes where there is no handler: they never
/// produce anything (see `Parser::hold_back`).
struct NothingExpected;

impl Handler for NothingExpected {
    fn event(&mut self, _: Event<'_>) {
        debug_assert!(false, "held-back bytes dispatched an event");
    }
    fn retry(&mut self, ms: u64) {
        debug_assert!(false, "held-back bytes gave retry {ms}");
    }
    fn comment(&mut self, _: &[u8], _: bool) {
        debug_assert!(false, "held-back bytes gave a comment");
    }
    fn error(&mut self, error: Error) {
        debug_assert!(false, "held-back bytes gave {error:?}");
    }
}

#[cfg(all(test, feature = "std", not(ssewire_slow)))]
mod tests {
    extern crate std;
    use std::path::{Path, PathBuf};
    use std::vec::Vec;
    use std::{format, fs, string::String};

    use super::{Parser, Step};
    use crate::{Config, Storage};

    impl<S: Storage> Parser<S> {
        /// Everything that decides what the parser does next, the stored
        /// bytes by region, the fast-path switch left out.
        fn state(&self) -> String {
            let tokenizer = self.tokenizer.clone().fast_paths(true);
            let b = &self.buffers;
            format!(
                "{tokenizer:?} data={:?} scratch={:?} type={:?} id={:?} committed={:?} retained={} \
                 has_data={} line_open={} cut={} mode={:?} clear={:?} retry={:?} completed={:?}",
                b.data(),
                b.scratch(),
                b.event_type(),
                b.id(),
                b.committed_id(),
                b.retained(),
                self.has_data,
                self.line_open,
                self.comment_cut,
                self.mode,
                self.clear,
                self.reconnection_time,
                self.completed,
            )
        }
    }

    /// Records what `feed_all` hands out.
    struct Lines<'o>(&'o mut Vec<String>);

    impl crate::Handler for Lines<'_> {
        fn event(&mut self, event: crate::Event<'_>) {
            self.0.push(format!("{event:?}"));
        }
        fn retry(&mut self, ms: u64) {
            self.0.push(format!("retry {ms}"));
        }
        fn comment(&mut self, text: &[u8], truncated: bool) {
            self.0.push(format!("comment {text:?} {truncated}"));
        }
        fn error(&mut self, error: crate::Error) {
            self.0.push(format!("{error:?}"));
        }
    }

    /// Feeds all of `input` with `feed`; what came out, in order, as `Lines`
    /// writes it.
    fn feed<S: Storage>(parser: &mut Parser<S>, mut input: &[u8], out: &mut Vec<String>) {
        loop {
            let (step, used) = parser.feed(input);
            input = &input[used..];
            out.push(match step {
                Ok(Step::NeedInput) => return,
                Ok(Step::Event(event)) => format!("{event:?}"),
                Ok(Step::Retry(ms)) => format!("retry {ms}"),
                Ok(Step::Comment { text, truncated }) => format!("comment {text:?} {truncated}"),
                Err(error) => format!("{error:?}"),
            });
        }
    }

    /// Feeds `input` cut at `cut` to `fast` (`feed`), `all` (`feed_all`)
    /// and `slow` (`feed`, its fast paths off): after each chunk the first
    /// two are left exactly as the slow path is (a clear deferred to the
    /// next call, or bytes held back to be parsed then, are no difference);
    /// all three hand out the same things and end the same, in the same
    /// state. `what` names the case.
    fn compare_at_cut<A: Storage, B: Storage, C: Storage>(
        fast: &mut Parser<A>,
        all: &mut Parser<B>,
        slow: &mut Parser<C>,
        input: &[u8],
        cut: usize,
        what: &str,
    ) {
        let what = format!("{what}, cut at {cut}");
        let (mut fast_out, mut all_out, mut slow_out) = (Vec::new(), Vec::new(), Vec::new());
        for chunk in [&input[..cut], &input[cut..]] {
            feed(fast, chunk, &mut fast_out);
            all.feed_all(chunk, &mut Lines(&mut all_out));
            feed(slow, chunk, &mut slow_out);
            fast.run_clear();
            all.release_held_back(&mut super::NothingExpected);
            all.run_clear();
            slow.run_clear();
            assert_eq!(fast.state(), slow.state(), "{what}");
            assert_eq!(all.state(), slow.state(), "feed_all, {what}");
        }
        assert_eq!(fast_out, slow_out, "{what}");
        assert_eq!(all_out, slow_out, "feed_all, {what}");
        let end = slow.finish();
        assert_eq!((fast.finish(), all.finish()), (end, end), "{what}");
        assert_eq!(fast.state(), slow.state(), "{what}, finished");
        assert_eq!(all.state(), slow.state(), "feed_all, {what}, finished");
    }

    fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                fixtures(&path, out);
            } else if path.extension().is_some_and(|e| e == "sse") {
                out.push(path);
            }
        }
    }

    /// "The fast paths leave the parser exactly as the slow path would",
    /// checked: at every prefix of every spec fixture (and of its CRLF and CR
    /// rewrites), then after the rest, the whole state is the same. (Feeding
    /// every prefix is quadratic: the three fixtures over 8 KiB are left out,
    /// and the rewrites of those over 2 KiB.)
    #[test]
    fn fast_and_slow_paths_leave_the_same_state_at_every_prefix() {
        let mut paths = Vec::new();
        fixtures(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-fixtures"),
            &mut paths,
        );
        if paths.is_empty() {
            std::eprintln!("no spec-fixtures/ (a packaged crate): nothing to compare");
            return;
        }
        let mut compared = 0usize;
        for path in &paths {
            let bytes = fs::read(path).unwrap();
            if bytes.len() > 8 << 10 {
                continue; // The 1 MiB case: its prefixes add nothing but time.
            }
            let mut crlf = Vec::new();
            for &b in &bytes {
                if b == b'\n' {
                    crlf.push(b'\r');
                }
                crlf.push(b);
            }
            let cr: Vec<u8> = bytes
                .iter()
                .map(|&b| if b == b'\n' { b'\r' } else { b })
                .collect();
            // Every prefix is quadratic: the rewrites of the few cases over
            // 2 KiB (long lines, which the rewrites do not change) are left out.
            let small = bytes.len() <= 2 << 10;
            let all = [bytes.clone(), crlf, cr];
            for input in if small { &all[..] } else { &all[..1] } {
                for comments in [false, true] {
                    let config = Config::new().comments(comments).max_event_bytes(1 << 20);
                    for cut in 0..=input.len() {
                        let mut fast_storage = std::vec![0u8; 2 * input.len() + 64];
                        let mut slow_storage = std::vec![0u8; 2 * input.len() + 64];
                        let mut all_storage = std::vec![0u8; 2 * input.len() + 64];
                        compare_at_cut(
                            &mut Parser::with_config(
                                &mut fast_storage[..],
                                config.fast_paths(true),
                            ),
                            // `feed_all` has a fast path of its own.
                            &mut Parser::with_config(&mut all_storage[..], config.fast_paths(true)),
                            &mut Parser::with_config(
                                &mut slow_storage[..],
                                config.fast_paths(false),
                            ),
                            input,
                            cut,
                            &format!("{}", path.display()),
                        );
                        compared += 2;
                    }
                }
            }
        }
        assert!(compared > 10_000, "{compared} comparisons");
    }

    /// The loop over an event's later `data` lines (`more_data_lines`, the
    /// Datastar shape) leaves the parser as the slow path would: runs of
    /// `data` lines ended by LF, CRLF and CR, with and without the space,
    /// empty ones, a line that only looks like one, cut at every byte, with
    /// every limit up to past the largest event (so each line in turn is
    /// the one that does not fit), in lent and growable storage.
    #[test]
    fn runs_of_data_lines_leave_the_same_state_as_the_slow_path() {
        let input: &[u8] = b"event: x\ndata: a1\ndata: b22\ndata:c333\r\ndata: \rdata: d4444\n\
            data\ndata: e\rdatum: f\ndata: g\r\n\r\n: c\ndata: h\ndata: i\ndata: j\n\n\
            data: k\ndata: l\ndata: m\r";
        for limit in 0..=40 {
            let config = Config::new()
                .max_event_bytes(limit)
                .on_limit(crate::OnLimit::SkipEvent);
            for cut in 0..=input.len() {
                let mut lent = std::vec![0u8; limit];
                compare_at_cut(
                    &mut Parser::with_config(&mut lent[..], config),
                    &mut Parser::with_config(Vec::new(), config),
                    &mut Parser::with_config(Vec::new(), config.fast_paths(false)),
                    input,
                    cut,
                    &format!("limit {limit}"),
                );
            }
        }
    }

    /// The same for runs of long `data` lines: around the 128 bytes copied
    /// as a block, with more than 128 bytes of input after them or not, and
    /// limits that stop the run on either side of each line.
    #[test]
    fn runs_of_long_data_lines_leave_the_same_state_as_the_slow_path() {
        let mut input = b"event: type\nid: 7\ndata: first\n".to_vec();
        let mut limits = std::vec![0, 1, 20, 140, 400, 1 << 20];
        // What the event holds: its type, ID and data so far.
        let mut held = b"type7first".len();
        for (len, end) in [
            (126, &b"\n"[..]),
            (127, b"\r\n"),
            (128, b"\n"),
            (129, b"\r"),
            (130, b"\n"),
            (200, b"\n"),
            (1, b"\n"),
            (128, b"\r\n"),
            (300, b"\n"),
            (128, b"\n"),
        ] {
            input.extend_from_slice(b"data: ");
            input.extend((0..len).map(|i| b'a' + (i % 26) as u8));
            input.extend_from_slice(end);
            // Around where this line (and its LF in the data) fits.
            held += 1 + len;
            limits.extend(held - 2..=held + 2);
        }
        input.extend_from_slice(b"\ndata: last\n\n");
        for limit in limits {
            let config = Config::new()
                .max_event_bytes(limit)
                .on_limit(crate::OnLimit::SkipEvent);
            for cut in 0..=input.len() {
                let mut lent = std::vec![0u8; limit.min(4096)];
                compare_at_cut(
                    &mut Parser::with_config(&mut lent[..], config),
                    &mut Parser::with_config(Vec::new(), config),
                    &mut Parser::with_config(Vec::new(), config.fast_paths(false)),
                    &input,
                    cut,
                    &format!("limit {limit}"),
                );
            }
        }
    }

    /// Bytes held back from tiny chunks change nothing: for every spec
    /// fixture fed 1, 2, 3, 5 and 15 bytes at a time to `feed_all`, what
    /// comes out, how the stream ends and the state after it are what the
    /// slow path gives for the whole input. With a limit just above the
    /// largest event and a small ID limit too, so the hold-back meets both.
    #[test]
    fn bytes_held_back_from_tiny_chunks_change_nothing() {
        let mut paths = Vec::new();
        fixtures(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-fixtures"),
            &mut paths,
        );
        for path in &paths {
            let input = fs::read(path).unwrap();
            if input.len() > 64 << 10 {
                continue;
            }
            for limit in [24, 64, 1 << 20] {
                for comments in [false, true] {
                    let config = Config::new()
                        .comments(comments)
                        .max_event_bytes(limit)
                        .max_id_bytes(8)
                        .on_limit(crate::OnLimit::SkipEvent);
                    let mut slow = Parser::with_config(Vec::new(), config.fast_paths(false));
                    let mut slow_out = Vec::new();
                    feed(&mut slow, &input, &mut slow_out);
                    for size in [1, 2, 3, 5, 15] {
                        let mut tiny = Parser::with_config(Vec::new(), config);
                        let mut tiny_out = Vec::new();
                        for chunk in input.chunks(size) {
                            tiny.feed_all(chunk, &mut Lines(&mut tiny_out));
                        }
                        let what = format!("{} by {size}, limit {limit}", path.display());
                        // `needed` depends on the cuts (a lower bound).
                        let kinds = |out: &[String]| -> Vec<String> {
                            out.iter()
                                .map(|line| match line.split_once(", needed") {
                                    Some((kind, _)) => kind.into(),
                                    None => line.clone(),
                                })
                                .collect()
                        };
                        assert_eq!(kinds(&tiny_out), kinds(&slow_out), "{what}");
                        let mut slow = Parser::with_config(Vec::new(), config.fast_paths(false));
                        feed(&mut slow, &input, &mut Vec::new());
                        assert_eq!(tiny.finish(), slow.finish(), "{what}");
                        assert_eq!(tiny.state(), slow.state(), "{what}");
                    }
                }
            }
        }
    }

    /// The byte held back that would not fit with the LF a second `data`
    /// line adds is parsed at once, so its error is reported in its chunk,
    /// not lost at the end of the stream.
    #[test]
    fn a_held_byte_always_fits_with_its_line_feed() {
        let mut parser = Parser::with_config(Vec::new(), Config::new().max_event_bytes(3));
        let mut out = Vec::new();
        for chunk in [&b"data: ab\ndata:"[..], b"x"] {
            parser.feed_all(chunk, &mut Lines(&mut out));
        }
        assert_eq!(out, ["LimitExceeded { limit: 3, needed: 4 }"]);
        assert!(parser.finish() != crate::StreamEnd::Clean);
    }
}
