//! `datastar_page`: a Datastar page whose button POSTs its signals
//! (`data-on-click="@post('/increment')"`); the answer is an event stream
//! written with `EventStreamBody` that merges a multi-line fragment and
//! signals. Datastar wants its key at the start of every data line
//! (`fragments <line>`, `signals <line>`): `prefixed_data` and
//! `pretty_json_data` write them. Datastar is served from the npm package
//! pinned in `http-tests/web` (`npm ci` there first; 1.0.0-beta.11, whose
//! events are `datastar-merge-fragments` and `datastar-merge-signals`), so
//! it works offline. Listens on 127.0.0.1 only.
//!
//! ```text
//! (cd http-tests/web && npm ci)
//! cargo run -p ssewire-http-tests --example datastar_page
//! ```
//!
//! `http-tests/tests/browser_pages.rs` runs this page in headless Chromium
//! and checks the DOM and the signals against what was sent.

use axum::body::Bytes;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use axum::Router;
use futures_util::stream;
use ssewire::{EventStreamBody, OwnedServerEvent};

/// The page: a counter and a note (signals shown with `data-text`), a list
/// that the answer replaces, and the button.
pub const PAGE: &str = r#"<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>ssewire + Datastar</title>
<script type="module" src="/js/datastar.js"></script>
</head>
<body>
<div data-signals="{count: 41, note: ''}">
<button id="increment" data-on-click="@post('/increment')">Increment</button>
<p>Count: <span id="count" data-text="$count"></span></p>
<pre id="note" data-text="$note"></pre>
<ul id="list"><li>nothing yet</li></ul>
</div>
</body>
</html>
"#;

/// The answer to signals `{"count": n, ...}`: the list, then the signals.
pub fn answer(signals: &serde_json::Value) -> Vec<OwnedServerEvent> {
    let count = signals["count"].as_i64().unwrap_or(0) + 1;
    let items: Vec<String> = (count - 2..=count)
        .map(|i| format!("<li>item {i}</li>"))
        .collect();
    let list = format!("<ul id=\"list\">\n{}\n</ul>", items.join("\n"));
    let note = format!("count was {}\nnow {count}", count - 1);
    vec![
        OwnedServerEvent::without_data()
            .event_type("datastar-merge-fragments")
            .prefixed_data("fragments ", list),
        OwnedServerEvent::without_data()
            .event_type("datastar-merge-signals")
            .pretty_json_data(
                "signals ",
                &serde_json::json!({ "count": count, "note": note }),
            )
            .expect("a JSON value"),
    ]
}

async fn increment(body: Bytes) -> impl IntoResponse {
    let signals = serde_json::from_slice(&body).unwrap_or_default();
    EventStreamBody::new(stream::iter(answer(&signals))).into_response()
}

/// The page, its script and the POST.
pub fn app() -> Router {
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/js/{file}", get(ssewire_http_tests::npm::js))
        .route("/increment", post(increment))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("open http://{}/", listener.local_addr()?);
    axum::serve(listener, app()).await
}
