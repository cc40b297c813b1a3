//! Offset arithmetic inside one slice, where an out-of-range value is a bug:
//! caught by `debug_assert!` in tests and fuzzing, harmless (no panic) in
//! release builds.

/// `a + b` for offsets within one slice, which cannot overflow.
#[inline]
pub(crate) fn add(a: usize, b: usize) -> usize {
    debug_assert!(a.checked_add(b).is_some());
    a.wrapping_add(b)
}

/// `bytes[from..]`, for a `from` known to be within `bytes`.
#[inline]
pub(crate) fn tail(bytes: &[u8], from: usize) -> &[u8] {
    debug_assert!(from <= bytes.len(), "{from} past {}", bytes.len());
    bytes.get(from..).unwrap_or_default()
}

/// `bytes[..to]`, for a `to` known to be within `bytes`.
#[inline]
pub(crate) fn head(bytes: &[u8], to: usize) -> &[u8] {
    debug_assert!(to <= bytes.len(), "{to} past {}", bytes.len());
    bytes.get(..to).unwrap_or_default()
}
