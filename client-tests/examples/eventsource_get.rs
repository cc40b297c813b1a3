//! An `EventSource`-like client: GET, reconnect after the server's `retry`
//! time with `Last-Event-ID`, stop on 204. The local server (127.0.0.1, an
//! ephemeral port) cuts the stream in the middle of an event, then ends the
//! next one cleanly, then answers 204.
//!
//! `cargo run -p ssewire-client-tests --example eventsource_get`

use futures_util::StreamExt;
use ssewire::reconnect::{Client, Item, Options};
use ssewire_client_tests::{event, raw, retry, send, serve, Answer, Part, Tokio};

#[tokio::main]
async fn main() {
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

    let http = reqwest::Client::new();
    let url = server.url.clone();
    // The spec's rules as they are; an idle timeout on top, as browsers lack one.
    let options = Options::new().idle_timeout(Some(std::time::Duration::from_secs(60)));
    let client = Client::new(options, Tokio::default(), move |headers| {
        send(http.get(&url), headers)
    });

    let mut client = std::pin::pin!(client);
    let mut seen = Vec::new();
    while let Some(item) = client.next().await {
        match item {
            Item::Opened => eprintln!("open"),
            Item::Event(event) => {
                println!("{} (id {})", event.data(), event.id());
                seen.push(event.data().to_string());
            }
            Item::Reconnecting { after, reason } => {
                eprintln!("reconnecting in {after:?} ({reason:?})")
            }
            Item::Stopped(stop) => eprintln!("stopped: {stop:?}"),
            _ => {}
        }
    }
    assert_eq!(seen, ["first", "second", "third"]);
    assert_eq!(
        server.last_event_ids(),
        [None, Some("1".into()), Some("3".into())]
    );
}
