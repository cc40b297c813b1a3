//! `llm_tokens`: an LLM-style token printer. It POSTs a prompt with hyper's
//! client and prints each `data: {"token": ...}` as it arrives, until
//! `data: [DONE]`, reading the body through `BodyEvents`. The server (axum)
//! runs in-process on 127.0.0.1, so it runs offline.
//!
//! ```text
//! cargo run -p ssewire-http-tests --example llm_tokens
//! ```

use std::io::Write;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::Response;
use axum::routing::post;
use axum::Router;
use futures_util::StreamExt;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use ssewire::{BodyEvents, ServerEvent, KEEP_ALIVE};

/// Streams the prompt back a word at a time, as a model streams tokens.
async fn complete(body: Bytes) -> Response<Body> {
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let prompt = request["prompt"].as_str().unwrap_or("").to_owned();
    let mut tokens: Vec<String> = prompt.split_inclusive(' ').map(str::to_owned).collect();
    tokens.push(String::new()); // the end: [DONE]
    let frames = futures_util::stream::iter(tokens).then(|token| async move {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let mut out = KEEP_ALIVE.to_vec();
        let data = if token.is_empty() {
            "[DONE]".to_owned()
        } else {
            serde_json::json!({ "token": token }).to_string()
        };
        ServerEvent::new(&data).append_to(&mut out);
        Ok::<_, std::convert::Infallible>(out)
    });
    ssewire_http_tests::event_stream(Body::from_stream(frames))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new().route("/v1/complete", post(complete));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let request = hyper::Request::post("/v1/complete")
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(
            r#"{"prompt": "Streaming tokens arrive one event at a time."}"#,
        )))?;
    let response = sender.send_request(request).await?;

    let mut events = BodyEvents::new(response.into_body());
    let mut stdout = std::io::stdout();
    while let Some(event) = events.next().await {
        let event = event?;
        if event.data() == "[DONE]" {
            break;
        }
        let chunk: serde_json::Value = serde_json::from_str(event.data())?;
        write!(stdout, "{}", chunk["token"].as_str().unwrap_or_default())?;
        stdout.flush()?;
    }
    writeln!(stdout)?;
    Ok(())
}
