//! [`TokioClock`]: the keep-alive's clock on tokio (features `server` and
//! `tokio`).

use core::time::Duration;

use crate::KeepAliveClock;

/// The keep-alive's clock on tokio: `tokio::time::sleep`, and the time since
/// the clock was made (`tokio::time::Instant`, so paused test time applies).
/// Needs a tokio runtime with its time driver on (`enable_time`, which
/// `#[tokio::main]` turns on) when the body is polled.
#[derive(Clone, Copy, Debug)]
pub struct TokioClock {
    start: tokio::time::Instant,
}

impl TokioClock {
    /// A clock that starts now.
    #[must_use]
    pub fn new() -> Self {
        Self {
            start: tokio::time::Instant::now(),
        }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl KeepAliveClock for TokioClock {
    type Sleep = tokio::time::Sleep;

    fn sleep(&mut self, duration: Duration) -> tokio::time::Sleep {
        tokio::time::sleep(duration)
    }

    fn now(&mut self) -> Duration {
        self.start.elapsed()
    }
}
