//! The check behind the `serve_body` fuzz target, also run on stable by
//! `tests/fuzz_replay.rs` and by the property tests of `tests/server.rs`:
//! `EventStreamBody` driven by a scripted source and a manual clock.
//!
//! Oracle: the reference model ([`crate::reference`]) reads back from the
//! body's frames exactly the events given (data parts with their line
//! prefixes, event types, text and numeric IDs, retries), the initial
//! `retry`, and one empty comment per keep-alive, which is due exactly when
//! the clock has moved a whole interval past the last frame; every frame
//! ends between events; an invalid event or a source error ends the body
//! with that error after the events before it; the end of the source ends
//! the body; dropping the body (a client gone) drops the source.
//!
//! Input: fields separated by `0xFF`. Field 0: bit 0 keep-alive on, bit 1
//! an initial retry (`retry: 1500`). Then ops, each a field whose first byte
//! picks it (`% 9`): 0-2 an event, taking the next fields: a control byte
//! (bit 0 type, bit 1 text ID, bit 2 numeric ID, bit 3 retry, bits 4-5 the
//! number of data parts, bit 6 no data at all), then the type, the ID, and a
//! prefix and a text per part; 3 poll; 4 move the clock by the op field's
//! second byte times 10 ms, then poll; 5 the source waits once; 6 the
//! source fails; 7 the source ends; 8 the client goes away (the body is
//! dropped).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use http_body::Body as _;
use ssewire::{EncodeError, EventStreamBody, KeepAliveClock, OwnedServerEvent, ServeError};

use crate::reference::{self, EndKind, Ev};

/// The keep-alive interval of the check.
pub const INTERVAL: Duration = Duration::from_millis(250);

/// A clock moved by hand; its sleeps are ready once it has passed their end.
#[derive(Clone, Default)]
pub struct ManualClock(pub Rc<Cell<Duration>>);

/// A sleep of [`ManualClock`].
pub struct ManualSleep {
    clock: Rc<Cell<Duration>>,
    until: Duration,
}

impl Future for ManualSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.clock.get() >= self.until {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl KeepAliveClock for ManualClock {
    type Sleep = ManualSleep;

    fn sleep(&mut self, duration: Duration) -> ManualSleep {
        ManualSleep {
            clock: Rc::clone(&self.0),
            until: self.0.get().saturating_add(duration),
        }
    }

    fn now(&mut self) -> Duration {
        self.0.get()
    }
}

/// What the scripted source yields next.
pub enum Item {
    Event(OwnedServerEvent),
    Wait,
    Fail,
    End,
}

/// The source's error.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFailed;

/// A stream fed by the script; it sets its flag when dropped.
pub struct Source {
    pub queue: Rc<RefCell<VecDeque<Item>>>,
    pub dropped: Rc<Cell<bool>>,
}

impl Drop for Source {
    fn drop(&mut self) {
        self.dropped.set(true);
    }
}

impl futures_core::Stream for Source {
    type Item = Result<OwnedServerEvent, SourceFailed>;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.queue.borrow_mut().pop_front() {
            Some(Item::Event(event)) => Poll::Ready(Some(Ok(event))),
            Some(Item::Fail) => Poll::Ready(Some(Err(SourceFailed))),
            Some(Item::End) => Poll::Ready(None),
            Some(Item::Wait) | None => Poll::Pending,
        }
    }
}

type Body = EventStreamBody<Source, ManualClock>;

/// What a reader must see of one queued event: the event (if it has data)
/// and its retry.
type Expect = (Option<Ev>, Option<u64>);

struct NoWake;

impl std::task::Wake for NoWake {
    fn wake(self: std::sync::Arc<Self>) {}
}

/// A waker that does nothing (`Waker::noop` needs Rust 1.85).
fn noop_waker() -> Waker {
    Waker::from(std::sync::Arc::new(NoWake))
}

/// Polls until the body waits or ends; the frames' bytes go to `out`, each
/// frame checked to end between events. `Err` is the body's end: `None` for
/// a clean one.
fn poll_all(body: &mut Body, out: &mut Vec<u8>) -> Result<(), Option<ServeError<SourceFailed>>> {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    for _ in 0..10_000 {
        match Pin::new(&mut *body).poll_frame(&mut cx) {
            Poll::Pending => return Ok(()),
            Poll::Ready(None) => {
                assert!(body.is_end_stream(), "ended but not is_end_stream");
                return Err(None);
            }
            Poll::Ready(Some(Err(error))) => return Err(Some(error)),
            Poll::Ready(Some(Ok(frame))) => {
                let data = frame.into_data().expect("data frames only");
                assert!(!data.is_empty(), "an empty frame");
                out.extend_from_slice(&data);
                let read = reference::parse(out);
                assert_eq!(read.end, EndKind::Clean, "a frame ends inside an event");
            }
        }
    }
    panic!("the body never waits");
}

/// The lines of `text` split at CR, LF and CRLF.
fn lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(String::from)
        .collect()
}

/// What a reader gets back from data parts: each line of each part with
/// its prefix (line breaks in the prefix read as LF), all joined by LF.
pub fn expected_data(parts: &[(String, String)]) -> String {
    parts
        .iter()
        .flat_map(|(prefix, text)| {
            let prefix = lines(prefix).join("\n");
            lines(text)
                .into_iter()
                .map(move |line| format!("{prefix}{line}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Panics when an invariant breaks.
pub fn body(input: &[u8]) {
    let mut fields = input.split(|&b| b == 0xFF);
    let config = fields.next().and_then(|f| f.first().copied()).unwrap_or(0);
    let clock = ManualClock::default();
    let queue = Rc::new(RefCell::new(VecDeque::new()));
    let dropped = Rc::new(Cell::new(false));
    let source = Source {
        queue: Rc::clone(&queue),
        dropped: Rc::clone(&dropped),
    };
    let keep_alive = config & 1 != 0;
    let mut body = EventStreamBody::new(source).keep_alive(
        if keep_alive {
            INTERVAL
        } else {
            Duration::from_secs(1 << 40)
        },
        clock.clone(),
    );
    let mut want = reference::parse(b"");
    let retry = config & 2 != 0;
    if retry {
        body = body.retry(Duration::from_millis(1500));
    }
    // Beside each item of the queue: what a reader must see of it once the
    // body has taken it from the source.
    let expect: RefCell<VecDeque<Option<Expect>>> = RefCell::default();
    let mut body = Some(body);
    let mut out = Vec::new();
    let mut last_id = String::new();
    // When the body last wrote (`None` before its first poll), and the
    // error it must end with once the queue up to it is written.
    let mut last_write: Option<Duration> = None;
    let mut end: Option<Option<ServeError<SourceFailed>>> = None;

    // One round of polls, and what the model says it writes: events if
    // any come before the source's first wait; otherwise a keep-alive if
    // one is due, and then (the body polls again after a frame) the events
    // up to the next wait.
    let poll = |body: &mut Body,
                out: &mut Vec<u8>,
                last_write: &mut Option<Duration>,
                want: &mut reference::Outcome| {
        let now = clock.0.get();
        let segment = |from: usize| {
            let q = queue.borrow();
            let items: Vec<&Item> = q.iter().skip(from).collect();
            let wait = items.iter().position(|i| matches!(i, Item::Wait));
            let events = items[..wait.unwrap_or(items.len())]
                .iter()
                .any(|i| matches!(i, Item::Event(_)));
            (events, wait.map(|w| from + w))
        };
        let (events, _) = segment(0);
        let first = last_write.is_none();
        let due =
            keep_alive && !first && last_write.is_some_and(|at| now.saturating_sub(at) >= INTERVAL);
        if due && !events {
            want.comments.push(String::new());
        }
        if first || events || due {
            *last_write = Some(now);
        }
        let before = queue.borrow().len();
        let result = poll_all(body, out);
        // What the source gave up is what must have been written.
        let consumed = before - queue.borrow().len();
        for (event, retry) in expect.borrow_mut().drain(..consumed).flatten() {
            want.retries.extend(retry);
            want.events.extend(event);
        }
        if first && retry {
            want.retries.insert(0, 1500);
        }
        result
    };

    while let Some(op) = fields.next() {
        let Some(live) = body.as_mut() else { break };
        if end.is_some() {
            break;
        }
        match op.first().copied().unwrap_or(0) % 9 {
            0..=2 => {
                let control = fields.next().and_then(|f| f.first().copied()).unwrap_or(0);
                let mut take =
                    || String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
                let event_type = take();
                let id = take();
                let mut parts = Vec::new();
                for _ in 0..(control >> 4 & 3) {
                    let prefix = take();
                    let text = take();
                    parts.push((prefix, text));
                }
                let no_data = control & 64 != 0;
                let mut event = OwnedServerEvent::without_data();
                if !no_data && parts.is_empty() {
                    parts.push((String::new(), String::new()));
                }
                if no_data {
                    parts.clear();
                }
                for (prefix, text) in &parts {
                    event = if prefix.is_empty() && parts.len() == 1 {
                        event.data(text.clone())
                    } else {
                        event.prefixed_data(prefix.clone(), text.clone())
                    };
                }
                let mut error = None;
                let mut new_type = None;
                if control & 1 != 0 {
                    event = event.event_type(event_type.clone());
                    if event_type.contains(['\r', '\n']) {
                        error = Some(EncodeError::LineBreakInEventType);
                    } else {
                        new_type = Some(event_type);
                    }
                }
                let mut new_id = None;
                if control & 2 != 0 {
                    event = event.id(id.clone());
                    match id.bytes().find(|b| matches!(b, b'\r' | b'\n' | b'\0')) {
                        Some(b'\0') => error = error.or(Some(EncodeError::NulInId)),
                        Some(_) => error = error.or(Some(EncodeError::LineBreakInId)),
                        None => new_id = Some(id),
                    }
                }
                if control & 4 != 0 {
                    let n = u64::from(control) * 1_000_003;
                    event = event.numeric_id(n);
                    new_id = Some(n.to_string());
                }
                if control & 8 != 0 {
                    event = event.retry(u64::from(control));
                }
                assert_eq!(event.error(), error, "the first invalid value");
                queue.borrow_mut().push_back(Item::Event(event));
                if let Some(error) = error {
                    end = Some(Some(ServeError::Event(error)));
                    expect.borrow_mut().push_back(None);
                } else {
                    if let Some(id) = new_id {
                        last_id = id;
                    }
                    let ev = (!no_data).then(|| Ev {
                        event_type: new_type
                            .filter(|t| !t.is_empty())
                            .unwrap_or_else(|| "message".into()),
                        data: expected_data(&parts),
                        id: last_id.clone(),
                    });
                    let retry = (control & 8 != 0).then_some(u64::from(control));
                    expect.borrow_mut().push_back(Some((ev, retry)));
                }
            }
            3 | 4 => {
                if op[0] % 9 == 4 {
                    let step = u64::from(op.get(1).copied().unwrap_or(1)) * 10;
                    clock.0.set(clock.0.get() + Duration::from_millis(step));
                }
                let result = poll(live, &mut out, &mut last_write, &mut want);
                assert_eq!(result, Ok(()), "the body ended early");
            }
            5 => {
                queue.borrow_mut().push_back(Item::Wait);
                expect.borrow_mut().push_back(None);
            }
            6 => {
                queue.borrow_mut().push_back(Item::Fail);
                expect.borrow_mut().push_back(None);
                end = Some(Some(ServeError::Source(SourceFailed)));
            }
            7 => {
                queue.borrow_mut().push_back(Item::End);
                expect.borrow_mut().push_back(None);
                end = Some(None);
            }
            _ => {
                // The client went away: the server drops the body.
                body = None;
                assert!(dropped.get(), "the source outlives the body");
            }
        }
    }

    if let Some(mut live) = body.take() {
        // Everything queued up to the end (or all of it) is written; `Wait`
        // items each stop one poll.
        let mut ended = None;
        let rounds = queue.borrow().len() + 2;
        for _ in 0..rounds {
            match poll(&mut live, &mut out, &mut last_write, &mut want) {
                Ok(()) => {}
                Err(how) => {
                    ended = Some(how);
                    break;
                }
            }
        }
        match end {
            Some(expected) => {
                assert_eq!(ended, Some(expected), "how the body ended");
                // After its end it stays ended.
                let mut rest = Vec::new();
                assert_eq!(poll_all(&mut live, &mut rest), Err(None));
                assert!(rest.is_empty());
            }
            None => assert_eq!(ended, None, "the body ended without a cause"),
        }
        drop(live);
        assert!(dropped.get(), "the source outlives the body");
    }

    let read = reference::parse(&out);
    assert_eq!(read.end, EndKind::Clean);
    assert_eq!(read.events, want.events, "events");
    assert_eq!(read.retries, want.retries, "retries");
    assert_eq!(read.comments, want.comments, "keep-alives");
}

/// Hand-made inputs: each op, prefixes with line breaks, keep-alives before
/// and after events, invalid values, errors, ends and cuts.
pub fn seeds() -> Vec<Vec<u8>> {
    let join = |parts: &[&[u8]]| parts.join(&0xFF);
    let event = |control: u8, t: &[u8], id: &[u8], parts: &[&[u8]]| {
        let mut all: Vec<&[u8]> = vec![b"\x00", std::slice::from_ref(&control), t, id];
        all.extend_from_slice(parts);
        all.join(&0xFF)
    };
    let mut seeds = Vec::new();
    for config in 0u8..4 {
        let c = [config];
        seeds.push(join(&[
            &c,
            &event(0x10, b"", b"", &[b"", b"hello"]),
            b"\x03",
        ]));
        seeds.push(join(&[
            &c,
            &event(
                0x23,
                b"datastar-patch-elements",
                b"7",
                &[b"selector ", b"#x", b"elements ", b"<a>\r\n b\r</a>\n"],
            ),
            b"\x04\x1a",
            b"\x04\x1a",
            &event(0x44, b"", b"", &[]),
            b"\x03",
            b"\x07",
        ]));
        seeds.push(join(&[&c, b"\x04\x19", b"\x04\x01", b"\x04\x30", b"\x03"]));
        seeds.push(join(&[
            &c,
            &event(0x1d, b"t", b"", &[b"p\r", b"\nx"]),
            b"\x05",
            &event(0x10, b"", b"", &[b"a\rb\n", b"c"]),
            b"\x03",
            b"\x03",
        ]));
        seeds.push(join(&[&c, &event(0x01, b"bad\ntype", b"", &[]), b"\x03"]));
        seeds.push(join(&[&c, &event(0x02, b"", b"nul\0", &[]), b"\x03"]));
        seeds.push(join(&[&c, &event(0x00, b"", b"", &[]), b"\x06"]));
        seeds.push(join(&[
            &c,
            &event(0x00, b"", b"", &[]),
            b"\x03",
            b"\x04\x20",
            b"\x08",
        ]));
        seeds.push(join(&[&c, b"\x08"]));
        seeds.push(join(&[&c, b"\x07"]));
    }
    seeds
}
