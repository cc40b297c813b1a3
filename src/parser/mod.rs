//! Whole events, assembled from tokens in some [`Storage`].
//!
//! The spec's interpretation rules (§9.2.6) live here: appending data with
//! LF separators, the event type buffer, the last event ID buffer and its
//! commit at each blank line, and the dispatch steps. The line rules are the
//! tokenizer's: the parser never looks at a byte of the stream itself.
//!
//! - `mod.rs`: the public API and the parser's state (the table below).
//! - `engine.rs`: the one loop, `advance`, that runs the tokenizer until
//!   something is ready for the caller (an event, a `retry`, a comment, an
//!   error) and stores the value pieces of each field on the way. Both
//!   [`Parser::feed`] (one [`Step`]) and [`Parser::feed_all`] (a
//!   [`Handler`]) run it.
//! - `limits.rs`: how much an event may still take: one room computation.
//! - `tests.rs`: the fast paths held to the slow path, state for state.
//!
//! Zero-copy: a `data` line wholly inside the input, starting an event, is
//! held as a slice of the input (`borrowed`) and delivered from there if the
//! blank line follows in the same input; anything else that touches the data
//! buffer first copies it into storage (`spill`).
//!
//! Fast paths, all off with [`Config::fast_paths`]`(false)` (and with the
//! `ssewire_slow` cfg): the tokenizer's (its module docs list them), the
//! run of `data` lines copied straight into storage (`more_data_lines`), and
//! the few bytes of a tiny chunk held back to be parsed with the next one
//! ([`HeldBack`]). The test kit compares the state after each chunk with the
//! slow path's in every test and fuzz run.
//!
//! Items borrowed from storage are cleared lazily, at the start of the next
//! call (`Clear`), so that they can be returned by reference.
//!
//! # The parser's state
//!
//! | Field | Written by | Kept in step with |
//! |---|---|---|
//! | `tokenizer` | `advance` (through `next_token` and `DataLines` only) | everything below: it says where in a line the stream is |
//! | `buffers` | the field methods of `engine.rs`, `dispatch`, `drop_event` | `has_data` (the data region) |
//! | `has_data` | `data_line`, `data`, `dispatch`, `drop_event` | the spec's "data buffer is not empty", counting the LF each value adds |
//! | `line_open` | the field methods, at each piece | the tokenizer's `partial` one token later: a piece of the current value is stored already, so the next piece gets no LF and does not clear the event type |
//! | `comment_cut` | `push_comment` | a stored comment's pieces |
//! | `mode` | `drop_event` (`Skipping`/`Stopped`), `skip` (back to `Normal`), `resume` | [`OnLimit`] |
//! | `clear` | `dispatch`, `comment_piece` | what the item handed out last borrows from storage |
//! | `reconnection_time` | `retry` tokens | |
//! | `completed` | `dispatch_pending` | `finish`'s answer |
//! | `held_back` | `feed`, `feed_all` | nothing else changes while it holds bytes |
//! | `id_over` | `id_piece` | an `id` value whose error waits for its line end |

mod engine;
mod limits;
#[cfg(all(test, feature = "std", not(ssewire_slow)))]
mod tests;

use crate::buffers::{EventBuffers, Storage};
use crate::held_back::HeldBack;
use crate::offsets::{add, tail};
use crate::tokenizer::Tokenizer;
use crate::{Config, Error, Event, Handler, OnLimit, StreamEnd};

/// What one call of [`Parser::feed`] produced. Named after what the caller
/// does next.
///
/// ```
/// use ssewire::{Config, Parser, Step};
///
/// let mut parser = Parser::with_config(Vec::new(), Config::new().comments(true));
/// let mut input: &[u8] = b": hi\nretry: 500\ndata: x\n\n";
/// let mut seen = Vec::new();
/// loop {
///     let (step, used) = parser.feed(input);
///     input = &input[used..];
///     match step.expect("no limit is hit here") {
///         Step::Comment { text, .. } => seen.push(format!("comment {}", text.escape_ascii())),
///         Step::Retry(ms) => seen.push(format!("retry {ms}")),
///         Step::Event(event) => seen.push(format!("event {}", event.data_lossy())),
///         Step::NeedInput => break,
///         _ => {}
///     }
/// }
/// assert_eq!(seen, ["comment hi", "retry 500", "event x"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum Step<'a> {
    /// An event was dispatched: handle it, then feed the rest of the input.
    Event(Event<'a>),
    /// A `retry` field set the reconnection time to this many milliseconds.
    /// It takes effect at once, whether or not an event follows.
    Retry(u64),
    /// A comment line (only with [`Config::comments`]): the text after the
    /// colon, one leading space removed.
    Comment {
        /// The text, at most [`Config::max_comment_bytes`] of it, and no more
        /// than the event limit leaves beside the event in progress (a
        /// comment shares the event's storage; the cut is the same however
        /// the input was cut).
        text: &'a [u8],
        /// Whether `text` was cut short by one of those limits.
        truncated: bool,
    },
    /// The input is used up: feed the next chunk (or call
    /// [`finish`](Parser::finish) at end of stream).
    NeedInput,
}

impl<'a> Step<'a> {
    /// The event, if this is one.
    pub fn event(self) -> Option<Event<'a>> {
        match self {
            Step::Event(event) => Some(event),
            _ => None,
        }
    }
}

/// Where an item's bytes are: in the input, or in storage.
#[derive(Clone, Copy)]
enum Source<'i> {
    Input(&'i [u8]),
    Stored,
}

/// What `advance` found, borrowing the input only (never the parser), so the
/// parser can keep working on itself before turning it into a [`Step`];
/// with a [`Spot`] for a source, what [`Parsed`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found<Src> {
    Event(Src),
    Retry(u64),
    Comment(Src, bool),
    NeedInput,
}

/// Where an item's bytes are, as offsets into the input: a [`Source`] that
/// borrows nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spot {
    Input { start: usize, end: usize },
    Stored,
}

impl Spot {
    /// Where `source` lies in `input` (address arithmetic only: a borrowed
    /// source is always a slice of the input `advance` was given).
    fn of(source: Source<'_>, input: &[u8]) -> Self {
        match source {
            Source::Input(bytes) => {
                let start = (bytes.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
                Spot::Input {
                    start,
                    end: add(start, bytes.len()),
                }
            }
            Source::Stored => Spot::Stored,
        }
    }

    fn source(self, input: &[u8]) -> Source<'_> {
        match self {
            Spot::Input { start, end } => Source::Input(input.get(start..end).unwrap_or_default()),
            Spot::Stored => Source::Stored,
        }
    }
}

/// What one call of [`Parser::parse`] found: a [`Step`] that borrows
/// nothing yet, so that a loop can go on parsing (or reading) after it, and
/// hand out the step only when it is the one to return. See it with
/// [`Parser::step`].
///
/// This is the shape a lending reader needs: returning a borrowed
/// [`Event`] from a loop that also refills its buffer does not compile on
/// stable Rust if the borrow is taken before the decision to return (the
/// borrow checker's "problem case #3"); taken after it, it does.
///
/// ```
/// use ssewire::{Event, Parser};
///
/// /// A reader that lends each event from its own buffer, refilled by
/// /// `read` (any transport) once the parser has used it up.
/// struct Lender<R> {
///     read: R,
///     parser: Parser<Vec<u8>>,
///     buf: Vec<u8>,
///     pos: usize,
/// }
///
/// impl<R: FnMut(&mut Vec<u8>) -> bool> Lender<R> {
///     fn next_event(&mut self) -> Option<Event<'_>> {
///         loop {
///             let input = &self.buf[self.pos..];
///             let (parsed, used) = self.parser.parse(input);
///             let start = self.pos;
///             self.pos += used;
///             match parsed {
///                 // Borrowed only here, on the way out.
///                 Ok(parsed) if parsed.is_event() => {
///                     let input = &self.buf[start..self.pos];
///                     return self.parser.step(parsed, input).event();
///                 }
///                 Ok(parsed) if parsed.needs_input() => {
///                     self.buf.clear();
///                     self.pos = 0;
///                     if !(self.read)(&mut self.buf) {
///                         return None;
///                     }
///                 }
///                 _ => {} // a `retry`, a comment, an error: not wanted here
///             }
///         }
///     }
/// }
///
/// let mut chunks = [&b"data: a\n\ndata: "[..], b"b\n\n"].into_iter();
/// let mut lender = Lender {
///     read: |buf: &mut Vec<u8>| chunks.next().map(|c| buf.extend_from_slice(c)).is_some(),
///     parser: Parser::new(Vec::new()),
///     buf: Vec::new(),
///     pos: 0,
/// };
/// assert_eq!(lender.next_event().map(|e| e.data().to_vec()), Some(b"a".to_vec()));
/// assert_eq!(lender.next_event().map(|e| e.data().to_vec()), Some(b"b".to_vec()));
/// assert!(lender.next_event().is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub struct Parsed(Found<Spot>);

impl Parsed {
    /// Whether it is an event ([`Step::Event`]).
    pub fn is_event(&self) -> bool {
        matches!(self.0, Found::Event(_))
    }

    /// Whether the input is used up ([`Step::NeedInput`]).
    pub fn needs_input(&self) -> bool {
        matches!(self.0, Found::NeedInput)
    }
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
    /// A piece of the current value was stored already (see the table).
    line_open: bool,
    /// A comment piece was cut to fit.
    comment_cut: bool,
    mode: Mode,
    clear: Clear,
    reconnection_time: Option<u64>,
    /// How the stream was going to end when [`Parser::dispatch_pending`]
    /// completed it.
    completed: Option<StreamEnd>,
    /// Bytes of a tiny chunk not parsed yet: parsed before anything else
    /// looks at the stream.
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
    /// [`feed_all`](Self::feed_all) runs this loop for you, on the same
    /// engine.
    #[must_use = "the count says how much of the input was consumed"]
    pub fn feed<'r>(&'r mut self, input: &'r [u8]) -> (Result<Step<'r>, Error>, usize) {
        let (parsed, used) = self.parse(input);
        (parsed.map(|parsed| self.step(parsed, input)), used)
    }

    /// [`feed`](Self::feed) in two steps, for a loop that returns a borrowed
    /// item (see [`Parsed`]): parses the front of `input` as `feed` does and
    /// says what it found, borrowing nothing; [`step`](Self::step) then
    /// shows it.
    #[must_use = "the count says how much of the input was consumed"]
    #[inline(always)]
    pub fn parse(&mut self, input: &[u8]) -> (Result<Parsed, Error>, usize) {
        if self.hold(input) {
            return (Ok(Parsed(Found::NeedInput)), input.len());
        }
        self.release_held_back(&mut NothingExpected);
        let (found, used) = self.advance(input);
        let parsed = found.map(|found| {
            Parsed(match found {
                Found::Event(source) => Found::Event(Spot::of(source, input)),
                Found::Retry(ms) => Found::Retry(ms),
                Found::Comment(source, cut) => Found::Comment(Spot::of(source, input), cut),
                Found::NeedInput => Found::NeedInput,
            })
        });
        (parsed, used)
    }

    /// The [`Step`] that [`parse`](Self::parse) found, borrowing this parser
    /// and `input`: the input that `parse` call was given (at least the
    /// bytes it consumed), since an event or comment wholly inside it is
    /// lent from there. Call it before the next call that parses.
    ///
    /// Given other bytes, the step's text is wrong (never out of bounds).
    #[inline]
    pub fn step<'r>(&'r self, parsed: Parsed, input: &'r [u8]) -> Step<'r> {
        match parsed.0 {
            Found::Event(spot) => Step::Event(self.event(spot.source(input))),
            Found::Retry(ms) => Step::Retry(ms),
            Found::Comment(spot, truncated) => Step::Comment {
                text: self.comment(spot.source(input)),
                truncated,
            },
            Found::NeedInput => Step::NeedInput,
        }
    }

    /// Parses `input`, handing every event, `retry`, comment and error to
    /// `handler`, in stream order: the same as calling [`feed`](Self::feed)
    /// until [`Step::NeedInput`]. Returns the bytes consumed: all of `input`,
    /// unless [`Handler::pause`] asked to stop after an item (then feed the
    /// rest later).
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
    #[inline(always)]
    pub fn feed_all<H: Handler + ?Sized>(&mut self, input: &[u8], handler: &mut H) -> usize {
        // Kept small so that this test inlines into the caller's loop: a
        // stream read a byte at a time mostly takes it.
        if self.held_back.hold_more(input) {
            return input.len();
        }
        self.feed_all_unheld(input, handler)
    }

    /// [`feed_all`](Self::feed_all) for a chunk not simply added to the
    /// bytes held back. Inlined into the caller's loop with `feed_all`:
    /// with one small chunk per call the call itself costs (callgrind).
    #[inline(always)]
    fn feed_all_unheld<H: Handler + ?Sized>(&mut self, input: &[u8], handler: &mut H) -> usize {
        if self.hold_back(input) {
            return input.len();
        }
        if self.held_back.len() != 0 {
            // A short chunk after bytes held (the line end that completes
            // them, most often): parsed with them, in one go.
            let held = self.held_back.len();
            if let Some((bytes, len)) = self.held_back.take_with(input) {
                let used = self.parse_all(bytes.get(..len).unwrap_or_default(), handler);
                // The held bytes hand out nothing: a pause comes after them.
                return used.saturating_sub(held);
            }
            self.release_held_back(handler);
        }
        self.parse_all(input, handler)
    }

    /// The loop of [`feed_all`](Self::feed_all): `advance` until the input
    /// is used up or the handler pauses.
    #[inline(always)]
    fn parse_all<H: Handler + ?Sized>(&mut self, input: &[u8], handler: &mut H) -> usize {
        let mut pos = 0;
        loop {
            let (found, used) = self.advance(tail(input, pos));
            pos = add(pos, used);
            match found {
                Ok(Found::NeedInput) => return pos,
                Ok(Found::Event(source)) => handler.event(self.event(source)),
                Ok(Found::Retry(ms)) => handler.retry(ms),
                Ok(Found::Comment(source, truncated)) => {
                    handler.comment(self.comment(source), truncated);
                }
                Err(error) => handler.error(error),
            }
            if pos >= input.len() || handler.pause() {
                // Nothing is left to parse (a borrowed value never outlives
                // the call that found it): skip the call that would only say
                // so. One event per chunk is the common case.
                return pos;
            }
        }
    }

    /// Holds `input` back instead of parsing it, if it is a tiny piece of a
    /// line (see [`HeldBack`]): `true` when held.
    #[inline(always)]
    fn hold(&mut self, input: &[u8]) -> bool {
        self.held_back.hold_more(input) || self.hold_back(input)
    }

    /// Fast path for a tiny chunk without a line end: held instead of
    /// parsed, when parsing it could not report anything, not even an
    /// error (see [`limits`](Self::hold_back_room)).
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
        if !self.held_back.hold_first(input, self.hold_back_room()) {
            return false;
        }
        self.run_clear();
        true
    }

    /// Parses the bytes held back, handing out anything they produce
    /// (`hold_back` only holds bytes that produce nothing).
    /// The test inlined, the parse not: most calls find nothing held.
    #[inline(always)]
    fn release_held_back<H: Handler + ?Sized>(&mut self, handler: &mut H) {
        if self.held_back.len() != 0 {
            self.parse_held_back(handler);
        }
    }

    #[inline(never)]
    fn parse_held_back<H: Handler + ?Sized>(&mut self, handler: &mut H) {
        let (bytes, len) = self.held_back.take();
        self.parse_all(bytes.get(..len).unwrap_or_default(), handler);
    }

    /// Gives a stopped parser ([`OnLimit::Stop`]) the rest of the buffer its
    /// error came from, as `feed_all` would have: it drops it in one call,
    /// tracking only where lines end, so that [`finish`](Self::finish)
    /// counts it as a caller that fed the whole buffer sees. For the
    /// adapters, which stop parsing at the error.
    #[cfg(any(
        feature = "std",
        feature = "bytes",
        feature = "stream",
        feature = "tokio-io",
        feature = "embedded-io",
        feature = "embedded-io-async"
    ))]
    pub(crate) fn drop_rest(&mut self, rest: &[u8]) {
        debug_assert!(self.is_stopped());
        let (_, used) = self.parse(rest);
        debug_assert_eq!(used, rest.len(), "a stopped parser takes all its input");
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
    /// when `id` is over [`Config::max_id_bytes`] or the event limit.
    pub fn reset_with_last_event_id(&mut self, id: &[u8]) -> Result<(), Error> {
        self.reset();
        let limit = self.id_limit();
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
    /// For [`feed`](Self::feed) loops, or a [`Handler`] that pauses at an
    /// error: by the time an unpaused [`feed_all`](Self::feed_all) returns,
    /// the rest of its chunk was dropped. To go on with the same stream
    /// there, use [`OnLimit::SkipEvent`] (the default).
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
    /// and the few bytes of a line that may be held back from tiny chunks
    /// to parse them together. Never above [`limit`](Self::limit).
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

    /// Whether an error with [`OnLimit::Stop`] stopped the parser: it then
    /// consumes and drops all input, handing out nothing, until
    /// [`reset`](Self::reset) or [`resume`](Self::resume).
    pub fn is_stopped(&self) -> bool {
        self.mode == Mode::Stopped
    }

    /// Everything that decides what the parser does next (the stored bytes
    /// by region, every flag), for tests that hold the fast paths to the
    /// slow path; `None` while bytes are held back (they are parsed later,
    /// so the state is not comparable yet). Runs the clear deferred to the
    /// next call first, which changes nothing that comes out. Not for
    /// production use.
    #[doc(hidden)]
    pub fn debug_state(&mut self) -> Option<impl core::fmt::Debug + '_> {
        if self.held_back.len() != 0 {
            return None;
        }
        self.run_clear();
        let b = &self.buffers;
        Some((
            // The fast-path switch is not state.
            self.tokenizer.clone().fast_paths(true),
            [
                b.data(),
                b.scratch(),
                b.event_type(),
                b.id(),
                b.committed_id(),
            ],
            b.retained(),
            (self.has_data, self.line_open, self.comment_cut),
            (
                self.mode,
                self.clear,
                self.reconnection_time,
                self.completed,
            ),
            self.id_over,
        ))
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
}

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

/// The default policy when an event goes over a limit.
const _: () = assert!(matches!(Config::new().on_limit, OnLimit::SkipEvent));
