//! Exit statuses and the errors that end a command early.

use std::fmt;
use std::process::ExitCode;

/// How a command ended. Each kind of failure has its own status so scripts
/// can tell a bad stream from a bad invocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// A clean end, no lint errors, every conformance case passed.
    Ok = 0,
    /// `cat`: the stream ended inside an event; `lint`: errors found;
    /// `conform`: a case failed.
    Failed = 1,
    /// Bad arguments (clap uses 2 for its own usage errors too).
    Usage = 2,
    /// An input could not be opened or read: missing, a directory, unreadable.
    Input = 3,
    /// The stream broke a parser limit or strict UTF-8.
    Stream = 4,
    /// A URL could not be fetched: refused, a status other than 200 or 204,
    /// not `text/event-stream`.
    Network = 5,
    /// `conform`: the program under test could not be started.
    Program = 6,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status as u8)
    }
}

/// Text for `--help`: every status, as the README lists them.
pub const STATUSES: &str = "\
Exit status:
  0  clean end / no lint errors / every case passed
  1  stream ended inside an event / lint errors / a case failed
  2  usage error
  3  input missing, a directory, or unreadable
  4  stream broke a limit or strict UTF-8
  5  cat, lint: a URL could not be fetched (refused, no response in time;
     cat: an HTTP error, not an event stream)
  6  conform: the program under test could not be started";

/// `ssewire cat --help`: its statuses.
pub const CAT_STATUSES: &str = "\
Exit status:
  0  the stream ended cleanly (or --until-data matched)
  1  the stream ended inside an event (the spec drops that event)
  2  usage error
  3  input missing, a directory, or unreadable
  4  an event broke --max-event-size, --max-id-size or --strict-utf8
     (it was skipped)
  5  a URL could not be fetched: refused, a status other than 200 or 204
     (not retried before the stream opened), or not text/event-stream";

/// `ssewire conform --help`: its statuses.
pub const CONFORM_STATUSES: &str = "\
Exit status:
  0  every case passed
  1  a case failed
  2  usage error
  3  the suite was not found, or no case matched --only
  6  the program under test could not be started";

/// An error that ends a command: what to print and which status to exit with.
#[derive(Debug)]
pub struct Fatal {
    pub status: Status,
    pub message: String,
}

impl Fatal {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Fatal {
            status,
            message: message.into(),
        }
    }

    /// Ends the command with success and no message: the reader of our
    /// output left (`ssewire cat ... | head`).
    pub fn quiet() -> Self {
        Fatal::new(Status::Ok, "")
    }

    /// A failure to open or read `what`.
    pub fn input(what: &str, error: &std::io::Error) -> Self {
        Fatal::new(Status::Input, format!("{what}: {}", describe_io(error)))
    }
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An I/O error in words, without Rust's "(os error 2)" suffix.
pub fn describe_io(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::IsADirectory => "is a directory".into(),
        ErrorKind::ConnectionRefused => "connection refused".into(),
        ErrorKind::ConnectionReset => "connection reset".into(),
        ErrorKind::TimedOut => "timed out".into(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}
