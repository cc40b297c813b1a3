//! Lines as the spec splits them (CR, LF or CRLF; a CR at the end of one
//! chunk and an LF at the start of the next are one line end), over a stream
//! read in chunks. Keeps one flag between chunks, stores no input.

/// How a line ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnd {
    Lf,
    CrLf,
    Cr,
}

impl LineEnd {
    pub fn name(self) -> &'static str {
        match self {
            LineEnd::Lf => "LF",
            LineEnd::CrLf => "CRLF",
            LineEnd::Cr => "CR",
        }
    }
}

/// Receives a line's bytes (in pieces, where the chunks cut it) and its end.
pub trait Sink {
    /// Bytes of the current line; `offset` is the stream offset of `bytes[0]`.
    fn bytes(&mut self, bytes: &[u8], offset: u64);
    /// The current line ended at `offset` (the offset of its CR or LF).
    fn line_end(&mut self, end: LineEnd, offset: u64);
    /// The stream ended at `offset` (its length).
    fn eof(&mut self, offset: u64);
}

#[derive(Default)]
pub struct Scanner {
    offset: u64,
    /// The last chunk ended with a CR: an LF first in the next one is its pair.
    pending_cr: bool,
}

impl Scanner {
    pub fn feed(&mut self, mut chunk: &[u8], sink: &mut impl Sink) {
        if self.pending_cr && !chunk.is_empty() {
            self.pending_cr = false;
            let cr_at = self.offset - 1;
            if chunk.first() == Some(&b'\n') {
                sink.line_end(LineEnd::CrLf, cr_at);
                self.advance(&mut chunk, 1);
            } else {
                sink.line_end(LineEnd::Cr, cr_at);
            }
        }
        while !chunk.is_empty() {
            let Some(at) = chunk.iter().position(|&b| b == b'\r' || b == b'\n') else {
                sink.bytes(chunk, self.offset);
                self.offset += chunk.len() as u64;
                return;
            };
            if at > 0 {
                sink.bytes(&chunk[..at], self.offset);
                self.advance(&mut chunk, at);
            }
            let end_at = self.offset;
            match (chunk.first(), chunk.get(1)) {
                (Some(b'\n'), _) => {
                    sink.line_end(LineEnd::Lf, end_at);
                    self.advance(&mut chunk, 1);
                }
                (_, Some(b'\n')) => {
                    sink.line_end(LineEnd::CrLf, end_at);
                    self.advance(&mut chunk, 2);
                }
                (_, Some(_)) => {
                    sink.line_end(LineEnd::Cr, end_at);
                    self.advance(&mut chunk, 1);
                }
                // A CR last in the chunk: the next chunk says which end it is.
                _ => {
                    self.pending_cr = true;
                    self.advance(&mut chunk, 1);
                }
            }
        }
    }

    pub fn finish(&mut self, sink: &mut impl Sink) {
        if std::mem::take(&mut self.pending_cr) {
            // A CR as the very last byte ends its line.
            sink.line_end(LineEnd::Cr, self.offset - 1);
        }
        sink.eof(self.offset);
    }

    fn advance(&mut self, chunk: &mut &[u8], n: usize) {
        *chunk = chunk.get(n..).unwrap_or_default();
        self.offset += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Record(Vec<String>);

    impl Sink for Record {
        fn bytes(&mut self, bytes: &[u8], offset: u64) {
            self.0
                .push(format!("{offset}:{}", String::from_utf8_lossy(bytes)));
        }
        fn line_end(&mut self, end: LineEnd, offset: u64) {
            self.0.push(format!("{offset}:{}", end.name()));
        }
        fn eof(&mut self, offset: u64) {
            self.0.push(format!("{offset}:eof"));
        }
    }

    /// Lines and ends, with the pieces of a line joined: the same whatever
    /// the chunking.
    fn lines(chunks: &[&[u8]]) -> Vec<String> {
        let mut record = Record::default();
        let mut scanner = Scanner::default();
        for chunk in chunks {
            scanner.feed(chunk, &mut record);
        }
        scanner.finish(&mut record);
        let mut joined: Vec<String> = Vec::new();
        let mut text = String::new();
        for item in record.0 {
            let (_, what) = item.split_once(':').unwrap_or_default();
            if ["LF", "CR", "CRLF", "eof"].contains(&what) {
                joined.push(format!("{text}|{item}"));
                text.clear();
            } else {
                text.push_str(what);
            }
        }
        joined
    }

    #[test]
    fn every_line_end_at_every_split() {
        let stream: &[u8] = b"a\r\nb\rc\n\r\rd";
        let whole = lines(&[stream]);
        assert_eq!(
            whole,
            ["a|1:CRLF", "b|4:CR", "c|6:LF", "|7:CR", "|8:CR", "d|10:eof"]
        );
        for at in 0..=stream.len() {
            assert_eq!(
                lines(&[&stream[..at], &stream[at..]]),
                whole,
                "split at {at}"
            );
        }
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(lines(&bytes), whole);
        // A final CR ends its line.
        assert_eq!(lines(&[b"x\r"]), ["x|1:CR", "|2:eof"]);
        assert_eq!(lines(&[b"x\r", b""]), ["x|1:CR", "|2:eof"]);
    }
}
