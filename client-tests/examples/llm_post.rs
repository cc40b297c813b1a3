//! An LLM-style client: POST a prompt, collect the tokens as they stream,
//! over at `[DONE]`. If the connection drops, the same POST goes out again
//! with `Last-Event-ID` after the server's `retry` time, and the server goes
//! on from there. The local server (127.0.0.1, an ephemeral port) drops the
//! first connection after two tokens.
//!
//! The client is `complete` and `main` without the server's script: 20
//! lines (non-blank, non-comment, after rustfmt), the same lines as the doc
//! example of `ssewire::reconnect::EventSource`.
//!
//! `cargo run -p ssewire-client-tests --example llm_post`

use ssewire::reconnect::{EventSource, Options, Reply, Tokio};
use ssewire_client_tests::{event, retry, serve, Answer, Part};
use std::error::Error;

async fn complete(url: String, prompt: &'static str) -> Result<String, Box<dyn Error>> {
    let http = reqwest::Client::new();
    let mut source = EventSource::new(Options::new(), Tokio::new(), move |next| {
        let request = http.post(&url).headers(next.header_map()).body(prompt);
        async move { request.send().await.map(Reply::from_http) }
    });
    let mut answer = String::new();
    while let Some(event) = source.next_event().await?.filter(|e| e.data() != "[DONE]") {
        answer.push_str(event.data());
    }
    Ok(answer)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // The server's script (not part of the client).
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

    let answer = complete(server.url.clone(), r#"{"prompt":"Say hello"}"#).await?;
    println!("{answer}");

    // What the server saw (checks, not part of the client).
    assert_eq!(answer, "Hello, world");
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.method == "POST"));
    assert_eq!(requests[1].last_event_id.as_deref(), Some("2"));
    Ok(())
}
