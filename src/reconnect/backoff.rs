//! The wait before the next attempt: the reconnection time after a stream
//! that made progress, exponential backoff with jitter while attempts fail.

use core::time::Duration;

/// The wait after `failures` attempts in a row made no progress.
///
/// `base` is the reconnection time, already within the floor and the cap.
/// No failure: exactly `base`, as `EventSource` waits. Then the window
/// doubles per failure up to `cap`, and the wait is drawn from its upper half
/// (`[d/2, d]`, LaunchDarkly's jitter) so that clients dropped together do
/// not come back together; never less than `base`.
pub(super) fn delay(base: Duration, cap: Duration, failures: u32, random: u64) -> Duration {
    if failures == 0 {
        return base;
    }
    // 2^31 times any base is past any sensible cap: stop doubling there.
    let factor = 1u32 << failures.min(31);
    let window = base.checked_mul(factor).unwrap_or(Duration::MAX).min(cap);
    let half = window.checked_div(2).unwrap_or_default();
    let span = window.saturating_sub(half).as_nanos();
    // `offset <= random`, so it fits in a u64.
    let offset = u128::from(random)
        .checked_rem(span.saturating_add(1))
        .unwrap_or_default();
    let jitter = Duration::from_nanos(u64::try_from(offset).unwrap_or(u64::MAX));
    half.saturating_add(jitter).max(base)
}

#[cfg(test)]
mod tests {
    use super::delay;
    use core::time::Duration;

    const S: Duration = Duration::from_secs(1);
    const CAP: Duration = Duration::from_secs(60);

    #[test]
    fn no_failure_waits_the_reconnection_time_exactly() {
        assert_eq!(delay(S, CAP, 0, u64::MAX), S);
    }

    #[test]
    fn failures_double_the_window_and_jitter_in_its_upper_half() {
        for (failures, window) in [(1, 2), (2, 4), (3, 8), (5, 32), (6, 60), (40, 60)] {
            let window = S * window;
            assert_eq!(delay(S, CAP, failures, 0), window / 2, "{failures}");
            let top = (window - window / 2).as_nanos() as u64;
            assert_eq!(delay(S, CAP, failures, top), window, "{failures}");
            // Past the span, the random value wraps around.
            assert_eq!(delay(S, CAP, failures, top + 1), window / 2, "{failures}");
        }
    }

    #[test]
    fn never_below_the_reconnection_time_nor_above_the_cap() {
        // A cap equal to the base: the lower half would be below the base.
        assert_eq!(delay(CAP, CAP, 3, 0), CAP);
        assert_eq!(delay(CAP, CAP, 3, u64::MAX), CAP);
        let huge = Duration::MAX;
        assert_eq!(delay(huge, huge, 31, u64::MAX), huge);
        for random in [0, 1, 12_345, u64::MAX / 3, u64::MAX] {
            let d = delay(Duration::from_millis(300), CAP, 4, random);
            assert!(d >= Duration::from_millis(2400) && d <= Duration::from_millis(4800));
        }
    }
}
