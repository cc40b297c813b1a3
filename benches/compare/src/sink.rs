//! Where runners report events.

use crate::corpus::{Checksum, Expected};
use std::fmt::Display;

/// Receives what a parser dispatched: the trait shared with ssewire's own
/// benches (`ssewire_testkit::bench`). Runners are generic over it, so the timed run
/// (with [`Counter`]) pays only for counting, and the verification run (with
/// [`Verifier`]) hashes every data byte.
pub use crate::drive::Sink;

/// Counts events and data bytes: all the timed runs do besides parsing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counter {
    pub events: u64,
    pub data_bytes: u64,
    pub errors: u64,
}

impl Sink for Counter {
    #[inline]
    fn data(&mut self, piece: &[u8]) {
        self.data_bytes += piece.len() as u64;
    }
    #[inline]
    fn dispatch(&mut self) {
        self.events += 1;
    }
    fn error(&mut self, _: &dyn Display) {
        self.errors += 1;
    }
}

/// Computes the corpus checksum over what the parser dispatched, and keeps the first
/// error message.
#[derive(Debug, Default, Clone)]
pub struct Verifier {
    pub sum: Checksum,
    pub errors: u64,
    pub first_error: Option<String>,
}

impl Verifier {
    pub fn result(&self) -> Expected {
        self.sum.expected()
    }
}

impl Sink for Verifier {
    fn data(&mut self, piece: &[u8]) {
        self.sum.data(piece);
    }
    fn dispatch(&mut self) {
        self.sum.dispatch();
    }
    fn error(&mut self, error: &dyn Display) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(error.to_string());
        }
    }
}
