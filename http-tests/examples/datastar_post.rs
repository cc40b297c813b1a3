//! `datastar_post`: a Datastar/htmx-style client. It POSTs a JSON signal
//! object with reqwest and reads the `text/event-stream` answer through
//! `.bytes_stream().sse()`, applying each patch as it arrives. The server
//! (axum) runs in-process on 127.0.0.1, so it runs offline.
//!
//! ```text
//! cargo run -p ssewire-http-tests --example datastar_post
//! ```

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::Response;
use axum::routing::post;
use axum::Router;
use futures_util::StreamExt;
use ssewire::{is_event_stream, ServerEvent, SseStreamExt};

/// Answers `{"count": n}` with three element patches and a signal patch.
async fn increment(body: Bytes) -> Response<Body> {
    let signals: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let count = signals["count"].as_i64().unwrap_or(0);
    let events = futures_util::stream::iter(1..=3).then(move |step| async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut out = Vec::new();
        let elements = format!("elements <div id=\"count\">{}</div>", count + step);
        let event = ServerEvent::new(&elements).event_type("datastar-patch-elements")?;
        event.append_to(&mut out);
        if step == 3 {
            let signals = format!("signals {{\"count\": {}}}", count + step);
            ServerEvent::new(&signals)
                .event_type("datastar-patch-signals")?
                .append_to(&mut out);
        }
        Ok::<_, ssewire::EncodeError>(out)
    });
    ssewire_http_tests::event_stream(Body::from_stream(events))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new().route("/increment", post(increment));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let response = reqwest::Client::new()
        .post(format!("http://{addr}/increment"))
        .header("content-type", "application/json")
        .header("datastar-request", "true")
        .body(r#"{"count": 41}"#)
        .send()
        .await?
        .error_for_status()?;
    let content_type = response.headers().get("content-type");
    if !content_type.is_some_and(|value| is_event_stream(value.as_bytes())) {
        return Err("not an event stream".into());
    }
    let mut events = response.bytes_stream().sse();
    while let Some(event) = events.next().await {
        let event = event?;
        match event.event_type() {
            "datastar-patch-elements" => println!("patch elements: {}", event.data()),
            "datastar-patch-signals" => println!("patch signals:  {}", event.data()),
            other => println!("ignored {other}"),
        }
    }
    println!("end: {:?}", events.end());
    Ok(())
}
