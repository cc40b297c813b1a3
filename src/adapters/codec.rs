//! A tokio-util 0.7 codec (feature `tokio-util`): events in, with per-event
//! errors as items so that one refused event does not end a `FramedRead`;
//! events, comments and raw bytes out.

use std::io;
use std::vec::Vec;

use bytes::{Buf, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::{Comment, Config, Error, OwnedEvent, Parser, ServerEvent, StreamEnd};

/// A [`Decoder`] of events and an [`Encoder`] of [`ServerEvent`]s,
/// [`Comment`]s and raw bytes (`&[u8]`, such as [`KEEP_ALIVE`](crate::KEEP_ALIVE)).
///
/// A `FramedRead` ends at the first `Err` of its decoder, so a refused event
/// (a limit, strict UTF-8) is an item, `Err(ssewire::Error)`, and decoding
/// goes on; the decoder itself never fails. At the end of the input
/// [`decode_eof`](Decoder::decode_eof) hands out what is left, then records
/// how the stream ended ([`end`](Self::end)) and returns `Ok(None)`: bytes of
/// an unfinished event are discarded as the spec says, not turned into an
/// I/O error.
///
/// With [`OnLimit::Stop`](crate::OnLimit::Stop) nothing comes after the
/// error, but the `FramedRead` still reads its input to the end (a decoder
/// can only end it with an I/O error).
///
/// With a `FramedRead` and a `FramedWrite` over a socket the codec is driven
/// for you; by hand:
///
/// ```
/// use bytes::BytesMut;
/// use ssewire::{Comment, EventCodec, ServerEvent, StreamEnd};
/// use tokio_util::codec::{Decoder, Encoder};
///
/// let mut codec = EventCodec::new();
/// let mut wire = BytesMut::new();
/// codec.encode(ServerEvent::new("one\ntwo").id("1").expect("a valid ID"), &mut wire)?;
/// codec.encode(Comment::new("keep-alive"), &mut wire)?;
/// codec.encode(ServerEvent::new("three"), &mut wire)?;
/// assert_eq!(&wire[..], b"id: 1\ndata: one\ndata: two\n\n: keep-alive\ndata: three\n\n");
///
/// let mut read = Vec::new();
/// while let Some(item) = codec.decode(&mut wire)? {
///     let event = item.expect("no event over the limit here");
///     read.push((event.data().to_owned(), event.id().to_owned()));
/// }
/// assert_eq!(read, [("one\ntwo".into(), "1".into()), ("three".into(), "1".into())]);
/// assert!(codec.decode_eof(&mut wire)?.is_none());
/// assert_eq!(codec.end(), Some(StreamEnd::Clean));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct EventCodec {
    parser: Parser<Vec<u8>>,
    end: Option<StreamEnd>,
}

impl Default for EventCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl EventCodec {
    /// A codec with the default [`Config`](crate::Config).
    pub fn new() -> Self {
        Self::with_config(crate::Config::new())
    }

    /// A codec whose decoder parses with `config`.
    pub fn with_config(config: Config) -> Self {
        Self {
            parser: Parser::with_config(Vec::new(), config),
            end: None,
        }
    }

    /// Starts from `id` as the last event ID, as a stream resumed with
    /// `Last-Event-ID: id` does: events with no `id` of their own carry it.
    ///
    /// # Errors
    ///
    /// [`Error::IdTooLong`] when `id` is over the ID limit.
    pub fn with_last_event_id(mut self, id: impl AsRef<[u8]>) -> Result<Self, Error> {
        self.parser.reset_with_last_event_id(id.as_ref())?;
        Ok(self)
    }

    /// How the stream ended: `None` until `decode_eof` has seen the end.
    pub fn end(&self) -> Option<StreamEnd> {
        self.end
    }

    /// The last event ID (empty when none was set), to reconnect with.
    pub fn last_event_id(&self) -> &[u8] {
        self.parser.last_event_id()
    }

    /// The reconnection time from the last valid `retry` field, in ms.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.parser.reconnection_time()
    }
}

impl Decoder for EventCodec {
    type Item = Result<OwnedEvent, Error>;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Self::Item>> {
        // The parser keeps what it needs of an unfinished line: all of `src`
        // is consumed, so the read buffer does not grow with a long event.
        // One event per call, parsed as it is asked for.
        while !src.is_empty() {
            let (parsed, used) = self.parser.parse(src);
            let item = match parsed {
                Ok(parsed) if parsed.is_event() => {
                    let event = self.parser.step(parsed, src).event();
                    event.map(|event| Ok(OwnedEvent::from(event)))
                }
                Ok(_) => None,
                Err(error) => Some(Err(error)),
            };
            src.advance(used);
            if item.is_some() {
                return Ok(item);
            }
        }
        Ok(None)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Self::Item>> {
        if let Some(item) = self.decode(src)? {
            return Ok(Some(item));
        }
        if self.end.is_none() {
            self.end = Some(self.parser.finish());
        }
        Ok(None)
    }
}

impl Encoder<ServerEvent<'_>> for EventCodec {
    type Error = io::Error;

    fn encode(&mut self, event: ServerEvent<'_>, dst: &mut BytesMut) -> io::Result<()> {
        Encoder::<&ServerEvent<'_>>::encode(self, &event, dst)
    }
}

impl Encoder<&ServerEvent<'_>> for EventCodec {
    type Error = io::Error;

    fn encode(&mut self, event: &ServerEvent<'_>, dst: &mut BytesMut) -> io::Result<()> {
        dst.reserve(event.encoded_len());
        match event.write(dst) {
            Ok(_) => Ok(()),
            Err(never) => match never {},
        }
    }
}

impl Encoder<Comment<'_>> for EventCodec {
    type Error = io::Error;

    fn encode(&mut self, comment: Comment<'_>, dst: &mut BytesMut) -> io::Result<()> {
        dst.reserve(comment.encoded_len());
        match comment.write(dst) {
            Ok(_) => Ok(()),
            Err(never) => match never {},
        }
    }
}

/// Raw bytes, written as they are (a pre-encoded event, [`KEEP_ALIVE`](crate::KEEP_ALIVE)).
impl Encoder<&[u8]> for EventCodec {
    type Error = io::Error;

    fn encode(&mut self, bytes: &[u8], dst: &mut BytesMut) -> io::Result<()> {
        dst.extend_from_slice(bytes);
        Ok(())
    }
}
