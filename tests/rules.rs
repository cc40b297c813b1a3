//! One test per rule of the spec (WHATWG HTML, "Server-sent events", §9.2.5
//! and §9.2.6). Each runs the stream through every layer and chunking against
//! the reference model (`check`), then also states the expected result by
//! hand, so neither is trusted alone.

use ssewire_testkit::drive::{check, ev as ev_of};
use ssewire_testkit::reference::EndKind;

#[test]
fn bom_is_stripped_once_at_the_start() {
    let out = check(b"\xEF\xBB\xBFdata: a\n\n");
    assert_eq!(out.events, [ev_of("message", "a", "")]);
    // A second BOM is part of the first field name, which then matches nothing.
    let out = check(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n");
    assert_eq!(out.events, [ev_of("message", "b", "")]);
    // A BOM later on is content.
    let out = check(b"data: a\n\n\xEF\xBB\xBFdata: b\n\ndata: \xEF\xBB\xBFc\n\n");
    assert_eq!(
        out.events,
        [ev_of("message", "a", ""), ev_of("message", "\u{FEFF}c", "")]
    );
    // A partial BOM starts an unknown field name.
    let out = check(b"\xEF\xBBdata: a\n\ndata: b\n\n");
    assert_eq!(out.events, [ev_of("message", "b", "")]);
    assert_eq!(check(b"\xEF\xBB\xBF").end, EndKind::Clean);
    assert_eq!(check(b"\xEF\xBB").end, EndKind::Incomplete);
}

#[test]
fn line_ends_cr_lf_crlf_mixed() {
    for stream in [
        &b"data: a\n\ndata: b\n\n"[..],
        b"data: a\r\rdata: b\r\r",
        b"data: a\r\n\r\ndata: b\r\n\r\n",
        b"data: a\r\n\ndata: b\r\r\n",
        b"data: a\n\r\ndata: b\n\r",
    ] {
        let out = check(stream);
        assert_eq!(
            out.events,
            [ev_of("message", "a", ""), ev_of("message", "b", "")],
            "{stream:?}"
        );
        assert_eq!(out.end, EndKind::Clean);
    }
    // CR LF is one line end, LF CR is two.
    let out = check(b"data: a\r\ndata: b\n\rdata: c\r\n\r\n");
    assert_eq!(
        out.events,
        [ev_of("message", "a\nb", ""), ev_of("message", "c", "")]
    );
    // A CR storm dispatches nothing by itself.
    assert!(check(b"\r\r\r\r\n\r\n\n\r").events.is_empty());
}

#[test]
fn a_final_cr_ends_the_line() {
    let out = check(b"data: a\n\r");
    assert_eq!(out.events, [ev_of("message", "a", "")]);
    assert_eq!(out.end, EndKind::Clean);
}

#[test]
fn only_one_leading_space_is_removed() {
    let out = check(b"data:  two\ndata:\tt\ndata:none\n\n");
    assert_eq!(out.events, [ev_of("message", " two\n\tt\nnone", "")]);
}

#[test]
fn only_the_first_colon_splits() {
    let out = check(b"data: a:b: c\n\n");
    assert_eq!(out.events, [ev_of("message", "a:b: c", "")]);
}

#[test]
fn a_colonless_line_is_a_name_with_an_empty_value() {
    let out = check(b"data\n\ndata\ndata\n\n");
    assert_eq!(
        out.events,
        [ev_of("message", "", ""), ev_of("message", "\n", "")]
    );
    let out = check(b"event\ndata: x\n\nid\n\n");
    assert_eq!(out.events, [ev_of("message", "x", "")]);
}

#[test]
fn field_names_are_case_sensitive_and_exact() {
    let out = check(b"Data: a\nDATA: b\n data: c\ndata : d\ndata\t: e\n\ndata: f\n\n");
    assert_eq!(out.events, [ev_of("message", "f", "")]);
}

#[test]
fn data_lines_join_with_lf_and_empty_data_dispatches() {
    let out = check(b"data: a\ndata:\ndata: b\n\ndata:\n\n");
    assert_eq!(
        out.events,
        [ev_of("message", "a\n\nb", ""), ev_of("message", "", "")]
    );
}

#[test]
fn no_data_no_event_and_the_type_is_reset() {
    let out = check(b"event: a\n\ndata: x\n\nevent: b\nevent: c\ndata: y\n\n");
    assert_eq!(out.events, [ev_of("message", "x", ""), ev_of("c", "y", "")]);
    // `event:` with an empty value means "message".
    let out = check(b"event: a\nevent:\ndata: z\n\n");
    assert_eq!(out.events, [ev_of("message", "z", "")]);
}

#[test]
fn id_persists_resets_and_ignores_nul() {
    let out = check(b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 2\0x\ndata: d\n\n");
    assert_eq!(
        out.events,
        [
            ev_of("message", "a", "1"),
            ev_of("message", "b", "1"),
            ev_of("message", "c", ""),
            ev_of("message", "d", ""),
        ]
    );
    // An id with NUL keeps the old one, not empty.
    let out = check(b"id: 7\n\nid: \0\ndata: e\n\n");
    assert_eq!(out.events, [ev_of("message", "e", "7")]);
    assert_eq!(out.last_event_id, "7");
}

#[test]
fn id_alone_updates_the_last_event_id_at_the_blank_line() {
    let out = check(b"id: 5\n\n");
    assert!(out.events.is_empty());
    assert_eq!(out.last_event_id, "5");
    // Without its blank line, it never takes effect.
    let out = check(b"id: 5\n\nid: 6\n");
    assert_eq!(out.last_event_id, "5");
    assert_eq!(out.end, EndKind::Incomplete);
}

#[test]
fn retry_takes_only_ascii_digits() {
    let out = check(
        b"retry: 1000\nretry: +5\nretry: -5\nretry: 5.0\nretry:  5\nretry: 5 \nretry:\nretry\nretry: 007\n\n",
    );
    assert_eq!(out.retries, [1000, 7]);
    let out =
        check(b"retry: 4294967296\nretry: 18446744073709551615\nretry: 18446744073709551616\n");
    assert_eq!(out.retries, [4_294_967_296, u64::MAX]);
    // A retry needs no event, and applies at once.
    assert_eq!(out.end, EndKind::Clean);
    let mut digits = b"retry: ".to_vec();
    digits.extend(std::iter::repeat(b'9').take(1000));
    digits.push(b'\n');
    assert!(check(&digits).retries.is_empty());
}

#[test]
fn unknown_fields_and_comments_are_ignored() {
    let out = check(b": comment\nfoo: bar\n:\n:no space\ndata: x\n\n");
    assert_eq!(out.events, [ev_of("message", "x", "")]);
    assert_eq!(out.comments, ["comment", "", "no space"]);
}

#[test]
fn nul_and_non_ascii_stay_in_data() {
    let out = check(b"data: a\0b\ndata: \xE2\x80\xA8\xC2\x85\n\n");
    assert_eq!(out.events, [ev_of("message", "a\0b\n\u{2028}\u{85}", "")]);
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    let out = check(b"data: \xFF\xE2\x82\ndata: \xAC\xED\xA0\x80ok\n\n");
    assert_eq!(
        out.events,
        [ev_of(
            "message",
            "\u{FFFD}\u{FFFD}\n\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}ok",
            ""
        )]
    );
}

#[test]
fn the_pending_event_at_end_of_stream_is_discarded() {
    let out = check(b"data: a\n\ndata: b\n");
    assert_eq!(out.events, [ev_of("message", "a", "")]);
    assert_eq!(out.end, EndKind::Incomplete);
    let out = check(b"data: a\n\ndata: b");
    assert_eq!(out.end, EndKind::Incomplete);
    // Comments, retry and unknown lines leave the stream clean.
    assert_eq!(
        check(b"data: a\n\n: ping\nretry: 5\nfoo\n").end,
        EndKind::Clean
    );
    // But an unterminated line never is.
    assert_eq!(check(b": ping").end, EndKind::Incomplete);
    assert_eq!(check(b"").end, EndKind::Clean);
}
