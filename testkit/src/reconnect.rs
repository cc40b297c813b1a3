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

use ssewire::reconnect::{
    parse_http_date, parse_retry_after, EventSourceState as State, Head, Next, Options, Reason,
    Stop,
};
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
    /// Redirects in a row since the last opening.
    redirects: u32,
    /// A 301 or 302 was followed: a POST now goes as a GET.
    post_is_get: bool,
    /// A 303 was followed: all but HEAD now go as a GET.
    all_are_get: bool,
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
    if flags & 128 != 0 {
        return head(ops);
    }
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
            // gzip body, or for a 404 a redirect handed on; bits 4 and 5: a
            // content type before the one that counts, an ignored `*/*`
            // after it, as Fetch reads them).
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
                // 404 with bit 3: a redirect the HTTP client handed on.
                let redirect = status == 404 && gzip;
                // Which redirect: from the bits Retry-After is chosen by (a
                // redirect ignores it).
                let status = if redirect {
                    [307, 301, 302, 303, 308][usize::from(arg >> 6) + usize::from(flags & 16 != 0)]
                } else {
                    status
                };
                let mut head = Head::new(status);
                if redirect {
                    head.push_header("location", "http://127.0.0.1:1/moved");
                }
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
                    301..=308 if model.redirects < 20 => {
                        let after = Duration::ZERO;
                        let reason = Reason::Redirect(status);
                        assert_eq!(got, Err(Next::Reconnect { after, reason }));
                        assert_eq!(state.url(), Some("http://127.0.0.1:1/moved"));
                        model.redirects += 1;
                        model.post_is_get |= matches!(status, 301 | 302);
                        model.all_are_get |= status == 303;
                        // Fetch's method change, for the next request.
                        let next = state.request_headers();
                        let get = model.post_is_get || model.all_are_get;
                        assert_eq!(next.method("POST"), if get { "GET" } else { "POST" });
                        let put = if model.all_are_get { "GET" } else { "PUT" };
                        assert_eq!(next.method("PUT"), put);
                        assert_eq!(next.method("HEAD"), "HEAD");
                        assert_eq!(next.method("GET"), "GET");
                        true
                    }
                    301..=308 => {
                        assert_eq!(got, Err(Next::Stop(Stop::TooManyRedirects)));
                        false
                    }
                    200 if gzip => {
                        assert_eq!(got, Err(Next::Stop(Stop::ContentEncoding)));
                        false
                    }
                    200 if arg % 8 == 0 || flags & 8 != 0 => {
                        assert_eq!(got, Ok(()));
                        model.open = true;
                        model.opened = true;
                        model.redirects = 0;
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
                        let asked = parse_retry_after(retry_after.as_bytes()).unwrap_or_default();
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

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const LONG_DAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Year, month (1-12), day of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`, written apart from the parser's inverse).
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// The three forms of the HTTP-date for `t` seconds since 1970; RFC 850's
/// only for the years its two digits name here (1970-2069).
fn http_dates(t: u64) -> Vec<String> {
    let days = t / 86_400;
    let (year, month, day) = civil(days);
    let (h, m, s) = (t % 86_400 / 3600, t % 3600 / 60, t % 60);
    let weekday = (days % 7) as usize;
    let mon = MONTHS[(month - 1) as usize];
    let mut forms = vec![
        format!(
            "{}, {day:02} {mon} {year} {h:02}:{m:02}:{s:02} GMT",
            DAYS[weekday]
        ),
        format!(
            "{} {mon} {day:>2} {h:02}:{m:02}:{s:02} {year}",
            DAYS[weekday]
        ),
    ];
    if year < 2070 {
        forms.push(format!(
            "{}, {day:02}-{mon}-{:02} {h:02}:{m:02}:{s:02} GMT",
            LONG_DAYS[weekday],
            year % 100
        ));
    }
    forms
}

/// A date's text without its day name (which the parser does not check).
fn without_day_name(text: &[u8]) -> &[u8] {
    let cut = text
        .iter()
        .position(|&b| b == b',' || b == b' ')
        .unwrap_or(text.len());
    &text[cut..]
}

/// Whether `piece` is a MIME type as Fetch reads one: `type/subtype`, two
/// tokens, parameters after a `;` not checked (the naive model).
fn naive_mime(piece: &str) -> bool {
    let essence = piece.split(';').next().unwrap_or("");
    let essence = essence.trim_matches([' ', '\t']);
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    match essence.split_once('/') {
        Some((kind, sub)) => token(kind) && token(sub) && essence != "*/*",
        None => false,
    }
}

/// Splits at commas outside double quotes (a backslash escapes inside).
fn naive_split(value: &str) -> Vec<&str> {
    let (mut pieces, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (at, c) in value.char_indices() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == ',' && !quoted {
            pieces.push(&value[start..at]);
            start = at + 1;
        }
    }
    pieces.push(&value[start..]);
    pieces
}

/// The response-head parsers against naive models (see the input format).
pub fn head(input: &[u8]) {
    // Dates from a seed: each form parses back to it.
    if let Some(seed) = input.get(..5) {
        let t = u64::from(u32::from_le_bytes([seed[0], seed[1], seed[2], seed[3]]))
            * (1 + u64::from(seed[4] & 1));
        for form in http_dates(t) {
            assert_eq!(parse_http_date(form.as_bytes()), Some(t), "{form}");
            let padded = format!(" {form}\t");
            assert_eq!(parse_http_date(padded.as_bytes()), Some(t), "{padded:?}");
        }
    }
    // Header values from the rest, split at 0xFF: the names cycle through
    // Content-Type, Retry-After, Date and Content-Encoding.
    let names = ["content-type", "retry-after", "date", "content-encoding"];
    let mut head = Head::new(200);
    let mut values: [Vec<&[u8]>; 4] = Default::default();
    for (k, value) in input
        .get(5..)
        .unwrap_or_default()
        .split(|&b| b == 0xFF)
        .enumerate()
    {
        head.push_header(names[k % 4], value);
        values[k % 4].push(value);
    }
    // Fetch's content type: the last piece of all the values that is a
    // MIME type (only text can be one: a piece with other bytes is not).
    let mut expected: Option<Vec<u8>> = None;
    for value in &values[0] {
        if let Ok(text) = core::str::from_utf8(value) {
            for piece in naive_split(text) {
                if naive_mime(piece) {
                    expected = Some(piece.trim_matches([' ', '\t']).as_bytes().to_vec());
                }
            }
        } else {
            // Not UTF-8: the piece holding those bytes is no token, the
            // rest of the value still counts. Check only that a result is
            // a valid piece.
            if let Some(found) = head.content_type() {
                let text = String::from_utf8_lossy(found);
                assert!(naive_mime(&text), "{text:?}");
            }
            return check_dates(&head, &values);
        }
    }
    assert_eq!(head.content_type().map(<[u8]>::to_vec), expected);
    check_dates(&head, &values);
}

fn check_dates(head: &Head, values: &[Vec<&[u8]>; 4]) {
    // Any text that parses as a date is one of its three forms.
    for value in values.iter().flatten() {
        if let Some(t) = parse_http_date(value) {
            let trimmed = core::str::from_utf8(value).expect("a date is ASCII");
            let trimmed = trimmed.trim_matches([' ', '\t']).as_bytes();
            assert!(
                http_dates(t)
                    .iter()
                    .any(|form| without_day_name(form.as_bytes()) == without_day_name(trimmed)),
                "{trimmed:?} parsed as {t}"
            );
        }
    }
    // Retry-After: delta-seconds, else a date from the first Date header.
    let expected = values[1].first().and_then(|value| {
        parse_retry_after(value).or_else(|| {
            let at = parse_http_date(value)?;
            let now = parse_http_date(values[2].first()?)?;
            Some(core::time::Duration::from_secs(at.saturating_sub(now)))
        })
    });
    assert_eq!(head.retry_after(), expected);
    // An encoding: any value other than identity, once trimmed.
    let encoded = values[3].iter().any(|value| {
        value
            .split(|&b| b == b',')
            .map(|coding| {
                let text = String::from_utf8_lossy(coding);
                text.trim_matches([' ', '\t']).to_ascii_lowercase()
            })
            .any(|coding| !coding.is_empty() && coding != "identity")
    });
    assert_eq!(head.content_encoding().is_some(), encoded);
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
        // Redirects handed on: 21 in a row stop, an opening resets them.
        [vec![0], [0u8, 15].repeat(5), vec![0, 0], [0u8, 15].repeat(21)].concat(),
        // The head parsers: a date seed, then values.
        [&[128u8, 0x00, 0x5E, 0x15, 0x6B, 0][..], b"text/plain, text/event-stream\xff5\xffMon, 07 Dec 2026 12:00:00 GMT\xffgzip"].concat(),
        [&[128u8, 0xFF, 0xFF, 0xFF, 0xFF, 1][..], b"a/b;q=\"x,y\"\xffSun, 06 Nov 1994 08:49:37 GMT\xffSun Nov  6 08:49:30 1994\xff identity ,"].concat(),
        // Idle timeout: keep-alives move it, then it fires.
        vec![4, 0, 0, 9, 100, 9, 200, 7, 0, 0, 7, 0, 2, 0, 7],
        // Content type not checked; completion stops every way out.
        vec![8, 0, 1, 2, 0, 8, 5],
        vec![12, 0, 0, 2, 0, 8, 7],
        vec![0, 0, 1, 3, 0, 2, 0, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6],
        vec![15 | 48, 0, 6, 0, 7, 0, 3, 3, 255, 4, 7, 0, 0, 5, 0, 0],
    ]
}
