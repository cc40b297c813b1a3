//! A response's head as the reconnection rules read it: status, headers and,
//! where the HTTP client knows it, the URL it came from after redirects.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use super::date::parse_http_date;
use super::response::parse_retry_after;
use crate::adapters::trim_ows;

/// The head of one response: its status, its headers (names in lower case,
/// values as sent, in order, repeated names kept) and the URL it came from
/// when the HTTP client followed redirects.
///
/// The reconnection rules read it ([`EventSourceState::on_response`]), and
/// [`EventSource`] hands it to the caller with each response
/// ([`Item::Open`], [`Item::Answer`], [`Item::Rejected`]), so headers such
/// as `Mcp-Session-Id` are at hand.
///
/// ```
/// use core::time::Duration;
/// use ssewire::reconnect::Head;
///
/// let head = Head::new(503)
///     .with_header("Content-Type", "text/plain")
///     .with_header("content-type", "text/event-stream; charset=utf-8")
///     .with_header("Date", "Mon, 07 Dec 2026 12:00:00 GMT")
///     .with_header("Retry-After", "Mon, 07 Dec 2026 12:00:30 GMT")
///     .with_url("https://example.com/moved");
/// // Fetch's rule: the values combined, the last MIME type wins.
/// assert_eq!(head.content_type(), Some(&b"text/event-stream; charset=utf-8"[..]));
/// assert_eq!(head.retry_after(), Some(Duration::from_secs(30)));
/// assert_eq!(head.header("date"), Some(&b"Mon, 07 Dec 2026 12:00:00 GMT"[..]));
/// assert_eq!(head.url(), Some("https://example.com/moved"));
/// ```
///
/// [`EventSourceState::on_response`]: super::EventSourceState::on_response
/// [`EventSource`]: super::EventSource
/// [`Item::Open`]: super::Item::Open
/// [`Item::Answer`]: super::Item::Answer
/// [`Item::Rejected`]: super::Item::Rejected
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Head {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    url: Option<String>,
    received: Option<u64>,
}

impl Head {
    /// A head with this status and no headers.
    pub const fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            url: None,
            received: None,
        }
    }

    /// Adds a header (after any of the same name).
    #[must_use]
    pub fn with_header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.push_header(name, value);
        self
    }

    /// Adds a header (after any of the same name).
    pub fn push_header(&mut self, name: &str, value: impl AsRef<[u8]>) {
        self.headers
            .push((name.to_ascii_lowercase(), value.as_ref().to_vec()));
    }

    /// The URL the response came from (the last one of its redirects); the
    /// next request goes there ([`RequestHeaders::url`]).
    ///
    /// [`RequestHeaders::url`]: super::RequestHeaders::url
    #[must_use]
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// When the response arrived, in seconds since the Unix epoch: what an
    /// HTTP-date `Retry-After` is measured from when the response has no
    /// `Date` header. The conversion from `http::Response` sets it under
    /// `std`.
    #[must_use]
    pub fn with_received_at(mut self, unix_seconds: u64) -> Self {
        self.received = Some(unix_seconds);
        self
    }

    /// The status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The first value of a header, by name in any case.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        let (_, value) = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        Some(value)
    }

    /// Every value of a header, in order, by name in any case.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_slice())
    }

    /// Every header, names in lower case, in order.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_slice()))
    }

    /// The URL the response came from, if the HTTP client said.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The content type as Fetch extracts it: every `Content-Type` value
    /// combined and split at commas (outside quoted strings), the last one
    /// that is a valid MIME type (not `*/*`) wins. `None` when none is.
    pub fn content_type(&self) -> Option<&[u8]> {
        let mut winner = None;
        for value in self.header_values("content-type") {
            for piece in split_commas(value) {
                let piece = trim_ows(piece);
                if let Some(essence) = mime_essence(piece) {
                    if essence != b"*/*" {
                        winner = Some(piece);
                    }
                }
            }
        }
        winner
    }

    /// The body's `Content-Encoding` when it is not `identity` (every value
    /// combined): the bytes are not the stream's text as they are. An HTTP
    /// client that decodes what it asked for removes the header.
    pub fn content_encoding(&self) -> Option<&[u8]> {
        self.header_values("content-encoding")
            .flat_map(split_commas)
            .map(trim_ows)
            .find(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case(b"identity"))
    }

    /// The `Retry-After` wait: delta-seconds, or an HTTP-date measured from
    /// the response's own `Date` header (the server's clock on both, so no
    /// skew), else from [`with_received_at`](Self::with_received_at); a
    /// date in the past is no wait. `None` without a valid value.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.header("retry-after")?;
        if let Some(delay) = parse_retry_after(value) {
            return Some(delay);
        }
        let at = parse_http_date(value)?;
        let now = self
            .header("date")
            .and_then(parse_http_date)
            .or(self.received)?;
        Some(Duration::from_secs(at.saturating_sub(now)))
    }
}

impl fmt::Debug for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a [(String, Vec<u8>)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(
                        self.0
                            .iter()
                            .map(|(n, v)| (n, alloc::string::String::from_utf8_lossy(v))),
                    )
                    .finish()
            }
        }
        let mut debug = f.debug_struct("Head");
        debug
            .field("status", &self.status)
            .field("headers", &Headers(&self.headers));
        if let Some(url) = &self.url {
            debug.field("url", url);
        }
        debug.finish()
    }
}

/// A header value split at its commas, those inside a quoted string
/// excepted (Fetch's "getting, decoding, and splitting").
fn split_commas(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(value);
    core::iter::from_fn(move || {
        let value = rest?;
        let mut quoted = false;
        let mut escaped = false;
        for (at, &b) in value.iter().enumerate() {
            match b {
                _ if escaped => escaped = false,
                b'\\' if quoted => escaped = true,
                b'"' => quoted = !quoted,
                b',' if !quoted => {
                    let (piece, after) = value.split_at(at);
                    rest = after.get(1..);
                    return Some(piece);
                }
                _ => {}
            }
        }
        rest = None;
        Some(value)
    })
}

/// The `type/subtype` of a MIME type (WHATWG MIME Sniffing: two tokens
/// around a `/`, parameters after a `;` not checked), or `None`.
fn mime_essence(value: &[u8]) -> Option<&[u8]> {
    let essence = match value.iter().position(|&b| b == b';') {
        Some(at) => value.split_at(at).0,
        None => value,
    };
    let essence = trim_ows(essence);
    let slash = essence.iter().position(|&b| b == b'/')?;
    let (kind, subtype) = essence.split_at(slash);
    let subtype = subtype.get(1..)?;
    (is_token(kind) && is_token(subtype)).then_some(essence)
}

fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::Head;
    use alloc::vec::Vec;
    use core::time::Duration;

    fn typed(values: &[&str]) -> Option<Vec<u8>> {
        let head = values.iter().fold(Head::new(200), |head, v| {
            head.with_header("Content-Type", v)
        });
        head.content_type().map(<[u8]>::to_vec)
    }

    #[test]
    fn the_last_valid_mime_type_wins() {
        let sse = Some(b"text/event-stream".to_vec());
        assert_eq!(typed(&["text/plain", "text/event-stream"]), sse);
        assert_eq!(
            typed(&["text/event-stream", "text/plain"]),
            Some(b"text/plain".to_vec())
        );
        assert_eq!(typed(&["text/plain, text/event-stream"]), sse);
        assert_eq!(typed(&["text/event-stream, */*"]), sse);
        assert_eq!(typed(&["text/event-stream, nonsense"]), sse);
        assert_eq!(typed(&["text/event-stream,"]), sse);
        assert_eq!(
            typed(&["text/plain;a=\"x,text/event-stream\""]),
            Some(b"text/plain;a=\"x,text/event-stream\"".to_vec())
        );
        assert_eq!(typed(&[]), None);
        assert_eq!(typed(&["", "/", "text/", "*/*", "te xt/plain"]), None);
    }

    #[test]
    fn identity_is_no_encoding() {
        let head = |v: &str| Head::new(200).with_header("content-encoding", v);
        assert_eq!(head("identity").content_encoding(), None);
        assert_eq!(Head::new(200).content_encoding(), None);
        assert_eq!(head(" GZIP ").content_encoding(), Some(&b"GZIP"[..]));
        assert_eq!(head("identity, br").content_encoding(), Some(&b"br"[..]));
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let head = |v: &str| Head::new(503).with_header("retry-after", v);
        assert_eq!(head(" 7 ").retry_after(), Some(Duration::from_secs(7)));
        let date = head("Mon, 07 Dec 2026 12:01:00 GMT");
        // No Date header and no clock: nothing to measure from.
        assert_eq!(date.retry_after(), None);
        let received = date.clone().with_received_at(1_796_644_800);
        assert_eq!(received.retry_after(), Some(Duration::from_secs(60)));
        // The server's Date wins over the local clock.
        let dated = received.with_header("date", "Mon, 07 Dec 2026 12:00:50 GMT");
        assert_eq!(dated.retry_after(), Some(Duration::from_secs(10)));
        let past = head("Mon, 07 Dec 2026 11:00:00 GMT").with_received_at(1_796_644_800);
        assert_eq!(past.retry_after(), Some(Duration::ZERO));
        assert_eq!(head("soon").with_received_at(0).retry_after(), None);
    }
}
