//! A server that behaves like the MCP Streamable HTTP transport (spec
//! 2025-06-18, "Transports"), on 127.0.0.1 with an ephemeral port, for the
//! MCP client example and tests:
//!
//! - one endpoint; a POST carries one JSON-RPC message
//!   (`application/json`, 415 otherwise) and must accept both
//!   `application/json` and `text/event-stream` (406 otherwise);
//! - `initialize` is answered as plain JSON, with an `Mcp-Session-Id`;
//!   every later request must carry that session (400 otherwise);
//! - a notification is answered 202 Accepted, without a body;
//! - `tools/call` is answered as an event stream: a progress notification
//!   with event ID `1`, then the connection breaks before the result;
//! - a GET with the session and `Last-Event-ID` resumes that stream: the
//!   events after the ID (the result, ID `2`), then the stream ends. A GET
//!   without `Last-Event-ID` is 405 (no stream of the server's own).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Response, StatusCode};
use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::{json, Value};

/// The session ID the server hands out.
pub const SESSION: &str = "session-7f3a";

/// What one request carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// `Accept` values, in order.
    pub accept: Vec<String>,
    /// `Mcp-Session-Id`, if sent.
    pub session: Option<String>,
    /// `Last-Event-ID`, if sent.
    pub last_event_id: Option<String>,
    /// The JSON-RPC method of a POST.
    pub rpc: Option<String>,
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:port/mcp`.
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Every request so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("not poisoned").clone()
    }
}

#[derive(Default)]
struct Shared {
    /// The result of the `tools/call` whose stream broke, by request ID.
    pending: Mutex<Option<Value>>,
}

/// Starts the server.
pub async fn serve() -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let url = format!("http://{}/mcp", listener.local_addr().expect("address"));
    let shared = Arc::new(Shared::default());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler = {
        let (shared, seen) = (Arc::clone(&shared), Arc::clone(&seen));
        move |method: Method, headers: HeaderMap, body: Bytes| {
            let (shared, seen) = (Arc::clone(&shared), Arc::clone(&seen));
            async move {
                let response = answer(&shared, &method, &headers, &body);
                let text = |name: &str| {
                    headers
                        .get(name)
                        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                };
                let rpc = serde_json::from_slice::<Value>(&body)
                    .ok()
                    .and_then(|m| m.get("method").and_then(Value::as_str).map(String::from));
                seen.lock().expect("not poisoned").push(Seen {
                    method: method.to_string(),
                    accept: headers
                        .get_all("accept")
                        .iter()
                        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                        .collect(),
                    session: text("mcp-session-id"),
                    last_event_id: text("last-event-id"),
                    rpc,
                });
                response
            }
        }
    };
    let app = axum::Router::new().route("/mcp", axum::routing::any(handler));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server { url, seen }
}

fn status(status: StatusCode) -> Response<Body> {
    Response::builder()
        .status(status)
        .body(Body::empty())
        .expect("a response")
}

fn sse_event(id: &str, message: &Value) -> Bytes {
    let mut out = Vec::new();
    let data = message.to_string();
    let event = ssewire::ServerEvent::new(&data).id(id).expect("a valid ID");
    event.append_to(&mut out);
    Bytes::from(out)
}

fn answer(shared: &Shared, method: &Method, headers: &HeaderMap, body: &[u8]) -> Response<Body> {
    let session = headers.get("mcp-session-id").map(|v| v.as_bytes());
    if *method == Method::GET {
        if session != Some(SESSION.as_bytes()) {
            return status(StatusCode::BAD_REQUEST);
        }
        let Some(after) = headers.get("last-event-id") else {
            return status(StatusCode::METHOD_NOT_ALLOWED);
        };
        let pending = shared.pending.lock().expect("not poisoned").take();
        return match (after.as_bytes(), pending) {
            (b"1", Some(result)) => Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from(sse_event("2", &result)))
                .expect("a response"),
            _ => status(StatusCode::NOT_FOUND),
        };
    }
    if *method != Method::POST {
        return status(StatusCode::METHOD_NOT_ALLOWED);
    }
    let accepts = |kind: &str| {
        headers
            .get_all("accept")
            .iter()
            .any(|v| String::from_utf8_lossy(v.as_bytes()).contains(kind))
    };
    if !accepts("application/json") || !accepts("text/event-stream") {
        return status(StatusCode::NOT_ACCEPTABLE);
    }
    let json = headers.get("content-type").map(|v| v.as_bytes());
    if json != Some(b"application/json".as_slice()) {
        return status(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    let Ok(message) = serde_json::from_slice::<Value>(body) else {
        return status(StatusCode::BAD_REQUEST);
    };
    let id = message.get("id").cloned();
    match (message.get("method").and_then(Value::as_str), id) {
        (Some("initialize"), Some(id)) => {
            let result = json!({"jsonrpc": "2.0", "id": id, "result": {
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "loopback", "version": "0"},
            }});
            Response::builder()
                .header("content-type", "application/json")
                .header("mcp-session-id", SESSION)
                .body(Body::from(result.to_string()))
                .expect("a response")
        }
        _ if session != Some(SESSION.as_bytes()) => status(StatusCode::BAD_REQUEST),
        (Some(_), None) => status(StatusCode::ACCEPTED),
        (Some("tools/call"), Some(id)) => {
            let progress = json!({"jsonrpc": "2.0", "method": "notifications/progress",
                "params": {"progressToken": 1, "progress": 0.5}});
            let result = json!({"jsonrpc": "2.0", "id": id,
                "result": {"content": [{"type": "text", "text": "42"}]}});
            *shared.pending.lock().expect("not poisoned") = Some(result);
            let first = sse_event("1", &progress);
            // The connection breaks after the notification, before the result.
            let body =
                futures_util::stream::iter([Ok(first)]).chain(futures_util::stream::once(async {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    Err(std::io::Error::other("the connection broke"))
                }));
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(body))
                .expect("a response")
        }
        _ => status(StatusCode::NOT_FOUND),
    }
}
