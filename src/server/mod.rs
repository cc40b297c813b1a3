//! Serving event streams: events that own their text
//! ([`OwnedServerEvent`], feature `alloc`) and a response body that writes a
//! stream of them ([`EventStreamBody`], feature `server`).

#[cfg(feature = "server")]
mod body;
mod event;
#[cfg(all(feature = "server", feature = "tokio"))]
mod tokio_clock;

#[cfg(feature = "server")]
pub use body::{
    BodyEvent, EventStreamBody, KeepAliveClock, NoKeepAlive, ServeError, EVENT_STREAM_HEADERS,
};
pub use event::OwnedServerEvent;
#[cfg(all(feature = "server", feature = "tokio"))]
pub use tokio_clock::TokioClock;
