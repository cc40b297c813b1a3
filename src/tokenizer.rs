//! Layer 0: the tokenizer. Bytes in, field values and line events out.
//!
//! # How it works
//!
//! [`Tokenizer::feed`] takes any slice of the stream and returns one [`Token`]
//! plus the number of bytes it consumed; the caller slices the input and calls
//! again until it gets [`Token::NeedInput`]. Between calls it keeps only a few
//! bytes of state (asserted in `tests/lifecycle.rs`): where it is in a line
//! (`State`), up to five bytes of a field name cut by a chunk boundary, the
//! `retry` digits accumulated so far, and the one-bit "swallow one LF" flag that
//! makes a CR at the end of one chunk and an LF at the start of the next a
//! single line end.
//!
//! Values are never stored: a value wholly inside the input comes back as one
//! [`Token::ValueEnd`] with `whole == true` (the zero-copy case); a value cut by
//! the end of the input comes back as [`Token::ValuePart`] pieces followed by a
//! final [`Token::ValueEnd`]. Unknown fields, and comments unless asked for, are
//! skipped without storing anything. `retry` values are parsed on the fly.
//!
//! Line ends are found with a word-at-a-time test of the first 8 bytes, then
//! `memchr2`; nothing already consumed is ever looked at again. Field names are
//! matched byte by byte but never more than six bytes of one: the longest
//! known name (`event`, `retry`) has five.
//!
//! # Fast paths
//!
//! `line_start` takes `data:`, `event:` and `id:` with their value in one step,
//! and `skip_comments` skips runs of comment lines; the parser also calls
//! `data_value`, `data_line` and `data_event`, which take whole `data` lines and
//! one-line events without tokens. All of them are off when `fast` is `false`
//! (`Tokenizer::fast_paths`, the `ssewire_slow` cfg), and a unit test
//! compares the whole state after the fast and the slow path at every prefix
//! of every spec fixture. They change the state only through the same helpers
//! as the slow path: [`Tokenizer::count`] for every consumed byte,
//! `line_end` for every line end, `blank_line` for every blank line.
//!
//! # Invariants
//! - `feed` returns [`Token::NeedInput`] only when it consumed all of its
//!   input; every other token ends on a consumed byte.
//! - `skip_lf` is only ever set on entering `State::LineStart`; `step` checks it
//!   before anything else.
//! - At `State::LineStart` the `partial` flag is clear (`line_end` clears it).
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

/// One step of the tokenizer, named after what happened in the stream.
///
/// # What an assembler of events must do with them
///
/// The tokenizer applies the line rules (§9.2.5); the field rules (§9.2.6) are
/// the caller's. Values come with the one space after the colon already
/// removed, and split into pieces only where the input was cut.
///
/// - [`ValuePart`](Token::ValuePart) pieces, then one
///   [`ValueEnd`](Token::ValueEnd), make one value: concatenate them.
/// - `Data`: append the value to the data buffer, with an LF between values
///   (the spec appends an LF after each value and removes the last one at
///   dispatch; the same thing).
/// - `Event`: the value replaces the event type buffer.
/// - `Id`: the value replaces the last event ID buffer. A value holding a NUL
///   never comes as a `ValueEnd`: its line ends with
///   [`IgnoredId`](Token::IgnoredId), and its pieces must be dropped.
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
/// use ssewire::{Field, Token, Tokenizer};
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
///             Token::ValuePart { bytes, .. } => value.extend_from_slice(bytes),
///             Token::ValueEnd { field, bytes, .. } => {
///                 value.extend_from_slice(bytes);
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
///             Token::Retry(_) => {}
///             Token::NeedInput => break,
///         }
///     }
/// }
/// assert_eq!(events, [
///     (b"a".to_vec(), b"x\ny".to_vec(), b"1".to_vec()),
///     (b"message".to_vec(), b"z".to_vec(), b"1".to_vec()),
/// ]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Token<'a> {
    /// Bytes of a value whose line goes on past the end of this input.
    ValuePart {
        /// The field the value belongs to.
        field: Field,
        /// The bytes, borrowed from the input; never empty.
        bytes: &'a [u8],
    },
    /// The last bytes of a value, and the end of its line.
    ///
    /// For [`Field::Id`] this is only given when the whole value had no NUL;
    /// otherwise the line ends with [`Token::IgnoredId`].
    ValueEnd {
        /// The field the value belongs to.
        field: Field,
        /// The bytes, borrowed from the input; may be empty.
        bytes: &'a [u8],
        /// `true` when `bytes` is the whole value (no `ValuePart` came before it).
        whole: bool,
    },
    /// An `id` line whose value held a NUL ended: the spec ignores the whole
    /// field, so drop any `ValuePart` pieces of it.
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
    fn from_name(name: &[u8]) -> Self {
        match name {
            b"data" => Self::Data,
            b"event" => Self::Event,
            b"id" => Self::Id,
            b"retry" => Self::Retry,
            _ => Self::Unknown,
        }
    }
}

/// Where the tokenizer is within a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// At the start of the stream: this many bytes of a BOM seen so far.
    Bom(u8),
    /// At the start of a line.
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
    /// In an `id` value that held a NUL: skip to the end, then `IgnoredId`.
    IgnoredId,
    /// In a line that has no effect: skip to its end.
    Skip,
}

/// The push tokenizer: feed it any slice of the stream, get one [`Token`] and
/// the bytes it consumed; slice and call again until [`Token::NeedInput`]. It
/// keeps a few dozen bytes of state between calls and stores no input. See
/// [`Token`] for what to do with the tokens.
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
    /// A `ValuePart` of the current value was handed out already.
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
    pub fn feed<'a>(&mut self, input: &'a [u8]) -> (Token<'a>, usize) {
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

    /// Counts consumed bytes: the one place `since_blank` grows.
    #[inline]
    fn count(&mut self, bytes: usize) {
        self.since_blank = self.since_blank.saturating_add(bytes as u64);
    }

    /// A blank line ended (after its bytes were counted): the one place the
    /// per-event bookkeeping restarts.
    #[inline]
    fn blank_line(&mut self) {
        self.since_blank = 0;
        self.in_event = false;
    }

    // ---------------------------------------------------------------------
    // Fast paths called by the parser.

    /// At a line start, a `data` line whose prefix and (start of a) value are
    /// in `rest`, the value at most `max_len` bytes: the value, its end in
    /// `rest`, and whether its line end is there too. A cut line must have
    /// value bytes, as the token path would only then hand out a piece.
    #[inline]
    fn data_line_at<'a>(&self, rest: &'a [u8], max_len: usize) -> Option<(&'a [u8], usize, bool)> {
        if !self.fast_at_line_start() {
            return None;
        }
        let start = data_value_start(rest)?;
        let after = rest.get(start..)?;
        // A value over `max_len` is refused: look no further than that (an
        // oversized event is then scanned once, by the token path).
        let cut = after.len() > max_len;
        let window = if cut {
            head(after, add(max_len, 1))
        } else {
            after
        };
        let (end, whole) = match find_line_end(window) {
            Some(end) => (end, true),
            None if cut => return None,
            // (With nothing after `data:`, a space may follow in the next input.)
            None if after.is_empty() => return None,
            None => (after.len(), false),
        };
        let value = head(after, end);
        (value.len() <= max_len).then_some((value, add(start, end), whole))
    }

    /// The parser's fast path for the lines of multi-line events: a `data`
    /// line at a line start, whole or cut by the end of `rest`. Consumes it,
    /// leaving the tokenizer as `feed` would after its `ValueEnd` or
    /// `ValuePart` token; otherwise changes nothing and returns `None`.
    #[inline]
    pub(crate) fn data_line<'a>(
        &mut self,
        rest: &'a [u8],
        max_len: usize,
    ) -> Option<(DataPiece<'a>, usize)> {
        let (value, end, whole) = self.data_line_at(rest, max_len)?;
        self.in_event = true;
        Some(if whole {
            let used = self.line_end(rest, end);
            self.count(used);
            (DataPiece::Line(value), used)
        } else {
            self.state = State::Value(Field::Data);
            self.partial = true;
            self.count(end);
            (DataPiece::Part(value), end)
        })
    }

    /// The parser's fast path for a blank line that dispatches (the end of
    /// each event) at the front of `rest`: the bytes used, leaving the
    /// tokenizer as `feed` would after its `BlankLine` token; otherwise
    /// changes nothing and returns `None`.
    #[inline]
    pub(crate) fn dispatching_blank_line(&mut self, rest: &[u8]) -> Option<usize> {
        // As `line_start` with a blank line: outside an event it dispatches
        // only when blank lines are not quiet.
        if !self.fast_at_line_start()
            || (!self.in_event && self.quiet)
            || !matches!(rest.first(), Some(&(CR | LF)))
        {
            return None;
        }
        let used = self.line_end(rest, 0);
        self.count(used);
        self.blank_line();
        Some(used)
    }

    /// Whether the fast paths may consume whole lines here: on, at a line
    /// start, no LF of a CRLF awaited.
    #[inline(always)]
    pub(crate) fn fast_at_line_start(&self) -> bool {
        self.fast && self.state == State::LineStart && !self.skip_lf
    }

    /// The parser took `used` bytes of whole `data` lines (each found by
    /// [`data_value_start`] and its line end) at a line start (see
    /// [`fast_at_line_start`](Self::fast_at_line_start)): the tokenizer is
    /// left as `feed` would leave it after their `ValueEnd` tokens.
    #[inline(always)]
    pub(crate) fn took_data_lines(&mut self, used: usize) {
        if used > 0 {
            self.in_event = true;
            self.partial = false;
            self.count(used);
        }
    }

    /// The parser's fast path for the commonest event: a whole `data` line
    /// followed by a blank line, both in `rest` (a CR last in `rest` may still
    /// get its LF). Consumes both lines and returns the value and the bytes
    /// used, leaving the tokenizer as `feed` would after its `ValueEnd` and
    /// `BlankLine` tokens; otherwise changes nothing and returns `None`.
    #[inline]
    pub(crate) fn data_event<'a>(
        &mut self,
        rest: &'a [u8],
        max_len: usize,
    ) -> Option<(&'a [u8], usize)> {
        let (value, end, true) = self.data_line_at(rest, max_len)? else {
            return None;
        };
        // Both line ends must be here; `line_end` then does the bookkeeping.
        let after = rest.get(end..)?;
        let first = line_end_len(after, 0)?;
        if !matches!(after.get(first), Some(&(CR | LF))) {
            return None;
        }
        let line = self.line_end(rest, end);
        let used = self.line_end(rest, line);
        self.count(used);
        self.blank_line();
        Some((value, used))
    }

    /// The parser's fast path inside a `data` value (the `big` shape, and any
    /// stream read in small chunks): the value bytes at the front of `input`
    /// (non-empty) and the bytes used. Leaves the tokenizer as `feed` would
    /// after the `ValuePart` or `ValueEnd` token; outside a `data` value
    /// changes nothing and returns `None`.
    #[inline]
    pub(crate) fn data_value<'a>(&mut self, input: &'a [u8]) -> Option<(DataPiece<'a>, usize)> {
        if !self.fast || self.state != State::Value(Field::Data) || input.is_empty() {
            return None;
        }
        Some(match find_line_end(input) {
            Some(end) => {
                let piece = if self.partial {
                    DataPiece::LastPart(head(input, end))
                } else {
                    DataPiece::Line(head(input, end))
                };
                let used = self.line_end(input, end);
                self.count(used);
                (piece, used)
            }
            None => {
                self.partial = true;
                self.count(input.len());
                (DataPiece::Part(input), input.len())
            }
        })
    }

    /// The parser's fast path for a chunk inside a `data` value cut by an
    /// earlier input (most chunks of a stream read in small pieces): the
    /// value's bytes at the front of `input`, at most `max_len` of them, up to
    /// its line end if `input` has one (then `true`), and the bytes used.
    /// Leaves the tokenizer as `feed` would after its `ValuePart` or
    /// `ValueEnd` token; otherwise changes nothing and returns `None`.
    #[inline]
    pub(crate) fn data_value_goes_on<'a>(
        &mut self,
        input: &'a [u8],
        max_len: usize,
    ) -> Option<(&'a [u8], bool, usize)> {
        if !self.fast
            || self.state != State::Value(Field::Data)
            || !self.partial
            || input.is_empty()
        {
            return None;
        }
        match find_line_end(input) {
            Some(end) if end <= max_len => {
                let used = self.line_end(input, end);
                self.count(used);
                Some((head(input, end), true, used))
            }
            None if input.len() <= max_len => {
                self.count(input.len());
                Some((input, false, input.len()))
            }
            _ => None,
        }
    }

    // ---------------------------------------------------------------------
    // The state machine.

    /// One state's worth of work on a non-empty `rest`.
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
            State::Bom(seen) => return self.bom(seen, rest),
            State::LineStart => return self.line_start(rest),
            State::Name { len, name } => self.field_name(len, name, rest),
            State::ValueStart(field) => (None, self.value_start(field, rest)),
            State::Value(field) => self.value(field, rest),
            State::RetryStart => (None, self.retry_start(rest)),
            State::RetryDigits { ms, any } => self.retry_digits(ms, any, rest),
            State::IgnoredId => self.skip_line(rest, Some(Token::IgnoredId)),
            State::Skip => self.skip_line(rest, None),
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

    /// At a line start. Counts what it consumes.
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
                if !dispatches {
                    (None, used)
                } else {
                    (Some(Token::BlankLine), used)
                }
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
    fn known_field<'a>(&mut self, rest: &'a [u8]) -> Option<(Option<Token<'a>>, usize)> {
        let (prefix, name): (&[u8], _) = if rest.starts_with(b"data:") {
            (b"data:", FieldName::Data)
        } else if rest.starts_with(b"event:") {
            (b"event:", FieldName::Event)
        } else if rest.starts_with(b"id:") {
            (b"id:", FieldName::Id)
        } else {
            return None;
        };
        self.resolve(name, true);
        let mut used = prefix.len();
        self.count(used);
        let State::ValueStart(field) = self.state else {
            return Some((None, used));
        };
        let after = tail(rest, used);
        if after.is_empty() {
            return Some((None, used));
        }
        let space = self.value_start(field, after);
        self.count(space);
        used = add(used, space);
        let value = tail(after, space);
        if value.is_empty() {
            return Some((None, used));
        }
        let (found, more) = self.value(field, value);
        self.count(more);
        Some((found, add(used, more)))
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
            Some(Token::ValueEnd {
                field,
                bytes: &[],
                whole: true,
            })
        }
    }

    /// Spec: "If value starts with a U+0020 SPACE character, remove it".
    fn value_start(&mut self, field: Field, rest: &[u8]) -> usize {
        self.state = State::Value(field);
        usize::from(rest.first() == Some(&b' '))
    }

    fn value<'a>(&mut self, field: Field, rest: &'a [u8]) -> (Option<Token<'a>>, usize) {
        let found = find_line_end(rest);
        let bytes = head(rest, found.unwrap_or(rest.len()));
        if field == Field::Id && memchr::memchr(0, bytes).is_some() {
            // Spec: "If the field value does not contain U+0000 NULL, then set
            // the last event ID buffer" - otherwise the field is ignored.
            self.state = State::IgnoredId;
            return (None, 0);
        }
        match found {
            Some(end) => {
                let whole = !self.partial;
                let used = self.line_end(rest, end);
                let token = Token::ValueEnd {
                    field,
                    bytes,
                    whole,
                };
                (Some(token), used)
            }
            None => {
                self.partial = true;
                (Some(Token::ValuePart { field, bytes }), rest.len())
            }
        }
    }

    fn retry_start(&mut self, rest: &[u8]) -> usize {
        self.state = State::RetryDigits { ms: 0, any: false };
        usize::from(rest.first() == Some(&b' '))
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

    fn skip_line<'a>(
        &mut self,
        rest: &'a [u8],
        at_end: Option<Token<'a>>,
    ) -> (Option<Token<'a>>, usize) {
        match find_line_end(rest) {
            Some(end) => (at_end, self.line_end(rest, end)),
            None => (None, rest.len()),
        }
    }

    /// The line ends at `rest[at]` (a CR or an LF): returns the bytes used up to
    /// and including the line end. A CR swallows one LF, now or in the next
    /// call. The one place a line ends.
    fn line_end(&mut self, rest: &[u8], at: usize) -> usize {
        debug_assert!(matches!(rest.get(at), Some(&(CR | LF))));
        self.state = State::LineStart;
        self.partial = false;
        let after = add(at, 1);
        if rest.get(at) != Some(&CR) {
            return after;
        }
        match rest.get(after) {
            Some(&LF) => add(after, 1),
            Some(_) => after,
            None => {
                self.skip_lf = true;
                after
            }
        }
    }
}

/// Where the value starts when `rest`, at a line start, begins a `data`
/// line (the fast paths' test).
#[inline(always)]
pub(crate) fn data_value_start(rest: &[u8]) -> Option<usize> {
    if rest.starts_with(b"data: ") {
        Some(6)
    } else if rest.starts_with(b"data:") {
        Some(5)
    } else {
        None
    }
}

/// Finds line ends in a run of lines: memchr's AVX2 searcher, built once
/// and called directly where the CPU has AVX2 (found at run time with the
/// `std` feature), which saves what `memchr2` does again on every call (an
/// indirect call, the searcher's setup): a Datastar event's lines went from
/// 3541 to 4390 MiB/s. Else `memchr2`.
#[derive(Clone, Copy)]
pub(crate) struct LineEnds {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::Two>,
}

impl LineEnds {
    #[inline(always)]
    pub(crate) fn new() -> Self {
        Self {
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::Two::new(CR, LF),
        }
    }

    /// The first CR or LF in `bytes`.
    #[inline(always)]
    pub(crate) fn find(&self, bytes: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(searcher) = &self.avx2 {
            return searcher.find(bytes);
        }
        memchr::memchr2(CR, LF, bytes)
    }
}

/// The length of the line end at `at` in `rest` (a CR or LF there), or
/// `None` for a CR last in `rest`, whose LF may come next.
#[inline(always)]
pub(crate) fn line_end_len(rest: &[u8], at: usize) -> Option<usize> {
    match (rest.get(at), rest.get(add(at, 1))) {
        (Some(&CR), Some(&LF)) => Some(2),
        (Some(&LF), _) | (Some(&CR), Some(_)) => Some(1),
        _ => None,
    }
}

/// A piece of a `data` value from a fast path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DataPiece<'a> {
    /// A whole value: its line began and ended in this input.
    Line(&'a [u8]),
    /// Bytes of a value whose line goes on past this input.
    Part(&'a [u8]),
    /// The last bytes of a value that began in an earlier input.
    LastPart(&'a [u8]),
}

/// The first CR or LF. Lines are often short (`data: x`, `: ping`, `id: 7`),
/// and `memchr2` has a fixed cost per call, so the first 8 bytes are tested as
/// one word first.
#[inline(always)]
pub(crate) fn find_line_end(bytes: &[u8]) -> Option<usize> {
    let Some((head, tail)) = bytes.split_first_chunk::<8>() else {
        return bytes.iter().position(|&b| b == CR || b == LF);
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
