//! Whether a `Content-Type` is `text/event-stream`.

/// Whether a `Content-Type` header value names `text/event-stream`: any ASCII
/// case, spaces or tabs around it, any parameters after a `;`
/// (`text/event-stream;charset=utf-8`, `TEXT/Event-Stream ; x=y`). Look-alikes
/// (`text/event-streamx`, `text/plain`) are refused. Parameters are not
/// checked: a browser ignores them too.
///
/// ```
/// use ssewire::is_event_stream;
///
/// assert!(is_event_stream(b"text/event-stream"));
/// assert!(is_event_stream(b" TEXT/Event-Stream ; charset=utf-8"));
/// assert!(!is_event_stream(b"text/event-streamx"));
/// assert!(!is_event_stream(b"text/plain"));
/// ```
pub fn is_event_stream(content_type: &[u8]) -> bool {
    let essence = match content_type.iter().position(|&b| b == b';') {
        Some(at) => content_type.split_at(at).0,
        None => content_type,
    };
    trim_ows(essence).eq_ignore_ascii_case(b"text/event-stream")
}

/// `bytes` without HTTP's optional white space (space, tab) at either end
/// (also for the reconnecting client's header values).
pub(crate) fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::is_event_stream;

    #[test]
    fn accepts_parameters_case_and_spacing() {
        for yes in [
            &b"text/event-stream"[..],
            b"text/event-stream;charset=utf-8",
            b"TEXT/Event-Stream ; x=y",
            b"\ttext/event-stream\t",
            b"text/event-stream;",
        ] {
            assert!(is_event_stream(yes), "{yes:?}");
        }
    }

    #[test]
    fn refuses_look_alikes() {
        for no in [
            &b"text/event-streamx"[..],
            b"text/plain",
            b"",
            b"text/event-stream x",
            b"text /event-stream",
            b"xtext/event-stream",
            b"text/event-strea",
            b";text/event-stream",
        ] {
            assert!(!is_event_stream(no), "{no:?}");
        }
    }
}
