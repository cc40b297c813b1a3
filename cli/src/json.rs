//! JSON string literals for the JSON-lines protocol of `spec-fixtures/`.

use std::fmt::Write as _;

/// Appends `text` as a JSON string literal. Escapes every control character
/// (C0, DEL and C1, which holds NEL, U+0085) and U+2028/U+2029, so that no
/// character a line splitter breaks at (Python's `str.splitlines` breaks at
/// U+000B, U+000C, U+001C-U+001E and U+0085 too) is left raw: one JSON line
/// stays one line for every reader.
pub fn string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    fn json(text: &str) -> String {
        let mut out = String::new();
        super::string(text, &mut out);
        out
    }

    #[test]
    fn escapes_what_json_and_line_readers_need() {
        assert_eq!(json("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(json("\n\r\t\0\u{1f}"), r#""\n\r\t\u0000\u001f""#);
        assert_eq!(json("\u{2028}\u{2029}"), r#""\u2028\u2029""#);
        assert_eq!(
            json("a\u{85}b\u{80}\u{9f}\u{a0}"),
            "\"a\\u0085b\\u0080\\u009f\u{a0}\""
        );
        // Nothing a line splitter breaks at is left raw.
        for c in [
            '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}',
            '\u{2029}',
        ] {
            let out = json(&format!("a{c}b"));
            assert_eq!(out.lines().count(), 1, "{c:?}");
            assert!(!out.contains(c), "{c:?} left raw");
        }
        assert_eq!(json("é\u{FFFD}"), "\"é\u{FFFD}\"");
        // Whatever we print parses back to the same text.
        for text in ["plain", "\u{0}\u{7f}\u{85}\u{2028}\"\\", "😀\r\n"] {
            let back: String = serde_json::from_str(&json(text)).expect("valid JSON");
            assert_eq!(back, text);
        }
    }
}
