//! `sse_cat`: reads an event stream from a file (or stdin) as it arrives and
//! prints one JSON object per line, in stream order:
//!
//! - `{"type": ..., "data": ..., "id": ...}` for each dispatched event (`id` is
//!   the last event ID in force at dispatch);
//! - `{"retry": N}` for each accepted `retry` field;
//! - `{"comment": ...}` for each comment, with `--comments`;
//! - last, `{"end": "clean"|"incomplete", "last_event_id": ...}`.
//!
//! This is the JSON-lines protocol of `spec-fixtures/` (see its README).
//!
//! ```text
//! cargo run --example sse_cat -- examples/data/chat.sse
//! curl -sN https://example.com/stream | cargo run --example sse_cat -- --comments
//! ```

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::process::ExitCode;

use ssewire::{Config, Event, Handler, Parser, StreamEnd};

fn main() -> ExitCode {
    let mut comments = false;
    let mut path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--comments" => comments = true,
            "-h" | "--help" => {
                println!("usage: sse_cat [--comments] [FILE]   (stdin when no FILE)");
                return ExitCode::SUCCESS;
            }
            _ if path.is_none() => path = Some(arg),
            _ => {
                eprintln!("sse_cat: unexpected argument {arg:?}");
                return ExitCode::from(2);
            }
        }
    }
    let result = match &path {
        Some(path) => std::fs::File::open(path).and_then(|file| run(file, comments)),
        None => run(io::stdin().lock(), comments),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `sse_cat ... | head`: the reader left, which is fine.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sse_cat: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Feeds the stream to a parser chunk by chunk, as it arrives.
fn run(mut reader: impl Read, comments: bool) -> io::Result<()> {
    let mut parser = Parser::with_config(Vec::new(), Config::new().comments(comments));
    let mut out = JsonLines {
        out: io::BufWriter::new(io::stdout().lock()),
        line: String::new(),
        result: Ok(()),
    };
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        parser.feed_all(chunk.get(..n).unwrap_or_default(), &mut out);
        std::mem::replace(&mut out.result, Ok(()))?;
        // Interactive streams: show each chunk's events as they arrive.
        out.out.flush()?;
    }
    let end = match parser.finish() {
        StreamEnd::Clean => "clean",
        StreamEnd::Truncated { .. } => "incomplete",
    };
    let line = &mut out.line;
    line.clear();
    line.push_str("{\"end\": \"");
    line.push_str(end);
    line.push_str("\", \"last_event_id\": ");
    json_string(&String::from_utf8_lossy(parser.last_event_id()), line);
    line.push('}');
    writeln!(out.out, "{line}")?;
    out.out.flush()
}

/// Writes what the parser hands out as JSON lines; keeps the first failure.
struct JsonLines<W> {
    out: W,
    line: String,
    result: io::Result<()>,
}

impl<W: Write> JsonLines<W> {
    fn write_line(&mut self, fill: impl FnOnce(&mut String)) {
        if self.result.is_ok() {
            self.line.clear();
            fill(&mut self.line);
            self.result = writeln!(self.out, "{}", self.line);
        }
    }
}

impl<W: Write> Handler for JsonLines<W> {
    fn event(&mut self, event: Event<'_>) {
        self.write_line(|out| {
            out.push_str("{\"type\": ");
            json_string(&event.event_type_lossy(), out);
            out.push_str(", \"data\": ");
            json_string(&event.data_lossy(), out);
            out.push_str(", \"id\": ");
            json_string(&event.id_lossy(), out);
            out.push('}');
        });
    }

    fn retry(&mut self, ms: u64) {
        self.write_line(|out| {
            let _ = write!(out, "{{\"retry\": {ms}}}");
        });
    }

    fn comment(&mut self, text: &[u8], _truncated: bool) {
        self.write_line(|out| {
            out.push_str("{\"comment\": ");
            json_string(&String::from_utf8_lossy(text), out);
            out.push('}');
        });
    }

    fn error(&mut self, error: ssewire::Error) {
        if self.result.is_ok() {
            self.result = Err(io::Error::new(io::ErrorKind::InvalidData, error));
        }
    }
}

/// A JSON string literal. Escapes control characters, and U+2028/U+2029 so
/// that readers splitting on Unicode line separators stay safe.
fn json_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 || c == '\u{2028}' || c == '\u{2029}' || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::json_string;

    fn json(text: &str) -> String {
        let mut out = String::new();
        json_string(text, &mut out);
        out
    }

    #[test]
    fn escapes_what_json_and_line_readers_need() {
        assert_eq!(json("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(json("\n\r\t\0\u{1f}"), r#""\n\r\t\u0000\u001f""#);
        assert_eq!(json("\u{2028}\u{2029}"), r#""\u2028\u2029""#);
        assert_eq!(json("é\u{FFFD}"), "\"é\u{FFFD}\"");
        // Whatever we print parses back to the same text.
        for text in ["plain", "\u{0}\u{7f}\u{2028}\"\\", "😀\r\n"] {
            let back: String = serde_json::from_str(&json(text)).unwrap();
            assert_eq!(back, text);
        }
    }
}
