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
//! [`Token::End`] with `whole == true` (the zero-copy fast path); a value cut by
//! the end of the input comes back as [`Token::Partial`] pieces followed by a
//! final [`Token::End`]. Unknown fields, and comments unless asked for, are
//! skipped without storing anything. `retry` values are parsed on the fly.
//!
//! Line ends are found with a word-at-a-time test of the first 8 bytes, then
//! `memchr2`; nothing already consumed is ever looked at again. Field names are
//! matched byte by byte but never more than six bytes of one: the longest
//! known name (`event`, `retry`) has five.
//!
//! The parser also calls a few crate-private fast paths (`data_value`,
//! `data_line`, `data_event`, and `quiet` blank lines) that take whole `data`
//! lines, one-line events and runs of ignorable lines in one step; each leaves
//! the tokenizer exactly as the same tokens would. A value may be scanned twice
//! there (by the one-line-event probe, then as a line), never more.
//!
//! # Invariants
//! - `feed` consumes at least one byte unless the input is empty or it returns
//!   a token that consumed nothing (never: every token ends on a consumed byte).
//! - `skip_lf` is only ever set on entering `State::LineStart`; `step` checks it
//!   before anything else.
//! - Adding a field: extend `FieldName` and `FieldName::from_name`, then the
//!   `resolve` match.
//!
//! Spec: WHATWG HTML, "Server-sent events", §9.2.5 "Parsing an event stream" and
//! §9.2.6 "Interpreting an event stream".

use crate::End;

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

/// One step of the tokenizer. Named after what happened in the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Token<'a> {
    /// Bytes of a value whose line goes on past the end of this input.
    Partial {
        /// The field the value belongs to.
        field: Field,
        /// The bytes, borrowed from the input; never empty.
        bytes: &'a [u8],
    },
    /// The last bytes of a value, and the end of its line.
    ///
    /// For [`Field::Id`] this is only given when the whole value had no NUL;
    /// otherwise the line ends with [`Token::IgnoredId`].
    End {
        /// The field the value belongs to.
        field: Field,
        /// The bytes, borrowed from the input; may be empty.
        bytes: &'a [u8],
        /// `true` when `bytes` is the whole value (no `Partial` came before it).
        whole: bool,
    },
    /// An `id` line whose value held a NUL ended: the spec ignores the whole
    /// field, so drop any `Partial` pieces of it.
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
    /// Reading a field name; the bytes so far are in `name[..name_len]`.
    Name,
    /// Just after the colon of a known field: one space may follow.
    ValueStart(Field),
    /// In the value of a known field.
    Value(Field),
    /// Just after `retry:`: one space may follow.
    RetryStart,
    /// In a `retry` value; `retry` holds the digits so far.
    RetryDigits,
    /// In an `id` value that held a NUL: skip to the end, then `IgnoredId`.
    IgnoredId,
    /// In a line that has no effect: skip to its end.
    Skip,
}

/// The push tokenizer. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct Tokenizer {
    state: State,
    /// A CR ended the last line at the very end of an input: an LF at the start
    /// of the next input belongs to that line end.
    skip_lf: bool,
    /// Hand out comment lines (`false`: skip them).
    comments: bool,
    /// The parser's setting: swallow a blank line when no `data`, `event` or
    /// `id` line came since the last one (dispatch then changes nothing).
    quiet: bool,
    /// A `Partial` of the current value was handed out already.
    partial: bool,
    /// A `data`, `event` or `id` line was seen since the last blank line.
    in_event: bool,
    name_len: u8,
    name: [u8; 5],
    /// The `retry` digits so far (`None` after overflow or a bad byte).
    retry: Option<u64>,
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
            partial: false,
            in_event: false,
            name_len: 0,
            name: [0; 5],
            retry: None,
            since_blank: 0,
        }
    }

    /// Whether comment lines are handed out as [`Field::Comment`] values
    /// (default: no, they are skipped without looking at their bytes).
    #[must_use]
    pub const fn with_comments(mut self, yes: bool) -> Self {
        self.comments = yes;
        self
    }

    /// For the parser: blank lines that would dispatch nothing are consumed
    /// without a [`Token::BlankLine`] (a keep-alive stream is mostly those).
    pub(crate) const fn quiet(mut self) -> Self {
        self.quiet = true;
        self
    }

    /// Tokenizes the front of `input`: returns the next token and how many
    /// bytes of `input` it consumed. Call again with the rest.
    ///
    /// An empty `input` is not the end of the stream: it returns
    /// [`Token::NeedInput`] and changes nothing. Call [`finish`](Self::finish)
    /// when the stream ends.
    #[must_use = "the count says how much of the input was consumed"]
    #[allow(clippy::arithmetic_side_effects)] // `pos` stays within `input`
    pub fn feed<'a>(&mut self, input: &'a [u8]) -> (Token<'a>, usize) {
        let mut pos = 0;
        while let Some(rest) = input.get(pos..).filter(|rest| !rest.is_empty()) {
            let (token, used) = self.step(rest);
            pos += used;
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
    pub fn finish(&mut self) -> End {
        let end = self.end_status();
        self.reset();
        end
    }

    /// How the stream would end if it ended now. See [`End`].
    pub fn end_status(&self) -> End {
        if self.is_mid_line() || self.in_event {
            End::Incomplete {
                discarded: self.since_blank,
            }
        } else {
            End::Clean
        }
    }

    /// Gets ready for a new stream (a reconnection): forgets any partial line
    /// and re-arms the BOM check. Keeps the comment setting.
    pub fn reset(&mut self) {
        *self = Self {
            comments: self.comments,
            quiet: self.quiet,
            ..Self::new()
        };
    }

    /// At a line start, a `data` line whose prefix and (start of a) value are
    /// in `rest`, the value at most `max_len` bytes: the value, its end in
    /// `rest` and whether its line end is there too.
    #[inline]
    #[allow(clippy::arithmetic_side_effects)] // offsets within `rest`
    fn data_line_at<'a>(&self, rest: &'a [u8], max_len: usize) -> Option<(&'a [u8], usize, bool)> {
        if self.state != State::LineStart || self.skip_lf {
            return None;
        }
        let start = if rest.starts_with(b"data: ") {
            6
        } else if rest.starts_with(b"data:") && rest.len() > 5 {
            // (With nothing after the colon, a space may follow in the next input.)
            5
        } else {
            return None;
        };
        let tail = rest.get(start..)?;
        let (end, whole) = match find_line_end(tail) {
            Some(end) => (end, true),
            None => (tail.len(), false),
        };
        let value = tail.get(..end)?;
        (value.len() <= max_len).then_some((value, start + end, whole))
    }

    /// The parser's fast path for the lines of multi-line events: a `data`
    /// line at a line start, whole or cut by the end of `rest`. Consumes it and
    /// returns its value, the bytes used and `Some(true)` if the line ended
    /// (`None` if it goes on), leaving the tokenizer exactly as `feed` would
    /// after its `End` token or its `Partial` token; otherwise changes nothing
    /// and returns `None`.
    #[inline]
    pub(crate) fn data_line<'a>(
        &mut self,
        rest: &'a [u8],
        max_len: usize,
    ) -> Option<(&'a [u8], usize, Option<bool>)> {
        let (value, end, whole) = self.data_line_at(rest, max_len)?;
        let used = if whole {
            self.line_end(rest, end)
        } else {
            self.state = State::Value(Field::Data);
            self.partial = true;
            end
        };
        self.in_event = true;
        self.since_blank = self.since_blank.wrapping_add(used as u64);
        Some((value, used, whole.then_some(true)))
    }

    /// The parser's fast path for the commonest event: a whole `data` line
    /// followed by a blank line, both in `rest` (a CR last in `rest` may still
    /// get its LF). Consumes both lines and returns the value and the bytes
    /// used, leaving the tokenizer exactly as `feed` would after its `End` and
    /// `BlankLine` tokens; otherwise changes nothing and returns `None`.
    #[inline]
    #[allow(clippy::arithmetic_side_effects)] // offsets within `rest`
    pub(crate) fn data_event<'a>(
        &mut self,
        rest: &'a [u8],
        max_len: usize,
    ) -> Option<(&'a [u8], usize)> {
        let (value, end, true) = self.data_line_at(rest, max_len)? else {
            return None;
        };
        let after = rest.get(end..)?;
        let first = match after {
            [CR, LF, ..] => 2,
            [CR, _, ..] | [LF, ..] => 1,
            _ => return None,
        };
        let blank = match after.get(first..)? {
            [CR, LF, ..] => 2,
            [CR] => {
                self.skip_lf = true;
                1
            }
            [CR, ..] | [LF, ..] => 1,
            _ => return None,
        };
        self.since_blank = 0;
        self.in_event = false;
        Some((value, end + first + blank))
    }

    /// The parser's fast path inside a long `data` value (the `big` shape,
    /// and any stream read in small chunks): the value bytes at the front of
    /// `input` (non-empty), the bytes used, and whether the line ended there
    /// (then also `true` when the value started in this input: `whole`).
    /// Leaves the tokenizer exactly as `feed` would after the `Partial` or
    /// `End` token; outside a `data` value changes nothing and returns `None`.
    #[inline]
    pub(crate) fn data_value<'a>(
        &mut self,
        input: &'a [u8],
    ) -> Option<(&'a [u8], usize, Option<bool>)> {
        if self.state != State::Value(Field::Data) || input.is_empty() {
            return None;
        }
        Some(match find_line_end(input) {
            Some(end) => {
                let whole = !self.partial;
                let used = self.line_end(input, end);
                self.since_blank = self.since_blank.wrapping_add(used as u64);
                (input.get(..end).unwrap_or(input), used, Some(whole))
            }
            None => {
                self.partial = true;
                self.since_blank = self.since_blank.wrapping_add(input.len() as u64);
                (input, input.len(), None)
            }
        })
    }

    /// Whether the tokenizer is inside a line (some of it consumed, its end not).
    pub fn is_mid_line(&self) -> bool {
        !matches!(self.state, State::Bom(0) | State::LineStart)
    }

    /// One state's worth of work on a non-empty `rest`.
    fn step<'a>(&mut self, rest: &'a [u8]) -> (Option<Token<'a>>, usize) {
        if self.skip_lf {
            self.skip_lf = false;
            if rest.first() == Some(&LF) {
                // The LF of a CRLF split across calls. Counted as it would be
                // in one call: with its line, unless that line was blank.
                if self.since_blank > 0 {
                    self.since_blank = self.since_blank.wrapping_add(1);
                }
                return (None, 1);
            }
        }
        if let State::Bom(seen) = self.state {
            return self.bom(seen, rest);
        }
        let (token, used) = match self.state {
            State::Bom(_) | State::LineStart => self.line_start(rest),
            State::Name => self.field_name(rest),
            State::ValueStart(field) => (None, self.value_start(field, rest)),
            State::Value(field) => self.value(field, rest),
            State::RetryStart => (None, self.retry_start(rest)),
            State::RetryDigits => self.retry_digits(rest),
            State::IgnoredId => self.skip_line(rest, Some(Token::IgnoredId)),
            State::Skip => self.skip_line(rest, None),
        };
        self.since_blank = self.since_blank.wrapping_add(used as u64);
        if token == Some(Token::BlankLine) {
            self.since_blank = 0;
            self.in_event = false;
        }
        (token, used)
    }

    /// Spec: the UTF-8 decode algorithm strips one leading BOM. It may arrive
    /// one byte per call, after empty calls. Does its own byte counting.
    fn bom<'a>(&mut self, seen: u8, rest: &'a [u8]) -> (Option<Token<'a>>, usize) {
        let want = BOM.get(usize::from(seen)).copied();
        match rest.first().copied() {
            Some(b) if Some(b) == want => {
                if seen >= 2 {
                    // A stripped BOM is not part of the first event.
                    self.since_blank = 0;
                    self.state = State::LineStart;
                } else {
                    self.since_blank = self.since_blank.wrapping_add(1);
                    self.state = State::Bom(seen.saturating_add(1));
                }
                (None, 1)
            }
            _ if seen == 0 => {
                self.state = State::LineStart;
                (None, 0)
            }
            // A partial BOM: those bytes start the first field name, which no
            // known name starts with, so the line is an unknown field.
            _ => {
                self.state = State::Skip;
                (None, 0)
            }
        }
    }

    #[allow(clippy::arithmetic_side_effects)] // offsets within `rest`
    fn line_start<'a>(&mut self, rest: &'a [u8]) -> (Option<Token<'a>>, usize) {
        let Some(&first) = rest.first() else {
            return (None, 0);
        };
        match first {
            CR | LF if self.quiet && !self.in_event => (None, self.skip_comments(rest)),
            CR | LF => (Some(Token::BlankLine), self.line_end(rest, 0)),
            b':' if self.comments => {
                self.partial = false;
                self.state = State::ValueStart(Field::Comment);
                (None, 1)
            }
            b':' => (None, self.skip_comments(rest)),
            _ => {
                // Fast path: the common names with their colon in this input.
                let known = [
                    (&b"data:"[..], FieldName::Data),
                    (b"event:", FieldName::Event),
                    (b"id:", FieldName::Id),
                ];
                for (prefix, name) in known {
                    if rest.starts_with(prefix) {
                        self.resolve(name, true);
                        let State::ValueStart(field) = self.state else {
                            return (None, prefix.len());
                        };
                        // Straight on to the value while it is in this input.
                        let after = rest.get(prefix.len()..).unwrap_or(&[]);
                        if after.is_empty() {
                            return (None, prefix.len());
                        }
                        let space = self.value_start(field, after);
                        let value = after.get(space..).unwrap_or(&[]);
                        let used = prefix.len() + space;
                        if value.is_empty() {
                            return (None, used);
                        }
                        let (token, more) = self.value(field, value);
                        return (token, used + more);
                    }
                }
                self.name_len = 0;
                self.state = State::Name;
                (None, 0)
            }
        }
    }

    /// Skips a run of lines that change nothing: comments nobody asked for
    /// and, when `quiet`, blank lines with no event pending (keep-alive
    /// streams are mostly these). `rest` starts with one. Returns the bytes
    /// used; a comment cut by the end of `rest` is left to `Skip`.
    #[allow(clippy::arithmetic_side_effects)] // offsets within `rest`
    fn skip_comments(&mut self, rest: &[u8]) -> usize {
        let mut used = 0;
        while let Some(line) = rest.get(used..) {
            match line.first().copied() {
                Some(b':') if !self.comments => match find_line_end(line) {
                    Some(end) => used += self.line_end(line, end),
                    None => {
                        self.state = State::Skip;
                        return rest.len();
                    }
                },
                // A blank line: nothing pending, so nothing to dispatch.
                Some(CR | LF) if self.quiet && !self.in_event && !self.skip_lf => {
                    used += self.line_end(line, 0);
                    // `step` adds all of `used` afterwards; only the bytes
                    // after this blank line may count.
                    self.since_blank = 0u64.wrapping_sub(used as u64);
                }
                _ => break,
            }
        }
        used
    }

    /// Reads a field name, at most six bytes of it.
    fn field_name<'a>(&mut self, rest: &'a [u8]) -> (Option<Token<'a>>, usize) {
        for (i, &b) in rest.iter().enumerate() {
            match b {
                b':' => {
                    self.resolve(self.name_kind(), true);
                    return (None, i.saturating_add(1));
                }
                CR | LF => {
                    // No colon: the whole line is the name, the value is empty.
                    let token = self.resolve(self.name_kind(), false);
                    return (token, self.line_end(rest, i));
                }
                _ => {
                    match self.name.get_mut(usize::from(self.name_len)) {
                        Some(slot) => *slot = b,
                        None => {
                            // Six bytes: longer than any known name.
                            self.state = State::Skip;
                            return (None, i);
                        }
                    }
                    self.name_len = self.name_len.saturating_add(1);
                }
            }
        }
        (None, rest.len())
    }

    fn name_kind(&self) -> FieldName {
        let name = self.name.get(..usize::from(self.name_len)).unwrap_or(&[]);
        FieldName::from_name(name)
    }

    /// Enters the value of field `name`. With `colon == false` the line has
    /// ended already and the value is empty: returns that line's token.
    fn resolve(&mut self, name: FieldName, colon: bool) -> Option<Token<'static>> {
        self.partial = false;
        let field = match name {
            FieldName::Data => Field::Data,
            FieldName::Event => Field::Event,
            FieldName::Id => Field::Id,
            FieldName::Retry => {
                self.retry = Some(0);
                self.state = State::RetryStart;
                // `retry` with no value (no colon, or nothing after it) is ignored.
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
            Some(Token::End {
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
        let bytes = rest.get(..found.unwrap_or(rest.len())).unwrap_or(&[]);
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
                (
                    Some(Token::End {
                        field,
                        bytes,
                        whole,
                    }),
                    used,
                )
            }
            None => {
                self.partial = true;
                (Some(Token::Partial { field, bytes }), rest.len())
            }
        }
    }

    fn retry_start(&mut self, rest: &[u8]) -> usize {
        self.state = State::RetryDigits;
        usize::from(rest.first() == Some(&b' '))
    }

    /// Spec: "If the field value consists of only ASCII digits, then interpret
    /// the field value as an integer in base ten" - anything else is ignored.
    /// Values past `u64::MAX` are ignored too (see the crate docs).
    fn retry_digits<'a>(&mut self, rest: &'a [u8]) -> (Option<Token<'a>>, usize) {
        for (i, &b) in rest.iter().enumerate() {
            match b {
                b'0'..=b'9' => {
                    self.partial = true;
                    self.retry = self
                        .retry
                        .and_then(|n| n.checked_mul(10))
                        .and_then(|n| n.checked_add(u64::from(b.saturating_sub(b'0'))));
                    if self.retry.is_none() {
                        self.state = State::Skip;
                        return (None, i.saturating_add(1));
                    }
                }
                CR | LF => {
                    let token = match self.retry {
                        Some(ms) if self.partial => Some(Token::Retry(ms)),
                        _ => None,
                    };
                    return (token, self.line_end(rest, i));
                }
                _ => {
                    self.state = State::Skip;
                    return (None, i);
                }
            }
        }
        (None, rest.len())
    }

    fn skip_line<'a>(
        &mut self,
        rest: &'a [u8],
        token: Option<Token<'a>>,
    ) -> (Option<Token<'a>>, usize) {
        match find_line_end(rest) {
            Some(end) => (token, self.line_end(rest, end)),
            None => (None, rest.len()),
        }
    }

    /// The line ends at `rest[at]` (a CR or an LF): returns the bytes used up to
    /// and including the line end. A CR swallows one LF, now or in the next call.
    #[allow(clippy::arithmetic_side_effects)] // `at` is an index into `rest`
    fn line_end(&mut self, rest: &[u8], at: usize) -> usize {
        self.state = State::LineStart;
        let after = at + 1;
        if rest.get(at) != Some(&CR) {
            return after;
        }
        match rest.get(after) {
            Some(&LF) => after + 1,
            Some(_) => after,
            None => {
                self.skip_lf = true;
                after
            }
        }
    }
}

/// The first CR or LF. Lines are often short (`data: x`, `: ping`, `id: 7`),
/// and `memchr2` has a fixed cost per call, so the first 8 bytes are tested as
/// one word first.
#[inline]
fn find_line_end(bytes: &[u8]) -> Option<usize> {
    let Some((head, tail)) = bytes.split_first_chunk::<8>() else {
        return bytes.iter().position(|&b| b == CR || b == LF);
    };
    let word = u64::from_le_bytes(*head);
    let found = has_byte(word, CR) | has_byte(word, LF);
    if found != 0 {
        // The lowest flagged byte is always a real match (see `has_byte`).
        return Some((found.trailing_zeros() / 8) as usize);
    }
    memchr::memchr2(CR, LF, tail).map(|i| i.wrapping_add(8))
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
