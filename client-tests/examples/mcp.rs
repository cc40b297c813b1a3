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

/// One request: its answer, and the session (the server's, if it set one).
async fn call(
    url: &str,
    session: Option<String>,
    request: Value,
) -> Result<(Value, Option<String>), Error> {
    let (http, url, sent) = (reqwest::Client::new(), url.to_string(), session.clone());
    let options = Options::new().accept("application/json, text/event-stream");
    let mut source = EventSource::new(options, Tokio::new(), move |next| {
        // A POST the first time; resuming its stream, a GET.
        let mut builder = match next.last_event_id() {
            Some(_) => http.get(&url),
            None => http.post(&url).header("content-type", "application/json"),
        };
        if let Some(session) = &sent {
            builder = builder.header("mcp-session-id", session);
        }
        let request = builder.headers(next.header_map()).body(request.to_string());
        async move { request.send().await.map(Reply::from_http) }
    });
    let session_of = |head: &Head| {
        head.header("mcp-session-id")
            .map(|v| String::from_utf8_lossy(v).into())
    };
    let mut session = session;
    while let Some(item) = source.next().await {
        match item {
            Item::Open { head } => session = session_of(&head).or(session),
            Item::Answer { head, body, .. } => {
                return Ok((
                    serde_json::from_slice(&body)?,
                    session_of(&head).or(session),
                ));
            }
            Item::Event(event) => {
                let message: Value = serde_json::from_str(event.data())?;
                if message.get("id").is_some() {
                    return Ok((message, session));
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
    let (answer, session) = call(&server.url, None, init).await?;
    println!(
        "initialized: {} (session {session:?})",
        answer["result"]["serverInfo"]
    );
    let tool = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "answer", "arguments": {}}});
    let (answer, _) = call(&server.url, session, tool).await?;
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
