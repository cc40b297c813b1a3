//! Findings as text (`FILE:LINE:COL: SEVERITY[RULE]: MESSAGE`, the line and
//! a caret) or as JSON lines.

use std::io::{self, Write};

use super::rules::{Finding, Report, Severity};
use crate::style::Paint;

/// Widest line shown under a finding, in characters.
const SHOWN: usize = 100;

/// Writes findings as they come, and counts them.
pub struct Printer<W> {
    pub out: W,
    pub name: String,
    pub json: bool,
    pub paint: Paint,
    pub errors: u64,
    pub warnings: u64,
    /// The first write failure; later findings are not written.
    pub result: io::Result<()>,
}

impl<W: Write> Report for Printer<W> {
    fn finding(&mut self, finding: Finding) {
        match finding.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self.result.is_ok() {
            let text = if self.json {
                self.json_line(&finding)
            } else {
                self.human(&finding)
            };
            self.result = self.out.write_all(text.as_bytes());
        }
    }
}

impl<W: Write> Printer<W> {
    /// A finding about a URL's response (its status or a header), which has
    /// no place in the body: `URL: SEVERITY[RULE]: MESSAGE`, with the start
    /// of the body under it when given (in JSON, position keys are `null`).
    pub fn response(&mut self, rule: &'static str, message: &str, body: Option<(&[u8], bool)>) {
        let severity = super::rules::severity(rule);
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self.result.is_err() {
            return;
        }
        let text = if self.json {
            let mut line = String::from("{\"file\": ");
            crate::json::string(&self.name, &mut line);
            line.push_str(&format!(
                ", \"offset\": null, \"line\": null, \"column\": null, \"severity\": \"{}\", \"rule\": \"{rule}\", \"message\": ",
                severity.name()
            ));
            crate::json::string(message, &mut line);
            if let Some((start, _)) = body {
                line.push_str(", \"body\": ");
                crate::json::string(&String::from_utf8_lossy(start), &mut line);
            }
            line.push_str("}\n");
            line
        } else {
            let p = self.paint;
            let shown = match severity {
                Severity::Error => p.red("error"),
                Severity::Warning => p.yellow("warning"),
            };
            let head = format!("{}:", self.name);
            let mut text = format!("{} {shown}[{rule}]: {}", p.bold(&head), p.bold(message));
            if let Some((start, cut)) = body {
                text.push_str(&crate::request::show_body(start, cut));
            }
            text.push('\n');
            text
        };
        self.result = self.out.write_all(text.as_bytes());
    }

    /// Keys in reading order: where, how bad, what.
    fn json_line(&self, f: &Finding) -> String {
        let mut line = String::from("{\"file\": ");
        crate::json::string(&self.name, &mut line);
        line.push_str(&format!(
            ", \"offset\": {}, \"line\": {}, \"column\": {}, \"severity\": \"{}\", \"rule\": \"{}\", \"message\": ",
            f.offset,
            f.line,
            f.column,
            f.severity.name(),
            f.rule
        ));
        crate::json::string(&f.message, &mut line);
        line.push_str("}\n");
        line
    }

    fn human(&self, f: &Finding) -> String {
        let p = self.paint;
        let severity = match f.severity {
            Severity::Error => p.red("error"),
            Severity::Warning => p.yellow("warning"),
        };
        let head = format!("{}:{}:{}:", self.name, f.line, f.column);
        let mut text = format!(
            "{} {severity}[{}]: {}\n",
            p.bold(&head),
            f.rule,
            p.bold(&f.message)
        );
        // The caret goes under the column's byte, if that byte is shown.
        let before = usize::try_from(f.column - 1).unwrap_or(usize::MAX);
        let (shown, cut) = escape(&f.text, SHOWN);
        let more = if cut || f.text_cut { "..." } else { "" };
        let caret_at = if before <= f.text.len() {
            let (prefix, prefix_cut) = escape(&f.text[..before], SHOWN);
            if prefix_cut {
                None
            } else {
                Some(prefix.chars().count())
            }
        } else {
            None
        };
        let gutter = p.dim("  | ");
        text.push_str(&format!("{gutter}{shown}{}\n", p.dim(more)));
        let caret_at = caret_at.unwrap_or(shown.chars().count() + more.len());
        text.push_str(&format!(
            "{gutter}{}{}\n",
            " ".repeat(caret_at),
            p.green("^")
        ));
        text
    }
}

/// Bytes for one terminal line: text as it is, control characters, a BOM
/// and bytes that are not UTF-8 as escapes. Cut after `max` characters;
/// says whether it was.
pub fn escape(bytes: &[u8], max: usize) -> (String, bool) {
    let mut out = String::new();
    let mut count = 0;
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            let piece = match c {
                '\t' => "\\t".to_string(),
                '\0' => "\\0".to_string(),
                '\u{feff}' => "\\u{feff}".to_string(),
                c if c.is_control() => format!("\\x{:02x}", u32::from(c)),
                c => c.to_string(),
            };
            if count + piece.chars().count() > max {
                return (out, true);
            }
            count += piece.chars().count();
            out.push_str(&piece);
        }
        for b in chunk.invalid() {
            if count + 4 > max {
                return (out, true);
            }
            count += 4;
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_and_cuts() {
        assert_eq!(
            escape(b"data: \xFF\0\t\xEF\xBB\xBFok", 100),
            ("data: \\xff\\0\\t\\u{feff}ok".to_string(), false)
        );
        assert_eq!(escape("é😀".as_bytes(), 100), ("é😀".to_string(), false));
        assert_eq!(escape(b"abcdef", 4), ("abcd".to_string(), true));
        assert_eq!(escape(b"ab\xFF", 4), ("ab".to_string(), true));
    }
}
