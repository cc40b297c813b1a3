//! Layer 0: the tokenizer. Bytes in, field values and line events out. The
//! one place that knows what a line, a line end, a field name and the
//! leading space are.
//!
//! # The grammar (WHATWG HTML §9.2.5)
//!
//! ```text
//! stream        = [ bom ] *event
//! event         = *( comment / field ) end-of-line
//! comment       = colon *any-char end-of-line
//! field         = 1*name-char [ colon [ space ] *any-char ] end-of-line
//! end-of-line   = ( cr lf / cr / lf )
//! ; characters
//! lf            = %x000A ; U+000A LINE FEED (LF)
//! cr            = %x000D ; U+000D CARRIAGE RETURN (CR)
//! space         = %x0020 ; U+0020 SPACE
//! colon         = %x003A ; U+003A COLON (:)
//! bom           = %xFEFF ; U+FEFF BYTE ORDER MARK
//! name-char     = %x0000-0009 / %x000B-000C / %x000E-0039 / %x003B-10FFFF
//! any-char      = %x0000-0009 / %x000B-000C / %x000E-10FFFF
//! ```
//!
//! # Where each rule lives
//!
//! | Rule (§9.2.5, §9.2.6) | Function |
//! |---|---|
//! | `end-of-line`: CR, LF or CRLF | `is_line_end`, `line_end_len`; its effect on the state, `Tokenizer::line_end` (a CR last in the input sets `skip_lf`) |
//! | the first line end in the input | `find_line_end` (one line), `LineEnds` (a run of lines) |
//! | one leading `bom` is stripped | `Tokenizer::bom` |
//! | a blank line dispatches | `Tokenizer::line_start` |
//! | a `colon` first: a comment | `Tokenizer::line_start`, `Tokenizer::skip_comments` |
//! | the field name, up to the colon or the line end | `Tokenizer::field_name`, `FieldName::from_name`; fast: `Tokenizer::known_field` |
//! | one leading `space` is removed | `leading_space` |
//! | `data`, `event`, `id`: the value | `Tokenizer::resolve`, `Tokenizer::value` |
//! | an `id` value with a NUL is ignored | `Tokenizer::value` |
//! | `retry`: ASCII digits only | `Tokenizer::retry_digits` |
//! | any other field is ignored | `Tokenizer::resolve` (`State::Skip`) |
//!
//! The field rules that store and dispatch (append data with LF between
//! values, the event type and last event ID buffers) are the parser's.
//!
//! # How it works
//!
//! [`Tokenizer::feed`] takes any slice of the stream and returns one [`Token`]
//! plus the number of bytes it consumed; the caller slices the input and calls
//! again until it gets [`Token::NeedInput`]. Each call dispatches on `State`
//! (`step`, one method per state, in vte's manner). Between calls it keeps
//! only a few bytes of state (asserted in `tests/lifecycle.rs`): where it is
//! in a line, up to five bytes of a field name cut by a chunk boundary, the
//! `retry` digits so far, and the one-bit "swallow one LF" flag that makes a
//! CR at the end of one chunk and an LF at the start of the next a single
//! line end.
//!
//! Values are never stored: a value wholly inside the input comes back as one
//! [`Piece::Whole`] (the zero-copy case); a value cut by the end of the input
//! comes back as [`Piece::Part`]s followed by a [`Piece::Last`]. Unknown
//! fields, and comments unless asked for, are skipped without storing
//! anything. `retry` values are parsed on the fly.
//!
//! Line ends are found with a word-at-a-time test of the first 8 bytes, then
//! `memchr2`; nothing already consumed is ever looked at again. Field names are
//! matched byte by byte but never more than six bytes of one: the longest
//! known name (`event`, `retry`) has five.
//!
//! # Fast paths
//!
//! Three, all off when `fast` is `false` (`Tokenizer::fast_paths`, the
//! `ssewire_slow` cfg), all built from the slow path's own transitions:
//!
//! - `known_field`: at a line start, `data:`, `event:` and `id:` with their
//!   value in one step (through `resolve`, `value_start` and `value`).
//! - `skip_comments`: a run of comment lines nobody asked for, in one step.
//! - `DataLines` (`Tokenizer::data_lines`): the parser's run of whole
//!   `data` lines, each value found by one search and counted when the run
//!   is dropped, as their tokens would have been.
//!
//! The test kit's slow layers (`testkit::drive::LAYERS`,
//! `run_fast_and_slow`) compare the outcome and the whole state after the
//! fast and the slow path, chunk by chunk, in every test and fuzz run.
//!
//! # Invariants
//! - `feed` returns [`Token::NeedInput`] only when it consumed all of its
//!   input; every other token ends on a consumed byte.
//! - `skip_lf` is only ever set on entering `State::LineStart`; `step` checks it
//!   before anything else.
//! - At `State::LineStart` the `partial` flag is clear (`line_end` clears it).
//! - `count` is the one writer of `since_blank` but for `blank_line`, which
//!   restarts it; every consumed byte is counted once.
//! - Adding a field: extend `FieldName` and `FieldName::from_name`, then the
//!   `resolve` match.
//!
//! Spec: WHATWG HTML, "Server-sent events", §9.2.5 "Parsing an event stream" and
//! §9.2.6 "Interpreting an event stream".

use crate::offsets::{add, head, tail};
use crate::StreamEnd;

const CR: u8 = b'\r';
const LF: u8 = b'\n';
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// The fields whose values the tokenizer hands out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `data`: appended to the data buffer.
    Data,
    /// `event`: sets the event type buffer.
    Event,
    /// `id`: sets the last event ID buffer (unless the value holds a NUL).
    Id,
    /// A line starting with `:`. The spec ignores it; servers use it as a keep-alive.
    Comment,
}

/// A field value, or a piece of one where the input was cut, borrowed from
/// the input. The one vocabulary of values: [`Token::Value`] carries it, and
/// the parser stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// The whole value: its line began and ended in this input (the
    /// zero-copy case). May be empty.
    Whole(&'a [u8]),
    /// Bytes of a value whose line goes on past the end of this input; never
    /// empty. More pieces follow, the last one a [`Piece::Last`].
    Part(&'a [u8]),
    /// The last bytes of a value that [`Piece::Part`]s began, and the end of
    /// its line. May be empty.
    Last(&'a [u8]),
}

impl<'a> Piece<'a> {
    /// The bytes of the piece.
    pub const fn bytes(self) -> &'a [u8] {
        match self {
            Self::Whole(bytes) | Self::Part(bytes) | Self::Last(bytes) => bytes,
        }
    }

    /// Whether the value's line ends with this piece (`Whole` or `Last`).
    pub const fn ends_line(self) -> bool {
        !matches!(self, Self::Part(_))
    }
}

/// One step of the tokenizer, named after what happened in the stream.
///
/// ```
/// use ssewire::{Field, Piece, Token, Tokenizer};
///
/// let mut tokenizer = Tokenizer::new();
/// // A value cut by the end of the input comes in pieces.
/// let (token, used) = tokenizer.feed(b"data: hel");
/// assert_eq!((token, used), (Token::Value { field: Field::Data, piece: Piece::Part(b"hel") }, 9));
/// let (token, used) = tokenizer.feed(b"lo\n\n");
/// assert_eq!((token, used), (Token::Value { field: Field::Data, piece: Piece::Last(b"lo") }, 3));
/// assert_eq!(tokenizer.feed(b"\n"), (Token::BlankLine, 1));
/// ```
///
/// # What an assembler of events must do with them
///
/// The tokenizer applies the line rules (§9.2.5); the field rules (§9.2.6) are
/// the caller's. Values come with the one space after the colon already
/// removed, and split into pieces only where the input was cut.
///
/// - [`Value`](Token::Value): a [`Piece::Whole`] is a value; [`Piece::Part`]s
///   and then a [`Piece::Last`] make one value: concatenate them.
/// - `Data`: append the value to the data buffer, with an LF between values
///   (the spec appends an LF after each value and removes the last one at
///   dispatch; the same thing).
/// - `Event`: the value replaces the event type buffer.
/// - `Id`: the value replaces the last event ID buffer. A value holding a NUL
///   never ends with a `Whole` or `Last` piece: [`IgnoredId`](Token::IgnoredId)
///   comes at the NUL instead, and its pieces must be dropped.
/// - [`Retry`](Token::Retry): the new reconnection time, already validated.
/// - [`BlankLine`](Token::BlankLine), dispatch: the last event ID becomes the
///   ID buffer (even when no event follows: it is what a reconnection sends);
///   if the data buffer is empty (no `data` line at all), reset the event
///   type and stop; otherwise the event is (event type or `message` when
///   empty, data, last event ID); then reset data and event type, never the ID.
/// - At the end of the stream ([`Tokenizer::finish`]) the pending event and an
///   ID set since the last blank line are discarded: the last event ID stays
///   the one of the last blank line.
///
/// ```
/// use ssewire::{Field, Piece, Token, Tokenizer};
///
/// let (mut data, mut event_type, mut id, mut value) = (vec![], vec![], vec![], vec![]);
/// let (mut has_data, mut events) = (false, vec![]);
/// let mut tokenizer = Tokenizer::new();
/// for chunk in [&b"event: a\ndata: x\nid: 1\nda"[..], b"ta: y\n\ndata: z\n\n"] {
///     let mut input = chunk;
///     loop {
///         let (token, used) = tokenizer.feed(input);
///         input = &input[used..];
///         match token {
///             Token::Value { field, piece } => {
///                 value.extend_from_slice(piece.bytes());
///                 if !piece.ends_line() {
///                     continue;
///                 }
///                 let value = std::mem::take(&mut value);
///                 match field {
///                     Field::Data if has_data => data.extend([&b"\n"[..], &value].concat()),
///                     Field::Data => (data, has_data) = (value, true),
///                     Field::Event => event_type = value,
///                     Field::Id => id = value,
///                     Field::Comment => {}
///                 }
///             }
///             Token::IgnoredId => value.clear(),
///             Token::BlankLine => {
///                 if has_data {
///                     let kind = if event_type.is_empty() { b"message".to_vec() } else { event_type.clone() };
///                     events.push((kind, std::mem::take(&mut data), id.clone()));
///                 }
///                 (has_data, event_type) = (false, vec![]);
///             }
///             Token::NeedInput => break,
///             _ => {} // `Retry`
///         }
///     }
/// }
/// assert_eq!(events, [
///     (b"a".to_vec(), b"x\ny".to_vec(), b"1".to_vec()),
///     (b"message".to_vec(), b"z".to_vec(), b"1".to_vec()),
/// ]);
/// # let _ = Piece::Whole(b"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum Token<'a> {
    /// A value of a known field, or a piece of one.
    Value {
        /// The field the value belongs to.
        field: Field,
        /// The value's bytes, borrowed from the input.
        piece: Piece<'a>,
    },
    /// An `id` value held a NUL: the spec ignores the whole field, so drop
    /// any [`Piece::Part`]s of it. The rest of its line is skipped.
    IgnoredId,
    /// A `retry` line with a valid value ended: the new reconnection time in
    /// milliseconds.
    Retry(u64),
    /// An empty line: dispatch the event.
    BlankLine,
    /// The input is used up; feed more (or call `finish` at end of stream).
    NeedInput,
}

/// The field names the tokenizer recognizes, plus "something else".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldName {
    Data,
    Event,
    Id,
    Retry,
    Unknown,
}

impl FieldName {
    /// Spec: "If the field name is ..." (§9.2.6), byte for byte.
    fn from_name(name: &[u8]) -> Self {
        match name {
            DATA => Self::Data,
            b"event" => Self::Event,
            b"id" => Self::Id,
            b"retry" => Self::Retry,
            _ => Self::Unknown,
        }
    }
}

/// The name of the commonest field, which the fast paths look for.
const DATA: &[u8] = b"data";

/// Where the tokenizer is within a line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// At the start of the stream: this many bytes of a BOM seen so far.
    Bom(u8),
    /// At the start of a line.
    #[default]
    LineStart,
    /// Reading a field name: its first `len` bytes so far (at most five: the
    /// longest known name, `event` or `retry`).
    Name { len: u8, name: [u8; 5] },
    /// Just after the colon of a known field: one space may follow.
    ValueStart(Field),
    /// In the value of a known field.
    Value(Field),
    /// Just after `retry:`: one space may follow.
    RetryStart,
    /// In a `retry` value: the number so far, and whether a digit came (an
    /// empty value is ignored).
    RetryDigits { ms: u64, any: bool },
    /// In a line that has no (more) effect: skip to its end.
    Skip,
}

/// The push tokenizer: feed it any slice of the stream, get one [`Token`] and
/// the bytes it consumed; slice and call again until [`Token::NeedInput`]. It
/// keeps a few dozen bytes of state between calls and stores no input. See
/// [`Token`] for what to do with the tokens.
///
/// ```
/// use ssewire::{Field, Piece, Token, Tokenizer};
///
/// let mut tokenizer = Tokenizer::new();
/// let input = b"data: hi\n\n";
/// let (token, used) = tokenizer.feed(input);
/// assert_eq!(token, Token::Value { field: Field::Data, piece: Piece::Whole(b"hi") });
/// assert_eq!(tokenizer.feed(&input[used..]), (Token::BlankLine, 1));
/// assert_eq!(tokenizer.finish(), ssewire::StreamEnd::Clean);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokenizer {
    state: State,
    /// A CR ended the last line at the very end of an input: an LF at the start
    /// of the next input belongs to that line end.
    skip_lf: bool,
    /// Hand out comment lines (`false`: skip them).
    comments: bool,
    /// Swallow a blank line when no `data`, `event` or `id` line came since
    /// the last one (dispatch then changes nothing).
    quiet: bool,
    /// Take the fast paths (see the module docs).
    fast: bool,
    /// A `Piece::Part` of the current value was handed out already.
    partial: bool,
    /// A `data`, `event` or `id` line was seen since the last blank line.
    in_event: bool,
    /// Bytes since the last blank line (excluding a stripped BOM).
    since_blank: u64,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Tokenizer {
    /// A tokenizer at the start of a stream, skipping comments.
    pub const fn new() -> Self {
        Self {
            state: State::Bom(0),
            skip_lf: false,
            comments: false,
            quiet: false,
            fast: cfg!(not(ssewire_slow)),
            partial: false,
            in_event: false,
            since_blank: 0,
        }
    }

    /// Whether comment lines are handed out as [`Field::Comment`] values
    /// (default: no, they are skipped without looking at their bytes).
    #[must_use]
    pub const fn comments(mut self, yes: bool) -> Self {
        self.comments = yes;
        self
    }

    /// Whether a blank line that would dispatch nothing (no `data`, `event`
    /// or `id` line since the last blank line) is consumed without a
    /// [`Token::BlankLine`] (default: no). Dispatching such a line changes
    /// nothing, and a keep-alive stream is mostly those.
    #[must_use]
    pub const fn quiet_blank_lines(mut self, yes: bool) -> Self {
        self.quiet = yes;
        self
    }

    /// Turns the fast paths off (or on again), to check them against the
    /// slow path. Not for production use: the results are the same.
    #[doc(hidden)]
    #[must_use]
    pub const fn fast_paths(mut self, yes: bool) -> Self {
        self.fast = yes;
        self
    }

    /// Tokenizes the front of `input`: returns the next token and how many
    /// bytes of `input` it consumed. Call again with the rest.
    ///
    /// An empty `input` is not the end of the stream: it returns
    /// [`Token::NeedInput`] and changes nothing. Call [`finish`](Self::finish)
    /// when the stream ends.
    #[must_use = "the count says how much of the input was consumed"]
    #[inline]
    pub fn feed<'a>(&mut self, input: &'a [u8]) -> (Token<'a>, usize) {
        self.next_token(input)
    }

    /// [`feed`](Self::feed), inlined into the parser's loop (the one door
    /// the parser has into the line rules).
    #[inline(always)]
    pub(crate) fn next_token<'a>(&mut self, input: &'a [u8]) -> (Token<'a>, usize) {
        let mut pos = 0;
        while let Some(rest) = input.get(pos..).filter(|rest| !rest.is_empty()) {
            let (token, used) = self.step(rest);
            pos = add(pos, used);
            if let Some(token) = token {
                return (token, pos);
            }
        }
        (Token::NeedInput, pos)
    }

    /// The end of the stream: reports whether it ended between events or in the
    /// middle of one, and gets ready for a new stream (as [`reset`](Self::reset)).
    ///
    /// The spec discards an incomplete line and an event without its blank line.
    #[must_use = "says whether the stream ended mid-event"]
    pub fn finish(&mut self) -> StreamEnd {
        let end = self.end_status();
        self.reset();
        end
    }

    /// How the stream would end if it ended now. See [`StreamEnd`].
    pub fn end_status(&self) -> StreamEnd {
        if self.is_mid_line() || self.in_event {
            // Bytes of a BOM cut short are counted once it is known not to
            // be one (`bom`); at the very end, here.
            let partial_bom = match self.state {
                State::Bom(seen) => u64::from(seen),
                _ => 0,
            };
            StreamEnd::Truncated {
                discarded: self.since_blank.saturating_add(partial_bom),
            }
        } else {
            StreamEnd::Clean
        }
    }

    /// Gets ready for a new stream (a reconnection): forgets any partial line
    /// and re-arms the BOM check. Keeps the settings.
    pub fn reset(&mut self) {
        *self = Self {
            comments: self.comments,
            quiet: self.quiet,
            fast: self.fast,
            ..Self::new()
        };
    }

    /// Whether the tokenizer is inside a line (some of it consumed, its end not).
    pub fn is_mid_line(&self) -> bool {
        !matches!(self.state, State::Bom(0) | State::LineStart)
    }

    /// For a parser dropping an event: the rest of the current line, if the
    /// tokenizer is inside one, is skipped without being looked at (it still
    /// counts as consumed, and its line end as a line end).
    pub(crate) fn skip_rest_of_line(&mut self) {
        if self.is_mid_line() {
            self.state = State::Skip;
            self.partial = false;
        }
    }

    /// The parser's one fast door: what the front of `rest` holds, if it is
    /// one of the three things most streams are made of, dispatched once
    /// on the state; `None`, changing nothing, for anything else (the token
    /// path, `feed`, takes it). Each leaves the tokenizer as `feed` would
    /// after the same tokens, through the slow path's bookkeeping
    /// (`value`, `line_end`, `count`, `blank_line`).
    #[inline(always)]
    pub(crate) fn fast<'a>(&mut self, rest: &'a [u8]) -> Option<(Fast<'a>, usize)> {
        if !self.fast || self.skip_lf || rest.is_empty() {
            return None;
        }
        match self.state {
            State::LineStart => self.fast_line(rest),
            State::Value(Field::Data) => {
                let (piece, used) = self.data_value(rest)?;
                Some((Fast::Data(piece), used))
            }
            _ => None,
        }
    }

    /// The part of [`fast`](Self::fast) inside a `data` value: its next
    /// piece, for a parser that knows a value is open. `None`, changing
    /// nothing, anywhere else.
    #[inline(always)]
    pub(crate) fn data_value<'a>(&mut self, rest: &'a [u8]) -> Option<(Piece<'a>, usize)> {
        if !self.fast
            || self.skip_lf
            || rest.is_empty()
            || !matches!(self.state, State::Value(Field::Data))
        {
            return None;
        }
        let (token, used) = self.value(Field::Data, rest);
        self.count(used);
        match token {
            Some(Token::Value { piece, .. }) => Some((piece, used)),
            // `value` hands out a piece of non-empty `rest`.
            _ => None,
        }
    }

    /// At a line start: a blank line that dispatches, a `data` line with
    /// value bytes here, or both of those (an event of one `data` line).
    #[inline(always)]
    fn fast_line<'a>(&mut self, rest: &'a [u8]) -> Option<(Fast<'a>, usize)> {
        match *rest.first()? {
            CR | LF if self.in_event || !self.quiet => {
                let used = self.line_end(rest, 0);
                self.count(used);
                self.blank_line();
                Some((Fast::BlankLine, used))
            }
            b'd' => {
                let start = data_value_start(rest)?;
                let value = tail(rest, start);
                if value.is_empty() {
                    // A space may still come, in the next input.
                    return None;
                }
                self.in_event = true;
                let Some(len) = find_line_end(value) else {
                    self.state = State::Value(Field::Data);
                    self.partial = true;
                    self.count(rest.len());
                    return Some((Fast::Data(Piece::Part(value)), rest.len()));
                };
                let value = head(value, len);
                let line = self.line_end(rest, add(start, len));
                // The blank line after it too, when it is here (it
                // dispatches: `in_event`).
                if !rest.get(line).copied().is_some_and(is_line_end) {
                    self.count(line);
                    return Some((Fast::Data(Piece::Whole(value)), line));
                }
                let used = self.line_end(rest, line);
                self.count(used);
                self.blank_line();
                Some((Fast::Event(value), used))
            }
            _ => None,
        }
    }

    /// The fast path for a run of whole `data` lines at the front of `rest`
    /// (a Datastar event has 20-200): their values one by one, without a
    /// token each. Nothing when the fast paths are off or the tokenizer is
    /// not at a line start.
    #[inline(always)]
    pub(crate) fn data_lines<'t, 'a>(&'t mut self, rest: &'a [u8]) -> DataLines<'t, 'a> {
        let at_line_start = self.fast && matches!(self.state, State::LineStart) && !self.skip_lf;
        DataLines {
            rest: if at_line_start { rest } else { &[] },
            used: 0,
            line_ends: LineEnds::new(),
            tokenizer: self,
        }
    }

    /// Counts consumed bytes: the one place `since_blank` grows.
    #[inline(always)]
    fn count(&mut self, bytes: usize) {
        self.since_blank = self.since_blank.saturating_add(bytes as u64);
    }

    /// A blank line ended (after its bytes were counted): the one place the
    /// per-event bookkeeping restarts.
    #[inline(always)]
    fn blank_line(&mut self) {
        self.since_blank = 0;
        self.in_event = false;
    }

    // ---------------------------------------------------------------------
    // The state machine: one method per state.

    /// One state's worth of work on a non-empty `rest`. Counts what it
    /// consumes.
    #[inline(always)]
    fn step<'a>(&mut self, rest: &'a [u8]) -> (Option<Token<'a>>, usize) {
        if self.skip_lf {
            self.skip_lf = false;
            if rest.first() == Some(&LF) {
                // The LF of a CRLF split across calls: counted with its line,
                // unless that line was blank (as in one call).
                if self.since_blank > 0 {
                    self.count(1);
                }
                return (None, 1);
            }
        }
        let (found, used) = match self.state {
            State::LineStart => return self.line_start(rest),
            State::Value(field) => self.value(field, rest),
            State::Bom(seen) => return self.bom(seen, rest),
            State::Name { len, name } => self.field_name(len, name, rest),
            State::ValueStart(field) => (None, self.value_start(field, rest)),
            State::RetryStart => (None, self.retry_start(rest)),
            State::RetryDigits { ms, any } => self.retry_digits(ms, any, rest),
            State::Skip => (None, self.skip_line(rest)),
        };
        self.count(used);
        (found, used)
    }

    /// Spec: the UTF-8 decode algorithm strips one leading BOM. It may arrive
    /// one byte per call, after empty calls. A stripped BOM is not counted as
    /// part of the first event.
    fn bom<'a>(&mut self, seen: u8, rest: &'a [u8]) -> (Option<Token<'a>>, usize) {
        let want = BOM.get(usize::from(seen)).copied();
        match rest.first().copied() {
            Some(b) if Some(b) == want => {
                self.state = if seen >= 2 {
                    State::LineStart
                } else {
                    State::Bom(seen.saturating_add(1))
                };
                (None, 1)
            }
            _ if seen == 0 => {
                self.state = State::LineStart;
                (None, 0)
            }
            // A partial BOM: those bytes start the first field name, which no
            // known name starts with, so the line is an unknown field. They
            // count as bytes of the line.
            _ => {
                self.count(usize::from(seen));
                self.state = State::Skip;
                (None, 0)
            }
        }
    }

    /// At a line start: a blank line, a comment, or a field name. Counts
    /// what it consumes.
    #[inline(always)]
    fn line_start<'a>(&mut self, rest: &'a [u8]) -> (Option<Token<'a>>, usize) {
        let Some(&first) = rest.first() else {
            return (None, 0);
        };
        match first {
            CR | LF => {
                let dispatches = self.in_event || !self.quiet;
                let used = self.line_end(rest, 0);
                self.count(used);
                self.blank_line();
                (dispatches.then_some(Token::BlankLine), used)
            }
            b':' if self.comments => {
                self.state = State::ValueStart(Field::Comment);
                self.count(1);
                (None, 1)
            }
            b':' => (None, self.skip_comments(rest)),
            _ => {
                if self.fast {
                    if let Some(done) = self.known_field(rest) {
                        return done;
                    }
                }
                self.state = State::Name {
                    len: 0,
                    name: [0; 5],
                };
                (None, 0)
            }
        }
    }

    /// Fast path: the common names with their colon in `rest`, and their value
    /// while it is there too, through the same transitions as the slow path.
    #[inline(always)]
    fn known_field<'a>(&mut self, rest: &'a [u8]) -> Option<(Option<Token<'a>>, usize)> {
        let (name, colon) = if rest.starts_with(b"data:") {
            (FieldName::Data, DATA.len())
        } else if rest.starts_with(b"event:") {
            (FieldName::Event, 5)
        } else if rest.starts_with(b"id:") {
            (FieldName::Id, 2)
        } else {
            return None;
        };
        self.resolve(name, true);
        let mut used = add(colon, 1);
        let State::ValueStart(field) = self.state else {
            self.count(used);
            return Some((None, used));
        };
        let after = tail(rest, used);
        if after.is_empty() {
            self.count(used);
            return Some((None, used));
        }
        used = add(used, self.value_start(field, after));
        let value = tail(rest, used);
        if value.is_empty() {
            self.count(used);
            return Some((None, used));
        }
        let (found, more) = self.value(field, value);
        used = add(used, more);
        self.count(used);
        Some((found, used))
    }

    /// Skips comment lines nobody asked for: one, or with the fast paths a run
    /// of them (keep-alive streams are mostly these). `rest` starts with one.
    /// Counts what it consumes; a comment cut by the end of `rest` is left to
    /// `Skip`.
    fn skip_comments(&mut self, rest: &[u8]) -> usize {
        let mut used = 0;
        while let Some(line) = rest.get(used..).filter(|line| line.first() == Some(&b':')) {
            let Some(end) = find_line_end(line) else {
                self.state = State::Skip;
                self.count(line.len());
                return rest.len();
            };
            let line_used = self.line_end(line, end);
            self.count(line_used);
            used = add(used, line_used);
            if !self.fast {
                break;
            }
        }
        used
    }

    /// Reads a field name, at most six bytes of it; `name[..len]` came in
    /// earlier inputs.
    fn field_name<'a>(
        &mut self,
        mut len: u8,
        mut name: [u8; 5],
        rest: &'a [u8],
    ) -> (Option<Token<'a>>, usize) {
        for (i, &b) in rest.iter().enumerate() {
            let kind = || FieldName::from_name(head(&name, usize::from(len)));
            match b {
                b':' => {
                    self.resolve(kind(), true);
                    return (None, add(i, 1));
                }
                CR | LF => {
                    // No colon: the whole line is the name, the value is empty.
                    let found = self.resolve(kind(), false);
                    return (found, self.line_end(rest, i));
                }
                _ => {
                    let Some(slot) = name.get_mut(usize::from(len)) else {
                        // Six bytes: longer than any known name.
                        self.state = State::Skip;
                        return (None, i);
                    };
                    *slot = b;
                    len = len.saturating_add(1);
                }
            }
        }
        self.state = State::Name { len, name };
        (None, rest.len())
    }

    /// Enters the value of field `name`. With `colon == false` the line has
    /// ended already and the value is empty: returns that line's token.
    #[inline(always)]
    fn resolve(&mut self, name: FieldName, colon: bool) -> Option<Token<'static>> {
        let field = match name {
            FieldName::Data => Field::Data,
            FieldName::Event => Field::Event,
            FieldName::Id => Field::Id,
            FieldName::Retry => {
                // `retry` with no value (no colon, or nothing after it) is ignored.
                self.state = if colon {
                    State::RetryStart
                } else {
                    State::LineStart
                };
                return None;
            }
            FieldName::Unknown => {
                self.state = State::Skip;
                return None;
            }
        };
        self.in_event = true;
        self.state = State::ValueStart(field);
        if colon {
            None
        } else {
            Some(Token::Value {
                field,
                piece: Piece::Whole(&[]),
            })
        }
    }

    /// Just after a known field's colon: its leading space.
    #[inline(always)]
    fn value_start(&mut self, field: Field, rest: &[u8]) -> usize {
        self.state = State::Value(field);
        leading_space(rest)
    }

    /// In a value: up to its line end, or all of `rest` as a piece.
    #[inline(always)]
    fn value<'a>(&mut self, field: Field, rest: &'a [u8]) -> (Option<Token<'a>>, usize) {
        let found = find_line_end(rest);
        let bytes = head(rest, found.unwrap_or(rest.len()));
        if field == Field::Id {
            // Spec: "If the field value does not contain U+0000 NULL, then set
            // the last event ID buffer" - otherwise the field is ignored.
            if let Some(nul) = memchr::memchr(0, bytes) {
                self.state = State::Skip;
                self.partial = false;
                return (Some(Token::IgnoredId), add(nul, 1));
            }
        }
        let piece = match found {
            Some(end) => {
                let piece = if self.partial {
                    Piece::Last(bytes)
                } else {
                    Piece::Whole(bytes)
                };
                let used = self.line_end(rest, end);
                return (Some(Token::Value { field, piece }), used);
            }
            None => Piece::Part(bytes),
        };
        self.partial = true;
        (Some(Token::Value { field, piece }), rest.len())
    }

    /// Just after `retry:`: its leading space.
    fn retry_start(&mut self, rest: &[u8]) -> usize {
        self.state = State::RetryDigits { ms: 0, any: false };
        leading_space(rest)
    }

    /// Spec: "If the field value consists of only ASCII digits, then interpret
    /// the field value as an integer in base ten" - anything else is ignored.
    /// Values past `u64::MAX` are ignored too (see the crate docs).
    fn retry_digits<'a>(
        &mut self,
        mut ms: u64,
        mut any: bool,
        rest: &'a [u8],
    ) -> (Option<Token<'a>>, usize) {
        for (i, &b) in rest.iter().enumerate() {
            match b {
                b'0'..=b'9' => {
                    let digit = u64::from(b.saturating_sub(b'0'));
                    let Some(next) = ms.checked_mul(10).and_then(|n| n.checked_add(digit)) else {
                        self.state = State::Skip;
                        return (None, add(i, 1));
                    };
                    (ms, any) = (next, true);
                }
                CR | LF => {
                    let found = any.then_some(Token::Retry(ms));
                    return (found, self.line_end(rest, i));
                }
                _ => {
                    self.state = State::Skip;
                    return (None, i);
                }
            }
        }
        self.state = State::RetryDigits { ms, any };
        (None, rest.len())
    }

    /// A line with no (more) effect: up to its line end.
    fn skip_line(&mut self, rest: &[u8]) -> usize {
        match find_line_end(rest) {
            Some(end) => self.line_end(rest, end),
            None => rest.len(),
        }
    }

    /// The line ends at `rest[at]` (a CR or an LF): returns the bytes used up to
    /// and including the line end. A CR last in `rest` swallows an LF at the
    /// start of the next input (`skip_lf`). The one place a line ends.
    #[inline(always)]
    fn line_end(&mut self, rest: &[u8], at: usize) -> usize {
        debug_assert!(rest.get(at).copied().is_some_and(is_line_end));
        self.state = State::LineStart;
        self.partial = false;
        match line_end_len(rest, at) {
            Some(len) => add(at, len),
            None => {
                self.skip_lf = true;
                add(at, 1)
            }
        }
    }
}

/// What the tokenizer's fast door ([`Tokenizer::fast`]) found: the same
/// value vocabulary as the tokens ([`Piece`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fast<'a> {
    /// A `data` value or a piece of one: `Token::Value` of `Field::Data`.
    Data(Piece<'a>),
    /// A whole one-line event: that `data` line's `Piece::Whole` value and
    /// the blank line after it (`Token::Value`, then `Token::BlankLine`).
    Event(&'a [u8]),
    /// A blank line that dispatches: `Token::BlankLine`.
    BlankLine,
}

/// A run of whole `data` lines, lent by [`Tokenizer::data_lines`]: each
/// value in turn, while the parser has room for it. Dropping it leaves the
/// tokenizer as `feed` would after those lines' `Value` tokens.
pub(crate) struct DataLines<'t, 'a> {
    tokenizer: &'t mut Tokenizer,
    /// What is left of the input; empty when not at a line start.
    rest: &'a [u8],
    used: usize,
    line_ends: LineEnds,
}

impl<'a> DataLines<'_, 'a> {
    /// The next line's value, if the next line is a whole `data` line whose
    /// value has at most `max_len` bytes: the input from the value's first
    /// byte on (so that the caller may copy a fixed-size block) and the
    /// value's length. Otherwise `None`, and the line is left to the token
    /// path (which reports one over the limit).
    #[inline(always)]
    pub(crate) fn next_within(&mut self, max_len: usize) -> Option<(&'a [u8], usize)> {
        let start = data_value_start(self.rest)?;
        let after = tail(self.rest, start);
        // memchr at once: these lines are rarely short enough for
        // `find_line_end`'s first word to find the end.
        let len = self.line_ends.find(after).filter(|&len| len <= max_len)?;
        let end = add(start, len);
        let line = add(end, line_end_len(self.rest, end)?);
        self.rest = tail(self.rest, line);
        self.used = add(self.used, line);
        Some((after, len))
    }

    /// The bytes these lines took.
    pub(crate) fn used(&self) -> usize {
        self.used
    }
}

impl Drop for DataLines<'_, '_> {
    /// As the `Value` tokens of the lines taken would have left it (they
    /// ended at a line start, each line counted).
    #[inline(always)]
    fn drop(&mut self) {
        if self.used > 0 {
            self.tokenizer.in_event = true;
            self.tokenizer.count(self.used);
        }
    }
}

// -------------------------------------------------------------------------
// The line rules, each in one place, as pure functions.

/// Spec: "end-of-line = ( cr lf / cr / lf )".
#[inline(always)]
pub(crate) const fn is_line_end(b: u8) -> bool {
    b == CR || b == LF
}

/// The length of the line end at `at` in `rest` (a CR or LF there), or
/// `None` for a CR last in `rest`, whose LF may come next.
#[inline(always)]
fn line_end_len(rest: &[u8], at: usize) -> Option<usize> {
    match (rest.get(at), rest.get(add(at, 1))) {
        (Some(&CR), Some(&LF)) => Some(2),
        (Some(&LF), _) | (Some(&CR), Some(_)) => Some(1),
        _ => None,
    }
}

/// Whether `input` ends inside a line (has no line end at all, so that
/// tokenizing it can hand out nothing but value pieces).
#[inline(always)]
pub(crate) fn has_no_line_end(input: &[u8]) -> bool {
    !input.iter().copied().any(is_line_end)
}

/// Spec: "If value starts with a U+0020 SPACE character, remove it from
/// value": the bytes to skip, 0 or 1.
#[inline(always)]
fn leading_space(rest: &[u8]) -> usize {
    usize::from(rest.first() == Some(&b' '))
}

/// Where the value starts when `rest`, at a line start, begins a `data`
/// line with its colon (the fast paths' test).
#[inline(always)]
fn data_value_start(rest: &[u8]) -> Option<usize> {
    let after_colon = rest.strip_prefix(DATA)?.strip_prefix(b":")?;
    Some(add(add(DATA.len(), 1), leading_space(after_colon)))
}

/// Finds line ends in a run of lines: memchr's AVX2 searcher, built once
/// and called directly where the CPU has AVX2 (found at run time with the
/// `std` feature), which saves what `memchr2` does again on every call (an
/// indirect call, the searcher's setup). Else `memchr2`.
#[derive(Clone, Copy)]
struct LineEnds {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::Two>,
}

impl LineEnds {
    #[inline(always)]
    fn new() -> Self {
        Self {
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::Two::new(CR, LF),
        }
    }

    /// The first CR or LF in `bytes`.
    #[inline(always)]
    fn find(&self, bytes: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(searcher) = &self.avx2 {
            return searcher.find(bytes);
        }
        memchr::memchr2(CR, LF, bytes)
    }
}

/// The first CR or LF. Lines are often short (`data: x`, `: ping`, `id: 7`),
/// and `memchr2` has a fixed cost per call, so the first 8 bytes are tested as
/// one word first.
#[inline(always)]
fn find_line_end(bytes: &[u8]) -> Option<usize> {
    let Some((head, tail)) = bytes.split_first_chunk::<8>() else {
        return bytes.iter().position(|&b| is_line_end(b));
    };
    let word = u64::from_le_bytes(*head);
    let found = has_byte(word, CR) | has_byte(word, LF);
    if found != 0 {
        // The lowest flagged byte is always a real match (see `has_byte`).
        return Some((found.trailing_zeros() / 8) as usize);
    }
    memchr::memchr2(CR, LF, tail).map(|i| add(i, 8))
}

/// Sets the high bit of each byte of `word` equal to `byte` ("has zero byte"
/// on `word ^ byte`). Bytes above a match may be flagged wrongly (a borrow), so
/// only the lowest flag is exact; that is all `find_line_end` uses.
#[inline]
fn has_byte(word: u64, byte: u8) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let x = word ^ u64::from_ne_bytes([byte; 8]);
    x.wrapping_sub(ONES) & !x & HIGHS
}

#[cfg(test)]
mod tests {
    use super::find_line_end;

    /// The plain scan `find_line_end` must equal.
    fn naive(bytes: &[u8]) -> Option<usize> {
        bytes.iter().position(|&b| b == b'\r' || b == b'\n')
    }

    #[test]
    fn line_end_scan_matches_a_naive_scan_at_every_length_and_position() {
        let fillers = [b'a', 0x00, 0x0C, 0x0E, 0x8D, 0x8A, 0xFF, 0x0D ^ 0x80];
        for len in 0..=64usize {
            for &filler in &fillers {
                let mut bytes = [filler; 64];
                let bytes = &mut bytes[..len];
                assert_eq!(find_line_end(bytes), naive(bytes), "len {len}, none");
                for first in 0..len {
                    for (a, b) in [
                        (b'\r', b'\n'),
                        (b'\n', b'\r'),
                        (b'\r', b'\r'),
                        (b'\n', b'\n'),
                    ] {
                        bytes.fill(filler);
                        bytes[first] = a;
                        // A second line end later, and bytes that borrow.
                        if let Some(slot) = bytes.get_mut(first + 3) {
                            *slot = b;
                        }
                        if let Some(slot) = bytes.get_mut(first.wrapping_sub(1)) {
                            *slot = 0x0E;
                        }
                        assert_eq!(find_line_end(bytes), naive(bytes), "{bytes:?}");
                    }
                }
            }
        }
    }
}
