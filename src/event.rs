//! A dispatched event, borrowed from the parser or from the input.

use core::str::Utf8Error;

/// One dispatched event (spec: "dispatch the event", step 4).
///
/// Borrowed: from the input when the event was one `data` line wholly inside
/// the chunk being fed (no copy), otherwise from the parser's storage. Copy out
/// what you keep before feeding again.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
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
        alloc::string::String::from_utf8_lossy(self.event_type())
    }

    /// The data as text, invalid UTF-8 replaced by U+FFFD (see
    /// [`event_type_lossy`](Self::event_type_lossy)). Borrowed when valid.
    #[cfg(feature = "alloc")]
    pub fn data_lossy(&self) -> alloc::borrow::Cow<'a, str> {
        alloc::string::String::from_utf8_lossy(self.data)
    }

    /// The last event ID as text, invalid UTF-8 replaced by U+FFFD (see
    /// [`event_type_lossy`](Self::event_type_lossy)). Borrowed when valid.
    #[cfg(feature = "alloc")]
    pub fn id_lossy(&self) -> alloc::borrow::Cow<'a, str> {
        alloc::string::String::from_utf8_lossy(self.id)
    }

    /// Writes `bytes` as text, invalid UTF-8 as U+FFFD, without allocating:
    /// the `no_std` way to get the lossy text of a field.
    ///
    /// ```
    /// let event = ssewire::Event::new(b"", b"caf\xC3\xA9 \xFF", b"");
    /// let mut out = String::new();
    /// ssewire::Event::write_lossy(&mut out, event.data()).unwrap();
    /// assert_eq!(out, "café \u{FFFD}");
    /// ```
    pub fn write_lossy(out: &mut impl core::fmt::Write, bytes: &[u8]) -> core::fmt::Result {
        for chunk in bytes.utf8_chunks() {
            out.write_str(chunk.valid())?;
            if !chunk.invalid().is_empty() {
                out.write_char(char::REPLACEMENT_CHARACTER)?;
            }
        }
        Ok(())
    }
}

impl core::fmt::Debug for Event<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Lengths only: payloads stay out of logs.
        f.debug_struct("Event")
            .field("event_type_len", &self.event_type.len())
            .field("data_len", &self.data.len())
            .field("id_len", &self.id.len())
            .finish()
    }
}
