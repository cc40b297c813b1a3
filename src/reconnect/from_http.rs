//! [`Reply`] from any `http` client's response (features `client` and
//! `http-body`): reqwest 0.12 and later, hyper, and the rest.

use super::{Head, Reply};
use crate::BodyChunks;

impl<B> Reply<BodyChunks<B>> {
    /// The reply for an `http::Response` with an http-body `Body`, or
    /// anything that converts into one (a reqwest 0.12 `Response`): its
    /// status, every header (so `Content-Type` by Fetch's rule,
    /// `Retry-After` in seconds or as an HTTP-date, `Content-Encoding`, any
    /// session header) and its body's data frames as chunks. Under `std`,
    /// the time it arrived, for a `Retry-After` date when there is no
    /// `Date` header.
    ///
    /// `http::Response` does not carry the URL: after redirects, give it
    /// with [`from_http_with_url`](Self::from_http_with_url) (reqwest knows
    /// it, `Response::url`).
    ///
    /// ```
    /// use ssewire::reconnect::Reply;
    ///
    /// let response = http::Response::builder()
    ///     .header("content-type", "text/event-stream")
    ///     .header("mcp-session-id", "s-1")
    ///     .body(String::from("data: x\n\n"))
    ///     .unwrap();
    /// let reply = Reply::from_http(response);
    /// assert_eq!(reply.head().status(), 200);
    /// assert_eq!(reply.head().header("Mcp-Session-Id"), Some(&b"s-1"[..]));
    /// ```
    pub fn from_http(response: impl Into<http::Response<B>>) -> Self {
        let (parts, body) = response.into().into_parts();
        let mut head = Head::new(parts.status.as_u16());
        for (name, value) in &parts.headers {
            head.push_header(name.as_str(), value.as_bytes());
        }
        #[cfg(feature = "std")]
        if let Some(now) = super::clock::unix_seconds() {
            head = head.with_received_at(now);
        }
        Self::from_parts(head, BodyChunks::new(body))
    }

    /// [`from_http`](Self::from_http), with the URL the response came from
    /// after redirects (reqwest's `Response::url`): the next request goes
    /// there ([`RequestHeaders::url`](super::RequestHeaders::url)).
    ///
    /// ```
    /// # let response = http::Response::new(String::new());
    /// use ssewire::reconnect::Reply;
    ///
    /// let reply = Reply::from_http_with_url("http://127.0.0.1:8080/moved", response);
    /// assert_eq!(reply.head().url(), Some("http://127.0.0.1:8080/moved"));
    /// ```
    pub fn from_http_with_url(
        url: impl Into<alloc::string::String>,
        response: impl Into<http::Response<B>>,
    ) -> Self {
        Self::from_http(response).with_url(url)
    }
}
