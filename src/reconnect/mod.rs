//! Reconnecting as `EventSource` does, over any HTTP client and any method
//! (feature `alloc`).
//!
//! - [`EventSourceState`]: the sans-IO machine. `no_std`, no clock and no
//!   randomness of its own: the caller passes the time and random values,
//!   does the I/O and reports what happened; it answers with what the next
//!   request carries ([`RequestHeaders`]), whether a response ([`Head`])
//!   opens the stream, and what to do when a connection ends ([`Next`]:
//!   reconnect after a delay, and why, or stop, and why).
//! - [`EventSource`] (feature `client`): an async driver over
//!   `EventSourceState` that takes a function sending a request and a
//!   runtime's sleep, and yields a `Stream` of typed items. Batteries: the
//!   [`Tokio`] runtime (feature `tokio`) and [`Reply::from_http`] for any
//!   `http` client's response (feature `http-body`: reqwest, hyper).
//!
//! # Where it differs from `EventSource`
//!
//! The spec's rules hold (200 with `text/event-stream` opens, 204 stops,
//! other statuses and content types fail, a normal end reconnects after the
//! reconnection time, 3 s until `retry` says otherwise, the next request
//! goes to the URL a redirect led to), with what a non-browser client needs
//! on top: the wait kept within [`Options::min_delay`] and
//! [`Options::max_delay`]; exponential backoff with jitter while attempts
//! fail (reset by a connection that dispatched an event);
//! [`Options::max_retries`]; [`Options::idle_timeout`]; statuses to retry
//! ([`Options::retry_status`]) honouring `Retry-After`; a request that got
//! no response not sent again before the stream opened
//! ([`Options::resend_before_open`]: a POST may have side effects); a body
//! with an undecoded `Content-Encoding` refused; completion
//! ([`EventSourceState::mark_complete`]); the content type check can be
//! turned off. The README tables each rule against `EventSource`.

mod backoff;
#[cfg(all(feature = "std", feature = "client"))]
mod clock;
mod date;
#[cfg(feature = "client")]
mod driver;
#[cfg(all(feature = "client", feature = "http-body"))]
mod from_http;
mod head;
mod headers;
mod options;
mod redirect;
mod response;
mod state;
#[cfg(feature = "tokio")]
mod tokio_runtime;

pub use date::parse_http_date;
#[cfg(feature = "client")]
pub use driver::{EventSource, Failure, Item, Reply, Runtime};
pub use head::Head;
pub use headers::RequestHeaders;
pub use options::Options;
pub use response::parse_retry_after;
pub use state::{EventSourceState, Next, Reason, Stop};
#[cfg(feature = "tokio")]
pub use tokio_runtime::Tokio;
