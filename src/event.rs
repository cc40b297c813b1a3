//! A dispatched event, borrowed from the parser or from the input.

use core::str::Utf8Error;

/// One dispatched event (spec: "dispatch the event", step 4).
///
/// Borrowed: from the input when the event was one `data` line wholly inside
/// the chunk being fed (no copy), otherwise from the parser's storage. Copy out
/// what you keep before feeding again.
/// Two events are equal when their [`event_type`](Self::event_type), data and
/// ID are: an event with no event type equals one whose type is `message`.
///
/// ```
/// use ssewire::{Event, Parser, Step};
///
/// let mut parser = Parser::new([0u8; 256]); // no allocator needed
/// let (step, _) = parser.feed(b"event: add\nid: 7\ndata: 1\ndata: 2\n\n");
/// let Ok(Step::Event(event)) = step else {
///     panic!("{step:?}")
/// };
/// assert_eq!(event.event_type(), b"add");
/// assert_eq!(event.data(), b"1\n2"); // `data` lines joined with LF
/// assert_eq!(event.id_str(), Ok("7"));
/// assert_eq!(event, Event::new(b"add", b"1\n2", b"7"));
/// // No `event` field: the type is `message`.
/// assert_eq!(Event::new(b"", b"x", b"").event_type(), b"message");
/// ```
#[derive(Clone, Copy)]
pub struct Event<'a> {
    pub(crate) event_type: &'a [u8],
    pub(crate) data: &'a [u8],
    pub(crate) id: &'a [u8],
}

impl<'a> Event<'a> {
    /// An event from its parts, as a parser would dispatch it (an empty
    /// `event_type` means `message`). Useful in tests of code that takes events.
    pub const fn new(event_type: &'a [u8], data: &'a [u8], id: &'a [u8]) -> Self {
        Self {
            event_type,
            data,
            id,
        }
    }

    /// The event type: the last `event` field of the event, or `message` when
    /// there was none or it was empty.
    pub fn event_type(&self) -> &'a [u8] {
        if self.event_type.is_empty() {
            b"message"
        } else {
            self.event_type
        }
    }

    /// Whether the stream set a non-empty event type (`event_type()` is then
    /// not the default `message`).
    pub fn has_event_type(&self) -> bool {
        !self.event_type.is_empty()
    }

    /// The data: the `data` values joined with LF, without a trailing LF.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The last event ID in force when the event was dispatched (empty when
    /// none was ever set). It persists across events until an `id` field
    /// changes it.
    pub fn id(&self) -> &'a [u8] {
        self.id
    }

    /// [`event_type`](Self::event_type) as text, or where it is not UTF-8.
    pub fn event_type_str(&self) -> Result<&'a str, Utf8Error> {
        core::str::from_utf8(self.event_type())
    }

    /// [`data`](Self::data) as text, or where it is not UTF-8.
    pub fn data_str(&self) -> Result<&'a str, Utf8Error> {
        core::str::from_utf8(self.data)
    }

    /// [`id`](Self::id) as text, or where it is not UTF-8.
    pub fn id_str(&self) -> Result<&'a str, Utf8Error> {
        core::str::from_utf8(self.id)
    }

    /// The event type as text, invalid UTF-8 replaced by U+FFFD exactly as the
    /// spec's decoding of the whole stream would (CR, LF, `:` and space never
    /// occur inside a UTF-8 sequence, so decoding each value on its own gives
    /// the same text). Borrowed when valid.
    #[cfg(feature = "alloc")]
    pub fn event_type_lossy(&self) -> alloc::borrow::Cow<'a, str> {
        lossy(self.event_type())
    }

    /// The data as text, invalid UTF-8 replaced by U+FFFD (see
    /// [`event_type_lossy`](Self::event_type_lossy)). Borrowed when valid.
    #[cfg(feature = "alloc")]
    pub fn data_lossy(&self) -> alloc::borrow::Cow<'a, str> {
        lossy(self.data)
    }

    /// The last event ID as text, invalid UTF-8 replaced by U+FFFD (see
    /// [`event_type_lossy`](Self::event_type_lossy)). Borrowed when valid.
    #[cfg(feature = "alloc")]
    pub fn id_lossy(&self) -> alloc::borrow::Cow<'a, str> {
        lossy(self.id)
    }
}

impl PartialEq for Event<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.event_type() == other.event_type() && self.data == other.data && self.id == other.id
    }
}

impl Eq for Event<'_> {}

impl core::hash::Hash for Event<'_> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        (self.event_type(), self.data, self.id).hash(state);
    }
}

/// Shows each field as lossy text, cut after 96 bytes, so
/// failing tests and logs show what arrived without flooding them.
impl core::fmt::Debug for Event<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Event")
            .field("event_type", &Shown(self.event_type()))
            .field("data", &Shown(self.data))
            .field("id", &Shown(self.id))
            .finish()
    }
}

/// How many bytes of a field `Debug` shows.
const DEBUG_BYTES: usize = 96;

/// A field for `Debug`: quoted lossy text, escaped, cut with its length.
pub(crate) struct Shown<'a>(pub(crate) &'a [u8]);

impl core::fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let shown = self.0.get(..DEBUG_BYTES).unwrap_or(self.0);
        f.write_str("\"")?;
        for chunk in shown.utf8_chunks() {
            for c in chunk.valid().chars() {
                write!(f, "{}", c.escape_debug())?;
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02X}")?;
            }
        }
        f.write_str("\"")?;
        if shown.len() < self.0.len() {
            write!(f, "... ({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

/// `bytes` as text, invalid UTF-8 replaced. Valid text first: `from_utf8`
/// checks many bytes a step, the lossy decoder one at a time.
#[cfg(feature = "alloc")]
fn lossy(bytes: &[u8]) -> alloc::borrow::Cow<'_, str> {
    match core::str::from_utf8(bytes) {
        Ok(text) => alloc::borrow::Cow::Borrowed(text),
        Err(_) => alloc::string::String::from_utf8_lossy(bytes),
    }
}

/// Writes `bytes` as text, invalid UTF-8 as U+FFFD (as the lossy accessors
/// of [`Event`] do), without allocating: the `no_std` way to get the lossy
/// text of a field.
///
/// ```
/// let event = ssewire::Event::new(b"", b"caf\xC3\xA9 \xFF", b"");
/// let mut out = String::new();
/// ssewire::write_lossy(&mut out, event.data()).unwrap();
/// assert_eq!(out, "café \u{FFFD}");
/// ```
pub fn write_lossy(out: &mut impl core::fmt::Write, bytes: &[u8]) -> core::fmt::Result {
    // Valid text first: `from_utf8` checks many bytes a step, `utf8_chunks`
    // one at a time (two thirds of a `Stream` adapter's time per event went
    // there, by callgrind).
    if let Ok(text) = core::str::from_utf8(bytes) {
        return out.write_str(text);
    }
    for chunk in bytes.utf8_chunks() {
        out.write_str(chunk.valid())?;
        if !chunk.invalid().is_empty() {
            out.write_char(char::REPLACEMENT_CHARACTER)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;

    use super::Event;

    #[test]
    fn debug_shows_content_cut_at_a_bound() {
        let event = Event::new(b"", b"a\nb\xFF", b"7");
        assert_eq!(
            format!("{event:?}"),
            r#"Event { event_type: "message", data: "a\nb\xFF", id: "7" }"#
        );
        let long = [b'x'; 200];
        let shown = format!("{:?}", Event::new(b"t", &long, b""));
        assert!(
            shown.contains(&format!("\"{}\"... (200 bytes)", "x".repeat(96))),
            "{shown}"
        );
    }

    #[test]
    fn no_event_type_equals_message() {
        assert_eq!(
            Event::new(b"", b"d", b"i"),
            Event::new(b"message", b"d", b"i")
        );
        assert_ne!(
            Event::new(b"other", b"d", b"i"),
            Event::new(b"", b"d", b"i")
        );
    }
}
