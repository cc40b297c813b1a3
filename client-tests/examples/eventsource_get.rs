//! An `EventSource`-like client: GET, reconnect after the server's `retry`
//! time with `Last-Event-ID`, stop on 204; every item printed, as a browser's
//! `open`, `message` and `error` events would be. The local server
//! (127.0.0.1, an ephemeral port) cuts the stream in the middle of an event,
//! then ends the next one cleanly, then answers 204.
//!
//! `cargo run -p ssewire-client-tests --example eventsource_get`

use futures_util::StreamExt;
use ssewire::reconnect::{EventSource, Item, Options, Reply, Tokio};
use ssewire_client_tests::{event, raw, retry, serve, Answer, Part};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The server's script (not part of the client).
    let server = serve(vec![
        Answer::Stream(vec![
            retry(250),
            event("first", Some("1")),
            raw("id: 2\ndata: cut sho"),
            Part::Abort,
        ]),
        Answer::Stream(vec![event("second", Some("2")), event("third", Some("3"))]),
    ])
    .await;
    let url = server.url.clone();

    let http = reqwest::Client::new();
    // EventSource's rules (a GET is sent again after a network error), and
    // an idle timeout on top, which browsers lack.
    let options = Options::new()
        .resend_before_open(true)
        .idle_timeout(Some(std::time::Duration::from_secs(60)));
    let mut source = EventSource::new(options, Tokio::new(), move |next| {
        // After a redirect, reconnect where it led, as EventSource does.
        let request = http
            .get(next.url().unwrap_or(&url))
            .headers(next.header_map());
        async move {
            request
                .send()
                .await
                .map(|r| Reply::from_http_with_url(r.url().to_string(), r))
        }
    });
    let mut seen = Vec::new();
    while let Some(item) = source.next().await {
        eprintln!("{item}");
        match item {
            Item::Event(event) => seen.push(event.data().to_string()),
            Item::Stopped(stop) => println!("{stop}"),
            _ => {}
        }
    }

    // What the client and the server saw (checks, not part of the client).
    assert_eq!(seen, ["first", "second", "third"]);
    assert_eq!(
        server.last_event_ids(),
        [None, Some("1".into()), Some("3".into())]
    );
    Ok(())
}
