//! A Datastar-style client: POST the page's signals as JSON, apply the
//! `datastar-patch-elements` and `datastar-patch-signals` events the server
//! streams back. The local server (127.0.0.1, an ephemeral port) goes away
//! once; the client comes back with the same POST after the server's
//! `retry` time and ends when the server answers 204.
//!
//! `cargo run -p ssewire-client-tests --example datastar_post`

use futures_util::StreamExt;
use ssewire::reconnect::{EventSource, Item, Options, Stop, Tokio};
use ssewire::ServerEvent;
use ssewire_client_tests::{encoded, retry, send, serve, Answer, Part};

fn patch(event_type: &str, data: &str, id: &str) -> Part {
    let event = ServerEvent::new(data)
        .event_type(event_type)
        .and_then(|e| e.id(id));
    encoded(&event.expect("valid"))
}

#[tokio::main]
async fn main() {
    let server = serve(vec![
        Answer::Stream(vec![
            retry(300),
            patch(
                "datastar-patch-elements",
                "elements <div id=\"count\">1</div>",
                "1",
            ),
            patch("datastar-patch-signals", "signals {\"count\":1}", "2"),
            Part::Abort,
        ]),
        Answer::Stream(vec![patch(
            "datastar-patch-elements",
            "selector #count\nelements <div id=\"count\">2</div>",
            "3",
        )]),
    ])
    .await;

    let http = reqwest::Client::new();
    let url = server.url.clone();
    let signals = r#"{"count":0}"#;
    let client = EventSource::new(Options::new(), Tokio::new(), move |next| {
        let request = http
            .post(format!("{url}increment"))
            .header("content-type", "application/json")
            .body(signals);
        send(request, next)
    });

    let mut client = std::pin::pin!(client);
    let mut patches = Vec::new();
    while let Some(item) = client.next().await {
        match item {
            Item::Event(event) => {
                println!(
                    "{}: {}",
                    event.event_type(),
                    event.data().replace('\n', " | ")
                );
                patches.push(event.id().to_string());
            }
            Item::Reconnecting { after, reason } => {
                eprintln!("reconnecting in {after:?} ({reason:?})")
            }
            Item::Stopped(stop) => {
                assert_eq!(stop, Stop::NoContent);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(patches, ["1", "2", "3"]);
    let requests = server.requests();
    assert!(requests
        .iter()
        .all(|r| r.method == "POST" && r.body == signals));
}
