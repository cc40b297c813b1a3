//! Judging a response before reading its body: the spec's rules (200 with
//! `text/event-stream` opens, 204 stops, anything else fails), an encoded
//! body refused, and the caller's policy for statuses worth retrying.

use core::time::Duration;

use super::{Head, Options, Stop};
use crate::adapters::trim_ows;
use crate::is_event_stream;

/// What a response means for the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Judgement {
    Open,
    /// A status the policy retries, with the server's `Retry-After` if valid.
    Retry {
        status: u16,
        after: Option<Duration>,
    },
    Stop(Stop),
}

pub(super) fn judge(options: &Options, head: &Head) -> Judgement {
    let status = head.status();
    match status {
        // Compressed bytes are not the stream's text, whatever the type says.
        200 if head.content_encoding().is_some() => Judgement::Stop(Stop::ContentEncoding),
        200 if !options.check_content_type || head.content_type().is_some_and(is_event_stream) => {
            Judgement::Open
        }
        200 => Judgement::Stop(Stop::ContentType),
        204 => Judgement::Stop(Stop::NoContent),
        _ if options.retries_status(status) => Judgement::Retry {
            status,
            after: head.retry_after(),
        },
        _ => Judgement::Stop(Stop::Status(status)),
    }
}

/// A `Retry-After` value in delta-seconds (`1*DIGIT`, spaces around
/// allowed); `None` for anything else, HTTP-dates included
/// ([`Head::retry_after`] reads those, against the response's `Date`).
/// Values past `u64::MAX` seconds saturate.
///
/// ```
/// use core::time::Duration;
/// use ssewire::reconnect::parse_retry_after;
///
/// assert_eq!(parse_retry_after(b"120"), Some(Duration::from_secs(120)));
/// assert_eq!(parse_retry_after(b"Fri, 04 Dec 2026 22:00:00 GMT"), None);
/// assert_eq!(parse_retry_after(b"-1"), None);
/// ```
pub fn parse_retry_after(value: &[u8]) -> Option<Duration> {
    let digits = trim_ows(value);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let seconds = digits.iter().fold(0u64, |n, &d| {
        n.saturating_mul(10)
            .saturating_add(u64::from(d.wrapping_sub(b'0')))
    });
    Some(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(status: u16, ct: Option<&str>, retry_after: Option<&str>) -> Head {
        let mut head = Head::new(status);
        if let Some(ct) = ct {
            head.push_header("content-type", ct);
        }
        if let Some(value) = retry_after {
            head.push_header("retry-after", value);
        }
        head
    }

    fn judged(options: &Options, status: u16, ct: &str) -> Judgement {
        judge(options, &head(status, Some(ct), Some(" 7 ")))
    }

    #[test]
    fn only_200_with_an_event_stream_opens() {
        let o = Options::new();
        for ct in [
            "text/event-stream",
            "TEXT/Event-Stream",
            " text/event-stream ; charset=utf-8",
        ] {
            assert_eq!(judged(&o, 200, ct), Judgement::Open, "{ct}");
        }
        for ct in [
            "text/plain",
            "text/event-streams",
            "text/event-stream-x",
            "",
        ] {
            assert_eq!(
                judged(&o, 200, ct),
                Judgement::Stop(Stop::ContentType),
                "{ct}"
            );
        }
        assert_eq!(
            judge(&o, &head(200, None, None)),
            Judgement::Stop(Stop::ContentType)
        );
        let lax = Options::new().check_content_type(false);
        assert_eq!(judge(&lax, &head(200, None, None)), Judgement::Open);
    }

    #[test]
    fn an_encoded_body_is_refused_even_without_the_type_check() {
        for options in [Options::new(), Options::new().check_content_type(false)] {
            let gzip =
                head(200, Some("text/event-stream"), None).with_header("content-encoding", "gzip");
            assert_eq!(
                judge(&options, &gzip),
                Judgement::Stop(Stop::ContentEncoding)
            );
            let identity = head(200, Some("text/event-stream"), None)
                .with_header("content-encoding", "identity");
            assert_eq!(judge(&options, &identity), Judgement::Open);
        }
    }

    #[test]
    fn no_content_stops_and_other_statuses_fail_unless_retried() {
        let o = Options::new();
        assert_eq!(
            judged(&o, 204, "text/event-stream"),
            Judgement::Stop(Stop::NoContent)
        );
        for status in [201, 301, 404, 429, 500, 503] {
            assert_eq!(
                judged(&o, status, "text/event-stream"),
                Judgement::Stop(Stop::Status(status))
            );
        }
        let gw = Options::new()
            .retry_gateway_errors()
            .retry_status(204)
            .retry_status(200);
        assert_eq!(judged(&gw, 204, "x"), Judgement::Stop(Stop::NoContent));
        assert_eq!(judged(&gw, 500, "x"), Judgement::Stop(Stop::Status(500)));
        for status in [429, 502, 503, 504] {
            assert_eq!(
                judged(&gw, status, "x"),
                Judgement::Retry {
                    status,
                    after: Some(Duration::from_secs(7))
                }
            );
        }
        assert_eq!(
            judge(&gw, &head(503, None, Some("soon"))),
            Judgement::Retry {
                status: 503,
                after: None
            }
        );
    }

    #[test]
    fn retry_after_is_delta_seconds() {
        assert_eq!(parse_retry_after(b"0"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(b"\t3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after(b"99999999999999999999999"),
            Some(Duration::from_secs(u64::MAX))
        );
        for bad in [&b""[..], b" ", b"1.5", b"+3", b"3s", b"1 2"] {
            assert_eq!(parse_retry_after(bad), None, "{bad:?}");
        }
    }
}
