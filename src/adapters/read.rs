//! Blocking reading from any `BufRead` (or `Read`) (feature `std`).

use std::io::{self, BufRead, BufReader, Read};
use std::vec::Vec;

use super::ReadError;
use crate::{Config, OwnedEvent, Parser, StreamEnd};

/// Reads events from a [`BufRead`]: a socket, a file, a child's stdout.
///
/// [`next_event`](Self::next_event) lends each event, refilling one
/// [`OwnedEvent`] (no allocation per event once it has grown); as an
/// [`Iterator`] it hands each event over. A refused event is a
/// [`ReadError::Parse`] and reading goes on; an I/O error is a
/// [`ReadError::Transport`] (`Interrupted` is retried). After the end,
/// [`end`](Self::end) says whether the last event was cut short.
///
/// ```
/// use ssewire::{EventReader, StreamEnd};
///
/// let input = &b"data: one\n\nid: 2\ndata: two\n\ndata: cut"[..];
/// let mut reader = EventReader::new(input);
/// let mut seen = Vec::new();
/// while let Some(event) = reader.next_event()? {
///     seen.push(event.data().to_owned());
/// }
/// assert_eq!(seen, ["one", "two"]);
/// assert_eq!(reader.last_event_id(), b"2");
/// assert_eq!(reader.end(), Some(StreamEnd::Truncated { discarded: 9 }));
/// # Ok::<(), ssewire::ReadError<std::io::Error>>(())
/// ```
#[derive(Debug)]
pub struct EventReader<R> {
    reader: R,
    parser: Parser<Vec<u8>>,
    event: OwnedEvent,
    end: Option<StreamEnd>,
}

impl<R: Read> EventReader<BufReader<R>> {
    /// Reads from `reader` through a [`BufReader`].
    pub fn from_read(reader: R) -> Self {
        Self::new(BufReader::new(reader))
    }
}

impl<R> EventReader<R> {
    /// Reads from `reader` with the default [`Config`](crate::Config).
    pub fn new(reader: R) -> Self {
        Self::with_config(reader, crate::Config::new())
    }

    /// Reads from `reader` with `config`.
    pub fn with_config(reader: R, config: Config) -> Self {
        Self {
            reader,
            parser: Parser::with_config(Vec::new(), config),
            event: OwnedEvent::default(),
            end: None,
        }
    }

    /// How the stream ended: `None` until the reader reported its end.
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

    /// The reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The reader; reading from it skips bytes the parser has not seen.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The reader.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: BufRead> EventReader<R> {
    /// The next event, lent until the next call; `None` at the end of the
    /// stream (and ever after).
    ///
    /// # Errors
    ///
    /// [`ReadError::Parse`] for a refused event (read on for the next one),
    /// [`ReadError::Transport`] for an I/O error.
    pub fn next_event(&mut self) -> Result<Option<&OwnedEvent>, ReadError<io::Error>> {
        while self.end.is_none() {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(ReadError::Transport(error)),
            };
            if buf.is_empty() {
                self.end = Some(self.parser.finish());
                break;
            }
            let (parsed, used) = self.parser.parse(buf);
            let found = match parsed {
                Ok(parsed) => self.parser.step(parsed, buf).event().map(|event| {
                    self.event.assign(&event);
                    Ok(())
                }),
                Err(error) => Some(Err(error)),
            };
            let mut used = used;
            if self.parser.is_stopped() {
                // `OnLimit::Stop`: the rest of the stream would be dropped;
                // the rest of this buffer goes to the parser first, which
                // counts it.
                self.parser.drop_rest(buf.get(used..).unwrap_or_default());
                used = buf.len();
                self.end = Some(self.parser.finish());
            }
            self.reader.consume(used);
            match found {
                Some(Ok(())) => return Ok(Some(&self.event)),
                Some(Err(error)) => return Err(ReadError::Parse(error)),
                None => {}
            }
        }
        Ok(None)
    }
}

/// Each event, owned; `None` at the end.
impl<R: BufRead> Iterator for EventReader<R> {
    type Item = Result<OwnedEvent, ReadError<io::Error>>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_event() {
            Ok(Some(_)) => Some(Ok(core::mem::take(&mut self.event))),
            Ok(None) => None,
            Err(error) => Some(Err(error)),
        }
    }
}

impl<R: BufRead> core::iter::FusedIterator for EventReader<R> {}
