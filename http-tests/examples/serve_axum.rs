//! `serve_axum`: an axum server that streams a JSON tick every second to each
//! client on `GET /events`, with a keep-alive comment after 15 idle seconds,
//! and notices when the client goes away. The events come from a task
//! through a channel; `EventStreamBody` writes them, the keep-alives and the
//! headers. Listens on 127.0.0.1 only (the port is printed).
//!
//! ```text
//! cargo run -p ssewire-http-tests --example serve_axum
//! curl -N http://127.0.0.1:<port>/events
//! ```

use std::time::Duration;

use axum::{response::IntoResponse, routing::get, Router};
use futures_util::stream;
use ssewire::{EventStreamBody, OwnedServerEvent, TokioClock};
use tokio::sync::mpsc;

async fn events() -> impl IntoResponse {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        for n in 1.. {
            let tick = serde_json::json!({ "tick": n, "unit": "s" });
            let event = OwnedServerEvent::json(&tick).expect("JSON").numeric_id(n);
            if tx.send(event.event_type("tick")).await.is_err() {
                return println!("client disconnected after {} events", n - 1);
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    let events = stream::unfold(rx, |mut rx| async { Some((rx.recv().await?, rx)) });
    EventStreamBody::new(events)
        .keep_alive(Duration::from_secs(15), TokioClock::new())
        .into_response()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}/events", listener.local_addr()?);
    axum::serve(listener, Router::new().route("/events", get(events))).await
}
