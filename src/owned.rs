//! An event that owns its text, for callers that keep events past the next
//! chunk (feature `alloc`).

use alloc::string::String;

use crate::event::Shown;
use crate::Event;

/// One dispatched event, owning its text: what the adapters hand out.
///
/// Each field is the [`Event`]'s bytes decoded as the spec decodes the whole
/// stream (invalid UTF-8 becomes U+FFFD; with [`Config::strict_utf8`] the
/// parser refuses such events instead, so nothing is replaced). The three
/// fields share one allocation (none for an empty event), made at its size.
/// [`assign`](Self::assign) refills an event in place, reusing it, so a
/// reader that keeps one `OwnedEvent` allocates nothing per event once it has
/// grown. Equality and hashing treat no event type as
/// `message`, as [`Event`]'s do.
///
/// ```
/// use ssewire::{Event, OwnedEvent};
///
/// let mut kept = OwnedEvent::from(Event::new(b"", b"caf\xC3\xA9 \xFF", b"7"));
/// assert_eq!((kept.event_type(), kept.data(), kept.id()), ("message", "café \u{FFFD}", "7"));
/// kept.assign(&Event::new(b"done", b"", b"7"));
/// assert_eq!(kept, OwnedEvent::new("done", "", "7"));
/// ```
///
/// [`Config::strict_utf8`]: crate::Config::strict_utf8
#[derive(Clone, Default)]
pub struct OwnedEvent {
    /// The data, then the event type as the stream gave it (empty for
    /// none), then the ID: one allocation for the three, none for an empty
    /// event.
    text: String,
    data_len: usize,
    event_type_len: usize,
}

impl OwnedEvent {
    /// An event from its parts (an empty `event_type` means `message`).
    pub fn new(event_type: impl AsRef<str>, data: impl AsRef<str>, id: impl AsRef<str>) -> Self {
        let (event_type, data, id) = (event_type.as_ref(), data.as_ref(), id.as_ref());
        let size = data
            .len()
            .saturating_add(event_type.len())
            .saturating_add(id.len());
        let mut text = String::with_capacity(size);
        text.push_str(data);
        text.push_str(event_type);
        text.push_str(id);
        Self {
            text,
            data_len: data.len(),
            event_type_len: event_type.len(),
        }
    }

    /// The event type: `message` when the stream set none.
    pub fn event_type(&self) -> &str {
        let event_type = self.raw_event_type();
        if event_type.is_empty() {
            "message"
        } else {
            event_type
        }
    }

    /// Whether the stream set a non-empty event type.
    pub fn has_event_type(&self) -> bool {
        self.event_type_len != 0
    }

    /// The data: the `data` values joined with LF.
    pub fn data(&self) -> &str {
        self.text.get(..self.data_len).unwrap_or_default()
    }

    /// The last event ID in force when the event was dispatched (empty when
    /// none was ever set).
    pub fn id(&self) -> &str {
        self.text
            .get(self.data_len.saturating_add(self.event_type_len)..)
            .unwrap_or_default()
    }

    /// The data, without copying it.
    pub fn into_data(mut self) -> String {
        self.text.truncate(self.data_len);
        self.text
    }

    /// The same event, borrowed (to compare with a parser's, or to re-encode).
    pub fn as_event(&self) -> Event<'_> {
        Event::new(
            self.raw_event_type().as_bytes(),
            self.data().as_bytes(),
            self.id().as_bytes(),
        )
    }

    /// Makes this the given event, reusing this one's allocation.
    pub fn assign(&mut self, event: &Event<'_>) {
        self.text.clear();
        self.fill(event);
    }

    fn raw_event_type(&self) -> &str {
        let end = self.data_len.saturating_add(self.event_type_len);
        self.text.get(self.data_len..end).unwrap_or_default()
    }

    /// Appends the event's three fields, decoded lossily, to the empty
    /// `text`.
    fn fill(&mut self, event: &Event<'_>) {
        self.data_len = push_lossy(&mut self.text, event.data());
        self.event_type_len = push_lossy(&mut self.text, raw_event_type(event));
        push_lossy(&mut self.text, event.id());
    }
}

/// The event type as the stream gave it (empty for none), so that an owned
/// copy says `has_event_type()` as the original does.
fn raw_event_type<'a>(event: &Event<'a>) -> &'a [u8] {
    if event.has_event_type() {
        event.event_type()
    } else {
        b""
    }
}

/// Appends `bytes` decoded lossily to `out`; returns the length appended.
#[inline(always)]
fn push_lossy(out: &mut String, bytes: &[u8]) -> usize {
    if bytes.is_empty() {
        // Most events have no type or ID.
        return 0;
    }
    let before = out.len();
    match core::str::from_utf8(bytes) {
        Ok(text) => out.push_str(text),
        Err(_) => push_replaced(out, bytes),
    }
    out.len().saturating_sub(before)
}

#[cold]
fn push_replaced(out: &mut String, bytes: &[u8]) {
    // Writing to a `String` cannot fail.
    let _ = crate::write_lossy(out, bytes);
}

impl From<Event<'_>> for OwnedEvent {
    /// One allocation, of the three fields' size when they are UTF-8 (the
    /// common case); none for an event with no data, type or ID.
    fn from(event: Event<'_>) -> Self {
        let raw_type = raw_event_type(&event);
        let size = (event.data().len())
            .saturating_add(raw_type.len())
            .saturating_add(event.id().len());
        let mut owned = Self {
            text: String::with_capacity(size),
            data_len: 0,
            event_type_len: 0,
        };
        owned.fill(&event);
        owned
    }
}

impl From<&Event<'_>> for OwnedEvent {
    fn from(event: &Event<'_>) -> Self {
        Self::from(*event)
    }
}

impl PartialEq for OwnedEvent {
    fn eq(&self, other: &Self) -> bool {
        self.as_event() == other.as_event()
    }
}

impl Eq for OwnedEvent {}

impl PartialEq<Event<'_>> for OwnedEvent {
    fn eq(&self, other: &Event<'_>) -> bool {
        self.as_event() == *other
    }
}

impl core::hash::Hash for OwnedEvent {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_event().hash(state);
    }
}

/// As [`Event`]'s: each field's text, cut after 96 bytes.
impl core::fmt::Debug for OwnedEvent {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OwnedEvent")
            .field("event_type", &Shown(self.event_type().as_bytes()))
            .field("data", &Shown(self.data().as_bytes()))
            .field("id", &Shown(self.id().as_bytes()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;

    use super::OwnedEvent;
    use crate::Event;

    #[test]
    fn keeps_whether_a_type_was_set_and_reuses_its_allocation() {
        let mut owned = OwnedEvent::from(Event::new(b"update", b"x".repeat(100).as_slice(), b""));
        assert!(owned.has_event_type());
        let capacity = owned.text.capacity();
        owned.assign(&Event::new(b"", b"short \xF0\x9F", b"9"));
        assert!(!owned.has_event_type());
        assert_eq!(owned.event_type(), "message");
        assert_eq!(owned.data(), "short \u{FFFD}");
        assert_eq!(owned.id(), "9");
        assert_eq!(owned.text.capacity(), capacity);
        assert_eq!(owned, OwnedEvent::new("message", "short \u{FFFD}", "9"));
        assert_eq!(owned, Event::new(b"", "short \u{FFFD}".as_bytes(), b"9"));
        assert_eq!(
            format!("{owned:?}"),
            "OwnedEvent { event_type: \"message\", data: \"short \u{FFFD}\", id: \"9\" }"
        );
    }
}
