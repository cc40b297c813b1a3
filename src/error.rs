//! Errors of the layers that impose limits. The tokenizer itself never fails:
//! every byte sequence has a meaning in the spec.

use core::fmt;

use crate::Field;

/// Why a [`Parser`](crate::Parser) refused an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The event in progress needed more bytes than the limit allows
    /// ([`Config::max_event_bytes`](crate::Config::max_event_bytes), or the size
    /// of the lent storage). The event was dropped; what happens next is the
    /// [`OnLimit`](crate::OnLimit) policy.
    LimitExceeded {
        /// The limit in force, in bytes.
        limit: usize,
        /// How many bytes the event would have retained at that point.
        needed: usize,
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
                "event exceeds the limit of {limit} bytes (needed {needed} bytes)"
            ),
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
