//! `ssewire cat URL` after a redirect: the next attempt goes to where the
//! redirect led (as Chromium's `EventSource` does), not back to the URL
//! asked for. An axum server on 127.0.0.1 (an ephemeral port) counts the
//! requests of each path.

mod common;

use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Response, StatusCode, Uri};

#[test]
fn a_reconnection_goes_where_the_redirect_led() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let hits = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let counted = Arc::clone(&hits);
    let app = axum::Router::new().fallback(move |uri: Uri| {
        let hits = Arc::clone(&counted);
        async move {
            let answer = Response::builder();
            if uri.path() == "/start" {
                hits[0].fetch_add(1, Ordering::SeqCst);
                return answer
                    .status(StatusCode::TEMPORARY_REDIRECT)
                    .header("location", "/stream")
                    .body(Body::empty())
                    .expect("a response");
            }
            // One event per connection, then the server closes.
            let n = hits[1].fetch_add(1, Ordering::SeqCst);
            answer
                .header("content-type", "text/event-stream")
                .body(Body::from(format!("retry: 50\nid: {n}\ndata: {n}\n\n")))
                .expect("a response")
        }
    });
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let url = format!(
        "http://{}/start",
        listener.local_addr().expect("an address")
    );
    runtime.spawn(async move { axum::serve(listener, app).await });

    let mut child = common::ssewire(&["cat", &url, "--until-data", "2"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssewire starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("waits").is_none() {
        assert!(Instant::now() < deadline, "ssewire ran past its deadline");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("its output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let events = stdout
        .lines()
        .filter(|l| l.starts_with("{\"type\""))
        .count();
    assert_eq!(events, 3, "three events: {stdout}");
    assert_eq!(
        hits[1].load(Ordering::SeqCst),
        3,
        "three connections to the stream"
    );
    assert_eq!(
        hits[0].load(Ordering::SeqCst),
        1,
        "the redirect was asked for once"
    );
}
