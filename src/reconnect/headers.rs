//! The headers of the next request, as `EventSource` sends them, and where
//! to send it.

use alloc::string::String;
use alloc::vec::Vec;

use super::redirect::MethodChange;

/// What the next request carries: `Accept` ([`Options::accept`],
/// `text/event-stream` by default), `Cache-Control: no-cache`, and
/// `Last-Event-ID` when there is one; and the URL to send it to when a
/// response came from another one ([`url`](Self::url), after redirects).
///
/// It owns its values, so a request function can move it into the `async`
/// block that sends the request.
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
///
/// [`Options::accept`]: super::Options::accept
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestHeaders {
    last_event_id: Vec<u8>,
    accept: &'static str,
    url: Option<String>,
    method_change: MethodChange,
}

impl RequestHeaders {
    /// The headers for a stream whose last event ID is `last_event_id`.
    pub fn new(last_event_id: &[u8]) -> Self {
        Self {
            last_event_id: last_event_id.to_vec(),
            accept: super::options::ACCEPT,
            url: None,
            method_change: MethodChange::Kept,
        }
    }

    /// With this `Accept` value instead of `text/event-stream`.
    #[must_use]
    pub fn with_accept(mut self, accept: &'static str) -> Self {
        self.accept = accept;
        self
    }

    /// With the URL the last response came from.
    #[must_use]
    pub fn with_url(mut self, url: Option<String>) -> Self {
        self.url = url;
        self
    }

    /// After the redirects these follow, as they change the method.
    #[must_use]
    pub(super) fn with_method_change(mut self, change: MethodChange) -> Self {
        self.method_change = change;
        self
    }

    /// The method to send for a request made with `requested` (`"POST"`,
    /// say): `requested`, or `"GET"` after redirects that turned the request
    /// into a `GET`, as Fetch turns it: a 301 or 302 a `POST`, a 303 any
    /// method but `GET` and `HEAD`. Send such a `GET` without the body and
    /// its `Content-Type`. It stays a `GET` for the reconnections that
    /// follow, as the [`url`](Self::url) stays the redirect's target. Only
    /// redirects the client followed itself count: an HTTP client that
    /// follows them (reqwest) changes the method of that one request, and
    /// the next goes out as the caller made it.
    ///
    /// ```
    /// use ssewire::reconnect::{EventSourceState, Head, Options};
    /// use std::time::Duration;
    ///
    /// let mut state = EventSourceState::new(Options::new());
    /// let head = Head::new(303).with_url("http://127.0.0.1:8080/start").with_header("location", "/events");
    /// assert!(state.on_response(Duration::ZERO, &head, 0).is_err()); // followed
    /// let next = state.request_headers();
    /// assert_eq!(next.url(), Some("http://127.0.0.1:8080/events"));
    /// assert_eq!(next.method("POST"), "GET");
    /// ```
    pub fn method<'a>(&self, requested: &'a str) -> &'a str {
        self.method_change.method(requested)
    }

    /// The `Last-Event-ID` value to send, if any.
    pub fn last_event_id(&self) -> Option<&[u8]> {
        let id = self.last_event_id.as_slice();
        let valid = id.iter().all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7F));
        (!id.is_empty() && valid).then_some(id)
    }

    /// Where the last response came from, if the HTTP client said
    /// ([`Head::with_url`](super::Head::with_url)): after a redirect, the
    /// redirect's target, where the next request goes, as `EventSource`
    /// reconnects there. `None`: send it to the URL you started with.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The `Accept` value.
    pub fn accept(&self) -> &'static str {
        self.accept
    }

    /// Every header, names in lower case.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &[u8])> {
        [
            ("accept", self.accept.as_bytes()),
            ("cache-control", &b"no-cache"[..]),
        ]
        .into_iter()
        .chain(self.last_event_id().map(|id| ("last-event-id", id)))
    }

    /// The headers as an `http::HeaderMap` (feature `http-body`), for
    /// reqwest's `RequestBuilder::headers` or any `http`-based client. An
    /// `Accept` you set afterwards with reqwest's `header` is added beside
    /// this one: give yours to [`Options::accept`](super::Options::accept)
    /// instead.
    #[cfg(feature = "http-body")]
    pub fn header_map(&self) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        self.insert_into(&mut map, true);
        map
    }

    /// Adds the headers to an `http` request builder (feature `http-body`):
    /// an `Accept` or `Cache-Control` the builder already has is kept (the
    /// caller's replaces the default), `Last-Event-ID` replaces any. After
    /// redirects that turned the request into a `GET`
    /// ([`method`](Self::method)) the builder's method becomes `GET` and its
    /// `Content-Type` goes; leave its body empty.
    #[cfg(feature = "http-body")]
    pub fn apply(&self, mut builder: http::request::Builder) -> http::request::Builder {
        let requested = builder.method_ref().map(http::Method::as_str);
        let to_get = requested.is_some_and(|m| self.method(m) != m);
        if to_get {
            builder = builder.method(http::Method::GET);
        }
        if let Some(map) = builder.headers_mut() {
            self.insert_into(map, false);
            if to_get {
                // Fetch's request-body-header names.
                for name in [
                    "content-encoding",
                    "content-language",
                    "content-location",
                    "content-type",
                ] {
                    map.remove(name);
                }
            }
        }
        builder
    }

    #[cfg(feature = "http-body")]
    fn insert_into(&self, map: &mut http::HeaderMap, replace: bool) {
        for (name, value) in self.iter() {
            let name = http::HeaderName::from_static(name);
            let theirs = name != "last-event-id" && map.contains_key(&name);
            // The values were checked: an ID that is no valid value is not sent.
            if let (true, Ok(value)) = (replace || !theirs, http::HeaderValue::from_bytes(value)) {
                map.insert(name, value);
            }
        }
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

    #[cfg(feature = "http-body")]
    #[test]
    fn the_callers_accept_replaces_the_default() {
        let headers = RequestHeaders::new(b"7");
        let builder = http::Request::post("http://127.0.0.1/")
            .header("accept", "application/json, text/event-stream")
            .header("last-event-id", "stale");
        let request = headers.apply(builder).body(()).unwrap();
        let values = |name| -> alloc::vec::Vec<&[u8]> {
            let all = request.headers().get_all(name);
            all.iter().map(http::HeaderValue::as_bytes).collect()
        };
        assert_eq!(
            values("accept"),
            [&b"application/json, text/event-stream"[..]]
        );
        assert_eq!(values("cache-control"), [&b"no-cache"[..]]);
        assert_eq!(values("last-event-id"), [&b"7"[..]]);
        let mcp = RequestHeaders::new(b"").with_accept("application/json, text/event-stream");
        let map = mcp.header_map();
        assert_eq!(map["accept"], "application/json, text/event-stream");
        assert!(!map.contains_key("last-event-id"));
    }
}
