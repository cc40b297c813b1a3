//! The lint rules, applied line by line as the scanner hands lines out.
//! Memory is bounded: of each line only its first `KEPT` bytes (to show it)
//! and its first `NAME_MAX` bytes of field name are kept.

use super::scan::{LineEnd, Sink};

/// Bytes of a line kept to show it under a finding.
pub const KEPT: usize = 256;
/// Longest field name looked at; longer ones are unknown anyway.
const NAME_MAX: usize = 32;
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
const KNOWN: [&str; 4] = ["data", "event", "id", "retry"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Every rule: name, severity, what it means (for `--help` and the README).
/// The last six are about the response of a URL.
pub const RULES: [(&str, Severity, &str); 20] = [
    ("no-final-blank-line", Severity::Error, "the stream ends without a blank line after the last event, or inside a line: clients drop it"),
    ("mixed-line-ends", Severity::Warning, "line ends differ from the first one (LF, CRLF, CR)"),
    ("cr-line-end", Severity::Warning, "a line ends with a lone CR, which many clients do not take as a line end"),
    ("field-name-space", Severity::Error, "a field name with leading spaces (` data:`): an unknown field, ignored"),
    ("field-name-case", Severity::Error, "a field name in another case (`Data:`): names are case-sensitive, the line is ignored"),
    ("unknown-field", Severity::Warning, "a field other than data, event, id, retry: ignored by clients"),
    ("data-continuation", Severity::Error, "a line that is not a field right after a data line: the rest of a multi-line value sent without its own `data:`, lost"),
    ("invalid-retry", Severity::Error, "a retry value that is not only ASCII digits (or is over 2^64-1): ignored"),
    ("id-with-nul", Severity::Error, "an id containing NUL: ignored, the last event ID stays as it was"),
    ("no-data", Severity::Warning, "an event type without data: no event is dispatched"),
    ("bom-not-at-start", Severity::Error, "a byte-order mark after the first bytes: it is the character U+FEFF, and at a line start it breaks the field name"),
    ("invalid-utf8", Severity::Error, "bytes that are not UTF-8: clients show U+FFFD"),
    ("line-too-long", Severity::Warning, "a line longer than --max-line-size: clients with line buffers fail"),
    ("event-too-large", Severity::Error, "an event whose lines exceed --max-event-size: clients with that limit drop it"),
    ("http-status", Severity::Error, "URL: a status other than 200: EventSource fails (a 204 tells it to stop)"),
    ("content-type", Severity::Error, "URL: a Content-Type other than text/event-stream: EventSource fails the connection"),
    ("cache-control", Severity::Warning, "URL: no Cache-Control with no-cache or no-store: a cache or proxy may keep or hold the stream"),
    ("content-encoding", Severity::Error, "URL: a compressed body the request did not ask for: clients read compressed bytes (and compression holds events back)"),
    ("proxy-buffering", Severity::Warning, "URL: X-Accel-Buffering other than `no`: nginx holds events back until its buffer fills"),
    ("content-length", Severity::Warning, "URL: a Content-Length: a body of fixed size, written whole rather than as events come"),
];

/// One thing to fix.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub offset: u64,
    /// 1-based.
    pub line: u64,
    /// 1-based, in bytes.
    pub column: u64,
    /// The start of the line it is on, at most `KEPT` bytes.
    pub text: Vec<u8>,
    /// The line was longer than `text`.
    pub text_cut: bool,
}

/// Where findings go as soon as they are known.
pub trait Report {
    fn finding(&mut self, finding: Finding);
}

/// Where the current line is in its syntax.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Before the first byte of a line (or after the leading BOM).
    Start,
    Comment,
    Name,
    /// Just after the colon: one space there is not part of the value.
    ValueStart,
    Value,
}

/// A UTF-8 sequence in progress: continuation bytes still needed and the
/// range allowed for the next one (which rules out overlong forms and
/// surrogates).
#[derive(Clone, Copy, Default)]
struct Utf8 {
    need: u8,
    low: u8,
    high: u8,
    start: u64,
}

pub struct Checker<R> {
    pub report: R,
    max_line: u64,
    max_event: u64,

    // The line in progress.
    line: u64,
    line_start: u64,
    kept: Vec<u8>,
    part: Part,
    name: Vec<u8>,
    name_long: bool,
    /// Offset of the value's first byte.
    value_at: u64,
    retry_value: Option<u64>,
    retry_empty: bool,
    retry_digits: bool,
    nul_at: Option<u64>,
    utf8: Utf8,
    /// Findings on this line, sent out with its text at its end.
    pending: Vec<(&'static str, u64, String)>,
    utf8_reported: bool,
    bom_reported: bool,
    /// Bytes of a BOM matched so far, and where it began.
    bom_matched: usize,
    bom_at: u64,
    /// The stream began with the BOM the spec strips.
    bom_stripped: bool,

    // The block since the last blank line.
    block_line: u64,
    block_offset: u64,
    block_text: Vec<u8>,
    block_text_cut: bool,
    block_bytes: u64,
    block_data: bool,
    block_fields: bool,
    block_event: bool,
    /// The last line was a `data` line, or a line that continues one: a line
    /// that is not a field now is lost data.
    after_data: bool,
    /// This line is a `data` line or continues one.
    data_line: bool,

    // The stream.
    /// Events dispatched (a blank line after data).
    pub events: u64,
    first_end: Option<LineEnd>,
    mixed_reported: bool,
    cr_reported: bool,
}

impl<R: Report> Checker<R> {
    pub fn new(report: R, max_line: usize, max_event: usize) -> Self {
        Checker {
            report,
            max_line: max_line as u64,
            max_event: max_event as u64,
            line: 1,
            line_start: 0,
            kept: Vec::new(),
            part: Part::Start,
            name: Vec::new(),
            name_long: false,
            value_at: 0,
            retry_value: Some(0),
            retry_empty: true,
            retry_digits: true,
            nul_at: None,
            utf8: Utf8::default(),
            pending: Vec::new(),
            utf8_reported: false,
            bom_reported: false,
            bom_matched: 0,
            bom_at: 0,
            bom_stripped: false,
            block_line: 0,
            block_offset: 0,
            block_text: Vec::new(),
            block_text_cut: false,
            block_bytes: 0,
            block_data: false,
            block_fields: false,
            block_event: false,
            after_data: false,
            data_line: false,
            events: 0,
            first_end: None,
            mixed_reported: false,
            cr_reported: false,
        }
    }

    fn flag(&mut self, rule: &'static str, offset: u64, message: String) {
        self.pending.push((rule, offset, message));
    }

    /// Sends a finding about any position on the current line.
    fn emit(&mut self, rule: &'static str, offset: u64, message: String) {
        let finding = Finding {
            rule,
            severity: severity(rule),
            message,
            offset,
            line: self.line,
            column: offset - self.line_start + 1,
            text: self.kept.clone(),
            text_cut: self.line_len(offset) > self.kept.len() as u64,
        };
        self.report.finding(finding);
    }

    /// Bytes of the current line before its content: the stream's leading
    /// BOM, on the first line.
    fn stripped(&self) -> u64 {
        if self.line_start == 0 && self.bom_stripped {
            BOM.len() as u64
        } else {
            0
        }
    }

    fn line_len(&self, end: u64) -> u64 {
        end.max(self.line_start) - self.line_start
    }

    fn byte(&mut self, b: u8, offset: u64) {
        self.check_utf8(b, offset);
        self.step(b, offset);
        // After the step: the stream's leading BOM is taken back out of the name.
        self.check_bom(b, offset);
    }

    fn step(&mut self, b: u8, offset: u64) {
        match self.part {
            Part::Start if b == b':' => self.part = Part::Comment,
            Part::Start | Part::Name => {
                if b == b':' {
                    self.part = Part::ValueStart;
                    self.value_at = offset + 1;
                } else if self.name.len() < NAME_MAX {
                    self.part = Part::Name;
                    self.name.push(b);
                } else {
                    self.part = Part::Name;
                    self.name_long = true;
                }
            }
            Part::ValueStart | Part::Value => {
                if self.part == Part::ValueStart {
                    self.part = Part::Value;
                    if b == b' ' {
                        self.value_at = offset + 1;
                        return;
                    }
                }
                self.value_byte(b, offset);
            }
            Part::Comment => {}
        }
    }

    fn value_byte(&mut self, b: u8, offset: u64) {
        match self.name.as_slice() {
            b"retry" => {
                self.retry_empty = false;
                let digit = b.checked_sub(b'0').filter(|d| *d <= 9);
                self.retry_digits &= digit.is_some();
                self.retry_value = self
                    .retry_value
                    .and_then(|v| v.checked_mul(10)?.checked_add(u64::from(digit?)));
            }
            b"id" if b == 0 && self.nul_at.is_none() => self.nul_at = Some(offset),
            _ => {}
        }
    }

    fn check_utf8(&mut self, b: u8, offset: u64) {
        let u = &mut self.utf8;
        if u.need > 0 {
            if (u.low..=u.high).contains(&b) {
                u.need -= 1;
                u.low = 0x80;
                u.high = 0xBF;
                return;
            }
            let start = u.start;
            u.need = 0;
            self.bad_utf8(start);
            // This byte starts something new: check it again.
        }
        let (need, low, high) = match b {
            0x00..=0x7F => return,
            0xC2..=0xDF => (1, 0x80, 0xBF),
            0xE0 => (2, 0xA0, 0xBF),
            0xED => (2, 0x80, 0x9F),
            0xE1..=0xEF => (2, 0x80, 0xBF),
            0xF0 => (3, 0x90, 0xBF),
            0xF1..=0xF3 => (3, 0x80, 0xBF),
            0xF4 => (3, 0x80, 0x8F),
            _ => return self.bad_utf8(offset),
        };
        self.utf8 = Utf8 {
            need,
            low,
            high,
            start: offset,
        };
    }

    fn bad_utf8(&mut self, offset: u64) {
        if !self.utf8_reported {
            self.utf8_reported = true;
            self.flag(
                "invalid-utf8",
                offset,
                "invalid UTF-8: clients show U+FFFD here".into(),
            );
        }
    }

    fn check_bom(&mut self, b: u8, offset: u64) {
        if b == BOM[self.bom_matched] {
            if self.bom_matched == 0 {
                self.bom_at = offset;
            }
            self.bom_matched += 1;
        } else {
            self.bom_matched = usize::from(b == BOM[0]);
            self.bom_at = offset;
        }
        if self.bom_matched < BOM.len() {
            return;
        }
        self.bom_matched = 0;
        if self.bom_at == 0 {
            // The one BOM the spec strips: not part of the first field name.
            self.bom_stripped = true;
            self.name.clear();
            self.part = Part::Start;
        } else if !self.bom_reported {
            self.bom_reported = true;
            let at_line_start = self.bom_at == self.line_start + self.stripped();
            let message = if at_line_start {
                "a byte-order mark at a line start: it becomes part of the field name, which then matches nothing"
            } else {
                "a byte-order mark inside a line: clients read it as U+FEFF"
            };
            self.flag("bom-not-at-start", self.bom_at, message.into());
        }
    }

    /// The line in progress is complete: apply the field rules to it.
    fn end_line(&mut self, end_offset: u64) {
        let len = self.line_len(end_offset);
        let stripped = self.stripped();
        if self.utf8.need > 0 {
            self.utf8.need = 0;
            let start = self.utf8.start;
            self.bad_utf8(start);
        }
        self.data_line = false;
        if len == stripped {
            self.blank_line();
        } else {
            if self.block_line == 0 {
                self.block_line = self.line;
                self.block_offset = self.line_start;
                self.block_text = self.kept.clone();
                self.block_text_cut = len > self.kept.len() as u64;
            }
            if self.part != Part::Comment {
                self.field(end_offset);
            }
        }
        self.after_data = self.data_line;
        if len > self.max_line {
            let message = format!(
                "line of {len} bytes, over --max-line-size {}",
                self.max_line
            );
            self.flag("line-too-long", self.line_start + self.max_line, message);
        }
        for (rule, offset, message) in std::mem::take(&mut self.pending) {
            self.emit(rule, offset, message);
        }
    }

    fn field(&mut self, end_offset: u64) {
        let name = self.name.clone();
        match name.as_slice() {
            b"data" => {
                self.block_data = true;
                self.block_fields = true;
                self.data_line = true;
            }
            b"event" => {
                self.block_fields = true;
                self.block_event = true;
            }
            b"id" => {
                self.block_fields = true;
                if let Some(at) = self.nul_at {
                    self.flag(
                        "id-with-nul",
                        at,
                        "id with NUL: clients ignore this line, the last event ID stays as it was"
                            .into(),
                    );
                }
            }
            b"retry" => {
                if self.retry_empty || self.retry_value.is_none() {
                    let what = if self.retry_empty {
                        "empty"
                    } else if self.retry_digits {
                        "over 18446744073709551615"
                    } else {
                        "not only ASCII digits"
                    };
                    // `retry` without a colon: the value is empty, at the line end.
                    let at = if self.part == Part::Name {
                        end_offset
                    } else {
                        self.value_at
                    };
                    self.flag(
                        "invalid-retry",
                        at,
                        format!("retry value is {what}: clients ignore it"),
                    );
                }
            }
            _ => self.odd_name(&name),
        }
    }

    /// A name that is not a field: say why, if it looks like one.
    fn odd_name(&mut self, name: &[u8]) {
        let shown = super::report::escape(name, 40).0;
        let trimmed = name.trim_ascii_start();
        let start = self.line_start;
        if trimmed.len() < name.len()
            && KNOWN
                .iter()
                .any(|k| k.as_bytes().eq_ignore_ascii_case(trimmed))
        {
            self.flag(
                "field-name-space",
                start,
                format!("field name \"{shown}\" has leading spaces: clients ignore this line"),
            );
        } else if let Some(known) = KNOWN
            .iter()
            .find(|k| k.as_bytes().eq_ignore_ascii_case(name))
        {
            self.flag(
                "field-name-case",
                start,
                format!("field name \"{shown}\" is not \"{known}\": names are case-sensitive, clients ignore this line"),
            );
        } else if self.after_data && !name.starts_with(&BOM) {
            // better-sse's `data:tick 3\nline two: 3\nline three`: the
            // lines after the first are the data's, each needed `data:`.
            self.data_line = true;
            let more = if self.name_long { "..." } else { "" };
            self.flag(
                "data-continuation",
                start,
                format!("\"{shown}{more}\" is not a field and follows a data line: if it continues the data, clients drop it (each line of data needs its own `data:`)"),
            );
        } else if !name.starts_with(&BOM) {
            let more = if self.name_long { "..." } else { "" };
            self.flag(
                "unknown-field",
                start,
                format!("unknown field \"{shown}{more}\": clients ignore it"),
            );
        }
    }

    fn blank_line(&mut self) {
        if self.block_line != 0 {
            // An `id` alone is a way to set the last event ID; an event type
            // alone is an event that never comes.
            if self.block_data {
                self.events += 1;
            }
            if self.block_event && !self.block_data {
                let message = "an event type without data: no event is dispatched".to_string();
                self.emit_block("no-data", message);
            }
            if self.block_bytes > self.max_event {
                let message = format!(
                    "event of {} bytes, over --max-event-size {}",
                    self.block_bytes, self.max_event
                );
                self.emit_block("event-too-large", message);
            }
        }
        self.block_line = 0;
        self.block_bytes = 0;
        self.block_data = false;
        self.block_fields = false;
        self.block_event = false;
    }

    /// Sends a finding about the block since the last blank line, shown at
    /// its first line.
    fn emit_block(&mut self, rule: &'static str, message: String) {
        let finding = Finding {
            rule,
            severity: severity(rule),
            message,
            offset: self.block_offset,
            line: self.block_line,
            column: 1,
            text: self.block_text.clone(),
            text_cut: self.block_text_cut,
        };
        self.report.finding(finding);
    }

    fn start_line(&mut self, offset: u64) {
        self.line_start = offset;
        self.value_at = offset;
        self.kept.clear();
        self.part = Part::Start;
        self.name.clear();
        self.name_long = false;
        self.retry_value = Some(0);
        self.retry_empty = true;
        self.retry_digits = true;
        self.nul_at = None;
        self.utf8_reported = false;
        self.bom_reported = false;
        self.bom_matched = 0;
    }
}

pub fn severity(rule: &str) -> Severity {
    RULES
        .iter()
        .find(|(name, _, _)| *name == rule)
        .map_or(Severity::Error, |(_, severity, _)| *severity)
}

impl<R: Report> Sink for Checker<R> {
    fn bytes(&mut self, bytes: &[u8], offset: u64) {
        let room = KEPT.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&bytes[..room.min(bytes.len())]);
        for (at, &b) in (offset..).zip(bytes) {
            self.byte(b, at);
        }
    }

    fn line_end(&mut self, end: LineEnd, offset: u64) {
        let len = if end == LineEnd::CrLf { 2 } else { 1 };
        self.end_line(offset);
        match self.first_end {
            None => self.first_end = Some(end),
            Some(first) if first != end && !self.mixed_reported => {
                self.mixed_reported = true;
                let message = format!(
                    "line ends with {}, earlier lines with {}: one kind throughout is safer",
                    end.name(),
                    first.name()
                );
                self.emit("mixed-line-ends", offset, message);
            }
            Some(_) => {}
        }
        if end == LineEnd::Cr && !self.cr_reported {
            self.cr_reported = true;
            self.emit(
                "cr-line-end",
                offset,
                "a line ends with a lone CR: many clients wait for an LF".into(),
            );
        }
        // The line end belongs to the block too.
        let line_bytes = offset - self.line_start + len;
        if self.block_line != 0 {
            self.block_bytes += line_bytes;
        }
        self.line += 1;
        self.start_line(offset + len);
    }

    fn eof(&mut self, offset: u64) {
        let unterminated = offset > self.line_start + self.stripped();
        if unterminated {
            if self.utf8.need > 0 {
                let start = self.utf8.start;
                self.bad_utf8(start);
            }
            for (rule, at, message) in std::mem::take(&mut self.pending) {
                self.emit(rule, at, message);
            }
            self.emit(
                "no-final-blank-line",
                offset,
                "the last line has no line end: clients never read it".into(),
            );
        } else if self.block_fields {
            let message = if self.block_data {
                "no blank line after the last event: clients drop it"
            } else {
                "no blank line after the last lines"
            };
            self.emit_block("no-final-blank-line", message.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::scan::Scanner;
    use super::*;

    impl Report for Vec<Finding> {
        fn finding(&mut self, finding: Finding) {
            self.push(finding);
        }
    }

    fn check(chunks: &[&[u8]]) -> Vec<String> {
        let mut checker = Checker::new(Vec::new(), 40, 60);
        let mut scanner = Scanner::default();
        for chunk in chunks {
            scanner.feed(chunk, &mut checker);
        }
        scanner.finish(&mut checker);
        checker
            .report
            .iter()
            .map(|f| {
                let text = String::from_utf8_lossy(&f.text);
                format!("{}@{}:{}:{} {text:?}", f.rule, f.offset, f.line, f.column)
            })
            .collect()
    }

    /// Every rule in one stream: the same findings whatever the chunking.
    #[test]
    fn findings_do_not_depend_on_chunks() {
        let stream: &[u8] = b"\xEF\xBB\xBFdata: a\n\n Data: b\r\nDATA: c\rfoo:\nretry: 1x\n\
            id: \0\nevent: e\n\n\xEF\xBB\xBFid: 1\ndata: \xF0\x9F\x98\n\
            data: 0123456789012345678901234567890123456789\n\ndata: \xEF\xBB";
        let whole = check(&[stream]);
        let rules: Vec<&str> = whole.iter().filter_map(|f| f.split('@').next()).collect();
        assert_eq!(
            rules,
            [
                "field-name-space",
                "mixed-line-ends",
                "field-name-case",
                "cr-line-end",
                "unknown-field",
                "invalid-retry",
                "id-with-nul",
                "no-data",
                "bom-not-at-start",
                "invalid-utf8",
                "line-too-long",
                "event-too-large",
                "invalid-utf8",
                "no-final-blank-line",
            ],
            "{whole:#?}"
        );
        for at in 0..=stream.len() {
            let (a, b) = stream.split_at(at);
            assert_eq!(check(&[a, b]), whole, "split at {at}");
        }
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(check(&bytes), whole, "byte by byte");
    }

    /// Streams of the bytes that matter, from a fixed generator: the same
    /// findings whole, at every split point and byte by byte.
    #[test]
    fn generated_streams_do_not_depend_on_chunks() {
        let alphabet: &[&[u8]] = &[
            b"data",
            b"event",
            b"id",
            b"retry",
            b"Data",
            b"x",
            b":",
            b" ",
            b"\r",
            b"\n",
            b"\r\n",
            b"\0",
            b"7",
            b"\xEF\xBB\xBF",
            b"\xEF",
            b"\xC3",
            b"\xA9",
            b"\xFF",
            b"0123456789abcdef0123456789abcdef0123456789",
        ];
        let mut seed: u64 = 0x5EED;
        let mut seen = std::collections::BTreeMap::new();
        for _ in 0..300 {
            let mut stream = Vec::new();
            let pieces = 1 + (seed >> 33) % 24;
            for _ in 0..pieces {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let piece = alphabet[(seed >> 33) as usize % alphabet.len()];
                stream.extend_from_slice(piece);
            }
            let whole = check(&[&stream]);
            for finding in &whole {
                let rule = finding.split('@').next().unwrap_or_default();
                *seen.entry(rule.to_string()).or_insert(0) += 1;
            }
            for at in 0..=stream.len() {
                let (a, b) = stream.split_at(at);
                assert_eq!(check(&[a, b]), whole, "{stream:?} split at {at}");
            }
            let bytes: Vec<&[u8]> = stream.chunks(1).collect();
            assert_eq!(check(&bytes), whole, "{stream:?} byte by byte");
        }
        // The streams reach the rules that depend on the line before.
        for rule in ["data-continuation", "unknown-field", "mixed-line-ends"] {
            assert!(seen.get(rule).is_some_and(|n| *n >= 3), "{rule}: {seen:?}");
        }
    }
}
