//! An LLM-style client: POST a prompt, print the tokens as they stream, stop
//! at `[DONE]`. The local server (127.0.0.1, an ephemeral port) drops the
//! first connection after two tokens; the client sends the same POST again
//! with `Last-Event-ID` and the server goes on from there.
//!
//! `cargo run -p ssewire-client-tests --example llm_post`

use futures_util::StreamExt;
use ssewire::reconnect::{Client, Item, Options};
use ssewire_client_tests::{event, retry, send, serve, Answer, Part, Tokio};

#[tokio::main]
async fn main() {
    let server = serve(vec![
        Answer::Stream(vec![
            retry(200),
            event("Hello", Some("1")),
            event(",", Some("2")),
            Part::Abort,
        ]),
        Answer::Stream(vec![event(" world", Some("3")), event("[DONE]", Some("4"))]),
    ])
    .await;

    let http = reqwest::Client::new();
    let url = server.url.clone();
    let prompt = r#"{"model":"any","prompt":"Say hello"}"#;
    // A new request each attempt: any method, any body, any client.
    let client = Client::new(
        Options::new().max_retries(Some(5)),
        Tokio::default(),
        move |headers| {
            let request = http
                .post(&url)
                .header("content-type", "application/json")
                .body(prompt);
            send(request, headers)
        },
    )
    // The answer is over after its last event: no reconnection then.
    .complete_when(|event| event.data() == "[DONE]");

    let mut client = std::pin::pin!(client);
    let mut answer = String::new();
    while let Some(item) = client.next().await {
        match item {
            Item::Event(event) if event.data() != "[DONE]" => answer.push_str(event.data()),
            Item::Reconnecting { after, reason } => {
                eprintln!("reconnecting in {after:?} ({reason:?})")
            }
            Item::Error(error) => eprintln!("error: {error}"),
            Item::Stopped(stop) => eprintln!("stopped: {stop:?}"),
            _ => {}
        }
    }
    println!("{answer}");
    assert_eq!(answer, "Hello, world");
    let resumed = server.requests()[1].last_event_id.clone();
    assert_eq!(resumed.as_deref(), Some("2"));
}
