//! A ready [`Runtime`] for tokio (feature `tokio`).

use core::time::Duration;

use super::Runtime;

/// tokio's timer and clock, and std's per-process random keys for the
/// jitter (feature `tokio`): the [`Runtime`] of an
/// [`EventSource`](super::EventSource) on a tokio runtime with its time
/// driver enabled (`#[tokio::main]`, or a `Builder` with `enable_time`).
/// Its clock is `tokio::time::Instant`, so a paused test clock
/// (`tokio::time::pause`) drives it too.
///
/// ```
/// use ssewire::reconnect::{Runtime, Tokio};
///
/// let mut runtime = Tokio::new();
/// assert_ne!(runtime.random(), runtime.random());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Tokio {
    start: tokio::time::Instant,
}

impl Tokio {
    /// A runtime whose clock starts now.
    pub fn new() -> Self {
        Self {
            start: tokio::time::Instant::now(),
        }
    }
}

impl Default for Tokio {
    fn default() -> Self {
        Self::new()
    }
}

impl Runtime for Tokio {
    type Sleep = tokio::time::Sleep;

    fn sleep(&mut self, duration: Duration) -> tokio::time::Sleep {
        tokio::time::sleep(duration)
    }

    fn now(&mut self) -> Duration {
        self.start.elapsed()
    }
}
