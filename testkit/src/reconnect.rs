//! The check behind the `reconnect` fuzz target, also run on stable by
//! `tests/fuzz_replay.rs`: random sequences of responses, chunks, drops,
//! errors and timeouts against `ssewire::reconnect::State`, compared with a
//! small model of the rules written from the spec and the docs, not from the
//! code (the backoff is checked against its window, not recomputed).
//!
//! Input: byte 0 picks the options (bit 0: retry 429/502/503/504, bit 1: at
//! most `(byte >> 4) & 3` retries, bit 2: a 500 ms idle timeout, bit 3: no
//! content type check, bit 6: a request without response is sent again
//! before the stream opened); then one op per byte (`op % 10`), some taking
//! the next byte as an argument; the random value of each decision is built
//! from the op's position so that jitter varies.

use core::time::Duration;

use ssewire::reconnect::{EventSourceState as State, Head, Next, Options, Reason, Stop};
use ssewire::{Event, Handler};

const IDLE: Duration = Duration::from_millis(500);
const FLOOR: Duration = Duration::from_millis(100);
const CAP: Duration = Duration::from_secs(60);
const PARTIAL: &[u8] = b"id: 999\ndata: part";

#[derive(Default)]
struct Events(Vec<(Vec<u8>, Vec<u8>)>);

impl Handler for Events {
    fn event(&mut self, event: Event<'_>) {
        self.0.push((event.data().to_vec(), event.id().to_vec()));
    }
    fn error(&mut self, error: ssewire::Error) {
        panic!("no limit is near: {error}");
    }
}

/// What the rules say the state must hold.
#[derive(Default)]
struct Model {
    id: Vec<u8>,
    retry: Option<u64>,
    failures: u32,
    progress: bool,
    complete: bool,
    open: bool,
    /// A stream opened once.
    opened: bool,
    /// The connection ended in the middle of an event: only its end follows.
    cut: bool,
    /// Bytes since the last blank line: what a cut end reports as discarded.
    since_blank: u64,
    last_bytes: Duration,
    events: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Model {
    fn base(&self) -> Duration {
        let time = self
            .retry
            .map_or(Duration::from_secs(3), Duration::from_millis);
        time.clamp(FLOOR, CAP)
    }

    /// Checks a decision to reconnect or stop, and moves the model on.
    /// Returns false when the stream stopped.
    fn decide(
        &mut self,
        next: Next,
        reason: Reason,
        max_retries: Option<u32>,
        asked: Duration,
    ) -> bool {
        self.open = false;
        self.cut = false;
        if self.complete {
            assert_eq!(next, Next::Stop(Stop::Complete));
            return false;
        }
        self.failures = if self.progress { 0 } else { self.failures + 1 };
        self.progress = false;
        if max_retries.is_some_and(|max| self.failures > max) {
            assert_eq!(
                next,
                Next::Stop(Stop::GaveUp {
                    attempts: self.failures
                })
            );
            return false;
        }
        let Next::Reconnect { after, reason: got } = next else {
            panic!("expected a reconnection ({reason:?}), got {next:?}");
        };
        assert_eq!(got, reason);
        let base = self.base();
        let asked = asked.min(CAP);
        if self.failures == 0 {
            assert_eq!(after, base.max(asked), "no failure: the reconnection time");
        } else {
            let window = base
                .checked_mul(1 << self.failures.min(31))
                .unwrap_or(Duration::MAX)
                .min(CAP);
            let low = (window / 2).max(base).max(asked);
            let high = window.max(base).max(asked);
            assert!(
                after >= low && after <= high,
                "{} failures: {after:?} outside [{low:?}, {high:?}]",
                self.failures
            );
        }
        true
    }
}

/// Panics when an invariant breaks.
pub fn reconnect(input: &[u8]) {
    let Some((&flags, ops)) = input.split_first() else {
        return;
    };
    let max_retries = (flags & 2 != 0).then_some(u32::from((flags >> 4) & 3));
    let resend = flags & 64 != 0;
    let mut options = Options::new()
        .max_retries(max_retries)
        .check_content_type(flags & 8 == 0)
        .resend_before_open(resend);
    if flags & 1 != 0 {
        options = options.retry_gateway_errors();
    }
    if flags & 4 != 0 {
        options = options.idle_timeout(Some(IDLE));
    }
    let mut state = State::new(options);
    let mut model = Model::default();
    let mut seen = Events::default();
    let mut now = Duration::ZERO;
    let mut i = 0;
    while let Some(&op) = ops.get(i) {
        let arg = ops.get(i + 1).copied().unwrap_or(0);
        let random = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        i += 1;
        now += Duration::from_millis(u64::from(arg));
        let feed = |state: &mut State, model: &mut Model, seen: &mut Events, bytes: &[u8]| {
            state.feed(now, bytes, seen);
            model.last_bytes = now;
            model.since_blank = if bytes.ends_with(b"\n\n") {
                0
            } else {
                model.since_blank + bytes.len() as u64
            };
        };
        let go_on = match op % 10 {
            // A response: status and headers from the argument (bit 3: a
            // gzip body; bits 4 and 5: a content type before the one that
            // counts, an ignored `*/*` after it, as Fetch reads them).
            0 => {
                i += 1;
                let status = [200, 200, 204, 500, 503, 429, 502, 404][usize::from(arg % 8)];
                let content_type = if arg % 8 == 1 {
                    "text/html"
                } else {
                    "text/event-stream; charset=utf-8"
                };
                let retry_after = ["", "2", "0", "99"][usize::from(arg >> 6)];
                let gzip = arg & 8 != 0;
                let mut head = Head::new(status);
                if arg & 16 != 0 {
                    head.push_header("content-type", "application/json");
                }
                head.push_header("Content-Type", content_type);
                if arg & 32 != 0 {
                    head.push_header("content-type", "*/*");
                }
                if gzip {
                    head.push_header("content-encoding", "gzip");
                }
                head.push_header("retry-after", retry_after);
                if model.open {
                    // One connection at a time: drop the open one first.
                    let next = state.on_error(random);
                    if !model.decide(next, Reason::Network, max_retries, Duration::ZERO) {
                        break;
                    }
                }
                let got = state.on_response(now, &head, random);
                match status {
                    200 if gzip => {
                        assert_eq!(got, Err(Next::Stop(Stop::ContentEncoding)));
                        false
                    }
                    200 if arg % 8 == 0 || flags & 8 != 0 => {
                        assert_eq!(got, Ok(()));
                        model.open = true;
                        model.opened = true;
                        model.since_blank = 0;
                        model.last_bytes = now;
                        true
                    }
                    200 => {
                        assert_eq!(got, Err(Next::Stop(Stop::ContentType)));
                        false
                    }
                    204 => {
                        assert_eq!(got, Err(Next::Stop(Stop::NoContent)));
                        false
                    }
                    429 | 502 | 503 if flags & 1 != 0 => {
                        let asked = ssewire::reconnect::parse_retry_after(retry_after.as_bytes())
                            .unwrap_or_default();
                        let next = got.expect_err("not a stream");
                        model.decide(next, Reason::Status(status), max_retries, asked)
                    }
                    _ => {
                        assert_eq!(got, Err(Next::Stop(Stop::Status(status))));
                        false
                    }
                }
            }
            // A whole event, with an ID from the argument or none.
            1 | 2 if model.open && !model.cut => {
                i += 1;
                let id = (op % 10 == 1).then(|| arg.to_string().into_bytes());
                let mut bytes = Vec::new();
                if let Some(id) = &id {
                    bytes.extend_from_slice(b"id: ");
                    bytes.extend_from_slice(id);
                    bytes.push(b'\n');
                }
                bytes.extend_from_slice(format!("data: e{i}\n\n").as_bytes());
                feed(&mut state, &mut model, &mut seen, &bytes);
                if let Some(id) = id {
                    model.id = id;
                }
                model
                    .events
                    .push((format!("e{i}").into_bytes(), model.id.clone()));
                model.progress = true;
                true
            }
            3 if model.open && !model.cut => {
                i += 1;
                let ms = u64::from(arg) * 10;
                feed(
                    &mut state,
                    &mut model,
                    &mut seen,
                    format!("retry: {ms}\n").as_bytes(),
                );
                model.retry = Some(ms);
                true
            }
            4 if model.open && !model.cut => {
                feed(&mut state, &mut model, &mut seen, PARTIAL);
                model.cut = true;
                true
            }
            5 if model.open => {
                let reason = if model.cut {
                    Reason::Truncated {
                        discarded: model.since_blank,
                    }
                } else {
                    Reason::Ended
                };
                let next = state.on_end(random);
                model.decide(next, reason, max_retries, Duration::ZERO)
            }
            // A failed body when open; when nothing is, a request that got
            // no response: not sent again before a stream opened, unless
            // the options say so.
            6 if model.open => {
                let next = state.on_error(random);
                model.decide(next, Reason::Network, max_retries, Duration::ZERO)
            }
            6 => {
                let next = state.on_send_error(random);
                if !model.opened && !resend && !model.complete {
                    assert_eq!(next, Next::Stop(Stop::RequestFailed));
                    false
                } else {
                    model.decide(next, Reason::Network, max_retries, Duration::ZERO)
                }
            }
            7 => {
                let deadline = (model.open && flags & 4 != 0).then(|| model.last_bytes + IDLE);
                assert_eq!(state.idle_deadline(), deadline);
                match deadline {
                    Some(deadline) => {
                        assert_eq!(
                            state.on_timeout(deadline - Duration::from_nanos(1), random),
                            None
                        );
                        now = now.max(deadline);
                        let next = state.on_timeout(now, random).expect("the deadline passed");
                        model.decide(next, Reason::Idle, max_retries, Duration::ZERO)
                    }
                    None => {
                        assert_eq!(state.on_timeout(now + IDLE * 100, random), None);
                        true
                    }
                }
            }
            8 => {
                state.mark_complete();
                model.complete = true;
                true
            }
            9 if model.open && !model.cut => {
                feed(&mut state, &mut model, &mut seen, b":\n");
                true
            }
            _ => true,
        };
        let header = (!model.id.is_empty()).then_some(model.id.as_slice());
        assert_eq!(state.request_headers().last_event_id(), header);
        assert_eq!(state.failures(), model.failures);
        if !go_on {
            break;
        }
    }
    assert_eq!(
        seen.0, model.events,
        "every event exactly once, with its ID"
    );
}

/// Seeds: each rule at least once (see the input format above).
pub fn seeds() -> Vec<Vec<u8>> {
    vec![
        // Open, events with IDs, a retry, a cut event, end, reopen, 204.
        vec![0, 0, 0, 1, 7, 3, 50, 2, 4, 5, 0, 0, 1, 8, 5, 0, 2],
        // Gateway retries with Retry-After, then a stream, then 500.
        vec![1, 0, 4 | 64, 0, 5 | 128, 0, 6 | 192, 0, 0, 2, 0, 5, 0, 3],
        // Retry limit 2, failures in a row, progress resets.
        vec![2 | 32 | 64, 6, 6, 0, 0, 2, 0, 6, 6, 6, 6],
        // A request without response before any stream: not sent again.
        vec![0, 6],
        // Fetch's content type (a type before, `*/*` after), then gzip.
        vec![0, 0, 16 | 32, 2, 0, 5, 0, 8],
        // Idle timeout: keep-alives move it, then it fires.
        vec![4, 0, 0, 9, 100, 9, 200, 7, 0, 0, 7, 0, 2, 0, 7],
        // Content type not checked; completion stops every way out.
        vec![8, 0, 1, 2, 0, 8, 5],
        vec![12, 0, 0, 2, 0, 8, 7],
        vec![0, 0, 1, 3, 0, 2, 0, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6],
        vec![15 | 48, 0, 6, 0, 7, 0, 3, 3, 255, 4, 7, 0, 0, 5, 0, 0],
    ]
}
