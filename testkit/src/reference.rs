//! The reference model: the WHATWG event-stream rules transcribed as plainly as
//! possible over a whole input. Slow and obviously correct; every other test
//! (and the fuzz targets, which include this file) compares against it.
//!
//! Spec: HTML §9.2.5 "Parsing an event stream", §9.2.6 "Interpreting an event
//! stream". Project choices (see the crate docs): a `retry` value above
//! `u64::MAX` is ignored; comments are the text after the colon with one
//! leading space removed; `end` is "incomplete" when the stream ends inside a
//! line, or after a `data`, `event` or `id` line with no blank line since.
#![allow(dead_code)]

/// One dispatched event, as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ev {
    pub event_type: String,
    pub data: String,
    pub id: String,
}

/// Whether the stream ended between events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndKind {
    Clean,
    Incomplete,
}

/// Everything a stream produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub events: Vec<Ev>,
    pub retries: Vec<u64>,
    pub last_event_id: String,
    pub end: EndKind,
    /// Bytes after the last blank line (or the BOM) when the end is
    /// incomplete; 0 when clean.
    pub discarded: u64,
    pub comments: Vec<String>,
}

/// Runs the model over a whole stream.
pub fn parse(input: &[u8]) -> Outcome {
    parse_with_id(input, "")
}

/// Runs the model over a whole stream whose last event ID starts as `seed`.
pub fn parse_with_id(input: &[u8], seed: &str) -> Outcome {
    // "UTF-8 decode": one leading BOM is stripped, errors become U+FFFD.
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let text = String::from_utf8_lossy(input);
    let (lines, tail) = split_lines(&text);

    let mut out = Outcome {
        events: Vec::new(),
        retries: Vec::new(),
        last_event_id: seed.to_string(),
        end: EndKind::Clean,
        discarded: 0,
        comments: Vec::new(),
    };
    let mut data = String::new();
    let mut event_type = String::new();
    let mut id_buffer = seed.to_string();
    let mut in_event = false;

    for line in lines {
        if line.is_empty() {
            // Dispatch.
            out.last_event_id = id_buffer.clone();
            in_event = false;
            if data.is_empty() {
                event_type.clear();
                continue;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            out.events.push(Ev {
                event_type: if event_type.is_empty() {
                    "message".to_string()
                } else {
                    event_type.clone()
                },
                data: std::mem::take(&mut data),
                id: id_buffer.clone(),
            });
            event_type.clear();
            continue;
        }
        if let Some(comment) = line.strip_prefix(':') {
            out.comments
                .push(comment.strip_prefix(' ').unwrap_or(comment).to_string());
            continue;
        }
        let (name, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line, ""),
        };
        match name {
            "data" => {
                in_event = true;
                data.push_str(value);
                data.push('\n');
            }
            "event" => {
                in_event = true;
                event_type = value.to_string();
            }
            "id" => {
                in_event = true;
                if !value.contains('\0') {
                    id_buffer = value.to_string();
                }
            }
            "retry" => {
                // Only ASCII digits (`parse` alone would take "+5"); a value
                // past u64::MAX is ignored (a project choice).
                let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
                if let (true, Ok(ms)) = (digits, value.parse::<u64>()) {
                    out.retries.push(ms);
                }
            }
            _ => {}
        }
    }
    if in_event || !tail.is_empty() {
        out.end = EndKind::Incomplete;
        out.discarded = bytes_after_last_blank_line(input);
    }
    out
}

/// Counts the bytes after the last blank line. Works on bytes: CR and LF never
/// occur inside a UTF-8 sequence, so lines are the same as in the text.
fn bytes_after_last_blank_line(input: &[u8]) -> u64 {
    let mut after_blank = 0;
    let mut line_start = 0;
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'\r' || input[i] == b'\n' {
            let blank = i == line_start;
            i += if input[i] == b'\r' && input.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            line_start = i;
            if blank {
                after_blank = i;
            }
        } else {
            i += 1;
        }
    }
    (input.len() - after_blank) as u64
}

/// Splits on CRLF, LF and CR; returns the terminated lines and what follows
/// the last line end.
fn split_lines(text: &str) -> (Vec<&str>, &str) {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' => {
                lines.push(&text[start..i]);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            b'\n' => {
                lines.push(&text[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    (lines, &text[start..])
}
