//! [`OwnedServerEvent`]: an event to write that owns its text, so it can be
//! built in one task and written in another (channels, streams, response
//! bodies).

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::encode::{
    check_event_type, check_id, decimal, emit_data, emit_line, emit_prefix, Count,
};
use crate::{ByteSink, EncodeError};

/// An event to write that owns its text (or borrows `'static` text): it
/// crosses channels and tasks, and is what
/// [`EventStreamBody`](crate::EventStreamBody) takes. The owned counterpart of
/// [`ServerEvent`](crate::ServerEvent), with the same wire format and rules,
/// plus data in several parts, each with its own line prefix
/// ([`prefixed_data`](Self::prefixed_data), what Datastar needs), JSON data
/// (feature `serde`) and numeric IDs.
///
/// Building never fails: a setter given a value that a client could not read
/// back (an event type or ID with a line break, an ID with NUL) leaves that
/// field unset and records the first such error, which
/// [`error`](Self::error) and [`check`](Self::check) report and every writer
/// returns; nothing invalid is ever written. Event types and IDs that are
/// literals or numbers are valid by construction, so a stream of them needs
/// no error handling at all.
///
/// ```
/// use ssewire::OwnedServerEvent;
///
/// let event = OwnedServerEvent::new(format!("step {}", 3))
///     .event_type("progress")
///     .numeric_id(3);
/// assert_eq!(event.to_vec()?, b"event: progress\nid: 3\ndata: step 3\n\n");
///
/// // An invalid field is reported once, by every writer.
/// let bad = OwnedServerEvent::new("x").event_type("two\nlines").numeric_id(4);
/// assert_eq!(bad.error(), Some(ssewire::EncodeError::LineBreakInEventType));
/// assert!(bad.to_vec().is_err());
/// # Ok::<(), ssewire::EncodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
#[must_use]
pub struct OwnedServerEvent {
    /// Never `Some("")`: an empty type is the default, written as no field.
    event_type: Option<Cow<'static, str>>,
    id: Option<Id>,
    retry: Option<u64>,
    /// The first data part (most events have one), then the others.
    data: Option<Part>,
    more_data: Vec<Part>,
    /// The first invalid value (a byte, not the 24 of an `EncodeError`:
    /// events are moved through streams and channels).
    error: Option<Invalid>,
}

/// The [`EncodeError`]s a setter can record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Invalid {
    LineBreakInEventType,
    LineBreakInId,
    NulInId,
}

impl Invalid {
    fn of(error: EncodeError) -> Self {
        match error {
            EncodeError::LineBreakInEventType => Self::LineBreakInEventType,
            EncodeError::NulInId => Self::NulInId,
            // The checks return only these three.
            _ => Self::LineBreakInId,
        }
    }

    fn error(self) -> EncodeError {
        match self {
            Self::LineBreakInEventType => EncodeError::LineBreakInEventType,
            Self::LineBreakInId => EncodeError::LineBreakInId,
            Self::NulInId => EncodeError::NulInId,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Id {
    Text(Cow<'static, str>),
    Number(u64),
}

/// Lines of data, each written as `data: ` + `prefix` + line.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Part {
    prefix: Cow<'static, str>,
    text: Cow<'static, str>,
}

impl OwnedServerEvent {
    /// An event with this data (a `String`, moved in, or a `&'static str`),
    /// of type `message`, with no ID field. Any text round-trips, with CR
    /// and CRLF read back as LF, as with [`ServerEvent::new`].
    ///
    /// [`ServerEvent::new`]: crate::ServerEvent::new
    pub fn new(data: impl Into<Cow<'static, str>>) -> Self {
        Self::without_data().data(data)
    }

    /// A block with no data: only its ID and reconnection time are written
    /// (see [`ServerEvent::without_data`]); add data with
    /// [`data`](Self::data) or [`prefixed_data`](Self::prefixed_data).
    ///
    /// [`ServerEvent::without_data`]: crate::ServerEvent::without_data
    pub fn without_data() -> Self {
        Self::default()
    }

    /// An event whose data is `value` as compact JSON (`serde_json`), one
    /// line.
    ///
    /// # Errors
    ///
    /// `serde_json`'s (a map with keys that are not strings, a `Serialize`
    /// implementation that fails).
    #[cfg(feature = "serde")]
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        Self::without_data().json_data("", value)
    }

    /// Adds lines of data after those already given: the client reads the
    /// parts joined by LF. Any text, as [`new`](Self::new).
    pub fn data(self, text: impl Into<Cow<'static, str>>) -> Self {
        self.prefixed_data("", text)
    }

    /// Adds lines of data, each line of `text` (split at CR, LF and CRLF)
    /// written as `data: `, `prefix`, the line. The client reads back the
    /// prefix and the line for each line, joined by LF, after any parts
    /// before (joined by LF too). Datastar's keys are such prefixes:
    ///
    /// ```
    /// use ssewire::OwnedServerEvent;
    ///
    /// let html = "<ul id=\"list\">\n  <li>one</li>\n</ul>";
    /// let event = OwnedServerEvent::without_data()
    ///     .event_type("datastar-patch-elements")
    ///     .prefixed_data("mode ", "outer")
    ///     .prefixed_data("elements ", html);
    /// assert_eq!(
    ///     event.to_vec()?,
    ///     b"event: datastar-patch-elements\n\
    ///       data: mode outer\n\
    ///       data: elements <ul id=\"list\">\n\
    ///       data: elements   <li>one</li>\n\
    ///       data: elements </ul>\n\n"
    /// );
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    ///
    /// The prefix is data too: a line break in it starts a new line.
    pub fn prefixed_data(
        mut self,
        prefix: impl Into<Cow<'static, str>>,
        text: impl Into<Cow<'static, str>>,
    ) -> Self {
        let part = Part {
            prefix: prefix.into(),
            text: text.into(),
        };
        if self.data.is_none() {
            self.data = Some(part);
        } else {
            self.more_data.push(part);
        }
        self
    }

    /// Adds `value` as JSON, pretty-printed or compact as the caller's
    /// `serde_json` gives it, each line prefixed with `prefix` (`""` for
    /// none; Datastar's signals: `"signals "`). JSON strings never hold a raw
    /// line break (`serde_json` writes `\n`, `\r` escaped), so the lines are
    /// exactly the JSON's own and read back as the same JSON text.
    ///
    /// # Errors
    ///
    /// `serde_json`'s.
    #[cfg(feature = "serde")]
    pub fn json_data<T: serde::Serialize + ?Sized>(
        self,
        prefix: impl Into<Cow<'static, str>>,
        value: &T,
    ) -> Result<Self, serde_json::Error> {
        Ok(self.prefixed_data(prefix, serde_json::to_string(value)?))
    }

    /// [`json_data`](Self::json_data), pretty-printed (`serde_json`'s
    /// two-space indentation): one data line per line of JSON.
    ///
    /// # Errors
    ///
    /// `serde_json`'s.
    #[cfg(feature = "serde")]
    pub fn pretty_json_data<T: serde::Serialize + ?Sized>(
        self,
        prefix: impl Into<Cow<'static, str>>,
        value: &T,
    ) -> Result<Self, serde_json::Error> {
        Ok(self.prefixed_data(prefix, serde_json::to_string_pretty(value)?))
    }

    /// Sets the event type (an empty one is the default, `message`, and
    /// writes no field). One with a CR or LF is not set and records
    /// [`EncodeError::LineBreakInEventType`].
    pub fn event_type(mut self, event_type: impl Into<Cow<'static, str>>) -> Self {
        let event_type = event_type.into();
        match check_event_type(&event_type) {
            Ok(()) => self.event_type = (!event_type.is_empty()).then_some(event_type),
            Err(error) => self.fail(error),
        }
        self
    }

    /// Sets the ID (an empty one is written, `id: `, and clears the client's
    /// last event ID). One with a CR or LF is not set and records
    /// [`EncodeError::LineBreakInId`]; one with NUL, [`EncodeError::NulInId`].
    pub fn id(mut self, id: impl Into<Cow<'static, str>>) -> Self {
        let id = id.into();
        match check_id(&id) {
            Ok(()) => self.id = Some(Id::Text(id)),
            Err(error) => self.fail(error),
        }
        self
    }

    /// Sets the ID to `id` in decimal, without formatting it to a string
    /// first. Always valid.
    pub fn numeric_id(mut self, id: u64) -> Self {
        self.id = Some(Id::Number(id));
        self
    }

    /// Sets the client's reconnection time, in milliseconds (`retry` field).
    pub fn retry(mut self, milliseconds: u64) -> Self {
        self.retry = Some(milliseconds);
        self
    }

    /// The first invalid value given to a setter, if any.
    #[must_use]
    pub fn error(&self) -> Option<EncodeError> {
        self.error.map(Invalid::error)
    }

    /// The event, if every value given was valid.
    ///
    /// # Errors
    ///
    /// The first invalid value's.
    pub fn check(self) -> Result<Self, EncodeError> {
        match self.error() {
            Some(error) => Err(error),
            None => Ok(self),
        }
    }

    /// The exact number of bytes the writers produce (0 for an event with
    /// an [`error`](Self::error)).
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        if self.error.is_some() {
            return 0;
        }
        let mut count = Count(0);
        match self.emit(&mut count) {
            Ok(()) => count.0,
            Err(never) => match never {},
        }
    }

    /// Appends the event to `out`; returns its length.
    ///
    /// # Errors
    ///
    /// The first invalid value given to a setter; nothing is written then.
    pub fn append_to(&self, out: &mut Vec<u8>) -> Result<usize, EncodeError> {
        self.check_ref()?;
        let start = out.len();
        match self.emit(&mut *out) {
            Ok(()) => Ok(out.len().saturating_sub(start)),
            Err(never) => match never {},
        }
    }

    /// The event's bytes, in a `Vec` of exactly their length.
    ///
    /// # Errors
    ///
    /// The first invalid value given to a setter.
    pub fn to_vec(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.append_to(&mut out)?;
        Ok(out)
    }

    /// The event's bytes, encoded once, as `Bytes` (feature `bytes`): send
    /// the same event to many clients by cloning it.
    ///
    /// # Errors
    ///
    /// The first invalid value given to a setter.
    #[cfg(feature = "bytes")]
    pub fn to_bytes(&self) -> Result<bytes::Bytes, EncodeError> {
        self.to_vec().map(bytes::Bytes::from)
    }

    /// Writes the event to any [`ByteSink`]; returns its length.
    ///
    /// # Errors
    ///
    /// `Err(Err(_))` for the first invalid value given to a setter (nothing
    /// is written then), `Err(Ok(_))` for the sink's error (the event may be
    /// partly written).
    pub fn write<S: ByteSink>(&self, sink: S) -> Result<usize, Result<S::Error, EncodeError>> {
        self.check_ref().map_err(Err)?;
        let mut counted = crate::encode::Counted { sink, written: 0 };
        self.emit(&mut counted).map_err(Ok)?;
        Ok(counted.written)
    }

    fn check_ref(&self) -> Result<(), EncodeError> {
        match self.error() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn fail(&mut self, error: EncodeError) {
        self.error.get_or_insert(Invalid::of(error));
    }

    /// The event, valid or not (callers check [`error`](Self::error) first).
    pub(crate) fn emit<S: ByteSink>(&self, mut sink: S) -> Result<(), S::Error> {
        if let Some(event_type) = &self.event_type {
            emit_line(&mut sink, b"event: ", event_type.as_bytes())?;
        }
        let mut digits = [0u8; 20];
        match &self.id {
            Some(Id::Text(id)) => emit_line(&mut sink, b"id: ", id.as_bytes())?,
            Some(Id::Number(id)) => emit_line(&mut sink, b"id: ", decimal(*id, &mut digits))?,
            None => {}
        }
        if let Some(milliseconds) = self.retry {
            emit_line(&mut sink, b"retry: ", decimal(milliseconds, &mut digits))?;
        }
        let Some(first) = &self.data else {
            // The blank line alone: no event, but the ID applies.
            return sink.put(b"\n");
        };
        for (i, part) in core::iter::once(first).chain(&self.more_data).enumerate() {
            if i > 0 {
                sink.put(b"\n")?;
            }
            sink.put(b"data: ")?;
            let prefix = part.prefix.as_bytes();
            emit_prefix(&mut sink, prefix)?;
            emit_data(&mut sink, prefix, part.text.as_bytes(), &mut false)?;
        }
        sink.put(b"\n\n")
    }
}
