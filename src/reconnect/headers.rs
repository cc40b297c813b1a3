//! The headers of the next request, as `EventSource` sends them.

/// The headers to add to the next request: `Accept: text/event-stream`,
/// `Cache-Control: no-cache`, and `Last-Event-ID` when there is one.
///
/// Values are raw bytes, ready for any HTTP client. The last event ID is
/// sent only when it is non-empty (an empty header would tell some servers
/// "resume from nothing") and a valid field value: an ID holding a control
/// byte other than HTAB (the parser already refuses NUL, CR and LF) would make
/// most clients refuse to build the request, so it is left out, and the ID
/// itself is kept. Leading or trailing spaces are sent as they are; HTTP
/// servers trim them.
///
/// ```
/// use ssewire::reconnect::RequestHeaders;
///
/// let headers = RequestHeaders::new(b"41");
/// let all: Vec<(&str, &[u8])> = headers.iter().collect();
/// assert_eq!(all, [
///     ("accept", &b"text/event-stream"[..]),
///     ("cache-control", b"no-cache"),
///     ("last-event-id", b"41"),
/// ]);
/// assert_eq!(RequestHeaders::new(b"").iter().count(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestHeaders<'a> {
    last_event_id: &'a [u8],
}

impl<'a> RequestHeaders<'a> {
    /// The headers for a stream whose last event ID is `last_event_id`.
    pub const fn new(last_event_id: &'a [u8]) -> Self {
        Self { last_event_id }
    }

    /// The `Last-Event-ID` value to send, if any.
    pub fn last_event_id(&self) -> Option<&'a [u8]> {
        let id = self.last_event_id;
        let valid = id.iter().all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7F));
        (!id.is_empty() && valid).then_some(id)
    }

    /// Every header, names in lower case.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'a [u8])> {
        [
            ("accept", &b"text/event-stream"[..]),
            ("cache-control", b"no-cache"),
        ]
        .into_iter()
        .chain(self.last_event_id().map(|id| ("last-event-id", id)))
    }
}

#[cfg(test)]
mod tests {
    use super::RequestHeaders;

    #[test]
    fn the_id_is_sent_only_when_non_empty_and_a_valid_value() {
        assert_eq!(RequestHeaders::new(b"").last_event_id(), None);
        assert_eq!(
            RequestHeaders::new(b" 7\t").last_event_id(),
            Some(&b" 7\t"[..])
        );
        assert_eq!(
            RequestHeaders::new("é".as_bytes()).last_event_id(),
            Some("é".as_bytes())
        );
        for bad in [&b"a\x01b"[..], b"\x1F", b"x\x7F"] {
            assert_eq!(RequestHeaders::new(bad).last_event_id(), None);
            assert_eq!(RequestHeaders::new(bad).iter().count(), 2);
        }
    }
}
