//! An event that owns its text, for callers that keep events past the next
//! chunk (feature `alloc`).

use alloc::string::String;

use crate::event::Shown;
use crate::Event;

/// One dispatched event, owning its text: what the adapters hand out.
///
/// Each field is the [`Event`]'s bytes decoded as the spec decodes the whole
/// stream (invalid UTF-8 becomes U+FFFD; with [`Config::strict_utf8`] the
/// parser refuses such events instead, so nothing is replaced).
/// [`assign`](Self::assign) refills an event in place, reusing its
/// allocations, so a reader that keeps one `OwnedEvent` allocates nothing per
/// event once it has grown. Equality and hashing treat no event type as
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
    event_type: String,
    data: String,
    id: String,
}

impl OwnedEvent {
    /// An event from its parts (an empty `event_type` means `message`).
    pub fn new(
        event_type: impl Into<String>,
        data: impl Into<String>,
        id: impl Into<String>,
    ) -> Self {
        Self {
            event_type: event_type.into(),
            data: data.into(),
            id: id.into(),
        }
    }

    /// The event type: `message` when the stream set none.
    pub fn event_type(&self) -> &str {
        if self.event_type.is_empty() {
            "message"
        } else {
            &self.event_type
        }
    }

    /// Whether the stream set a non-empty event type.
    pub fn has_event_type(&self) -> bool {
        !self.event_type.is_empty()
    }

    /// The data: the `data` values joined with LF.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// The last event ID in force when the event was dispatched (empty when
    /// none was ever set).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The data, without copying it.
    pub fn into_data(self) -> String {
        self.data
    }

    /// The same event, borrowed (to compare with a parser's, or to re-encode).
    pub fn as_event(&self) -> Event<'_> {
        Event::new(
            self.event_type.as_bytes(),
            self.data.as_bytes(),
            self.id.as_bytes(),
        )
    }

    /// Makes this the given event, reusing this one's allocations.
    pub fn assign(&mut self, event: &Event<'_>) {
        assign_lossy(&mut self.event_type, raw_event_type(event));
        assign_lossy(&mut self.data, event.data());
        assign_lossy(&mut self.id, event.id());
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

/// `out` = `bytes` decoded lossily, keeping `out`'s capacity.
fn assign_lossy(out: &mut String, bytes: &[u8]) {
    out.clear();
    // Writing to a `String` cannot fail.
    let _ = crate::write_lossy(out, bytes);
}

impl From<Event<'_>> for OwnedEvent {
    fn from(event: Event<'_>) -> Self {
        Self {
            event_type: new_lossy(raw_event_type(&event)),
            data: new_lossy(event.data()),
            id: new_lossy(event.id()),
        }
    }
}

/// A new `String` of the lossy text: allocated once at its size when the
/// bytes are UTF-8 (the common case; `assign_lossy` grows a `String` as it
/// writes, which cost a tenth of a `Stream` adapter's time per event).
fn new_lossy(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        // Most events have no type or ID.
        return String::new();
    }
    match core::str::from_utf8(bytes) {
        Ok(text) => String::from(text),
        Err(_) => {
            let mut out = String::new();
            assign_lossy(&mut out, bytes);
            out
        }
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
            .field("data", &Shown(self.data.as_bytes()))
            .field("id", &Shown(self.id.as_bytes()))
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
        let capacity = owned.data.capacity();
        owned.assign(&Event::new(b"", b"short \xF0\x9F", b"9"));
        assert!(!owned.has_event_type());
        assert_eq!(owned.event_type(), "message");
        assert_eq!(owned.data(), "short \u{FFFD}");
        assert_eq!(owned.id(), "9");
        assert_eq!(owned.data.capacity(), capacity);
        assert_eq!(owned, OwnedEvent::new("message", "short \u{FFFD}", "9"));
        assert_eq!(owned, Event::new(b"", "short \u{FFFD}".as_bytes(), b"9"));
        assert_eq!(
            format!("{owned:?}"),
            "OwnedEvent { event_type: \"message\", data: \"short \u{FFFD}\", id: \"9\" }"
        );
    }
}
