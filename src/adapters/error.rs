//! The one error type of the adapters.

use core::fmt;

use crate::Error;

/// What an adapter yields instead of an event: the transport's error, passed
/// through typed, or the parser's refusal of one event (after which the
/// adapter goes on, see [`OnLimit`](crate::OnLimit)).
///
/// ```
/// use std::io::{self, Read};
/// use ssewire::{Config, Error, EventReader, OnLimit, ReadError};
///
/// /// A connection that breaks after what was sent.
/// struct Breaks;
/// impl Read for Breaks {
///     fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
///         Err(io::ErrorKind::ConnectionReset.into())
///     }
/// }
///
/// let sent = &b"data: far too long for the limit\n\ndata: ok\n\n"[..];
/// let config = Config::new().max_event_bytes(8).on_limit(OnLimit::SkipEvent);
/// let mut reader = EventReader::with_config(io::BufReader::new(sent.chain(Breaks)), config);
/// let mut log = Vec::new();
/// for item in &mut reader {
///     match item {
///         Ok(event) => log.push(format!("event {}", event.data())),
///         // One event was refused: say so, and read on.
///         Err(ReadError::Parse(Error::LimitExceeded { limit, .. })) => {
///             log.push(format!("skipped an event over {limit} bytes"))
///         }
///         Err(ReadError::Parse(error)) => log.push(error.to_string()),
///         // The transport failed: reconnect, or give up.
///         Err(ReadError::Transport(error)) => {
///             log.push(format!("{:?}", error.kind()));
///             break;
///         }
///         Err(other) => panic!("{other}"),
///     }
/// }
/// assert_eq!(log, ["skipped an event over 8 bytes", "event ok", "ConnectionReset"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadError<E> {
    /// The transport failed: an I/O error, a body or stream error.
    Transport(E),
    /// One event was refused (a limit, strict UTF-8); later events still come.
    Parse(Error),
}

impl<E> ReadError<E> {
    /// The parser's error, if this is one.
    pub fn parse_error(&self) -> Option<Error> {
        match self {
            Self::Parse(error) => Some(*error),
            Self::Transport(_) => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for ReadError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(_) => f.write_str("reading the event stream failed"),
            Self::Parse(error) => fmt::Display::fmt(error, f),
        }
    }
}

/// A transport error is the `source` (its message is not repeated in this
/// one's, so a report that walks the chain says each once), reachable with
/// `downcast_ref` through `anyhow` and the like; a parse error has none.
impl<E: core::error::Error + 'static> core::error::Error for ReadError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Transport(error) => Some(error),
            Self::Parse(_) => None,
        }
    }
}

impl<E> From<Error> for ReadError<E> {
    fn from(error: Error) -> Self {
        Self::Parse(error)
    }
}

/// I/O errors as they were; parse errors as `InvalidData`.
#[cfg(feature = "std")]
impl From<ReadError<std::io::Error>> for std::io::Error {
    fn from(error: ReadError<std::io::Error>) -> Self {
        match error {
            ReadError::Transport(error) => error,
            ReadError::Parse(error) => std::io::Error::new(std::io::ErrorKind::InvalidData, error),
        }
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use std::io;
    use std::string::ToString;

    use super::ReadError;
    use crate::Error;

    #[test]
    fn says_what_failed_and_converts_to_io() {
        let transport: ReadError<io::Error> =
            ReadError::Transport(io::ErrorKind::BrokenPipe.into());
        assert_eq!(transport.to_string(), "reading the event stream failed");
        let source = std::error::Error::source(&transport).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("broken pipe"));
        assert_eq!(io::Error::from(transport).kind(), io::ErrorKind::BrokenPipe);
        let parse = ReadError::<io::Error>::from(Error::IdTooLong { limit: 4 });
        assert_eq!(parse.parse_error(), Some(Error::IdTooLong { limit: 4 }));
        assert_eq!(parse.to_string(), "event ID exceeds the limit of 4 bytes");
        assert_eq!(io::Error::from(parse).kind(), io::ErrorKind::InvalidData);
    }
}
