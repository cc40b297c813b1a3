//! A push-based, `no_std`, allocation-free parser for the `text/event-stream`
//! wire format (Server-Sent Events), exact at every chunk boundary.
//!
//! # Overview
//!
//! Feed byte chunks of any size, from any transport (HTTP/1 or 2 bodies of GET
//! or POST `fetch` requests, a serial port, a file), and get events out as soon
//! as they are complete. The WHATWG rules are applied exactly whatever the chunk
//! boundaries: CR, LF and CRLF line ends (also a CR at the end of one chunk and
//! its LF at the start of the next), one leading BOM, `data`, `event`, `id`,
//! `retry`, comments, unknown fields, dispatch and the end of the stream.
//!
//! Two layers, each usable alone:
//!
//! - [`Parser`]: whole [`Event`]s, in storage you choose: a `Vec<u8>` that
//!   grows as events need, never past the limit (16 MiB by default; feature
//!   `alloc`), an array `[u8; N]` it owns, or a `&mut [u8]` you lend (no
//!   allocation; the storage's size is the limit). An event whose one `data`
//!   line lies inside the chunk being fed is handed out borrowed from that
//!   chunk, without a copy.
//! - [`Tokenizer`]: never fails, keeps a few dozen bytes of state, stores no
//!   input. Hands out field values borrowed from the input, for callers who
//!   assemble events themselves (see [`Token`]).
//!
//! [`Parser::feed_all`] parses a chunk and hands every event to a
//! [`Handler`]; [`Parser::feed`] returns one [`Step`] and the number of bytes
//! it consumed, in the manner of `csv-core`, for callers that stop between
//! events. [`Parser::finish`] says how the stream ended ([`StreamEnd`]).
//!
//! # Examples
//!
//! ```
//! use ssewire::{Parser, Step, StreamEnd};
//!
//! let mut parser = Parser::new(Vec::new());
//! let mut seen = Vec::new();
//! // A CRLF stream cut in awkward places: inside "data", between CR and LF.
//! let chunks: [&[u8]; 3] = [b"retry: 3000\r\nid: 1\r\nda", b"ta: hello\r", b"\n\r\n"];
//! for chunk in chunks {
//!     let mut input = chunk;
//!     loop {
//!         let (step, used) = parser.feed(input);
//!         input = &input[used..];
//!         match step.expect("no limit is hit here") {
//!             Step::Event(event) => seen.push(format!(
//!                 "{} {:?} id={}",
//!                 event.event_type_lossy(),
//!                 event.data_lossy(),
//!                 event.id_lossy()
//!             )),
//!             Step::Retry(ms) => seen.push(format!("retry {ms}")),
//!             Step::NeedInput => break,
//!             _ => {} // comments, unless asked for, are skipped
//!         }
//!     }
//! }
//! assert_eq!(seen, ["retry 3000", "message \"hello\" id=1"]);
//! assert_eq!(parser.last_event_id(), b"1");
//! assert_eq!(parser.reconnection_time(), Some(3000));
//! assert_eq!(parser.finish(), StreamEnd::Clean);
//! ```
//!
//! Without an allocator, lend the parser some bytes:
//!
//! ```
//! use ssewire::{Parser, Step};
//!
//! let mut storage = [0u8; 64];
//! let mut parser = Parser::new(&mut storage[..]);
//! let (step, used) = parser.feed(b"data: a\ndata: b\n\n");
//! match step {
//!     Ok(Step::Event(event)) => assert_eq!(event.data(), b"a\nb"),
//!     other => panic!("{other:?}"),
//! }
//! assert_eq!(used, 17);
//! ```
//!
//! # Writing events
//!
//! For servers, [`ServerEvent`] writes an event (data, event type, ID,
//! reconnection time) into a `&mut [u8]` with its exact length known up front
//! ([`ServerEvent::encoded_len`]), into a reused `Vec<u8>` (feature `alloc`),
//! an `std::io::Write` (feature `std`) or any [`ByteSink`]; [`Comment`] and
//! [`KEEP_ALIVE`] write comments, and [`DataWriter`] writes data given in
//! pieces. Data may hold any text and is read back exactly (CR and CRLF as
//! LF); event types and IDs that a client could not read back are refused
//! with an [`EncodeError`]. [`OwnedServerEvent`] (feature `alloc`) owns its
//! text, for channels and tasks, and has per-line data prefixes (Datastar);
//! `EventStreamBody` (feature `server`) serves a `Stream` of them as an HTTP
//! response body, with keep-alives.
//!
//! ```
//! use ssewire::ServerEvent;
//!
//! let event = ServerEvent::new("a\n b").id("7")?;
//! let mut buf = [0u8; 32];
//! let n = event.encode_into(&mut buf)?;
//! assert_eq!(&buf[..n], b"id: 7\ndata: a\ndata:  b\n\n");
//! # Ok::<(), ssewire::EncodeError>(())
//! ```
//!
//! # Adapters
//!
//! Thin loops over [`Parser`] for each transport, each behind its own feature
//! (the core stays `no_std` and depends on `memchr` alone); none spawns a
//! task or owns an HTTP client:
//!
//! - `Events` and `BytesEvents` (`stream`): the events of a futures `Stream`
//!   of chunks, `chunks.sse()` with `SseStreamExt`: `next_event().await`
//!   lends each event (no allocation, no copy), and the adapter is a `Stream`
//!   of owned events too.
//! - `BodyEvents` (`http-body`): the same over an http-body 1.x `Body`;
//!   `BodyChunks` turns a body into a `Stream` of `Bytes`, for `.sse_bytes()`.
//! - `AsyncEventReader` (`tokio-io`): lends events from a tokio `AsyncRead`.
//! - `embedded::EventReader` and `embedded::AsyncEventReader` (`embedded-io`,
//!   `embedded-io-async`): `no_std`, no allocator, over embedded-io 0.7.
//! - `EventReader` (`std`): blocking, over any `BufRead` or `Read`.
//! - `BytesParser` (`bytes`): `Bytes` chunks in, `BytesEvent`s out whose data
//!   is sliced from the chunk without a copy.
//! - `EventCodec` (`tokio-util`): a tokio-util `Decoder` and `Encoder`.
//! - [`is_event_stream`]: checks a `Content-Type` (no features).
//!
//! Adapters parse with the default [`OnLimit::SkipEvent`] unless given a [`Config`]: a
//! refused event (over a limit, or not UTF-8 in strict mode) comes out as an
//! error item ([`ReadError::Parse`]) and the events after it still come. With
//! [`OnLimit::Stop`] an adapter ends after that error. The transport's errors
//! pass through typed ([`ReadError::Transport`]). Each adapter says how the
//! stream ended ([`StreamEnd`]) once it has, and hands out the last event ID
//! and reconnection time; `retry` fields are not items, and comments are
//! skipped.
//!
//! # Crate features
//!
//! - `bytes`, `stream`, `http-body`, `tokio-util`: the adapters above (each
//!   turns on `alloc`; `tokio-util` also `bytes` and `std`).
//! - `std` (default): turns on `alloc` and `memchr`'s runtime CPU detection;
//!   `IoSink`, `ServerEvent::write_to` and `std::io::Write` for [`DataWriter`].
//! - `alloc`: [`Parser`] over a growable `Vec<u8>`, lossy `Cow<str>`
//!   accessors on [`Event`], [`OwnedEvent`], `ServerEvent::append_to` a
//!   `Vec<u8>`, and [`reconnect`]'s sans-IO `State`.
//! - `client`: `alloc` and `futures-core`: [`reconnect`]'s async `Client`,
//!   which reconnects over any HTTP client and runtime.
//! - `server`: `EventStreamBody`, an http-body `Body` that writes a `Stream`
//!   of [`OwnedServerEvent`]s with keep-alives on any runtime's timer, and
//!   the response headers; `tokio`: with it, `TokioClock`.
//! - `serde`: JSON data for [`OwnedServerEvent`] (`serde_json`).
//!
//! With no features the crate is `#![no_std]`, needs no allocator and depends
//! on `memchr` alone. Features add capability; they never change a result.
//!
//! # Conformance
//!
//! WHATWG HTML, "Server-sent events", §9.2.5 and §9.2.6, exactly, with these
//! choices where the spec leaves room:
//!
//! - A `retry` value larger than `u64::MAX` milliseconds (584 million years) is
//!   ignored like any other invalid value, as Chromium does.
//! - Comments (ignored by the spec) are handed out on request with one leading
//!   space removed, the same rule as field values.
//! - Text is bytes until asked for: invalid UTF-8 becomes U+FFFD in the lossy
//!   accessors exactly as decoding the whole stream would, or an error per
//!   event in strict mode ([`Config::strict_utf8`]).
//!
//! # Resource limits
//!
//! Bytes retained for one event (data, event type, IDs, a value cut by a chunk
//! boundary) are capped: 16 MiB by default ([`Config::max_event_bytes`]), the
//! storage size for fixed storage, enforced as bytes arrive so an endless line
//! is caught. Over the cap, [`Error::LimitExceeded`] names the limit; the
//! event is dropped, never truncated, and [`OnLimit`] picks between skipping
//! to the event's blank line (the default, everywhere: the parser, every
//! adapter, the client) and stopping (until [`Parser::reset`] or
//! [`Parser::resume`]). The error is reported once either way. An `id` value
//! is part of its event and bounded by the same limit; the last event ID
//! stays stored from event to event, and [`Config::max_id_bytes`] can bound
//! it more tightly (no bound of its own by default: browsers take any
//! length). Unknown
//! fields and (unless asked for) comments are skipped without being stored.
//! Every input byte is looked at a bounded number of times, however the input
//! is cut.
//!
//! # MSRV
//!
//! Rust 1.81.
#![no_std]
// docs.rs (and `--cfg docsrs` on nightly): each item gated by a feature says
// which ("Available on crate feature ... only"), from its own `#[cfg]`.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod adapters;
mod buffers;
mod config;
mod encode;
mod error;
mod event;
mod handler;
mod held_back;
mod offsets;
#[cfg(feature = "alloc")]
mod owned;
mod parser;
#[cfg(feature = "alloc")]
pub mod reconnect;
#[cfg(feature = "alloc")]
mod server;
mod tokenizer;

#[cfg(any(feature = "embedded-io", feature = "embedded-io-async"))]
pub use adapters::embedded;
#[cfg(feature = "tokio-io")]
pub use adapters::AsyncEventReader;
#[cfg(all(feature = "stream", feature = "bytes"))]
pub use adapters::BytesEvents;
#[cfg(feature = "tokio-util")]
pub use adapters::EventCodec;
#[cfg(feature = "std")]
pub use adapters::EventReader;
pub use adapters::{is_event_stream, ReadError};
#[cfg(feature = "http-body")]
pub use adapters::{BodyChunks, BodyEvents};
#[cfg(feature = "bytes")]
pub use adapters::{BytesEvent, BytesParser};
#[cfg(feature = "stream")]
pub use adapters::{Events, SseStreamExt};
pub use buffers::Storage;
pub use config::{Config, OnLimit};
#[cfg(feature = "std")]
pub use encode::IoSink;
pub use encode::{ByteSink, Comment, DataWriter, EncodeError, ServerEvent, KEEP_ALIVE};
pub use error::Error;
pub use event::{write_lossy, Event};
pub use handler::Handler;
#[cfg(feature = "alloc")]
pub use owned::OwnedEvent;
pub use parser::{Parsed, Parser, Step};
#[cfg(feature = "alloc")]
pub use server::OwnedServerEvent;
#[cfg(all(feature = "server", feature = "tokio"))]
pub use server::TokioClock;
#[cfg(feature = "server")]
pub use server::{
    BodyEvent, EventStreamBody, KeepAliveClock, NoKeepAlive, ServeError, EVENT_STREAM_HEADERS,
};
pub use tokenizer::{Field, Piece, Token, Tokenizer};

/// How a stream ended: from [`Parser::finish`] and [`Tokenizer::finish`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamEnd {
    /// Between events: no unterminated line, and no `data`, `event` or `id`
    /// line since the last blank line, so the end of the stream discards
    /// nothing. (It speaks of the end only: an event refused earlier, over
    /// a limit, was reported as an error when it was dropped.)
    Clean,
    /// In the middle of an event or a line: the spec discards it.
    Truncated {
        /// Bytes received since the last blank line that did not reach the
        /// caller (0 when [`Parser::dispatch_pending`] dispatched them).
        discarded: u64,
    },
}

/// The README's examples, compiled and run as doc tests.
#[cfg(all(doctest, feature = "std"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
