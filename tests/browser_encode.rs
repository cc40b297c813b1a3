//! A real browser reads the encoder's output back: a loopback HTTP server
//! (127.0.0.1, ephemeral port, `std::net` and threads) serves a page whose
//! `EventSource` reads a stream of tricky events written by ssewire, then
//! posts each event's type, data and `lastEventId` back; they must equal what
//! was given to the encoder. Headless Chromium (`/usr/bin/chromium`, or
//! `SSEWIRE_CHROMIUM`) is started by this test, stopped by its process id
//! (`ssewire_testkit::browser`), and everything is bounded in time.
//!
//! Without Chromium the test says it was skipped and passes, unless
//! `SSEWIRE_REQUIRE_BROWSER=1` (CI), where it fails.
#![cfg(feature = "std")]

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use ssewire::{Comment, IoSink, ServerEvent, KEEP_ALIVE};
use ssewire_testkit::browser;

const DEADLINE: Duration = Duration::from_secs(60);

/// What the server writes, in order.
enum Item {
    /// An event: type (empty: `message`), data, new ID, how it is written.
    Event {
        event_type: String,
        data: String,
        id: Option<String>,
        how: How,
    },
    /// A block without data: no event, but the ID applies.
    Block {
        id: Option<String>,
        retry: Option<u64>,
    },
    Comment(String),
    KeepAlive,
}

#[derive(Clone, Copy)]
enum How {
    /// `ServerEvent::write_to`.
    WriteTo,
    /// `ServerEvent::append_to` a reused `Vec`, then one write.
    Vec,
    /// `DataWriter` with the data cut every `n` bytes (inside characters too).
    Pieces(usize),
}

fn event(event_type: &str, data: &str, id: Option<&str>, how: How) -> Item {
    Item::Event {
        event_type: event_type.into(),
        data: data.into(),
        id: id.map(Into::into),
        how,
    }
}

/// Every case of the encoder's rules, a 1 MiB event, 1,000 events.
fn items() -> Vec<Item> {
    use How::{Pieces, Vec as V, WriteTo as W};
    let mut items = vec![
        Item::Comment("hello\r\nbrowser".into()),
        event("", "plain", None, W),
        event("", "a\nb", Some("1"), W),
        event("", "a\rb", None, V),
        event("", "a\r\nb", None, Pieces(2)),
        event("patch", "trailing\n", None, W),
        event("patch", "trailing crlf\r\n", None, Pieces(14)),
        event("", "", Some("2"), W),
        event("", "lone cr\r", None, V),
        event("", "\r", None, Pieces(1)),
        event("", "\n\n\n", None, W),
        event("", " leading space", None, W),
        event("", "  two", None, V),
        event("", "nul\0inside", None, W),
        event("", "line\u{2028}separator\u{2029}para\u{85}nel", None, W),
        event("ünï", "é€😀 ünïcödé", Some("ïd ünï"), Pieces(3)),
        event(" spaced", "\u{FEFF}bom inside", Some(" 7"), W),
        event("a:b", "data: not a field\nid: 99\nevent: nope", None, W),
        Item::KeepAlive,
        Item::Block {
            id: Some("after-block".into()),
            retry: None,
        },
        event("", "id from the block", None, W),
        Item::Block {
            id: None,
            retry: Some(1500),
        },
        event("", "after retry", None, V),
        event("", "empty id clears", Some(""), W),
        event(
            "datastar-patch-elements",
            &"<div id=\"x\">\n  <p>hi</p>\r\n</div>\r".repeat(40),
            Some("ds"),
            Pieces(7),
        ),
    ];
    // 1 MiB: one line, and many lines with every kind of break.
    items.push(event("big", &"x".repeat(1 << 20), Some("big-1"), V));
    let mut lines = String::new();
    for (i, brk) in ["\n", "\r", "\r\n"]
        .iter()
        .cycle()
        .take((1 << 20) / 64)
        .enumerate()
    {
        lines.push_str(&format!("{i:>60}"));
        lines.push_str(brk);
    }
    items.push(event("big", &lines, Some("big-2"), Pieces(4093)));
    for i in 0..1000 {
        let id = (i % 7 == 0).then(|| i.to_string());
        items.push(event(
            if i % 2 == 0 { "" } else { "tick" },
            &format!("event {i}"),
            id.as_deref(),
            if i % 3 == 0 { W } else { V },
        ));
    }
    items
}

/// The events the page must report: `(type, data, lastEventId)`.
fn expected(items: &[Item]) -> Vec<(String, String, String)> {
    let mut id = String::new();
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Event {
                event_type,
                data,
                id: new_id,
                ..
            } => {
                if let Some(new_id) = new_id {
                    id.clone_from(new_id);
                }
                let event_type = if event_type.is_empty() {
                    "message"
                } else {
                    event_type
                };
                let data = data.replace("\r\n", "\n").replace('\r', "\n");
                out.push((event_type.to_string(), data, id.clone()));
            }
            Item::Block {
                id: Some(new_id), ..
            } => id.clone_from(new_id),
            _ => {}
        }
    }
    out
}

/// Writes the stream: the items, then the `done` event.
fn write_stream(out: &mut impl Write, items: &[Item]) -> std::io::Result<()> {
    let mut buf = Vec::new();
    for item in items {
        match item {
            Item::Event {
                event_type,
                data,
                id,
                how,
            } => {
                let mut event = ServerEvent::new(data)
                    .event_type(event_type)
                    .expect("valid");
                if let Some(id) = id {
                    event = event.id(id).expect("valid");
                }
                match *how {
                    How::WriteTo => {
                        event.write_to(&mut *out)?;
                    }
                    How::Vec => {
                        buf.clear();
                        event.append_to(&mut buf);
                        out.write_all(&buf)?;
                    }
                    How::Pieces(n) => {
                        let mut header = ServerEvent::without_data()
                            .event_type(event_type)
                            .expect("valid");
                        if let Some(id) = id {
                            header = header.id(id).expect("valid");
                        }
                        let mut writer = header.data_writer(IoSink(&mut *out))?;
                        for piece in data.as_bytes().chunks(n) {
                            writer.push_bytes(piece)?;
                        }
                        writer.finish()?;
                    }
                }
            }
            Item::Block { id, retry } => {
                let mut block = ServerEvent::without_data();
                if let Some(id) = id {
                    block = block.id(id).expect("valid");
                }
                if let Some(ms) = retry {
                    block = block.retry(*ms);
                }
                block.write_to(&mut *out)?;
            }
            Item::Comment(text) => {
                Comment::new(text).write(IoSink(&mut *out))?;
            }
            Item::KeepAlive => out.write_all(KEEP_ALIVE)?,
        }
    }
    ServerEvent::new("end")
        .event_type("done")
        .expect("valid")
        .write_to(&mut *out)?;
    out.flush()
}

/// The page: listens for every event type used, reports them all at `done`,
/// and closes the `EventSource` so that it does not reconnect.
fn page(types: &[String]) -> String {
    let types = serde_json::to_string(types).expect("JSON");
    format!(
        r#"<!doctype html>
<meta charset="utf-8">
<title>ssewire</title>
<script>
const seen = [];
const es = new EventSource("/events");
const record = (e) => seen.push({{ type: e.type, data: e.data, id: e.lastEventId }});
for (const type of {types}) es.addEventListener(type, record);
const report = (body) => fetch("/report", {{ method: "POST", body: JSON.stringify(body) }});
es.addEventListener("done", () => {{ es.close(); report({{ events: seen }}); }});
es.onerror = () => {{ es.close(); report({{ error: "EventSource error", events: seen }}); }};
</script>
"#
    )
}

/// One request: the request line and the body.
fn read_request(stream: &TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok((request_line, body))
}

fn respond(
    mut stream: &TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

fn serve(
    stream: &TcpStream,
    page: &str,
    items: &[Item],
    streams: &AtomicUsize,
    reports: &mpsc::Sender<Vec<u8>>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(DEADLINE))?;
    stream.set_write_timeout(Some(DEADLINE))?;
    let (request_line, body) = read_request(stream)?;
    let mut parts = request_line.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some("GET"), Some("/")) => respond(
            stream,
            "200 OK",
            "text/html; charset=utf-8",
            page.as_bytes(),
        ),
        // A second request would be a reconnection: 204 tells EventSource to stop.
        (Some("GET"), Some("/events")) if streams.fetch_add(1, Ordering::SeqCst) > 0 => {
            respond(stream, "204 No Content", "text/plain", b"")
        }
        (Some("GET"), Some("/events")) => {
            let mut out = BufWriter::new(stream);
            out.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n")?;
            write_stream(&mut out, items)
        }
        (Some("POST"), Some("/report")) => {
            let _ = reports.send(body);
            respond(stream, "204 No Content", "text/plain", b"")
        }
        _ => respond(stream, "404 Not Found", "text/plain", b"not found"),
    }
}

#[test]
fn chromium_reads_back_exactly_what_was_encoded() {
    let Some(chromium) = browser::chromium_or_skip("browser_encode") else {
        return;
    };

    let items = Arc::new(items());
    let expected = expected(&items);
    let mut types: Vec<String> = expected.iter().map(|(t, _, _)| t.clone()).collect();
    types.sort();
    types.dedup();
    let page = Arc::new(page(&types));

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("address").port();
    let (report_tx, report_rx) = mpsc::channel();
    let streams = Arc::new(AtomicUsize::new(0));
    {
        let streams = Arc::clone(&streams);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (page, items, streams, reports) = (
                    Arc::clone(&page),
                    Arc::clone(&items),
                    Arc::clone(&streams),
                    report_tx.clone(),
                );
                thread::spawn(move || {
                    let _ = serve(&stream, &page, &items, &streams, &reports);
                });
            }
        });
    }

    let _browser = browser::Browser::launch(&chromium, &format!("http://127.0.0.1:{port}/"), port);

    let started = Instant::now();
    let body = report_rx
        .recv_timeout(DEADLINE)
        .expect("the page reports within 60 s");
    let report: serde_json::Value = serde_json::from_slice(&body).expect("JSON report");
    assert!(
        report.get("error").is_none(),
        "the page saw an error after {} events",
        report["events"].as_array().map_or(0, Vec::len)
    );
    let seen: Vec<(String, String, String)> = report["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            let field = |name: &str| e[name].as_str().expect("string").to_string();
            (field("type"), field("data"), field("id"))
        })
        .collect();

    assert_eq!(seen.len(), expected.len(), "number of events");
    for (i, (seen, expected)) in seen.iter().zip(&expected).enumerate() {
        // Data can be 1 MiB: say where it differs rather than print it.
        let differs_at = seen
            .1
            .bytes()
            .zip(expected.1.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(seen.1.len().min(expected.1.len()));
        let excerpt = |data: &str| {
            data.get(differs_at..)
                .map(|s| s.chars().take(20).collect::<String>())
        };
        assert!(
            seen == expected,
            "event {i}: the browser read (type, id) {:?}, expected {:?}; data of {} bytes, expected {}, \
             first difference at byte {differs_at}: {:?} vs {:?}",
            (&seen.0, &seen.2),
            (&expected.0, &expected.2),
            seen.1.len(),
            expected.1.len(),
            excerpt(&seen.1),
            excerpt(&expected.1),
        );
    }
    assert_eq!(
        streams.load(Ordering::SeqCst),
        1,
        "the page did not reconnect"
    );
    eprintln!(
        "browser_encode: Chromium read back {} events ({:.2} MiB of data) in {:.1} s",
        seen.len(),
        seen.iter().map(|e| e.1.len()).sum::<usize>() as f64 / f64::from(1 << 20),
        started.elapsed().as_secs_f64()
    );
}
