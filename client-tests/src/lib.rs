//! What the loopback tests and the examples share: a scripted SSE server
//! (axum on 127.0.0.1, an ephemeral port) that answers each request with the
//! next [`Answer`] of its script and records what each request carried, an
//! MCP-like server ([`mcp`]), and for the tests a one-line reqwest glue over
//! the library's batteries ([`send`]).

pub mod mcp;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Response as HttpResponse, StatusCode, Uri};
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use ssewire::reconnect::{Reply, RequestHeaders};
use ssewire::ServerEvent;

/// What the server writes on one stream, in order.
#[derive(Clone, Debug)]
pub enum Part {
    /// Bytes as they are (events written with the encoder, or a cut one).
    Bytes(Vec<u8>),
    /// A pause.
    Pause(Duration),
    /// Ends the body abruptly, once what came before is on the wire: the
    /// client sees a broken connection.
    Abort,
}

/// Any event, written with the encoder.
pub fn encoded(event: &ServerEvent<'_>) -> Part {
    let mut out = Vec::new();
    event.append_to(&mut out);
    Part::Bytes(out)
}

/// A `message` event, written with the encoder.
pub fn event(data: &str, id: Option<&str>) -> Part {
    let mut event = ServerEvent::new(data);
    if let Some(id) = id {
        event = event.id(id).expect("a valid ID");
    }
    encoded(&event)
}

/// A `retry` field alone.
pub fn retry(ms: u64) -> Part {
    let mut out = Vec::new();
    ServerEvent::without_data().retry(ms).append_to(&mut out);
    Part::Bytes(out)
}

/// Raw bytes (a cut event, a comment).
pub fn raw(bytes: &str) -> Part {
    Part::Bytes(bytes.as_bytes().to_vec())
}

/// The answer to one request.
#[derive(Clone, Debug)]
pub enum Answer {
    /// 200 `text/event-stream`, then the parts; the body ends after them
    /// (unless one aborts it).
    Stream(Vec<Part>),
    /// Any status and content type, with `Retry-After` if given, and a body.
    Status {
        /// The status.
        status: u16,
        /// The `Content-Type`.
        content_type: &'static str,
        /// `Retry-After`, if any.
        retry_after: Option<&'static str>,
        /// The body.
        body: &'static str,
    },
    /// Any status and headers, then the parts.
    Custom {
        /// The status.
        status: u16,
        /// The headers, in order (a name may repeat).
        headers: Vec<(&'static str, String)>,
        /// The body.
        parts: Vec<Part>,
    },
}

/// A redirect to `location` (a path on this server, or a URL).
pub fn redirect(status: u16, location: &str) -> Answer {
    Answer::Custom {
        status,
        headers: vec![("location", location.to_string())],
        parts: Vec::new(),
    }
}

/// A status answer with a plain text body.
pub fn status(status: u16, retry_after: Option<&'static str>) -> Answer {
    Answer::Status {
        status,
        content_type: "text/plain",
        retry_after,
        body: "not a stream",
    }
}

/// What one request carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: String,
    /// The path (and query).
    pub path: String,
    /// The `Last-Event-ID` header, if sent.
    pub last_event_id: Option<String>,
    /// The request body.
    pub body: String,
    /// Every header, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// When it arrived, since the server started.
    pub at: Duration,
}

/// A running scripted server; stops when the test process ends (its task
/// runs on the test's runtime, which is dropped at the end of the test).
pub struct Server {
    /// `http://127.0.0.1:port/`.
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    open: Arc<AtomicUsize>,
}

impl Server {
    /// Event streams being written now (a stream closed by the client
    /// counts down once the server notices).
    pub fn open_streams(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("not poisoned").clone()
    }

    /// The `Last-Event-ID` of every request so far.
    pub fn last_event_ids(&self) -> Vec<Option<String>> {
        let requests = self.requests.lock().expect("not poisoned");
        requests.iter().map(|r| r.last_event_id.clone()).collect()
    }
}

/// Starts a server answering request `n` with `script[n]`, and with 204 once
/// the script is used up (so that `EventSource` stops too).
pub async fn serve(script: Vec<Answer>) -> Server {
    serve_with_page(script, None).await
}

/// A page for a browser: `GET /page` serves `html`, and the body of each
/// `POST /report` is sent to `reports`. Every other request follows the
/// script, as with [`serve`].
pub struct Page {
    /// The HTML.
    pub html: String,
    /// Where reports go.
    pub reports: std::sync::mpsc::Sender<Bytes>,
}

/// [`serve`], with a page for a browser.
pub async fn serve_with_page(script: Vec<Answer>, page: Option<Page>) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let open = Arc::new(AtomicUsize::new(0));
    let script = Arc::new(script);
    let started = Instant::now();
    let handler = {
        let (requests, open) = (Arc::clone(&requests), Arc::clone(&open));
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (requests, script, open) = (
                Arc::clone(&requests),
                Arc::clone(&script),
                Arc::clone(&open),
            );
            async move {
                let n = {
                    let mut requests = requests.lock().expect("not poisoned");
                    requests.push(Request {
                        method: method.to_string(),
                        path: uri.to_string(),
                        last_event_id: headers
                            .get("last-event-id")
                            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
                        body: String::from_utf8_lossy(&body).into_owned(),
                        headers: headers
                            .iter()
                            .map(|(name, value)| {
                                let value = String::from_utf8_lossy(value.as_bytes());
                                (name.to_string(), value.into_owned())
                            })
                            .collect(),
                        at: started.elapsed(),
                    });
                    requests.len() - 1
                };
                respond(
                    script.get(n).cloned().unwrap_or_else(|| status(204, None)),
                    open,
                )
            }
        }
    };
    let mut app = axum::Router::new();
    if let Some(Page { html, reports }) = page {
        let html = axum::response::Html(html);
        app = app
            .route("/page", axum::routing::get(move || async move { html }))
            // Not a request of the script.
            .route(
                "/favicon.ico",
                axum::routing::get(|| async { StatusCode::NOT_FOUND }),
            )
            .route(
                "/report",
                axum::routing::post(move |body: Bytes| {
                    let _ = reports.send(body);
                    async { StatusCode::NO_CONTENT }
                }),
            );
    }
    let app = app.fallback(handler);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server {
        url,
        requests,
        open,
    }
}

/// Counts a stream as open until its body is dropped (written out, or
/// abandoned when the client goes away).
struct Open(Arc<AtomicUsize>);

impl Open {
    fn new(count: Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn respond(answer: Answer, open: Arc<AtomicUsize>) -> HttpResponse<Body> {
    match answer {
        Answer::Stream(parts) => respond(
            Answer::Custom {
                status: 200,
                headers: vec![
                    ("content-type", "text/event-stream".into()),
                    ("cache-control", "no-cache".into()),
                ],
                parts,
            },
            open,
        ),
        Answer::Custom {
            status,
            headers,
            parts,
        } => {
            let open = Open::new(open);
            let body = futures_util::stream::iter(parts).then(|part| async move {
                match part {
                    Part::Bytes(bytes) => Ok(Some(Bytes::from(bytes))),
                    Part::Pause(time) => {
                        tokio::time::sleep(time).await;
                        Ok(None)
                    }
                    Part::Abort => {
                        // hyper drops what it has not written yet when the
                        // body fails: give it time to write.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Err(std::io::Error::other("abort"))
                    }
                }
            });
            let body = body
                .try_filter_map(|chunk| async move { Ok(chunk) })
                .map(move |chunk| {
                    let _still_open = &open;
                    chunk
                });
            let mut response =
                HttpResponse::builder().status(StatusCode::from_u16(status).expect("a status"));
            for (name, value) in headers {
                response = response.header(name, value);
            }
            response
                .body(Body::from_stream(body))
                .expect("a valid response")
        }
        Answer::Status {
            status,
            content_type,
            retry_after,
            body,
        } => {
            let mut response = HttpResponse::builder()
                .status(StatusCode::from_u16(status).expect("a valid status"))
                .header(header::CONTENT_TYPE, content_type);
            if let Some(value) = retry_after {
                response = response.header(header::RETRY_AFTER, value);
            }
            response.body(Body::from(body)).expect("a valid response")
        }
    }
}

/// The body of a reqwest response, as the driver takes it.
pub type ReqwestBody = ssewire::BodyChunks<reqwest::Body>;

/// Sends `request` with the headers the client adds, as the batteries do it:
/// `RequestHeaders::header_map`, then `Reply::from_http_with_url` (reqwest
/// knows the URL after redirects). The future borrows nothing.
pub fn send(
    request: reqwest::RequestBuilder,
    next: RequestHeaders,
) -> impl std::future::Future<Output = Result<Reply<ReqwestBody>, reqwest::Error>> + Send + 'static
{
    let request = request.headers(next.header_map());
    async move {
        let response = request.send().await?;
        Ok(Reply::from_http_with_url(
            response.url().to_string(),
            response,
        ))
    }
}
