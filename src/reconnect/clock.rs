//! The clock and random values a [`Runtime`](super::Runtime) has by default
//! under `std`.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Monotonic time since the first call in the process.
pub(super) fn now() -> Duration {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed()
}

/// SipHash of a process-wide counter under std's random keys (seeded per
/// process by the OS): two clients started together, or two processes,
/// draw different jitter.
pub(super) fn random() -> u64 {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNT.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

/// Seconds since the Unix epoch, for an HTTP-date `Retry-After` of a
/// response without a `Date` header.
#[cfg(feature = "http-body")]
pub(super) fn unix_seconds() -> Option<u64> {
    use std::time::SystemTime;
    let since = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH);
    since.ok().map(|d| d.as_secs())
}
