//! The client's batteries over loopback (axum on 127.0.0.1, an ephemeral
//! port): the `Tokio` runtime, `Reply::from_http` with reqwest and with
//! hyper, the POST policy, MCP's flow, JSON answers, `Accept` replaced,
//! `Retry-After` as an HTTP-date, redirects, two `Content-Type` headers,
//! an undecoded `Content-Encoding`. Each test is bounded in time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{json, Value};
use ssewire::reconnect::{EventSource, Item, Options, Reason, Reply, RequestHeaders, Stop, Tokio};
use ssewire_client_tests::{event, redirect, retry, send, serve, Answer, Part, Server};

const BOUND: Duration = Duration::from_secs(30);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

async fn bounded<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, work)
        .await
        .expect("bounded in time")
}

/// A reqwest GET client to the end: its items as text, the events' data.
async fn run(server: &Server, options: Options) -> (Vec<String>, Vec<String>) {
    let http = reqwest::Client::new();
    let url = server.url.clone();
    let mut source = EventSource::new(options, Tokio::new(), move |next| {
        let to = next.url().unwrap_or(&url).to_string();
        send(http.get(to), next)
    });
    bounded(async move {
        let (mut items, mut data) = (Vec::new(), Vec::new());
        while let Some(item) = source.next().await {
            if let Item::Event(event) = &item {
                data.push(event.data().to_string());
            }
            items.push(format!("{item:?}"));
        }
        (items, data)
    })
    .await
}

fn custom(status: u16, headers: &[(&'static str, &str)], parts: Vec<Part>) -> Answer {
    Answer::Custom {
        status,
        headers: headers.iter().map(|(n, v)| (*n, v.to_string())).collect(),
        parts,
    }
}

#[tokio::test]
async fn hyper_and_the_batteries_resume_with_the_last_event_id() {
    let server = serve(vec![
        Answer::Stream(vec![retry(100), event("a", Some("1")), Part::Abort]),
        Answer::Stream(vec![event("b", Some("2"))]),
    ])
    .await;
    type BoxError = Box<dyn std::error::Error + Send + Sync>;
    let http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let url = server.url.clone();
    let options = Options::new().resend_before_open(true);
    let mut source = EventSource::new(options, Tokio::new(), move |next: RequestHeaders| {
        let request = next
            .apply(hyper::Request::get(url.as_str()))
            .body(http_body_util::Empty::new())
            .expect("a request");
        let response = http.request(request);
        async move {
            let response = response.await.map_err(BoxError::from)?;
            Ok::<_, BoxError>(Reply::from_http(response))
        }
    });
    let mut data = Vec::new();
    let end = bounded(async {
        loop {
            match source.next_event().await {
                Ok(Some(event)) => data.push(format!("{}:{}", event.id(), event.data())),
                other => break other.map(|_| ()),
            }
        }
    })
    .await;
    assert!(end.is_ok(), "{end:?}");
    assert_eq!(data, ["1:a", "2:b"]);
    assert_eq!(
        server.last_event_ids(),
        [None, Some("1".into()), Some("2".into())]
    );
    let accept: Vec<_> = server.requests()[0]
        .headers
        .iter()
        .filter(|(n, _)| n == "accept" || n == "cache-control")
        .cloned()
        .collect();
    assert_eq!(
        accept,
        [
            ("accept".to_string(), "text/event-stream".to_string()),
            ("cache-control".into(), "no-cache".into())
        ]
    );
}

/// A server that takes each connection and closes it before any response;
/// counts the connections.
async fn no_response() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            // Read the request, so the client has sent it, then hang up.
            let mut buf = [0u8; 4096];
            let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buf).await;
            drop(socket);
        }
    });
    (url, count)
}

#[tokio::test]
async fn a_post_without_response_is_sent_once_by_default_and_again_when_asked() {
    for resend in [false, true] {
        let (url, connections) = no_response().await;
        let http = reqwest::Client::new();
        let options = Options::new()
            .resend_before_open(resend)
            .reconnection_time(ms(100))
            .max_retries(Some(2));
        let mut source = EventSource::new(options, Tokio::new(), move |next| {
            send(http.post(&url).body(r#"{"method":"tools/call"}"#), next)
        });
        let failure = bounded(source.next_event()).await.expect_err("no stream");
        let expected = if resend {
            Stop::GaveUp { attempts: 3 }
        } else {
            Stop::RequestFailed
        };
        assert_eq!(failure.stop(), expected);
        // The transport error is the source, for `?` and anyhow.
        let source = std::error::Error::source(&failure).expect("the reqwest error");
        assert!(source.downcast_ref::<reqwest::Error>().is_some());
        assert_eq!(
            connections.load(Ordering::SeqCst),
            if resend { 3 } else { 1 },
            "resend {resend}"
        );
    }
}

#[tokio::test]
async fn the_mcp_flow_post_json_then_sse_resumed_by_get() {
    let server = ssewire_client_tests::mcp::serve().await;
    let http = reqwest::Client::new();
    let request = |session: Option<String>, body: Value| {
        let (http, url) = (http.clone(), server.url.clone());
        let options = Options::new().accept("application/json, text/event-stream");
        EventSource::new(options, Tokio::new(), move |next| {
            let mut builder = match next.last_event_id() {
                Some(_) => http.get(&url),
                None => http.post(&url).json(&body),
            };
            if let Some(session) = &session {
                builder = builder.header("mcp-session-id", session);
            }
            send(builder, next)
        })
    };
    // initialize: a JSON answer, with the session in its head.
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}});
    let items: Vec<_> = bounded(request(None, init).collect()).await;
    let [Item::Answer {
        head,
        body,
        truncated: false,
    }, Item::Stopped(Stop::ContentType)] = &items[..]
    else {
        panic!("{items:?}");
    };
    let answer: Value = serde_json::from_slice(body).expect("JSON");
    assert_eq!(answer["id"], 1);
    let session = head
        .header("mcp-session-id")
        .map(|v| String::from_utf8_lossy(v).into_owned());
    assert_eq!(session.as_deref(), Some(ssewire_client_tests::mcp::SESSION));
    // tools/call: an event stream that breaks, resumed by GET.
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {}});
    let mut source = request(session, call).complete_when(|e| e.data().contains("\"id\":2"));
    let mut messages = Vec::new();
    let mut reasons = Vec::new();
    bounded(async {
        while let Some(item) = source.next().await {
            match item {
                Item::Event(e) => messages.push(e.data().to_string()),
                Item::Reconnecting { reason, .. } => reasons.push(reason),
                Item::Stopped(stop) => assert_eq!(stop, Stop::Complete),
                _ => {}
            }
        }
    })
    .await;
    assert_eq!(reasons, [Reason::Network]);
    assert_eq!(messages.len(), 2);
    assert!(messages[0].contains("notifications/progress"));
    let result: Value = serde_json::from_str(&messages[1]).expect("JSON");
    assert_eq!(result["result"]["content"][0]["text"], "42");
    let seen = server.requests();
    let shape: Vec<_> = seen
        .iter()
        .map(|r| {
            (
                r.method.as_str(),
                r.last_event_id.as_deref(),
                r.session.is_some(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("POST", None, false),
            ("POST", None, true),
            ("GET", Some("1"), true)
        ]
    );
    // The caller's Accept replaced the default: one value on every request.
    for request in &seen {
        assert_eq!(request.accept, ["application/json, text/event-stream"]);
    }
}

#[tokio::test]
async fn a_json_answer_is_an_item_and_an_html_one_is_cut_at_the_limit() {
    let json = custom(
        200,
        &[("content-type", "application/json")],
        vec![ssewire_client_tests::raw(r#"{"ok":true}"#)],
    );
    let html = custom(
        200,
        &[("content-type", "text/html")],
        vec![
            ssewire_client_tests::raw("<html>"),
            ssewire_client_tests::raw("<body>a page</body></html>"),
        ],
    );
    let server = serve(vec![json, html]).await;
    let (items, _) = run(&server, Options::new()).await;
    assert_eq!(
        items,
        [
            r#"Answer { status: 200, body: "{\"ok\":true}", truncated: false, .. }"#,
            "Stopped(ContentType)"
        ]
    );
    let http = reqwest::Client::new();
    let url = server.url.clone();
    let source = EventSource::new(Options::new(), Tokio::new(), move |next| {
        send(http.get(&url), next)
    })
    .max_answer_bytes(10);
    let items: Vec<String> = bounded(source.map(|i| format!("{i:?}")).collect()).await;
    assert_eq!(
        items,
        [
            r#"Answer { status: 200, body: "<html><bod", truncated: true, .. }"#,
            "Stopped(ContentType)"
        ]
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited() {
    // The server's Date and Retry-After, 1 s apart: a wait of 1 s whatever
    // the clocks say.
    let busy = custom(
        503,
        &[
            ("date", "Mon, 07 Dec 2026 12:00:00 GMT"),
            ("retry-after", "Mon, 07 Dec 2026 12:00:01 GMT"),
        ],
        Vec::new(),
    );
    let server = serve(vec![busy, Answer::Stream(vec![event("a", Some("1"))])]).await;
    let options = Options::new()
        .retry_gateway_errors()
        .reconnection_time(ms(100));
    let (items, data) = run(&server, options).await;
    assert_eq!(items[1], "Reconnecting { after: 1s, reason: Status(503) }");
    assert_eq!(data, ["a"]);
    let at: Vec<Duration> = server.requests().iter().map(|r| r.at).collect();
    assert!(at[1] - at[0] >= Duration::from_secs(1), "{at:?}");
}

#[tokio::test]
async fn after_a_redirect_the_next_attempts_go_where_it_led() {
    for status in [301, 302, 307, 308] {
        let server = serve(vec![
            redirect(status, "/moved"),
            Answer::Stream(vec![retry(100), event("a", Some("1")), Part::Abort]),
            Answer::Stream(vec![event("b", Some("2"))]),
        ])
        .await;
        let (_, data) = run(&server, Options::new()).await;
        assert_eq!(data, ["a", "b"], "{status}");
        let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
        // reqwest followed the redirect; the reconnections (the second
        // stream, then the 204 at the end of the script) go to its target.
        assert_eq!(paths, ["/", "/moved", "/moved", "/moved"], "{status}");
    }
}

#[tokio::test]
async fn two_content_types_follow_fetch_and_an_undecoded_encoding_is_refused() {
    let server = serve(vec![
        custom(
            200,
            &[
                ("content-type", "text/plain"),
                ("content-type", "text/event-stream"),
            ],
            vec![event("opened", None)],
        ),
        custom(
            200,
            &[
                ("content-type", "text/event-stream"),
                ("content-type", "text/plain"),
            ],
            vec![event("never", None)],
        ),
    ])
    .await;
    let (items, data) = run(&server, Options::new()).await;
    assert_eq!(data, ["opened"]);
    assert_eq!(
        items.last().map(String::as_str),
        Some("Stopped(ContentType)")
    );
    // gzip the client did not ask for (reqwest here has no gzip feature):
    // refused, never parsed.
    let server = serve(vec![custom(
        200,
        &[
            ("content-type", "text/event-stream"),
            ("content-encoding", "gzip"),
        ],
        vec![Part::Bytes(vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])],
    )])
    .await;
    let (items, data) = run(&server, Options::new()).await;
    assert!(data.is_empty());
    assert_eq!(
        items,
        ["Rejected { status: 200, .. }", "Stopped(ContentEncoding)"]
    );
}

#[tokio::test]
async fn the_tokio_runtime_waits_the_reconnection_time() {
    let server = serve(vec![
        Answer::Stream(vec![retry(300), event("a", Some("1"))]),
        Answer::Stream(vec![event("b", Some("2"))]),
    ])
    .await;
    let (items, data) = run(&server, Options::new()).await;
    assert_eq!(data, ["a", "b"]);
    assert!(items.contains(&"Reconnecting { after: 300ms, reason: Ended }".to_string()));
    let at: Vec<Duration> = server.requests().iter().map(|r| r.at).collect();
    assert!(
        at[1] - at[0] >= ms(300) && at[1] - at[0] < ms(1800),
        "{at:?}"
    );
}

/// Issue 19: the default client skips an oversized event (an ID past the
/// 16 MiB event limit, which bounds IDs too, and data past it) and goes on
/// with the next events on the same connection.
#[tokio::test]
async fn a_default_client_skips_an_oversized_event_and_goes_on() {
    let long_id = "i".repeat(ssewire::Config::DEFAULT_MAX_EVENT_BYTES + 1);
    let big = "x".repeat(ssewire::Config::DEFAULT_MAX_EVENT_BYTES + 1);
    let server = serve(vec![Answer::Stream(vec![
        event("before", Some("1")),
        ssewire_client_tests::raw(&format!("id: {long_id}\ndata: long id\n\n")),
        event("after the id", Some("2")),
        ssewire_client_tests::raw(&format!("data: {big}\n\n")),
        event("after the data", Some("3")),
    ])])
    .await;
    let (items, data) = run(&server, Options::new()).await;
    assert_eq!(data, ["before", "after the id", "after the data"]);
    let invalid: Vec<&String> = items.iter().filter(|i| i.starts_with("Invalid")).collect();
    assert_eq!(invalid.len(), 2, "{invalid:?}");
    assert!(
        invalid[0].starts_with("Invalid(LimitExceeded"),
        "{}",
        invalid[0]
    );
    assert!(
        invalid[1].starts_with("Invalid(LimitExceeded"),
        "{}",
        invalid[1]
    );
    // One stream, then the 204 that ends the script; resumed after event 3.
    assert_eq!(server.last_event_ids(), [None, Some("3".into())]);
}

/// hyper follows no redirect: the client does, to where it leads, and
/// reconnects there.
#[tokio::test]
async fn hyper_leaves_redirects_to_the_client_which_follows_them() {
    let server = serve(vec![
        redirect(307, "/moved"),
        Answer::Stream(vec![retry(100), event("a", Some("1"))]),
        Answer::Stream(vec![event("b", Some("2"))]),
    ])
    .await;
    type BoxError = Box<dyn std::error::Error + Send + Sync>;
    let http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let start = server.url.clone();
    let mut source = EventSource::new(Options::new(), Tokio::new(), move |next: RequestHeaders| {
        let url = next.url().unwrap_or(&start).to_string();
        let request = next
            .apply(hyper::Request::get(url.as_str()))
            .body(http_body_util::Empty::new())
            .expect("a request");
        let response = http.request(request);
        async move {
            let response = response.await.map_err(BoxError::from)?;
            // The URL this response came from: what a Location resolves against.
            Ok::<_, BoxError>(Reply::from_http_with_url(url, response))
        }
    });
    let mut items = Vec::new();
    bounded(async {
        while let Some(item) = source.next().await {
            items.push(format!("{item:?}"));
        }
    })
    .await;
    assert_eq!(items[0], "Rejected { status: 307, .. }");
    assert_eq!(
        items[1],
        "Reconnecting { after: 0ns, reason: Redirect(307) }"
    );
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/", "/moved", "/moved", "/moved"]);
}

/// Issue 21: a redirect the client follows itself changes the method as
/// Fetch does. After a 301, 302 or 303 the POST goes on as a GET without its
/// body or `Content-Type`, to the redirect's target, reconnections included;
/// after a 307 or 308 it stays the POST it was, body and all.
#[tokio::test]
async fn a_redirect_turns_a_post_into_a_get_as_fetch_does() {
    type BoxError = Box<dyn std::error::Error + Send + Sync>;
    for status in [301, 302, 303, 307, 308] {
        let server = serve(vec![
            redirect(status, "/moved"),
            Answer::Stream(vec![retry(100), event("a", Some("1"))]),
            Answer::Stream(vec![event("b", Some("2"))]),
        ])
        .await;
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http::<http_body_util::Full<bytes::Bytes>>();
        let start = server.url.clone();
        let mut source =
            EventSource::new(Options::new(), Tokio::new(), move |next: RequestHeaders| {
                let url = next.url().unwrap_or(&start).to_string();
                let builder = next.apply(
                    hyper::Request::post(url.as_str()).header("content-type", "application/json"),
                );
                // `apply` made it a GET after a 301, 302 or 303: no body then.
                let body = if builder.method_ref() == Some(&hyper::Method::POST) {
                    bytes::Bytes::from_static(b"{\"prompt\":\"hi\"}")
                } else {
                    bytes::Bytes::new()
                };
                let request = builder
                    .body(http_body_util::Full::new(body))
                    .expect("a request");
                let response = http.request(request);
                async move {
                    let response = response.await.map_err(BoxError::from)?;
                    Ok::<_, BoxError>(Reply::from_http_with_url(url, response))
                }
            });
        let mut data = Vec::new();
        bounded(async {
            while let Some(item) = source.next().await {
                if let Item::Event(event) = item {
                    data.push(event.into_data());
                }
            }
        })
        .await;
        assert_eq!(data, ["a", "b"], "{status}");
        let seen: Vec<(String, String, String, bool)> = server
            .requests()
            .into_iter()
            .map(|r| {
                let typed = r.headers.iter().any(|(name, _)| name == "content-type");
                (r.method, r.path, r.body, typed)
            })
            .collect();
        let post = |path: &str| {
            (
                "POST".into(),
                path.into(),
                "{\"prompt\":\"hi\"}".into(),
                true,
            )
        };
        let get = |path: &str| ("GET".into(), path.into(), String::new(), false);
        let later = if status >= 307 {
            post("/moved")
        } else {
            get("/moved")
        };
        // The redirect, the first stream, the second, the 204 that ends the
        // script: all but the first where the redirect led.
        assert_eq!(
            seen,
            [post("/"), later.clone(), later.clone(), later],
            "{status}"
        );
    }
}
