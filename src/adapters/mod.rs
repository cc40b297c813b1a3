//! Thin loops over the [`Parser`](crate::Parser) for each transport, each
//! behind its own feature; the core stays `no_std`.
//!
//! Every adapter parses with [`Config::new`](crate::Config::new) and
//! [`OnLimit::SkipEvent`](crate::OnLimit::SkipEvent) unless given a
//! [`Config`](crate::Config): a per-event error (a limit, strict UTF-8) comes
//! out as an item and the stream goes on. With
//! [`OnLimit::Stop`](crate::OnLimit::Stop) the adapter ends after that error
//! (its end is then [`StreamEnd::Truncated`](crate::StreamEnd::Truncated)).
//! `retry` values are applied to [`reconnection_time`], comments are skipped.
//!
//! [`reconnection_time`]: crate::Parser::reconnection_time

mod content_type;
mod error;
#[cfg(any(
    feature = "stream",
    feature = "tokio-io",
    feature = "embedded-io",
    feature = "embedded-io-async"
))]
mod lend;

#[cfg(feature = "tokio-io")]
mod async_read;
#[cfg(any(feature = "embedded-io", feature = "embedded-io-async"))]
pub mod embedded;

#[cfg(feature = "http-body")]
mod body;
#[cfg(feature = "bytes")]
mod bytes;
#[cfg(feature = "tokio-util")]
mod codec;
#[cfg(feature = "std")]
mod read;
#[cfg(feature = "stream")]
mod stream;

pub use content_type::is_event_stream;
#[cfg(feature = "alloc")]
pub(crate) use content_type::trim_ows;
pub use error::ReadError;

#[cfg(feature = "bytes")]
pub use self::bytes::{BytesEvent, BytesParser};
#[cfg(feature = "tokio-io")]
pub use async_read::AsyncEventReader;
#[cfg(feature = "http-body")]
pub use body::{BodyChunks, BodyEvents};
#[cfg(feature = "tokio-util")]
pub use codec::EventCodec;
#[cfg(feature = "std")]
pub use read::EventReader;
#[cfg(all(feature = "stream", feature = "bytes"))]
pub use stream::BytesEvents;
#[cfg(feature = "stream")]
pub use stream::{Events, SseStreamExt};
