//! The request that `-X`, `-H`, `-d` and `--data-json` describe (for `cat
//! URL` and `lint URL`), the reqwest client that sends it, and what a
//! response that is not a stream says, in words.

use std::future::poll_fn;
use std::pin::Pin;
use std::time::Duration;

use futures_core::Stream;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};

use crate::exit::{describe_io, Fatal, Status};
use crate::HttpArgs;

/// A response body as reqwest hands it out.
pub type Chunks = Pin<Box<dyn Stream<Item = reqwest::Result<bytes::Bytes>>>>;

/// How much of a body that is not a stream is read to show it, and for how long.
pub const BODY_SHOWN: usize = 1024;
const BODY_WAIT: Duration = Duration::from_secs(2);
/// Lines of such a body shown, and characters of each.
const BODY_LINES: usize = 8;
const BODY_LINE_CHARS: usize = 200;

/// The content type `-d` sends unless `-H` gives one, as curl does.
pub const FORM: &str = "application/x-www-form-urlencoded";
/// The content type `--data-json` sends unless `-H` gives one.
pub const JSON: &str = "application/json";

/// The request, sent again as it is on every reconnection.
pub struct Request {
    pub url: reqwest::Url,
    pub method: reqwest::Method,
    /// The user's headers (and the body's content type).
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
}

impl Request {
    /// The request, and the `Last-Event-ID` given with -H, which seeds the
    /// stream's ID instead of being sent as is (later IDs replace it).
    pub fn from_args(url: &str, http: &HttpArgs) -> Result<(Self, Option<String>), Fatal> {
        let usage = |why: String| Fatal::new(Status::Usage, why);
        let parsed = reqwest::Url::parse(url).map_err(|e| usage(format!("{url}: {e}")))?;
        let (body, kind) = match (http.body.as_deref(), http.json_body.as_deref()) {
            (Some(data), _) => (Some(read_body(data)?), Some(FORM)),
            (None, Some(data)) => (Some(read_body(data)?), Some(JSON)),
            (None, None) => (None, None),
        };
        let method = match (&http.method, &body) {
            (Some(method), _) => method.as_str(),
            (None, Some(_)) => "POST",
            (None, None) => "GET",
        };
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| usage(format!("{method:?} is not an HTTP method")))?;
        let mut headers = HeaderMap::new();
        let mut seed = None;
        for header in &http.headers {
            let (name, value) = header.split_once(':').unwrap_or((header, ""));
            let value = value.trim_matches([' ', '\t']);
            let bad = || usage(format!("{header:?} is not a valid header"));
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
            if name == "last-event-id" {
                seed = Some(value.to_string());
                continue;
            }
            let value = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| bad())?;
            headers.append(name, value);
        }
        if let Some(kind) = kind {
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(kind));
            }
        }
        let request = Request {
            url: parsed,
            method,
            headers,
            body,
        };
        Ok((request, seed))
    }

    /// GET (or HEAD): sending it again repeats nothing.
    pub fn is_safe(&self) -> bool {
        self.method == reqwest::Method::GET || self.method == reqwest::Method::HEAD
    }

    /// The request with `extra` headers (the client's: Accept, Cache-Control,
    /// Last-Event-ID); one given with -H replaces the client's of that name,
    /// except the Last-Event-ID, which is the stream's. To `url` when given
    /// (where an earlier attempt was redirected to, as Chromium goes on
    /// there), else to the URL asked for.
    pub fn build<'n, 'v>(
        &self,
        http: &reqwest::Client,
        url: Option<&str>,
        extra: impl IntoIterator<Item = (&'n str, &'v [u8])>,
    ) -> reqwest::RequestBuilder {
        let mut headers = self.headers.clone();
        for (name, value) in extra {
            let users = name != "last-event-id" && headers.contains_key(name);
            if let (false, Ok(value)) = (users, HeaderValue::from_bytes(value)) {
                if let Ok(name) = HeaderName::from_bytes(name.as_bytes()) {
                    headers.insert(name, value);
                }
            }
        }
        let url = url
            .and_then(|url| reqwest::Url::parse(url).ok())
            .unwrap_or_else(|| self.url.clone());
        let mut request = http.request(self.method.clone(), url).headers(headers);
        if let Some(body) = &self.body {
            request = request.body(body.clone());
        }
        request
    }
}

/// `DATA` as it is, or the bytes of `FILE` for `@FILE` (read once, sent as
/// they are: no line break is removed, unlike curl's `-d @FILE`).
fn read_body(data: &str) -> Result<Vec<u8>, Fatal> {
    match data.strip_prefix('@') {
        Some(path) => std::fs::read(path).map_err(|e| Fatal::input(path, &e)),
        None => Ok(data.as_bytes().to_vec()),
    }
}

/// The HTTP client of the command: its own User-Agent, a connect timeout.
pub fn client(url: &str) -> Result<reqwest::Client, Fatal> {
    reqwest::Client::builder()
        .user_agent(concat!("ssewire/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| Fatal::new(Status::Network, format!("{url}: {}", describe(&e))))
}

/// A reqwest error in words: the innermost cause (connection refused, a
/// DNS failure, a TLS error) rather than reqwest's "error sending request".
pub fn describe(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        if let Some(io) = next.downcast_ref::<std::io::Error>() {
            return describe_io(io);
        }
        cause = next;
    }
    if error.is_timeout() {
        "timed out".into()
    } else {
        cause.to_string()
    }
}

/// `HTTP 404 Not Found`.
pub fn status_line(status: u16) -> String {
    let name = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .map_or(String::new(), |name| format!(" {name}"));
    format!("HTTP {status}{name}")
}

/// The start of a body: at most `BODY_SHOWN` bytes, read for at most
/// `BODY_WAIT` (a server may send a head and then nothing). Whether more
/// may have followed.
pub async fn body_start(chunks: &mut Chunks) -> (Vec<u8>, bool) {
    let mut start = Vec::new();
    let read = async {
        while start.len() <= BODY_SHOWN {
            match poll_fn(|cx| chunks.as_mut().poll_next(cx)).await {
                Some(Ok(chunk)) => start.extend_from_slice(&chunk),
                // What was read is still worth showing.
                Some(Err(_)) | None => return false,
            }
        }
        true
    };
    let more = tokio::time::timeout(BODY_WAIT, read).await.unwrap_or(true);
    let cut = more || start.len() > BODY_SHOWN;
    start.truncate(BODY_SHOWN);
    (start, cut)
}

/// A body's start under a message, as lint shows a line: `  | ` before each
/// of its first lines, control characters and bytes that are not UTF-8
/// escaped, `  | ...` where it was cut. Empty for an empty body.
pub fn show_body(start: &[u8], cut: bool) -> String {
    let mut text = String::new();
    let mut lines = start.split(|&b| b == b'\n').peekable();
    let mut shown = 0;
    let mut more = cut;
    while let Some(line) = lines.next() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if lines.peek().is_none() && line.is_empty() {
            break;
        }
        if shown == BODY_LINES {
            more = true;
            break;
        }
        let (escaped, long) = crate::lint::escape(line, BODY_LINE_CHARS);
        text.push_str("\n  | ");
        text.push_str(&escaped);
        if long {
            text.push_str("...");
        }
        shown += 1;
    }
    if more {
        text.push_str("\n  | ...");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::show_body;

    #[test]
    fn bodies_are_shown_escaped_and_cut() {
        assert_eq!(show_body(b"", false), "");
        assert_eq!(show_body(b"not found\n", false), "\n  | not found");
        assert_eq!(
            show_body(b"{\"a\":\x1b[31m1}\r\nline 2", false),
            "\n  | {\"a\":\\x1b[31m1}\n  | line 2"
        );
        assert_eq!(show_body(b"\xff", true), "\n  | \\xff\n  | ...");
        let many = "x\n".repeat(20);
        assert_eq!(
            show_body(many.as_bytes(), false).matches("\n  | x").count(),
            8
        );
        assert!(show_body(many.as_bytes(), false).ends_with("\n  | x\n  | ..."));
    }
}
