//! Serving: `OwnedServerEvent` (data parts with line prefixes, JSON, numeric
//! IDs), `DataWriter::prefixed_lines` and `EventStreamBody`, read back by the
//! reference model and ssewire's parser. The body runs without a runtime
//! here (a manual clock, polled by hand); over real HTTP in
//! `http-tests/tests/serve.rs`.
#![cfg(feature = "server")]

#[macro_use]
mod regressions;
use std::time::Duration;

use proptest::prelude::*;
use ssewire::{EncodeError, EventStreamBody, OwnedServerEvent, ServerEvent};
use ssewire_testkit::reference::{self, Ev};
use ssewire_testkit::serve;

/// Text that trips encoders, as in tests/encode.rs.
fn text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        4 => prop::sample::select(vec![
            "\r", "\n", "\r\n", "\n\r", " ", "\0", "\u{2028}", "é", "😀", "data: x",
            "elements ", "signals ", ":", "a", "<div>",
        ])
        .prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(atom, 0..10).prop_map(|atoms| atoms.concat())
}

fn one_line() -> impl Strategy<Value = String> {
    text().prop_map(|t| {
        t.chars()
            .filter(|c| !matches!(c, '\r' | '\n' | '\0'))
            .collect()
    })
}

/// What the model reads back from one encoded event.
fn read_one(bytes: &[u8]) -> Ev {
    let read = reference::parse(bytes);
    assert_eq!(read.end, reference::EndKind::Clean);
    assert_eq!(read.events.len(), 1, "{:?}", String::from_utf8_lossy(bytes));
    read.events[0].clone()
}

proptest! {
    #![proptest_config(regressions_config!(500, "server"))]

    /// Any data parts, each with any prefix, read back as prefix + line per
    /// line, parts joined by LF; the `DataWriter` with `prefixed_lines` (with
    /// the text cut anywhere) writes the same bytes when prefixes are static.
    #[test]
    fn prefixed_parts_read_back(
        parts in prop::collection::vec((one_line(), text()), 1..4),
        event_type in one_line(),
        id in prop::option::of(any::<u64>()),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut event = OwnedServerEvent::without_data().event_type(event_type.clone());
        if let Some(id) = id {
            event = event.numeric_id(id);
        }
        for (prefix, text) in &parts {
            event = event.prefixed_data(prefix.clone(), text.clone());
        }
        let bytes = event.to_vec().unwrap();
        prop_assert_eq!(bytes.len(), event.encoded_len());
        prop_assert_eq!(&event.to_bytes().unwrap()[..], &bytes[..]);
        let read = read_one(&bytes);
        prop_assert_eq!(read.data, serve::expected_data(&parts));
        let want_type = if event_type.is_empty() { "message" } else { &event_type };
        prop_assert_eq!(read.event_type, want_type);
        prop_assert_eq!(read.id, id.map(|n| n.to_string()).unwrap_or_default());

        // The same through DataWriter (prefixes leaked to be 'static: test only).
        let mut header = ServerEvent::without_data().event_type(&event_type).unwrap();
        let digits = id.map(|n| n.to_string());
        if let Some(digits) = &digits {
            header = header.id(digits).unwrap();
        }
        let mut out = Vec::new();
        let mut writer = header.data_writer(&mut out).unwrap();
        for (prefix, text) in &parts {
            let prefix: &'static str = Box::leak(prefix.clone().into_boxed_str());
            writer.prefixed_lines(prefix).unwrap();
            let at = cut.index(text.len() + 1);
            writer.push_bytes(&text.as_bytes()[..at]).unwrap();
            writer.push_bytes(&text.as_bytes()[at..]).unwrap();
        }
        writer.finish().unwrap();
        prop_assert_eq!(out, bytes);
    }

    /// The response body: random scripts of events, waits, clock steps,
    /// errors, ends and cuts through the fuzz check (the reference model
    /// reads back exactly the events, retries and keep-alives).
    #[test]
    fn body_scripts(ops in prop::collection::vec(
        prop_oneof![
            3 => (any::<u8>(), one_line(), one_line(), prop::collection::vec((one_line(), text()), 0..3))
                .prop_map(|(control, t, id, parts)| {
                    let mut fields = vec![vec![0u8], vec![control & 0x7f | (parts.len() as u8) << 4], t.into_bytes(), id.into_bytes()];
                    for (p, d) in parts {
                        fields.push(p.into_bytes());
                        fields.push(d.into_bytes());
                    }
                    fields
                }),
            2 => Just(vec![vec![3u8]]),
            2 => any::<u8>().prop_map(|step| vec![vec![4u8, step % 60]]),
            1 => Just(vec![vec![5u8]]),
            1 => prop::sample::select(vec![6u8, 7, 8]).prop_map(|op| vec![vec![op]]),
        ],
        0..24,
    ), config in 0u8..4) {
        let mut fields = vec![vec![config]];
        fields.extend(ops.into_iter().flatten());
        let input = fields.join(&0xFF);
        serve::body(&input);
    }
}

/// Pretty-printed JSON has line breaks between tokens, never inside
/// strings: every line reads back, and the data is the JSON text itself.
#[cfg(feature = "serde")]
#[test]
fn json_pretty_and_compact_read_back_as_the_same_json() {
    let value = serde_json::json!({
        "text": "line\nbreak\r\nand\rcr",
        "nested": { "list": [1, 2.5, null, true, "\u{2028}"], "empty": {} },
        "key with spaces": "  ",
    });
    for (pretty, prefix) in [
        (false, ""),
        (true, ""),
        (false, "signals "),
        (true, "signals "),
    ] {
        let event = OwnedServerEvent::without_data();
        let event = if pretty {
            event.pretty_json_data(prefix, &value).unwrap()
        } else {
            event.json_data(prefix, &value).unwrap()
        };
        let read = read_one(&event.to_vec().unwrap());
        let json = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        assert_eq!(pretty, json.contains('\n'));
        let want: Vec<String> = json.lines().map(|l| format!("{prefix}{l}")).collect();
        assert_eq!(read.data, want.join("\n"));
        // Without a prefix, the data parses back to the same value.
        if prefix.is_empty() {
            let back: serde_json::Value = serde_json::from_str(&read.data).unwrap();
            assert_eq!(back, value);
        }
    }
    let read = read_one(&OwnedServerEvent::json(&[1, 2]).unwrap().to_vec().unwrap());
    assert_eq!(read.data, "[1,2]");
    // serde_json's own refusal: a map with keys that are not strings.
    let map: std::collections::BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
    assert!(OwnedServerEvent::json(&map).is_err());
}

#[test]
fn the_first_invalid_value_is_reported_by_every_writer() {
    let event = OwnedServerEvent::new("d")
        .id("a\0")
        .event_type("x\ny")
        .id("ok");
    assert_eq!(event.error(), Some(EncodeError::NulInId));
    assert_eq!(event.to_vec(), Err(EncodeError::NulInId));
    assert_eq!(event.encoded_len(), 0);
    let mut out = Vec::new();
    assert_eq!(event.append_to(&mut out), Err(EncodeError::NulInId));
    assert!(out.is_empty());
    assert_eq!(event.clone().check().unwrap_err(), EncodeError::NulInId);
    assert_eq!(event.write(&mut out), Err(Err(EncodeError::NulInId)));
    // Numeric IDs and literals need no handling at all.
    let bytes = OwnedServerEvent::new("x")
        .numeric_id(u64::MAX)
        .event_type("t")
        .to_vec();
    assert_eq!(
        bytes.unwrap(),
        b"event: t\nid: 18446744073709551615\ndata: x\n\n"
    );
}

#[test]
fn owned_event_matches_server_event_byte_for_byte() {
    for data in ["", "a", "a\r\nb\rc\n", " lead", "\n\n"] {
        let owned = OwnedServerEvent::new(data.to_string())
            .event_type("patch")
            .id("7")
            .retry(3000);
        let borrowed = ServerEvent::new(data)
            .event_type("patch")
            .unwrap()
            .id("7")
            .unwrap()
            .retry(3000);
        let mut want = Vec::new();
        borrowed.append_to(&mut want);
        assert_eq!(owned.to_vec().unwrap(), want, "{data:?}");
    }
    let mut want = Vec::new();
    ServerEvent::without_data()
        .id("9")
        .unwrap()
        .append_to(&mut want);
    assert_eq!(
        OwnedServerEvent::without_data().id("9").to_vec().unwrap(),
        want
    );
}

/// Owned events cross threads.
#[test]
fn owned_events_are_send_and_sync() {
    fn check<T: Send + Sync + 'static>() {}
    check::<OwnedServerEvent>();
    let (tx, rx) = std::sync::mpsc::channel();
    let sent = std::thread::spawn(move || {
        tx.send(OwnedServerEvent::new(String::from("x")).numeric_id(1))
            .is_ok()
    });
    assert!(sent.join().unwrap());
    assert_eq!(rx.recv().unwrap().to_vec().unwrap(), b"id: 1\ndata: x\n\n");
}

/// Ready events go out together, in frames of about 16 KiB, each ending
/// between events; the headers come with `into_response`.
#[test]
fn ready_events_share_frames_and_the_response_has_the_headers() {
    use http_body::Body as _;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    let events: Vec<OwnedServerEvent> = (0..2000u64)
        .map(|n| OwnedServerEvent::new(format!("event {n}")).numeric_id(n))
        .collect();
    let response = EventStreamBody::new(futures::stream::iter(events))
        .retry(Duration::from_millis(2500))
        .into_response();
    assert_eq!(response.status(), 200);
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        headers,
        [
            ("content-type".into(), "text/event-stream".into()),
            ("cache-control".into(), "no-cache".into()),
            ("x-accel-buffering".into(), "no".into()),
        ]
    );
    let mut body = response.into_body();
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut frames = Vec::new();
    loop {
        match Pin::new(&mut body).poll_frame(&mut cx) {
            Poll::Ready(Some(frame)) => frames.push(frame.unwrap().into_data().unwrap()),
            Poll::Ready(None) => break,
            Poll::Pending => panic!("an iterator never waits"),
        }
    }
    assert!(body.is_end_stream());
    assert!(
        frames.len() > 1 && frames.len() < 10,
        "{} frames",
        frames.len()
    );
    let all: Vec<u8> = frames.concat();
    let read = reference::parse(&all);
    assert_eq!(read.retries, [2500]);
    assert_eq!(read.events.len(), 2000);
    assert_eq!(read.events[1999].data, "event 1999");
    assert_eq!(read.last_event_id, "1999");
    let mut at = 0;
    for frame in &frames {
        at += frame.len();
        assert_eq!(reference::parse(&all[..at]).end, reference::EndKind::Clean);
    }
}
