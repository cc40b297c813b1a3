//! The sans-IO reconnection rules (`ssewire::reconnect::State`), one test per
//! rule, with a fake clock (plain `Duration`s) and fixed random values.
#![cfg(feature = "alloc")]

use core::time::Duration;

use ssewire::reconnect::{EventSourceState as State, Head, Next, Options, Reason, Stop};
use ssewire::{Event, Handler, OwnedEvent};

const SSE: Option<&str> = Some("text/event-stream");

/// A response head with these headers.
fn head(status: u16, content_type: Option<&str>, retry_after: Option<&str>) -> Head {
    let mut head = Head::new(status);
    if let Some(value) = content_type {
        head.push_header("Content-Type", value);
    }
    if let Some(value) = retry_after {
        head.push_header("Retry-After", value);
    }
    head
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[derive(Default)]
struct Seen {
    events: Vec<OwnedEvent>,
    retries: Vec<u64>,
}

impl Handler for Seen {
    fn event(&mut self, event: Event<'_>) {
        self.events.push(event.into());
    }
    fn retry(&mut self, ms: u64) {
        self.retries.push(ms);
    }
    fn error(&mut self, error: ssewire::Error) {
        panic!("{error}");
    }
}

fn open(state: &mut State, now: Duration) {
    state
        .on_response(now, &head(200, SSE, None), 0)
        .expect("200 + text/event-stream opens");
}

fn reconnect(after: Duration, reason: Reason) -> Next {
    Next::Reconnect { after, reason }
}

#[test]
fn a_clean_end_reconnects_after_the_reconnection_time_and_is_no_error() {
    let mut state = State::new(Options::new());
    let mut seen = Seen::default();
    open(&mut state, ms(0));
    state.feed(ms(1), b"data: a\n\n", &mut seen);
    assert_eq!(state.on_end(u64::MAX), reconnect(ms(3000), Reason::Ended));
}

#[test]
fn a_truncated_end_reconnects_and_says_how_much_was_dropped() {
    let mut state = State::new(Options::new());
    let mut seen = Seen::default();
    open(&mut state, ms(0));
    state.feed(ms(1), b"id: 1\ndata: a\n\nid: 2\ndata: b", &mut seen);
    let next = state.on_end(0);
    assert_eq!(
        next,
        reconnect(ms(3000), Reason::Truncated { discarded: 13 })
    );
    // The cut event's ID never applied.
    assert_eq!(state.last_event_id(), b"1");
    assert_eq!(seen.events.len(), 1);
}

#[test]
fn the_last_event_id_is_sent_only_when_non_empty_and_survives_reconnects() {
    let mut state = State::new(Options::new());
    let mut seen = Seen::default();
    let header = |state: &State| state.request_headers().last_event_id().map(<[u8]>::to_vec);
    assert_eq!(header(&state), None);
    open(&mut state, ms(0));
    state.feed(ms(1), b"id: 7\ndata: a\n\n", &mut seen);
    let _ = state.on_error(0);
    assert_eq!(header(&state), Some(b"7".to_vec()));
    // A response that is refused, then a new stream: the ID stays.
    let _ = state.on_response(ms(10), &head(503, None, None), 0);
    open(&mut state, ms(20));
    assert_eq!(header(&state), Some(b"7".to_vec()));
    // The stream clears it: no header at all, not an empty one.
    state.feed(ms(21), b"id\ndata: b\n\n", &mut seen);
    let _ = state.on_end(0);
    assert_eq!(header(&state), None);
    assert_eq!(state.request_headers().iter().count(), 2);
}

#[test]
fn a_seeded_id_is_sent_with_the_first_request() {
    let mut state = State::new(Options::new());
    state.reset_with_last_event_id(b"from-disk").unwrap();
    assert_eq!(
        state.request_headers().last_event_id(),
        Some(&b"from-disk"[..])
    );
    let mut small = State::with_parser(
        Options::new(),
        ssewire::Parser::with_config(Vec::new(), ssewire::Config::new().max_id_bytes(4)),
    );
    assert!(small.reset_with_last_event_id(b"12345").is_err());
    assert_eq!(small.last_event_id(), b"");
}

#[test]
fn retry_sets_the_wait_within_the_floor_and_the_cap() {
    let mut state = State::new(Options::new().max_delay(Duration::from_secs(10)));
    let mut seen = Seen::default();
    for (retry, wait) in [("1500", 1500), ("0", 100), ("99", 100), ("600000", 10_000)] {
        open(&mut state, ms(0));
        state.feed(
            ms(1),
            format!("retry: {retry}\ndata: x\n\n").as_bytes(),
            &mut seen,
        );
        assert_eq!(
            state.on_end(u64::MAX),
            reconnect(ms(wait), Reason::Ended),
            "retry {retry}"
        );
    }
    assert_eq!(seen.retries, [1500, 0, 99, 600_000]);
    let floor = Options::new().min_delay(ms(50));
    let mut state = State::new(floor.reconnection_time(ms(10)));
    open(&mut state, ms(0));
    state.feed(ms(1), b"data: x\n\n", &mut seen);
    assert_eq!(state.on_end(0), reconnect(ms(50), Reason::Ended));
}

#[test]
fn failing_attempts_back_off_with_jitter_and_progress_resets_it() {
    let options = Options::new().reconnection_time(ms(1000));
    let mut state = State::new(options);
    let mut seen = Seen::default();
    // Connection refused, again and again: the window doubles, capped at 60 s;
    // random 0 is its lower half, u64::MAX wraps somewhere inside it.
    let mut waits = Vec::new();
    for _ in 0..8 {
        match state.on_error(0) {
            Next::Reconnect {
                after,
                reason: Reason::Network,
            } => waits.push(after.as_millis()),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        waits,
        [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]
    );
    assert_eq!(state.failures(), 8);
    let Next::Reconnect { after, .. } = state.on_error(12_345_678_901) else {
        panic!()
    };
    assert!(after >= Duration::from_secs(30) && after <= Duration::from_secs(60));
    // Opened, comments and a retry only: no progress, the backoff goes on.
    open(&mut state, ms(0));
    state.feed(ms(1), b": keep-alive\nretry: 1000\n\n", &mut seen);
    assert_eq!(state.on_end(0), reconnect(ms(30_000), Reason::Ended));
    assert_eq!(state.failures(), 10);
    // One event: progress, the next wait is the reconnection time again.
    open(&mut state, ms(0));
    state.feed(ms(1), b"data: x\n\n", &mut seen);
    assert_eq!(
        state.on_error(u64::MAX),
        reconnect(ms(1000), Reason::Network)
    );
    assert_eq!(state.failures(), 0);
    assert_eq!(state.on_error(0), reconnect(ms(1000), Reason::Network));
    assert_eq!(state.failures(), 1);
}

#[test]
fn the_retry_limit_counts_failures_in_a_row() {
    let mut state = State::new(Options::new().max_retries(Some(2)));
    let mut seen = Seen::default();
    assert!(matches!(state.on_error(0), Next::Reconnect { .. }));
    assert!(matches!(state.on_error(0), Next::Reconnect { .. }));
    open(&mut state, ms(0));
    state.feed(ms(1), b"data: x\n\n", &mut seen);
    assert!(matches!(state.on_end(0), Next::Reconnect { .. }));
    assert!(matches!(state.on_error(0), Next::Reconnect { .. }));
    assert!(matches!(state.on_error(0), Next::Reconnect { .. }));
    assert_eq!(state.on_error(0), Next::Stop(Stop::GaveUp { attempts: 3 }));
    let mut none = State::new(Options::new().max_retries(Some(0)));
    assert_eq!(none.on_error(0), Next::Stop(Stop::GaveUp { attempts: 1 }));
}

#[test]
fn statuses_no_content_and_content_types_follow_the_spec() {
    let mut state = State::new(Options::new());
    let mut seen = Seen::default();
    assert_eq!(
        state.on_response(ms(0), &head(204, SSE, None), 0),
        Err(Next::Stop(Stop::NoContent))
    );
    for status in [201, 301, 404, 429, 500, 502, 503] {
        assert_eq!(
            state.on_response(ms(0), &head(status, SSE, Some("1")), 0),
            Err(Next::Stop(Stop::Status(status)))
        );
    }
    assert_eq!(
        state.on_response(ms(0), &head(200, Some("application/json"), None), 0),
        Err(Next::Stop(Stop::ContentType))
    );
    assert_eq!(
        state.on_response(ms(0), &head(200, None, None), 0),
        Err(Next::Stop(Stop::ContentType))
    );
    let mut lax = State::new(Options::new().check_content_type(false));
    assert_eq!(
        lax.on_response(ms(0), &head(200, Some("text/plain"), None), 0),
        Ok(())
    );
    lax.feed(ms(1), b"data: x\n\n", &mut seen);
    assert_eq!(seen.events.len(), 1);
}

#[test]
fn retried_statuses_honour_retry_after_within_the_cap() {
    let options = Options::new()
        .retry_gateway_errors()
        .reconnection_time(ms(1000))
        .max_delay(Duration::from_secs(20));
    let mut state = State::new(options);
    // Retry-After above the backoff wins; below it (window 4 s, lower half
    // 2 s) the backoff does; past the cap the cap; not delta-seconds, the
    // backoff.
    // A date without a Date header or a clock to measure it from: the
    // backoff.
    let cases: [(u16, &str, u64); 4] = [
        (503, "5", 5000),
        (429, "1", 2000),
        (502, "3600", 20_000),
        (504, "Fri, 04 Dec 2026 22:00:00 GMT", 8000),
    ];
    for (status, retry_after, wait) in cases {
        assert_eq!(
            state.on_response(ms(0), &head(status, SSE, Some(retry_after)), 0),
            Err(reconnect(ms(wait), Reason::Status(status))),
            "{status}"
        );
    }
    assert_eq!(state.failures(), 4);
}

#[test]
fn a_complete_stream_stops_however_it_ends() {
    for end in 0..3 {
        let mut state = State::new(Options::new().idle_timeout(Some(ms(10))));
        let mut seen = Seen::default();
        open(&mut state, ms(0));
        state.feed(ms(1), b"data: [DONE]\n\n", &mut seen);
        assert!(!state.is_complete());
        state.mark_complete();
        let next = match end {
            0 => state.on_end(0),
            1 => state.on_error(0),
            _ => state.on_timeout(ms(11), 0).expect("deadline passed"),
        };
        assert_eq!(next, Next::Stop(Stop::Complete), "end {end}");
    }
}

#[test]
fn no_bytes_for_the_idle_timeout_reconnects_and_keep_alives_count_as_bytes() {
    let mut state = State::new(Options::new().idle_timeout(Some(ms(1000))));
    let mut seen = Seen::default();
    assert_eq!(state.idle_deadline(), None, "nothing open");
    open(&mut state, ms(100));
    assert_eq!(state.idle_deadline(), Some(ms(1100)));
    state.feed(ms(900), b":\n", &mut seen);
    assert_eq!(state.idle_deadline(), Some(ms(1900)));
    // A stale timer fires: bytes came since, nothing to do.
    assert_eq!(state.on_timeout(ms(1100), 0), None);
    state.feed(ms(1500), b"data: x\n\n", &mut seen);
    assert_eq!(state.on_timeout(ms(2499), 0), None);
    assert_eq!(
        state.on_timeout(ms(2500), 0),
        Some(reconnect(ms(3000), Reason::Idle))
    );
    // The connection is over: no deadline until the next one opens.
    assert_eq!(state.idle_deadline(), None);
    assert_eq!(state.on_timeout(ms(9999), 0), None);
    let without = State::new(Options::new());
    assert_eq!(without.idle_deadline(), None);
}

#[test]
fn retry_after_as_an_http_date_is_measured_from_the_date_header() {
    let options = Options::new()
        .retry_gateway_errors()
        .reconnection_time(ms(100));
    let mut state = State::new(options);
    let dated = head(503, None, Some("Mon, 07 Dec 2026 12:00:42 GMT"))
        .with_header("Date", "Mon, 07 Dec 2026 12:00:00 GMT");
    assert_eq!(
        state.on_response(ms(0), &dated, 0),
        Err(reconnect(ms(42_000), Reason::Status(503)))
    );
    // Without a Date header, from the clock the caller gives the head.
    let clocked =
        head(429, None, Some("Mon, 07 Dec 2026 12:00:42 GMT")).with_received_at(1_796_644_840);
    let Err(Next::Reconnect { after, .. }) = state.on_response(ms(0), &clocked, 0) else {
        panic!("retried");
    };
    // The backoff's window (400 ms after two failures) is below 2 s.
    assert_eq!(after, ms(2000));
}

#[test]
fn a_request_without_response_is_not_sent_again_before_the_stream_opened() {
    let mut seen = Seen::default();
    // The default: a POST with side effects is not repeated.
    let mut state = State::new(Options::new());
    assert_eq!(state.on_send_error(0), Next::Stop(Stop::RequestFailed));
    // Opt in (a GET, as EventSource): reconnect with backoff.
    let mut get = State::new(Options::new().resend_before_open(true));
    assert_eq!(get.on_send_error(0), reconnect(ms(3000), Reason::Network));
    // A retried status does not count as opened either.
    let mut gw = State::new(Options::new().retry_gateway_errors());
    assert!(gw.on_response(ms(0), &head(503, None, None), 0).is_err());
    assert_eq!(gw.on_send_error(0), Next::Stop(Stop::RequestFailed));
    // Once the stream opened, failures are reconnected (resumption).
    let mut state = State::new(Options::new());
    open(&mut state, ms(0));
    assert!(state.has_opened());
    state.feed(ms(1), b"id: 1\ndata: x\n\n", &mut seen);
    assert_eq!(state.on_error(0), reconnect(ms(3000), Reason::Network));
    assert_eq!(state.on_send_error(0), reconnect(ms(3000), Reason::Network));
    // And a complete stream stops as complete.
    let mut done = State::new(Options::new());
    done.mark_complete();
    assert_eq!(done.on_send_error(0), Next::Stop(Stop::Complete));
}

#[test]
fn several_content_types_follow_fetch_and_an_encoding_is_refused() {
    let mut state = State::new(Options::new());
    let two = |first: &str, second: &str| {
        Head::new(200)
            .with_header("content-type", first)
            .with_header("content-type", second)
    };
    assert_eq!(
        state.on_response(ms(0), &two("text/event-stream", "text/plain"), 0),
        Err(Next::Stop(Stop::ContentType))
    );
    assert_eq!(
        state.on_response(ms(0), &two("text/plain", "text/event-stream"), 0),
        Ok(())
    );
    let gzip = head(200, SSE, None).with_header("Content-Encoding", "gzip");
    assert_eq!(
        state.on_response(ms(0), &gzip, 0),
        Err(Next::Stop(Stop::ContentEncoding))
    );
}

#[test]
fn the_next_request_goes_where_the_last_response_came_from() {
    let mut state = State::new(Options::new().accept("application/json, text/event-stream"));
    assert_eq!(state.request_headers().url(), None);
    assert_eq!(
        state.request_headers().accept(),
        "application/json, text/event-stream"
    );
    let moved = head(200, SSE, None).with_url("http://127.0.0.1:1/moved");
    state.on_response(ms(0), &moved, 0).unwrap();
    assert_eq!(state.url(), Some("http://127.0.0.1:1/moved"));
    let _ = state.on_end(0);
    assert_eq!(
        state.request_headers().url(),
        Some("http://127.0.0.1:1/moved")
    );
    // A response whose client did not say keeps the URL.
    let _ = state.on_response(ms(0), &head(503, None, None), 0);
    assert_eq!(state.url(), Some("http://127.0.0.1:1/moved"));
}

/// Issue 19: the client's parser skips an event over a limit and goes on,
/// as the adapters do; it never reports `Error::Stopped`.
#[test]
fn a_default_state_skips_an_oversized_event_and_goes_on() {
    #[derive(Default)]
    struct Errors(Vec<ssewire::Error>, Vec<OwnedEvent>);
    impl Handler for Errors {
        fn event(&mut self, event: Event<'_>) {
            self.1.push(event.into());
        }
        fn error(&mut self, error: ssewire::Error) {
            self.0.push(error);
        }
    }
    let mut state = State::new(Options::new());
    let mut seen = Errors::default();
    open(&mut state, ms(0));
    // An ID is part of its event: one over the event limit refuses it.
    let long_id = "i".repeat(ssewire::Config::DEFAULT_MAX_EVENT_BYTES + 1);
    state.feed(
        ms(1),
        format!("id: {long_id}\ndata: x\n\n").as_bytes(),
        &mut seen,
    );
    state.feed(ms(2), b"id: 2\ndata: next\n\n", &mut seen);
    state.feed(ms(3), b"data: after\n\n", &mut seen);
    assert_eq!(seen.0.len(), 1, "{:?}", seen.0);
    assert!(matches!(seen.0[0], ssewire::Error::LimitExceeded { .. }));
    let data: Vec<&str> = seen.1.iter().map(OwnedEvent::data).collect();
    assert_eq!(data, ["next", "after"]);
    assert!(!state.is_stopped());
    assert_eq!(state.last_event_id(), b"2");
}

#[test]
fn a_redirect_left_to_the_caller_is_followed_at_once_up_to_twenty() {
    let mut state = State::new(Options::new());
    let moved = |status| {
        Head::new(status)
            .with_header("location", "/moved")
            .with_url("http://127.0.0.1:1/events")
    };
    assert_eq!(
        state.on_response(ms(0), &moved(307), 0),
        Err(reconnect(Duration::ZERO, Reason::Redirect(307)))
    );
    assert_eq!(
        state.request_headers().url(),
        Some("http://127.0.0.1:1/moved")
    );
    // No failure: a redirect is no attempt that failed.
    assert_eq!(state.failures(), 0);
    // A loop: 20 are followed, the 21st stops.
    for _ in 1..20 {
        assert!(matches!(
            state.on_response(ms(0), &moved(301), 0),
            Err(Next::Reconnect { .. })
        ));
    }
    assert_eq!(
        state.on_response(ms(0), &moved(308), 0),
        Err(Next::Stop(Stop::TooManyRedirects))
    );
    // An opening resets the count.
    let mut state = State::new(Options::new());
    for _ in 0..20 {
        let _ = state.on_response(ms(0), &moved(302), 0);
    }
    open(&mut state, ms(0));
    assert!(state.on_response(ms(0), &moved(303), 0).is_err());
    assert_ne!(
        state.on_response(ms(0), &moved(303), 0),
        Err(Next::Stop(Stop::TooManyRedirects))
    );
    // Without a URL to resolve a relative Location against: a status.
    let mut bare = State::new(Options::new());
    let relative = Head::new(301).with_header("location", "/moved");
    assert_eq!(
        bare.on_response(ms(0), &relative, 0),
        Err(Next::Stop(Stop::Status(301)))
    );
}
