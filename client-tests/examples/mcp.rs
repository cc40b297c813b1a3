//! An MCP client over the Streamable HTTP transport: each JSON-RPC request
//! is POSTed with `Accept: application/json, text/event-stream`; the answer
//! comes as plain JSON (`initialize`, which also opens the session) or as an
//! event stream (`tools/call`); a stream that breaks before the answer is
//! resumed by a GET with `Last-Event-ID` and the `Mcp-Session-Id`. The local
//! server (127.0.0.1, an ephemeral port, `ssewire_client_tests::mcp`)
//! behaves like an MCP server and breaks the `tools/call` stream once.
//!
//! `cargo run -p ssewire-client-tests --example mcp`

use futures_util::StreamExt;
use serde_json::{json, Value};
use ssewire::reconnect::{EventSource, Head, Item, Options, Reply, Tokio};

type Error = Box<dyn std::error::Error>;

/// One JSON-RPC request: its answer, and the head of the response that
/// carried it (with the session the server set, if it did).
async fn call(url: &str, session: Option<&str>, request: Value) -> Result<(Value, Head), Error> {
    let (http, url) = (reqwest::Client::new(), url.to_string());
    let session = session.map(String::from);
    let options = Options::new().accept("application/json, text/event-stream");
    let mut source = EventSource::new(options, Tokio::new(), move |next| {
        // A POST the first time; resuming its stream, a GET.
        let builder = match next.last_event_id() {
            Some(_) => http.get(&url),
            None => http.post(&url).json(&request),
        };
        let builder = session
            .iter()
            .fold(builder, |b, id| b.header("mcp-session-id", id));
        let request = builder.headers(next.header_map());
        async move { request.send().await.map(Reply::from_http) }
    });
    let mut opened = Head::new(200);
    while let Some(item) = source.next().await {
        match item {
            Item::Open { head } => opened = head,
            Item::Answer { head, body, .. } => return Ok((serde_json::from_slice(&body)?, head)),
            Item::Event(event) => {
                let message: Value = serde_json::from_str(event.data())?;
                if message.get("id").is_some() {
                    return Ok((message, opened));
                }
            }
            Item::Stopped(stop) => return Err(stop.into()),
            _ => {}
        }
    }
    Err("the stream ended without an answer".into())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    // The server (not part of the client).
    let server = ssewire_client_tests::mcp::serve().await;

    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "ssewire-example", "version": "0"}}});
    let (answer, head) = call(&server.url, None, init).await?;
    let session = head.header("mcp-session-id").map(String::from_utf8_lossy);
    println!(
        "initialized: {}, session {session:?}",
        answer["result"]["serverInfo"]
    );
    let tool = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "answer", "arguments": {}}});
    let (answer, _) = call(&server.url, session.as_deref(), tool).await?;
    println!("result: {}", answer["result"]);

    // What the server saw (checks, not part of the client).
    assert_eq!(answer["result"]["content"][0]["text"], "42");
    let seen = server.requests();
    let methods: Vec<&str> = seen.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["POST", "POST", "GET"]);
    assert!(seen
        .iter()
        .all(|r| r.accept == ["application/json, text/event-stream"]));
    assert_eq!(seen[2].last_event_id.as_deref(), Some("1"));
    assert!(seen[1..]
        .iter()
        .all(|r| r.session.as_deref() == Some(ssewire_client_tests::mcp::SESSION)));
    Ok(())
}
