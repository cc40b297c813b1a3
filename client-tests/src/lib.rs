//! What the loopback tests and the examples share: a scripted SSE server
//! (axum on 127.0.0.1, an ephemeral port) that answers each request with the
//! next [`Answer`] of its script and records what each request carried, a
//! tokio [`Runtime`] for `ssewire::reconnect::Client`, and reqwest glue.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Response as HttpResponse, StatusCode};
use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use ssewire::reconnect::{RequestHeaders, Response, Runtime};
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
        move |method: Method, headers: HeaderMap, body: Bytes| {
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
        Answer::Stream(parts) => {
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
            HttpResponse::builder()
                .header(header::CONTENT_TYPE, "text/event-stream")
                .header(header::CACHE_CONTROL, "no-cache")
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

/// tokio's sleep and clock, and a xorshift seeded from the wall clock and
/// an address, for the jitter.
pub struct Tokio {
    start: tokio::time::Instant,
    state: u64,
}

impl Default for Tokio {
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let here = &nanos as *const u32 as u64;
        Self {
            start: tokio::time::Instant::now(),
            state: (u64::from(nanos) ^ here.rotate_left(32)) | 1,
        }
    }
}

impl Runtime for Tokio {
    type Sleep = tokio::time::Sleep;

    fn sleep(&mut self, duration: Duration) -> tokio::time::Sleep {
        tokio::time::sleep(duration)
    }

    fn now(&mut self) -> Duration {
        self.start.elapsed()
    }

    fn random(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }
}

/// The body of a reqwest response, as the driver takes it.
pub type ReqwestBody = std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// Adds the driver's headers to a request (now: the future borrows nothing)
/// and returns the future that sends it and describes the response for the
/// driver.
pub fn send(
    request: reqwest::RequestBuilder,
    headers: RequestHeaders<'_>,
) -> impl std::future::Future<Output = Result<Response<ReqwestBody>, reqwest::Error>> + Send + 'static
{
    let request = headers.iter().fold(request, |request, (name, value)| {
        request.header(name, value)
    });
    async move {
        let response = request.send().await?;
        let header = |name| response.headers().get(name).map(|v| v.as_bytes().to_vec());
        let (content_type, retry_after) =
            (header(header::CONTENT_TYPE), header(header::RETRY_AFTER));
        let mut described = Response::new(
            response.status().as_u16(),
            Box::pin(response.bytes_stream()) as ReqwestBody,
        );
        if let Some(value) = content_type {
            described = described.content_type(value);
        }
        if let Some(value) = retry_after {
            described = described.retry_after(value);
        }
        Ok(described)
    }
}
