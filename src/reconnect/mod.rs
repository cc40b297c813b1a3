//! Reconnecting as `EventSource` does, over any HTTP client and any method
//! (feature `alloc`).
//!
//! - [`State`]: the sans-IO machine. `no_std`, no clock and no randomness of
//!   its own: the caller passes the time and random values, does the I/O and
//!   reports what happened; it answers with the headers of the next request
//!   ([`RequestHeaders`]), whether a response opens the stream, and what to do
//!   when a connection ends ([`Next`]: reconnect after a delay, and why, or
//!   stop, and why).
//! - [`Client`] (feature `client`): an async driver over `State` that takes a
//!   function sending a request and a runtime's sleep, and yields a `Stream`
//!   of typed items.
//!
//! # The rules, against `EventSource`
//!
//! | Situation | `EventSource` (WHATWG HTML, Chromium) | [`State`] |
//! |---|---|---|
//! | 200 + `text/event-stream` | open | open |
//! | 200, other content type | fail for good | [`Stop::ContentType`] (check can be turned off) |
//! | 204 | stop for good | [`Stop::NoContent`] |
//! | any other status | fail for good | [`Stop::Status`], or reconnect with backoff for statuses you list (e.g. 429, 502-504), at least `Retry-After` |
//! | body ends between events | reconnect, no error | [`Reason::Ended`], no error |
//! | body ends mid-event | discard it, reconnect | [`Reason::Truncated`] (bytes discarded), reconnect |
//! | network error | reconnect | [`Reason::Network`] |
//! | no bytes for a while | waits forever | [`Reason::Idle`] if [`Options::idle_timeout`] is set |
//! | stream complete (`[DONE]`) | reconnects (page must `close()`) | [`State::mark_complete`]: [`Stop::Complete`] |
//! | wait | reconnection time (3 s, then `retry`) | the same, within [`Options::min_delay`] (100 ms) and [`Options::max_delay`] (60 s) |
//! | attempts failing in a row | same wait (backoff optional in the spec) | doubling window with jitter `[d/2, d]`, never below the reconnection time |
//! | backoff reset | - | after a connection that dispatched an event |
//! | attempt limit | none | [`Options::max_retries`] ([`Stop::GaveUp`]) |
//! | `Last-Event-ID` | sent when non-empty | sent when non-empty and a valid header value |

mod backoff;
#[cfg(feature = "client")]
mod driver;
mod headers;
mod options;
mod response;
mod state;

#[cfg(feature = "client")]
pub use driver::{Client, Item, Response, Runtime};
pub use headers::RequestHeaders;
pub use options::Options;
pub use response::parse_retry_after;
pub use state::{Next, Reason, State, Stop};
