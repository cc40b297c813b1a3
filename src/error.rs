//! Errors of the layers that impose limits. The tokenizer itself never fails:
//! every byte sequence has a meaning in the spec.

use core::fmt;

use crate::Field;

/// Why a [`Parser`](crate::Parser) refused an event.
///
/// ```
/// use ssewire::{Config, Error, OnLimit, Parser, Step};
///
/// let config = Config::new().max_event_bytes(8).on_limit(OnLimit::SkipEvent);
/// let mut parser = Parser::with_config(Vec::new(), config);
/// let mut input = &b"data: far too long\n\ndata: ok\n\n"[..];
/// let mut seen = Vec::new();
/// while !input.is_empty() {
///     let (step, used) = parser.feed(input);
///     input = &input[used..];
///     match step {
///         Ok(Step::Event(event)) => seen.push(event.data_lossy().into_owned()),
///         Err(Error::LimitExceeded { limit, needed }) => {
///             assert!(needed > limit); // a lower bound of the event's size
///             seen.push(format!("dropped an event over {limit} bytes"));
///         }
///         Err(other) => panic!("{other}"),
///         Ok(_) => {}
///     }
/// }
/// assert_eq!(seen, ["dropped an event over 8 bytes", "ok"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The event in progress needed more bytes than the limit allows
    /// ([`Config::max_event_bytes`](crate::Config::max_event_bytes), or the
    /// size of fixed storage). The event was dropped; what happens next is the
    /// [`OnLimit`](crate::OnLimit) policy.
    LimitExceeded {
        /// The limit in force, in bytes.
        limit: usize,
        /// How many bytes the event had reached when it went over: more than
        /// `limit`, and a lower bound of its size. How far past the limit
        /// depends on how the input was cut (a value in one chunk is counted
        /// at once, a value cut into pieces piece by piece).
        needed: usize,
    },
    /// An `id` value was longer than
    /// [`Config::max_id_bytes`](crate::Config::max_id_bytes). Its event was
    /// dropped and the last event ID kept its value; what happens next is the
    /// [`OnLimit`](crate::OnLimit) policy.
    IdTooLong {
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// Strict UTF-8 mode: a field of the event was not valid UTF-8. The event
    /// was dropped; parsing goes on with the next one.
    InvalidUtf8 {
        /// Which field.
        field: Field,
        /// Length of the valid prefix of that field's bytes.
        valid_up_to: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LimitExceeded { limit, needed } => write!(
                f,
                "event exceeds the limit of {limit} bytes (reached {needed} bytes)"
            ),
            Self::IdTooLong { limit } => {
                write!(f, "event ID exceeds the limit of {limit} bytes")
            }
            Self::InvalidUtf8 { field, valid_up_to } => write!(
                f,
                "invalid UTF-8 in the {} of an event after {valid_up_to} valid bytes",
                match field {
                    Field::Data => "data",
                    Field::Event => "event type",
                    Field::Id => "last event ID",
                    Field::Comment => "comment",
                }
            ),
        }
    }
}

impl core::error::Error for Error {}
