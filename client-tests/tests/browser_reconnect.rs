//! The same reconnection scenario run once by headless Chromium's
//! `EventSource` and once by ssewire's driver (reqwest, tokio), each against
//! its own scripted loopback server (127.0.0.1, ephemeral port): a stream
//! cut in the middle of an event, a connection aborted, `retry` changing the
//! wait, an empty `id` clearing the last event ID, then 204. The
//! `Last-Event-ID` of every request, the events delivered (data and last
//! event ID) and the number of requests must be equal; each wait between two
//! requests must be at least the reconnection time and within 400 ms of the
//! browser's. Then failures (500, 503, a wrong content type) end both for
//! good after the same requests.
//!
//! Without Chromium the test says it was skipped and passes, unless
//! `SSEWIRE_REQUIRE_BROWSER=1` (CI), where it fails.

use std::time::Duration;

use futures_util::StreamExt;
use ssewire::reconnect::{EventSource, Item, Options, Stop, Tokio};
use ssewire_client_tests::{
    event, raw, retry, send, serve, serve_with_page, Answer, Page, Part, Server,
};
use ssewire_testkit::browser;

const BOUND: Duration = Duration::from_secs(60);
const TOLERANCE: Duration = Duration::from_millis(400);

fn script() -> Vec<Answer> {
    vec![
        Answer::Stream(vec![
            retry(300),
            event("a", Some("1")),
            event("b", Some("2")),
            raw("id: 3\ndata: par"),
        ]),
        Answer::Stream(vec![
            event("c", Some("3")),
            event("d", Some("4")),
            Part::Abort,
        ]),
        Answer::Stream(vec![retry(500), event("e", Some("5"))]),
        Answer::Stream(vec![raw("id\ndata: f\n\n")]),
        // Then 204: the script is used up.
    ]
}

/// The waits the scenario asks for, request to request.
const WAITS: [Duration; 4] = [
    Duration::from_millis(300),
    Duration::from_millis(300),
    Duration::from_millis(500),
    Duration::from_millis(500),
];

const PAGE: &str = r#"<!doctype html>
<meta charset="utf-8">
<title>ssewire reconnect</title>
<script>
const seen = [];
const es = new EventSource("/events");
es.onmessage = (e) => seen.push([e.data, e.lastEventId]);
es.onerror = () => {
  // CONNECTING: it reconnects by itself; CLOSED: 204 or a failure, the end.
  if (es.readyState === EventSource.CLOSED) {
    fetch("/report", { method: "POST", body: JSON.stringify(seen) });
  }
};
</script>
"#;

type Run = (Vec<(String, String)>, Vec<Option<String>>, Vec<Duration>);

fn requests(server: &Server) -> (Vec<Option<String>>, Vec<Duration>) {
    let requests = server.requests();
    let ids = requests.iter().map(|r| r.last_event_id.clone()).collect();
    let gaps = requests.windows(2).map(|w| w[1].at - w[0].at).collect();
    (ids, gaps)
}

async fn with_browser(chromium: &std::path::Path, script: Vec<Answer>) -> Run {
    let (reports, report) = std::sync::mpsc::channel();
    let page = Page {
        html: PAGE.to_string(),
        reports,
    };
    let server = serve_with_page(script, Some(page)).await;
    let port = server
        .url
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok());
    let port: u16 = port.expect("a port");
    let _browser = browser::Browser::launch(
        &chromium.to_path_buf(),
        &format!("{}page", server.url),
        port,
    );
    let body = tokio::task::spawn_blocking(move || report.recv_timeout(BOUND))
        .await
        .expect("joined")
        .expect("the page reports in time");
    let seen: Vec<(String, String)> = serde_json::from_slice(&body).expect("JSON");
    let (ids, gaps) = requests(&server);
    (seen, ids, gaps)
}

async fn with_driver(script: Vec<Answer>, end: Stop) -> Run {
    let server = serve(script).await;
    let http = reqwest::Client::new();
    let url = format!("{}events", server.url);
    // EventSource's rules: a GET, sent again after any network error.
    let options = Options::new().resend_before_open(true);
    let mut client = EventSource::new(options, Tokio::new(), move |next| {
        send(http.get(&url), next)
    });
    let mut seen = Vec::new();
    let work = async {
        while let Some(item) = client.next().await {
            match item {
                Item::Event(e) => seen.push((e.data().to_string(), e.id().to_string())),
                Item::Stopped(stop) => assert_eq!(stop, end),
                _ => {}
            }
        }
    };
    tokio::time::timeout(BOUND, work)
        .await
        .expect("bounded in time");
    let (ids, gaps) = requests(&server);
    (seen, ids, gaps)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_driver_reconnects_as_chromium_does() {
    let Some(chromium) = browser::chromium_or_skip("browser_reconnect") else {
        return;
    };
    let (browser_events, browser_ids, browser_gaps) = with_browser(&chromium, script()).await;
    let (driver_events, driver_ids, driver_gaps) = with_driver(script(), Stop::NoContent).await;

    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(d, i)| (d.to_string(), i.to_string()))
            .collect()
    };
    let expected = pairs(&[
        ("a", "1"),
        ("b", "2"),
        ("c", "3"),
        ("d", "4"),
        ("e", "5"),
        ("f", ""),
    ]);
    assert_eq!(browser_events, expected, "what Chromium delivered");
    assert_eq!(driver_events, browser_events, "the driver against Chromium");
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        browser_ids,
        [None, some("2"), some("4"), some("5"), None],
        "Chromium's Last-Event-IDs"
    );
    assert_eq!(driver_ids, browser_ids, "the driver's Last-Event-IDs");
    assert_eq!(browser_gaps.len(), WAITS.len());
    assert_eq!(driver_gaps.len(), WAITS.len());
    for (i, ((browser, driver), wait)) in
        browser_gaps.iter().zip(&driver_gaps).zip(WAITS).enumerate()
    {
        assert!(
            *browser >= wait && *driver >= wait,
            "wait {i}: Chromium {browser:?}, driver {driver:?}, at least {wait:?}"
        );
        let apart = if browser > driver {
            *browser - *driver
        } else {
            *driver - *browser
        };
        assert!(
            apart <= TOLERANCE,
            "wait {i}: Chromium {browser:?}, driver {driver:?}"
        );
    }
    eprintln!("browser_reconnect: waits, Chromium {browser_gaps:?}, driver {driver_gaps:?}");
}

/// A status other than 200 or 204, and a wrong content type, end the stream
/// for good in both, after the same requests and events.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_stop_as_in_chromium() {
    let Some(chromium) = browser::chromium_or_skip("browser_reconnect") else {
        return;
    };
    let wrong_type = Answer::Status {
        status: 200,
        content_type: "text/plain",
        retry_after: None,
        body: "data: not a stream\n\n",
    };
    let cases = [
        (ssewire_client_tests::status(500, None), Stop::Status(500)),
        (
            ssewire_client_tests::status(503, Some("1")),
            Stop::Status(503),
        ),
        (wrong_type, Stop::ContentType),
    ];
    for (failure, stop) in cases {
        let script = || {
            vec![
                Answer::Stream(vec![retry(200), event("a", Some("1"))]),
                failure.clone(),
                Answer::Stream(vec![event("never", Some("2"))]),
            ]
        };
        let browser = with_browser(&chromium, script()).await;
        let driver = with_driver(script(), stop).await;
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            browser.0,
            [("a".to_string(), "1".to_string())],
            "{stop:?}: Chromium's events"
        );
        assert_eq!(
            browser.1,
            [None, some("1")],
            "{stop:?}: Chromium's requests"
        );
        assert_eq!(
            (driver.0, driver.1),
            (browser.0, browser.1),
            "{stop:?}: the driver against Chromium"
        );
    }
}
