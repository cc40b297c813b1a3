//! The htmx and Datastar examples in a real browser: headless Chromium
//! (`/usr/bin/chromium` or `SSEWIRE_CHROMIUM`, started and stopped by its
//! process id, a fresh profile; `ssewire_testkit::browser`) opens each page
//! on 127.0.0.1, the page reports its DOM (and Datastar's signals) back to
//! the server, and that must equal what the server sent, as the reference
//! model reads the stream (the oracle), taken apart as each library does.
//! The libraries come from the npm packages pinned in `web/` (`npm ci`).
//!
//! Without Chromium or the npm packages the tests say they were skipped and
//! pass, unless `SSEWIRE_REQUIRE_BROWSER=1` (CI), where they fail.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::response::Html;
use axum::routing::{get, post};
use axum::Router;
use ssewire_http_tests::npm;
use ssewire_testkit::{browser, reference};
use tokio::sync::mpsc;

#[allow(dead_code)]
#[path = "../examples/htmx_page.rs"]
mod htmx_page;

#[allow(dead_code)]
#[path = "../examples/datastar_page.rs"]
mod datastar_page;

const DEADLINE: Duration = Duration::from_secs(60);

/// Chromium, or `None` to skip (panics instead under
/// `SSEWIRE_REQUIRE_BROWSER=1`, also when the npm packages are missing).
fn chromium(test: &str) -> Option<std::path::PathBuf> {
    let chromium = browser::chromium_or_skip(test)?;
    if !npm::installed() {
        assert!(
            std::env::var("SSEWIRE_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "SSEWIRE_REQUIRE_BROWSER=1 but {} lacks the npm packages (npm ci in http-tests/web)",
            npm::node_modules().display()
        );
        eprintln!("{test}: SKIPPED: no npm packages (run `npm ci` in http-tests/web)");
        return None;
    }
    Some(chromium)
}

/// Serves `app` plus `/test` (the page with `report` appended) and
/// `/report` on 127.0.0.1, opens `/test` in Chromium, returns the report.
async fn run_page(
    chromium: &std::path::PathBuf,
    app: Router,
    page: &str,
    report: &str,
) -> serde_json::Value {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let page = format!("{page}<script>{report}</script>\n");
    let app = app
        .route("/test", get(move || async move { Html(page) }))
        .route(
            "/report",
            post(move |body: Bytes| async move {
                let _ = tx.send(body);
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let browser =
        browser::Browser::launch(chromium, &format!("http://127.0.0.1:{port}/test"), port);
    let body = tokio::time::timeout(DEADLINE, rx.recv())
        .await
        .expect("the page reports within 60 s")
        .expect("a report");
    drop(browser);
    serde_json::from_slice(&body).expect("a JSON report")
}

/// The events as the reference model reads their bytes.
fn read_back(events: &[ssewire::OwnedServerEvent]) -> Vec<reference::Ev> {
    let mut bytes = Vec::new();
    for event in events {
        event.append_to(&mut bytes).unwrap();
    }
    reference::parse(&bytes).events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn htmx_swaps_each_event_into_its_target_and_sse_close_closes() {
    let Some(chromium) = chromium("browser_pages htmx") else {
        return;
    };
    // Counts the page's event stream requests: sse-close must leave one.
    let streams = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&streams);
    let app = htmx_page::app().layer(axum::middleware::map_request(
        move |request: axum::http::Request<axum::body::Body>| {
            let counter = Arc::clone(&counter);
            async move {
                if request.uri().path() == "/events" {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                request
            }
        },
    ));
    let report = r#"
document.body.addEventListener("htmx:sseClose", (e) => setTimeout(() => {
  const html = (id) => document.getElementById(id).innerHTML;
  fetch("/report", { method: "POST", body: JSON.stringify({
    status: html("status"), list: html("list"), message: html("message"),
    readyState: e.detail.source.readyState }) });
}, 300));
"#;
    let got = run_page(&chromium, app, htmx_page::PAGE, report).await;

    // Each target holds the data of the last event of its name.
    let events = read_back(&htmx_page::events());
    for target in ["status", "list", "message"] {
        let want = events
            .iter()
            .rev()
            .find(|event| event.event_type == target)
            .map(|event| event.data.clone())
            .unwrap();
        assert_eq!(got[target], want.as_str(), "#{target}");
    }
    // The multi-line fragment and the CR/CRLF data really were multi-line.
    assert_eq!(got["list"], "<ul>\n<li>one</li>\n<li>two</li>\n</ul>");
    assert_eq!(got["message"], "<p>cr</p>\n<p>crlf</p>\n<p>lf</p>\n");
    // sse-close closed the EventSource (CLOSED is 2), and it did not
    // reconnect, which it would within 250 ms (the stream's `retry`).
    assert_eq!(got["readyState"], 2);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(streams.load(Ordering::SeqCst), 1, "event stream requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn datastar_post_merges_the_fragment_and_the_signals() {
    let Some(chromium) = chromium("browser_pages datastar") else {
        return;
    };
    let report = r#"
document.addEventListener("datastar-sse", (e) => {
  if (e.detail.type !== "finished") return;
  setTimeout(() => {
    const el = (id) => document.getElementById(id);
    fetch("/report", { method: "POST", body: JSON.stringify({
      list: el("list").outerHTML, count: el("count").textContent, note: el("note").textContent }) });
  }, 300);
});
window.addEventListener("load", () => setTimeout(() => document.getElementById("increment").click(), 300));
"#;
    let got = run_page(&chromium, datastar_page::app(), datastar_page::PAGE, report).await;

    // What Datastar takes from each event: per line, the key up to the first
    // space and the rest, lines of a key joined by LF.
    let events = read_back(&datastar_page::answer(&serde_json::json!({ "count": 41 })));
    let value = |event_type: &str, key: &str| -> String {
        let event = events.iter().find(|e| e.event_type == event_type).unwrap();
        let lines: Vec<&str> = event
            .data
            .split('\n')
            .filter_map(|line| line.split_once(' '))
            .filter(|(k, _)| *k == key)
            .map(|(_, rest)| rest)
            .collect();
        lines.join("\n")
    };
    let list = value("datastar-merge-fragments", "fragments");
    assert!(list.contains('\n'), "a multi-line fragment");
    assert_eq!(got["list"], list.as_str());
    let signals: serde_json::Value =
        serde_json::from_str(&value("datastar-merge-signals", "signals")).unwrap();
    assert!(
        value("datastar-merge-signals", "signals").contains('\n'),
        "pretty JSON"
    );
    // The POST carried count 41: the answer is 42.
    assert_eq!(signals["count"], 42);
    assert_eq!(got["count"], signals["count"].to_string().as_str());
    assert_eq!(got["note"], signals["note"]);
}
