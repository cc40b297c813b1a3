//! Encoders: ssewire's `ServerEvent` against sse-stream 0.3's `Sse` encoder and
//! axum 0.8's `Event`, on two corpora of events (deterministic, no downloads):
//!
//! - `llm`: 10,000 events of ~30 bytes of one-line JSON, no type, no ID (the
//!   token-streaming case);
//! - `datastar`: 500 events of ~2 KiB of HTML over ~40 lines, event type
//!   `datastar-patch-elements`, an ID each.
//!
//! Runners, each encoding every event of the corpus per iteration:
//!
//! - `ssewire/reused-vec`: `append_to` one `Vec` cleared before each event (a
//!   server writing each event to its transport from one buffer);
//! - `ssewire/vec-per-event`: a new `Vec` sized by `encoded_len` per event
//!   (what it costs to hand each event off as its own buffer);
//! - `ssewire/slice`: `encode_into` a reused `&mut [u8]`;
//! - `ssewire/body`: `OwnedServerEvent`s built in the timed loop through an
//!   `EventStreamBody`, polled frame by frame on a no-op waker like axum's
//!   `Sse` below (the body puts the events that are ready into frames of
//!   about 16 KiB). The events borrow the corpus's `'static` text, as they
//!   would take a `String` a server made (moved in, not copied); the body
//!   copies it once into its frame, where axum copies it once into the
//!   event's buffer;
//! - `sse-stream`: `Bytes::try_from(Sse)`, on `Sse` values cloned before the
//!   timed routine (its API takes owned `String`s; freeing them is timed);
//! - `axum`: `Event::default().event(..).id(..).data(..)` (building is
//!   encoding, into a `BytesMut` per event), rendered the only way axum offers
//!   without a server: an `Sse` response body polled frame by frame (one frame
//!   per event, `finalize` is private), on a no-op waker.
//!
//! Before timing, each runner's output is parsed back with ssewire's decoder
//! and must give the corpus's events. Throughput is ssewire's encoded length
//! of the corpus, the same nominal bytes for every runner; events/s is the
//! event count over the time per iteration. Every timed closure asserts the
//! bytes it produced.

use std::convert::Infallible;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::response::IntoResponse;
use bytes::Bytes;
use criterion::{black_box, BatchSize, Criterion, Throughput};
use http_body_util::BodyExt;
use ssewire::{EventStreamBody, OwnedServerEvent, Parser, ServerEvent, Step};

struct Ev {
    event_type: &'static str,
    data: String,
    id: Option<String>,
}

/// xorshift64*: deterministic variety without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

const WORDS: [&str; 8] = [
    "the", " quick", " brown", " fox", "é", " jumps", "\\n", " 😀",
];

fn llm() -> Vec<Ev> {
    let mut rng = Rng(0x5EED);
    (0..10_000)
        .map(|i| {
            let word = WORDS[(rng.next() % 8) as usize];
            Ev {
                event_type: "",
                data: format!("{{\"i\":{i},\"t\":\"{word}\",\"f\":null}}"),
                id: None,
            }
        })
        .collect()
}

fn datastar() -> Vec<Ev> {
    let mut rng = Rng(0xDA7A);
    (0..500)
        .map(|i| {
            let mut data = format!("selector #list-{i}\nmode inner\n");
            while data.len() < 2048 {
                let n = rng.next() % 1000;
                data.push_str(&format!(
                    "elements <li id=\"item-{n}\" class=\"row\"><span>{}</span></li>\n",
                    WORDS[(n % 8) as usize].trim()
                ));
            }
            data.pop();
            Ev {
                event_type: "datastar-patch-elements",
                data,
                id: Some(i.to_string()),
            }
        })
        .collect()
}

/// Like the other runners: only the fields the event has.
fn server_event(ev: &Ev) -> ServerEvent<'_> {
    let mut event = ServerEvent::new(&ev.data);
    if !ev.event_type.is_empty() {
        event = event.event_type(ev.event_type).expect("valid");
    }
    if let Some(id) = &ev.id {
        event = event.id(id).expect("valid");
    }
    event
}

fn sse(ev: &Ev) -> sse_stream::Sse {
    sse_stream::Sse {
        event: (!ev.event_type.is_empty()).then(|| ev.event_type.to_string()),
        data: Some(ev.data.clone()),
        id: ev.id.clone(),
        retry: None,
    }
}

fn axum_event(ev: &Ev) -> axum::response::sse::Event {
    let mut event = axum::response::sse::Event::default();
    if !ev.event_type.is_empty() {
        event = event.event(ev.event_type);
    }
    if let Some(id) = &ev.id {
        event = event.id(id);
    }
    event.data(&ev.data)
}

/// axum: the corpus through an `Sse` body; `each` sees every frame.
fn axum_frames(events: &'static [Ev], mut each: impl FnMut(&Bytes)) {
    let stream = futures::stream::iter(events.iter().map(|ev| Ok::<_, Infallible>(axum_event(ev))));
    let mut body = axum::response::Sse::new(stream).into_response().into_body();
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    loop {
        let frame = std::pin::pin!(body.frame());
        match frame.poll(&mut cx) {
            Poll::Ready(Some(Ok(frame))) => each(frame.data_ref().expect("data frame")),
            Poll::Ready(None) => break,
            Poll::Ready(Some(Err(error))) => panic!("{error}"),
            Poll::Pending => unreachable!("the stream is always ready"),
        }
    }
}

/// ssewire: the corpus as owned events through an `EventStreamBody`.
fn body_frames(events: &'static [Ev], mut each: impl FnMut(&Bytes)) {
    let stream = futures::stream::iter(events.iter().map(|ev| {
        let mut event = OwnedServerEvent::new(ev.data.as_str()).event_type(ev.event_type);
        if let Some(id) = &ev.id {
            event = event.id(id.as_str());
        }
        event
    }));
    let mut body = EventStreamBody::new(stream);
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    loop {
        let frame = std::pin::pin!(body.frame());
        match frame.poll(&mut cx) {
            Poll::Ready(Some(Ok(frame))) => each(frame.data_ref().expect("data frame")),
            Poll::Ready(None) => break,
            Poll::Ready(Some(Err(error))) => panic!("{error}"),
            Poll::Pending => unreachable!("the stream is always ready"),
        }
    }
}

use std::future::Future as _;

/// Parses a stream back: `(event type, data, id)` per event.
fn decode(stream: &[u8]) -> Vec<(String, String, String)> {
    let mut decoder = Parser::new(Vec::new());
    let mut out = Vec::new();
    let mut input = stream;
    loop {
        let (step, used) = decoder.feed(input);
        input = &input[used..];
        match step.expect("no limit") {
            Step::Event(e) => out.push((
                e.event_type_lossy().into_owned(),
                e.data_lossy().into_owned(),
                e.id_lossy().into_owned(),
            )),
            Step::NeedInput => break,
            _ => {}
        }
    }
    out
}

fn verify(name: &str, events: &[Ev], stream: &[u8]) {
    let mut id = String::new();
    let expected: Vec<_> = events
        .iter()
        .map(|ev| {
            if let Some(new_id) = &ev.id {
                id.clone_from(new_id);
            }
            let event_type = if ev.event_type.is_empty() {
                "message"
            } else {
                ev.event_type
            };
            (event_type.to_string(), ev.data.clone(), id.clone())
        })
        .collect();
    assert!(
        decode(stream) == expected,
        "{name}: the decoder does not read back the corpus"
    );
}

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1000))
        .without_plots()
        .configure_from_args();

    for (name, events) in [("llm", llm()), ("datastar", datastar())] {
        let events: &'static [Ev] = Box::leak(events.into_boxed_slice());
        let total: usize = events.iter().map(|ev| server_event(ev).encoded_len()).sum();
        let owned: Vec<sse_stream::Sse> = events.iter().map(sse).collect();

        // Each runner's whole output, read back.
        let mut stream = Vec::new();
        for ev in events {
            server_event(ev).append_to(&mut stream);
        }
        verify("ssewire", events, &stream);
        let mut sse_stream_out = Vec::new();
        for s in owned.clone() {
            sse_stream_out.extend_from_slice(&Bytes::try_from(s).expect("valid"));
        }
        verify("sse-stream", events, &sse_stream_out);
        let mut axum_out = Vec::new();
        axum_frames(events, |frame| axum_out.extend_from_slice(frame));
        verify("axum", events, &axum_out);
        let mut body_out = Vec::new();
        body_frames(events, |frame| body_out.extend_from_slice(frame));
        verify("ssewire/body", events, &body_out);
        assert_eq!(body_out, stream, "the body writes the encoder's bytes");
        let (sse_stream_total, axum_total) = (sse_stream_out.len(), axum_out.len());
        eprintln!(
            "encode/{name}: {} events, {total} bytes (sse-stream {sse_stream_total}, axum {axum_total})",
            events.len()
        );

        let mut group = criterion.benchmark_group(format!("encode/{name}"));
        group.throughput(Throughput::Bytes(total as u64));
        group.bench_function("ssewire/reused-vec", |b| {
            let mut buf = Vec::new();
            b.iter(|| {
                let mut written = 0;
                for ev in black_box(events) {
                    buf.clear();
                    written += server_event(ev).append_to(&mut buf);
                    black_box(&buf);
                }
                assert_eq!(written, total);
            });
        });
        group.bench_function("ssewire/vec-per-event", |b| {
            b.iter(|| {
                let mut written = 0;
                for ev in black_box(events) {
                    let event = server_event(ev);
                    let mut buf = Vec::with_capacity(event.encoded_len());
                    written += event.append_to(&mut buf);
                    black_box(buf);
                }
                assert_eq!(written, total);
            });
        });
        group.bench_function("ssewire/slice", |b| {
            let mut buf = vec![0u8; 1 << 16];
            b.iter(|| {
                let mut written = 0;
                for ev in black_box(events) {
                    written += server_event(ev).encode_into(&mut buf).expect("fits");
                    black_box(&buf);
                }
                assert_eq!(written, total);
            });
        });
        group.bench_function("ssewire/body", |b| {
            b.iter(|| {
                let mut written = 0;
                body_frames(black_box(events), |frame| {
                    written += frame.len();
                    black_box(frame);
                });
                assert_eq!(written, total);
            });
        });
        group.bench_function("sse-stream", |b| {
            b.iter_batched(
                || owned.clone(),
                |owned| {
                    let mut written = 0;
                    for s in owned {
                        let bytes = Bytes::try_from(s).expect("valid");
                        written += bytes.len();
                        black_box(bytes);
                    }
                    assert_eq!(written, sse_stream_total);
                },
                BatchSize::LargeInput,
            );
        });
        group.bench_function("axum", |b| {
            b.iter(|| {
                let mut written = 0;
                axum_frames(black_box(events), |frame| {
                    written += frame.len();
                    black_box(frame);
                });
                assert_eq!(written, axum_total);
            });
        });
        group.finish();
    }
    criterion.final_summary();
}
