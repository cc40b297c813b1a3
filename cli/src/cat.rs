//! `ssewire cat`: a stream's events as JSON lines or, on a terminal, readable.

use std::io::{self, IsTerminal, Write};

use ssewire::{Config, Error, Event, Handler, OnLimit, Parser, StreamEnd};

use crate::exit::{Fatal, Status};
use crate::input::{self, Source};
use crate::style::{self, Paint};
use crate::{json, url, CatArgs};

pub fn run(args: &CatArgs) -> Result<Status, Fatal> {
    let source = Source::parse(args.input.as_deref());
    if let Source::Url(url) = &source {
        // A live stream: every event is flushed as it comes.
        let mut out = Printer::new(args, true);
        return url::run(url, args, parser(args), &mut out);
    }
    let mut opened = source.open()?;
    let mut parser = parser(args);
    let mut out = Printer::new(args, opened.live);
    let mut chunk = vec![0u8; input::CHUNK];
    let name = source.name();
    let end = loop {
        let n = input::read_chunk(&mut opened.reader, &mut chunk, name)?;
        if n == 0 {
            break Some(parser.finish());
        }
        // `feed_all` pauses right after the event --until-data waits for:
        // the rest of the chunk is left unread.
        parser.feed_all(chunk.get(..n).unwrap_or_default(), &mut out);
        out.check()?;
        if out.done {
            break None;
        }
        out.result = out.out.flush();
        out.check()?;
    };
    out.write_end(end, parser.last_event_id());
    out.result = out.out.flush();
    out.check()?;
    Ok(out.status(matches!(end, Some(StreamEnd::Truncated { .. }))))
}

/// The parser `cat` reads with, files and URLs alike.
fn parser(args: &CatArgs) -> Parser<Vec<u8>> {
    let config = Config::new()
        .comments(args.comments)
        .max_event_bytes(args.max_event_size)
        // An ID is part of an event: bounded as one unless told otherwise.
        .max_id_bytes(args.max_id_size.unwrap_or(args.max_event_size))
        .strict_utf8(args.strict_utf8)
        // One bad event is reported and skipped: the rest is still worth seeing.
        .on_limit(OnLimit::SkipEvent);
    Parser::with_config(Vec::new(), config)
}

fn out_error(error: &io::Error) -> Fatal {
    Fatal::new(
        Status::Input,
        format!("<stdout>: {}", crate::exit::describe_io(error)),
    )
}

enum Format {
    Json,
    Pretty(Paint),
}

/// Writes what the parser hands out; keeps the first write failure.
pub struct Printer<'a> {
    out: io::BufWriter<io::StdoutLock<'a>>,
    format: Format,
    line: String,
    until_data: Option<&'a [u8]>,
    /// Live input: flush after every event, not only after every chunk.
    flush_each: bool,
    /// --until-data matched.
    done: bool,
    stream_errors: usize,
    result: io::Result<()>,
}

impl<'a> Printer<'a> {
    pub fn new(args: &'a CatArgs, flush_each: bool) -> Self {
        let format = if std::io::stdout().is_terminal() && !args.json {
            Format::Pretty(Paint {
                on: style::stdout_colour(),
            })
        } else {
            Format::Json
        };
        Printer {
            out: io::BufWriter::new(io::stdout().lock()),
            format,
            line: String::new(),
            until_data: args.until_data.as_deref().map(str::as_bytes),
            flush_each,
            done: false,
            stream_errors: 0,
            result: Ok(()),
        }
    }

    /// The exit status once the stream is over: a dropped event first, then
    /// an end inside an event.
    pub fn status(&self, incomplete: bool) -> Status {
        if self.stream_errors > 0 {
            Status::Stream
        } else if incomplete {
            Status::Failed
        } else {
            Status::Ok
        }
    }

    /// Writes what is buffered; a failure is kept for `check`.
    pub fn flush(&mut self) {
        if self.result.is_ok() {
            self.result = self.out.flush();
        }
    }

    fn write_line(&mut self) {
        if self.result.is_ok() {
            self.result = writeln!(self.out, "{}", self.line);
            if self.flush_each && self.result.is_ok() {
                self.result = self.out.flush();
            }
        }
    }

    /// Ends the command on a write failure; a closed pipe (`| head`) ends it
    /// quietly and successfully.
    pub fn check(&mut self) -> Result<(), Fatal> {
        match std::mem::replace(&mut self.result, Ok(())) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Fatal::quiet()),
            Err(e) => Err(out_error(&e)),
        }
    }

    pub fn write_end(&mut self, end: Option<StreamEnd>, last_event_id: &[u8]) {
        let id = String::from_utf8_lossy(last_event_id);
        let end = match end {
            Some(StreamEnd::Clean) => "clean",
            Some(_) => "incomplete",
            // Stopped by --until-data: the stream did not end, it was left.
            None => "stopped",
        };
        self.line.clear();
        match self.format {
            // The protocol's end line is optional: a stream left before its
            // end has none.
            Format::Json if end == "stopped" => return,
            Format::Json => {
                self.line.push_str("{\"end\": \"");
                self.line.push_str(end);
                self.line.push_str("\", \"last_event_id\": ");
                json::string(&id, &mut self.line);
                self.line.push('}');
            }
            Format::Pretty(paint) => {
                let text = match end {
                    "clean" => paint.green("end: clean"),
                    "incomplete" => {
                        paint.red("end: incomplete (an event without its blank line was dropped)")
                    }
                    _ => paint.dim("stopped (--until-data)"),
                };
                self.line.push_str(&text);
                if !id.is_empty() {
                    self.line
                        .push_str(&paint.dim(&format!("  last id {}", quoted(&id))));
                }
            }
        }
        self.write_line();
    }
}

impl Handler for Printer<'_> {
    fn event(&mut self, event: Event<'_>) {
        self.line.clear();
        match self.format {
            Format::Json => {
                self.line.push_str("{\"type\": ");
                json::string(&event.event_type_lossy(), &mut self.line);
                self.line.push_str(", \"data\": ");
                json::string(&event.data_lossy(), &mut self.line);
                self.line.push_str(", \"id\": ");
                json::string(&event.id_lossy(), &mut self.line);
                self.line.push('}');
            }
            Format::Pretty(paint) => {
                self.line
                    .push_str(&paint.bold(&paint.cyan(&visible(&event.event_type_lossy()))));
                if !event.id().is_empty() {
                    self.line
                        .push_str(&paint.dim(&format!("  id {}", quoted(&event.id_lossy()))));
                }
                for data_line in event.data_lossy().split('\n') {
                    self.line.push_str("\n  ");
                    self.line.push_str(&visible(data_line));
                }
            }
        }
        self.write_line();
        if self.until_data.is_some_and(|stop| stop == event.data()) {
            self.done = true;
        }
    }

    fn retry(&mut self, ms: u64) {
        self.line.clear();
        match self.format {
            Format::Json => self.line.push_str(&format!("{{\"retry\": {ms}}}")),
            Format::Pretty(paint) => self.line.push_str(&paint.dim(&format!("retry {ms} ms"))),
        }
        self.write_line();
    }

    fn comment(&mut self, text: &[u8], truncated: bool) {
        let text = String::from_utf8_lossy(text);
        self.line.clear();
        match self.format {
            Format::Json => {
                self.line.push_str("{\"comment\": ");
                json::string(&text, &mut self.line);
                self.line.push('}');
            }
            Format::Pretty(paint) => {
                let cut = if truncated { " (cut)" } else { "" };
                self.line
                    .push_str(&paint.dim(&format!(": {}{cut}", visible(&text))));
            }
        }
        self.write_line();
    }

    fn error(&mut self, error: Error) {
        self.stream_errors += 1;
        eprintln!("ssewire: event dropped: {error}");
    }

    fn pause(&self) -> bool {
        self.done
    }
}

/// A string in double quotes with control characters escaped.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.escape_debug())
}

/// A data line for a terminal: control characters escaped so they cannot
/// move the cursor or change colours.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
