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
//! # Where it differs from `EventSource`
//!
//! The spec's rules hold (200 with `text/event-stream` opens, 204 stops,
//! other statuses and content types fail, a normal end reconnects after the
//! reconnection time, 3 s until `retry` says otherwise), with what a
//! non-browser client needs on top: the wait kept within
//! [`Options::min_delay`] and [`Options::max_delay`]; exponential backoff
//! with jitter while attempts fail (reset by a connection that dispatched an
//! event); [`Options::max_retries`]; [`Options::idle_timeout`]; statuses to
//! retry ([`Options::retry_status`]) honouring `Retry-After`; completion
//! ([`State::mark_complete`]); the content type check can be turned off.
//! The README tables each rule against `EventSource`.

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
