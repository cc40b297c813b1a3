//! The reconnecting client over loopback: a scripted axum server on
//! 127.0.0.1 (ephemeral port) writing with ssewire's encoder, reqwest as the
//! HTTP client, tokio as the runtime. Each test is bounded in time.

use std::time::Duration;

use futures_util::StreamExt;
use ssewire::reconnect::{EventSource, Item, Options, Reason, Stop, Tokio};
use ssewire_client_tests::{event, raw, retry, serve, status, Answer, Part, ReqwestBody, Server};

const BOUND: Duration = Duration::from_secs(30);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Runs a GET client against the server to its end; every item, with the
/// bodies of rejected responses read.
async fn run(server: &Server, options: Options) -> Vec<Item<String, reqwest::Error>> {
    let http = reqwest::Client::new();
    let url = server.url.clone();
    let client = EventSource::new(options, Tokio::new(), move |next| {
        // After a redirect, where it led (reqwest followed it).
        let to = next.url().unwrap_or(&url).to_string();
        ssewire_client_tests::send(http.get(to), next)
    });
    collect(client).await
}

async fn collect<S>(client: S) -> Vec<Item<String, reqwest::Error>>
where
    S: futures_util::Stream<Item = Item<ReqwestBody, reqwest::Error>> + Unpin,
{
    let work = async move {
        let mut client = client;
        let mut items = Vec::new();
        while let Some(item) = client.next().await {
            items.push(match item {
                Item::Rejected { head, mut body } => {
                    let mut text = Vec::new();
                    while let Some(Ok(chunk)) = body.next().await {
                        text.extend_from_slice(&chunk);
                    }
                    Item::Rejected {
                        head,
                        body: String::from_utf8_lossy(&text).into_owned(),
                    }
                }
                Item::Open { head } => Item::Open { head },
                Item::Answer {
                    head,
                    body,
                    truncated,
                } => Item::Answer {
                    head,
                    body,
                    truncated,
                },
                Item::Event(e) => Item::Event(e),
                Item::Retry(t) => Item::Retry(t),
                Item::Invalid(e) => Item::Invalid(e),
                Item::Error(e) => Item::Error(e),
                Item::Reconnecting { after, reason } => Item::Reconnecting { after, reason },
                Item::Stopped(stop) => Item::Stopped(stop),
                _ => unreachable!("a new item kind"),
            });
        }
        items
    };
    tokio::time::timeout(BOUND, work)
        .await
        .expect("bounded in time")
}

fn events(items: &[Item<String, reqwest::Error>]) -> Vec<(String, String)> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Event(e) => Some((e.data().to_string(), e.id().to_string())),
            _ => None,
        })
        .collect()
}

fn reasons(items: &[Item<String, reqwest::Error>]) -> Vec<(Duration, Reason)> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Reconnecting { after, reason } => Some((*after, *reason)),
            _ => None,
        })
        .collect()
}

/// The gaps between requests are the waits, give or take a loaded machine.
fn assert_waits(server: &Server, waits: &[Duration]) {
    let at: Vec<Duration> = server.requests().iter().map(|r| r.at).collect();
    assert_eq!(at.len(), waits.len() + 1, "requests");
    for (i, (pair, wait)) in at.windows(2).zip(waits).enumerate() {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= *wait && gap < *wait + ms(1500),
            "gap {i}: {gap:?}, expected {wait:?} (+ up to 1.5 s)"
        );
    }
}

fn pair(data: &str, id: &str) -> (String, String) {
    (data.into(), id.into())
}

#[tokio::test]
async fn drops_mid_event_between_events_and_after_a_retry_resume_with_the_right_id() {
    let server = serve(vec![
        // Cut in the middle of event 3.
        Answer::Stream(vec![
            retry(200),
            event("one", Some("1")),
            event("two", Some("2")),
            raw("id: 3\ndata: thr"),
            Part::Abort,
        ]),
        // A clean end between events.
        Answer::Stream(vec![event("three", Some("3")), event("four", None)]),
        // A new retry, then the connection drops.
        Answer::Stream(vec![event("five", Some("5")), retry(300), Part::Abort]),
        Answer::Stream(vec![event("six", Some("6"))]),
    ])
    .await;
    let items = run(&server, Options::new()).await;
    assert_eq!(
        events(&items),
        [
            pair("one", "1"),
            pair("two", "2"),
            pair("three", "3"),
            pair("four", "3"),
            pair("five", "5"),
            pair("six", "6"),
        ]
    );
    assert_eq!(
        server.last_event_ids(),
        [
            None,
            Some("2".into()),
            Some("3".into()),
            Some("5".into()),
            Some("6".into())
        ]
    );
    let reasons = reasons(&items);
    assert_eq!(reasons[0].0, ms(200));
    // reqwest reports the abort as a body error (the cut event is dropped).
    assert_eq!(reasons[0].1, Reason::Network);
    assert_eq!(reasons[1], (ms(200), Reason::Ended));
    assert_eq!(reasons[2], (ms(300), Reason::Network));
    assert_eq!(reasons[3], (ms(300), Reason::Ended));
    assert!(matches!(items.last(), Some(Item::Stopped(Stop::NoContent))));
    assert_waits(&server, &[ms(200), ms(200), ms(300), ms(300)]);
}

#[tokio::test]
async fn a_cut_event_at_a_clean_end_is_reported_truncated() {
    let server = serve(vec![
        Answer::Stream(vec![retry(100), event("a", Some("1")), raw("data: cut")]),
        Answer::Stream(vec![event("b", Some("2"))]),
    ])
    .await;
    let items = run(&server, Options::new()).await;
    assert_eq!(events(&items), [pair("a", "1"), pair("b", "2")]);
    assert_eq!(
        reasons(&items)[0],
        (ms(100), Reason::Truncated { discarded: 9 })
    );
    assert_eq!(
        server.last_event_ids(),
        [None, Some("1".into()), Some("2".into())]
    );
}

#[tokio::test]
async fn statuses_stop_or_retry_and_the_body_is_readable() {
    // 500: fail for good, the body is the caller's.
    let server = serve(vec![status(500, None)]).await;
    let items = run(&server, Options::new()).await;
    assert!(
        matches!(&items[..], [Item::Rejected { head, body }, Item::Stopped(Stop::Status(500))] if head.status() == 500 && body == "not a stream")
    );

    // 503 with Retry-After under the gateway policy: waits 1 s, then resumes.
    let server = serve(vec![
        Answer::Stream(vec![retry(100), event("a", Some("1"))]),
        status(503, Some("1")),
        Answer::Stream(vec![event("b", Some("2"))]),
    ])
    .await;
    let items = run(&server, Options::new().retry_gateway_errors()).await;
    assert_eq!(events(&items), [pair("a", "1"), pair("b", "2")]);
    let reasons = reasons(&items);
    assert_eq!(reasons[1], (Duration::from_secs(1), Reason::Status(503)));
    assert_eq!(
        server.last_event_ids(),
        [None, Some("1".into()), Some("1".into()), Some("2".into())]
    );
    assert_waits(&server, &[ms(100), Duration::from_secs(1), ms(100)]);

    // The same 503 under the spec's rule: fail.
    let server = serve(vec![status(503, Some("1"))]).await;
    let items = run(&server, Options::new()).await;
    assert!(matches!(
        items.last(),
        Some(Item::Stopped(Stop::Status(503)))
    ));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_wrong_content_type_fails_and_204_stops() {
    let wrong = Answer::Status {
        status: 200,
        content_type: "application/json",
        retry_after: None,
        body: "{}",
    };
    let server = serve(vec![wrong]).await;
    let items = run(&server, Options::new()).await;
    assert!(
        matches!(&items[..], [Item::Answer { head, body, truncated: false }, Item::Stopped(Stop::ContentType)] if head.status() == 200 && body == b"{}")
    );

    let server = serve(vec![status(204, None)]).await;
    let items = run(&server, Options::new()).await;
    assert!(matches!(
        &items[..],
        [
            Item::Rejected { head, .. },
            Item::Stopped(Stop::NoContent)
        ] if head.status() == 204
    ));
}

#[tokio::test]
async fn empty_bodies_back_off_and_the_retry_limit_gives_up() {
    let empty = || Answer::Stream(Vec::new());
    let server = serve(vec![empty(), empty(), empty(), empty()]).await;
    let options = Options::new()
        .reconnection_time(ms(100))
        .max_retries(Some(2));
    let items = run(&server, options).await;
    assert!(events(&items).is_empty());
    let reasons = reasons(&items);
    assert_eq!(reasons.len(), 2);
    assert!(reasons.iter().all(|(_, reason)| *reason == Reason::Ended));
    // No progress: windows of 200 and 400 ms, drawn from their upper halves.
    assert!(reasons[0].0 >= ms(100) && reasons[0].0 <= ms(200));
    assert!(reasons[1].0 >= ms(200) && reasons[1].0 <= ms(400));
    assert!(matches!(
        items.last(),
        Some(Item::Stopped(Stop::GaveUp { attempts: 3 }))
    ));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_idle_stream_is_reconnected_keep_alives_keep_it_open() {
    let server = serve(vec![
        Answer::Stream(vec![
            retry(100),
            event("a", Some("1")),
            // Keep-alives more often than the timeout: stays open.
            Part::Pause(ms(200)),
            raw(":\n"),
            Part::Pause(ms(200)),
            raw(":\n"),
            Part::Pause(ms(200)),
            event("b", Some("2")),
            // Then silence past the timeout.
            Part::Pause(Duration::from_secs(5)),
            event("never", Some("x")),
        ]),
        Answer::Stream(vec![event("c", Some("3"))]),
    ])
    .await;
    let items = run(&server, Options::new().idle_timeout(Some(ms(400)))).await;
    assert_eq!(
        events(&items),
        [pair("a", "1"), pair("b", "2"), pair("c", "3")]
    );
    assert_eq!(reasons(&items)[0], (ms(100), Reason::Idle));
    assert_eq!(
        server.last_event_ids(),
        [None, Some("2".into()), Some("3".into())]
    );
}

#[tokio::test]
async fn a_post_is_sent_again_with_its_body_and_stops_at_done() {
    let server = serve(vec![
        Answer::Stream(vec![retry(100), event("Hel", Some("1")), Part::Abort]),
        Answer::Stream(vec![
            event("lo", Some("2")),
            event("[DONE]", None),
            event("extra", None),
        ]),
    ])
    .await;
    let http = reqwest::Client::new();
    let url = server.url.clone();
    let client = EventSource::new(Options::new(), Tokio::new(), move |next| {
        let request = http.post(&url).body(r#"{"prompt":"hi"}"#);
        ssewire_client_tests::send(request, next)
    })
    .complete_when(|event| event.data() == "[DONE]");
    let items = collect(client).await;
    assert_eq!(
        events(&items),
        [pair("Hel", "1"), pair("lo", "2"), pair("[DONE]", "2")]
    );
    assert!(matches!(items.last(), Some(Item::Stopped(Stop::Complete))));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(
            (request.method.as_str(), request.body.as_str()),
            ("POST", r#"{"prompt":"hi"}"#)
        );
    }
    assert_eq!(requests[1].last_event_id.as_deref(), Some("1"));
}

#[tokio::test]
async fn dropping_the_client_closes_the_connection() {
    let server = serve(vec![Answer::Stream(vec![
        event("a", Some("1")),
        Part::Pause(Duration::from_secs(20)),
        event("b", Some("2")),
    ])])
    .await;
    let http = reqwest::Client::new();
    let url = server.url.clone();
    let mut client = EventSource::new(Options::new(), Tokio::new(), move |next| {
        ssewire_client_tests::send(http.get(&url), next)
    });
    let first_event = async {
        while let Some(item) = client.next().await {
            if let Item::Event(e) = item {
                return e;
            }
        }
        panic!("ended before an event");
    };
    let e = tokio::time::timeout(BOUND, first_event)
        .await
        .expect("bounded in time");
    assert_eq!(e.data(), "a");
    assert_eq!(server.open_streams(), 1);
    drop(client);
    // The server sees the connection go when it next writes or polls: within
    // the pause, long before its end.
    let closed = async {
        while server.open_streams() != 0 {
            tokio::time::sleep(ms(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), closed)
        .await
        .expect("the server saw the connection close");
    assert_eq!(server.requests().len(), 1);
}
