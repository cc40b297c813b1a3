//! `serve_hyper`: `serve_axum` without axum: the same ticks, keep-alives and
//! disconnect notice, served by hyper 1 directly (hyper-util's tokio glue).
//! Listens on 127.0.0.1 only (the port is printed).
//!
//! ```text
//! cargo run -p ssewire-http-tests --example serve_hyper
//! curl -N http://127.0.0.1:<port>/events
//! ```

use std::convert::Infallible;
use std::time::Duration;

use futures_util::stream;
use hyper::{server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use ssewire::{EventStreamBody, OwnedServerEvent, TokioClock};
use tokio::sync::mpsc;

/// One event a second, until the client has gone.
async fn ticks(tx: mpsc::Sender<OwnedServerEvent>) {
    for n in 1.. {
        let tick = serde_json::json!({ "tick": n, "unit": "s" });
        let event = OwnedServerEvent::json(&tick).expect("JSON").numeric_id(n);
        if tx.send(event.event_type("tick")).await.is_err() {
            return println!("client disconnected after {} events", n - 1);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}/events", listener.local_addr()?);
    loop {
        let (socket, _) = listener.accept().await?;
        let service = service_fn(|_request| async {
            let (tx, rx) = mpsc::channel(16);
            tokio::spawn(ticks(tx));
            let events = stream::unfold(rx, |mut rx| async { Some((rx.recv().await?, rx)) });
            let clock = TokioClock::new();
            let body = EventStreamBody::new(events).keep_alive(Duration::from_secs(15), clock);
            Ok::<_, Infallible>(body.into_response())
        });
        let io = TokioIo::new(socket);
        tokio::spawn(http1::Builder::new().serve_connection(io, service));
    }
}
