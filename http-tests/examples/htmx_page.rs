//! `htmx_page`: an htmx 2 page fed by an event stream written with
//! `EventStreamBody`. The page connects with `sse-connect`, each target
//! swaps in the events of its name (`sse-swap`), and `sse-close` closes the
//! stream at the `done` event. htmx and its SSE extension are served from
//! the npm packages pinned in `http-tests/web` (`npm ci` there first), so
//! it works offline. Listens on 127.0.0.1 only.
//!
//! ```text
//! (cd http-tests/web && npm ci)
//! cargo run -p ssewire-http-tests --example htmx_page
//! ```
//!
//! `http-tests/tests/browser_pages.rs` runs this page in headless Chromium
//! and checks the DOM against what was sent.

use std::time::Duration;

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use futures_util::{stream, StreamExt};
use ssewire::{EventStreamBody, OwnedServerEvent, TokioClock};

/// The page: three targets, routed by event name.
pub const PAGE: &str = r#"<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>ssewire + htmx</title>
<script src="/js/htmx.min.js"></script>
<script src="/js/sse.js"></script>
</head>
<body>
<div id="stream" hx-ext="sse" sse-connect="/events" sse-close="done">
  <div id="status" sse-swap="status">connecting</div>
  <div id="list" sse-swap="list"></div>
  <div id="message" sse-swap="message"></div>
</div>
</body>
</html>
"#;

/// What the stream sends, in order: a multi-line fragment, data with CR and
/// CRLF line breaks (the browser reads both as LF), a later event of a name
/// replacing the first, an unnamed event (`message`), then `done`.
pub fn events() -> Vec<OwnedServerEvent> {
    vec![
        OwnedServerEvent::new("<b>streaming</b>").event_type("status"),
        OwnedServerEvent::new("<ul>\n<li>one</li>\n<li>two</li>\n</ul>").event_type("list"),
        OwnedServerEvent::new("<p>cr</p>\r<p>crlf</p>\r\n<p>lf</p>\n").numeric_id(1),
        OwnedServerEvent::new("<i>done</i>").event_type("status"),
        OwnedServerEvent::new("").event_type("done"),
    ]
}

/// The page, its scripts and the stream.
pub fn app() -> Router {
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/js/{file}", get(ssewire_http_tests::npm::js))
        .route(
            "/events",
            get(|| async {
                // A little apart, as a live stream would be.
                let events = stream::iter(events()).then(|event| async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    event
                });
                // A cut stream is reopened after 250 ms; `done` closes it.
                EventStreamBody::new(events)
                    .keep_alive(Duration::from_secs(15), TokioClock::new())
                    .retry(Duration::from_millis(250))
                    .into_response()
            }),
        )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("open http://{}/", listener.local_addr()?);
    axum::serve(listener, app()).await
}
