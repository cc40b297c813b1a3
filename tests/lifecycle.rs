//! End of stream, reconnects, seeding, limits and their policies.
#![cfg(feature = "alloc")]

use ssewire::{Config, Error, OnLimit, Parser, Step, Storage, StreamEnd, Tokenizer};

/// Feeds all of `input` with `feed`, collecting events, retries, comments and
/// errors as strings.
fn feed_all<S: Storage>(parser: &mut Parser<S>, input: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = input;
    loop {
        let (step, used) = parser.feed(rest);
        rest = &rest[used..];
        match step {
            Ok(Step::Event(e)) => out.push(format!("event {}", e.data_lossy())),
            Ok(Step::Retry(ms)) => out.push(format!("retry {ms}")),
            Ok(Step::Comment { text, truncated }) => out.push(format!(
                "comment {}{}",
                String::from_utf8_lossy(text),
                if truncated { " (truncated)" } else { "" }
            )),
            Ok(Step::NeedInput) => break,
            Ok(other) => panic!("{other:?}"),
            Err(e) => out.push(format!("error {e}")),
        }
    }
    out
}

#[test]
fn finish_reports_clean_or_truncated_with_discarded_bytes() {
    let mut parser = Parser::new(Vec::new());
    assert_eq!(feed_all(&mut parser, b"data: a\n\n"), ["event a"]);
    assert_eq!(parser.finish(), StreamEnd::Clean);
    assert!(feed_all(&mut parser, b"data: a\n\ndata: bc\nda").len() == 1);
    assert_eq!(parser.finish(), StreamEnd::Truncated { discarded: 11 });
}

#[test]
fn dispatch_pending_completes_the_line_and_the_event() {
    let mut parser = Parser::new(Vec::new());
    assert!(feed_all(&mut parser, b"id: 3\ndata: a\ndata: tail").is_empty());
    let event = parser
        .dispatch_pending()
        .expect("an event")
        .expect("no error");
    assert_eq!(event.data(), b"a\ntail");
    assert_eq!(event.id(), b"3");
    assert!(parser.dispatch_pending().is_none(), "once");
    assert_eq!(parser.finish(), StreamEnd::Truncated { discarded: 0 });
    assert_eq!(parser.last_event_id(), b"3");
    // A partial retry line takes effect too, without an event.
    assert!(feed_all(&mut parser, b"retry: 12").is_empty());
    assert!(parser.dispatch_pending().is_none());
    assert_eq!(parser.reconnection_time(), Some(12));
    assert_eq!(parser.finish(), StreamEnd::Truncated { discarded: 0 });
    // Nothing pending: nothing dispatched, a clean end.
    assert!(feed_all(&mut parser, b"data: x\n\n").len() == 1);
    assert!(parser.dispatch_pending().is_none());
    assert_eq!(parser.finish(), StreamEnd::Clean);
    // And `finish` alone discards, as the spec says.
    let mut parser = Parser::new(Vec::new());
    assert!(feed_all(&mut parser, b"id: 3\ndata: a").is_empty());
    assert_eq!(parser.finish(), StreamEnd::Truncated { discarded: 13 });
    assert_eq!(parser.last_event_id(), b"");
}

#[test]
fn reset_keeps_the_last_event_id_and_reconnection_time() {
    let mut parser = Parser::new(Vec::new());
    feed_all(
        &mut parser,
        b"retry: 250\nid: 9\ndata: a\n\nid: 10\ndata: part",
    );
    parser.reset();
    assert_eq!(
        parser.last_event_id(),
        b"9",
        "the uncommitted id 10 is dropped"
    );
    assert_eq!(parser.reconnection_time(), Some(250));
    // BOM detection is re-armed: the new stream's BOM is stripped.
    assert_eq!(
        feed_all(&mut parser, b"\xEF\xBB\xBFdata: b\n\n"),
        ["event b"]
    );
    let mut seen = None;
    let (step, _) = parser.feed(b"data: c\n\n");
    if let Ok(Step::Event(e)) = step {
        seen = Some(e.id().to_vec());
    }
    assert_eq!(
        seen.as_deref(),
        Some(&b"9"[..]),
        "the id carries into the new stream"
    );
}

#[test]
fn the_last_event_id_can_be_seeded() {
    let mut storage = [0u8; 64];
    let mut parser = Parser::new(&mut storage[..]);
    parser.reset_with_last_event_id(b"41").unwrap();
    let (step, _) = parser.feed(b"data: x\n\n");
    assert!(matches!(step, Ok(Step::Event(e)) if e.id() == b"41"));
    assert_eq!(
        parser.reset_with_last_event_id(&[b'x'; 65]),
        Err(Error::IdTooLong { limit: 64 })
    );
    assert_eq!(
        parser.last_event_id(),
        b"41",
        "a refused seed leaves the ID"
    );
}

#[test]
fn stop_policy_drops_input_until_reset() {
    let config = Config::new().max_event_bytes(8).on_limit(OnLimit::Stop);
    let mut parser = Parser::with_config(Vec::new(), config);
    let out = feed_all(&mut parser, b"data: 123456789\n\ndata: ok\n\n");
    // The error once; then nothing, however much is fed.
    assert_eq!(
        out,
        ["error event exceeds the limit of 8 bytes (reached 9 bytes)"]
    );
    assert!(parser.is_stopped());
    assert!(feed_all(&mut parser, b"data: ok\n\n").is_empty());
    assert!(parser.is_stopped());
    parser.reset();
    assert_eq!(feed_all(&mut parser, b"data: ok\n\n"), ["event ok"]);
}

#[test]
fn skip_policy_drops_one_event_and_resumes_after_its_blank_line() {
    let config = Config::new()
        .max_event_bytes(8)
        .on_limit(OnLimit::SkipEvent);
    let mut parser = Parser::with_config(Vec::new(), config);
    let out = feed_all(
        &mut parser,
        b"id: 1\ndata: a\n\nid: 2\ndata: 123\ndata: 456789\nretry: 5\ndata: more\n\ndata: b\n\n",
    );
    assert_eq!(
        out,
        [
            "event a",
            // Committed id "1", new id "2", then "123" + LF + "456789".
            "error event exceeds the limit of 8 bytes (reached 12 bytes)",
            // A retry belongs to no event: it still takes effect.
            "retry 5",
            "event b"
        ]
    );
    // The dropped event's id never took effect.
    assert_eq!(parser.last_event_id(), b"1");
    assert_eq!(parser.reconnection_time(), Some(5));
}

#[test]
fn an_endless_line_is_caught_as_it_arrives() {
    let mut storage = [0u8; 1024];
    let mut parser =
        Parser::with_config(&mut storage[..], Config::new().on_limit(OnLimit::SkipEvent));
    let (step, _) = parser.feed(b"data: ");
    assert!(matches!(step, Ok(Step::NeedInput)));
    let chunk = [b'x'; 100];
    let mut errors = 0;
    for _ in 0..100 {
        let (step, used) = parser.feed(&chunk);
        assert_eq!(used, 100);
        errors += usize::from(step.is_err());
        assert!(parser.retained_bytes() <= 1024);
    }
    assert_eq!(errors, 1);
    assert_eq!(feed_all(&mut parser, b"\n\ndata: next\n\n"), ["event next"]);
}

#[test]
fn unknown_fields_and_skipped_comments_retain_nothing() {
    let mut storage = [0u8; 16];
    let mut parser = Parser::new(&mut storage[..]);
    let mut input = b"unknown-field: ".to_vec();
    input.extend([b'v'; 10_000]);
    input.extend(b"\n: ");
    input.extend([b'c'; 10_000]);
    input.extend(b"\ndata: ok\n\n");
    assert_eq!(feed_all(&mut parser, &input), ["event ok"]);
}

#[test]
fn comments_are_cut_to_their_cap() {
    let config = Config::new().comments(true).max_comment_bytes(4);
    let mut parser = Parser::with_config(Vec::new(), config);
    assert_eq!(
        feed_all(&mut parser, b": abcdef\n"),
        ["comment abcd (truncated)"]
    );
    assert_eq!(feed_all(&mut parser, b": abcd\n"), ["comment abcd"]);
    assert!(feed_all(&mut parser, b": abc").is_empty());
    assert_eq!(
        feed_all(&mut parser, b"def\n"),
        ["comment abcd (truncated)"]
    );
    assert!(feed_all(&mut parser, b": ab").is_empty());
    assert_eq!(feed_all(&mut parser, b"cd\n"), ["comment abcd"]);
}

#[test]
fn strict_utf8_drops_only_the_bad_event() {
    let mut parser = Parser::with_config(Vec::new(), Config::new().strict_utf8(true));
    let out = feed_all(&mut parser, b"data: ok\n\ndata: \xFF\n\ndata: fine\n\n");
    assert_eq!(
        out,
        [
            "event ok",
            "error invalid UTF-8 in the data of an event after 0 valid bytes",
            "event fine"
        ]
    );
}

#[test]
fn an_owned_array_parser_behaves_like_the_others() {
    let mut parser = Parser::new([0u8; 32]);
    assert_eq!(parser.limit(), 32);
    assert_eq!(
        feed_all(&mut parser, b"event: e\ndata: a\ndata: b\n\n"),
        ["event a\nb"]
    );
}

#[test]
fn lent_storage_fits_exactly_its_size() {
    // id (2) + committed id (1) + event type (1) + data (4) = 8 bytes.
    let mut storage = [0u8; 8];
    let mut parser = Parser::new(&mut storage[..]);
    assert_eq!(feed_all(&mut parser, b"id: 1\n\n"), Vec::<String>::new());
    assert_eq!(
        feed_all(&mut parser, b"id: 22\nevent: e\ndata: ab\ndata: c\n\n"),
        ["event ab\nc"]
    );
    assert_eq!(parser.last_event_id(), b"22");
}

#[test]
fn the_tokenizer_keeps_a_few_dozen_bytes() {
    assert!(
        core::mem::size_of::<Tokenizer>() <= 40,
        "{}",
        core::mem::size_of::<Tokenizer>()
    );
}

#[test]
fn errors_name_the_limit() {
    let error = Error::LimitExceeded {
        limit: 10,
        needed: 11,
    };
    assert_eq!(
        error.to_string(),
        "event exceeds the limit of 10 bytes (reached 11 bytes)"
    );
    let _: &dyn std::error::Error = &error;
}

/// A long event type and then many `id` lines (or a long ID and many `event`
/// lines) in one event: each line must cost its own length, not the length of
/// the other field. Sized so that moving the long field on every line (the
/// quadratic layout this replaced) would move about 10^12 bytes: this test
/// would then not finish. Runs in well under a second.
#[test]
fn alternating_event_and_id_lines_stay_linear() {
    const LONG: usize = 4 << 20;
    const LINES: usize = 512 << 10;
    for (long, short) in [
        ("event: ", [&b"id:1\n"[..], b"id:22\n"]),
        ("id: ", [&b"event:1\n"[..], b"event:22\n"]),
    ] {
        let mut input = long.as_bytes().to_vec();
        input.extend(std::iter::repeat(b'v').take(LONG));
        input.push(b'\n');
        for i in 0..LINES {
            input.extend_from_slice(short[i % 2]);
        }
        input.extend_from_slice(b"data: x\n\n");
        // A 4 MiB ID is allowed here on purpose.
        let config = Config::new().max_id_bytes(usize::MAX);
        let mut parser = Parser::with_config(Vec::new(), config);
        assert_eq!(feed_all(&mut parser, &input), ["event x"], "{long}");
        let mut storage = vec![0u8; LONG + 64];
        let mut lent = Parser::with_config(&mut storage[..], config);
        assert_eq!(feed_all(&mut lent, &input), ["event x"], "{long}");
    }
}

/// An `id` value over the ID limit (or the event limit) is an error only
/// when its line ends without a NUL: with a NUL the spec ignores the field
/// and the event stays. The outcome is the same wherever the input is cut,
/// although the bytes past the limit are never stored.
#[test]
fn an_id_over_its_limit_is_judged_at_its_line_end_wherever_the_input_is_cut() {
    let long_with_nul = b"id: 0123456789abcdef\0x\ndata: kept\n\n";
    let long = b"id: 0123456789abcdef\ndata: dropped\n\ndata: next\n\n";
    for (config, input, expected) in [
        (
            Config::new().max_id_bytes(8),
            &long_with_nul[..],
            &["event kept"][..],
        ),
        (
            Config::new().max_event_bytes(12),
            long_with_nul,
            &["event kept"],
        ),
        (
            Config::new().max_id_bytes(8).on_limit(OnLimit::SkipEvent),
            long,
            &["error event ID exceeds the limit of 8 bytes", "event next"],
        ),
    ] {
        for cut in 0..=input.len() {
            let mut parser = Parser::with_config(Vec::new(), config);
            let mut out = feed_all(&mut parser, &input[..cut]);
            out.extend(feed_all(&mut parser, &input[cut..]));
            assert_eq!(out, expected, "cut at {cut}");
            assert_eq!(parser.retained_bytes(), 0, "cut at {cut}");
        }
    }
}
